"""Cloud and P2P exposure: a device whose answers name a vendor cloud or P2P endpoint, or say P2P is switched on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from covered.model import CloudEndpoint, Observation

__all__ = ["Exposure", "ExposureMatcher"]

# SADP replies carry <HCPlatformEnable>; 'true' means the Hik-Connect cloud platform is on (device-protocols.md §3.1).
_HIK_CONNECT_ON = re.compile(r"<HCPlatformEnable>\s*true\s*</HCPlatformEnable>", re.IGNORECASE)
_SCAN_LIMIT = 65_536


@dataclass(frozen=True, slots=True)
class Exposure:
    """What was seen, where, and the endpoint (or setting) it points to."""

    vendor: str
    what: str
    evidence: str
    source: str


class ExposureMatcher:
    """Finds cloud/P2P endpoints named in device answers (one compiled pattern for all hosts)."""

    def __init__(self, endpoints: Iterable[CloudEndpoint]) -> None:
        self._endpoints = list(endpoints)
        parts = []
        for index, endpoint in enumerate(self._endpoints):
            host = endpoint.host_pattern()
            # Whole host names only: 'www.easy4ipcloud.com.example.org' is another host.
            parts.append(f"(?P<e{index}>(?<![A-Za-z0-9.-]){host}(?![A-Za-z0-9-]|\\.[A-Za-z0-9]))")
        self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def find(self, observations: Sequence[Observation]) -> list[Exposure]:
        """Every distinct endpoint or P2P setting the observations reveal."""
        found: dict[str, Exposure] = {}
        for observation in observations:
            value = observation.value[:_SCAN_LIMIT]
            place = f"{observation.channel.value}.{observation.field}"
            if self._pattern is not None:
                for match in self._pattern.finditer(value):
                    index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
                    endpoint = self._endpoints[index]
                    found.setdefault(
                        endpoint.host,
                        Exposure(
                            vendor=endpoint.vendor,
                            what=f"{match.group(0)} ({endpoint.purpose})",
                            evidence=f"{place} names {match.group(0)}",
                            source=endpoint.source,
                        ),
                    )
            if observation.channel.value == "sadp" and _HIK_CONNECT_ON.search(value):
                found.setdefault(
                    "hik-connect-enabled",
                    Exposure(
                        vendor="hikvision",
                        what="Hik-Connect cloud platform enabled (SADP HCPlatformEnable=true)",
                        evidence=f"{place} HCPlatformEnable=true",
                        source="shared/research/device-protocols.md §3.1",
                    ),
                )
        return list(found.values())
