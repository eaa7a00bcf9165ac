"""The pinned corpora: which repository, at which commit, under which licence, converted by which converter."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from covered.registry.loader import load_records

__all__ = ["CorpusSpec", "load_corpora"]


class CorpusSpec(BaseModel):
    """One public fingerprint corpus pinned to a commit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", description="Corpus id; also its output folder name.")
    repository: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="GitHub owner/name.")
    commit: str = Field(pattern=r"^[0-9a-f]{40}$", description="Pinned commit the signatures are converted from.")
    licence: str = Field(description="SPDX licence of the corpus (or how observed strings are reused).")
    converter: str = Field(description="Converter id (covered.corpus.converters).")
    description: str = Field(description="What the corpus is and what is taken from it.")
    paths: list[str] = Field(default_factory=list, description="Path prefixes read (all files when empty).")


def load_corpora(path: Path) -> dict[str, CorpusSpec]:
    """The pinned corpora by id, from ``corpora.yml``."""
    return {item.record.id: item.record for item in load_records(path, CorpusSpec)}
