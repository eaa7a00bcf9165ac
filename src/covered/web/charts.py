"""Charts drawn on the server as inline SVG: no scripts, no external assets, every label escaped."""

from __future__ import annotations

import functools
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from covered.registry.jurisdictions import jurisdiction_name

__all__ = ["MIN_BAR", "bar_chart", "column_chart", "world_map"]

MIN_BAR = 3
"""Least length (px) of a bar with a count above zero: a 1 beside 630 is still seen (and hovered)."""


def _length(n: int, top: int, full: float) -> float:
    return 0.0 if n <= 0 else max(MIN_BAR, full * n / top)


Link = Callable[[str], str | None]
"""Where a chart's bar or country leads: the list behind it, or None for no link."""


def _no_link(label: str) -> str | None:
    return None


def _linked(inner: str, label: str, n: int, link: Link) -> str:
    """A bar's or country's shapes, inside a link to the list behind it when there is one."""
    href = link(label)
    tip = f"<title>{html.escape(label)}: {n}</title>"
    if href is None:
        return f"<g>{tip}{inner}</g>"
    return f'<a href="{html.escape(href)}" aria-label="{html.escape(label)}: {n}">{tip}{inner}</a>'


def _svg_open(title: str, items: Iterable[tuple[str, int]], linked: bool, attributes: str) -> str:
    """The chart's <svg>: an image named by its title and every value when nothing in it is a link; a named
    group whose links a screen reader and the keyboard reach otherwise."""
    if linked:
        return f'<svg xmlns="http://www.w3.org/2000/svg" role="group" aria-label="{html.escape(title)}" {attributes}>'
    summary = f"{title}: " + ", ".join(f"{label} {n}" for label, n in items)
    return f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(summary)}" {attributes}>'


def bar_chart(title: str, counts: Counter[str], link: Link = _no_link) -> str:
    """Horizontal bars, largest first (at most 12), each labelled with its count; scales to narrow screens.
    ``link`` makes each bar a link to the list it counts."""
    items = counts.most_common(12)
    if not items:
        return f"<figure><figcaption>{html.escape(title)}</figcaption><p>none</p></figure>"
    top = max(n for _, n in items)
    rows = []
    for i, (label, n) in enumerate(items):
        width = _length(n, top, 300)
        shapes = (
            f'<text x="0" y="{i * 22 + 15}">{html.escape(label[:24])}</text>'
            f'<rect x="160" y="{i * 22 + 3}" width="{width:.0f}" height="16" fill="#4a6fa5"/>'
            f'<text x="{165 + width:.0f}" y="{i * 22 + 15}">{n}</text>'
        )
        rows.append(_linked(shapes, label, n, link))
    height = len(items) * 22 + 6
    linked = any(link(label) for label, _ in items)
    size = f'viewBox="0 0 520 {height}" width="520" height="{height}" font-size="12"'
    return (
        f"<figure><figcaption>{html.escape(title)}</figcaption>"
        f"{_svg_open(title, items, linked, size)}{''.join(rows)}</svg></figure>"
    )


def column_chart(title: str, counts: dict[str, int], link: Link = _no_link) -> str:
    """Vertical bars in the order given (e.g. events per year), each labelled with its count; ``link`` makes
    each bar a link to the list it counts."""
    if not counts:
        return f"<figure><figcaption>{html.escape(title)}</figcaption><p>none</p></figure>"
    top = max(counts.values())
    width = 34
    bars = []
    for i, (label, n) in enumerate(counts.items()):
        height = _length(n, top, 130)
        short = "n.d." if label == "unknown" else label[-5:]
        x = i * width + 4
        shapes = (
            f'<rect x="{x}" y="{150 - height:.0f}" width="{width - 8}" height="{height:.0f}" fill="#4a6fa5"/>'
            f'<text x="{x + (width - 8) / 2:.0f}" y="{146 - height:.0f}" text-anchor="middle">{n}</text>'
            f'<text x="{x + (width - 8) / 2:.0f}" y="166" text-anchor="middle">{html.escape(short)}</text>'
        )
        bars.append(_linked(shapes, label, n, link))
    linked = any(link(label) for label in counts)
    size = f'viewBox="0 0 {len(counts) * width + 8} 172" width="{len(counts) * width + 8}" height="172" font-size="11"'
    return (
        f"<figure><figcaption>{html.escape(title)}</figcaption>"
        f"{_svg_open(title, counts.items(), linked, size)}{''.join(bars)}</svg></figure>"
    )


@functools.cache
def _world() -> dict[str, Any]:
    text = resources.files("covered.web").joinpath("static/world.json").read_text(encoding="utf-8")
    world: dict[str, Any] = json.loads(text)
    return world


_SHADES = ["#c6d4e8", "#9fb7d9", "#6f93c4", "#4a6fa5", "#2c4a78"]


def _shade(n: int, top: int) -> str:
    return "#e3e6ea" if n == 0 else _SHADES[min(4, 5 * n // (top + 1))]


def _legend(top: int) -> str:
    """What each shade stands for, as the map draws them: the count ranges of its five blues, and grey."""
    ranges: dict[str, list[int]] = {}
    for n in range(1, top + 1):
        ranges.setdefault(_shade(n, top), []).append(n)
    keys = [("#e3e6ea", "none")] + [
        (shade, str(ns[0]) if len(ns) == 1 else f"{ns[0]}–{ns[-1]}") for shade, ns in ranges.items()
    ]
    swatches = "".join(
        f'<li><svg class="swatch" width="14" height="14" aria-hidden="true"><rect width="14" height="14" '
        f'fill="{shade}" stroke="#9aa3ad" stroke-width="0.5"/></svg> {html.escape(words)}</li>'
        for shade, words in keys
    )
    return f'<ul class="legend" aria-label="Events per country, by shade">{swatches}</ul>'


def world_map(title: str, counts: dict[str, int], link: Link = _no_link) -> str:
    """Countries shaded by count (Natural Earth 1:110m, public domain), with a legend of the shades; places
    without a shape on the map (the EU, small states) are listed under it so no count is hidden. ``link``
    (given a country code) makes each country with events a link to its events."""
    world = _world()
    # Five shades from pale to dark blue; countries with no events stay grey.
    top = max(counts.values(), default=1)
    paths = []
    for code, country in world["countries"].items():
        n = counts.get(code, 0)
        label = f"{jurisdiction_name(code)}: {n} event{'s' if n != 1 else ''}"
        shape = (
            f'<path d="{country["path"]}" fill="{_shade(n, top)}" stroke="#ffffff" stroke-width="0.4" '
            f'data-country="{html.escape(code)}"><title>{html.escape(label)}</title></path>'
        )
        href = link(code) if n else None
        paths.append(f'<a href="{html.escape(href)}" aria-label="{html.escape(label)}">{shape}</a>' if href else shape)
    off_map = [(code, n) for code, n in counts.items() if code not in world["countries"]]
    extra = (
        "<p>Not on the map: " + ", ".join(_place(code, n, link) for code, n in sorted(off_map)) + "</p>"
        if off_map
        else ""
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    named = [(jurisdiction_name(code), n) for code, n in ranked]
    linked = any(link(code) for code in counts)
    opening = _svg_open(title, named, linked, f'viewBox="{world["viewBox"]}" width="100%"')
    return (
        f'<figure class="map"><figcaption>{html.escape(title)}</figcaption>'
        f"{opening}{''.join(paths)}</svg>{_legend(top)}{extra}"
        f'<p class="small">{html.escape(world["attribution"])}</p></figure>'
    )


def _place(code: str, n: int, link: Link) -> str:
    words = f"{html.escape(jurisdiction_name(code))} ({n})"
    href = link(code)
    return f'<a href="{html.escape(href)}">{words}</a>' if href else words
