"""The agenda (日程): what is due or overdue by a day, one line each, sorted by date (the overdue first).

Five kinds of line, each from figures holp already has: a task not done
(on a project or a customer), the next step of a deal's latest visit that
has a due day, the open exit-gate items of an open deal whose expected
close is within the window or past, a won customer due for a revisit
(`revisit_every_days`, as `report service` counts it) and an open deal that
is or becomes stalled (untouched `stale_after_days`, as `report stalled`
counts it; only with git history).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from holp.aftersales import Touch, revisits_due
from holp.inert import one_line
from holp.reports.aging import aging
from holp.reports.common import Head, Report, Table, head, incomplete, incomplete_notes, state

if TYPE_CHECKING:
    from holp.gates import GateStatus
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Deal, Snapshot

KINDS = ("task", "next_step", "gate", "revisit", "stalled")  # the order of the lines of one day


@dataclass(frozen=True)
class Line:
    day: dt.date
    kind: str
    who: str | None  # a team member's id
    record: str  # a project's or a customer's id
    what: str
    path: str  # the record's file
    key: str  # what makes the line one item over time (its calendar UID): the task's number, the item's id...
    overdue_days: int  # > 0: overdue by that many days

    @property
    def uid(self) -> str:
        return hashlib.sha1(f"{self.kind}/{self.record}/{self.key}".encode()).hexdigest() + "@holp"

    def json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "kind": self.kind, "who": self.who, "record": self.record,
                "what": self.what, "path": self.path, "overdue_days": self.overdue_days, "uid": self.uid}


@dataclass(frozen=True)
class Agenda(Report):
    kind: ClassVar[str] = "agenda"
    head: Head
    until: dt.date
    lines: tuple[Line, ...]
    names: dict[str, str]  # member id → name, for the table
    stalled_known: bool  # False: no git history, stalled deals are left out
    history_incomplete: bool = False

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "until": self.until.isoformat(), "stalled_known": self.stalled_known,
                "lines": [line.json() for line in self.lines], **incomplete(self.history_incomplete)}

    def tables(self, label: Labels) -> list[Table]:
        rows = [[line.day.isoformat(), label(f"agenda_{line.kind}"), self.names.get(line.who or "", line.who),
                 line.record, line.what, line.overdue_days or None] for line in self.lines]
        headers = [label("date"), label("agenda_kind"), label("agenda_who"), label("agenda_record"),
                   label("agenda_what"), label("agenda_overdue_days")]
        return [Table(f"{label('agenda_until')} {self.until.isoformat()}", headers, rows, frozenset(),
                      frozenset({5}), {4: 30})]

    def notes(self, label: Labels) -> list[str]:
        said = [] if self.stalled_known else [label("agenda_no_history")]
        return said + incomplete_notes(self.history_incomplete, label)


def _line(day: dt.date, kind: str, who: str | None, record: str, what: str, path: str, key: str,
          as_of: dt.date) -> Line:
    return Line(day, kind, who, record, " ".join(what.split()), path, key, max((as_of - day).days, 0))


def agenda(snapshot: Snapshot, lang: str, history: History | None, *, days: int, owner: str | None = None,
           region: str | None = None, gates: Callable[[Deal], GateStatus | None] | None = None) -> Agenda:
    """The lines due by the snapshot's day + ``days``; ``history`` None: no stalled lines (no git).
    ``gates`` gives an open deal's exit gate (the deal's file is read for it only when its close is near)."""
    process, as_of = snapshot.process, snapshot.as_of
    until = as_of + dt.timedelta(days=days)
    lines: list[Line] = []

    def keep(day: dt.date | None, who: str | None, where: str | None) -> bool:
        return (day is not None and day <= until and (owner is None or who == owner)
                and (region is None or where == region))

    deals = sorted(snapshot.deals, key=lambda d: d.id)
    for deal in deals:
        where, status = snapshot.region(deal), state(process, deal)
        for number, task in enumerate(deal.tasks, start=1):
            who = task.who or deal.owner
            if task.done is None and keep(task.due, who, where) and task.due is not None:
                lines.append(_line(task.due, "task", who, deal.id, task.what or "", deal.path, f"task-{number}", as_of))
        if status == "open" and deal.next_step is not None:
            step, due = deal.next_step
            if due is not None and keep(due, deal.owner, where):
                lines.append(_line(due, "next_step", deal.owner, deal.id, step, deal.path, f"next-{due}", as_of))
        if (status == "open" and gates is not None and deal.expected_close is not None
                and keep(deal.expected_close, deal.owner, where)):
            found = gates(deal)
            for item in found.missing if found else ():
                what = f"{process.stage_label(deal.stage, lang)}: {item.item.text.get(lang)}"
                lines.append(_line(deal.expected_close, "gate", deal.owner, deal.id, what, deal.path,
                                   f"{deal.stage}.{item.item.id}", as_of))
    for account in sorted(snapshot.accounts.values(), key=lambda a: a.id):
        for number, task in enumerate(account.tasks, start=1):
            who = task.who or account.owner
            if task.done is None and keep(task.due, who, account.region) and task.due is not None:
                lines.append(_line(task.due, "task", who, account.id, task.what or "", account.path,
                                   f"task-{number}", as_of))
    lines += _revisits(snapshot, deals, until, keep)
    if history is not None:
        by_id = {d.id: d for d in deals}
        for aged in aging(snapshot, lang, history).open:
            if aged.last_touched is None:
                continue
            day = aged.last_touched + dt.timedelta(days=process.stale_after_days)
            if keep(day, aged.owner, snapshot.region(by_id[aged.project])):
                what = f"{aged.stage_label} · {aged.name} ({aged.last_touched.isoformat()})"
                lines.append(_line(day, "stalled", aged.owner, aged.project, what, by_id[aged.project].path,
                                   f"stalled-{aged.last_touched}", as_of))
    lines.sort(key=lambda line: (line.day, KINDS.index(line.kind), line.record, line.key))
    names = {r.id: r.name for r in snapshot.team.reps}
    return Agenda(head(snapshot), until, tuple(lines), names, history is not None,
                  bool(history is not None and history.shallow))


def _revisits(snapshot: Snapshot, deals: Iterable[Deal], until: dt.date,
              keep: Callable[[dt.date | None, str | None, str | None], bool]) -> list[Line]:
    """The won customers whose revisit falls due by ``until``: the day after `revisit_every_days` since they were
    last seen (today when never), as `report service` counts them."""
    process, as_of = snapshot.process, snapshot.as_of
    every = process.revisit_every_days
    if every is None:
        return []
    touches = [Touch(d.customer or "", d.stage, tuple(day for day, _ in d.visits), d.service) for d in deals]
    found = []
    for due in revisits_due(process, touches, until):
        account = snapshot.accounts.get(due.customer)
        day = as_of if due.last is None else due.last + dt.timedelta(days=every + 1)
        owner, where = (account.owner, account.region) if account else (None, None)
        if keep(day, owner, where):
            name = account.name if account else due.customer
            last = due.last.isoformat() if due.last else "—"
            found.append(_line(day, "revisit", owner, due.customer, f"{name} ({last})",
                               account.path if account else "", f"revisit-{last}", as_of))
    return found


def ics(report: Agenda, label: Labels, company: str) -> bytes:
    """The agenda as an iCalendar file: one all-day event per line (calendar apps show events when subscribed)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//holp//agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{company} · {label('report_agenda')}")
    stamp = dt.datetime.combine(report.head.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    for line in report.lines:
        event = icalendar.Event()
        event.add("uid", line.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", line.day)
        event.add("dtend", line.day + dt.timedelta(days=1))
        # a file's value may hold control characters: shown, never passed to the calendar app
        event.add("summary", one_line(f"[{label(f'agenda_{line.kind}')}] {line.record} {line.what}"))
        who = report.names.get(line.who or "", line.who or "—")
        event.add("description", f"{one_line(line.path)}\n{label('agenda_who')}: {one_line(who)}")
        calendar.add_component(event)
    return calendar.to_ical()
