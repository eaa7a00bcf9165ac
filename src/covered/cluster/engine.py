"""The project's own interface to a task engine: what the centre and the scheduler need from one.

Celery with RabbitMQ implements it (`covered.cluster.celery_engine`); another engine (arq, Temporal) would only
have to queue a chunk order on a site's own queue, report a queue's depth, and run the two kinds of consumer.
"""

from __future__ import annotations

import re
from typing import Protocol

from covered.cluster.orders import ChunkOrder
from covered.errors import UsageError

__all__ = ["SITE_NAME", "Engine", "check_site_name", "site_queue"]

SITE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
"""Site names: lower-case letters, digits and hyphens, so queue names and broker permissions stay exact."""


def check_site_name(name: str) -> str:
    """The name when it is a valid site name, else UsageError."""
    if not SITE_NAME.fullmatch(name):
        raise UsageError("SITE", f"{name!r}: use 1 to 40 lower-case letters, digits and hyphens")
    return name


def site_queue(site: str) -> str:
    """The queue (and exchange) of one site: only that site's broker user may read it."""
    return f"site.{check_site_name(site)}"


class Engine(Protocol):
    """Queues chunk orders for site workers and tells how much work waits."""

    def prepare_site(self, site: str) -> None:
        """Create the site's queue, so orders wait there before its first worker connects."""

    def remove_site(self, site: str) -> None:
        """Delete the site's queue and what waits in it."""

    def submit(self, order: ChunkOrder) -> None:
        """Queue one chunk order on its site's queue (persistent, acknowledged only once done)."""

    def depth(self, site: str) -> int | None:
        """Orders waiting in the site's queue (None when the broker cannot tell)."""
