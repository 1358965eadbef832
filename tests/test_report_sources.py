"""`holp report expenses` and `holp report sources`: every figure of their JSON recomputed here, by plain sums over
the data this test writes into a repository with history (the days deals were created, won and lost are commits)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from click.testing import Result

from conftest import Script
from holp.resources import template

TODAY = dt.date(2026, 11, 24)  # HOLP_TODAY of the tests

TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North China}, manager: zhao.lei}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
  - {id: zhao.lei, name: 赵磊, email: zhao.lei@example.com, region: north, role: manager}
  - {id: wang.fang, name: 王芳, email: wang.fang@example.com, region: north}
targets:
  - {year: 2026, region: east, amount: 30000000}
expense_budgets:
  - {year: 2026, region: east, amount: 100000}
  - {year: 2026, region: north, quarter: 4, amount: 10000}
"""
BUDGETS = {("east", None): Decimal(100000), ("north", 4): Decimal(10000)}  # (region, quarter or the year)

CUSTOMERS = [  # id, region, owner, source, expenses (date, kind, amount)
    ("C-0001", "east", "zhang.wei", "referral", [("2026-10-20", "gift", "6000")]),
    ("C-0002", "north", "wang.fang", "event", []),
    ("C-0003", "east", "zhang.wei", None, []),
]
PROJECTS: list[dict[str, Any]] = [  # the deals, with the days of their history
    {"id": "P-2026-001", "customer": "C-0001", "owner": "zhang.wei", "line": "waste-heat", "amount": "1000000",
     "created": "2026-01-10", "won": "2026-03-15", "source": None,
     "expenses": [("2026-02-01", "travel", "3000"), ("2026-03-01", "hospitality", "12000")]},
    {"id": "P-2026-002", "customer": "C-0002", "owner": "wang.fang", "line": "motor-drive", "amount": "2000000",
     "created": "2026-02-01", "won": "2026-10-05", "source": "phone",
     "expenses": [("2026-10-01", "bid", "8000"), ("2026-11-01", "gift", "4000")]},
    {"id": "P-2026-003", "customer": "C-0003", "owner": "zhang.wei", "line": "automation", "amount": "500000",
     "created": "2026-04-01", "source": None, "expenses": [("2026-11-20", "survey", "2500")]},
    {"id": "P-2025-004", "customer": "C-0002", "owner": "wang.fang", "line": "motor-drive", "amount": "700000",
     "created": "2025-06-01", "lost": "2026-05-10", "source": None, "expenses": [("2025-12-01", "travel", "1000")]},
    {"id": "P-2025-005", "customer": "C-0001", "owner": "zhang.wei", "line": "waste-heat", "amount": "900000",
     "created": "2025-03-01", "won": "2025-09-01", "source": None, "expenses": []},
]
APPROVERS = {"east": "li.na", "north": "zhao.lei"}


def _expense_lines(expenses: list[tuple[str, str, str]], region: str, by: str) -> str:
    if not expenses:
        return ""
    lines = ["expenses:"]
    for day, kind, amount in expenses:
        approved = f", approved_by: {APPROVERS[region]}" if Decimal(amount) > 5000 else ""
        lines.append(f"  - {{date: {day}, kind: {kind}, amount: {amount}, by: {by}{approved}, note: 费用}}")
    return "\n".join(lines) + "\n"


def _customer(c: tuple[Any, ...]) -> str:
    cid, region, owner, source, expenses = c
    return (f"id: {cid}\nname: 客户{cid}\nregion: {region}\nowner: {owner}\n"
            + (f"source: {source}\n" if source else "") + _expense_lines(expenses, region, owner))


def _region(p: dict[str, Any]) -> str:
    return next(c[1] for c in CUSTOMERS if c[0] == p["customer"])


def _project(p: dict[str, Any], stage: str, *, final: bool) -> str:
    text = (f"id: {p['id']}\nname: 项目{p['id']}\ncustomer: {p['customer']}\nowner: {p['owner']}\n"
            f"business_line: {p['line']}\n" + (f"source: {p['source']}\n" if p["source"] else "")
            + f"amount: {p['amount']}\nexpected_close: 2026-12-31\nstage: {stage}\n")
    if stage == "lost":
        text += f"lost: {{reason: price, stage: prospecting, date: {p['lost']}}}\n"
    return text + (_expense_lines(p["expenses"], _region(p), p["owner"]) if final else "")


@pytest.fixture
def history(script: Script) -> Script:
    files = {"holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM}
    files.update({f"customers/{c[1]}/{c[0]}.yaml": _customer(c) for c in CUSTOMERS})
    script.commit("li.na", "2025-01-02T09:00:00", "start", files)
    events = []
    for p in PROJECTS:
        path = f"projects/{_region(p)}/{p['id']}.yaml"
        final = "implementation" if "won" in p else "lost" if "lost" in p else "prospecting"
        events.append((p["created"], path, _project(p, "prospecting", final=final == "prospecting")))
        if final != "prospecting":
            events.append((p.get("won") or p["lost"], path, _project(p, final, final=True)))
    for day, path, text in sorted(events):
        script.commit("zhang.wei", f"{day}T10:00:00", f"{path} on {day}", {path: text})
    return script


def _json(holp: Callable[..., Result], *args: str) -> dict[str, Any]:
    result = holp("report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _tenths(part: Decimal, whole: Decimal) -> str | None:
    return None if whole == 0 else str((part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _bounds(period: str) -> tuple[dt.date, dt.date]:
    if period == "year":
        return dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    if period == "quarter":
        return dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    return dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def _in(day: str | None, period: str | None) -> bool:
    if day is None or dt.date.fromisoformat(day) > TODAY:
        return False
    if period is None:
        return True
    start, end = _bounds(period)
    return start <= dt.date.fromisoformat(day) <= end


def _budget(region: str, period: str) -> Decimal | None:
    if period == "year":
        found = [a for (r, _), a in BUDGETS.items() if r == region]
        return sum(found, Decimal(0)) if found else None
    year = BUDGETS.get((region, None))
    quarter = BUDGETS.get((region, 4))
    if period == "quarter":
        return quarter if quarter is not None else None if year is None else year / 4
    return quarter / 3 if quarter is not None else None if year is None else year / 12


def _spent_by(by: str, period: str) -> tuple[dict[str, Decimal], dict[str, int], dict[str, Decimal]]:
    """Expenses, their count and the won amount of the period per group, summed here from the data above."""
    def key(p: dict[str, Any]) -> str:
        return {"region": _region(p), "owner": p["owner"], "business_line": p["line"], "customer": p["customer"]}[by]

    spent: dict[str, Decimal] = {}
    count: dict[str, int] = {}
    won: dict[str, Decimal] = {}
    for p in PROJECTS:
        for day, _, amount in p["expenses"]:
            if _in(day, period):
                spent[key(p)] = spent.get(key(p), Decimal(0)) + Decimal(amount)
                count[key(p)] = count.get(key(p), 0) + 1
        if _in(p.get("won"), period):
            won[key(p)] = won.get(key(p), Decimal(0)) + Decimal(p["amount"])
    for cid, region, owner, _, expenses in CUSTOMERS:
        k = {"region": region, "owner": owner, "business_line": "—", "customer": cid}[by]
        for day, _, amount in expenses:
            if _in(day, period):
                spent[k] = spent.get(k, Decimal(0)) + Decimal(amount)
                count[k] = count.get(k, 0) + 1
    return spent, count, won


@pytest.mark.parametrize("period", ["year", "quarter", "month"])
@pytest.mark.parametrize("by", ["region", "owner", "business_line", "customer"])
def test_expenses__every_figure_recomputed(history: Script, holp: Callable[..., Result], period: str,
                                          by: str) -> None:
    data = _json(holp, "expenses", "--period", period, "--by", by)
    spent, count, won = _spent_by(by, period)
    start, end = _bounds(period)
    assert (data["period"], data["from"], data["to"], data["by"]) == (period, start.isoformat(), end.isoformat(), by)
    budgets = {r: _budget(r, period) for r in APPROVERS} if by == "region" else {}
    keys = {*spent, *won, *(r for r, b in budgets.items() if b is not None)}
    expected = []
    for k in keys:
        s, w, b = spent.get(k, Decimal(0)), won.get(k, Decimal(0)), budgets.get(k)
        expected.append({"key": k, "count": count.get(k, 0), "expenses": _money(s), "won": _money(w),
                         "cost_of_sale": _tenths(s, w), "budget": None if b is None else _money(b),
                         "budget_split": b is not None and (period, k) not in (("year", "east"), ("quarter", "north"),
                                                                                ("year", "north")),
                         "budget_used": None if b is None else _tenths(s, b),
                         "over_budget": b is not None and s > b})
    got = [{k: v for k, v in g.items() if k != "label"} for g in data["groups"]]
    assert sorted(got, key=lambda g: g["key"]) == sorted(expected, key=lambda g: g["key"])
    assert [Decimal(g["expenses"]) for g in data["groups"]] == sorted(
        (Decimal(g["expenses"]) for g in data["groups"]), reverse=True)
    total_spent, total_won = sum(spent.values(), Decimal(0)), sum(won.values(), Decimal(0))
    assert data["total"]["expenses"] == _money(total_spent)
    assert data["total"]["won"] == _money(total_won)
    assert data["total"]["count"] == sum(count.values())
    assert data["total"]["cost_of_sale"] == _tenths(total_spent, total_won)
    listed = sorted((day, kind, _money(Decimal(amount))) for p in [*PROJECTS, *({"expenses": c[4]} for c in CUSTOMERS)]
                    for day, kind, amount in p["expenses"] if _in(day, period))
    assert sorted((e["date"], e["kind"], e["amount"]) for e in data["expenses"]) == listed
    kinds: dict[str, list[Any]] = {}
    for _, kind, amount in listed:
        kinds.setdefault(kind, [0, Decimal(0)])
        kinds[kind][0] += 1
        kinds[kind][1] += Decimal(amount)
    assert {k["kind"]: (k["count"], k["amount"]) for k in data["by_kind"]} == {
        k: (n, _money(a)) for k, (n, a) in kinds.items()}


def test_expenses__the_table_marks_a_region_over_budget(history: Script, holp: Callable[..., Result]) -> None:
    result = holp("report", "expenses", "--period", "quarter", "--lang", "en")
    assert result.exit_code == 0, result.output
    north = next(line for line in result.output.splitlines() if line.startswith("North China"))
    assert north.split() == ["North", "China", "2", "12,000.00", "2,000,000.00", "0.6%", "10,000.00", "120.0%", "⚠"]
    east = next(line for line in result.output.splitlines() if line.startswith("East China"))
    assert east.split() == ["East", "China", "2", "8,500.00", "0.00", "—", "25,000.00", "34.0%"]
    assert "Part of a budget is a longer period's divided evenly (a year's split into quarters)" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("--period", "week"), "holp: report expenses sums a month, a quarter or a year, not a week\n"),
    (("--by", "quarter"), "holp: --by quarter: report expenses groups by owner, region, business_line, customer\n"),
    (("--owner", "zhang.wei"), "holp: --owner: report expenses does not take it\n"),
])
def test_expenses__refuses_what_it_cannot_do(history: Script, holp: Callable[..., Result], args: tuple[str, ...],
                                             message: str) -> None:
    result = holp("report", "expenses", *args)
    assert result.exit_code == 2
    assert result.output == message


@pytest.mark.parametrize("period", [None, "year", "quarter", "month"])
def test_sources__every_figure_recomputed(history: Script, holp: Callable[..., Result], period: str | None) -> None:
    data = _json(holp, "sources", *(("--period", period) if period else ()))
    customer_source = {c[0]: c[3] for c in CUSTOMERS}
    rows: dict[str | None, dict[str, Any]] = {}

    def row(source: str | None) -> dict[str, Any]:
        return rows.setdefault(source, {"projects": 0, "customers": 0, "open": [0, Decimal(0)],
                                        "won": [0, Decimal(0)], "lost": 0, "expenses": Decimal(0)})

    for _, _, _, source, expenses in CUSTOMERS:
        row(source)["customers"] += 1
        row(source)["expenses"] += sum((Decimal(a) for d, _, a in expenses if _in(d, period)), Decimal(0))
    for p in PROJECTS:
        r = row(p["source"] or customer_source[p["customer"]])
        r["projects"] += _in(p["created"], period)
        if "won" not in p and "lost" not in p:
            r["open"][0] += 1
            r["open"][1] += Decimal(p["amount"])
        if _in(p.get("won"), period):
            r["won"][0] += 1
            r["won"][1] += Decimal(p["amount"])
        r["lost"] += _in(p.get("lost"), period)
        r["expenses"] += sum((Decimal(a) for d, _, a in p["expenses"] if _in(d, period)), Decimal(0))
    got = {s["source"]: s for s in data["sources"]}
    sources = ["walk_in", "phone", "email", "referral", "self", "event", "other"]
    assert list(got) == [*sources, None]
    for source in got:
        r = row(source)
        assert {k: v for k, v in got[source].items() if k not in ("source", "label")} == {
            "projects": r["projects"], "customers": r["customers"],
            "open": {"count": r["open"][0], "amount": _money(r["open"][1])},
            "won": {"count": r["won"][0], "amount": _money(r["won"][1])}, "lost": r["lost"],
            "conversion": _tenths(Decimal(r["won"][0]), Decimal(r["won"][0] + r["lost"])),
            "expenses": _money(r["expenses"])}, source
    assert data["total"]["projects"] == sum(r["projects"] for r in rows.values())
    assert data["total"]["won"]["amount"] == _money(sum((r["won"][1] for r in rows.values()), Decimal(0)))


def test_sources__no_source_is_a_row_of_its_own(history: Script, holp: Callable[..., Result]) -> None:
    result = holp("report", "sources", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert next(line for line in lines if line.startswith("No source")).split() == [
        "No", "source", "1", "1", "1", "500,000.00", "0", "0.00", "0", "—", "2,500.00"]
    assert next(line for line in lines if line.startswith("Customer referral")).split() == [
        "Customer", "referral", "2", "1", "0", "0.00", "2", "1,900,000.00", "0", "100.0%", "21,000.00"]


def test_sources__refuses_a_grouping_and_a_week(history: Script, holp: Callable[..., Result]) -> None:
    result = holp("report", "sources", "--by", "owner")
    assert (result.exit_code, result.output) == (2, "holp: --by owner: report sources groups by source only\n")
    result = holp("report", "sources", "--period", "week")
    assert (result.exit_code, result.output) == (
        2, "holp: report sources counts a month, a quarter or a year, not a week\n")


def test_expenses__csv_is_the_groups(history: Script, holp: Callable[..., Result]) -> None:
    result = holp("report", "expenses", "--period", "quarter", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "key,label,count,expenses,won,cost_of_sale,budget,budget_used,over_budget",
        "north,华北,2,12000.00,2000000.00,0.6,10000.00,120.0,true",
        "east,华东,2,8500.00,0.00,,25000.00,34.0,false"]
