"""The project summary (项目总结) and the case library (成功案例): the evaluation gate, validate, `holp cases`,
the forms that list matching cases, show and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import PROCESS_TEXT, dedent, repo_of, sales_files, write
from holp.cases import library, matching
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
              worth: {short_term_revenue: 4, future_revenue: 3, profit: 3, risk: 3, strategic_value: 4}
            competitors: [某节能公司]
            payments:
              - {due: 2026-04-30, amount: 3200000, received: 2026-04-28}
            approvals:
              - {item: proposal_reviewed, by: li.na, date: 2026-03-01, verdict: approved}
            """) + extra)


def problems(text: str) -> list[Problem]:
    """What validate says of the project (a won customer's revisit reminder is after-sales', not this file's)."""
    return [p for p in validate(repo_of(sales_files(**{P: text}))) if p.code != "revisit-due"]


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
    result = holp("validate", P)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "customers/east/C-0001.yaml:2:5: warning[revisit-due]: a won customer never revisited; holp.yaml asks for a "
        "revisit every 180 days: holp service revisit PROJECT --satisfaction N --note ...",
        f"{P}:{line}:1: error[case-not-reached]: P-2026-001 is at implementation and never reached evaluation: "
        "a reference case needs a finished project with its summary",
        "2 files checked: 1 error, 1 warning.",
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
    """No error, and nothing about summaries and cases (the one warning is a risk review the example leaves
    overdue on purpose)."""
    example = Path(__file__).resolve().parent.parent / "example-repo"
    result = holp("-C", str(example), "validate")
    assert (result.exit_code, result.output.splitlines()[-1]) == (0, "49 files checked: 1 warning.")
    assert "warning[risk-not-reviewed]" in result.output


# -- the case library ---------------------------------------------------------------------------


def customer(cid: str, name: str, industry: str, contact: str = "周建华") -> str:
    return (f"id: {cid}\nname: {name}\nindustry: {industry}\nregion: east\nowner: zhang.wei\ncredit: A\n"
            f"contacts:\n  - {{name: {contact}, role: decision_maker}}\n  - {{name: 吴国平, role: coach}}\n")


def case(savings: str, *, named: bool = True, visit: bool = True, contact: str = "吴国平",
         highlights: str = "样板工程") -> str:
    return (SUMMARY.replace("14400000", savings)
            + f"case:\n  reference_allowed: {str(named).lower()}\n  site_visit_allowed: {str(visit).lower()}\n"
            + (f"  contact: {contact}\n" if contact else "") + f"  highlights: {highlights}\n")


def library_files() -> dict[str, str]:
    """Cases at three customers: steel (C-0001, the project's own), cement (C-0002), Steel written otherwise."""
    files = {
        "customers/east/C-0002.yaml": customer("C-0002", "江苏永丰水泥有限公司", "水泥"),
        "customers/east/C-0003.yaml": customer("C-0003", "河北冀中钢铁有限公司", " STEEL "),
        # same industry and line, small savings
        "projects/east/P-2025-001.yaml": finished("P-2025-001", "service", customer="C-0003", extra=case("1000000")),
        # same line, large savings
        "projects/east/P-2025-002.yaml": finished("P-2025-002", "service", customer="C-0002",
                                                  extra=case("39000000", highlights="苏南水泥行业第一个余热发电样板")),
        # same line, smaller savings, unnamed
        "projects/east/P-2025-003.yaml": finished("P-2025-003", "evaluation", customer="C-0002", amount="420000",
                                                  extra=case("5200000", named=False, visit=False, contact="")),
        # same industry only
        "projects/east/P-2025-004.yaml": finished("P-2025-004", "service", customer="C-0003", line="motor-drive",
                                                  extra=case("13200000")),
        # neither
        "projects/east/P-2025-005.yaml": finished("P-2025-005", "service", customer="C-0002", line="automation",
                                                  extra=case("90000000")),
        # the customer's own: never suggested to it
        "projects/east/P-2025-006.yaml": finished("P-2025-006", "service", extra=case("80000000")),
        # never reached evaluation: no case
        "projects/east/P-2025-007.yaml": finished("P-2025-007", "implementation", customer="C-0002",
                                                  extra=case("99000000")),
    }
    return sales_files(**files)


def test_library__lists_cases_that_reached_evaluation_largest_savings_first() -> None:

    repo = repo_of(library_files())
    assert [(c.project.id, c.named, c.year) for c in library(repo)] == [
        ("P-2025-005", True, 2026), ("P-2025-006", True, 2026), ("P-2025-002", True, 2026),
        ("P-2025-004", True, 2026), ("P-2025-003", False, 2026), ("P-2025-001", True, 2026)]


def test_matching__same_industry_and_line_then_line_then_industry_never_the_own_customer() -> None:

    repo = repo_of(library_files())
    found = matching(repo, repo.projects["P-2026-001"])  # steel, waste-heat
    assert [(c.project.id, kind) for c, kind in found] == [
        ("P-2025-001", "industry_line"), ("P-2025-002", "line"), ("P-2025-003", "line")]
    assert [(c.project.id, kind) for c, kind in matching(repo, repo.projects["P-2026-001"], count=5)][3:] == [
        ("P-2025-004", "industry")]


def library_repo(root: Path) -> None:
    for path, text in library_files().items():
        write(root / path, text)


def test_cases__json(repo: Path, holp: Callable[..., Result]) -> None:
    library_repo(repo)
    result = holp("cases", "--format", "json", "--line", "waste-heat", "--industry", "水泥")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"project": "P-2025-002", "name": "项目P-2025-002", "customer_id": "C-0002", "customer": "江苏永丰水泥有限公司",
         "industry": "水泥", "business_line": "waste-heat", "region": "east", "year": 2026, "amount": "3200000.00",
         "savings_kwh": "24000000", "savings_amount": "39000000.00", "payback_years": "1.8",
         "highlights": "苏南水泥行业第一个余热发电样板", "reference_allowed": True, "site_visit_allowed": True,
         "contact": "吴国平"},
        {"project": "P-2025-003", "name": "项目P-2025-003", "customer_id": "C-0002", "customer": None,
         "industry": "水泥", "business_line": "waste-heat", "region": "east", "year": 2026, "amount": "420000.00",
         "savings_kwh": "24000000", "savings_amount": "5200000.00", "payback_years": "1.8",
         "highlights": "样板工程", "reference_allowed": False, "site_visit_allowed": False, "contact": None},
    ]


def test_cases__table_in_english_filtered_by_industry_however_written(repo: Path,
                                                                       holp: Callable[..., Result]) -> None:
    library_repo(repo)
    result = holp("cases", "--industry", "steel", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output == dedent("""
        P-2025-006  华东某钢铁集团 — steel · Waste-heat recovery · East China · 2026
          Amount: 3,200,000.00 CNY · kWh saved a year: 24,000,000 · Saved a year: 80,000,000.00 CNY · Payback (years): 1.8
          Site visit: yes · Reference contact: 吴国平
          Highlights: 样板工程

        P-2025-004  河北冀中钢铁有限公司 — STEEL · Motor-drive systems · East China · 2026
          Amount: 3,200,000.00 CNY · kWh saved a year: 24,000,000 · Saved a year: 13,200,000.00 CNY · Payback (years): 1.8
          Site visit: yes · Reference contact: 吴国平
          Highlights: 样板工程

        P-2025-001  河北冀中钢铁有限公司 — STEEL · Waste-heat recovery · East China · 2026
          Amount: 3,200,000.00 CNY · kWh saved a year: 24,000,000 · Saved a year: 1,000,000.00 CNY · Payback (years): 1.8
          Site visit: yes · Reference contact: 吴国平
          Highlights: 样板工程

        3 reference cases
        """)


def test_cases__markdown_names_only_who_may_be_named(repo: Path, holp: Callable[..., Result]) -> None:
    library_repo(repo)
    result = holp("cases", "--format", "md", "--line", "waste-heat", "--industry", "水泥")
    assert result.exit_code == 0, result.output
    assert result.output == dedent("""
        ## 成功案例库

        | 编号 | 客户 | 行业 | 业务版块 | 区域 | 年份 | 金额 (CNY) | 年节电量(kWh) | 年节约金额 (CNY) | 投资回收期(年) | 可参观 | 案例联系人 | 亮点 |
        |---|---|---|---|---|---:|---:|---:|---:|---:|---|---|---|
        | P-2025-002 | 江苏永丰水泥有限公司 | 水泥 | 余热利用 | 华东 | 2026 | 3,200,000.00 | 24,000,000 | 39,000,000.00 | 1\\.8 | 是 | 吴国平 | 苏南水泥行业第一个余热发电样板 |
        | P-2025-003 | (不具名客户) | 水泥 | 余热利用 | 华东 | 2026 | 420,000.00 | 24,000,000 | 5,200,000.00 | 1\\.8 | 否 |  | 样板工程 |
        """)


def test_cases__nothing_matches_and_bad_filters(repo: Path, holp: Callable[..., Result]) -> None:
    library_repo(repo)
    result = holp("cases", "--industry", "陶瓷")
    assert (result.exit_code, result.output) == (0, "no reference cases match\n")
    result = holp("cases", "--line", "steam")
    assert (result.exit_code, result.stderr) == (
        2, "holp: unknown line steam; use one of: automation, energy-audit, motor-drive, waste-heat\n")
    result = holp("cases", "--region", "mars")
    assert (result.exit_code, result.stderr) == (2, "holp: unknown region mars; use one of: east, north\n")


# -- forms ----------------------------------------------------------------------------------------


def test_render__project_summary_in_english(repo: Path, holp: Callable[..., Result]) -> None:
    library_repo(repo)
    result = holp("render", "project-summary", "P-2025-003", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output == dedent("""
        # Project summary (implementation evaluation) · 项目P-2025-003

        | Project | P-2025-003 项目P-2025-003 |
        |---|---|
        | Customer | 江苏永丰水泥有限公司 |
        | Owner | 张伟 |
        | Stage | Evaluation (100%) |
        | Amount | 420,000.00 CNY |
        | Expected close | 2026-03-31 |
        | Business line | Waste-heat recovery |
        | Written on | 2026-10-20 |

        ## What went well

        锅炉适应窑况波动

        ## What went wrong

        设备到货晚 3 周

        ## Lessons learned

        合同写明到货违约条款

        ## Savings achieved

        | | |
        |---|---:|
        | kWh saved a year | 24,000,000 |
        | Saved a year (CNY) | 5,200,000.00 |
        | Payback (years) | 1\\.8 |

        ## Reference case

        | | |
        |---|---|
        | Customer may be named | no |
        | Site visit | no |
        | Reference contact |  |
        | Highlights | 样板工程 |

        Filled in by / date:
        """)


def test_render__project_summary_not_written_yet_in_chinese(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / P, finished())
    result = holp("render", "project-summary", "P-2026-001")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "# 项目总结(项目实施评估) · 项目P-2026-001\n" in text
    assert "## 经验(做得好的)\n\n&nbsp;\n\n## 不足(出问题的)\n\n&nbsp;\n\n## 教训与改进\n\n&nbsp;\n" in text
    assert "| 年节电量(kWh) |  |\n| 年节约金额 (CNY) |  |\n| 投资回收期(年) |  |\n" in text
    assert "## 成功案例\n\n- 未列为成功案例\n" in text
    html = holp("render", "project-summary", "P-2026-001", "--format", "html").output
    assert html.count('<div class="write"></div>') == 3 and "<title>项目总结(项目实施评估) · 项目P-2026-001</title>" in html


def test_render__visit_plan_lists_the_best_three_matching_cases(repo: Path, holp: Callable[..., Result]) -> None:
    library_repo(repo)
    result = holp("render", "visit-plan", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text[text.index("## Reference cases to mention"):text.index("## Last visit")] == dedent("""
        ## Reference cases to mention (same industry and line)

        ### 1. 河北冀中钢铁有限公司 — 项目P-2025-001

        - Same industry and line: STEEL · Waste-heat recovery · East China · 2026
        - Saved a year: 1,000,000.00 CNY · kWh saved a year: 24,000,000 · Payback (years): 1\\.8
        - Site visit: yes · Reference contact: 吴国平
        - Highlights: 样板工程

        ### 2. 江苏永丰水泥有限公司 — 项目P-2025-002

        - Same business line: 水泥 · Waste-heat recovery · East China · 2026
        - Saved a year: 39,000,000.00 CNY · kWh saved a year: 24,000,000 · Payback (years): 1\\.8
        - Site visit: yes · Reference contact: 吴国平
        - Highlights: 苏南水泥行业第一个余热发电样板

        ### 3. (unnamed customer) — 项目P-2025-003

        - Same business line: 水泥 · Waste-heat recovery · East China · 2026
        - Saved a year: 5,200,000.00 CNY · kWh saved a year: 24,000,000 · Payback (years): 1\\.8
        - Site visit: no
        - Highlights: 样板工程

        """)


def test_render__opportunity_evaluation_lists_cases_or_none(repo: Path, holp: Callable[..., Result]) -> None:
    assert holp("render", "opportunity-evaluation", "P-2026-001").output.endswith(
        "## 可介绍的成功案例(同行业、同业务)\n\n- 无\n")
    library_repo(repo)
    text = holp("render", "opportunity-evaluation", "P-2026-001").output
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### 1. 河北冀中钢铁有限公司 — 项目P-2025-001", "### 2. 江苏永丰水泥有限公司 — 项目P-2025-002",
        "### 3. (不具名客户) — 项目P-2025-003"]


# -- show and export ------------------------------------------------------------------------------


def test_show__the_summary_and_the_case(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / P, finished(stage="service", extra=SUMMARY + CASE))
    result = holp("show", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.split("\n\n")[-2:] == [
        "Project summary (implementation evaluation): 2026-10-20\n"
        "  What went well: 锅炉适应窑况波动\n"
        "  What went wrong: 设备到货晚 3 周\n"
        "  Lessons learned: 合同写明到货违约条款\n"
        "  kWh saved a year: 24,000,000 · Saved a year: 14,400,000.00 CNY · Payback (years): 1.8",
        "Reference case: Customer may be named yes · Site visit yes · Reference contact 王强\n"
        "  Highlights: 钢铁行业高炉余热发电样板\n",
    ]
    shown = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert (shown["summary"], shown["case"]) == (
        {"date": "2026-10-20", "went_well": "锅炉适应窑况波动", "went_wrong": "设备到货晚 3 周",
         "lessons": "合同写明到货违约条款", "savings_kwh": "24000000", "savings_amount": "14400000",
         "payback_years": "1.8"},
        {"reference_allowed": True, "site_visit_allowed": True, "contact": "王强", "highlights": "钢铁行业高炉余热发电样板"})
    write(repo / P, finished())
    assert json.loads(holp("show", "P-2026-001", "--format", "json").output)["summary"] is None


def test_export__summaries_and_cases_tables(git_repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    import sqlite3

    write(git_repo / P, finished(stage="service", extra=SUMMARY + CASE.replace("reference_allowed: true",
                                                                             "reference_allowed: false")))
    out = tmp_path / "sales.db"
    result = holp("export", "--format", "sqlite", "-o", str(out))
    assert result.output.endswith(", 1 summaries, 1 cases, 0 tasks, 1 approvals, 0 expenses\n"), result.output
    db = sqlite3.connect(out)
    assert db.execute("SELECT * FROM summaries").fetchall() == [
        ("P-2026-001", "2026-10-20", "锅炉适应窑况波动", "设备到货晚 3 周", "合同写明到货违约条款", "24000000",
         "14400000.00", "1.8", None, 1440000000)]
    assert db.execute("SELECT * FROM cases").fetchall() == [
        ("P-2026-001", "false", "true", "王强", "钢铁行业高炉余热发电样板")]
    folder = tmp_path / "csv"
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    assert (folder / "cases.csv").read_bytes() == (
        "\ufeffproject,reference_allowed,site_visit_allowed,contact,highlights\r\n"
        "P-2026-001,false,true,王强,钢铁行业高炉余热发电样板\r\n").encode("utf-8")
