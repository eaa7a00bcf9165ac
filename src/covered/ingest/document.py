"""Read a saved article into text: plain text (UTF-8 or a detected encoding), HTML or PDF, with bounds."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from covered.errors import UsageError

__all__ = ["MAX_BYTES", "Document", "read_document", "text_of_bytes"]

MAX_BYTES = 32 * 1024 * 1024
"""Largest file read (a compilation of many articles stays far below)."""

_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div|article)[\s>]", re.IGNORECASE)
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "blockquote")


@dataclass(frozen=True, slots=True)
class Document:
    """The text of one article file and how it was read."""

    text: str
    media_type: str
    encoding: str | None
    sha256: str
    title: str | None = None


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _decode(data: bytes, where: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UsageError(where, "not text in any encoding charset-normalizer knows")
    return str(best), best.encoding


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


def _binary(data: bytes) -> bool:
    """More than 1% control bytes in the first 64 KiB (text, even UTF-16-free legacy encodings, has almost none)."""
    head = data[:65536]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls * 100 > len(head)


def _html_text(markup: str) -> tuple[str, str | None]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title is not None else None
    for tag in soup(["title", "script", "style", "noscript", "template", "svg", "nav", "footer", "header", "form"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().split("\n")]
    return "\n".join(line for line in lines if line), title or None


def _pdf_text(path: Path, where: str) -> str:
    import logging

    from pypdf import PdfReader

    # pypdf logs what it repairs in a broken file; the one-line error below says what the user needs to know.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages[:500]]
    except PdfReadError as exc:
        raise UsageError(where, f"not a readable PDF ({str(exc)[:200]})") from None
    except Exception as exc:  # a broken PDF makes pypdf raise many kinds of error (KeyError, struct.error...)
        raise UsageError(where, f"not a readable PDF ({type(exc).__name__})") from None
    # PDF lines break inside sentences; join lines that do not end a paragraph.
    text = "\n\n".join(pages)
    return re.sub(r"(?<![.:!?\n])\n(?!\n)", " ", text)


def text_of_bytes(data: bytes, *, where: str, name: str = "") -> Document:
    """Text of a file's bytes, as HTML when it looks like HTML, else as plain text."""
    sha = hashlib.sha256(data).hexdigest()
    if _binary(data):
        raise UsageError(where, "binary data, not a text, HTML or PDF article")
    text, encoding = _decode(data, where)
    title = None
    if name.lower().endswith((".html", ".htm", ".xhtml")) or _HTML_HINT.search(data[:4096]):
        text, title = _html_text(text)
        media = "text/html"
    else:
        media = "text/plain"
    if not text.strip():
        raise UsageError(where, "the file has no text")
    return Document(_normalise(text), media, encoding, sha, title)


def read_document(path: Path, where: str | None = None) -> Document:
    """Read an article file (text, HTML or PDF), refusing empty, huge or unreadable ones."""
    where = where or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(where, f"cannot read: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise UsageError(where, f"{size} bytes: larger than the {MAX_BYTES // (1024 * 1024)} MiB limit for an article")
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError as exc:
        raise UsageError(where, f"cannot read: {exc.strerror}") from None
    if head == b"%PDF-":
        data = path.read_bytes()
        text = _pdf_text(path, where)
        if not text.strip():
            raise UsageError(where, "a PDF without extractable text (scanned pages need OCR first)")
        return Document(_normalise(text), "application/pdf", None, hashlib.sha256(data).hexdigest())
    return text_of_bytes(path.read_bytes(), where=where, name=path.name)
