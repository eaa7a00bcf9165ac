"""The `covered` command: a thin Typer front end over the library.

Exit codes: 0 success, 1 findings (device commands), 2 usage or data error (one line, no traceback),
3 interrupted. ``--debug`` shows the traceback of an error.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from covered.assess import DeviceContext, assess, rules_binding
from covered.collect import import_file, parse_mapping
from covered.collect.multicast import discover
from covered.collect.probes import Credentials
from covered.collect.scan_job import PlannedScan, device_rows, plan_scan, resume_scan, run_planned
from covered.collect.scanner import ScanOptions, ScanProgress, mac_of
from covered.collect.targets import Scope, parse_ports
from covered.errors import CoveredError, DataError, UsageError
from covered.identify.observations import ObservationReader, group_by_device, observations_from_flags
from covered.model import Attribution, FindingStatus, Observation, Profile, Site, UseContext
from covered.registry import GROUP_FIELDS, SEARCH_KINDS, EventQuery, Registry, check_registry, load_registry
from covered.registry.loader import load_records
from covered.registry.query import parse_date_bound
from covered.report.device_views import attribution_row, attributions_csv, attributions_table, evidence_tree
from covered.report.registry_views import (
    event_row,
    events_csv,
    events_table,
    hit_row,
    hits_table,
    json_lines,
    record_view,
)
from covered.store import HostRecord, Store, open_store

__all__ = ["app", "main"]

app = typer.Typer(
    name="covered",
    help="Find restricted-vendor surveillance and telecom equipment and the rules that make it a problem.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
registry_app = typer.Typer(help="Check and inspect the curated registry.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")

_state: dict[str, Any] = {"data": None, "debug": False}
# Piped output is not folded to 80 columns: ids and dates must stay whole for grep and diff.
_out = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)
_err = Console(stderr=True, highlight=False)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", envvar="COVERED_DATA", help="Registry data folder (default: the data shipped with covered)."
    ),
]


@app.callback()
def _root(
    data: DataOption = None,
    debug: Annotated[bool, typer.Option("--debug", envvar="COVERED_DEBUG", help="Show tracebacks of errors.")] = False,
) -> None:
    _state["data"] = data
    _state["debug"] = debug


def _registry() -> Registry:
    return load_registry(_state["data"])


def _split(values: Sequence[str] | None) -> list[str]:
    """Accept repeated options and comma-separated lists alike."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _emit(text: str, output: Path | None) -> None:
    # The output file is opened only once there is something to write: a failed run leaves no empty report.
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _format(as_json: bool, as_csv: bool) -> str:
    if as_json and as_csv:
        raise UsageError("--json", "choose one of --json and --csv")
    return "json" if as_json else "csv" if as_csv else "table"


def _freshness_note(registry: Registry, source_ids: Sequence[str]) -> None:
    """State the as-of date of the sources a listing rests on; warn when the newest is over a year old."""
    ids = sorted(set(source_ids))
    if not ids:
        return
    newest, stale = registry.freshness(ids)
    listed = "; ".join(f"{s} as of {registry.sources[s].as_of}" for s in ids)
    _err.print(f"Sources: {escape(listed)}", soft_wrap=True)
    if stale and newest is not None:
        age = (dt.date.today() - newest).days // 365
        _err.print(
            f"[yellow]warning:[/] the newest source here is as of {newest} (over {age} year(s) old); "
            "later restrictions or reversals are not reflected.",
            soft_wrap=True,
        )


# --- registry ---------------------------------------------------------------------------------


@registry_app.command("check")
def registry_check() -> None:
    """Check schema, references, unique ids, dates, segments and that every quote is verbatim in its source."""
    registry = load_registry(_state["data"], check_references=False)
    problems = check_registry(registry)
    for problem in problems:
        _err.print(f"covered: {escape(str(problem))}", soft_wrap=True)
    counts = ", ".join(f"{len(records)} {kind}s" for kind, records in registry.records.items())
    if problems:
        _err.print(f"{len(problems)} problem(s) in {counts}, {len(registry.corroborations)} corroborations")
        raise typer.Exit(2)
    _out.print(
        f"registry ok: {counts}, {len(registry.corroborations)} corroborations, {len(registry.signatures)} signatures; "
        "every quote found verbatim, every signature example verified"
    )


# --- ban directory ----------------------------------------------------------------------------

VendorOpt = Annotated[list[str] | None, typer.Option("--vendor", help="Vendor id or name; repeat or comma-separate.")]
CountryOpt = Annotated[
    list[str] | None, typer.Option("--country", help="ISO country or subdivision code or name (GB includes GB-SCT).")
]
ActorOpt = Annotated[list[str] | None, typer.Option("--actor", help="Actor id; includes the bodies below it.")]
ActorTypeOpt = Annotated[list[str] | None, typer.Option("--actor-type", help="Actor type, e.g. local_government.")]
ActionOpt = Annotated[list[str] | None, typer.Option("--action", help="Action, e.g. removal, procurement_ban.")]
ReasonOpt = Annotated[list[str] | None, typer.Option("--reason", help="security, human_rights, both, other, unstated.")]
StatusOpt = Annotated[list[str] | None, typer.Option("--status", help="in_force, announced, reversed, ...")]
SourceOpt = Annotated[list[str] | None, typer.Option("--source", help="Source id or seed file name.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Events whose date can fall on or after YYYY[-MM[-DD]].")]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Events whose date can fall on or before YYYY[-MM[-DD]].")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON Lines: one object per record, every field.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="CSV with a header row.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")]


@app.command()
def bans(
    vendor: VendorOpt = None,
    country: CountryOpt = None,
    actor: ActorOpt = None,
    actor_type: ActorTypeOpt = None,
    action: ActionOpt = None,
    reason: ReasonOpt = None,
    status: StatusOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    count: Annotated[bool, typer.Option("--count", help="Print only the number of distinct events.")] = False,
    group_by: Annotated[
        str | None, typer.Option("--group-by", help=f"Count distinct events per {', '.join(GROUP_FIELDS)}.")
    ] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """List restriction events (the ban directory), filtered; every event has its source and quote."""
    registry = _registry()
    fmt = _format(as_json, as_csv)
    query = EventQuery.parse(
        registry,
        vendor=_split(vendor),
        country=_split(country),
        actor=_split(actor),
        actor_type=_split(actor_type),
        action=_split(action),
        reason=_split(reason),
        status=_split(status),
        source=_split(source),
        since=since,
        until=until,
    )
    index = registry.event_index
    events = index.select(query)
    if group_by is not None:
        groups = index.count_by(events, group_by)
        if fmt == "json":
            _emit(json_lines({group_by: k, "events": n} for k, n in groups), output)
        elif fmt == "csv":
            _emit(f"{group_by},events\n" + "".join(f"{_csv_cell(k)},{n}\n" for k, n in groups), output)
        else:
            table = Table(title=f"{len(events)} distinct events by {group_by}")
            table.add_column(group_by)
            table.add_column("events", justify="right")
            for key, n in groups:
                table.add_row(escape(key), str(n))
            _print_table(table, output)
    elif count:
        _emit(f"{len(events)}\n", output)
    elif fmt == "json":
        _emit(json_lines(event_row(registry, e) for e in events), output)
    elif fmt == "csv":
        _emit(events_csv(registry, events), output)
    else:
        _print_table(events_table(registry, events, f"{len(events)} restriction events"), output)
    _freshness_note(registry, [e.source for e in events])


def _csv_cell(value: str) -> str:
    return f'"{value}"' if "," in value or '"' in value else value


def _print_table(table: Table, output: Path | None) -> None:
    if output is None:
        _out.print(table)
        return
    console = Console(record=True, width=160, file=open(os.devnull, "w"))  # noqa: SIM115 - recording console
    console.print(table)
    output.write_text(console.export_text(), encoding="utf-8")


@app.command()
def timeline(
    actor: Annotated[str | None, typer.Option("--actor", help="Actor id; includes the bodies below it.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Vendor id or name.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Chronological events for an actor (and the bodies below it) or a vendor, each date with its precision."""
    if actor is None and vendor is None:
        raise UsageError("--actor", "give --actor or --vendor")
    registry = _registry()
    query = EventQuery.parse(registry, actor=[actor] if actor else [], vendor=[vendor] if vendor else [])
    events = registry.event_index.select(query)
    if as_json:
        _emit(json_lines(event_row(registry, e) for e in events), None)
    else:
        subject = registry.actors[actor].name if actor else registry.vendors[next(iter(query.vendors))].name
        _out.print(f"[bold]Timeline: {escape(subject)}[/] ({len(events)} events)")
        for event in events:
            who = registry.actors[event.actor].name
            _out.print(
                f"  {escape(event.date.display()):<24} {escape(who)}: {escape(event.summary)} "
                f"[dim]({escape(event.action.value)}, {escape(event.status.value)}; {escape(event.id)})[/]",
                soft_wrap=True,
            )
    _freshness_note(registry, [e.source for e in events])


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words to search for, in English or the source's language.")],
    kind: Annotated[list[str] | None, typer.Option("--kind", help=f"Limit to {', '.join(SEARCH_KINDS)}.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Most hits to show.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Ranked full-text search over events, facts, brands and rules; each hit with its quote and source."""
    registry = _registry()
    kinds = tuple(_split(kind)) or SEARCH_KINDS
    hits = registry.search_index.search(text, kinds=kinds, limit=limit)
    if as_json:
        _emit(json_lines(hit_row(registry, h) for h in hits), None)
    else:
        _out.print(hits_table(registry, hits, f"{len(hits)} hits for {text!r}"))
    _freshness_note(registry, [h.source for h in hits if h.source in registry.sources])


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Any record id: event, fact, vendor, brand, rule...")],
    as_json: JsonOpt = False,
) -> None:
    """Show one record in full with its provenance: source, segment, quote, corroborations, file and line."""
    registry = _registry()
    found = registry.find(record_id)
    if found is None:
        raise UsageError("ID", f"no record with id {record_id!r} (try `covered search`)")
    kind, record = found
    view = record_view(registry, kind, record)
    if as_json:
        _emit(json_lines([view]), None)
    else:
        table = Table(title=f"{kind} {record_id}", show_header=False, show_lines=True)
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in view.items():
            if value in (None, [], {}):
                continue
            table.add_row(escape(key), escape(_plain(value)))
        _out.print(table)
    source = getattr(record, "source", None)
    if isinstance(source, str):
        _freshness_note(registry, [source])


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_plain(v)}" for k, v in value.items() if v not in (None, [], {}))
    if isinstance(value, list):
        return "\n".join(f"- {_plain(v)}" for v in value)
    return str(value)


@app.command()
def actors(
    as_json: JsonOpt = False,
) -> None:
    """List actors with their hierarchy (UK > Scotland > City of Edinburgh)."""
    registry = _registry()
    rows = []
    for actor in sorted(registry.actors.values(), key=lambda a: (a.jurisdiction, a.id)):
        chain = " > ".join(a.name for a in reversed(registry.actor_chain(actor.id)))
        rows.append({"id": actor.id, "type": actor.type.value, "jurisdiction": actor.jurisdiction, "chain": chain})
    if as_json:
        _emit(json_lines(rows), None)
        return
    table = Table(title=f"{len(rows)} actors")
    for name in ("id", "type", "jurisdiction", "chain"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(escape(row[k]) for k in ("id", "type", "jurisdiction", "chain")))
    _out.print(table)


# --- device identification ---------------------------------------------------------------------


def _report_attributions(
    attributions: list[Attribution], fmt: str, output: Path | None, show_evidence: bool, title: str
) -> int:
    if fmt == "json":
        _emit(json_lines(attribution_row(a) for a in attributions), output)
    elif fmt == "csv":
        _emit(attributions_csv(attributions), output)
    else:
        _print_table(attributions_table(attributions, title), output)
        if show_evidence and output is None:
            for attribution in attributions:
                _out.print(evidence_tree(attribution))
    return 1 if any(a.restricted for a in attributions) else 0


def _print_warnings(source: str, warnings: Sequence[object]) -> None:
    for warning in warnings[:50]:
        _err.print(f"[yellow]warning:[/] {escape(source)}: {escape(str(warning))}", soft_wrap=True)
    if len(warnings) > 50:
        _err.print(f"[yellow]warning:[/] {escape(source)}: {len(warnings) - 50} more warnings not shown")


def _read_observation_file(value: str) -> dict[str, list[Observation]]:
    """Observations per device from a JSON Lines file or '-' (stdin); bad lines are printed as warnings."""
    reader = ObservationReader(name=value)
    if value == "-":
        devices = group_by_device(reader.read(sys.stdin))
    else:
        path = Path(value)
        if not path.is_file():
            raise UsageError("--observations", f"{path} not found")
        with path.open(encoding="utf-8", errors="replace") as handle:
            devices = group_by_device(reader.read(handle))
    _print_warnings(value, reader.warnings)
    return devices


@app.command()
def identify(
    observations: Annotated[
        str | None, typer.Option("--observations", help="JSON Lines observations file, or - for stdin.")
    ] = None,
    mac: Annotated[str | None, typer.Option("--mac", help="MAC address.")] = None,
    http_server: Annotated[str | None, typer.Option("--http-server", help="HTTP Server header.")] = None,
    realm: Annotated[str | None, typer.Option("--realm", help="WWW-Authenticate header (realm).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="HTML title of the web page.")] = None,
    favicon: Annotated[Path | None, typer.Option("--favicon", help="Favicon file (hashed as MD5 and mmh3).")] = None,
    favicon_hash: Annotated[str | None, typer.Option("--favicon-hash", help="Favicon MD5 or mmh3 hash.")] = None,
    cert: Annotated[Path | None, typer.Option("--cert", help="TLS certificate file (PEM).")] = None,
    onvif_scopes: Annotated[str | None, typer.Option("--onvif-scopes", help="ONVIF scopes, space-separated.")] = None,
    snmp_sysobjectid: Annotated[str | None, typer.Option("--snmp-sysobjectid", help="SNMP sysObjectID.")] = None,
    banner: Annotated[str | None, typer.Option("--banner", help="Telnet or SSH banner.")] = None,
    evidence: Annotated[bool, typer.Option("--evidence/--no-evidence", help="Print each evidence chain.")] = False,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Attribute devices to vendor, brand and OEM from what they said, with the evidence chain. Exit 1 if restricted."""
    fmt = _format(as_json, as_csv)
    registry = _registry()
    for option, path in (("--favicon", favicon), ("--cert", cert)):
        if path is not None and not path.is_file():
            raise UsageError(option, f"{path} not found")
    single = observations_from_flags(
        mac=mac,
        http_server=http_server,
        realm=realm,
        title=title,
        favicon=favicon,
        favicon_hash=favicon_hash,
        cert=cert,
        onvif_scopes=onvif_scopes,
        snmp_sysobjectid=snmp_sysobjectid,
        banner=banner,
    )
    if observations is not None and single:
        raise UsageError("--observations", "give either --observations or single values, not both")
    if observations is None and not single:
        raise UsageError("--observations", "give --observations FILE (or -) or at least one value such as --mac")
    if observations is not None:
        devices = _read_observation_file(observations)
    else:
        devices = {"cli": single}
        evidence = evidence or fmt == "table"
    identifier = registry.identifier
    attributions = [identifier.attribute(key, items) for key, items in devices.items()]
    code = _report_attributions(attributions, fmt, output, evidence, f"{len(attributions)} devices")
    raise typer.Exit(code)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON or JSON Lines asset list, or nmap XML (-oX).")],
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="COLUMN=FIELD for a header not recognised; FIELD may be ignore.")
    ] = None,
    observations_out: Annotated[
        Path | None, typer.Option("--observations-out", help="Also write the observations as JSON Lines.")
    ] = None,
    evidence: Annotated[bool, typer.Option("--evidence/--no-evidence", help="Print each evidence chain.")] = False,
    save: Annotated[bool, typer.Option("--save", help="Store the devices (as an import) for tracking.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Import an asset list or nmap XML; every row becomes a device with its attribution. Exit 1 if restricted."""
    fmt = _format(as_json, as_csv)
    registry = _registry()
    result = import_file(file, parse_mapping(mapping or []))
    _print_warnings(file.name, result.warnings)
    if result.unmapped:
        _err.print(
            f"note: columns not imported: {escape(', '.join(result.unmapped))} (use --map COLUMN=FIELD)", soft_wrap=True
        )
    if result.columns:
        _err.print(f"columns: {escape(', '.join(f'{k} -> {v}' for k, v in result.columns.items()))}", soft_wrap=True)
    identifier = registry.identifier
    attributions = [identifier.attribute(key, items) for key, items in result.devices.items()]
    if save:
        store = open_store(db)
        import_id = store.create_scan([str(file)], list(result.devices), {"format": result.format}, kind="import")
        for attribution, (key, items) in zip(attributions, result.devices.items(), strict=True):
            # One transaction per device: a killed import keeps every device it reported as stored.
            store.record_host(
                import_id,
                HostRecord(address=key, observations=items, services=[], attribution=attribution, mac=mac_of(items)),
            )
        from covered.store.tracking import merge_scan

        new, updated, _ = merge_scan(store, import_id)
        store.set_status(import_id, "complete")
        _err.print(f"stored as import {import_id}: {new} new devices, {updated} updated")
    if observations_out is not None:
        lines = (o.model_dump_json(exclude_none=True) + "\n" for items in result.devices.values() for o in items)
        observations_out.write_text("".join(lines), encoding="utf-8")
    _err.print(
        f"{result.rows} rows imported from {escape(file.name)} ({result.format}), {len(attributions)} devices, "
        f"{len(result.warnings)} warnings"
    )
    code = _report_attributions(attributions, fmt, output, evidence, f"{len(attributions)} devices from {file.name}")
    raise typer.Exit(code)


# --- active scanning -------------------------------------------------------------------------------

DbOpt = Annotated[
    str | None,
    typer.Option("--db", envvar="COVERED_DB", help="SQLite file or database URL (default: covered.db)."),
]


def _credentials(username: str | None) -> Credentials | None:
    if username is None:
        return None
    password = os.environ.get("COVERED_DEVICE_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise UsageError(
                "--username", "set COVERED_DEVICE_PASSWORD (the password is never taken on the command line)"
            )
        import getpass

        password = getpass.getpass(f"password for {username}: ")
    return Credentials(username, password)


def _scan_rows(store: Store, scan_id: int) -> tuple[list[Attribution], list[dict[str, Any]]]:
    attributions, rows = [], []
    for attribution, facts in device_rows(store, scan_id):
        attributions.append(attribution)
        rows.append({"scan_id": scan_id, **facts, **attribution_row(attribution)})
    return attributions, rows


@app.command()
def scan(
    targets: Annotated[
        list[str] | None, typer.Argument(help="CIDRs, ranges (10.0.0.1-50), addresses or host names.")
    ] = None,
    targets_file: Annotated[
        Path | None, typer.Option("--targets-file", help="File with one target per line (# comments).")
    ] = None,
    ports: Annotated[
        str | None,
        typer.Option("--ports", help="Ports, e.g. '80,443,161/udp' or 'T:80,554,U:3702' (default: camera set)."),
    ] = None,
    rate: Annotated[
        float | None, typer.Option("--rate", min=1, max=100_000, help="Packets per second, all hosts (default 300).")
    ] = None,
    host_rate: Annotated[
        float | None, typer.Option("--host-rate", min=1, max=10_000, help="Packets per second per host (default 20).")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, max=4096, help="Hosts probed at once (default 64).")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.2, max=60, help="Connect/read timeout, seconds.")] = 2.0,
    community: Annotated[str, typer.Option("--community", help="SNMP v2c community.")] = "public",
    username: Annotated[
        str | None,
        typer.Option(
            "--username",
            help="Device user for ISAPI/magicBox/ONVIF; password from COVERED_DEVICE_PASSWORD or a prompt.",
        ),
    ] = None,
    multicast: Annotated[
        str | None,
        typer.Option(
            "--multicast",
            metavar="INTERFACE_ADDRESS",
            help="Also discover by multicast (WS-Discovery, SSDP, SADP, DHIP; TTL 1) from this interface.",
        ),
    ] = None,
    scope: Annotated[Path | None, typer.Option("--scope", help="YAML with allow/deny CIDR lists.")] = None,
    allow_public: Annotated[bool, typer.Option("--allow-public", help="Allow public address space.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the latest unfinished scan.")] = False,
    resume_id: Annotated[int | None, typer.Option("--resume-id", help="Continue this unfinished scan.")] = None,
    db: DbOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Probe hosts safely (rate-limited, non-intrusive, in scope) and attribute each device. Exit 1 if restricted."""
    fmt = _format(as_json, as_csv)
    registry = _registry()
    store = open_store(db)
    credentials = _credentials(username)
    if resume or resume_id is not None:
        if targets or targets_file:
            raise UsageError("--resume", "a resumed scan keeps its own targets; give none")
        planned = resume_scan(store, resume_id, credentials)
        options = planned.options
        options = dataclasses.replace(
            options,
            rate=rate if rate is not None else options.rate,
            per_host_rate=host_rate if host_rate is not None else options.per_host_rate,
            concurrency=concurrency if concurrency is not None else options.concurrency,
        )
        planned = dataclasses.replace(planned, options=options)
    else:
        scope_rules = Scope.load(scope, allow_public)
        targets = list(targets or [])
        if multicast is not None:
            found = asyncio.run(discover(multicast, scope_rules))
            _err.print(
                f"multicast discovery from {escape(multicast)}: {len(found.hosts)} hosts answered in scope, "
                f"{len(found.out_of_scope)} outside scope (not probed)"
            )
            targets.extend(found.hosts)
        if not targets and targets_file is None:
            raise UsageError("TARGETS", "give targets (CIDR, range, address, host name), --targets-file or --multicast")
        from covered.collect.probes import Limits

        options = ScanOptions(
            ports=parse_ports(ports),
            rate=rate or 300.0,
            per_host_rate=host_rate or 20.0,
            concurrency=concurrency or 64,
            limits=Limits(connect_timeout=timeout, read_timeout=timeout * 1.5, request_deadline=timeout * 4),
            community=community,
            credentials=credentials,
        )
        planned = plan_scan(store, targets, targets_file, scope_rules, options)
        for address, reason in planned.skipped[:20]:
            _err.print(f"[yellow]skipped:[/] {escape(address)}: {escape(reason)}")
        if len(planned.skipped) > 20:
            _err.print(f"[yellow]skipped:[/] {len(planned.skipped) - 20} more addresses outside scope")
    _err.print(
        f"scan {planned.scan_id}: {len(planned.pending)} hosts to probe, "
        f"{planned.options.rate:.0f} packets/s overall, {planned.options.per_host_rate:.0f}/s per host"
    )
    status = _run_with_progress(store, registry, planned, quiet)
    attributions, rows = _scan_rows(store, planned.scan_id)
    if fmt == "json":
        _emit(json_lines(rows), output)
    elif fmt == "csv":
        _emit(attributions_csv(attributions), output)
    else:
        _print_table(attributions_table(attributions, f"scan {planned.scan_id}: {len(attributions)} devices"), output)
    if status == "interrupted":
        _err.print(f"covered: interrupted; resume with `covered scan --resume-id {planned.scan_id}`")
        raise typer.Exit(3)
    raise typer.Exit(1 if any(a.restricted for a in attributions) else 0)


def _run_with_progress(store: Store, registry: Registry, planned: PlannedScan, quiet: bool) -> str:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if quiet or not _err.is_terminal:
        return run_planned(store, registry.identifier, planned)
    columns = (
        TextColumn("scan"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("hosts"),
        TextColumn(
            "{task.fields[devices]} devices, [red]{task.fields[restricted]} restricted[/], "
            "{task.fields[rate]:.1f} hosts/s"
        ),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_err, transient=False) as bar:
        task = bar.add_task("scan", total=len(planned.pending), devices=0, restricted=0, rate=0.0)
        import time

        started = time.monotonic()

        def update(progress: ScanProgress, _record: HostRecord) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            bar.update(
                task,
                completed=progress.done,
                devices=progress.devices,
                restricted=progress.restricted,
                rate=progress.done / elapsed,
            )

        return run_planned(store, registry.identifier, planned, update)


# --- assessment ------------------------------------------------------------------------------------

profile_app = typer.Typer(help="Organisation profiles: which rules bind you.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


def _load_profile(registry: Registry, value: str) -> Profile:
    if value in registry.profiles:
        return registry.profiles[value].record
    path = Path(value)
    if path.suffix in {".yml", ".yaml"} and path.is_file():
        records = list(load_records(path, Profile))
        if len(records) != 1:
            raise DataError(path, None, "a profile file holds exactly one profile (a YAML list of one)")
        return records[0].record
    raise UsageError("--profile", f"unknown profile {value!r} (see `covered profile list`, or give a YAML file)")


@profile_app.command("list")
def profile_list() -> None:
    """Built-in profiles and the number of rules binding each."""
    registry = _registry()
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
    _out.print(table)


@profile_app.command("show")
def profile_show(profile: Annotated[str, typer.Argument(help="Profile id or YAML file.")]) -> None:
    """A profile and every rule that binds it, with confirmation status."""
    registry = _registry()
    chosen = _load_profile(registry, profile)
    _out.print(f"[bold]{escape(chosen.name)}[/] ({escape(chosen.id)}): {escape(chosen.description)}")
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
    _out.print(table)


@profile_app.command("init")
def profile_init(
    base: Annotated[str, typer.Option("--from", help="Built-in profile to start from.")] = "us-federal-contractor",
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the YAML.")] = Path("profile.yml"),
) -> None:
    """Write a profile YAML to edit: predicates, jurisdictions, sites with their use contexts and networks."""
    registry = _registry()
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
    _err.print(f"wrote {output}")


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
    db: DbOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Each attributed device × each rule binding the profile → findings. Exit 1 when any finding is open."""
    fmt = _format(as_json, as_csv)
    registry = _registry()
    chosen = _load_profile(registry, profile)
    if context:
        try:
            contexts = [UseContext(c) for c in _split(context)]
        except ValueError:
            raise UsageError("--context", f"choose from {', '.join(c.value for c in UseContext)}") from None
        chosen = chosen.model_copy(update={"default_use_contexts": contexts})
    today = parse_date_bound("--as-of", as_of, end=False) if as_of else None
    sources = [x for x in (scan_id, observations, inventory) if x is not None]
    if len(sources) != 1:
        raise UsageError("--scan-id", "give exactly one of --scan-id, --observations, --import")
    identifier = registry.identifier
    if scan_id is not None:
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
            grouped = _read_observation_file(str(observations))
        else:
            assert inventory is not None  # noqa: S101 - exactly one source was checked above
            result = import_file(inventory)
            _print_warnings(inventory.name, result.warnings)
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
        from covered.store.tracking import assign_sites, current_actor, save_findings

        store = open_store(db)
        assign_sites(store, [(site.id, site.networks) for site in chosen.sites], current_actor())
        kept = save_findings(store, chosen.id, [(f.device, f) for f in findings], current_actor())
        _err.print(f"kept {kept} findings under profile {escape(chosen.id)}")
    if fmt == "json":
        _emit(json_lines(f.model_dump(mode="json") for f in findings), output)
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
        _emit(buffer.getvalue(), output)
    else:
        table = Table(
            title=f"{len(findings)} findings for {len(devices)} devices under '{chosen.name}'", show_lines=True
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
        _print_table(table, output)
    raise typer.Exit(1 if any(f.status is FindingStatus.OPEN for f in findings) else 0)


# --- tracking ----------------------------------------------------------------------------------------


@app.command()
def devices(
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tracked devices with first seen, last seen and gone-since (merged across scans by MAC, serial, address)."""
    from covered.report.bundle import collect

    records = collect(open_store(db)).devices
    if as_json:
        _emit(json_lines(records), None)
        return
    table = Table(title=f"{len(records)} tracked devices")
    for name in ("id", "key", "address", "vendor", "model", "restricted", "last_seen", "gone_since"):
        table.add_column(name, overflow="fold")
    for r in records:
        table.add_row(
            *(
                escape(str(r[k]) if r[k] is not None else "")
                for k in ("id", "key", "address", "vendor", "model", "restricted", "last_seen", "gone_since")
            )
        )
    _out.print(table)


@app.command()
def diff(
    first: Annotated[int, typer.Argument(metavar="SCAN_A", help="Earlier scan id.")],
    second: Annotated[int, typer.Argument(metavar="SCAN_B", help="Later scan id.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Devices new in SCAN_B, gone since SCAN_A, and changed (address, vendor, model, firmware, verdict)."""
    from covered.store.tracking import diff_scans

    result = diff_scans(open_store(db), first, second)
    if as_json:
        _emit(
            json_lines(
                [
                    {"kind": k, **row}
                    for k, rows in (("new", result.new), ("gone", result.gone), ("changed", result.changed))
                    for row in rows
                ]
            ),
            None,
        )
        return
    _out.print(
        f"scan {first} -> {second}: {len(result.new)} new, {len(result.gone)} gone, {len(result.changed)} changed"
    )
    for kind, rows in (("new", result.new), ("gone", result.gone), ("changed", result.changed)):
        for row in rows:
            _out.print(f"  {kind:<8} {escape(json.dumps(row, default=str))}", soft_wrap=True)


@app.command()
def findings(
    db: DbOpt = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="open, review, planned, ...")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Kept findings with their remediation status (see `covered assess --save` and `covered remediate`)."""
    from sqlalchemy import select

    from covered.report.bundle import finding_record
    from covered.store.schema import DeviceRow, FindingRow

    wanted = set(_split(status))
    store = open_store(db)
    with store.session() as session:
        rows = session.execute(
            select(FindingRow, DeviceRow).join(DeviceRow, FindingRow.device_id == DeviceRow.id).order_by(FindingRow.id)
        ).all()
    records = [finding_record(f, d.key) | {"address": d.address} for f, d in rows if not wanted or f.status in wanted]
    if as_json:
        _emit(json_lines(records), None)
        return
    table = Table(title=f"{len(records)} findings")
    for name in ("id", "device", "subject", "obligation", "status", "due", "reason"):
        table.add_column(name, overflow="fold")
    for r in records:
        table.add_row(
            *(
                escape(str(r[k]) if r[k] is not None else "")
                for k in ("id", "device", "subject", "obligation", "status", "due", "reason")
            )
        )
    _out.print(table)


@app.command()
def remediate(
    device: Annotated[str, typer.Argument(metavar="DEVICE", help="Device id, key, MAC or address.")],
    status: Annotated[str, typer.Option("--status", help="open, planned, removed, replaced or exempted.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    rule: Annotated[str | None, typer.Option("--rule", help="Only the finding for this rule or CVE.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Only findings under this profile.")] = None,
    waiver: Annotated[str | None, typer.Option("--waiver", help="Waiver reference (for exempted).")] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="Waiver expiry YYYY-MM-DD (for exempted).")] = None,
    db: DbOpt = None,
) -> None:
    """Record remediation of a device's findings; every change goes to the audit log with who and why."""
    from covered.store.tracking import current_actor
    from covered.store.tracking import remediate as apply

    until = parse_date_bound("--expires", expires, end=True) if expires else None
    changed = apply(
        open_store(db),
        device,
        status,
        reason,
        current_actor(),
        subject=rule,
        profile=profile,
        waiver=waiver,
        expires=until,
    )
    _out.print(f"{len(changed)} finding(s) now {status}")


@app.command()
def audit(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The audit log: who changed what, when and why."""
    from covered.report.bundle import collect

    records = collect(open_store(db)).audit
    if as_json:
        _emit(json_lines(records), None)
        return
    for r in records:
        _out.print(
            escape(
                f"{r['at']} {r['actor']} {r['action']} {r['target']}: {r['before']} -> {r['after']} ({r['reason']})"
            ),
            soft_wrap=True,
        )


class ReportFormat(StrEnum):
    """Report formats."""

    HTML = "html"
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"
    CYCLONEDX = "cyclonedx"
    PACK = "pack"


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="html, pdf, csv, json, cyclonedx or pack.")] = (
        ReportFormat.HTML
    ),
    scan_id: Annotated[int | None, typer.Option("--scan-id", help="Only devices seen in this scan.")] = None,
    db: DbOpt = None,
) -> None:
    """Reports for auditors; `--format pack` writes the evidence pack (report, observations, SHA-256 manifest)."""
    from covered.report.bundle import (
        collect,
        render_csv,
        render_cyclonedx,
        render_html,
        render_json,
        render_pdf,
        write_pack,
    )

    data = collect(open_store(db), scan_id, with_observations=fmt is ReportFormat.PACK)
    if fmt is ReportFormat.PDF:
        render_pdf(data, output)
    elif fmt is ReportFormat.PACK:
        digests = write_pack(data, output)
        _err.print(
            f"evidence pack with {len(digests)} files and a SHA-256 manifest; check it with `covered verify {output}`"
        )
    else:
        renderers = {
            ReportFormat.HTML: render_html,
            ReportFormat.CSV: render_csv,
            ReportFormat.JSON: render_json,
            ReportFormat.CYCLONEDX: render_cyclonedx,
        }
        _emit(renderers[fmt](data), output)
    _err.print(f"wrote {output} ({len(data.devices)} devices, {len(data.findings)} findings)")


@app.command()
def verify(
    pack: Annotated[Path, typer.Argument(metavar="PACK", help="Evidence pack written by `covered report`.")],
) -> None:
    """Check an evidence pack against its SHA-256 manifest. Exit 1 when anything was altered or is missing."""
    import zipfile

    from covered.report.bundle import verify_pack

    if not pack.is_file():
        raise UsageError("PACK", f"{pack} not found")
    try:
        problems = verify_pack(pack)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DataError(pack, None, f"not an evidence pack: {exc}") from None
    for problem in problems:
        _err.print(f"covered: {escape(str(pack))}: {escape(problem)}")
    if problems:
        raise typer.Exit(1)
    _out.print(f"{pack}: every file matches its SHA-256 in the manifest")


@app.command()
def sim(
    size: Annotated[int, typer.Option("--size", min=10, max=5000, help="Number of emulated devices.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed: same size and seed, same fleet.")] = 7,
    base: Annotated[str, typer.Option("--base", help="First loopback address (127.0.0.0/8 only).")] = "127.20.0.1",
    duration: Annotated[
        float | None, typer.Option("--duration", min=1, help="Stop after this many seconds (default: until SIGTERM).")
    ] = None,
    truth: Annotated[Path | None, typer.Option("--truth", help="Write the ground truth here (JSON Lines).")] = None,
) -> None:
    """Start emulated cameras, NVRs and routers on loopback addresses (for tests, demos and benchmarks)."""
    from pydantic import ValidationError

    from covered.sim import FleetSpec, run_fleet

    try:
        spec = FleetSpec(size=size, seed=seed, base=base)
    except ValidationError as exc:
        raise UsageError("--base", str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from None
    _err.print(
        f"simulating {size} devices from {base} (seed {seed}); device password for credentialed probes: "
        f"{spec.username} / {spec.password}; stop with Ctrl-C or SIGTERM"
    )
    raise typer.Exit(run_fleet(spec, duration, truth))


@app.command()
def demo(
    size: Annotated[int, typer.Option("--size", min=10, max=500, help="Emulated devices to scan.")] = 40,
) -> None:
    """The main job on embedded defaults: emulated devices, a safe scan into SQLite, and the ban directory."""
    from covered.demo import run_demo

    registry = _registry()
    problems = check_registry(registry)
    if problems:
        for problem in problems:
            _err.print(f"covered: {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(2)
    _out.print(
        f"[bold]covered registry[/]: {len(registry.events)} events, {len(registry.facts)} facts, "
        f"{len(registry.brands)} brands, {len(registry.rules)} rules, {len(registry.signatures)} signatures; "
        "every quote checked verbatim against its source, every signature against its examples."
    )
    _out.print(
        f"Starting {size} emulated cameras, recorders and routers on loopback and scanning them "
        "(default rates: 300 packets/s, 20 per host)..."
    )
    result = run_demo(registry, size=size)
    _out.print(attributions_table(result.attributions, f"{len(result.attributions)} devices found"))
    _out.print(f"Scan took {result.seconds:.1f} s; against the simulator's ground truth: {result.score.summary()}.")
    for line in result.score.wrong:
        _out.print(f"  [yellow]not attributed as the truth says:[/] {escape(line)}")
    _out.print(f"Observations and results are stored in {result.database}.")
    _out.print(
        f"Assessed as a US federal contractor guarding government facilities: "
        f"{result.findings.get('open', 0)} open findings, {result.findings.get('review', 0)} to review. "
        f"Report: {result.report}; evidence pack: {result.pack} (check it with `covered verify`)."
    )
    index = registry.event_index
    events = index.select(EventQuery())
    table = Table(title="Ban directory: restriction events by country")
    table.add_column("country")
    table.add_column("events", justify="right")
    for key, n in index.count_by(events, "country")[:10]:
        table.add_row(escape(key), str(n))
    _out.print(table)
    _out.print(
        "Next: `covered bans --country GB`, `covered timeline --actor gb-government`, "
        "`covered search 'supermarket'`, `covered identify --http-server DNVRS-Webs`, `covered scan --help`."
    )
    _freshness_note(registry, [e.source for e in events])


# --- web dashboard ------------------------------------------------------------------------------

user_app = typer.Typer(help="Dashboard users: viewers read, editors change remediation status, admins manage users.")
app.add_typer(user_app, name="user", no_args_is_help=True)


def _new_password(name: str) -> str:
    password = os.environ.get("COVERED_USER_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise UsageError("password", "set COVERED_USER_PASSWORD (passwords are never taken on the command line)")
    import getpass

    first = getpass.getpass(f"new password for {name}: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("password", "the two entries differ")
    return first


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")] = "viewer",
    db: DbOpt = None,
) -> None:
    """Create a user, or reset an existing user's password and role (signing them out everywhere)."""
    from covered.store.tracking import current_actor
    from covered.web.users import create_user

    store = open_store(db)
    create_user(store, name, role, _new_password(name), current_actor())
    _out.print(f"user {escape(name)} ({escape(role)}) saved")


@user_app.command("list")
def user_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Users and their roles (never their password hashes)."""
    from covered.web.users import list_users

    rows = [{**u, "created_at": str(u["created_at"])} for u in list_users(open_store(db))]
    if as_json:
        _emit(json_lines(rows), None)
        return
    table = Table(title=f"{len(rows)} users")
    for column in ("name", "role", "disabled", "created_at"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(str(row[c])) for c in ("name", "role", "disabled", "created_at")))
    _out.print(table)


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="User the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "api",
    db: DbOpt = None,
) -> None:
    """Create an API token (send it as 'Authorization: Bearer TOKEN'); it is printed once, only its hash is kept."""
    from covered.store.tracking import current_actor
    from covered.web.users import create_token

    print(create_token(open_store(db), name, label, current_actor()))


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (when served behind HTTPS).")
    ] = False,
) -> None:
    """Serve the web dashboard and JSON API (OpenAPI at /api/docs); create the first admin with `covered user add`."""
    from covered.store import database_url
    from covered.web.serving import check_port, run
    from covered.web.users import list_users

    store = open_store(db)  # migrate once here, before workers start
    if not any(u["role"] == "admin" for u in list_users(store)):
        _err.print("[yellow]No admin yet: create one with `covered user add NAME --role admin`.[/]")
    os.environ["COVERED_DB"] = database_url(db)
    if secure_cookies:
        os.environ["COVERED_SECURE_COOKIES"] = "1"
    if _state["data"]:
        os.environ["COVERED_DATA"] = str(_state["data"])
    check_port(host, port)
    _err.print(f"covered dashboard on http://{host}:{port}/ ({workers} worker(s)); Ctrl-C stops it")
    run(host, port, workers)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every user-facing error into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("COVERED_DEBUG", "") not in {"", "0", "false"}
    try:
        result = app(args=args, prog_name="covered", standalone_mode=False)
    except CoveredError as exc:
        if debug:
            raise
        _err.print(f"covered: {escape(exc.one_line())}", soft_wrap=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        _err.print("covered: interrupted")
        return 3
    except KeyboardInterrupt:
        _err.print("covered: interrupted")
        return 3
    except typer.TyperException as exc:
        if debug:
            raise
        _err.print(f"covered: {escape(exc.format_message())}", soft_wrap=True)
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
