"""The `covered` command as a user runs it: a real process, its output, its exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from covered.registry import Registry


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "covered", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_registry_check_passes() -> None:
    result = run("registry", "check")
    assert result.returncode == 0, result.stderr
    assert "every quote found verbatim" in result.stdout


def test_bans_json_has_every_field(registry: Registry) -> None:
    result = run("bans", "--vendor", "hikvision", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"] for r in rows} == {e.id for e in registry.events.values() if "hikvision" in e.vendors}
    for row in rows:
        for key in (
            "id",
            "actor",
            "actor_name",
            "country",
            "vendors",
            "action",
            "reason",
            "status",
            "date",
            "source",
            "seed_file",
            "quote",
            "quote_en",
            "quote_language",
        ):
            assert key in row
        assert row["seed_file"].endswith(".txt")
    assert "as of" in result.stderr


def test_bans_csv_round_trips(registry: Registry) -> None:
    result = run("bans", "--country", "GB", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert all(r["country"] == "GB" for r in rows)
    assert all(r["quote"] == registry.events[r["id"]].quote for r in rows)


def test_count_and_group_by_agree() -> None:
    total = int(run("bans", "--vendor", "dahua", "--count").stdout)
    groups = [
        json.loads(line)
        for line in run("bans", "--vendor", "dahua", "--group-by", "status", "--json").stdout.splitlines()
    ]
    assert total > 0
    assert sum(g["events"] for g in groups) == total


def test_table_output_shows_dates_with_precision() -> None:
    result = run("bans", "--actor", "gb-scotland-edinburgh-council")
    assert result.returncode == 0, result.stderr
    assert "gb-edinburgh-2022-hikvision-removal" in result.stdout
    assert "(year)" in result.stdout or "(month)" in result.stdout or "(day)" in result.stdout


def test_stale_sources_warn() -> None:
    # The newest seed is as of March 2023; the warning appears while that is over a year ago.
    result = run("bans", "--count")
    assert "warning:" in result.stderr
    assert "2023-03-31" in result.stderr


def test_timeline_is_chronological() -> None:
    result = run("timeline", "--vendor", "dahua", "--json")
    assert result.returncode == 0, result.stderr
    dates = [json.loads(line)["date"] for line in result.stdout.splitlines()]
    keys = [d["value"] or "9999" for d in dates]
    assert keys == sorted(keys)
    text = run("timeline", "--actor", "gb-government").stdout
    assert "Timeline: UK Government" in text


def test_search_json_has_quote_and_source() -> None:
    result = run("search", "Edinburgh cameras", "--json")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits
    assert all(h["source"] for h in hits)
    assert any(h["quote"] for h in hits)


def test_show_gives_provenance() -> None:
    result = run("show", "tesco-2023-phase-out", "--json")
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["source_record"]["seed_file"] == "002_ec2b999e1edda5fe.txt"
    assert view["segment_record"]["id"].startswith("s002-")
    assert view["defined_at"].startswith("events/")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bans", "--vendor", "acme"], "covered: --vendor: unknown vendor 'acme'"),
        (["bans", "--since", "2023-13"], "covered: --since: '2023-13' is not a valid date"),
        (["bans", "--action", "nuke"], "covered: --action: unknown value 'nuke'"),
        (["bans", "--group-by", "colour"], "covered: --group-by: unknown field 'colour'"),
        (["bans", "--json", "--csv"], "covered: --json: choose one of --json and --csv"),
        (["show", "no-such-record"], "covered: ID: no record with id 'no-such-record'"),
        (["bans", "--no-such-option"], "covered: No such option: --no-such-option"),
        (["timeline"], "covered: --actor: give --actor or --vendor"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(expected), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_malformed_data_file_is_one_line_with_file_and_line(data_copy: Path) -> None:
    bad = data_copy / "actors" / "zz.yml"
    bad.write_text(
        "- {id: ok-actor, name: OK, type: company, jurisdiction: GB}\n"
        "- {id: x, name: X, type: blob, jurisdiction: GB}\n"
    )
    result = run("bans", "--count", env={"COVERED_DATA": str(data_copy)})
    assert result.returncode == 2
    assert result.stderr.startswith(f"covered: {bad}:2: Actor: type: unknown value 'blob'")
    assert "Traceback" not in result.stderr
    debug = run("--debug", "bans", "--count", env={"COVERED_DATA": str(data_copy)})
    assert "Traceback" in debug.stderr


def test_output_file_is_written_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    failed = run("bans", "--vendor", "acme", "--json", "--output", str(target))
    assert failed.returncode == 2
    assert not target.exists()
    ok = run("bans", "--vendor", "zte", "--json", "--output", str(target))
    assert ok.returncode == 0
    assert target.read_text(encoding="utf-8").strip()


def test_readme_environment_table_matches_the_cli() -> None:
    # Every option with an environment twin is in the README table with that option, and nothing else is.
    import re

    from typer.main import get_command

    from covered.cli import app

    declared: dict[str, str] = {}

    def walk(command: object) -> None:
        for param in getattr(command, "params", []):
            envvars = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
            for env in envvars:
                declared[env] = param.opts[0]
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(get_command(app))
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Environment", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(COVERED_[A-Z_]+)` \| `?([^`|]+?)`? \|", section, flags=re.M))
    assert {k: v for k, v in rows.items() if v.startswith("--")} == declared


def test_piped_tables_keep_every_id_whole(registry: Registry) -> None:
    result = run("bans")
    assert result.returncode == 0, result.stderr
    missing = [e for e in registry.events if e not in result.stdout]
    assert not missing, missing[:5]
