"""`covered check` on a realistic quote (CSV, XLSX, PDF) and on hostile inputs, through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from covered.cli import main

QUOTE = [
    ("Brand", "Model", "Part Number", "Description"),
    ("Hikvision", "", "", "4MP dome camera"),  # brand only
    ("", "DS-2CD2143G2-I", "", "4MP AcuSense dome"),  # model only
    ("Annke", "C800", "", "8MP PoE camera"),  # OEM relabel
    ("", "", "", "Wireless recorder, FCC ID: 2ADTD-5604SD"),  # FCC ID
    ("Axis", "P3265-LVE", "02328-001", "Dome camera"),  # clean
    ("Acme", "", "", "Cat6 patch cable 2m"),  # unknown
]
EXPECTED = [True, True, None, True, False, None]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    code = main(args)
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines() if line.startswith("{")]
    return code, rows, captured.err


def _csv(path: Path) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Quote Q-1041 from Example Security Ltd"])
        writer.writerows(QUOTE)
    return path


def _xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in QUOTE:
        sheet.append(list(row))
    book.save(path)
    return path


def _pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for row in QUOTE[1:]:
        page.drawString(40, y, " ".join(v for v in row if v))
        y -= 20
    page.save()
    return path


@pytest.mark.parametrize("build", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_quote_table(tmp_path: Path, capsys: pytest.CaptureFixture[str], build: object) -> None:
    path = build(tmp_path / f"quote.{'csv' if build is _csv else 'xlsx'}")  # type: ignore[operator]
    code, rows, _ = _run(["check", str(path), "--json"], capsys)
    assert code == 1
    assert [r["covered"] for r in rows] == EXPECTED
    annke = rows[2]
    assert annke["maker"] == "Hikvision"
    assert annke["relationship"] == "oem_relabel"
    assert rows[0]["rules"]
    assert all(r["evidence"] for r in rows[:5])
    assert rows[4]["maker"] == "Axis Communications"


def test_quote_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, _ = _run(["check", str(_pdf(tmp_path / "quote.pdf")), "--json"], capsys)
    assert code == 1
    assert [r["covered"] for r in rows] == EXPECTED
    assert any("2ADTD" in e for e in rows[3]["evidence"])  # type: ignore[union-attr]


def test_clean_item_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, _ = _run(["check", "--item", "Axis P3265-LVE", "--json"], capsys)
    assert code == 0
    assert rows[0]["covered"] is False


def test_uk_profile_changes_rules(capsys: pytest.CaptureFixture[str]) -> None:
    _, us, _ = _run(["check", "--item", "Hikvision DS-2CD2143G2-I", "--json"], capsys)
    _, gb, _ = _run(
        ["check", "--item", "Hikvision DS-2CD2143G2-I", "--json", "--profile", "gb-central-government"], capsys
    )
    assert us[0]["rules"] != gb[0]["rules"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty file"),
        (b"\x00\x01\x02junk" * 100, "junk.csv", "not a text file"),
        (b"not a workbook", "junk.xlsx", "not a readable XLSX"),
        (b"%PDF-1.4 broken", "junk.pdf", "PDF"),
        (b"a,b\n1,2\n", "nohead.csv", "no header row"),
    ],
)
def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = _run(["check", str(path)], capsys)
    assert code == 2
    assert err.startswith("covered: ")
    assert message in err
    assert "Traceback" not in err


def test_huge_cell_is_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("Brand,Description\nHikvision," + "x" * 2_000_000 + "\n", encoding="utf-8")
    code, rows, _ = _run(["check", str(path), "--json"], capsys)
    assert code == 1
    assert len(str(rows[0]["item"])) < 1_100
