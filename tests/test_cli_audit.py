"""`covered audit` filters, one entry per assessment, and how `devices` and `audit` print values and times."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_cli import run

HIK, DAHUA = "00:11:22:33:44:55", "00:11:22:33:44:56"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit")
    inventory = folder / "assets.csv"
    inventory.write_text(f"ip,mac,vendor\n10.0.0.5,{HIK},Hikvision\n10.0.0.6,{DAHUA},Dahua\n", encoding="utf-8")
    db = folder / "covered.db"
    assert run("import", str(inventory), "--save", "--db", str(db)).returncode == 1
    assess = run("assess", "--scan-id", "1", "--profile", "us-federal-contractor", "--save", "--db", str(db))
    assert assess.returncode in (0, 1), assess.stderr
    remediate = ["remediate", HIK, "--status", "planned", "--reason", "replace in 2027", "--rule", "us-far-52.204-24"]
    result = run(*remediate, "--db", str(db), env={"COVERED_ACTOR": "alice"})
    assert result.returncode == 0, result.stderr
    return db


def _audit(db: Path, *args: str) -> list[dict[str, object]]:
    result = run("audit", "--db", str(db), "--json", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_new_finding_is_one_created_entry_and_an_assessment_one_line(database: Path) -> None:
    entries = _audit(database)
    findings = [json.loads(line) for line in run("findings", "--db", str(database), "--json").stdout.splitlines()]
    created = [e for e in entries if e["action"] == "created"]
    assert len(findings) > 2
    assert sorted(str(e["target"]) for e in created) == sorted(f"finding {f['id']}" for f in findings)
    assert all(e["before"] is None for e in created)
    text = run("audit", "--db", str(database)).stdout
    assert "None ->" not in text
    lines = text.splitlines()
    assert len(lines) == 2, lines  # the assessment, then alice's remediation
    assert f"created {len(findings)} findings (finding " in lines[0]


def test_filters(database: Path) -> None:
    everything = _audit(database)
    by_alice = _audit(database, "--actor", "alice")
    assert [e["action"] for e in by_alice] == ["remediate"]
    hik = {
        f"finding {f['id']}"
        for f in map(json.loads, run("findings", "--db", str(database), "--json").stdout.splitlines())
        if f["device"] == HIK
    }
    about_hik = _audit(database, "--device", HIK)
    assert {str(e["target"]).split(" (")[0] for e in about_hik} == hik
    assert by_alice[0] in about_hik
    assert all(e["actor"] != "alice" for e in _audit(database, "--device", DAHUA))
    assert _audit(database, "--action", "created,remediate") == everything
    assert _audit(database, "--action", "site") == []
    assert _audit(database, "--since", "2999") == []
    assert _audit(database, "--since", "2020-01-01") == everything


def test_values_and_times_as_users_read_them(database: Path) -> None:
    table = run("devices", "--db", str(database)).stdout
    assert "True" not in table
    assert "true" in table
    assert "2 tracked devices" in table
    stamps = re.findall(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", table + run("audit", "--db", str(database)).stdout)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), stamps


def test_counts_of_one_are_singular(tmp_path: Path) -> None:
    inventory = tmp_path / "one.csv"
    inventory.write_text(f"ip,mac,vendor\n10.0.0.5,{HIK},Hikvision\n", encoding="utf-8")
    result = run("import", str(inventory))
    assert "1 row imported from one.csv (csv), 1 device, 0 warnings" in result.stderr, result.stderr
    assert "1 device from one.csv" in result.stdout
    assert "1 devices" not in result.stdout + result.stderr


def test_user_list_prints_true_false_and_seconds(tmp_path: Path) -> None:
    db = str(tmp_path / "users.db")
    added = run("user", "add", "rita", "--role", "editor", "--db", db, env={"COVERED_USER_PASSWORD": "a-long-pass-123"})
    assert added.returncode == 0, added.stderr
    table = run("user", "list", "--db", db).stdout
    assert table.splitlines()[0].strip() == "1 user"
    row = next(line for line in table.splitlines() if "rita" in line)
    assert "false" in row
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row), row
