"""Collection (回收项目款项): evidence quantifiers, the collection gate, its validation, `holp pay` and `holp collect`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, dedent, git, repo_of, sales_files, snapshot
from holp.model import Payment, Project
from holp.model.evidence import EvidenceSyntaxError, Root, parse_evidence
from holp.problems import ERROR, WARNING, Problem
from holp.validate import validate

P = "projects/east/P-2026-001.yaml"
C = "customers/east/C-0001.yaml"
D = dt.date


def _pay(amount: int, *, received: D | None = None, received_amount: int | None = None,
         kind: str | None = None, receipts: tuple[tuple[D, int], ...] = ()) -> Payment:
    from holp.model import Receipt

    return Payment(due=D(2026, 1, 1), amount=Decimal(amount), received=received,
                   received_amount=None if received_amount is None else Decimal(received_amount), kind=kind,
                   receipts=tuple(Receipt(date=d, amount=Decimal(a)) for d, a in receipts))


FULL = _pay(100, received=D(2026, 1, 5), kind="advance")
PART = _pay(200, received=D(2026, 2, 1), received_amount=50, kind="progress")
PARTS = _pay(300, received=D(2026, 3, 1), received_amount=100, receipts=((D(2026, 4, 1), 200),), kind="retention")
DUE = _pay(400, kind="retention")


def resolve(rule: str, *payments: Payment) -> list[object]:
    return parse_evidence(rule).resolve(Root(Project(id="P-1", payments=payments), None))


# -- evidence quantifiers --------------------------------------------------------------------


def test_evidence__received_means_received_in_full_the_receipts_summed() -> None:
    assert resolve("payments[received]", FULL, PART, PARTS, DUE) == [FULL, PARTS]
    assert resolve("payments[!received]", FULL, PART, PARTS, DUE) == [PART, DUE]
    assert resolve("payments.received", FULL, PART, DUE) == [D(2026, 1, 5), D(2026, 2, 1)]  # the dates as written


def test_evidence__all_holds_only_when_every_item_matches() -> None:
    assert resolve("payments[all:received]", FULL, PARTS) == [FULL, PARTS]
    assert resolve("payments[all:received]", FULL, PART) == []
    assert resolve("payments[all:received]", FULL, DUE) == []


def test_evidence__all_of_nothing_proves_nothing() -> None:
    assert resolve("payments[all:received]") == []
    assert resolve("payments[kind=delivery][all:received]", FULL, PARTS) == []


def test_evidence__any_keeps_the_matching() -> None:
    assert resolve("payments[any:received]", PART, PARTS, DUE) == [PARTS]
    assert resolve("payments[any:received]", PART, DUE) == []
    assert resolve("payments[any:!received]", FULL, DUE) == [DUE]


def test_evidence__quantifiers_combine_with_other_filters() -> None:
    assert resolve("payments[kind=retention][all:received]", FULL, PARTS, DUE) == []
    assert resolve("payments[kind=retention][all:received]", FULL, PART, PARTS) == [PARTS]
    assert resolve("payments[!invoiced][all:kind=advance]", FULL) == [FULL]
    assert resolve("payments[all:kind=advance].amount", FULL, PART) == []


@pytest.mark.parametrize(("rule", "message"), [
    ("payments[all:]", "'[all:]': all: takes a condition: [all:key], [all:!key] or [all:key=value]"),
    ("payments[any:0]", "'[any:0]': any: takes a condition: [any:key], [any:!key] or [any:key=value]"),
    ("payments[all:!kind=x]", "'[all:!kind=x]': [!key] takes no value"),
    ("payments[every:received]", "'[every:received]' is not a filter: use [key=value], [key], [!key] or [N]"),
])
def test_evidence__bad_quantifiers_say_why(rule: str, message: str) -> None:
    with pytest.raises(EvidenceSyntaxError) as raised:
        parse_evidence(rule)
    assert str(raised.value) == message


def test_validate__bad_quantifier_in_holp_yaml_is_bad_evidence() -> None:
    from conftest import PROCESS_TEXT

    process = PROCESS_TEXT.replace("evidence: payments[all:received]", "evidence: payments[most:received]")
    assert process != PROCESS_TEXT
    problems = [p for p in validate(repo_of(sales_files(**{"holp.yaml": process}))) if p.code == "bad-evidence"]
    assert [(p.path, p.severity, p.message) for p in problems] == [
        ("holp.yaml", ERROR, "'[most:received]' is not a filter: use [key=value], [key], [!key] or [N]")]
    line = process.splitlines().index("        evidence: payments[most:received]") + 1
    assert problems[0].line == line


# -- the collection gate and ticks that contradict the data ------------------------------------


def _project(stage: str, payments: str, checklist: str = "", **more: str) -> str:
    text = PROJECT.replace("stage: entry\n", f"stage: {stage}\n")
    if checklist:
        text = text.replace("checklist:\n", f"checklist:\n{checklist}")
    extra = "".join(f"{k}: {v}\n" for k, v in more.items())
    return text + "payments:\n" + dedent(payments) + extra


def problems(project: str, customer: str = CUSTOMER, *codes: str) -> list[Problem]:
    found = validate(repo_of(sales_files(**{P: project, C: customer})))
    return [p for p in found if not codes or p.code in codes]


TWO = """\
  - {due: 2026-03-31, amount: 1000000, kind: advance, received: 2026-03-30}
  - {due: 2026-09-30, amount: 2200000, kind: retention, received: 2026-10-05, received_amount: 2000000}
"""


def test_collection_gate__a_payment_outstanding_keeps_it_closed() -> None:
    from holp.gates import gate

    repo = repo_of(sales_files(**{P: _project("collection", TWO)}))
    stage = repo.process.stage("collection")
    assert stage is not None
    status = gate(repo.process, stage, repo.projects["P-2026-001"], repo.customers["C-0001"])
    assert [(s.item.id, s.met) for s in status.items] == [("payment_schedule_recorded", True),
                                                          ("payments_received", False)]
    paid = _project("collection", TWO.replace("received_amount: 2000000", "received_amount: 2200000"))
    repo = repo_of(sales_files(**{P: paid}))
    status = gate(repo.process, stage, repo.projects["P-2026-001"], repo.customers["C-0001"])
    assert status.met
    assert status.items[1].detail == "2026-03-31; 2026-09-30"


def test_validate__tick_on_all_received_while_a_payment_is_outstanding() -> None:
    text = _project("collection", TWO, "  collection:\n    payments_received: 2026-10-05 全部到账\n")
    line = text.splitlines().index("    payments_received: 2026-10-05 全部到账") + 1
    assert problems(text, CUSTOMER, "tick-contradicts-data", "evidence-item-ticked") == [
        Problem(P, line, 5, WARNING, "tick-contradicts-data",
                "'payments_received' is ticked, but its evidence (payments[all:received]) does not hold in the "
                "files; the tick is ignored")]


def test_validate__tick_on_an_item_its_evidence_proves_is_only_redundant() -> None:
    paid = TWO.replace("received_amount: 2000000", "received_amount: 2200000")
    text = _project("collection", paid, "  collection:\n    payments_received: 2026-10-05\n")
    assert [p.code for p in problems(text, CUSTOMER, "tick-contradicts-data", "evidence-item-ticked")] == [
        "evidence-item-ticked"]


def test_validate__past_collection_with_a_payment_outstanding_is_gate_unmet() -> None:
    found = problems(_project("evaluation", TWO), CUSTOMER, "gate-unmet")
    assert [p.message for p in found if "past collection" in p.message] == [
        "the project is past collection, whose gate was never met (missing: payments_received)"]


# -- receipts, collectors, credit terms --------------------------------------------------------


def _line(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_validate__receipts_above_the_amount_is_an_error_at_the_last_receipt() -> None:
    plan = """\
      - due: 2026-09-30
        amount: 500000
        received: 2026-10-01
        received_amount: 300000
        receipts:
          - {date: 2026-10-20, amount: 250000}
    """
    text = _project("collection", plan)
    assert problems(text, CUSTOMER, "receipt-above-amount") == [
        Problem(P, _line(text, "{date: 2026-10-20"), 34, ERROR, "receipt-above-amount",
                "payment 1 has 550,000.00 received in all, more than its amount 500,000.00")]


def test_validate__received_amount_above_the_amount_is_an_error() -> None:
    text = _project("collection", "  - {due: 2026-09-30, amount: 500000, received: 2026-10-01, received_amount: 500001}\n")
    assert [(p.line, p.severity, p.message) for p in problems(text, CUSTOMER, "receipt-above-amount")] == [
        (_line(text, "received_amount: 500001"), ERROR,
         "payment 1 has 500,001.00 received in all, more than its amount 500,000.00")]


def test_validate__received_before_invoiced_is_an_error_for_each_receipt() -> None:
    plan = """\
      - due: 2026-09-30
        amount: 500000
        invoiced: 2026-10-10
        received: 2026-10-01
        received_amount: 100000
        receipts:
          - {date: 2026-10-12, amount: 100000}
          - {date: 2026-10-09, amount: 100000}
    """
    text = _project("collection", plan)
    assert [(p.line, p.code, p.message) for p in problems(text, CUSTOMER, "received-before-invoiced")] == [
        (_line(text, "received: 2026-10-01"), "received-before-invoiced",
         "payment 1 was received on 2026-10-01, before it was invoiced on 2026-10-10"),
        (_line(text, "{date: 2026-10-09"), "received-before-invoiced",
         "payment 1 was received on 2026-10-09, before it was invoiced on 2026-10-10")]


def test_validate__unknown_collector_and_action_by_are_unknown_reps() -> None:
    plan = """\
      - due: 2026-09-30
        amount: 500000
        collector: wang.wu
        actions:
          - {date: 2026-10-15, kind: call, by: zhang.wei, note: 财务说月底付}
          - {date: 2026-11-01, kind: letter, by: zhao.liu}
    """
    text = _project("collection", plan)
    assert [(p.line, p.severity, p.message) for p in problems(text, CUSTOMER, "unknown-rep")] == [
        (_line(text, "collector: wang.wu"), ERROR, "collector 'wang.wu' is not a rep in team.yaml"),
        (_line(text, "by: zhao.liu"), ERROR, "rep 'zhao.liu' is not in team.yaml")]


PLAN_C = """\
  - {due: 2026-03-31, amount: 640000, kind: advance}
  - {due: 2026-09-30, amount: 2560000, kind: acceptance}
"""


def test_validate__credit_terms_warn_on_an_advance_below_the_class_minimum() -> None:
    text = _project("implementation", PLAN_C)
    found = problems(text, CUSTOMER.replace("credit: B", "credit: C"), "credit-terms")
    assert found == [Problem(P, _line(text, "payments:"), 1, WARNING, "credit-terms",
                             "C-0001 has credit C: the plan needs advance payments (kind: advance) of at least 30% "
                             "of 3,200,000.00, 960,000.00 or a guarantee (`guarantee:`); it has 640,000.00")]


def test_validate__credit_terms_a_guarantee_stands_in_where_the_class_allows() -> None:
    text = _project("implementation", PLAN_C, guarantee="银行付款保函 2026-03")
    assert problems(text, CUSTOMER.replace("credit: B", "credit: C"), "credit-terms") == []
    found = problems(text, CUSTOMER.replace("credit: B", "credit: D"), "credit-terms")
    assert [p.message for p in found] == [
        "C-0001 has credit D: the plan needs advance payments (kind: advance) of at least 50% of 3,200,000.00, "
        "1,600,000.00; it has 640,000.00"]


def test_validate__credit_terms_met_or_not_restricted() -> None:
    enough = PLAN_C.replace("amount: 640000", "amount: 960000")
    assert problems(_project("implementation", enough), CUSTOMER.replace("credit: B", "credit: C"),
                    "credit-terms") == []
    assert problems(_project("implementation", PLAN_C), CUSTOMER, "credit-terms") == []  # class B has no terms


# -- holp pay and holp collect: exact bytes, one commit, refusals ------------------------------

PLAN = """\
payments:
  - {due: 2026-03-31, amount: 960000, kind: advance, received: 2026-03-30}   # 预付款 30%
  - {due: 2026-09-30, amount: 2240000, kind: acceptance, invoiced: 2026-09-25, note: 验收款 70%}
"""
PLAN_AFTER_PAY = """\
payments:
  - {due: 2026-03-31, amount: 960000, kind: advance, received: 2026-03-30}   # 预付款 30%
  - due: 2026-09-30
    amount: 2240000
    kind: acceptance
    invoiced: 2026-09-25
    note: 验收款 70%
    received: 2026-11-20
    received_amount: 1000000
"""


def _with_plan(root: Path, plan: str = PLAN) -> bytes:
    path = root / P
    text = path.read_bytes() + plan.encode("utf-8")
    path.write_bytes(text)
    git(root, "commit", "-qam", "plan")
    return text


def test_pay__first_receipt_unfolds_the_payment_and_adds_received_lines(git_repo: Path,
                                                                       holp: Callable[..., Result]) -> None:
    before = _with_plan(git_repo)
    result = holp("pay", "P-2026-001", "--amount", "1000000", "--date", "2026-11-20")
    sha = git(git_repo, "rev-parse", "HEAD").strip()
    assert (result.exit_code, result.output) == (0, f"P-2026-001: received 1,000,000.00 on payment 2 (2026-11-20)  "
                                                    f"[{sha[:8]}]\n")
    assert (git_repo / P).read_bytes() == before.replace(PLAN.encode(), PLAN_AFTER_PAY.encode())
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: received 1,000,000.00 on payment 2 (2026-11-20)\n\noutstanding on payment 2: 1,240,000.00\n\n"
        "Holp-Project: P-2026-001\nHolp-Payment: 2\n\n")
    assert git(git_repo, "rev-list", "--count", "HEAD") == "3\n"


def test_pay__later_receipts_go_to_the_receipts_list(git_repo: Path, holp: Callable[..., Result]) -> None:
    before = _with_plan(git_repo)
    assert holp("pay", "P-2026-001", "--amount", "1000000", "--date", "2026-11-20").exit_code == 0
    assert holp("pay", "P-2026-001", "--amount", "240000.50", "--date", "2026-11-22").exit_code == 0
    assert holp("pay", "P-2026-001", "--amount", "999999.50", "--payment", "2").exit_code == 0
    assert (git_repo / P).read_bytes() == before.replace(PLAN.encode(), (PLAN_AFTER_PAY + """\
    receipts:
      - {date: 2026-11-22, amount: 240000.50}
      - {date: 2026-11-24, amount: 999999.50}
""").encode())
    assert git(git_repo, "log", "-1", "--format=%B").endswith("\n\npayment 2 received in full\n\n"
                                                               "Holp-Project: P-2026-001\nHolp-Payment: 2\n\n")
    assert holp("validate").exit_code == 0


def test_pay__a_block_payment_gets_exactly_two_lines(git_repo: Path, holp: Callable[..., Result]) -> None:
    plan = "payments:\n  - due: 2026-09-30\n    amount: 500000   # 全款\n"
    before = _with_plan(git_repo, plan)
    assert holp("pay", "P-2026-001", "--amount", "500000", "--date", "2026-10-08").exit_code == 0
    assert (git_repo / P).read_bytes() == before + b"    received: 2026-10-08\n    received_amount: 500000\n"
    assert git(git_repo, "diff", "--numstat", "HEAD~1", "HEAD") == f"2\t0\t{P}\n"


def _refused(root: Path, holp: Callable[..., Result], *args: str) -> tuple[int, str]:
    before = snapshot(root), git(root, "rev-parse", "HEAD")
    result = holp(*args)
    assert (snapshot(root), git(root, "rev-parse", "HEAD")) == before  # nothing written, nothing committed
    return result.exit_code, result.output


def test_pay__refusals_write_nothing(git_repo: Path, holp: Callable[..., Result]) -> None:
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "100") == (
        1, "holp: P-2026-001 has no payments: add its payment plan (payments:) first\n")
    _with_plan(git_repo)
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "2240000.01") == (
        1, "holp: 2,240,000.01 is more than what is outstanding on payment 2 of P-2026-001 (2,240,000.00 of "
           "2,240,000.00): nothing written\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "0") == (
        2, "holp: --amount 0: the amount must be more than 0\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "-100") == (
        2, "holp: --amount -100: the amount must be more than 0\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "1,000") == (
        2, "holp: --amount 1,000: not a number (write it plain, e.g. 1250000 or 1250000.50)\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "10.005") == (
        2, "holp: --amount 10.005: at most two decimal places\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "100", "--date", "2026-09-24") == (
        1, "holp: payment 2 of P-2026-001 was invoiced on 2026-09-25: it cannot be received on 2026-09-24\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "100", "--payment", "3") == (
        2, "holp: P-2026-001 has no payment 3: its payments are 1 to 2\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "100", "--payment", "1") == (
        1, "holp: payment 1 of P-2026-001 is received in full: nothing is outstanding\n")
    assert _refused(git_repo, holp, "pay", "P-2026-404", "--amount", "100")[0] == 2


def test_collect__appends_an_action_to_the_earliest_overdue_payment(git_repo: Path,
                                                                    holp: Callable[..., Result]) -> None:
    before = _with_plan(git_repo)
    result = holp("collect", "P-2026-001", "--action", "call", "--note", "财务说: 月底付", "--date", "2026-11-02")
    assert result.exit_code == 0, result.output
    assert holp("collect", "P-2026-001", "--action", "letter", "--note", "发催款函", "--by", "li.na").exit_code == 0
    assert (git_repo / P).read_bytes() == before.replace(PLAN.encode(), """\
payments:
  - {due: 2026-03-31, amount: 960000, kind: advance, received: 2026-03-30}   # 预付款 30%
  - due: 2026-09-30
    amount: 2240000
    kind: acceptance
    invoiced: 2026-09-25
    note: 验收款 70%
    actions:
      - {date: 2026-11-02, kind: call, by: zhang.wei, note: "财务说: 月底付"}
      - {date: 2026-11-24, kind: letter, by: li.na, note: 发催款函}
""".encode())
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: collection letter on payment 2 (2026-11-24)\n\n发催款函\n\n"
        "Holp-Project: P-2026-001\nHolp-Payment: 2\nHolp-Action: letter\n\n")
    assert holp("validate").exit_code == 0


def test_collect__refusals_write_nothing(git_repo: Path, holp: Callable[..., Result]) -> None:
    _with_plan(git_repo)
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "x", "--by", "zhang.wie") == (
        2, "holp: --by zhang.wie: not a rep in team.yaml (did you mean zhang.wei?)\n")
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "x",
                    "--date", "2026-09-30") == (1, "holp: P-2026-001 has no overdue payment: name one with --payment N\n")
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "  ") == (
        2, "holp: --note must say something: what was said or sent, and what the customer promised\n")
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "x", "--payment", "5") == (
        2, "holp: P-2026-001 has no payment 5: its payments are 1 to 2\n")
    code, output = _refused(git_repo, holp, "collect", "P-2026-001", "--action", "fax", "--note", "x")
    assert code == 2 and "'fax' is not one of 'call', 'letter', 'visit', 'legal'" in output


def test_unfold__keeps_each_key_and_value_as_written_and_the_line_end() -> None:
    from holp import edit

    text = 'a: 1\r\np:\r\n  - {due: 2026-09-30, amount: 500000, note: "验收款: 70%"}   # 尾注\r\n  - {due: 2027-01-01}\r\n'
    unfolded = edit.unfold(edit.Source("p.yaml", False, text), ["p", 0]).text
    assert unfolded == ('a: 1\r\np:\r\n  - due: 2026-09-30   # 尾注\r\n    amount: 500000\r\n    note: "验收款: 70%"\r\n'
                        '  - {due: 2027-01-01}\r\n')
    two_lines = "p:\n  - {due: 2026-09-30,\n     amount: 1}\n"
    assert edit.unfold(edit.Source("p.yaml", False, two_lines), ["p", 0]).text == two_lines  # left as it is


@pytest.mark.parametrize(("due", "actions", "step"), [
    (D(2026, 11, 24), (), None),                                   # due today: not overdue
    (D(2026, 11, 23), (), "call"),                                 # day 1: a call
    (D(2026, 7, 1), (), "call"),                                   # long overdue and nothing done: start with a call
    (D(2026, 11, 1), ((D(2026, 11, 10), "call"),), "call"),        # day 23: a letter must wait for day 31
    (D(2026, 10, 1), ((D(2026, 11, 10), "call"),), "letter"),      # day 54: the rung after the call
    (D(2026, 10, 1), ((D(2026, 11, 10), "letter"),), "letter"),    # day 54: a visit must wait for day 61
    (D(2026, 8, 1), ((D(2026, 9, 1), "call"), (D(2026, 10, 1), "visit")), "legal"),  # the last step counts
    (D(2026, 8, 1), ((D(2026, 11, 1), "legal"),), "legal"),        # the top of the ladder: more of it
    (D(2026, 10, 1), ((D(2026, 12, 1), "letter"),), "call"),       # a step dated after the day is not taken yet
])
def test_escalation__one_rung_at_a_time_paced_by_days_overdue(due: D, actions: tuple[tuple[D, str], ...],
                                                               step: str | None) -> None:
    from holp.collection import escalation
    from holp.model import CollectionAction

    payment = Payment(due=due, amount=Decimal(100),
                      actions=tuple(CollectionAction(date=d, kind=k) for d, k in actions))
    assert escalation(payment, D(2026, 11, 24)) == step


# -- show and export -------------------------------------------------------------------------

SHOWN = """\
payments:
  - {due: 2026-03-31, amount: 960000, kind: advance, received: 2026-03-30}
  - due: 2026-09-30
    amount: 2240000.50
    kind: acceptance
    invoiced: 2026-09-25
    collector: li.na
    received: 2026-10-08
    received_amount: 1000000
    receipts:
      - {date: 2026-11-02, amount: 240000.50, note: 电汇}
    actions:
      - {date: 2026-11-10, kind: call, by: zhang.wei, note: 财务说月底付}
      - {date: 2026-11-20, kind: letter, by: li.na, note: 发催款函}
"""


def test_show__payments_with_kind_receipts_collector_and_actions(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / P).write_bytes((repo / P).read_bytes() + SHOWN.encode())
    result = holp("show", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    block = result.output.split("\nPayments:\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "  No.  Due         Payment kind          Amount      Received    Outstanding  Collector    Last step",
        "-----  ----------  --------------  ------------  ------------  -------------  -----------  -----------------",
        "    1  2026-03-31  Advance           960,000.00    960,000.00           0.00",
        "    2  2026-09-30  Acceptance      2,240,000.50  1,240,000.50   1,000,000.00  李娜         Letter 2026-11-20",
        "  2 · 2026-11-10 Call 张伟: 财务说月底付",
        "  2 · 2026-11-20 Letter 李娜: 发催款函",
    ]
    shown = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert shown["payments"][1] == {
        "payment": 2, "due": "2026-09-30", "kind": "acceptance", "amount": "2240000.50", "invoiced": "2026-09-25",
        "paid": "1240000.50", "outstanding": "1000000.00", "collector": "li.na",
        "receipts": [{"date": "2026-10-08", "amount": "1000000.00", "note": None},
                     {"date": "2026-11-02", "amount": "240000.50", "note": "电汇"}],
        "actions": [{"date": "2026-11-10", "kind": "call", "by": "zhang.wei", "note": "财务说月底付"},
                    {"date": "2026-11-20", "kind": "letter", "by": "li.na", "note": "发催款函"}],
        "note": None}
    assert shown["payments"][0]["receipts"] == [{"date": "2026-03-30", "amount": "960000.00", "note": None}]


def test_export__receipts_and_collection_actions_tables(repo: Path, holp: Callable[..., Result],
                                                        tmp_path: Path) -> None:
    (repo / P).write_bytes((repo / P).read_bytes() + SHOWN.encode())
    out = tmp_path / "sales.jsonl"
    assert holp("export", "--format", "jsonl", "-o", str(out)).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tables = {t: [{k: v for k, v in r.items() if k != "table"} for r in records if r["table"] == t]
              for t in ("payments", "receipts", "collection_actions")}
    assert tables["payments"][1] == {
        "project": "P-2026-001", "due": "2026-09-30", "amount": "2240000.50", "received": "2026-10-08",
        "received_amount": "1000000.00", "payment": 2, "kind": "acceptance", "invoiced": "2026-09-25",
        "collector": "li.na", "paid": "1240000.50", "outstanding": "1000000.00", "note": None}
    assert tables["receipts"] == [
        {"project": "P-2026-001", "payment": 1, "receipt": 1, "date": "2026-03-30", "amount": "960000.00",
         "note": None},
        {"project": "P-2026-001", "payment": 2, "receipt": 1, "date": "2026-10-08", "amount": "1000000.00",
         "note": None},
        {"project": "P-2026-001", "payment": 2, "receipt": 2, "date": "2026-11-02", "amount": "240000.50",
         "note": "电汇"}]
    assert tables["collection_actions"] == [
        {"project": "P-2026-001", "payment": 2, "action": 1, "date": "2026-11-10", "kind": "call", "by": "zhang.wei",
         "note": "财务说月底付"},
        {"project": "P-2026-001", "payment": 2, "action": 2, "date": "2026-11-20", "kind": "letter", "by": "li.na",
         "note": "发催款函"}]
    db = tmp_path / "sales.db"
    assert holp("export", "--format", "sqlite", "-o", str(db)).exit_code == 0
    import sqlite3

    con = sqlite3.connect(db)
    assert con.execute("SELECT SUM(amount_cents) FROM receipts WHERE payment = '2'").fetchone() == (124000050,)
    assert con.execute("SELECT paid_cents, outstanding_cents FROM payments WHERE payment = '2'").fetchone() == (
        124000050, 100000000)
