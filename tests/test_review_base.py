"""`holp review` judges a branch by the rules of its merge base, and a change of the rules is a finding of its own.

Every test makes a branch on a repository whose main has the default process, the team of conftest, P-1 at
negotiation with contract_approved ticked but not contract_signed (so leaving negotiation is illegal) and P-2
lost, and asserts what `holp review main` says.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import CUSTOMER, TEAM, Script, project
from holp.resources import template

START = "2026-01-05T09:00:00+08:00"
LATER = "2026-02-01T10:00:00+08:00"
P1 = "projects/east/P-1.yaml"
P2 = "projects/east/P-2.yaml"
PROCESS = template("init", "holp.yaml").read_text(encoding="utf-8")
HALF_TICKED = "checklist:\n  negotiation:\n    contract_approved: 2026-01-04\n"
LOST_P2 = project("P-2", "lost") + "lost: {reason: price}\n"


def _main(script: Script) -> str:
    base = script.commit("li.na", START, "start", {
        "holp.yaml": PROCESS, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        P1: project("P-1", "negotiation") + HALF_TICKED, P2: LOST_P2})
    script.git("switch", "-q", "-c", "feature")
    return base


def _process(old: str, new: str) -> str:
    assert PROCESS.count(old) == 1, old
    return PROCESS.replace(old, new)


def _review(holp: Callable[..., Result]) -> tuple[int, dict[str, object]]:
    result = holp("review", "main", "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def _moves(review: dict[str, object]) -> list[tuple[object, ...]]:
    return [(m["project"], m["from"], m["to"], m["legal"], tuple(m["problems"]))  # type: ignore[index]
            for m in review["moves"]]  # type: ignore[attr-defined]


def _section(base: str, *paths: str) -> str:
    return "\n".join([
        "### The process, the team or the checks changed: an owner must approve", "",
        "This branch changes the rules every move is judged by, or the checks that judge it. Its moves were "
        "judged by holp.yaml and team.yaml "
        f"as the merge base `{base[:8]}` has them; the change applies only once merged. To approve it, an owner of "
        "these files (@li-na, as CODEOWNERS has it from team.yaml) reviews each file below in this pull request and "
        "approves the pull request; this check fails until then, so merging it is their decision.", "",
        *[f"- `{p}`" for p in paths], ""])


def test_a_checklist_item_the_branch_removes_still_holds_the_move(script: Script,
                                                                   holp: Callable[..., Result]) -> None:
    base = _main(script)
    shorter = _process("      - id: contract_signed\n        text: {zh: 合同签订, en: Contract signed}\n", "")
    script.commit("zhang.wei", LATER, "contract signed is no longer needed", {
        "holp.yaml": shorter, P1: project("P-1", "implementation") + HALF_TICKED})
    code, review = _review(holp)
    assert code == 1
    assert review["legal"] is False
    assert review["config_changes"] == ["holp.yaml"]
    assert review["rules"] == {"from": "base", "unread": None}
    assert _moves(review) == [("P-1", "negotiation", "implementation", False,
                               ("left negotiation with its gate unmet: contract_signed",))]
    checklist = review["moves"][0]["checklist"]  # type: ignore[index]
    assert [(c["id"], c["met"]) for c in checklist] == [("contract_approved", True), ("contract_signed", False)]
    text = holp("review", "main")
    assert text.exit_code == 1
    assert text.stdout.startswith(f"## holp review: 1 stage move since `{base[:8]}` — 1 illegal — the process, the "
                                  "team or the checks changed\n\n" + _section(base, "holp.yaml"))
    assert "| ❌ | P-1 项目P-1 | 商务谈判阶段 → 工程实施阶段 | 张伟 |" in text.stdout
    # the branch's own process would have let it pass: the same move on a main that has that process is legal
    script.git("switch", "-q", "main")
    script.commit("li.na", LATER, "the director drops contract_signed", {"holp.yaml": shorter})
    script.git("switch", "-q", "-c", "after")
    script.commit("zhang.wei", LATER, "move", {P1: project("P-1", "implementation") + HALF_TICKED})
    code, review = _review(holp)
    assert (code, review["config_changes"], _moves(review)) == (0, [], [
        ("P-1", "negotiation", "implementation", True, ())])


def test_won_from_moved_later_by_the_branch_makes_no_reopening_to_a_won_stage_legal(
        script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "back in business\n\nHolp-Reason: 客户重新招标", {
        "holp.yaml": _process("won_from: implementation ", "won_from: collection "),
        P2: project("P-2", "implementation", amount="5000000")})
    code, review = _review(holp)
    assert code == 1
    assert review["config_changes"] == ["holp.yaml"]
    assert _moves(review) == [("P-2", "lost", "implementation", False, (
        "reopened to implementation: a reopened deal goes back to an open stage, before implementation",))]
    # the weighted pipeline is the base's too: under it implementation is won, so P-2 adds nothing open
    assert review["weighted_pipeline"] == {"before": "900000.00", "after": "900000.00", "change": "0.00"}


def test_a_lost_reason_the_branch_adds_is_no_configured_reason(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "lost, bored", {
        "holp.yaml": _process("lost_reasons:                # 丢单原因 / why a deal was lost\n",
                              "lost_reasons:                # 丢单原因 / why a deal was lost\n"
                              "  - {id: bored, label: {zh: 没兴趣, en: Bored}}\n"),
        P1: project("P-1", "lost") + HALF_TICKED + "lost: {reason: bored}\n"})
    code, review = _review(holp)
    assert code == 1
    assert review["config_changes"] == ["holp.yaml"]
    assert _moves(review) == [("P-1", "negotiation", "lost", False, (
        "lost without a configured reason (price, technical, relationship, budget_cancelled, competitor, withdrew) "
        "in the file",))]


def test_a_branch_that_only_edits_the_team_is_a_finding(script: Script, holp: Callable[..., Result]) -> None:
    base = _main(script)
    me = "  - {id: consultant, name: 外部顾问, email: consultant@other.example, region: east, role: director, " \
         "handle: consultant}\n"
    mine = script.commit("outsider", LATER, "I manage now",
                         {"team.yaml": TEAM.replace("targets:\n", me + "targets:\n")})
    code, review = _review(holp)
    assert code == 1
    assert review["legal"] is False
    assert review["config_changes"] == ["team.yaml"]
    assert review["moves"] == []
    text = holp("review", "main")
    assert text.exit_code == 1
    # the owners named are the base's (li-na), not the director the branch made of itself
    assert text.stdout == "\n".join([
        f"## holp review: 0 stage moves since `{base[:8]}` — the process, the team or the checks changed", "",
        _section(base, "team.yaml"), "No stage moves on this branch.", "",
        "**加权金额:** 900,000.00 → 900,000.00 CNY (+0.00)", "",
        "### Authors who are no reps of team.yaml", "",
        "Their commits are attributed to nobody: add each email to the rep's `emails` in team.yaml.", "",
        f"- ⚠️ `consultant@other.example` (外部顾问): commit `{mine[:8]}`", "", ""])


def test_the_authors_are_the_reps_of_the_base_team(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    me = "  - {id: consultant, name: 顾问, email: consultant@other.example, region: east, role: manager}\n"
    script.commit("outsider", LATER, "new deal", {"team.yaml": TEAM.replace("targets:\n", me + "targets:\n"),
                                                  "projects/east/P-3.yaml": project("P-3", "prospecting")})
    code, review = _review(holp)
    assert code == 1
    move = review["moves"][0]  # type: ignore[index]
    assert (move["project"], move["legal"], move["author"], move["rep"]) == ("P-3", True, "外部顾问", None)


def test_a_branch_that_changes_no_rule_is_judged_as_before(script: Script, holp: Callable[..., Result]) -> None:
    base = _main(script)
    script.commit("zhang.wei", LATER, "signed", {
        P1: project("P-1", "implementation") + HALF_TICKED + "    contract_signed: 2026-01-30\n"})
    code, review = _review(holp)
    assert (code, review["legal"], review["config_changes"]) == (0, True, [])
    assert review["rules"] == {"from": "base", "unread": None}
    text = holp("review", "main")
    assert text.exit_code == 0
    assert text.stdout.startswith(f"## holp review: 1 stage move since `{base[:8]}` — all legal\n\n| 结论 |")
    assert "### The process, the team or the checks changed" not in text.stdout
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "back without a reason", {
        P1: project("P-1", "negotiation") + HALF_TICKED})
    code, review = _review(holp)
    assert (code, review["config_changes"]) == (1, [])
    assert _moves(review)[-1] == ("P-1", "implementation", "negotiation", False,
                                  ("moved back without a Holp-Reason",))


def test_templates_changed_by_the_branch_are_a_finding(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "labels", {"templates/labels.yaml": "weighted: {zh: 随便, en: Whatever}\n"})
    code, review = _review(holp)
    assert (code, review["config_changes"], review["moves"]) == (1, ["templates/labels.yaml"], [])


@pytest.mark.parametrize("path", [".github/workflows/holp.yml", "tools/holp-0.1.0-py3-none-any.whl",
                                  ".pre-commit-config.yaml"])
def test_the_checks_changed_by_the_branch_are_a_finding(script: Script, holp: Callable[..., Result],
                                                        path: str) -> None:
    """A pull request runs its own workflow (and any wheel it installs): changing them is changing the checks."""
    _main(script)
    script.commit("zhang.wei", LATER, "ci", {path: "jobs: {}\n"})
    code, review = _review(holp)
    assert (code, review["config_changes"], review["moves"]) == (1, [path], [])
    text = holp("review", "main").stdout
    assert "### The process, the team or the checks changed: an owner must approve" in text
    assert f"- `{path}`" in text


def test_a_branch_that_adds_the_process_is_judged_by_it_and_fails(script: Script,
                                                                   holp: Callable[..., Result]) -> None:
    base = script.commit("li.na", START, "readme", {"README.md": "sales\n"})
    script.git("switch", "-q", "-c", "feature")
    script.commit("li.na", LATER, "start", {"holp.yaml": PROCESS, "team.yaml": TEAM,
                                            "customers/east/C-0001.yaml": CUSTOMER,
                                            "projects/east/P-3.yaml": project("P-3", "prospecting")})
    code, review = _review(holp)
    assert code == 1
    assert review["rules"] == {"from": "branch", "unread": f"holp.yaml does not exist at {base[:8]}"}
    assert review["config_changes"] == ["holp.yaml", "team.yaml"]
    assert _moves(review) == [("P-3", None, "prospecting", True, ())]
    text = holp("review", "main")
    assert text.exit_code == 1
    assert text.stdout.startswith("\n".join([
        f"## holp review: 1 stage move since `{base[:8]}` — all legal — the process, the team or the checks changed", "",
        f"> ⚠️ No rules at the merge base `{base[:8]}`: holp.yaml does not exist at {base[:8]}. The moves are "
        "judged by this branch's own holp.yaml, which no owner has approved.", "",
        "### The process, the team or the checks changed: an owner must approve", "",
        "This branch changes the rules every move is judged by, or the checks that judge it. Its moves were "
        "judged by holp.yaml and team.yaml "
        f"as the merge base `{base[:8]}` has them; the change applies only once merged. To approve it, a director "
        "or manager (team.yaml at the merge base gives nobody a handle for CODEOWNERS) reviews each file below in "
        "this pull request and approves the pull request; this check fails until then, so merging it is their "
        "decision.", "", "- `holp.yaml`", "- `team.yaml`", ""]))


def test_a_process_that_is_a_link_at_the_base_is_no_rule(script: Script, holp: Callable[..., Result]) -> None:
    (script.root / "elsewhere.yaml").write_text(PROCESS, encoding="utf-8")
    (script.root / "holp.yaml").symlink_to("elsewhere.yaml")
    script.git("add", "holp.yaml", "elsewhere.yaml")
    base = script.commit("li.na", START, "start", {"team.yaml": TEAM})
    script.git("switch", "-q", "-c", "feature")
    script.git("rm", "-q", "holp.yaml")
    script.commit("li.na", LATER, "a file", {"holp.yaml": PROCESS})
    code, review = _review(holp)
    assert code == 1
    assert review["rules"] == {"from": "branch", "unread": f"holp.yaml at {base[:8]} is a symbolic link: holp "
                                                           "never follows links"}
    assert review["config_changes"] == ["holp.yaml"]
