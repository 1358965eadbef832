"""Changes: what happened to the pipeline since a day (the last meeting), move by move, and its weighted change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.output import money, money_plain
from holp.reports.common import Head, Report, Table, day_of, head, incomplete, incomplete_notes, shallow
from holp.stages import BACKWARD, LOST_MOVE, NEW, REOPEN, classify

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Snapshot

CHANGE_KINDS = ("new", "forward", "back", "won", "lost", "reopened", "pushed")
CHANGE_OF = {NEW: "new", BACKWARD: "back", LOST_MOVE: "lost", REOPEN: "reopened"}  # a move's kind, as this report says it


@dataclass(frozen=True)
class Change:
    kind: str  # one of CHANGE_KINDS
    project: str
    name: str
    source: str | None  # a stage, or for pushed the expected close before
    target: str | None
    date: str  # the commit's ISO timestamp, as git wrote it
    author: str
    email: str
    reason: str | None
    commit: str
    source_label: str  # how source and target read in a table
    target_label: str

    def json(self) -> dict[str, Any]:
        return {"kind": self.kind, "project": self.project, "name": self.name, "from": self.source, "to": self.target,
                "date": self.date, "author": self.author, "email": self.email, "reason": self.reason,
                "commit": self.commit}


@dataclass(frozen=True)
class Changes(Report):
    kind: ClassVar[str] = "changes"
    head: Head
    since: dt.date
    changes: tuple[Change, ...]
    weighted_before: Decimal
    weighted_after: Decimal
    history_incomplete: bool = False
    since_commit: str | None = None  # --since REV: the commit, whose committer day is ``since``

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for c in self.changes if c.kind == k) for k in CHANGE_KINDS}

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "since": self.since.isoformat(), "since_commit": self.since_commit,
                "counts": self.counts,
                "changes": [c.json() for c in self.changes],
                "weighted_pipeline": {"before": money_plain(self.weighted_before),
                                      "after": money_plain(self.weighted_after),
                                      "change": money_plain(self.weighted_after - self.weighted_before)},
                **incomplete(self.history_incomplete)}

    def _counts(self, label: Labels, money_text: Callable[[Decimal], str]) -> list[list[Any]]:
        return ([[label("kind"), label("count")]] + [[label(k), v] for k, v in self.counts.items()]
                + [[label("weighted_change"), f"{money_text(self.weighted_before)} → {money_text(self.weighted_after)}"]])

    def tables(self, label: Labels) -> list[Table]:
        start = f"{self.since_commit[:8]} ({self.since.isoformat()})" if self.since_commit else self.since.isoformat()
        headers, *rows = self._counts(label, money)
        rows[-1][1] += f" {self.head.currency}"
        summary = Table(f"{label('report_changes')} > {start}", headers, rows, frozenset(), frozenset({1}))
        detail = Table(label("report_changes"), [label("date"), label("kind"), label("id"), label("project"),
                                                 label("from"), label("to"), label("author"), label("reason_note")],
                       [[c.date[:10], label(c.kind), c.project, c.name, c.source_label, c.target_label, c.author,
                         c.reason or ""] for c in self.changes])
        return [summary, detail]

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        """The counts, with the weighted change in the contract's plain numbers (no separators, no currency)."""
        return list(self._counts(label, money_plain))

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


def changes(snapshot: Snapshot, lang: str, history: History | None, since: dt.date, weighted_before: Decimal,
            weighted_after: Decimal, *, since_commit: str | None = None, after: frozenset[str] | None = None) -> Changes:
    """Stage moves and pushed expected closes after ``since`` up to the snapshot's day — or, given the commits
    ``after`` a commit (``since_commit``), made in those — and the weighted pipeline then (``weighted_before``)
    and now (``weighted_after``)."""
    process = snapshot.process
    names = {d.id: d.name for d in snapshot.deals}

    def shown(kind: str, value: str | None) -> str:
        if value is None:
            return "—"
        return value if kind == "pushed" else process.stage_label(value, lang)

    found: list[Change] = []
    for t in history.transitions if history else []:
        if after is not None:
            if t.commit not in after:
                continue
        elif not since < day_of(t) <= snapshot.as_of:
            continue
        if t.field == "expected_close":
            if t.source and t.target and t.target > t.source:
                kind = "pushed"
            else:
                continue
        elif t.field != "stage":
            continue
        else:
            move = classify(process, t.source, t.target)
            kind = "won" if move.won else CHANGE_OF.get(move.name, "forward")
        found.append(Change(kind, t.project, names.get(t.project, t.project), t.source, t.target, t.date, t.author,
                            t.email, t.reason, t.commit, shown(kind, t.source), shown(kind, t.target)))
    return Changes(head(snapshot), since, tuple(found), weighted_before, weighted_after, shallow(history),
                   since_commit)
