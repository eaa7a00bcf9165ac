"""Run one pinned corpus through its converter and write its signatures: ``covered signatures import``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from covered.corpus.build import BuildResult, Review, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS
from covered.corpus.lock import CorpusSpec, load_corpora
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames
from covered.errors import DataError
from covered.identify import signatures_for
from covered.identify.signatures import SignatureSet
from covered.registry import Registry

__all__ = ["ImportOutcome", "corpus_specs", "import_corpus"]

REVIEW_FILE = "review.md"
"""The review report written beside a corpus's signature files."""


@dataclass(frozen=True)
class ImportOutcome:
    """What one import produced and changed."""

    result: BuildResult
    review: Review
    folder: Path


def corpus_specs(registry: Registry) -> dict[str, CorpusSpec]:
    """The pinned corpora of a registry data folder (``corpora.yml``)."""
    path = registry.data_dir / "corpora.yml"
    if not path.is_file():
        raise DataError(path, None, "no corpora.yml in the data folder")
    return load_corpora(path)


def _others(signatures: SignatureSet, folder: Path) -> SignatureSet:
    """Every signature not written by this corpus (curated files and other corpora)."""
    keep = {sid: loc for sid, loc in signatures.locations.items() if loc[0].parent.resolve() != folder.resolve()}
    return SignatureSet(by_id={sid: signatures.by_id[sid] for sid in keep}, locations=keep, fields={})


def import_corpus(registry: Registry, spec: CorpusSpec, repository: Path) -> ImportOutcome:
    """Convert the corpus at its pinned commit from a local git repository and rewrite its signature files."""
    converter = CONVERTERS.get(spec.converter)
    if converter is None:
        raise DataError(registry.data_dir / "corpora.yml", None, f"{spec.id}: unknown converter {spec.converter!r}")
    tree = GitTree(repository, spec.commit)
    names = VendorNames(registry.vendors, registry.brands)
    folder = registry.data_dir / "signatures" / spec.id
    result = build_corpus(spec, converter(tree, spec, names), _others(signatures_for(registry), folder))
    review = write_corpus(result, folder)
    (folder / REVIEW_FILE).write_text(review.markdown(result), encoding="utf-8")
    return ImportOutcome(result, review, folder)
