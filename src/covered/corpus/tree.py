"""Read a corpus's files at one pinned commit of a git repository (bare or not), without a work tree."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dulwich.errors import NotGitRepository
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

from covered.errors import DataError

__all__ = ["GitTree"]

MAX_FILE = 16 * 1024 * 1024
"""Largest corpus file read (bytes); a larger one is an error, not a silent truncation."""


@dataclass
class GitTree:
    """The tree of one commit: list and read files by path."""

    repository: Path
    commit: str
    _repo: Any = field(init=False, repr=False)
    _tree: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self._repo = Repo(str(self.repository))
        except (NotGitRepository, FileNotFoundError):
            raise DataError(self.repository, None, "not a git repository") from None
        try:
            commit = self._repo[self.commit.encode("ascii")]
        except (KeyError, ValueError):
            raise DataError(self.repository, None, f"commit {self.commit} is not in this repository") from None
        if not isinstance(commit, Commit):
            raise DataError(self.repository, None, f"{self.commit} is not a commit")
        self._tree = self._repo[commit.tree]

    def files(self, prefix: str = "") -> Iterator[str]:
        """Every file path under the prefix, sorted."""
        out: list[str] = []
        self._walk(self._tree, "", out)
        yield from (p for p in sorted(out) if p.startswith(prefix))

    def _walk(self, tree: Tree, base: str, out: list[str]) -> None:
        # Entries are told apart by their mode, so no blob is read (a snapshot may lack its largest files).
        for entry in tree.iteritems():
            name = entry.path.decode("utf-8", "surrogateescape")
            path = f"{base}{name}"
            if stat.S_ISDIR(entry.mode):
                sub = self._repo[entry.sha]
                if isinstance(sub, Tree):
                    self._walk(sub, f"{path}/", out)
            elif stat.S_ISREG(entry.mode):
                out.append(path)

    def read(self, path: str) -> bytes:
        """The bytes of one file at the commit."""
        node: Any = self._tree
        for part in path.split("/"):
            if not isinstance(node, Tree):
                raise DataError(self.repository, None, f"{path} is not in commit {self.commit[:12]}")
            try:
                _mode, sha = node[part.encode("utf-8")]
            except KeyError:
                raise DataError(self.repository, None, f"{path} is not in commit {self.commit[:12]}") from None
            try:
                node = self._repo[sha]
            except KeyError:
                raise DataError(self.repository, None, f"{path}: object missing (an incomplete copy?)") from None
        if not isinstance(node, Blob):
            raise DataError(self.repository, None, f"{path} is not a file")
        if node.raw_length() > MAX_FILE:
            raise DataError(self.repository, None, f"{path} is larger than {MAX_FILE} bytes")
        data: bytes = node.as_raw_string()
        return data

    def text(self, path: str) -> str:
        """One file decoded as UTF-8 (undecodable bytes kept as escapes)."""
        return self.read(path).decode("utf-8", "backslashreplace")
