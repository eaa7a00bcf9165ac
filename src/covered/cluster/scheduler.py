"""Recurring site scans, persisted in the central store: cron expressions (UTC, croniter), fired by a loop.

A run is claimed before it is queued: the schedule's next run is moved past now (the next cron time after
now, not after the missed one) in the same transaction that reads it, under a row lock. So a scheduler that
was down for several periods fires the missed run once when it returns, never once per missed period, and two
schedulers never fire the same run. A scheduler killed between the claim and the queueing loses that run
(at most once): a doubled scan would cost a site twice its packet budget, a lost one is seen in `sites list`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence

from croniter import croniter
from sqlalchemy import select

from covered.cluster.engine import Engine
from covered.cluster.sites import get_site, queue_site_scan
from covered.errors import UsageError
from covered.store import Store
from covered.store.schema import SiteScheduleRow

__all__ = ["add_schedule", "list_schedules", "next_time", "run_scheduler", "tick"]

_log = logging.getLogger("covered.cluster")


def next_time(cron: str, after: dt.datetime) -> dt.datetime:
    """The first time the cron expression names after ``after`` (UTC); UsageError when it is not one."""
    if not croniter.is_valid(cron):
        raise UsageError("--cron", f"{cron!r} is not a cron expression (five fields: minute hour day month weekday)")
    following: dt.datetime = croniter(cron, after.astimezone(dt.UTC)).get_next(dt.datetime)
    return following if following.tzinfo else following.replace(tzinfo=dt.UTC)


def add_schedule(store: Store, site: str, cron: str, targets: Sequence[str], now: dt.datetime | None = None) -> int:
    """Schedule a recurring scan of the site; returns the schedule's id."""
    get_site(store, site)
    if not targets:
        raise UsageError("TARGETS", "a schedule needs targets inside the site's networks")
    first = next_time(cron, now or dt.datetime.now(dt.UTC))
    with store.session() as session, session.begin():
        row = SiteScheduleRow(site=site, cron=cron, targets=list(targets), enabled=True, next_run=first, runs=0)
        session.add(row)
        session.flush()
        return row.id


def list_schedules(store: Store, site: str | None = None) -> list[SiteScheduleRow]:
    """Schedules (of one site or all), by site and id."""
    query = select(SiteScheduleRow).order_by(SiteScheduleRow.site, SiteScheduleRow.id)
    if site is not None:
        query = query.where(SiteScheduleRow.site == site)
    with store.session() as session:
        return list(session.scalars(query))


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC


def tick(store: Store, engine: Engine, now: dt.datetime | None = None) -> list[int]:
    """Fire every schedule that is due (once each, however many runs it missed); returns the new scans' ids."""
    now = now or dt.datetime.now(dt.UTC)
    fired: list[int] = []
    with store.session() as session, session.begin():
        due = list(
            session.scalars(
                select(SiteScheduleRow)
                .where(SiteScheduleRow.enabled.is_(True), SiteScheduleRow.next_run <= now)
                .with_for_update(skip_locked=True)
            )
        )
        claimed = []
        for row in due:
            if _as_utc(row.next_run) > now:
                continue
            row.last_run, row.next_run, row.runs = now, next_time(row.cron, now), row.runs + 1
            claimed.append((row.id, row.site, list(row.targets)))
    for schedule_id, site, targets in claimed:
        try:
            queued = queue_site_scan(store, engine, site, targets)
        except UsageError as exc:
            _log.error("covered: schedule %s of site %s: %s", schedule_id, site, exc.one_line())
            continue
        with store.session() as session, session.begin():
            schedule = session.get(SiteScheduleRow, schedule_id)
            if schedule is not None:
                schedule.last_scan_id = queued.scan_id
        fired.append(queued.scan_id)
    return fired


def run_scheduler(store: Store, engine: Engine, interval: float = 15.0, stop: threading.Event | None = None) -> None:
    """Tick every ``interval`` seconds until ``stop`` is set (or forever)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        for scan_id in tick(store, engine):
            _log.warning("covered: scheduled scan %s queued", scan_id)
        stop.wait(interval)
