"""The web dashboard: `covered serve` and its users (`covered user add|list|token`)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import DbOpt, JsonOpt
from covered.cli.output import emit, err, out
from covered.cli.root import app, data_folder
from covered.errors import UsageError
from covered.report.wording import plural, shown_time

__all__ = ["serve", "user_add", "user_app", "user_list", "user_token"]

user_app = typer.Typer(help="Dashboard users: viewers read, editors change remediation status, admins manage users.")
app.add_typer(user_app, name="user", no_args_is_help=True)


def _new_password(name: str) -> str:
    password = os.environ.get("COVERED_USER_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise UsageError("password", "set COVERED_USER_PASSWORD (passwords are never taken on the command line)")
    import getpass

    first = getpass.getpass(f"new password for {name}: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("password", "the two entries differ")
    return first


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")] = "viewer",
    db: DbOpt = None,
) -> None:
    """Create a user, or reset an existing user's password and role (signing them out everywhere)."""
    from covered.store import open_store
    from covered.store.tracking import current_actor
    from covered.web.users import create_user

    store = open_store(db)
    create_user(store, name, role, _new_password(name), current_actor())
    out.print(f"user {escape(name)} ({escape(role)}) saved")


@user_app.command("list")
def user_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Users and their roles (never their password hashes)."""
    from covered.report.registry_views import json_lines
    from covered.store import open_store
    from covered.web.users import list_users

    rows = [{**u, "created_at": shown_time(str(u["created_at"]))} for u in list_users(open_store(db))]
    if as_json:
        emit(json_lines(rows), None)
        return
    table = Table(title=plural(len(rows), "user"))
    for column in ("name", "role", "disabled", "created_at"):
        table.add_column(column)
    for row in rows:
        cells = {**row, "disabled": str(row["disabled"]).lower()}  # true/false as every command prints them
        table.add_row(*(escape(str(cells[c])) for c in ("name", "role", "disabled", "created_at")))
    out.print(table)


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="User the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "api",
    db: DbOpt = None,
) -> None:
    """Create an API token (send it as 'Authorization: Bearer TOKEN'); it is printed once, only its hash is kept."""
    from covered.store import open_store
    from covered.store.tracking import current_actor
    from covered.web.users import create_token

    print(create_token(open_store(db), name, label, current_actor()))


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (when served behind HTTPS).")
    ] = False,
) -> None:
    """Serve the web dashboard and JSON API (OpenAPI at /api/docs); create the first admin with `covered user add`."""
    from covered.store import database_url, open_store
    from covered.web.serving import check_port, run
    from covered.web.users import list_users

    store = open_store(db)  # migrate once here, before workers start
    if not any(u["role"] == "admin" for u in list_users(store)):
        err.print("[yellow]No admin yet: create one with `covered user add NAME --role admin`.[/]")
    os.environ["COVERED_DB"] = database_url(db)
    if secure_cookies:
        os.environ["COVERED_SECURE_COOKIES"] = "1"
    data = data_folder()
    if data:
        os.environ["COVERED_DATA"] = str(data)
    check_port(host, port)
    err.print(f"covered dashboard on http://{host}:{port}/ ({plural(workers, 'worker')}); Ctrl-C stops it")
    run(host, port, workers)
