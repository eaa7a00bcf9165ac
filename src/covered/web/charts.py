"""Charts drawn on the server as inline SVG: no scripts, no external assets, every label escaped."""

from __future__ import annotations

import functools
import html
import json
from collections import Counter
from importlib import resources
from typing import Any

from covered.registry.jurisdictions import jurisdiction_name

__all__ = ["MIN_BAR", "bar_chart", "column_chart", "world_map"]

MIN_BAR = 3
"""Least length (px) of a bar with a count above zero: a 1 beside 630 is still seen (and hovered)."""


def _length(n: int, top: int, full: float) -> float:
    return 0.0 if n <= 0 else max(MIN_BAR, full * n / top)


def bar_chart(title: str, counts: Counter[str]) -> str:
    """Horizontal bars, largest first (at most 12), each labelled with its count; scales to narrow screens."""
    items = counts.most_common(12)
    if not items:
        return f"<figure><figcaption>{html.escape(title)}</figcaption><p>none</p></figure>"
    top = max(n for _, n in items)
    rows = []
    for i, (label, n) in enumerate(items):
        width = _length(n, top, 300)
        rows.append(
            f"<g><title>{html.escape(label)}: {n}</title>"
            f'<text x="0" y="{i * 22 + 15}">{html.escape(label[:24])}</text>'
            f'<rect x="160" y="{i * 22 + 3}" width="{width:.0f}" height="16" fill="#4a6fa5"/>'
            f'<text x="{165 + width:.0f}" y="{i * 22 + 15}">{n}</text></g>'
        )
    height = len(items) * 22 + 6
    return (
        f'<figure><figcaption>{html.escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" '
        f'role="img" viewBox="0 0 520 {height}" width="520" height="{height}" font-size="12">{"".join(rows)}</svg>'
        "</figure>"
    )


def column_chart(title: str, counts: dict[str, int]) -> str:
    """Vertical bars in the order given (e.g. events per year), each labelled with its count."""
    if not counts:
        return f"<figure><figcaption>{html.escape(title)}</figcaption><p>none</p></figure>"
    top = max(counts.values())
    width = 34
    bars = []
    for i, (label, n) in enumerate(counts.items()):
        height = _length(n, top, 130)
        short = "n.d." if label == "unknown" else label[-5:]
        x = i * width + 4
        bars.append(
            f"<g><title>{html.escape(label)}: {n}</title>"
            f'<rect x="{x}" y="{150 - height:.0f}" width="{width - 8}" height="{height:.0f}" fill="#4a6fa5"/>'
            f'<text x="{x + (width - 8) / 2:.0f}" y="{146 - height:.0f}" text-anchor="middle">{n}</text>'
            f'<text x="{x + (width - 8) / 2:.0f}" y="166" text-anchor="middle">{html.escape(short)}</text></g>'
        )
    return (
        f'<figure><figcaption>{html.escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" '
        f'role="img" viewBox="0 0 {len(counts) * width + 8} 172" width="{len(counts) * width + 8}" height="172" '
        f'font-size="11">{"".join(bars)}</svg></figure>'
    )


@functools.cache
def _world() -> dict[str, Any]:
    text = resources.files("covered.web").joinpath("static/world.json").read_text(encoding="utf-8")
    world: dict[str, Any] = json.loads(text)
    return world


_SHADES = ["#c6d4e8", "#9fb7d9", "#6f93c4", "#4a6fa5", "#2c4a78"]


def world_map(title: str, counts: dict[str, int]) -> str:
    """Countries shaded by count (Natural Earth 1:110m, public domain); places without a shape on the map
    (the EU, small states) are listed under it so no count is hidden."""
    world = _world()
    # Five shades from pale to dark blue; countries with no events stay grey.
    top = max(counts.values(), default=1)
    paths = []
    for code, country in world["countries"].items():
        n = counts.get(code, 0)
        shade = "#e3e6ea" if n == 0 else _SHADES[min(4, 5 * n // (top + 1))]
        label = f"{jurisdiction_name(code)}: {n} event{'s' if n != 1 else ''}"
        paths.append(
            f'<path d="{country["path"]}" fill="{shade}" stroke="#ffffff" stroke-width="0.4" '
            f'data-country="{html.escape(code)}"><title>{html.escape(label)}</title></path>'
        )
    off_map = [(code, n) for code, n in counts.items() if code not in world["countries"]]
    extra = (
        "<p>Not on the map: "
        + ", ".join(f"{html.escape(jurisdiction_name(code))} ({n})" for code, n in sorted(off_map))
        + "</p>"
        if off_map
        else ""
    )
    return (
        f'<figure class="map"><figcaption>{html.escape(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="{world["viewBox"]}" width="100%">'
        f'{"".join(paths)}</svg>{extra}<p class="small">{html.escape(world["attribution"])}</p></figure>'
    )
