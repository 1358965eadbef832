"""`holp codeowners`: each region's folders to its manager, kept in step with team.yaml."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import snapshot


def test_codeowners__writes_then_checks(repo: Path, holp: Callable[..., Result]) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    result = holp("codeowners")
    assert result.exit_code == 0
    assert result.output == "wrote .github/CODEOWNERS\n"
    assert (repo / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()[4:] == [
        "# the process and the team",
        "/holp.yaml @li-na",
        "/team.yaml @li-na",
        "/templates/ @li-na",
        "/.github/ @li-na",
        "/tools/ @li-na",
        "/.pre-commit-config.yaml @li-na",
        "# 华东 / East China",
        "/customers/east/ @li-na",
        "/projects/east/ @li-na",
        "# 华北 / North China",
        "/customers/north/ @li-na",
        "/projects/north/ @li-na",
        "# END holp codeowners",
    ]
    assert holp("codeowners", "--check").output == ".github/CODEOWNERS is up to date\n"
    team = repo / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("handle: li-na", "handle: '@na-li'"), encoding="utf-8")
    before = snapshot(repo)
    stale = holp("codeowners", "--check")
    assert stale.exit_code == 1
    assert stale.output == ".github/CODEOWNERS is out of date: run `holp codeowners`\n"
    assert snapshot(repo) == before
    assert holp("codeowners").exit_code == 0
    assert "/projects/east/ @na-li\n" in (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")


def test_codeowners__sales_repository_in_a_subfolder(repo: Path, holp: Callable[..., Result]) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo.parent, check=True)
    assert holp("codeowners").exit_code == 0
    text = (repo.parent / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/sales/projects/east/ @li-na\n" in text and "/sales/holp.yaml @li-na\n" in text


def test_codeowners__region_without_a_handle_warns(repo: Path, holp: Callable[..., Result]) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    team = repo / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace(", handle: li-na", ""), encoding="utf-8")
    result = holp("codeowners")
    assert result.exit_code == 0
    assert "holp: warning: region east: its manager has no handle in team.yaml" in result.stderr
    assert "/projects/" not in (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")


def test_codeowners__keeps_the_lines_of_other_teams(repo: Path, holp: Callable[..., Result]) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo.parent, check=True)
    path = repo.parent / ".github" / "CODEOWNERS"
    path.parent.mkdir()
    path.write_text("* @platform-team\n/docs/ @docs\n", encoding="utf-8")
    assert holp("codeowners").exit_code == 0
    first = path.read_text(encoding="utf-8")
    assert first.startswith("* @platform-team\n/docs/ @docs\n\n# BEGIN holp codeowners")
    assert first.endswith("/sales/projects/north/ @li-na\n# END holp codeowners\n")
    path.write_text(first + "/tools/ @tools\n", encoding="utf-8")
    assert holp("codeowners", "--check").exit_code == 0
    team = repo / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("handle: li-na", "handle: na-li"), encoding="utf-8")
    assert holp("codeowners").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("* @platform-team\n") and text.endswith("# END holp codeowners\n/tools/ @tools\n")
    assert text.count("# BEGIN holp codeowners") == 1 and "@na-li" in text and "@li-na" not in text
