"""Emulated devices on loopback: `covered sim` (a fleet to scan) and `covered demo` (the main job end to end)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.output import err, freshness_note, out
from covered.cli.root import app, selected_registry
from covered.errors import UsageError
from covered.report.wording import plural

__all__ = ["demo", "sim"]


@app.command()
def sim(
    size: Annotated[int, typer.Option("--size", min=10, max=5000, help="Number of emulated devices.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed: same size and seed, same fleet.")] = 7,
    base: Annotated[str, typer.Option("--base", help="First loopback address (127.0.0.0/8 only).")] = "127.20.0.1",
    duration: Annotated[
        float | None, typer.Option("--duration", min=1, help="Stop after this many seconds (default: until SIGTERM).")
    ] = None,
    truth: Annotated[Path | None, typer.Option("--truth", help="Write the ground truth here (JSON Lines).")] = None,
    neighbours: Annotated[
        Path | None,
        typer.Option(
            "--neighbours",
            help="Write the fleet's neighbour table here (/proc/net/arp layout), for `covered scan --arp-table`: "
            "loopback has no ARP.",
        ),
    ] = None,
    personas: Annotated[
        str | None,
        typer.Option(
            "--personas",
            help="Exact persona ids in address order, comma-separated (e.g. 'mac-only-dahua,dahua-37777-silent'); "
            "sets the size.",
        ),
    ] = None,
) -> None:
    """Start emulated cameras, NVRs and routers on loopback addresses (for tests, demos and benchmarks)."""
    from pydantic import ValidationError

    from covered.sim import FleetSpec, SimError, plan_fleet, run_fleet, write_neighbour_table

    chosen = tuple(p.strip() for p in personas.split(",") if p.strip()) if personas is not None else None
    try:
        spec = FleetSpec(size=size, seed=seed, base=base, personas=chosen)
    except ValidationError as exc:
        option = "--personas" if chosen is not None and "persona" in str(exc) else "--base"
        raise UsageError(option, str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from None
    size = spec.size
    if neighbours is not None:
        count = write_neighbour_table(plan_fleet(spec), neighbours)
        err.print(f"neighbour table of {plural(count, 'device')} written to {escape(str(neighbours))}")
    err.print(
        f"simulating {plural(size, 'device')} from {base} (seed {seed}); device password for credentialed probes: "
        f"{spec.username} / {spec.password}; stop with Ctrl-C or SIGTERM"
    )
    try:
        status = run_fleet(spec, duration, truth)
    except SimError as exc:
        # Only start-up failures reach here (a taken address and port): the --base range is busy.
        raise UsageError("--base", str(exc)) from None
    raise typer.Exit(status)


@app.command()
def demo(
    size: Annotated[int, typer.Option("--size", min=10, max=500, help="Emulated devices to scan.")] = 40,
) -> None:
    """The main job on embedded defaults: emulated devices, a safe scan into SQLite, and the ban directory."""
    from covered.demo import run_demo
    from covered.identify import check_data
    from covered.report.device_views import attributions_table

    registry = selected_registry()
    problems = check_data(registry)
    if problems:
        for problem in problems:
            err.print(f"covered: {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(2)
    out.print(
        f"[bold]covered registry[/]: {len(registry.events)} events, {len(registry.facts)} facts, "
        f"{len(registry.brands)} brands, {len(registry.rules)} rules, {len(registry.signatures)} signatures; "
        "every quote checked verbatim against its source, every signature against its examples."
    )
    out.print(
        f"Starting {size} emulated cameras, recorders and routers on loopback and scanning them "
        "(default rates: 300 packets/s, 20 per host)..."
    )
    result = run_demo(registry, size=size)
    out.print(attributions_table(result.attributions, f"{plural(len(result.attributions), 'device')} found"))
    out.print(f"Scan took {result.seconds:.1f} s; against the simulator's ground truth: {result.score.summary()}.")
    for line in result.score.wrong:
        out.print(f"  [yellow]not attributed as the truth says:[/] {escape(line)}")
    out.print(f"Observations and results are stored in {result.database}.")
    out.print(
        f"Assessed as a US federal contractor guarding government facilities: "
        f"{plural(result.findings.get('open', 0), 'open finding')}, {result.findings.get('review', 0)} to review. "
        f"Report: {result.report}; evidence pack: {result.pack} (check it with `covered verify`)."
    )
    index = registry.event_index
    from covered.registry import EventQuery

    events = index.select(EventQuery())
    table = Table(title="Ban directory: restriction events by country")
    table.add_column("country")
    table.add_column("events", justify="right")
    for key, n in index.count_by(events, "country")[:10]:
        table.add_row(escape(key), str(n))
    out.print(table)
    out.print(
        "Next: `covered bans --country GB`, `covered timeline --actor gb-government`, "
        "`covered search 'supermarket'`, `covered identify --http-server DNVRS-Webs`, `covered scan --help`."
    )
    freshness_note(registry, [e.source for e in events])
