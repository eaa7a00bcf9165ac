"""Tables for spreadsheets: CSV and XLSX from rows of device text, which is hostile input.

A cell that starts with ``= + - @`` (or a tab or carriage return before one) would run as a formula in Excel,
LibreOffice or Google Sheets (OWASP, "CSV Injection"); such cells get a leading apostrophe, which the spreadsheet
shows as text. Control characters other than tab and newline are dropped (XLSX cannot hold them), and a cell is
cut at 32,767 characters, the most a spreadsheet cell holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["MAX_CELL", "MAX_PDF_ROWS", "cell_text", "csv_table", "pdf_flowable", "pdf_table", "safe_cell", "xlsx_table"]

MAX_CELL = 32_767
"""Most characters a spreadsheet cell holds (Excel's limit; openpyxl refuses more)."""
MAX_PDF_ROWS = 5_000
"""Most rows a PDF download holds (about 150 landscape pages); CSV and XLSX hold the rest."""
_CJK_FONT = "STSong-Light"
"""An Adobe CID font the PDF viewer supplies: CJK text in device answers prints as text, not boxes."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    """A value as table text: booleans lower-case, nothing for None, lists and mappings joined, control
    characters dropped, at most a spreadsheet cell's length."""
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
    return _CONTROL.sub("", text)[:MAX_CELL]


def safe_cell(value: Any) -> str:
    """A value as spreadsheet text (cell_text) that never runs as a formula."""
    text = cell_text(value)
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


def _pdf_cell(value: Any, style: Any) -> Any:
    """A cell as a wrapped paragraph, its text escaped (reportlab reads markup) and made safe like any cell."""
    from reportlab.platypus import Paragraph

    text = html.escape(cell_text(value))
    if any(ord(c) > 0xFF for c in text):
        text = f'<font name="{_CJK_FONT}">{text}</font>'
    return Paragraph(text, style)


def pdf_flowable(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], page_width: float, widths: Sequence[float] | None = None
) -> Any:
    """A reportlab table of the rows under a repeated header row; column widths are shares of ``page_width``
    so long values wrap in their column instead of widening the page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Table, TableStyle

    if _CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))
    cell = getSampleStyleSheet()["BodyText"].clone("cell", fontSize=7, leading=8)
    body = [[_pdf_cell(c, cell) for c in columns]]
    body += [[_pdf_cell(v, cell) for v in row] for row in rows]
    shares = list(widths or [1.0] * len(columns))
    table = Table(body, repeatRows=1, colWidths=[page_width * w / sum(shares) for w in shares])
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    )
    return table


def pdf_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str,
    note: str = "",
    widths: Sequence[float] | None = None,
) -> bytes:
    """The rows as a landscape A4 PDF: the title, what the view is and when it was made, then the table."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    made = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    story = [
        Paragraph(html.escape(title), styles["Title"]),
        Paragraph(html.escape(f"{note}. Generated {made}." if note else f"Generated {made}."), styles["Normal"]),
        Spacer(1, 6),
        pdf_flowable(columns, rows, landscape(A4)[0] - 30 * mm, widths),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=title, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm
    )
    document.build(story)
    return buffer.getvalue()
