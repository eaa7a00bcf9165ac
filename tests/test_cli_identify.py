"""`covered identify` and `covered import` as a user runs them: exit 1 when a restricted device is found."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.test_cli import run


def test_identify_flags_restricted_exit_1_with_evidence() -> None:
    result = run("identify", "--http-server", "DNVRS-Webs", "--mac", "44:19:b6:11:22:33")
    assert result.returncode == 1, result.stderr
    assert "Hikvision" in result.stdout
    assert "hikvision-http-server-dnvrs-webs" in result.stdout  # evidence chain shown for a single device
    assert "rapid7/recog" in result.stdout


def test_identify_generic_only_exit_0() -> None:
    result = run("identify", "--http-server", "App-webs/", "--json")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["restricted"] == "unknown"
    assert row["vendor"] is None


def test_identify_jsonl_from_stdin_with_warnings(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            json.dumps({"device": "a", "channel": "mac", "field": "address", "value": "08:ED:ED:00:00:01"}),
            "garbage",
            json.dumps({"device": "b", "channel": "inventory", "field": "brand", "value": "Lorex"}),
        ]
    )
    path = tmp_path / "obs.jsonl"
    path.write_text(lines)
    result = run("identify", "--observations", str(path), "--csv")
    assert result.returncode == 1
    rows = {r["device"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["a"]["vendor"] == "dahua"
    assert rows["a"]["restricted"] == "true"
    assert rows["b"]["restricted"] == "unknown"
    assert "line 2: not JSON" in result.stderr


def test_identify_usage_errors() -> None:
    for args, expected in [
        (["identify"], "covered: --observations: give --observations FILE"),
        (["identify", "--favicon", "/nonexistent.ico"], "covered: --favicon: /nonexistent.ico not found"),
        (["identify", "--favicon-hash", "xyz"], "covered: --favicon-hash: 'xyz' is neither"),
    ]:
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.startswith(expected), result.stderr


def test_import_reports_bad_rows_and_attributes(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text("mac,brand,model\n44:19:B6:00:00:09,,DS-2CD2142FWD-I\nnope,,\n,EZVIZ,CS-C6N\n")
    out = tmp_path / "obs.jsonl"
    result = run("import", str(path), "--json", "--observations-out", str(out))
    assert result.returncode == 1, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["vendor"] for r in rows] == ["hikvision", "hikvision"]
    assert "line 3: 'nope' is not a MAC address" in result.stderr
    assert "2 rows imported" in result.stderr
    assert len(out.read_text().splitlines()) >= 4
