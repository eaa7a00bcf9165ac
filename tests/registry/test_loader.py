"""Malformed data files give one DataError naming the file and the line of the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.errors import DataError
from covered.registry import load_registry

GOOD_ACTOR = "- {id: test-actor, name: Test, type: company, jurisdiction: GB}\n"


def _write(data: Path, name: str, text: str) -> Path:
    path = data / "actors" / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD_ACTOR + "- {id: x, name: X, type: company, jurisdiction: GB, colour: red}\n", 2, "unknown field"),
        (GOOD_ACTOR + "- id: y\n  name: Y\n  type: warlord\n  jurisdiction: GB\n", 4, "unknown value 'warlord'"),
        (GOOD_ACTOR + "- id: Bad Id\n  name: Z\n  type: company\n  jurisdiction: GB\n", 2, "should match pattern"),
        (GOOD_ACTOR + "- id: z\n  name: a: b\n", 3, "YAML syntax: mapping values are not allowed"),
        (
            GOOD_ACTOR + "- id: w\n  name: W\n  name: V\n  type: company\n  jurisdiction: GB\n",
            4,
            "duplicate key 'name'",
        ),
        ("id: not-a-list\n", 1, "expected a YAML list"),
        (GOOD_ACTOR + "- just a string\n", 2, "expected a Actor mapping"),
    ],
)
def test_malformed_file_names_file_and_line(data_copy: Path, text: str, line: int, message: str) -> None:
    path = _write(data_copy, "zz-test.yml", text)
    with pytest.raises(DataError) as caught:
        load_registry(data_copy)
    assert caught.value.path == path
    assert caught.value.line == line
    assert message in caught.value.message


def test_duplicate_id_across_files_names_both(data_copy: Path) -> None:
    _write(data_copy, "zz-a.yml", GOOD_ACTOR)
    path = _write(data_copy, "zz-b.yml", "# comment\n" + GOOD_ACTOR)
    with pytest.raises(DataError) as caught:
        load_registry(data_copy)
    assert caught.value.path == path
    assert caught.value.line == 2
    assert "duplicate actor id 'test-actor' (first at actors/zz-a.yml:1)" in caught.value.message


BAD_DATE_EVENT = """\
- id: zz-test-event
  actor: tesco
  vendors: [hikvision]
  action: removal
  scope: test
  reason: unstated
  date:
    value: '2022-13'
    precision: month
  status: completed
  summary: test
  source: seed-001-dw-eu-hikvision
  quote: Hikvision has faced repeated accusations
  quote_language: en
  quote_en: Hikvision has faced repeated accusations
"""


def test_bad_date_in_event_points_at_the_date_line(data_copy: Path) -> None:
    path = data_copy / "events" / "zz-test.yml"
    path.write_text(BAD_DATE_EVENT, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_registry(data_copy)
    assert caught.value.path == path
    assert caught.value.line == 8
    assert "date: month must be in 1..12" in caught.value.message


def test_dangling_reference_is_an_error(data_copy: Path) -> None:
    _write(data_copy, "zz-test.yml", "- {id: orphan, name: O, type: company, jurisdiction: GB, parent: nobody}\n")
    with pytest.raises(DataError, match="parent: unknown actor id 'nobody'"):
        load_registry(data_copy)


def test_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="registry data folder not found"):
        load_registry(tmp_path / "absent")
