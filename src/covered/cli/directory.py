"""The ban directory: bans, timeline, search, show and actors, read from the registry."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import CsvOpt, JsonOpt, OutputOpt, choose_format, non_empty, split
from covered.cli.output import emit, freshness_note, out, print_table
from covered.cli.root import app, selected_registry
from covered.errors import UsageError
from covered.registry.vocabulary import GROUP_FIELDS, SEARCH_KINDS
from covered.report.wording import plural

__all__ = ["actors", "bans", "search", "show", "timeline"]

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
    from covered.report.registry_views import event_row, events_csv, events_table, json_lines

    registry = selected_registry()
    fmt = choose_format(as_json, as_csv)
    if count and group_by is not None:
        raise UsageError("--count", "choose one of --count and --group-by")
    from covered.registry import EventQuery

    query = EventQuery.parse(
        registry,
        vendor=split(vendor, "--vendor"),
        country=split(country, "--country"),
        actor=split(actor, "--actor"),
        actor_type=split(actor_type, "--actor-type"),
        action=split(action, "--action"),
        reason=split(reason, "--reason"),
        status=split(status, "--status"),
        source=split(source, "--source"),
        since=non_empty(since, "--since"),
        until=non_empty(until, "--until"),
    )
    index = registry.event_index
    events = index.select(query)
    if group_by is not None:
        groups = index.count_by(events, group_by)
        if fmt == "json":
            emit(json_lines({group_by: k, "events": n} for k, n in groups), output)
        elif fmt == "csv":
            emit(f"{group_by},events\n" + "".join(f"{_csv_cell(k)},{n}\n" for k, n in groups), output)
        else:
            table = Table(title=f"{len(events)} distinct events by {group_by}")
            table.add_column(group_by)
            table.add_column("events", justify="right")
            for key, n in groups:
                table.add_row(escape(key), str(n))
            print_table(table, output)
    elif count:
        emit(f"{len(events)}\n", output)
    elif fmt == "json":
        emit(json_lines(event_row(registry, e) for e in events), output)
    elif fmt == "csv":
        emit(events_csv(registry, events), output)
    else:
        print_table(events_table(registry, events, f"{len(events)} restriction events"), output)
    freshness_note(registry, [e.source for e in events])


def _csv_cell(value: str) -> str:
    return f'"{value}"' if "," in value or '"' in value else value


@app.command()
def timeline(
    actor: Annotated[str | None, typer.Option("--actor", help="Actor id; includes the bodies below it.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Vendor id or name.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Chronological events for an actor (and the bodies below it) or a vendor, each date with its precision."""
    from covered.report.registry_views import event_row, json_lines

    if actor is None and vendor is None:
        raise UsageError("--actor", "give --actor or --vendor")
    registry = selected_registry()
    from covered.registry import EventQuery

    query = EventQuery.parse(registry, actor=[actor] if actor else [], vendor=[vendor] if vendor else [])
    events = registry.event_index.select(query)
    if as_json:
        emit(json_lines(event_row(registry, e) for e in events), None)
    else:
        subject = registry.actors[actor].name if actor else registry.vendors[next(iter(query.vendors))].name
        out.print(f"[bold]Timeline: {escape(subject)}[/] ({plural(len(events), 'event')})")
        for event in events:
            who = registry.actors[event.actor].name
            out.print(
                f"  {escape(event.date.display()):<24} {escape(who)}: {escape(event.summary)} "
                f"[dim]({escape(event.action.value)}, {escape(event.status.value)}; {escape(event.id)})[/]",
                soft_wrap=True,
            )
    freshness_note(registry, [e.source for e in events])


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words to search for, in English or the source's language.")],
    kind: Annotated[list[str] | None, typer.Option("--kind", help=f"Limit to {', '.join(SEARCH_KINDS)}.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Most hits to show.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Ranked full-text search over events, facts, brands and rules; each hit with its quote and source."""
    from covered.report.registry_views import hit_row, hits_table, json_lines

    registry = selected_registry()
    kinds = tuple(split(kind)) or SEARCH_KINDS
    hits = registry.search_index.search(text, kinds=kinds, limit=limit)
    if as_json:
        emit(json_lines(hit_row(registry, h) for h in hits), None)
    else:
        out.print(hits_table(registry, hits, f"{plural(len(hits), 'hit')} for {text!r}"))
    freshness_note(registry, [h.source for h in hits if h.source in registry.sources])


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Any record id: event, fact, vendor, brand, rule...")],
    as_json: JsonOpt = False,
) -> None:
    """Show one record in full with its provenance: source, segment, quote, corroborations, file and line."""
    from covered.report.registry_views import json_lines, record_view

    registry = selected_registry()
    found = registry.find(record_id)
    if found is None:
        raise UsageError("ID", f"no record with id {record_id!r} (try `covered search`)")
    kind, record = found
    view = record_view(registry, kind, record)
    if as_json:
        emit(json_lines([view]), None)
    else:
        table = Table(title=f"{kind} {record_id}", show_header=False, show_lines=True)
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in view.items():
            if value in (None, [], {}):
                continue
            table.add_row(escape(key), escape(_plain(value)))
        out.print(table)
    source = getattr(record, "source", None)
    if isinstance(source, str):
        freshness_note(registry, [source])


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
    from covered.report.registry_views import json_lines

    registry = selected_registry()
    rows = []
    for actor in sorted(registry.actors.values(), key=lambda a: (a.jurisdiction, a.id)):
        chain = " > ".join(a.name for a in reversed(registry.actor_chain(actor.id)))
        rows.append({"id": actor.id, "type": actor.type.value, "jurisdiction": actor.jurisdiction, "chain": chain})
    if as_json:
        emit(json_lines(rows), None)
        return
    table = Table(title=plural(len(rows), "actor"))
    for name in ("id", "type", "jurisdiction", "chain"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(escape(row[k]) for k in ("id", "type", "jurisdiction", "chain")))
    out.print(table)
