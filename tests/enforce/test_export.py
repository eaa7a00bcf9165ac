"""`covered export` over a store filled by a real scan of emulated devices: every format is read back by the
tool that consumes it (nft, ipset and iptables-restore in a network namespace of the test's own, named-checkzone
and dnspython, suricata -T, Python's csv reader for the NAC and VMS files)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from covered.enforce import FORMATS, ExportFormat
from covered.store import open_store
from tests.enforce.conftest import PROFILE, Fleetstore
from tests.test_cli import run

NDAA = "us-ndaa2019-889-a1a"


def _export_all(db: Path, folder: Path, *options: str) -> dict[ExportFormat, str]:
    made = run("export", "--format", "all", "--output-dir", str(folder), "--db", str(db), *options)
    assert made.returncode == 0, made.stderr
    return {fmt: (folder / info.filename).read_text(encoding="utf-8") for fmt, info in FORMATS.items()}


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _tool(*names: str) -> None:
    for name in names:
        if shutil.which(name) is None:
            pytest.skip(f"{name} is not installed (scripts/test.sh installs it where the package registry offers it)")


def _in_namespace(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a new, empty network namespace (its own nftables, ipset and iptables)."""
    _tool("unshare")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("cannot create a network namespace here (needs root)")
    return subprocess.run(
        ["unshare", "-n", "sh", "-ec", script], capture_output=True, text=True, cwd=folder, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def exported(scanned: Fleetstore, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[ExportFormat, str]]:
    folder = tmp_path_factory.mktemp("exports")
    return folder, _export_all(scanned.db, folder, "--profile", PROFILE)


def test_lists_name_exactly_the_restricted_devices(
    scanned: Fleetstore, exported: tuple[Path, dict[ExportFormat, str]]
) -> None:
    _, files = exported
    assert set(_lines(files[ExportFormat.ADDRESS])) == scanned.restricted
    macs = set(_lines(files[ExportFormat.MAC]))
    assert macs <= {scanned.macs[a] for a in scanned.restricted}
    assert macs
    assert not macs & {scanned.macs[a] for a in scanned.clean}


@pytest.mark.parametrize("fmt", [f for f in ExportFormat if FORMATS[f].media_type != "text/csv"])
def test_every_text_file_has_a_header_with_time_filter_and_scan(
    fmt: ExportFormat, exported: tuple[Path, dict[ExportFormat, str]]
) -> None:
    head = exported[1][fmt].splitlines()[:6]
    comment = ";" if fmt is ExportFormat.RPZ else "#"
    assert all(line.startswith(comment) for line in head[:5])
    text = "\n".join(head)
    assert "generated 20" in text
    assert "+00:00" in text
    assert f"filter: profile={PROFILE} status=open,review,planned" in text
    assert "source: scan 1 (finished 20" in text


def test_nftables_script_is_checked_and_loads_twice_without_growing(
    scanned: Fleetstore, exported: tuple[Path, dict[ExportFormat, str]]
) -> None:
    _tool("nft")
    folder, _ = exported
    name = FORMATS[ExportFormat.NFTABLES].filename
    checked = subprocess.run(["nft", "-c", "-f", name], cwd=folder, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    loaded = _in_namespace(f"nft -f {name}; nft -f {name}; nft -j list set inet covered restricted_ipv4", folder)
    assert loaded.returncode == 0, loaded.stderr
    for address in scanned.restricted:
        assert f'"{address}"' in loaded.stdout
    for address in scanned.clean:
        assert f'"{address}"' not in loaded.stdout


def test_ipset_and_iptables_restore_into_a_namespace(
    scanned: Fleetstore, exported: tuple[Path, dict[ExportFormat, str]]
) -> None:
    _tool("ipset", "iptables-restore", "ip6tables-restore")
    folder, _ = exported
    ipset, ipt, ip6t = (
        FORMATS[f].filename for f in (ExportFormat.IPSET, ExportFormat.IPTABLES, ExportFormat.IP6TABLES)
    )
    script = (
        f"ipset restore -f {ipset}; ipset restore -f {ipset}; ipset list covered-ipv4; "
        f"iptables-restore --noflush {ipt}; iptables-restore --noflush {ipt}; iptables -S COVERED-RESTRICTED; "
        f"ip6tables-restore --noflush --test {ip6t}"
    )
    loaded = _in_namespace(script, folder)
    assert loaded.returncode == 0, loaded.stderr
    members = loaded.stdout.split("Members:")[1].split("-N COVERED-RESTRICTED")[0].split()
    assert set(members) == scanned.restricted
    rules = [line for line in loaded.stdout.splitlines() if line.startswith("-A COVERED-RESTRICTED")]
    # Loaded twice, listed once: the chain is replaced, not appended to.
    assert len([r for r in rules if " -s " in r]) == len(scanned.restricted)


def test_rpz_zone_passes_named_checkzone_and_dnspython(exported: tuple[Path, dict[ExportFormat, str]]) -> None:
    import dns.rdatatype
    import dns.zone

    folder, files = exported
    zone = dns.zone.from_text(files[ExportFormat.RPZ], origin="rpz.covered.", relativize=True)
    names = {str(name) for name in zone.nodes}
    assert {"www.easy4ipcloud.com", "dev.hik-connect.com", "ezvizlife.com", "*.ezvizlife.com"} <= names
    for name, node in zone.nodes.items():
        if str(name) != "@":
            (rdataset,) = node.rdatasets
            assert rdataset.rdtype == dns.rdatatype.CNAME
            assert str(rdataset[0].target) == "."
    if shutil.which("named-checkzone"):
        checked = subprocess.run(
            ["named-checkzone", "rpz.covered", FORMATS[ExportFormat.RPZ].filename],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_suricata_loads_every_rule(scanned: Fleetstore, exported: tuple[Path, dict[ExportFormat, str]]) -> None:
    _tool("suricata")
    folder, files = exported
    config = Path("/etc/suricata/suricata.yaml")
    if not config.is_file():
        pytest.skip("suricata has no configuration file")
    checked = subprocess.run(
        [
            "suricata",
            "-T",
            "--init-errors-fatal",
            "-c",
            str(config),
            "-l",
            str(folder),
            "-S",
            FORMATS[ExportFormat.SURICATA].filename,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    rules = _lines(files[ExportFormat.SURICATA])
    assert any('dns.query; content:".ezvizlife.com"; nocase; endswith;' in r for r in rules)
    device_rule = next(r for r in rules if r.startswith("alert ip ["))
    assert all(a in device_rule for a in scanned.restricted)
    assert len({r.split("sid:")[1].split(";")[0] for r in rules}) == len(rules)  # unique signature ids


def test_suricata_check_fails_on_a_broken_rule(exported: tuple[Path, dict[ExportFormat, str]], tmp_path: Path) -> None:
    """The check above can fail: the same command refuses a file with one rule broken."""
    _tool("suricata")
    rules = exported[1][ExportFormat.SURICATA].replace("classtype:policy-violation;", "classtype policy;", 1)
    (tmp_path / "broken.rules").write_text(rules)
    checked = subprocess.run(
        [
            "suricata",
            "-T",
            "--init-errors-fatal",
            "-c",
            "/etc/suricata/suricata.yaml",
            "-l",
            str(tmp_path),
            "-S",
            "broken.rules",
        ],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode != 0


def test_nac_and_vms_csv(scanned: Fleetstore, exported: tuple[Path, dict[ExportFormat, str]]) -> None:
    _, files = exported
    ise = list(csv.DictReader(io.StringIO(files[ExportFormat.ISE])))
    assert list(ise[0]) == [
        "MACAddress",
        "EndPointPolicy",
        "IdentityGroup",
        "Description",
        "StaticAssignment",
        "StaticGroupAssignment",
    ]
    restricted_macs = {scanned.macs[a].upper() for a in scanned.restricted}
    assert {row["MACAddress"] for row in ise} <= restricted_macs
    assert all(row["IdentityGroup"] == "Covered-Restricted" and "scan 1" in row["Description"] for row in ise)
    clearpass = list(csv.DictReader(io.StringIO(files[ExportFormat.CLEARPASS])))
    assert list(clearpass[0]) == ["mac_auth", "mac", "notes"]
    assert {row["mac"].upper() for row in clearpass} == {row["MACAddress"] for row in ise}
    vms = list(csv.DictReader(io.StringIO(files[ExportFormat.VMS])))
    assert {row["address"] for row in vms} == scanned.restricted
    hik = next(row for row in vms if row["make"] == "hikvision")
    assert hik["model"].startswith("DS-")
    assert NDAA in hik["rules"].split(",")


def test_filters_and_remediation_change_what_is_exported(scanned: Fleetstore, store_copy: Path, tmp_path: Path) -> None:
    dahua = run("export", "--format", "address", "--maker", "dahua", "--db", str(store_copy))
    assert dahua.returncode == 0, dahua.stderr
    dahua_addresses = set(_lines(dahua.stdout))
    assert dahua_addresses
    assert dahua_addresses < scanned.restricted
    rpz = run("export", "--format", "rpz", "--maker", "dahua", "--db", str(store_copy)).stdout
    assert "easy4ipcloud.com" in rpz
    assert "ezvizlife" not in rpz
    gone = sorted(dahua_addresses)[0]
    removed = run("remediate", gone, "--status", "removed", "--reason", "taken down", "--db", str(store_copy))
    assert removed.returncode == 0, removed.stderr
    after = set(_lines(run("export", "--format", "address", "--db", str(store_copy)).stdout))
    assert after == scanned.restricted - {gone}
    done = run("export", "--format", "address", "--status", "removed", "--db", str(store_copy))
    assert set(_lines(done.stdout)) == {gone}
    ndaa = run("export", "--format", "vms", "--rule", NDAA, "--db", str(store_copy))
    assert {row["address"] for row in csv.DictReader(io.StringIO(ndaa.stdout))} == scanned.restricted - {gone}


def test_watch_rewrites_the_files_when_a_status_changes(scanned: Fleetstore, store_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "addresses.txt"
    log = (tmp_path / "watch.log").open("w")
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "covered",
            "export",
            "--format",
            "address",
            "--output",
            str(target),
            "--watch",
            "0.2",
            "--checks",
            "1500",
            "--db",
            str(store_copy),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(600):
            if target.exists():
                break
            time.sleep(0.05)
        assert set(_lines(target.read_text())) == scanned.restricted
        gone = sorted(scanned.restricted)[-1]
        removed = run("remediate", gone, "--status", "removed", "--reason", "replaced by axis", "--db", str(store_copy))
        assert removed.returncode == 0, removed.stderr
        for _ in range(600):
            if gone not in _lines(target.read_text()):
                break
            time.sleep(0.05)
        assert set(_lines(target.read_text())) == scanned.restricted - {gone}
    finally:
        watcher.terminate()
        watcher.wait(20)
        log.close()
    assert (tmp_path / "watch.log").read_text().count("devices needing action") >= 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "pdf"], "covered: --format: unknown format 'pdf'"),
        (["--format", "mac,rpz"], "covered: --format: several formats need --output-dir"),
        (["--format", "mac", "--profile", "nobody"], "covered: --profile: no saved findings under 'nobody'"),
        (["--format", "mac", "--status", "gone"], "covered: --status: unknown status 'gone'"),
        (["--format", "mac", "--watch", "5"], "covered: --watch: give --output or --output-dir"),
        (["--format", "mac", "--checks", "2"], "covered: --checks: only with --watch"),
        (["--format", ","], "covered: --format:"),
    ],
)
def test_bad_options_are_one_line_errors(scanned: Fleetstore, options: list[str], message: str) -> None:
    result = run("export", *options, "--db", str(scanned.db))
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr


HOSTILE_MODEL = 'x"; sid:1;)\nadd element inet covered restricted_ipv4 { 8.8.8.8 }\r\n=cmd|calc'


def test_hostile_device_text_stays_inside_comments_and_cells(store_copy: Path, tmp_path: Path) -> None:
    """A device whose stored model, MAC and address are attacker-chosen cannot add an element, a rule or a CSV
    formula: text is folded to one line, MACs and addresses are written only when they parse."""
    from covered.store.schema import DeviceRow, FindingRow

    store = open_store(store_copy)
    with store.session() as session, session.begin():
        device = DeviceRow(
            key="hostile", mac="zz:zz\n", address="10.9.9.9 } ; flush ruleset", vendor="hikvision", model=HOSTILE_MODEL
        )
        session.add(device)
        session.flush()
        session.add(
            FindingRow(
                device_id=device.id,
                profile=PROFILE,
                subject=NDAA,
                obligation="remove",
                status="open",
                assessed_status="open",
                confidence="high",
                citation="test",
                explanation="test",
            )
        )
    store.engine.dispose()
    files = _export_all(store_copy, tmp_path, "--profile", PROFILE)
    for fmt in (ExportFormat.NFTABLES, ExportFormat.SURICATA, ExportFormat.RPZ, ExportFormat.IPTABLES):
        assert "8.8.8.8" not in files[fmt]
        assert "flush ruleset" not in files[fmt]
    vms = list(csv.DictReader(io.StringIO(files[ExportFormat.VMS])))
    hostile = next(row for row in vms if row["device"] == "hostile")
    assert "\n" not in hostile["model"]
    assert hostile["address"] == ""
    assert hostile["mac"] == ""
    if shutil.which("nft"):
        checked = subprocess.run(["nft", "-c", "-f", "covered.nft"], cwd=tmp_path, capture_output=True, check=False)
        assert checked.returncode == 0, checked.stderr
