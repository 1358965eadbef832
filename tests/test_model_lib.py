"""Model builders on odd shapes, the cache rows and back, and `plain`: in memory, exact values."""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import json
from decimal import Decimal

import pytest

from conftest import CUSTOMER, PROJECT, dedent
from holp import yaml
from holp.model import (
    Competitor,
    Contact,
    Customer,
    Lost,
    Payment,
    Project,
    Visit,
    build_process,
    build_team,
    customer_from,
    plain,
    project_from,
)
from holp.model.views import Account, Summary, account_from_row, customer_row, deal_from_row, project_row, summary_from_row

ODD = dedent("""
    id: 42
    name:
    stage: 3
    amount: 1.5e3
    probability: 0.3
    visits:
      - {date: 2026-02-30, by: [a, 5, true]}
      - just text
    competitors: [甲, {name: 乙}, 7, [x]]
    checklist: {entry: {a: x, b: 2, c: ''}, proposal: yes}
    tags: 单个
    x_own: {a: 1}
    unknown: 2
    """)


def read(text: str) -> object:
    doc = yaml.read("p.yaml", text.encode("utf-8"))
    assert doc.problems == []
    return doc.tree


def odd() -> Project:
    found = project_from(read(ODD), "projects/p.yaml")
    assert found is not None
    return found


def test_project_from__numbers_as_ids_and_stages_are_their_text() -> None:
    p = odd()
    assert (p.id, p.name, p.stage, p.amount, p.probability) == ("42", "42", "3", Decimal("1500"), Decimal("0.3"))


def test_project_from__what_cannot_be_read_is_missing_or_skipped() -> None:
    p = odd()
    assert p.visits == (Visit(date=None, by=("a", "5"), line=7),)
    assert p.competitors == (Competitor(name="甲"), Competitor(name="乙", line=9), Competitor(name="7"))
    assert p.checklist == {"entry": {"a": "x", "c": ""}, "proposal": {}}
    assert p.tags == ("单个",)
    assert p.extra == {"x_own": {"a": 1}, "unknown": 2}


def test_project_from__the_fixture_project_read_exactly() -> None:
    p = project_from(read(PROJECT), "projects/east/P-2026-001.yaml")
    assert p is not None
    assert (p.id, p.customer, p.owner, p.business_line, p.amount, p.expected_close, p.stage) == (
        "P-2026-001", "C-0001", "zhang.wei", "waste-heat", Decimal(3200000), dt.date(2027, 3, 31), "entry")
    assert p.checklist["prospecting"]["funding_assessed"] == "资金已落实"
    assert p.assessment.scores["worth"] == {"short_term_revenue": 4, "future_revenue": 3, "profit": 3, "risk": 2,
                                            "strategic_value": 5}
    assert p.visits == (Visit(date=dt.date(2026, 10, 12), by=("zhang.wei",), met=("李明",), purpose="技术交流",
                              next_step="提交初步方案", line=27),)
    assert (p.path, p.line, p.lost_reason) == ("projects/east/P-2026-001.yaml", 2, None)


def test_project_from__lost_deal_and_its_reason() -> None:
    p = project_from({"id": "P-1", "stage": "lost", "lost": {"reason": "price", "stage": "bidding",
                                                              "date": "2026-11-01"}}, "x")
    assert p is not None
    assert (p.lost, p.lost_reason) == (Lost(reason="price", stage="bidding", date=dt.date(2026, 11, 1)), "price")
    assert project_from({"id": "P-1", "lost": "price"}, "x").lost is None  # type: ignore[union-attr]


@pytest.mark.parametrize("tree", [None, "P-1", ["id", "P-1"], {}, {"id": ""}, {"id": True}, {"id": None},
                                  {"name": "无编号"}])
def test_project_from__no_id_is_no_record(tree: object) -> None:
    assert (project_from(tree, "x"), customer_from(tree, "x")) == (None, None)


def test_customer_from__contacts_skip_non_mappings_and_keep_nameless() -> None:
    c = customer_from({"id": "C-1", "contacts": [{"name": "甲", "influenced_by": "乙"}, "x", {"title": "无名"}],
                       "overview": {"a": "b", "n": 1}}, "c.yaml")
    assert c == Customer(id="C-1", name="C-1", overview={"a": "b"}, path="c.yaml",
                         contacts=(Contact(name="甲", influenced_by=("乙",)), Contact(name="", title="无名")))


def test_customer_from__the_fixture_customer_with_lines() -> None:
    c = customer_from(read(CUSTOMER), "customers/east/C-0001.yaml")
    assert c is not None
    assert (c.id, c.name, c.region, c.owner, c.credit, c.line) == ("C-0001", "华东某钢铁集团", "east", "zhang.wei", "B", 2)
    assert [(x.name, x.role, x.closeness, x.trust, x.line) for x in c.contacts] == [
        ("李明", "decision_maker", 3, 2, 9), ("王强", "coach", 4, 4, 10)]


def test_payment__paid_and_outstanding() -> None:
    def money(p: Payment) -> tuple[Decimal, Decimal]:
        return p.paid, p.outstanding

    due = dt.date(2027, 1, 1)
    assert money(Payment(due=due, amount=Decimal(100))) == (0, 100)
    assert money(Payment(due=due, amount=Decimal(100), received_amount=Decimal("30.5"))) == (Decimal("30.5"),
                                                                                           Decimal("69.5"))
    assert money(Payment(due=due, amount=Decimal(100), received=due)) == (100, 0)
    assert money(Payment(due=due, amount=Decimal(100), received_amount=Decimal(130))) == (130, 0)
    assert money(Payment(due=due, amount=None, received=due)) == (0, 0)


def test_plain__set_fields_only_dates_as_text_decimals_exact() -> None:
    assert plain(odd()) == {
        "id": "42", "name": "42", "amount": Decimal("1.5E+3"), "stage": "3", "probability": Decimal("0.3"),
        "checklist": {"entry": {"a": "x", "c": ""}, "proposal": {}},
        "competitors": [{"name": "甲"}, {"name": "乙"}, {"name": "7"}], "visits": [{"by": ["a", "5"]}],
        "tags": ["单个"], "x_own": {"a": 1}, "unknown": 2}
    assert plain(Payment(due=dt.date(2027, 1, 1), amount=Decimal("0.10"))) == {"due": "2027-01-01",
                                                                               "amount": Decimal("0.10")}


def test_plain__assessment_with_notes() -> None:
    p = project_from({"id": "P-1", "assessment": {"real": {"need": 4, "budget": "2"}, "notes": {"need": "可研",
                                                                                                 "n": 3}}}, "x")
    assert p is not None
    assert plain(p)["assessment"] == {"real": {"need": 4}, "notes": {"need": "可研"}}


def test_project_row__through_json_and_back_to_a_deal() -> None:
    p = project_from(read(PROJECT + dedent("""
        lost: {reason: price, stage: bidding}
        cost: 2400000.10
        source: referral
        tasks:
          - {what: 报价, who: zhang.wei, due: 2026-11-20, done: 2026-11-19}
        expenses:
          - {date: 2026-10-12, kind: travel, amount: 1200.50, by: zhang.wei}
        approvals:
          - {item: proposal_reviewed, by: li.na, date: 2026-11-02, verdict: approved}
        payments:
          - {due: 2027-01-01, amount: 1000000.50, received: 2027-01-05, received_amount: 999999.99}
          - {due: 2027-06-30, amount: 2200000}
        """)), "projects/east/P-2026-001.yaml")
    assert p is not None
    row = json.loads(json.dumps(project_row(p)))
    assert row == {
        "id": "P-2026-001", "name": "2号高炉余热发电改造", "stage": "entry", "amount": "3200000", "probability": None,
        "expected_close": "2027-03-31", "owner": "zhang.wei", "customer": "C-0001", "region": None,
        "business_line": "waste-heat", "lost_reason": "price", "lost_stage": "bidding",
        "payments": [{"due": "2027-01-01", "amount": "1000000.50", "received": "2027-01-05",
                      "received_amount": "999999.99"}, {"due": "2027-06-30", "amount": "2200000"}],
        "service": [], "risks": [], "warranty": None,
        "visits": [["2026-10-12", ["zhang.wei"]]],
        "assessment": {"real": {"need": 4, "business": 3, "approval": 3, "budget": 2, "urgency": 4},
                       "worth": {"short_term_revenue": 4, "future_revenue": 3, "profit": 3, "risk": 2,
                                 "strategic_value": 5}},
        "cost": "2400000.10", "margin": None, "source": "referral",
        "tasks": [{"what": "报价", "who": "zhang.wei", "due": "2026-11-20", "done": "2026-11-19"}],
        "expenses": [{"date": "2026-10-12", "kind": "travel", "amount": "1200.50", "by": "zhang.wei"}],
        "approvals": [{"item": "proposal_reviewed", "by": "li.na", "date": "2026-11-02", "verdict": "approved"}],
        "next_step": ["提交初步方案", None]}
    deal = deal_from_row(row, p.path)
    assert (deal.cost, deal.gross_profit, deal.source, deal.next_step) == (
        Decimal("2400000.10"), Decimal("799999.90"), "referral", ("提交初步方案", None))
    unlined = [tuple(dc.replace(r, line=0) for r in rs) for rs in (p.tasks, p.expenses, p.approvals)]
    assert [deal.tasks, deal.expenses, deal.approvals] == unlined  # lines are the file's business, not the cache's
    assert deal.expenses[0].amount == Decimal("1200.50")
    assert (deal.id, deal.amount, deal.expected_close, deal.lost_reason, deal.lost_stage, deal.path) == (
        "P-2026-001", Decimal(3200000), dt.date(2027, 3, 31), "price", "bidding", "projects/east/P-2026-001.yaml")
    assert deal.payments == tuple(Payment(due=x.due, amount=x.amount, received=x.received,
                                          received_amount=x.received_amount) for x in p.payments)
    assert deal.payments[0].amount == Decimal("1000000.50")  # exact, through the cache's JSON
    assert deal.visits == ((dt.date(2026, 10, 12), ("zhang.wei",)),)
    assert summary_from_row(row) == Summary("P-2026-001", "entry", "3200000", "2027-03-31", None)


def test_deal_from_row__drops_visits_without_a_date_and_keeps_decimal_text_exact() -> None:
    row = json.loads(json.dumps(project_row(odd())))
    deal = deal_from_row(row, "p.yaml")
    assert (deal.amount, deal.probability, deal.visits, deal.stage) == (Decimal("1.5E+3"), Decimal("0.3"), (), "3")
    assert summary_from_row({**row, "stage": ""}).stage is None


def test_customer_row__and_back_to_an_account() -> None:
    c = customer_from(read(CUSTOMER), "customers/east/C-0001.yaml")
    assert c is not None
    assert account_from_row(json.loads(json.dumps(customer_row(c))), c.path) == Account(
        "C-0001", "华东某钢铁集团", "east", "zhang.wei", "customers/east/C-0001.yaml", roles=("decision_maker", "coach"))


def test_build_process__lenient_defaults_for_a_bare_file() -> None:
    process = build_process({"stages": [{"id": "a"}, {"label": "no id"}, "b", {"id": "c", "probability": True,
                                                                                   "checklist": [{"id": "x"}, 3]}]})
    assert (process.currency, process.language, process.stale_after_days, process.won_from) == ("CNY", "zh", 30, "")
    assert [(s.id, s.index, s.probability) for s in process.stages] == [("a", 0, 0), ("c", 1, 0)]
    assert [(i.id, i.text.zh, i.text.en, i.evidence) for i in process.stages[1].checklist] == [("x", "x", "x", None)]
    assert (process.won_index, process.is_open("a"), process.is_won("c"), process.next_stage("c")) == (
        2, True, False, None)
    assert process.stage_label("lost", "en") == "lost"


def test_build_team__entries_without_an_id_or_a_year_are_skipped() -> None:
    team = build_team({"regions": [{"id": "east"}, {"label": "x"}],
                       "reps": [{"id": "a", "email": "A@Example.com"}, {"name": "no id"}],
                       "targets": [{"year": 2026, "amount": 5, "region": "east"}, {"year": "2026", "amount": 5},
                                   {"year": 2026, "amount": "many"}]})
    assert [(r.id, r.label.zh, r.manager) for r in team.regions] == [("east", "east", None)]
    assert [(r.id, r.name, r.role) for r in team.reps] == [("a", "a", "rep")]
    assert [(t.year, t.amount, t.region, t.rep) for t in team.targets] == [(2026, Decimal(5), "east", None)]
    assert team.rep_by_email("a@example.COM") == team.reps[0]


def test_number_keys__are_every_exact_number_the_records_declare() -> None:
    """The cache keeps numbers as text and reads back those keys only: a number field missing from them would come
    back from a warm report as text, read as missing."""
    import dataclasses as dc

    from holp.model import records
    from holp.model.fields import file_key, keys
    from holp.model.views import NUMBER_KEYS

    declared = {file_key(f) for cls in vars(records).values()
                if isinstance(cls, type) and dc.is_dataclass(cls) for f in keys(cls)
                if f.metadata["schema"] is records.MONEY or f.metadata["schema"] is records.QUANTITY}
    assert declared == NUMBER_KEYS == records.MONEY_KEYS | records.QUANTITY_KEYS
