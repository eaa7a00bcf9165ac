"""Help of every command: flags show no value placeholder (a flag takes no value), options with a value do."""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.testing import CliRunner

from covered.cli import app


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    # Typer vendors its own Click: a group is recognised by its commands, not by click.Group.
    if hasattr(group, "commands"):
        for name, command in group.commands.items():
            paths.extend(_commands(command, (*path, name)))
    return paths


def test_no_flag_shows_a_bool_placeholder() -> None:
    runner = CliRunner()
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 20
    for path in commands:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, (path, result.output)
        assert re.search(r"--help\s+Show this message", result.output), (path, result.output)
    devices = runner.invoke(app, ["devices", "--help"], env={"COLUMNS": "200"}).output
    assert re.search(r"--db\s+<str>", devices), devices
    assert re.search(r"--json\s+JSON Lines", devices), devices
