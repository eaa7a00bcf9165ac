"""Targets, ports and scope: strict parsing, public space refused unless allowed, deny lists honoured."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from covered.collect.targets import DEFAULT_TCP_PORTS, DEFAULT_UDP_PORTS, Scope, expand_targets, parse_ports
from covered.errors import DataError, UsageError


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["127.20.0.0/30"], ["127.20.0.1", "127.20.0.2"]),
        (["127.20.0.5-7"], ["127.20.0.5", "127.20.0.6", "127.20.0.7"]),
        (["127.20.0.254-127.20.1.1"], ["127.20.0.254", "127.20.0.255", "127.20.1.0", "127.20.1.1"]),
        (["127.20.0.9", "127.20.0.9/32", "localhost"], ["127.20.0.9", "127.0.0.1"]),
        (["::1"], ["::1"]),
    ],
)
def test_expand(items: list[str], expected: list[str]) -> None:
    addresses = [str(a) for a in expand_targets(items)]
    assert addresses[: len(expected)] == expected or set(expected) <= set(addresses)


@pytest.mark.parametrize("bad", ["127.0.0.9-3", "10.0.0.0/8x", "no-such-host.invalid", "0.0.0.0/4"])
def test_bad_targets_name_the_argument(bad: str) -> None:
    with pytest.raises(UsageError) as caught:
        expand_targets([bad])
    assert caught.value.option == "TARGETS"


def test_targets_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "targets.txt"
    path.write_text("# lab\n127.20.0.1\n\n127.20.0.x/24\n")
    with pytest.raises(DataError) as caught:
        expand_targets([], path)
    assert (caught.value.path, caught.value.line) == (path, 4)


@pytest.mark.parametrize(
    ("text", "tcp", "udp"),
    [
        (None, DEFAULT_TCP_PORTS, DEFAULT_UDP_PORTS),
        ("80,443,161/udp", (80, 443), (161,)),
        ("T:80,554,U:3702,37020", (80, 554), (3702, 37020)),
        ("8000-8002", (8000, 8001, 8002), ()),
    ],
)
def test_ports(text: str | None, tcp: tuple[int, ...], udp: tuple[int, ...]) -> None:
    spec = parse_ports(text)
    assert (spec.tcp, spec.udp) == (tcp, udp)


@pytest.mark.parametrize("bad", ["0", "70000", "80/sctp", "http", "90-80"])
def test_bad_ports(bad: str) -> None:
    with pytest.raises(UsageError, match="--ports"):
        parse_ports(bad)


def test_scope_refuses_public_space_and_honours_lists(tmp_path: Path) -> None:
    default = Scope()
    assert default.verdict(ipaddress.ip_address("127.20.0.1")) is None
    assert default.verdict(ipaddress.ip_address("10.1.2.3")) is None
    assert "public address space" in str(default.verdict(ipaddress.ip_address("8.8.8.8")))
    assert Scope(allow_public=True).verdict(ipaddress.ip_address("8.8.8.8")) is None
    assert "not a unicast" in str(default.verdict(ipaddress.ip_address("239.255.255.250")))
    path = tmp_path / "scope.yml"
    path.write_text("allow: [127.20.0.0/24]\ndeny: [127.20.0.8/30]\n")
    scope = Scope.load(path, allow_public=False)
    assert scope.verdict(ipaddress.ip_address("127.20.0.2")) is None
    assert scope.verdict(ipaddress.ip_address("127.20.0.9")) == "in the scope's deny list"
    assert scope.verdict(ipaddress.ip_address("127.21.0.1")) == "outside the scope's allow list"


def test_bad_scope_file(tmp_path: Path) -> None:
    path = tmp_path / "scope.yml"
    path.write_text("allow: [not-a-network]\n")
    with pytest.raises(DataError, match="allow: 'not-a-network'"):
        Scope.load(path, allow_public=False)
