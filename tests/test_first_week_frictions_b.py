"""Frictions of a real team's first week (part b): a refused visit form is kept, authors team.yaml does not know
are said, `report changes --since REV` counts from that commit, and amounts read as money with their unit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import git, snapshot, write

VISIT_FORM = """\
date: 2026-11-21
by: zhang.wei
met: [李明]
purpose: 现场调研
findings:
  needs: {needs}
next_step: 约技术交流
"""


def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """$EDITOR as a script that saves ``text`` as the form (and keeps what it was shown in shown.yaml)."""
    form = write(tmp_path / "typed.yaml", text)
    editor = write(tmp_path / "editor.sh", f"#!/bin/sh\ncp \"$1\" '{tmp_path}/shown.yaml'\ncat '{form}' > \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    return tmp_path / "shown.yaml"


def test_visit_edit__a_refused_form_is_kept_reopened_and_dropped_once_recorded(
        git_repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = VISIT_FORM.format(needs="[蒸汽, 电]")  # needs is text, not a list
    _editor(tmp_path, monkeypatch, refused)
    before = snapshot(git_repo)
    result = holp("visit", "P-2026-001", "--edit")
    assert result.exit_code == 2
    assert result.output == (
        "holp: the visit is not valid: findings.needs: ['蒸汽', '电'] is not of type 'string'; what you typed is "
        "kept in .git/holp/drafts/P-2026-001.visit.yaml: `holp visit P-2026-001 --edit` reopens it\n")
    assert (git_repo / ".git/holp/drafts/P-2026-001.visit.yaml").read_text(encoding="utf-8") == refused
    assert snapshot(git_repo) == before
    assert git(git_repo, "status", "--porcelain") == ""

    fixed = VISIT_FORM.format(needs="蒸汽和电")
    shown = _editor(tmp_path, monkeypatch, fixed)
    result = holp("visit", "P-2026-001", "--edit")
    assert result.exit_code == 0, result.output
    assert shown.read_text(encoding="utf-8") == refused  # the draft, not a blank form
    assert result.output.splitlines() == [
        "holp: reopening the visit you typed before, kept in .git/holp/drafts/P-2026-001.visit.yaml (delete that "
        "file for a blank form)",
        f"P-2026-001: visit 2026-11-21 (李明)  [{git(git_repo, 'rev-parse', 'HEAD')[:8]}]"]
    assert (git_repo / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8").endswith(
        "  - date: 2026-11-21\n    by: zhang.wei\n    met: [李明]\n    purpose: 现场调研\n    findings:\n"
        "      needs: 蒸汽和电\n    next_step: 约技术交流\n")
    assert not (git_repo / ".git/holp/drafts/P-2026-001.visit.yaml").exists()

    shown = _editor(tmp_path, monkeypatch, fixed)
    holp("visit", "P-2026-001", "--edit", "--dry-run")
    assert shown.read_text(encoding="utf-8").startswith("# 拜访记录 / a visit")  # the blank form again


def test_visit_edit__a_refusal_after_the_form_was_read_keeps_it_too(
        git_repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = VISIT_FORM.format(needs="蒸汽").replace("met: [李明]", "met: [路人甲]")
    _editor(tmp_path, monkeypatch, typed)
    result = holp("visit", "P-2026-001", "--edit")
    assert result.exit_code == 2
    assert result.output == (
        "holp: 路人甲 is not a key person of C-0001: add them to the customer first; what you typed is kept in "
        ".git/holp/drafts/P-2026-001.visit.yaml: `holp visit P-2026-001 --edit` reopens it\n")
    write(git_repo / "projects/east/P-2026-001.yaml",
          (git_repo / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8") + "# 未提交的修改\n")
    _editor(tmp_path, monkeypatch, typed.replace("路人甲", "李明"))
    result = holp("visit", "P-2026-001", "--edit")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "holp: projects/east/P-2026-001.yaml has changes that are not committed: commit them first, so the commit "
        "of this change holds only this change (or pass --no-commit); what you typed is kept in "
        ".git/holp/drafts/P-2026-001.visit.yaml: `holp visit P-2026-001 --edit` reopens it")
    assert (git_repo / ".git/holp/drafts/P-2026-001.visit.yaml").read_text(encoding="utf-8") == \
        typed.replace("路人甲", "李明")


def test_visit_edit__a_dry_run_keeps_the_form_for_the_real_run(
        git_repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = VISIT_FORM.format(needs="蒸汽")
    _editor(tmp_path, monkeypatch, typed)
    result = holp("visit", "P-2026-001", "--edit", "--dry-run")
    assert result.exit_code == 0
    assert "holp: what you typed is kept in .git/holp/drafts/P-2026-001.visit.yaml: `holp visit P-2026-001 " \
           "--edit` reopens it\n" in result.output
    assert (git_repo / ".git/holp/drafts/P-2026-001.visit.yaml").read_text(encoding="utf-8") == typed


def test_visit_edit__in_a_worktree_the_draft_is_in_the_common_git_folder(
        git_repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(git_repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "other"))
    monkeypatch.chdir(tmp_path / "other")
    _editor(tmp_path, monkeypatch, "date: [2026\n")
    result = holp("visit", "P-2026-001", "--edit")
    assert result.exit_code == 2
    assert "what you typed is kept in ../sales/.git/holp/drafts/P-2026-001.visit.yaml:" in result.output
    assert (git_repo / ".git/holp/drafts/P-2026-001.visit.yaml").read_text(encoding="utf-8") == "date: [2026\n"


def test_visit_edit__outside_git_the_draft_is_in_the_sales_folder_and_said_so(
        git_repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(git_repo / ".git")
    _editor(tmp_path, monkeypatch, VISIT_FORM.format(needs="[蒸汽]"))
    result = holp("visit", "P-2026-001", "--edit", "--no-commit")
    assert result.exit_code == 2
    assert result.output.endswith(
        "; what you typed is kept in .holp/drafts/P-2026-001.visit.yaml (not in a git repository, so it is kept in "
        "the sales folder): `holp visit P-2026-001 --edit` reopens it\n")
    _editor(tmp_path, monkeypatch, VISIT_FORM.format(needs="蒸汽"))
    result = holp("visit", "P-2026-001", "--edit", "--no-commit")
    assert result.exit_code == 0, result.output
    assert not (git_repo / ".holp/drafts/P-2026-001.visit.yaml").exists()
