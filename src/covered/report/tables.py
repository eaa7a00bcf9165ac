"""Tables for spreadsheets: CSV and XLSX from rows of device text, which is hostile input.

A cell that starts with ``= + - @`` (or a tab or carriage return before one) would run as a formula in Excel,
LibreOffice or Google Sheets (OWASP, "CSV Injection"); such cells get a leading apostrophe, which the spreadsheet
shows as text. Control characters other than tab and newline are dropped (XLSX cannot hold them), and a cell is
cut at 32,767 characters, the most a spreadsheet cell holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["MAX_CELL", "csv_table", "safe_cell", "xlsx_table"]

MAX_CELL = 32_767
"""Most characters a spreadsheet cell holds (Excel's limit; openpyxl refuses more)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A value as spreadsheet text that never runs as a formula: booleans lower-case, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {v}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    text = _CONTROL.sub("", text)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        text = "'" + text
    return text[:MAX_CELL]


def _is_number(text: str) -> bool:
    """Whether the text is a plain signed number ('-12.5'), which is safe and should stay one."""
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text[:1] in ("-", "+")


def csv_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The rows as RFC 4180 CSV (CRLF line ends) under a header of the column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def xlsx_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str, note: str = "") -> bytes:
    """The rows as one XLSX sheet: bold header, frozen under it, filter on every column, every cell text.

    ``note`` (what the table is, when and from where) goes on a second sheet, so the first stays a clean table.
    """
    book = Workbook()
    for default in list(book.worksheets):
        book.remove(default)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.append([safe_cell(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        count += 1
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = sheet.dimensions
    about = book.create_sheet("about")
    about.append(["table", safe_cell(title)])
    about.append(["rows", str(count)])
    about.append(["generated", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")])
    if note:
        about.append(["view", safe_cell(note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of : \\ / ? * [ ]."""
    return re.sub(r"[:\\/?*\[\]]", " ", title).strip()[:31] or "table"
