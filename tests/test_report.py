"""Reports: every figure of funnel, forecast and conversion against an independent computation in the test."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import Result

from conftest import Script, require_chromium
from holp.resources import template

STAGES = ["prospecting", "entry", "proposal", "bidding", "negotiation", "implementation", "collection",
          "evaluation", "service"]
PROBABILITY = {"prospecting": Decimal("0.10"), "entry": Decimal("0.25"), "proposal": Decimal("0.50"),
               "bidding": Decimal("0.75"), "negotiation": Decimal("0.90")}
LABELS = {"prospecting": "开发阶段", "entry": "销售进入阶段", "proposal": "提案阶段", "bidding": "招投标阶段",
          "negotiation": "商务谈判阶段"}
WON = 5  # index of implementation, holp.yaml's won_from
TODAY = dt.date(2026, 11, 24)
TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North}, manager: li.na}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
targets:
  - {year: 2026, region: east, amount: 20000000}
  - {year: 2026, region: north, amount: 15000000}
  - {year: 2026, rep: zhang.wei, amount: 9000000.50}
"""
CUSTOMERS = {
    "C-0001": {"id": "C-0001", "name": "华东钢铁", "region": "east", "owner": "zhang.wei"},
    "C-0002": {"id": "C-0002", "name": "华北水泥", "region": "north", "owner": "li.na"},
}
LINES = ["energy-audit", "motor-drive", "waste-heat", "automation"]


@dataclass
class Truth:
    id: str
    customer: str
    owner: str
    line: str
    amount: Decimal
    probability: Decimal | None
    close: dt.date
    path: list[tuple[str, dt.date]] = field(default_factory=list)  # (stage or "lost", day)
    region: str | None = None

    def data(self, upto: int) -> str:
        stage = self.path[upto][0]
        record: dict[str, object] = {"id": self.id, "name": f"项目{self.id}", "customer": self.customer,
                                     "owner": self.owner, "business_line": self.line, "amount": "AMOUNT",
                                     "expected_close": self.close.isoformat(), "stage": stage}
        if self.probability is not None:
            record["probability"] = "PROBABILITY"
        if self.region:
            record["region"] = self.region
        if stage == "lost":
            record["lost"] = {"reason": "price"}
        # JSON is YAML; numbers are written exactly as Decimal text
        return json.dumps(record, ensure_ascii=False).replace('"AMOUNT"', str(self.amount)).replace(
            '"PROBABILITY"', str(self.probability)) + "\n"

    def stage_at(self, day: dt.date) -> str | None:
        found = None
        for stage, when in self.path:
            if when <= day:
                found = stage
        return found


def plan(seed: int = 7) -> list[Truth]:
    rng = random.Random(seed)
    deals = []
    for i in range(30):
        start = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randrange(200))
        amount = Decimal(rng.randrange(100_000, 9_000_000)) + Decimal(rng.randrange(100)) / 100
        truth = Truth(f"P-{i:03d}", rng.choice(list(CUSTOMERS)), rng.choice(["li.na", "zhang.wei"]), rng.choice(LINES),
                      amount, Decimal("0.3") if i % 7 == 0 else None,
                      dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(600)),
                      region="north" if i % 11 == 0 else None)
        day = start
        truth.path.append((STAGES[0], day))
        goal = rng.randrange(0, 9)
        index = 0
        while index < goal:
            day += dt.timedelta(days=rng.randrange(5, 40))
            index += 2 if rng.random() < 0.15 and index + 2 <= goal else 1
            truth.path.append((STAGES[index], day))
            if rng.random() < 0.1 and index > 1:
                day += dt.timedelta(days=3)
                index -= 1
                truth.path.append((STAGES[index], day))
        if rng.random() < 0.25 and index < WON:
            day += dt.timedelta(days=rng.randrange(5, 40))
            truth.path.append(("lost", day))
        truth.path = [(s, min(d, TODAY)) for s, d in truth.path]
        deals.append(truth)
    return deals


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Truth], str, dt.date]:
    """One generated repository for the module: 30 projects, ~120 dated commits."""
    deals = plan()
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("home")
        mp.setenv("HOME", str(home))
        mp.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        root = tmp_path_factory.mktemp("generated") / "sales"
        root.mkdir()
        script = Script(root, lambda *a, **k: None, mp)  # type: ignore[arg-type,return-value]
        script.commit("li.na", "2025-05-01T09:00:00+08:00", "start", {
            "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
            **{f"customers/{c['region']}/{cid}.yaml": json.dumps(c, ensure_ascii=False) + "\n"
               for cid, c in CUSTOMERS.items()}})
        events = sorted(((day, d, n) for d in deals for n, (_, day) in enumerate(d.path)),
                        key=lambda e: (e[0], e[1].id))
        middle_sha, middle_day = "", dt.date(2026, 1, 31)
        for n, (day, deal, step) in enumerate(events):
            region = CUSTOMERS[deal.customer]["region"]
            stamp = f"{day.isoformat()}T{9 + n % 8:02d}:00:00+08:00"
            script.commit(deal.owner, stamp, f"{deal.id} step {step}",
                          {f"projects/{region}/{deal.id}.yaml": deal.data(step)})
            if day <= middle_day:
                middle_sha = script.head()
    return root, deals, middle_sha, middle_day


@pytest.fixture
def generated(built: tuple[Path, list[Truth], str, dt.date], monkeypatch: pytest.MonkeyPatch,
              holp: Callable[..., Result]) -> tuple[Script, list[Truth], str, dt.date]:
    root, deals, middle_sha, middle_day = built
    monkeypatch.chdir(root)
    script = Script.__new__(Script)
    script.root, script.holp, script.monkeypatch = root, holp, monkeypatch
    return script, deals, middle_sha, middle_day


def cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected_funnel(deals: list[Truth], day: dt.date, key: Callable[[Truth], object] | None = None,
                    group: object = None) -> dict[str, object]:
    stages = {s: [0, Decimal(0), Decimal(0)] for s in PROBABILITY}
    opened, won, lost = [0, Decimal(0), Decimal(0)], [0, Decimal(0)], [0, Decimal(0)]
    for d in deals:
        stage = d.stage_at(day)
        if stage is None or (key is not None and key(d) != group):
            continue
        if stage == "lost":
            lost[0] += 1
            lost[1] += d.amount
        elif STAGES.index(stage) >= WON:
            won[0] += 1
            won[1] += d.amount
        else:
            w = d.amount * (d.probability if d.probability is not None else PROBABILITY[stage])
            for row in (stages[stage], opened):
                row[0] += 1
                row[1] += d.amount
                row[2] += w
    return {
        "stages": [{"stage": s, "label": LABELS[s], "count": v[0], "amount": cents(v[1]), "weighted": cents(v[2])}
                   for s, v in stages.items()],
        "open": {"count": opened[0], "amount": cents(opened[1]), "weighted": cents(opened[2])},
        "won": {"count": won[0], "amount": cents(won[1])}, "lost": {"count": lost[0], "amount": cents(lost[1])},
    }


def report(holp: Callable[..., Result], *args: str) -> dict[str, object]:
    result = holp("report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_funnel__every_figure(generated: tuple[Script, list[Truth], str, dt.date], holp: Callable[..., Result]) -> None:
    _, deals, _, _ = generated
    data = report(holp, "funnel")
    assert data == {"as_of": "2026-11-24", "revision": None, "currency": "CNY", **expected_funnel(deals, TODAY)}


@pytest.mark.parametrize("by", ["owner", "region", "business_line", "customer", "quarter"])
def test_funnel__by_every_grouping(generated: tuple[Script, list[Truth], str, dt.date], holp: Callable[..., Result],
                                   by: str) -> None:
    _, deals, _, _ = generated
    keys: dict[str, Callable[[Truth], object]] = {
        "owner": lambda d: d.owner, "region": lambda d: d.region or CUSTOMERS[d.customer]["region"],
        "business_line": lambda d: d.line, "customer": lambda d: d.customer,
        "quarter": lambda d: f"{d.close.year}-Q{(d.close.month - 1) // 3 + 1}"}
    data = report(holp, "funnel", "--by", by)
    groups = sorted({keys[by](d) for d in deals})  # type: ignore[type-var]
    assert [g["key"] for g in data["groups"]] == groups  # type: ignore[index,union-attr]
    for g in data["groups"]:  # type: ignore[union-attr]
        assert {k: v for k, v in g.items() if k != "key"} == expected_funnel(deals, TODAY, keys[by], g["key"])


def test_funnel__as_of_a_past_revision_and_date(generated: tuple[Script, list[Truth], str, dt.date],
                                                holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    script, deals, middle_sha, middle_day = generated
    victim = next((script.root / "projects").rglob("P-000.yaml"))
    victim.unlink()  # the work tree must not matter
    by_revision = report(holp, "funnel", "--as-of", middle_sha)
    script.git("checkout", "--", str(victim.relative_to(script.root)))
    commit_day = dt.date.fromisoformat(script.git("show", "-s", "--format=%cI", middle_sha)[:10])
    assert by_revision == {"as_of": commit_day.isoformat(), "revision": middle_sha, "currency": "CNY",
                           **expected_funnel(deals, middle_day)}
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    by_date = report(holp, "funnel", "--as-of", middle_day.isoformat())
    assert by_date["revision"] == middle_sha and by_date["stages"] == by_revision["stages"]


def test_forecast__every_figure(generated: tuple[Script, list[Truth], str, dt.date],
                                holp: Callable[..., Result]) -> None:
    _, deals, _, _ = generated
    data = report(holp, "forecast")
    buckets: dict[str, list[object]] = {k: [0, Decimal(0), Decimal(0)] for k in
                                         ["overdue", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "later", "none"]}
    won_on: dict[str, dt.date] = {}
    for d in deals:
        first_won = next((day for stage, day in d.path if stage != "lost" and STAGES.index(stage) >= WON), None)
        stage = d.path[-1][0]
        if stage != "lost" and STAGES.index(stage) >= WON and first_won:
            won_on[d.id] = first_won
        if stage == "lost" or STAGES.index(stage) >= WON:
            continue
        key = "overdue" if d.close < TODAY else "later" if d.close.year > 2026 else \
            f"2026-Q{(d.close.month - 1) // 3 + 1}"
        row = buckets[key]
        row[0] += 1  # type: ignore[operator]
        row[1] += d.amount  # type: ignore[operator]
        row[2] += d.amount * (d.probability if d.probability is not None else PROBABILITY[stage])  # type: ignore[operator]
    assert data["periods"] == [{"period": k, "count": v[0], "amount": cents(v[1]), "weighted": cents(v[2])}  # type: ignore[arg-type]
                               for k, v in buckets.items()]
    won_2026 = [d for d in deals if d.id in won_on and won_on[d.id].year == 2026]
    assert data["won_to_date"] == {"count": len(won_2026), "amount": cents(sum((d.amount for d in won_2026), Decimal(0)))}

    def region(d: Truth) -> str:
        return d.region or CUSTOMERS[d.customer]["region"]

    expected = []
    for kind, key, target, member in (
        ("region", "east", Decimal(20000000), lambda d: region(d) == "east"),
        ("region", "north", Decimal(15000000), lambda d: region(d) == "north"),
        ("rep", "zhang.wei", Decimal("9000000.50"), lambda d: d.owner == "zhang.wei"),
    ):
        won = sum((d.amount for d in won_2026 if member(d)), Decimal(0))
        pipeline = [d for d in deals if member(d) and d.path[-1][0] != "lost" and STAGES.index(d.path[-1][0]) < WON
                    and d.close.year <= 2026]
        amount = sum((d.amount for d in pipeline), Decimal(0))
        weighted = sum((d.amount * (d.probability if d.probability is not None else PROBABILITY[d.path[-1][0]])
                        for d in pipeline), Decimal(0))
        gap = max(Decimal(0), target - won)
        expected.append({
            "kind": kind, "id": key, "target": cents(target), "won": cents(won), "pipeline": cents(amount),
            "weighted": cents(weighted), "forecast": cents(won + weighted), "gap": cents(gap),
            "gap_percent": str((gap * 100 / target).quantize(Decimal("0.1"))),
            "coverage": str((amount / gap).quantize(Decimal("0.01"))) if gap > 0 else None})
    assert [{k: v for k, v in t.items() if k != "label"} for t in data["targets"]] == expected  # type: ignore[union-attr]


def test_conversion__every_figure(generated: tuple[Script, list[Truth], str, dt.date],
                                  holp: Callable[..., Result]) -> None:
    _, deals, _, _ = generated
    data = report(holp, "conversion")
    rows = []
    for i, stage in enumerate(STAGES[:WON]):
        entered = moved = won = lost = 0
        for d in deals:
            path = [s for s, _ in d.path]
            if stage not in path:
                continue
            entered += 1
            after = path[path.index(stage) + 1:]
            moved += any(s != "lost" and STAGES.index(s) > i for s in after)
            if any(s != "lost" and STAGES.index(s) >= WON for s in path):
                won += 1
            elif path[-1] == "lost":
                lost += 1

        def pct(a: int, b: int) -> str | None:
            return str((Decimal(a) * 100 / b).quantize(Decimal("0.1"))) if b else None

        rows.append({"stage": stage, "label": LABELS[stage], "entered": entered, "moved_on": moved,
                     "moved_on_percent": pct(moved, entered), "won": won, "lost": lost, "decided": won + lost,
                     "win_rate": pct(won, won + lost),
                     "probability": str((PROBABILITY[stage] * 100).quantize(Decimal("0.1")))})
    assert data["stages"] == rows
    lost = [d for d in deals if d.path[-1][0] == "lost"]
    assert data["lost_reasons"] == [{"reason": "price", "label": "价格", "count": len(lost),
                                     "amount": cents(sum((d.amount for d in lost), Decimal(0)))}]


def test_report__formats(generated: tuple[Script, list[Truth], str, dt.date], holp: Callable[..., Result],
                         tmp_path: Path) -> None:
    table = holp("report").output
    assert table.startswith("销售漏斗 — 截至 2026-11-24 · CNY\n")
    markdown = holp("report", "forecast", "--format", "markdown").output
    assert markdown.startswith("## 销售预测与任务\n\n_截至 2026-11-24 · CNY_\n\n### 销售预测与任务 2026\n")
    assert "| 期间 " in markdown and "|:---" in markdown
    csv_text = holp("report", "funnel", "--by", "region", "--format", "csv").output
    assert csv_text.splitlines()[0] == "group,stage,label,count,amount,weighted"
    assert any(line.startswith("east,prospecting,开发阶段,") for line in csv_text.splitlines())
    out = tmp_path / "report.html"
    result = holp("report", "--format", "html", "-o", str(out), "--lang", "en")
    assert result.exit_code == 0 and result.stderr == f"wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1  # the trend's line; the rest is HTML
    for part in ("Sales dashboard", "Sales funnel", "Forecast against target", "Weighted pipeline at the last 12",
                 "Stage conversion", "Receivables and collection risk", "@media print", "@page { size: A4"):
        assert part in page, part
    # self-contained: nothing is fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page


def test_report__changes_since_a_day(generated: tuple[Script, list[Truth], str, dt.date],
                                     holp: Callable[..., Result]) -> None:
    _, deals, _, _ = generated
    since = dt.date(2026, 6, 30)
    data = report(holp, "changes", "--since", since.isoformat())
    expected: dict[str, int] = defaultdict(int)
    for d in deals:
        previous = None
        for stage, day in d.path:
            if day > since:
                if previous is None:
                    kind = "new"
                elif stage == "lost":
                    kind = "lost"
                elif STAGES.index(stage) >= WON > STAGES.index(previous):
                    kind = "won"
                elif STAGES.index(stage) < STAGES.index(previous):
                    kind = "back"
                else:
                    kind = "forward"
                expected[kind] += 1
            previous = stage
    counts = data["counts"]
    assert isinstance(counts, dict)
    assert {k: v for k, v in counts.items() if v} == dict(expected)
    before = sum((d.amount * (d.probability if d.probability is not None else PROBABILITY[s])
                  for d in deals if (s := d.stage_at(since)) in PROBABILITY), Decimal(0))
    assert data["weighted_pipeline"]["before"] == cents(before)  # type: ignore[index]


def test_report__html_loads_in_headless_chromium(generated: tuple[Script, list[Truth], str, dt.date],
                                                 holp: Callable[..., Result], tmp_path: Path) -> None:
    import subprocess

    chromium = require_chromium()
    out = tmp_path / "report.html"
    assert holp("report", "--format", "html", "-o", str(out)).exit_code == 0
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert dom.count("<svg") == 1 and "<polyline" in dom and dom.count('class="trap"') == len(STAGES[:WON])
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *flags, "--window-size=1100,900", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_report__as_of_a_date_is_the_same_in_every_time_zone(generated: tuple[Script, list[Truth], str, dt.date],
                                                             holp: Callable[..., Result],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    answers = []
    for zone in ("UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati"):
        monkeypatch.setenv("TZ", zone)
        answers.append(report(holp, "funnel", "--as-of", "2026-01-31")["revision"])
    assert len(set(answers)) == 1


def test_report__a_sales_repository_in_a_subfolder_sees_uncommitted_edits(repo: Path, holp: Callable[..., Result]) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=repo.parent, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo.parent, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "start"], cwd=repo.parent, check=True)
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 4000000"), encoding="utf-8")
    data = report(holp, "funnel")
    assert data["open"]["amount"] == "4000000.00"  # type: ignore[index]
    listed = json.loads(holp("list", "--format", "json").stdout)
    assert listed[0]["amount"] == "4000000.00"
    path.unlink()
    assert report(holp, "funnel")["open"]["count"] == 0  # type: ignore[index]


def test_report__output_format_follows_the_suffix(generated: tuple[Script, list[Truth], str, dt.date],
                                                  holp: Callable[..., Result], tmp_path: Path) -> None:
    for name, start in (("r.html", "<!DOCTYPE html>"), ("r.md", "## 销售漏斗"), ("r.json", "{"),
                        ("r.csv", "group,stage,label,count,amount,weighted"), ("r.txt", "销售漏斗 — ")):
        assert holp("report", "funnel", "-o", str(tmp_path / name)).exit_code == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    assert holp("report", "funnel", "-o", str(tmp_path / "x.html"), "--format", "json").exit_code == 0
    assert (tmp_path / "x.html").read_text(encoding="utf-8").startswith("{")


def test_report__output_never_replaces_a_file_git_keeps(generated: tuple[Script, list[Truth], str, dt.date],
                                                        holp: Callable[..., Result]) -> None:
    target = next((generated[0].root / "projects").rglob("P-000.yaml"))
    before = target.read_bytes()
    result = holp("report", "funnel", "-o", str(target))
    assert result.exit_code == 2
    assert result.output == f"holp: {target} is a file git keeps: write the output somewhere else\n"
    assert target.read_bytes() == before


def test_report__receivables_buckets(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("stage: entry", "stage: collection") + """\
payments:
  - {due: 2026-11-30, amount: 100.00}
  - {due: 2026-11-10, amount: 200.00}
  - {due: 2026-10-01, amount: 300.00, received: 2026-10-05, received_amount: 120.50}
  - {due: 2026-09-01, amount: 400.00}
  - {due: 2026-07-01, amount: 500.00}
  - {due: 2026-06-01, amount: 600.00, received: 2026-06-02}
""", encoding="utf-8")
    data = report(holp, "receivables")
    # as of 2026-11-24: 14, 54, 84 and 146 days overdue; the last one paid in full
    assert data["by_customer"] == [{
        "key": "C-0001", "label": "华东某钢铁集团", "not_due": "100.00", "overdue_0_30": "200.00",
        "overdue_31_60": "179.50", "overdue_61_90": "400.00", "overdue_90": "500.00", "outstanding": "1379.50",
        "overdue": "1279.50"}]
    assert data["received_this_year"] == "720.50"
    assert [(r["due"], r["days_overdue"]) for r in data["overdue"]] == [  # type: ignore[union-attr]
        ("2026-07-01", 146), ("2026-09-01", 84), ("2026-10-01", 54), ("2026-11-10", 14)]


def test_report__forecast_by_month_and_the_stalled_list(generated: tuple[Script, list[Truth], str, dt.date],
                                                        holp: Callable[..., Result]) -> None:
    _, deals, _, _ = generated
    months = report(holp, "forecast", "--period", "month")["periods"]
    assert [p["period"] for p in months][1:13] == [f"2026-{m:02d}" for m in range(1, 13)]  # type: ignore[index]
    quarters = report(holp, "forecast")["periods"]
    for q in range(4):
        in_quarter = months[1 + 3 * q: 4 + 3 * q]  # type: ignore[index]
        assert sum(p["count"] for p in in_quarter) == quarters[1 + q]["count"]  # type: ignore[index]
    stalled = report(holp, "stalled")
    opened = [d for d in deals if d.path[-1][0] != "lost" and STAGES.index(d.path[-1][0]) < WON]
    expected = sorted(d.id for d in opened if (TODAY - d.path[-1][1]).days >= 30)
    assert sorted(r["project"] for r in stalled["stalled"]) == expected  # type: ignore[union-attr]
