"""Zeek logs written in the exact layouts Zeek's ASCII writer uses: TSV with its header block, and JSON lines.

The TSV header (``#separator \\x09``, ``#set_separator``, ``#empty_field``, ``#unset_field``, ``#path``,
``#open``, ``#fields``, ``#types`` ... ``#close``) and the escaping follow Zeek's LogAscii writer
(zeek/zeek: src/logging/writers/ascii/Ascii.cc, src/threading/formatters/Ascii.cc).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CONN = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("proto", "enum"),
    ("service", "string"),
    ("duration", "interval"),
    ("orig_bytes", "count"),
    ("resp_bytes", "count"),
    ("conn_state", "string"),
    ("orig_pkts", "count"),
    ("orig_ip_bytes", "count"),
    ("resp_pkts", "count"),
    ("resp_ip_bytes", "count"),
    ("tunnel_parents", "set[string]"),
    ("orig_l2_addr", "string"),
    ("resp_l2_addr", "string"),
]
DNS = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("proto", "enum"),
    ("trans_id", "count"),
    ("query", "string"),
    ("qtype_name", "string"),
    ("rcode_name", "string"),
    ("answers", "vector[string]"),
    ("TTLs", "vector[interval]"),
]
SSL = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("version", "string"),
    ("server_name", "string"),
    ("established", "bool"),
    ("cert_chain_fps", "vector[string]"),
]
X509 = [
    ("ts", "time"),
    ("fingerprint", "string"),
    ("certificate.version", "count"),
    ("certificate.subject", "string"),
    ("certificate.issuer", "string"),
    ("host_cert", "bool"),
]
HTTP = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("method", "string"),
    ("host", "string"),
    ("uri", "string"),
    ("user_agent", "string"),
    ("request_body_len", "count"),
    ("response_body_len", "count"),
    ("status_code", "count"),
]
SOFTWARE = [
    ("ts", "time"),
    ("host", "addr"),
    ("host_p", "port"),
    ("software_type", "enum"),
    ("name", "string"),
    ("version.major", "count"),
    ("unparsed_version", "string"),
]
DHCP = [
    ("ts", "time"),
    ("uids", "set[string]"),
    ("client_addr", "addr"),
    ("server_addr", "addr"),
    ("mac", "string"),
    ("host_name", "string"),
    ("client_fqdn", "string"),
    ("domain", "string"),
    ("requested_addr", "addr"),
    ("assigned_addr", "addr"),
    ("lease_time", "interval"),
    ("msg_types", "vector[string]"),
    ("client_software", "string"),
]
KNOWN_SERVICES = [
    ("ts", "time"),
    ("host", "addr"),
    ("port_num", "port"),
    ("port_proto", "enum"),
    ("service", "set[string]"),
]
KNOWN_HOSTS = [("ts", "time"), ("host", "addr")]

LAYOUTS = {
    "conn": CONN,
    "dns": DNS,
    "ssl": SSL,
    "x509": X509,
    "http": HTTP,
    "software": SOFTWARE,
    "dhcp": DHCP,
    "known_services": KNOWN_SERVICES,
    "known_hosts": KNOWN_HOSTS,
}


def epoch(when: dt.datetime) -> float:
    """Seconds since the epoch, as Zeek logs times."""
    return when.timestamp()


def _escape(text: str) -> str:
    """Zeek's ASCII escaping: backslash, the separators and non-printable bytes as \\xHH."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char == "\\":
            out.append("\\\\")
        elif char in "\t," or byte < 0x20 or byte >= 0x7F:
            out.append(f"\\x{byte:02x}")
        else:
            out.append(char)
    return "".join(out)


def _cell(value: Any, ztype: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple | set):
        return ",".join(_cell(v, "string") for v in value) if value else "(empty)"
    if isinstance(value, bool):
        return "T" if value else "F"
    if ztype in {"time", "interval", "double"}:
        return f"{float(value):.6f}"
    text = str(value)
    if text == "":
        return "(empty)"
    if text in {"-", "(empty)"}:
        return "".join(f"\\x{ord(c):02x}" for c in text)
    return _escape(text)


def write_tsv(path: Path, kind: str, rows: Sequence[dict[str, Any]], *, compress: bool = False) -> Path:
    """A TSV log as Zeek writes it, header block and #close included."""
    layout = LAYOUTS[kind]
    opened = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).strftime("%Y-%m-%d-%H-%M-%S")
    lines = [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        f"#path\t{kind}",
        f"#open\t{opened}",
        "#fields\t" + "\t".join(name for name, _ in layout),
        "#types\t" + "\t".join(ztype for _, ztype in layout),
    ]
    for row in rows:
        lines.append("\t".join(_cell(row.get(name), ztype) for name, ztype in layout))
    lines.append(f"#close\t{opened}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if compress:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def _json_value(name: str, value: Any, *, iso: bool) -> Any:
    if isinstance(value, tuple | set):
        return list(value)
    if iso and name == "ts":  # LogAscii::json_timestamps=JSON::TS_ISO8601
        return dt.datetime.fromtimestamp(float(value), dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def write_json(
    path: Path, kind: str, rows: Sequence[dict[str, Any]], *, iso: bool = False, compress: bool = False
) -> Path:
    """A JSON log as Zeek writes it with LogAscii::use_json=T: one object per line, unset fields left out."""
    names = [name for name, _ in LAYOUTS[kind]]
    lines = []
    for row in rows:
        record = {n: _json_value(n, row[n], iso=iso) for n in names if row.get(n) is not None}
        lines.append(json.dumps(record, separators=(",", ":")) + "\n")
    data = "".join(lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path
