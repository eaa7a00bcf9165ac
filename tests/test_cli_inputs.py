"""Observation files given on the command line: what cannot be trusted is said, not silently hashed."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.test_cli import run


def _observations(path: Path, favicon: str) -> Path:
    rows = [
        {"device": "d1", "channel": "favicon", "field": "bytes", "value": favicon},
        {"device": "d1", "channel": "http", "field": "server", "value": "lighttpd"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_favicon_bytes_that_are_not_base64_are_a_warning(tmp_path: Path) -> None:
    result = run("identify", "--observations", str(_observations(tmp_path / "bad.jsonl", "%%not base64!!")))
    assert result.returncode == 0, result.stderr
    assert "device d1: favicon bytes are not base64" in result.stderr


def test_base64_favicon_bytes_raise_no_warning(tmp_path: Path) -> None:
    good = base64.b64encode(b"\x00\x00\x01\x00icon").decode("ascii")
    result = run("identify", "--observations", str(_observations(tmp_path / "good.jsonl", good)))
    assert result.returncode == 0, result.stderr
    assert "favicon" not in result.stderr
