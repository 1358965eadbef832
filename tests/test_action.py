"""action.yml, the composite GitHub Action (`uses: OWNER/holp@TAG`): valid by GitHub's schema and actionlint, and
its steps run as a runner runs them (tests/gha.py), offline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import gha
import pytest

from holp import __version__
from holp.yaml import read

ACTION = gha.ROOT / "action.yml"


def action() -> dict[str, Any]:
    doc = read("action.yml", ACTION.read_bytes())
    assert doc.problems == []
    return dict(doc.tree)


def tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).parent / name)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package index of these tests: a folder holding holp's wheel, built once."""
    folder = tmp_path_factory.mktemp("index")
    gha.build_wheel(folder)
    return folder


def test_action__matches_the_github_action_schema() -> None:
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "ok -- validation done\n"), result.stdout + result.stderr


USING = """\
on: pull_request
permissions:
  contents: read
jobs:
  holp:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: ./
        id: holp
        with:
          command: review origin/main
          version: ""
          install: ./tools/holp-0.1.0-py3-none-any.whl
          python-version: "3.12"
          working-directory: sales
{extra}      - if: failure()
        env:
          CODE: ${{{{ steps.holp.outputs.exit-code }}}}
        run: echo "holp exited $CODE"
"""


def test_action__passes_actionlint_as_a_workflow_uses_it(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy2(ACTION, tmp_path / "action.yml")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    actionlint = tool("actionlint")

    (workflows / "uses.yml").write_text(USING.format(extra=""), encoding="utf-8")
    result = subprocess.run([actionlint, "-no-color"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "")

    # actionlint does read action.yml: an input it does not declare is an error
    (workflows / "uses.yml").write_text(USING.format(extra="          args: validate\n"), encoding="utf-8")
    result = subprocess.run([actionlint, "-no-color"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert 'input "args" is not defined in action "holp" defined at "./". available inputs are "command", ' \
           '"install", "python-version", "version", "working-directory"' in result.stdout


def test_action__inputs_reach_the_shell_only_through_the_environment() -> None:
    metadata = action()
    steps = metadata["runs"]["steps"]
    text = ACTION.read_text(encoding="utf-8")
    expressions = re.findall(r"\$\{\{(.*?)\}\}", text)
    assert {m for e in expressions for m in re.findall(r"inputs\.([\w-]+)", e)} == set(metadata["inputs"])
    assert {m for e in expressions for m in re.findall(r"steps\.([\w-]+)\.", e)} <= {s.get("id") for s in steps}
    assert [s["shell"] for s in steps if "run" in s] == ["bash", "bash"]
    assert not [s["run"] for s in steps if "${{" in s.get("run", "")]
    assert metadata["outputs"]["exit-code"]["value"] == "${{ steps.holp.outputs.exit-code }}"


def run_action(workspace: Path, temp: Path, index: Path, **given: str) -> gha.Job:
    """The action's steps with these inputs; its venv already holds holp's dependencies, as an index would give them."""
    metadata = action()
    inputs = {name: str(spec.get("default", "")) for name, spec in metadata["inputs"].items()} | given
    assert set(inputs) == set(metadata["inputs"])
    temp.mkdir(exist_ok=True)
    gha.fresh_venv(temp / f"holp-python-{inputs['python-version']}", extra=("pip", "hatchling"))
    context = {"inputs": inputs, "github": {"action_path": str(gha.ROOT)}, "runner": {"temp": str(temp)}}
    env = gha.runner_env(temp / "no-python-on-path", index, temp, workspace)
    env["PIP_NO_BUILD_ISOLATION"] = "0"  # pip's spelling of --no-build-isolation: hatchling is in the venv
    return gha.run_steps(metadata["runs"]["steps"], context, env, workspace, temp,
                         simulated={"python": {"python-path": sys.executable}},
                         outputs={name: spec["value"] for name, spec in metadata["outputs"].items()})


def test_action__installs_the_given_wheel_and_validates_by_default(tmp_path: Path, git_repo: Path, index: Path) -> None:
    path = git_repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 三百二十万"), encoding="utf-8")
    (wheel,) = index.glob("*.whl")

    job = run_action(git_repo, tmp_path / "runner", index, install=str(wheel))

    assert [(s.name, s.ran, s.code) for s in job.steps] == [
        ("actions/setup-python@v6", False, 0), ("install holp", True, 0), ("holp", True, 1)]
    assert job.step("install holp").output == f"holp, version {__version__}\n"
    assert job.step("holp").output.startswith(
        "::error file=projects/east/P-2026-001.yaml,line=7,col=9,title=holp bad-amount::amount is '三百二十万'")
    assert job.outputs == {"exit-code": "1"}


def test_action__arguments_are_split_on_white_space_and_never_expanded(
        tmp_path: Path, git_repo: Path, index: Path) -> None:
    job = run_action(git_repo.parent, tmp_path / "runner", index, version=__version__,
                     **{"working-directory": "sales", "command": "validate projects/* $(touch pwned)"})

    assert [(s.name, s.code) for s in job.steps if s.ran] == [("install holp", 0), ("holp", 2)]
    assert job.step("holp").output == "holp: projects/*: no such file or folder (paths are relative to the current folder)\n"
    assert job.outputs == {"exit-code": "2"}
    assert not list(git_repo.parent.rglob("pwned"))


def test_action__without_a_version_installs_its_own_source(tmp_path: Path, git_repo: Path, index: Path) -> None:
    job = run_action(git_repo, tmp_path / "runner", index, command="list --format json")

    assert [(s.name, s.code) for s in job.steps if s.ran] == [("install holp", 0), ("holp", 0)]
    site = next((tmp_path / "runner/holp-python-3.11/lib").glob("python3.*/site-packages"))
    origin = json.loads((site / f"holp-{__version__}.dist-info/direct_url.json").read_text(encoding="utf-8"))
    assert origin["url"] == gha.ROOT.as_uri()
    assert [p["id"] for p in json.loads(job.step("holp").output)] == ["P-2026-001"]
    assert job.outputs == {"exit-code": "0"}
