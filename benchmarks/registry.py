"""Registry benchmarks: load time of the shipped data; filter and search latency at 100,000 events.

Run: ``python benchmarks/registry.py`` (``--events N`` to change the synthetic size).
Each figure is set beside a naive peer measured in the same run: a fresh-process load for the
load time, a linear scan over the same events for filters, and a case-folded substring scan over the
same text for search. Targets (issue 3): load < 1 s, any filter < 50 ms, any search < 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from covered.model import Action, DatePrecision, DateRef, Event, EventStatus, Reason
from covered.registry import EventQuery, Registry, load_registry


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time in milliseconds over ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def synthetic_registry(base: Registry, size: int, seed: int = 7) -> Registry:
    """The shipped registry with its events replaced by ``size`` varied copies of them."""
    rng = random.Random(seed)
    templates = list(base.events.values())
    actors = list(base.actors)
    vendors = list(base.vendors)
    events: dict[str, Event] = {}
    for n in range(size):
        template = templates[n % len(templates)]
        year = rng.randint(2015, 2026)
        precision = rng.choice([DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.UNKNOWN])
        value = {
            DatePrecision.DAY: f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            DatePrecision.MONTH: f"{year}-{rng.randint(1, 12):02d}",
            DatePrecision.YEAR: str(year),
            DatePrecision.UNKNOWN: None,
        }[precision]
        event = template.model_copy(
            update={
                "id": f"{template.id}-syn{n}",
                "actor": rng.choice(actors),
                "vendors": rng.sample(vendors, rng.randint(1, 3)),
                "action": rng.choice(list(Action)),
                "reason": rng.choice(list(Reason)),
                "status": rng.choice(list(EventStatus)),
                "date": DateRef(value=value, precision=precision),
                "related": [],
            }
        )
        events[event.id] = event
    records = dict(base.records)
    records["event"] = events
    return Registry(data_dir=base.data_dir, records=records, locations=base.locations, corroborations=[])


def naive_filter(registry: Registry, query: EventQuery) -> list[Event]:
    """The peer: one pass over every event testing each condition."""
    out = []
    for event in registry.events.values():
        actor = registry.actors[event.actor]
        if query.vendors and not query.vendors & set(event.vendors):
            continue
        if (
            query.countries
            and actor.jurisdiction.split("-")[0] not in query.countries
            and actor.jurisdiction not in query.countries
        ):
            continue
        if query.actions and event.action not in query.actions:
            continue
        if query.reasons and event.reason not in query.reasons:
            continue
        if query.statuses and event.status not in query.statuses:
            continue
        if query.since and (event.date.latest is None or event.date.latest < query.since):
            continue
        if query.until and (event.date.earliest is None or event.date.earliest > query.until):
            continue
        out.append(event)
    return sorted(out, key=lambda e: (e.date.sort_key, e.id))


def naive_search(registry: Registry, text: str, limit: int = 20) -> list[str]:
    """The peer: case-folded substring scan of every event's text, scored by word occurrences."""
    words = text.casefold().split()
    scored = []
    for event in registry.events.values():
        haystack = f"{event.summary} {event.scope} {event.quote_en} {event.quote}".casefold()
        if all(w in haystack for w in words):
            scored.append((sum(haystack.count(w) for w in words), event.id))
    scored.sort(reverse=True)
    return [rid for _, rid in scored[:limit]]


FILTERS: dict[str, dict[str, Any]] = {
    "vendor=hikvision": {"vendor": ["hikvision"]},
    "country=GB": {"country": ["GB"]},
    "action=removal,reason=human_rights": {"action": ["removal"], "reason": ["human_rights"]},
    "since=2022,until=2023-06": {"since": "2022", "until": "2023-06"},
    "vendor+country+status+since": {"vendor": ["dahua"], "country": ["US"], "status": ["in_force"], "since": "2020"},
}
SEARCHES = ["Hikvision", "cameras removed human rights", "Edinburgh", "Tesco retailer", "export controls Dahua"]


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    rows: list[tuple[str, float, float, float]] = []  # name, covered ms, peer ms, target ms

    code = (
        "import time; t=time.perf_counter(); from covered.registry import load_registry; load_registry(); "
        "print((time.perf_counter()-t)*1000)"
    )
    cold = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    ]
    load_ms, base = _timed(load_registry, args.repeat)
    # Peer for loading: the pure-Python YAML parser on the same files (what a loader without libyaml pays).
    import yaml

    files = sorted(base.data_dir.rglob("*.yml"))
    peer_ms, _ = _timed(lambda: [yaml.load(f.read_text("utf-8"), Loader=yaml.SafeLoader) for f in files], 3)
    rows.append(("load shipped registry (in process)", load_ms, peer_ms, 1000.0))
    rows.append(("load shipped registry (fresh process, incl. imports)", statistics.median(cold), float("nan"), 1000.0))

    start = time.perf_counter()
    big = synthetic_registry(base, args.events)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    index = big.event_index
    index_s = time.perf_counter() - start
    start = time.perf_counter()
    search_index = big.search_index
    fts_s = time.perf_counter() - start

    for name, options in FILTERS.items():
        query = EventQuery.parse(big, **options)
        ms, result = _timed(lambda q=query: index.select(q), args.repeat)
        peer, expected = _timed(lambda q=query: naive_filter(big, q), 3)
        assert [e.id for e in result] == [e.id for e in expected], name
        rows.append((f"filter {name} ({len(result)} hits)", ms, peer, 50.0))
    for text in SEARCHES:
        ms, hits = _timed(lambda t=text: search_index.search(t, kinds=("event",)), args.repeat)
        peer, _ = _timed(lambda t=text: naive_search(big, t), 3)
        rows.append((f"search {text!r} ({len(hits)} shown)", ms, peer, 100.0))

    print(
        f"synthetic registry: {args.events:,} events built in {build_s:.1f} s; "
        f"filter index {index_s:.1f} s; search index {fts_s:.1f} s (one-off, not in the latencies)"
    )
    print(f"{'measurement':<58} {'covered ms':>11} {'peer ms':>9} {'speed-up':>9} {'target ms':>10} {'ok':>3}")
    for name, ms, peer, target in rows:
        ratio = f"{peer / ms:8.1f}x" if peer == peer else "      n/a"
        peer_text = f"{peer:9.1f}" if peer == peer else "      n/a"
        print(f"{name:<58} {ms:11.1f} {peer_text} {ratio} {target:10.0f} {'yes' if ms < target else 'NO':>3}")


if __name__ == "__main__":
    main()
