"""Read line items from a quote, bill of materials or purchase order: CSV, XLSX, or the text of a PDF.

Tables are read with the header row found among the first rows (title rows above it skipped); a PDF's text is read
with pypdf, one line item per text line that names anything. Every cell and line is capped in size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from covered.collect.text_files import HEADER_SEARCH, best_header_row, decode_text_file, fold_header, sniff_dialect
from covered.errors import DataError, UsageError

__all__ = ["MAX_CELL", "MAX_ITEMS", "LineItem", "item_from_text", "read_line_items"]

MAX_CELL = 1_000
"""Characters kept of one cell or PDF line."""
MAX_ITEMS = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024

_COLUMNS: dict[str, tuple[str, ...]] = {
    "brand": ("brand", "make", "manufacturer", "mfr", "mfg", "vendor", "maker", "oem"),
    "model": ("model", "model number", "model no", "model name", "product", "product name"),
    "part_number": ("part number", "part no", "part", "pn", "p/n", "sku", "mpn", "item number", "item no", "article"),
    "description": ("description", "item description", "desc", "details", "item", "line item"),
}
_ALIASES = {alias: name for name, aliases in _COLUMNS.items() for alias in aliases}


def _fold(text: str) -> str:
    # 'Item #' and 'Part #' read as 'item' and 'part'.
    return fold_header(text.replace("#", " "))


@dataclass(frozen=True)
class LineItem:
    """One line of the document: where it is and what it names."""

    line: int
    brand: str | None = None
    model: str | None = None
    part_number: str | None = None
    description: str | None = None

    @property
    def text(self) -> str:
        """The item as one string, for display."""
        return " ".join(v for v in (self.brand, self.model, self.part_number, self.description) if v)


def item_from_text(text: str) -> LineItem:
    """One item given on the command line ('Annke C800'): read as a description."""
    cleaned = " ".join(text.split())[:MAX_CELL]
    if not cleaned:
        raise UsageError("--item", "empty item")
    return LineItem(line=1, description=cleaned)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())[:MAX_CELL]
    return text or None


def _header_score(row: Sequence[object]) -> int:
    """How many of the item fields a row names as headers."""
    return len({_ALIASES[_fold(str(c))] for c in row if c is not None and _fold(str(c)) in _ALIASES})


def _table(path: Path, rows: list[list[object]]) -> list[LineItem]:
    best = best_header_row(rows, _header_score)
    if best is None:
        raise DataError(
            path, 1, f"no header row in the first {HEADER_SEARCH} rows names Brand, Model, Part number or Description"
        )
    columns: dict[int, str] = {}
    for position, header in enumerate(rows[best]):
        name = _ALIASES.get(_fold(str(header))) if header is not None else None
        if name is not None and name not in columns.values():
            columns[position] = name
    items = []
    for number, row in enumerate(rows[best + 1 :], start=best + 2):
        values = {name: _cell(row[i]) for i, name in columns.items() if i < len(row)}
        if any(values.values()):
            items.append(LineItem(line=number, **values))
        if len(items) >= MAX_ITEMS:
            break
    return items


def _csv(path: Path) -> list[LineItem]:
    text = decode_text_file(path).text
    if not text.strip():
        raise DataError(path, 1, "empty file")
    dialect = sniff_dialect(text)
    csv.field_size_limit(10 * MAX_CELL * 1000)
    try:
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise DataError(path, None, f"not readable as CSV ({exc})") from None
    return _table(path, rows)


def _xlsx(path: Path) -> list[LineItem]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(path, None, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows: list[list[object]] = [
            list(r) for _, r in zip(range(MAX_ITEMS + HEADER_SEARCH), sheet.iter_rows(values_only=True), strict=False)
        ]
    finally:
        book.close()
    if not rows:
        raise DataError(path, 1, "empty workbook")
    return _table(path, rows)


def _pdf(path: Path) -> list[LineItem]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        text = "\n".join((page.extract_text() or "") for page in reader.pages[:200])
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DataError(path, None, f"not a readable PDF ({type(exc).__name__})") from None
    items = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())[:MAX_CELL]
        if line and any(c.isalpha() for c in line):
            items.append(LineItem(line=number, description=line))
        if len(items) >= MAX_ITEMS:
            break
    if not items:
        raise DataError(path, None, "the PDF has no text (a scan needs OCR first)")
    return items


def read_line_items(path: Path) -> list[LineItem]:
    """Every line item of a CSV, TSV, XLSX or PDF file."""
    if not path.is_file():
        raise UsageError("FILE", f"{path} not found")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(path, None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx(path)
    if suffix == ".pdf":
        return _pdf(path)
    if suffix in {".csv", ".tsv", ".txt"}:
        return _csv(path)
    raise UsageError("FILE", f"unsupported file type {suffix!r} (CSV, TSV, XLSX, PDF)")
