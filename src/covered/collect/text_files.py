"""Decode text files users hand over (asset lists, exports) whatever their encoding, and refuse binary data.

Excel on Windows writes CSV in the ANSI code page (cp1252 in Western Europe), sometimes behind a UTF-8 byte order
mark, and "Unicode text" as UTF-16 with a BOM. Byte order marks are honoured and stripped; text that is not UTF-8
is identified by charset-normalizer, a maintained detector, and cp1252 is preferred to Latin-1 (its 0x80-0x9F
bytes are ’ € – and the like, which Latin-1 would turn into control characters).
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer

from covered.errors import DataError

__all__ = [
    "HEADER_SEARCH",
    "DecodedText",
    "best_header_row",
    "decode_text_file",
    "fold_header",
    "read_utf8",
    "sniff_dialect",
]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 262_144
"""Bytes given to the detector; the whole file is then decoded with what it found."""
_LATIN1 = {"latin_1", "iso8859_1", "iso-8859-1", "latin-1"}


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text, the encoding it was read with, and a note when that was not plain UTF-8."""

    text: str
    encoding: str
    note: str | None = None


def _binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    return b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 100 + 2


def _guess(path: Path, data: bytes) -> str:
    results = charset_normalizer.from_bytes(data[:_SAMPLE])
    best = results.best()
    if best is None:
        raise DataError(path, None, "not a text file (binary data, or an encoding that cannot be told)")
    # Short Western European files fit several code pages equally well (cp1250 reads 'è' as 'č'); Excel's ANSI
    # code page in the languages covered reads them, so it wins whenever it fits as well as the best guess.
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01:
            return "cp1252"
    encoding = str(best.encoding)
    if encoding.replace("-", "_").lower() in _LATIN1 or encoding == "ascii":
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return "latin-1"
        return "cp1252"
    return encoding


def decode_text_file(path: Path, data: bytes | None = None) -> DecodedText:
    """The text of a user file: BOM honoured and stripped, UTF-8 when valid, else the detected encoding."""
    raw = path.read_bytes() if data is None else data
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            try:
                return DecodedText(body.decode(codec), codec)
            except UnicodeDecodeError:
                if codec != "utf-8":
                    raise DataError(path, None, f"starts with a {codec} byte order mark but is not {codec}") from None
                # A UTF-8 mark over ANSI bytes: what Excel-adjacent tools write after re-saving a cp1252 file.
                encoding = _guess(path, body)
                note = f"UTF-8 byte order mark but the text is not UTF-8: read as {encoding}"
                return DecodedText(body.decode(encoding, "replace"), encoding, note)
    if _binary(raw):
        raise DataError(path, None, "not a text file (binary data)")
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    encoding = _guess(path, raw)
    return DecodedText(raw.decode(encoding, "replace"), encoding, f"file is not UTF-8: read as {encoding}")


def read_utf8(path: Path) -> str:
    """A file that must be UTF-8 (targets, scope, profiles): the BOM stripped, a bad byte named by its line."""
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None


HEADER_SEARCH = 20
"""Rows searched for a table's header (title rows, notes or a blank line may stand above it)."""


def fold_header(header: str) -> str:
    """A header as compared: case, accents, '_', '-', '.' and apostrophes folded, the UTF-8 BOM dropped."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for mark in ("_", "-", ".", "'", "’", "°", "º"):
        text = text.replace(mark, " ")
    return " ".join(text.casefold().split())


def best_header_row(
    rows: Sequence[Sequence[Any]], score: Callable[[Sequence[Any]], int], limit: int = HEADER_SEARCH
) -> int | None:
    """The index of the row among the first ``limit`` that reads most like a header by ``score`` (the first of
    equals), or None when no row scores at all."""
    best, best_score = None, 0
    for index, row in enumerate(rows[:limit]):
        points = score(row)
        if points > best_score:
            best, best_score = index, points
    return best


def sniff_dialect(text: str) -> Any:
    """The CSV dialect of a text (comma, semicolon, tab or bar), from its first 8 KiB; Excel's when unsure."""
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel_tab if "\t" in sample and "," not in sample else csv.excel
