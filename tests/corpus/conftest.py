"""A tiny git repository laid out like a corpus, built with dulwich in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

MakeRepo = Callable[[dict[str, str]], tuple[Path, str]]


def _tree(repo: Repo, files: dict[str, bytes]) -> bytes:
    """Write nested trees for the files; return the root tree id."""
    children: dict[str, dict[str, bytes]] = {}
    tree = Tree()
    for path, data in files.items():
        head, _, rest = path.partition("/")
        if rest:
            children.setdefault(head, {})[rest] = data
        else:
            blob = Blob.from_string(data)
            repo.object_store.add_object(blob)
            tree.add(head.encode(), 0o100644, blob.id)
    for name, sub in children.items():
        tree.add(name.encode(), 0o040000, _tree(repo, sub))
    repo.object_store.add_object(tree)
    return tree.id


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """Create a repository with one commit holding the given files; return its path and commit id."""

    def make(files: dict[str, str]) -> tuple[Path, str]:
        path = tmp_path / "corpus.git"
        repo = Repo.init_bare(str(path), mkdir=True)
        commit = Commit()
        commit.tree = _tree(repo, {k: v.encode() for k, v in files.items()})
        commit.author = commit.committer = b"Test <test@example.org>"
        commit.author_time = commit.commit_time = 1_700_000_000
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = b"corpus"
        repo.object_store.add_object(commit)
        repo.refs[b"refs/heads/main"] = commit.id
        return path, commit.id.decode()

    return make
