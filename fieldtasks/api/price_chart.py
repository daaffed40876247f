"""One product's price over time across stores, drawn on the server as SVG (no script, no library to vendor): a line
per store, its points titled with the store, the date and the price; axes with a few round ticks. The portal shows
the same figures as a table beside it (a chart is not read by everyone)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40  # room for the axes' labels
# Eight colours told apart by people with the common colour-vision deficiencies (Okabe and Ito), dark enough on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C6D31")
MOST_STORES = len(PALETTE)  # more lines than colours would be unreadable: the busiest stores are drawn


@dataclass(frozen=True)
class Point:
    at: datetime
    cents: int


def price_chart(series: dict[str, list[Point]], *, currency: str, title: str) -> Markup:
    """SVG markup for the series (store name -> its prices in time order); an empty string when nothing to draw."""
    drawn = dict(sorted(series.items(), key=lambda item: -len(item[1]))[:MOST_STORES])
    points = [point for line in drawn.values() for point in line]
    if not points:
        return Markup("")
    first, last = min(p.at for p in points), max(p.at for p in points)
    if last == first:
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    low, high, step = _price_ticks(min(p.cents for p in points), max(p.cents for p in points))

    def x(at: datetime) -> float:
        return LEFT + (at - first) / (last - first) * (WIDTH - LEFT - RIGHT)

    def y(cents: float) -> float:
        return HEIGHT - BOTTOM - (cents - low) / (high - low) * (HEIGHT - TOP - BOTTOM)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" class="chart"><title id="chart-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#555"/>',
    ]
    for cents in range(low, high + 1, step):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(cents):.1f}" x2="{WIDTH - RIGHT}" y2="{y(cents):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(cents) + 4:.1f}" text-anchor="end" font-size="12" fill="#333">'
            f"{cents / 100:.2f}</text>"
        )
    shown = "%H:%M" if last - first <= timedelta(days=2) else "%d/%m"  # a day's prices are told apart by the hour
    for at in _date_ticks(first, last):
        parts.append(
            f'<text x="{x(at):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" fill="#333">'
            f"{at.strftime(shown)}</text>"
        )
    for colour, (store, line) in zip(PALETTE, drawn.items(), strict=False):
        coordinates = " ".join(f"{x(p.at):.1f},{y(p.cents):.1f}" for p in line)
        parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in line:
            label = escape(f"{store}, {p.at:%d/%m/%Y %H:%M}: {p.cents / 100:.2f} {currency}")
            circle = f'<circle cx="{x(p.at):.1f}" cy="{y(p.cents):.1f}" r="4" fill="{colour}">'
            parts.append(f"{circle}<title>{label}</title></circle>")
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: dict[str, list[Point]]) -> list[tuple[str, str]]:
    """(colour, store) of each line drawn, in the chart's order."""
    drawn = sorted(series.items(), key=lambda item: -len(item[1]))[:MOST_STORES]
    return [(colour, store) for colour, (store, _) in zip(PALETTE, drawn, strict=False)]


def _price_ticks(low: int, high: int) -> tuple[int, int, int]:
    """A round step (1, 2 or 5 times a power of ten, in cents) giving about five ticks, and the range it spans."""
    span = max(high - low, 10)
    rough = span / 5
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    bottom = max(0, (low // step) * step - (step if low % step == 0 and low > 0 else 0))
    top = -(-high // step) * step
    if top == high:
        top += step
    return int(bottom), int(top), int(step)


def _date_ticks(first: datetime, last: datetime, most: int = 6) -> list[datetime]:
    """Up to `most` evenly spaced moments between first and last, both included."""
    return [first + (last - first) * index / (most - 1) for index in range(most)]
