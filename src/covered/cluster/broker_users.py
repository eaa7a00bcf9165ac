"""Each site's own broker user on RabbitMQ, allowed to read only its site's queue and to publish only results.

Permissions are RabbitMQ's per-vhost regular expressions (configure, write, read), set with ``rabbitmqctl``
(https://www.rabbitmq.com/docs/access-control): a site user may declare and read ``site.NAME`` and write to it
(the binding) and to the results exchange; it cannot read another site's queue or the results queue. The broker
also validates the ``user_id`` property of what a site publishes, which the centre checks against the site.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from covered.cluster.engine import site_queue
from covered.errors import UsageError

__all__ = ["RESULTS_EXCHANGE", "RESULTS_QUEUE", "SiteCredentials", "create_site_user", "delete_site_user", "vhost_of"]

RESULTS_EXCHANGE = "covered.results"
RESULTS_QUEUE = "covered.results"


class SiteCredentials:
    """A site's broker user and the AMQP URL its workers connect with."""

    def __init__(self, user: str, url: str) -> None:
        self.user = user
        self.url = url


def vhost_of(broker_url: str) -> str:
    """The virtual host an AMQP URL names ('/' when none)."""
    path = urlsplit(broker_url).path.lstrip("/")
    return unquote(path) if path else "/"


def _ctl(*args: str) -> str:
    command = shlex.split(os.environ.get("COVERED_RABBITMQCTL", "rabbitmqctl")) + list(args)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    except FileNotFoundError:
        raise UsageError("broker", f"{command[0]} not found (set COVERED_RABBITMQCTL)") from None
    except subprocess.TimeoutExpired:
        raise UsageError("broker", f"{' '.join(args[:1])}: rabbitmqctl did not answer within 60 s") from None
    if done.returncode != 0:
        raise UsageError("broker", f"rabbitmqctl {args[0]}: {(done.stderr or done.stdout).strip()[:300]}")
    return done.stdout


def create_site_user(broker_url: str, site: str) -> SiteCredentials:
    """Create (or reset) the site's broker user with a new random password; returns its workers' URL."""
    queue = re.escape(site_queue(site))
    user = f"covered-site-{site}"
    password = secrets.token_hex(24)  # hex: a password starting with "-" would be read by rabbitmqctl as an option
    vhost = vhost_of(broker_url)
    users = {line.split("\t")[0] for line in _ctl("-q", "list_users").splitlines()}
    if user in users:
        _ctl("-q", "change_password", user, password)
    else:
        _ctl("-q", "add_user", user, password)
    results = re.escape(RESULTS_EXCHANGE)
    _ctl("-q", "set_permissions", "-p", vhost, user, f"^{queue}$", f"^({queue}|{results})$", f"^{queue}$")
    parts = urlsplit(broker_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return SiteCredentials(user, urlunsplit((parts.scheme, netloc, parts.path, "", "")))


def delete_site_user(site: str) -> None:
    """Delete the site's broker user (its workers are disconnected by the broker)."""
    user = f"covered-site-{site}"
    users = {line.split("\t")[0] for line in _ctl("-q", "list_users").splitlines()}
    if user in users:
        _ctl("-q", "delete_user", user)
