"""Reports a sales manager decides from, computed from a `Snapshot` (and git history where time matters).

One module per kind (funnel, forecast, conversion, aging and stalled, reps,
receivables, changes), each a function from a snapshot to a frozen dataclass
of figures: money stays `Decimal` throughout, sums are exact, and it becomes
text once, rounded half up to two places, in the report's `json()` (the
`--format json` contract) and in `render` (terminal, Markdown, CSV, HTML with
the SVG of `charts`). `common` holds what the kinds share. Labels come from
holp.yaml and templates/labels.yaml; no stage id appears in this code.

`REPORTS` is the registry of kinds the command line offers. Importing this
package loads no git, YAML or history code, so the CLI can list the kinds cheaply.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from holp.reports.aging import Aging, Stalled, aging, stalled
from holp.reports.changes import Changes, changes
from holp.reports.common import ZERO, Report, Table, Totals, state, weighted_open_pipeline
from holp.reports.conversion import Conversion, conversion
from holp.reports.forecast import Forecast, forecast
from holp.reports.funnel import Funnel, funnel
from holp.reports.receivables import Receivables, receivables
from holp.reports.reps import Reps, reps

if TYPE_CHECKING:
    from holp.history import History
    from holp.snapshot import Snapshot

__all__ = [
    "BY",
    "KINDS",
    "PAGE",
    "PERIODS",
    "REPORTS",
    "Aging",
    "Changes",
    "Conversion",
    "Forecast",
    "Funnel",
    "Inputs",
    "Kind",
    "Receivables",
    "Report",
    "Reps",
    "Stalled",
    "Table",
    "Totals",
    "aging",
    "changes",
    "conversion",
    "forecast",
    "funnel",
    "receivables",
    "reps",
    "stalled",
    "state",
    "weighted_open_pipeline",
]

BY = ("owner", "region", "business_line", "customer", "quarter")
PERIODS = ("quarter", "month")


@dataclass(frozen=True)
class Inputs:
    """What a report may need besides the snapshot: the options given and what the command read from git."""

    lang: str
    history: History | None = None
    by: str | None = None  # funnel: one of BY
    period: str = "quarter"  # forecast: one of PERIODS
    new_customers: Mapping[str, int] | None = None  # reps: customers added this year, by owner
    since: dt.date | None = None  # changes: after this day
    weighted_before: Decimal = ZERO  # changes: the weighted open pipeline on that day


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[Snapshot, Inputs], Report]
    reads_history: bool  # whether its figures come from git history, not the files alone
    on_page: bool  # whether the HTML page of every report (`holp report all`) shows it


def _changes(snapshot: Snapshot, inputs: Inputs) -> Report:
    if inputs.since is None:
        raise ValueError("the changes report needs the day it starts after")
    return changes(snapshot, inputs.lang, inputs.history, inputs.since, inputs.weighted_before,
                   weighted_open_pipeline(snapshot))


REPORTS: Mapping[str, Kind] = types.MappingProxyType({k.name: k for k in (
    Kind("funnel", lambda s, i: funnel(s, i.lang, i.by), reads_history=False, on_page=True),
    Kind("forecast", lambda s, i: forecast(s, i.lang, i.history, i.period), reads_history=True, on_page=True),
    Kind("conversion", lambda s, i: conversion(s, i.lang, i.history), reads_history=True, on_page=True),
    Kind("aging", lambda s, i: aging(s, i.lang, i.history), reads_history=True, on_page=True),
    Kind("stalled", lambda s, i: stalled(s, i.lang, i.history), reads_history=True, on_page=False),
    Kind("reps", lambda s, i: reps(s, i.history, i.new_customers), reads_history=True, on_page=True),
    Kind("receivables", lambda s, i: receivables(s), reads_history=False, on_page=True),
    Kind("changes", _changes, reads_history=True, on_page=False),
)})
KINDS = tuple(REPORTS)
PAGE = tuple(k.name for k in REPORTS.values() if k.on_page)  # what `all` shows, in this order
