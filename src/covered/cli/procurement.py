"""`covered check`: line items of a quote, bill of materials or purchase order checked against the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.assess import _load_profile
from covered.cli.output import emit, out
from covered.cli.root import app, selected_registry
from covered.errors import UsageError

__all__ = ["check"]


@app.command("check")
def check(
    file: Annotated[
        Path | None, typer.Argument(help="Quote, bill of materials or purchase order: CSV, XLSX, PDF.")
    ] = None,
    item: Annotated[str | None, typer.Option("--item", help="Check one item instead of a file ('Annke C800').")] = None,
    profile: Annotated[
        str, typer.Option("--profile", help="Profile id (covered profile list) or YAML file.")
    ] = "us-federal-contractor",
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines: one object per line item.")] = False,
) -> None:
    """Each line item → covered true/false/unknown under the profile. Exit 1 when a covered item is found."""
    from covered.procurement import check_items, item_from_text, read_line_items
    from covered.report.registry_views import json_lines

    if (file is None) == (item is None):
        raise UsageError("FILE", "give a file or --item, not both")
    registry = selected_registry()
    chosen = _load_profile(registry, profile)
    items = [item_from_text(item)] if item is not None else read_line_items(file)  # type: ignore[arg-type]
    verdicts = check_items(registry, chosen, items)
    if as_json:
        emit(json_lines(v.record() for v in verdicts), None)
    else:
        table = Table(title=f"{len(verdicts)} line items under '{chosen.name}'", show_lines=True)
        for name in ("line", "item", "covered", "maker", "brand", "relationship", "rules", "confidence", "why"):
            table.add_column(name, overflow="fold")
        for v in verdicts:
            shown = "unknown" if v.covered is None else str(v.covered).lower()
            table.add_row(
                str(v.line),
                escape(v.item),
                shown,
                escape(v.maker or ""),
                escape(v.brand or ""),
                escape(v.relationship or ""),
                escape(", ".join(v.rules)),
                escape(v.confidence or ""),
                escape(v.explanation),
            )
        out.print(table)
    raise typer.Exit(1 if any(v.covered for v in verdicts) else 0)
