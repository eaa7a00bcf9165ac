"""Re-ingest the four seed documents (read in place from the shared folder) into the registry stripped of its
events, facts and corroborations, and compare the candidates with the curated records.

The floors below sit under what docs/ingest.md reports, so a change that loses recall or precision fails here;
the issue's targets (90% recall, 70% precision) are measured and reported there, not asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.ingest.evaluate import SourceScore, evaluate_source
from covered.ingest.pipeline import ingest_file
from covered.registry import Registry

SEEDS = Path(__file__).parents[2] / ".." / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed folder is not here")


@pytest.fixture(scope="module")
def scores(registry: Registry) -> dict[str, SourceScore]:
    out: dict[str, SourceScore] = {}
    for source in registry.sources.values():
        if source.file is not None and (SEEDS / source.file).is_file():
            out[source.id] = evaluate_source(registry, source.id, path=SEEDS / source.file)
    if not out:
        pytest.skip("no seed file found in the shared folder")
    return out


def test_seed_recall_and_precision_floors(scores: dict[str, SourceScore]) -> None:
    total = SourceScore("total")
    for score in scores.values():
        total.add(score)
    assert total.events >= 80
    assert total.events_found / total.events >= 0.85, total.missed
    assert total.event_candidates_matching / total.event_candidates >= 0.6
    assert total.candidates_matching / total.candidates >= 0.75
    assert total.vendors_right / total.events_found >= 0.8
    assert total.action_right / total.events_found >= 0.75
    assert total.date_right / total.events_found >= 0.65


def test_the_compilation_is_split_into_dated_segments(registry: Registry) -> None:
    source = registry.sources["seed-002-ipvm-italian-compilation"]
    assert source.file is not None
    ingested = ingest_file(SEEDS / source.file, registry)
    assert len(ingested.segments) >= 5
    assert ingested.language[0] == "it"
    dated = [segment for segment in ingested.segments if segment.anchor.value is not None]
    # A segment that prints no date keeps an unknown anchor (said in its basis), never a guessed one.
    assert len(dated) * 3 >= len(ingested.segments) * 2
    for segment in dated:
        assert segment.anchor.value is not None
        assert 2019 <= int(segment.anchor.value[:4]) <= 2024
    starts = [segment.start for segment in ingested.segments]
    assert starts == sorted(starts)
    assert starts[0] == 0


def test_every_quote_is_verbatim_and_the_registry_finds_its_own_events(registry: Registry) -> None:
    source = registry.sources["seed-002-ipvm-italian-compilation"]
    assert source.file is not None
    ingested = ingest_file(SEEDS / source.file, registry)
    for candidate in ingested.candidates:
        assert ingested.text[candidate.quote_start : candidate.quote_end] == candidate.quote
    # Against the full registry, many event candidates are reports of events it already holds.
    events = [c for c in ingested.candidates if c.kind == "event"]
    duplicates = [c for c in events if c.duplicate_of and not c.duplicate_of.startswith("candidate:")]
    assert len(duplicates) >= len(events) // 4
    assert all(d.duplicate_of in registry.events for d in duplicates)
