"""`covered sites`, `covered worker`, `covered centre` and `covered scheduler`: the distributed deployment.

A site worker connects out to the broker with its site's own credentials and takes only its site's chunks;
the centre merges their results into the central store; the scheduler queues recurring site scans.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import DbOpt, split
from covered.cli.output import err, out
from covered.cli.root import app
from covered.errors import UsageError
from covered.report.wording import plural

__all__ = ["centre", "scheduler", "worker"]

sites_app = typer.Typer(help="Sites of the distributed deployment: their networks, workers, scans, schedules.")
app.add_typer(sites_app, name="sites", no_args_is_help=True)

BrokerOpt = Annotated[
    str | None,
    typer.Option(
        "--broker", envvar="COVERED_BROKER_URL", help="AMQP URL of the broker (amqp://user:password@host:5672/vhost)."
    ),
]


def _broker(url: str | None) -> str:
    if not url:
        raise UsageError("--broker", "give the broker's AMQP URL (--broker or COVERED_BROKER_URL)")
    if not url.startswith(("amqp://", "amqps://")):
        raise UsageError("--broker", "expected an amqp:// or amqps:// URL")
    return url


@sites_app.command("add")
def sites_add(
    name: Annotated[str, typer.Argument(help="Site name: lower-case letters, digits, hyphens.")],
    network: Annotated[list[str], typer.Option("--network", help="A network of the site (CIDR; repeat or commas).")],
    rate: Annotated[float, typer.Option("--rate", min=1, max=100_000, help="Packets/s for the whole site.")] = 300.0,
    host_rate: Annotated[float, typer.Option("--host-rate", min=1, max=10_000, help="Packets/s per host.")] = 20.0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Workers the site runs at once.")] = 1,
    db: DbOpt = None,
    broker: BrokerOpt = None,
) -> None:
    """Enrol a site: record it, create its queue and its own broker user; prints its workers' URL once."""
    from covered.cluster.broker_users import create_site_user
    from covered.cluster.celery_engine import CeleryEngine
    from covered.cluster.engine import check_site_name
    from covered.cluster.sites import add_site
    from covered.store import open_store

    url = _broker(broker)
    check_site_name(name)
    store = open_store(db)
    networks = split(network, "--network")
    from covered.cluster.sites import _networks

    _networks(networks)  # refuse a bad network before touching the broker
    credentials = create_site_user(url, name)
    CeleryEngine(url).prepare_site(name)
    add_site(store, name, networks, rate, host_rate, workers, credentials.user)
    err.print(f"site {escape(name)}: {', '.join(networks)}; {rate:.0f} packets/s shared by {plural(workers, 'worker')}")
    err.print("its workers' broker URL (shown once; give it to the site as COVERED_BROKER_URL):")
    out.print(credentials.url, soft_wrap=True, markup=False, highlight=False)


@sites_app.command("list")
def sites_list(db: DbOpt = None, broker: BrokerOpt = None) -> None:
    """Sites with their networks, rates, queue depth and the workers last heard from."""
    from covered.cluster.sites import list_sites
    from covered.store import open_store
    from covered.store.schema import SiteWorkerRow

    store = open_store(db)
    engine = None
    if broker:
        from covered.cluster.celery_engine import CeleryEngine

        engine = CeleryEngine(_broker(broker))
    with store.session() as session:
        from sqlalchemy import select

        workers = list(session.scalars(select(SiteWorkerRow).order_by(SiteWorkerRow.site, SiteWorkerRow.name)))
    table = Table(title="sites")
    for column in ("site", "networks", "packets/s", "per host", "workers", "queued", "last heard"):
        table.add_column(column)
    for site in list_sites(store):
        depth = engine.depth(site.name) if engine else None
        heard = [w for w in workers if w.site == site.name]
        seen = ", ".join(f"{w.name} ({w.version}, {w.last_seen:%Y-%m-%d %H:%M:%S}, {w.chunks} chunks)" for w in heard)
        table.add_row(
            escape(site.name),
            ", ".join(site.networks),
            f"{site.rate:.0f}",
            f"{site.host_rate:.0f}",
            str(site.workers),
            "?" if depth is None else str(depth),
            escape(seen) or "none yet",
        )
    out.print(table)


@sites_app.command("remove")
def sites_remove(
    name: Annotated[str, typer.Argument(help="Site name.")], db: DbOpt = None, broker: BrokerOpt = None
) -> None:
    """Remove a site: its schedules, broker user and queue (its scans and devices stay in the store)."""
    from covered.cluster.broker_users import delete_site_user
    from covered.cluster.celery_engine import CeleryEngine
    from covered.cluster.sites import get_site, remove_site
    from covered.store import open_store

    url = _broker(broker)
    store = open_store(db)
    get_site(store, name)
    delete_site_user(name)
    CeleryEngine(url).remove_site(name)
    remove_site(store, name)
    err.print(f"site {escape(name)} removed")


@sites_app.command("scan")
def sites_scan(
    name: Annotated[str, typer.Argument(help="Site name.")],
    targets: Annotated[list[str], typer.Argument(help="CIDRs, ranges or addresses inside the site's networks.")],
    ports: Annotated[str | None, typer.Option("--ports", help="Ports as for `covered scan`.")] = None,
    chunk: Annotated[int, typer.Option("--chunk", min=1, max=256, help="Addresses per chunk.")] = 128,
    timeout: Annotated[float, typer.Option("--timeout", min=0.2, max=60, help="Connect/read timeout, s.")] = 2.0,
    db: DbOpt = None,
    broker: BrokerOpt = None,
) -> None:
    """Queue a scan of the site: its workers take the chunks, the centre merges what they find."""
    from covered.cluster.celery_engine import CeleryEngine
    from covered.cluster.sites import queue_site_scan
    from covered.collect.probes import Limits
    from covered.collect.scanner import ScanOptions
    from covered.collect.targets import parse_ports
    from covered.store import open_store

    url = _broker(broker)
    store = open_store(db)
    options = ScanOptions(
        ports=parse_ports(ports),
        limits=Limits(connect_timeout=timeout, read_timeout=timeout * 1.5, request_deadline=timeout * 4),
    )
    queued = queue_site_scan(store, CeleryEngine(url), name, targets, options, chunk)
    for address, why in queued.skipped[:20]:
        err.print(f"[yellow]skipped:[/] {escape(address)}: {escape(why)}")
    err.print(
        f"scan {queued.scan_id}: {plural(queued.hosts, 'host')} of site {escape(queued.site)} "
        f"queued in {plural(queued.chunks, 'chunk')}"
    )
    out.print(str(queued.scan_id))


@sites_app.command("status")
def sites_status(
    name: Annotated[str | None, typer.Argument(help="Site name (default: all).")] = None, db: DbOpt = None
) -> None:
    """Site scans with their progress (chunks merged of chunks queued, chunks failed and why)."""
    from covered.cluster.sites import site_progress
    from covered.store import open_store

    table = Table(title="site scans")
    for column in ("scan", "site", "status", "chunks", "failed", "hosts", "why"):
        table.add_column(column)
    for row in site_progress(open_store(db), name):
        table.add_row(
            str(row.scan_id),
            escape(row.site),
            row.status,
            f"{row.chunks_done}/{row.chunks_total}",
            str(row.chunks_failed),
            str(row.hosts_total),
            escape(row.failure or ""),
        )
    out.print(table)


@sites_app.command("schedule")
def sites_schedule(
    name: Annotated[str, typer.Argument(help="Site name.")],
    targets: Annotated[list[str], typer.Argument(help="Targets inside the site's networks.")],
    cron: Annotated[str, typer.Option("--cron", help="Cron expression, UTC ('0 2 * * *': every night at 02:00).")],
    db: DbOpt = None,
) -> None:
    """Scan the site on a schedule (`covered scheduler` queues each run; a missed run happens once)."""
    from covered.cluster.scheduler import add_schedule, list_schedules
    from covered.store import open_store

    store = open_store(db)
    schedule_id = add_schedule(store, name, cron, targets)
    row = next(r for r in list_schedules(store, name) if r.id == schedule_id)
    err.print(
        f"schedule {schedule_id} of site {escape(name)}: '{escape(cron)}', first run {row.next_run:%Y-%m-%d %H:%M} UTC"
    )


@app.command()
def worker(
    site: Annotated[str, typer.Option("--site", help="The site this worker serves (it takes only its chunks).")],
    broker: BrokerOpt = None,
    scope: Annotated[Path | None, typer.Option("--scope", help="YAML allow/deny CIDRs this worker enforces.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=16, help="Chunks at once.")] = 1,
    name: Annotated[str | None, typer.Option("--name", help="Worker name (default: SITE@host name).")] = None,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=20, help="Tries after the first before a chunk is reported failed.")
    ] = 5,
    retry_delay: Annotated[
        float, typer.Option("--retry-delay", min=0.1, max=3600, help="Seconds before the first retry (then doubled).")
    ] = 5.0,
) -> None:
    """Run a site worker: connect out to the broker, scan the site's chunks, send results to the centre."""
    from covered.cli.root import selected_registry
    from covered.cluster.celery_engine import run_site_worker
    from covered.cluster.engine import check_site_name
    from covered.cluster.work import SiteWorkerIdentity
    from covered.collect.targets import Scope
    from covered.identify import identifier_for

    url = _broker(broker)
    identity = SiteWorkerIdentity(check_site_name(site), Scope.load(scope, allow_public=False), name)
    identifier = identifier_for(selected_registry())
    err.print(f"worker {escape(identity.name)} of site {escape(site)}: waiting for chunks")
    run_site_worker(url, identity, identifier, concurrency, retries, retry_delay)


@app.command()
def centre(db: DbOpt = None, broker: BrokerOpt = None) -> None:
    """Merge the site workers' chunk results into the central store (each chunk once, in arrival order)."""
    from covered.cluster.celery_engine import run_centre
    from covered.store import open_store

    url = _broker(broker)
    store = open_store(db)
    err.print("centre: merging chunk results")
    run_centre(url, store)


@app.command()
def scheduler(
    db: DbOpt = None,
    broker: BrokerOpt = None,
    interval: Annotated[float, typer.Option("--interval", min=0.5, max=3600, help="Seconds between checks.")] = 15.0,
) -> None:
    """Queue recurring site scans when they are due (schedules live in the central store)."""
    from covered.cluster.celery_engine import CeleryEngine
    from covered.cluster.scheduler import run_scheduler
    from covered.store import open_store

    engine = CeleryEngine(_broker(broker))
    store = open_store(db)
    err.print(f"scheduler: checking schedules every {interval:g} s")
    try:
        run_scheduler(store, engine, interval)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
