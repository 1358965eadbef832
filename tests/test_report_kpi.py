"""Targets by period, cost and margin, `kpis:` and `holp report kpi` (issue 13, item 3).

The figures of `report kpi --format json` are recomputed here from what the generator wrote (its own list of
projects, customers, visits and the days it committed them), with small sums of the test's own, not holp's.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import Result
from wcwidth import wcswidth

from conftest import PROCESS_TEXT, Script, git, snapshot, write
from holp.model.process import Target, period_amount

# -- targets by period (the model's period_amount) ---------------------------------------------------------


def test_period_amount__a_year_alone_splits_evenly_into_quarters_and_months() -> None:
    entries = (Target(2026, Decimal("12000000"), None, "zhang.wei"),)
    year = period_amount(entries, 2026, rep="zhang.wei")
    quarter = period_amount(entries, 2026, rep="zhang.wei", quarter=2)
    month = period_amount(entries, 2026, rep="zhang.wei", month=11)
    assert (year and year.amount, year and year.split) == (Decimal("12000000"), False)
    assert (quarter and quarter.amount, quarter and quarter.split) == (Decimal("3000000"), True)
    assert (month and month.amount, month and month.split) == (Decimal("1000000"), True)
    assert period_amount(entries, 2027, rep="zhang.wei") is None
    assert period_amount(entries, 2026, rep="li.na") is None


def test_period_amount__quarters_sum_to_a_year_and_months_sit_inside_their_quarter() -> None:
    entries = (Target(2026, Decimal("1000000"), "east", None, quarter=1),
               Target(2026, Decimal("2000000"), "east", None, quarter=2),
               Target(2026, Decimal("3000000"), "east", None, quarter=3),
               Target(2026, Decimal("4000000"), "east", None, quarter=4),
               Target(2026, Decimal("1500000"), "east", None, month=11))
    year = period_amount(entries, 2026, region="east")
    assert year is not None and (year.amount, year.split) == (Decimal("10000000"), False)
    q4 = period_amount(entries, 2026, region="east", quarter=4)
    assert q4 is not None and (q4.amount, q4.split) == (Decimal("4000000"), False)  # written: it wins
    nov = period_amount(entries, 2026, region="east", month=11)
    assert nov is not None and (nov.amount, nov.split) == (Decimal("1500000"), False)
    oct_ = period_amount(entries, 2026, region="east", month=10)
    assert oct_ is not None and (oct_.amount, oct_.split) == (Decimal(4000000) / 3, True)  # a third of Q4
    months_only = (Target(2026, Decimal("500000"), None, "sun.hao", month=10),
                   Target(2026, Decimal("700000"), None, "sun.hao", month=11))
    q = period_amount(months_only, 2026, rep="sun.hao", quarter=4)
    assert q is not None and (q.amount, q.split) == (Decimal("1200000"), False)


# -- a generated repository with history -------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 24)  # the conftest's HOLP_TODAY
KPIS = {"won": (Decimal("0.3"), None), "profit": (Decimal("0.2"), Decimal("0.25")),
        "growth": (Decimal("0.1"), Decimal("0.1")), "new_customers": (Decimal("0.1"), Decimal("1")),
        "visits": (Decimal("0.1"), Decimal("4")), "satisfaction": (Decimal("0.1"), Decimal("4.5")),
        "completeness": (Decimal("0.1"), Decimal("0.8"))}
KPI_TEXT = "kpis:\n" + "".join(
    f"  - {{id: {k}, weight: {w}{'' if t is None else f', target: {t}'}}}\n" for k, (w, t) in KPIS.items())
SELLERS = {"li.na": "east", "zhang.wei": "east", "sun.hao": "north", "zhao.lei": "north"}  # zhao.lei: no target
TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North China}, manager: li.na}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
  - {id: sun.hao, name: 孙浩, email: sun.hao@example.com, region: north}
  - {id: zhao.lei, name: 赵磊, email: zhao.lei@example.com, region: north}
  - {id: wang.gong, name: 王工, email: wang.gong@example.com, region: east, role: engineer}
targets:
  - {year: 2026, rep: li.na, amount: 8000000}
  - {year: 2026, rep: li.na, quarter: 1, amount: 2000000}
  - {year: 2026, rep: li.na, quarter: 2, amount: 2000000}
  - {year: 2026, rep: li.na, quarter: 3, amount: 2000000}
  - {year: 2026, rep: li.na, quarter: 4, amount: 2000000}
  - {year: 2026, rep: zhang.wei, amount: 12000000}
  - {year: 2026, rep: sun.hao, amount: 6000000}
  - {year: 2026, rep: sun.hao, month: 11, amount: 800000}
  - {year: 2026, region: east, amount: 20000000}
  - {year: 2026, region: north, amount: 6000000}
"""
# Each subject's target for the period holding 2026-11-24, worked out by hand from TEAM: (amount, split evenly).
TARGETS = {
    "month": {"li.na": ("666666.67", True), "zhang.wei": ("1000000", True), "sun.hao": ("800000", False),
              "east": ("1666666.67", True), "north": ("500000", True)},
    "quarter": {"li.na": ("2000000", False), "zhang.wei": ("3000000", True), "sun.hao": ("1800000", True),
                "east": ("5000000", True), "north": ("1500000", True)},
    "year": {"li.na": ("8000000", False), "zhang.wei": ("12000000", False), "sun.hao": ("6000000", False),
             "east": ("20000000", False), "north": ("6000000", False)},
}
CRITERIA = {"real": ("need", "business", "approval", "budget", "urgency"),
            "worth": ("short_term_revenue", "future_revenue", "profit", "risk", "strategic_value")}


@dataclass
class Gen:
    """What the generator wrote, as plain values the expected figures are summed from."""

    customers: dict[str, dict[str, object]] = field(default_factory=dict)  # id -> region, owner, added, role
    projects: list[dict[str, object]] = field(default_factory=list)


def day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def generate(script: Script, seed: int) -> Gen:
    rng = random.Random(seed)
    gen = Gen()
    events: list[tuple[dt.date, str, str, dict[str, str | None]]] = [
        (dt.date(2025, 1, 2), "li.na", "set up", {"holp.yaml": PROCESS_TEXT.split("kpis:")[0] + KPI_TEXT
                                                  + "expense_approval:" + PROCESS_TEXT.split("expense_approval:")[1],
                                                  "team.yaml": TEAM})]
    owners = ["li.na", "zhang.wei", "sun.hao"]  # zhao.lei, new, has nothing yet
    for n in range(1, 13):
        cid = f"C-{n:04d}"
        owner = owners[n % 3]
        added = day(rng, dt.date(2025, 6, 1), dt.date(2026, 11, 20)) if n > 2 else dt.date(2026, 11, 3)
        role = rng.random() < 0.7
        gen.customers[cid] = {"region": SELLERS[owner], "owner": owner, "added": added, "role": role}
        contact = "{name: 李明, role: decision_maker}" if role else "{name: 李明, title: 科长}"
        text = f"id: {cid}\nname: 客户{n}有限公司\nregion: {SELLERS[owner]}\nowner: {owner}\ncontacts:\n  - {contact}\n"
        events.append((added, "li.na", f"customer {cid}", {f"customers/{cid}.yaml": text}))
    for n in range(1, 41):
        pid = f"P-2026-{n:03d}"
        cid = f"C-{rng.randint(1, 12):04d}"
        owner = str(gen.customers[cid]["owner"]) if rng.random() < 0.8 else rng.choice(owners)
        amount = Decimal(rng.randint(20, 400) * 10000) + (Decimal("0.50") if n % 7 == 0 else 0)
        fate = rng.choice(["won", "won", "lost", "open", "open"])
        created = day(rng, dt.date(2025, 6, 1), dt.date(2026, 9, 30))
        won = day(rng, created, dt.date(2026, 11, 20)) if fate == "won" else None
        if n in (1, 2):  # a base for growth: won in the same span of last year
            fate, created, won = "won", dt.date(2025, 9, 1), dt.date(2025, 9 + n, 11)
        if n in (3, 4, 5):  # won this month, with a cost, a margin, neither
            fate, won = "won", dt.date(2026, 11, 5 + n)
        extra = ""
        cost = margin = None
        pick = {3: 0.1, 4: 0.5, 5: 0.9}.get(n, rng.random())
        if pick < 0.35:
            cost = (amount * Decimal(rng.randint(55, 95)) / 100).quantize(Decimal("1"))
            extra += f"cost: {cost}\n"
        elif pick < 0.6:
            margin = Decimal(rng.randint(10, 40)) / 100
            extra += f"margin: {margin}\n"
        visits = []
        for _ in range(rng.randint(0, 4)):
            by = rng.choice([[owner], [owner, "wang.gong"], ["wang.gong"], [owner, rng.choice(owners)]])
            visits.append((day(rng, dt.date(2026, 7, 1), dt.date(2026, 11, 20)), sorted(set(by))))
        service = [(day(rng, dt.date(2026, 6, 1), dt.date(2026, 11, 20)), rng.choice([None, 2, 3, 4, 5]))
                   for _ in range(rng.randint(0, 2))]
        full = rng.random() < 0.6
        scores = {g: {c: rng.randint(1, 5) for c in (cs if full else cs[:3])} for g, cs in CRITERIA.items()}
        body = [f"id: {pid}", f"name: 项目{n}", f"customer: {cid}", f"owner: {owner}", f"amount: {amount}",
                "expected_close: 2027-06-30"]
        tail = extra + "assessment:\n" + "".join(
            f"  {g}: {{{', '.join(f'{c}: {v}' for c, v in s.items())}}}\n" for g, s in scores.items())
        if visits:
            tail += "visits:\n" + "".join(f"  - {{date: {d}, by: [{', '.join(b)}]}}\n" for d, b in visits)
        if service:
            tail += "service:\n" + "".join(
                f"  - {{date: {d}, kind: revisit{'' if s is None else f', satisfaction: {s}'}}}\n"
                for d, s in service)

        def text(stage: str, body: list[str] = body, tail: str = tail) -> str:
            return "\n".join([*body, f"stage: {stage}"]) + "\n" + tail

        path = f"projects/{pid}.yaml"
        events.append((created, owner if owner in ("li.na", "zhang.wei") else "li.na", f"new {pid}",
                       {path: text("prospecting")}))
        if won is not None:
            events.append((won, "zhang.wei", f"won {pid}", {path: text("implementation")}))
        if fate == "lost":
            events.append((day(rng, created, dt.date(2026, 11, 20)), "li.na", f"lost {pid}",
                           {path: text("lost") + "lost_reason: price\n"}))
        gen.projects.append({"id": pid, "customer": cid, "owner": owner, "amount": amount, "fate": fate, "won": won,
                             "cost": cost, "margin": margin, "visits": visits, "service": service, "full": full})
    for n, (when, who, message, files) in enumerate(sorted(events, key=lambda e: (e[0], e[2]))):
        script.commit(who, f"{when.isoformat()}T{9 + n % 8:02d}:00:00+08:00", message, files)
    return gen


def start_of(period: str) -> dt.date:
    return {"month": dt.date(2026, 11, 1), "quarter": dt.date(2026, 10, 1), "year": dt.date(2026, 1, 1)}[period]


MONTHS = {"month": 1, "quarter": 3, "year": 12}
CAP = Decimal("1.2")


def three(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def two(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected(gen: Gen, period: str) -> dict[str, dict[str, tuple[str | None, str | None, Decimal | None]]]:
    """Each subject's KPIs as (actual, target, unrounded score), summed here from the generator's values."""
    start = start_of(period)
    last = (dt.date(2025, start.month, 1), dt.date(2025, 11, 24))
    found: dict[str, dict[str, tuple[str | None, str | None, Decimal | None]]] = {}
    subjects = [(r, lambda p, r=r: p["owner"] == r, lambda c, r=r: c["owner"] == r, {r}) for r in SELLERS]
    subjects += [(g, lambda p, g=g: gen.customers[str(p["customer"])]["region"] == g,
                  lambda c, g=g: c["region"] == g, {r for r, rg in SELLERS.items() if rg == g})
                 for g in ("east", "north")]
    for who, mine_p, mine_c, members in subjects:
        mine = [p for p in gen.projects if mine_p(p)]
        won = [p for p in mine if p["fate"] == "won" and start <= p["won"] <= AS_OF]  # type: ignore[operator]
        won_total = sum((p["amount"] for p in won), Decimal(0))  # type: ignore[misc]
        target, _ = TARGETS[period].get(who, (None, False))
        line: dict[str, tuple[str | None, str | None, Decimal | None]] = {}

        def score(actual: Decimal | None, goal: Decimal | None) -> Decimal | None:
            return None if actual is None or not goal else min(actual / goal, CAP)

        profits = []
        for p in won:
            amount = p["amount"]
            if p["cost"] is not None:
                profits.append(amount - p["cost"])  # type: ignore[operator]
            elif p["margin"] is not None:
                profits.append(amount * p["margin"])  # type: ignore[operator]
        profit = sum(profits, Decimal(0)) if profits or not won else None
        # the target of TARGETS is rounded to the cent for the month; the KPI's is the unrounded third/twelfth
        raw_target = None if target is None else {"666666.67": Decimal(2000000) / 3,
                                                  "1666666.67": Decimal(20000000) / 12}.get(target, Decimal(target))
        goal = None if raw_target is None else raw_target * KPIS["profit"][1]  # type: ignore[operator]
        line["won"] = (two(won_total), None if raw_target is None else two(raw_target), score(won_total, raw_target))
        line["profit"] = (None if profit is None else two(profit), None if goal is None else two(goal),
                          score(profit, goal))
        base = sum((p["amount"] for p in mine if p["fate"] == "won"  # type: ignore[misc]
                    and last[0] <= p["won"] <= last[1]), Decimal(0))  # type: ignore[operator]
        ratio = won_total / base if base else None
        line["growth"] = (None if ratio is None else three(ratio), three(1 + KPIS["growth"][1]),  # type: ignore[operator]
                          score(ratio, 1 + KPIS["growth"][1]))  # type: ignore[operator]
        new = sum(1 for c in gen.customers.values() if mine_c(c) and start <= c["added"] <= AS_OF)  # type: ignore[operator]
        goal = KPIS["new_customers"][1] * MONTHS[period] * len(members)  # type: ignore[operator]
        line["new_customers"] = (str(new), str(goal), score(Decimal(new), goal))
        visits = sum(1 for p in gen.projects for d, by in p["visits"]  # type: ignore[attr-defined]
                     if start <= d <= AS_OF and set(by) & members)
        goal = KPIS["visits"][1] * MONTHS[period] * len(members)  # type: ignore[operator]
        line["visits"] = (str(visits), str(goal), score(Decimal(visits), goal))
        rated = [s for p in mine for d, s in p["service"] if s is not None and start <= d <= AS_OF]  # type: ignore[attr-defined]
        mean = Decimal(sum(rated)) / len(rated) if rated else None
        line["satisfaction"] = (None if mean is None else three(mean), three(KPIS["satisfaction"][1]),  # type: ignore[arg-type]
                                score(mean, KPIS["satisfaction"][1]))
        opened = [p for p in mine if p["fate"] == "open"]
        good = [p for p in opened if p["full"] and gen.customers[str(p["customer"])]["role"]
                and any(0 <= (AS_OF - d).days <= 30 for d, _ in p["visits"])]  # type: ignore[attr-defined]
        share = Decimal(len(good)) / len(opened) if opened else None
        line["completeness"] = (None if share is None else three(share), three(KPIS["completeness"][1]),  # type: ignore[arg-type]
                                score(share, KPIS["completeness"][1]))
        found[who] = line
    return found


def weighted(lines: dict[str, tuple[str | None, str | None, Decimal | None]]) -> Decimal | None:
    scored = {k: s for k, (_, _, s) in lines.items() if s is not None}
    weight = sum((KPIS[k][0] for k in scored), Decimal(0))
    return sum((KPIS[k][0] * s for k, s in scored.items()), Decimal(0)) / weight if weight else None


@pytest.fixture
def generated(script: Script) -> Gen:
    return generate(script, 13)


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_report_kpi__every_figure_recomputed(generated: Gen, holp: Callable[..., Result], period: str) -> None:
    result = holp("report", "kpi", "--period", period, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["period"], data["start"], data["months"], data["cap"]) == (
        period, start_of(period).isoformat(), MONTHS[period], "1.2")
    want = expected(generated, period)
    for key, people in (("reps", list(SELLERS)), ("regions", ["east", "north"])):
        got = {s["id"]: s for s in data[key]}
        assert sorted(got) == sorted(people)  # the engineer wang.gong is not ranked
        for who in people:
            lines = {k["id"]: k for k in got[who]["kpis"]}
            assert list(lines) == list(KPIS)
            for kpi, (actual, target, score) in want[who].items():
                assert (lines[kpi]["actual"], lines[kpi]["target"]) == (actual, target), (who, kpi)
                assert lines[kpi]["score"] == (None if score is None else three(score)), (who, kpi)
                assert lines[kpi]["weight"] == str(KPIS[kpi][0])
            assert lines["won"]["target_split"] == TARGETS[period].get(who, (None, False))[1]
            total = weighted(want[who])
            assert got[who]["score"] == (None if total is None else three(total)), who
        order = sorted(people, key=lambda w: (weighted(want[w]) is None, want[w]["won"][1] is None,
                                              -(weighted(want[w]) or Decimal(0)).quantize(Decimal("0.001")), w))
        assert [s["id"] for s in data[key]] == order
        assert [s["rank"] for s in data[key]] == list(range(1, len(people) + 1))
    # the data holds what the test means to test: each KPI measured somewhere, and left without a score elsewhere
    every = [k for key in ("reps", "regions") for s in data[key] for k in s["kpis"]]
    for kpi in KPIS:
        assert any(k["score"] not in (None, "0.000") for k in every if k["id"] == kpi), kpi
    assert any(k["left_out"] for k in every if k["id"] == "profit")
    assert any(k["score"] is None for k in every)


def test_report_kpi__owner_only_that_rep_and_engineer_refused(generated: Gen, holp: Callable[..., Result]) -> None:
    data = json.loads(holp("report", "kpi", "--owner", "sun.hao", "--format", "json").output)
    assert [r["id"] for r in data["reps"]] == ["sun.hao"]
    assert data["regions"] == []
    east = json.loads(holp("report", "kpi", "--region", "east", "--format", "json").output)
    assert ([r["id"] for r in east["regions"]], sorted(r["id"] for r in east["reps"])) == (["east"], ["li.na", "zhang.wei"])
    result = holp("report", "kpi", "--owner", "wang.gong")
    assert result.exit_code == 2
    assert "--owner wang.gong: a member of role engineer carries no target and is not scored" in result.output
    result = holp("report", "kpi", "--period", "week")
    assert result.exit_code == 2
    assert "report kpi scores a month, a quarter or a year, not a week" in result.output


def test_report_kpi__notes_the_split_target_and_the_cap(generated: Gen, holp: Callable[..., Result]) -> None:
    result = holp("report", "kpi", "--period", "quarter", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "* a target marked * is a longer period's divided evenly (e.g. the year's ÷ 4)" in result.output
    assert "* Score = actual ÷ target, at most 120% for one KPI" in result.output
    assert "* Scored from 2026-10-01 to 2026-11-24 (the as-of day)" in result.output
    assert "王工" not in result.output
    assert "3,000,000.00 *" in result.output  # zhang.wei's quarter: a fourth of his year
    assert max(wcswidth(line) for line in result.output.splitlines() if not line.startswith("* ")) <= 120
    assert max(wcswidth(line) for line in holp("report", "kpi").output.splitlines()
               if not line.startswith("* ")) <= 120
    zh = holp("report", "kpi", "--period", "quarter")
    assert "标 * 的目标由更长期间的任务平均拆分而来(如年度任务 ÷ 4)" in zh.output
    # li.na's quarter is written exactly: no star
    year = holp("report", "kpi", "--period", "year", "--lang", "en")
    assert "a target marked *" not in year.output


def test_report_kpi__markdown_csv_html(generated: Gen, holp: Callable[..., Result], tmp_path: Path) -> None:
    md = holp("report", "kpi", "--format", "markdown", "--lang", "en")
    assert md.exit_code == 0 and "## KPIs" in md.output and "### KPIs 2026-Q4" in md.output
    assert "> † a KPI without a score (no target, base or data) is left out" in md.output
    rows = list(csv.reader(holp("report", "kpi", "--format", "csv").output.splitlines()))
    assert rows[0] == ["of", "id", "rank", "weighted_score", "kpi", "actual", "target", "score", "weight",
                       "target_split"]
    assert len(rows) == 1 + (4 + 2) * len(KPIS)
    data = json.loads(holp("report", "kpi", "--format", "json").output)
    first = data["reps"][0]
    assert rows[1][:5] == ["rep", first["id"], "1", first["score"] or "", "won"]
    out = tmp_path / "kpi.html"
    assert holp("report", "kpi", "-o", str(out)).exit_code == 0
    assert "<h2>绩效考核</h2>" in out.read_text(encoding="utf-8")


# -- validation ---------------------------------------------------------------------------------------------


def lines_of(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if "[" in line]


def test_validate__targets_twice_out_of_sum_and_unknown(repo: Path, holp: Callable[..., Result]) -> None:
    team = (repo / "team.yaml").read_text(encoding="utf-8") + """\
  - {year: 2026, region: east, quarter: 1, amount: 7000000}
  - {year: 2026, region: east, quarter: 2, amount: 7000000}
  - {year: 2026, region: east, quarter: 3, amount: 7000000}
  - {year: 2026, region: east, quarter: 4, amount: 7000000}
  - {year: 2026, region: east, quarter: 4, amount: 9000000}
  - {year: 2026, region: east, month: 11, amount: 3000000}
  - {year: 2026, region: east, month: 12, amount: 5000000}
  - {year: 2026, rep: zhang.wei, quarter: 5, amount: 1}
expense_budgets:
  - {year: 2026, rep: zhang.wie, amount: 50000}
  - {year: 2026, region: east, amount: 100000}
  - {year: 2026, region: east, amount: 120000}
"""
    write(repo / "team.yaml", team)
    result = holp("validate", "team.yaml")
    assert result.exit_code == 1
    assert lines_of(result) == [
        "team.yaml:9:5: warning[target-sum]: targets of region east: 2026-Q1 (line 9), 2026-Q2 (line 10), "
        "2026-Q3 (line 11), 2026-Q4 (line 12) sum to 28,000,000.00, not 30,000,000.00, the year's target (2026) "
        "at line 8",
        "team.yaml:13:5: error[duplicate-target]: a target of region east for 2026-Q4 is already written at line "
        "12: write each period once",
        "team.yaml:14:5: warning[target-sum]: targets of region east: 2026-11 (line 14), 2026-12 (line 15) sum to "
        "8,000,000.00, more than 7,000,000.00, the target of 2026-Q4 at line 12",
        "team.yaml:16:43: error[bad-value]: targets.8.quarter is 5; greater than the maximum of 4",
        "team.yaml:18:23: error[unknown-rep]: rep 'zhang.wie' is not in team.yaml (did you mean zhang.wei?)",
        "team.yaml:20:5: error[duplicate-target]: a expense budget of region east for 2026 is already written at "
        "line 19: write each period once",
    ]


def test_validate__kpis(repo: Path, holp: Callable[..., Result]) -> None:
    text = PROCESS_TEXT.replace("  - {id: won, weight: 0.35}", "  - {id: won, weight: 0.30}").replace(
        "  - {id: visits, weight: 0.10, target: 8}", "  - {id: visits, weight: 0.10}\n  - {id: won, weight: 0.05}")
    assert text != PROCESS_TEXT
    write(repo / "holp.yaml", text)
    start = text.splitlines().index("kpis:                        # 绩效考核指标、权重(合计为 1)与目标 / the KPIs, "
                                    "their weights (summing to 1) and targets") + 1
    result = holp("validate")
    assert result.exit_code == 1
    got = lines_of(result)
    assert got == [
        f"holp.yaml:{start + 5}:5: error[kpi-no-target]: kpis: 'visits' needs a target to be scored against",
        f"holp.yaml:{start + 6}:10: error[duplicate-id]: kpis: 'won' is listed twice (first at line {start + 1}): "
        "list each KPI once",
    ]  # 0.30 + 0.05 for won: the weights still sum to 1 (the duplicate is the error)
    write(repo / "holp.yaml", PROCESS_TEXT.replace("  - {id: won, weight: 0.35}", "  - {id: won, weight: 0.30}"))
    assert lines_of(holp("validate")) == [f"holp.yaml:{start}:1: error[kpi-weights]: kpis: the weights sum to 0.95, "
                                          "not 1"]


def test_validate__cost_above_amount_and_cost_with_margin(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000\n",
                                                             "amount: 3200000\ncost: 3500000\nmargin: 0.2\n"),
                    encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 1
    assert lines_of(result) == [
        "projects/east/P-2026-001.yaml:8:7: warning[cost-above-amount]: cost 3,500,000.00 is above the amount "
        "3,200,000.00: a loss-making deal?",
        "projects/east/P-2026-001.yaml:9:9: error[cost-and-margin]: cost and margin are both written: the gross "
        "profit comes from one, write cost or margin, not both",
    ]
    path.write_text(path.read_text(encoding="utf-8").replace("margin: 0.2\n", "").replace("cost: 3500000", "cost: x"),
                    encoding="utf-8")
    bad = holp("validate")
    assert bad.exit_code == 1 and "projects/east/P-2026-001.yaml:8:" in bad.output and "Traceback" not in bad.output


# -- show and export ----------------------------------------------------------------------------------------


def test_show_and_export__cost_margin_gross_profit(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000\n", "amount: 3200000\ncost: 2400000.5\n"),
                    encoding="utf-8")
    before = snapshot(repo)
    shown = holp("show", "P-2026-001", "--lang", "en")
    assert shown.exit_code == 0
    facts = [line.split("  ")[0::1] for line in shown.output.splitlines()]
    assert ["Cost", "2,400,000.50 CNY"] in [[p.strip() for p in f if p.strip()] for f in facts]
    assert ["Gross profit", "799,999.50 CNY"] in [[p.strip() for p in f if p.strip()] for f in facts]
    data = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert (data["cost"], data["margin"], data["gross_profit"]) == ("2400000.50", None, "799999.50")
    assert snapshot(repo) == before
    path.write_text(path.read_text(encoding="utf-8").replace("cost: 2400000.5\n", "margin: 0.125\n"),
                    encoding="utf-8")
    margin = holp("show", "P-2026-001", "--lang", "en").output.splitlines()
    assert ["Margin", "12.5%"] in [line.split() for line in margin]
    assert ["Gross", "profit", "400,000.00", "CNY"] in [line.split() for line in margin]
    folder = tmp_path / "out"
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    rows = list(csv.DictReader((folder / "projects.csv").read_text(encoding="utf-8").splitlines()))
    assert (rows[0]["cost"], rows[0]["margin"], rows[0]["gross_profit"]) == ("", "0.125", "400000.00")


def test_report_kpi__without_kpis_refused_and_bad_weights_said_once(repo: Path, holp: Callable[..., Result]) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    head = PROCESS_TEXT.split("kpis:")[0]
    write(repo / "holp.yaml", head + "expense_approval:" + PROCESS_TEXT.split("expense_approval:")[1])
    result = holp("report", "kpi")
    assert result.exit_code == 2
    assert ("holp: report kpi: holp.yaml has no kpis (which KPIs, their weights and targets): copy the `kpis:` of "
            "`holp init`'s holp.yaml and adapt it") in result.output
    write(repo / "holp.yaml", head + "kpis:\n  - {id: won, weight: lots}\n  - {id: visits, weight: 0.5, target: 8}\n")
    line = len(head.splitlines()) + 2
    got = lines_of(holp("validate"))
    assert [g for g in got if "kpi" in g] == [f"holp.yaml:{line}:23: error[bad-type]: kpis.0.weight must be a number, "
                                              "not 'lots'"]
