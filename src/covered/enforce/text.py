"""Safe text for generated files: one-line comments, checked MAC and IP literals (device data is hostile input)."""

from __future__ import annotations

import ipaddress
import re

__all__ = ["comment_block", "one_line", "split_addresses", "valid_address", "valid_mac"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MAC = re.compile(r"^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$")


def one_line(text: str, limit: int = 200) -> str:
    """Text with control characters and line breaks folded to spaces, at most ``limit`` characters: a device's
    model string must not end a comment and start a rule of its own."""
    return _CONTROL.sub(" ", text).strip()[:limit]


def comment_block(lines: list[str], prefix: str) -> str:
    """Lines as comments of a consumer's syntax ('# ', '; ', '-- ')."""
    return "".join(f"{prefix}{one_line(line, 500)}\n" for line in lines)


def valid_mac(mac: str | None) -> str | None:
    """A MAC in lower-case colon form, or None when the stored value is not one."""
    if mac is None:
        return None
    value = mac.strip().lower().replace("-", ":")
    return value if _MAC.match(value) else None


def valid_address(address: str | None) -> str | None:
    """An IP address in its normal form, or None when the stored value is not one."""
    if address is None:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def split_addresses(addresses: list[str | None]) -> tuple[list[str], list[str]]:
    """Valid IPv4 and IPv6 addresses, each sorted numerically without repeats; anything else is left out."""
    v4: set[ipaddress.IPv4Address] = set()
    v6: set[ipaddress.IPv6Address] = set()
    for text in addresses:
        if text is None:
            continue
        try:
            parsed = ipaddress.ip_address(text.strip())
        except ValueError:
            continue
        (v4 if isinstance(parsed, ipaddress.IPv4Address) else v6).add(parsed)  # type: ignore[arg-type]
    return [str(a) for a in sorted(v4)], [str(a) for a in sorted(v6)]
