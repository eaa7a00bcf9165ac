"""`covered signatures ...`: which signature claims a string, why, from which source; import pinned corpora."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import JsonOpt
from covered.cli.output import err, out
from covered.cli.root import app, selected_registry
from covered.errors import UsageError

if TYPE_CHECKING:
    from covered.model import Signature
    from covered.registry import Registry

__all__ = ["signatures_app"]

signatures_app = typer.Typer(help="List, show and test device signatures; import pinned corpora.", no_args_is_help=True)
app.add_typer(signatures_app, name="signatures")


def _origin(registry: Registry, signature_id: str) -> str:
    path, line = registry.signatures.locations[signature_id]
    folder = path.parent.name
    corpus = "curated" if folder == "signatures" else folder
    return f"{corpus}: {path.name}:{line}"


def _record(registry: Registry, signature: Signature) -> dict[str, object]:
    record = signature.model_dump(mode="json", exclude_none=True)
    record["file"] = _origin(registry, signature.id)
    return record


@signatures_app.command("list")
def list_signatures(
    vendor: Annotated[str | None, typer.Option("--vendor", help="Only this vendor id ('generic' for none).")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this observation channel.")] = None,
    field: Annotated[str | None, typer.Option("--field", help="Only this observation field.")] = None,
    corpus: Annotated[
        str | None, typer.Option("--corpus", help="Only signatures of this corpus ('curated' for hand-curated).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every signature with what it reads, what it claims and where its strings come from."""
    registry = selected_registry()
    chosen = []
    for signature in registry.signatures.by_id.values():
        origin = _origin(registry, signature.id)
        if vendor is not None and (signature.vendor or "generic") != vendor:
            continue
        if channel is not None and signature.channel.value != channel:
            continue
        if field is not None and signature.field != field:
            continue
        if corpus is not None and origin.split(":")[0] != corpus:
            continue
        chosen.append(signature)
    chosen.sort(key=lambda s: (s.channel.value, s.field, s.id))
    if as_json:
        for signature in chosen:
            out.print(json.dumps(_record(registry, signature), ensure_ascii=False), soft_wrap=True, markup=False)
        return
    table = Table("id", "reads", "vendor", "claim", "confidence", "source")
    for signature in chosen:
        table.add_row(
            escape(signature.id),
            f"{signature.channel.value}/{signature.field}",
            signature.vendor or "-",
            signature.claim.value,
            signature.confidence.value,
            escape(signature.source.reference),
        )
    out.print(table)
    by_origin = Counter(_origin(registry, s.id).split(":")[0] for s in chosen)
    err.print(
        f"{len(chosen)} of {len(registry.signatures)} signatures ("
        + ", ".join(f"{n} {o}" for o, n in sorted(by_origin.items()))
        + ")"
    )


@signatures_app.command("show")
def show_signature(
    signature_id: Annotated[str, typer.Argument(metavar="ID", help="Signature id.")],
    as_json: JsonOpt = False,
) -> None:
    """One signature in full: pattern, examples, counter-examples, source and the file it is defined in."""
    registry = selected_registry()
    signature = registry.signatures.by_id.get(signature_id)
    if signature is None:
        raise UsageError("ID", f"no signature {signature_id!r} (see covered signatures list)")
    record = _record(registry, signature)
    if as_json:
        out.print(json.dumps(record, ensure_ascii=False), soft_wrap=True, markup=False)
        return
    for key, value in record.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out.print(f"[bold]{key}[/]: {escape(text)}", soft_wrap=True)


@signatures_app.command("test")
def try_value(
    value: Annotated[str, typer.Argument(help="The value as a device sent it (one header value, title, banner...).")],
    channel: Annotated[str, typer.Option("--channel", help="Observation channel, e.g. http, tls, sip, telnet.")],
    field: Annotated[str, typer.Option("--field", help="Observation field, e.g. server, title, subject.")],
    as_json: JsonOpt = False,
) -> None:
    """Which signatures claim a value, what they extract, why, from which source; and what a device saying it is."""
    from covered.model import FIELDS, Channel, Observation

    try:
        parsed = Channel(channel)
    except ValueError:
        raise UsageError(
            "--channel", f"unknown channel {channel!r} (one of {', '.join(c.value for c in Channel)})"
        ) from None
    if field not in FIELDS[parsed]:
        raise UsageError(
            "--field", f"unknown field {field!r} for {channel} (one of {', '.join(sorted(FIELDS[parsed]))})"
        )
    from covered.identify import identifier_for

    registry = selected_registry()
    attribution = identifier_for(registry).attribute(
        "value", [Observation(device="value", channel=parsed, field=field, value=value)]
    )
    evidence = [e for e in attribution.evidence if e.matcher]
    if as_json:
        record = {
            "value": value,
            "channel": channel,
            "field": field,
            "vendor": attribution.vendor,
            "brand": attribution.brand,
            "restricted": attribution.restricted,
            "confidence": attribution.confidence.value if attribution.confidence else None,
            "explanation": attribution.explanation,
            "matches": [e.model_dump(mode="json", exclude_none=True) for e in evidence],
        }
        out.print(json.dumps(record, ensure_ascii=False), soft_wrap=True, markup=False)
        return
    if not evidence:
        out.print(f"no signature reads {escape(value[:200])!s} on {channel}/{field}", soft_wrap=True)
    for item in evidence:
        extracted = ", ".join(f"{k}={v}" for k, v in item.extracted.items())
        out.print(
            f"[bold]{escape(item.matcher or '')}[/] ({item.claim.value if item.claim else '-'}, "
            f"{item.confidence.value if item.confidence else '-'}): {escape(item.conclusion)}"
            + (f" [{escape(extracted)}]" if extracted else ""),
            soft_wrap=True,
        )
        out.print(f"  source: {escape(item.reference or '-')} ({escape(item.licence or '-')})", soft_wrap=True)
    restricted = {True: "restricted", False: "not restricted", None: "restricted unknown"}[attribution.restricted]
    out.print(f"verdict: {escape(attribution.explanation)}; {restricted}", soft_wrap=True)


@signatures_app.command("corpora")
def list_corpora() -> None:
    """The pinned public corpora signatures are imported from: repository, commit, licence."""
    from covered.corpus.importer import corpus_specs

    registry = selected_registry()
    table = Table("corpus", "repository", "commit", "licence", "signatures")
    counts = Counter(path.parent.name for path, _ in registry.signatures.locations.values())
    for spec in corpus_specs(registry).values():
        table.add_row(spec.id, spec.repository, spec.commit[:12], escape(spec.licence), str(counts.get(spec.id, 0)))
    out.print(table)


@signatures_app.command("import")
def import_signatures(
    corpus: Annotated[str, typer.Argument(help="Corpus id from corpora.yml (see covered signatures corpora).")],
    repo: Annotated[
        Path, typer.Option("--repo", help="Local git repository (bare or not) of the corpus holding the pinned commit.")
    ],
) -> None:
    """Convert a pinned corpus into signature files under signatures/<corpus>/ and write its review report."""
    from covered.corpus.importer import corpus_specs, import_corpus

    registry = selected_registry()
    specs = corpus_specs(registry)
    spec = specs.get(corpus)
    if spec is None:
        raise UsageError("CORPUS", f"no corpus {corpus!r} in corpora.yml (one of {', '.join(sorted(specs))})")
    outcome = import_corpus(registry, spec, repo)
    review = outcome.review
    out.print(
        f"{spec.id}: {len(outcome.result.signatures)} signatures from {spec.repository}@{spec.commit[:12]}; "
        f"{len(review.new)} new, {len(review.changed)} changed, {len(review.dropped)} dropped, "
        f"{len(outcome.result.rejected)} rejected; review in {outcome.folder / 'review.md'}",
        soft_wrap=True,
    )
