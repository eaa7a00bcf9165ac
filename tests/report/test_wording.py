"""Words shown to users: counts, times and citations."""

from __future__ import annotations

import datetime as dt

import pytest

from covered.report.wording import citation, plural, shown_time


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [(0, "device", "0 devices"), (1, "device", "1 device"), (2, "entry", "2 entries"), (1, "entry", "1 entry")],
)
def test_plural(count: int, word: str, expected: str) -> None:
    assert plural(count, word) == expected


def test_times_are_shown_to_the_second_in_utc() -> None:
    naive = dt.datetime(2026, 12, 3, 18, 25, 54, 628314)
    assert shown_time(naive) == "2026-12-03T18:25:54Z"
    paris = dt.datetime(2026, 12, 3, 19, 25, 54, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert shown_time(paris) == "2026-12-03T18:25:54Z"
    assert shown_time("2026-12-03T18:25:54.628314") == "2026-12-03T18:25:54Z"


@pytest.mark.parametrize(
    ("reference", "matcher", "expected"),
    [
        ("main/src/covered/registry/data/brands.yml#hikvision-brand", None, "registry data brands.yml#hikvision-brand"),
        (
            "shared/research/device-protocols.md#1.4",
            "hikvision-onvif-scope-name-hikvision",
            "covered research notes, device-protocols.md section 1.4; the strings and where they were seen: "
            "`covered signatures show hikvision-onvif-scope-name-hikvision`",
        ),
        (
            "shared/research/oui-prefixes.json",
            "oui:44:19:B6/24",
            "covered research notes, oui-prefixes.json (not shipped)",
        ),
        ("rapid7/recog@14fa1a7:xml/http_servers.xml#L3067", "x", "rapid7/recog@14fa1a7:xml/http_servers.xml#L3067"),
        (None, None, "n/a"),
    ],
)
def test_citations_a_user_can_follow(reference: str | None, matcher: str | None, expected: str) -> None:
    assert citation(reference, matcher) == expected
