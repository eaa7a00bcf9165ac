"""Read ``nmap -sV -oX`` output: every field nmap gives becomes an observation of its host.

nmap's own conclusions (the service match's product, version, extra info, device type, OS type and CPEs, and the
vendor it gives a MAC address) are kept as ``nmap/*`` observations, so its words are evidence beside ours and
cited as nmap's. What devices said (``http-title``, ``http-server-header``, ``ssl-cert`` with its PEM, ``rtsp-methods``,
``snmp-sysdescr``, ``snmp-info``, ``sip-methods``, ``banner``, ``ssh-hostkey`` is ignored) becomes the same
observations a covered scan makes. Element layout as written by nmap's ``output.cc`` and documented in
``docs/nmap.dtd`` (nmap/nmap).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.errors import DataError
from covered.identify.oui import normalise_mac
from covered.model import Channel, Observation

__all__ = ["read_nmap_xml", "x509_from_nmap"]

MAX_VALUE = 65_536
"""Longest value kept from one nmap field (characters)."""

# RFC 4514 order (most specific first), as cryptography prints a certificate in the usual C..CN order. nmap writes
# the name's fields in alphabetical order of their long names, so the certificate's own order cannot be recovered
# from the table; this canonical order is what signatures (and a covered scan of a typical device) read.
_RDN_ORDER = (
    ("commonName", "CN"),
    ("organizationalUnitName", "OU"),
    ("organizationName", "O"),
    ("localityName", "L"),
    ("stateOrProvinceName", "ST"),
    ("countryName", "C"),
    ("emailAddress", "1.2.840.113549.1.9.1"),
)
_NO_TITLE = ("Site doesn't have a title", "Did not follow redirect")
_HTTP_SERVICES = {"http", "https", "http-proxy", "http-alt", "ssl/http", "ipp", "rtsp"}


def _escape_rdn(value: str) -> str:
    """RFC 4514 escaping of an attribute value (as cryptography applies it)."""
    out = value.replace("\\", "\\\\")
    for char in ',+"<>;=':
        out = out.replace(char, f"\\{char}")
    if out.startswith(("#", " ")):
        out = "\\" + out
    if out.endswith(" "):
        out = out[:-1] + "\\ "
    return out


def x509_from_nmap(table: Any) -> str | None:
    """A certificate name from nmap's ssl-cert ``<table key="subject|issuer">`` in RFC 4514 form."""
    if table is None:
        return None
    fields: dict[str, list[str]] = {}
    for elem in table.findall("elem"):
        if elem.text is not None and elem.get("key"):
            fields.setdefault(str(elem.get("key")), []).append(elem.text)
    parts: list[str] = []
    known = {name for name, _ in _RDN_ORDER}
    for name, label in _RDN_ORDER:
        parts.extend(f"{label}={_escape_rdn(v)}" for v in fields.get(name, []))
    # Fields with no short label (serialNumber, OIDs nmap prints as dotted numbers) keep nmap's key as the type.
    for name in sorted(set(fields) - known):
        parts.extend(f"{name}={_escape_rdn(v)}" for v in fields[name])
    return ",".join(parts) or None


def _elem(script: Any, key: str) -> str | None:
    found = script.find(f"elem[@key='{key}']")
    return None if found is None or found.text is None else str(found.text)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


Add = Callable[[Channel, str, str, int | None], None]


def _script(script: Any, port: int | None, service: str, add: Add) -> None:
    """Observations from one NSE script's output."""
    sid, output = script.get("id"), script.get("output") or ""
    if sid == "http-server-header":
        values = [e.text for e in script.findall("elem") if e.text] or output.splitlines()
        channel = Channel.RTSP if service == "rtsp" else Channel.HTTP
        for value in filter(None, (v.strip() for v in values)):
            add(channel, "server", value, port)
    elif sid == "http-title":
        title = _elem(script, "title") or output.strip()
        if title and not title.startswith(_NO_TITLE):
            add(Channel.HTTP, "title", _first_line(title), port)
        redirect = _elem(script, "redirect_url")
        if redirect:
            add(Channel.HTTP, "location", redirect, port)
    elif sid == "http-auth":
        for line in output.splitlines():
            text = line.strip()
            if text and text.split(" ", 1)[0].casefold() in {"basic", "digest", "ntlm", "negotiate"}:
                add(Channel.HTTP, "www-authenticate", text, port)
    elif sid == "http-favicon":
        # nmap names the favicon it knows from favicon-db; the hash itself is not in the output.
        if output.strip() and not output.startswith("Unknown favicon MD5"):
            add(Channel.NMAP, "product", output.strip(), port)
        elif output.startswith("Unknown favicon MD5:"):
            add(Channel.FAVICON, "md5", output.split(":", 1)[1].strip().lower(), port)
    elif sid == "ssl-cert":
        tables = {t.get("key"): t for t in script.findall("table")}
        pem = _elem(script, "pem")
        if pem and "BEGIN CERTIFICATE" in pem:
            # The PEM is the certificate itself: derive reads subject and issuer from it in the true order.
            add(Channel.TLS, "pem", pem.strip(), port)
        else:
            for key_name in ("subject", "issuer"):
                name = x509_from_nmap(tables.get(key_name))
                if name:
                    add(Channel.TLS, key_name, name, port)
    elif sid in {"snmp-sysdescr"} and output.strip():
        add(Channel.SNMP, "sysdescr", _first_line(output), port)
    elif sid == "snmp-info":
        engine = _elem(script, "engineIDData")
        if engine:
            add(Channel.SNMP, "engine-id", engine, port)
    elif sid in {"banner"} and output.strip():
        text = output.strip()
        add(Channel.SSH if text.startswith("SSH-") else Channel.TELNET, "banner", text, port)
    elif sid == "sip-methods" and output.strip():
        pass  # the methods list names no maker; the User-Agent is in the service match instead


def _service(service: Any, port: int | None, add: Add) -> str:
    """Observations from nmap's service match; returns the service name."""
    name = str(service.get("name") or "")
    for attribute, field_name in (
        ("product", "product"),
        ("version", "version"),
        ("extrainfo", "extrainfo"),
        ("devicetype", "devicetype"),
        ("ostype", "ostype"),
    ):
        value = service.get(attribute)
        if value:
            add(Channel.NMAP, field_name, str(value), port)
    for cpe in service.findall("cpe"):
        if cpe.text:
            add(Channel.NMAP, "cpe", cpe.text.strip(), port)
    if service.get("tunnel") == "ssl":
        name = f"ssl/{name}"
    return name


def read_nmap_xml(path: Path, devices: dict[str, list[Observation]], warn: Callable[[int, str], None]) -> int:
    """Add every host of an nmap XML file to ``devices`` (by MAC, else address); returns the hosts read."""
    try:
        root = ElementTree.parse(path, forbid_dtd=False).getroot()
    except (DefusedXmlException, ElementTree.ParseError) as exc:
        raise DataError(path, getattr(exc, "position", (None,))[0], f"unsafe or malformed XML: {exc}") from None
    if root is None or root.tag != "nmaprun":
        raise DataError(path, 1, f"not nmap XML (root element <{getattr(root, 'tag', None)}>)")
    hosts = 0
    for number, host in enumerate(root.iter("host"), start=1):
        status = host.find("status")
        if status is not None and status.get("state") == "down":
            continue
        address_elements = host.findall("address")
        addresses = {a.get("addrtype"): a.get("addr") for a in address_elements}
        ip = addresses.get("ipv4") or addresses.get("ipv6")
        mac = normalise_mac(addresses.get("mac") or "")
        mac_vendor = next((a.get("vendor") for a in address_elements if a.get("addrtype") == "mac"), None)
        names = [str(h.get("name")) for h in host.iter("hostname") if h.get("name")]
        key: str = mac or ip or (names[0] if names else f"{path.name}:host{number}")
        collector = f"import:{path.name}:host{number}"
        observations = devices.setdefault(key, [])

        def add(
            channel: Channel,
            field_name: str,
            value: str,
            port: int | None,
            observations: list[Observation] = observations,
            key: str = key,
            ip: str | None = ip,
            collector: str = collector,
        ) -> None:
            observations.append(
                Observation(
                    device=key,
                    channel=channel,
                    field=field_name,
                    value=value[:MAX_VALUE],
                    target=ip,
                    port=port,
                    collector=collector,
                )
            )

        if mac:
            add(Channel.MAC, "address", mac, None)
            if mac_vendor:
                add(Channel.NMAP, "mac-vendor", str(mac_vendor), None)
        if ip:
            add(Channel.INVENTORY, "ip", ip, None)
        if names:
            add(Channel.INVENTORY, "hostname", names[0], None)
        for port in host.iter("port"):
            state = port.find("state")
            if state is not None and state.get("state") != "open":
                continue
            try:
                portid = int(port.get("portid", "") or "")
            except ValueError:
                warn(number, f"port id {port.get('portid')!r} is not a number: port skipped")
                continue
            if not 0 <= portid <= 65535:
                warn(number, f"port id {portid} is outside 0-65535: port skipped")
                continue
            protocol = port.get("protocol") or "tcp"
            if protocol in {"tcp", "udp"}:
                add(Channel.PORT, protocol, str(portid), portid)
            service = port.find("service")
            service_name = _service(service, portid, add) if service is not None else ""
            for script in port.findall("script"):
                _script(script, portid, service_name, add)
        for osclass in host.iter("osclass"):
            for cpe in osclass.findall("cpe"):
                if cpe.text:
                    add(Channel.NMAP, "cpe", cpe.text.strip(), None)
        for script in host.iter("hostscript"):
            for inner in script.findall("script"):
                _script(inner, None, "", add)
        hosts += 1
        if not observations:
            warn(number, "host with no usable address or service answer")
    return hosts
