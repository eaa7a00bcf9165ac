"""Reading observation files given on the command line (a path or - for stdin)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from covered.cli.output import print_warnings
from covered.errors import DataError, UsageError

if TYPE_CHECKING:
    from covered.model import Observation

__all__ = ["read_observation_file"]


def _favicon_warnings(devices: dict[str, list[Observation]]) -> list[str]:
    """Favicon bytes that are not base64: their hash would be of whatever characters survive decoding."""
    import binascii

    from covered.model import Channel

    found = []
    for device, items in devices.items():
        for o in items:
            if o.channel is Channel.FAVICON and o.field == "bytes":
                try:
                    base64.b64decode(o.value, validate=True)
                except (binascii.Error, ValueError):
                    found.append(f"device {device}: favicon bytes are not base64; no favicon hash can be trusted")
    return found


def read_observation_file(value: str) -> dict[str, list[Observation]]:
    """Observations per device from a JSON Lines file or '-' (stdin); bad lines are printed as warnings."""
    from covered.identify.observations import ObservationReader, group_by_device

    reader = ObservationReader(name=value)
    if value == "-":
        devices = group_by_device(reader.read(sys.stdin))
    else:
        path = Path(value)
        if not path.is_file():
            raise UsageError("--observations", f"{path} not found")
        with path.open("rb") as probe:
            head = probe.read(65_536)
        if b"\x00" in head:
            raise DataError(path, None, "not a JSON Lines observations file (binary data)")
        with path.open(encoding="utf-8", errors="replace") as handle:
            devices = group_by_device(reader.read(handle))
    print_warnings(value, [*reader.warnings, *_favicon_warnings(devices)])
    if not devices and reader.stats.skipped:
        raise DataError(value, None, f"no observation could be read ({reader.stats.skipped} lines skipped)")
    return devices
