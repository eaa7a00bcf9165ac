"""Charts drawn on the server: a small count beside a large one stays visible."""

from __future__ import annotations

import re
from collections import Counter

from covered.web.charts import MIN_BAR, bar_chart, column_chart


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
