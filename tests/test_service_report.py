"""`holp report service`: every figure recomputed from a generated repository, without holp's report code."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import subprocess
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import write
from holp.resources import template

TODAY = dt.date(2026, 11, 24)
STAGES = ["prospecting", "entry", "proposal", "bidding", "negotiation", "implementation", "collection",
          "evaluation", "service"]
WON = STAGES[5:]  # implementation on: holp.yaml's won_from
LINE_LABELS = {"energy-audit": "节能评估", "motor-drive": "电机拖动系统节能", "waste-heat": "余热利用",
               "automation": "自动化控制系统"}
REPS = {"li.na": "李娜", "zhang.wei": "张伟"}
TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East}, manager: li.na}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
"""
CONTACTS = ["李明", "王强", "赵敏"]
KINDS = ["complaint", "feedback", "warranty", "revisit", "training"]
LEVELS = ["high", "medium", "low"]
AGES = [("age_0_7", 0, 7), ("age_8_30", 8, 30), ("age_31_90", 31, 90), ("age_90", 91, None)]


def _day(rng: random.Random, start: dt.date, span: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def _generate(rng: random.Random, root: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    customers = {f"C-{n:04d}": f"客户{n}号" for n in range(1, 6)}
    for cid, name in customers.items():
        contacts = "".join(f"  - {{name: {c}}}\n" for c in CONTACTS)
        write(root / f"customers/east/{cid}.yaml",
              f"id: {cid}\nname: {name}\nregion: east\nowner: zhang.wei\ncontacts:\n{contacts}")
    projects = []
    for n in range(1, 16):
        p: dict[str, Any] = {"id": f"P-2026-{n:03d}", "customer": rng.choice(list(customers)),
                             "owner": rng.choice(list(REPS)), "line": rng.choice(list(LINE_LABELS)),
                             "stage": rng.choice([*STAGES, *WON, *WON]), "visits": [], "service": []}
        for _ in range(rng.randrange(3)):
            p["visits"].append(_day(rng, dt.date(2025, 6, 1), 540))
        for _ in range(rng.randrange(6)):
            start = _day(rng, dt.date(2025, 9, 1), 500)  # some after TODAY: not counted yet
            item: dict[str, Any] = {"date": start, "kind": rng.choice(KINDS)}
            if rng.random() < 0.8:
                item["severity"] = rng.choice(LEVELS)
            if rng.random() < 0.5:
                item["due"] = start + dt.timedelta(days=rng.randrange(60))
            if item["kind"] in ("revisit", "training") or rng.random() < 0.6:
                item["resolved"] = start if item["kind"] == "revisit" else start + dt.timedelta(days=rng.randrange(90))
                if rng.random() < 0.7:
                    item["satisfaction"] = rng.randint(1, 5)
            elif rng.random() < 0.2:
                item["satisfaction"] = rng.randint(1, 5)  # feedback scored without being resolved
            item["summary"] = f"事项{n}-{len(p['service']) + 1}"
            p["service"].append(item)
        lines = [f"id: {p['id']}", f"name: 项目{n}", f"customer: {p['customer']}", f"owner: {p['owner']}",
                 f"business_line: {p['line']}", "amount: 1000000", f"stage: {p['stage']}"]
        if p["visits"]:
            lines.append("visits:")
            lines += [f"  - {{date: {d}, by: {p['owner']}}}" for d in p["visits"]]
        if p["service"]:
            lines.append("service:")
            for item in p["service"]:
                lines.append("  - {" + ", ".join(f"{k}: {v}" for k, v in item.items()) + "}")
        write(root / f"projects/east/{p['id']}.yaml", "\n".join(lines) + "\n")
        projects.append(p)
    return customers, projects


def _tenths(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1")))


def _expected(customers: dict[str, str], projects: list[dict[str, Any]]) -> dict[str, Any]:
    open_items, resolve, scores = [], defaultdict(list), {k: defaultdict(list) for k in ("c", "o", "l")}
    for p in sorted(projects, key=lambda p: p["id"]):
        for number, item in enumerate(p["service"], start=1):
            if item["date"] > TODAY:
                continue
            resolved = item.get("resolved")
            if item["kind"] not in ("revisit", "training") and (resolved is None or resolved > TODAY):
                due = item.get("due")
                open_items.append({
                    "project": p["id"], "item": number, "customer": p["customer"], "kind": item["kind"],
                    "severity": item.get("severity"), "from": None, "owner": None,
                    "date": item["date"].isoformat(), "age_days": (TODAY - item["date"]).days,
                    "due": due.isoformat() if due else None,
                    "days_overdue": (TODAY - due).days if due and due < TODAY else None,
                    "summary": item["summary"]})
            elif resolved is not None:
                resolve[item["kind"]].append((resolved - item["date"]).days)
            if "satisfaction" in item and (resolved or item["date"]) <= TODAY:
                scores["c"][p["customer"]].append(item["satisfaction"])
                scores["o"][p["owner"]].append(item["satisfaction"])
                scores["l"][p["line"]].append(item["satisfaction"])
    order = {"high": 0, "medium": 1, "low": 2, None: 3}
    open_items.sort(key=lambda i: (order[i["severity"]], -i["age_days"], i["project"], i["item"]))
    by_severity = []
    for severity in [*LEVELS, None]:
        ages = [i["age_days"] for i in open_items if i["severity"] == severity]
        if severity is None and not ages:
            continue
        counts = {name: sum(1 for a in ages if lo <= a and (hi is None or a <= hi)) for name, lo, hi in AGES}
        by_severity.append({"severity": severity, **counts, "open": len(ages)})

    def listed(groups: dict[str, list[int]], name: Callable[[str], str]) -> list[dict[str, Any]]:
        return [{"key": k, "label": name(k), "count": len(v), "average": _tenths(Decimal(sum(v)) / len(v))}
                for k, v in sorted(groups.items())]

    won = {p["customer"] for p in projects if p["stage"] in WON}
    due = []
    for cid in sorted(won):
        days = [d for p in projects if p["customer"] == cid for d in p["visits"]]
        days += [i["date"] for p in projects if p["customer"] == cid for i in p["service"] if i["kind"] == "revisit"]
        last = max((d for d in days if d <= TODAY), default=None)
        if last is None or (TODAY - last).days > 180:
            due.append({"customer": cid, "name": customers[cid], "last_revisit": last.isoformat() if last else None,
                        "days_since": (TODAY - last).days if last else None})
    return {
        "as_of": TODAY.isoformat(), "currency": "CNY", "open_by_severity": by_severity, "open": open_items,
        "overdue": sorted((i for i in open_items if i["days_overdue"] is not None),
                          key=lambda i: (-i["days_overdue"], i["project"], i["item"])),
        "time_to_resolve": [{"kind": k, "count": len(resolve[k]),
                             "average_days": _tenths(Decimal(sum(resolve[k])) / len(resolve[k])),
                             "median_days": _tenths(Decimal(str(statistics.median(resolve[k]))))}
                            for k in KINDS if resolve[k]],
        "satisfaction": {"by_customer": listed(scores["c"], customers.__getitem__),
                         "by_owner": listed(scores["o"], REPS.__getitem__),
                         "by_business_line": listed(scores["l"], LINE_LABELS.__getitem__)},
        "revisit_every_days": 180, "revisits_due": due,
    }


@pytest.mark.parametrize("seed", range(4))
def test_report_service__every_figure_recomputed(tmp_path: Path, holp: Callable[..., Result],
                                                 monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    root = tmp_path / "sales"
    write(root / "holp.yaml", template("init", "holp.yaml").read_text(encoding="utf-8"))
    write(root / "team.yaml", TEAM)
    customers, projects = _generate(random.Random(seed), root)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "generated"], cwd=root, check=True)
    monkeypatch.chdir(root)
    result = holp("report", "service", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    del found["revision"]
    assert found == _expected(customers, projects)
    assert found["open"] and found["time_to_resolve"] and found["satisfaction"]["by_owner"]  # the seed tests things


def test_report_service__the_terminal_table(tmp_path: Path, holp: Callable[..., Result],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sales"
    write(root / "holp.yaml", template("init", "holp.yaml").read_text(encoding="utf-8"))
    write(root / "team.yaml", TEAM)
    write(root / "customers/east/C-0001.yaml", "id: C-0001\nname: 华东钢铁\nregion: east\nowner: zhang.wei\n")
    write(root / "projects/east/P-2026-001.yaml", """\
id: P-2026-001
name: 余热电站
customer: C-0001
owner: zhang.wei
business_line: waste-heat
stage: service
service:
  - {date: 2026-11-01, kind: complaint, severity: high, due: 2026-11-10, summary: 给水泵振动}
  - {date: 2026-10-01, kind: complaint, severity: low, resolved: 2026-10-04, satisfaction: 4}
""")
    monkeypatch.chdir(root)
    result = holp("report", "service", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("""\
After-sales service and satisfaction — As of 2026-11-24 · CNY

Open items by severity and age:
Severity      0–7 days    8–30 days    31–90 days    90+ days    Open
----------  ----------  -----------  ------------  ----------  ------
High                 0            1             0           0       1
Medium               0            0             0           0       0
Low                  0            0             0           0       0

Open service items:
ID            No.  Customer    Kind       Severity      Days open  Due           Days overdue  Summary
----------  -----  ----------  ---------  ----------  -----------  ----------  --------------  ----------
P-2026-001      1  华东钢铁    Complaint  High                 23  2026-11-10              14  给水泵振动
""")
    assert result.stdout.endswith("""\
Customers due for a revisit:
Customer    Last visit or revisit      Days since
----------  -----------------------  ------------
华东钢铁    never
* Revisit every: 180 days
""")
