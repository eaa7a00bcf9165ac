"""Hostile variations of device answers: entity bombs, malformed XML, non-UTF-8 and script-carrying banners.

These exist so the scanner is tested against the input DESIGN.md warns about ("device output is hostile
input"): every answer a hostile device gives is still bounded in size, so the simulator itself stays safe.
"""

from __future__ import annotations

from covered.sim.plan import Device

__all__ = ["SCRIPT", "banner_bytes", "bomb", "malform", "xml_answer"]

SCRIPT = "<script>alert(1)</script>"
_LATIN1_JUNK = b" C\xe1mara \xff\xfe\xc3("  # Latin-1 'á', bytes invalid in UTF-8, a truncated sequence


def bomb(document: str) -> str:
    """The document with billion-laughs entity declarations and a reference to the largest one."""
    decls = ['<!ENTITY lol "lol">']
    decls += [f'<!ENTITY lol{n} "{"&lol{};".format(n - 1 if n > 1 else "") * 10}">' for n in range(1, 10)]
    doctype_root = _root_name(document)
    doctype = f"<!DOCTYPE {doctype_root} [\n " + "\n ".join(decls) + "\n]>\n"
    head, body = _split_declaration(document)
    # Reference the entity in the first text node so a parser that expands entities blows up.
    close = body.find("</")
    if close > 0:
        body = body[:close] + "&lol9;" + body[close:]
    return head + doctype + body


def malform(document: str, variant: int) -> str:
    """The document made not well-formed: truncated, a mismatched end tag, or a stray '<' and '&'."""
    if variant == 0:
        return document[: max(1, (len(document) * 3) // 5)]
    if variant == 1:
        end = document.rfind("</")
        if end >= 0:
            return document[:end] + "</Broken" + document[document.find(">", end) :]
    head, body = _split_declaration(document)
    close = body.find("</")
    if close > 0:
        body = body[:close] + " a < b & c " + body[close:]
    return head + body


def xml_answer(device: Device, document: str) -> str:
    """The XML answer a device gives, after its hostile behaviour (if any) is applied."""
    if device.hostile == "xml-bomb":
        return bomb(document)
    if device.hostile == "malformed-xml":
        return malform(document, device.variant)
    return document


def banner_bytes(device: Device, text: str) -> bytes:
    """A banner, header or title as bytes: with a script tag or with non-UTF-8 bytes for those personas."""
    if device.hostile == "script-banner":
        return (text + SCRIPT).encode("utf-8") if text else SCRIPT.encode()
    if device.hostile == "non-utf8":
        return text.encode("latin-1", "replace") + _LATIN1_JUNK
    return text.encode("utf-8")


def _split_declaration(document: str) -> tuple[str, str]:
    if document.startswith("<?xml"):
        end = document.find("?>") + 2
        newline = 1 if document[end : end + 1] == "\n" else 0
        return document[: end + newline] + ("" if newline else "\n"), document[end + newline :]
    return "", document


def _root_name(document: str) -> str:
    _, body = _split_declaration(document)
    start = body.find("<") + 1
    end = start
    while end < len(body) and body[end] not in " >/\n\t\r":
        end += 1
    return body[start:end] or "root"
