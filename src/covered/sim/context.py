"""Settings every responder of a worker shares: the fleet's credentials, hostile knobs and favicons."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field

__all__ = ["Context", "favicon"]


@dataclass(frozen=True, slots=True)
class Context:
    """Fleet-wide settings read by the responders."""

    username: str
    password: str
    slow_seconds: float
    oversize_bytes: int
    idle_timeout: float
    favicons: dict[str, bytes] = field(default_factory=dict)

    def icon(self, family: str) -> bytes:
        """The favicon of a vendor family (built on first use)."""
        if family not in self.favicons:
            self.favicons[family] = favicon(family)
        return self.favicons[family]


def favicon(family: str) -> bytes:
    """A 16x16 32-bit ICO whose colours derive from the family name.

    The real Hikvision and Dahua icons (whose hashes the registry's favicon signatures list) are binary files
    not available in the sources read, so these icons do not match those hashes: they only let a scanner
    exercise its favicon fetch and hashing.
    """
    digest = hashlib.sha256(f"covered-sim-favicon:{family}".encode()).digest()
    pixels = bytearray()
    for y in range(16):
        for x in range(16):
            colour = digest[(x + y) % 8 * 4 : (x + y) % 8 * 4 + 3]
            pixels += bytes(colour) + b"\xff"
    mask = bytes(16 * 4)
    bitmap = struct.pack("<IiiHHIIiiII", 40, 16, 32, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0)
    image = bitmap + bytes(pixels) + mask
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(image), 6 + 16)
    return header + entry + image
