"""`covered registry ...`: check the curated registry data."""

from __future__ import annotations

import typer
from rich.markup import escape

from covered.cli.output import err, out
from covered.cli.root import app, data_folder
from covered.report.wording import plural

__all__ = ["registry_app", "registry_check"]

registry_app = typer.Typer(help="Check and inspect the curated registry.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("check")
def registry_check() -> None:
    """Check schema, references, unique ids, dates, segments and that every quote is verbatim in its source."""
    from covered.identify import check_data
    from covered.registry import load_registry

    registry = load_registry(data_folder(), check_references=False)
    problems = check_data(registry)
    for problem in problems:
        err.print(f"covered: {escape(str(problem))}", soft_wrap=True)
    counts = ", ".join(f"{len(records)} {kind}s" for kind, records in registry.records.items())
    if problems:
        err.print(f"{plural(len(problems), 'problem')} in {counts}, {len(registry.corroborations)} corroborations")
        raise typer.Exit(2)
    out.print(
        f"registry ok: {counts}, {len(registry.corroborations)} corroborations, {len(registry.signatures)} signatures; "
        "every quote found verbatim, every signature example verified"
    )
