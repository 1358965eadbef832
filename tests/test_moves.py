"""Stage moves: gates, byte-exact writes, commits of just the file, and every way git can say no."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, git, snapshot, write

FILE = "projects/east/P-2026-001.yaml"

# A project as reps really write them: comments everywhere, Chinese, mixed quoting and flow style.
RICH = """\
# 2号高炉余热发电改造 —— 张伟负责
id: P-2026-001          # 项目编号
name: "2号高炉余热发电改造"
customer: C-0001
owner: zhang.wei

business_line: waste-heat   # 余热利用
amount: 3200000             # 预计合同额(元)
expected_close: 2027-03-31
stage: entry                # 当前阶段:销售进入
checklist:
  prospecting:              # 开发阶段
    process_assessed: 2026-08-01
    equipment_assessed: 2026-08-01
    funding_assessed: '资金已落实'
    technical_needs_assessed: 2026-08-02
    relationship_assessed: 2026-08-02
    project_info_confirmed: "可研报告已获取"
    target_customer_assessed: 2026-08-05
  entry:
    procurement_org_mapped: 2026-09-10   # 组织结构图已拿到
    key_person_relationship: 多次拜访，关系良好
    # 教练:王强
assessment:
  real: {need: 4, business: 3, approval: 3, budget: 2, urgency: 4}
  worth: {short_term_revenue: 4, future_revenue: 3, profit: 3, risk: 2, strategic_value: 5}
competitors:
  - {name: 某节能公司, strength: 价格低}   # 主要对手

# 拜访记录
visits:
  - date: 2026-10-12
    by: zhang.wei
    met: [李明]
    purpose: 技术交流
"""

VARIANTS = {
    "lf": RICH.encode(),
    "bom-crlf": b"\xef\xbb\xbf" + RICH.replace("\n", "\r\n").encode(),
    "no-final-newline": RICH.rstrip("\n").encode(),
}




def commit_file(root: Path, relative: str, data: bytes) -> None:
    write(root / relative, data)
    git(root, "add", "--", relative)
    git(root, "commit", "-q", "-m", f"edit {relative}")


def state(root: Path) -> tuple[dict[str, str], str, str]:
    """Everything a refused command must leave alone: the files, HEAD, the index and status."""
    return snapshot(root), git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain=v1", "-uall")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_advance__changes_exactly_the_stage_line(git_repo: Path, holp: Callable[..., Result], variant: str) -> None:
    before = VARIANTS[variant]
    commit_file(git_repo, FILE, before)
    result = holp("advance", "P-2026-001")
    assert result.exit_code == 0, result.output
    after = (git_repo / FILE).read_bytes()
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    old_line = "stage: entry                # 当前阶段:销售进入".encode() + newline
    new_line = "stage: proposal             # 当前阶段:销售进入".encode() + newline  # the comment keeps its column
    assert before.count(old_line) == 1
    assert after == before.replace(old_line, new_line)
    assert git(git_repo, "diff", "--numstat", "HEAD~1", "HEAD") == f"1\t1\t{FILE}\n"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_tick__adds_exactly_its_line(git_repo: Path, holp: Callable[..., Result], variant: str) -> None:
    before = VARIANTS[variant].replace("    key_person_relationship: 多次拜访，关系良好\n".encode(), b"").replace(
        "    key_person_relationship: 多次拜访，关系良好\r\n".encode(), b"")
    commit_file(git_repo, FILE, before)
    result = holp("tick", "P-2026-001", "key_person_relationship", "--note", "三次拜访: 关系良好")
    assert result.exit_code == 0, result.output
    newline = "\r\n" if b"\r\n" in before else "\n"
    anchor = f"    procurement_org_mapped: 2026-09-10   # 组织结构图已拿到{newline}".encode()
    added = f'    key_person_relationship: "三次拜访: 关系良好"{newline}'.encode()
    assert (git_repo / FILE).read_bytes() == before.replace(anchor, anchor + added)
    assert git(git_repo, "diff", "--numstat", "HEAD~1", "HEAD") == f"1\t0\t{FILE}\n"
    assert holp("check", "P-2026-001").exit_code == 0


def test_tick__defaults_to_today_and_creates_the_stage_block(git_repo: Path, holp: Callable[..., Result]) -> None:
    holp("advance", "P-2026-001", "--force", "--reason", "老客户,关系已建立")
    before = (git_repo / FILE).read_bytes()
    assert holp("tick", "P-2026-001", "needs_understood").exit_code == 0
    after = (git_repo / FILE).read_bytes()
    anchor = b"    procurement_org_mapped: 2026-09-10\n"
    assert after == before.replace(anchor, anchor + b"  proposal:\n    needs_understood: 2026-11-24\n")


def test_advance__commit_message_and_trailers(git_repo: Path, holp: Callable[..., Result]) -> None:
    holp("tick", "P-2026-001", "key_person_relationship", "--date", "2026-11-20")
    result = holp("advance", "P-2026-001", "-m", "客户认可初步方案")
    assert result.exit_code == 0
    sha = git(git_repo, "rev-parse", "HEAD").strip()
    assert result.output == f"P-2026-001: entry → proposal  [{sha[:8]}]\n"
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: entry → proposal\n\n客户认可初步方案\n\n"
        "Holp-Project: P-2026-001\nHolp-From: entry\nHolp-To: proposal\n\n")
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{FILE}\n"


def test_advance__refused_gate_leaves_everything_as_it_was(git_repo: Path, holp: Callable[..., Result]) -> None:
    write(git_repo / "team.yaml", (git_repo / "team.yaml").read_text(encoding="utf-8") + "# 未提交的修改\n")
    before = state(git_repo)
    result = holp("advance", "P-2026-001")
    assert result.exit_code == 1
    assert result.output == (
        "holp: P-2026-001 cannot leave 销售进入阶段 for 提案阶段: 1 of 5 checklist items is not met\n"
        "  ✗ 与关键人建立良好关系 (key_person_relationship)\n"
        "tick them (holp tick P-2026-001 ITEM) or pass --force --reason R\n")
    assert state(git_repo) == before


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--to", "bidding"], 1, "holp: P-2026-001: moving to 招投标阶段 skips 提案阶段; a skip needs --force --reason R\n"),
    (["--force"], 2, "holp: --force needs --reason: say why the gate is passed over; it is recorded for review\n"),
    (["--to", "prospecting"], 1, "holp: moving P-2026-001 back to 开发阶段 needs --reason R\n"),
    (["--to", "entry"], 2, "holp: P-2026-001 is already at 销售进入阶段\n"),
    (["--to", "signed"], 2, "holp: --to signed: no such stage (the stages are: prospecting, entry, proposal, bidding, "
                            "negotiation, implementation, collection, evaluation, service)\n"),
])
def test_advance__refusals(git_repo: Path, holp: Callable[..., Result], args: list[str], code: int,
                           message: str) -> None:
    before = state(git_repo)
    result = holp("advance", "P-2026-001", *args)
    assert (result.exit_code, result.output) == (code, message)
    assert state(git_repo) == before


def test_advance__forced_skip_and_backward_move_record_the_reason(git_repo: Path, holp: Callable[..., Result]) -> None:
    assert holp("advance", "P-2026-001", "--to", "bidding", "--force", "--reason", "客户直接邀标").exit_code == 0
    assert git(git_repo, "log", "-1", "--format=%(trailers)") == (
        "Holp-Project: P-2026-001\nHolp-From: entry\nHolp-To: bidding\nHolp-Reason: 客户直接邀标\nHolp-Forced: true\n\n")
    assert holp("advance", "P-2026-001", "--to", "proposal", "--reason", "技术方案需重做").exit_code == 0
    assert "Holp-Reason: 技术方案需重做" in git(git_repo, "log", "-1", "--format=%B")
    assert "stage: proposal\n" in (git_repo / FILE).read_text(encoding="utf-8")


def test_advance__dry_run_shows_the_diff_and_writes_nothing(git_repo: Path, holp: Callable[..., Result]) -> None:
    holp("tick", "P-2026-001", "key_person_relationship")
    before = state(git_repo)
    result = holp("advance", "P-2026-001", "--dry-run")
    assert result.exit_code == 0
    assert "-stage: entry\n+stage: proposal\n" in result.output
    assert result.output.endswith("dry run: P-2026-001: entry → proposal; nothing written\n")
    assert state(git_repo) == before


def test_advance__no_commit_leaves_the_change_in_the_tree(git_repo: Path, holp: Callable[..., Result]) -> None:
    head = git(git_repo, "rev-parse", "HEAD")
    result = holp("advance", "P-2026-001", "--to", "proposal", "--force", "--reason", "x", "--no-commit")
    assert result.exit_code == 0
    assert result.output == f"P-2026-001: entry → proposal  ({FILE} written, not committed)\n"
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "status", "--porcelain") == f" M {FILE}\n"


def test_advance__branch_for_a_pull_request(git_repo: Path, holp: Callable[..., Result]) -> None:
    holp("tick", "P-2026-001", "key_person_relationship")
    result = holp("advance", "P-2026-001", "--branch")
    assert result.exit_code == 0, result.output
    assert "on branch holp/P-2026-001-proposal]" in result.output
    assert git(git_repo, "branch", "--show-current") == "holp/P-2026-001-proposal\n"
    assert git(git_repo, "log", "-1", "--format=%s", "main") == "P-2026-001: tick entry.key_person_relationship\n"
    again = holp("advance", "P-2026-001", "--force", "--reason", "x", "--branch", "holp/P-2026-001-proposal")
    assert again.exit_code == 2
    assert again.output == "holp: branch holp/P-2026-001-proposal already exists: name another with --branch NAME\n"


def test_advance__unrelated_staged_and_unstaged_work_survives(git_repo: Path, holp: Callable[..., Result]) -> None:
    holp("tick", "P-2026-001", "key_person_relationship")
    customer = git_repo / "customers/east/C-0001.yaml"
    write(customer, customer.read_text(encoding="utf-8") + "# 已暂存的修改\n")
    git(git_repo, "add", "--", "customers/east/C-0001.yaml")
    team = git_repo / "team.yaml"
    write(team, team.read_text(encoding="utf-8") + "# 未暂存的修改\n")
    write(git_repo / "notes.txt", "未跟踪的文件\n")
    staged, unstaged = git(git_repo, "diff", "--cached"), git(git_repo, "diff", "--", "team.yaml")
    files = snapshot(git_repo)
    assert holp("advance", "P-2026-001").exit_code == 0
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{FILE}\n"
    assert git(git_repo, "diff", "--cached") == staged
    assert git(git_repo, "diff", "--", "team.yaml") == unstaged
    after = snapshot(git_repo)
    assert {k: v for k, v in after.items() if k != FILE} == {k: v for k, v in files.items() if k != FILE}
    assert git(git_repo, "status", "--porcelain", "-uall") == "M  customers/east/C-0001.yaml\n M team.yaml\n?? notes.txt\n"


def test_close_lost_records_the_reason_and_reopen_removes_it(git_repo: Path, holp: Callable[..., Result]) -> None:
    before = (git_repo / FILE).read_bytes()
    result = holp("close", "P-2026-001", "--lost", "--reason", "price", "-m", "对手报价低15%")
    assert result.exit_code == 0, result.output
    lost = (git_repo / FILE).read_bytes()
    assert lost == before.replace(b"stage: entry\n", "stage: lost\nlost:\n  reason: price\n  stage: entry\n"
                                  "  date: 2026-11-24\n  note: 对手报价低15%\n".encode())
    assert "Holp-Reason: price" in git(git_repo, "log", "-1", "--format=%B")
    assert holp("validate").exit_code == 0
    assert holp("advance", "P-2026-001").output == (
        "holp: P-2026-001 is closed lost: `holp reopen P-2026-001 --to STAGE --reason R` first\n")
    assert holp("reopen", "P-2026-001", "--to", "entry", "--reason", "客户重新招标").exit_code == 0
    assert (git_repo / FILE).read_bytes() == before


def test_close__refusals(git_repo: Path, holp: Callable[..., Result]) -> None:
    before = state(git_repo)
    bad = holp("close", "P-2026-001", "--lost", "--reason", "bad_luck")
    assert bad.exit_code == 2
    assert bad.output == ("holp: --reason bad_luck: not a lost reason of holp.yaml (one of: price, technical, "
                          "relationship, budget_cancelled, competitor, withdrew)\n")
    won = holp("close", "P-2026-001", "--won", "--reason", "中标")
    assert won.exit_code == 1
    assert won.output == ("holp: P-2026-001: closing won from 销售进入阶段 skips 提案阶段, 招投标阶段, 商务谈判阶段; "
                          "a skip needs --force (the reason is recorded)\n")
    assert holp("reopen", "P-2026-001", "--to", "entry", "--reason", "x").exit_code == 1
    assert state(git_repo) == before


def test_close_won_moves_to_won_from(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("close", "P-2026-001", "--won", "--reason", "议标成功", "--force")
    assert result.exit_code == 0, result.output
    assert "stage: implementation\n" in (git_repo / FILE).read_text(encoding="utf-8")
    assert "Holp-Reason: 议标成功\nHolp-Forced: true" in git(git_repo, "log", "-1", "--format=%B")


def test_tick__refusals(git_repo: Path, holp: Callable[..., Result]) -> None:
    before = state(git_repo)
    evidence = holp("tick", "P-2026-001", "coach_identified")
    assert evidence.exit_code == 1
    assert evidence.output == ("holp: coach_identified is proven by evidence (customer.contacts[role=coach]), not by a "
                               "tick: add that to the files\n")
    unknown = holp("tick", "P-2026-001", "coffee")
    assert unknown.exit_code == 2
    assert unknown.output == ("holp: entry has no checklist item coffee (its items to tick: procurement_org_mapped, "
                              "key_person_relationship)\n")
    assert holp("tick", "P-2026-001", "key_person_relationship", "--date", "2026-02-30").exit_code == 2
    assert holp("tick", "P-2026-001", "key_person_relationship", "--note", " ").exit_code == 2
    assert state(git_repo) == before


# -- git says no ---------------------------------------------------------------------------


def test_missing_git_identity(git_repo: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    git(git_repo, "config", "user.useConfigOnly", "true")
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 2
    assert result.output == ('holp: git does not know who you are: run `git config user.name "..."` and '
                             "`git config user.email you@example.com`\n")
    assert state(git_repo) == before


def test_held_index_lock(git_repo: Path, holp: Callable[..., Result]) -> None:
    (git_repo / ".git" / "index.lock").write_text("")
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 2
    assert result.output.startswith("holp: another git process holds ") and "index.lock" in result.output
    (git_repo / ".git" / "index.lock").unlink()
    assert state(git_repo) == before


def test_detached_head(git_repo: Path, holp: Callable[..., Result]) -> None:
    git(git_repo, "checkout", "-q", "--detach")
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 2
    assert result.output == "holp: HEAD is detached: check out a branch (git switch main), or pass --branch NAME\n"
    assert state(git_repo) == before


def test_file_with_merge_conflict(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / FILE
    git(git_repo, "switch", "-q", "-c", "other")
    commit_file(git_repo, FILE, path.read_bytes().replace(b"amount: 3200000", b"amount: 3500000"))
    git(git_repo, "switch", "-q", "main")
    commit_file(git_repo, FILE, path.read_bytes().replace(b"amount: 3200000", b"amount: 3000000"))
    subprocess.run(["git", "merge", "-q", "other"], cwd=git_repo, capture_output=True, check=False)
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 2
    assert result.output == f"holp: {FILE} has an unresolved merge conflict: resolve it and commit first\n"
    assert state(git_repo) == before


def test_not_a_git_repository(repo: Path, holp: Callable[..., Result]) -> None:
    before = snapshot(repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 2
    assert result.output == f"holp: {repo} is not in a git repository: run `git init`, or pass --no-commit\n"
    assert snapshot(repo) == before
    assert holp("tick", "P-2026-001", "key_person_relationship", "--no-commit").exit_code == 0


def test_a_hook_that_refuses_the_commit_restores_the_file(git_repo: Path, holp: Callable[..., Result]) -> None:
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output == ("holp: the pre-commit hook (.git/hooks/pre-commit) refused the commit, so nothing was "
                             "changed; fix what it says, or run the hook alone to see it again. What it said:\n"
                             "  | no commits today\n")
    assert state(git_repo) == before


def test_another_holp_command_holds_the_lock(git_repo: Path, holp: Callable[..., Result],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from holp.files import exclusive

    monkeypatch.setenv("HOLP_LOCK_WAIT", "0.2")
    before = state(git_repo)
    with exclusive(git_repo / ".git" / "holp.lock"):
        result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 2
    assert result.output == "holp: another holp command is changing this repository; try again when it is done\n"
    assert state(git_repo) == before


def test_notes_and_names_never_become_git_options(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("tick", "P-2026-001", "key_person_relationship", "--note", "--amend --no-verify", "--branch", "a..b")
    assert result.exit_code == 2
    assert result.output == "holp: --branch a..b: not a valid branch name\n"
    assert holp("tick", "P-2026-001", "key_person_relationship", "--note=--amend").exit_code == 0
    assert git(git_repo, "rev-list", "--count", "HEAD") == "2\n"
    assert 'key_person_relationship: "--amend"\n' in (git_repo / FILE).read_text(encoding="utf-8")


# -- what a review of the first version found ----------------------------------------------


def test_a_failed_commit_on_a_new_branch_goes_back(git_repo: Path, holp: Callable[..., Result]) -> None:
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = state(git_repo)
    result = holp("advance", "P-2026-001", "--force", "--reason", "x", "--branch")
    assert result.exit_code == 1
    assert state(git_repo) == before
    assert git(git_repo, "branch", "--show-current") == "main\n"
    assert git(git_repo, "branch", "--list", "holp/*") == ""


def test_a_duplicate_id_is_not_moved(git_repo: Path, holp: Callable[..., Result]) -> None:
    commit_file(git_repo, "projects/north/P-2026-001.yaml", PROJECT.replace("2号高炉", "3号高炉").encode())
    before = state(git_repo)
    result = holp("advance", "P-2026-001", "--force", "--reason", "x")
    assert result.exit_code == 1
    assert result.output == ("holp: project id P-2026-001 is in 2 files (projects/east/P-2026-001.yaml, "
                             "projects/north/P-2026-001.yaml): give each its own id first\n")
    assert state(git_repo) == before


def test_a_broken_process_stops_moves(git_repo: Path, holp: Callable[..., Result]) -> None:
    config = git_repo / "holp.yaml"
    commit_file(git_repo, "holp.yaml", config.read_bytes().replace(b"won_from: implementation", b"won_from: nowhere"))
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "holp: holp.yaml has errors: no project moves until they are fixed"
    assert "holp.yaml:13:11: error[unknown-stage]" in result.output


def test_new_project_then_tick_adds_lines(git_repo: Path, holp: Callable[..., Result]) -> None:
    assert holp("new", "project", "--customer", "C-0001", "--name", "二期").exit_code == 0
    new = "projects/east/P-2026-002.yaml"
    git(git_repo, "add", "--", new)
    git(git_repo, "commit", "-q", "-m", "new")
    before = (git_repo / new).read_text(encoding="utf-8")
    assert holp("tick", "P-2026-002", "process_assessed", "--note", "工艺流程图已拿到").exit_code == 0
    assert git(git_repo, "diff", "--numstat", "HEAD~1", "HEAD") == f"2\t0\t{new}\n"
    after = (git_repo / new).read_text(encoding="utf-8")
    assert after == before.replace("checklist:\n", "checklist:\n  prospecting:\n    process_assessed: 工艺流程图已拿到\n")


def test_reopen_keeps_a_missing_final_newline(git_repo: Path, holp: Callable[..., Result]) -> None:
    text = PROJECT.replace("stage: entry\n", "").rstrip("\n") + "\nstage: entry"
    commit_file(git_repo, FILE, text.encode())
    assert holp("close", "P-2026-001", "--lost", "--reason", "price").exit_code == 0
    assert holp("reopen", "P-2026-001", "--to", "entry", "--reason", "重新招标").exit_code == 0
    assert (git_repo / FILE).read_bytes() == text.encode()


def test_a_stage_with_an_anchor_is_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    commit_file(git_repo, FILE, PROJECT.replace("stage: entry", "stage: &s entry").encode())
    before = state(git_repo)
    result = holp("advance", "P-2026-001", "--force", "--reason", "x")
    assert result.exit_code == 1
    assert "stage carries an anchor or a tag" in result.output
    assert state(git_repo) == before


def test_notes_with_control_characters_are_escaped(git_repo: Path, holp: Callable[..., Result]) -> None:
    assert holp("tick", "P-2026-001", "key_person_relationship", "--note", "第一行\u2028第二行\x07").exit_code == 0
    assert 'key_person_relationship: "第一行\\u2028第二行\\u0007"\n' in (git_repo / FILE).read_text(encoding="utf-8")


def test_a_message_that_looks_like_an_option_stays_a_message(git_repo: Path, holp: Callable[..., Result]) -> None:
    holp("tick", "P-2026-001", "key_person_relationship")
    count = git(git_repo, "rev-list", "--count", "HEAD")
    assert holp("advance", "P-2026-001", "-m", "--amend --no-verify").exit_code == 0
    assert git(git_repo, "rev-list", "--count", "HEAD") == f"{int(count) + 1}\n"
    assert git(git_repo, "log", "-1", "--format=%B").splitlines()[2] == "--amend --no-verify"


def test_dry_run_outside_git_leaves_no_file(repo: Path, holp: Callable[..., Result]) -> None:
    before = snapshot(repo)
    assert holp("advance", "P-2026-001", "--to", "proposal", "--force", "--reason", "x", "--dry-run").exit_code == 0
    assert snapshot(repo) == before
