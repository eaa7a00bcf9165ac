"""Corpus converters, one module per corpus format, registered by id in one table.

A converter reads the corpus's files from a :class:`~covered.corpus.tree.GitTree` at the pinned commit and yields
:class:`~covered.corpus.candidate.Candidate` signatures for the makers the registry tracks (and the look-alikes
that must stay apart from them). It writes its own patterns: strings devices were seen to send are facts and are
cited; the corpus's code is never copied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from covered.corpus.candidate import Candidate
from covered.corpus.converters import (
    dismap,
    ehole,
    fingerprinthub,
    fingers,
    fscan,
    nmap,
    recog,
    tidefinger,
    webappanalyzer,
    whatweb,
)
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames

__all__ = ["CONVERTERS", "Converter"]

Converter = Callable[[GitTree, CorpusSpec, VendorNames], Iterable[Candidate]]
"""Reads one corpus at its commit and proposes signatures."""

CONVERTERS: dict[str, Converter] = {
    "recog": recog.convert,
    "nmap": nmap.convert,
    "ehole": ehole.convert,
    "fingerprinthub": fingerprinthub.convert,
    "whatweb": whatweb.convert,
    "webappanalyzer": webappanalyzer.convert,
    "fingers": fingers.convert,
    "dismap": dismap.convert,
    "tidefinger": tidefinger.convert,
    "fscan": fscan.convert,
}
"""Converter id (``corpora.yml``'s ``converter``) to its function."""
