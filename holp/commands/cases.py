from __future__ import annotations

import json
from pathlib import Path

from holp import cases as library
from holp import labels as labelling
from holp import repo as repository
from holp.commands import echo, warn_left_out
from holp.errors import HolpError
from holp.inert import markdown, one_line
from holp.labels import Labels

COLUMNS = ("project", "customer", "industry", "business_line", "region", "year", "amount", "savings_kwh",
           "savings_amount", "payback_years", "site_visit", "contact", "highlights")
RIGHT = frozenset(["year", "amount", "savings_kwh", "savings_amount", "payback_years"])
MONEY = frozenset(["amount", "savings_amount"])
HEADERS = {"project": "id", "year": "case_year", "site_visit": "case_site_visit", "contact": "case_contact",
           "highlights": "case_highlights"}


def run(root: Path, *, industries: tuple[str, ...], lines: tuple[str, ...], regions: tuple[str, ...], fmt: str,
        lang: str | None) -> int:
    repo = repository.load(root)
    warn_left_out(repo.left_out(), "not read as a record")
    process = repo.process
    for name, given, known in (("line", lines, {c.id for c in process.business_lines}),
                               ("region", regions, {r.id for r in repo.team.regions})):
        unknown = [value for value in given if known and value not in known]
        if unknown:
            raise HolpError(f"unknown {name} {unknown[0]}; use one of: {', '.join(sorted(known))}")
    found = library.select(library.library(repo), industries=industries, lines=lines, regions=regions)
    if fmt == "json":
        echo(json.dumps([library.as_record(repo, c) for c in found], ensure_ascii=False, indent=2))
        return 0
    label = labelling.load(lang or process.language, root)
    words = [library.as_row(repo, c, label) for c in found]
    if fmt == "md":
        echo(_markdown(words, label, process.currency))
        return 0
    for row in words:
        echo(_card({k: one_line(v) for k, v in row.items()}, label, process.currency))
    echo(f"{len(found)} reference case{'s' if len(found) != 1 else ''}" if found else "no reference cases match")
    return 0


def _markdown(words: list[dict[str, str]], label: Labels, currency: str) -> str:
    headers = [label(HEADERS.get(k, k)) + (f" ({currency})" if k in MONEY else "") for k in COLUMNS]
    out = [f"## {markdown(label('report_cases'))}", ""]
    if not words:
        return "\n".join([*out, f"_{markdown(label('none'))}_"])
    out.append("| " + " | ".join(markdown(h) for h in headers) + " |")
    out.append("|" + "|".join("---:" if k in RIGHT else "---" for k in COLUMNS) + "|")
    out += ["| " + " | ".join(markdown(row[k]) for k in COLUMNS) + " |" for row in words]
    return "\n".join(out)


def _card(row: dict[str, str], label: Labels, currency: str) -> str:
    """A case as a few lines (thirteen columns are no terminal table): who and where, the figures, the visit,
    the highlights."""
    def pair(key: str, value: str, unit: str = "") -> str:
        return f"{label(key)}: {value}{unit}" if value else ""

    lines = [f"{row['project']}  {row['customer']} — " + " · ".join(
        v for v in (row["industry"], row["business_line"], row["region"], row["year"]) if v)]
    figures = [pair("amount", row["amount"], f" {currency}"), pair("savings_kwh", row["savings_kwh"]),
               pair("savings_amount", row["savings_amount"], f" {currency}"),
               pair("payback_years", row["payback_years"])]
    lines.append("  " + " · ".join(f for f in figures if f))
    lines.append("  " + " · ".join(f for f in (pair("case_site_visit", row["site_visit"]),
                                                 pair("case_contact", row["contact"])) if f))
    if row["highlights"]:
        lines.append("  " + pair("case_highlights", row["highlights"]))
    return "\n".join(lines) + "\n"
