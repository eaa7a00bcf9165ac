"""The root `covered` app: global options (--data, --debug) and the entry point that turns errors into exit codes.

Exit codes: 0 success, 1 findings (device commands), 2 usage or data error (one line, no traceback),
3 interrupted. ``--debug`` shows the traceback of an error.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperOption

from covered.cli.options import DataOption
from covered.cli.output import err
from covered.errors import CoveredError

if TYPE_CHECKING:
    from covered.registry import Registry

__all__ = ["app", "data_folder", "main", "selected_registry"]

_type_of = TyperOption.display_type_rich


def _flag_type(self: TyperOption, ctx: Any) -> str | None:
    """No value placeholder for a flag: `--json` takes no value, so help shows none (Typer 0.29 shows '<bool>')."""
    return None if self.is_flag else _type_of(self, ctx)


# Every command's help goes through this one method (typer/rich_utils.py `_print_options_panel`), including the
# --help option Typer adds itself, so flags are fixed once here instead of with a metavar on each declaration.
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

app = typer.Typer(
    name="covered",
    help="Find restricted-vendor surveillance and telecom equipment and the rules that make it a problem.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_state: dict[str, Any] = {"data": None, "debug": False}


@app.callback()
def _root(
    data: DataOption = None,
    debug: Annotated[bool, typer.Option("--debug", envvar="COVERED_DEBUG", help="Show tracebacks of errors.")] = False,
) -> None:
    _state["data"] = data
    _state["debug"] = debug


def data_folder() -> Path | None:
    """The registry data folder given with --data (or COVERED_DATA), None for the shipped data."""
    folder: Path | None = _state["data"]
    return folder


def selected_registry() -> Registry:
    """The registry loaded from the data folder chosen with --data; a folder of the user's has its quotes checked."""
    from covered.registry import load_registry
    from covered.registry.check import _quote_problems
    from covered.registry.loader import default_data_dir

    folder = data_folder()
    registry = load_registry(folder)
    if folder is not None and folder.resolve() != default_data_dir().resolve():
        # The shipped data is checked before release; a folder of the user's may have been edited by hand, and
        # `bans`, `search` and `show` would serve an altered quote as verbatim. Checking every quote against its
        # source text costs about a tenth of loading (40 ms of 400 ms for the shipped data).
        for problem in _quote_problems(registry):
            raise problem.as_error()
    return registry


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM behaves as Ctrl-C: the scan stops, is marked interrupted and can be resumed."""
    # Re-sent as SIGINT so every layer (asyncio.run's own handler, the scan's interrupt path) sees a Ctrl-C.
    signal.raise_signal(signal.SIGINT)


def _os_error(exc: OSError) -> str:
    """An operating-system error as '<file>: <what>', without Python's error number."""
    where = exc.filename if exc.filename is not None else "system"
    return f"{where}: {exc.strerror or type(exc).__name__}"


def _read_only_write(exc: Exception) -> bool:
    """A write into a database opened read-only (the store opens a file it may not write that way)."""
    # Recognised by name: importing SQLAlchemy here would slow down every command, `--help` included.
    return type(exc).__module__.startswith("sqlalchemy") and "readonly database" in str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every user-facing error into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("COVERED_DEBUG", "") not in {"", "0", "false"}
    if argv is None:
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(args, debug)
    except KeyboardInterrupt:
        err.print("covered: interrupted")
        return 3
    except OSError as exc:
        if debug:
            raise
        err.print(f"covered: {escape(_os_error(exc))}", soft_wrap=True)
        return 2
    except Exception as exc:
        if _read_only_write(exc) and not debug:
            err.print("covered: --db: the database is read-only and this command writes to it", soft_wrap=True)
            return 2
        # Last resort: whatever was not turned into a clean error where it arose is still one line, never a
        # traceback; --debug shows it.
        if debug:
            raise
        what = str(exc).splitlines()[0][:300] if str(exc) else ""
        err.print(
            f"covered: unexpected error ({type(exc).__name__}{': ' + escape(what) if what else ''}); "
            "run again with --debug for the traceback",
            soft_wrap=True,
        )
        return 2


_CLICK_INTERRUPTED = 130
"""The exit code Click gives a KeyboardInterrupt it caught; covered's own for an interruption is 3."""


def _run(args: list[str], debug: bool) -> int:
    try:
        result = app(args=args, prog_name="covered", standalone_mode=False)
    except CoveredError as exc:
        if debug:
            raise
        err.print(f"covered: {escape(exc.one_line())}", soft_wrap=True)
        return exc.exit_code
    except typer.Exit as exc:
        if exc.exit_code == _CLICK_INTERRUPTED:
            err.print("covered: interrupted")
            return 3
        return exc.exit_code
    except typer.Abort:
        err.print("covered: interrupted")
        return 3
    except typer.TyperException as exc:
        if debug:
            raise
        err.print(f"covered: {escape(exc.format_message())}", soft_wrap=True)
        return exc.exit_code
    if result == _CLICK_INTERRUPTED:
        # Typer's Click returns 130 for a KeyboardInterrupt it caught itself (outside covered's own handling).
        err.print("covered: interrupted")
        return 3
    return result if isinstance(result, int) else 0
