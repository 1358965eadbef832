"""Move planning and move review are one rule: in memory, no git, no CLI."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holp.errors import HolpError
from holp.history import Transition
from holp.model import LOST, Contact, Customer, Lost, Project
from holp.repo import default_process
from holp.review import check_move
from holp.stages import (
    BACKWARD,
    FORWARD,
    LOST_MOVE,
    NEW,
    REOPEN,
    SKIP,
    UNKNOWN,
    classify,
    judge,
    plan_advance,
    plan_lost,
    plan_reopen,
    plan_won,
)

PROCESS = default_process()
STAGES = PROCESS.stage_ids
MANUAL = [(s.id, i.id) for s in PROCESS.stages for i in s.checklist if i.evidence is None]
COACH = Customer(id="C-1", name="客户", contacts=(Contact(name="王强", role="coach", closeness=4),))


def test_classify__names_every_kind_of_move() -> None:
    assert classify(PROCESS, None, STAGES[0]).name == NEW
    assert classify(PROCESS, STAGES[0], STAGES[1]).name == FORWARD
    skip = classify(PROCESS, STAGES[0], STAGES[3])
    assert (skip.name, skip.skipped) == (SKIP, STAGES[1:3])
    assert classify(PROCESS, STAGES[2], STAGES[1]).name == BACKWARD
    assert classify(PROCESS, STAGES[1], LOST).name == LOST_MOVE
    assert classify(PROCESS, LOST, STAGES[1]).name == REOPEN
    assert classify(PROCESS, STAGES[1], "nowhere").name == UNKNOWN
    won_index = STAGES.index(PROCESS.won_from)
    assert classify(PROCESS, STAGES[won_index - 1], PROCESS.won_from).won
    assert not classify(PROCESS, PROCESS.won_from, STAGES[won_index + 1]).won


def test_judge__what_makes_a_move_illegal() -> None:
    def problems(source: str | None, target: str, **options: object) -> list[str]:
        values = {"reason": None, "forced": False, "gate_status": None, "lost_reason": None, **options}
        return [code for code, _ in judge(PROCESS, source, target, **values).problems]  # type: ignore[arg-type]

    assert problems(None, STAGES[1]) == ["first-stage"]
    assert problems(STAGES[0], STAGES[2]) == ["skip"]
    assert problems(STAGES[0], STAGES[2], reason="客户直接邀标") == []
    assert problems(STAGES[2], STAGES[0]) == ["reason"]
    assert problems(STAGES[1], LOST, lost_reason="weather") == ["lost-reason"]
    assert problems(STAGES[1], LOST, lost_reason="price") == []
    assert problems(LOST, PROCESS.won_from, reason="签了") == ["reopen-open"]
    assert problems(STAGES[0], "nowhere") == ["unknown-stage"]


@st.composite
def projects(draw: st.DrawFn) -> tuple[Project, Customer | None]:
    stage = draw(st.sampled_from([*STAGES, LOST]))
    ticks: dict[str, dict[str, str]] = {}
    for stage_id, item in draw(st.lists(st.sampled_from(MANUAL), unique=True)):
        ticks.setdefault(stage_id, {})[item] = "2026-08-01"
    lost = Lost(reason=draw(st.sampled_from(["price", "weather"]))) if stage == LOST else None
    project = Project(id="P-1", name="项目", customer="C-1", owner="zhang.wei", stage=stage, checklist=ticks,
                      lost=lost)
    return project, draw(st.sampled_from([COACH, None]))


@settings(max_examples=400)
@given(projects(), st.sampled_from(["advance", "won", "lost", "reopen"]),
       st.one_of(st.none(), st.sampled_from([*STAGES, LOST, "nowhere"])), st.booleans(),
       st.one_of(st.none(), st.sampled_from(["price", "客户直接邀标", "weather"])))
def test_every_move_holp_plans_is_legal_for_review(state: tuple[Project, Customer | None], action: str,
                                                   to: str | None, force: bool, reason: str | None) -> None:
    project, customer = state
    try:
        if action == "advance":
            move = plan_advance(PROCESS, project, customer, to=to, force=force, reason=reason)
        elif action == "won":
            move = plan_won(PROCESS, project, customer, reason=reason or "签约", force=force)
        elif action == "lost":
            move = plan_lost(PROCESS, project, reason=reason or "price")
        else:
            move = plan_reopen(PROCESS, project, to=to or STAGES[0], reason=reason or "客户重启")
    except HolpError:
        return  # refused before anything is written: nothing for review to see
    after = dataclasses.replace(project, stage=move.target,
                                lost=Lost(reason=move.reason) if move.target == LOST else None)
    moved = Transition(project.id, move.source, move.target, "c0ffee", "张伟", "zhang.wei@example.com",
                       "2026-10-01T09:30:00+08:00", move.note, move.reason, forced=move.forced)
    verdict = check_move(PROCESS, moved, after, customer)
    assert verdict.legal, (move, verdict.problems)


def test_plan_advance__refuses_what_review_would_refuse() -> None:
    project = Project(id="P-1", name="项目", customer="C-1", owner="zhang.wei", stage=STAGES[0])
    with pytest.raises(HolpError, match="checklist item"):
        plan_advance(PROCESS, project, COACH)
    forced = plan_advance(PROCESS, project, COACH, force=True, reason="老客户")
    assert (forced.kind, forced.forced) == (FORWARD, True)
    moved = Transition("P-1", STAGES[0], STAGES[1], "c0ffee", "张伟", "zhang.wei@example.com",
                       "2026-10-01T09:30:00+08:00", None, None, forced=False)
    assert check_move(PROCESS, moved, project, COACH).problems[0].startswith(f"left {STAGES[0]} with its gate unmet")
