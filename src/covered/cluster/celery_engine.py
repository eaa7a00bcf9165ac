# mypy: disable-error-code="no-untyped-call"
"""Celery 5 on RabbitMQ behind the project's engine interface: the centre's orders, site workers, result merger.

Settings and why (measured and sourced in docs/architecture.md):
- ``task_acks_late`` + ``task_reject_on_worker_lost`` + prefetch 1: a chunk is acknowledged only once its result
  was published, and a worker that dies (even by SIGKILL) gives its chunk back when the broker sees its
  connection drop; another worker of the same site takes it.
- JSON only, never pickle: a site machine is less trusted than the centre.
- No remote control, events, gossip or mingle: those use broadcast exchanges a site user may not touch, and a
  site worker needs nothing but its own queue and the results exchange.
- A hard time limit per chunk far below RabbitMQ's consumer timeout (raised to 3 h in scripts/rabbitmq.sh).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from kombu import Connection, Exchange, Queue  # type: ignore[attr-defined]

from covered.cluster.broker_users import RESULTS_EXCHANGE, RESULTS_QUEUE
from covered.cluster.engine import site_queue
from covered.cluster.orders import ChunkFailure, ChunkOrder, ChunkResult
from covered.errors import UsageError

__all__ = ["CeleryEngine", "make_app", "results_queue", "run_centre", "run_site_worker", "site_queue_entity"]

CHUNK_TIME_LIMIT = 20 * 60
"""Seconds a chunk may take before its worker process is killed."""
CHUNK_SOFT_LIMIT = CHUNK_TIME_LIMIT - 60
"""Seconds after which the chunk's task is interrupted, so it fails (and is retried or reported) in time."""
RETRIES = 5
"""Tries after the first before a worker reports a chunk failed."""
RETRY_DELAY = 5.0
"""Seconds before the first retry; each further retry waits twice as long."""
_state: dict[str, Any] = {}
"""What the task functions need in the worker process: set before the worker starts (and so before it forks)."""


def site_queue_entity(site: str) -> Queue:
    """The site's durable queue on its own direct exchange."""
    name = site_queue(site)
    return Queue(name, Exchange(name, type="direct", durable=True), routing_key=name, durable=True)


def results_queue(declare: bool = True) -> Queue:
    """The centre's results queue; a site worker publishes to it without declaring it (it may not)."""
    return Queue(
        RESULTS_QUEUE,
        Exchange(RESULTS_EXCHANGE, type="direct", durable=True),
        routing_key="results",
        durable=True,
        no_declare=not declare,
    )


def make_app(broker_url: str) -> Celery:
    """The Celery application with covered's two tasks and its delivery settings."""
    app = Celery("covered", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        worker_enable_remote_control=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
        task_time_limit=CHUNK_TIME_LIMIT,
        task_soft_time_limit=CHUNK_SOFT_LIMIT,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        task_create_missing_queues=False,
        worker_hijack_root_logger=False,
        task_default_queue=RESULTS_QUEUE,
        task_queues=[],
    )

    # A chunk that fails (scanner error, broker refused its result) is tried again in the same task with doubling
    # back-off: a re-published retry would need the site user to write where the broker may refuse it, and a
    # refused publish is lost without an error. After the last try the worker reports the failure and the centre
    # marks the chunk failed, so no scan waits for it. A worker that dies mid-chunk is still covered by acks_late.
    @app.task(name="covered.scan_chunk", bind=True)  # type: ignore[untyped-decorator]
    def scan_chunk(task: Any, record: dict[str, Any]) -> None:
        order = ChunkOrder.from_record(record)
        retries, delay = int(_state.get("retries", RETRIES)), float(_state.get("retry_delay", RETRY_DELAY))
        tries, reason = 0, ""
        while tries <= retries:
            tries += 1
            try:
                _scan_and_publish(task.app, order)
                return
            except UsageError as exc:  # an order this worker must refuse: trying again changes nothing
                reason = exc.one_line()
                break
            except SoftTimeLimitExceeded:
                reason = f"took longer than {CHUNK_SOFT_LIMIT} s"
                break
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                logging.getLogger("covered.cluster").warning(
                    "covered: chunk %s of scan %s, try %s: %s", order.seq, order.scan_id, tries, reason
                )
                if tries <= retries:
                    time.sleep(delay * 2 ** (tries - 1))
        _give_up(task.app, order, tries, reason)

    @app.task(name="covered.chunk_failed", bind=True)  # type: ignore[untyped-decorator]
    def chunk_failed(task: Any, record: dict[str, Any]) -> None:
        from covered.cluster.merge import fail_chunk

        sender = (task.request.properties or {}).get("user_id")
        try:
            fail_chunk(_state["store"], ChunkFailure.from_record(record), sender=str(sender) if sender else "")
        except UsageError as exc:
            logging.getLogger("covered.cluster").error("covered: %s", exc.one_line())

    @app.task(name="covered.merge_chunk", bind=True)  # type: ignore[untyped-decorator]
    def merge_chunk(task: Any, record: dict[str, Any]) -> None:
        from covered.cluster.merge import merge_chunk as merge

        properties = task.request.properties or {}
        sender = properties.get("user_id")
        try:
            merge(_state["store"], ChunkResult.from_record(record), sender=str(sender) if sender else "")
        except UsageError as exc:
            # A result the centre refuses is dropped (acknowledged) and logged, never retried for ever.
            logging.getLogger("covered.cluster").error("covered: %s", exc.one_line())

    return app


def _scan_and_publish(app: Celery, order: ChunkOrder) -> None:
    """Probe the chunk and send its result to the centre."""
    from covered.cluster.work import run_chunk

    result = run_chunk(order, _state["identity"], _state["identifier"])
    _publish(app, "covered.merge_chunk", result.record())


def _publish(app: Celery, task: str, record: dict[str, Any]) -> None:
    """Send a record to the centre through the results exchange, as this worker's broker user."""
    app.send_task(
        task,
        args=[record],
        queue=results_queue(declare=False),
        exchange=RESULTS_EXCHANGE,
        routing_key="results",
        user_id=_state["broker_user"],
    )


def _give_up(app: Celery, order: ChunkOrder, tries: int, reason: str) -> None:
    """Report a chunk failed to the centre (the order is then acknowledged: it is not tried again)."""
    from covered import __version__

    identity = _state["identity"]
    failure = ChunkFailure(order.scan_id, order.site, order.seq, identity.name, __version__, tries, reason)
    logging.getLogger("covered.cluster").error(
        "covered: chunk %s of scan %s failed after %s: %s", order.seq, order.scan_id, tries, reason
    )
    _publish(app, "covered.chunk_failed", failure.record())


def _user_of(broker_url: str) -> str:
    return unquote(urlsplit(broker_url).username or "guest")


class CeleryEngine:
    """The engine interface on Celery and RabbitMQ (the centre's side, with the administrator's URL)."""

    def __init__(self, broker_url: str) -> None:
        self.broker_url = broker_url
        self.app = make_app(broker_url)

    def _declare(self, queue: Queue) -> None:
        try:
            with Connection(self.broker_url, connect_timeout=10) as connection:
                queue.bind(connection.default_channel).declare()
        except OSError as exc:
            raise UsageError("--broker", f"cannot reach the broker: {exc}") from None

    def prepare_site(self, site: str) -> None:
        """Declare the site's queue and the centre's results queue."""
        self._declare(site_queue_entity(site))
        self._declare(results_queue())

    def remove_site(self, site: str) -> None:
        """Delete the site's queue and exchange."""
        queue = site_queue_entity(site)
        with Connection(self.broker_url, connect_timeout=10) as connection:
            bound = queue.bind(connection.default_channel)
            bound.delete()
            if bound.exchange is not None:
                bound.exchange.delete()

    def submit(self, order: ChunkOrder) -> None:
        """Publish the order, persistent, to the site's queue."""
        try:
            self.app.send_task("covered.scan_chunk", args=[order.record()], queue=site_queue_entity(order.site))
        except OSError as exc:
            raise UsageError("--broker", f"cannot reach the broker: {exc}") from None

    def depth(self, site: str) -> int | None:
        """Messages ready in the site's queue (passive declare), None when it cannot be read."""
        try:
            with Connection(self.broker_url, connect_timeout=10) as connection:
                _name, count, _consumers = connection.default_channel.queue_declare(site_queue(site), passive=True)
                return int(count)
        except Exception:  # a missing queue or an unreachable broker: the depth is unknown
            return None


def run_site_worker(
    broker_url: str,
    identity: Any,
    identifier: Any,
    concurrency: int = 1,
    retries: int = RETRIES,
    retry_delay: float = RETRY_DELAY,
) -> None:
    """Consume only the site's queue, forever (until SIGTERM); outbound connections only."""
    app = make_app(broker_url)
    app.conf.task_queues = [site_queue_entity(identity.site)]
    _state.update(
        identity=identity,
        identifier=identifier,
        broker_user=_user_of(broker_url),
        retries=retries,
        retry_delay=retry_delay,
    )
    app.worker_main(
        [
            "worker",
            f"--queues={site_queue(identity.site)}",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            f"--hostname={identity.name}",
        ]
    )


def run_centre(broker_url: str, store: Any) -> None:
    """Consume the results queue and merge each chunk into the central store, one at a time (solo pool)."""
    app = make_app(broker_url)
    app.conf.task_queues = [results_queue()]
    _state.update(store=store)
    app.worker_main(
        [
            "worker",
            f"--queues={RESULTS_QUEUE}",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "--hostname=covered-centre@%h",
        ]
    )
