"""Reports for auditors: self-contained HTML with charts, PDF, CSV, JSON, a CycloneDX 1.6 hardware BOM,
and an evidence pack (report, raw observations and a SHA-256 manifest in one archive) that `verify` checks."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import html
import io
import json
import lzma
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import fastjsonschema
from sqlalchemy import select

from covered.errors import DataError
from covered.model import ASSET_FIELDS
from covered.report.tables import pdf_flowable, safe_cell
from covered.report.wording import plural, shown_time
from covered.store import Store
from covered.store.schema import AuditRow, DeviceRow, FindingRow, ObservationRow, SightingRow, SilenceAttestationRow

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "PackCheck",
    "PackSummary",
    "ReportData",
    "asset_record",
    "audit_record",
    "bar_chart",
    "check_pack",
    "collect",
    "device_record",
    "finding_record",
    "lead_record",
    "observation_record",
    "render_csv",
    "render_cyclonedx",
    "render_html",
    "render_json",
    "render_pdf",
    "verify_pack",
    "write_pack",
]


@dataclass
class ReportData:
    """Everything a report shows, read once from the store."""

    title: str
    generated: str
    scan_id: int | None
    devices: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    observations: list[dict[str, Any]] = field(default_factory=list)
    attestations: list[dict[str, Any]] = field(default_factory=list)
    """What captures showed of removed or replaced devices after their removal (silence, or their frames)."""

    @property
    def leads(self) -> list[dict[str, Any]]:
        """Devices whose maker is only suspected from weak signs, for review (never counted as attributed)."""
        return [lead_record(d) for d in self.devices if d.get("lead")]


def collect(store: Store, scan_id: int | None = None, *, with_observations: bool = False) -> ReportData:
    """Tracked devices (those seen in `scan_id`, or all), their kept findings and the audit log."""
    with store.session() as session:
        query = select(DeviceRow).order_by(DeviceRow.id)
        if scan_id is not None:
            store.scan(scan_id)
            query = query.join(SightingRow, SightingRow.device_id == DeviceRow.id).where(SightingRow.scan_id == scan_id)
        devices = session.scalars(query).all()
        ids = {d.id for d in devices}
        findings = [f for f in session.scalars(select(FindingRow).order_by(FindingRow.id)) if f.device_id in ids]
        audit = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        attestations = [
            a
            for a in session.scalars(select(SilenceAttestationRow).order_by(SilenceAttestationRow.id))
            if a.device_id in ids
        ]
        observations: list[ObservationRow] = []
        if with_observations:
            observations = list(
                session.scalars(
                    select(ObservationRow).order_by(ObservationRow.id).where(ObservationRow.scan_id == scan_id)
                    if scan_id is not None
                    else select(ObservationRow)
                )
            )
    keys = {d.id: d.key for d in devices}
    assets = {d.id: asset_record(d) for d in devices}
    return ReportData(
        title=f"covered report{f' for scan {scan_id}' if scan_id is not None else ''}",
        generated=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        scan_id=scan_id,
        devices=[device_record(d) for d in devices],
        findings=[finding_record(f, keys[f.device_id]) | assets[f.device_id] for f in findings],
        audit=[audit_record(a) for a in audit],
        observations=[observation_record(o) for o in observations],
        attestations=[attestation_record(a, keys[a.device_id]) for a in attestations],
    )


def device_record(d: DeviceRow, *, evidence: bool = True) -> dict[str, Any]:
    """A tracked device as reports, the API and the dashboard show it; without ``evidence``, the attribution
    (explanation and evidence chain) is left out and never read, for lists that load it deferred."""
    record = {
        "id": d.id,
        "key": d.key,
        "address": d.address,
        "mac": d.mac,
        "serial": d.serial,
        "site": d.site,
        "vendor": d.vendor,
        "brand": d.brand,
        "model": d.model,
        "firmware": d.firmware,
        "restricted": d.restricted,
        "confidence": d.confidence,
    } | asset_record(d)
    if evidence:
        attribution = d.attribution or {}
        record["explanation"] = attribution.get("explanation")
        record["evidence"] = _evidence_text(attribution)
        record["lead"] = attribution.get("lead")
    # To the second, UTC marked: what users read in tables and reports (the store keeps the exact times).
    record["first_seen"] = shown_time(d.first_seen)
    record["last_seen"] = shown_time(d.last_seen)
    record["gone_since"] = shown_time(d.gone_since) if d.gone_since else None
    return record


def asset_record(d: DeviceRow) -> dict[str, Any]:
    """The organisation's own identities of a device (asset tag, id, name, location, owner, cost centre) and
    the columns it kept, as every device and finding record carries them."""
    return {name: getattr(d, name) for name in ASSET_FIELDS} | {"attributes": dict(d.attributes or {})}


def lead_record(device: dict[str, Any]) -> dict[str, Any]:
    """One lead for review: the device, the suspected maker, the signs behind it and what would settle it."""
    lead = device.get("lead") or {}
    return {
        "key": device["key"],
        "address": device.get("address"),
        "mac": device.get("mac"),
        "possibly": " or ".join(lead.get("vendor_names", [])),
        "vendors": lead.get("vendors", []),
        "summary": lead.get("summary"),
        "reasons": "; ".join(lead.get("reasons", [])),
        "settle": "; ".join(lead.get("settle", [])),
        "last_seen": device.get("last_seen"),
    }


def finding_record(f: FindingRow, device_key: str) -> dict[str, Any]:
    """A kept finding with its remediation state."""
    return {
        "id": f.id,
        "device": device_key,
        "profile": f.profile,
        "subject": f.subject,
        "obligation": f.obligation,
        "status": f.status,
        "assessed_status": f.assessed_status,
        "confidence": f.confidence,
        "due": f.due.isoformat() if f.due else None,
        "citation": f.citation,
        "explanation": f.explanation,
        "caveats": f.caveats,
        "reason": f.reason,
        "waiver": f.waiver,
        "expires": f.expires.isoformat() if f.expires else None,
    }


def observation_record(o: ObservationRow) -> dict[str, Any]:
    """One stored observation, verbatim, with where and when it was collected."""
    return {
        "device": o.device_key,
        "channel": o.channel,
        "field": o.field,
        "value": o.value,
        "target": o.target,
        "port": o.port,
        "time": o.observed_at.isoformat() if o.observed_at else None,
        "collector": o.collector,
        "scan_id": o.scan_id,
    }


def attestation_record(a: SilenceAttestationRow, device_key: str) -> dict[str, Any]:
    """One silence-since-removal attestation (or the frames that contradict it)."""
    return {
        "device": device_key,
        "mac": a.mac,
        "address": a.address,
        "verdict": a.verdict,
        "statement": a.statement,
        "capture": a.capture,
        "scan_id": a.scan_id,
        "status": a.status,
        "removed_at": _iso(a.removed_at),
        "window_start": _iso(a.window_start),
        "window_end": _iso(a.window_end),
        "frames_examined": a.frames_examined,
        "device_frames": a.device_frames,
        "first_heard": a.first_heard,
        "findings": list(a.findings or []),
        "at": _iso(a.at),
    }


def _iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def audit_record(a: AuditRow) -> dict[str, Any]:
    """One audit-log entry."""
    return {
        "id": a.id,
        "at": shown_time(a.at),
        "actor": a.actor,
        "action": a.action,
        "target": a.target,
        "before": a.before,
        "after": a.after,
        "reason": a.reason,
    }


def _evidence_text(attribution: dict[str, Any]) -> str:
    """The evidence chain in one line: channel.field='value' -> matcher."""
    return "; ".join(
        f"{e.get('channel')}.{e.get('field')}={e.get('value')!r} -> {e.get('matcher')}"
        for e in attribution.get("evidence", [])
    )


def bar_chart(title: str, counts: Counter[str]) -> str:
    """An inline SVG bar chart (no scripts, no external assets)."""
    items = counts.most_common(12)
    if not items:
        return f"<figure><figcaption>{html.escape(title)}</figcaption><p>none</p></figure>"
    top = max(n for _, n in items)
    rows = []
    for i, (label, n) in enumerate(items):
        width = 300 * n / top
        rows.append(
            f'<text x="0" y="{i * 22 + 15}">{html.escape(label)}</text>'
            f'<rect x="160" y="{i * 22 + 3}" width="{width:.0f}" height="16" fill="#4a6fa5"/>'
            f'<text x="{165 + width:.0f}" y="{i * 22 + 15}">{n}</text>'
        )
    return (
        f'<figure><figcaption>{html.escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" '
        f'width="520" height="{len(items) * 22 + 6}" font-size="12">{"".join(rows)}</svg></figure>'
    )


def _shown(value: Any) -> str:
    """A cell as users read it: true/false as every command prints them, nothing for an absent value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_shown(r.get(c)))}</td>" for c in columns) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_rows(data: ReportData) -> list[tuple[str, int]]:
    """The counts a report opens with: devices, restricted, leads, findings by status and the most frequent rules."""
    rows = [
        ("devices", len(data.devices)),
        ("attributed to a restricted vendor", sum(1 for d in data.devices if d["restricted"])),
        ("leads for review (weak signs, not attributions)", len(data.leads)),
        ("findings", len(data.findings)),
    ]
    rows += [(f"findings {status}", n) for status, n in Counter(f["status"] for f in data.findings).most_common()]
    rows += [(f"rule {subject}", n) for subject, n in Counter(f["subject"] for f in data.findings).most_common(10)]
    return rows


def _site_counts(data: ReportData) -> Counter[str]:
    """Devices per site (profile site networks); devices at no named site are counted as such."""
    return Counter(d["site"] or "no site assigned" for d in data.devices)


def render_html(data: ReportData) -> str:
    """One self-contained HTML page: summary, charts, devices, findings, audit trail. Everything is escaped."""
    restricted = sum(1 for d in data.devices if d["restricted"])
    remediation = Counter(
        f"{a['at'][:10]} {json.loads(a['after']) if a['after'] else ''}"
        for a in data.audit
        if a["action"] == "remediate"
    )
    charts = "".join(
        [
            bar_chart("Devices by vendor", Counter(d["vendor"] or "unknown" for d in data.devices)),
            bar_chart("Devices by site", _site_counts(data)),
            bar_chart("Findings by rule", Counter(f["subject"] for f in data.findings)),
            bar_chart("Findings by status", Counter(f["status"] for f in data.findings)),
            bar_chart("Remediation over time (day, new status)", remediation),
        ]
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(data.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}}
table{{border-collapse:collapse;font-size:12px;width:100%}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}}
figure{{display:inline-block;margin:1em;max-width:100%}}svg{{max-width:100%;height:auto}}
figcaption{{font-weight:bold}}table.summary{{width:auto}}</style></head><body>
<h1>{html.escape(data.title)}</h1>
<p>Generated {html.escape(data.generated)}. {plural(len(data.devices), "device")}, {restricted} attributed to a
restricted vendor; {plural(len(data.findings), "finding")}. Every attribution carries its evidence chain in the JSON
report and the evidence pack; an OEM link is evidence for investigation, not a legal conclusion.</p>
<table class="summary"><tbody>{
        "".join(f"<tr><th>{html.escape(k)}</th><td>{n}</td></tr>" for k, n in summary_rows(data))
    }</tbody></table>
{charts}
<h2>Devices</h2>{
        _table(
            data.devices,
            [
                "key",
                "asset_tag",
                "asset_name",
                "location",
                "owner",
                "cost_centre",
                "address",
                "mac",
                "vendor",
                "brand",
                "model",
                "firmware",
                "restricted",
                "confidence",
                "explanation",
                "evidence",
                "last_seen",
                "gone_since",
                "attributes",
            ],
        )
    }
<h2>Leads for review</h2>
<p>Makers suspected from weak signs only (a vendor's port, one generic string): not attributions and never a
restricted claim. Each lists what would settle it.</p>{
        _table(data.leads, ["key", "address", "mac", "possibly", "summary", "reasons", "settle", "last_seen"])
        if data.leads
        else "<p>none</p>"
    }
<h2>Findings</h2>{
        _table(
            data.findings,
            [
                "device",
                "asset_tag",
                "location",
                "profile",
                "subject",
                "obligation",
                "status",
                "due",
                "explanation",
                "reason",
                "waiver",
                "expires",
            ],
        )
    }
{_attestation_section(data)}
<h2>Audit trail</h2>{_table(data.audit, ["at", "actor", "action", "target", "before", "after", "reason"])}
</body></html>
"""


def _attestation_section(data: ReportData) -> str:
    if not data.attestations:
        return ""
    columns = ["device", "verdict", "statement", "frames_examined", "device_frames", "first_heard"]
    return f"<h2>Silence since removal</h2>{_table(data.attestations, columns)}\n"


def render_json(data: ReportData) -> str:
    """The report as one JSON document."""
    return json.dumps(
        {
            "title": data.title,
            "generated": data.generated,
            "scan_id": data.scan_id,
            "devices": data.devices,
            "leads": data.leads,
            "findings": data.findings,
            "audit": data.audit,
            **({"attestations": data.attestations} if data.attestations else {}),
        },
        indent=2,
        ensure_ascii=False,
    )


def render_csv(data: ReportData) -> str:
    """Devices with their findings, one row per finding (devices without findings once)."""
    buffer = io.StringIO()
    columns = [
        "key",
        *ASSET_FIELDS,
        "address",
        "mac",
        "vendor",
        "brand",
        "model",
        "firmware",
        "restricted",
        "lead",
        "profile",
        "subject",
        "obligation",
        "status",
        "due",
        "attributes",
    ]
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    by_device: dict[str, list[dict[str, Any]]] = {}
    for finding in data.findings:
        by_device.setdefault(finding["device"], []).append(finding)
    for device in data.devices:
        for finding in by_device.get(device["key"], [{}]):
            lead = (device.get("lead") or {}).get("summary")
            row = {**device, "lead": lead, **{k: v for k, v in finding.items() if k != "device"}}
            row |= {"attributes": _shown(device.get("attributes") or None)}
            writer.writerow({k: safe_cell(v) for k, v in row.items() if k in columns})
    return buffer.getvalue()


def render_cyclonedx(data: ReportData, *, validate: bool = True) -> str:
    """A CycloneDX 1.6 hardware BOM: one device component each, manufacturer vs brand, findings as properties."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType, Pedigree
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.output.json import JsonV1Dot6

    bom = Bom()
    _index_dependencies(bom)
    findings: dict[str, list[dict[str, Any]]] = {}
    for finding in data.findings:
        findings.setdefault(finding["device"], []).append(finding)
    components = []
    for device in data.devices:
        properties = [
            Property(name=f"covered:{k}", value=str(device[k]))
            for k in ("address", "mac", "brand", "restricted", "confidence", "explanation", "first_seen", "last_seen")
            if device.get(k) is not None
        ]
        # The organisation's own identities, so an auditor finds the component by its asset tag.
        properties += [Property(name=f"covered:{k}", value=str(device[k])) for k in ASSET_FIELDS if device.get(k)]
        properties += [
            Property(name=f"covered:attribute:{name}", value=str(value))
            for name, value in (device.get("attributes") or {}).items()
        ]
        for finding in findings.get(device["key"], []):
            properties.append(
                Property(
                    name="covered:finding",
                    value=json.dumps({k: finding[k] for k in ("subject", "obligation", "status", "due", "profile")}),
                )
            )
        pedigree = None
        if device["brand"] and device["vendor"] and device["brand"] != f"{device['vendor']}-brand":
            # The label on the box and the maker behind it: the brand's product descends from the maker's.
            pedigree = Pedigree(
                ancestors=[
                    Component(
                        type=ComponentType.DEVICE,
                        name=device["model"] or device["key"],
                        bom_ref=f"device-{device['id']}-maker",
                        manufacturer=OrganizationalEntity(name=device["vendor"]),
                    )
                ],
                notes=device["explanation"] or f"sold as {device['brand']}, built by {device['vendor']}",
            )
        component = Component(
            type=ComponentType.DEVICE,
            pedigree=pedigree,
            name=device["model"] or device["key"],
            version=device["firmware"] or None,
            bom_ref=f"device-{device['id']}",
            manufacturer=OrganizationalEntity(name=device["vendor"]) if device["vendor"] else None,
            supplier=OrganizationalEntity(name=device["brand"]) if device["brand"] else None,
            properties=properties,
        )
        components.append(component)
    bom.components = components  # one sort instead of an insertion per component
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    if validate:
        try:
            _bom_validator()(json.loads(text))
        except fastjsonschema.JsonSchemaException as exc:
            raise ValueError(f"CycloneDX output does not validate against the 1.6 schema: {exc}") from None
    return text


def _index_dependencies(bom: Any) -> None:
    """Make the Bom register dependency entries through an index by reference instead of a scan.

    cyclonedx-python-lib finds an existing dependency entry by scanning all of them, once per component, which
    is quadratic: 2.3 s of 5.5 s for 2,000 devices and most of the time for 10,000. Only registrations without
    dependents are indexed (the only kind a device BOM makes); anything else goes to the library. The method is
    replaced on this one instance because py-serializable serialises by the exact class, so a subclass would
    write an empty BOM. The tests check that the output equals the stock Bom's.
    """
    from cyclonedx.model.dependency import Dependency

    stock = bom.register_dependency
    known: set[Any] = set()

    def register_dependency(target: Any, depends_on: Any = None) -> None:
        if depends_on:
            stock(target, depends_on)
            return
        if len(known) != len(bom.dependencies):  # entries added by the library itself: re-read them
            known.clear()
            known.update(dependency.ref for dependency in bom.dependencies)
        if target.bom_ref not in known:
            bom.dependencies.add(Dependency(ref=target.bom_ref))
            known.add(target.bom_ref)

    bom.register_dependency = register_dependency


@functools.cache
def _bom_validator() -> Callable[[Any], Any]:
    """The CycloneDX 1.6 JSON schema shipped with cyclonedx-python-lib, compiled once with fastjsonschema.

    The library's own validator (jsonschema) takes about 12 ms per device component; the compiled one checks a
    10,000-device BOM in well under a second. The test suite still cross-checks with the library's validator.
    """
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.schema._res import BOM_JSON_STRICT

    path = Path(str(BOM_JSON_STRICT[SchemaVersion.V1_6]))

    def local(uri: str) -> Any:
        # The schema refers to its sibling files (spdx, jsf) by relative name; resolve them on disk only.
        return json.loads((path.parent / uri.rsplit("/", 1)[-1]).read_text(encoding="utf-8"))

    schema = json.loads(path.read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema, handlers={"": local, "http": local, "https": local, "file": local})


def render_pdf(data: ReportData, path: Path) -> None:
    """A printable PDF: the summary and the devices needing action first, every device and finding in appendices."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    page_width = landscape(A4)[0] - 40 * mm  # SimpleDocTemplate's default margins are 20 mm a side

    def table(rows: list[tuple[Any, ...]], columns: list[str], widths: list[float] | None = None) -> Any:
        return pdf_flowable(columns, rows, page_width, widths)

    def records(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
        return [tuple(_shown(r.get(c)) for c in columns) for r in rows]

    restricted = sum(1 for d in data.devices if d["restricted"])
    by_device = Counter(f["device"] for f in data.findings if f["status"] in ("open", "review"))
    due: dict[str, str] = {}
    for f in data.findings:
        if f["due"] and f["status"] in ("open", "review"):
            due[f["device"]] = min(due.get(f["device"], f["due"]), f["due"])
    action = [
        (
            d["key"],
            d.get("asset_tag"),
            d["address"],
            d["vendor"],
            d["model"],
            d.get("location") or d["site"],
            by_device[d["key"]],
            due.get(d["key"]),
        )
        for d in data.devices
        if d["restricted"] or by_device[d["key"]]
    ]
    device_columns = ["key", "asset_tag", "address", "vendor", "brand", "model", "firmware", "restricted", "last_seen"]
    finding_columns = ["device", "asset_tag", "subject", "obligation", "status", "due", "explanation"]
    story = [
        Paragraph(html.escape(data.title), styles["Title"]),
        Paragraph(
            html.escape(
                f"Generated {data.generated}. {plural(len(data.devices), 'device')}, {restricted} restricted; "
                f"{plural(len(data.findings), 'finding')}. Every device and finding is listed in the appendices."
            ),
            styles["Normal"],
        ),
        Spacer(1, 8),
        Paragraph("Summary", styles["Heading2"]),
        table(list(summary_rows(data)), ["what", "count"], [4, 1]),
        Spacer(1, 8),
        Paragraph("Devices by site", styles["Heading2"]),
        table(_site_counts(data).most_common(), ["site", "devices"], [4, 1]),
        Spacer(1, 8),
        Paragraph(f"Devices needing action ({len(action)})", styles["Heading2"]),
        table(
            action,
            [
                "device",
                "asset tag",
                "address",
                "vendor",
                "model",
                "location or site",
                "open or review findings",
                "earliest due",
            ],
            [3, 1.5, 2, 2, 2, 2, 1.5, 1.5],
        )
        if action
        else Paragraph("none", styles["Normal"]),
        PageBreak(),
        Paragraph("Appendix A: every device", styles["Heading2"]),
        table(records(data.devices, device_columns), device_columns, [3, 1.5, 2, 1.5, 1.5, 2, 1.5, 1, 2]),
        PageBreak(),
        Paragraph("Appendix B: every finding", styles["Heading2"]),
        table(records(data.findings, finding_columns), finding_columns, [2.5, 1.5, 2, 1.5, 1, 1, 6]),
    ]
    SimpleDocTemplate(str(path), pagesize=landscape(A4), title=data.title).build(story)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class PackSummary:
    """What `write_pack` wrote: each file's SHA-256, the manifest's own SHA-256 and the signing key, if any."""

    files: dict[str, str]
    manifest_sha256: str
    signer: str | None = None


MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
"""The detached signature of manifest.json's exact bytes (base64 Ed25519), present when the pack is signed."""


def write_pack(
    data: ReportData, path: Path, bom: str | None = None, *, key: Ed25519PrivateKey | None = None
) -> PackSummary:
    """A ZIP with report.html, report.json, bom.cdx.json, observations.jsonl and manifest.json (SHA-256 of each);
    with ``key``, the manifest names the key's fingerprint and manifest.sig holds its Ed25519 signature."""
    from covered.report.signing import SIGNATURE_ALGORITHM, fingerprint, sign

    files = {
        "report.html": render_html(data).encode("utf-8"),
        "report.json": render_json(data).encode("utf-8"),
        "bom.cdx.json": (bom if bom is not None else render_cyclonedx(data)).encode("utf-8"),
        "observations.jsonl": "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in data.observations).encode(),
    }
    if data.attestations:
        lines = (json.dumps(a, ensure_ascii=False) + "\n" for a in data.attestations)
        files["attestations.jsonl"] = "".join(lines).encode("utf-8")
    digests = {name: _sha256(content) for name, content in files.items()}
    manifest: dict[str, Any] = {"generated": data.generated, "scan_id": data.scan_id, "algorithm": "sha256"}
    signer = fingerprint(key.public_key()) if key is not None else None
    if signer is not None:
        # The fingerprint sits inside the signed bytes, so it cannot be swapped for another key's afterwards.
        manifest["signature"] = {"algorithm": SIGNATURE_ALGORITHM, "key_sha256": signer, "file": SIGNATURE}
    manifest["files"] = digests
    manifest_bytes = json.dumps(manifest, indent=2).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr(MANIFEST, manifest_bytes)
        if key is not None:
            archive.writestr(SIGNATURE, sign(key, manifest_bytes))
    return PackSummary(digests, _sha256(manifest_bytes), signer)


MAX_ENTRY = 2 * 1024 * 1024 * 1024
"""Largest pack entry verify reads (bytes, uncompressed); a larger one is refused, not hashed."""
MAX_RATIO = 1_000
"""Compression ratio above which an entry of over 1 MiB is refused as a decompression bomb."""
_CHUNK = 1024 * 1024
_READ_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,  # an encrypted entry ("password required")
    zlib.error,  # damaged deflate data (found by fuzzing)
    lzma.LZMAError,
)
"""What reading a damaged or hostile ZIP entry raises, each turned into a named problem."""


def _unsafe(name: str) -> bool:
    """An entry name that would escape the folder it is unpacked into."""
    return name.startswith(("/", "\\")) or ":" in name.split("/")[0] or ".." in name.replace("\\", "/").split("/")


def _entry_digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """SHA-256 of one entry, read in chunks and stopped at the size its header declares."""
    digest = hashlib.sha256()
    read = 0
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > info.file_size:
                raise DataError(Path(info.filename), None, "entry is longer than its header says")
            digest.update(chunk)
    return digest.hexdigest()


_MAX_MANIFEST = 64 * 1024 * 1024
_MAX_SIGNATURE = 4096


def _manifest(archive: zipfile.ZipFile, path: Path) -> tuple[bytes, dict[str, Any]]:
    """manifest.json's exact bytes (what a signature covers) and its content, checked for shape."""
    info = archive.getinfo(MANIFEST)
    if info.file_size > _MAX_MANIFEST:
        raise DataError(path, None, "manifest.json is larger than 64 MiB")
    try:
        raw = archive.read(info)
        manifest = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, None, f"manifest.json is not JSON ({exc})") from None
    except _READ_ERRORS as exc:
        raise DataError(path, None, f"manifest.json is unreadable ({exc})") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise DataError(path, None, 'manifest.json is not an evidence-pack manifest ({"files": {name: sha256}})')
    if not files:
        raise DataError(path, None, "manifest.json lists no files: nothing is proven")
    signature = manifest.get("signature")
    if signature is not None and not (isinstance(signature, dict) and isinstance(signature.get("key_sha256"), str)):
        raise DataError(path, None, 'manifest.json\'s "signature" does not name a key ({"key_sha256": ...})')
    return raw, manifest


SignatureState = Literal["valid", "invalid", "unchecked", "unsigned"]


@dataclass
class PackCheck:
    """The outcome of checking a pack: file problems, who the manifest says signed it, and the signature's state.

    ``signature`` is "valid" or "invalid" when a public key was given, "unchecked" when the pack is signed but no
    key was given, "unsigned" when it carries no signature; ``signature_problem`` says why it does not hold.
    """

    problems: list[str] = field(default_factory=list)
    signer: str | None = None
    signature: SignatureState = "unsigned"
    signature_problem: str | None = None

    @property
    def intact(self) -> bool:
        """Every file matches, and when a key was given, the signature holds."""
        return not self.problems and self.signature_problem is None


def _check_signature(
    check: PackCheck,
    manifest_raw: bytes,
    manifest: dict[str, Any],
    signature: bytes | None,
    public_key: Ed25519PublicKey | None,
) -> None:
    from covered.report.signing import fingerprint, signature_holds

    declared = manifest.get("signature")
    check.signer = declared["key_sha256"] if isinstance(declared, dict) else None
    if signature is None:
        if check.signer is not None:
            check.problems.append(f"manifest names signing key {check.signer} but {SIGNATURE} is missing")
        check.signature = "unsigned"
        if public_key is not None:
            check.signature_problem = "the pack is not signed"
        return
    if public_key is None:
        check.signature = "unchecked"
        return
    given = fingerprint(public_key)
    if check.signer is not None and check.signer != given:
        check.signature = "invalid"
        check.signature_problem = f"signed by key {check.signer}, not by the key given ({given})"
    elif not signature_holds(public_key, manifest_raw, signature):
        check.signature = "invalid"
        check.signature_problem = "the signature does not match manifest.json (altered after signing, or another key)"
    else:
        check.signature = "valid"


def verify_pack(path: Path) -> list[str]:
    """Problems with an evidence pack's files: missing, extra, altered or unsafe; empty when they are intact."""
    return check_pack(path).problems


def check_pack(path: Path, public_key: Ed25519PublicKey | None = None) -> PackCheck:
    """Check an evidence pack's files against its manifest and, with ``public_key``, the manifest's signature.

    Entries are hashed in chunks with their declared sizes as bounds; names that would escape a folder
    (absolute, drive letters, '..'), names given twice and entries that expand like decompression bombs are
    refused unread.
    """
    check = PackCheck()
    problems = check.problems
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OverflowError) as exc:
        raise DataError(path, None, f"not an evidence pack (not a ZIP archive: {type(exc).__name__})") from None
    with archive:
        entries = archive.infolist()
        infos = {info.filename: info for info in entries}
        if MANIFEST not in infos:
            problems.append("manifest.json is missing")
            if public_key is not None:
                check.signature_problem = "the pack is not signed"
            return check
        for name, count in Counter(info.filename for info in entries).items():
            if count > 1:
                # Two entries of one name: a reader may take either, so the hashed one may not be the one read.
                problems.append(f"{name}: appears {count} times in the archive: refused")
        manifest_raw, manifest = _manifest(archive, path)
        listed: dict[str, str] = manifest["files"]
        signature: bytes | None = None
        if SIGNATURE in infos:
            signed = infos[SIGNATURE]
            if signed.file_size > _MAX_SIGNATURE:
                problems.append(f"{SIGNATURE}: {signed.file_size} bytes, too large for a signature: refused")
                signature = b""
            else:
                try:
                    signature = archive.read(signed)
                except _READ_ERRORS as exc:
                    problems.append(f"{SIGNATURE}: unreadable ({exc})")
                    signature = b""
        _check_signature(check, manifest_raw, manifest, signature, public_key)
        for name in sorted(set(infos) | set(listed)):
            if _unsafe(name):
                problems.append(f"{name}: unsafe name (absolute or with '..'): refused")
        for name, expected in listed.items():
            info = infos.get(name)
            if info is None:
                problems.append(f"{name}: listed in the manifest but missing")
                continue
            if _unsafe(name):
                continue
            if info.file_size > MAX_ENTRY or (
                info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                problems.append(f"{name}: expands to {info.file_size} bytes: refused as a decompression bomb")
                continue
            try:
                actual = _entry_digest(archive, info)
            except (DataError, *_READ_ERRORS) as exc:
                problems.append(f"{name}: unreadable ({exc})")
                continue
            if actual != expected:
                problems.append(f"{name}: SHA-256 differs from the manifest")
        for name in sorted(set(infos) - set(listed) - {MANIFEST, SIGNATURE}):
            if not _unsafe(name):
                problems.append(f"{name}: not in the manifest")
    return check
