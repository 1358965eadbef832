"""Writing reports: terminal tables, Markdown, CSV, JSON, and one self-contained HTML page (the dashboard).

Every format is written from a report's own `json()`, `tables()` and
`notes()`, so the figures read the same in each; money becomes text here and
in `json()` only, rounded once, half up: two places in the currency, and on
the HTML page in holp.yaml's display unit (万元). The HTML page carries its own
styles (the dashboard's, `holp.reports.dashboard`): no scripts, fonts or
anything else from a network, so it opens the same from a CI artifact, an
email or a phone, and prints on A4.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from holp.display import Display
from holp.inert import markdown as md
from holp.labels import Labels
from holp.output import fit, money, money_plain, table
from holp.reports.charts import esc
from holp.reports.common import Report, Table
from holp.reports.dashboard import CSS, forecast_html, funnel_html
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


def _zero(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (int, Decimal)) and value == 0)


def _html_table(t: Table, report: Report, show: Display, label: Labels) -> str:
    """A table with money in the display unit; rows of nothing but zeros are said in one line, not listed."""
    align = _align(t)
    figures = t.money | t.numbers
    keep = [row for row in t.rows
            if not t.money or not all(_zero(v) for i, v in enumerate(row) if i in figures)]
    headers = [f"{h} ({show.unit})" if i in t.money else h for i, h in enumerate(t.headers)]
    head = "".join(f'<th class="{"num" if a == "right" else ""}">{esc(h)}</th>'
                   for h, a in zip(headers, align, strict=True))

    def cell(value: Any, column: int) -> Any:
        if column in t.money and isinstance(value, Decimal):
            return show.amount(value)
        return _cell(value, column, t)

    body = "".join("<tr>" + "".join(f'<td class="{"num" if a == "right" else ""}">{esc(cell(v, i))}</td>'
                                    for i, (v, a) in enumerate(zip(row, align, strict=True))) + "</tr>"
                   for row in keep)
    left = len(t.rows) - len(keep)
    key = "dash_stages_none" if t.headers and t.headers[0] == label("stage") else "dash_rows_none"
    none = f'<p class="none">{esc(label(key).replace("{n}", str(left)))}</p>' if left else ""
    return f'<h3>{esc(t.caption)}</h3><div class="scroll"><table><thead><tr>{head}</tr></thead>' \
           f"<tbody>{body}</tbody></table></div>{none}"


def page(reports: Sequence[Report], label: Labels, heading: str, show: Display, lang: str,
         left_out: Sequence[str] = (), top: str = "") -> str:
    """One page of ``reports`` under ``heading``, money in ``show``'s unit, after the files ``left_out`` of every
    figure and ``top`` (the dashboard, `holp.reports.dashboard`); a funnel or a forecast alone is drawn too."""
    charts = []
    if not top:
        for report in reports:
            if isinstance(report, Funnel):
                charts.append((label("dash_funnel"), funnel_html(report.block.stages, {}, show, label, None)))
            if isinstance(report, Forecast) and report.targets:
                charts.append((f"{label('dash_forecast')} {report.year}", forecast_html(report, show, label, None)))
    first = reports[0]
    sections = []
    for report in reports:
        body = "".join(_html_table(t, report, show, label) for t in report.tables(label) if t.rows)
        notes = "".join(f'<p class="note">{esc(n)}</p>' for n in report.notes(label))
        sections.append(f"<section><h2>{esc(title(report, label))}</h2>{body}{notes}</section>")
    figures = "".join(f'<figure class="panel"><figcaption>{esc(caption)}</figcaption>{html}</figure>'
                      for caption, html in charts)
    warning = (f'<div class="warning">⚠️ {esc(label("left_out"))}:<ul>'
               + "".join(f"<li>{esc(line)}</li>" for line in left_out) + "</ul></div>") if left_out else ""
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(heading)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{esc(heading)}</h1><div class=\"meta\">{esc(_meta(first, label))}</div>{warning}{top}"
            f'<div class="panels">{figures}</div>{"".join(sections)}</main></body></html>\n')
