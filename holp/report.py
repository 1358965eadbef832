"""Reports a sales manager decides from, computed from a `Snapshot` (and git history where time matters).

Each report is a function returning a `Report`: its data as the JSON the
`--format json` contract prints, and the same figures as tables for the
terminal, Markdown, CSV and HTML. Money stays `Decimal` throughout: sums are
exact and rounded once, half up, when written. Labels come from holp.yaml and
templates/labels.yaml; no stage id appears in this code.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from holp.history import History, Transition
from holp.labels import Labels
from holp.model import LOST, Process
from holp.output import money, money_plain
from holp.pipeline import weighted
from holp.snapshot import Deal, Snapshot

KINDS = ("funnel", "forecast", "conversion", "aging", "stalled", "reps", "receivables", "changes")
BY = ("owner", "region", "business_line", "customer", "quarter")
ZERO = Decimal(0)
BUCKETS = (("overdue_0_30", 0, 30), ("overdue_31_60", 31, 60), ("overdue_61_90", 61, 90), ("overdue_90", 91, None))


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Any]]
    money: set[int] = field(default_factory=set)  # columns holding money (right-aligned, two places)
    numbers: set[int] = field(default_factory=set)  # other right-aligned columns


@dataclass
class Report:
    kind: str
    title: str
    data: dict[str, Any]
    tables: list[Table]
    notes: list[str] = field(default_factory=list)


@dataclass
class Totals:
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO

    def add(self, amount: Decimal, weighted: Decimal = ZERO) -> None:
        self.count += 1
        self.amount += amount
        self.weighted += weighted

    def json(self, weighted: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = {"count": self.count, "amount": money_plain(self.amount)}
        if weighted:
            found["weighted"] = money_plain(self.weighted)
        return found


def amount(deal: Deal) -> Decimal:
    return deal.amount or ZERO


def state(process: Process, deal: Deal) -> str:
    """open, won, lost, or unknown (a stage holp.yaml does not have)."""
    if deal.stage == LOST:
        return "lost"
    stage = process.stage(deal.stage)
    if stage is None:
        return "unknown"
    return "won" if stage.index >= process.won_index else "open"


def quarter(day: dt.date | None) -> str | None:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if day else None


def group_key(snapshot: Snapshot, deal: Deal, by: str) -> str | None:
    if by == "owner":
        return deal.owner
    if by == "region":
        return snapshot.region(deal)
    if by == "business_line":
        return deal.business_line
    if by == "customer":
        return deal.customer
    if by == "quarter":
        return quarter(deal.expected_close)
    raise ValueError(by)


def group_label(snapshot: Snapshot, by: str, key: str | None, lang: str, label: Labels) -> str:
    if key is None:
        return label("no_date") if by == "quarter" else "—"
    if by == "owner":
        rep = snapshot.team.rep(key)
        return rep.name if rep else key
    if by == "region":
        region = snapshot.team.region(key)
        return region.label.get(lang) if region else key
    if by == "business_line":
        return snapshot.process.choice_label(snapshot.process.business_lines, key, lang)
    if by == "customer":
        account = snapshot.accounts.get(key)
        return account.name if account else key
    return key


def _head(snapshot: Snapshot) -> dict[str, Any]:
    return {"as_of": snapshot.as_of.isoformat(), "revision": snapshot.revision, "currency": snapshot.process.currency}


# -- funnel --------------------------------------------------------------------------------


def _funnel_block(process: Process, deals: Iterable[Deal], lang: str) -> dict[str, Any]:
    stages = [s for s in process.stages if s.index < process.won_index]
    per = {s.id: Totals() for s in stages}
    opened, won, lost = Totals(), Totals(), Totals()
    for deal in deals:
        kind = state(process, deal)
        if kind == "open":
            w = weighted(process, deal)
            per[deal.stage].add(amount(deal), w)
            opened.add(amount(deal), w)
        elif kind == "won":
            won.add(amount(deal))
        elif kind == "lost":
            lost.add(amount(deal))
    return {
        "stages": [{"stage": s.id, "label": s.label.get(lang), **per[s.id].json()} for s in stages],
        "open": opened.json(),
        "won": won.json(weighted=False),
        "lost": lost.json(weighted=False),
    }


def funnel(snapshot: Snapshot, label: Labels, by: str | None = None) -> Report:
    process, lang = snapshot.process, label.lang
    data = {**_head(snapshot), **_funnel_block(process, snapshot.deals, lang)}
    tables = [_funnel_table(data, label, label("report_funnel"))]
    if by:
        groups: dict[str | None, list[Deal]] = defaultdict(list)
        for deal in snapshot.deals:
            groups[group_key(snapshot, deal, by)].append(deal)
        data["groups"] = [{"key": key, **_funnel_block(process, deals, lang)}
                          for key, deals in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
        headers = [label(by if by != "business_line" else "business_line"), label("open"), label("amount"),
                   label("weighted"), label("won"), label("amount"), label("lost"), label("amount")]
        rows = [[group_label(snapshot, by, g["key"], lang, label), g["open"]["count"], Decimal(g["open"]["amount"]),
                 Decimal(g["open"]["weighted"]), g["won"]["count"], Decimal(g["won"]["amount"]), g["lost"]["count"],
                 Decimal(g["lost"]["amount"])] for g in data["groups"]]
        tables.append(Table(f"{label('report_funnel')} · {label(by)}", headers, rows, {2, 3, 5, 7}, {1, 4, 6}))
    return Report("funnel", label("report_funnel"), data, tables)


def _funnel_table(data: dict[str, Any], label: Labels, caption: str) -> Table:
    rows: list[list[Any]] = [[s["label"], s["count"], Decimal(s["amount"]), Decimal(s["weighted"])]
                             for s in data["stages"]]
    rows.append([label("open"), data["open"]["count"], Decimal(data["open"]["amount"]),
                 Decimal(data["open"]["weighted"])])
    rows.append([label("won"), data["won"]["count"], Decimal(data["won"]["amount"]), None])
    rows.append([label("lost"), data["lost"]["count"], Decimal(data["lost"]["amount"]), None])
    return Table(caption, [label("stage"), label("count"), label("amount"), label("weighted")], rows, {2, 3}, {1})


# -- dates from history ---------------------------------------------------------------------


def won_dates(process: Process, history: History | None, snapshot: Snapshot) -> dict[str, dt.date]:
    """When each won deal was won: its first move into a won stage, else its expected close."""
    found: dict[str, dt.date] = {}
    for t in history.transitions if history else []:
        if (t.field == "stage" and t.target and process.is_won(t.target) and t.project not in found
                and (t.source is None or not process.is_won(t.source))):
            found[t.project] = dt.datetime.fromisoformat(t.date).date()
    for deal in snapshot.deals:
        if state(process, deal) == "won" and deal.id not in found and deal.expected_close:
            found[deal.id] = deal.expected_close
    return found


def _day(t: Transition) -> dt.date:
    return dt.datetime.fromisoformat(t.date).date()


def _until(history: History | None, as_of: dt.date) -> list[Transition]:
    return [t for t in (history.transitions if history else []) if t.field == "stage" and _day(t) <= as_of]


# -- forecast ------------------------------------------------------------------------------


def forecast(snapshot: Snapshot, label: Labels, history: History | None, period: str = "quarter") -> Report:
    process, team, as_of, lang = snapshot.process, snapshot.team, snapshot.as_of, label.lang
    year = as_of.year
    keys = [f"{year}-Q{q}" for q in range(1, 5)] if period == "quarter" else [f"{year}-{m:02d}" for m in range(1, 13)]
    buckets: dict[str, Totals] = {k: Totals() for k in ["overdue", *keys, "later", "none"]}
    for deal in snapshot.deals:
        if state(process, deal) != "open":
            continue
        close = deal.expected_close
        if close is None:
            key = "none"
        elif close < as_of:
            key = "overdue"
        elif close.year > year:
            key = "later"
        else:
            named = quarter(close) if period == "quarter" else f"{close.year}-{close.month:02d}"
            key = named if named in buckets else "later"
        buckets[key].add(amount(deal), weighted(process, deal))
    won_on = won_dates(process, history, snapshot)
    won_year = [d for d in snapshot.deals if state(process, d) == "won" and d.id in won_on
                and won_on[d.id].year == year and won_on[d.id] <= as_of]
    won_total = Totals()
    for deal in won_year:
        won_total.add(amount(deal))

    def this_year_open(deal: Deal) -> bool:
        return state(process, deal) == "open" and (deal.expected_close is None or deal.expected_close.year <= year)

    targets: list[dict[str, Any]] = []
    for target in team.targets:
        if target.year != year:
            continue
        if target.region is not None:
            region = team.region(target.region)
            kind, key, name = "region", target.region, region.label.get(lang) if region else target.region

            def member(deal: Deal, key: str = target.region) -> bool:
                return snapshot.region(deal) == key
        else:
            rep = team.rep(target.rep or "")
            kind, key, name = "rep", target.rep or "", rep.name if rep else (target.rep or "")

            def member(deal: Deal, key: str = target.rep or "") -> bool:
                return deal.owner == key
        won_amount = sum((amount(d) for d in won_year if member(d)), ZERO)
        pipeline = [d for d in snapshot.deals if this_year_open(d) and member(d)]
        pipe_amount = sum((amount(d) for d in pipeline), ZERO)
        pipe_weighted = sum((weighted(process, d) for d in pipeline), ZERO)
        gap = max(ZERO, target.amount - won_amount)
        targets.append({
            "kind": kind, "id": key, "label": name, "target": money_plain(target.amount),
            "won": money_plain(won_amount), "pipeline": money_plain(pipe_amount),
            "weighted": money_plain(pipe_weighted), "forecast": money_plain(won_amount + pipe_weighted),
            "gap": money_plain(gap),
            "gap_percent": _percent(gap, target.amount),
            "coverage": str((pipe_amount / gap).quantize(Decimal("0.01"))) if gap > 0 else None,
        })
    periods = [{"period": k, **buckets[k].json()} for k in buckets]
    data = {**_head(snapshot), "year": year, "period": period, "periods": periods,
            "won_to_date": won_total.json(weighted=False), "targets": targets}

    def period_label(key: str) -> str:
        return {"overdue": label("overdue_close"), "later": label("later"), "none": label("no_date")}.get(key, key)

    t1 = Table(f"{label('report_forecast')} {year}", [label("period"), label("count"), label("amount"),
                                                       label("weighted")],
               [[period_label(p["period"]), p["count"], Decimal(p["amount"]), Decimal(p["weighted"])] for p in periods]
               + [[label("won_to_date"), won_total.count, won_total.amount, None]], {2, 3}, {1})
    t2 = Table(f"{label('target')} {year}", [label("kind"), "", label("target"), label("won_to_date"),
                                              label("pipeline"), label("weighted"), label("forecast"), label("gap"),
                                              label("gap_percent"), label("coverage")],
               [[label("region") if t["kind"] == "region" else label("rep"), t["label"], Decimal(t["target"]),
                 Decimal(t["won"]), Decimal(t["pipeline"]), Decimal(t["weighted"]),
                 Decimal(t["forecast"]), Decimal(t["gap"]), f"{t['gap_percent']}%",
                 f"{t['coverage']}×" if t["coverage"] else "—"] for t in targets], {2, 3, 4, 5, 6, 7}, {8, 9})
    return Report("forecast", label("report_forecast"), data, [t1, t2])


def _percent(part: Decimal, whole: Decimal) -> str | None:
    if whole == 0:
        return None
    return str((part * 100 / whole).quantize(Decimal("0.1")))


# -- conversion ----------------------------------------------------------------------------


def conversion(snapshot: Snapshot, label: Labels, history: History | None) -> Report:
    process, lang = snapshot.process, label.lang
    index = {s.id: s.index for s in process.stages}
    visited: dict[str, list[str]] = defaultdict(list)
    for t in _until(history, snapshot.as_of):
        if t.target is not None:
            visited[t.project].append(t.target)
    deals = {d.id: d for d in snapshot.deals}
    for deal in snapshot.deals:
        if deal.stage and (not visited[deal.id] or visited[deal.id][-1] != deal.stage):
            visited[deal.id].append(deal.stage)  # uncommitted, or no git: what the file says now
    rows: list[dict[str, Any]] = []
    for stage in (s for s in process.stages if s.index < process.won_index):
        entered = moved = won = lost = 0
        for project_id, path in visited.items():
            if stage.id not in path:
                continue
            entered += 1
            after = path[path.index(stage.id) + 1:]
            if any(index.get(s, -1) > stage.index for s in after):
                moved += 1
            current = deals.get(project_id)
            ever_won = any(index.get(s, -1) >= process.won_index for s in path)
            if ever_won or (current and state(process, current) == "won"):
                won += 1
            elif current and state(process, current) == "lost":
                lost += 1
        decided = won + lost
        rows.append({
            "stage": stage.id, "label": stage.label.get(lang), "entered": entered,
            "moved_on": moved, "moved_on_percent": _percent(Decimal(moved), Decimal(entered)),
            "won": won, "lost": lost, "decided": decided,
            "win_rate": _percent(Decimal(won), Decimal(decided)),
            "probability": str((stage.probability * 100).quantize(Decimal("0.1"))),
        })
    reasons: dict[str, Totals] = defaultdict(Totals)
    for deal in snapshot.deals:
        if state(process, deal) == "lost":
            reasons[deal.lost_reason or ""].add(amount(deal))
    lost_rows = [{"reason": r or None, "label": process.choice_label(process.lost_reasons, r, lang) if r else "—",
                  **t.json(weighted=False)} for r, t in sorted(reasons.items(), key=lambda kv: -kv[1].amount)]
    data = {**_head(snapshot), "stages": rows, "lost_reasons": lost_rows,
            "history_incomplete": bool(history and history.shallow)}
    t1 = Table(label("report_conversion"), [label("stage"), label("entered"), label("moved_on"), "%", label("won"),
                                            label("lost"), label("win_rate"), label("configured")],
               [[r["label"], r["entered"], r["moved_on"], _pct(r["moved_on_percent"]), r["won"], r["lost"],
                 _pct(r["win_rate"]), _pct(r["probability"])] for r in rows], set(), {1, 2, 3, 4, 5, 6, 7})
    t2 = Table(label("lost_reason"), [label("reason"), label("count"), label("amount")],
               [[r["label"], r["count"], Decimal(r["amount"])] for r in lost_rows], {2}, {1})
    notes = [label("incomplete_history")] if data["history_incomplete"] else []
    return Report("conversion", label("report_conversion"), data, [t1, t2], notes)


def _pct(value: str | None) -> str:
    return f"{value}%" if value is not None else "—"


# -- aging and stalled ---------------------------------------------------------------------


def aging(snapshot: Snapshot, label: Labels, history: History | None, stalled_only: bool = False) -> Report:
    process, as_of, lang = snapshot.process, snapshot.as_of, label.lang
    transitions = _until(history, as_of)
    entered: dict[str, dt.date] = {}
    for t in transitions:
        entered[t.project] = _day(t)  # the last move wins: into the stage it is in now
    touched = {k: dt.date.fromisoformat(v) for k, v in (history.touched if history else {}).items()}
    rows: list[dict[str, Any]] = []
    for deal in snapshot.deals:
        if state(process, deal) != "open":
            continue
        since = entered.get(deal.id)
        last = touched.get(deal.id)
        untouched = (as_of - last).days if last else None
        rows.append({
            "project": deal.id, "name": deal.name, "stage": deal.stage, "owner": deal.owner,
            "days_in_stage": (as_of - since).days if since else None,
            "last_touched": last.isoformat() if last else None, "days_untouched": untouched,
            "stale": untouched is not None and untouched >= process.stale_after_days,
        })
    rows.sort(key=lambda r: -(r["days_untouched"] or 0))
    # velocity: days per stage for deals that were won, from consecutive moves
    spans: dict[str, list[int]] = defaultdict(list)
    by_project: dict[str, list[Transition]] = defaultdict(list)
    for t in transitions:
        by_project[t.project].append(t)
    won_ids = {d.id for d in snapshot.deals if state(process, d) == "won"}
    for project_id in won_ids:
        moves = by_project.get(project_id, [])
        for here, following in itertools.pairwise(moves):
            if here.target and process.is_open(here.target):
                spans[here.target].append((_day(following) - _day(here)).days)
    velocity = [{"stage": s.id, "label": s.label.get(lang), "deals": len(spans[s.id]),
                 "average_days": str((Decimal(sum(spans[s.id])) / len(spans[s.id])).quantize(Decimal("0.1")))
                 if spans[s.id] else None}
                for s in process.stages if s.index < process.won_index]
    stalled = [r for r in rows if r["stale"]]
    data = {**_head(snapshot), "stale_after_days": process.stale_after_days, "open": rows, "stalled": stalled,
            "velocity": velocity}

    def row(r: dict[str, Any]) -> list[Any]:
        rep = snapshot.team.rep(r["owner"] or "")
        return [r["project"], r["name"], process.stage_label(r["stage"], lang), rep.name if rep else r["owner"],
                r["days_in_stage"], r["last_touched"], r["days_untouched"]]

    headers = [label("id"), label("project"), label("stage"), label("owner"), label("days_in_stage"),
               label("last_touched"), label("days_untouched")]
    t_stalled = Table(f"{label('report_stalled')} (≥ {process.stale_after_days})", headers,
                      [row(r) for r in stalled], set(), {4, 6})
    if stalled_only:
        return Report("stalled", label("report_stalled"), {**_head(snapshot),
                                                             "stale_after_days": process.stale_after_days,
                                                             "stalled": stalled}, [t_stalled])
    t_open = Table(label("report_aging"), headers, [row(r) for r in rows], set(), {4, 6})
    t_velocity = Table(label("average_days"), [label("stage"), label("deals"), label("average_days")],
                       [[v["label"], v["deals"], v["average_days"]] for v in velocity], set(), {1, 2})
    return Report("aging", label("report_aging"), data, [t_stalled, t_open, t_velocity])


# -- reps ----------------------------------------------------------------------------------


def reps(snapshot: Snapshot, label: Labels, history: History | None,
         new_customers: dict[str, int] | None = None) -> Report:
    process, team, as_of = snapshot.process, snapshot.team, snapshot.as_of
    year = as_of.year
    won_on = won_dates(process, history, snapshot)
    lost_on = {t.project: _day(t) for t in _until(history, as_of) if t.target == LOST}
    rows: list[dict[str, Any]] = []
    for rep in team.reps:
        mine = [d for d in snapshot.deals if d.owner == rep.id]
        won = [d for d in mine if state(process, d) == "won" and d.id in won_on and won_on[d.id].year == year
               and won_on[d.id] <= as_of]
        lost = [d for d in mine if state(process, d) == "lost" and (lost_on.get(d.id) or as_of).year == year]
        opened = [d for d in mine if state(process, d) == "open"]
        target = next((t.amount for t in team.targets if t.year == year and t.rep == rep.id), None)
        won_amount = sum((amount(d) for d in won), ZERO)
        visits = sum(1 for d in snapshot.deals for day, by in d.visits if rep.id in by and day.year == year
                     and day <= as_of)
        rows.append({
            "rep": rep.id, "name": rep.name, "region": rep.region, "won_count": len(won),
            "won": money_plain(won_amount), "pipeline": money_plain(sum((amount(d) for d in opened), ZERO)),
            "weighted": money_plain(sum((weighted(process, d) for d in opened), ZERO)),
            "win_rate": _percent(Decimal(len(won)), Decimal(len(won) + len(lost))),
            "new_customers": (new_customers or {}).get(rep.id, 0), "visits": visits,
            "target": money_plain(target) if target is not None else None,
            "achieved": _percent(won_amount, target) if target else None,
        })
    rows.sort(key=lambda r: (-Decimal(r["won"]), -Decimal(r["weighted"]), r["rep"]))
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
    data = {**_head(snapshot), "year": year, "reps": rows}
    table = Table(f"{label('report_reps')} {year}",
                  [label("rank"), label("rep"), label("won"), label("amount"), label("pipeline"), label("weighted"),
                   label("win_rate"), label("new_customers"), label("visit_count"), label("target"),
                   label("achieved")],
                  [[r["rank"], r["name"], r["won_count"], Decimal(r["won"]), Decimal(r["pipeline"]),
                    Decimal(r["weighted"]), _pct(r["win_rate"]), r["new_customers"], r["visits"],
                    Decimal(r["target"]) if r["target"] else None, _pct(r["achieved"])] for r in rows],
                  {3, 4, 5, 9}, {0, 2, 6, 7, 8, 10})
    return Report("reps", label("report_reps"), data, [table])


# -- receivables ---------------------------------------------------------------------------


def receivables(snapshot: Snapshot, label: Labels) -> Report:
    process, as_of = snapshot.process, snapshot.as_of
    columns = ["not_due", *(b[0] for b in BUCKETS)]
    by_customer: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_owner: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    overdue: list[dict[str, Any]] = []
    received_year = ZERO
    for deal in snapshot.deals:
        for p in deal.payments:
            if p.received and p.received.year == as_of.year and p.received <= as_of:
                received_year += p.paid
            if p.outstanding <= 0:
                continue
            days = (as_of - p.due).days if p.due else -1
            column = "not_due" if days <= 0 else next(b[0] for b in BUCKETS if b[2] is None or days <= b[2])
            for groups, key in ((by_customer, deal.customer or "—"), (by_owner, deal.owner or "—")):
                groups[key][column] += p.outstanding
                groups[key]["received"] += p.paid
            if column != "not_due":
                overdue.append({"project": deal.id, "name": deal.name, "customer": deal.customer,
                                "owner": deal.owner, "due": p.due.isoformat() if p.due else None,
                                "days_overdue": days, "outstanding": money_plain(p.outstanding)})
    overdue.sort(key=lambda r: -r["days_overdue"])

    def rows(groups: dict[str, dict[str, Decimal]], name: Callable[[str], str]) -> list[dict[str, Any]]:
        found = []
        for key, values in sorted(groups.items()):
            total = sum((values[c] for c in columns), ZERO)
            found.append({"key": key, "label": name(key), **{c: money_plain(values[c]) for c in columns},
                          "outstanding": money_plain(total), "overdue": money_plain(total - values["not_due"])})
        return sorted(found, key=lambda r: -Decimal(r["overdue"]))

    def customer_name(key: str) -> str:
        account = snapshot.accounts.get(key)
        return account.name if account else key

    def rep_name(key: str) -> str:
        rep = snapshot.team.rep(key)
        return rep.name if rep else key

    customers, owners = rows(by_customer, customer_name), rows(by_owner, rep_name)
    data = {**_head(snapshot), "received_this_year": money_plain(received_year), "by_customer": customers,
            "by_owner": owners, "overdue": overdue}
    headers = [label(c) for c in columns] + [label("outstanding")]

    def table(caption: str, first: str, items: list[dict[str, Any]]) -> Table:
        return Table(caption, [first, *headers],
                     [[r["label"], *(Decimal(r[c]) for c in columns), Decimal(r["outstanding"])] for r in items],
                     set(range(1, len(columns) + 2)))

    detail = Table(label("days_overdue"), [label("id"), label("project"), label("customer"), label("due"),
                                           label("days_overdue"), label("outstanding")],
                   [[r["project"], r["name"], customer_name(r["customer"] or ""), r["due"], r["days_overdue"],
                     Decimal(r["outstanding"])] for r in overdue], {5}, {4})
    return Report("receivables", label("report_receivables"), data,
                  [table(label("customer"), label("customer"), customers), table(label("owner"), label("owner"), owners),
                   detail], [f"{label('received')} {as_of.year}: {money(received_year)} {process.currency}"])


# -- changes -------------------------------------------------------------------------------


def changes(snapshot: Snapshot, label: Labels, history: History | None, since: dt.date,
            weighted_before: Decimal, weighted_after: Decimal) -> Report:
    process, lang = snapshot.process, label.lang
    index = {s.id: s.index for s in process.stages}
    names = {d.id: d.name for d in snapshot.deals}
    found: list[dict[str, Any]] = []
    for t in history.transitions if history else []:
        day = _day(t)
        if day <= since or day > snapshot.as_of:
            continue
        if t.field == "expected_close":
            if t.source and t.target and t.target > t.source:
                kind = "pushed"
            else:
                continue
        elif t.field != "stage":
            continue
        elif t.source is None:
            kind = "new"
        elif t.target == LOST:
            kind = "lost"
        elif t.source == LOST:
            kind = "reopened"
        elif t.target and process.is_won(t.target) and not process.is_won(t.source):
            kind = "won"
        elif index.get(t.target or "", -1) < index.get(t.source, -1):
            kind = "back"
        else:
            kind = "forward"
        found.append({"kind": kind, "project": t.project, "name": names.get(t.project, t.project),
                      "from": t.source, "to": t.target, "date": t.date, "author": t.author, "email": t.email,
                      "reason": t.reason, "commit": t.commit})
    counts = {k: sum(1 for f in found if f["kind"] == k)
              for k in ("new", "forward", "back", "won", "lost", "reopened", "pushed")}
    data = {**_head(snapshot), "since": since.isoformat(), "counts": counts, "changes": found,
            "weighted_pipeline": {"before": money_plain(weighted_before), "after": money_plain(weighted_after),
                                  "change": money_plain(weighted_after - weighted_before)}}

    def shown(f: dict[str, Any], value: str | None) -> str:
        if value is None:
            return "—"
        return value if f["kind"] == "pushed" else process.stage_label(value, lang)

    summary = Table(f"{label('report_changes')} > {since.isoformat()}", [label("kind"), label("count")],
                    [[label(k), v] for k, v in counts.items()]
                    + [[label("weighted_change"), f"{money_plain(weighted_before)} → {money_plain(weighted_after)}"]],
                    set(), {1})
    detail = Table(label("report_changes"), [label("date"), label("kind"), label("id"), label("project"),
                                             label("from"), label("to"), label("author"), label("reason_note")],
                   [[f["date"][:10], label(f["kind"]), f["project"], f["name"], shown(f, f["from"]),
                     shown(f, f["to"]), f["author"], f["reason"] or ""] for f in found])
    return Report("changes", label("report_changes"), data, [summary, detail])
