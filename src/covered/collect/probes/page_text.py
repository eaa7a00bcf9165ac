"""Web pages as text in the charset they declare: Chinese device UIs are often GB2312/GBK, not UTF-8.

Order (as browsers resolve it, WHATWG Encoding and HTML "determining the character encoding"): the charset of
the Content-Type header, then a ``<meta charset>`` or ``http-equiv`` declaration in the first 1,024 bytes, then
UTF-8 when the bytes are valid UTF-8, then GB18030 (a superset of GB2312 and GBK) when they decode cleanly as it.
Anything else keeps undecodable bytes visible as escapes (``decode_text``).
"""

from __future__ import annotations

import codecs
import html
import re

from covered.collect.probes.base import ProbeContext, decode_text
from covered.model import Channel

__all__ = ["MAX_BODY_OBSERVATION", "decode_page", "record_page"]

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# WHATWG maps these labels to GBK/GB18030; Python's gb2312 codec is narrower than what servers send under it.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = _ALIASES.get(label.casefold(), label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page's text, decoded as declared (or as it most plausibly is), control bytes dropped."""
    declared = _codec(m.group(1) if content_type and (m := _HEADER_CHARSET.search(content_type)) else None)
    if declared is None:
        meta = _META_CHARSET.search(body[:1024])
        declared = _codec(meta.group(1).decode("ascii", "ignore") if meta else None)
    candidates = [declared] if declared else []
    candidates += ["utf-8", "gb18030"]
    for codec in candidates:
        try:
            return _CONTROL.sub("", body.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    return decode_text(body)


_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
MAX_BODY_OBSERVATION = 16_384
"""Characters of a page body kept as an observation (markers sit near the top of device UIs)."""
MAX_TITLE = 512


def record_page(ctx: ProbeContext, body: bytes, content_type: str | None, port: int, collector: str) -> str:
    """Add a page's title and body as observations; returns the decoded text for link following."""
    text = decode_page(body, content_type)
    title = _TITLE.search(text)
    if title is not None:
        ctx.add(Channel.HTTP, "title", html.unescape(title.group(1)).strip()[:MAX_TITLE], port, collector)
    if body:
        ctx.add(Channel.HTTP, "body", text[:MAX_BODY_OBSERVATION], port, collector)
    return text
