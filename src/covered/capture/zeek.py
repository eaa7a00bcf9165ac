"""Zeek logs (TSV with ``#fields``/``#types`` headers, or JSON lines; plain or gzip) read as traffic records.

Parsing is parsezeeklogs' (headers, ``#separator`` escapes, unset ``-`` and empty ``(empty)`` values, typed
columns, rotated logs repeating their header); this module bounds what it reads and maps each log onto the
records of :mod:`covered.capture.records`:

- conn: presence of both ends (with MACs from ``mac-logging.zeek``'s ``orig_l2_addr``/``resp_l2_addr``) and
  an egress connection with its packets and bytes;
- dns: the query (and answered addresses) as egress; http: the Host as egress, the User-Agent as a sighting;
- ssl: the SNI as egress, the server certificate (ssl.log's subject/issuer, or x509.log joined through
  ``cert_chain_fps``/``cert_chain_fuids``) as a TLS sighting of the responder;
- software: HTTP servers, browsers (user agents), SSH and FTP servers as sightings of the host;
- dhcp: host name (option 12) and vendor class (option 60, ``client_software``) of the MAC;
- known_hosts/known_services: presence, and the open port.

Every record keeps the log file and line it came from. Lines longer than :data:`MAX_LINE` characters and
lines the parser refuses are counted in :class:`ZeekStats` and skipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import ipaddress
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from covered.capture.records import Egress, FrameRef, Presence, Sighting, TrafficRecord
from covered.errors import DataError
from covered.identify.oui import normalise_mac
from covered.model import Channel, Observation

__all__ = ["LOG_KINDS", "MAX_LINE", "ZeekStats", "is_zeek_log", "read_zeek"]

MAX_LINE = 65_536
"""Longest log line read (characters); a longer one is counted as overlong and skipped."""
MAX_VALUE = 4_096
"""Longest value kept in an observation (characters); Zeek's own string limit is larger."""
MAX_CERTS = 200_000
"""Certificates of x509.log kept for the join with ssl.log (bounded memory on a huge log)."""
LOG_KINDS = (
    "x509",
    "dns",
    "conn",
    "dhcp",
    "http",
    "ssl",
    "software",
    "known_hosts",
    "known_services",
)
"""Logs read, in the order a directory is read (x509 first: ssl.log's certificates are joined to it; dns before
conn, so a connection follows the name that resolved to its address)."""
_SUFFIXES = (".log", ".log.gz", ".json", ".json.gz", ".jsonl", ".jsonl.gz")
_OVERLONG = "\x00overlong line\x00\n"
_SOFTWARE_FIELDS = {
    "HTTP::SERVER": (Channel.HTTP, "server"),
    "HTTP::APPSERVER": (Channel.HTTP, "header"),
    "HTTP::BROWSER": (Channel.HTTP, "user-agent"),
    "SSH::SERVER": (Channel.SSH, "banner"),
    "FTP::SERVER": (Channel.FTP, "banner"),
    "DHCP::CLIENT": (Channel.DHCP, "vendor-class"),
}
"""software.log's software_type -> the observation channel and field its banner goes to."""


@dataclass
class ZeekStats:
    """What a read saw: records yielded, lines skipped as malformed or overlong, logs not understood."""

    records: int = 0
    bad_lines: int = 0
    overlong_lines: int = 0
    unlinked_certificates: int = 0
    skipped_logs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """One line per log of a directory that could not be read at all (``<file>: <what>``)."""


def _kind(path: Path) -> str | None:
    """The Zeek log kind of a file name (``conn.log``, ``dns.04:00:00-05:00:00.log.gz``, ``ssl.json``)."""
    name = path.name.lower()
    if not name.endswith(_SUFFIXES):
        return None
    stem = name.split(".", 1)[0]
    return stem if stem in LOG_KINDS else None


def is_zeek_log(path: Path) -> bool:
    """True for a Zeek log file of a kind read here, or a directory holding one."""
    if path.is_dir():
        return any(_kind(child) is not None and child.is_file() for child in path.iterdir())
    if not path.is_file() or not path.name.lower().endswith(_SUFFIXES):
        return False
    try:
        with _open(path) as handle:
            first = handle.read(512)
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError):
        return False
    if _kind(path) is None:
        return _header_kind(first) is not None
    return first.startswith("#separator") or first.lstrip().startswith("{")


def _header_kind(head: str) -> str | None:
    """The kind a TSV log's ``#path`` line names (a renamed log still says what it is)."""
    for line in head.splitlines()[:12]:
        if line.startswith("#path"):
            kind = line[len("#path") :].strip()
            return kind if kind in LOG_KINDS else None
    return None


def _open(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace", newline="")
    return path.open(encoding="utf-8", errors="replace", newline="")


class _BoundedLines:
    """A text stream that never hands on a line longer than MAX_LINE: the parser sees a line it refuses."""

    def __init__(self, raw: IO[str], stats: ZeekStats) -> None:
        self._raw = raw
        self._stats = stats

    def readline(self, size: int = -1) -> str:
        """The next line, or the overlong marker in place of a line over MAX_LINE characters."""
        line = self._raw.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE and not line.endswith("\n"):
            self._stats.overlong_lines += 1
            while True:  # drop the rest of the line a bounded piece at a time
                rest = self._raw.readline(MAX_LINE)
                if not rest or rest.endswith("\n"):
                    break
            return _OVERLONG
        return line

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        """Close the underlying file."""
        self._raw.close()


def _time(value: Any) -> dt.datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):  # JSON logs written with LogAscii::json_timestamps=JSON::TS_ISO8601
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        return None
    try:
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _address(value: Any) -> str | None:
    """An IPv4 or IPv6 address as Zeek logs it (``addr``); anything else (a hostile JSON value) is None."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return str(ipaddress.ip_address(value.split("%", 1)[0]))
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value)
    return text[:MAX_VALUE] if text != "" else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _port(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535 else None


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [] if value is None else [str(value)]


def _mac(value: Any) -> str | None:
    return normalise_mac(value) if isinstance(value, str) else None


def _get(record: dict[str, Any], name: str) -> Any:
    """A field by its Zeek name; JSON logs may nest 'id.orig_h' as {'id': {'orig_h': ...}}."""
    if name in record:
        return record[name]
    head, _, tail = name.partition(".")
    nested = record.get(head)
    return nested.get(tail) if tail and isinstance(nested, dict) else None


class _LogReader:
    """Turns the records of one log file into traffic records."""

    def __init__(self, name: str, stats: ZeekStats, certificates: dict[str, tuple[str | None, str | None]]) -> None:
        self.name = name
        self.stats = stats
        self.certificates = certificates

    def _sighting(
        self,
        mac: str | None,
        address: str | None,
        channel: Channel,
        field_name: str,
        value: str | None,
        frame: FrameRef,
        port: int | None = None,
    ) -> Sighting | None:
        if value is None or (mac is None and address is None):
            return None
        observation = Observation.model_construct(
            device=mac or address or "",
            channel=channel,
            field=field_name,
            value=value,
            target=address,
            port=port,
            time=frame.time,
            collector=f"zeek:{frame.file}:{frame.frame}",
        )
        return Sighting(observation=observation, mac=mac, address=address, frame=frame)

    def records(self, kind: str, record: dict[str, Any], frame: FrameRef) -> Iterator[TrafficRecord]:
        orig = _address(_get(record, "id.orig_h"))
        resp = _address(_get(record, "id.resp_h"))
        resp_port = _port(_get(record, "id.resp_p"))
        orig_mac = _mac(record.get("orig_l2_addr"))
        resp_mac = _mac(record.get("resp_l2_addr"))
        if kind == "conn":
            orig_pkts, resp_pkts = _int(record.get("orig_pkts")), _int(record.get("resp_pkts"))
            if orig or orig_mac:
                yield Presence(orig_mac, orig, frame, frames=max(orig_pkts, 1))
            if (resp or resp_mac) and resp_pkts:
                yield Presence(resp_mac, resp, frame, frames=resp_pkts)
            if orig or orig_mac:
                size = _int(record.get("orig_ip_bytes")) + _int(record.get("resp_ip_bytes"))
                size = size or _int(record.get("orig_bytes")) + _int(record.get("resp_bytes"))
                yield Egress("conn", orig_mac, orig, None, resp, resp_port, size, frame, max(orig_pkts + resp_pkts, 1))
            return
        sender = bool(orig or orig_mac)  # without one, a query, Host or SNI has no device to count toward
        if sender:
            yield Presence(orig_mac, orig, frame)
        if kind == "dns":
            query = _text(record.get("query"))
            if query is not None and sender:
                answers = tuple(a for a in _list(record.get("answers")) if _is_address(a))
                yield Egress("dns", orig_mac, orig, query.rstrip("."), resp, resp_port, 0, frame, 1, answers)
        elif kind == "http":
            host = _text(record.get("host"))
            if host is not None and sender:
                size = _int(record.get("request_body_len")) + _int(record.get("response_body_len"))
                yield Egress("http-host", orig_mac, orig, host.split(":", 1)[0], resp, resp_port, size, frame)
            agent = self._sighting(
                orig_mac, orig, Channel.HTTP, "user-agent", _text(record.get("user_agent")), frame, None
            )
            if agent is not None:
                yield agent
        elif kind == "ssl":
            sni = _text(record.get("server_name"))
            if sni is not None and sender:
                yield Egress("sni", orig_mac, orig, sni, resp, resp_port, 0, frame)
            subject, issuer = _text(record.get("subject")), _text(record.get("issuer"))
            if subject is None and issuer is None:
                for fingerprint in _list(record.get("cert_chain_fps")) + _list(record.get("cert_chain_fuids"))[:1]:
                    if fingerprint in self.certificates:
                        subject, issuer = self.certificates[fingerprint]
                        break
            for name, value in (("subject", subject), ("issuer", issuer)):
                sighting = self._sighting(resp_mac, resp, Channel.TLS, name, value, frame, resp_port)
                if sighting is not None:
                    yield sighting
        elif kind == "x509":
            subject = _text(_get(record, "certificate.subject"))
            issuer = _text(_get(record, "certificate.issuer"))
            keys = [k for k in (_text(record.get("fingerprint")), _text(record.get("id"))) if k is not None]
            if record.get("host_cert") is False:
                return  # a CA certificate of the chain: the leaf names the device
            if keys and len(self.certificates) < MAX_CERTS:
                for key in keys:
                    self.certificates[key] = (subject, issuer)
            else:
                self.stats.unlinked_certificates += 1
        elif kind == "software":
            yield from self._software(record, frame)
        elif kind == "dhcp":
            yield from self._dhcp(record, frame)
        elif kind == "known_hosts":
            host = _address(record.get("host"))
            if host is not None:
                yield Presence(None, host, frame)
        elif kind == "known_services":
            host = _address(record.get("host"))
            port = _port(record.get("port_num"))
            proto = str(record.get("port_proto") or "").lower()
            if host is not None and port is not None and proto in {"tcp", "udp"}:
                yield Presence(None, host, frame)
                sighting = self._sighting(None, host, Channel.PORT, proto, str(port), frame, port)
                if sighting is not None:
                    yield sighting

    def _software(self, record: dict[str, Any], frame: FrameRef) -> Iterator[TrafficRecord]:
        host = _address(record.get("host"))
        kind = str(record.get("software_type") or "")
        # unparsed_version keeps the banner as sent (Zeek's own raw-beside-parsed value).
        value = _text(record.get("unparsed_version")) or _text(record.get("name"))
        port = _port(record.get("host_p"))
        target = _SOFTWARE_FIELDS.get(kind)
        if target is None or host is None:
            return
        channel, field_name = target
        if field_name == "header" and value is not None:
            value = f"X-Powered-By: {value}"
        sighting = self._sighting(_mac(record.get("host_l2_addr")), host, channel, field_name, value, frame, port)
        if sighting is not None:
            yield Presence(sighting.mac, host, frame)
            yield sighting

    def _dhcp(self, record: dict[str, Any], frame: FrameRef) -> Iterator[TrafficRecord]:
        mac = _mac(record.get("mac"))
        address = next(
            (
                a
                # assigned_ip: the field's name in Zeek 2.x dhcp.log (one line per lease)
                for a in (
                    _address(record.get(k)) for k in ("assigned_addr", "client_addr", "requested_addr", "assigned_ip")
                )
                if a and a != "0.0.0.0"  # noqa: S104 - the unset client address, not a bind
            ),
            None,
        )
        if mac is None and address is None:
            return
        yield Presence(mac, address, frame)
        for channel_field, key in (("hostname", "host_name"), ("vendor-class", "client_software")):
            value = _text(record.get(key))
            if key == "client_software" and value is None:
                value = _text(record.get("vendor_class"))
            sighting = self._sighting(mac, address, Channel.DHCP, channel_field, value, frame, None)
            if sighting is not None:
                yield sighting


def _is_address(value: str) -> bool:
    return _address(value) is not None


def _files(path: Path, stats: ZeekStats) -> list[tuple[Path, str]]:
    if not path.is_dir():
        return [(path, _kind(path) or "")]
    found = []
    for child in path.rglob("*"):
        if not child.is_file():
            continue
        kind = _kind(child)
        if kind:
            found.append((child, kind))
        else:
            stats.skipped_logs.append(child.relative_to(path).as_posix())
    return sorted(found, key=lambda item: (LOG_KINDS.index(item[1]), str(item[0])))


def _quiet_parser() -> None:
    """parsezeeklogs logs a warning per bad line; they are counted here instead of flooding stderr."""
    parser_log = logging.getLogger("parsezeeklogs")
    if not parser_log.handlers:
        parser_log.addHandler(logging.NullHandler())
    parser_log.propagate = False


def _sniffed_kind(path: Path) -> str | None:
    try:
        with _open(path) as handle:
            return _header_kind(handle.read(4096))
    except (OSError, EOFError, gzip.BadGzipFile):
        return None


def _why(exc: BaseException) -> str:
    """The reason a log cannot be read, without the parser's 'stream: ' prefix."""
    if isinstance(exc, gzip.BadGzipFile | EOFError):
        return f"not a readable gzip file ({exc})" if str(exc) else "not a readable gzip file"
    text = str(exc).removeprefix("stream: ")
    return text or type(exc).__name__


def read_zeek(path: Path, *, name: str, stats: ZeekStats | None = None) -> Iterator[TrafficRecord]:
    """Every record the Zeek log (or directory of logs) at ``path`` yields; ``name`` names it in frame refs.

    A single file that is not a Zeek log of a kind read here raises :class:`DataError` naming it. In a
    directory, other files (weird.log, files.log...) are listed in ``stats.skipped_logs`` and a log that
    cannot be read at all in ``stats.problems``; damaged lines are counted, never fatal.
    """
    from parsezeeklogs import ZeekLog

    _quiet_parser()
    stats = stats if stats is not None else ZeekStats()
    single = not path.is_dir()
    certificates: dict[str, tuple[str | None, str | None]] = {}
    for file, kind in _files(path, stats):
        shown = name if single else f"{name}/{file.relative_to(path).as_posix()}"
        if not kind:
            kind = _sniffed_kind(file) or ""
        if not kind:
            raise DataError(
                name,
                None,
                f"not a Zeek log read here (neither its name nor #path names one of: {', '.join(LOG_KINDS)})",
            )
        reader = _LogReader(shown, stats, certificates)

        def bad(_line: int, _text: str, _exc: Exception) -> None:
            stats.bad_lines += 1

        try:
            raw = _open(file)
        except OSError as exc:
            if single:
                raise DataError(name, None, f"cannot read: {exc.strerror or exc}") from None
            stats.skipped_logs.append(file.name)
            stats.problems.append(f"{shown}: cannot read: {exc.strerror or exc}")
            continue
        stream = _BoundedLines(raw, stats)
        try:
            log = ZeekLog(stream, on_error=bad)
        except (ValueError, OSError, EOFError, gzip.BadGzipFile) as exc:
            stream.close()
            if single:
                raise DataError(name, None, _why(exc)) from None
            stats.skipped_logs.append(file.name)
            stats.problems.append(f"{shown}: {_why(exc)}")
            continue
        try:
            for record in _records(log, stats):
                frame = FrameRef(shown, log.line_number, _time(record.get("ts")))
                for item in reader.records(kind, record, frame):
                    stats.records += 1
                    yield item
        finally:
            log.close()
            stream.close()


def _records(log: Any, stats: ZeekStats) -> Iterator[dict[str, Any]]:
    """The log's records; a damaged gzip stream ends the file (counted), never the read."""
    iterator = iter(log)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except (OSError, EOFError, gzip.BadGzipFile, ValueError):
            stats.bad_lines += 1
            return
        if isinstance(record, dict):
            yield record
        else:
            stats.bad_lines += 1
