"""A small fleet with every normal persona and every hostile one, started once and always stopped."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from covered.sim import PERSONAS, Device, Fleet, FleetSpec

NORMAL = [p.id for p in PERSONAS if p.hostile is None]
HOSTILE = [
    "slow@dahua-camera",
    "slow@generic-embedded",
    "reset",
    "oversized",
    "malformed-xml",
    "xml-bomb",
    "bad-cert@hikvision-camera",
    "bad-cert@dahua-camera",
    "bad-cert@axis-camera",
    "non-utf8",
    "script-banner",
]
MIX = (*NORMAL, "hikvision-camera", "hikvision-camera", "hikvision-nvr", "huawei-router", *HOSTILE)


SECOND_OCTET = 200 + os.getpid() % 50
"""Tests bind 127.<200..249>.x.y by process id, so concurrent test runs and demo fleets rarely collide."""


def base(block: int) -> str:
    """First address of a /24-sized block reserved for one test (block 0 is the shared fleet)."""
    return f"127.{SECOND_OCTET}.{block}.1"


@pytest.fixture(scope="session")
def fleet() -> Iterator[Fleet]:
    """The shared test fleet on 127.<pid-derived>.0.x (slow devices stall for 30 s, far beyond the tests' timeouts)."""
    spec = FleetSpec(personas=MIX, seed=11, base=base(0), oversize_bytes=2 * 1024 * 1024, idle_timeout=5)
    running = Fleet(spec)
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def by_persona(fleet: Fleet, persona: str, hostile: str | None = None) -> list[Device]:
    return [d for d in fleet.devices if d.persona.id == persona and d.hostile == hostile]


def one(fleet: Fleet, persona: str, hostile: str | None = None, **strings: str) -> Device:
    for device in by_persona(fleet, persona, hostile):
        if all(device.string(k) == v for k, v in strings.items()):
            return device
    raise LookupError(f"no {persona} {hostile} {strings} in the fleet")
