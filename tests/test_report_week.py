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


def _customer(cid: str, c: dict[str, Any]) -> str:
    return f"id: {cid}\nname: 客户{cid}\nregion: {c['region']}\nowner: {c['owner']}\n"


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
    if p["tasks"]:
        lines.append("tasks:")
        for t in p["tasks"]:
            who = f", who: {t['who']}" if t["who"] else ""
            done = f", done: {t['done']}" if t["done"] else ""
            lines.append(f"  - {{what: 任务{t['due']}, due: {t['due']}{who}{done}}}")
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
    ledger.customers["C-0001"] = {"region": "east", "owner": "zhang.wei", "added": dt.date(2026, 9, 1)}
    _commit(root, "li.na", dt.date(2026, 9, 1), {"customers/east/C-0001.yaml": _customer("C-0001", ledger.customers[
        "C-0001"])})
    day = FIRST
    while day <= LAST:
        for _ in range(rng.randint(0, 3)):
            _event(root, ledger, rng, day)
        day += dt.timedelta(days=1)
    return ledger


def _event(root: Path, ledger: Ledger, rng: random.Random, day: dt.date) -> None:
    live = [pid for pid, p in ledger.projects.items() if p["stage"] in OPEN]
    kinds = ["customer", "project"] + ["tick", "move", "visit", "visit", "service", "task", "done"] * bool(live)
    kind = rng.choice(kinds)
    if kind == "customer":
        cid = f"C-{len(ledger.customers) + 1:04d}"
        region = rng.choice(["east", "north"])
        c = {"region": region, "owner": rng.choice(SELLERS[region]), "added": day}
        ledger.customers[cid] = c
        _commit(root, c["owner"], day, {f"customers/{region}/{cid}.yaml": _customer(cid, c)})
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

    visits = sorted((v["date"].isoformat(), v["project"]) for v in ledger.visits
                    if within(v["date"]) and v["committed"] <= as_of and (owner is None or owner in v["by"])
                    and (region is None or region_of(ledger, v["project"]) == region))
    ticks = sorted((d.isoformat(), pid, s, i) for d, pid, s, i in ledger.ticks if within(d) and kept(pid))
    moves = [(d, pid, k) for d, pid, k in ledger.moves if within(d) and kept(pid)]
    won = [(pid, ledger.projects[pid]["amount"]) for d, pid, k in moves if k == "won"]
    lost = [(pid, ledger.projects[pid]["amount"]) for d, pid, k in moves if k == "lost"]
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
    for pid, p in ledger.projects.items():
        if p["added"] > as_of or (region is not None and region_of(ledger, pid) != region):
            continue
        for i, t in enumerate(t for t in p["tasks"] if t["committed"] <= as_of):
            if owner is not None and (t["who"] or p["owner"]) != owner:
                continue
            finished = t["done"] if t["done"] and t["done"] <= as_of else None
            if within(finished):
                done.append((pid, i + 1))
            elif finished is None and next_start <= t["due"] <= next_end:
                due.append((pid, i + 1))
    return {"visits": visits, "ticks": ticks, "moves": sorted((d.isoformat(), pid, k) for d, pid, k in moves
                                                              if k in ("forward", "back")),
            "won": sorted(won), "lost": sorted(lost), "new_customers": new_customers, "new_projects": new_projects,
            "service": sorted(service), "tasks_done": sorted(done), "tasks_due": sorted(due)}


def observed(report: dict[str, Any]) -> dict[str, Any]:
    return {"visits": sorted((v["date"], v["project"]) for v in report["visits"]),
            "ticks": sorted((t["date"][:10], t["project"], t["stage"], t["item"]) for t in report["ticks"]),
            "moves": sorted((m["date"][:10], m["project"], m["kind"]) for m in report["moves"]),
            "won": sorted((w["project"], int(Decimal(w["amount"]))) for w in report["won"]),
            "lost": sorted((w["project"], int(Decimal(w["amount"]))) for w in report["lost"]),
            "new_customers": sorted(c["id"] for c in report["new_customers"]),
            "new_projects": sorted(p["id"] for p in report["new_projects"]),
            "service": sorted((s["project"], s["index"], s["opened"], s["resolved_in_period"])
                              for s in report["service"]),
            "tasks_done": sorted((t["on"], t["index"]) for t in report["tasks_done"]),
            "tasks_due": sorted((t["on"], t["index"]) for t in report["tasks_due"])}


def totals(found: dict[str, Any]) -> dict[str, Any]:
    def amount(rows: list[tuple[str, int]]) -> str:
        return f"{sum(a for _, a in rows)}.00"

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
    assert (report["period"], report["name"], report["start"], report["end"]) == (
        "week", name, monday.isoformat(), sunday.isoformat())
    assert (report["owner"], report["region"]) == (owner, region)


def test_the_generated_history_has_something_of_every_kind(history: tuple[Path, Ledger]) -> None:
    _, ledger = history
    kinds = {k for _, _, k in ledger.moves}
    assert {"forward", "back", "won", "lost"} <= kinds
    assert len(ledger.visits) > 10 and len(ledger.ticks) > 10
    assert any(t["done"] for p in ledger.projects.values() for t in p["tasks"])
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
