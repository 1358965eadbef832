"""Review of issue 13 as a new user (a sales manager and a rep in their first month): what they met, fixed."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result

from conftest import git, snapshot, write


@pytest.fixture
def example(example: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example in git (conftest), on 2026-12-01 (the demo's Monday)."""
    monkeypatch.setenv("HOLP_TODAY", "2026-12-01")
    return example


def test_report_kpi__a_member_without_a_sales_target_ranks_after_those_with_one(
        example: Path, holp: Callable[..., Result]) -> None:
    # lin.xiaoyan (a manager with no target of her own) scored 19.4 % on visits and files alone and ranked first
    result = holp("report", "kpi", "--format", "json")
    assert result.exit_code == 0, result.output
    reps = json.loads(result.output)["reps"]
    targeted = [s["id"] for s in reps if next(k for k in s["kpis"] if k["id"] == "won")["target"] is not None]
    assert sorted(targeted) == ["he.jing", "huang.zhiqiang", "liu.yang", "sun.hao", "wang.fang", "zhang.wei"]
    assert [s["id"] for s in reps[:len(targeted)]] == [s["id"] for s in reps if s["id"] in targeted]
    assert [s["rank"] for s in reps] == list(range(1, len(reps) + 1))
    lin = next(s for s in reps if s["id"] == "lin.xiaoyan")
    assert lin["rank"] > len(targeted)
    assert Decimal(lin["score"]) > min(Decimal(s["score"]) for s in reps if s["id"] in targeted)  # ranked above
    text = holp("report", "kpi").output
    assert "* 没有本期销售任务(team.yaml 的 targets)的人员和区域排在有任务者之后\n" in text
    english = holp("report", "kpi", "--lang", "en").output
    assert "* those without a sales target for the period (targets in team.yaml) rank after those with one\n" in english


def as_member(monkeypatch: pytest.MonkeyPatch, name: str, email: str) -> None:
    for key, value in (("NAME", name), ("EMAIL", email)):
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)


def test_expense_add__a_manager_cannot_approve_her_own_expense(
        example: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    # li.na, the manager of east, spent 6,000 on a deal of her region and approved it herself: holp wrote it
    as_member(monkeypatch, "李娜", "li.na@holp.example")
    before = snapshot(example)
    result = holp("expense", "add", "P-2026-009", "--kind", "travel", "--amount", "6000", "--note", "差旅",
                  "--approved-by", "li.na")
    assert result.exit_code == 1
    assert result.output == (
        "holp: P-2026-009: expense 3 (6,000 travel) needs the approval of the manager of east (li.na) or a director, "
        "not of who spent it; approved_by li.na is its by: pass --approved-by qian.zong; nothing written\n")
    assert snapshot(example) == before
    result = holp("expense", "add", "P-2026-009", "--kind", "travel", "--amount", "6000", "--note", "差旅",
                  "--approved-by", "qian.zong")
    assert result.exit_code == 0, result.output


def test_validate__an_expense_approved_by_who_spent_it_is_an_error(example: Path, holp: Callable[..., Result]) -> None:
    path = example / "projects/east/P-2026-009.yaml"
    text = path.read_text(encoding="utf-8")
    mine = "amount: 6800, by: li.na, approved_by: li.na,"
    write(path, text.replace("amount: 6800, by: zhang.wei, approved_by: li.na,", mine))
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if mine in t)
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("approved_by: li.na") + len("approved_by: ") + 1
    result = holp("validate")
    assert result.exit_code == 1
    assert (f"projects/east/P-2026-009.yaml:{line}:{column}: error[expense-not-approved]: expense 2 (6,800 sample) "
            "needs the approval of the manager of east (li.na) or a director, not of who spent it; approved_by li.na "
            "is its by") in result.output.splitlines()


def test_new__a_lead_gets_its_source_and_class_when_it_is_created(git_repo: Path, holp: Callable[..., Result]) -> None:
    # a new lead had no --source: `report sources` put every new lead under "no source" until someone edited the file
    result = holp("new", "customer", "--name", "江苏永丰水泥有限公司", "--region", "east", "--owner", "zhang.wei",
                  "--class", "A", "--source", "event", "--id", "C-0002")
    assert result.exit_code == 0, result.output
    text = (git_repo / "customers/east/C-0002.yaml").read_text(encoding="utf-8")
    assert "# credit: B                 # 客户信誉 / credit rating\nclass: A\nsource: event\n# 关键人物" in text
    result = holp("new", "project", "--customer", "C-0002", "--name", "水泥窑余热发电", "--source", "referral",
                  "--id", "P-2026-002")
    assert result.exit_code == 0, result.output
    text = (git_repo / "projects/east/P-2026-002.yaml").read_text(encoding="utf-8")
    assert "customer: C-0002\nowner: zhang.wei\nsource: referral\n# business_line:" in text
    assert holp("validate").exit_code == 0
    data = json.loads(holp("report", "sources", "--format", "json").output)
    counts = {s["source"]: (s["projects"], s["customers"]) for s in data["sources"]}
    assert (counts["event"], counts["referral"]) == ((0, 1), (1, 0))


@pytest.mark.parametrize("args", [
    ("new", "customer", "--name", "某公司", "--region", "east", "--owner", "zhang.wei", "--source", "weibo"),
    ("new", "project", "--customer", "C-0001", "--name", "某项目", "--source", "weibo"),
])
def test_new__an_unknown_source_is_refused_before_any_write(git_repo: Path, holp: Callable[..., Result],
                                                           args: tuple[str, ...]) -> None:
    before = snapshot(git_repo)
    result = holp(*args)
    assert result.exit_code == 2
    assert result.output == ("holp: --source weibo: no such source in holp.yaml "
                             "(known: email, event, other, phone, referral, self, walk_in)\n")
    assert snapshot(git_repo) == before


def test_report_expenses__the_list_names_who_spent_and_who_approved_as_team_yaml_does(
        example: Path, holp: Callable[..., Result]) -> None:
    # the list showed ids (lin.xiaoyan, qian.zong) where every other report shows names (林晓燕, 钱总)
    result = holp("report", "expenses")
    assert result.exit_code == 0, result.output
    assert ("2026-10-15  C-0011      招待            9,800.00  林晓燕    钱总      年度客户答谢会(不针对具体项目)"
            in result.output.splitlines())
    data = json.loads(holp("report", "expenses", "--format", "json").output)
    mine = next(e for e in data["expenses"] if e["record"] == "C-0011")
    assert (mine["by"], mine["approved_by"]) == ("lin.xiaoyan", "qian.zong")  # JSON keeps the ids


def test_approve__a_manager_cannot_approve_the_proposal_of_her_own_project(
        example: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    # lin.xiaoyan, manager of south, owns P-2026-022; it has reached the proposal stage (committed)
    path = example / "projects/south/P-2026-022.yaml"
    write(path, path.read_text(encoding="utf-8").replace("stage: prospecting\n", "stage: proposal\n", 1))
    git(example, "commit", "-qam", "P-2026-022 reached the proposal stage")
    as_member(monkeypatch, "林晓燕", "lin.xiaoyan@holp.example")
    before = snapshot(example)
    result = holp("approve", "P-2026-022", "proposal_reviewed")
    assert result.exit_code == 1
    assert result.output == ("holp: lin.xiaoyan may not approve proposal_reviewed of P-2026-022, their own project: "
                             "only the manager of south (lin.xiaoyan) or a director other than its owner approves\n")
    assert snapshot(example) == before
    as_member(monkeypatch, "钱总", "qian.zong@holp.example")
    assert holp("approve", "P-2026-022", "proposal_reviewed").exit_code == 0


def test_validate__an_approval_by_the_projects_owner_is_an_error(example: Path, holp: Callable[..., Result]) -> None:
    path = example / "projects/south/P-2026-022.yaml"
    entry = "  - {item: proposal_reviewed, by: lin.xiaoyan, date: 2026-11-30, verdict: approved}"
    write(path, path.read_text(encoding="utf-8") + "approvals:\n" + entry + "\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    result = holp("validate")
    assert result.exit_code == 1
    assert (f"projects/south/P-2026-022.yaml:{line}:{entry.index('lin.xiaoyan') + 1}: error[approver-not-allowed]: "
            "approval 1 of proposal_reviewed by lin.xiaoyan, the project's owner: only the manager of south "
            "(lin.xiaoyan) or a director other than its owner approves") in result.output.splitlines()
