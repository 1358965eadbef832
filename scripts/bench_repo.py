"""The bench repository: a sales repository generated with `git fast-import`, and the changes a figure makes to it.

`generate` writes projects of about 2 KB (Chinese text, comments) in one
folder per region, as `holp new` lays them out, with a deterministic history
(seed 2026); `append_commits` adds realistic commits on top of any head (the
same `Project.step` the history was made with); `edit_files` changes files
in the work tree as a rep would. scripts/bench.py times holp on it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
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
FIRST = "销售流程、团队和客户"  # the subject of a generated repository's first commit
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

    @classmethod
    def parse(cls, text: str) -> Project:
        """The project a file of `text()` holds (to step it on, or edit it, as a rep would)."""

        def field(name: str, pattern: str = r"(\S+)") -> str:
            found = re.search(rf"^{name}: {pattern}", text, re.MULTILINE)
            if found is None:
                raise ValueError(f"not a generated project: no {name}")
            return found.group(1)

        project = cls.__new__(cls)
        project.id = field("id")
        project.customer = int(field("customer", r"C-(\d+)"))
        project.region = REGIONS[project.customer % 10]
        project.owner = field("owner")
        project.name = field("name", "(.*)")
        project.amount = int(field("amount", r"(\d+)"))
        project.stage = STAGES.index(field("stage", r"(\w+)"))
        ticked = re.search(rf"^  {STAGES[project.stage]}:\n((?:    .*\n)*)", text, re.MULTILINE)
        project.ticks = ticked.group(1).count("\n") if ticked else 0
        project.visits = len(re.findall(r"^  - date: ", text, re.MULTILINE))
        project.close = dt.date.fromisoformat(field("expected_close"))
        if project.text() != text:
            raise ValueError(f"{project.id}: not a generated project (it does not read back the same)")
        return project

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


class Importer:
    """One `git fast-import` writing a line of commits on a branch, each with the files it changes (inline)."""

    def __init__(self, dest: Path, branch: str, parent: str | None, when: int, rng: random.Random) -> None:
        self.process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=dest, stdin=subprocess.PIPE)
        assert self.process.stdin is not None
        self.out = self.process.stdin
        self.branch, self.parent, self.when, self.rng = branch, parent, when, rng
        self.mark = 0

    def commit(self, files: dict[str, str], subject: str, rep: str) -> None:
        self.when += 600 + self.rng.randrange(1200)
        self.mark += 1
        message = subject.encode()
        self.out.write(f"commit refs/heads/{self.branch}\nmark :{self.mark}\n"
                       f"author 销售{rep[3:]} <{rep}@holp.example> {self.when} +0800\n"
                       f"committer 销售{rep[3:]} <{rep}@holp.example> {self.when} +0800\n"
                       f"data {len(message)}\n".encode() + message + b"\n")
        if self.mark > 1:
            self.out.write(f"from :{self.mark - 1}\n".encode())
        elif self.parent is not None:
            self.out.write(f"from {self.parent}\n".encode())
        for path, text in files.items():
            data = text.encode()
            self.out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        self.out.write(b"\n")

    def close(self) -> None:
        self.out.close()
        if self.process.wait() != 0:
            raise SystemExit("git fast-import failed")


def git(dest: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=dest, capture_output=True, text=True, check=True).stdout.strip()


def generated(dest: Path) -> bool:
    """Whether `dest` is a repository `generate` made (its first commit says so), which it may delete and remake."""
    if not (dest / ".git").is_dir():
        return False
    done = subprocess.run(["git", "rev-list", "--max-parents=0", "--format=%s", "refs/heads/main"], cwd=dest,
                          capture_output=True, text=True, check=False)
    return done.returncode == 0 and FIRST in done.stdout.splitlines()


def generate(dest: Path, projects: int, customers: int, commits: int) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    rng = random.Random(2026)
    importer = Importer(dest, "main", None, int(dt.datetime(2022, 1, 1, tzinfo=dt.UTC).timestamp()), rng)
    config = (ROOT / "templates" / "init" / "holp.yaml").read_text(encoding="utf-8")
    start = {"holp.yaml": config, "team.yaml": team(50)}
    start.update({f"customers/{REGIONS[i % 10]}/C-{i:05d}.yaml": customer(i) for i in range(customers)})
    importer.commit(start, FIRST, "rep000")
    alive: list[Project] = []
    made = 0
    for n in range(commits - 1):
        if made < projects and (n < projects // 10 or rng.random() < projects / commits):
            project = Project(made, customers, 2022 + made * 5 // projects)
            made += 1
            alive.append(project)
            importer.commit({project.path: project.text()}, f"{project.id}: 新项目", project.owner)
            continue
        project = alive[rng.randrange(len(alive))]
        subject = project.step(rng)
        importer.commit({project.path: project.text()}, subject, project.owner)
    while made < projects:  # top up, so the scale is exactly as asked
        project = Project(made, customers, 2026)
        made += 1
        importer.commit({project.path: project.text()}, f"{project.id}: 新项目", project.owner)
    importer.close()
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True)


def project_files(dest: Path) -> list[str]:
    return sorted(path for path in git(dest, "ls-files", "-z", "projects").split("\0") if path)


def spread(paths: list[str], n: int) -> list[str]:
    """n of the paths, spread evenly over them (the same ones every run)."""
    return [paths[k * len(paths) // n] for k in range(min(n, len(paths)))]


def append_commits(dest: Path, base: str, branch: str, n: int) -> str:
    """n realistic commits on top of `base`, on a new `branch` (a rep's tick, advance, visit...); their head."""
    rng = random.Random(15)
    paths = project_files(dest)
    projects: dict[str, Project] = {}
    importer = Importer(dest, branch, base, int(git(dest, "log", "-1", "--format=%ct", base)), rng)
    for _ in range(n):
        path = paths[rng.randrange(len(paths))]
        if path not in projects:
            projects[path] = Project.parse(git(dest, "cat-file", "blob", f"{base}:{path}") + "\n")
        project = projects[path]
        subject = project.step(rng)
        importer.commit({path: project.text()}, subject, project.owner)
    importer.close()
    return git(dest, "rev-parse", f"refs/heads/{branch}")


def edit_files(dest: Path, n: int) -> list[str]:
    """Edit n project files in the work tree as reps would (a visit added, or the amount changed); their paths."""
    paths = spread(project_files(dest), n)
    for k, path in enumerate(paths):
        file = dest / path
        project = Project.parse(file.read_text(encoding="utf-8"))
        if k % 2:
            project.amount += 10000
        else:
            project.visits = max(1, project.visits) + 1
        file.write_text(project.text(), encoding="utf-8")
    return paths
