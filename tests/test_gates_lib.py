"""Evidence rules, gates and the opportunity evaluation, called directly on records built in memory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from holp.evaluation import evaluate, evaluate_scores
from holp.gates import ItemStatus, gate
from holp.model import Assessment, ChecklistItem, Contact, Customer, Label, Payment, Project, Stage, Visit
from holp.model.evidence import EvidenceSyntaxError, Root, describe, parse_evidence
from holp.repo import default_process

PROCESS = default_process()
WANG = Contact(name="王强", title="能源科长", role="coach", closeness=4, line=12)
LI = Contact(name="李明", role="decision_maker", closeness=3, extra={"x_vip": True})
ZHAO = Contact(name="赵六", title="", role="user")
CUSTOMER = Customer(id="C-1", name="某钢铁", credit="B", contacts=(LI, WANG, ZHAO))
VISITS = (Visit(date=dt.date(2026, 10, 12), by=("zhang.wei",), next_step="提交方案"),
          Visit(date=dt.date(2026, 10, 20), by=("zhang.wei", "li.na")))
PAID = Payment(due=dt.date(2027, 1, 1), amount=Decimal(100), received=dt.date(2027, 1, 5))
DUE = Payment(due=dt.date(2027, 6, 1), amount=Decimal(200))
PROJECT = Project(id="P-1", name="项目", customer="C-1", owner="zhang.wei", stage="entry", visits=VISITS,
                  payments=(PAID, DUE), assessment=Assessment({"real": {"need": 4}}, {"need": "可研已批"}),
                  extra={"x_source": "展会", "x_flags": {"ok": True}})
ROOT = Root(PROJECT, CUSTOMER)


def resolve(rule: str, root: Root = ROOT) -> list[object]:
    return parse_evidence(rule).resolve(root)


# -- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "message"), [
    ("", "an evidence rule is a non-empty path such as customer.contacts[role=coach]"),
    ("   ", "an evidence rule is a non-empty path such as customer.contacts[role=coach]"),
    ("customer..contacts", "'' is not a path segment (name, then optional [filters])"),
    ("visits.[0]", "'[0]' is not a path segment (name, then optional [filters])"),
    ("contacts[role=coach", "'contacts[role=coach' is not a path segment (name, then optional [filters])"),
    ("9visits", "'9visits' is not a path segment (name, then optional [filters])"),
    ("contacts[=coach]", "'[=coach]' is not a filter: use [key=value], [key], [!key] or [N]"),
    ("contacts[]", "'[]' is not a filter: use [key=value], [key], [!key] or [N]"),
    ("visits[1x]", "'[1x]' is not a filter: use [key=value], [key], [!key] or [N]"),
    ("contacts[!role=coach]", "'[!role=coach]': [!key] takes no value"),
])
def test_parse_evidence__syntax_errors_say_why(rule: str, message: str) -> None:
    with pytest.raises(EvidenceSyntaxError) as raised:
        parse_evidence(rule)
    assert str(raised.value) == message


def test_parse_evidence__segments_and_filters_in_order() -> None:
    rule = parse_evidence(" customer.contacts[role= coach ][0].name ")
    assert rule.text == " customer.contacts[role= coach ][0].name "
    assert [(name, [(f.negate, f.key, f.value, f.index) for f in filters]) for name, filters in rule.segments] == [
        ("customer", []),
        ("contacts", [(False, "role", "coach", None), (False, None, None, 0)]),
        ("name", []),
    ]


# -- resolving -----------------------------------------------------------------------------


def test_resolve__key_equals_value_keeps_matching_records() -> None:
    assert resolve("customer.contacts[role=coach]") == [WANG]


def test_resolve__lists_are_walked_through_and_empty_values_dropped() -> None:
    assert resolve("customer.contacts.name") == ["李明", "王强", "赵六"]
    assert resolve("customer.contacts.title") == ["能源科长"]  # 赵六's empty title and 李明's missing one are not found


def test_resolve__key_filter_keeps_the_filled() -> None:
    assert resolve("payments[received]") == [PAID]
    assert resolve("visits[next_step].date") == [dt.date(2026, 10, 12)]


def test_resolve__not_key_filter_keeps_the_empty_and_missing() -> None:
    assert resolve("payments[!received]") == [DUE]
    assert resolve("customer.contacts[!title].name") == ["李明", "赵六"]


def test_resolve__index_filter_picks_one_and_out_of_range_is_nothing() -> None:
    assert resolve("visits[1].by") == ["zhang.wei", "li.na"]
    assert resolve("visits[0][next_step]") == [VISITS[0]]
    assert resolve("visits[1][next_step]") == []
    assert resolve("visits[2]") == []


def test_resolve__numbers_and_booleans_compare_as_written() -> None:
    assert resolve("customer.contacts[closeness=4].name") == ["王强"]
    assert resolve("customer.contacts[x_vip=true].name") == ["李明"]
    assert resolve("x_flags[ok=true]") == [{"ok": True}]
    assert resolve("x_flags[ok=True]") == []


def test_resolve__assessment_groups_and_notes() -> None:
    assert resolve("assessment.real") == [{"need": 4}]
    assert resolve("assessment.worth") == []
    assert resolve("assessment.notes.need") == ["可研已批"]


def test_resolve__missing_customer_and_unknown_names_find_nothing() -> None:
    assert resolve("customer.credit") == ["B"]
    assert resolve("customer.credit", Root(PROJECT, None)) == []
    assert resolve("competitors") == []
    assert resolve("no_such_field.name") == []
    assert resolve("customer.contacts[role=coach].nothing") == []


def test_describe__a_record_by_name_date_or_id_else_its_fields() -> None:
    assert describe(WANG) == "王强"
    assert describe(VISITS[0]) == "2026-10-12"
    assert describe(DUE) == "2027-06-01"
    assert describe({"ok": True, "nested": {"a": 1}}) == "ok=True"
    assert describe(Decimal("1.50")) == "1.50"


# -- gates ---------------------------------------------------------------------------------


STAGE = Stage("s", Label("阶段", "Stage"), Decimal("0.1"), None, (
    ChecklistItem("dated", Label("打勾", "Ticked")),
    ChecklistItem("blank", Label("空白", "Blank")),
    ChecklistItem("coach", Label("教练", "Coach"), "customer.contacts[role=coach]"),
    ChecklistItem("broken", Label("坏规则", "Broken"), "contacts[="),
    ChecklistItem("names", Label("联系人", "Contacts"), "customer.contacts"),
), 0)


def test_gate__ticks_evidence_and_broken_rules_item_by_item() -> None:
    project = Project(id="P-1", stage="s", checklist={"s": {"dated": "2026-08-01", "blank": "  ", "coach": "x"}})
    status = gate(PROCESS, STAGE, project, CUSTOMER)
    assert status.items == (
        ItemStatus(STAGE.checklist[0], True, "2026-08-01"),
        ItemStatus(STAGE.checklist[1], False, None),
        ItemStatus(STAGE.checklist[2], True, "王强"),
        ItemStatus(STAGE.checklist[3], False, None),
        ItemStatus(STAGE.checklist[4], True, "李明; 王强; 赵六"),
    )
    assert (status.met, [s.item.id for s in status.missing]) == (False, ["blank", "broken"])


def test_gate__without_a_customer_evidence_of_the_customer_is_missing() -> None:
    status = gate(PROCESS, STAGE, Project(id="P-1", stage="s"), None)
    assert [s.met for s in status.items] == [False] * 5


def test_gate__ticks_of_another_stage_do_not_count() -> None:
    project = Project(id="P-1", stage="s", checklist={"t": {"dated": "2026-08-01"}})
    assert gate(PROCESS, STAGE, project, CUSTOMER).items[0] == ItemStatus(STAGE.checklist[0], False, None)


def test_gate__records_in_the_chosen_language() -> None:
    status = gate(PROCESS, STAGE, Project(id="P-1", stage="s", checklist={"s": {"dated": "2026-08-01"}}), None)
    assert status.records("en")[:3] == [
        {"id": "dated", "text": "Ticked", "met": True, "evidence": None, "detail": "2026-08-01"},
        {"id": "blank", "text": "Blank", "met": False, "evidence": None, "detail": None},
        {"id": "coach", "text": "Coach", "met": False, "evidence": "customer.contacts[role=coach]", "detail": None},
    ]


def test_gate__default_entry_stage_met_by_ticks_and_contacts() -> None:
    entry = PROCESS.stages[1]
    ticks = {"procurement_org_mapped": "2026-09-10", "key_person_relationship": "宴请后关系良好"}
    graded = Assessment.read(scores(16, 17))  # medium: the opportunity may go on to a proposal
    status = gate(PROCESS, entry, Project(id="P-1", stage="entry", checklist={"entry": ticks}, assessment=graded),
                  CUSTOMER)
    assert status.met
    assert [s.detail for s in status.items] == ["2026-09-10", "李明", "宴请后关系良好", "王强", "medium"]


# -- evaluation ----------------------------------------------------------------------------


def scores(real: int, worth: int) -> dict[str, dict[str, int]]:
    """Two complete groups whose totals are ``real`` and ``worth`` (five criteria each, 1–5)."""
    def group(ids: tuple[str, ...], total: int) -> dict[str, int]:
        values = [1] * 5
        for i in range(total - 5):
            values[i % 5] += 1
        return dict(zip(ids, values, strict=True))

    return {"real": group(("need", "business", "approval", "budget", "urgency"), real),
            "worth": group(("short_term_revenue", "future_revenue", "profit", "risk", "strategic_value"), worth)}


@pytest.mark.parametrize(("real", "worth", "grade"), [
    (20, 20, "high"), (25, 20, "high"), (20, 19, "medium"), (19, 25, "medium"),
    (15, 15, "medium"), (15, 14, "low"), (14, 25, "low"), (5, 5, "low"),
])
def test_evaluate__grade_needs_both_totals_at_its_threshold(real: int, worth: int, grade: str) -> None:
    evaluation = evaluate_scores(PROCESS, scores(real, worth))
    assert ([g.total for g in evaluation.groups], evaluation.grade) == ([real, worth], grade)


def test_evaluate__one_unscored_criterion_leaves_no_grade() -> None:
    data = scores(25, 25)
    del data["worth"]["risk"]
    evaluation = evaluate_scores(PROCESS, data)
    assert (evaluation.grade, evaluation.started, [g.complete for g in evaluation.groups]) == (None, True,
                                                                                              [True, False])
    assert ([g.total for g in evaluation.groups], [g.maximum for g in evaluation.groups]) == ([25, 20], [25, 25])


def test_evaluate__booleans_text_and_unknown_criteria_are_no_scores() -> None:
    data = {"real": {"need": True, "business": "4", "approval": 3, "other": 5}, "worth": "high"}
    evaluation = evaluate_scores(PROCESS, data)
    assert [dict(g.scores) for g in evaluation.groups] == [{"approval": 3}, {}]
    assert evaluation.grade is None
    assert evaluate_scores(PROCESS, None).started is False


def test_evaluate__of_a_project_reads_its_assessment() -> None:
    project = Project(id="P-1", assessment=Assessment(scores(20, 15), {}))
    assert evaluate(PROCESS, project).grade == "medium"
