"""Charts drawn by the server as SVG: no chart library, no request to another host. Each
chart is decorative for screen readers (``aria-hidden``): the page shows its data table
beside it. In right-to-left languages the bars grow from the right and time runs from
right to left; the map keeps its geography."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAP_FILE = Path(settings.BASE_DIR) / "data" / "indicators" / "oriental_provinces.geojson"
SHADES = ("#e8f3ee", "#b9dccb", "#7fbf9f", "#3f9a70", "#146c46")
NO_DATA = "#f2f2f2"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str  # class of the bars: series-f, series-m, series-total


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


class _Canvas:
    def __init__(self, width: int, rtl: bool) -> None:
        self.width = width
        self.rtl = rtl
        self.parts: list[str] = []

    def x(self, x: float, w: float = 0) -> float:
        return self.width - x - w if self.rtl else x

    def rect(self, x: float, y: float, w: float, h: float, css: str, title: str = "") -> None:
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.parts.append(
            f'<rect class="{css}" x="{self.x(x, w):.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
            f'height="{h:.1f}">{tip}</rect>'
        )

    def text(self, x: float, y: float, content: str, anchor: str = "start", css: str = "") -> None:
        direction = ' direction="rtl"' if self.rtl else ""
        self.parts.append(
            f'<text x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{anchor}"{direction} '
            f'class="{css}">{escape(content)}</text>'
        )

    def svg(self, height: float, label: str) -> SafeString:
        body = "".join(self.parts)
        return mark_safe(  # noqa: S308 - every piece of text above went through escape()
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} '
            f'{height:.0f}" role="img" aria-label="{escape(label)}" direction="ltr">{body}</svg>'
        )


def bar_chart(
    label: str,
    items: Sequence[tuple[str, dict[str, float | int | None]]],
    series: Sequence[Series],
    *,
    rtl: bool = False,
    width: int = 640,
) -> SafeString:
    """Horizontal bars, one group per item, one bar per series."""
    label_width, gap, bar = 190, 10, 14
    group = bar * len(series) + gap
    top = 24
    canvas = _Canvas(width, rtl)
    peak = max([float(v or 0) for _, values in items for v in values.values()] + [1.0])
    room = width - label_width - 60
    for position, s in enumerate(series):
        canvas.rect(label_width + position * 120, 6, 10, 10, s.css)
        canvas.text(label_width + position * 120 + 14, 15, s.label, css="legend")
    for index, (name, values) in enumerate(items):
        y = top + index * group
        canvas.text(label_width - 8, y + group / 2, name[:32], anchor="end", css="label")
        for position, s in enumerate(series):
            value = values.get(s.key)
            length = room * float(value or 0) / peak
            bar_y = y + position * bar
            canvas.rect(
                label_width, bar_y, length, bar - 2, s.css, f"{name} · {s.label}: {_fmt(value)}"
            )
            canvas.text(label_width + length + 4, bar_y + bar - 4, _fmt(value), css="value")
    return canvas.svg(top + len(items) * group + 6, label)


def column_chart(
    label: str,
    items: Sequence[tuple[str, dict[str, float | int | None]]],
    series: Sequence[Series],
    *,
    rtl: bool = False,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Vertical columns over time, oldest first in reading order."""
    bottom, top, side = 30, 24, 10
    canvas = _Canvas(width, rtl)
    peak = max([float(v or 0) for _, values in items for v in values.values()] + [1.0])
    slot = (width - 2 * side) / max(len(items), 1)
    column = max(min((slot - 6) / max(len(series), 1), 24), 2)
    room = height - bottom - top
    for position, s in enumerate(series):
        canvas.rect(side + position * 120, 6, 10, 10, s.css)
        canvas.text(side + position * 120 + 14, 15, s.label, css="legend")
    for index, (name, values) in enumerate(items):
        start = side + index * slot + (slot - column * len(series)) / 2
        for position, s in enumerate(series):
            value = values.get(s.key)
            tall = room * float(value or 0) / peak
            canvas.rect(
                start + position * column,
                top + room - tall,
                column - 1,
                tall,
                s.css,
                f"{name} · {s.label}: {_fmt(value)}",
            )
        canvas.text(side + index * slot + slot / 2, height - 10, name, anchor="middle", css="label")
    canvas.parts.append(
        f'<line class="axis" x1="{side}" x2="{width - side}" y1="{top + room}" y2="{top + room}"/>'
    )
    return canvas.svg(height, label)


@cache
def _provinces() -> list[dict[str, Any]]:
    collection = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = collection["features"]
    return features


def shade(value: float | int | None, peak: float) -> str:
    if value is None or not peak:
        return NO_DATA
    if not value:
        return SHADES[0]
    step = min(len(SHADES) - 1, 1 + int((len(SHADES) - 1) * float(value) / peak * 0.999))
    return SHADES[step]


def region_map(
    label: str,
    values: dict[str, float | int | None],
    names: dict[str, str],
    links: dict[str, str] | None = None,
    *,
    width: int = 420,
) -> SafeString:
    """The Oriental's provinces shaded by ``values`` (province code → figure)."""
    features = _provinces()
    points = [
        point
        for feature in features
        for polygon in feature["geometry"]["coordinates"]
        for ring in polygon
        for point in ring
    ]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = (width - 20) / ((east - west) * squeeze)
    height = (north - south) * scale + 20
    peak = max([float(v or 0) for v in values.values()] + [0.0])
    parts = []
    for feature in features:
        code = feature["id"]
        path = " ".join(
            "M"
            + " L".join(
                f"{10 + (lon - west) * squeeze * scale:.1f},{10 + (north - lat) * scale:.1f}"
                for lon, lat in ring
            )
            + " Z"
            for polygon in feature["geometry"]["coordinates"]
            for ring in polygon
        )
        value = values.get(code)
        title = f"{names.get(code, code)}: {_fmt(value)}"
        shape = (
            f'<path d="{path}" fill="{shade(value, peak)}" class="province" '
            f'data-code="{escape(code)}"><title>{escape(title)}</title></path>'
        )
        if links and code in links:
            shape = f'<a href="{escape(links[code])}">{shape}</a>'
        parts.append(shape)
    return mark_safe(  # noqa: S308 - codes, names and titles are escaped above
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-label="{escape(label)}">{"".join(parts)}</svg>'
    )


def legend(peak: float) -> list[tuple[str, str]]:
    """(colour, range) pairs for the map's legend."""
    if not peak:
        return [(SHADES[0], "0")]
    steps = len(SHADES) - 1
    result = [(SHADES[0], "0")]
    for step in range(1, steps + 1):
        low = peak * (step - 1) / steps
        high = peak * step / steps
        result.append((SHADES[step], f"{_fmt(round(low, 1))}–{_fmt(round(high, 1))}"))
    return result
