"""Signature corpora: convert public fingerprint collections, fetched at pinned commits, into covered's signatures.

The pipeline is reproducible and reviewable: each corpus is pinned in ``registry/data/corpora.yml`` (repository,
commit, licence), a converter turns its files into :class:`Candidate` signatures that cite
``owner/repo@commit:path#Lline``, and :func:`build_corpus` validates them, tests every example, rejects any that
would claim a known negative or another vendor's example, and writes one YAML file per observation field under
``registry/data/signatures/<corpus>/``, with a review report of what is new, changed, dropped or rejected.
Running it again on the same commit writes the same bytes.
"""

from covered.corpus.build import BuildResult, build_corpus, write_corpus
from covered.corpus.candidate import Candidate, Example
from covered.corpus.lock import CorpusSpec, load_corpora
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames

__all__ = [
    "BuildResult",
    "Candidate",
    "CorpusSpec",
    "Example",
    "GitTree",
    "VendorNames",
    "build_corpus",
    "load_corpora",
    "write_corpus",
]
