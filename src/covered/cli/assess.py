"""Rules for an organisation: `covered profile ...` (which rules bind you) and `covered assess` (findings)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.inputs import read_observation_file
from covered.cli.options import CsvOpt, DbOpt, JsonOpt, OutputOpt, choose_format, split
from covered.cli.output import emit, err, out, print_table, print_warnings
from covered.cli.root import app, selected_registry
from covered.errors import DataError, UsageError
from covered.report.wording import plural

if TYPE_CHECKING:  # the model and registry load only when a command runs, so `covered --help` starts fast
    from covered.assess import DeviceContext
    from covered.model import Finding, Profile
    from covered.registry import Registry

__all__ = ["FINDING_CSV_FIELDS", "assess_", "profile_app", "profile_init", "profile_list", "profile_show"]

profile_app = typer.Typer(help="Organisation profiles: which rules bind you.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


def _load_profile(registry: Registry, value: str) -> Profile:
    from covered.model import Profile
    from covered.registry.loader import load_records

    if value in registry.profiles:
        return registry.profiles[value].record
    path = Path(value)
    if path.suffix in {".yml", ".yaml"} and path.is_file():
        records = list(load_records(path, Profile))
        if len(records) != 1:
            raise DataError(path, None, "a profile file holds exactly one profile (a YAML list of one)")
        from covered.assess.profile_file import check_profile_file

        return check_profile_file(path, records[0].record)
    raise UsageError("--profile", f"unknown profile {value!r} (see `covered profile list`, or give a YAML file)")


@profile_app.command("list")
def profile_list() -> None:
    """Built-in profiles and the number of rules binding each."""
    from covered.assess import rules_binding

    registry = selected_registry()
    table = Table(title=f"{len(registry.profiles)} built-in profiles")
    for name in ("id", "name", "jurisdictions", "rules"):
        table.add_column(name, overflow="fold")
    for located in registry.profiles.values():
        profile = located.record
        table.add_row(
            escape(profile.id),
            escape(profile.name),
            escape(", ".join(profile.jurisdictions)),
            str(len(rules_binding(registry, profile)) + len(profile.policies)),
        )
    out.print(table)


@profile_app.command("show")
def profile_show(profile: Annotated[str, typer.Argument(help="Profile id or YAML file.")]) -> None:
    """A profile and every rule that binds it, with confirmation status."""
    from covered.assess import rules_binding

    registry = selected_registry()
    chosen = _load_profile(registry, profile)
    out.print(f"[bold]{escape(chosen.name)}[/] ({escape(chosen.id)}): {escape(chosen.description)}")
    table = Table(title="Rules binding this profile")
    for name in ("rule", "effective", "forbids", "confirmation"):
        table.add_column(name, overflow="fold")
    for rule in rules_binding(registry, chosen):
        table.add_row(
            escape(f"{rule.id}: {rule.name}"),
            escape(rule.effective_date.display()),
            escape(", ".join(p.value for p in rule.prohibits)),
            escape(rule.confirmation.value),
        )
    for policy in chosen.policies:
        table.add_row(
            escape(f"policy: {policy.name}"), "", escape(", ".join(p.value for p in policy.prohibits)), "own policy"
        )
    out.print(table)


@profile_app.command("init")
def profile_init(
    base: Annotated[str, typer.Option("--from", help="Built-in profile to start from.")] = "us-federal-contractor",
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the YAML.")] = Path("profile.yml"),
) -> None:
    """Write a profile YAML to edit: predicates, jurisdictions, sites with their use contexts and networks."""
    from covered.model import Site, UseContext

    registry = selected_registry()
    if output.exists():
        raise UsageError("--output", f"{output} exists; choose another file")
    chosen = _load_profile(registry, base)
    example = chosen.model_copy(
        update={
            "id": f"my-{chosen.id}"[:120],
            "sites": [
                Site(
                    id="headquarters",
                    name="Headquarters",
                    use_contexts=[UseContext.GOVERNMENT_FACILITY_SECURITY],
                    networks=["10.0.0.0/24"],
                )
            ],
        }
    )
    import yaml

    text = (
        "# An organisation profile for `covered assess --profile FILE`. Use contexts: "
        + ", ".join(c.value for c in UseContext)
        + "\n"
    )
    output.write_text(
        text
        + yaml.safe_dump([example.model_dump(mode="json", exclude_defaults=True)], sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    err.print(f"wrote {output}")


FINDING_CSV_FIELDS = (
    "id",
    "device",
    "rule",
    "vulnerability",
    "obligation",
    "status",
    "confidence",
    "due",
    "citation",
    "explanation",
    "caveats",
)


def _summary(findings: Sequence[Finding], devices: Sequence[DeviceContext], profile: str) -> Table:
    """Counts of an assessment: devices (restricted, leads), findings by status, obligation, confidence and rule."""
    restricted = sum(1 for d in devices if d.attribution.restricted)
    leads = sum(1 for d in devices if d.attribution.lead is not None)
    reached = len({f.device for f in findings})
    table = Table(title=f"Assessment under '{profile}'", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("devices assessed", str(len(devices)))
    table.add_row("restricted devices", str(restricted))
    table.add_row("leads for review (weak signs, not counted as restricted)", str(leads))
    table.add_row("devices with findings", str(reached))
    table.add_row("findings", str(len(findings)), end_section=True)
    groups: list[tuple[str, Callable[[Finding], str]]] = [
        ("status", lambda f: f.status.value),
        ("obligation", lambda f: f.obligation.value),
        ("confidence", lambda f: f.confidence.value),
        ("rule", lambda f: f.rule or f.vulnerability or "?"),
    ]
    for name, key in groups:
        counts = Counter(key(f) for f in findings).most_common()
        for index, (value, count) in enumerate(counts):
            table.add_row(escape(f"{name}: {value}"), str(count), end_section=index == len(counts) - 1)
    return table


@app.command("assess")
def assess_(
    profile: Annotated[str, typer.Option("--profile", help="Profile id (covered profile list) or YAML file.")],
    scan_id: Annotated[int | None, typer.Option("--scan-id", help="Assess the devices of this stored scan.")] = None,
    observations: Annotated[Path | None, typer.Option("--observations", help="JSON Lines observations.")] = None,
    inventory: Annotated[Path | None, typer.Option("--import", help="Asset list or nmap XML to import.")] = None,
    context: Annotated[
        list[str] | None,
        typer.Option("--context", help="Use context of devices not at a named site (e.g. public_safety)."),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate as on this date (YYYY-MM-DD).")] = None,
    save: Annotated[bool, typer.Option("--save", help="Keep the findings (with --scan-id) for tracking.")] = False,
    details: Annotated[
        bool,
        typer.Option("--details", help="Print every finding after the summary (an --output file always has them)."),
    ] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Each attributed device × each rule binding the profile → findings. Exit 1 when any finding is open."""
    from covered.assess import DeviceContext, assess
    from covered.identify import identifier_for
    from covered.model import FindingStatus, UseContext
    from covered.registry.query import parse_date_bound
    from covered.report.registry_views import json_lines

    fmt = choose_format(as_json, as_csv)
    registry = selected_registry()
    chosen = _load_profile(registry, profile)
    if context:
        try:
            contexts = [UseContext(c) for c in split(context)]
        except ValueError:
            raise UsageError("--context", f"choose from {', '.join(c.value for c in UseContext)}") from None
        chosen = chosen.model_copy(update={"default_use_contexts": contexts})
    today = parse_date_bound("--as-of", as_of, end=False) if as_of else None
    sources = [x for x in (scan_id, observations, inventory) if x is not None]
    if len(sources) != 1:
        raise UsageError("--scan-id", "give exactly one of --scan-id, --observations, --import")
    identifier = identifier_for(registry)
    if scan_id is not None:
        from covered.collect.scan_job import device_rows
        from covered.store import open_store

        store = open_store(db)
        store.scan(scan_id)
        said = store.observations_by_device(scan_id)
        devices = [
            DeviceContext(
                a, str(facts["address"]) if facts["address"] else None, observations=tuple(said.get(a.device, []))
            )
            for a, facts in device_rows(store, scan_id)
        ]
    else:
        if observations is not None:
            grouped = read_observation_file(str(observations))
        else:
            from covered.collect import import_file

            assert inventory is not None  # noqa: S101 - exactly one source was checked above
            result = import_file(inventory)
            print_warnings(inventory.name, result.warnings)
            grouped = result.devices
        devices = [
            DeviceContext(
                identifier.attribute(k, v), next((o.target for o in v if o.target), None), observations=tuple(v)
            )
            for k, v in grouped.items()
        ]
    findings = assess(registry, chosen, devices, today)
    if save:
        if scan_id is None:
            raise UsageError("--save", "findings are kept for tracked devices: use --scan-id")
        from covered.store import open_store
        from covered.store.tracking import assign_sites, current_actor, save_findings

        store = open_store(db)
        assign_sites(store, [(site.id, site.networks) for site in chosen.sites], current_actor())
        kept = save_findings(store, chosen.id, [(f.device, f) for f in findings], current_actor())
        err.print(f"kept {plural(kept, 'finding')} under profile {escape(chosen.id)}")
    if fmt == "json":
        emit(json_lines(f.model_dump(mode="json") for f in findings), output)
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FINDING_CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for finding in findings:
            row = finding.model_dump(mode="json")
            row["caveats"] = "; ".join(finding.caveats)
            writer.writerow(row)
        emit(buffer.getvalue(), output)
    else:
        # A site's assessment is thousands of findings: the counts come first, each finding only when asked for.
        out.print(_summary(findings, devices, chosen.name))
        if not details and output is None:
            err.print("every finding: --details, --output FILE, --json or --csv")
            raise typer.Exit(1 if any(f.status is FindingStatus.OPEN for f in findings) else 0)
        table = Table(
            title=f"{plural(len(findings), 'finding')} for {plural(len(devices), 'device')} under '{chosen.name}'",
            show_lines=True,
        )
        for name in ("device", "status", "obligation", "due", "rule", "why"):
            table.add_column(name, overflow="fold")
        for finding in findings:
            why = finding.explanation + ("".join(f"\n- {c}" for c in finding.caveats))
            table.add_row(
                escape(finding.device),
                escape(finding.status.value),
                escape(finding.obligation.value),
                escape(str(finding.due or "")),
                escape(finding.rule or finding.vulnerability or ""),
                escape(why),
            )
        print_table(table, output)
    raise typer.Exit(1 if any(f.status is FindingStatus.OPEN for f in findings) else 0)
