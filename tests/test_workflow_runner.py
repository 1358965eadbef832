"""The workflow `holp init` writes, run as written: its `run:` steps in bash as a GitHub runner runs them (tests/gha.py),
holp installed from a wheel of this checkout into a fresh virtual environment, all offline.

Run with `pytest -s` to see every step's output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gha
import pytest
from click.testing import Result

from holp import __version__
from holp.yaml import read

REPOSITORY = "acme/sales"
PROJECT = "P-2026-001"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package index of these tests: a folder holding holp's wheel, built once."""
    folder = tmp_path_factory.mktemp("index")
    gha.build_wheel(folder)
    return folder


@pytest.fixture(autouse=True)
def _dated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every commit a few days before HOLP_TODAY (2026-11-24), as a real repository's would be."""
    for key in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(key, "2026-11-20T10:00:00+08:00")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def sales_repository(tmp_path: Path, holp: Callable[..., Result], index: Path, default_branch: str = "main") -> Path:
    """A repository made by `holp init`, with a customer and a project whose first gate needs only ticks, and
    holp's wheel committed under tools/; pushed to `origin` and cloned, as actions/checkout leaves it."""
    origin = tmp_path / "origin"
    ok(holp("init", str(origin)))  # its first commit, on main
    if default_branch != "main":
        git(origin, "branch", "-m", default_branch)
    ok(holp("-C", str(origin), "new", "customer", "--name", "华东某钢铁集团", "--region", "east",
            "--owner", "zhang.wei", "--credit", "B"))
    ok(holp("-C", str(origin), "new", "project", "--customer", "C-0001", "--name", "2号高炉余热发电改造",
            "--line", "waste-heat", "--amount", "3200000", "--close", "2027-03-31"))
    scores = ("need", "business", "approval", "budget", "urgency")
    ok(holp("-C", str(origin), "assess", PROJECT, "--no-commit", *(f"--set={name}=4" for name in scores)))
    path = origin / f"projects/east/{PROJECT}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\ncompetitors:\n" in text
    path.write_text(text.replace("\ncompetitors:\n", "\ncompetitors:\n  - {name: 某节能公司, strength: 价格低}\n"),
                    encoding="utf-8")
    (origin / "tools").mkdir()
    for wheel in index.glob("*.whl"):
        shutil.copy2(wheel, origin / "tools" / wheel.name)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "the first customer and project")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    return work


def unmet(holp: Callable[..., Result], work: Path) -> tuple[str, list[str]]:
    """The next stage and the unmet items of the project's gate, each a tick (no evidence rule)."""
    result = holp("-C", str(work), "check", PROJECT, "--format", "json")
    gate = json.loads(result.output)
    missing = [item for item in gate["items"] if not item["met"]]
    assert all(item["evidence"] is None for item in missing), missing
    return gate["next"], [item["id"] for item in missing]


def pull_request_context(branch: str, install: str | None, temp: Path, default_branch: str = "main") -> dict[str, Any]:
    return {
        "github": {"event_name": "pull_request", "base_ref": default_branch, "head_ref": branch,
                   "ref": "refs/pull/7/merge", "ref_name": "7/merge", "repository": REPOSITORY, "token": "t0ken",
                   "event": {"repository": {"default_branch": default_branch},
                             "pull_request": {"number": 7, "head": {"repo": {"full_name": REPOSITORY}}}}},
        "vars": {} if install is None else {"HOLP_INSTALL": install},
        "runner": {"temp": str(temp)},
    }


def workflow_of(work: Path) -> dict[str, Any]:
    path = work / ".github/workflows/holp.yml"
    doc = read(str(path), path.read_bytes())
    assert doc.problems == []
    return dict(doc.tree)


def run_check(work: Path, tmp_path: Path, index: Path, branch: str, install: str | None) -> gha.Job:
    temp = tmp_path / f"runner-{branch.replace('/', '-')}"
    temp.mkdir()
    bin_dir = gha.fresh_venv(temp / "python")  # what actions/setup-python leaves first on PATH
    env = gha.runner_env(bin_dir, index, temp, work)
    job = gha.run_job(workflow_of(work), "check", pull_request_context(branch, install, temp), env, work, temp)
    assert job is not None
    if job.step("install holp").code == 0:
        assert shutil.which("holp", path=env["PATH"]) == str(bin_dir / "holp")  # not this checkout's holp
    return job


def test_runner__a_legal_move_passes_every_step_of_the_check(
        tmp_path: Path, holp: Callable[..., Result], index: Path) -> None:
    work = sales_repository(tmp_path, holp, index)
    git(work, "checkout", "-q", "-b", "holp/legal")
    next_stage, items = unmet(holp, work)
    for item in items:
        ok(holp("-C", str(work), "tick", PROJECT, item, "--date", "2026-11-20"))
    ok(holp("-C", str(work), "advance", PROJECT, "-m", "首次拜访后确认"))
    assert f"\nstage: {next_stage}\n" in (work / f"projects/east/{PROJECT}.yaml").read_text(encoding="utf-8")

    job = run_check(work, tmp_path, index, "holp/legal", install=None)  # the default: holp==<version>

    assert [(s.name, s.ran, s.code) for s in job.steps] == [
        ("actions/checkout@v5", False, 0), ("actions/setup-python@v6", False, 0), ("install holp", True, 0),
        ("holp validate", True, 0), ("holp review", True, 0), ("actions/upload-artifact@v6", False, 0)]
    assert f"Successfully installed holp-{__version__}" in job.step("install holp").output
    assert job.summary.startswith("## holp review: 1 stage move since ")
    assert job.summary.splitlines()[0].endswith("— all legal")
    assert f"| ✅ | {PROJECT} 2号高炉余热发电改造 |" in job.summary
    assert job.step("holp review").output == job.summary
    assert job.outputs == {"review": "0"}
    assert not job.failed


def test_runner__an_illegal_move_fails_the_job_with_the_review_in_its_summary(
        tmp_path: Path, holp: Callable[..., Result], index: Path) -> None:
    work = sales_repository(tmp_path, holp, index)
    git(work, "checkout", "-q", "-b", "holp/illegal")
    next_stage, items = unmet(holp, work)
    assert items  # the gate is not met
    path = work / f"projects/east/{PROJECT}.yaml"
    text = path.read_text(encoding="utf-8")
    (first,) = [line for line in text.splitlines() if line.startswith("stage: ")]
    path.write_text(text.replace(f"\n{first}\n", f"\nstage: {next_stage}\n"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "stage moved by hand")
    wheel = f"./tools/holp-{__version__}-py3-none-any.whl"

    job = run_check(work, tmp_path, index, "holp/illegal", install=wheel)  # a wheel committed in the repository

    assert [(s.name, s.ran, s.code) for s in job.steps] == [
        ("actions/checkout@v5", False, 0), ("actions/setup-python@v6", False, 0), ("install holp", True, 0),
        ("holp validate", True, 0), ("holp review", True, 1), ("actions/upload-artifact@v6", False, 0)]
    assert f"Successfully installed holp-{__version__}" in job.step("install holp").output
    assert job.failed
    assert job.outputs == {"review": "1"}
    assert job.summary.startswith("## holp review: 1 stage move since ")
    assert job.summary.splitlines()[0].endswith("— 1 illegal")
    assert f"| ❌ | {PROJECT} 2号高炉余热发电改造 |" in job.summary
    for item in items:
        assert item in job.summary, item
    assert job.step("holp review").output == job.summary


def test_runner__the_review_runs_when_validate_fails_and_the_job_fails(
        tmp_path: Path, holp: Callable[..., Result], index: Path) -> None:
    work = sales_repository(tmp_path, holp, index)
    git(work, "checkout", "-q", "-b", "holp/broken")
    path = work / f"projects/east/{PROJECT}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 三百二十万"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "amount in words")

    job = run_check(work, tmp_path, index, "holp/broken", install=None)

    assert [(s.name, s.code) for s in job.steps if s.ran] == [("install holp", 0), ("holp validate", 1), ("holp review", 1)]
    assert f"::error file=projects/east/{PROJECT}.yaml,line=" in job.step("holp validate").output
    assert "bad-amount" in job.summary
    assert job.outputs == {"review": "1"}


def test_runner__an_install_that_fails_fails_the_job_and_skips_validate_and_review(
        tmp_path: Path, holp: Callable[..., Result], index: Path) -> None:
    work = sales_repository(tmp_path, holp, index)

    job = run_check(work, tmp_path, index, "main", install="./tools/no-such-holp.whl")

    assert [(s.name, s.ran, s.code != 0) for s in job.steps][2:] == [
        ("install holp", True, True), ("holp validate", False, False), ("holp review", False, False),
        ("actions/upload-artifact@v6", False, False)]
    assert job.summary == ""
    assert job.outputs == {"review": ""}


def test_runner__the_report_runs_on_a_push_to_the_default_branch_whatever_its_name(
        tmp_path: Path, holp: Callable[..., Result], index: Path) -> None:
    default_branch = "trunk"
    work = sales_repository(tmp_path, holp, index, default_branch)
    workflow = workflow_of(work)
    temp = tmp_path / "runner"
    temp.mkdir()
    bin_dir = gha.fresh_venv(temp / "python")
    env = gha.runner_env(bin_dir, index, temp, work)

    def push(ref_name: str) -> dict[str, Any]:
        return {"github": {"event_name": "push", "ref": f"refs/heads/{ref_name}", "ref_name": ref_name,
                           "repository": REPOSITORY, "event": {"repository": {"default_branch": default_branch}}},
                "vars": {}, "runner": {"temp": str(temp)}}

    assert gha.run_job(workflow, "check", push(default_branch), env, work, temp) is None
    assert gha.run_job(workflow, "report", push("holp/P-2026-001-entry"), env, work, temp) is None
    job = gha.run_job(workflow, "report", push(default_branch), env, work, temp)
    assert job is not None
    assert [(s.name, s.code) for s in job.steps if s.ran] == [
        ("install holp", 0), ("reports into the job summary", 0), ("the HTML report", 0)]
    assert job.summary.startswith("## 销售漏斗\n\n_截至 2026-11-24 · CNY_\n")
    assert "| P-2026-001 | 2号高炉余热发电改造 | 开发阶段 | 张伟     |" in job.summary
    assert (work / "holp-report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    pr = pull_request_context("x", None, temp, default_branch)
    assert gha.run_job(workflow, "report", pr, env, work, temp) is None


# -- the opt-in comment ------------------------------------------------------------------------------

FAKE_GH = """\
#!{python}
# gh, as far as the comment step uses it: `gh api` on a pull request's comments, against a JSON file.
import json, os, re, subprocess, sys
from pathlib import Path

state = Path(os.environ["FAKE_GITHUB"])
data = json.loads(state.read_text(encoding="utf-8"))
args = sys.argv[1:]
data["calls"].append(args)
assert args[0] == "api" and os.environ.get("GH_TOKEN") == "t0ken", args
method, jq, body, rest, i = "GET", None, None, [], 1
while i < len(args):
    if args[i] in ("--method", "--jq", "-F"):
        option, value = args[i], args[i + 1]
        i += 2
        if option == "--method":
            method = value
        elif option == "--jq":
            jq = value
        else:
            name, _, source = value.partition("=@")
            assert name == "body", value
            body = Path(source).read_text(encoding="utf-8")
    elif args[i] == "--paginate":
        i += 1
    else:
        rest.append(args[i])
        i += 1
(endpoint,) = rest
on_pr = re.fullmatch(r"repos/acme/sales/issues/(\\d+)/comments", endpoint)
one = re.fullmatch(r"repos/acme/sales/issues/comments/(\\d+)", endpoint)
if method == "GET" and on_pr:
    answer = [c for c in data["comments"] if c["pr"] == int(on_pr.group(1))]
elif method == "POST" and on_pr and body is not None:
    answer = {{"id": 100 + len(data["comments"]), "pr": int(on_pr.group(1)),
              "user": {{"login": "github-actions[bot]"}}, "body": body}}
    data["comments"].append(answer)
elif method == "PATCH" and one and body is not None:
    (answer,) = [c for c in data["comments"] if c["id"] == int(one.group(1))]
    answer["body"] = body
else:
    sys.exit(f"fake gh: no {{method}} {{endpoint}}")
state.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
text = json.dumps(answer)
if jq is not None:
    text = subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True, check=True).stdout
sys.stdout.write(text)
"""


def comment_setup(tmp_path: Path) -> tuple[dict[str, Any], Path, dict[str, str], Path]:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed: the fake gh evaluates `gh api --jq` with it (gh has it built in)")
    workflow = read("holp.yml", (Path(__file__).parents[1] / "templates/init/github/holp.yml").read_bytes()).tree
    temp = tmp_path / "runner"
    (temp / "review").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
    gh.chmod(0o755)
    state = tmp_path / "github.json"
    human = {"id": 1, "pr": 7, "user": {"login": "li-na"}, "body": "<!-- holp-review -->\nnot the bot's own"}
    state.write_text(json.dumps({"comments": [human], "calls": []}), encoding="utf-8")
    env = gha.runner_env(bin_dir, tmp_path, temp, tmp_path)
    env["FAKE_GITHUB"] = str(state)
    return dict(workflow), temp, env, state


def comment_context(temp: Path, review: str, fork: bool = False, opt_in: str = "true") -> dict[str, Any]:
    context = pull_request_context("holp/x", None, temp)
    context["vars"] = {"HOLP_PR_COMMENT": opt_in}
    context["needs"] = {"check": {"outputs": {"review": review}, "result": "failure"}}
    if fork:
        context["github"]["event"]["pull_request"]["head"]["repo"]["full_name"] = "someone/sales"
    return context


def test_comment__one_comment_posted_then_updated_and_never_a_human_one(tmp_path: Path) -> None:
    workflow, temp, env, state = comment_setup(tmp_path)
    review = temp / "review/holp-review.md"
    review.write_text("## holp review: 1 stage move\n\n❌ `$(touch pwned)` \"; rm -rf / #\n", encoding="utf-8")

    first = gha.run_job(workflow, "comment", comment_context(temp, "1"), env, tmp_path, temp)
    review.write_text("## holp review: 2 stage moves\n", encoding="utf-8")
    second = gha.run_job(workflow, "comment", comment_context(temp, "0"), env, tmp_path, temp)

    assert first is not None and second is not None
    assert [(s.name, s.code) for s in first.steps if s.ran] == [("one comment, updated on every push", 0)]
    assert first.steps[-1].output == "posted the holp review comment\n"
    assert second.steps[-1].output == "updated the holp review comment 101\n"
    data = json.loads(state.read_text(encoding="utf-8"))
    assert [(c["id"], c["user"]["login"], c["body"]) for c in data["comments"]] == [
        (1, "li-na", "<!-- holp-review -->\nnot the bot's own"),
        (101, "github-actions[bot]", "<!-- holp-review -->\n## holp review: 2 stage moves\n")]
    assert [call[:3] for call in data["calls"]] == [
        ["api", "--paginate", "repos/acme/sales/issues/7/comments"],
        ["api", "--method", "POST"],
        ["api", "--paginate", "repos/acme/sales/issues/7/comments"],
        ["api", "--method", "PATCH"]]
    assert not (tmp_path / "pwned").exists()


def test_comment__a_long_review_is_cut_under_githubs_limit(tmp_path: Path) -> None:
    workflow, temp, env, state = comment_setup(tmp_path)
    (temp / "review/holp-review.md").write_text("## holp review\n" + "华东某钢铁集团\n" * 5000, encoding="utf-8")

    job = gha.run_job(workflow, "comment", comment_context(temp, "1"), env, tmp_path, temp)

    assert job is not None and not job.failed
    (comment,) = [c for c in json.loads(state.read_text(encoding="utf-8"))["comments"] if c["id"] != 1]
    body = comment["body"]
    assert len(body.encode("utf-8")) < 65536
    kept, note = body.rsplit("\n\n", 1)
    assert note == "… (cut: the whole review is in the summary of the check job)\n"
    assert kept.split("\n")[:2] == ["<!-- holp-review -->", "## holp review"]
    assert set(kept.split("\n")[2:]) == {"华东某钢铁集团"}


@pytest.mark.parametrize(("fork", "opt_in", "review"), [(True, "true", "1"), (False, "false", "1"), (False, "", "1"),
                                                        (False, "true", ""), (False, "true", "2")])
def test_comment__skipped_for_forks_without_the_opt_in_and_without_a_review(
        tmp_path: Path, fork: bool, opt_in: str, review: str) -> None:
    workflow, temp, env, state = comment_setup(tmp_path)
    assert gha.run_job(workflow, "comment", comment_context(temp, review, fork, opt_in), env, tmp_path, temp) is None
    assert json.loads(state.read_text(encoding="utf-8"))["calls"] == []


def test_wheel__ships_holp_and_its_templates_but_not_the_action(index: Path) -> None:
    (wheel,) = index.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "holp/templates/init/github/holp.yml" in names
    assert not [name for name in names if not name.startswith(("holp/", f"holp-{__version__}.dist-info/"))]


def test_gha__expressions_as_github_evaluates_them() -> None:
    context = {"vars": {"A": "", "B": "x"}, "status": {"success": True, "failure": False, "cancelled": False,
                                                       "always": True}}
    assert gha.interpolate("${{ vars.A || 'holp==1' }} ${{ vars.B || 'y' }}", context) == "holp==1 x"
    assert gha.interpolate("${{ vars.NONE == '' }} ${{ vars.B == 'X' }} ${{ !cancelled() }}", context) == "true true true"
    assert gha.condition("vars.B == 'x'", {**context, "status": {**context["status"], "success": False}}) is False
    assert gha.condition("always() && vars.B == 'x'", {**context, "status": {**context["status"], "success": False}})
    with pytest.raises(ValueError, match="no context 'secrets'"):
        gha.interpolate("${{ secrets.TOKEN }}", context)


def test_gha__a_pipe_keeps_the_exit_code_only_under_shell_bash(tmp_path: Path) -> None:
    """Why the review step is written as it is: without `shell:` GitHub runs `bash -e {0}`, no pipefail."""
    piped = 'holp_review() { echo "## review"; return 1; }; holp_review | tee -a "$GITHUB_STEP_SUMMARY"'
    steps = [{"name": "no shell", "run": piped}, {"name": "shell: bash", "shell": "bash", "run": piped}]

    job = gha.run_steps(steps, {}, gha.runner_env(tmp_path, tmp_path, tmp_path, tmp_path), tmp_path, tmp_path)

    assert [(s.name, s.code, s.output) for s in job.steps] == [("no shell", 0, "## review\n"), ("shell: bash", 1, "## review\n")]
    assert job.summary == "## review\n## review\n"
