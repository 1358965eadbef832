"""Frictions of a real team's first week (part b): a refused visit form is kept, authors team.yaml does not know
are said, `report changes --since REV` counts from that commit, and amounts read as money with their unit."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from wcwidth import wcswidth

from conftest import CUSTOMER, PROCESS_TEXT, REPS, TEAM, Script, git, project, snapshot, write

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
    write(git_repo / "projects/east/P-2026-001.yaml",  # a hand edit with an error: the visit cannot go in with it
          (git_repo / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8").replace("amount: 3200000",
                                                                                             "amount: 三百万"))
    _editor(tmp_path, monkeypatch, typed.replace("路人甲", "李明"))
    result = holp("visit", "P-2026-001", "--edit")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "holp: your edits to projects/east/P-2026-001.yaml have errors: fix them, so that they can go into the "
        "commit of this change; what you typed is kept in .git/holp/drafts/P-2026-001.visit.yaml: "
        "`holp visit P-2026-001 --edit` reopens it")
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


# -- 2. authors team.yaml does not know; a narrow history --------------------------------------------------------

LONG_NOTE = "客户要求先做三个月的试运行，再决定是否扩大到二号和三号高炉，价格需要重新谈判并经过集团审批"


def _two_authors(script: Script) -> tuple[str, str]:
    """main: the fixture's files; then a move by a rep from a second address, and one by an outsider."""
    team = TEAM.replace("email: zhang.wei@example.com, region: east}",
                        "email: zhang.wei@example.com, emails: [zw@laptop.local], region: east}")
    script.commit("li.na", "2026-10-01T09:00:00+08:00", "start", {
        "holp.yaml": PROCESS_TEXT, "team.yaml": team, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    script.git("switch", "-q", "-c", "feature")
    script.monkeypatch.setitem(REPS, "laptop", ("张伟", "zw@laptop.local"))
    laptop = script.commit("laptop", "2026-10-02T09:00:00+08:00", "P-1 进入",
                           {"projects/east/P-1.yaml": project("P-1", "entry")})
    script.as_("outsider", "2026-10-03T09:00:00+08:00")
    outsider = script.commit("outsider", "2026-10-03T09:00:00+08:00", f"P-1 提案\n\n{LONG_NOTE}",
                             {"projects/east/P-1.yaml": project("P-1", "proposal")})
    return laptop, outsider


def test_history__an_author_no_rep_has_is_a_warning_in_every_format(script: Script,
                                                                     holp: Callable[..., Result]) -> None:
    laptop, outsider = _two_authors(script)
    warning = (f"holp: warning: commit {outsider[:8]} by 外部顾问 <consultant@other.example>: that email is no "
               "rep's in team.yaml; add it to the rep's `emails` in team.yaml\n")
    for fmt in ("table", "json", "csv"):
        result = holp("history", "--format", fmt)
        assert result.exit_code == 0
        assert result.stderr == warning, fmt
    records = json.loads(holp("history", "--format", "json").stdout)
    assert [(r["commit"], r["author"], r["rep"]) for r in records] == [
        (records[0]["commit"], "李娜", "li.na"), (laptop, "张伟", "zhang.wei"), (outsider, "外部顾问", None)]
    assert [r["commit"] for r in json.loads(holp("history", "--format", "json", "--author", "zhang.wei").stdout)] \
        == [laptop]
    assert holp("history", "--format", "json", "--author", "li.na").stderr == ""


def test_history__the_table_wraps_long_notes_and_emails_within_100_columns(script: Script,
                                                                          holp: Callable[..., Result]) -> None:
    laptop, outsider = _two_authors(script)
    first = script.git("rev-list", "--max-parents=0", "HEAD").strip()
    table = holp("history").stdout
    assert table == (
        "日期              项目    从            到            提交人             提交      原因/说明\n"
        "----------------  ------  ------------  ------------  -----------------  --------  ----------------\n"
        f"2026-10-01 09:00  P-1     —             开发阶段      李娜               {first[:8]}\n"
        f"2026-10-02 09:00  P-1     开发阶段      销售进入阶段  张伟               {laptop[:8]}\n"
        f"2026-10-03 09:00  P-1     销售进入阶段  提案阶段      consultant@other.  {outsider[:8]}  客户要求先做三个\n"
        "                                                      example                      月的试运行，再决\n"
        "                                                                                   定是否扩大到二号\n"
        "                                                                                   和三号高炉，价格\n"
        "                                                                                   需要重新谈判并经\n"
        "                                                                                   过集团审批\n"
        "3 transitions in 3 commits walked\n")
    assert max(wcswidth(line) for line in table.splitlines()) <= 100


def test_review__an_author_no_rep_has_is_a_warning_in_markdown_and_json(script: Script,
                                                                       holp: Callable[..., Result]) -> None:
    _two_authors(script)
    script.git("switch", "-q", "-c", "amounts", "main")
    outsider = script.commit("outsider", "2026-10-04T09:00:00+08:00", "P-1 金额",
                             {"projects/east/P-1.yaml": project("P-1", "prospecting", amount="1500000")})
    result = holp("review", "main")
    assert result.exit_code == 0  # said, not failed
    assert result.stdout.endswith(
        "### Authors who are no reps of team.yaml\n\n"
        "Their commits are attributed to nobody: add each email to the rep's `emails` in team.yaml.\n\n"
        f"- ⚠️ `consultant@other.example` (外部顾问): commit `{outsider[:8]}`\n\n")
    data = json.loads(holp("review", "main", "--format", "json").stdout)
    assert data["legal"] is True
    assert data["unknown_authors"] == [{
        "email": "consultant@other.example", "author": "外部顾问", "commits": [outsider],
        "message": f"commit {outsider[:8]} by 外部顾问 <consultant@other.example>: that email is no rep's in "
                   "team.yaml; add it to the rep's `emails` in team.yaml"}]
    script.git("switch", "-q", "feature")
    assert "- ⚠️ `consultant@other.example` (外部顾问): commit `" in holp("review", "main").stdout


def test_team__a_rep_may_have_more_emails_each_one_rep_only(repo: Path, holp: Callable[..., Result]) -> None:
    team = repo / "team.yaml"
    team.write_text(TEAM.replace("email: zhang.wei@example.com, region: east}",
                                 "email: zhang.wei@example.com, emails: [zw@laptop.local, zhang.wei@example.com], "
                                 "region: east}"), encoding="utf-8")
    assert holp("validate").exit_code == 0
    team.write_text(TEAM.replace("email: zhang.wei@example.com, region: east}",
                                 "email: zhang.wei@example.com, emails: [Li.Na@example.com, laptop], region: east}"),
                    encoding="utf-8")
    result = holp("validate", "team.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "team.yaml:6:70: error[duplicate-email]: email li.na@example.com belongs to two reps: commits could not be "
        "attributed",
        "team.yaml:6:89: error[schema]: reps.1.emails.1: 'laptop' does not match '^[^@\\\\s]+@[^@\\\\s]+$'"]
    assert json.loads(holp("schema", "team").stdout)["properties"]["reps"]["items"]["properties"]["emails"] == {
        "type": "array", "items": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"}}


# -- 3. report changes --since REV counts from that exact commit ---------------------------------------------------

def _week(script: Script) -> list[str]:
    """P-1 made, moved to entry, P-2 made later that same day, P-1 to proposal two days later."""
    return [
        script.commit("li.na", "2026-11-01T09:00:00+08:00", "start", {
            "holp.yaml": PROCESS_TEXT, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
            "projects/east/P-1.yaml": project("P-1", "prospecting")}),
        script.commit("zhang.wei", "2026-11-10T09:00:00+08:00", "P-1 entry",
                      {"projects/east/P-1.yaml": project("P-1", "entry")}),
        script.commit("zhang.wei", "2026-11-10T15:00:00+08:00", "P-2",
                      {"projects/east/P-2.yaml": project("P-2", "prospecting")}),
        script.commit("zhang.wei", "2026-11-12T09:00:00+08:00", "P-1 proposal",
                      {"projects/east/P-1.yaml": project("P-1", "proposal")}),
    ]


def _changes(holp: Callable[..., Result], *args: str) -> dict[str, object]:
    result = holp("report", "changes", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_report_changes__since_a_commit_counts_the_commits_after_it(script: Script,
                                                                    holp: Callable[..., Result]) -> None:
    _, entry, p2, proposal = _week(script)
    data = _changes(holp, "--since", entry[:10])
    assert (data["since"], data["since_commit"]) == ("2026-11-10", entry)
    assert [(c["project"], c["kind"], c["commit"]) for c in data["changes"]] == [  # type: ignore[index, union-attr]
        ("P-2", "new", p2), ("P-1", "forward", proposal)]
    assert data["weighted_pipeline"] == {"before": "250000.00", "after": "600000.00", "change": "350000.00"}
    assert "变化 > " + entry[:8] + " (2026-11-10):" in holp("report", "changes", "--since", entry).stdout
    assert [c["commit"] for c in _changes(holp, "--since", "HEAD~1")["changes"]] == [proposal]  # type: ignore[union-attr]
    assert _changes(holp, "--since", "HEAD")["changes"] == []


def test_report_changes__since_a_day_counts_the_days_after_it(script: Script, holp: Callable[..., Result]) -> None:
    _week(script)
    data = _changes(holp, "--since", "2026-11-10")
    assert (data["since"], data["since_commit"]) == ("2026-11-10", None)
    assert [(c["project"], c["kind"]) for c in data["changes"]] == [("P-1", "forward")]  # type: ignore[union-attr]
    assert data["weighted_pipeline"] == {"before": "350000.00", "after": "600000.00", "change": "250000.00"}


def test_report_changes__since_a_day_before_the_first_commit_is_all_of_it(script: Script,
                                                                          holp: Callable[..., Result]) -> None:
    start, entry, p2, proposal = _week(script)
    data = _changes(holp, "--since", "2026-01-01")
    assert [(c["project"], c["kind"], c["commit"]) for c in data["changes"]] == [  # type: ignore[union-attr]
        ("P-1", "new", start), ("P-1", "forward", entry), ("P-2", "new", p2), ("P-1", "forward", proposal)]
    assert data["weighted_pipeline"] == {"before": "0.00", "after": "600000.00", "change": "600000.00"}
    table = holp("report", "changes", "--since", "2026-01-01")
    assert table.exit_code == 0
    assert table.stdout.split("\n\n")[1] == (
        "变化 > 2026-01-01:\n"
        "类型                           数量\n"
        "------------  ---------------------\n"
        "新项目                            2\n"
        "推进                              2\n"
        "退回                              0\n"
        "赢单                              0\n"
        "丢单                              0\n"
        "重新激活                          0\n"
        "推迟签约                          0\n"
        "加权金额变化  0.00 → 600,000.00 CNY")
    assert holp("report", "changes", "--since", "2026-01-01", "--format", "csv").stdout.endswith(
        "推迟签约,0\n加权金额变化,0.00 → 600000.00\n")


# -- 4. amounts read as money: separators, the currency in the header, days said, no blank header ---------------

def _columns(line: str) -> list[str]:
    """The characters of ``line`` by terminal column (a Chinese character fills two, the second as "")."""
    cells: list[str] = []
    for ch in line:
        cells += [ch] + [""] * (max(wcswidth(ch), 1) - 1)
    return cells


def blank_headers(text: str) -> list[str]:
    """The header lines of the tables in ``text`` (terminal or Markdown) that have a column without a header."""
    found = []
    lines = text.splitlines()
    for above, line in itertools.pairwise(lines):
        if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):  # Markdown
            if any(not cell.strip() for cell in above.strip().strip("|").split("|")):
                found.append(above)
        elif re.fullmatch(r"\s*-+(  -+)*", line) and line.strip():  # a terminal table's rule under its header
            head = _columns(above)
            spans = [m.span() for m in re.finditer("-+", line)]
            if any(not "".join(head[a:b]).strip() for a, b in spans):
                found.append(above)
    return found


PLAIN_AMOUNT = re.compile(r"(?<![\d,.])\d{4,}\.\d\d(?!\d)")  # 1500000.00: an amount without separators


REPORT_RUNS = [("funnel",), ("funnel", "--by", "owner"), ("forecast",), ("conversion",), ("aging",), ("stalled",),
               ("reps",), ("receivables",), ("changes", "--since", "2026-01-01")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports__every_table_has_headers_and_separated_amounts(example: Path, holp: Callable[..., Result],
                                                                lang: str) -> None:
    for run in REPORT_RUNS:
        for fmt in ("table", "markdown", "html"):
            result = holp("report", *run, "--format", fmt, "--lang", lang)
            assert result.exit_code == 0, (run, fmt, result.output)
            assert blank_headers(result.stdout) == [], (run, fmt)
            assert PLAIN_AMOUNT.findall(result.stdout) == [], (run, fmt)
            assert "<th></th>" not in result.stdout and '<th class="">' + "</th>" not in result.stdout


def test_reports__money_columns_name_the_currency_days_say_days(example: Path, holp: Callable[..., Result]) -> None:
    funnel = holp("report", "funnel").stdout.splitlines()
    assert funnel[3:5] == ["阶段            数量     金额 (CNY)    加权金额 (CNY)",
                           "------------  ------  -------------  ----------------"]
    assert funnel[5] == "开发阶段           4   8,030,000.00        803,000.00"
    markdown = holp("report", "funnel", "--format", "markdown", "--lang", "en").stdout.splitlines()
    assert markdown[6] == "| Stage       |   Count |   Amount (CNY) |   Weighted (CNY) |"
    assert markdown[8] == "| Prospecting |       4 |   8,030,000.00 |       803,000.00 |"
    targets = holp("report", "forecast", "--lang", "en").stdout.split("\n\n")[2].splitlines()
    assert targets[:2] == [
        "Target 2026:",
        "Kind    Name               Target (CNY)    Won to date (CNY)    Pipeline (CNY)    Weighted (CNY)    "
        "Forecast (CNY)      Gap (CNY)    Gap %    Coverage"]
    assert "停滞项目 (≥ 30 天):" in holp("report", "stalled").stdout
    assert "Stalled deals (≥ 30 days):" in holp("report", "stalled", "--lang", "en").stdout
    receivables = holp("report", "receivables").stdout
    assert "编号        项目                          客户                      到期日        逾期天数    未收金额 (CNY)  " \
        "收款责任人    最近催款               距今(天)  下一步\n" in receivables


def test_reports__csv_and_json_keep_their_plain_numbers(example: Path, holp: Callable[..., Result]) -> None:
    csv_lines = holp("report", "funnel", "--format", "csv").stdout.splitlines()
    assert csv_lines[:2] == ["group,stage,label,count,amount,weighted", ",prospecting,开发阶段,4,8030000.00,803000.00"]
    data = json.loads(holp("report", "funnel", "--format", "json").stdout)
    assert data["stages"][0] == {"stage": "prospecting", "label": "开发阶段", "count": 4, "amount": "8030000.00",
                                 "weighted": "803000.00"}
    assert holp("report", "receivables", "--format", "csv").stdout.splitlines()[0] == \
        "客户,未到期,逾期0–30天,逾期31–60天,逾期61–90天,逾期90天以上,未收金额"


def test_list_and_show__amounts_with_separators_and_currency(example: Path, holp: Callable[..., Result]) -> None:
    listed = holp("list", "--stage", "open").stdout.splitlines()
    assert listed[0].endswith("阶段            金额 (CNY)  预计签约")
    assert listed[2].endswith("商务谈判阶段  4,350,000.00  2026-12-18")
    assert blank_headers("\n".join(listed)) == []
    assert json.loads(holp("list", "--format", "json").stdout)[0]["amount"] == "12800000.00"
    assert holp("list", "--format", "csv").stdout.splitlines()[1].split(",")[7] == "12800000.00"
    shown = holp("show", "P-2026-004").stdout.splitlines()
    assert shown[7:9] == ["金额          4,350,000.00 CNY", "加权金额      3,915,000.00 CNY (90%)"]
    assert blank_headers(holp("show", "P-2026-004").stdout) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forms_and_review__no_blank_header(example: Path, holp: Callable[..., Result], lang: str) -> None:
    for name in ("visit-plan", "visit-record", "key-persons", "customer-overview", "opportunity-evaluation",
                 "stage-review"):
        for record in ("P-2026-004", "P-2026-016"):
            text = holp("render", name, record, "--lang", lang).stdout
            assert blank_headers(text) == [], (name, record)
            assert PLAIN_AMOUNT.findall(text) == [], (name, record)
    overview = holp("render", "customer-overview", "C-0002").stdout
    assert "| 编号 | 项目 | 阶段 | 金额 (CNY) | 预计签约 |\n" in overview
    assert "| 达成 | 检查项 | 证据 |\n|---|---|---|\n" in holp("render", "stage-review", "P-2026-004").stdout
    assert "| Role | Note |\n|---|---|\n" in holp("render", "key-persons", "C-0002", "--lang", "en").stdout


def test_history__amount_changes_read_as_money(script: Script, holp: Callable[..., Result]) -> None:
    script.commit("li.na", "2026-10-01T09:00:00+08:00", "start", {
        "holp.yaml": PROCESS_TEXT, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    raised = script.commit("zhang.wei", "2026-10-02T09:00:00+08:00", "P-1 金额",
                           {"projects/east/P-1.yaml": project("P-1", "prospecting", amount="1500000")})
    lines = holp("history", "--fields").stdout.splitlines()
    assert lines[0] == "日期              项目    字段        从            到            提交人    提交      原因/说明"
    assert lines[3] == f"2026-10-02 09:00  P-1     金额 (CNY)  1,000,000.00  1,500,000.00  张伟      {raised[:8]}"
    assert json.loads(holp("history", "--fields", "--format", "json").stdout)[1]["to"] == "1500000"
