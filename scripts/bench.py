"""make bench: time holp at the scale DESIGN.md names — 10,000 projects, 5,000 customers, 100,000 commits.

Usage: python scripts/bench.py [--dir PATH] [--projects N] [--customers N] [--commits N] [--keep]

Generates a sales repository with `git fast-import` (projects of about 2 KB
with Chinese text and comments, in one folder per region, as `holp new`
lays them out), then times, each as a fresh process:

  git log --raw (the floor any history walk pays)
  holp history, cold (no cache) and warm (second run)
  holp validate, holp list
  holp report funnel / conversion, cold and warm

Numbers vary with the machine and its load; compare them with the git floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["east", "north", "south", "west", "central", "northeast", "northwest", "southwest", "hk", "export"]
STAGES = ["prospecting", "entry", "proposal", "bidding", "negotiation", "implementation", "collection",
          "evaluation", "service"]
ITEMS = {
    "prospecting": ["process_assessed", "equipment_assessed", "funding_assessed", "technical_needs_assessed",
                    "relationship_assessed", "project_info_confirmed", "target_customer_assessed"],
    "entry": ["procurement_org_mapped", "key_person_relationship"],
    "proposal": ["needs_understood", "procurement_criteria_shaped", "proposal_reviewed"],
    "bidding": ["tender_documents_obtained", "bid_response_prepared", "bid_submitted"],
    "negotiation": ["contract_approved", "contract_signed"],
    "implementation": ["acceptance_passed", "project_closed_out"],
    "collection": [],  # payments_received is proven by the payments (evidence), not ticked
    "evaluation": [],  # proven by the project summary (evidence), not ticked
    "service": [],
}
NAMES = ["余热发电改造", "空压站变频节能改造", "全厂能源审计", "循环水泵系统节能", "能源管控中心建设", "锅炉烟气余热回收"]


def team(reps: int) -> str:
    lines = ["regions:"]
    lines += [f"  - {{id: {r}, label: {{zh: 区域{i}, en: Region {i}}}, manager: rep{i:03d}}}"
              for i, r in enumerate(REGIONS)]
    lines.append("reps:")
    lines += [f"  - {{id: rep{i:03d}, name: 销售{i:03d}, email: rep{i:03d}@holp.example, region: {REGIONS[i % 10]}}}"
              for i in range(reps)]
    lines.append("targets:")
    lines += [f"  - {{year: 2026, region: {r}, amount: 300000000}}" for r in REGIONS]
    return "\n".join(lines) + "\n"


def customer(i: int) -> str:
    region = REGIONS[i % 10]
    return (f"# 客户档案 C-{i:05d}\nid: C-{i:05d}\nname: 某工业集团{i}号有限公司\nindustry: steel\nregion: {region}\n"
            f"owner: rep{i % 50:03d}\ncredit: B\ncontacts:\n"
            f"  - {{name: 李明{i}, title: 副总经理, role: decision_maker, stance: supporter, influence: high, "
            f"personality: tiger, closeness: 3, trust: 3}}\n"
            f"  - {{name: 王强{i}, title: 能源科长, role: coach, stance: supporter, influence: medium, "
            f"personality: koala, closeness: 4, trust: 4}}\n")


class Project:
    def __init__(self, i: int, customers: int, year: int) -> None:
        self.id = f"P-{year}-{i:05d}"
        self.customer = i % customers
        self.region = REGIONS[self.customer % 10]
        self.owner = f"rep{self.customer % 50:03d}"
        self.name = f"{NAMES[i % len(NAMES)]}{i}号"
        self.amount = 300000 + (i * 7919) % 20000000
        self.stage = 0
        self.ticks = 0
        self.visits = 0
        self.close = dt.date(2027, 1, 1) + dt.timedelta(days=i % 365)

    @property
    def path(self) -> str:
        return f"projects/{self.region}/{self.id}.yaml"

    def text(self) -> str:
        lines = [f"# {self.name} —— 负责人 {self.owner}", f"id: {self.id}", f"name: {self.name}",
                 f"customer: C-{self.customer:05d}", f"owner: {self.owner}", "business_line: waste-heat",
                 f"amount: {self.amount}              # 预计合同额(元)", f"expected_close: {self.close.isoformat()}",
                 f"stage: {STAGES[self.stage]}                # 当前阶段", "checklist:"]
        for s in range(self.stage + 1):
            items = ITEMS[STAGES[s]] if s < self.stage else ITEMS[STAGES[s]][: self.ticks]
            if items:
                lines.append(f"  {STAGES[s]}:")
                lines += [f"    {item}: 2026-0{1 + s % 9}-1{s % 9}   # 已确认" for item in items]
        lines += ["assessment:", "  real: {need: 4, business: 3, approval: 3, budget: 3, urgency: 4}",
                  "  worth: {short_term_revenue: 4, future_revenue: 3, profit: 3, risk: 3, strategic_value: 4}",
                  "competitors:", "  - {name: 某节能公司, strength: 价格低, weakness: 业绩少}",
                  "risks:", "  - {kind: collection, level: medium, note: 客户付款审批流程长，需提前沟通}", "visits:"]
        for v in range(max(1, self.visits)):
            lines += [f"  - date: 2026-{1 + v % 12:02d}-15", f"    by: {self.owner}", f"    met: [李明{self.customer}]",
                      "    purpose: 技术交流，介绍余热发电方案和同行业成功案例",
                      "    findings: {policy: 省里有节能技改补贴, needs: 希望降低吨钢综合能耗}",
                      "    next_step: 提交初步方案并安排现场调研"]
        return "\n".join(lines) + "\n"

    def step(self, rng: random.Random) -> str:
        """One realistic change; returns a commit subject."""
        roll = rng.random()
        items = ITEMS[STAGES[self.stage]]
        if self.ticks < len(items) and roll < 0.5:
            self.ticks += 1
            return f"{self.id}: tick"
        if self.ticks >= len(items) and self.stage + 1 < len(STAGES) and roll < 0.8:
            self.stage += 1
            self.ticks = 0
            return f"{self.id}: advance"
        if roll < 0.9:
            self.visits += 1
            return f"{self.id}: 拜访记录"
        self.close += dt.timedelta(days=30)
        return f"{self.id}: 推迟预计签约"


def generate(dest: Path, projects: int, customers: int, commits: int) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    rng = random.Random(2026)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=dest, stdin=subprocess.PIPE)
    assert importer.stdin is not None
    out = importer.stdin
    when = int(dt.datetime(2022, 1, 1, tzinfo=dt.UTC).timestamp())
    mark = 0

    def commit(files: dict[str, str], subject: str, rep: str) -> None:
        nonlocal when, mark
        when += 600 + rng.randrange(1200)
        mark += 1
        message = subject.encode()
        out.write(f"commit refs/heads/main\nmark :{mark}\n"
                  f"author 销售{rep[3:]} <{rep}@holp.example> {when} +0800\n"
                  f"committer 销售{rep[3:]} <{rep}@holp.example> {when} +0800\n"
                  f"data {len(message)}\n".encode() + message + b"\n")
        if mark > 1:
            out.write(f"from :{mark - 1}\n".encode())
        for path, text in files.items():
            data = text.encode()
            out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        out.write(b"\n")

    config = (ROOT / "templates" / "init" / "holp.yaml").read_text(encoding="utf-8")
    start = {"holp.yaml": config, "team.yaml": team(50)}
    start.update({f"customers/{REGIONS[i % 10]}/C-{i:05d}.yaml": customer(i) for i in range(customers)})
    commit(start, "销售流程、团队和客户", "rep000")
    alive: list[Project] = []
    made = 0
    for n in range(commits - 1):
        if made < projects and (n < projects // 10 or rng.random() < projects / commits):
            project = Project(made, customers, 2022 + made * 5 // projects)
            made += 1
            alive.append(project)
            commit({project.path: project.text()}, f"{project.id}: 新项目", project.owner)
            continue
        project = alive[rng.randrange(len(alive))]
        subject = project.step(rng)
        commit({project.path: project.text()}, subject, project.owner)
    while made < projects:  # top up, so the scale is exactly as asked
        project = Project(made, customers, 2026)
        made += 1
        commit({project.path: project.text()}, f"{project.id}: 新项目", project.owner)
    out.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True)


def timed(label: str, args: list[str], cwd: Path, results: list[tuple[str, float, str]]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    tail = (done.stdout.strip().splitlines() or [""])[-1][:60] if done.returncode in (0, 1) else \
        f"exit {done.returncode}: {done.stderr.strip()[-80:]}"
    results.append((label, seconds, tail))
    print(f"  {label:<42} {seconds:8.2f} s   {tail}", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "bench-repo")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="reuse an existing generated repository")
    options = parser.parse_args()
    dest = options.dir.resolve()
    if not (options.keep and (dest / ".git").is_dir()):
        print(f"generating {options.projects} projects, {options.customers} customers, {options.commits} commits "
              f"in {dest} ...", flush=True)
        start = time.perf_counter()
        generate(dest, options.projects, options.customers, options.commits)
        print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    holp = [sys.executable, "-m", "holp"]
    cache = dest / ".git" / "holp"
    results: list[tuple[str, float, str]] = []
    print(f"timings ({os.cpu_count()} cores):")
    timed("git log --raw (the floor)", ["git", "log", "--raw", "--no-renames", "--format=%H", "--", "projects"],
          dest, results)
    shutil.rmtree(cache, ignore_errors=True)
    timed("holp history, cold (no cache)", [*holp, "history", "--format", "json"], dest, results)
    timed("holp history, warm", [*holp, "history", "--format", "json"], dest, results)
    timed("holp history P-2026-09999, warm", [*holp, "history", "P-2026-09999"], dest, results)
    shutil.rmtree(cache, ignore_errors=True)
    timed("holp report funnel, cold (no cache)", [*holp, "report", "funnel", "--format", "json"], dest, results)
    timed("holp report funnel, warm", [*holp, "report", "funnel", "--format", "json"], dest, results)
    timed("holp report funnel --by region, warm", [*holp, "report", "funnel", "--by", "region"], dest, results)
    shutil.rmtree(cache, ignore_errors=True)
    timed("holp report conversion, cold (no cache)", [*holp, "report", "conversion", "--format", "json"], dest,
          results)
    timed("holp report conversion, warm", [*holp, "report", "conversion", "--format", "json"], dest, results)
    timed("holp report funnel --as-of 2024-06-30, warm", [*holp, "report", "funnel", "--as-of", "2024-06-30"], dest,
          results)
    timed("holp validate", [*holp, "validate"], dest, results)
    timed("holp list --stage open", [*holp, "list", "--stage", "open", "--format", "csv"], dest, results)
    timed("holp --help (start-up)", [*holp, "--help"], dest, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
