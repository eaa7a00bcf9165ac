"""Dashboard users: roles, argon2 password hashes, browser sessions with CSRF tokens, and API tokens.

Only hashes are stored: argon2id for passwords, SHA-256 for session cookies and API tokens (both are
256-bit random values, so a fast hash is enough). Every account change goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covered.errors import UsageError
from covered.store import Store
from covered.store.schema import ApiTokenRow, AuditRow, SignInFailureRow, UserRow, WebSessionRow
from covered.store.tracking import audit_entry

__all__ = [
    "SESSION_HOURS",
    "Role",
    "SignInLocked",
    "User",
    "authenticate",
    "create_token",
    "create_user",
    "end_session",
    "list_tokens",
    "list_users",
    "revoke_token",
    "session_user",
    "set_disabled",
    "set_role",
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
        if row is not None and chosen is not Role.ADMIN:
            _keep_an_admin(session, row, "--role")
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
    """Users without their hashes, each with when it last signed in (from the audit log; None: never)."""
    with store.session() as session:
        last = dict(
            session.execute(
                select(AuditRow.actor, func.max(AuditRow.at))
                .where(AuditRow.action == "sign-in")
                .group_by(AuditRow.actor)
            ).all()
        )
        return [
            {
                "id": u.id,
                "name": u.name,
                "role": u.role,
                "disabled": u.disabled,
                "created_at": u.created_at,
                "last_sign_in": last.get(u.name),
            }
            for u in session.scalars(select(UserRow).order_by(UserRow.name))
        ]


MAX_FAILURES = 5
"""Failed sign-ins for one name from one address before that pair is locked out."""
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 3600
FORGET_AFTER = dt.timedelta(hours=24)
"""Failures of a name and address with no new failure and no lock for this long are forgotten."""


class SignInLocked(Exception):
    """Too many failed sign-ins for this name from this address: refused without checking the password."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"locked for {seconds} s")


def _lock_seconds(failures: int) -> int:
    # Exponential back-off: 30 s at the 5th failure, doubling with each further one, at most an hour.
    return min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS << min(20, max(0, failures - MAX_FAILURES)))


def _count_attempt(store: Store, name: str, source: str) -> tuple[int, dt.datetime | None]:
    """Count this attempt against the name and address before the password is checked, so concurrent guesses
    in several workers are all counted; returns the count and the lock it set. Raises SignInLocked when an
    earlier attempt already locked the pair."""
    name, source = name[:120], source[:64]
    pair = (SignInFailureRow.name == name, SignInFailureRow.source == source)
    for _ in range(3):
        now = _now()
        try:
            with store.session() as session, session.begin():
                # The UPDATE comes first: it takes the write lock, so the read below sees every other attempt.
                counted: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                    update(SignInFailureRow)
                    .where(*pair)
                    .where(or_(SignInFailureRow.locked_until.is_(None), SignInFailureRow.locked_until <= now))
                    .values(failures=SignInFailureRow.failures + 1, last_failure=now)
                )
                row = session.scalars(select(SignInFailureRow).where(*pair)).first()
                if row is None:
                    row = SignInFailureRow(name=name, source=source, failures=1, last_failure=now)
                    session.add(row)
                elif not counted.rowcount:
                    raise SignInLocked(max(1, int((_aware(row.locked_until or now) - now).total_seconds()) + 1))
                elif now - _aware(row.last_failure) > FORGET_AFTER:
                    row.failures = 1
                locked = None
                if row.failures >= MAX_FAILURES:
                    locked = now + dt.timedelta(seconds=_lock_seconds(row.failures))
                    row.locked_until = locked
                return row.failures, locked
        except IntegrityError:
            continue  # another worker inserted the pair's first failure at the same moment: count again
    raise SignInLocked(1)


def _forget_failures(store: Store, name: str, source: str) -> None:
    with store.session() as session, session.begin():
        session.execute(
            delete(SignInFailureRow).where(SignInFailureRow.name == name[:120], SignInFailureRow.source == source[:64])
        )
        # Old pairs of anyone else go too, so the table holds only recent attempts.
        session.execute(
            delete(SignInFailureRow).where(
                SignInFailureRow.last_failure < _now() - FORGET_AFTER,
                or_(SignInFailureRow.locked_until.is_(None), SignInFailureRow.locked_until < _now()),
            )
        )


def authenticate(store: Store, name: str, password: str, source: str = "") -> User | None:
    """The user whose password this is, or None (unknown name, wrong password or disabled).

    Failures count per name and source address in the database, shared by every worker; after
    MAX_FAILURES the pair is locked with exponential back-off (SignInLocked), so guessing is slow while
    the same name still signs in from any other address. Failures and lockouts go to the audit log.
    """
    failures, locked = _count_attempt(store, name, source)
    with store.session() as session:
        row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        try:
            if row is None or row.disabled:
                # Spend the same time as a real check, so response times do not reveal which names exist.
                _hasher.verify(_DUMMY_HASH, password + "x")
            else:
                _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            row = None
    if row is not None:
        _forget_failures(store, name, source)
        return User(row.id, row.name, Role(row.role))
    with store.session() as session, session.begin():
        where = f"from {source or 'an unknown address'}"
        audit_entry(session, source or "anonymous", "sign-in-failed", f"user {name[:100]}", None, failures, where)
        if locked is not None:
            reason = f"{failures} failed sign-ins {where}; refused until {locked.isoformat(timespec='seconds')}"
            audit_entry(session, source or "anonymous", "sign-in-locked", f"user {name[:100]}", None, None, reason)
    return None


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


def _keep_an_admin(session: Session, row: UserRow, option: str) -> None:
    """Refuse a change that would leave no enabled admin (nobody could then manage users from the web)."""
    if row.role != Role.ADMIN.value or row.disabled:
        return
    others = session.scalar(
        select(func.count(UserRow.id)).where(
            UserRow.role == Role.ADMIN.value, UserRow.disabled.is_(False), UserRow.id != row.id
        )
    )
    if not others:
        raise UsageError(option, f"{row.name} is the last enabled admin; make another admin first")


def _user_row(session: Session, name: str) -> UserRow:
    row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
    if row is None:
        raise LookupError(f"no user {name!r}")
    return row


def set_role(store: Store, name: str, role: str, actor: str) -> None:
    """Change a user's role without touching the password; the last enabled admin keeps the role. Audited."""
    try:
        chosen = Role(role)
    except ValueError:
        raise UsageError("--role", f"choose from {', '.join(r.value for r in Role)} (not {role!r})") from None
    with store.session() as session, session.begin():
        row = _user_row(session, name)
        if row.role == chosen.value:
            return
        if chosen is not Role.ADMIN:
            _keep_an_admin(session, row, "--role")
        audit_entry(session, actor, "user-role", f"user {name}", row.role, chosen.value, "role changed")
        row.role = chosen.value


def set_disabled(store: Store, name: str, disabled: bool, actor: str) -> None:
    """Disable (ending its sessions; its API tokens stop working) or enable an account. Audited."""
    with store.session() as session, session.begin():
        row = _user_row(session, name)
        if row.disabled == disabled:
            return
        if disabled:
            _keep_an_admin(session, row, "disabled")
            session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        what = "account disabled" if disabled else "account enabled"
        audit_entry(session, actor, "user-disabled", f"user {name}", row.disabled, disabled, what)
        row.disabled = disabled


def list_tokens(store: Store) -> list[dict[str, object]]:
    """API tokens (never their values): id, owner, label and when each was created."""
    with store.session() as session:
        rows = session.execute(
            select(ApiTokenRow, UserRow.name).join(UserRow, ApiTokenRow.user_id == UserRow.id).order_by(ApiTokenRow.id)
        ).all()
        return [
            {"id": t.id, "user": user, "label": t.label, "created_at": _aware(t.created_at).isoformat()}
            for t, user in rows
        ]


def revoke_token(store: Store, token_id: int, actor: str) -> None:
    """Delete an API token so it no longer signs anyone in. Audited."""
    with store.session() as session, session.begin():
        found = session.execute(
            select(ApiTokenRow, UserRow.name)
            .join(UserRow, ApiTokenRow.user_id == UserRow.id)
            .where(ApiTokenRow.id == token_id)
        ).first()
        if found is None:
            raise LookupError(f"no API token {token_id}")
        token, owner = found
        audit_entry(
            session, actor, "token-revoked", f"user {owner}", token.label, None, f"API token {token.id} revoked"
        )
        session.delete(token)
