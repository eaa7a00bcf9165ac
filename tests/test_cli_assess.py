"""`covered profile` and `covered assess` as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.test_cli import run


def test_profile_list_show_init(tmp_path: Path) -> None:
    listing = run("profile", "list")
    assert listing.returncode == 0
    assert "us-federal-contractor" in listing.stdout
    shown = run("profile", "show", "us-federal-contractor")
    assert "us-ndaa2019-889-a1b" in shown.stdout
    target = tmp_path / "mine.yml"
    made = run("profile", "init", "--from", "us-federal-contractor", "--output", str(target))
    assert made.returncode == 0, made.stderr
    assert "headquarters" in target.read_text()
    again = run("profile", "init", "--output", str(target))
    assert again.returncode == 2
    assert again.stderr.startswith("covered: --output:")


def test_assess_an_inventory_with_a_custom_profile(tmp_path: Path) -> None:
    profile = tmp_path / "mine.yml"
    run("profile", "init", "--from", "us-federal-contractor", "--output", str(profile))
    assets = tmp_path / "assets.csv"
    assets.write_text("ip,mac,brand\n10.0.0.5,44:19:B6:00:00:01,\n10.9.9.9,00:0F:7C:00:00:01,Axis\n")
    result = run("assess", "--profile", str(profile), "--import", str(assets), "--json")
    assert result.returncode == 1, result.stderr  # the site 10.0.0.0/24 states government facility security
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    open_rules = {f["rule"] for f in findings if f["status"] == "open"}
    assert "us-ndaa2019-889-a1b" in open_rules
    assert {f["device"] for f in findings} == {"44:19:B6:00:00:01"}


def test_assess_usage_errors() -> None:
    for args, expected in [
        (["assess", "--profile", "nobody", "--import", "x.csv"], "covered: --profile: unknown profile 'nobody'"),
        (["assess", "--profile", "us-federal-agency"], "covered: --scan-id: give exactly one of"),
        (["assess", "--profile", "us-federal-agency", "--observations", "/nonexistent"], "covered: --observations:"),
    ]:
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.startswith(expected), result.stderr


def test_assess_prints_a_summary_first_and_details_on_request(tmp_path: Path) -> None:
    assets = tmp_path / "assets.csv"
    assets.write_text("ip,mac,vendor\n10.0.0.5,00:11:22:33:44:55,Hikvision\n10.0.0.6,00:11:22:33:44:56,Dahua\n")
    every = run("assess", "--profile", "us-federal-contractor", "--import", str(assets), "--json")
    findings = [json.loads(line) for line in every.stdout.splitlines()]
    assert len(findings) > 4
    summary = run("assess", "--profile", "us-federal-contractor", "--import", str(assets))
    assert summary.returncode == every.returncode, summary.stderr
    assert re.search(r"│ restricted devices\s+│\s+2 │", summary.stdout), summary.stdout
    assert re.search(rf"│ findings\s+│\s+{len(findings)} │", summary.stdout), summary.stdout
    assert "why" not in summary.stdout  # no finding table without --details
    rules = {f["rule"] or f["vulnerability"] for f in findings}
    assert all(f"rule: {rule}" in summary.stdout for rule in rules)
    detailed = run("assess", "--profile", "us-federal-contractor", "--import", str(assets), "--details")
    assert "why" in detailed.stdout
    assert f"{len(findings)} findings for 2 devices" in detailed.stdout
    written = tmp_path / "findings.txt"
    run("assess", "--profile", "us-federal-contractor", "--import", str(assets), "-o", str(written))
    assert f"{len(findings)} findings for 2 devices" in written.read_text(encoding="utf-8")
