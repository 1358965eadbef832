"""`holp report risks`: every figure recomputed on a generated repository, without holp's report code."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import Script, write
from holp.resources import template

STAGES = ["prospecting", "entry", "proposal", "bidding", "negotiation", "implementation", "collection",
          "evaluation", "service"]
OPEN = STAGES[:5]
PROBABILITY = {"prospecting": Decimal("0.10"), "entry": Decimal("0.25"), "proposal": Decimal("0.50"),
               "bidding": Decimal("0.75"), "negotiation": Decimal("0.90")}
STAGE_LABELS = {"prospecting": "开发阶段", "entry": "销售进入阶段", "proposal": "提案阶段", "bidding": "招投标阶段",
                "negotiation": "商务谈判阶段"}
KINDS = {"market": "市场风险", "customer": "客户风险", "competition": "竞争风险", "contract": "合同风险",
         "collection": "收款风险", "technical": "技术风险", "policy": "政策风险"}
LEVELS = {"high": "高", "medium": "中", "low": "低"}
REGIONS = {"east": "华东", "north": "华北"}
REPS = {"li.na": "李娜", "zhang.wei": "张伟"}
TODAY = dt.date(2026, 11, 24)
REVIEW_DAYS = 30
TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North}, manager: li.na}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
"""
CUSTOMERS = {"C-0001": "east", "C-0002": "north"}


@dataclass
class RiskTruth:
    kind: str
    level: str
    owner: str | None
    mitigation: str | None
    reviewed: dt.date | None


@dataclass
class DealTruth:
    id: str
    customer: str
    region: str | None  # the project's own region, else its customer's
    stage: str
    amount: Decimal
    probability: Decimal | None
    risks: list[RiskTruth]

    def text(self) -> str:
        lines = [f"id: {self.id}", f"name: 项目{self.id}", f"customer: {self.customer}", "owner: zhang.wei",
                 f"amount: {self.amount}", "expected_close: 2027-06-30", f"stage: {self.stage}"]
        if self.stage == "lost":
            lines.append("lost_reason: price")
        if self.region:
            lines.append(f"region: {self.region}")
        if self.probability is not None:
            lines.append(f"probability: {self.probability}")
        if self.risks:
            lines.append("risks:")
        for r in self.risks:
            lines += [f"  - kind: {r.kind}", f"    level: {r.level}"]
            lines += [f"    owner: {r.owner}"] if r.owner else []
            lines += [f"    mitigation: {r.mitigation}"] if r.mitigation else []
            lines += [f"    reviewed: {r.reviewed.isoformat()}"] if r.reviewed else []
        return "\n".join(lines) + "\n"

    @property
    def weighted(self) -> Decimal:
        return self.amount * (self.probability if self.probability is not None else PROBABILITY[self.stage])

    @property
    def where(self) -> str:
        return self.region or CUSTOMERS[self.customer]


def generate(seed: int, count: int = 40) -> list[DealTruth]:
    rnd = random.Random(seed)
    deals = []
    for i in range(count):
        risks = [RiskTruth(rnd.choice(list(KINDS)), rnd.choice(list(LEVELS)), rnd.choice([None, *REPS]),
                           rnd.choice([None, "提前备料", "要求预付款 30%"]),
                           rnd.choice([None, TODAY - dt.timedelta(days=rnd.randint(0, 90))]))
                 for _ in range(rnd.choice([0, 0, 1, 2, 3, 4]))]
        amount = Decimal(rnd.randint(10_000, 9_000_000)) + Decimal(rnd.randint(0, 99)) / 100
        deals.append(DealTruth(f"P-2026-{i + 1:03d}", rnd.choice(list(CUSTOMERS)), rnd.choice([None, None, "north"]),
                               rnd.choice([*STAGES, "lost"]), amount,
                               rnd.choice([None, None, Decimal("0.33"), Decimal("0.05")]), risks))
    return deals


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected(deals: list[DealTruth], as_of: dt.date) -> dict[str, Any]:
    """The report's JSON, computed here from the generated truth."""
    open_deals = [d for d in deals if d.stage in OPEN]

    def groups(key: Callable[[DealTruth, RiskTruth], str], labels: dict[str, str]) -> list[dict[str, Any]]:
        count: dict[str, int] = defaultdict(int)
        members: dict[str, set[str]] = defaultdict(set)
        for d in open_deals:
            for r in d.risks:
                count[key(d, r)] += 1
                members[key(d, r)].add(d.id)
        by_id = {d.id: d for d in open_deals}
        return [{"key": k, "label": text, "count": count[k], "projects": len(members[k]),
                 "weighted": money(sum((by_id[p].weighted for p in members[k]), Decimal(0)))}
                for k, text in labels.items()]

    everyone = groups(lambda d, r: "all", {"all": ""})[0]
    high = []
    for d in sorted(open_deals, key=lambda d: d.id):
        for r in d.risks:
            if r.level == "high":
                days = (as_of - r.reviewed).days if r.reviewed else None
                high.append({"project": d.id, "name": f"项目{d.id}", "customer": d.customer, "stage": d.stage,
                             "kind": r.kind, "kind_label": KINDS[r.kind], "owner": r.owner, "note": None,
                             "mitigation": r.mitigation, "reviewed": r.reviewed.isoformat() if r.reviewed else None,
                             "days_since_review": days, "review_overdue": days is None or days > REVIEW_DAYS})
    never = [h for h in high if h["days_since_review"] is None]
    seen = sorted((h for h in high if h["days_since_review"] is not None),
                  key=lambda h: (-h["days_since_review"], h["project"]))
    return {"as_of": as_of.isoformat(), "currency": "CNY", "review_days": REVIEW_DAYS,
            "total": {k: everyone[k] for k in ("count", "projects", "weighted")},
            "by_level": groups(lambda d, r: r.level, LEVELS),
            "by_kind": groups(lambda d, r: r.kind, KINDS),
            "by_region": groups(lambda d, r: d.where, REGIONS),
            "by_stage": groups(lambda d, r: d.stage, STAGE_LABELS),
            "high": never + seen}


def files(deals: list[DealTruth]) -> dict[str, str]:
    found = {"holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM}
    for cid, region in CUSTOMERS.items():
        found[f"customers/{region}/{cid}.yaml"] = f"id: {cid}\nname: 客户{cid}\nregion: {region}\nowner: li.na\n"
    for d in deals:
        found[f"projects/{CUSTOMERS[d.customer]}/{d.id}.yaml"] = d.text()
    return found


def report(holp: Callable[..., Result], *args: str) -> dict[str, Any]:
    result = holp("report", "risks", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    data.pop("revision")
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_report_risks__every_figure_recomputed(repo: Path, holp: Callable[..., Result], seed: int) -> None:
    deals = generate(seed)
    (repo / "projects/east/P-2026-001.yaml").unlink()
    for path, text in files(deals).items():
        write(repo / path, text)
    assert report(holp) == expected(deals, TODAY)


def test_report_risks__as_of_reads_the_register_of_that_day(script: Script, holp: Callable[..., Result]) -> None:
    before = generate(7, count=15)
    script.commit("zhang.wei", "2026-09-30T10:00:00+08:00", "start", files(before))
    after = generate(8, count=15)
    gone: dict[str, str | None] = {path: None for path in files(before) if path not in files(after)}
    script.commit("zhang.wei", "2026-11-20T10:00:00+08:00", "risks reviewed", {**gone, **files(after)})
    as_of = dt.date(2026, 10, 31)
    assert report(holp, "--as-of", as_of.isoformat()) == expected(before, as_of)
    assert report(holp) == expected(after, TODAY)


def test_report_risks__tables_in_english(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "projects/east/P-2026-001.yaml", (repo / "projects/east/P-2026-001.yaml").read_text(
        encoding="utf-8") + "risks:\n  - {kind: collection, level: high, owner: li.na, reviewed: 2026-10-01}\n"
                            "  - {kind: collection, level: low}\n")
    result = holp("report", "risks", "--lang", "en")
    assert result.exit_code == 0
    out = result.output.splitlines()
    # one risk-bearing deal of 3,200,000 at entry (25 %): 800,000 at risk, counted once though it has two risks
    assert "Collection            2           1                800,000.00" in out
    assert "Low            1           1                800,000.00" in out
    assert "Total                 2           1                800,000.00" in out
    assert out[-4:-1] == [
        "ID          Project              Kind of risk    Risk owner    Mitigation    Reviewed        Days since review",
        "----------  -------------------  --------------  ------------  ------------  ------------  -------------------",
        "P-2026-001  2号高炉余热发电改造  Collection      李娜          —             2026-10-01 !                   54"]
    assert out[-1] == "* A high risk needs a mitigation and a review at least every 30 days (! marks one overdue)"


def test_example_repo__a_risk_of_every_kind_on_open_projects(holp: Callable[..., Result]) -> None:
    example = str(Path(__file__).resolve().parent.parent / "example-repo")
    data = json.loads(holp("-C", example, "report", "risks", "--format", "json").stdout)
    assert [row["key"] for row in data["by_kind"] if row["count"] > 0] == list(KINDS)
    assert all(h["owner"] and h["mitigation"] and h["reviewed"] for h in data["high"])
    assert holp("-C", example, "validate").exit_code == 0
