"""Downloads of a list as the user sees it: the device and finding lists' current filters and sort, every row
(not one page), as CSV or XLSX (`/devices.csv`, `/findings.xlsx` ...). Cells are made safe for spreadsheets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import Response

from covered.model import ASSET_FIELDS
from covered.report.tables import MAX_PDF_ROWS, csv_table, pdf_table, xlsx_table

__all__ = [
    "DEVICE_COLUMNS",
    "FINDING_COLUMNS",
    "FORMATS",
    "TRUNCATED_HEADER",
    "device_rows",
    "download",
    "finding_rows",
    "json_download",
]

FORMATS = ("csv", "xlsx", "pdf")
TRUNCATED_HEADER = "X-Covered-Truncated"
"""Set to the view's full row count when a download holds fewer rows than the view (the row cap)."""
PDF_COLUMNS = {
    "devices": (
        "id", "address", "mac", "vendor", "model", "firmware", "site", "restricted", "open findings",
        "findings to review", "last seen", "gone since", "asset_tag", "location",
    ),
    "findings": (
        "id", "status", "subject", "obligation", "due", "address", "vendor", "model", "site", "device gone since",
        "asset_tag", "reason",
    ),
    "directory": ("date", "actor_name", "country", "action", "vendors", "summary", "status", "quote", "source"),
}  # fmt: skip
"""The columns a printed page has room for, per list (CSV and XLSX carry every column)."""
PDF_WIDTHS = {"summary": 3.0, "quote": 4.0, "reason": 2.5, "firmware": 1.5, "model": 1.5, "actor_name": 2.0}

DEVICE_COLUMNS = (
    "id", "address", "mac", "vendor", "brand", "model", "firmware", "serial", "site", "restricted", "confidence",
    "open findings", "findings to review", "first seen", "last seen", "gone since", *ASSET_FIELDS,
)  # fmt: skip
FINDING_COLUMNS = (
    "id", "status", "profile", "subject", "obligation", "due", "confidence", "citation", "reason", "waiver",
    "expires", "device id", "address", "mac", "vendor", "model", "site", "device gone since", *ASSET_FIELDS,
)  # fmt: skip


def device_rows(records: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Device records as rows under DEVICE_COLUMNS."""
    return [
        [
            *(d.get(k) for k in ("id", "address", "mac", "vendor", "brand", "model", "firmware", "serial", "site")),
            _restricted(d.get("restricted")),
            d.get("confidence"),
            d.get("open_findings", 0),
            d.get("review_findings", 0),
            d.get("first_seen"),
            d.get("last_seen"),
            d.get("gone_since"),
            *(d.get(k) for k in ASSET_FIELDS),
        ]
        for d in records
    ]


def finding_rows(records: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Finding records (each with its ``device`` record) as rows under FINDING_COLUMNS."""
    rows = []
    for f in records:
        d = f.get("device") or {}
        rows.append(
            [
                *(f.get(k) for k in ("id", "status", "profile", "subject", "obligation", "due", "confidence")),
                *(f.get(k) for k in ("citation", "reason", "waiver", "expires")),
                d.get("id"),
                *(d.get(k) for k in ("address", "mac", "vendor", "model", "site", "gone_since")),
                *(d.get(k) for k in ASSET_FIELDS),
            ]
        )
    return rows


def _restricted(value: Any) -> str:
    """Restricted as the device list says it: yes, no, or unknown (not settled)."""
    if value is None:
        return "unknown"
    return "yes" if value else "no"


def _attachment(name: str, fmt: str) -> dict[str, str]:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%MZ")
    return {"Content-Disposition": f'attachment; filename="covered-{name}-{stamp}.{fmt}"', "Cache-Control": "no-store"}


def json_download(name: str, payload: dict[str, Any]) -> Response:
    """A JSON document to save, named like the other downloads; non-ASCII text kept as written."""
    body = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(body, media_type="application/json", headers=_attachment(name, "json"))


def download(
    name: str,
    fmt: str,
    columns: Sequence[str],
    rows: list[list[Any]],
    total: int,
    view: dict[str, str],
) -> Response:
    """The rows as a file to save, named after the list and the moment (`covered-devices-20261205T1530Z.csv`)."""
    shown = urlencode(sorted((k, v) for k, v in view.items() if v)) or "all"
    headers = _attachment(name, fmt)
    if total > len(rows):
        headers[TRUNCATED_HEADER] = str(total)
    if fmt == "pdf":
        keep = [columns.index(c) for c in PDF_COLUMNS.get(name, tuple(columns)) if c in columns]
        printed = [[row[i] for i in keep] for row in rows[:MAX_PDF_ROWS]]
        if total > len(printed):
            headers[TRUNCATED_HEADER] = str(total)
        cut = (
            f" (the first {len(printed):,}; the CSV and XLSX downloads hold all {total:,})"
            if total > len(printed)
            else ""
        )
        note = f"The {name} list where {shown}: {len(printed):,} of {total:,} rows{cut}"
        chosen = [columns[i] for i in keep]
        document = pdf_table(chosen, printed, f"covered: {name}", note, [PDF_WIDTHS.get(c, 1.0) for c in chosen])
        return Response(document, media_type="application/pdf", headers=headers)
    if fmt == "csv":
        # A byte-order mark, so Excel opens the UTF-8 file with its accents and CJK text intact.
        body: bytes = ("\ufeff" + csv_table(columns, rows)).encode("utf-8")
        media = "text/csv; charset=utf-8"
    else:
        note = f"{name} where {shown}; {len(rows)} of {total} rows"
        body = xlsx_table(columns, rows, name, note)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers=headers)
