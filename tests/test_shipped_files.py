"""Nothing shipped in the package names a path of the machine it was written on, or who curated what.

Every file under src/covered is read (data, templates, static files, code): the wheel ships them all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "covered"

# An absolute path of a machine: a root folder of one, not preceded by anything that would make it a URL path
# ("https://example.com/home/" is fine) or a relative one ("docs/tmp/").
MACHINE_PATH = re.compile(
    rb"(?<![\w.:/~-])/(?:work|home|root|tmp|farm|Users)/|\b[A-Za-z]:\\{1,2}Users\\", flags=re.IGNORECASE
)
# Words about who curated a file say nothing about the data; each record's source says where it comes from.
CURATED_BY = re.compile(rb"curated by|\bcurators? (?:S\d|[A-D]\b)|other curators", flags=re.IGNORECASE)
DATA_SUFFIXES = {".yml", ".yaml", ".json", ".jsonl", ".csv", ".txt"}


def _where(path: Path, content: bytes, hit: re.Match[bytes]) -> str:
    line = content.count(b"\n", 0, hit.start()) + 1
    return f"{path.relative_to(PACKAGE)}:{line}: {hit.group()!r}"


def _shipped() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


SHIPPED = _shipped()


def test_the_package_is_found() -> None:
    assert len(SHIPPED) > 50
    assert any(p.suffix == ".yml" for p in SHIPPED)
    assert any(p.suffix == ".py" for p in SHIPPED)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (b"see /work/tools/NOTES.md", True),
        (b"/home/alice/covered.db", True),
        (b'path = "/tmp/scan.db"', True),
        (b"C:\\Users\\alice\\covered", True),
        (b"C:\\\\Users\\\\alice", True),
        (b"https://example.com/home/index.html", False),
        (b"docs/tmp/readme", False),
        (b"/api/docs", False),
    ],
)
def test_the_path_pattern_tells_machine_paths_from_url_paths(text: bytes, found: bool) -> None:
    assert (MACHINE_PATH.search(text) is not None) is found


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(PACKAGE)) for p in SHIPPED])
def test_no_machine_paths(path: Path) -> None:
    content = path.read_bytes()
    hit = MACHINE_PATH.search(content)
    assert hit is None, _where(path, content, hit)


# Source texts under data/texts are third-party documents kept verbatim (quotes are checked against them).
DATA = [p for p in SHIPPED if p.suffix in DATA_SUFFIXES and "texts" not in p.relative_to(PACKAGE).parts]


@pytest.mark.parametrize("path", DATA, ids=[str(p.relative_to(PACKAGE)) for p in DATA])
def test_no_curator_notes_in_data(path: Path) -> None:
    content = path.read_bytes()
    hit = CURATED_BY.search(content)
    assert hit is None, _where(path, content, hit)
