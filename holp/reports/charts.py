"""The HTML page's charts: inline SVG drawn from a report's figures, no scripts and nothing from a network.

Every figure is drawn as the tables print it, rounded once to cents, so a bar
and the number beside it always agree.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from holp.output import cents, money

if TYPE_CHECKING:
    from holp.labels import Labels
    from holp.reports.forecast import TargetFigures
    from holp.reports.funnel import StageTotals


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _short(value: Decimal) -> str:
    return f"{value:,.0f}"


def funnel_svg(stages: Sequence[StageTotals], label: Labels) -> str:
    """The funnel: one bar per open stage, centred, as wide as its amount; weighted inside, darker."""
    width, row, top = 640, 34, 8
    amounts = [cents(s.totals.amount) for s in stages]
    biggest = max([*amounts, Decimal(1)])
    parts = [f'<svg viewBox="0 0 {width} {top + row * len(stages) + 8}" role="img" '
             f'aria-label="{esc(label("report_funnel"))}">']
    for i, s in enumerate(stages):
        y = top + i * row
        full = max(2.0, float(amounts[i] / biggest) * 300)
        inner = max(0.0, float(cents(s.totals.weighted) / biggest) * 300)
        cx = 330
        parts.append(f'<rect x="{cx - full / 2:.1f}" y="{y}" width="{full:.1f}" height="{row - 8}" rx="3" '
                     f'fill="var(--soft)" stroke="var(--bar)"/>')
        parts.append(f'<rect x="{cx - inner / 2:.1f}" y="{y}" width="{inner:.1f}" height="{row - 8}" rx="3" '
                     f'fill="var(--bar)"/>')
        parts.append(f'<text x="8" y="{y + row / 2}" dominant-baseline="middle">{esc(s.label)}</text>')
        parts.append(f'<text x="{width - 8}" y="{y + row / 2}" text-anchor="end" dominant-baseline="middle">'
                     f'{s.totals.count} · {_short(amounts[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def forecast_svg(targets: Sequence[TargetFigures], label: Labels) -> str:
    """Against target: per target, the target (outline), won (green) and won + weighted pipeline (blue)."""
    width, row, top, left = 640, 44, 24, 130
    biggest = max([cents(v) for t in targets for v in (t.target, t.forecast)] + [Decimal(1)])
    scale = (width - left - 16) / float(biggest)
    height = top + row * len(targets) + 8
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label("report_forecast"))}">',
             f'<rect x="{left}" y="4" width="10" height="10" fill="var(--won)"/>'
             f'<text x="{left + 14}" y="13">{esc(label("won_to_date"))}</text>'
             f'<rect x="{left + 110}" y="4" width="10" height="10" fill="var(--bar)" opacity="0.5"/>'
             f'<text x="{left + 124}" y="13">{esc(label("forecast"))}</text>'
             f'<rect x="{left + 220}" y="4" width="10" height="10" fill="none" stroke="var(--target)" stroke-width="2"/>'
             f'<text x="{left + 234}" y="13">{esc(label("target"))}</text>']
    for i, t in enumerate(targets):
        y = top + i * row
        target, won = cents(t.target), cents(t.won)
        parts.append(f'<text x="8" y="{y + 14}" dominant-baseline="middle">{esc(t.label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{float(cents(t.forecast)) * scale:.1f}" height="20" '
                     f'fill="var(--bar)" opacity="0.5"/>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{float(won) * scale:.1f}" height="20" '
                     f'fill="var(--won)"/>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{float(target) * scale:.1f}" height="24" '
                     f'fill="none" stroke="var(--target)" stroke-width="2"/>')
        pct = f" ({won * 100 / target:.0f}%)" if target else ""
        parts.append(f'<text x="{left + 4}" y="{y + 38}" fill="var(--muted)">{_short(won)} / '
                     f'{_short(target)}{pct}</text>')
    parts.append("</svg>")
    return "".join(parts)


LABEL_ROOM = 96  # a month's label ("2026-10", 14 px, up to about 64 units wide) and the half of its neighbour's


def line_svg(series: list[tuple[dt.date, Decimal]], label: Labels) -> str:
    """Weighted pipeline over time: a line through month ends."""
    width, height, left, bottom = 640, 240, 90, 30
    values = [v for _, v in series] or [Decimal(0)]
    top_value = max([*values, Decimal(1)])
    n = max(1, len(series) - 1)

    def x(i: int) -> float:
        return left + (width - left - 16) * i / n

    def y(v: Decimal) -> float:
        return 12 + (height - bottom - 12) * (1 - float(v / top_value))

    step = max(1, math.ceil(LABEL_ROOM / (x(1) - x(0))))  # month labels far enough apart not to run together
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label("pipeline_over_time"))}">']
    for fraction in (Decimal(0), Decimal("0.5"), Decimal(1)):
        v = top_value * fraction
        parts.append(f'<line x1="{left}" x2="{width - 16}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="var(--line)"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v):.1f}" text-anchor="end" dominant-baseline="middle">'
                     f'{_short(v)}</text>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(series))
    parts.append(f'<polyline points="{points}" fill="none" stroke="var(--bar)" stroke-width="2.5"/>')
    for i, (day, v) in enumerate(series):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="var(--bar)"><title>{day.isoformat()}: '
                     f'{money(v)}</title></circle>')
        last = i == len(series) - 1
        if last or (i % step == 0 and x(len(series) - 1) - x(i) >= LABEL_ROOM):
            anchor = "end" if last else "start" if i == 0 else "middle"
            parts.append(f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="{anchor}">{day.strftime("%Y-%m")}</text>')
    parts.append("</svg>")
    return "".join(parts)
