"""Dashboard users: roles, argon2 password hashes, browser sessions with CSRF tokens, and API tokens.

Only hashes are stored: argon2id for passwords, SHA-256 for session cookies and API tokens (both are
256-bit random values, so a fast hash is enough). Every account change goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from covered.errors import UsageError
from covered.store import Store
from covered.store.schema import ApiTokenRow, UserRow, WebSessionRow
from covered.store.tracking import audit_entry

__all__ = [
    "SESSION_HOURS",
    "Role",
    "User",
    "authenticate",
    "create_token",
    "create_user",
    "end_session",
    "list_users",
    "session_user",
    "start_session",
    "token_user",
]

SESSION_HOURS = 8
MIN_PASSWORD = 12
_hasher = PasswordHasher()


class Role(StrEnum):
    """What a user may do: viewers read, editors also change remediation status, admins also manage users."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        """Whether this role includes the rights of ``needed``."""
        order = [Role.VIEWER, Role.EDITOR, Role.ADMIN]
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class User:
    """A signed-in user as the web layer sees it; ``csrf`` is set for browser sessions only."""

    id: int
    name: str
    role: Role
    csrf: str | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def create_user(store: Store, name: str, role: str, password: str, actor: str) -> int:
    """Add a user (or reset an existing user's password and role); returns the user id."""
    name = name.strip()
    if not name or len(name) > 120 or any(c.isspace() for c in name):
        raise UsageError("NAME", "a user name is 1-120 characters without spaces")
    try:
        chosen = Role(role)
    except ValueError:
        raise UsageError("--role", f"choose from {', '.join(r.value for r in Role)} (not {role!r})") from None
    if len(password) < MIN_PASSWORD:
        raise UsageError("password", f"use at least {MIN_PASSWORD} characters")
    with store.session() as session, session.begin():
        row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        before = None if row is None else row.role
        if row is None:
            row = UserRow(name=name, role=chosen.value, password_hash=_hasher.hash(password), disabled=False)
            session.add(row)
        else:
            row.role, row.password_hash, row.disabled = chosen.value, _hasher.hash(password), False
            session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        session.flush()
        audit_entry(session, actor, "user", f"user {name}", before, chosen.value, "account created or reset")
        return row.id


def list_users(store: Store) -> list[dict[str, object]]:
    """Users without their hashes."""
    with store.session() as session:
        return [
            {"id": u.id, "name": u.name, "role": u.role, "disabled": u.disabled, "created_at": u.created_at}
            for u in session.scalars(select(UserRow).order_by(UserRow.name))
        ]


class _Throttle:
    """Slows password guessing: after 5 failures for a name within 15 minutes, refuse it for 60 seconds."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, name: str) -> bool:
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if time.monotonic() - t < 900]
            self._failures[name] = recent
            return len(recent) >= 5 and time.monotonic() - recent[-1] < 60

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(time.monotonic())

    def cleared(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


throttle = _Throttle()


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user whose password this is, or None (unknown name, wrong password, disabled, or throttled)."""
    if throttle.blocked(name):
        return None
    with store.session() as session:
        row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        try:
            if row is None or row.disabled:
                # Spend the same time as a real check, so response times do not reveal which names exist.
                _hasher.verify(_DUMMY_HASH, password + "x")
            else:
                _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            throttle.failed(name)
            return None
        assert row is not None  # noqa: S101 - the dummy hash never verifies
        throttle.cleared(name)
        return User(row.id, row.name, Role(row.role))


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def start_session(store: Store, user: User) -> tuple[str, User]:
    """A new browser session: returns the cookie value and the user with the session's CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with store.session() as session, session.begin():
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < _now()))
        session.add(
            WebSessionRow(
                token_hash=_digest(token),
                user_id=user.id,
                csrf=csrf,
                expires_at=_now() + dt.timedelta(hours=SESSION_HOURS),
            )
        )
        audit_entry(session, user.name, "sign-in", f"user {user.name}", None, None, "web sign-in")
    return token, User(user.id, user.name, user.role, csrf)


def session_user(store: Store, token: str | None) -> User | None:
    """The user behind a session cookie, if it is known, unexpired and the account enabled."""
    if not token:
        return None
    with store.session() as session:
        found = session.execute(
            select(WebSessionRow, UserRow)
            .join(UserRow, WebSessionRow.user_id == UserRow.id)
            .where(WebSessionRow.token_hash == _digest(token))
        ).first()
    if found is None:
        return None
    web_session, row = found
    if row.disabled or _aware(web_session.expires_at) < _now():
        return None
    return User(row.id, row.name, Role(row.role), web_session.csrf)


def end_session(store: Store, token: str | None) -> None:
    """Forget a session (sign out)."""
    if token:
        with store.session() as session, session.begin():
            session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _digest(token)))


def create_token(store: Store, name: str, label: str, actor: str) -> str:
    """A new API token for a user; the token is shown once and only its hash is kept."""
    token = "cov_" + secrets.token_urlsafe(32)
    with store.session() as session, session.begin():
        row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        if row is None:
            raise UsageError("NAME", f"no user {name!r} (see `covered user list`)")
        session.add(ApiTokenRow(token_hash=_digest(token), user_id=row.id, label=label))
        audit_entry(session, actor, "token", f"user {name}", None, label, "API token created")
    return token


def token_user(store: Store, token: str) -> User | None:
    """The user an API token belongs to, if the token is known and the account enabled."""
    with store.session() as session:
        row = session.scalars(
            select(UserRow)
            .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
            .where(ApiTokenRow.token_hash == _digest(token))
        ).first()
    if row is None or row.disabled:
        return None
    return User(row.id, row.name, Role(row.role))
