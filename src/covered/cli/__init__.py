"""The `covered` command: a thin Typer front end over the library, one module per command group.

Exit codes: 0 success, 1 findings (device commands), 2 usage or data error (one line, no traceback),
3 interrupted. ``--debug`` shows the traceback of an error. Heavy libraries (the store, the scanner, the web
app, report renderers) are imported inside the commands that need them, so ``covered --help`` starts fast.
"""

from __future__ import annotations

import importlib

from covered.cli.root import app, main

__all__ = ["COMMAND_MODULES", "app", "main"]

# Importing a module adds its commands to the root app; `covered --help` lists them in this order.
COMMAND_MODULES = (
    "directory",
    "registry_checks",
    "signatures",
    "identify",
    "scan",
    "assess",
    "track",
    "report",
    "keys",
    "capture",
    "ingest",
    "procurement",
    "enforce",
    "sites",
    "simulator",
    "web",
)
for _name in COMMAND_MODULES:
    importlib.import_module(f"covered.cli.{_name}")
