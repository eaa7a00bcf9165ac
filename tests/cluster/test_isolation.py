"""Site isolation on the real broker: one site's credentials can neither read nor feed another site's queue."""

from __future__ import annotations

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection

from covered.cluster.orders import ChunkOrder
from covered.cluster.work import SiteWorkerIdentity, run_chunk
from covered.collect.targets import Scope
from covered.errors import UsageError
from tests.cluster.conftest import Sites


def test_site_b_credentials_cannot_read_site_a_queue(sites: Sites) -> None:
    site_a, _ = sites.add(["10.1.0.0/24"])
    _site_b, credentials_b = sites.add(["10.2.0.0/24"])
    with Connection(credentials_b.url, connect_timeout=10) as connection, pytest.raises(AccessRefused):
        connection.default_channel.basic_get(f"site.{site_a}")
    with Connection(credentials_b.url, connect_timeout=10) as connection, pytest.raises(AccessRefused):
        connection.default_channel.basic_get("covered.results")


def test_a_worker_refuses_another_sites_order() -> None:
    order = ChunkOrder(1, "site-b", 0, ["10.2.0.1"], {}, ["10.2.0.0/24"])
    with pytest.raises(UsageError, match="this worker serves 'site-a'"):
        run_chunk(order, SiteWorkerIdentity("site-a", Scope()), identifier=None)  # type: ignore[arg-type]
