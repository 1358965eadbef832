"""The weekly and monthly report (周报/月报) of a rep, a region or the team: what happened in one ISO week or one
calendar month, from the files and git history.

Visits made (with what was found), checklist items ticked, stage moves, deals won and lost (with their amounts),
new customers and projects, service items opened and resolved, tasks done, and the tasks due in the next period.
"Made" means dated from the period's first day to its last or the as-of day, whichever comes first; the tasks
due next are those not done with a due day in the following week (month).

Scope: ``owner`` keeps that member's deals and customers (what was ticked, moved, won, lost, opened on them), the
visits they were on (a visit counts for each member on its ``by``) and the tasks given to them (a task without
``who`` is its record owner's); ``region`` keeps the region's deals and customers and what happened on them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.clock import within_reach
from holp.errors import HolpError
from holp.model.coerce import iso
from holp.output import money_plain
from holp.reports.changes import Change, changes
from holp.reports.common import (
    ZERO,
    Head,
    Report,
    Table,
    customer_name,
    head,
    incomplete,
    incomplete_notes,
    rep_name,
    shallow,
)

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.model import Task
    from holp.snapshot import Deal, Snapshot
    from holp.week_log import WeekLog

PERIODS = ("week", "month")
MOVES = ("forward", "back", "reopened")
FINDINGS = ("policy", "personnel", "needs", "activities")
NONE = "—"
_WEEK = re.compile(r"([0-9]{4})-?[Ww]([0-9]{2})")  # 2026-W48, as ISO 8601 writes it (2026W48, 2026-w48 too)


@dataclass(frozen=True)
class Period:
    kind: str  # week or month
    name: str  # 2026-W48, 2026-11
    start: dt.date
    end: dt.date
    next_start: dt.date
    next_end: dt.date

    def json(self) -> dict[str, Any]:
        return {"period": self.kind, "name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "next": {"start": self.next_start.isoformat(), "end": self.next_end.isoformat()}}


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def period_of(as_of: dt.date, kind: str | None, week: str | None) -> Period:
    """The ISO week ``week`` (e.g. 2026-W48), else the week (``kind`` month: the calendar month) of ``as_of``."""
    kind = kind or "week"
    if kind not in PERIODS:
        raise HolpError(f"--period {kind}: report week covers a week or a month (--period week|month)")
    if week is not None:
        if kind == "month":
            raise HolpError(f"--week {week} names a week, and --period month the month of the as-of day: give one")
        match = _WEEK.fullmatch(week)
        try:
            if match is None:
                raise ValueError(week)
            start = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise HolpError(f"--week {week}: no such ISO week; write the year and the week, as 2026-W48") from None
        within_reach(start, "--week", week)
    elif kind == "week":
        start = as_of - dt.timedelta(days=as_of.weekday())
    if kind == "week":
        year, number, _ = start.isocalendar()
        end = start + dt.timedelta(days=6)
        return Period(kind, f"{year}-W{number:02d}", start, end, end + dt.timedelta(days=1),
                      end + dt.timedelta(days=7))
    start = as_of.replace(day=1)
    end = _month_end(start)
    following = end + dt.timedelta(days=1)
    return Period(kind, f"{start.year}-{start.month:02d}", start, end, following, _month_end(following))


@dataclass(frozen=True)
class VisitRow:
    date: dt.date
    project: str
    customer: str | None
    customer_name: str
    by: tuple[str, ...]
    by_names: tuple[str, ...]
    met: tuple[str, ...]
    purpose: str | None
    findings: dict[str, str | None]
    next_step: str | None
    next_step_due: dt.date | None

    def json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "project": self.project, "customer": self.customer,
                "by": list(self.by), "met": list(self.met), "purpose": self.purpose, "findings": self.findings,
                "next_step": self.next_step, "next_step_due": iso(self.next_step_due)}


@dataclass(frozen=True)
class TickRow:
    date: str
    project: str
    stage: str
    stage_label: str
    item: str
    item_label: str
    author: str  # the rep's name when team.yaml knows the email, else as git has it
    rep: str | None
    commit: str

    def json(self) -> dict[str, Any]:
        return {"date": self.date, "project": self.project, "stage": self.stage, "item": self.item,
                "author": self.author, "rep": self.rep, "commit": self.commit}


@dataclass(frozen=True)
class Settled:
    """A deal won or lost in the period, with its amount as the files have it now."""

    change: Change
    customer: str | None  # its id
    customer_name: str | None
    amount: Decimal
    lost_reason: str | None

    def json(self) -> dict[str, Any]:
        return {"date": self.change.date, "project": self.change.project, "name": self.change.name,
                "customer": self.customer, "amount": money_plain(self.amount), "lost_reason": self.lost_reason,
                "author": self.change.author, "commit": self.change.commit}


@dataclass(frozen=True)
class NewRecord:
    date: dt.date
    id: str
    name: str
    owner: str | None
    owner_name: str
    customer: str | None = None  # projects
    customer_name: str | None = None
    amount: Decimal | None = None  # projects

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"date": self.date.isoformat(), "id": self.id, "name": self.name, "owner": self.owner}
        if self.customer is not None or self.amount is not None:
            found.update(customer=self.customer, amount=money_plain(self.amount) if self.amount is not None else None)
        return found


@dataclass(frozen=True)
class ServiceRow:
    project: str
    index: int  # 1-based, as export numbers them
    date: dt.date | None
    kind: str | None
    severity: str | None
    summary: str | None
    resolved: dt.date | None
    opened: bool  # dated in the period
    closed: bool  # resolved in the period

    def json(self) -> dict[str, Any]:
        return {"project": self.project, "index": self.index, "date": iso(self.date), "kind": self.kind,
                "severity": self.severity, "summary": self.summary, "resolved": iso(self.resolved),
                "opened": self.opened, "resolved_in_period": self.closed}


@dataclass(frozen=True)
class TaskRow:
    on: str  # the project or customer id
    index: int  # 1-based
    what: str | None
    who: str | None
    who_name: str  # who is on it: ``who``, else the record's owner
    due: dt.date | None
    done: dt.date | None

    def json(self) -> dict[str, Any]:
        return {"on": self.on, "index": self.index, "what": self.what, "who": self.who, "due": iso(self.due),
                "done": iso(self.done)}


@dataclass(frozen=True)
class Week(Report):
    kind: ClassVar[str] = "week"
    head: Head
    period: Period
    owner: str | None
    region: str | None
    scope: str  # how the scope reads: a member's name, a region's label, or the team
    visits: tuple[VisitRow, ...]
    ticks: tuple[TickRow, ...]
    moves: tuple[Change, ...]
    won: tuple[Settled, ...]
    lost: tuple[Settled, ...]
    new_customers: tuple[NewRecord, ...]
    new_projects: tuple[NewRecord, ...]
    service: tuple[ServiceRow, ...]
    tasks_done: tuple[TaskRow, ...]
    tasks_due: tuple[TaskRow, ...]
    history_incomplete: bool = False

    @property
    def visits_by_member(self) -> dict[str, int]:
        """Each member's visits: a visit counts for every member on its ``by``; most first, then by id."""
        counts: dict[str, int] = {}
        for v in self.visits:
            for member in v.by:
                counts[member] = counts.get(member, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def totals(self) -> dict[str, Any]:
        return {"visits": len(self.visits), "ticks": len(self.ticks), "moves": len(self.moves),
                "won": {"count": len(self.won), "amount": money_plain(sum((w.amount for w in self.won), ZERO))},
                "lost": {"count": len(self.lost), "amount": money_plain(sum((w.amount for w in self.lost), ZERO))},
                "new_customers": len(self.new_customers), "new_projects": len(self.new_projects),
                "service_opened": sum(1 for s in self.service if s.opened),
                "service_resolved": sum(1 for s in self.service if s.closed),
                "tasks_done": len(self.tasks_done), "tasks_due": len(self.tasks_due)}

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), **self.period.json(), "owner": self.owner, "region": self.region,
                "totals": self.totals, "visits_by_member": self.visits_by_member,
                "visits": [v.json() for v in self.visits],
                "ticks": [t.json() for t in self.ticks], "moves": [m.json() for m in self.moves],
                "won": [w.json() for w in self.won], "lost": [w.json() for w in self.lost],
                "new_customers": [c.json() for c in self.new_customers],
                "new_projects": [p.json() for p in self.new_projects],
                "service": [s.json() for s in self.service],
                "tasks_done": [t.json() for t in self.tasks_done], "tasks_due": [t.json() for t in self.tasks_due],
                **incomplete(self.history_incomplete)}

    def _summary(self, label: Labels) -> list[list[Any]]:
        won = sum((w.amount for w in self.won), ZERO)
        lost = sum((w.amount for w in self.lost), ZERO)
        totals = self.totals
        return [[label("week_visits"), totals["visits"], None], [label("week_ticks"), totals["ticks"], None],
                [label("week_moves"), totals["moves"], None], [label("won"), len(self.won), won],
                [label("lost"), len(self.lost), lost], [label("week_new_customers"), totals["new_customers"], None],
                [label("week_new_projects"), totals["new_projects"], None],
                [label("week_service_opened"), totals["service_opened"], None],
                [label("week_service_resolved"), totals["service_resolved"], None],
                [label("week_tasks_done"), totals["tasks_done"], None],
                [label("week_tasks_due"), totals["tasks_due"], None]]

    def tables(self, label: Labels) -> list[Table]:
        p = self.period
        caption = (f"{label('week_period_' + p.kind)} {p.name} ({p.start.isoformat()} – {p.end.isoformat()}) · "
                   f"{self.scope}")
        summary = Table(caption, [label("week_item"), label("count"), label("amount")], self._summary(label),
                        frozenset({2}), frozenset({1}))

        def findings(v: VisitRow) -> str:
            return "; ".join(f"{label('week_' + k)}: {text}" for k, text in v.findings.items() if text) or NONE

        visits = Table(label("week_visits"), [label("date"), label("project"), label("customer"), label("week_by"),
                                              label("met_whom"), label("purpose"), label("week_findings"),
                                              label("next_step")],
                       [[v.date.isoformat(), v.project, v.customer_name, "、".join(v.by_names), "、".join(v.met),
                         v.purpose or NONE, findings(v),
                         f"{v.next_step} ({iso(v.next_step_due)})" if v.next_step and v.next_step_due
                         else v.next_step or NONE] for v in self.visits],
                       wrap={2: 8, 3: 6, 4: 6, 5: 8, 6: 16, 7: 10})
        names = {b: n for v in self.visits for b, n in zip(v.by, v.by_names, strict=True)}
        members = Table(label("week_visits_by_member"), [label("week_by"), label("count")],
                        [[names[m], n] for m, n in self.visits_by_member.items()], numbers=frozenset({1}))
        ticks = Table(label("week_ticks"), [label("date"), label("project"), label("stage"), label("checklist"),
                                            label("author")],
                      [[t.date[:10], t.project, t.stage_label, t.item_label, t.author] for t in self.ticks],
                      wrap={3: 20})
        moves = Table(label("week_moves"), [label("date"), label("kind"), label("id"), label("project"), label("from"),
                                            label("to"), label("author"), label("reason_note")],
                      [[m.date[:10], label(m.kind), m.project, m.name, m.source_label, m.target_label, m.author,
                        m.reason or ""] for m in self.moves], wrap={3: 10, 7: 12})
        settled = Table(label("week_won_lost"), [label("date"), label("kind"), label("id"), label("project"),
                                                 label("customer"), label("amount"), label("reason")],
                        [[s.change.date[:10], label(s.change.kind), s.change.project, s.change.name,
                          s.customer_name or NONE, s.amount, s.lost_reason or ""] for s in (*self.won, *self.lost)],
                        frozenset({5}), wrap={3: 10, 4: 8})
        customers = Table(label("week_new_customers"), [label("date"), label("id"), label("customer"), label("owner")],
                          [[c.date.isoformat(), c.id, c.name, c.owner_name] for c in self.new_customers])
        projects = Table(label("week_new_projects"), [label("date"), label("id"), label("project"), label("customer"),
                                                      label("owner"), label("amount")],
                         [[c.date.isoformat(), c.id, c.name, c.customer_name or NONE, c.owner_name, c.amount]
                          for c in self.new_projects], frozenset({5}), wrap={2: 12, 3: 10})
        service = Table(label("week_service"), [label("service_date"), label("id"), label("kind"),
                                                label("service_severity"), label("service_summary"),
                                                label("service_resolved")],
                        [[iso(s.date), s.project, label(s.kind, "service_kinds") if s.kind else NONE,
                          label(s.severity, "levels") if s.severity else NONE, s.summary or NONE,
                          iso(s.resolved) or NONE] for s in self.service], wrap={4: 20})

        done = Table(label("week_tasks_done"), [label("id"), label("week_task"), label("week_who"), label("due"),
                                                label("week_done")],
                     [[t.on, t.what or NONE, t.who_name, iso(t.due), iso(t.done)] for t in self.tasks_done],
                     wrap={1: 20})
        due = Table(f"{label('week_tasks_due')} ({p.next_start.isoformat()} – {p.next_end.isoformat()})",
                    [label("id"), label("week_task"), label("week_who"), label("due")],
                    [[t.on, t.what or NONE, t.who_name, iso(t.due)] for t in self.tasks_due], wrap={1: 20})
        return [summary, visits, members, ticks, moves, settled, customers, projects, service, done, due]

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        """The totals, one row each: item, count, amount."""
        return [["item", "count", "amount"], *[[k, v["count"], v["amount"]] if isinstance(v, dict) else [k, v, ""]
                                               for k, v in self.totals.items()]]

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


@dataclass(frozen=True)
class _Scope:
    """Whose report it is and of which days: what each section keeps."""

    snapshot: Snapshot
    owner: str | None
    region: str | None
    start: dt.date
    until: dt.date  # the period's last day, or the as-of day if that comes first

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.until

    def keeps(self, deal: Deal | None) -> bool:
        """A deal of the owner (region); a project no longer in the files only in the team's report."""
        if deal is None:
            return self.owner is None and self.region is None
        return ((self.owner is None or deal.owner == self.owner)
                and (self.region is None or self.snapshot.region(deal) == self.region))

    def name(self, member: str | None) -> str:
        return rep_name(self.snapshot, member) if member else NONE


def _visits(scope: _Scope, log: WeekLog) -> list[VisitRow]:
    snapshot, found = scope.snapshot, []
    for deal in snapshot.deals:
        if scope.region is not None and snapshot.region(deal) != scope.region:
            continue
        for visit in log.visits.get(deal.id, ()):
            if visit.date is None or not scope.within(visit.date) or (scope.owner and scope.owner not in visit.by):
                continue
            notes = visit.findings
            found.append(VisitRow(visit.date, deal.id, deal.customer, customer_name(snapshot, deal.customer or ""),
                                  visit.by, tuple(scope.name(b) for b in visit.by), visit.met, visit.purpose,
                                  {k: getattr(notes, k) if notes else None for k in FINDINGS}, visit.next_step,
                                  visit.next_step_due))
    return sorted(found, key=lambda v: (v.date, v.project))


def _ticks(scope: _Scope, log: WeekLog, lang: str) -> list[TickRow]:
    process, team = scope.snapshot.process, scope.snapshot.team
    deals = {d.id: d for d in scope.snapshot.deals}
    found = []
    for t in log.ticks:
        if not (scope.within(dt.datetime.fromisoformat(t.date).date()) and scope.keeps(deals.get(t.project))):
            continue
        stage = process.stage(t.stage)
        checked = stage.item(t.item) if stage else None
        rep = team.rep_by_email(t.email)
        found.append(TickRow(t.date, t.project, t.stage, process.stage_label(t.stage, lang) if stage else t.stage,
                             t.item, checked.text.get(lang) if checked else t.item, rep.name if rep else t.author,
                             rep.id if rep else None, t.commit))

    def order(t: TickRow) -> tuple[str, str, int, int]:  # a commit's ticks in the process's order
        at = process.stage(t.stage)
        items = [i.id for i in at.checklist] if at else []
        return (t.date[:10], t.project, at.index if at else len(process.stages),
                items.index(t.item) if t.item in items else len(items))

    return sorted(found, key=order)


def _new_customers(scope: _Scope, log: WeekLog) -> list[NewRecord]:
    found = []
    for account in scope.snapshot.accounts.values():
        added = log.customers_added.get(account.path)
        if (added is not None and scope.within(added) and (scope.owner is None or account.owner == scope.owner)
                and (scope.region is None or account.region == scope.region)):
            found.append(NewRecord(added, account.id, account.name, account.owner, scope.name(account.owner)))
    return sorted(found, key=lambda r: (r.date, r.id))


def _service(scope: _Scope) -> list[ServiceRow]:
    found = []
    for deal in sorted(scope.snapshot.deals, key=lambda d: d.id):
        if scope.keeps(deal):
            for i, entry in enumerate(deal.service, 1):
                opened, closed = scope.within(entry.date), scope.within(entry.resolved)
                if opened or closed:
                    found.append(ServiceRow(deal.id, i, entry.date, entry.kind, entry.severity, entry.summary,
                                            entry.resolved, opened, closed))
    return found


def _tasks(scope: _Scope, period: Period) -> tuple[list[TaskRow], list[TaskRow]]:
    """The tasks done in the period, and those not done by the as-of day that are due in the next one."""
    snapshot = scope.snapshot
    holders: list[tuple[str, str | None, str | None, tuple[Task, ...]]] = [
        (d.id, d.owner, snapshot.region(d), d.tasks) for d in snapshot.deals]
    holders += [(a.id, a.owner, a.region, a.tasks) for a in snapshot.accounts.values()]
    done, due = [], []
    for on, record_owner, region, listed in sorted(holders, key=lambda h: h[0]):
        if scope.region is not None and region != scope.region:
            continue
        for i, task in enumerate(listed, 1):
            who = task.who or record_owner  # a task without `who` is its record owner's
            if scope.owner is not None and who != scope.owner:
                continue
            row = TaskRow(on, i, task.what, task.who, scope.name(who), task.due, task.done)
            if scope.within(task.done):
                done.append(row)
            elif ((task.done is None or task.done > snapshot.as_of) and task.due is not None
                  and period.next_start <= task.due <= period.next_end):
                due.append(row)
    done.sort(key=lambda t: (t.done or dt.date.min, t.on, t.index))
    due.sort(key=lambda t: (t.due or dt.date.min, t.on, t.index))
    return done, due


def week(snapshot: Snapshot, lang: str, history: History | None, log: WeekLog, period: Period, *,
         owner: str | None = None, region: str | None = None) -> Week:
    """What happened in ``period`` up to the snapshot's day, for ``owner`` or ``region`` or the whole team."""
    scope = _Scope(snapshot, owner, region, period.start, min(period.end, snapshot.as_of))
    deals = {d.id: d for d in snapshot.deals}
    found = [c for c in changes(snapshot, lang, history, period.start - dt.timedelta(days=1), ZERO, ZERO).changes
             if c.date[:10] <= scope.until.isoformat() and scope.keeps(deals.get(c.project))]

    def settled(c: Change) -> Settled:
        deal = deals.get(c.project)
        customer = deal.customer if deal else None
        return Settled(c, customer, customer_name(snapshot, customer) if customer else None,
                       deal.amount or ZERO if deal else ZERO, deal.lost_reason if deal and c.kind == "lost" else None)

    new_projects = [NewRecord(dt.datetime.fromisoformat(c.date).date(), made.id, made.name, made.owner,
                              scope.name(made.owner), made.customer,
                              customer_name(snapshot, made.customer) if made.customer else None, made.amount)
                    for c in found if c.kind == "new" and (made := deals.get(c.project)) is not None]
    done, due = _tasks(scope, period)
    if owner is not None:
        whose = scope.name(owner)
    elif region is not None:
        found_region = snapshot.team.region(region)
        whose = found_region.label.get(lang) if found_region else region
    else:
        whose = snapshot.process.company or NONE
    return Week(head(snapshot), period, owner, region, whose, tuple(_visits(scope, log)), tuple(_ticks(scope, log, lang)),
                tuple(c for c in found if c.kind in MOVES), tuple(settled(c) for c in found if c.kind == "won"),
                tuple(settled(c) for c in found if c.kind == "lost"), tuple(_new_customers(scope, log)),
                tuple(new_projects), tuple(_service(scope)), tuple(done), tuple(due), shallow(history))
