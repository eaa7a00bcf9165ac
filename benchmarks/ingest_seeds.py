"""Ingest accuracy on the curated seeds: each shipped seed text re-ingested into the registry stripped of its
events, facts and corroborations, and the candidates compared with the curated records (issue 17's targets).

One command: ``.venv/bin/python benchmarks/ingest_seeds.py [--core-actors-only] [--missed] [--wrong]``.
``--core-actors-only`` keeps only ``actors/core.yml`` as the gazetteer (the other actors were curated from these
seeds, which flatters actor matching); ``--missed`` lists curated events no candidate overlaps; ``--wrong`` lists,
for each matched event, the slots the best candidate got wrong.
"""

from __future__ import annotations

import argparse

from covered.ingest.evaluate import SourceScore, evaluate_source, slot_errors
from covered.registry import load_registry

TARGETS = {"recall": 0.9, "precision": 0.7, "vendors": 0.95, "action": 0.8, "date": 0.8}


def _row(name: str, part: int, whole: int, target: float | None) -> str:
    share = part / whole if whole else 0.0
    mark = "" if target is None else (" met" if share >= target else " **not met**")
    goal = "" if target is None else f"≥ {target:.0%}{mark}"
    return f"| {name} | {part} / {whole} ({share:.1%}) | {goal} |"


def main() -> None:
    """Print the table (and, if asked, the misses and slot errors)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core-actors-only", action="store_true", help="gazetteer: actors/core.yml only")
    parser.add_argument("--missed", action="store_true", help="list curated events no candidate overlaps")
    parser.add_argument("--wrong", action="store_true", help="list slot disagreements of matched events")
    args = parser.parse_args()
    registry = load_registry()
    total = SourceScore("total")
    for source in registry.sources.values():
        if source.file is None or registry.text(source.id) is None:
            continue
        score = evaluate_source(registry, source.id, core_actors_only=args.core_actors_only)
        total.add(score)
    print("| measure | seeds | target (issue 17) |")
    print("|---|---|---|")
    print(f"| curated events | {total.events} | |")
    print(_row("events proposed with an overlapping quote (recall)", total.events_found, total.events, 0.9))
    print(
        _row(
            "event candidates matching a curated event (precision)",
            total.event_candidates_matching,
            total.event_candidates,
            0.7,
        )
    )
    print(_row("all candidates matching a curated event or fact", total.candidates_matching, total.candidates, None))
    print(_row("vendors right (same set)", total.vendors_right, total.events_found, 0.95))
    print(_row("action right", total.action_right, total.events_found, 0.8))
    print(_row("date right (same value)", total.date_right, total.events_found, 0.8))
    print(_row("status right", total.status_right, total.events_found, None))
    if args.missed:
        print("\nmissed:", ", ".join(total.missed))
    if args.wrong:
        for line in slot_errors(total):
            print(line)


if __name__ == "__main__":
    main()
