"""Writing reports: terminal tables, Markdown, CSV, JSON, and one self-contained HTML page with SVG charts.

Every format is written from a report's own `json()`, `tables()` and
`notes()`, so the figures read the same in each; money becomes text here and
in `json()` only, two places, rounded once, half up. The HTML page carries its
own styles and inline SVG: no scripts, fonts or anything else from a network,
so it opens the same from a CI artifact, an email or a phone, and prints on A4.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from holp.inert import markdown as md
from holp.labels import Labels
from holp.output import fit, money, money_plain, table
from holp.reports.charts import esc, forecast_svg, funnel_svg, line_svg
from holp.reports.common import Report, Table
from holp.reports.forecast import Forecast
from holp.reports.funnel import Funnel


def title(report: Report, label: Labels) -> str:
    return label(f"report_{report.kind}")


def _cell(value: Any, column: int, t: Table) -> Any:
    if value is None:
        return ""
    if column in t.money and isinstance(value, Decimal):
        return money(value)
    return value


def _headers(t: Table, report: Report) -> list[str]:
    """The headers people read: a money column names its currency ("金额 (CNY)"). CSV keeps the bare ones."""
    return [f"{h} ({report.head.currency})" if i in t.money else h for i, h in enumerate(t.headers)]


def _align(t: Table) -> list[str]:
    return ["right" if i in t.money or i in t.numbers else "left" for i in range(len(t.headers))]


def _meta(report: Report, label: Labels) -> str:
    head = report.head
    parts = [f"{label('as_of')} {head.as_of.isoformat()}"]
    if head.revision:
        parts.append(f"@ {head.revision[:8]}")
    parts.append(head.currency)
    return " · ".join(p for p in parts if p)


WIDTH = 120  # a terminal table fits this wide where its free-text columns (`Table.wrap`) can wrap


def text(reports: Sequence[Report], label: Labels) -> str:
    out = []
    for report in reports:
        out.append(f"{title(report, label)} — {_meta(report, label)}")
        for t in report.tables(label):
            out.append("")
            out.append(f"{t.caption}:")
            rows = [[_cell(v, i, t) for i, v in enumerate(row)] for row in t.rows]
            headers = _headers(t, report)
            widths = fit(rows, headers, total=WIDTH, least=t.wrap) if t.wrap else None
            out.append(table(rows, headers, _align(t), widths) if t.rows else f"  ({label('none')})")
        out += [f"* {note}" for note in report.notes(label)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def markdown(reports: Sequence[Report], label: Labels, left_out: Sequence[str] = ()) -> str:
    """The reports in Markdown, after the files ``left_out`` of every figure, if any (a CI summary has no stderr)."""
    import tabulate

    out = [f"> ⚠️ {md(label('left_out'))}:", *(f"> - {md(line)}" for line in left_out), ""] if left_out else []
    for report in reports:
        out += [f"## {md(title(report, label))}", "", f"_{md(_meta(report, label))}_", ""]
        for t in report.tables(label):
            out += [f"### {md(t.caption)}", ""]
            if t.rows:
                rows = [[md(_cell(v, i, t)) for i, v in enumerate(row)] for row in t.rows]
                out.append(tabulate.tabulate(rows, headers=[md(h) for h in _headers(t, report)], tablefmt="pipe",
                                             colalign=_align(t), disable_numparse=True))
            else:
                out.append(f"_{label('none')}_")
            out.append("")
        out += [f"> {md(note)}" for note in report.notes(label)]
    return "\n".join(out).rstrip("\n") + "\n"


def as_json(report: Report) -> str:
    return json.dumps(report.json(), ensure_ascii=False, indent=2) + "\n"


def as_csv(report: Report, label: Labels) -> str:
    """One table for tools: the funnel in long form (group, stage), else the report's main table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in report.csv_rows(label):
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
.warning { border-left: 4px solid var(--target); padding: 4px 12px; margin: 8px 0; overflow-wrap: anywhere; }
@media (max-width: 600px) { body { padding: 8px; font-size: 13px; } th, td { padding: 4px 5px; } }
@media print { body { padding: 0; font-size: 11px; } h2 { break-after: avoid; } .scroll { overflow: visible; }
               figure { border: none; } @page { size: A4; margin: 14mm; } }
"""


def _html_table(t: Table, report: Report) -> str:
    align = _align(t)
    head = "".join(f'<th class="{"num" if a == "right" else ""}">{esc(h)}</th>'
                   for h, a in zip(_headers(t, report), align, strict=True))
    body = "".join("<tr>" + "".join(f'<td class="{"num" if a == "right" else ""}">{esc(_cell(v, i, t))}</td>'
                                    for i, (v, a) in enumerate(zip(row, align, strict=True))) + "</tr>"
                   for row in t.rows)
    return f'<h3>{esc(t.caption)}</h3><div class="scroll"><table><thead><tr>{head}</tr></thead>' \
           f"<tbody>{body}</tbody></table></div>"


def page(reports: Sequence[Report], label: Labels, heading: str, series: list[tuple[dt.date, Decimal]] | None,
         lang: str, left_out: Sequence[str] = ()) -> str:
    """One page of ``reports`` under ``heading``, with the funnel, the forecast and ``series`` (the weighted
    pipeline at month ends) drawn, after the files ``left_out`` of every figure."""
    charts = []
    for report in reports:
        if isinstance(report, Funnel):
            charts.append(("funnel_chart", funnel_svg(report.block.stages, label)))
        if isinstance(report, Forecast) and report.targets:
            charts.append(("report_forecast", forecast_svg(report.targets, label)))
    if series:
        charts.append(("pipeline_over_time", line_svg(series, label)))
    first = reports[0]
    sections = []
    for report in reports:
        body = "".join(_html_table(t, report) for t in report.tables(label) if t.rows)
        notes = "".join(f'<p class="note">{esc(n)}</p>' for n in report.notes(label))
        sections.append(f"<section><h2>{esc(title(report, label))}</h2>{body}{notes}</section>")
    figures = "".join(f"<figure><figcaption>{esc(label(key))}</figcaption>{svg}</figure>" for key, svg in charts)
    warning = (f'<div class="warning">⚠️ {esc(label("left_out"))}:<ul>'
               + "".join(f"<li>{esc(line)}</li>" for line in left_out) + "</ul></div>") if left_out else ""
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(heading)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{esc(heading)}</h1><div class=\"meta\">{esc(_meta(first, label))}</div>{warning}"
            f'<div class="charts">{figures}</div>{"".join(sections)}</main></body></html>\n')
