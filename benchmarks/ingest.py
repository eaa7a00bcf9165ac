"""Ingest speed and memory: articles per second, peak memory, and the time to ingest a 1 MB compilation.

One command: ``.venv/bin/python benchmarks/ingest.py [--articles N]``. The articles are the shipped seed texts
(registry/data/texts); the 1 MB compilation is seed 002 repeated. The peer, measured in the same run on the same
texts, is dateparser's own ``search_dates`` (dates only, Italian and English), to put the whole pipeline's cost
beside the one library step it would otherwise lean on.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from covered.ingest.document import text_of_bytes
from covered.ingest.extract import Extractor
from covered.ingest.pipeline import ingest_document
from covered.registry import load_registry


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20, help="articles ingested for the rate")
    args = parser.parse_args()
    registry = load_registry()
    texts = [registry.text(s.id) or "" for s in registry.sources.values() if s.file]
    docs = [text_of_bytes(t.encode(), where="seed") for t in texts]
    extractor = Extractor(registry)
    ingest_document(docs[0], registry, extractor=extractor)  # warm up: language models and patterns load once
    chars = 0
    start = time.perf_counter()
    for i in range(args.articles):
        doc = docs[i % len(docs)]
        chars += len(doc.text)
        ingest_document(doc, registry, extractor=extractor)
    rate = args.articles / (time.perf_counter() - start)

    from dateparser.search import search_dates  # type: ignore[import-untyped]

    start = time.perf_counter()
    peer_n = max(2, args.articles // 5)
    for i in range(peer_n):
        search_dates(docs[i % len(docs)].text[:20000], languages=["it", "en"])
    peer_rate = peer_n / (time.perf_counter() - start)

    big_text = (
        texts[[s.id for s in registry.sources.values() if s.file].index("seed-002-ipvm-italian-compilation")]
        if "seed-002-ipvm-italian-compilation" in registry.sources
        else texts[0]
    )
    big = (big_text + "\n\n---\n\n") * (1_000_000 // (len(big_text) + 7) + 1)
    tracemalloc.start()
    start = time.perf_counter()
    result = ingest_document(text_of_bytes(big.encode(), where="big"), registry, extractor=extractor)
    big_seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print("| measure | covered ingest | peer: dateparser search_dates (first 20,000 chars) |")
    print("|---|---|---|")
    print(f"| articles per second (seed texts, mean {chars // args.articles:,} chars) | {rate:.2f} | {peer_rate:.2f} |")
    print(f"| ratio to the peer | {rate / peer_rate:.2f}x | 1x |")
    print(
        f"| 1 MB compilation ({len(big):,} chars, {len(result.segments)} segments, "
        f"{len(result.candidates)} candidates) | {big_seconds:.1f} s | - |"
    )
    print(f"| peak traced memory, 1 MB compilation | {peak / 1e6:.0f} MB | - |")


if __name__ == "__main__":
    main()
