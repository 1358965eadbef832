"""GitHub Actions, run offline: the `run:` steps of a job or a composite action, as a GitHub runner runs them.

Each step is a script run by bash with GitHub's shell semantics (`bash -e {0}` when the step names no shell,
`bash --noprofile --norc -eo pipefail {0}` for `shell: bash`), with the workflow's, job's and step's `env:`,
`${{ }}` expressions evaluated (the operators `! == != && || ( )`, strings, context lookups and the status
functions), and `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` as files, one per step, like a runner's.
A step's `if:` decides whether it runs; a `uses:` step is not run (the test simulates it: a checkout is the
folder the job runs in, setup-python a fresh virtual environment first on PATH, whose outputs a test may give).
Anything else a runner would do (another shell, `continue-on-error`, `GITHUB_ENV`) fails the test: this
runner never guesses.

Packages come from the project's own environment: `build_wheel` builds holp's wheel offline, and
`fresh_venv` makes a virtual environment holding pip and holp's dependencies (copied from this one), so that
`pip install` of holp's wheel downloads nothing. The environment a step sees sets PIP_NO_INDEX and points
PIP_FIND_LINKS at the wheel's folder: that folder plays the package index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHELL = ["bash", "-e"]
SHELLS = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"]}
STATUS_FUNCTIONS = ("success", "failure", "cancelled", "always")


# -- packages ------------------------------------------------------------------------------------

def build_wheel(folder: Path) -> Path:
    """holp's wheel, built from this checkout without the network (hatchling is a dev dependency)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "--wheel-dir", str(folder), str(ROOT)], check=True)
    (wheel,) = folder.glob("holp-*.whl")
    return wheel


def _needed(top: str, extra: tuple[str, ...]) -> list[metadata.Distribution]:
    """The distributions `top` needs to run (no extras), plus `extra`, as installed here."""
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(name) for name in extra]
    todo += [r for r in map(Requirement, metadata.requires(top) or []) if r.marker is None or r.marker.evaluate({"extra": ""})]
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in found:
            continue
        found[name] = dist = metadata.distribution(requirement.name)
        todo += [r for r in map(Requirement, dist.requires or [])
                 if r.marker is None or r.marker.evaluate({"extra": ""})]
    return list(found.values())


def fresh_venv(path: Path, extra: tuple[str, ...] = ("pip",)) -> Path:
    """A new virtual environment with pip and holp's dependencies but not holp; its bin folder.

    Their files are hard links to this environment's when they can be (same file system), else copies."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(path), "platbase": str(path)}))
    for dist in _needed("holp", extra):
        here = Path(str(dist.locate_file(""))).resolve()
        for file in dist.files or []:
            source = Path(str(dist.locate_file(file))).resolve()
            if here not in source.parents or not source.is_file():
                continue  # a script in bin/, made by pip for that environment
            target = site / source.relative_to(here)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)  # fast; pip and Python replace files, never write into them
            except OSError:
                shutil.copy2(source, target)
    return path / "bin"


def runner_env(bin_dir: Path, index: Path, temp: Path, workspace: Path) -> dict[str, str]:
    """What a step sees of the machine: the test's own environment (HOME, git's author, HOLP_TODAY), `bin_dir`
    first on PATH, no other Python environment nor pip configuration, the local package index, the runner's folders."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "GITHUB_", "RUNNER_", "PYTEST_"))}
    tools = {str(Path(found).parent) for found in map(shutil.which, ("git", "bash")) if found}
    env["PATH"] = os.pathsep.join([str(bin_dir), *sorted(tools), "/usr/bin", "/bin"])
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(index), PIP_DISABLE_PIP_VERSION_CHECK="1",
               CI="true", GITHUB_ACTIONS="true", RUNNER_TEMP=str(temp), GITHUB_WORKSPACE=str(workspace))
    return env


# -- expressions ---------------------------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(?P<op>\|\||&&|==|!=|!|\(|\))|'(?P<str>(?:[^']|'')*)'|(?P<num>\d+)"
                   r"|(?P<name>[A-Za-z_][\w\-]*(?:\.[A-Za-z_][\w\-]*)*)(?P<call>\(\))?)")


class Expression:
    """One `${{ }}` expression of GitHub Actions, over a context of nested dicts."""

    def __init__(self, text: str, context: dict[str, Any]) -> None:
        self.tokens: list[tuple[str, Any]] = []
        position, text = 0, text.strip()
        while position < len(text):
            match = TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise ValueError(f"this runner cannot read the expression {text!r} at {position}")
            position = match.end()
            kind = next(k for k in ("op", "str", "num", "name") if match.group(k) is not None)
            value: Any = match.group(kind)
            if kind == "str":
                value = value.replace("''", "'")
            elif kind == "num":
                value = float(value)
            elif kind == "name" and match.group("call"):
                kind = "call"
            self.tokens.append((kind, value))
        self.context = context

    def value(self) -> Any:
        result = self._or()
        if self.tokens:
            raise ValueError(f"unexpected {self.tokens[0]!r}")
        return result

    def _or(self) -> Any:
        left = self._and()
        while self.tokens[:1] == [("op", "||")]:
            self.tokens.pop(0)
            right = self._and()
            left = left if truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self.tokens[:1] == [("op", "&&")]:
            self.tokens.pop(0)
            right = self._compare()
            left = right if truthy(left) else left
        return left

    def _compare(self) -> Any:
        left = self._not()
        while self.tokens[:1] in ([("op", "==")], [("op", "!=")]):
            op = self.tokens.pop(0)[1]
            right = self._not()
            left = equal(left, right) == (op == "==")
        return left

    def _not(self) -> Any:
        if self.tokens[:1] == [("op", "!")]:
            self.tokens.pop(0)
            return not truthy(self._not())
        return self._atom()

    def _atom(self) -> Any:
        kind, value = self.tokens.pop(0)
        if (kind, value) == ("op", "("):
            inner = self._or()
            if self.tokens.pop(0) != ("op", ")"):
                raise ValueError("unbalanced parentheses")
            return inner
        if kind == "call":
            if value not in STATUS_FUNCTIONS:
                raise ValueError(f"this runner knows no function {value}()")
            return self.context["status"][value]
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(value, lookup(self.context, value))
        if kind in ("str", "num"):
            return value
        raise ValueError(f"unexpected {value!r}")


def lookup(context: dict[str, Any], dotted: str) -> Any:
    head, *rest = dotted.split(".")
    if head not in context:
        raise ValueError(f"this runner has no context {head!r} (in {dotted})")
    found: Any = context[head]
    for part in rest:
        found = found.get(part) if isinstance(found, dict) else None
    return found


def truthy(value: Any) -> bool:
    return value not in (None, False, "", 0)


def _number(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def equal(left: Any, right: Any) -> bool:
    """GitHub's `==`: strings case-insensitive; mismatched types compared as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right):
        return bool(left == right)
    return _number(left) == _number(right)


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def interpolate(text: Any, context: dict[str, Any]) -> str:
    """A YAML value with its `${{ }}` expressions replaced by their values."""
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: text_of(Expression(m.group(1), context).value()), str(text))


def condition(text: Any, context: dict[str, Any]) -> bool:
    """A step's or job's `if:`; without a status function it means `success() && (...)`, as on GitHub."""
    if text is None:
        return bool(context["status"]["success"])
    expression = str(text).strip()
    if expression.startswith("${{") and expression.endswith("}}"):
        expression = expression[3:-2]
    if not any(f"{name}()" in expression for name in STATUS_FUNCTIONS):
        expression = f"success() && ({expression})"
    return truthy(Expression(expression, context).value())


# -- running -------------------------------------------------------------------------------------

@dataclass
class Step:
    name: str
    ran: bool
    code: int = 0
    output: str = ""


@dataclass
class Job:
    steps: list[Step] = field(default_factory=list)
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(step.code != 0 for step in self.steps)

    def step(self, name: str) -> Step:
        (found,) = [step for step in self.steps if step.name == name]
        return found


UNSUPPORTED = ("continue-on-error", "timeout-minutes")


def run_steps(steps: list[dict[str, Any]], context: dict[str, Any], env: dict[str, str], workspace: Path,
              temp: Path, env_layers: tuple[dict[str, Any], ...] = (), simulated: dict[str, dict[str, str]] | None = None,
              outputs: dict[str, Any] | None = None) -> Job:
    """Run the steps in order; `env_layers` are the `env:` of the workflow and the job, outermost first."""
    job = Job()
    context = {**context, "steps": {}}
    for number, step in enumerate(steps, 1):
        context["status"] = {"success": not job.failed, "failure": job.failed, "cancelled": False, "always": True}
        name = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
        for key in UNSUPPORTED:
            assert key not in step, f"this runner does not do {key} (step {name})"
        step_id = step.get("id", f"__{number}")
        runs = condition(step.get("if"), context)
        if "uses" in step or not runs:
            given = (simulated or {}).get(step_id) if runs else None
            job.steps.append(Step(name, ran=False))
            context["steps"][step_id] = {"outputs": given or {}, "outcome": "success" if given else "skipped"}
            print(f"\n── {name}: {'simulated' if given else 'not run'}")
            continue
        shell = step.get("shell")
        assert shell is None or shell in SHELLS, f"this runner has no shell {shell!r} (step {name})"
        step_env = dict(env)
        for layer in (*env_layers, step.get("env") or {}):
            step_env.update({key: interpolate(value, context) for key, value in layer.items()})
        files = {key: temp / f"step-{number}.{key.lower()}" for key in
                 ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH")}
        for key, path in files.items():
            path.write_text("", encoding="utf-8")
            step_env[key] = str(path)
        script = temp / f"step-{number}.sh"
        script.write_text(interpolate(step["run"], context), encoding="utf-8")
        command = [*(SHELLS[shell] if shell else DEFAULT_SHELL), str(script)]
        cwd = workspace / interpolate(step.get("working-directory", "."), context)
        result = subprocess.run(command, cwd=cwd, env=step_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, check=False)
        print(f"\n── {name} ({' '.join(command[:-1])} {{0}}): exit {result.returncode}\n{result.stdout}", end="")
        for key in ("GITHUB_ENV", "GITHUB_PATH"):
            assert files[key].read_text(encoding="utf-8") == "", f"this runner does not do {key} (step {name})"
        job.steps.append(Step(name, ran=True, code=result.returncode, output=result.stdout))
        summary = files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
        if summary:
            print(f"   (and {len(summary.splitlines())} lines into the job summary)")
        job.summary += summary
        context["steps"][step_id] = {"outputs": read_outputs(files["GITHUB_OUTPUT"]),
                                     "outcome": "success" if result.returncode == 0 else "failure"}
    job.outputs = {key: interpolate(value, context) for key, value in (outputs or {}).items()}
    return job


def read_outputs(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        assert "=" in line and "<<" not in line.split("=", 1)[0], f"this runner reads only NAME=value outputs: {line!r}"
        key, value = line.split("=", 1)
        found[key] = value
    return found


def run_job(workflow: dict[str, Any], job_name: str, context: dict[str, Any], env: dict[str, str],
            workspace: Path, temp: Path) -> Job | None:
    """One job of a workflow, or None when its `if:` says it does not run for this event."""
    job = workflow["jobs"][job_name]
    base = {**context, "status": {"success": True, "failure": False, "cancelled": False, "always": True}}
    if not condition(job.get("if"), base):
        return None
    layers = (workflow.get("env") or {}, job.get("env") or {})
    return run_steps(job["steps"], context, env, workspace, temp, env_layers=layers, outputs=job.get("outputs"))
