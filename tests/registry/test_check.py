"""The shipped registry passes its own check; the check catches what it promises to catch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from covered.registry import check_registry, default_data_dir, load_registry
from covered.registry.registry import Registry

DATA = default_data_dir()


def _records(folder: str) -> list[tuple[str, dict[str, object]]]:
    out = []
    for path in sorted((DATA / folder).glob("*.yml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append((f"{path.name}:{record.get('id', record.get('record'))}", record))
    return out


QUOTED = _records("events") + _records("facts") + _records("corroborations")


def _span(source_id: str, segment_id: str | None) -> str:
    sources = {r["id"]: r for _, r in _records("sources")}
    source = sources[source_id]
    text = (DATA / "texts" / str(source["file"])).read_text(encoding="utf-8")
    if segment_id is None:
        return text
    segment = next(s for s in source["segments"] if s["id"] == segment_id)
    return text[segment["start"] : segment["end"]]


@pytest.mark.parametrize(("where", "record"), QUOTED, ids=[w for w, _ in QUOTED])
def test_every_quote_is_verbatim_in_its_source(where: str, record: dict[str, object]) -> None:
    # Independent of covered.registry.check: read the YAML and the text directly.
    span = _span(str(record["source"]), record.get("segment"))  # type: ignore[arg-type]
    plain = re.sub("[\u00a0\u202f]", " ", span)
    quote = re.sub("[\u00a0\u202f]", " ", str(record["quote"]))
    assert quote in plain, where


def test_registry_is_clean(registry: Registry) -> None:
    assert [str(p) for p in check_registry(registry)] == []


def test_registry_meets_issue_minimums(registry: Registry) -> None:
    assert len(registry.events) >= 70
    assert len(registry.facts) >= 100
    assert len(registry.rules) == 42  # every entry of shared/research/regulations.json
    assert {"hikvision", "dahua", "huawei", "zte", "hytera"} <= set(registry.vendors)


def _edit_first(path: Path, field: str, transform: object) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, text in enumerate(lines):
        if text.lstrip().startswith(f"{field}:"):
            lines[number] = transform(text)  # type: ignore[operator]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return number + 1
    raise AssertionError(f"no {field} line in {path}")


def test_altered_quote_is_reported_at_its_record(data_copy: Path) -> None:
    path = sorted((data_copy / "events").glob("*.yml"))[0]
    _edit_first(path, "quote", lambda t: t.replace("quote: ", "quote: ZZZ ", 1))
    problems = check_registry(load_registry(data_copy))
    assert len(problems) == 1
    assert problems[0].path == path
    assert "quote not found verbatim" in problems[0].message


def test_non_breaking_spaces_are_tolerated(tmp_path: Path, registry: Registry) -> None:
    # Seed 001 contains U+00A0 where a curator types a plain space.
    text = registry._texts("001_c24108397dda95f9.txt")
    start = text.index("\u00a0")
    window = text[max(0, start - 30) : start + 30]
    assert "\u00a0" in window
    from covered.registry.check import normalise_quote_text

    assert normalise_quote_text(window.replace("\u00a0", " ")) in normalise_quote_text(text)


def test_segment_gap_is_reported(data_copy: Path) -> None:
    path = data_copy / "sources" / "seed-002-ipvm-italian-compilation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("start: 4419", "start: 4420", 1), encoding="utf-8")
    problems = [p.message for p in check_registry(load_registry(data_copy))]
    assert any("starts at 4420, expected 4419" in m for m in problems)


def test_deleting_events_trips_the_declared_minimum(data_copy: Path) -> None:
    for path in (data_copy / "events").glob("*.yml"):
        path.unlink()
    for path in (data_copy / "corroborations").glob("*.yml"):
        path.unlink()
    problems = [p.message for p in check_registry(load_registry(data_copy))]
    assert any(re.search(r"expected at least \d+ event records, found 0", m) for m in problems)


def test_unknown_jurisdiction_is_reported(data_copy: Path) -> None:
    (data_copy / "actors" / "zz.yml").write_text(
        "- {id: atlantis, name: Atlantis, type: national_government, jurisdiction: XQ}\n", encoding="utf-8"
    )
    problems = [str(p) for p in check_registry(load_registry(data_copy))]
    assert any("zz.yml:1: jurisdiction 'XQ' is not ISO 3166" in p for p in problems)


def test_no_maker_name_is_a_bare_company_form(registry: Registry) -> None:
    """'Cisco Systems, Inc.' written as a YAML flow list splits into 'Cisco Systems' and 'Inc.'."""
    forms = {"inc", "inc.", "ltd", "ltd.", "co", "co.", "llc", "corp", "corp.", "gmbh", "ag", "ab", "sa", "s.a."}
    names = [(v.id, n) for v in registry.vendors.values() for n in (v.name, *v.legal_names, *v.aliases)]
    names += [(b.id, n) for b in registry.brands.values() for n in (b.name, *b.aliases)]
    bad = [(rid, n) for rid, n in names if n.strip().casefold() in forms]
    assert not bad
