"""Import asset lists (CSV, XLSX, JSON) and nmap XML as observations, one device per row or host.

Columns are recognised by their header (MAC, IP, manufacturer/brand, model, serial, hostname, site)
or mapped with ``--map column=field``. A bad row is a warning with its line number and the rest is
imported; columns that map to nothing are reported, not silently dropped.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from covered.collect.nmap_xml import read_nmap_xml
from covered.errors import DataError, UsageError
from covered.identify.observations import ReadWarning
from covered.identify.oui import normalise_mac
from covered.model import Channel, Observation

__all__ = ["INVENTORY_FIELDS", "ImportResult", "import_file", "parse_mapping"]

INVENTORY_FIELDS: dict[str, tuple[str, ...]] = {
    "mac": (
        "mac",
        "mac address",
        "macaddress",
        "hw address",
        "hardware address",
        "physical address",
        "ethernet address",
        "mac addr",
        "ethernet mac",
    ),
    "ip": ("ip", "ip address", "ipaddress", "ipv4", "ipv4 address", "ipv6", "ip addr", "host ip", "address"),
    "brand": ("brand", "make", "label", "brand name"),
    "manufacturer": ("manufacturer", "vendor", "maker", "mfr", "mfg", "oem", "manufacturer name"),
    "model": ("model", "model number", "model no", "model name", "product", "product name", "part number"),
    "serial": ("serial", "serial number", "serial no", "sn", "s/n", "serialnumber", "serial #"),
    "hostname": ("hostname", "host name", "host", "device name", "name", "dns name", "fqdn"),
    "site": ("site", "location", "building", "campus", "facility", "site name"),
}
"""Inventory fields and the headers that mean them (case, spaces, '_' and '-' folded)."""

MAX_ROWS = 1_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024


def _fold(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").casefold().split())


_ALIASES = {alias: name for name, aliases in INVENTORY_FIELDS.items() for alias in aliases}


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """'Asset Tag=serial' options -> {folded column: field}; raises UsageError naming --map."""
    out: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        target = target.strip().lower()
        if not sep or not column.strip():
            raise UsageError("--map", f"{item!r} is not COLUMN=FIELD")
        if target not in INVENTORY_FIELDS and target != "ignore":
            raise UsageError("--map", f"unknown field {target!r} (choose from {', '.join(INVENTORY_FIELDS)}, ignore)")
        out[_fold(column)] = target
    return out


@dataclass
class ImportResult:
    """Devices (observations per device key), warnings with line numbers, and how columns were read."""

    path: Path
    format: str
    devices: dict[str, list[Observation]] = field(default_factory=dict)
    warnings: list[ReadWarning] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    rows: int = 0

    def warn(self, line: int, message: str) -> None:
        """Record a problem with one row."""
        self.warnings.append(ReadWarning(line, message))


_CHANNEL_OF = {
    "brand": (Channel.INVENTORY, "brand"),
    "manufacturer": (Channel.INVENTORY, "manufacturer"),
    "model": (Channel.INVENTORY, "model"),
    "serial": (Channel.INVENTORY, "serial"),
    "hostname": (Channel.INVENTORY, "hostname"),
    "site": (Channel.INVENTORY, "site"),
}


def _column_map(headers: list[str], mapping: Mapping[str, str], result: ImportResult) -> dict[int, str]:
    columns: dict[int, str] = {}
    used: set[str] = set()
    for position, header in enumerate(headers):
        folded = _fold(header)
        target = mapping.get(folded) or _ALIASES.get(folded)
        if target is None or target == "ignore" or target in used:
            if folded and target != "ignore":
                result.unmapped.append(header)
            continue
        used.add(target)
        columns[position] = target
        result.columns[header] = target
    missing = set(mapping) - {_fold(h) for h in headers}
    if missing:
        raise UsageError("--map", f"no column named {sorted(missing)[0]!r} in {result.path.name}")
    return columns


def _row(values: Mapping[str, str], line: int, result: ImportResult) -> None:
    """Turn one row's mapped values into a device."""
    cleaned = {k: v.strip() for k, v in values.items() if v is not None and str(v).strip()}
    if not cleaned:
        result.warn(line, "empty row: skipped")
        return
    collector = f"import:{result.path.name}:{line}"
    target = None
    if "ip" in cleaned:
        try:
            target = str(ipaddress.ip_address(cleaned["ip"]))
        except ValueError:
            result.warn(line, f"{cleaned['ip']!r} is not an IP address: kept as hostname")
            cleaned.setdefault("hostname", cleaned["ip"])
    mac = None
    if "mac" in cleaned:
        mac = normalise_mac(cleaned["mac"])
        if mac is None:
            result.warn(line, f"{cleaned['mac']!r} is not a MAC address: ignored")
    key = mac or cleaned.get("serial") or target or cleaned.get("hostname") or f"{result.path.name}:{line}"
    usable = mac is not None or target is not None or any(name in cleaned for name in _CHANNEL_OF)
    if not usable:
        result.warn(line, "no usable value left: skipped")
        return
    observations = result.devices.setdefault(key, [])
    if mac is not None:
        observations.append(
            Observation(device=key, channel=Channel.MAC, field="address", value=mac, target=target, collector=collector)
        )
    if target is not None:
        observations.append(
            Observation(
                device=key, channel=Channel.INVENTORY, field="ip", value=target, target=target, collector=collector
            )
        )
    for name, (channel, field_name) in _CHANNEL_OF.items():
        if name in cleaned:
            observations.append(
                Observation(
                    device=key,
                    channel=channel,
                    field=field_name,
                    value=cleaned[name][:1024],
                    target=target,
                    collector=collector,
                )
            )
    result.rows += 1


def _records(
    result: ImportResult, headers: list[str], rows: Iterator[tuple[int, list[str]]], mapping: Mapping[str, str]
) -> None:
    columns = _column_map(headers, mapping, result)
    if not columns:
        raise DataError(
            result.path, 1, f"no column recognised (use --map COLUMN=FIELD; fields: {', '.join(INVENTORY_FIELDS)})"
        )
    for line, row in rows:
        if result.rows >= MAX_ROWS:
            result.warn(line, f"more than {MAX_ROWS} rows: the rest is not imported")
            break
        if len(row) > len(headers):
            result.warn(line, f"{len(row)} cells but {len(headers)} headers: extra cells ignored")
        _row({columns[i]: str(row[i]) for i in columns if i < len(row) and row[i] is not None}, line, result)


def _read_text(path: Path, result: ImportResult) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.warn(1, "file is not UTF-8: read as Latin-1")
        return data.decode("latin-1")


def _csv(path: Path, mapping: Mapping[str, str], result: ImportResult) -> None:
    text = _read_text(path, result)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        raise DataError(path, 1, "empty file") from None
    _records(result, headers, ((reader.line_num, row) for row in reader), mapping)


def _xlsx(path: Path, mapping: Mapping[str, str], result: ImportResult) -> None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(path, None, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_line = 0
    headers: list[str] = []
    for number, values in enumerate(rows, start=1):
        if any(v is not None and str(v).strip() for v in values):
            header_line = number
            headers = ["" if v is None else str(v) for v in values]
            break
    if not headers:
        raise DataError(path, 1, "no header row in the first sheet")

    def body() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(rows, start=header_line + 1):
            yield line, ["" if v is None else str(v) for v in values]

    _records(result, headers, body(), mapping)
    book.close()


def _json(path: Path, mapping: Mapping[str, str], result: ImportResult) -> None:
    text = _read_text(path, result)
    try:
        document = json.loads(text)
        items = document.get("devices", document.get("assets")) if isinstance(document, dict) else document
        numbered = [(i + 1, item) for i, item in enumerate(items)] if isinstance(items, list) else None
    except json.JSONDecodeError:
        numbered = []
        for line, raw in enumerate(text.splitlines(), start=1):
            if raw.strip():
                try:
                    numbered.append((line, json.loads(raw)))
                except json.JSONDecodeError as exc:
                    result.warn(line, f"not JSON ({exc.msg}): skipped")
    if numbered is None:
        raise DataError(path, 1, 'expected a JSON list of objects, {"devices": [...]}, or JSON Lines')
    headers: list[str] = []
    for _, item in numbered:
        if isinstance(item, dict):
            headers.extend(k for k in item if k not in headers)
    rows = []
    for line, item in numbered:
        if not isinstance(item, dict):
            result.warn(line, "not an object: skipped")
            continue
        rows.append((line, ["" if item.get(h) is None else str(item.get(h)) for h in headers]))
    _records(result, headers, iter(rows), mapping)


def import_file(path: Path, mapping: Mapping[str, str] | None = None) -> ImportResult:
    """Read one asset list or nmap XML file; the format comes from the extension and content."""
    if not path.is_file():
        raise UsageError("FILE", f"{path} not found")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(path, None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    suffix = path.suffix.lower()
    head = path.read_bytes()[:512].lstrip()
    mapping = mapping or {}
    if suffix == ".xml" or head.startswith(b"<?xml") or head.startswith(b"<nmaprun"):
        result = ImportResult(path, "nmap-xml")
        result.rows = read_nmap_xml(path, result.devices, result.warn)
    elif suffix in {".xlsx", ".xlsm"}:
        result = ImportResult(path, "xlsx")
        _xlsx(path, mapping, result)
    elif suffix in {".json", ".jsonl", ".ndjson"}:
        result = ImportResult(path, "json")
        _json(path, mapping, result)
    elif suffix in {".csv", ".tsv", ".txt"} or not suffix:
        result = ImportResult(path, "csv")
        _csv(path, mapping, result)
    else:
        raise UsageError("FILE", f"unsupported file type {suffix!r} (CSV, TSV, XLSX, JSON, JSON Lines, nmap XML)")
    return result
