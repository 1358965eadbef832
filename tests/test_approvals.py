"""The opportunity rules enforced (issue 13, item 6): the grade into the proposal, the manager's approval of the
proposal (`holp approve`), who may approve (validate), and who committed an approval (review)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, Script, git, snapshot, write
from holp.model import Assessment, Customer, Project
from holp.model.evidence import Root, parse_evidence
from holp.model.fields import build
from holp.resources import template

TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North China}, manager: zhao.lei}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager, handle: li-na}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
  - {id: zhao.lei, name: 赵磊, email: zhao.lei@example.com, region: north, role: manager}
  - {id: wang.zong, name: 王总, email: wang.zong@example.com, region: north, role: director}
targets:
  - {year: 2026, region: east, amount: 30000000}
"""

# the fixture's project, moved on to the proposal stage with the entry gate met (its evaluation is medium)
AT_PROPOSAL = PROJECT.replace("stage: entry", "stage: proposal").replace(
    "    procurement_org_mapped: 2026-09-10\n",
    "    procurement_org_mapped: 2026-09-10\n    key_person_relationship: 2026-09-20\n")
PATH = "projects/east/P-2026-001.yaml"


@pytest.fixture
def sales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed repository with the default process, a director, and P-2026-001 at the proposal stage."""
    root = tmp_path / "sales"
    write(root / "holp.yaml", template("init", "holp.yaml").read_bytes())
    write(root / "team.yaml", TEAM)
    write(root / "customers/east/C-0001.yaml", CUSTOMER)
    write(root / PATH, AT_PROPOSAL)
    monkeypatch.chdir(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return root


def as_(monkeypatch: pytest.MonkeyPatch, email: str) -> None:
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", email)


# -- the evidence language: assessment.grade and [in=...] ---------------------------------------------------


def _scores(real: int, worth: int) -> dict[str, dict[str, int]]:
    def group(ids: tuple[str, ...], total: int) -> dict[str, int]:
        values = [1] * 5
        for i in range(total - 5):
            values[i % 5] += 1
        return dict(zip(ids, values, strict=True))

    return {"real": group(("need", "business", "approval", "budget", "urgency"), real),
            "worth": group(("short_term_revenue", "future_revenue", "profit", "risk", "strategic_value"), worth)}


def _found(rule: str, project: Project, grade: str | None = None, customer: Customer | None = None) -> list[object]:
    return parse_evidence(rule).resolve(Root(project, customer, grade))


@pytest.mark.parametrize(("grade", "found"), [("high", ["high"]), ("medium", ["medium"]), ("low", []),
                                              (None, [])])
def test_grade_rule__holds_for_high_and_medium_only(grade: str | None, found: list[str]) -> None:
    project = Project(id="P-1", assessment=Assessment.read(_scores(20, 20)))
    assert _found("assessment.grade[in=high,medium]", project, grade) == found
    assert _found("assessment.grade", project, grade) == ([grade] if grade else [])


def test_grade_rule__no_evaluation_is_no_grade() -> None:
    assert _found("assessment.grade[in=high,medium]", Project(id="P-1"), None) == []


def test_in_filter__keeps_scalars_that_are_one_of_the_values() -> None:
    project = Project(id="P-1", stage="bidding")
    customer = Customer(id="C-1", credit="B")
    assert _found("stage[in=proposal, bidding]", project) == ["bidding"]
    assert _found("stage[in=proposal]", project) == []
    assert _found("customer.credit[in=A,B]", project, customer=customer) == ["B"]
    assert _found("customer.credit[in=C,D]", project, customer=customer) == []


def test_in_filter__never_matches_records() -> None:
    project = build(Project, {"id": "P-1", "approvals": [
        {"item": "proposal_reviewed", "by": "li.na", "date": "2026-11-01", "verdict": "approved"}]})
    customer = build(Customer, {"id": "C-1", "contacts": [{"name": "李明", "role": "coach"}]})
    assert _found("approvals[in=proposal_reviewed]", project) == []
    assert _found("customer.contacts[in=李明]", project, customer=customer) == []
    assert _found("customer.contacts.name[in=李明]", project, customer=customer) == ["李明"]


def _approvals(*entries: tuple[str, str]) -> Project:
    return build(Project, {"id": "P-1", "approvals": [
        {"item": "proposal_reviewed", "by": "li.na", "date": day, "verdict": verdict} for day, verdict in entries]})


RULE = "approvals[item=proposal_reviewed][verdict=approved]"


@pytest.mark.parametrize(("entries", "met"), [
    ([("2026-11-01", "approved")], True),
    ([("2026-11-01", "approved"), ("2026-11-05", "rejected")], False),  # a later rejection withdraws it
    ([("2026-11-01", "revise"), ("2026-11-05", "approved")], True),
    ([("2026-11-05", "approved"), ("2026-11-01", "rejected")], True),  # by date, not by place in the file
    ([("2026-11-05", "rejected"), ("2026-11-05", "approved")], True),  # the same day: the later in the file
    ([("2026-11-05", "approved"), ("2026-11-05", "revise")], False),
])
def test_approval_rule__sees_only_the_latest_verdict(entries: list[tuple[str, str]], met: bool) -> None:
    assert bool(_found(RULE, _approvals(*entries))) is met


# -- holp approve -----------------------------------------------------------------------------------------


def test_approve__appends_the_exact_line_and_commits_once(sales: Path, holp: Callable[..., Result],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "li.na@example.com")
    result = holp("approve", "P-2026-001", "proposal_reviewed", "--note", "方案可行，按二级报价权限")
    assert result.exit_code == 0, result.output
    sha = git(sales, "rev-parse", "--short=8", "HEAD").strip()
    assert result.output == f"P-2026-001: proposal_reviewed approved by li.na  [{sha}]\n"
    assert (sales / PATH).read_text(encoding="utf-8") == AT_PROPOSAL + (
        "approvals:\n"
        "  - {item: proposal_reviewed, by: li.na, date: 2026-11-24, verdict: approved, note: 方案可行，按二级报价权限}\n")
    assert git(sales, "log", "-1", "--format=%ae%n%B") == (
        "li.na@example.com\nP-2026-001: proposal_reviewed approved by li.na\n\n方案可行，按二级报价权限\n\n"
        "Holp-Project: P-2026-001\nHolp-Approval: #1 proposal_reviewed approved\n\n")
    assert git(sales, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(sales, "status", "--porcelain") == ""


def test_approve__a_second_verdict_goes_under_the_first(sales: Path, holp: Callable[..., Result],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "li.na@example.com")
    assert holp("approve", "P-2026-001", "proposal_reviewed", "--verdict", "revise", "--date", "2026-11-20",
                "--note", 'add the "savings" test: 2 weeks').exit_code == 0
    assert holp("approve", "P-2026-001", "proposal_reviewed").exit_code == 0
    assert (sales / PATH).read_text(encoding="utf-8").endswith(
        "approvals:\n"
        "  - {item: proposal_reviewed, by: li.na, date: 2026-11-20, verdict: revise, "
        "note: \"add the \\\"savings\\\" test: 2 weeks\"}\n"
        "  - {item: proposal_reviewed, by: li.na, date: 2026-11-24, verdict: approved}\n")
    shown = holp("show", "P-2026-001", "--lang", "en")
    assert shown.output.endswith(
        "Approvals:\n"
        '  1. 2026-11-20 Proposal reviewed by the sales manager: Revise and resubmit (李娜) add the "savings" test: '
        "2 weeks\n"
        " *2. 2026-11-24 Proposal reviewed by the sales manager: Approved (李娜)\n")
    data = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert [(a["verdict"], a["standing"]) for a in data["approvals"]] == [("revise", False), ("approved", True)]


def test_approve__a_director_approves_for_any_region(sales: Path, holp: Callable[..., Result],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "wang.zong@example.com")
    result = holp("approve", "P-2026-001", "proposal_reviewed")
    assert result.exit_code == 0, result.output
    assert (sales / PATH).read_text(encoding="utf-8").endswith(
        "approvals:\n  - {item: proposal_reviewed, by: wang.zong, date: 2026-11-24, verdict: approved}\n")


@pytest.mark.parametrize(("email", "message"), [
    ("zhang.wei@example.com", "holp: zhang.wei may not approve proposal_reviewed of P-2026-001: only the manager of "
                              "east (li.na) or a director approves\n"),
    ("zhao.lei@example.com", "holp: zhao.lei may not approve proposal_reviewed of P-2026-001: only the manager of "
                             "east (li.na) or a director approves\n"),  # another region's manager
    ("nobody@other.example", "holp: your git email nobody@other.example is no team member's in team.yaml: an "
                             "approval is given by the approver, committing as themselves\n"),
])
def test_approve__refuses_who_may_not_approve(sales: Path, holp: Callable[..., Result],
                                              monkeypatch: pytest.MonkeyPatch, email: str, message: str) -> None:
    as_(monkeypatch, email)
    before = snapshot(sales)
    result = holp("approve", "P-2026-001", "proposal_reviewed")
    assert (result.exit_code, result.output) == (1, message)
    assert snapshot(sales) == before
    assert git(sales, "rev-list", "--count", "HEAD").strip() == "1"


@pytest.mark.parametrize(("args", "message"), [
    (("P-2026-001", "proposal_reviewd"), "holp: proposal_reviewd is not a checklist item that takes an approval "
                                         "(did you mean proposal_reviewed?): the items that do: proposal_reviewed\n"),
    (("P-2026-001", "needs_understood"), "holp: needs_understood is not a checklist item that takes an approval: "
                                         "the items that do: proposal_reviewed\n"),
    (("P-2026-099", "proposal_reviewed"), "holp: no project with id P-2026-099 (did you mean P-2026-001?)\n"),
    (("P-2026-001", "proposal_reviewed", "--date", "2026-02-30"),
     "holp: --date 2026-02-30: not a real date written YYYY-MM-DD\n"),
    (("P-2026-001", "proposal_reviewed", "--note", "  "), "holp: --note must say something\n"),
    (("P-2026-001", "proposal_reviewed", "--date", "2026-11-25"),
     "holp: --date 2026-11-25 is after today (2026-11-24): a verdict is recorded when it is given\n"),
])
def test_approve__usage_errors_exit_2_and_write_nothing(sales: Path, holp: Callable[..., Result],
                                                        monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
                                                        message: str) -> None:
    as_(monkeypatch, "li.na@example.com")
    before = snapshot(sales)
    result = holp("approve", *args)
    assert (result.exit_code, result.output) == (2, message)
    assert snapshot(sales) == before


def test_approve__unknown_verdict_is_a_usage_error(sales: Path, holp: Callable[..., Result]) -> None:
    result = holp("approve", "P-2026-001", "proposal_reviewed", "--verdict", "ok")
    assert result.exit_code == 2
    assert "'ok' is not one of 'approved', 'rejected', 'revise'" in result.output


def test_tick__of_an_item_proven_by_an_approval_points_at_approve(sales: Path, holp: Callable[..., Result]) -> None:
    before = snapshot(sales)
    result = holp("tick", "P-2026-001", "proposal_reviewed")
    assert (result.exit_code, result.output) == (
        1, "holp: proposal_reviewed is proven by an approval (approvals[item=proposal_reviewed][verdict=approved]), "
           "not by a tick: the manager of the region or a director gives it with "
           "`holp approve P-2026-001 proposal_reviewed`\n")
    assert snapshot(sales) == before


# -- the gates: into the proposal, and out of it -------------------------------------------------------------


def test_advance__into_the_proposal_is_refused_for_a_low_grade(sales: Path, holp: Callable[..., Result]) -> None:
    low = AT_PROPOSAL.replace("stage: proposal", "stage: entry").replace("urgency: 4", "urgency: 1")  # 13: low
    write(sales / PATH, low)
    git(sales, "commit", "-qam", "low grade")
    result = holp("advance", "P-2026-001")
    assert (result.exit_code, result.output) == (
        1, "holp: P-2026-001 cannot leave 销售进入阶段 for 提案阶段: 1 of 5 checklist items is not met\n"
           "  ✗ 销售机会评估为高或中级 (opportunity_graded)  [evidence: assessment.grade[in=high,medium]]\n"
           "tick them (holp tick P-2026-001 ITEM) or pass --force --reason R\n")
    assert (sales / PATH).read_text(encoding="utf-8") == low
    medium = low.replace("urgency: 1", "urgency: 3")  # 15: medium
    write(sales / PATH, medium)
    git(sales, "commit", "-qam", "medium grade")
    assert holp("advance", "P-2026-001").exit_code == 0


def test_advance__out_of_the_proposal_needs_the_approval(sales: Path, holp: Callable[..., Result],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert holp("tick", "P-2026-001", "needs_understood").exit_code == 0
    assert holp("tick", "P-2026-001", "procurement_criteria_shaped").exit_code == 0
    refused = ("holp: P-2026-001 cannot leave 提案阶段 for 招投标阶段: 1 of 3 checklist items is not met\n"
               "  ✗ 方案经销售经理审核 (proposal_reviewed)  [evidence: approvals[item=proposal_reviewed]"
               "[verdict=approved]]\n"
               "proposal_reviewed is approved by the region's manager or a director: "
               "holp approve P-2026-001 proposal_reviewed\n"
               "tick them (holp tick P-2026-001 ITEM) or pass --force --reason R\n")
    assert (holp("advance", "P-2026-001").exit_code, holp("advance", "P-2026-001").output) == (1, refused)
    as_(monkeypatch, "li.na@example.com")
    assert holp("approve", "P-2026-001", "proposal_reviewed", "--date", "2026-11-20").exit_code == 0
    assert holp("approve", "P-2026-001", "proposal_reviewed", "--verdict", "rejected").exit_code == 0
    assert (holp("advance", "P-2026-001").exit_code, holp("advance", "P-2026-001").output) == (1, refused)
    assert holp("approve", "P-2026-001", "proposal_reviewed").exit_code == 0  # the same day, later: it stands
    as_(monkeypatch, "zhang.wei@example.com")
    assert holp("advance", "P-2026-001").exit_code == 0
    assert "stage: bidding\n" in (sales / PATH).read_text(encoding="utf-8")


# -- validate ---------------------------------------------------------------------------------------------


def test_validate__names_an_approver_who_may_not_and_an_unknown_item(sales: Path,
                                                                     holp: Callable[..., Result]) -> None:
    write(sales / PATH, AT_PROPOSAL + (
        "approvals:\n"
        "  - {item: proposal_reviewed, by: li.na, date: 2026-11-20, verdict: approved}\n"
        "  - {item: proposal_reviewed, by: zhang.wei, date: 2026-11-21, verdict: approved}\n"
        "  - {item: proposal_reviewed, by: zhao.lei, date: 2026-11-21, verdict: approved}\n"
        "  - {item: contract_aproved, by: wang.zong, date: 2026-11-22, verdict: approved}\n"
        "  - {item: proposal_reviewed, by: li.nna, date: 2026-11-22, verdict: approved}\n"))
    result = holp("validate")
    lines = AT_PROPOSAL.count("\n")
    assert result.exit_code == 1
    assert result.output == (
        f"{PATH}:{lines + 3}:35: error[approver-not-allowed]: approval 2 of proposal_reviewed by zhang.wei: only "
        "the manager of east (li.na) or a director approves\n"
        f"{PATH}:{lines + 4}:35: error[approver-not-allowed]: approval 3 of proposal_reviewed by zhao.lei: only "
        "the manager of east (li.na) or a director approves\n"
        f"{PATH}:{lines + 5}:12: error[unknown-checklist-item]: approval 4 of contract_aproved: no checklist item "
        "contract_aproved takes an approval (those that do: proposal_reviewed)\n"
        f"{PATH}:{lines + 6}:35: error[unknown-rep]: approval 5 of proposal_reviewed: 'li.nna' is no member of "
        "team.yaml (did you mean li.na?)\n"
        "4 files checked: 4 errors.\n")


def test_validate__the_example_repository_has_its_approvals(holp: Callable[..., Result]) -> None:
    example = Path(__file__).resolve().parent.parent / "example-repo"
    result = holp("-C", str(example), "validate", "--format", "json")
    codes = {p["code"] for p in json.loads(result.output)["problems"]}
    assert not codes & {"approver-not-allowed", "gate-unmet", "tick-contradicts-data", "unknown-checklist-item"}


# -- review -----------------------------------------------------------------------------------------------


def test_review__flags_an_approval_committed_by_someone_else(script: Script, holp: Callable[..., Result]) -> None:
    files = {"holp.yaml": PROCESS, "team.yaml": TEAM.replace("zhang.wei@example.com", "zhang.wei@example.com"),
             "customers/east/C-0001.yaml": CUSTOMER, PATH: AT_PROPOSAL}
    script.commit("li.na", "2026-11-20T09:00:00+08:00", "start", files)
    script.git("switch", "-q", "-c", "proposal")
    by_rep = AT_PROPOSAL + ("approvals:\n"
                            "  - {item: proposal_reviewed, by: li.na, date: 2026-11-21, verdict: approved}\n")
    forged = script.commit("zhang.wei", "2026-11-21T10:00:00+08:00", "李娜口头同意", {PATH: by_rep})
    script.run("li.na", "2026-11-22T10:00:00+08:00", "approve", "P-2026-001", "proposal_reviewed", "--date",
               "2026-11-22")
    result = holp("review", "main")
    assert result.exit_code == 0, result.output
    assert ("### Approvals committed by someone other than the approver\n\n"
            "- ⚠️ approval 1 of proposal_reviewed on P-2026-001 names li.na as approver but was committed by "
            f"zhang.wei (commit {forged[:8]}): the approver commits it, with \\`holp approve\\`\n") in result.output
    data = json.loads(holp("review", "main", "--format", "json").output)
    assert [(a["commit"], a["number"], a["by"], a["member"]) for a in data["approvals_by_others"]] == [
        (forged, 1, "li.na", "zhang.wei")]


def test_review__an_approval_by_its_approver_is_not_flagged(script: Script, holp: Callable[..., Result]) -> None:
    files = {"holp.yaml": PROCESS, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER, PATH: AT_PROPOSAL}
    script.commit("li.na", "2026-11-20T09:00:00+08:00", "start", files)
    script.git("switch", "-q", "-c", "proposal")
    script.run("li.na", "2026-11-22T10:00:00+08:00", "approve", "P-2026-001", "proposal_reviewed")
    data = json.loads(holp("review", "main", "--format", "json").output)
    assert data["approvals_by_others"] == []
    assert "Approvals committed" not in holp("review", "main").output


PROCESS = template("init", "holp.yaml").read_text(encoding="utf-8")


# -- the forms and the export -------------------------------------------------------------------------------


def test_stage_review_form__shows_the_approvals(sales: Path, holp: Callable[..., Result],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    before = holp("render", "stage-review", "P-2026-001").output
    assert "| ✗ | 方案经销售经理审核 |  `holp approve P-2026-001 proposal_reviewed` |\n" in before
    assert "### 审核意见\n\n- 无\n" in before
    as_(monkeypatch, "li.na@example.com")
    assert holp("approve", "P-2026-001", "proposal_reviewed", "--verdict", "revise", "--date", "2026-11-20",
                "--note", "补充节电率测算").exit_code == 0
    assert holp("approve", "P-2026-001", "proposal_reviewed").exit_code == 0
    after = holp("render", "stage-review", "P-2026-001").output
    assert ("### 审核意见\n\n"
            "- ~~2026-11-20 方案经销售经理审核: 修改后再审~~ (李娜) 补充节电率测算\n"
            "- **2026-11-24 方案经销售经理审核: 通过** (李娜)\n") in after
    assert "| ✓ | 方案经销售经理审核 | 2026-11-24 `approvals\\[item=proposal_reviewed\\]\\[verdict=approved\\]` |" in after


def test_export__an_approvals_table(sales: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path) -> None:
    as_(monkeypatch, "li.na@example.com")
    assert holp("approve", "P-2026-001", "proposal_reviewed", "--verdict", "rejected", "--date", "2026-11-20",
                "--note", "报价过低").exit_code == 0
    assert holp("approve", "P-2026-001", "proposal_reviewed").exit_code == 0
    out = tmp_path / "export"
    assert holp("export", "--format", "csv", "-o", str(out)).exit_code == 0
    assert (out / "approvals.csv").read_bytes().decode("utf-8-sig").splitlines() == [
        "project,index,item,by,date,verdict,standing,note",
        "P-2026-001,1,proposal_reviewed,li.na,2026-11-20,rejected,false,报价过低",
        "P-2026-001,2,proposal_reviewed,li.na,2026-11-24,approved,true,"]


def test_validate__a_bad_date_or_verdict_of_an_approval(sales: Path, holp: Callable[..., Result]) -> None:
    write(sales / PATH, AT_PROPOSAL + "approvals:\n  - {item: proposal_reviewed, by: li.na, date: 2026-02-30, "
                                      "verdict: maybe}\n")
    result = holp("validate")
    line = AT_PROPOSAL.count("\n") + 2
    assert (result.exit_code, result.output) == (1, (
        f"{PATH}:{line}:48: error[bad-date]: approvals.0.date: '2026-02-30' is not a real date written YYYY-MM-DD\n"
        f"{PATH}:{line}:69: error[bad-value]: approvals.0.verdict is 'maybe'; it must be one of: approved, rejected, "
        "revise\n"
        "4 files checked: 2 errors.\n"))


def test_approve__a_note_with_control_characters_is_quoted_in_the_file_and_inert_on_screen(
        sales: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "li.na@example.com")
    assert holp("approve", "P-2026-001", "proposal_reviewed", "--note", "同意\n\x1b[2J清屏").exit_code == 0
    assert (sales / PATH).read_text(encoding="utf-8").endswith(
        'verdict: approved, note: "同意\\n\\u001b[2J清屏"}\n')
    shown = holp("show", "P-2026-001").output
    assert "\x1b" not in shown
    assert shown.splitlines()[-1].startswith(" *1. 2026-11-24 方案经销售经理审核: 通过 (李娜) 同意")


def test_check__names_holp_approve_for_the_missing_approval(sales: Path, holp: Callable[..., Result]) -> None:
    result = holp("check", "P-2026-001", "--lang", "en")
    assert result.exit_code == 1
    assert result.output.endswith(
        "  ✗ Proposal reviewed by the sales manager (proposal_reviewed)  "
        "[evidence: approvals[item=proposal_reviewed][verdict=approved]]\n"
        "not ready: 3 of 3 items missing to leave Proposal; `holp tick P-2026-001 ITEM` ticks one.\n"
        "proposal_reviewed is approved by the region's manager or a director: "
        "`holp approve P-2026-001 proposal_reviewed`\n")
