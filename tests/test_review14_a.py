"""Review of issue 14 (attacker): hostile values through the site, the dashboard and the workbooks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import git


def _rename(repo: Path, project: str, rep: str) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 2号高炉余热发电改造", f'name: "{project}"'),
                    encoding="utf-8")
    team = repo / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("name: 张伟,", f'name: "{rep}",'), encoding="utf-8")


def test_site__control_and_bidi_marks_in_a_name_are_shown_not_obeyed(repo: Path, holp: Callable[..., Result],
                                                                      tmp_path: Path) -> None:
    # a right-to-left override would turn the rest of the heading round (amount, customer); ESC starts a terminal
    # sequence: a page shows them as \uXXXX, as the terminal and the workbook do
    _rename(repo, "余热\\u202e发电\\x1b[31m改造", "张\\u2066伟")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    site = tmp_path / "site"
    result = holp("site", "-o", str(site))
    assert result.exit_code == 0, result.output
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not any(c in text for c in "\u202e\x1b\u2066"), page
    project = (site / "projects/P-2026-001.html").read_text(encoding="utf-8")
    assert "<h1>P-2026-001 余热\\u202e发电\\u001b[31m改造</h1>" in project
    rep = (site / "reps/zhang.wei.html").read_text(encoding="utf-8")
    assert "张\\u2066伟" in rep


def test_dashboard__control_and_bidi_marks_in_a_name_are_shown_not_obeyed(repo: Path,
                                                                         holp: Callable[..., Result]) -> None:
    _rename(repo, "余热发电改造", "张\\u202e伟\\x07")
    result = holp("report", "--format", "html", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.stdout and "\x07" not in result.stdout
    assert "张\\u202e伟\\u0007" in result.stdout
