"""Reports a sales manager decides from, computed from a `Snapshot` (and git history where time matters).

One module per kind (funnel, forecast, conversion, aging and stalled, reps,
receivables, changes, risks), each a function from a snapshot to a frozen dataclass
of figures: money stays `Decimal` throughout, sums are exact, and it becomes
text once, rounded half up to two places, in the report's `json()` (the
`--format json` contract) and in `render` (terminal, Markdown, CSV, HTML with
the SVG of `charts`). `common` holds what the kinds share. Labels come from
holp.yaml and templates/labels.yaml; no stage id appears in this code.

`REPORTS` is the registry of kinds the command line offers. Importing this
package loads none of the kinds (a kind's module is imported when it is
built), so the CLI lists the kinds without slowing every other command.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holp.history import History
    from holp.reports.common import Report
    from holp.snapshot import Snapshot
    from holp.week_log import WeekLog

BY = ("owner", "region", "business_line", "customer", "quarter", "collector")  # collector: receivables only
PERIODS = ("week", "month", "quarter", "year")  # each kind takes those it can (forecast: quarter, month)


@dataclass(frozen=True)
class Inputs:
    """What a report may need besides the snapshot: the options given and what the command read from git."""

    lang: str
    history: History | None = None
    by: str | None = None  # funnel: one of BY
    period: str | None = None  # one of PERIODS, or the kind's own default (forecast: quarter)
    owner: str | None = None  # only this member's deals, tasks, visits (a team.yaml id)
    region: str | None = None  # only this region's
    week: str | None = None  # report week: the ISO week, e.g. 2026-W48 (default: the one of the as-of day)
    new_customers: Mapping[str, int] | None = None  # reps: customers added this year, by owner
    since: dt.date | None = None  # changes: after this day
    since_commit: str | None = None  # changes: or after this commit (--since REV), its day being ``since``
    after: frozenset[str] | None = None  # changes: with since_commit, the commits after it
    weighted_before: Decimal = Decimal(0)  # changes: the weighted open pipeline on that day
    week_log: WeekLog | None = None  # week: the ticks, full visits and added customers git has for the period
    customers_added: Mapping[str, dt.date] | None = None  # kpi: when each customer file was first committed


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[Snapshot, Inputs], Report]
    reads_history: bool  # whether its figures come from git history, not the files alone
    on_page: bool  # whether the HTML page of every report (`holp report all`) shows it
    takes: frozenset[str] = frozenset()  # which of --owner, --region, --week, --period it reads ("owner", ...)


def _funnel(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.errors import HolpError
    from holp.reports.funnel import funnel

    if inputs.by == "collector":
        raise HolpError("--by collector groups the receivables: holp report receivables --by collector")
    return funnel(snapshot, inputs.lang, inputs.by)


def _forecast(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.errors import HolpError
    from holp.reports.forecast import forecast

    if inputs.period not in (None, "quarter", "month"):
        raise HolpError(f"report forecast buckets by quarter or month, not by {inputs.period}")
    return forecast(snapshot, inputs.lang, inputs.history, inputs.period or "quarter")


def _conversion(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.conversion import conversion

    return conversion(snapshot, inputs.lang, inputs.history)


def _aging(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.aging import aging

    return aging(snapshot, inputs.lang, inputs.history)


def _stalled(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.aging import stalled

    return stalled(snapshot, inputs.lang, inputs.history)


def _reps(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.reps import reps

    return reps(snapshot, inputs.history, inputs.new_customers)


def _receivables(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.receivables import receivables

    return receivables(snapshot, inputs.by)


def _service(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.service import service

    return service(snapshot, inputs.lang)


def _risks(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.labels import load
    from holp.reports.risks import risks

    label = load(inputs.lang, snapshot.root)
    return risks(snapshot, inputs.lang, lambda level: label(level, "levels"))


def _changes(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.changes import changes
    from holp.reports.common import weighted_open_pipeline

    if inputs.since is None:
        raise ValueError("the changes report needs the day it starts after")
    return changes(snapshot, inputs.lang, inputs.history, inputs.since, inputs.weighted_before,
                   weighted_open_pipeline(snapshot), since_commit=inputs.since_commit, after=inputs.after)


def _week(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.reports.week import period_of, week
    from holp.week_log import WeekLog

    return week(snapshot, inputs.lang, inputs.history, inputs.week_log or WeekLog(),
                period_of(snapshot.as_of, inputs.period, inputs.week), owner=inputs.owner, region=inputs.region)


def _kpi(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.errors import HolpError
    from holp.reports.kpi import kpis

    if inputs.period == "week":
        raise HolpError("report kpi scores a month, a quarter or a year, not a week")
    rep = snapshot.team.rep(inputs.owner) if inputs.owner else None
    if rep is not None and not rep.sells:
        raise HolpError(f"--owner {rep.id}: a member of role {rep.role} carries no target and is not scored")
    if not snapshot.process.kpis:
        raise HolpError("report kpi: holp.yaml has no kpis (which KPIs, their weights and targets): copy the `kpis:` "
                        "of `holp init`'s holp.yaml and adapt it")
    return kpis(snapshot, inputs.lang, inputs.history, inputs.period or "quarter", inputs.customers_added,
                inputs.owner, inputs.region)


def _expenses(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.errors import HolpError
    from holp.reports.expenses import GROUPS, expenses

    if inputs.period == "week":
        raise HolpError("report expenses sums a month, a quarter or a year, not a week")
    if inputs.by is not None and inputs.by not in GROUPS:
        raise HolpError(f"--by {inputs.by}: report expenses groups by {', '.join(GROUPS)}")
    return expenses(snapshot, inputs.lang, inputs.history, inputs.period or "year", inputs.by or "region")


def _sources(snapshot: Snapshot, inputs: Inputs) -> Report:
    from holp.errors import HolpError
    from holp.reports.sources import sources

    if inputs.period == "week":
        raise HolpError("report sources counts a month, a quarter or a year, not a week")
    if inputs.by is not None:
        raise HolpError(f"--by {inputs.by}: report sources groups by source only")
    return sources(snapshot, inputs.lang, inputs.history, inputs.period)


REPORTS: Mapping[str, Kind] = types.MappingProxyType({k.name: k for k in (
    Kind("funnel", _funnel, reads_history=False, on_page=True),
    Kind("forecast", _forecast, reads_history=True, on_page=True, takes=frozenset({"period"})),
    Kind("conversion", _conversion, reads_history=True, on_page=True),
    Kind("aging", _aging, reads_history=True, on_page=True),
    Kind("stalled", _stalled, reads_history=True, on_page=False),
    Kind("reps", _reps, reads_history=True, on_page=True),
    Kind("receivables", _receivables, reads_history=False, on_page=True),
    Kind("changes", _changes, reads_history=True, on_page=False),
    Kind("service", _service, reads_history=False, on_page=False),
    Kind("risks", _risks, reads_history=False, on_page=True),
    Kind("week", _week, reads_history=True, on_page=False, takes=frozenset({"owner", "region", "week", "period"})),
    Kind("kpi", _kpi, reads_history=True, on_page=False, takes=frozenset({"period", "owner", "region"})),
    Kind("expenses", _expenses, reads_history=True, on_page=False, takes=frozenset({"period"})),
    Kind("sources", _sources, reads_history=True, on_page=False, takes=frozenset({"period"})),
)})
KINDS = tuple(REPORTS)
PAGE = tuple(k.name for k in REPORTS.values() if k.on_page)  # what `all` shows, in this order
