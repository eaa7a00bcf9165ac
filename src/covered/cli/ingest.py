"""`covered ingest` and `covered review`: an article turned into candidate records, reviewed into a registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import DbOpt, JsonOpt, split
from covered.cli.output import err, out
from covered.cli.root import app, data_folder, selected_registry
from covered.errors import UsageError
from covered.report.wording import plural

if TYPE_CHECKING:
    from covered.ingest.candidate import Candidate

__all__ = ["ingest", "review_app"]

review_app = typer.Typer(
    help="Review candidates proposed by covered ingest: list, show, edit, accept (into your registry folder), "
    "merge into an existing record, or reject.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")


def _date_text(candidate: Candidate) -> str:
    return candidate.date.display() if candidate.date.value else "unknown"


def _what(candidate: Candidate) -> str:
    if candidate.action is not None:
        return candidate.action.value
    return f"fact: {candidate.fact_kind.value}" if candidate.fact_kind else "fact"


def _table(rows: list[tuple[str, str, Candidate]], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for name in ("key", "state", "kind", "actor", "vendors", "action", "date", "conf", "duplicate of", "quote"):
        table.add_column(name, overflow="fold")
    for key, state, c in rows:
        actor = (c.actor.name + (" (new)" if c.actor.new else "")) if c.actor else "-"
        quote = c.quote if len(c.quote) <= 90 else c.quote[:87] + "..."
        table.add_row(
            key[:10],
            state,
            c.kind,
            escape(actor),
            ", ".join(c.vendors),
            _what(c),
            _date_text(c),
            f"{c.confidence:.2f}",
            c.duplicate_of or "",
            escape(quote),
        )
    return table


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="A saved article: plain text, HTML or PDF.", show_default=False)],
    url: Annotated[str | None, typer.Option("--url", help="Where the article was published.")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Who published it.")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date, YYYY[-MM[-DD]] (relative dates resolve on it).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title (default: the page's title or first line).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the article (ISO 639-1), instead of detecting it.")
    ] = None,
    licence: Annotated[
        str | None, typer.Option("--licence", help="Licence or terms of the text, kept with the source.")
    ] = None,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Keep the candidates in the database for covered review.")
    ] = True,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose candidate events and facts from an article, each with its verbatim quote, for review."""
    from covered.ingest.pipeline import ingest_file, parse_published
    from covered.store.tracking import current_actor

    registry = selected_registry()
    ingested = ingest_file(
        file,
        registry,
        url=url,
        publisher=publisher,
        published=parse_published(published),
        title=title,
        language=lang.strip().lower() if lang else None,
    )
    stored = ""
    if store:
        from covered.ingest.queue import store_ingest
        from covered.store import open_store

        new, kept = store_ingest(open_store(db), ingested, current_actor(), licence)
        stored = f"; {new} new in the review queue" + (f", {kept} already there (decisions kept)" if kept else "")
    if as_json:
        for candidate in ingested.candidates:
            out.print(json.dumps(candidate.line(), ensure_ascii=False), soft_wrap=True, markup=False)
    else:
        rows = [(c.key, "proposed", c) for c in ingested.candidates]
        events = sum(c.kind == "event" for c in ingested.candidates)
        out.print(
            _table(rows, f"{ingested.id}: {plural(events, 'event')}, {plural(len(rows) - events, 'fact')} proposed")
        )
    segments = f", {plural(len(ingested.segments), 'segment')}" if ingested.segments else ""
    err.print(
        f"{escape(str(file))}: source {ingested.id} ({', '.join(ingested.language)}{segments}), "
        f"{plural(len(ingested.candidates), 'candidate')}{stored}",
        soft_wrap=True,
    )


@review_app.command("list")
def review_list(
    source: Annotated[str | None, typer.Option("--source", help="Only this ingested source id.")] = None,
    state: Annotated[
        list[str] | None, typer.Option("--state", help="pending, accepted, rejected, merged (default: pending).")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="event or fact.")] = None,
    all_states: Annotated[bool, typer.Option("--all", help="Every state.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Candidates waiting for review (or in the states asked for), in source and text order."""
    from covered.ingest.queue import STATES, candidate_of, list_candidates
    from covered.store import open_store

    states = [] if all_states else split(state, "--state") or ["pending"]
    unknown = sorted(set(states) - set(STATES))
    if unknown:
        raise UsageError("--state", f"unknown state {unknown[0]!r} (one of {', '.join(STATES)})")
    if kind is not None and kind not in ("event", "fact"):
        raise UsageError("--kind", f"{kind!r}: give event or fact")
    rows = list_candidates(open_store(db), source=source, states=states, kind=kind)
    if as_json:
        for row in rows:
            line = candidate_of(row).line() | {
                "state": row.state,
                "record_id": row.record_id,
                "decided_by": row.decided_by,
            }
            out.print(json.dumps(line, ensure_ascii=False, default=str), soft_wrap=True, markup=False)
        return
    out.print(_table([(r.key, r.state, candidate_of(r)) for r in rows], plural(len(rows), "candidate")))


def _highlighted(text: str, start: int, end: int, width: int = 300) -> str:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return f"{escape(before)}[reverse]{escape(text[start:end])}[/reverse]{escape(after)}"


@review_app.command("show")
def review_show(
    key: Annotated[str, typer.Argument(help="Candidate key (or its first characters).", show_default=False)],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One candidate with every field, its cues, and the quote highlighted in its passage."""
    from covered.ingest.queue import candidate_of, find_candidate, source_row
    from covered.store import open_store

    store = open_store(db)
    row = find_candidate(store, key)
    candidate = candidate_of(row)
    if as_json:
        line = candidate.line() | {"state": row.state, "record_id": row.record_id, "edited": row.edited}
        out.print(json.dumps(line, ensure_ascii=False, default=str), soft_wrap=True, markup=False)
        return
    source = source_row(store, row.source_id)
    fields: list[tuple[str, Any]] = [
        ("key", row.key),
        ("state", row.state + (f" as {row.record_id}" if row.record_id else "")),
        ("kind", candidate.kind),
        ("source", f"{source.id}: {source.title}"),
        ("segment", candidate.segment),
        ("actor", candidate.actor.model_dump(mode="json") if candidate.actor else None),
        ("vendors", ", ".join(candidate.vendors)),
        ("action", _what(candidate)),
        ("value", candidate.value),
        ("reason", candidate.reason.value),
        ("date", _date_text(candidate)),
        ("date as written", candidate.date.as_written),
        ("date resolved from", candidate.date.resolved_from),
        ("status", candidate.status.value if candidate.status else None),
        ("confidence", f"{candidate.confidence:.2f}"),
        ("cues", "; ".join(candidate.cues)),
        ("duplicate of", candidate.duplicate_of),
        ("quote language", candidate.quote_language),
        ("quote_en", f"{candidate.quote_en} ({candidate.quote_en_method})"),
        ("edited", ", ".join(sorted(row.edited)) if row.edited else None),
        ("decided", f"{row.decided_by} at {row.decided_at}" if row.decided_by else None),
    ]
    for name, value in fields:
        if value not in (None, ""):
            out.print(f"[bold]{name}:[/bold] {escape(str(value))}", soft_wrap=True)
    out.print(
        "[bold]passage:[/bold] " + _highlighted(source.text, candidate.quote_start, candidate.quote_end), soft_wrap=True
    )


def _changes(values: list[str] | None) -> dict[str, Any]:
    """--set field=value pairs; JSON values where they parse (vendors=["dahua"], actor={...}), text otherwise."""
    from covered.ingest.candidate import Candidate

    editable = set(Candidate.model_fields) - {"key", "source", "quote_start", "quote_end", "cues", "kind"}
    changes: dict[str, Any] = {}
    for item in values or []:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or name not in editable:
            raise UsageError("--set", f"{item!r}: give field=value with a field of {', '.join(sorted(editable))}")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        if name == "vendors" and isinstance(value, str):
            value = split([value])
        if name == "date" and isinstance(value, str):
            from covered.ingest.pipeline import parse_published

            parsed = parse_published(value)
            value = parsed.model_dump(mode="json") if parsed else None
        changes[name] = value
    if not changes:
        raise UsageError("--set", "nothing to change: give --set field=value")
    return changes


NoteOpt = Annotated[str | None, typer.Option("--note", help="Why (kept in the audit log).")]


@review_app.command("edit")
def review_edit(
    key: Annotated[str, typer.Argument(help="Candidate key (or its first characters).", show_default=False)],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="field=value (repeat): vendors=dahua,hikvision; action=removal; "
            "date=2024-03; status=completed; quote=...",
        ),
    ] = None,
    note: NoteOpt = None,
    db: DbOpt = None,
) -> None:
    """Correct a pending candidate's fields; a quote must stay a verbatim passage of the source."""
    from covered.ingest.queue import edit, find_candidate, source_row
    from covered.store import open_store
    from covered.store.tracking import current_actor

    store = open_store(db)
    row = find_candidate(store, key)
    changes = _changes(set_)
    if "quote" in changes:
        text = source_row(store, row.source_id).text
        at = text.find(str(changes["quote"]))
        if at == -1:
            raise UsageError("--set", "quote: not found verbatim in the source text")
        changes["quote_start"], changes["quote_end"] = at, at + len(str(changes["quote"]))
    candidate = edit(store, row.key, changes, current_actor(), note)
    out.print(f"edited {row.key}: " + ", ".join(f"{k}={escape(str(getattr(candidate, k)))}" for k in changes))


def _overlay_folder() -> Path:
    folder = data_folder()
    if folder is None:
        raise UsageError(
            "--data",
            "give your own registry folder (covered --data DIR review accept ...): accepted records are "
            "written there, on top of the shipped data",
        )
    return folder


def _accept(
    key: str,
    record_id: str | None,
    merge_into: str | None,
    scope: str | None,
    summary: str | None,
    note: str | None,
    db: str | None,
) -> None:
    from covered.ingest.queue import candidate_of, decide, find_candidate, source_row
    from covered.ingest.userdata import ensure_overlay, write_accepted
    from covered.store import open_store
    from covered.store.tracking import current_actor

    folder = _overlay_folder()
    store = open_store(db)
    row = find_candidate(store, key)
    if row.state != "pending":
        raise UsageError("KEY", f"candidate {row.key} is already {row.state}")
    ensure_overlay(folder)
    registry = selected_registry()
    candidate = candidate_of(row)
    reviewer = current_actor()
    kind, written = write_accepted(
        folder,
        registry,
        candidate,
        source_row(store, row.source_id),
        reviewer=reviewer,
        record_id=record_id,
        merge_into=merge_into,
        scope=scope,
        summary=summary,
    )
    decide(store, row.key, "merged" if kind == "corroboration" else "accepted", reviewer, written, note)
    what = f"a corroboration of {written}" if kind == "corroboration" else f"{kind} {written}"
    out.print(f"accepted {row.key} as {what} in {escape(str(folder))}")


@review_app.command("accept")
def review_accept(
    key: Annotated[str, typer.Argument(help="Candidate key (or its first characters).", show_default=False)],
    record_id: Annotated[str | None, typer.Option("--id", help="Id of the new record (default: made up).")] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="English: what the event covers and binds.")] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", help="One English sentence (or the fact's claim).")
    ] = None,
    note: NoteOpt = None,
    db: DbOpt = None,
) -> None:
    """Accept a candidate: its record (with source, text and any new actor) goes into your registry folder.

    A candidate that duplicates a registry record is accepted as a corroboration of it.
    """
    from covered.ingest.queue import candidate_of, find_candidate
    from covered.store import open_store

    row = find_candidate(open_store(db), key)
    duplicate = candidate_of(row).duplicate_of
    merge_into = duplicate if duplicate and not duplicate.startswith("candidate:") and record_id is None else None
    _accept(row.key, record_id, merge_into, scope, summary, note, db)


@review_app.command("merge")
def review_merge(
    key: Annotated[str, typer.Argument(help="Candidate key (or its first characters).", show_default=False)],
    record: Annotated[str, typer.Argument(help="Event or fact id it reports again.", show_default=False)],
    note: NoteOpt = None,
    db: DbOpt = None,
) -> None:
    """Accept a candidate as a corroboration of an existing event or fact (a further passage reporting it)."""
    _accept(key, None, record, None, None, note, db)


@review_app.command("reject")
def review_reject(
    key: Annotated[str, typer.Argument(help="Candidate key (or its first characters).", show_default=False)],
    note: NoteOpt = None,
    db: DbOpt = None,
) -> None:
    """Reject a candidate (kept with who and why; ingesting the article again does not bring it back)."""
    from covered.ingest.queue import decide, find_candidate
    from covered.store import open_store
    from covered.store.tracking import current_actor

    store = open_store(db)
    row = find_candidate(store, key)
    decide(store, row.key, "rejected", current_actor(), None, note)
    out.print(f"rejected {row.key}")
