"""Sales expenses (销售费用): `holp expense add`, the approval thresholds validate checks, show, export, review."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, Script, git, snapshot, write
from holp.resources import template

PATH = "projects/east/P-2026-001.yaml"
CUSTOMER_PATH = "customers/east/C-0001.yaml"

TEAM = """\
regions:
  - {id: east, label: {zh: 华东, en: East China}, manager: li.na}
  - {id: north, label: {zh: 华北, en: North China}, manager: zhao.lei}
reps:
  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}
  - {id: zhao.lei, name: 赵磊, email: zhao.lei@example.com, region: north, role: manager}
  - {id: wang.fang, name: 王芳, email: wang.fang@example.com, region: north}
  - {id: qian.zong, name: 钱总, email: qian.zong@example.com, role: director}
  - {id: chen.gong, name: 陈工, email: chen.gong@example.com, region: east, role: engineer}
"""


@pytest.fixture
def sales(git_repo: Path) -> Path:
    """The `git_repo` with a team holding managers of two regions, a director and an engineer."""
    (git_repo / "team.yaml").write_text(TEAM, encoding="utf-8")
    git(git_repo, "commit", "-qam", "team")
    return git_repo


def _add(holp: Callable[..., Result], *extra: str, record: str = "P-2026-001") -> Result:
    return holp("expense", "add", record, "--kind", "hospitality", "--note", "技术交流晚宴", "--date", "2026-11-20",
                *extra)


# -- holp expense add ------------------------------------------------------------------------


def test_add__appends_exact_lines_and_commits_the_one_file(sales: Path, holp: Callable[..., Result]) -> None:
    result = _add(holp, "--amount", "4800")
    assert result.exit_code == 0, result.output
    assert (sales / PATH).read_text(encoding="utf-8") == PROJECT + (
        "expenses:\n"
        "  - date: 2026-11-20\n"
        "    kind: hospitality\n"
        "    amount: 4800\n"
        "    by: zhang.wei\n"
        "    note: 技术交流晚宴\n")
    assert git(sales, "log", "-1", "--format=%B") == (
        "P-2026-001: expense 1, hospitality 4,800 (2026-11-20)\n\n技术交流晚宴\n\n"
        "Holp-Project: P-2026-001\nHolp-Expense: #1 hospitality 4800\n\n")
    assert git(sales, "show", "--name-only", "--format=", "HEAD") == f"{PATH}\n"
    assert git(sales, "status", "--porcelain") == ""


def test_add__above_a_threshold_with_the_regions_manager(sales: Path, holp: Callable[..., Result]) -> None:
    assert _add(holp, "--amount", "4800").exit_code == 0
    result = _add(holp, "--amount", "12000.50", "--approved-by", "li.na", "--by", "chen.gong")
    assert result.exit_code == 0, result.output
    assert (sales / PATH).read_text(encoding="utf-8").endswith(
        "    note: 技术交流晚宴\n"
        "  - date: 2026-11-20\n"
        "    kind: hospitality\n"
        "    amount: 12000.50\n"
        "    by: chen.gong\n"
        "    approved_by: li.na\n"
        "    note: 技术交流晚宴\n")
    assert holp("validate").exit_code == 0


def test_add__on_a_customer(sales: Path, holp: Callable[..., Result]) -> None:
    result = holp("expense", "add", "C-0001", "--kind", "gift", "--amount", "800", "--note", "春节礼品",
                  "--date", "2026-01-20")
    assert result.exit_code == 0, result.output
    assert (sales / CUSTOMER_PATH).read_text(encoding="utf-8") == CUSTOMER + (
        "expenses:\n  - date: 2026-01-20\n    kind: gift\n    amount: 800\n    by: zhang.wei\n    note: 春节礼品\n")
    assert git(sales, "log", "-1", "--format=%B") == (
        "C-0001: expense 1, gift 800 (2026-01-20)\n\n春节礼品\n\nHolp-Customer: C-0001\nHolp-Expense: #1 gift 800\n\n")


def test_add__by_defaults_to_the_owner_when_git_names_nobody_of_the_team(
        sales: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "wang.fang@example.com")
    assert _add(holp, "--amount", "100").exit_code == 0
    assert "    by: wang.fang\n" in (sales / PATH).read_text(encoding="utf-8")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "someone@else.example")
    assert _add(holp, "--amount", "200").exit_code == 0
    assert (sales / PATH).read_text(encoding="utf-8").endswith("    amount: 200\n    by: zhang.wei\n    note: 技术交流晚宴\n")


@pytest.mark.parametrize(("extra", "code", "message"), [
    (("--amount", "三千"), 2, "--amount 三千: not a number (write it plain, e.g. 1250000 or 1250000.50)"),
    (("--amount", "-300"), 2, "--amount -300: the amount must be more than 0"),
    (("--amount", "300", "--date", "2026-02-30"), 2, "--date 2026-02-30: not a real date written YYYY-MM-DD"),
    (("--amount", "300", "--date", "2026-11-25"), 2,
     "--date 2026-11-25 is after today (2026-11-24): record an expense once it is spent"),
    (("--amount", "300", "--by", "zhang.wie"), 2, "--by zhang.wie: not a member of team.yaml (did you mean zhang.wei?)"),
    (("--amount", "300", "--approved-by", "nobody"), 2, "--approved-by nobody: not a member of team.yaml"),
    (("--amount", "12000",), 1,
     "P-2026-001: expense 1 (12,000 hospitality) needs the approval of the manager of east (li.na) or a director; approved_by "
     "is missing: pass --approved-by li.na or qian.zong; nothing written"),
    (("--amount", "12000", "--approved-by", "wang.fang"), 1,
     "P-2026-001: expense 1 (12,000 hospitality) needs the approval of the manager of east (li.na) or a director; approved_by "
     "wang.fang is a rep: pass --approved-by li.na or qian.zong; nothing written"),
    (("--amount", "12000", "--approved-by", "zhao.lei"), 1,
     "P-2026-001: expense 1 (12,000 hospitality) needs the approval of the manager of east (li.na) or a director; approved_by "
     "zhao.lei is the manager of north: pass --approved-by li.na or qian.zong; nothing written"),
    (("--amount", "20000.01", "--approved-by", "li.na"), 1,
     "P-2026-001: expense 1 (20,000.01 hospitality) needs the approval of a director; approved_by li.na is the "
     "manager of east: pass --approved-by qian.zong; nothing written"),
])
def test_add__refuses_before_any_write(sales: Path, holp: Callable[..., Result], extra: tuple[str, ...], code: int,
                                       message: str) -> None:
    before = snapshot(sales)
    head = git(sales, "rev-parse", "HEAD")
    result = _add(holp, *extra)
    assert result.exit_code == code
    assert result.output == f"holp: {message}\n"
    assert snapshot(sales) == before
    assert git(sales, "rev-parse", "HEAD") == head


def test_add__unknown_id_is_a_usage_error(sales: Path, holp: Callable[..., Result]) -> None:
    result = _add(holp, "--amount", "100", record="P-2026-999")
    assert result.exit_code == 2
    assert "P-2026-999" in result.output


def test_add__a_director_approves_anything(sales: Path, holp: Callable[..., Result]) -> None:
    result = _add(holp, "--amount", "50000", "--approved-by", "qian.zong")
    assert result.exit_code == 0, result.output
    assert holp("validate").exit_code == 0


# -- validate ------------------------------------------------------------------------------------


def _validate(holp: Callable[..., Result], root: Path, expenses: list[str], *, path: str = PATH,
              text: str = PROJECT) -> Result:
    write(root / path, text + "expenses:\n" + "".join(f"  - {{{e}}}\n" for e in expenses))
    return holp("validate")


def _at(path: str, text: str, expenses: list[str], n: int, value: str) -> str:
    """file:line:column of ``value`` in expense ``n`` (1-based), counted here from the lines the test wrote."""
    return f"{path}:{text.count(chr(10)) + 1 + n}:{len('  - {') + expenses[n - 1].index(value) + 1}"


def test_validate__each_approval_problem_names_file_and_line(sales: Path, holp: Callable[..., Result]) -> None:
    expenses = [
        "date: 2026-05-01, kind: travel, amount: 4800, by: zhang.wei",
        "date: 2026-05-02, kind: hospitality, amount: 12000, by: zhang.wei, approved_by: wang.fang",
        "date: 2026-05-03, kind: gift, amount: 6000, by: zhang.wei",
        "date: 2026-05-04, kind: bid, amount: 25000, by: zhang.wei, approved_by: li.na",
        "date: 2026-05-05, kind: sample, amount: 8000, by: zhang.wie, approved_by: zhao.lei",
        "date: 2026-05-06, kind: survey, amount: 300, by: zhang.wei, approved_by: nobody",
        "date: 2026-05-07, kind: other, amount: 9000, by: zhang.wei, approved_by: ghost",
        "date: 2026-05-08, kind: survey, amount: 5000, by: zhang.wei",
        "date: 2026-05-09, kind: survey, amount: 25000, by: zhang.wei, approved_by: qian.zong",
        "date: 2026-05-10, kind: survey, amount: 7000, by: chen.gong, approved_by: li.na",
    ]
    result = _validate(holp, sales, expenses)
    assert result.exit_code == 1

    def at(n: int, value: str) -> str:
        return _at(PATH, PROJECT, expenses, n, value)

    assert result.output.splitlines() == [
        f"{at(2, 'wang.fang')}: error[expense-not-approved]: expense 2 (12,000 hospitality) needs the approval of the "
        "manager of east (li.na) or a director; approved_by wang.fang is a rep",
        f"{at(3, '6000')}: error[expense-not-approved]: expense 3 (6,000 gift) needs the approval of the manager "
        "of east (li.na) or a director; approved_by is missing",
        f"{at(4, 'li.na')}: error[expense-not-approved]: expense 4 (25,000 bid) needs the approval of a "
        "director; approved_by li.na is the manager of east",
        f"{at(5, 'zhang.wie')}: error[unknown-rep]: rep 'zhang.wie' is not in team.yaml (did you mean zhang.wei?)",
        f"{at(5, 'zhao.lei')}: error[expense-not-approved]: expense 5 (8,000 sample) needs the approval of the "
        "manager of east (li.na) or a director; approved_by zhao.lei is the manager of north",
        f"{at(6, 'nobody')}: error[unknown-rep]: rep 'nobody' is not in team.yaml",
        f"{at(7, 'ghost')}: error[expense-not-approved]: expense 7 (9,000 other) needs the approval of the "
        "manager of east (li.na) or a director; approved_by ghost is not in team.yaml",
        "4 files checked: 7 errors.",
    ]


def test_validate__amounts_in_words_or_negative_are_one_schema_problem_each(
        sales: Path, holp: Callable[..., Result]) -> None:
    expenses = ["date: 2026-05-01, kind: travel, amount: 三千, by: zhang.wei",
                "date: 2026-05-02, kind: travel, amount: -300, by: zhang.wei",
                "date: 2026-02-30, kind: travel, amount: 300, by: zhang.wei",
                "date: 2026-05-03, kind: taxi, amount: 300, by: zhang.wei"]
    result = _validate(holp, sales, expenses)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": error")[0] for line in lines[:-1]] == [
        _at(PATH, PROJECT, expenses, 1, "三千"), _at(PATH, PROJECT, expenses, 2, "-300"),
        _at(PATH, PROJECT, expenses, 3, "2026-02-30"), _at(PATH, PROJECT, expenses, 4, "taxi")]
    assert lines[-1] == "4 files checked: 4 errors."


def test_validate__customer_expenses_by_the_customers_region_and_future_ones_warn(
        sales: Path, holp: Callable[..., Result]) -> None:
    expenses = ["date: 2026-05-01, kind: hospitality, amount: 9000, by: zhang.wei, approved_by: zhao.lei",
                "date: 2026-12-01, kind: travel, amount: 900, by: zhang.wei"]
    result = _validate(holp, sales, expenses, path=CUSTOMER_PATH, text=CUSTOMER)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{_at(CUSTOMER_PATH, CUSTOMER, expenses, 1, 'zhao.lei')}: error[expense-not-approved]: expense 1 (9,000 "
        "hospitality) needs the approval of the manager of east (li.na) or a director; approved_by zhao.lei is the manager of "
        "north",
        f"{_at(CUSTOMER_PATH, CUSTOMER, expenses, 2, '2026-12-01')}: warning[expense-in-future]: expense 2 (900 "
        "travel) is dated 2026-12-01, after today (2026-11-24): record an expense once it is spent",
        "4 files checked: 1 error, 1 warning.",
    ]


# -- review, show, export ----------------------------------------------------------------------


def test_review__lists_the_expenses_a_branch_adds(script: Script, holp: Callable[..., Result]) -> None:
    before = "expenses:\n  - {date: 2026-09-01, kind: travel, amount: 1200, by: zhang.wei, note: 老的}\n"
    script.commit("li.na", "2026-10-01T09:00:00+08:00", "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
        CUSTOMER_PATH: CUSTOMER, PATH: PROJECT + before})
    script.git("switch", "-q", "-c", "feature")
    script.run("zhang.wei", "2026-11-02T09:00:00+08:00", "expense", "add", "P-2026-001", "--kind", "hospitality",
               "--amount", "12000", "--approved-by", "li.na", "--note", "晚宴 | 表格", "--date", "2026-11-02")
    script.run("zhang.wei", "2026-11-03T09:00:00+08:00", "expense", "add", "C-0001", "--kind", "gift",
               "--amount", "300.5", "--note", "礼品", "--date", "2026-11-01")
    result = holp("review")
    assert result.exit_code == 0, result.output
    assert ("### 本分支新增的费用\n\n"
            "| 项目/客户 | 日期 | 费用类别 | 费用 (CNY) | 经办人 | 审批人 |\n"
            "|---|---|---|--:|---|---|\n"
            "| C-0001 | 2026-11-01 | 礼品 | 300.50 | zhang.wei | — |\n"
            "| P-2026-001 | 2026-11-02 | 招待 | 12,000.00 | zhang.wei | li.na |\n\n") in result.output
    data = json.loads(holp("review", "--format", "json").output)
    assert data["expenses"] == [
        {"record": "C-0001", "date": "2026-11-01", "kind": "gift", "amount": "300.50", "by": "zhang.wei",
         "approved_by": None, "note": "礼品"},
        {"record": "P-2026-001", "date": "2026-11-02", "kind": "hospitality", "amount": "12000.00",
         "by": "zhang.wei", "approved_by": "li.na", "note": "晚宴 | 表格"}]


def test_review__a_branch_without_expenses_has_no_expense_section(script: Script,
                                                                   holp: Callable[..., Result]) -> None:
    script.commit("li.na", "2026-10-01T09:00:00+08:00", "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
        CUSTOMER_PATH: CUSTOMER, PATH: PROJECT})
    script.git("switch", "-q", "-c", "feature")
    result = holp("review")
    assert "本分支新增的费用" not in result.output
    assert json.loads(holp("review", "--format", "json").output)["expenses"] == []


def test_show__numbers_the_expenses_and_says_source_and_class(sales: Path, holp: Callable[..., Result]) -> None:
    write(sales / CUSTOMER_PATH, CUSTOMER.replace("credit: B\n", "credit: B\nclass: A\nsource: referral\n"))
    assert _add(holp, "--amount", "4800").exit_code == 0
    assert _add(holp, "--amount", "12000", "--approved-by", "qian.zong", "--date", "2026-11-21").exit_code == 0
    result = holp("show", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(None, 1) for line in lines if line.startswith(("Source", "Class"))] == [
        ["Source", "Customer referral"], ["Class", "A"]]
    at = lines.index("Expenses:")
    assert lines[at + 1:at + 4] == [
        "  1. 2026-11-20 Hospitality 4,800.00 CNY · 张伟: 技术交流晚宴",
        "  2. 2026-11-21 Hospitality 12,000.00 CNY · 张伟 · Approved by: 钱总: 技术交流晚宴",
        "  Total: 16,800.00 CNY"]
    data = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert (data["source"], data["customer_class"]) == ("referral", "A")
    assert data["expenses"][1] == {"number": 2, "date": "2026-11-21", "kind": "hospitality", "amount": "12000.00",
                                   "by": "zhang.wei", "approved_by": "qian.zong", "note": "技术交流晚宴"}


def test_export__an_expenses_table_and_source_and_class(sales: Path, holp: Callable[..., Result],
                                                       tmp_path: Path) -> None:
    write(sales / CUSTOMER_PATH, CUSTOMER.replace("credit: B\n", "credit: B\nclass: B\nsource: event\n"))
    assert _add(holp, "--amount", "4800.5").exit_code == 0
    assert holp("expense", "add", "C-0001", "--kind", "gift", "--amount", "800", "--note", "礼品",
                "--date", "2026-01-20").exit_code == 0
    out = tmp_path / "sales.jsonl"
    assert holp("export", "--format", "jsonl", "-o", str(out)).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r for r in records if r["table"] == "expenses"] == [
        {"table": "expenses", "project": "P-2026-001", "customer": "C-0001", "index": 1, "date": "2026-11-20",
         "kind": "hospitality", "amount": "4800.50", "by": "zhang.wei", "approved_by": None, "note": "技术交流晚宴"},
        {"table": "expenses", "project": None, "customer": "C-0001", "index": 1, "date": "2026-01-20",
         "kind": "gift", "amount": "800.00", "by": "zhang.wei", "approved_by": None, "note": "礼品"}]
    customer = next(r for r in records if r["table"] == "customers")
    project = next(r for r in records if r["table"] == "projects")
    assert (customer["class"], customer["source"], project["source"]) == ("B", "event", "event")


# -- sources and classes -------------------------------------------------------------------------


def test_list__by_the_customers_class_and_the_source(sales: Path, holp: Callable[..., Result]) -> None:
    write(sales / CUSTOMER_PATH, CUSTOMER.replace("credit: B\n", "credit: B\nclass: A\nsource: referral\n"))
    write(sales / "projects/east/P-2026-002.yaml",
          PROJECT.replace("P-2026-001", "P-2026-002").replace("business_line: waste-heat\n",
                                                              "business_line: waste-heat\nsource: event\n"))
    ids = [[d["id"] for d in json.loads(holp("list", *args, "--format", "json").output)] for args in (
        ("--class", "A"), ("--class", "B"), ("--source", "referral"), ("--source", "event"),
        ("--source", "event", "--source", "referral"))]
    assert ids == [["P-2026-001", "P-2026-002"], [], ["P-2026-001"], ["P-2026-002"], ["P-2026-001", "P-2026-002"]]
    result = holp("list", "--source", "events")
    assert result.exit_code == 2
    assert result.output == ("holp: unknown source events; use one of: email, event, other, phone, referral, self, "
                             "walk_in\n")


def test_validate__an_unknown_source_or_class_is_one_problem_with_its_line(
        sales: Path, holp: Callable[..., Result]) -> None:
    write(sales / CUSTOMER_PATH, CUSTOMER.replace("credit: B\n", "credit: B\nclass: D\nsource: fair\n"))
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        f"{CUSTOMER_PATH}:8:8: error[bad-value]: class is 'D'; it must be one of: A, B, C",
        f"{CUSTOMER_PATH}:9:9: error[bad-value]: source is 'fair'; it must be one of: walk_in, phone, email, referral, "
        "self, event, other"]


def test_add__an_amount_in_exponent_form_is_written_plain(sales: Path, holp: Callable[..., Result]) -> None:
    result = _add(holp, "--amount", "1e3")
    assert result.exit_code == 0, result.output
    assert "    amount: 1000\n" in (sales / PATH).read_text(encoding="utf-8")
    assert git(sales, "log", "-1", "--format=%s") == "P-2026-001: expense 1, hospitality 1,000 (2026-11-20)\n"


def test_add__a_note_with_a_line_break_and_an_escape_reads_back_as_written(
        sales: Path, holp: Callable[..., Result]) -> None:
    assert _add(holp, "--amount", "100", "--note", "两行\n第二行 \x1b[31m").exit_code == 0
    assert (sales / PATH).read_text(encoding="utf-8").endswith('    note: "两行\\n第二行 \\u001b[31m"\n')
    shown = holp("show", "P-2026-001").output
    assert "\x1b" not in shown and "两行" in shown
