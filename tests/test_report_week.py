"""holp report week: the 周报/月报, checked against a repository generated with a real git history.

The generator keeps its own ledger of what it did (each visit, tick, move, new file, service item and task, with
the day of the commit that made it); the tests count from that ledger alone and compare with `--format json`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import write
from holp.resources import template

TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North China}, manager: wang.fang}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
  - {id: wang.fang, name: 王芳, email: wang.fang@example.com, region: north, role: manager}
  - {id: zhao.lei, name: 赵磊, email: zhao.lei@example.com, region: north, role: engineer}
"""
PEOPLE = {"li.na": "李娜", "zhang.wei": "张伟", "wang.fang": "王芳", "zhao.lei": "赵磊"}
SELLERS = {"east": ["li.na", "zhang.wei"], "north": ["wang.fang"]}
OPEN = ["prospecting", "entry", "proposal", "bidding", "negotiation"]  # before the won stage, in order
WON = "implementation"
ITEMS = [("prospecting", "process_assessed"), ("prospecting", "equipment_assessed"),
         ("prospecting", "funding_assessed"), ("entry", "procurement_org_mapped"),
         ("negotiation", "contract_approved")]
FIRST = dt.date(2026, 9, 28)  # the days the generator commits on: six weeks over October and November
LAST = dt.date(2026, 11, 29)


@dataclass
class Ledger:
    """What the generator did. Days are the committing days, except a visit's own date and a task's due day."""

    customers: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → region, owner, added
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → the file's state and when made
    visits: list[dict[str, Any]] = field(default_factory=list)  # date, project, by, committed
    ticks: list[tuple[dt.date, str, str, str]] = field(default_factory=list)  # day, project, stage, item
    moves: list[tuple[dt.date, str, str]] = field(default_factory=list)  # day, project, kind


def _tasks(tasks: list[dict[str, Any]]) -> list[str]:
    lines = ["tasks:"] if tasks else []
    for t in tasks:
        who = f", who: {t['who']}" if t["who"] else ""
        done = f", done: {t['done']}" if t["done"] else ""
        lines.append(f"  - {{what: 任务{t['due']}, due: {t['due']}{who}{done}}}")
    return lines


def _customer(cid: str, c: dict[str, Any]) -> str:
    lines = [f"id: {cid}", f"name: 客户{cid}", f"region: {c['region']}", f"owner: {c['owner']}",
             *_tasks(c.get("tasks", []))]
    return "\n".join(lines) + "\n"


def _project(pid: str, p: dict[str, Any]) -> str:
    lines = [f"id: {pid}", f"name: 项目{pid}", f"customer: {p['customer']}", f"owner: {p['owner']}",
             f"amount: {p['amount']}", "expected_close: 2027-06-30", f"stage: {p['stage']}"]
    if p["stage"] == "lost":
        lines.append("lost: {reason: price}")
    if p["ticks"]:
        lines.append("checklist:")
        for stage in dict.fromkeys(s for s, _ in p["ticks"]):
            lines.append(f"  {stage}:")
            lines += [f"    {item}: {day}" for (s, item), day in p["ticks"].items() if s == stage]
    if p["visits"]:
        lines.append("visits:")
        for v in p["visits"]:
            lines += [f"  - date: {v['date']}", f"    by: [{', '.join(v['by'])}]", "    met: [李明]",
                      "    purpose: 技术交流", "    findings:", f"      needs: 需求{v['date']}"]
    if p["service"]:
        lines.append("service:")
        for s in p["service"]:
            resolved = f", resolved: {s['resolved']}" if s["resolved"] else ""
            lines.append(f"  - {{date: {s['date']}, kind: complaint, severity: high, summary: 漏风{resolved}}}")
    lines += _tasks(p["tasks"])
    return "\n".join(lines) + "\n"


def _path(ledger: Ledger, pid: str) -> str:
    region = ledger.customers[ledger.projects[pid]["customer"]]["region"]
    return f"projects/{region}/{pid}.yaml"


def _commit(root: Path, who: str, day: dt.date, files: dict[str, str]) -> None:
    stamp = f"{day.isoformat()}T10:00:00+08:00"
    env = {"GIT_AUTHOR_NAME": PEOPLE[who], "GIT_AUTHOR_EMAIL": f"{who}@example.com", "GIT_AUTHOR_DATE": stamp,
           "GIT_COMMITTER_NAME": PEOPLE[who], "GIT_COMMITTER_EMAIL": f"{who}@example.com",
           "GIT_COMMITTER_DATE": stamp}
    for path, text in files.items():
        write(root / path, text)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"{who} {day}"], cwd=root, check=True, env={**os.environ, **env})


def generate(root: Path, seed: int = 13) -> Ledger:
    rng = random.Random(seed)
    ledger = Ledger()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    write(root / "holp.yaml", template("init", "holp.yaml").read_bytes())
    write(root / "team.yaml", TEAM)
    ledger.customers["C-0001"] = {"region": "east", "owner": "zhang.wei", "added": dt.date(2026, 9, 1), "tasks": []}
    _commit(root, "li.na", dt.date(2026, 9, 1), {"customers/east/C-0001.yaml": _customer("C-0001", ledger.customers[
        "C-0001"])})
    day = FIRST
    while day <= LAST:
        for _ in range(rng.randint(1, 4)):
            _event(root, ledger, rng, day)
        day += dt.timedelta(days=1)
    return ledger


def _event(root: Path, ledger: Ledger, rng: random.Random, day: dt.date) -> None:
    live = [pid for pid, p in ledger.projects.items() if p["stage"] in OPEN]
    kinds = ["customer", "project", "customer_task"] + ["tick", "move", "visit", "visit", "service", "task", "done"] * bool(live)
    kind = rng.choice(kinds)
    if kind == "customer":
        cid = f"C-{len(ledger.customers) + 1:04d}"
        region = rng.choice(["east", "north"])
        c = {"region": region, "owner": rng.choice(SELLERS[region]), "added": day, "tasks": []}
        ledger.customers[cid] = c
        _commit(root, c["owner"], day, {f"customers/{region}/{cid}.yaml": _customer(cid, c)})
        return
    if kind == "customer_task":  # a task not tied to a deal, or the first open one done
        cid = rng.choice(list(ledger.customers))
        c = ledger.customers[cid]
        open_tasks = [t for t in c["tasks"] if not t["done"]]
        if open_tasks and rng.random() < 0.5:
            open_tasks[0]["done"] = day
        else:
            c["tasks"].append({"due": day + dt.timedelta(days=rng.randint(0, 25)), "done": None,
                               "who": rng.choice([None, "zhao.lei"]), "committed": day})
        _commit(root, c["owner"], day, {f"customers/{c['region']}/{cid}.yaml": _customer(cid, c)})
        return
    if kind == "project":
        cid = rng.choice(list(ledger.customers))
        pid = f"P-{len(ledger.projects) + 1:04d}"
        owner = rng.choice(SELLERS[ledger.customers[cid]["region"]])
        ledger.projects[pid] = {"customer": cid, "owner": owner, "amount": rng.randrange(100_000, 5_000_000, 100),
                                "stage": "prospecting", "ticks": {}, "visits": [], "service": [], "tasks": [],
                                "added": day}
    else:
        pid = rng.choice(live)
    p = ledger.projects[pid]
    who = p["owner"]
    if kind == "tick":
        left = [i for i in ITEMS if i not in p["ticks"]]
        if not left:
            return
        item = rng.choice(left)
        p["ticks"][item] = day
        ledger.ticks.append((day, pid, *item))
    elif kind == "move":
        index = OPEN.index(p["stage"])
        choice = rng.choice(["forward", "forward", "back", "back", "won", "lost"])
        if choice == "back" and index == 0:
            choice = "forward"
        p["stage"] = {"forward": OPEN[index + 1] if index + 1 < len(OPEN) else WON,
                      "back": OPEN[index - 1] if index else OPEN[0], "won": WON, "lost": "lost"}[choice]
        ledger.moves.append((day, pid, "won" if p["stage"] == WON else choice))
    elif kind == "visit":
        region = ledger.customers[p["customer"]]["region"]
        by = [who] + (["zhao.lei"] if rng.random() < 0.4 else []) + (["li.na"] if region == "east" and who != "li.na"
                                                                      and rng.random() < 0.3 else [])
        visit = {"date": day - dt.timedelta(days=rng.randint(0, 3)), "project": pid, "by": by, "committed": day}
        p["visits"].append(visit)
        ledger.visits.append(visit)
        who = rng.choice(by) if rng.random() < 0.5 else who
        who = who if who != "zhao.lei" else p["owner"]
    elif kind == "service":
        open_items = [s for s in p["service"] if not s["resolved"]]
        if open_items and rng.random() < 0.6:
            open_items[0]["resolved"] = day
            open_items[0]["resolved_committed"] = day
        else:
            p["service"].append({"date": day - dt.timedelta(days=rng.randint(0, 2)), "resolved": None,
                                 "committed": day})
    elif kind == "task":
        p["tasks"].append({"due": day + dt.timedelta(days=rng.randint(1, 20)), "done": None,
                           "who": rng.choice([None, "zhao.lei", p["owner"]]), "committed": day})
    elif kind == "done":
        open_tasks = [t for t in p["tasks"] if not t["done"]]
        if not open_tasks:
            return
        open_tasks[0]["done"] = day
    _commit(root, who, day, {_path(ledger, pid): _project(pid, p)})


# -- counting from the ledger alone --------------------------------------------------------------


def region_of(ledger: Ledger, pid: str) -> str:
    return str(ledger.customers[ledger.projects[pid]["customer"]]["region"])


def expected(ledger: Ledger, start: dt.date, end: dt.date, as_of: dt.date, next_start: dt.date, next_end: dt.date,
             owner: str | None = None, region: str | None = None) -> dict[str, Any]:
    until = min(end, as_of)

    def within(day: dt.date | None) -> bool:
        return day is not None and start <= day <= until

    def kept(pid: str) -> bool:
        p = ledger.projects[pid]
        return (p["added"] <= as_of and (owner is None or p["owner"] == owner)
                and (region is None or region_of(ledger, pid) == region))

    made = [v for v in ledger.visits if within(v["date"]) and v["committed"] <= as_of
            and (owner is None or owner in v["by"]) and (region is None or region_of(ledger, v["project"]) == region)]
    visits = sorted((v["date"].isoformat(), v["project"]) for v in made)
    ticks = sorted((d.isoformat(), pid, s, i) for d, pid, s, i in ledger.ticks if within(d) and kept(pid))
    moves = [(d, pid, k) for d, pid, k in ledger.moves if within(d) and kept(pid)]
    won = [(pid, ledger.projects[pid]["customer"], ledger.projects[pid]["amount"]) for d, pid, k in moves
           if k == "won"]
    lost = [(pid, ledger.projects[pid]["customer"], ledger.projects[pid]["amount"]) for d, pid, k in moves
            if k == "lost"]
    new_customers = sorted(cid for cid, c in ledger.customers.items() if within(c["added"])
                           and (owner is None or c["owner"] == owner) and (region is None or c["region"] == region))
    new_projects = sorted(pid for pid, p in ledger.projects.items() if within(p["added"]) and kept(pid))
    service = []
    done, due = [], []
    for pid, p in ledger.projects.items():
        if not kept(pid):
            continue
        for i, s in enumerate(s for s in p["service"] if s["committed"] <= as_of):
            resolved = s["resolved"] if s["resolved"] and s["resolved"] <= as_of else None
            if within(s["date"]) or within(resolved):
                service.append((pid, i + 1, within(s["date"]), within(resolved)))
    holders = [(pid, p, region_of(ledger, pid)) for pid, p in ledger.projects.items()]
    holders += [(cid, c, c["region"]) for cid, c in ledger.customers.items()]
    for on, p, where in holders:
        if p["added"] > as_of or (region is not None and where != region):
            continue
        for i, t in enumerate(t for t in p["tasks"] if t["committed"] <= as_of):
            if owner is not None and (t["who"] or p["owner"]) != owner:
                continue
            finished = t["done"] if t["done"] and t["done"] <= as_of else None
            if within(finished):
                done.append((on, i + 1))
            elif finished is None and next_start <= t["due"] <= next_end:
                due.append((on, i + 1))
    by_member: dict[str, int] = {}
    for v in made:
        for member in v["by"]:
            by_member[member] = by_member.get(member, 0) + 1
    return {"visits": visits, "visits_by_member": sorted(by_member.items()), "ticks": ticks, "moves": sorted((d.isoformat(), pid, k) for d, pid, k in moves
                                                              if k in ("forward", "back")),
            "won": sorted(won), "lost": sorted(lost), "new_customers": new_customers, "new_projects": new_projects,
            "service": sorted(service), "tasks_done": sorted(done), "tasks_due": sorted(due)}


def observed(report: dict[str, Any]) -> dict[str, Any]:
    return {"visits": sorted((v["date"], v["project"]) for v in report["visits"]),
            "visits_by_member": sorted(report["visits_by_member"].items()),
            "ticks": sorted((t["date"][:10], t["project"], t["stage"], t["item"]) for t in report["ticks"]),
            "moves": sorted((m["date"][:10], m["project"], m["kind"]) for m in report["moves"]),
            "won": sorted((w["project"], w["customer"], int(Decimal(w["amount"]))) for w in report["won"]),
            "lost": sorted((w["project"], w["customer"], int(Decimal(w["amount"]))) for w in report["lost"]),
            "new_customers": sorted(c["id"] for c in report["new_customers"]),
            "new_projects": sorted(p["id"] for p in report["new_projects"]),
            "service": sorted((s["project"], s["index"], s["opened"], s["resolved_in_period"])
                              for s in report["service"]),
            "tasks_done": sorted((t["on"], t["index"]) for t in report["tasks_done"]),
            "tasks_due": sorted((t["on"], t["index"]) for t in report["tasks_due"])}


def totals(found: dict[str, Any]) -> dict[str, Any]:
    def amount(rows: list[tuple[str, str, int]]) -> str:
        return f"{sum(a for _, _, a in rows)}.00"

    return {"visits": len(found["visits"]), "ticks": len(found["ticks"]), "moves": len(found["moves"]),
            "won": {"count": len(found["won"]), "amount": amount(found["won"])},
            "lost": {"count": len(found["lost"]), "amount": amount(found["lost"])},
            "new_customers": len(found["new_customers"]), "new_projects": len(found["new_projects"]),
            "service_opened": sum(1 for s in found["service"] if s[2]),
            "service_resolved": sum(1 for s in found["service"] if s[3]),
            "tasks_done": len(found["tasks_done"]), "tasks_due": len(found["tasks_due"])}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ledger]:
    root = tmp_path_factory.mktemp("week") / "sales"
    root.mkdir()
    env = {"HOME": str(root.parent), "GIT_CONFIG_GLOBAL": str(root.parent / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        return root, generate(root)


def week_json(holp: Callable[..., Result], root: Path, *args: str) -> dict[str, Any]:
    result = holp("-C", str(root), "report", "week", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


WEEKS = [("2026-W40", dt.date(2026, 9, 28)), ("2026-W44", dt.date(2026, 10, 26)), ("2026-W45", dt.date(2026, 11, 2)),
         ("2026-W47", dt.date(2026, 11, 16)), ("2026-W48", dt.date(2026, 11, 23))]


@pytest.mark.parametrize(("name", "monday"), WEEKS)
@pytest.mark.parametrize("scope", [(), ("--owner", "zhang.wei"), ("--owner", "zhao.lei"), ("--region", "north")])
def test_every_figure_of_a_week_is_the_ledgers(history: tuple[Path, Ledger], holp: Callable[..., Result],
                                               monkeypatch: pytest.MonkeyPatch, name: str, monday: dt.date,
                                               scope: tuple[str, ...]) -> None:
    root, ledger = history
    monkeypatch.setenv("HOLP_TODAY", "2026-12-01")
    report = week_json(holp, root, "--week", name, *scope)
    sunday = monday + dt.timedelta(days=6)
    owner = scope[1] if scope[:1] == ("--owner",) else None
    region = scope[1] if scope[:1] == ("--region",) else None
    want = expected(ledger, monday, sunday, dt.date(2026, 12, 1), sunday + dt.timedelta(days=1),
                    sunday + dt.timedelta(days=7), owner, region)
    assert observed(report) == want
    assert report["totals"] == totals(want)
    assert {w["lost_reason"] for w in report["lost"]} <= {"price"} and {w["lost_reason"] for w in report["won"]} <= {None}
    assert (report["period"], report["name"], report["start"], report["end"]) == (
        "week", name, monday.isoformat(), sunday.isoformat())
    assert (report["owner"], report["region"]) == (owner, region)


def test_the_generated_history_has_something_of_every_kind(history: tuple[Path, Ledger]) -> None:
    _, ledger = history
    kinds = {k for _, _, k in ledger.moves}
    assert {"forward", "back", "won", "lost"} <= kinds
    assert len(ledger.visits) > 10 and len(ledger.ticks) > 10
    assert any(t["done"] for p in ledger.projects.values() for t in p["tasks"])
    assert any(t["done"] for c in ledger.customers.values() for t in c["tasks"])
    assert any(s["resolved"] for p in ledger.projects.values() for s in p["service"])


@pytest.mark.parametrize(("as_of", "first", "last", "following"), [
    ("2026-10-31", dt.date(2026, 10, 1), dt.date(2026, 10, 31), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
    ("2026-11-20", dt.date(2026, 11, 1), dt.date(2026, 11, 30), (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
])
@pytest.mark.parametrize("scope", [(), ("--owner", "li.na"), ("--region", "east")])
def test_every_figure_of_a_month_is_the_ledgers(history: tuple[Path, Ledger], holp: Callable[..., Result],
                                                as_of: str, first: dt.date, last: dt.date,
                                                following: tuple[dt.date, dt.date], scope: tuple[str, ...]) -> None:
    """--as-of reads the files of that day's last commit: what was committed later is not there."""
    root, ledger = history
    report = week_json(holp, root, "--period", "month", "--as-of", as_of, *scope)
    owner = scope[1] if scope[:1] == ("--owner",) else None
    region = scope[1] if scope[:1] == ("--region",) else None
    want = expected(ledger, first, last, dt.date.fromisoformat(as_of), *following, owner, region)
    assert observed(report) == want
    assert report["totals"] == totals(want)
    assert (report["period"], report["start"], report["end"], report["next"]) == (
        "month", first.isoformat(), last.isoformat(), {"start": following[0].isoformat(),
                                                       "end": following[1].isoformat()})


# -- one small week, exactly ------------------------------------------------------------------------

SMALL_PROJECT = """\
id: P-0001
name: 1号烧结机余热回收
customer: C-0001
owner: zhang.wei
amount: 2500000
expected_close: 2027-03-31
stage: {stage}
"""
SMALL_CHECKLIST = """\
checklist:
  prospecting:
    process_assessed: 2026-11-18
"""
SMALL_VISITS = """\
visits:
  - date: 2026-11-17
    by: [zhang.wei, zhao.lei]
    met: [李明, 王强]
    purpose: 技术交流 | 现场勘查
    findings:
      policy: 省里有节能补贴
      needs: 想先改 1 号机
    next_step: 提交初步方案
    next_step_due: 2026-11-27
tasks:
  - {what: 准备报价, who: zhang.wei, due: 2026-11-20, done: 2026-11-19}
  - {what: 约技术交流, who: zhao.lei, due: 2026-11-25}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "sales"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    write(root / "holp.yaml", template("init", "holp.yaml").read_bytes())
    write(root / "team.yaml", TEAM)
    _commit(root, "li.na", dt.date(2026, 11, 2), {})
    customer = _customer("C-0001", {"region": "east", "owner": "zhang.wei"})
    path = "projects/east/P-0001.yaml"
    _commit(root, "zhang.wei", dt.date(2026, 11, 16), {"customers/east/C-0001.yaml": customer,
                                                       path: SMALL_PROJECT.format(stage="prospecting")})
    _commit(root, "zhang.wei", dt.date(2026, 11, 18), {path: SMALL_PROJECT.format(stage="prospecting")
                                                       + SMALL_CHECKLIST + SMALL_VISITS})
    _commit(root, "zhang.wei", dt.date(2026, 11, 19), {path: SMALL_PROJECT.format(stage="entry") + SMALL_CHECKLIST
                                                       + SMALL_VISITS})
    return root


def test_the_markdown_of_a_small_week(small: Path, holp: Callable[..., Result]) -> None:
    result = holp("-C", str(small), "report", "week", "--week", "2026-W47", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output == MARKDOWN



def test_an_empty_week_says_none_and_succeeds(small: Path, holp: Callable[..., Result]) -> None:
    result = holp("-C", str(small), "report", "week", "--week", "2026-W45")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "周报/月报 — 截至 2026-11-24 · CNY"
    assert lines[2] == "周报 2026-W45 (2026-11-02 – 2026-11-08) · 厚尔普:"
    assert lines[lines.index("本期拜访:") + 1] == "  (无)"
    assert result.output.count("  (无)") == 10  # every list of the report (won and lost share one): nothing
    report = week_json(holp, small, "--week", "2026-W45", "--lang", "en")
    assert report["totals"] == totals({k: [] for k in ("visits", "ticks", "moves", "won", "lost", "new_customers",
                                                       "new_projects", "service", "tasks_done", "tasks_due")})


def test_the_default_is_the_week_of_the_as_of_day_and_month_its_month(small: Path,
                                                                       holp: Callable[..., Result]) -> None:
    report = week_json(holp, small, "--as-of", "2026-11-19")
    assert (report["name"], report["start"], report["end"]) == ("2026-W47", "2026-11-16", "2026-11-22")
    assert report["totals"]["visits"] == 1 and report["totals"]["moves"] == 1
    report = week_json(holp, small, "--as-of", "2026-11-18")  # the move came a day later
    assert (report["totals"]["moves"], report["totals"]["ticks"]) == (0, 1)
    assert report["tasks_done"] == []  # written with done: 2026-11-19, after the as-of day
    assert [(t["what"], t["due"]) for t in report["tasks_due"]] == [("约技术交流", "2026-11-25")]
    report = week_json(holp, small, "--period", "month")
    assert (report["name"], report["start"], report["end"], report["next"]) == (
        "2026-11", "2026-11-01", "2026-11-30", {"start": "2026-12-01", "end": "2026-12-31"})
    assert report["totals"]["tasks_due"] == 0  # due on 2026-11-25: this month, not the next


@pytest.mark.parametrize(("args", "message"), [
    (("--week", "2026-W54"), "--week 2026-W54: no such ISO week; write the year and the week, as 2026-W48"),
    (("--week", "2025-W53"), "--week 2025-W53: no such ISO week; write the year and the week, as 2026-W48"),
    (("--week", "48"), "--week 48: no such ISO week; write the year and the week, as 2026-W48"),
    (("--week", "2026-W00"), "--week 2026-W00: no such ISO week; write the year and the week, as 2026-W48"),
    (("--week", "２０２６-W48"), "--week ２０２６-W48: no such ISO week; write the year and the week, as 2026-W48"),
    (("--week", "2026-W48", "--period", "month"),
     "--week 2026-W48 names a week, and --period month the month of the as-of day: give one"),
    (("--period", "quarter"), "--period quarter: report week covers a week or a month (--period week|month)"),
    (("--owner", "nobody"), "--owner nobody: no one of that id in team.yaml"),
    (("--region", "west"), "--region west: no region of that id in team.yaml"),
])
def test_bad_options_are_refused_in_one_sentence(small: Path, holp: Callable[..., Result], args: tuple[str, ...],
                                                 message: str) -> None:
    result = holp("-C", str(small), "report", "week", *args)
    assert result.exit_code == 2
    assert result.output == f"holp: {message}\n"


@pytest.mark.parametrize("written", ["2026-W47", "2026W47", "2026-w47"])
def test_a_week_as_iso_8601_writes_it(small: Path, holp: Callable[..., Result], written: str) -> None:
    report = week_json(holp, small, "--week", written)
    assert (report["name"], report["start"], report["totals"]["visits"]) == ("2026-W47", "2026-11-16", 1)


def test_iso_week_53_exists_in_a_long_year(small: Path, holp: Callable[..., Result]) -> None:
    report = week_json(holp, small, "--week", "2026-W53")  # 2026 begins on a Thursday
    assert (report["start"], report["end"], report["next"]) == ("2026-12-28", "2027-01-03",
                                                                 {"start": "2027-01-04", "end": "2027-01-10"})


def test_a_terminal_table_fits_120_columns_and_control_characters_are_neutralised(
        small: Path, holp: Callable[..., Result]) -> None:
    import wcwidth

    path = small / "projects/east/P-0001.yaml"
    text = path.read_text(encoding="utf-8").replace("技术交流 | 现场勘查", '"\\e[31m红色\\a' + "很长的拜访目的" * 8 + '"')
    path.write_text(text.replace("想先改 1 号机", "需求" * 60), encoding="utf-8")
    result = holp("-C", str(small), "report", "week", "--week", "2026-W47")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\a" not in result.output
    assert max(wcwidth.wcswidth(line) for line in result.output.splitlines()) <= 120
    markdown = holp("-C", str(small), "report", "week", "--week", "2026-W47", "--format", "markdown").output
    assert "\x1b" not in markdown


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_the_other_formats(small: Path, holp: Callable[..., Result], fmt: str) -> None:
    result = holp("-C", str(small), "report", "week", "--week", "2026-W47", "--format", fmt, "--lang", "en")
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        assert result.output.splitlines()[:5] == ["item,count,amount", "visits,1,", "ticks,1,", "moves,1,",
                                                  "won,0,0.00"]
    else:
        assert "<h2>Weekly / monthly report</h2>" in result.output
        assert "<h3>Week 2026-W47 (2026-11-16 – 2026-11-22) · 厚尔普</h3>" in result.output
        assert "<td class=\"\">Policy: 省里有节能补贴; Needs: 想先改 1 号机</td>" in result.output



def test_outside_git_it_is_refused_not_zero(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("report", "week")
    assert result.exit_code == 2
    assert result.output == ("holp: report week reads git history (ticks, moves, new files), but this is not a git "
                             "repository\n")



def test_a_tick_made_on_a_branch_counts_once_for_its_commit_not_the_merge(small: Path,
                                                                          holp: Callable[..., Result]) -> None:
    path = "projects/east/P-0001.yaml"
    subprocess.run(["git", "switch", "-q", "-c", "feature"], cwd=small, check=True)
    text = (small / path).read_text(encoding="utf-8")
    ticked = text.replace("    process_assessed: 2026-11-18\n",
                          "    process_assessed: 2026-11-18\n    equipment_assessed: 空压机台账已拿到\n")
    _commit(small, "zhao.lei", dt.date(2026, 11, 20), {path: ticked})
    subprocess.run(["git", "switch", "-q", "main"], cwd=small, check=True)
    customer = (small / "customers/east/C-0001.yaml").read_text(encoding="utf-8") + "industry: steel\n"
    _commit(small, "li.na", dt.date(2026, 11, 20), {"customers/east/C-0001.yaml": customer})
    stamp = "2026-11-21T10:00:00+08:00"
    subprocess.run(["git", "merge", "-q", "--no-ff", "-m", "merge", "feature"], cwd=small, check=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
                        "GIT_AUTHOR_EMAIL": "li.na@example.com", "GIT_COMMITTER_EMAIL": "li.na@example.com"})
    report = week_json(holp, small, "--week", "2026-W47")
    assert [(t["date"][:10], t["item"], t["rep"]) for t in report["ticks"]] == [
        ("2026-11-18", "process_assessed", "zhang.wei"), ("2026-11-20", "equipment_assessed", "zhao.lei")]
    removed = ticked.replace("    equipment_assessed: 空压机台账已拿到\n", "    equipment_assessed: 2026-02-30\n")
    _commit(small, "zhang.wei", dt.date(2026, 11, 22), {path: removed})  # no day: no tick
    _commit(small, "zhang.wei", dt.date(2026, 11, 22), {path: ticked})  # ticked again: a tick of that commit
    report = week_json(holp, small, "--week", "2026-W47")
    assert [(t["date"][:10], t["item"]) for t in report["ticks"]] == [
        ("2026-11-18", "process_assessed"), ("2026-11-20", "equipment_assessed"), ("2026-11-22", "equipment_assessed")]


MARKDOWN = """\
## 周报/月报

_截至 2026-11-24 · CNY_

### 周报 2026-W47 (2026-11-16 – 2026-11-22) · 厚尔普

| 事项           |   数量 |   金额 (CNY) |
|:---------------|-------:|-------------:|
| 本期拜访       |      1 |              |
| 完成的检查项   |      1 |              |
| 阶段推进与退回 |      1 |              |
| 赢单           |      0 |        0\\.00 |
| 丢单           |      0 |        0\\.00 |
| 新增客户       |      1 |              |
| 新增项目       |      1 |              |
| 受理的售后事项 |      0 |              |
| 解决的售后事项 |      0 |              |
| 完成的任务     |      1 |              |
| 下期到期的任务 |      1 |              |

### 本期拜访

| 日期       | 项目   | 客户       | 拜访人     | 拜访对象   | 拜访目的             | 拜访收获                                  | 下一步                    |
|:-----------|:-------|:-----------|:-----------|:-----------|:---------------------|:------------------------------------------|:--------------------------|
| 2026-11-17 | P-0001 | 客户C-0001 | 张伟、赵磊 | 李明、王强 | 技术交流 \\| 现场勘查 | 政策: 省里有节能补贴; 需求: 想先改 1 号机 | 提交初步方案 (2026-11-27) |

### 各人拜访次数

| 拜访人   |   数量 |
|:---------|-------:|
| 张伟     |      1 |
| 赵磊     |      1 |

### 完成的检查项

| 日期       | 项目   | 阶段     | 检查项           | 提交人   |
|:-----------|:-------|:---------|:-----------------|:---------|
| 2026-11-18 | P-0001 | 开发阶段 | 了解客户工艺流程 | 张伟     |

### 阶段推进与退回

| 日期       | 类型   | 编号   | 项目              | 从       | 到           | 提交人   | 原因/说明   |
|:-----------|:-------|:-------|:------------------|:---------|:-------------|:---------|:------------|
| 2026-11-19 | 推进   | P-0001 | 1号烧结机余热回收 | 开发阶段 | 销售进入阶段 | 张伟     |             |

### 赢单与丢单

_无_

### 新增客户

| 日期       | 编号   | 客户       | 负责人   |
|:-----------|:-------|:-----------|:---------|
| 2026-11-16 | C-0001 | 客户C-0001 | 张伟     |

### 新增项目

| 日期       | 编号   | 项目              | 客户       | 负责人   |   金额 (CNY) |
|:-----------|:-------|:------------------|:-----------|:---------|-------------:|
| 2026-11-16 | P-0001 | 1号烧结机余热回收 | 客户C-0001 | 张伟     | 2,500,000.00 |

### 售后事项(受理或解决)

_无_

### 完成的任务

| 编号   | 任务     | 执行人   | 到期日     | 完成日期   |
|:-------|:---------|:---------|:-----------|:-----------|
| P-0001 | 准备报价 | 张伟     | 2026-11-20 | 2026-11-19 |

### 下期到期的任务 (2026-11-23 – 2026-11-29)

| 编号   | 任务       | 执行人   | 到期日     |
|:-------|:-----------|:---------|:-----------|
| P-0001 | 约技术交流 | 赵磊     | 2026-11-25 |
"""


def test_a_week_reads_only_its_history_but_a_tick_rebased_later_still_counts(small: Path,
                                                                             holp: Callable[..., Result]) -> None:
    """git stops walking at the commits made before the week; a commit authored in the week counts by its author
    day even when it was committed (rebased, cherry-picked) weeks later."""
    path = "projects/east/P-0001.yaml"
    text = (small / path).read_text(encoding="utf-8")
    ticked = text.replace("    process_assessed: 2026-11-18\n",
                          "    process_assessed: 2026-11-18\n    equipment_assessed: 空压机台账已拿到\n")
    write(small / path, ticked)
    subprocess.run(["git", "commit", "-q", "-am", "rebased"], cwd=small, check=True, env={
        **os.environ, "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-12-09T10:00:00+08:00",
        "GIT_AUTHOR_EMAIL": "zhao.lei@example.com", "GIT_COMMITTER_EMAIL": "li.na@example.com"})
    week = week_json(holp, small, "--week", "2026-W47")
    assert [(t["date"][:10], t["item"]) for t in week["ticks"]] == [
        ("2026-11-18", "process_assessed"), ("2026-11-20", "equipment_assessed")]
    later = week_json(holp, small, "--week", "2026-W49")  # its commit day, not its author day: none there
    assert later["ticks"] == []
