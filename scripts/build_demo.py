"""Build the demo sales repository from example-repo/, with months of real git history, and show it.

Usage: python scripts/build_demo.py [DEST]   (default: demo/, ignored by git)

The example files are the end state. The script replays how a team would
have got there, in date order: the manager sets up the process, team and
customers; each project's owner creates its file at the first stage, records
visits (hand edits, as reps do), ticks checklist items with `holp tick`,
moves it with `holp advance` (the region's manager gives each approval with `holp approve`), adds
the payment plan when the contract is won,
records each receipt with `holp pay`, each collection step with `holp collect`
and each sales expense with `holp expense add` on its day, and closes lost deals
with `holp close --lost`. A stage whose gate is proven by the payments (all
received) is left once the last receipt is in. One move goes through a
branch that the region's manager merges, as a reviewed pull request would.
Every commit is dated and authored by the rep of team.yaml who made it.
Then holp validates the demo, prints its history summary, funnel and
forecast, and writes the HTML report (demo/report.html).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from holp import edit, yaml  # noqa: E402
from holp.approvers import takes_approval  # noqa: E402
from holp.commands import advance, approve, close, collect, expense, pay, tick  # noqa: E402
from holp.errors import HolpError  # noqa: E402
from holp.model import LOST, Process, build_process, build_team  # noqa: E402
from holp.validate_cases import summary_stage  # noqa: E402

EXAMPLE = ROOT / "example-repo"
TODAY = dt.date(2026, 11, 24)
_year, _week, _ = (TODAY - dt.timedelta(days=7)).isocalendar()
LAST_WEEK = f"{_year}-W{_week:02d}"  # the last full week of the history, for its 周报
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(order=True)
class Event:
    day: dt.date
    seq: int  # the order of a project's own events, which replay keeps
    project: str
    kind: str = field(compare=False)
    args: tuple[Any, ...] = field(default=(), compare=False)
    who: str = field(default="", compare=False)


def leading_date(value: Any) -> dt.date | None:
    match = _DATE.match(str(value))
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


SUMMARY_KEYS = ("summary", "case")  # written at the evaluation stage, not when the project is created


def summary_blocks(relative: str, text: str) -> str:
    """The lines of the project's summary and case, as written in the example file."""
    found = []
    for key in SUMMARY_KEYS:
        without = edit.remove_key(edit.Source(relative, False, text), key)
        start = next((i for i, (a, b) in enumerate(zip(text, without, strict=False)) if a != b), len(without))
        found.append(text[start:start + len(text) - len(without)])
    return "".join(found)


class Demo:
    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.process: Process = build_process(yaml.read("holp.yaml", (EXAMPLE / "holp.yaml").read_bytes()).tree)
        team = build_team(yaml.read("team.yaml", (EXAMPLE / "team.yaml").read_bytes()).tree)
        self.reps = {r.id: r for r in team.reps}
        self.managers = {r.id: r.manager for r in team.regions}
        self.clock: dict[dt.date, int] = {}
        self.summary_stage = summary_stage(self.process)

    # -- git and environment -----------------------------------------------------------------

    def at(self, day: dt.date, who: str) -> None:
        """Set the author, committer and date (and holp's today) for what comes next."""
        minutes = 9 * 60 + 7 * self.clock.get(day, 0)  # commits of one day follow each other from 09:00
        self.clock[day] = self.clock.get(day, 0) + 1
        stamp = f"{day.isoformat()}T{minutes // 60 % 24:02d}:{minutes % 60:02d}:00+08:00"
        rep = self.reps[who]
        for role in ("AUTHOR", "COMMITTER"):
            os.environ[f"GIT_{role}_NAME"] = rep.name
            os.environ[f"GIT_{role}_EMAIL"] = rep.email or f"{who}@holp.example"
            os.environ[f"GIT_{role}_DATE"] = stamp
        os.environ["HOLP_TODAY"] = day.isoformat()

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.dest, check=True, capture_output=True, text=True).stdout

    def commit_files(self, message: str, paths: list[str]) -> None:
        self.git("add", "--", *paths)
        self.git("commit", "-q", "-m", message)

    @staticmethod
    def quietly(call: Any, *args: Any, **kwargs: Any) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            call(*args, **kwargs)

    # -- the plan --------------------------------------------------------------------------

    def plan(self) -> tuple[dt.date, list[Event]]:
        events: list[Event] = []
        first_day = TODAY
        for path in sorted((EXAMPLE / "projects").rglob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            data = yaml.read(str(path), text.encode()).tree
            project_events = self.project_events(path.relative_to(EXAMPLE).as_posix(), text, data)
            first_day = min([first_day, *(e.day for e in project_events)])
            events += project_events
        return first_day - dt.timedelta(days=14), sorted(events)

    def project_events(self, relative: str, text: str, data: dict[str, Any]) -> list[Event]:
        pid, owner = data["id"], data["owner"]
        stages = list(self.process.stage_ids)
        final = data["stage"]
        lost = data.get("lost") or {}
        last = lost.get("stage", stages[0]) if final == LOST else final
        path = stages[: stages.index(last) + 1]
        checklist = data.get("checklist") or {}
        visits = data.get("visits") or []
        known = [d for d in (leading_date(v.get("date")) for v in visits) if d]
        known += [d for ticks in checklist.values() for d in map(leading_date, ticks.values()) if d]
        created = min(known, default=TODAY - dt.timedelta(days=60)) - dt.timedelta(days=10)
        events = [Event(created, 0, pid, "create", (relative, text), owner)]
        seq = iter(range(1, 10_000))
        root = yaml.compose(text)
        nodes = dict((k.value, v) for k, v in root.value) if root is not None else {}
        for i, visit in enumerate(visits):
            day = max(created, leading_date(visit.get("date")) or created)
            by = visit.get("by")
            events.append(Event(day, next(seq), pid, "visit", (relative, edit.item_lines(text, nodes["visits"].value[i])),
                                by[0] if isinstance(by, list) else by))
        for spent in data.get("expenses") or []:  # each with `holp expense add`, by who spent it, on its day
            day = max(created, leading_date(spent.get("date")) or created)
            events.append(Event(day, next(seq), pid, "expense", (spent,), spent.get("by") or owner))
        entered = created
        money_in: list[Event] = []  # the receipts and collection steps, once the plan is in
        for index, stage in enumerate(path):
            ticks = checklist.get(stage) or {}
            day = entered
            for item, value in ticks.items():
                when = max(entered, leading_date(value) or entered + dt.timedelta(days=1))
                day = max(day, when)
                events.append(Event(when, next(seq), pid, "tick", (item, str(value)), owner))
            defined = self.process.stage(stage)
            for item in (i for i in (defined.checklist if defined else ()) if takes_approval(i)):
                for approval in (a for a in data.get("approvals") or [] if a.get("item") == item.id):
                    when = max(entered, leading_date(approval.get("date")) or entered)
                    day = max(day, when)  # the approver commits their verdict themselves
                    events.append(Event(when, next(seq), pid, "approve", (approval,), approval["by"]))
            if stage == self.process.won_from and data.get("payments"):
                events.append(Event(entered, next(seq), pid, "payments", (relative, plan_lines(data["payments"])),
                                    owner))
                money_in = collection_events(pid, owner, data["payments"], entered, seq)
                events += money_in
            evidence = [i.evidence for i in defined.checklist if i.evidence] if defined else []
            if any(rule.startswith("payments") for rule in evidence):
                day = max([day, *(e.day for e in money_in if e.kind == "pay")])
            if self.summary_stage and stage == self.summary_stage.id and (blocks := summary_blocks(relative, text)):
                written = leading_date((data.get("summary") or {}).get("date")) or entered
                day = max(day, entered, written)  # the summary and the case are written at the evaluation
                events.append(Event(day, next(seq), pid, "summary", (relative, blocks), owner))
            if index + 1 < len(path):
                entered = day + dt.timedelta(days=2)
                events.append(Event(entered, next(seq), pid, "advance", (), owner))
        if final == LOST:
            when = max(day, leading_date(lost.get("date")) or day)
            events.append(Event(when, next(seq), pid, "lost", (lost.get("reason"), lost.get("note")), owner))
        for event in events:  # nothing happens after today: squeeze late plans into it
            event.day = min(event.day, TODAY)
        return events

    # -- replay ----------------------------------------------------------------------------

    def build(self) -> None:
        if self.dest.exists():
            shutil.rmtree(self.dest)
        self.dest.mkdir(parents=True)
        start, events = self.plan()
        self.git("init", "-q", "-b", "main")
        manager = self.managers[sorted(self.managers)[0]] or sorted(self.reps)[0]
        self.at(start, manager)
        for name in ("holp.yaml", "team.yaml"):
            shutil.copy2(EXAMPLE / name, self.dest / name)
        shutil.copytree(EXAMPLE / "customers", self.dest / "customers")
        self.commit_files("销售流程、团队和客户档案", ["holp.yaml", "team.yaml", "customers"])
        branched = False
        for event in events:
            self.at(event.day, event.who)
            branched = self.replay(event, branched)

    def replay(self, event: Event, branched: bool) -> bool:
        pid = event.project
        if event.kind == "create":
            relative, text = event.args
            source = edit.Source(relative, False, text)
            for key in ("checklist", "lost", "visits", "payments", "approvals", "expenses", *SUMMARY_KEYS):
                source = edit.Source(relative, False, edit.remove_key(source, key))
            first = self.process.stages[0].id
            body = edit.set_value(source, ["stage"], first)
            target = self.dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            self.commit_files(f"{pid}: 新项目", [relative])
        elif event.kind == "visit":
            relative, lines = event.args
            self.append(relative, "visits", [lines])
            self.commit_files(f"{pid}: 拜访记录", [relative])
        elif event.kind == "payments":
            relative, items = event.args
            self.append(relative, "payments", items)
            self.commit_files(f"{pid}: 付款计划", [relative])
        elif event.kind == "pay":
            n, amount, day = event.args
            self.quietly(pay.run, self.dest, pid, amount=amount, date=day, payment=n, dry_run=False, commit=True,
                         branch=None)
        elif event.kind == "collect":
            n, kind, note, day, by = event.args
            self.quietly(collect.run, self.dest, pid, action=kind, note=note, payment=n, date=day, by=by,
                         dry_run=False, commit=True, branch=None)
        elif event.kind == "expense":
            spent = event.args[0]
            self.quietly(expense.add, self.dest, pid, kind=spent["kind"], amount=str(spent["amount"]),
                         note=spent.get("note") or "", date=str(leading_date(spent["date"])), by=spent.get("by"),
                         approved_by=spent.get("approved_by"), dry_run=False, commit=True, branch=None)
        elif event.kind == "summary":
            relative, blocks = event.args
            target = self.dest / relative
            body = target.read_text(encoding="utf-8")
            target.write_text(body + ("" if body.endswith("\n") else "\n") + blocks, encoding="utf-8")
            self.commit_files(f"{pid}: 项目总结", [relative])
        elif event.kind == "tick":
            item, value = event.args
            date = leading_date(value)
            note, when = (None, date.isoformat()) if date and value == date.isoformat() else (value, None)
            self.quietly(tick.run, self.dest, pid, item, note=note, date=when, dry_run=False, commit=True,
                         branch=None)
        elif event.kind == "approve":
            (a,) = event.args
            self.quietly(approve.run, self.dest, pid, a["item"], verdict=a["verdict"], note=a.get("note"),
                         date=str(a["date"]), dry_run=False, commit=True, branch=None)
        elif event.kind == "advance":
            region = self.dest.joinpath(*self.path_of(pid).parts[:2]).name
            if not branched and region == "east" and event.day >= TODAY - dt.timedelta(days=90):
                self.quietly(advance.run, self.dest, pid, to=None, note="经理审核后合并", force=False, reason=None,
                             dry_run=False, commit=True, branch="", lang=None)
                branch = self.git("branch", "--show-current").strip()
                self.git("switch", "-q", "main")
                self.at(event.day, self.managers["east"] or event.who)
                self.git("merge", "-q", "--no-ff", "-m", f"Merge {branch}: 审核通过", branch)
                return True
            self.quietly(advance.run, self.dest, pid, to=None, note=None, force=False, reason=None, dry_run=False,
                         commit=True, branch=None, lang=None)
        elif event.kind == "lost":
            reason, note = event.args
            self.quietly(close.run, self.dest, pid, won=False, reason=reason, note=note, force=False, dry_run=False,
                         commit=True, branch=None, lang=None)
        return branched

    def path_of(self, pid: str) -> Path:
        return next(p.relative_to(self.dest) for p in (self.dest / "projects").rglob(f"{pid}.yaml"))

    def append(self, relative: str, key: str, items: list[list[str]]) -> None:
        target = self.dest / relative
        for lines in items:
            source = edit.Source(relative, False, target.read_text(encoding="utf-8"))
            target.write_text(edit.append_item(source, key, lines), encoding="utf-8")


LATER = ("received", "received_amount", "receipts", "actions")  # what happens after the plan is agreed


def plan_lines(payments: list[dict[str, Any]]) -> list[list[str]]:
    """The payment plan as agreed: each payment without what came in or was done to collect it."""
    return [["- " + edit.flow_mapping([(k, v) for k, v in p.items() if k not in LATER])] for p in payments]


def collection_events(pid: str, owner: str, payments: list[dict[str, Any]], planned: dt.date,
                      seq: Any) -> list[Event]:
    """`holp pay` for each receipt and `holp collect` for each step, on their days (not before the plan)."""
    found = []
    for n, p in enumerate(payments, 1):
        who = p.get("collector") or owner
        received = [(p["received"], p.get("received_amount", p["amount"]))] if p.get("received") else []
        received += [(r["date"], r["amount"]) for r in p.get("receipts") or []]
        for day, amount in received:
            when = max(planned, leading_date(day) or planned)
            found.append(Event(when, next(seq), pid, "pay", (n, str(amount), when.isoformat()), who))
        for a in p.get("actions") or []:
            when = max(planned, leading_date(a["date"]) or planned)
            found.append(Event(when, next(seq), pid, "collect", (n, a["kind"], a["note"], when.isoformat(),
                                                                  a.get("by") or who), a.get("by") or who))
    return found


def holp(dest: Path, *args: str, quiet: bool = False) -> subprocess.CompletedProcess[str]:
    if not quiet:
        print(f"\n$ holp {' '.join(args)}", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER", "HOLP_TODAY"))}
    return subprocess.run([sys.executable, "-m", "holp", "-C", str(dest), *args], check=False, env=env,
                          capture_output=quiet, text=True)


def summary(dest: Path) -> None:
    moves = json.loads(holp(dest, "history", "--format", "json", quiet=True).stdout)
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=dest, capture_output=True, text=True,
                             check=True).stdout.strip()
    first, last = moves[0]["date"][:10], moves[-1]["date"][:10]
    print(f"\nhistory: {commits} commits from {first} to {last}, {len(moves)} stage transitions")
    by_rep: dict[str, list[int]] = {}
    for m in moves:
        counts = by_rep.setdefault(m["author"], [0, 0, 0])
        counts[0 if m["from"] is None else 2 if m["to"] == LOST else 1] += 1
    for name, (created, moved, lost) in sorted(by_rep.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {name}: {created} created, {moved} moved, {lost} lost")


def main() -> int:
    dest = (ROOT / (sys.argv[1] if len(sys.argv) > 1 else "demo")).resolve()
    try:
        Demo(dest).build()
    except HolpError as e:
        print(f"demo: {e.message}", file=sys.stderr)
        return 1
    print(f"demo sales repository with history: {dest}")
    failed = holp(dest, "validate").returncode
    summary(dest)
    holp(dest, "history", "--since", (TODAY - dt.timedelta(days=30)).isoformat())
    holp(dest, "report", "funnel")
    holp(dest, "report", "forecast")
    holp(dest, "agenda", "--days", "14")  # what is due or overdue in the next two weeks
    holp(dest, "report", "week", "--week", LAST_WEEK)  # the 周报 of the history's last full week
    page = dest / "report.html"
    holp(dest, "report", "--format", "html", "-o", str(page))
    print(f"\nthe dashboard (every report below it): {page}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
