"""`covered import` with the exports people already keep: each file laid out as its tool writes it (column names
from the documentation each preset cites in src/covered/collect/presets/), the preset recognised and said, the
columns mapped, kept and ignored, and the identities carried into the stored device."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run

HIK_MAC = "58:50:ED:11:22:33"
AXIS_MAC = "AC:CC:8E:44:55:66"

FILES = {
    # NetBox device list export (columns of dcim/tables/devices.py DeviceTable, as the list view writes them).
    "netbox-devices": (
        "Name,Status,Tenant,Site,Location,Rack,Role,Manufacturer,Type,Platform,Serial number,Asset tag,IPv4 Address\n"
        "cam-lobby,Active,HQ,hq,Lobby,,Camera,Hikvision,DS-2CD2143G0-I,,DS-2CD2143G0-I20200101AAWRE1,HQ-0042,"
        "10.20.0.11/24\n"
        "cam-yard,Active,HQ,hq,Yard,,Camera,Axis,P3245-LV,,ACCC8E445566,HQ-0043,10.20.0.12/24\n",
        "HQ-0042",
    ),
    # NetBox interface list export (InterfaceTable).
    "netbox-interfaces": (
        "Device,Name,Label,Enabled,Type,MAC Address,IP Addresses,Mgmt Only,MTU,Mode\n"
        f"cam-lobby,eth0,,True,1000BASE-T (1GE),{HIK_MAC},10.20.0.11/24,False,,\n"
        f"cam-yard,eth0,,True,1000BASE-T (1GE),{AXIS_MAC},10.20.0.12/24,False,,\n",
        None,
    ),
    # Snipe-IT asset listing export (display names), with IP and MAC as custom fields.
    "snipe-it": (
        "Asset Tag,Asset Name,Serial,Model,Model No.,Category,Status,Checked Out To,Location,Manufacturer,Company,"
        "Purchase Cost,IP Address,MAC Address\n"
        f"SN-7781,Lobby camera,E12345678,DS-2CD2143G0-I,DS-2CD2143G0-I,Cameras,Deployed,Facilities,Lobby,Hikvision,"
        f"Acme,129.00,10.20.0.11,{HIK_MAC}\n"
        f"SN-7782,Yard camera,ACCC8E445566,P3245-LV,P3245-LV,Cameras,Deployed,Facilities,Yard,Axis,Acme,499.00,"
        f"10.20.0.12,{AXIS_MAC}\n",
        "SN-7781",
    ),
    # Lansweeper asset report (tblAssets / tblAssetCustom column names).
    "lansweeper": (
        "AssetName,AssetID,AssetUnique,IPAddress,Mac,Manufacturer,Model,Serialnumber,Location,Building,Department,"
        "Branchoffice,Barcode\n"
        f"CAM-LOBBY,1001,CAM-LOBBY,10.20.0.11,{HIK_MAC},Hikvision,DS-2CD2143G0-I,E12345678,Lobby,A,Security,London,"
        "BC-1\n"
        f"CAM-YARD,1002,CAM-YARD,10.20.0.12,{AXIS_MAC},Axis,P3245-LV,ACCC8E445566,Yard,A,Security,London,BC-2\n",
        None,
    ),
    # ServiceNow CMDB list export (cmdb_ci column labels).
    "servicenow-cmdb": (
        "Name,Asset tag,Serial number,IP Address,MAC Address,Manufacturer,Model ID,Location,Cost center,Owned by,"
        "Assigned to,Class,Operational status\n"
        f"cam-lobby,P1000123,E12345678,10.20.0.11,{HIK_MAC},Hikvision,DS-2CD2143G0-I,HQ Lobby,CC-410,Facilities,"
        "Jo Smith,IP Camera,Operational\n"
        f"cam-yard,P1000124,ACCC8E445566,10.20.0.12,{AXIS_MAC},Axis,P3245-LV,HQ Yard,CC-410,Facilities,Jo Smith,"
        "IP Camera,Operational\n",
        "P1000123",
    ),
    # runZero asset export (Asset fields of the runZero API documentation).
    "runzero": (
        "id,addresses,macs,mac vendors,names,os,hw,type,site name,tags,first seen,last seen,alive\n"
        f"6f1c,10.20.0.11,{HIK_MAC.lower()},Hangzhou Hikvision Digital Technology Co.,CAM-LOBBY,Embedded,"
        "Hikvision DS-2CD2143G0-I,IP Camera,HQ,,2026-11-01,2026-12-01,true\n"
        f"7a2d,10.20.0.12,{AXIS_MAC.lower()},Axis Communications AB,CAM-YARD,AXIS OS,Axis P3245-LV,IP Camera,HQ,,"
        "2026-11-01,2026-12-01,true\n",
        None,
    ),
    # Milestone XProtect hardware CSV (MilestonePSTools Export-HardwareCsv columns; the password is never kept).
    "milestone-xprotect": (
        "HardwareName,HardwareAddress,MacAddress,UserName,Password,DriverNumber,DriverDisplayName,"
        "RecordingServerName,RecordingServerId\n"
        f"Lobby (10.20.0.11),http://10.20.0.11/,{HIK_MAC.replace(':', '')},admin,hunter2,5000,Hikvision,RS1,1\n"
        f"Yard (10.20.0.12),http://10.20.0.12/,{AXIS_MAC.replace(':', '')},root,hunter3,806,AXIS,RS1,1\n",
        None,
    ),
    # Genetec Security Center video unit report (Config Tool columns).
    "genetec-security-center": (
        "Entity,Unit,Manufacturer,Product type,Firmware version,IP address,Physical address,Area,Time zone\n"
        f"Lobby camera,Lobby unit,Hikvision,DS-2CD2143G0-I,V5.5.0,10.20.0.11,{HIK_MAC},HQ,UTC\n"
        f"Yard camera,Yard unit,Axis,P3245-LV,9.80.1,10.20.0.12,{AXIS_MAC},HQ,UTC\n",
        None,
    ),
}


@pytest.mark.parametrize("preset", sorted(FILES))
def test_each_export_is_recognised_and_identified(preset: str, tmp_path: Path) -> None:
    text, tag = FILES[preset]
    path = tmp_path / f"{preset}.csv"
    path.write_text(text, encoding="utf-8")
    result = run("import", str(path), "--json")
    assert result.returncode == 1, result.stderr  # a Hikvision camera is in every file
    assert f"({preset}, recognised from the headers)" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    hik, other = sorted(rows, key=lambda r: r.get("vendor") != "hikvision")
    assert hik["vendor"] == "hikvision"
    assert hik["restricted"] is True
    # The Axis camera is never claimed restricted; from a MAC alone it may stay unknown (not "clean").
    assert other["restricted"] is not True
    if tag is not None:
        assert hik["asset"]["asset_tag"] == tag
    assert "hunter2" not in result.stdout


def test_forced_preset_keep_and_what_was_ignored(tmp_path: Path) -> None:
    text, _ = FILES["snipe-it"]
    path = tmp_path / "assets.csv"
    path.write_text(text.replace("Purchase Cost", "Warranty Months"), encoding="utf-8")
    plain = run("import", str(path), "--json")
    assert "note: columns not imported: Model No., Warranty Months (use --map" in plain.stderr
    kept = run("import", str(path), "--preset", "snipe-it", "--keep", "Warranty Months", "--json")
    assert kept.returncode == 1, kept.stderr
    assert "(snipe-it, as asked (--preset))" in kept.stderr
    assert "kept as attributes: Category, Status, Warranty Months" in kept.stderr
    assert "columns: Asset Tag -> asset_tag" in kept.stderr
    hik = next(json.loads(line) for line in kept.stdout.splitlines() if "hikvision" in line)
    assert hik["asset"]["attributes"]["Warranty Months"] == "129.00"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--preset", "excel"], "covered: --preset: unknown preset 'excel'"),
        (["--keep", "Colour"], "covered: --keep: no column named 'colour'"),
    ],
)
def test_bad_preset_or_keep_is_one_line(tmp_path: Path, options: list[str], message: str) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(FILES["snipe-it"][0], encoding="utf-8")
    result = run("import", str(path), *options)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
