"""Property-based fuzzing of every parser of user and device input: only covered's own errors may escape.

Importers (CSV, JSON, nmap XML bytes), the JSON Lines observation reader, the targets and ports parsers and the
evidence-pack checker get random and mutated input from hypothesis. Each test is bounded (max_examples and a
per-example deadline), derandomized so a run is the same everywhere, keeps no example database, and never leaves
the machine: name resolution is replaced by a stub that fails, so only literal addresses are ever expanded.
Crashes found are fixed where they arose and kept here as `@example` regressions.
"""

from __future__ import annotations

import io
import ipaddress
import json
import socket
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from covered.collect import import_file
from covered.collect.targets import MAX_TARGETS, expand_targets, parse_ports
from covered.errors import DataError, UsageError
from covered.identify.observations import ObservationReader
from covered.model import Observation
from covered.report.bundle import ReportData, check_pack, write_pack

BOUNDED = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@contextmanager
def _scratch(name: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


# --- importers -------------------------------------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(["MAC", "IP Address", "Manufacturer", "Model", "Serial", "Hostname", "Site", "Adresse MAC", ""]),
    st.sampled_from(["44:19:B6:00:00:01", "08-ED-ED-12-34-56", "10.0.0.1", "::1", "Hikvision", "DS-2CD2142FWD-I"]),
    st.text(max_size=20),
)
_DELIMITER = st.sampled_from([",", ";", "\t", "|"])


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A table that is nearly an asset list (headers, cells, quotes), in one of the encodings Excel writes."""
    delimiter = draw(_DELIMITER)
    rows = draw(st.lists(st.lists(_CELLS, max_size=8), max_size=12))
    lines = []
    for row in rows:
        cells = [f'"{c}"' if draw(st.booleans()) else c for c in row]
        lines.append(delimiter.join(cells))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, "replace")


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """Overwrite, cut or splice a few bytes."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        if not buffer:
            break
        position = draw(st.integers(0, len(buffer) - 1))
        action = draw(st.sampled_from(["set", "cut", "insert"]))
        if action == "set":
            buffer[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del buffer[position : position + draw(st.integers(1, 64))]
        else:
            buffer[position:position] = draw(st.binary(min_size=1, max_size=16))
    return bytes(buffer)


@st.composite
def json_bytes(draw: st.DrawFn) -> bytes:
    """JSON documents and JSON Lines shaped like device lists, and mutations of them."""
    scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
    values = st.recursive(
        scalar,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
        max_leaves=8,
    )
    item = st.dictionaries(st.sampled_from(["mac", "ip", "vendor", "model", "serial", "name", "x"]), values, max_size=5)
    shape = draw(st.sampled_from(["list", "wrapped", "lines", "any"]))
    if shape == "list":
        text = json.dumps(draw(st.lists(item, max_size=5)))
    elif shape == "wrapped":
        text = json.dumps({draw(st.sampled_from(["devices", "assets"])): draw(st.lists(item | values, max_size=5))})
    elif shape == "lines":
        text = "\n".join(json.dumps(draw(item)) for _ in range(draw(st.integers(0, 5))))
    else:
        text = json.dumps(draw(values))
    return _mutate(text.encode(), draw) if draw(st.booleans()) else text.encode()


@st.composite
def nmap_bytes(draw: st.DrawFn) -> bytes:
    """nmap XML with hosts, addresses, ports and scripts, and mutations of it."""
    hosts = []
    for _ in range(draw(st.integers(0, 3))):
        address = draw(st.sampled_from(["10.0.0.1", "::1", "not-an-ip", ""]))
        port = draw(st.sampled_from(["80", "0", "70000", "x", ""]))
        hosts.append(
            f'<host><status state="{draw(st.sampled_from(["up", "down"]))}"/>'
            f'<address addr="{address}" addrtype="ipv4"/><address addr="44:19:B6:00:00:01" addrtype="mac"/>'
            f'<ports><port protocol="tcp" portid="{port}"><state state="open"/>'
            f'<service name="http" product="{draw(st.sampled_from(["Hikvision", "&amp;", "x"]))}"/>'
            f'<script id="http-title" output="{draw(st.sampled_from(["t", ""]))}"/></port></ports></host>'
        )
    text = f'<?xml version="1.0"?><nmaprun scanner="nmap">{"".join(hosts)}</nmaprun>'
    return _mutate(text.encode(), draw) if draw(st.booleans()) else text.encode()


def _import(name: str, data: bytes) -> None:
    with _scratch(name, data) as path:
        try:
            result = import_file(path)
        except (DataError, UsageError):
            return
        for key, observations in result.devices.items():
            assert all(o.device == key for o in observations)
        assert result.rows <= sum(1 for _ in data.splitlines()) + 1 or result.format != "csv"


@BOUNDED
@given(data=csv_bytes())
@example(data=b"MAC\n\x00")
@example(data=b'"MAC,IP\n"44:19:B6:00:00:01')
@example(data=b"Hostname,IP\n" + b"h" * 300 + b",not-an-ip\n")  # a key over 256 characters failed validation
def test_csv_import_raises_only_covered_errors(data: bytes) -> None:
    _import("assets.csv", data)


@BOUNDED
@given(data=st.binary(max_size=2048))
def test_random_bytes_as_any_import_raise_only_covered_errors(data: bytes) -> None:
    for name in ("assets.csv", "assets.json", "scan.xml", "assets.tsv"):
        _import(name, data)


@BOUNDED
@given(data=json_bytes())
@example(data=b'[{"mac": 1' + b"1" * 5000 + b"}]")
@example(data=b'{"devices": 5}')
@example(data=b"[" * 100_000)
@example(data=b'{"mac": "44:19:B6:00:00:01"}\n' + b"[" * 100_000)
def test_json_import_raises_only_covered_errors(data: bytes) -> None:
    _import("assets.json", data)


@BOUNDED
@given(data=nmap_bytes())
def test_nmap_xml_import_raises_only_covered_errors(data: bytes) -> None:
    _import("scan.xml", data)


# --- observation reader ------------------------------------------------------------------------------------------

_OBSERVATION_KEYS = st.sampled_from(["device", "channel", "field", "value", "target", "port", "time", "collector", "x"])
_JSONISH = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=16),
    st.sampled_from(["http", "mac", "server", "address", "2026-11-22T10:00:00Z", "not a time"]),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def observation_lines(draw: st.DrawFn) -> list[str]:
    """Lines that are nearly observations, other JSON, or not JSON."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["object", "text", "json"]))
        if kind == "object":
            lines.append(json.dumps(draw(st.dictionaries(_OBSERVATION_KEYS, _JSONISH, max_size=8))))
        elif kind == "json":
            lines.append(json.dumps(draw(_JSONISH)))
        else:
            lines.append(draw(st.text(max_size=40)))
    return lines


@BOUNDED
@given(lines=observation_lines())
@example(lines=['{"device": "a", "channel": "http", "field": "server", "value": ' + "9" * 5000 + "}"])
@example(lines=['{"device": "a", "channel": "http", "field": "server", "value": "x", "port": ' + "9" * 5000 + "}"])
@example(lines=["[" * 100_000])
def test_observation_reader_never_raises(lines: list[str]) -> None:
    reader = ObservationReader(name="fuzz")
    read = list(reader.read(lines))
    assert all(isinstance(o, Observation) for o in read)
    assert reader.stats.observations == len(read)
    assert reader.stats.skipped <= len(lines)
    assert all(1 <= w.line <= len(lines) for w in reader.warnings)


# --- targets and ports -------------------------------------------------------------------------------------------


@contextmanager
def _no_dns() -> Iterator[list[str]]:
    """Name resolution replaced by a stub that fails: the fuzzed parser must never reach the network."""
    asked: list[str] = []

    def refuse(host: str, *args: object, **kwargs: object) -> list[object]:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "resolution disabled in the fuzz test")

    with mock.patch("covered.collect.targets.socket.getaddrinfo", refuse):
        yield asked


_V4 = st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n)))
_V6 = st.integers(0, 2**128 - 1).map(lambda n: str(ipaddress.IPv6Address(n)))


@st.composite
def target_text(draw: st.DrawFn) -> str:
    """Literal addresses, CIDRs, ranges (full and short) and near-misses of them."""
    kind = draw(st.sampled_from(["v4", "v6", "cidr4", "cidr6", "range", "short", "junk"]))
    if kind == "v4":
        return draw(_V4)
    if kind == "v6":
        return draw(_V6)
    if kind == "cidr4":
        # Prefixes /12-/19 name 4,096 to 1,048,576 addresses: valid but slow to list, so most examples stay small.
        return f"{draw(_V4)}/{draw(st.sampled_from([0, 1, 8, 11]) | st.integers(20, 33))}"
    if kind == "cidr6":
        return f"{draw(_V6)}/{draw(st.sampled_from([0, 64, 107]) | st.integers(116, 129))}"
    if kind == "range":
        first = draw(st.integers(0, 2**32 - 1))
        last = first + draw(st.integers(-5, 300) | st.integers(MAX_TARGETS, MAX_TARGETS + 5))
        return f"{ipaddress.IPv4Address(first)}-{ipaddress.IPv4Address(max(0, min(last, 2**32 - 1)))}"
    if kind == "short":
        return f"{draw(_V4)}-{draw(st.integers(-1, 300))}"
    return draw(st.text(alphabet="0123456789abcdef.:/- %x", max_size=30))


@BOUNDED
@given(items=st.lists(target_text(), min_size=0, max_size=4))
@example(items=["10.0.0.1-"])
@example(items=["::1-2"])
@example(items=["10.0.0.0/40"])
@example(items=["1.2.3.4-1.2.3.4-1.2.3.4"])
def test_targets_parse_literals_without_the_network(items: list[str]) -> None:
    with _no_dns():
        try:
            addresses = expand_targets(items)
        except (UsageError, DataError):
            return
    assert 0 < len(addresses) <= MAX_TARGETS
    assert len(set(addresses)) == len(addresses)
    for item in items:
        if "/" not in item and "-" not in item and "%" not in item:
            assert ipaddress.ip_address(item) in addresses


@BOUNDED
@given(text=st.text(alphabet="0123456789,-/:TUtcpuda ", max_size=40) | st.text(max_size=20))
@example(text="1-65535")
@example(text="T:1-65535,U:1-65535")
@example(text="9" * 5000)
def test_parse_ports_raises_only_usage_errors(text: str) -> None:
    try:
        spec = parse_ports(text)
    except UsageError as exc:
        if exc.option != "--ports":
            raise
        return
    for ports in (spec.tcp, spec.udp):
        assert len(set(ports)) == len(ports)
        assert all(1 <= p <= 65535 for p in ports)


@BOUNDED
@given(ports=st.lists(st.tuples(st.integers(1, 65535), st.sampled_from(["tcp", "udp"])), min_size=1, max_size=20))
def test_parse_ports_reads_back_what_was_written(ports: list[tuple[int, str]]) -> None:
    spec = parse_ports(",".join(f"{p}/{proto}" for p, proto in ports))
    assert set(spec.tcp) == {p for p, proto in ports if proto == "tcp"}
    assert set(spec.udp) == {p for p, proto in ports if proto == "udp"}


# --- evidence packs ------------------------------------------------------------------------------------------------


def _pack_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.zip"
        data = ReportData("fuzz", "2026-12-01T00:00:00+00:00", None, [], [], [], [{"device": "a", "value": "x"}])
        write_pack(data, path, bom='{"bomFormat": "CycloneDX"}')
        return path.read_bytes()


PACK = _pack_bytes()


def _zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore", UserWarning)  # a duplicate name is what the test builds on purpose
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def _check(data: bytes) -> None:
    with _scratch("pack.zip", data) as path:
        try:
            check = check_pack(path)
        except DataError:
            return
        assert check.signature in {"unsigned", "unchecked"}
        assert all(isinstance(p, str) for p in check.problems)


_EDITS = st.lists(st.tuples(st.integers(0, len(PACK) - 1), st.integers(0, 255) | st.none()), max_size=4)


@BOUNDED
@given(edits=_EDITS)
@example(edits=[(41, 0)])  # the first byte of report.html's deflate data: zlib.error escaped verify
@example(edits=[(len(PACK) - 10, None)])  # cut inside the end-of-central-directory record
def test_mutated_pack_raises_only_data_errors(edits: list[tuple[int, int | None]]) -> None:
    buffer = bytearray(PACK)
    for position, value in edits:
        if position >= len(buffer):
            continue
        if value is None:
            del buffer[position:]
        else:
            buffer[position] = value
    _check(bytes(buffer))


@BOUNDED
@given(data=st.binary(max_size=4096))
@example(data=b"PK\x05\x06" + b"\x00" * 18)
@example(data=b"PK\x05\x06" + b"\xff" * 18)
def test_random_bytes_as_pack_raise_only_data_errors(data: bytes) -> None:
    _check(data)


_NAMES = st.sampled_from(["manifest.json", "manifest.sig", "report.json", "../x", "/abs", "C:evil", "a/b"])
_MANIFESTS = st.one_of(
    st.binary(max_size=64),
    st.builds(
        lambda files, signature: json.dumps({"files": files, **({"signature": signature} if signature else {})}),
        st.dictionaries(_NAMES | st.text(max_size=8), st.text(max_size=64) | st.integers(), max_size=4),
        st.none() | st.dictionaries(st.sampled_from(["key_sha256", "algorithm"]), st.text(max_size=8) | st.integers()),
    ).map(str.encode),
)


# zipfile cuts a name at a NUL byte when writing (an empty name then fails inside zipfile itself) and cannot
# write a lone surrogate, so names hold neither.
_ENTRY_NAMES = _NAMES | st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), min_size=1, max_size=12
)


@BOUNDED
@given(entries=st.lists(st.tuples(_ENTRY_NAMES, _MANIFESTS), max_size=6))
@example(entries=[("manifest.json", b'{"files": {"report.json": "00"}}'), ("manifest.json", b"{}")])
@example(entries=[("manifest.json", b'{"files": {"a": "00"}, "signature": "x"}')])
@example(entries=[("manifest.json", b"[" * 100_000)])
def test_packs_of_odd_entries_raise_only_data_errors(entries: list[tuple[str, bytes]]) -> None:
    _check(_zip_of(entries))
