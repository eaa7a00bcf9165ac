"""Observations in: the JSON Lines interchange format, and single values given on the command line.

One observation per line: ``{"device": "<any key>", "channel": "...", "field": "...", "value": "..."}``,
optionally with ``target``, ``port``, ``time`` and ``collector``. Bad lines are warnings with their line
number and the rest is read; unknown keys are reported, never silently dropped.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from covered.model import Channel, Observation

__all__ = ["ObservationReader", "ReadWarning", "group_by_device", "observations_from_flags"]

_KNOWN_KEYS = {"device", "channel", "field", "value", "target", "port", "time", "collector"}
MAX_LINE = 1_048_576
"""Longest JSON line read (bytes); longer lines are skipped with a warning."""


@dataclass(frozen=True, slots=True)
class ReadWarning:
    """A line that could not be read, or was read with a caveat."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ReadStats:
    """Counts of a read."""

    lines: int = 0
    observations: int = 0
    skipped: int = 0


@dataclass
class ObservationReader:
    """Reads JSON Lines observations, collecting warnings instead of stopping at the first bad line."""

    name: str = "-"
    warnings: list[ReadWarning] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)

    def read(self, lines: Iterable[str]) -> Iterator[Observation]:
        """Yield every valid observation."""
        for number, line in enumerate(lines, start=1):
            self.stats.lines += 1
            if not line.strip():
                continue
            observation = self._parse(number, line)
            if observation is None:
                self.stats.skipped += 1
            else:
                self.stats.observations += 1
                yield observation

    def _warn(self, number: int, message: str) -> None:
        self.warnings.append(ReadWarning(number, message))

    def _parse(self, number: int, line: str) -> Observation | None:
        if len(line) > MAX_LINE:
            self._warn(number, f"line longer than {MAX_LINE} bytes: skipped")
            return None
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            self._warn(number, f"not JSON ({exc.msg} at column {exc.colno}): skipped")
            return None
        except ValueError:  # a number past Python's 4,300-digit integer conversion limit
            self._warn(number, "a number too long to read (over 4,300 digits): skipped")
            return None
        except RecursionError:  # arrays or objects nested deeper than the parser's recursion limit
            self._warn(number, "JSON nested too deeply to read: skipped")
            return None
        if not isinstance(raw, dict):
            self._warn(number, "not a JSON object: skipped")
            return None
        unknown = sorted(set(raw) - _KNOWN_KEYS)
        if unknown:
            self._warn(number, f"unknown keys ignored: {', '.join(unknown)}")
        data = {k: v for k, v in raw.items() if k in _KNOWN_KEYS}
        for key in ("device", "value"):
            if isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool):
                data[key] = str(data[key])
        if isinstance(data.get("field"), str):
            data["field"] = data["field"].strip().lower().replace("_", "-")
        if isinstance(data.get("channel"), str):
            data["channel"] = data["channel"].strip().lower().replace("_", "-")
        try:
            return Observation.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            self._warn(number, f"{where}: {str(first['msg']).removeprefix('Value error, ')}: skipped")
            return None


def group_by_device(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    """Observations per device key, devices in first-seen order."""
    devices: dict[str, list[Observation]] = {}
    for observation in observations:
        devices.setdefault(observation.device, []).append(observation)
    return devices


_MD5 = re.compile(r"^[0-9a-fA-F]{32}$")
_MMH3 = re.compile(r"^-?\d{1,10}$")


def observations_from_flags(
    *,
    device: str = "cli",
    mac: str | None = None,
    http_server: str | None = None,
    realm: str | None = None,
    title: str | None = None,
    favicon: Path | None = None,
    favicon_hash: str | None = None,
    cert: Path | None = None,
    onvif_scopes: str | None = None,
    snmp_sysobjectid: str | None = None,
    banner: str | None = None,
) -> list[Observation]:
    """Observations for one device from single values (the `covered identify --mac ...` form)."""
    out: list[Observation] = []

    def add(channel: Channel, field_name: str, value: str) -> None:
        out.append(Observation(device=device, channel=channel, field=field_name, value=value, collector="cli"))

    from covered.errors import UsageError

    if mac is not None:
        from covered.identify.oui import normalise_mac

        if normalise_mac(mac) is None:
            raise UsageError("--mac", f"{mac!r} is not a MAC address (12 hex digits, e.g. 58:50:ED:1F:E3:85)")
        add(Channel.MAC, "address", mac)
    if http_server is not None:
        add(Channel.HTTP, "server", http_server)
    if realm is not None:
        add(Channel.HTTP, "www-authenticate", realm)
    if title is not None:
        add(Channel.HTTP, "title", title)
    if favicon is not None:
        add(Channel.FAVICON, "bytes", base64.b64encode(favicon.read_bytes()).decode("ascii"))
    if favicon_hash is not None:
        if _MD5.match(favicon_hash):
            add(Channel.FAVICON, "md5", favicon_hash.lower())
        elif _MMH3.match(favicon_hash):
            add(Channel.FAVICON, "mmh3", favicon_hash)
        else:
            raise UsageError("--favicon-hash", f"{favicon_hash!r} is neither an MD5 hex digest nor an mmh3 integer")
    if cert is not None:
        text = cert.read_text(encoding="ascii", errors="replace")
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise UsageError("--cert", f"{cert} is not a PEM certificate (no BEGIN CERTIFICATE block)")
        add(Channel.TLS, "pem", text)
    if onvif_scopes is not None:
        add(Channel.ONVIF, "scopes", onvif_scopes)
    if snmp_sysobjectid is not None:
        add(Channel.SNMP, "sysobjectid", snmp_sysobjectid)
    if banner is not None:
        add(Channel.SSH if banner.startswith("SSH-") else Channel.TELNET, "banner", banner)
    return out
