"""`holp report receivables` recomputed, figure by figure, on generated repositories without holp's report code.

Each repository has random payment plans: amounts in cents, partial receipts, receipts in the list, collectors,
collection steps on random days. The expected figures are computed here from the generated values alone.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import git, write

TODAY = dt.date(2026, 11, 24)  # HOLP_TODAY of the tests
REPS = {"li.na": "李娜", "zhang.wei": "张伟", "wang.fang": "王芳"}
LADDER = ["call", "letter", "visit", "legal"]
FIRST_DAY = [1, 31, 61, 91]  # the day overdue from which each rung may be taken
TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
  - {id: wang.fang, name: 王芳, email: wang.fang@example.com, region: east}
"""


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _payment(rng: random.Random) -> dict[str, Any]:
    amount = _cents(rng, 1000, 3_000_000)
    p: dict[str, Any] = {"due": _day(rng, dt.date(2025, 6, 1), dt.date(2027, 6, 30)), "amount": amount,
                         "kind": rng.choice(["advance", "progress", "delivery", "acceptance", "retention"])}
    shape = rng.choice(["none", "full", "part", "parts"])
    if shape == "full":
        p["received"] = _day(rng, dt.date(2025, 6, 1), TODAY)
    elif shape in ("part", "parts"):
        p["received"] = _day(rng, dt.date(2025, 6, 1), TODAY)
        first = (amount * Decimal(rng.randint(1, 100)) / 100).quantize(Decimal("0.01"))
        p["received_amount"] = first
        if shape == "parts":
            left = amount - first
            receipts = []
            for _ in range(rng.randint(1, 3)):
                part = (left * Decimal(rng.randint(0, 60)) / 100).quantize(Decimal("0.01"))
                if part > 0:
                    receipts.append({"date": _day(rng, dt.date(2025, 6, 1), TODAY), "amount": part})
                    left -= part
            p["receipts"] = receipts
    if rng.random() < 0.7:
        p["collector"] = rng.choice(sorted(REPS))
    days = rng.sample(range(400), rng.randint(0, 3))  # distinct days: the last step is one step
    p["actions"] = [{"date": TODAY - dt.timedelta(days=d), "kind": rng.choice(LADDER), "by": rng.choice(sorted(REPS)),
                     "note": f"第{i}次"} for i, d in enumerate(days)]
    return p


def _yaml(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _project_text(pid: str, customer: str, owner: str, payments: list[dict[str, Any]]) -> str:
    lines = [f"id: {pid}", f"name: 项目{pid}", f"customer: {customer}", f"owner: {owner}", "amount: 90000000",
             "stage: implementation", "payments:"]
    for p in payments:
        lines.append(f"  - due: {_yaml(p['due'])}")
        for key in ("amount", "kind", "received", "received_amount", "collector"):
            if key in p:
                lines.append(f"    {key}: {_yaml(p[key])}")
        if p.get("receipts"):
            lines.append("    receipts:")
            lines += [f"      - {{date: {_yaml(r['date'])}, amount: {r['amount']}}}" for r in p["receipts"]]
        if p["actions"]:
            lines.append("    actions:")
            lines += [f"      - {{date: {_yaml(a['date'])}, kind: {a['kind']}, by: {a['by']}, note: {a['note']}}}"
                      for a in p["actions"]]
    return "\n".join(lines) + "\n"


def generate(root: Path, seed: int) -> dict[str, tuple[str, str, list[dict[str, Any]]]]:
    from holp.resources import template

    rng = random.Random(seed)
    write(root / "holp.yaml", template("init", "holp.yaml").read_bytes())
    write(root / "team.yaml", TEAM)
    customers = {f"C-{i:04d}": rng.choice(sorted(REPS)) for i in range(1, 4)}
    for cid, owner in customers.items():
        write(root / f"customers/east/{cid}.yaml", f"id: {cid}\nname: 客户{cid}\nregion: east\nowner: {owner}\n")
    projects = {}
    for i in range(1, rng.randint(3, 8)):
        pid = f"P-2026-{i:03d}"
        customer = rng.choice(sorted(customers))
        owner = rng.choice(sorted(REPS))
        payments = [_payment(rng) for _ in range(rng.randint(1, 4))]
        write(root / f"projects/east/{pid}.yaml", _project_text(pid, customer, owner, payments))
        projects[pid] = (customer, owner, payments)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "generated")
    return projects


# -- the figures, from the generated values ------------------------------------------------------


def paid(p: dict[str, Any]) -> Decimal:
    first = p.get("received_amount", p["amount"] if "received" in p else Decimal(0))
    return first + sum((r["amount"] for r in p.get("receipts", [])), Decimal(0))


def receipts(p: dict[str, Any]) -> list[tuple[dt.date, Decimal]]:
    found = [(p["received"], p.get("received_amount", p["amount"]))] if "received" in p else []
    return found + [(r["date"], r["amount"]) for r in p.get("receipts", [])]


def column(days: int) -> str:
    if days <= 0:
        return "not_due"
    return "overdue_0_30" if days <= 30 else "overdue_31_60" if days <= 60 else "overdue_61_90" if days <= 90 \
        else "overdue_90"


def next_step(days: int, actions: list[dict[str, Any]]) -> str:
    allowed = max(i for i, first in enumerate(FIRST_DAY) if days >= first)
    last = max(actions, key=lambda a: a["date"]) if actions else None
    after = LADDER.index(last["kind"]) + 1 if last else 0
    return LADDER[min(allowed, after)]


def expected(projects: dict[str, tuple[str, str, list[dict[str, Any]]]]) -> dict[str, Any]:
    groups: dict[str, dict[str, dict[str, Decimal]]] = {"by_customer": {}, "by_owner": {}, "by_collector": {}}
    overdue = []
    year = Decimal(0)
    for pid, (customer, owner, payments) in projects.items():
        for n, p in enumerate(payments, 1):
            year += sum((a for d, a in receipts(p) if d.year == TODAY.year and d <= TODAY), Decimal(0))
            left = p["amount"] - paid(p)
            if left <= 0:
                continue
            days = (TODAY - p["due"]).days
            for name, key in (("by_customer", customer), ("by_owner", owner),
                              ("by_collector", p.get("collector", ""))):
                balance = groups[name].setdefault(key, {})
                balance[column(days)] = balance.get(column(days), Decimal(0)) + left
            if days > 0:
                last = max(p["actions"], key=lambda a: a["date"]) if p["actions"] else None
                overdue.append({
                    "project": pid, "payment": n, "customer": customer, "owner": owner, "due": p["due"].isoformat(),
                    "days_overdue": days, "outstanding": left, "collector": p.get("collector"),
                    "last_action": None if last is None else {"date": last["date"].isoformat(), "kind": last["kind"],
                                                              "by": last["by"], "note": last["note"]},
                    "last_action_days": None if last is None else (TODAY - last["date"]).days,
                    "escalation": next_step(days, p["actions"])})
    return {"groups": groups, "overdue": overdue, "received_this_year": year}


def _balances(rows: list[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
    columns = ("not_due", "overdue_0_30", "overdue_31_60", "overdue_61_90", "overdue_90")
    return {row["key"]: {c: Decimal(row[c]) for c in columns if Decimal(row[c])} for row in rows}


@pytest.mark.parametrize("seed", range(12))
def test_receivables__every_figure_recomputed(tmp_path: Path, holp: Callable[..., Result], seed: int) -> None:
    projects = generate(tmp_path, seed)
    result = holp("-C", str(tmp_path), "report", "receivables", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    want = expected(projects)
    assert Decimal(report["received_this_year"]) == want["received_this_year"]
    for name, balances in want["groups"].items():
        got = _balances(report[name])
        assert got == {k: {c: v for c, v in b.items() if v} for k, b in balances.items()}, name
        for row in report[name]:
            assert Decimal(row["outstanding"]) == sum(got[row["key"]].values(), Decimal(0))
            assert Decimal(row["overdue"]) == sum((v for c, v in got[row["key"]].items() if c != "not_due"),
                                                  Decimal(0))
        overdue = [Decimal(row["overdue"]) for row in report[name]]
        assert overdue == sorted(overdue, reverse=True)  # the most overdue first
    got_overdue = [{**row, "outstanding": Decimal(row["outstanding"])} for row in report["overdue"]]
    assert [row["days_overdue"] for row in got_overdue] == sorted((r["days_overdue"] for r in got_overdue),
                                                                  reverse=True)
    trimmed = sorted(({k: row[k] for k in want["overdue"][0]} for row in got_overdue),
                     key=lambda r: (r["project"], r["payment"])) if want["overdue"] else []
    assert trimmed == sorted(want["overdue"], key=lambda r: (r["project"], r["payment"]))
    assert {row["name"] for row in report["overdue"]} <= {f"项目{pid}" for pid in projects}


def test_receivables__by_collector_table_names_the_reps(tmp_path: Path, holp: Callable[..., Result]) -> None:
    projects = generate(tmp_path, 3)
    result = holp("-C", str(tmp_path), "report", "receivables", "--by", "collector", "--lang", "en")
    assert result.exit_code == 0, result.output
    collectors = {p.get("collector", "") for _, _, payments in projects.values() for p in payments
                  if p["amount"] > paid(p)}
    block = result.output.split("\nCollector:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split("  ")[0] for line in block.splitlines()[2:]]
    assert sorted(names) == sorted(REPS[c] if c else "—" for c in collectors)
    assert "\nOwner:\n" not in result.output


def test_receivables__by_collector_is_for_receivables_only(tmp_path: Path, holp: Callable[..., Result]) -> None:
    generate(tmp_path, 1)
    result = holp("-C", str(tmp_path), "report", "funnel", "--by", "collector")
    assert (result.exit_code, result.output) == (
        2, "holp: --by collector groups the receivables: holp report receivables --by collector\n")
