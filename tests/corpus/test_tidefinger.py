"""TideFinger converter: real cms_finger.db rows in a tiny SQLite database, in a repository laid out like TideFinger."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from dulwich.objects import Commit
from dulwich.repo import Repo

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, tidefinger
from covered.errors import DataError
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import _tree

# Rows as in TideSec/TideFinger@4f0bdbca1505e30d55dcf59c0177f2ad798320d3:python2/cms_finger.db (tables fofa and cms,
# same ids), with the database's own schema.
FOFA = [
    (1, "Huawei-Firewall", 'header="Eudemon Server" || body="Modify by wangxiangguang"'),
    (2, "Canon-Printer", 'header="Canon Http Server"'),
    (
        1894,
        "海康威视（Hikvision）",
        'header="Hikvision" || (body="updateTips" && body="doc/page/login.asp") || '
        'header="_goaheadwebSessionId" || header="DVRDVS-Webs"',
    ),
    (17, "ZTE FTP", 'protocol=ftp && banner="ZTE FTP"'),
    (1573, "Huawei-Quidway-Switch", 'header="Lanswitch - "'),
    (746, "Huawei HG520 ADSL2+ Router", 'title="Huawei HG520"'),
]
CMS = [
    (1809, "zte", "", "<title>F660</title>", "keyword"),
    (1968, "海康威视", "/doc/images/login/input_normal.png", "aa3905b0ece948af798deb6cad690b56", "md5"),
    (1061, "dahua_dss", "/portal/include/script/dahuaDefined/headCommon.js", "By HanLulu", "keyword"),
]


def _database(folder: Path) -> bytes:
    path = folder / "cms_finger.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE fofa (id INT PRIMARY KEY NOT NULL, name TEXT NOT NULL, keys TEXT NOT NULL)")
    connection.execute(
        'CREATE TABLE "cms" ("finger_id" integer PRIMARY KEY AUTOINCREMENT, "cms_name" TEXT NOT NULL, '
        '"path" TEXT, "match_pattern" TEXT, "options" TEXT, "hit" integer)'
    )
    connection.executemany("INSERT INTO fofa VALUES (?, ?, ?)", FOFA)
    connection.executemany("INSERT INTO cms VALUES (?, ?, ?, ?, ?, 0)", CMS)
    connection.commit()
    connection.close()
    return path.read_bytes()


def _repo(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, str]:
    path = tmp_path / "tidefinger.git"
    repo = Repo.init_bare(str(path), mkdir=True)
    commit = Commit()
    commit.tree = _tree(repo, files)
    commit.author = commit.committer = b"Test <test@example.org>"
    commit.author_time = commit.commit_time = 1_700_000_000
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"corpus"
    repo.object_store.add_object(commit)
    repo.refs[b"refs/heads/main"] = commit.id
    return path, commit.id.decode()


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="tidefinger-test",
        repository="TideSec/TideFinger",
        commit=commit,
        licence="none",
        converter="tidefinger",
        description="test",
    )


def test_query_terms_read_fofa_queries_with_bare_quotes() -> None:
    assert tidefinger.query_terms('title="A" || (body="B" && header="C")') == [
        [("title", "A")],
        [("body", "B"), ("header", "C")],
    ]
    assert tidefinger.query_terms('body="class="xheditor"||body=".xheditor("') == [
        [("body", 'class="xheditor')],
        [("body", ".xheditor(")],
    ]
    assert tidefinger.query_terms('protocol=ftp && banner="ZTE FTP"') == [[("protocol", "ftp"), ("banner", "ZTE FTP")]]
    assert tidefinger.query_terms('header="A" || (body="B"') is None


def test_converts_rows_with_fields_claims_and_notes(tmp_path: Path, registry: Registry) -> None:
    path, commit = _repo(tmp_path, {tidefinger.FILE: _database(tmp_path), "README.md": b"TideFinger"})
    names = VendorNames(registry.vendors, registry.brands)
    assert CONVERTERS["tidefinger"] is tidefinger.convert
    candidates = list(tidefinger.convert(GitTree(path, commit), _spec(commit), names))
    assert tidefinger.SKIPPED["not about a tracked maker"] == 1  # Canon's printer
    assert tidefinger.SKIPPED["query term on a field covered does not record"] == 1  # an FTP banner
    assert tidefinger.SKIPPED["md5 of a file other than /favicon.ico"] == 1
    assert tidefinger.SKIPPED["keyword of a page other than the front page"] == 1
    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert not result.rejected
    by_pattern = {s.pattern: s for s in result.signatures}

    eudemon = by_pattern["Eudemon\\s+Server"]
    assert (eudemon.vendor, eudemon.claim, eudemon.field) == ("huawei", SignatureClaim.RESTRICTED, "header")
    assert eudemon.source.note is not None
    assert "row id 1." in eudemon.source.note
    assert FieldMatcher([eudemon]).match("Server: eudemon server")

    title = next(s for s in result.signatures if s.field == "title")
    assert (title.vendor, title.pattern) == ("huawei", "Huawei\\s+HG520")
    assert FieldMatcher([title]).match("huawei hg520")
    # ZTE's '<title>F660</title>' is a title, but four characters say too little.
    assert tidefinger.SKIPPED["keyword is not specific to a maker"] == 1

    dvr = by_pattern["DVRDVS\\-Webs"]
    assert dvr.vendor == "hikvision"
    # The AND branch's keywords are common path words: nothing stands for it.
    assert tidefinger.SKIPPED["no specific keyword"] == 1


def test_output_is_byte_identical_on_a_second_run(tmp_path: Path, registry: Registry) -> None:
    path, commit = _repo(tmp_path, {tidefinger.FILE: _database(tmp_path)})
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"

    def run() -> dict[str, bytes]:
        candidates = tidefinger.convert(GitTree(path, commit), _spec(commit), names)
        write_corpus(build_corpus(_spec(commit), candidates, signatures_for(registry)), folder)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}

    first = run()
    assert {"http_header.yml", "http_title.yml"} <= set(first)
    assert run() == first


def test_a_file_that_is_no_database_is_a_data_error(tmp_path: Path, registry: Registry) -> None:
    path, commit = _repo(tmp_path, {tidefinger.FILE: b"not sqlite"})
    names = VendorNames(registry.vendors, registry.brands)
    with pytest.raises(DataError, match="not a readable database"):
        list(tidefinger.convert(GitTree(path, commit), _spec(commit), names))
