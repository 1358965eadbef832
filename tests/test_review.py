"""`holp review`: every move of a branch checked; exit 1 naming the illegal ones."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, TEAM, Script
from holp.resources import template


@pytest.fixture
def main_line(script: Script) -> Script:
    """main: the fixture's project at entry with its gate met but for one item; then a feature branch."""
    script.commit("li.na", "2026-10-01T09:00:00+08:00", "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
        "customers/east/C-0001.yaml": CUSTOMER, "projects/east/P-2026-001.yaml": PROJECT,
        "projects/east/P-2026-002.yaml": PROJECT.replace("P-2026-001", "P-2026-002").replace("stage: entry", "stage: proposal")})
    script.git("switch", "-q", "-c", "feature")
    return script


def review(holp: Callable[..., Result], *args: str) -> tuple[int, dict[str, object]]:
    result = holp("review", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_review__legal_branch_exits_0_and_lists_its_moves(main_line: Script, holp: Callable[..., Result]) -> None:
    main_line.run("zhang.wei", "2026-11-01T09:00:00+08:00", "tick", "P-2026-001", "key_person_relationship")
    c2 = main_line.run("zhang.wei", "2026-11-02T09:00:00+08:00", "advance", "P-2026-001", "-m", "客户认可")
    main_line.run("zhang.wei", "2026-11-03T09:00:00+08:00", "close", "P-2026-002", "--lost", "--reason", "price")
    code, data = review(holp)
    assert code == 0
    moves = data["moves"]
    assert isinstance(moves, list)
    assert [(m["project"], m["from"], m["to"], m["legal"]) for m in moves] == [
        ("P-2026-001", "entry", "proposal", True), ("P-2026-002", "proposal", "lost", True)]
    assert moves[0]["commit"] == c2 and moves[0]["author"] == "张伟" and moves[0]["note"] == "客户认可"
    assert [c["met"] for c in moves[0]["checklist"]] == [True, True, True, True, True]
    assert data["weighted_pipeline"] == {"before": "2400000.00", "after": "1600000.00", "change": "-800000.00"}
    text = holp("review").output
    assert text.startswith("## holp review: 2 stage moves since `")
    assert "| ✅ | P-2026-001 2号高炉余热发电改造 | 销售进入阶段 → 提案阶段 | 张伟 |" in text
    assert "✓ 找到暗中支持者(教练) (王强)" in text
    assert "**加权金额:** 2,400,000.00 → 1,600,000.00 CNY (−800,000.00)" in text


def test_review__skip_without_reason_and_unmet_gate_exit_1(main_line: Script, holp: Callable[..., Result]) -> None:
    text = (main_line.root / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8")
    main_line.commit("zhang.wei", "2026-11-01T09:00:00+08:00", "手工跳过",
                     {"projects/east/P-2026-001.yaml": text.replace("stage: entry", "stage: bidding")})
    other = (main_line.root / "projects/east/P-2026-002.yaml").read_text(encoding="utf-8")
    main_line.commit("zhang.wei", "2026-11-02T09:00:00+08:00", "手工推进",
                     {"projects/east/P-2026-002.yaml": other.replace("stage: proposal", "stage: bidding")})
    code, data = review(holp, "main")
    assert code == 1
    moves = data["moves"]
    assert isinstance(moves, list)
    assert [(m["project"], m["legal"], m["problems"]) for m in moves] == [
        ("P-2026-001", False, ["skipped proposal without a Holp-Reason",
                               "left entry with its gate unmet: key_person_relationship"]),
        ("P-2026-002", False, ["left proposal with its gate unmet: needs_understood, procurement_criteria_shaped, "
                               "proposal_reviewed"]),
    ]
    text = holp("review", "main").output
    assert "— 2 illegal" in text.splitlines()[0]
    assert "| ❌ | P-2026-001 " in text and "| ❌ | P-2026-002 " in text


def test_review__forced_move_with_reason_is_legal_but_flagged(main_line: Script, holp: Callable[..., Result]) -> None:
    main_line.run("zhang.wei", "2026-11-01T09:00:00+08:00", "advance", "P-2026-001", "--force", "--reason", "老客户")
    code, data = review(holp)
    assert code == 0
    moves = data["moves"]
    assert isinstance(moves, list)
    assert moves[0]["flags"] == ["forced past an unmet gate (key_person_relationship): 老客户"]
    assert "| ⚠️ | P-2026-001" in holp("review").output


@pytest.mark.parametrize(("change", "problem"), [
    ("back", "moved back without a Holp-Reason"),
    ("lost", "lost without a configured reason (price, technical, relationship, budget_cancelled, competitor, "
             "withdrew) in the file"),
    ("new", "a new project starts at prospecting, not proposal"),
])
def test_review__other_illegal_moves(main_line: Script, holp: Callable[..., Result], change: str,
                                     problem: str) -> None:
    text = (main_line.root / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8")
    files = {
        "back": {"projects/east/P-2026-001.yaml": text.replace("stage: entry", "stage: prospecting")},
        "lost": {"projects/east/P-2026-001.yaml": text.replace("stage: entry", "stage: lost\nlost: {reason: luck}")},
        "new": {"projects/east/P-2026-003.yaml": text.replace("P-2026-001", "P-2026-003").replace(
            "stage: entry", "stage: proposal")},
    }[change]
    main_line.commit("zhang.wei", "2026-11-01T09:00:00+08:00", change, files)
    code, data = review(holp)
    assert code == 1
    moves = data["moves"]
    assert isinstance(moves, list)
    assert moves[-1]["problems"] == [problem]


def test_review__validation_errors_in_touched_files_fail_it(main_line: Script, holp: Callable[..., Result]) -> None:
    text = (main_line.root / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8")
    main_line.commit("zhang.wei", "2026-11-01T09:00:00+08:00", "金额",
                     {"projects/east/P-2026-001.yaml": text.replace("amount: 3200000", "amount: 三百万")})
    code, data = review(holp)
    assert code == 1
    assert data["moves"] == []
    assert [(p["code"], p["line"]) for p in data["problems"]] == [("bad-amount", 7)]  # type: ignore[union-attr]


def test_review__no_base(script: Script, holp: Callable[..., Result]) -> None:
    script.commit("li.na", "2026-10-01T09:00:00+08:00", "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM})
    script.git("branch", "-m", "trunk")
    result = holp("review")
    assert result.exit_code == 2
    assert result.output == "holp: no origin/main or main to review against: name the base, e.g. `holp review origin/main`\n"
