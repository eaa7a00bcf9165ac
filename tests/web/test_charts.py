"""Charts drawn on the server: a small count beside a large one stays visible."""

from __future__ import annotations

import re
from collections import Counter

from covered.web.charts import MIN_BAR, bar_chart, column_chart, world_map


def test_a_bar_of_one_beside_630_is_still_drawn() -> None:
    svg = bar_chart("Devices by vendor", Counter({"hikvision": 630, "zte": 1}))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 300
    assert widths[1] >= MIN_BAR
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" fill', column_chart("Per week", {"a": 630, "b": 1}))]
    assert heights[1] >= MIN_BAR
    # A count of zero draws nothing, and every chart scales down on narrow screens.
    assert 'width="0"' in bar_chart("Findings", Counter({"open": 5, "planned": 0}))
    assert "viewBox=" in svg


def test_a_chart_without_links_is_an_image_named_by_every_value() -> None:
    svg = bar_chart("Devices by vendor", Counter({"hikvision": 3, "dahua": 2}))
    assert 'role="img" aria-label="Devices by vendor: hikvision 3, dahua 2"' in svg
    assert "<a " not in svg


def test_a_linked_chart_is_a_group_of_links_a_keyboard_reaches() -> None:
    def link(label: str) -> str | None:
        return None if label == "unknown" else f"/devices?vendor={label}&state=present"

    svg = bar_chart("Devices by vendor", Counter({"hikvision": 3, "unknown": 2, "<b>": 1}), link)
    assert 'role="group" aria-label="Devices by vendor"' in svg
    assert '<a href="/devices?vendor=hikvision&amp;state=present" aria-label="hikvision: 3">' in svg
    assert 'href="/devices?vendor=unknown' not in svg  # no list behind "unknown": no link
    assert "<b>" not in svg  # labels are escaped, in the link and its name
    years = column_chart("Events per year", {"2019": 4, "unknown": 1}, lambda y: None if y == "unknown" else f"/y/{y}")
    assert years.count("<a ") == 1


def test_the_map_links_countries_with_events_and_has_a_legend() -> None:
    svg = world_map("Events by country", {"US": 40, "GB": 3, "EU": 2}, lambda code: f"/directory?country={code}")
    assert '<a href="/directory?country=US" aria-label="United States: 40 events">' in svg
    assert '<a href="/directory?country=FR"' not in svg  # no events, no link
    assert '<a href="/directory?country=EU">European Union (2)</a>' in svg  # off the map, still linked
    legend = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', svg, re.S)
    assert legend
    keys = re.findall(r"</svg> ([^<]+)</li>", legend[1])
    assert keys[0] == "none"
    # The shades' ranges cover every count from 1 to the largest, in order, without a gap.
    covered_counts: list[int] = []
    for key in keys[1:]:
        low, _, high = key.partition("–")
        covered_counts.extend(range(int(low), int(high or low) + 1))
    assert covered_counts == list(range(1, 41))
