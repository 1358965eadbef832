"""The CI workflow `holp init` writes: safe for untrusted pull requests, and clean by GitHub Actions' own linters."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from holp import __version__
from holp.yaml import read


def _workflow(tmp_path: Path, holp: Callable[..., Result]) -> Path:
    assert holp("init", str(tmp_path / "sales")).exit_code == 0
    return tmp_path / "sales/.github/workflows/holp.yml"


def test_workflow__untrusted_pull_requests_get_a_read_only_token_a_time_limit_and_a_pinned_holp(
        tmp_path: Path, holp: Callable[..., Result]) -> None:
    path = _workflow(tmp_path, holp)
    text = path.read_text(encoding="utf-8")
    doc = read(str(path), text.encode("utf-8"))
    assert doc.problems == []
    workflow = doc.tree
    assert list(workflow["on"]) == ["pull_request", "push"]
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["env"] == {"HOLP_INSTALL": f"${{{{ vars.HOLP_INSTALL || 'holp=={__version__}' }}}}"}
    assert f"#   ./tools/holp-{__version__}-py3-none-any.whl " in text
    assert f"#   holp @ git+https://github.com/OWNER/holp@v{__version__} " in text
    jobs = workflow["jobs"]
    assert list(jobs) == ["check", "comment", "report", "site"]
    for name, job in jobs.items():
        assert 0 < job["timeout-minutes"] <= 15, name
        steps = job["steps"]
        assert [s["with"]["persist-credentials"] for s in steps if s.get("uses", "").startswith("actions/checkout")] \
            == ([] if name == "comment" else [False]), name
        installs = [(s["name"], s["run"]) for s in steps if "pip" in s.get("run", "")]
        assert installs == ([] if name == "comment" else [("install holp", 'python -m pip install "$HOLP_INSTALL"')]), name
    assert "${{" not in "".join(s.get("run", "") for job in jobs.values() for s in job["steps"])
    # only the opt-in comment job may write to pull requests, and it checks nothing out; only the opt-in site
    # job, on a push to the default branch, may deploy to Pages
    assert [(name, job.get("permissions")) for name, job in jobs.items() if "permissions" in job] \
        == [("comment", {"pull-requests": "write"}),
            ("site", {"contents": "read", "pages": "write", "id-token": "write"})]
    assert jobs["comment"]["needs"] == "check"
    assert jobs["comment"]["if"].startswith("always() && vars.HOLP_PR_COMMENT == 'true'")
    assert jobs["report"]["if"] == "github.event_name == 'push' && github.ref_name == github.event.repository.default_branch"
    assert workflow["on"]["push"] == {"branches": ["**"]}
    assert "main" not in text


def test_workflow__passes_actionlint(tmp_path: Path, holp: Callable[..., Result]) -> None:
    path = _workflow(tmp_path, holp)
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    result = subprocess.run([actionlint, "-no-color", str(path)], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "")


def test_workflow__matches_the_github_workflow_schema(tmp_path: Path, holp: Callable[..., Result]) -> None:
    path = _workflow(tmp_path, holp)
    check = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        result = subprocess.run([check, "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False)
        assert (result.returncode, result.stdout) == (0, "ok -- validation done\n"), result.stdout + result.stderr
