"""Writing reports: terminal tables, Markdown, CSV, JSON, and one self-contained HTML page with SVG charts.

The HTML page carries its own styles and inline SVG: no scripts, fonts or
anything else from a network, so it opens the same from a CI artifact, an
email or a phone, and prints on A4.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from holp.labels import Labels
from holp.output import money, money_plain, table
from holp.report import Report, Table


def _cell(value: Any, column: int, t: Table) -> Any:
    if value is None:
        return ""
    if column in t.money and isinstance(value, Decimal):
        return money(value)
    return value


def _align(t: Table) -> list[str]:
    return ["right" if i in t.money or i in t.numbers else "left" for i in range(len(t.headers))]


def _meta(report: Report, label: Labels) -> str:
    data = report.data
    parts = [f"{label('as_of')} {data['as_of']}"]
    if data.get("revision"):
        parts.append(f"@ {data['revision'][:8]}")
    parts.append(data.get("currency", ""))
    return " · ".join(p for p in parts if p)


def text(reports: Sequence[Report], label: Labels) -> str:
    out = []
    for report in reports:
        out.append(f"{report.title} — {_meta(report, label)}")
        for t in report.tables:
            out.append("")
            out.append(f"{t.caption}:")
            out.append(table([[_cell(v, i, t) for i, v in enumerate(row)] for row in t.rows], t.headers, _align(t))
                       if t.rows else f"  ({label('none')})")
        out += [f"* {note}" for note in report.notes]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def markdown(reports: Sequence[Report], label: Labels) -> str:
    import tabulate

    out = []
    for report in reports:
        out += [f"## {report.title}", "", f"_{_meta(report, label)}_", ""]
        for t in report.tables:
            out += [f"### {t.caption}", ""]
            if t.rows:
                rows = [[str(_cell(v, i, t)).replace("|", "\\|") for i, v in enumerate(row)] for row in t.rows]
                out.append(tabulate.tabulate(rows, headers=t.headers, tablefmt="pipe", colalign=_align(t),
                                             disable_numparse=True))
            else:
                out.append(f"_{label('none')}_")
            out.append("")
        out += [f"> {note}" for note in report.notes]
    return "\n".join(out).rstrip("\n") + "\n"


def as_json(report: Report) -> str:
    return json.dumps(report.data, ensure_ascii=False, indent=2) + "\n"


def as_csv(report: Report) -> str:
    """One table for tools: the funnel in long form (group, stage), else the report's main table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if report.kind == "funnel":
        writer.writerow(["group", "stage", "label", "count", "amount", "weighted"])
        blocks = [(None, report.data)] + [(g["key"], g) for g in report.data.get("groups", [])]
        for key, block in blocks:
            for s in block["stages"]:
                writer.writerow([key or "", s["stage"], s["label"], s["count"], s["amount"], s["weighted"]])
            for name in ("open", "won", "lost"):
                totals = block[name]
                writer.writerow([key or "", name, "", totals["count"], totals["amount"], totals.get("weighted", "")])
        return out.getvalue()
    main = report.tables[0]
    writer.writerow(main.headers)
    for row in main.rows:
        writer.writerow([money_plain(v) if isinstance(v, Decimal) else ("" if v is None else v) for v in row])
    return out.getvalue()


# -- HTML ----------------------------------------------------------------------------------

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bar: #2f80ed; --won: #27ae60; --lost: #c0392b;
        --soft: #e8f0fe; --target: #f2994a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; color: var(--ink); background: #fff;
       font: 14px/1.5 -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
             "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
main { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; color: var(--muted); }
.meta { color: var(--muted); margin-bottom: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 16px; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 8px; }
svg { width: 100%; height: auto; display: block; }
svg text { font-size: 14px; fill: var(--ink); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: left; }
th { background: #f5f7fa; font-weight: 600; }
td.num, th.num { text-align: right; }
.note { color: var(--muted); font-style: italic; }
@media (max-width: 600px) { body { padding: 8px; font-size: 13px; } th, td { padding: 4px 5px; } }
@media print { body { padding: 0; font-size: 11px; } h2 { break-after: avoid; } .scroll { overflow: visible; }
               figure { border: none; } @page { size: A4; margin: 14mm; } }
"""


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _short(value: Decimal) -> str:
    return f"{value:,.0f}"


def funnel_svg(stages: list[dict[str, Any]], label: Labels) -> str:
    """The funnel: one bar per open stage, centred, as wide as its amount; weighted inside, darker."""
    width, row, top = 640, 34, 8
    amounts = [Decimal(s["amount"]) for s in stages]
    biggest = max([*amounts, Decimal(1)])
    parts = [f'<svg viewBox="0 0 {width} {top + row * len(stages) + 8}" role="img" '
             f'aria-label="{_esc(label("report_funnel"))}">']
    for i, s in enumerate(stages):
        y = top + i * row
        full = max(2.0, float(Decimal(s["amount"]) / biggest) * 300)
        inner = max(0.0, float(Decimal(s["weighted"]) / biggest) * 300)
        cx = 330
        parts.append(f'<rect x="{cx - full / 2:.1f}" y="{y}" width="{full:.1f}" height="{row - 8}" rx="3" '
                     f'fill="var(--soft)" stroke="var(--bar)"/>')
        parts.append(f'<rect x="{cx - inner / 2:.1f}" y="{y}" width="{inner:.1f}" height="{row - 8}" rx="3" '
                     f'fill="var(--bar)"/>')
        parts.append(f'<text x="8" y="{y + row / 2}" dominant-baseline="middle">{_esc(s["label"])}</text>')
        parts.append(f'<text x="{width - 8}" y="{y + row / 2}" text-anchor="end" dominant-baseline="middle">'
                     f'{s["count"]} · {_short(Decimal(s["amount"]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def forecast_svg(targets: list[dict[str, Any]], label: Labels) -> str:
    """Against target: per target, the target (outline), won (green) and won + weighted pipeline (blue)."""
    width, row, top, left = 640, 44, 24, 130
    biggest = max([Decimal(t[k]) for t in targets for k in ("target", "forecast")] + [Decimal(1)])
    scale = (width - left - 16) / float(biggest)
    height = top + row * len(targets) + 8
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(label("report_forecast"))}">',
             f'<rect x="{left}" y="4" width="10" height="10" fill="var(--won)"/>'
             f'<text x="{left + 14}" y="13">{_esc(label("won_to_date"))}</text>'
             f'<rect x="{left + 110}" y="4" width="10" height="10" fill="var(--bar)" opacity="0.5"/>'
             f'<text x="{left + 124}" y="13">{_esc(label("forecast"))}</text>'
             f'<rect x="{left + 220}" y="4" width="10" height="10" fill="none" stroke="var(--target)" stroke-width="2"/>'
             f'<text x="{left + 234}" y="13">{_esc(label("target"))}</text>']
    for i, t in enumerate(targets):
        y = top + i * row
        parts.append(f'<text x="8" y="{y + 14}" dominant-baseline="middle">{_esc(t["label"])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{float(Decimal(t["forecast"])) * scale:.1f}" height="20" '
                     f'fill="var(--bar)" opacity="0.5"/>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{float(Decimal(t["won"])) * scale:.1f}" height="20" '
                     f'fill="var(--won)"/>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{float(Decimal(t["target"])) * scale:.1f}" height="24" '
                     f'fill="none" stroke="var(--target)" stroke-width="2"/>')
        target = Decimal(t["target"])
        pct = f" ({Decimal(t['won']) * 100 / target:.0f}%)" if target else ""
        parts.append(f'<text x="{left + 4}" y="{y + 38}" fill="var(--muted)">{_short(Decimal(t["won"]))} / '
                     f'{_short(Decimal(t["target"]))}{pct}</text>')
    parts.append("</svg>")
    return "".join(parts)


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

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(label("pipeline_over_time"))}">']
    for fraction in (0, 0.5, 1):
        v = top_value * Decimal(str(fraction))
        parts.append(f'<line x1="{left}" x2="{width - 16}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="var(--line)"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v):.1f}" text-anchor="end" dominant-baseline="middle">'
                     f'{_short(v)}</text>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(series))
    parts.append(f'<polyline points="{points}" fill="none" stroke="var(--bar)" stroke-width="2.5"/>')
    for i, (day, v) in enumerate(series):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="var(--bar)"><title>{day.isoformat()}: '
                     f'{money(v)}</title></circle>')
        last = i == len(series) - 1
        if i % max(1, len(series) // 6) == 0 or last:
            anchor = "end" if last else "start" if i == 0 else "middle"
            parts.append(f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="{anchor}">{day.strftime("%Y-%m")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(t: Table) -> str:
    align = _align(t)
    head = "".join(f'<th class="{"num" if a == "right" else ""}">{_esc(h)}</th>' for h, a in zip(t.headers, align,
                                                                                                    strict=True))
    body = "".join("<tr>" + "".join(f'<td class="{"num" if a == "right" else ""}">{_esc(_cell(v, i, t))}</td>'
                                    for i, (v, a) in enumerate(zip(row, align, strict=True))) + "</tr>"
                   for row in t.rows)
    return f'<h3>{_esc(t.caption)}</h3><div class="scroll"><table><thead><tr>{head}</tr></thead>' \
           f"<tbody>{body}</tbody></table></div>"


def page(reports: Sequence[Report], label: Labels, title: str, series: list[tuple[dt.date, Decimal]] | None,
         lang: str) -> str:
    charts = []
    for report in reports:
        if report.kind == "funnel":
            charts.append(("funnel_chart", funnel_svg(report.data["stages"], label)))
        if report.kind == "forecast" and report.data["targets"]:
            charts.append(("report_forecast", forecast_svg(report.data["targets"], label)))
    if series:
        charts.append(("pipeline_over_time", line_svg(series, label)))
    first = reports[0]
    sections = []
    for report in reports:
        body = "".join(_html_table(t) for t in report.tables if t.rows)
        notes = "".join(f'<p class="note">{_esc(n)}</p>' for n in report.notes)
        sections.append(f"<section><h2>{_esc(report.title)}</h2>{body}{notes}</section>")
    figures = "".join(f"<figure><figcaption>{_esc(label(key))}</figcaption>{svg}</figure>" for key, svg in charts)
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{_esc(title)}</h1><div class=\"meta\">{_esc(_meta(first, label))}</div>"
            f'<div class="charts">{figures}</div>{"".join(sections)}</main></body></html>\n')
