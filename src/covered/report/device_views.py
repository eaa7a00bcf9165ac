"""Attributions as JSON objects, CSV rows and Rich tables; device text is always escaped before display."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from covered.model import Attribution
from covered.report.wording import citation

__all__ = [
    "ATTRIBUTION_CSV_FIELDS",
    "attribution_row",
    "attributions_csv",
    "attributions_table",
    "evidence_tree",
    "leads_table",
    "restricted_text",
]

ATTRIBUTION_CSV_FIELDS = (
    "device",
    "vendor",
    "vendor_name",
    "brand",
    "brand_name",
    "model",
    "firmware",
    "serial",
    "restricted",
    "confidence",
    "explanation",
    "matchers",
    "conflicts",
    "notes",
    "lead",
)
"""Columns of `--csv` for identify and import."""


def restricted_text(value: bool | None) -> str:
    """true, false or unknown."""
    return "unknown" if value is None else str(value).lower()


def attribution_row(attribution: Attribution) -> dict[str, Any]:
    """Every field; restricted is true, false or the string 'unknown'."""
    row = attribution.model_dump(mode="json")
    row["restricted"] = "unknown" if attribution.restricted is None else attribution.restricted
    return row


def attributions_csv(attributions: Sequence[Attribution]) -> str:
    """One row per device; the evidence chain is summarised as the matcher ids."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ATTRIBUTION_CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for attribution in attributions:
        row = attribution.model_dump(mode="json")
        row["restricted"] = restricted_text(attribution.restricted)
        row["matchers"] = ";".join(dict.fromkeys(e.matcher for e in attribution.evidence))
        row["conflicts"] = ";".join(attribution.conflicts)
        row["notes"] = ";".join(attribution.notes)
        row["lead"] = attribution.lead.summary if attribution.lead is not None else ""
        writer.writerow(row)
    return buffer.getvalue()


_STYLE = {True: "bold red", False: "green", None: "yellow"}


def attributions_table(attributions: Sequence[Attribution], title: str) -> Table:
    """A summary table: one row per device."""
    table = Table(title=title)
    for name in ("device", "vendor", "brand", "model", "firmware", "restricted", "confidence", "why"):
        table.add_column(name, overflow="fold")
    for a in attributions:
        table.add_row(
            escape(a.device),
            escape(a.vendor_name or "?"),
            escape(a.brand_name or ""),
            escape(a.model or ""),
            escape(a.firmware or ""),
            f"[{_STYLE[a.restricted]}]{restricted_text(a.restricted)}[/]",
            escape(a.confidence.value if a.confidence else ""),
            escape(a.explanation),
        )
    return table


def leads_table(attributions: Sequence[Attribution], title: str) -> Table:
    """Devices with a lead: the suspected maker, the signs behind it and what would settle it."""
    table = Table(title=title)
    for name in ("device", "possibly", "signs", "would settle it"):
        table.add_column(name, overflow="fold")
    for a in attributions:
        if a.lead is None:
            continue
        table.add_row(
            escape(a.device),
            escape(" or ".join(a.lead.vendor_names)),
            escape("\n".join(a.lead.reasons)),
            escape("\n".join(a.lead.settle)),
        )
    return table


def evidence_tree(attribution: Attribution) -> Group:
    """The evidence chain of one device: observation -> matcher and its source -> conclusion."""
    tree = Tree(f"[bold]{escape(attribution.device)}[/]: {escape(attribution.explanation)}")
    for item in attribution.evidence:
        node = tree.add(f"{escape(item.channel.value)}.{escape(item.field)} = {escape(repr(item.value))}")
        matched = node.add(
            f"{escape(item.matcher)} [dim]({escape(item.claim.value)}, {escape(item.confidence.value)}"
            f"; source {escape(citation(item.reference, item.matcher))}, {escape(item.licence or 'n/a')})[/]"
        )
        extracted = ", ".join(f"{k}={v}" for k, v in item.extracted.items())
        matched.add(escape(item.conclusion + (f" [{extracted}]" if extracted else "")))
    parts: list[Any] = [tree]
    for conflict in attribution.conflicts:
        parts.append(f"[yellow]conflicting evidence:[/] {escape(conflict)}")
    for note in attribution.notes:
        parts.append(f"[dim]note:[/] {escape(note)}")
    return Group(*parts)
