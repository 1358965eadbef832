"""Review of issue 14 (attacker): hostile values through the site, the dashboard and the workbooks."""

from __future__ import annotations

import os
import stat
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


def test_outputs_never_go_into_the_git_folder(git_repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    # `-o .git/config` replaced git's config with a workbook: every git command then failed ("bad config line 1")
    config = (git_repo / ".git/config").read_bytes()
    for args in (("report", "funnel", "--format", "xlsx", "-o", ".git/config"),
                 ("report", "funnel", "--format", "html", "-o", ".git/hooks/pre-commit"),
                 ("export", "--format", "xlsx", "-o", ".git/objects/x.xlsx"),
                 ("export", "--format", "csv", "-o", ".git"),
                 ("site", "-o", ".git/site")):
        result = holp(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output == f"holp: {args[-1]} is in git's own folder (.git): write the output somewhere else\n"
    assert (git_repo / ".git/config").read_bytes() == config
    assert not (git_repo / ".git/hooks/pre-commit").exists()
    assert not (git_repo / ".git/site").exists()
    assert git(git_repo, "status", "--porcelain") == ""
    result = holp("site", "-o", "public")  # the README's own example, inside the work tree, still works
    assert result.exit_code == 0, result.output
    assert (git_repo / "public/index.html").is_file()


def test_site__a_folder_it_cannot_make_is_one_sentence(git_repo: Path, holp: Callable[..., Result]) -> None:
    # was: "holp: internal error: NotADirectoryError ...", exit 3
    result = holp("site", "-o", "holp.yaml/site")
    assert result.exit_code == 2
    assert result.output == "holp: cannot write holp.yaml/site: Not a directory\n"


def test_an_output_that_is_a_pipe_is_not_replaced_by_a_file(git_repo: Path, holp: Callable[..., Result],
                                                             tmp_path: Path) -> None:
    # the rename of an atomic write put a regular file where the pipe (or, run as root, /dev/full) was
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    for args in (("report", "funnel", "--format", "xlsx"), ("export", "--format", "xlsx")):
        result = holp(*args, "-o", str(fifo))
        assert result.exit_code == 2, result.output
        assert result.output == f"holp: cannot write {fifo}: it is no regular file\n"
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
