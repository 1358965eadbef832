from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from holp import fileset, yaml
from holp.cli import main
from holp.model.process import load_process, load_team
from holp.problems import ERROR, Problem
from holp.repo import CONFIG as CONFIG_NAME
from holp.repo import TEAM as TEAM_NAME
from holp.repo import Repository
from holp.resources import template

# CI runs the same examples every time (a red run must be reproducible); locally hypothesis explores.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North China}, manager: li.na}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager, handle: li-na}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
targets:
  - {year: 2026, region: east, amount: 30000000}
"""

CUSTOMER = """\
# 客户档案
id: C-0001
name: 华东某钢铁集团
industry: steel
region: east
owner: zhang.wei
credit: B
contacts:
  - {name: 李明, title: 副总经理, role: decision_maker, stance: supporter, influence: high, personality: tiger, closeness: 3, trust: 2}
  - {name: 王强, title: 能源科长, role: coach, stance: supporter, influence: medium, personality: koala, closeness: 4, trust: 4}
"""

PROJECT = """\
# 2号高炉余热发电改造
id: P-2026-001
name: 2号高炉余热发电改造
customer: C-0001
owner: zhang.wei
business_line: waste-heat
amount: 3200000
expected_close: 2027-03-31
stage: entry
checklist:
  prospecting:
    process_assessed: 2026-08-01
    equipment_assessed: 2026-08-01
    funding_assessed: "资金已落实"
    technical_needs_assessed: 2026-08-02
    relationship_assessed: 2026-08-02
    project_info_confirmed: "可研报告已获取"
    target_customer_assessed: 2026-08-05
  entry:
    procurement_org_mapped: 2026-09-10
assessment:
  real: {need: 4, business: 3, approval: 3, budget: 2, urgency: 4}
  worth: {short_term_revenue: 4, future_revenue: 3, profit: 3, risk: 2, strategic_value: 5}
competitors:
  - {name: 某节能公司, strength: 价格低}
visits:
  - date: 2026-10-12
    by: zhang.wei
    met: [李明]
    purpose: 技术交流
    next_step: 提交初步方案
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "张伟")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "zhang.wei@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "张伟")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "zhang.wei@example.com")
    monkeypatch.setenv("HOLP_TODAY", "2026-11-24")
    monkeypatch.delenv("GIT_DIR", raising=False)


def require_chromium() -> str:
    """Headless Chromium for a browser test, called in its body (so CI reports the test failed, not an error).

    Without Chromium a local run skips the test, but CI must run it: there the test fails.
    """
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("headless Chromium is not on PATH, and CI must run the browser tests: install chromium "
                        "(apt-get install chromium) in the CI image", pytrace=False)
        pytest.skip("headless Chromium is not installed (CI would fail here)")
    return found


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small valid sales repository with the default process; the current folder."""
    root = tmp_path / "sales"
    root.mkdir()
    (root / "holp.yaml").write_bytes(template("init", "holp.yaml").read_bytes())
    (root / "team.yaml").write_text(TEAM, encoding="utf-8")
    write(root / "customers/east/C-0001.yaml", CUSTOMER)
    write(root / "projects/east/P-2026-001.yaml", PROJECT)
    monkeypatch.chdir(root)
    return root


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root (outside .git) with the hash of its bytes and its mode."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = Path(dirpath) / name
            data = path.read_bytes()
            found[path.relative_to(root).as_posix()] = f"{hashlib.sha256(data).hexdigest()} {path.stat().st_mode:o}"
    return found


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """example-repo/ in git (one commit), the current folder."""
    root = tmp_path / "example"
    shutil.copytree(Path(__file__).parent.parent / "example-repo", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def git_repo(repo: Path) -> Path:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    return repo


@pytest.fixture
def holp() -> Callable[..., Result]:
    """Run the CLI in-process: holp("validate", "--format", "json")."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


REPS = {
    "li.na": ("李娜", "li.na@example.com"),
    "zhang.wei": ("张伟", "zhang.wei@example.com"),
    "outsider": ("外部顾问", "consultant@other.example"),
}


class Script:
    """Commits with chosen authors and dates, made by hand or through holp."""

    def __init__(self, root: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.holp, self.monkeypatch = root, holp, monkeypatch
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True, text=True).stdout

    def as_(self, who: str, date: str) -> None:
        name, email = REPS[who]
        for key, value in (("NAME", name), ("EMAIL", email), ("DATE", date)):
            self.monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
            self.monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)

    def commit(self, who: str, date: str, message: str, files: dict[str, str | None]) -> str:
        self.as_(who, date)
        for path, text in files.items():
            if text is None:
                self.git("rm", "-q", "--", path)
            else:
                write(self.root / path, text)
                self.git("add", "--", path)
        self.git("commit", "-q", "-m", message)
        return self.head()

    def run(self, who: str, date: str, *args: str) -> str:
        self.as_(who, date)
        result = self.holp(*args)
        assert result.exit_code == 0, result.output
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


def project(project_id: str, stage: str, **extra: str) -> str:
    lines = [f"id: {project_id}", f"name: 项目{project_id}", "customer: C-0001", "owner: zhang.wei",
             f"amount: {extra.pop('amount', '1000000')}", f"expected_close: {extra.pop('close', '2027-06-30')}",
             f"stage: {stage}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def script(tmp_path: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Script:
    root = tmp_path / "sales"
    root.mkdir()
    monkeypatch.chdir(root)
    return Script(root, holp, monkeypatch)


# -- a repository in memory ------------------------------------------------------------------

PROCESS_TEXT = template("init", "holp.yaml").read_text(encoding="utf-8")


def sales_files(**changes: str | None) -> dict[str, str]:
    """The files of the `repo` fixture as texts; ``changes`` by path (dots and slashes as written, None deletes).

    Keyword names cannot hold '/' or '.', so pass changes as ``**{"projects/east/P-1.yaml": text}``.
    """
    files = {"holp.yaml": PROCESS_TEXT, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
             "projects/east/P-2026-001.yaml": PROJECT}
    for path, text in changes.items():
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return files


def repo_of(files: dict[str, str], root: Path = Path("/sales")) -> Repository:
    """A `Repository` from texts by path, loaded as `holp.repo.load` loads one from disk, without touching disk.

    Records are taken in the order `fileset.walk` gives (customers, then projects, by path).
    """
    config = yaml.read(CONFIG_NAME, files[CONFIG_NAME].encode("utf-8"))
    process = load_process(config)
    assert process is not None, "holp.yaml must be a mapping"
    if TEAM_NAME in files:
        team_doc = yaml.read(TEAM_NAME, files[TEAM_NAME].encode("utf-8"))
    else:
        team_doc = yaml.Document(TEAM_NAME, "", None, [Problem(TEAM_NAME, 1, 1, ERROR, "missing-file",
                                                               "team.yaml is missing: it names the regions and reps")])
    repo = Repository(root, config, team_doc, process, load_team(team_doc))
    for folder in fileset.FOLDERS:
        for path in sorted(p for p in files if fileset.folder_of(p) == folder):
            entry = fileset.classify(path)
            if entry is not None:
                repo.add(entry, yaml.read(path, files[path].encode("utf-8")) if entry.ok else None)
    return repo
