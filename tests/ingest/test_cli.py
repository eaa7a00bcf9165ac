"""`covered ingest` and `covered review` as a user runs them (real processes, a real SQLite file, a real overlay
folder): an article in, candidates reviewed, accepted records in the user's folder and in `bans`, decisions in
the audit log; and hostile files refused with one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run

ARTICLE = (
    "Il Comune di Bologna rimuove le telecamere Hikvision\n\n"
    "Il Comune di Bologna ha rimosso l'anno scorso le telecamere Hikvision dagli uffici per motivi di sicurezza.\n"
    "Il deputato Mario Rossi ha chiesto al governo di vietare le telecamere Dahua.\n"
)


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_ingest_review_accept_into_the_overlay(tmp_path: Path) -> None:
    article = tmp_path / "bologna.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "c.db")
    overlay = tmp_path / "mine"
    env = {"COVERED_ACTOR": "reviewer-a"}
    result = run(
        "ingest",
        str(article),
        "--published",
        "2024-05-02",
        "--url",
        "https://example.org/bologna",
        "--publisher",
        "Example",
        "--licence",
        "CC-BY-4.0",
        "--json",
        "--db",
        db,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout)
    for key in (
        "kind",
        "actor",
        "actor_type",
        "country",
        "vendors",
        "action",
        "reason",
        "date",
        "status",
        "quote",
        "quote_en",
        "confidence",
        "duplicate_of",
    ):
        assert all(key in line for line in lines), key
    events = [line for line in lines if line["kind"] == "event"]
    facts = [line for line in lines if line["kind"] == "fact"]
    assert [f["fact_kind"] for f in facts] == ["call_for_ban"]
    assert events
    assert all(e["vendors"] == ["hikvision"] for e in events)
    assert all(str(e["quote"]) in ARTICLE for e in lines)
    dated = [
        e
        for e in events
        if e["date"]
        == {
            "value": "2023",
            "precision": "year",
            "as_written": "anno scorso",
            "resolved_from": "'anno scorso' against the anchor 2024-05-02 -> 2023",
        }
    ]
    assert len(dated) == 1
    key = str(dated[0]["key"])

    # Ingesting again keeps the queue as it is.
    again = run("ingest", str(article), "--published", "2024-05-02", "--db", db, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 new in the review queue" in again.stderr

    listed = run("review", "list", "--json", "--db", db)
    assert {line["key"] for line in _lines(listed.stdout)} == {line["key"] for line in lines}

    shown = run("review", "show", key[:8], "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "anno scorso" in shown.stdout

    edited = run("review", "edit", key[:8], "--set", "status=completed", "--db", db, env=env)
    assert edited.returncode == 0, edited.stderr

    without_folder = run("review", "accept", key[:8], "--db", db)
    assert without_folder.returncode == 2
    assert without_folder.stderr.startswith("covered: --data:")

    accepted = run(
        "--data",
        str(overlay),
        "review",
        "accept",
        key[:8],
        "--id",
        "bologna-2023-hikvision-removal",
        "--summary",
        "Bologna removed Hikvision cameras from council offices.",
        "--db",
        db,
        env=env,
    )
    assert accepted.returncode == 0, accepted.stderr
    assert (overlay / "overlay.yml").is_file()
    assert (overlay / "texts").is_dir()

    check = run("--data", str(overlay), "registry", "check")
    assert check.returncode == 0, check.stderr
    bans = run("--data", str(overlay), "bans", "--vendor", "hikvision", "--json")
    rows = {row["id"]: row for row in _lines(bans.stdout)}
    assert rows["bologna-2023-hikvision-removal"]["status"] == "completed"
    shipped = run("bans", "--vendor", "hikvision", "--json")
    assert "bologna-2023-hikvision-removal" not in {row["id"] for row in _lines(shipped.stdout)}

    again_accept = run("--data", str(overlay), "review", "accept", key[:8], "--db", db)
    assert again_accept.returncode == 2
    assert "already accepted" in again_accept.stderr

    fact_key = str(facts[0]["key"])
    rejected = run("review", "reject", fact_key[:8], "--note", "not a call by anyone real", "--db", db, env=env)
    assert rejected.returncode == 0, rejected.stderr

    audit = run("audit", "--db", db, "--json")
    actions = [(row["action"], row["actor"]) for row in _lines(audit.stdout)]
    for action in ("ingest", "review-edit", "review-accept", "review-reject"):
        assert (action, "reviewer-a") in actions, action

    import yaml

    (event,) = yaml.safe_load((overlay / "events" / "user.yml").read_text(encoding="utf-8"))
    assert event["reviewed_by"] == "reviewer-a"
    assert event["quote"] in ARTICLE
    (source,) = yaml.safe_load((overlay / "sources" / "user.yml").read_text(encoding="utf-8"))
    assert source["licence"] == "CC-BY-4.0"
    assert source["url"] == "https://example.org/bologna"


def test_a_duplicate_is_accepted_as_a_corroboration(tmp_path: Path) -> None:
    article = tmp_path / "tesco.txt"
    article.write_text(
        "Il 16 marzo Tesco ha annunciato che non acquisterà più telecamere Hikvision e Dahua.\n", encoding="utf-8"
    )
    db = str(tmp_path / "c.db")
    overlay = tmp_path / "mine"
    result = run("ingest", str(article), "--published", "2023-03-20", "--json", "--db", db)
    (line,) = [row for row in _lines(result.stdout) if row["kind"] == "event"]
    assert line["duplicate_of"] == "tesco-2023-phase-out"
    accepted = run("--data", str(overlay), "review", "accept", str(line["key"]), "--db", db)
    assert accepted.returncode == 0, accepted.stderr
    assert "corroboration of tesco-2023-phase-out" in accepted.stdout
    assert not (overlay / "events" / "user.yml").exists()
    shown = run("--data", str(overlay), "show", "tesco-2023-phase-out")
    assert "non acquisterà più" in shown.stdout


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("junk.bin", bytes(range(256)) * 64, "binary data"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer garbage", "PDF"),
        ("empty.txt", b"   \n\n", "no text"),
        ("huge.txt", None, "limit"),
    ],
)
def test_hostile_files_are_one_line_and_exit_2(tmp_path: Path, name: str, data: bytes | None, message: str) -> None:
    path = tmp_path / name
    if data is None:
        with path.open("wb") as handle:
            handle.truncate(33 * 1024 * 1024)  # sparse: no disk space, one byte over the limit is enough
    else:
        path.write_bytes(data)
    result = run("ingest", str(path), "--no-store")
    assert result.returncode == 2
    assert result.stderr.startswith(f"covered: {path}: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["--published", "2024-13"], "--published"),
        (["--published", "last week"], "--published"),
        (["--lang", "xx"], "--lang"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, args: list[str], where: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = run("ingest", str(article), "--no-store", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"covered: {where}: ")


def test_html_is_read_as_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Valencia</title><script>var x = 'Hikvision';</script></head><body>"
        "<p>El Ayuntamiento de Valencia prohibi&oacute; el a&ntilde;o pasado la compra de c&aacute;maras "
        "Hikvision.</p></body></html>",
        encoding="latin-1",
    )
    result = run("ingest", str(page), "--published", "2024-05-02", "--no-store", "--json")
    assert result.returncode == 0, result.stderr
    (event,) = [row for row in _lines(result.stdout) if row["kind"] == "event"]
    assert event["quote"] == "El Ayuntamiento de Valencia prohibió el año pasado la compra de cámaras Hikvision."
    assert event["date"]["value"] == "2023"  # type: ignore[index]
