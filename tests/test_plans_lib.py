"""Move planning (`holp.stages.plan_*`): each refusal's exact words and exit code, each planned `Move`."""

from __future__ import annotations

from typing import Any

import pytest

from holp.errors import FAILED, USAGE, HolpError
from holp.model import LOST, Assessment, Contact, Customer, Project
from holp.repo import default_process
from holp.stages import BACKWARD, FORWARD, LOST_MOVE, REOPEN, SKIP, WON, Move, plan_advance, plan_lost, plan_reopen, plan_won

PROCESS = default_process()
CUSTOMER = Customer(id="C-1", name="客户", credit="B",
                    contacts=(Contact(name="王强", role="coach"), Contact(name="李明", role="decision_maker")))
# an evaluation graded medium (16 and 17 of 25): the gate into the proposal needs high or medium
MEDIUM = Assessment.read({"real": {"need": 4, "business": 3, "approval": 3, "budget": 2, "urgency": 4},
                          "worth": {"short_term_revenue": 4, "future_revenue": 3, "profit": 3, "risk": 2,
                                    "strategic_value": 5}})
ENTRY_TICKS = {"entry": {"procurement_org_mapped": "2026-09-10", "key_person_relationship": "关系良好"}}
SIGNED = {"negotiation": {"contract_approved": "2026-10-01", "contract_signed": "2026-10-08"}}
STAGES = "prospecting, entry, proposal, bidding, negotiation, implementation, collection, evaluation, service"
REASONS = "price, technical, relationship, budget_cancelled, competitor, withdrew"


def at(stage: str, **fields: Any) -> Project:
    return Project(id="P-1", name="项目", customer="C-1", owner="zhang.wei", stage=stage, **fields)


def refusal(plan: Any, *args: Any, **options: Any) -> tuple[int, str]:
    with pytest.raises(HolpError) as raised:
        plan(PROCESS, *args, **options)
    return raised.value.exit_code, raised.value.message


def planned(move: Move) -> tuple[str, str, str, str | None, str | None, bool]:
    return move.source, move.target, move.kind, move.reason, move.note, move.forced


# -- plan_advance --------------------------------------------------------------------------


def test_plan_advance__next_stage_when_the_gate_is_met() -> None:
    project = at("entry", checklist=ENTRY_TICKS, assessment=MEDIUM)
    move = plan_advance(PROCESS, project, CUSTOMER, note="方案会")
    assert move.project is project
    assert planned(move) == ("entry", "proposal", FORWARD, None, "方案会", False)


def test_plan_advance__forced_past_an_unmet_gate_is_flagged() -> None:
    move = plan_advance(PROCESS, at("entry"), CUSTOMER, force=True, reason="老客户")
    assert planned(move) == ("entry", "proposal", FORWARD, "老客户", None, True)


def test_plan_advance__skip_with_force_and_reason() -> None:
    move = plan_advance(PROCESS, at("entry", checklist=ENTRY_TICKS), CUSTOMER, to="bidding", force=True,
                        reason="客户直接邀标")
    assert planned(move) == ("entry", "bidding", SKIP, "客户直接邀标", None, True)


def test_plan_advance__back_with_a_reason() -> None:
    move = plan_advance(PROCESS, at("proposal"), CUSTOMER, to="entry", reason="客户改方案")
    assert planned(move) == ("proposal", "entry", BACKWARD, "客户改方案", None, False)


def test_plan_advance__refuses_force_without_reason() -> None:
    assert refusal(plan_advance, at("entry"), CUSTOMER, force=True) == (
        USAGE, "--force needs --reason: say why the gate is passed over; it is recorded for review")


def test_plan_advance__refuses_a_lost_project() -> None:
    assert refusal(plan_advance, at(LOST), CUSTOMER) == (
        FAILED, "P-1 is closed lost: `holp reopen P-1 --to STAGE --reason R` first")


def test_plan_advance__refuses_an_unknown_stage() -> None:
    assert refusal(plan_advance, at("nowhere"), CUSTOMER) == (
        FAILED, "P-1 is at unknown stage 'nowhere': run holp validate")


def test_plan_advance__refuses_past_the_last_stage() -> None:
    assert refusal(plan_advance, at("service"), CUSTOMER) == (FAILED, "P-1 is at 售后服务, the last stage")


def test_plan_advance__refuses_an_unknown_target_listing_the_stages() -> None:
    assert refusal(plan_advance, at("entry"), CUSTOMER, to="nowhere") == (
        USAGE, f"--to nowhere: no such stage (the stages are: {STAGES})")


def test_plan_advance__refuses_the_stage_it_is_at() -> None:
    assert refusal(plan_advance, at("entry"), CUSTOMER, to="entry", lang="en") == (USAGE, "P-1 is already at Entry")


def test_plan_advance__refuses_a_skip_without_force_even_with_a_reason() -> None:
    message = "P-1: moving to 招投标阶段 skips 提案阶段; a skip needs --force --reason R"
    assert refusal(plan_advance, at("entry", checklist=ENTRY_TICKS), CUSTOMER, to="bidding") == (FAILED, message)
    assert refusal(plan_advance, at("entry", checklist=ENTRY_TICKS), CUSTOMER, to="bidding", reason="邀标") == (
        FAILED, message)


def test_plan_advance__refuses_an_unmet_gate_listing_what_is_missing() -> None:
    assert refusal(plan_advance, at("entry"), CUSTOMER, lang="en") == (FAILED, (
        "P-1 cannot leave Entry for Proposal: 3 of 5 checklist items are not met\n"
        "  ✗ Customer's buying organisation and roles mapped (procurement_org_mapped)\n"
        "  ✗ A good relationship with the key persons (key_person_relationship)\n"
        "  ✗ Opportunity graded high or medium (opportunity_graded)  [evidence: assessment.grade[in=high,medium]]\n"
        "tick them (holp tick P-1 ITEM) or pass --force --reason R"))


def test_plan_advance__refuses_one_missing_item_in_the_singular() -> None:
    ticks = {"negotiation": {"contract_approved": "2026-10-01"}}
    assert refusal(plan_advance, at("negotiation", checklist=ticks), CUSTOMER) == (FAILED, (
        "P-1 cannot leave 商务谈判阶段 for 工程实施阶段: 1 of 2 checklist items is not met\n"
        "  ✗ 合同签订 (contract_signed)\n"
        "tick them (holp tick P-1 ITEM) or pass --force --reason R"))


def test_plan_advance__refuses_back_without_a_reason() -> None:
    assert refusal(plan_advance, at("proposal"), CUSTOMER, to="entry") == (
        FAILED, "moving P-1 back to 销售进入阶段 needs --reason R")


# -- plan_won ------------------------------------------------------------------------------


def test_plan_won__from_the_stage_before_won_with_its_gate_met() -> None:
    move = plan_won(PROCESS, at("negotiation", checklist=SIGNED), CUSTOMER, reason="签约", note="合同号 HT-1")
    assert planned(move) == ("negotiation", "implementation", WON, "签约", "合同号 HT-1", False)


def test_plan_won__forced_over_an_unmet_gate_and_a_skip() -> None:
    assert planned(plan_won(PROCESS, at("negotiation"), CUSTOMER, reason="签约", force=True)) == (
        "negotiation", "implementation", WON, "签约", None, True)
    assert planned(plan_won(PROCESS, at("bidding"), CUSTOMER, reason="议标即签", force=True)) == (
        "bidding", "implementation", WON, "议标即签", None, True)


def test_plan_won__refuses_a_skip_without_force() -> None:
    assert refusal(plan_won, at("bidding"), CUSTOMER, reason="签约") == (
        FAILED, "P-1: closing won from 招投标阶段 skips 商务谈判阶段; a skip needs --force (the reason is recorded)")


def test_plan_won__refuses_lost_won_and_unknown() -> None:
    assert refusal(plan_won, at(LOST), CUSTOMER, reason="r") == (FAILED, "P-1 is closed lost: reopen it first")
    assert refusal(plan_won, at("collection"), CUSTOMER, reason="r") == (FAILED, "P-1 is already won (回收项目款项)")
    assert refusal(plan_won, at("x"), CUSTOMER, reason="r") == (FAILED, "P-1 is at unknown stage 'x': run holp validate")


# -- plan_lost -----------------------------------------------------------------------------


def test_plan_lost__from_an_open_stage_with_a_configured_reason() -> None:
    assert planned(plan_lost(PROCESS, at("bidding"), reason="price", note="低价中标")) == (
        "bidding", LOST, LOST_MOVE, "price", "低价中标", False)


def test_plan_lost__refuses_an_unconfigured_reason() -> None:
    assert refusal(plan_lost, at("entry"), reason="weather") == (
        USAGE, f"--reason weather: not a lost reason of holp.yaml (one of: {REASONS})")


def test_plan_lost__refuses_lost_unknown_and_won() -> None:
    assert refusal(plan_lost, at(LOST), reason="price") == (FAILED, "P-1 is already closed lost")
    assert refusal(plan_lost, at("x"), reason="price") == (FAILED, "P-1 is at unknown stage 'x': run holp validate")
    assert refusal(plan_lost, at("implementation"), reason="price", lang="en") == (
        FAILED, "P-1 is at Implementation: a won deal cannot be lost")


# -- plan_reopen ---------------------------------------------------------------------------


def test_plan_reopen__back_to_an_open_stage() -> None:
    assert planned(plan_reopen(PROCESS, at(LOST), to="proposal", reason="客户重启", note="新预算")) == (
        LOST, "proposal", REOPEN, "客户重启", "新预算", False)


def test_plan_reopen__refuses_a_project_that_is_not_lost() -> None:
    assert refusal(plan_reopen, at("entry"), to="entry", reason="r") == (
        FAILED, "P-1 is not closed lost (it is at entry); only a lost deal is reopened")


def test_plan_reopen__refuses_a_won_stage_and_an_unknown_one() -> None:
    assert refusal(plan_reopen, at(LOST), to="implementation", reason="r") == (
        FAILED, "--to implementation: a reopened deal goes back to an open stage, before implementation")
    assert refusal(plan_reopen, at(LOST), to="nowhere", reason="r") == (
        USAGE, f"--to nowhere: no such stage (the stages are: {STAGES})")
