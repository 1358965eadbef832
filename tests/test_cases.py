"""The project summary (项目总结) and the case library (成功案例): the evaluation gate, validate, `holp cases`,
the forms that list matching cases, show and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import PROCESS_TEXT, dedent, repo_of, sales_files, write
from holp.model import build_process
from holp.problems import ERROR, WARNING, Problem
from holp.validate import validate
from holp.validate_cases import check_cases, summary_stage
from holp.yaml import read

P = "projects/east/P-2026-001.yaml"
PROCESS = build_process(read("holp.yaml", PROCESS_TEXT.encode()).tree)


def ticks_before(stage: str) -> str:
    """A checklist block ticking every manual item of the stages before ``stage`` (the default process's
    evidence items are proven by the rest of `finished`)."""
    lines = ["checklist:"]
    for s in PROCESS.stages:
        if s.id == stage:
            break
        manual = [i for i in s.checklist if i.evidence is None]
        if manual:
            lines.append(f"  {s.id}:")
            lines += [f"    {i.id}: 2026-0{1 + s.index % 9}-10" for i in manual]
    return "\n".join(lines) + "\n"


SUMMARY = """\
summary:
  date: 2026-10-20
  went_well: 锅炉适应窑况波动
  went_wrong: 设备到货晚 3 周
  lessons: 合同写明到货违约条款
  savings_kwh: 24000000
  savings_amount: 14400000
  payback_years: 1.8
"""

CASE = """\
case:
  reference_allowed: true
  site_visit_allowed: true
  contact: 王强
  highlights: 钢铁行业高炉余热发电样板
"""


def finished(pid: str = "P-2026-001", stage: str = "evaluation", *, customer: str = "C-0001",
             line: str = "waste-heat", amount: str = "3200000", extra: str = "") -> str:
    """A project at ``stage`` whose earlier gates are all met (so validate says nothing else about it)."""
    return (f"id: {pid}\nname: 项目{pid}\ncustomer: {customer}\nowner: zhang.wei\nbusiness_line: {line}\n"
            f"amount: {amount}\nexpected_close: 2026-03-31\nstage: {stage}\n" + ticks_before(stage) + dedent("""
            assessment:
              real: {need: 4, business: 3, approval: 3, budget: 4, urgency: 4}
            competitors: [某节能公司]
            payments:
              - {due: 2026-04-30, amount: 3200000, received: 2026-04-28}
            """) + extra)


def problems(text: str) -> list[Problem]:
    return validate(repo_of(sales_files(**{P: text})))


# -- the evaluation gate needs the summary -----------------------------------------------------


def test_summary_stage__is_found_by_the_evidence_into_summary() -> None:
    stage = summary_stage(PROCESS)
    assert stage is not None and [i.evidence for i in stage.checklist] == [
        "summary.went_well", "summary.lessons", "summary.savings_amount"]
    without = build_process(read("holp.yaml", PROCESS_TEXT.replace("evidence: summary.", "evidence: x.").encode()).tree)
    assert summary_stage(without) == without.stage(without.won_from)  # no such rule: where deals are won


def test_gate__a_project_at_evaluation_without_a_summary_cannot_leave(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / P, finished())
    result = holp("check", "P-2026-001", "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "P-2026-001 项目P-2026-001 — Evaluation → After-sales service",
        "Key node: Implementation review written",
        "  ✗ Experience written down: what went well (went_well_written)  [evidence: summary.went_well]",
        "  ✗ Lessons learned written down (lessons_written)  [evidence: summary.lessons]",
        "  ✗ Savings achieved recorded (amount a year) (savings_recorded)  [evidence: summary.savings_amount]",
        "not ready: 3 of 3 items missing to leave Evaluation.",
    ]


def test_gate__the_summary_proves_it(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / P, finished(extra=SUMMARY))
    result = holp("check", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-4:-1] == [
        "  ✓ Experience written down: what went well  (锅炉适应窑况波动)",
        "  ✓ Lessons learned written down  (合同写明到货违约条款)",
        "  ✓ Savings achieved recorded (amount a year)  (14400000)",
    ]
    assert problems(finished(extra=SUMMARY + CASE)) == []


def test_gate__a_project_past_evaluation_without_summary_warns() -> None:
    assert [(p.code, p.message) for p in problems(finished(stage="service"))] == [
        ("gate-unmet", "the project is past evaluation, whose gate was never met (missing: went_well_written, "
                       "lessons_written, savings_recorded)")]


def test_summary__negative_savings_are_refused_by_the_schema() -> None:
    text = finished(extra=SUMMARY.replace("savings_amount: 14400000", "savings_amount: -5"))
    line = text.splitlines().index("  savings_amount: -5") + 1
    assert [p for p in problems(text) if p.severity == ERROR] == [
        Problem(P, line, 19, ERROR, "bad-amount", "summary.savings_amount is -5: an amount cannot be negative")]


# -- a case needs a project that reached evaluation ---------------------------------------------


def test_validate__a_case_on_a_project_that_never_reached_evaluation(repo: Path, holp: Callable[..., Result]) -> None:
    text = finished(stage="implementation", extra=CASE)
    write(repo / P, text)
    before = (repo / P).read_bytes()
    line = text.splitlines().index("case:") + 1
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{P}:{line}:1: error[case-not-reached]: P-2026-001 is at implementation and never reached evaluation: "
        "a reference case needs a finished project with its summary",
        "4 files checked: 1 error.",
    ]
    assert (repo / P).read_bytes() == before


def test_validate__a_case_on_a_lost_project_and_a_summary_on_it() -> None:
    text = finished(stage="lost", extra="lost: {reason: price, stage: bidding}\n" + SUMMARY + CASE)
    assert [p for p in problems(text) if p.code.startswith("case")] == [
        Problem(P, text.splitlines().index("case:") + 1, 1, ERROR, "case-not-reached",
                "P-2026-001 was lost: a lost deal is no reference case (keep what it taught in `summary`)")]


def test_validate__a_case_at_evaluation_or_later_is_fine() -> None:
    for stage in ("evaluation", "service"):
        assert check_cases_of(finished(stage=stage, extra=SUMMARY + CASE)) == []


def check_cases_of(text: str) -> list[Problem]:
    return list(check_cases(repo_of(sales_files(**{P: text})), lambda _: True))


def test_validate__a_case_contact_nobody_knows_and_a_visit_to_an_unnamed_customer() -> None:
    case = CASE.replace("reference_allowed: true", "reference_allowed: false").replace("王强", "王小强")
    text = finished(extra=SUMMARY + case)
    lines = text.splitlines()
    assert check_cases_of(text) == [
        Problem(P, lines.index("  contact: 王小强") + 1, 12, WARNING, "unknown-contact",
                "王小强 is neither a contact of C-0001 nor a rep"),
        Problem(P, lines.index("  site_visit_allowed: true") + 1, 23, WARNING, "case-not-named",
                "a site visit names the customer, but reference_allowed is not true"),
    ]
    assert check_cases_of(finished(extra=SUMMARY + CASE.replace("王强", "zhang.wei"))) == []  # a rep is fine


def test_validate__the_example_repository_is_clean(holp: Callable[..., Result]) -> None:
    example = Path(__file__).resolve().parent.parent / "example-repo"
    result = holp("-C", str(example), "validate")
    assert (result.exit_code, result.output.splitlines()[-1]) == (0, "49 files checked, no problems.")


