"""Import asset lists (CSV, XLSX, JSON) and nmap XML as observations, one device per row or host.

Columns are recognised by their header (MAC, IP, manufacturer/brand, model, serial, hostname, site)
or mapped with ``--map column=field``. A bad row is a warning with its line number and the rest is
imported; columns that map to nothing are reported, not silently dropped.
"""

from __future__ import annotations

import csv
import functools
import io
import ipaddress
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from covered.collect.nmap_xml import read_nmap_xml
from covered.collect.presets import Preset, detect_preset, get_preset, presets
from covered.collect.text_files import HEADER_SEARCH, best_header_row, decode_text_file, fold_header, sniff_dialect
from covered.errors import DataError, UsageError
from covered.identify.assets import attribute_value
from covered.identify.observations import ReadWarning
from covered.identify.oui import normalise_mac
from covered.model import Channel, Observation

__all__ = ["INVENTORY_FIELDS", "ImportResult", "fold_header", "import_file", "parse_mapping"]

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
        # fr, de, es, it, nl, pt
        "adresse mac",
        "adresse physique",
        "mac adresse",
        "macadresse",
        "physische adresse",
        "direccion mac",
        "direccion fisica",
        "indirizzo mac",
        "indirizzo fisico",
        "mac adres",
        "macadres",
        "fysiek adres",
        "endereco mac",
    ),
    "ip": (
        "ip",
        "ip address",
        "ipaddress",
        "ipv4",
        "ipv4 address",
        "ipv6",
        "ip addr",
        "host ip",
        "address",
        "adresse ip",
        "adresse",
        "ip adresse",
        "ipadresse",
        "direccion ip",
        "direccion",
        "indirizzo ip",
        "indirizzo",
        "ip adres",
        "ipadres",
        "endereco ip",
    ),
    "brand": ("brand", "make", "label", "brand name", "marque", "marke", "marca", "merk", "merknaam"),
    "manufacturer": (
        "manufacturer",
        "vendor",
        "maker",
        "mfr",
        "mfg",
        "oem",
        "manufacturer name",
        "fabricant",
        "constructeur",
        "hersteller",
        "fabricante",
        "produttore",
        "costruttore",
        "fabbricante",
        "fabrikant",
        "leverancier",
    ),
    "model": (
        "model",
        "model number",
        "model no",
        "model name",
        "product",
        "product name",
        "part number",
        "modele",
        "reference",
        "modell",
        "modellnummer",
        "typ",
        "modelo",
        "modello",
        "modelnummer",
    ),
    "serial": (
        "serial",
        "serial number",
        "serial no",
        "sn",
        "s/n",
        "serialnumber",
        "serial #",
        "numero de serie",
        "n de serie",
        "no de serie",
        "seriennummer",
        "serien nr",
        "seriennr",
        "numero serie",
        "numero di serie",
        "matricola",
        "serienummer",
    ),
    "hostname": (
        "hostname",
        "host name",
        "host",
        "device name",
        "name",
        "dns name",
        "fqdn",
        "nom d hote",
        "nom",
        "nom de l appareil",
        "geratename",
        "rechnername",
        "nombre de host",
        "nombre",
        "nome host",
        "nome",
        "hostnaam",
        "naam",
    ),
    "site": (
        "site",
        "building",
        "campus",
        "facility",
        "site name",
        "batiment",
        "gebaude",
        "sitio",
        "edificio",
        "sede",
        "gebouw",
        "vestiging",
    ),
    # The organisation's own identities of the device: kept and carried to findings, reports, BOM and dashboard.
    "asset_tag": (
        "asset tag",
        "assettag",
        "asset tag number",
        "asset tag no",
        "tag",
        "inventory tag",
        "property tag",
        "asset label",
        "barcode",
        "etiquette",
        "numero d inventaire",
        "n d inventaire",
        "inventarnummer",
        "inventar nr",
        "inventarnr",
        "etiqueta",
        "numero de inventario",
        "etichetta",
        "numero di inventario",
        "inventarisnummer",
        "numero de patrimonio",
    ),
    "asset_id": (
        "asset id",
        "assetid",
        "asset number",
        "asset no",
        "asset #",
        "ci id",
        "identifiant",
        "id actif",
        "anlagennummer",
        "id activo",
        "id cespite",
        "cespite",
    ),
    "asset_name": ("asset name", "assetname", "asset", "item name", "ci name", "nom de l actif", "anlagenname"),
    "location": (
        "location",
        "room",
        "floor",
        "rack location",
        "emplacement",
        "lieu",
        "salle",
        "standort",
        "ort",
        "raum",
        "ubicacion",
        "sala",
        "ubicazione",
        "locatie",
        "ruimte",
        "localizacao",
    ),
    "owner": (
        "owner",
        "owned by",
        "department",
        "responsible",
        "custodian",
        "assigned to",
        "proprietaire",
        "responsable",
        "eigentumer",
        "verantwortlich",
        "abteilung",
        "propietario",
        "departamento",
        "proprietario",
        "responsabile",
        "eigenaar",
        "afdeling",
    ),
    "cost_centre": (
        "cost centre",
        "cost center",
        "costcenter",
        "costcentre",
        "cost centre code",
        "cost center code",
        "centre de cout",
        "centre de couts",
        "kostenstelle",
        "centro de coste",
        "centro de costo",
        "centro di costo",
        "kostenplaats",
        "centro de custo",
    ),
}
"""Inventory fields and the headers that mean them (case, spaces, '_' and '-' folded)."""

MAX_ROWS = 1_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024


_fold = fold_header


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


_Row = tuple[str, str | None, str | None, tuple[str | None, ...], tuple[str | None, ...] | None]
"""One imported row, compact: (collector, MAC, target address, values of _CHANNEL_OF's fields in order, values of
the kept columns in ImportResult.kept order or None)."""


@dataclass
class ImportResult:
    """Devices (observations per device key), warnings with line numbers, and how columns were read.

    Rows of tabular files are kept compact (strings, not Observation records: a 300,000-row list held 1.8 million
    records, gigabytes) and become observations when asked for, all at once (``devices``) or a batch at a time
    (``batches``), devices in first-seen order either way.
    """

    path: Path
    format: str
    warnings: list[ReadWarning] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    rows: int = 0
    sheets: list[str] = field(default_factory=list)
    preset: Preset | None = None
    """The export layout recognised (or forced with --preset), if any."""
    kept: list[str] = field(default_factory=list)
    """Columns kept as custom attributes (--keep, or the preset's), in row order."""
    _rows: dict[str, list[_Row]] = field(default_factory=dict, repr=False)
    _devices: dict[str, list[Observation]] | None = field(default=None, repr=False)
    _strings: dict[str, str] = field(default_factory=dict, repr=False)
    _preset_forced: bool = field(default=False, repr=False)
    _keep: tuple[str, ...] = field(default=(), repr=False)
    _kept_positions: dict[int, int] = field(default_factory=dict, repr=False)

    def warn(self, line: int, message: str) -> None:
        """Record a problem with one row."""
        self.warnings.append(ReadWarning(line, message))

    @property
    def devices(self) -> dict[str, list[Observation]]:
        """Every device's observations (built once, on first use; changes to the lists are kept)."""
        if self._devices is None:
            self._devices = {key: _observations(key, rows, self.kept) for key, rows in self._rows.items()}
            self._rows = {}
        return self._devices

    def device_count(self) -> int:
        """How many devices the file names."""
        return len(self._devices) if self._devices is not None else len(self._rows)

    def keys(self) -> list[str]:
        """Device keys in first-seen order."""
        return list(self._devices if self._devices is not None else self._rows)

    def batches(self, size: int = 2_000) -> Iterator[list[tuple[str, list[Observation]]]]:
        """Devices and their observations, ``size`` at a time, built as they are taken: memory stays bounded.

        Rows are handed out once: each device's rows are released as its batch is built (so what follows, such
        as merging into the store, does not hold the whole list too); ``devices`` is empty afterwards.
        """
        if self._devices is not None:
            items = list(self._devices.items())
            for start in range(0, len(items), size):
                yield items[start : start + size]
            return
        batch: list[tuple[str, list[Observation]]] = []
        for key in list(self._rows):
            batch.append((key, _observations(key, self._rows.pop(key), self.kept)))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _intern(self, value: str) -> str:
        """One string object per distinct value: sites, makers and models repeat on most rows."""
        return self._strings.setdefault(value, value) if len(value) <= 64 else value


_CHANNEL_OF = {
    name: (Channel.INVENTORY, name)
    for name in (
        "brand",
        "manufacturer",
        "model",
        "serial",
        "hostname",
        "site",
        "asset_tag",
        "asset_id",
        "asset_name",
        "location",
        "owner",
        "cost_centre",
    )
}


_FIELD_ORDER = tuple(_CHANNEL_OF)


def _observations(key: str, rows: list[_Row], kept: list[str]) -> list[Observation]:
    """A device's observations from its compact rows, in row order (MAC, IP, then the inventory fields)."""
    out: list[Observation] = []
    # Every value below was checked when its row was read (key length, known channel and field, capped value), so
    # the records are built without validating them again: 6 validations per row were most of an import's time.
    construct = Observation.model_construct
    for collector, mac, target, values, attributes in rows:
        if mac is not None:
            out.append(
                construct(
                    device=key, channel=Channel.MAC, field="address", value=mac, target=target, collector=collector
                )
            )
        if target is not None:
            out.append(
                construct(
                    device=key, channel=Channel.INVENTORY, field="ip", value=target, target=target, collector=collector
                )
            )
        for name, value in zip(_FIELD_ORDER, values, strict=True):
            if value is not None:
                channel, field_name = _CHANNEL_OF[name]
                out.append(
                    construct(
                        device=key, channel=channel, field=field_name, value=value, target=target, collector=collector
                    )
                )
        for column, value in zip(kept, attributes or (), strict=False):
            if value is not None:
                out.append(
                    construct(
                        device=key,
                        channel=Channel.INVENTORY,
                        field="attribute",
                        value=attribute_value(column, value),
                        target=target,
                        collector=collector,
                    )
                )
    return out


_NEVER_KEPT = {"password", "passwd", "pwd", "secret", "pin", "passphrase", "kennwort", "mot de passe", "contrasena"}
"""Columns never kept as attributes, even with --keep '*': credentials do not belong in reports."""
MAX_KEPT = 64
"""Kept columns per file, at most."""


def _column_map(headers: list[str], mapping: Mapping[str, str], result: ImportResult) -> dict[int, str]:
    columns: dict[int, str] = {}
    if result.preset is None and not result._preset_forced:
        result.preset = detect_preset(headers)
    aliases = (_ALIASES | result.preset.columns) if result.preset is not None else _ALIASES
    keep = set(result._keep) | ({_fold(c) for c in result.preset.keep} if result.preset is not None else set())
    # Columns the user mapped with --map win over any column recognised by its header for the same field.
    explicit = {target for target in mapping.values() if target != "ignore"}
    used: set[str] = set()
    kept: dict[int, int] = {}
    for position, header in enumerate(headers):
        folded = _fold(header)
        if folded in mapping:
            target: str | None = mapping[folded]
        else:
            target = aliases.get(folded)
            if target in explicit:
                target = None
        if target is None or target == "ignore" or target in used:
            wanted = folded in keep or ("*" in keep and target != "ignore")
            if folded and wanted and folded not in _NEVER_KEPT and len(result.kept) < MAX_KEPT:
                if header not in result.kept:
                    result.kept.append(header)
                kept[position] = result.kept.index(header)
            elif folded and target != "ignore":
                result.unmapped.append(header)
            continue
        used.add(target)
        columns[position] = target
        result.columns[header] = target
    result._kept_positions = kept
    folded_headers = {_fold(h) for h in headers}
    missing = set(mapping) - folded_headers
    if missing:
        raise UsageError("--map", f"no column named {sorted(missing)[0]!r} in {result.path.name}")
    missing = set(result._keep) - folded_headers - {"*"}
    if missing:
        raise UsageError("--keep", f"no column named {sorted(missing)[0]!r} in {result.path.name}")
    return columns


_MAX_KEY = 256
_IDENTIFYING = {"mac", "ip", "brand", "manufacturer", "model", "serial", "hostname"}


def _header_index(rows: list[list[str]], mapping: Mapping[str, str]) -> int | None:
    """The row that reads most like a header: the most cells naming an inventory field (or a --map column)."""
    known = _known_headers()

    def score(row: Sequence[Any]) -> int:
        return sum(1 for cell in row if _fold(str(cell)) in mapping or _fold(str(cell)) in known)

    return best_header_row(rows, score)


@functools.cache
def _known_headers() -> frozenset[str]:
    """Headers that name a field: the aliases and every preset's columns."""
    return frozenset(_ALIASES).union(*(p.columns for p in presets().values()))


_SEPARATORS = re.compile(r"[\s,;|]+")


def _address(value: str) -> str | None:
    """An IP address from a cell: plain, with a prefix length (NetBox's 10.0.0.5/24), the host of a URL (Milestone's
    http://10.0.0.5/), or the first of several (runZero's addresses); None when it holds none."""
    token = _SEPARATORS.split(value.strip(), maxsplit=1)[0]
    host = urlsplit(token).hostname if "://" in token else token
    try:
        return str(ipaddress.ip_interface(host or "").ip)
    except ValueError:
        return None


def _mac(value: str) -> str | None:
    """A MAC address from a cell, or the first of several."""
    return normalise_mac(value) or normalise_mac(_SEPARATORS.split(value.strip(), maxsplit=1)[0])


def _text(value: str) -> str:
    """A cell as storable text: a lone surrogate (JSON can carry one) becomes '?' instead of failing later."""
    return value if value.isascii() else value.encode("utf-8", "replace").decode("utf-8")


def _row(
    values: Mapping[str, str], line: int, result: ImportResult, extra: tuple[str | None, ...] | None = None
) -> None:
    """Turn one row's mapped values (and its kept columns) into a device."""
    cleaned = {k: _text(v.strip()) for k, v in values.items() if v is not None and str(v).strip()}
    if not cleaned:
        result.warn(line, "empty row: skipped")
        return
    collector = f"import:{result.path.name}:{line}"
    target = None
    if "ip" in cleaned:
        target = _address(cleaned["ip"])
        if target is None:
            result.warn(line, f"{cleaned['ip']!r} is not an IP address: kept as hostname")
            cleaned.setdefault("hostname", cleaned["ip"])
    mac = None
    if "mac" in cleaned:
        mac = _mac(cleaned["mac"])
        if mac is None:
            result.warn(line, f"{cleaned['mac']!r} is not a MAC address: ignored")
    key = mac or cleaned.get("serial") or target or cleaned.get("hostname") or f"{result.path.name}:{line}"
    if len(key) > _MAX_KEY:
        # A device key is at most 256 characters (Observation.device); a longer serial or host name (found by
        # fuzzing) is no identity a device gives, so the row is keyed by where it is.
        key = f"{result.path.name[: _MAX_KEY - 12]}:{line}"
    usable = mac is not None or target is not None or any(name in cleaned for name in _CHANNEL_OF)
    if not usable:
        result.warn(line, "no usable value left: skipped")
        return
    kept = tuple(result._intern(cleaned[name][:1024]) if name in cleaned else None for name in _FIELD_ORDER)
    attributes = None
    if extra is not None and any(v is not None for v in extra):
        attributes = tuple(None if v is None else result._intern(_text(v)[:1024]) for v in extra)
    result._rows.setdefault(key, []).append((collector, mac, target, kept, attributes))
    result.rows += 1


def _records(
    result: ImportResult,
    headers: list[str],
    rows: Iterator[tuple[int, list[str]]],
    mapping: Mapping[str, str],
    header_line: int = 1,
) -> None:
    columns = _column_map(headers, mapping, result)
    positions = result._kept_positions
    if not set(columns.values()) & _IDENTIFYING:
        found = f" (only {', '.join(sorted(set(columns.values())))})" if columns else ""
        raise DataError(
            result.path,
            header_line,
            f"no column names a device{found}: expected one of {', '.join(sorted(_IDENTIFYING))} "
            "(or map one with --map COLUMN=FIELD)",
        )
    for line, row in rows:
        if result.rows >= MAX_ROWS:
            result.warn(line, f"more than {MAX_ROWS} rows: the rest is not imported")
            break
        if len(row) > len(headers) and any(str(cell).strip() for cell in row[len(headers) :]):
            result.warn(line, f"{len(row)} cells but {len(headers)} headers: extra cells ignored")
        extra = None
        if positions:
            cells: list[str | None] = [None] * len(result.kept)
            for position, slot in positions.items():
                if position < len(row) and row[position] is not None and str(row[position]).strip():
                    cells[slot] = str(row[position]).strip()
            extra = tuple(cells)
        _row({columns[i]: str(row[i]) for i in columns if i < len(row) and row[i] is not None}, line, result, extra)


def _lines(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:5]) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def _table(
    result: ImportResult, numbered: Iterable[tuple[int, list[str]]], mapping: Mapping[str, str], where: str
) -> None:
    """Find the header row of a sheet or CSV (title rows above it are skipped) and read the rows below it.

    Only the first rows are held to find the header; the rest are read one at a time as they come.
    """
    rows = iter(numbered)
    head = list(itertools.islice(rows, HEADER_SEARCH))
    index = _header_index([row for _, row in head], mapping)
    if index is None and mapping:
        raise UsageError("--map", f"no column named {sorted(mapping)[0]!r} in {result.path.name}")
    if index is None:
        raise DataError(
            result.path,
            head[0][0] if head else 1,
            f"no header row{where} names an inventory column in its first {HEADER_SEARCH} rows "
            f"(expected headers such as MAC, IP, Manufacturer, Model, Serial; or --map COLUMN=FIELD)",
        )
    header_line, headers = head[index]
    skipped = [line for line, row in head[:index] if any(str(cell).strip() for cell in row)]
    if skipped:
        result.warn(header_line, f"header found on line {header_line}{where}: line(s) {_lines(skipped)} above skipped")
    _records(result, headers, itertools.chain(head[index + 1 :], rows), mapping, header_line)


def _read_text(path: Path, result: ImportResult) -> str:
    decoded = decode_text_file(path)
    if decoded.note:
        result.warn(1, decoded.note)
    return decoded.text


def _csv(path: Path, mapping: Mapping[str, str], result: ImportResult) -> None:
    text = _read_text(path, result)
    if not text.strip():
        raise DataError(path, 1, "empty file")
    reader = csv.reader(io.StringIO(text, newline=""), sniff_dialect(text))

    def numbered() -> Iterator[tuple[int, list[str]]]:
        start = 1
        for row in reader:
            # The line a row starts on, as a spreadsheet shows it (a quoted cell may span lines).
            yield start, row
            start = reader.line_num + 1

    try:
        _table(result, numbered(), mapping, "")
    except csv.Error as exc:
        raise DataError(path, reader.line_num, f"not readable as CSV ({exc})") from None


def _xlsx(path: Path, mapping: Mapping[str, str], result: ImportResult) -> None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(path, None, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        read: list[str] = []
        for sheet in book.worksheets:
            numbered = [
                (number, ["" if v is None else str(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
            ]
            if not any(any(cell.strip() for cell in row) for _, row in numbered):
                continue
            if _header_index([row for _, row in numbered], mapping) is None and len(book.worksheets) > 1:
                result.warn(1, f"sheet {sheet.title!r}: no inventory columns: skipped")
                continue
            before = len(result.warnings)
            _table(result, numbered, mapping, f" of sheet {sheet.title!r}")
            for index in range(before, len(result.warnings)):
                warning = result.warnings[index]
                if not warning.message.startswith("header found"):
                    result.warnings[index] = ReadWarning(warning.line, f"sheet {sheet.title!r}: {warning.message}")
            read.append(sheet.title)
        if not read:
            raise DataError(path, 1, "no sheet has a header row naming inventory columns (or use --map COLUMN=FIELD)")
        result.sheets = read
    finally:
        book.close()


def _json(path: Path, mapping: Mapping[str, str], result: ImportResult) -> None:
    text = _read_text(path, result)
    try:
        document = json.loads(text)
        if isinstance(document, dict):
            # One object (a one-line JSON Lines file) is one device, unless it wraps a device list.
            wrapped = document.get("devices", document.get("assets"))
            items = wrapped if isinstance(wrapped, list) else [document]
        else:
            items = document
        numbered = [(i + 1, item) for i, item in enumerate(items)] if isinstance(items, list) else None
    except json.JSONDecodeError:
        numbered = []
        for line, raw in enumerate(text.splitlines(), start=1):
            if raw.strip():
                try:
                    numbered.append((line, json.loads(raw)))
                except json.JSONDecodeError as exc:
                    result.warn(line, f"not JSON ({exc.msg}): skipped")
                except (ValueError, RecursionError) as exc:  # a number past 4,300 digits, or nesting too deep
                    result.warn(line, f"not readable JSON ({str(exc).split(';')[0]}): skipped")
    except (ValueError, RecursionError) as exc:
        raise DataError(path, None, f"not readable JSON ({str(exc).split(';')[0]})") from None
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
        rows.append((line, [_cell(item.get(h)) for h in headers]))
    _records(result, headers, iter(rows), mapping)


def _cell(value: Any) -> str:
    """A JSON value as a cell: lists (runZero's addresses, macs, names) joined by spaces, objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def import_file(
    path: Path,
    mapping: Mapping[str, str] | None = None,
    *,
    preset: str | None = None,
    keep: Iterable[str] = (),
) -> ImportResult:
    """Read one asset list or nmap XML file; the format comes from the extension and content.

    ``preset`` forces an export layout (see covered.collect.presets; otherwise it is recognised from the headers);
    ``keep`` names columns kept as custom attributes ('*' keeps every column no field claims).
    """
    forced = get_preset(preset) if preset else None
    wanted = tuple(sorted({"*" if k.strip() == "*" else _fold(k) for k in keep if k.strip()}))
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
        result = ImportResult(path, "xlsx", preset=forced, _preset_forced=forced is not None, _keep=wanted)
        _xlsx(path, mapping, result)
    elif suffix in {".json", ".jsonl", ".ndjson"}:
        result = ImportResult(path, "json", preset=forced, _preset_forced=forced is not None, _keep=wanted)
        _json(path, mapping, result)
    elif suffix in {".csv", ".tsv", ".txt"} or not suffix:
        result = ImportResult(path, "csv", preset=forced, _preset_forced=forced is not None, _keep=wanted)
        _csv(path, mapping, result)
    else:
        raise UsageError("FILE", f"unsupported file type {suffix!r} (CSV, TSV, XLSX, JSON, JSON Lines, nmap XML)")
    return result
