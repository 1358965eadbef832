"""Tasks (`holp task add|done`), a visit's next-step due day, their checks, and `holp agenda` (table, JSON, ics)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, TEAM, Script, git, snapshot
from holp.resources import template

PATH = "projects/east/P-2026-001.yaml"
CUSTOMER_PATH = "customers/east/C-0001.yaml"


# -- task add | done ---------------------------------------------------------------------------------


def test_task_add__appends_exact_lines_and_commits_the_one_file(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("task", "add", "P-2026-001", "提交初步方案", "--due", "2026-12-05")
    assert result.exit_code == 0, result.output
    assert (git_repo / PATH).read_text(encoding="utf-8") == PROJECT + (
        "tasks:\n  - what: 提交初步方案\n    who: zhang.wei\n    due: 2026-12-05\n")
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: task #1 added (zhang.wei, due 2026-12-05)\n\n提交初步方案\n\n"
        "Holp-Project: P-2026-001\nHolp-Task: #1 added\n\n")
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{PATH}\n"
    assert git(git_repo, "status", "--porcelain") == ""


def test_task_add__on_a_customer_with_who_and_start(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("task", "add", "C-0001", "整理A类客户名单: 电话回访", "--due", "2026-12-10", "--who", "li.na",
                  "--start", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert (git_repo / CUSTOMER_PATH).read_text(encoding="utf-8") == CUSTOMER + (
        'tasks:\n  - what: "整理A类客户名单: 电话回访"\n    who: li.na\n    start: 2026-11-25\n    due: 2026-12-10\n')
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "C-0001: task #1 added (li.na, due 2026-12-10)\n\n整理A类客户名单: 电话回访\n\n"
        "Holp-Customer: C-0001\nHolp-Task: #1 added\n\n")
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{CUSTOMER_PATH}\n"


def test_task_done__adds_done_to_task_n(git_repo: Path, holp: Callable[..., Result]) -> None:
    assert holp("task", "add", "P-2026-001", "报价", "--due", "2026-12-01").exit_code == 0
    assert holp("task", "add", "P-2026-001", "技术交流", "--due", "2026-12-03", "--who", "li.na").exit_code == 0
    result = holp("task", "done", "P-2026-001", "2", "--date", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert (git_repo / PATH).read_text(encoding="utf-8") == PROJECT + (
        "tasks:\n  - what: 报价\n    who: zhang.wei\n    due: 2026-12-01\n"
        "  - what: 技术交流\n    who: li.na\n    due: 2026-12-03\n    done: 2026-11-23\n")
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: task #2 done\n\n技术交流\n\nHolp-Project: P-2026-001\nHolp-Task: #2 done\n\n")


@pytest.mark.parametrize(("args", "message"), [
    (["add", "P-2026-099", "x", "--due", "2026-12-01"], "holp: no project or customer with id P-2026-099 (did you "
                                                         "mean P-2026-001?)\n"),
    (["add", "P-2026-001", "x", "--due", "2026-02-30"], "holp: --due 2026-02-30: not a real date written YYYY-MM-DD\n"),
    (["add", "P-2026-001", "x", "--due", "2026-12-01", "--who", "wang.wu"],
     "holp: --who wang.wu: no one of that id in team.yaml (did you mean zhang.wei?)\n"),
    (["add", "P-2026-001", "x", "--due", "2026-12-01", "--start", "2026-12-02"],
     "holp: --due 2026-12-01 is before --start 2026-12-02\n"),
    (["add", "P-2026-001", "  ", "--due", "2026-12-01"], "holp: the task must say what is to be done\n"),
    (["done", "P-2026-001", "3"], "holp: P-2026-001 has 2 tasks: 1–2; there is no task 3\n"),
    (["done", "C-0001", "1"], "holp: C-0001 has 0 tasks; there is no task 1\n"),
    (["done", "P-2026-001", "1"], "holp: task 1 of P-2026-001 was already done on 2026-11-20\n"),
    (["done", "P-2026-001", "2", "--date", "2026-11-31"], "holp: --date 2026-11-31: not a real date written "
                                                           "YYYY-MM-DD\n"),
])
def test_task__refusals_write_nothing(git_repo: Path, holp: Callable[..., Result], args: list[str],
                                      message: str) -> None:
    assert holp("task", "add", "P-2026-001", "报价", "--due", "2026-12-01").exit_code == 0
    assert holp("task", "add", "P-2026-001", "技术交流", "--due", "2026-12-03").exit_code == 0
    assert holp("task", "done", "P-2026-001", "1", "--date", "2026-11-20").exit_code == 0
    before, head = snapshot(git_repo), git(git_repo, "rev-parse", "HEAD")
    result = holp("task", *args)
    assert (result.exit_code, result.output) == (2, message)
    assert snapshot(git_repo) == before
    assert git(git_repo, "rev-parse", "HEAD") == head


def test_task_add__an_engineer_may_hold_a_task(git_repo: Path, holp: Callable[..., Result]) -> None:
    team = TEAM.replace("targets:", "  - {id: chen.gong, name: 陈工, email: chen.gong@example.com, region: east, "
                                    "role: engineer}\ntargets:")
    (git_repo / "team.yaml").write_text(team, encoding="utf-8")
    git(git_repo, "commit", "-qam", "an engineer")
    result = holp("task", "add", "P-2026-001", "现场测量", "--due", "2026-11-30", "--who", "chen.gong")
    assert result.exit_code == 0, result.output
    assert (git_repo / PATH).read_text(encoding="utf-8").endswith("  - what: 现场测量\n    who: chen.gong\n"
                                                                   "    due: 2026-11-30\n")


# -- visit --next-due ---------------------------------------------------------------------------------


def test_visit_next_due__writes_next_step_due_under_the_visit(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("visit", "P-2026-001", "--met", "李明", "--next", "提交报价", "--next-due", "2026-12-02")
    assert result.exit_code == 0, result.output
    assert (git_repo / PATH).read_text(encoding="utf-8") == PROJECT + (
        "  - date: 2026-11-24\n    by: zhang.wei\n    met: [李明]\n    next_step: 提交报价\n"
        "    next_step_due: 2026-12-02\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--next", "提交报价", "--next-due", "2026-11-23"],
     "holp: the next step is due 2026-11-23, before the visit's date 2026-11-24\n"),
    (["--next-due", "2026-12-02"], "holp: --next-due is the due day of the next step: give the step with --next\n"),
    (["--next", "提交报价", "--next-due", "2026-02-30"], "holp: --next-due 2026-02-30: not a real date written "
                                                        "YYYY-MM-DD\n"),
])
def test_visit_next_due__refusals_write_nothing(git_repo: Path, holp: Callable[..., Result], args: list[str],
                                                message: str) -> None:
    before = snapshot(git_repo)
    result = holp("visit", "P-2026-001", *args)
    assert (result.exit_code, result.output) == (2, message)
    assert snapshot(git_repo) == before


# -- validate -----------------------------------------------------------------------------------------


def _validate(holp: Callable[..., Result]) -> list[str]:
    result = holp("validate")
    return [line for line in result.output.splitlines() if line.startswith(("projects/", "customers/"))]


def test_validate__a_task_due_on_a_day_that_does_not_exist_is_one_problem(repo: Path,
                                                                         holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(PROJECT + "tasks:\n  - what: 报价\n    due: 2026-02-30\n", encoding="utf-8")
    found = _validate(holp)
    assert len(found) == 1
    assert found[0].startswith(f"{PATH}:34:")
    assert "2026-02-30" in found[0]
    assert holp("validate").exit_code == 1


def test_validate__task_members_counterparts_and_days(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(PROJECT + "    next_step_due: 2026-10-01\ntasks:\n"
                             "  - {what: 报价, who: zhang.wie, due: 2026-12-01}\n"
                             "  - {what: 交流, who: li.na, start: 2026-11-10, due: 2026-12-01, done: 2026-11-09}\n",
                             encoding="utf-8")
    (repo / CUSTOMER_PATH).write_text(CUSTOMER.replace("trust: 2}", "trust: 2, counterpart: nobody}"),
                                      encoding="utf-8")
    assert _validate(holp) == [
        "customers/east/C-0001.yaml:9:144: error[unknown-rep]: 李明's counterpart 'nobody' is not in team.yaml",
        "projects/east/P-2026-001.yaml:32:20: error[next-step-due-before-visit]: the next step of the visit of "
        "2026-10-12 is due 2026-10-01, before the visit",
        "projects/east/P-2026-001.yaml:34:21: error[unknown-rep]: task 1: 'zhang.wie' is not in team.yaml (did you "
        "mean zhang.wei?)",
        "projects/east/P-2026-001.yaml:35:70: warning[task-done-before-start]: task 2 was done 2026-11-09, before its "
        "start 2026-11-10: one of the two days is mistyped",
    ]


# -- holp agenda on a repository with history ------------------------------------------------------------

ENGINEER_TEAM = TEAM.replace("targets:", "  - {id: chen.gong, name: 陈工, email: chen.gong@example.com, region: "
                                         "east, role: engineer}\ntargets:")

AGENDA_PROJECT = PROJECT + """\
  - date: 2026-11-15
    by: [zhang.wei, chen.gong]
    next_step: 现场测量
    next_step_due: 2026-11-26
tasks:
  - {what: 报价, who: zhang.wei, due: 2026-11-20}
  - {what: 技术方案, who: chen.gong, due: 2026-11-28}
  - {what: 合同草案, due: 2026-11-10, done: 2026-11-09}
  - {what: 年度回顾, due: 2026-12-20}
"""

CLOSING = """\
id: P-2026-002
name: 循环水泵节能改造
customer: C-0001
owner: li.na
amount: 800000
expected_close: 2026-11-30
stage: negotiation
checklist:
  negotiation:
    contract_approved: 2026-11-02
"""

WON = """\
id: P-2025-009
name: 空压站节能改造
customer: C-0002
owner: li.na
amount: 500000
expected_close: 2025-03-31
stage: implementation
visits:
  - {date: 2026-05-01, by: li.na}
"""

OTHER_CUSTOMER = """\
id: C-0002
name: 北方某化工厂
region: north
owner: li.na
tasks:
  - {what: 续签年度协议, who: li.na, due: 2026-11-24}
"""


def _agenda_repo(script: Script) -> None:
    files = {"holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": ENGINEER_TEAM,
             CUSTOMER_PATH: CUSTOMER, "customers/north/C-0002.yaml": OTHER_CUSTOMER,
             PATH: PROJECT, "projects/east/P-2026-002.yaml": CLOSING, "projects/north/P-2025-009.yaml": WON}
    script.commit("zhang.wei", "2026-09-01T10:00:00+08:00", "start", files)
    script.commit("zhang.wei", "2026-11-15T10:00:00+08:00", "visit and tasks", {PATH: AGENDA_PROJECT})


# every line as the data above gives it, as of 2026-11-24: (date, kind, who, record, what, overdue days)
EXPECTED = [
    ("2026-10-01", "stalled", "li.na", "P-2026-002", "商务谈判阶段 · 循环水泵节能改造 (2026-09-01)", 54),
    ("2026-10-29", "revisit", "li.na", "C-0002", "北方某化工厂 (2026-05-01)", 26),
    ("2026-11-20", "task", "zhang.wei", "P-2026-001", "报价", 4),
    ("2026-11-24", "task", "li.na", "C-0002", "续签年度协议", 0),
    ("2026-11-26", "next_step", "zhang.wei", "P-2026-001", "现场测量", 0),
    ("2026-11-28", "task", "chen.gong", "P-2026-001", "技术方案", 0),
    ("2026-11-30", "gate", "li.na", "P-2026-002", "商务谈判阶段: 合同签订", 0),
]


def _expected(days: int = 7, owner: str | None = None) -> list[tuple[str, str, str, str, str, int]]:
    until = dt.date(2026, 11, 24) + dt.timedelta(days=days)
    return [e for e in EXPECTED if dt.date.fromisoformat(e[0]) <= until and owner in (None, e[2])]


def test_agenda__json_every_line_sorted_overdue_first(script: Script) -> None:
    _agenda_repo(script)
    result = script.holp("agenda", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["as_of"], data["until"], data["stalled_known"]) == ("2026-11-24", "2026-12-01", True)
    got = [(x["date"], x["kind"], x["who"], x["record"], x["what"], x["overdue_days"]) for x in data["lines"]]
    assert got == _expected()
    # the revisit falls due the day after revisit_every_days (180) since the last visit
    assert dt.date(2026, 5, 1) + dt.timedelta(days=181) == dt.date(2026, 10, 29)
    assert [x["path"] for x in data["lines"]][:3] == ["projects/east/P-2026-002.yaml", "customers/north/C-0002.yaml",
                                                      PATH]


def test_agenda__revisit_due_date_is_the_day_after_the_period(script: Script) -> None:
    _agenda_repo(script)
    data = json.loads(script.holp("agenda", "--format", "json", "--days", "0", "--as-of", "2026-10-28").output)
    assert [x["kind"] for x in data["lines"] if x["kind"] == "revisit"] == []
    data = json.loads(script.holp("agenda", "--format", "json", "--days", "0", "--as-of", "2026-10-29").output)
    assert [(x["date"], x["record"]) for x in data["lines"] if x["kind"] == "revisit"] == [("2026-10-29", "C-0002")]


def test_agenda__days_and_owner_filter(script: Script) -> None:
    _agenda_repo(script)
    for args, days, owner in ((["--days", "0"], 0, None), (["--days", "30"], 30, None),
                              (["--owner", "chen.gong"], 7, "chen.gong"), (["--owner", "li.na", "--days", "2"], 2,
                                                                           "li.na")):
        data = json.loads(script.holp("agenda", "--format", "json", *args).output)
        got = [(x["date"], x["kind"], x["who"], x["record"], x["what"], x["overdue_days"]) for x in data["lines"]]
        extra = [("2026-12-15", "stalled", "zhang.wei", "P-2026-001", "销售进入阶段 · 2号高炉余热发电改造 (2026-11-15)", 0),
                 ("2026-12-20", "task", "zhang.wei", "P-2026-001", "年度回顾", 0)] if days == 30 else []
        assert got == _expected(days, owner) + extra, args


def test_agenda__region_filter(script: Script) -> None:
    _agenda_repo(script)
    data = json.loads(script.holp("agenda", "--format", "json", "--region", "north").output)
    assert [(x["record"], x["kind"]) for x in data["lines"]] == [("C-0002", "revisit"), ("C-0002", "task")]


def test_agenda__table(script: Script) -> None:
    _agenda_repo(script)
    result = script.holp("agenda", "--lang", "en", "--owner", "zhang.wei")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Agenda — As of 2026-11-24 · CNY\n\n"
        "Due or overdue by 2026-12-01:\n"
        "Date        Kind       Who    Record      What        Days overdue\n"
        "----------  ---------  -----  ----------  --------  --------------\n"
        "2026-11-20  task       张伟   P-2026-001  报价                   4\n"
        "2026-11-26  next step  张伟   P-2026-001  现场测量\n")


def test_agenda__ics_parses_back_to_the_lines(script: Script, tmp_path: Path) -> None:
    _agenda_repo(script)
    out = tmp_path / "agenda.ics"
    result = script.holp("agenda", "--format", "ics", "-o", str(out))
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "厚尔普 · 日程"
    assert str(calendar["VERSION"]) == "2.0" and "holp" in str(calendar["PRODID"])
    events = list(calendar.walk("VEVENT"))
    kinds = {"task": "任务", "next_step": "下一步", "gate": "关键节点", "revisit": "回访", "stalled": "停滞"}
    assert len(events) == len(_expected())
    paths = {"P-2026-001": PATH, "P-2026-002": "projects/east/P-2026-002.yaml",
             "C-0002": "customers/north/C-0002.yaml"}
    for event, (day, kind, _who, record, what, _late) in zip(events, _expected(), strict=True):
        assert event.decoded("DTSTART") == dt.date.fromisoformat(day)
        assert event.decoded("DTEND") == dt.date.fromisoformat(day) + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == f"[{kinds[kind]}] {record} {what}"
        assert str(event["DESCRIPTION"]).startswith(paths[record] + "\n")
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert uids[2] == hashlib.sha1(b"task/P-2026-001/task-1").hexdigest() + "@holp"
    # the same item keeps its UID when the agenda is made again another day
    again = json.loads(script.holp("agenda", "--format", "json", "--as-of", "2026-11-25").output)
    assert uids[2] in [x["uid"] for x in again["lines"]]


def test_agenda__without_git_leaves_stalled_out_and_says_so(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(AGENDA_PROJECT, encoding="utf-8")
    (repo / "team.yaml").write_text(ENGINEER_TEAM, encoding="utf-8")
    result = holp("agenda", "--format", "json")
    assert result.exit_code == 0
    assert "holp: warning: not a git repository: stalled deals are left out of the agenda\n" in result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert data["stalled_known"] is False
    assert [x["kind"] for x in data["lines"]] == ["task", "next_step", "task"]


@pytest.mark.parametrize(("args", "message"), [
    (["--owner", "nobody"], "holp: --owner nobody: no one of that id in team.yaml\n"),
    (["--region", "mars"], "holp: --region mars: no region of that id in team.yaml\n"),
    (["--as-of", "2026-02-30"], "holp: --as-of 2026-02-30: not a real date written YYYY-MM-DD\n"),
])
def test_agenda__refusals(git_repo: Path, holp: Callable[..., Result], args: list[str], message: str) -> None:
    result = holp("agenda", *args)
    assert (result.exit_code, result.output) == (2, message)


# -- show and export --------------------------------------------------------------------------------------


def test_show__numbers_the_tasks_of_the_project_and_its_customer(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(AGENDA_PROJECT, encoding="utf-8")
    (repo / "team.yaml").write_text(ENGINEER_TEAM, encoding="utf-8")
    (repo / CUSTOMER_PATH).write_text(CUSTOMER + "tasks:\n  - {what: 整理A类名单, who: li.na, start: 2026-11-01, "
                                                 "due: 2026-12-10}\n", encoding="utf-8")
    result = holp("show", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Next step: 现场测量 (Due 2026-11-26)\n" in result.output
    assert result.output.endswith(
        "\nTasks — P-2026-001:\n"
        "  1. 2026-11-20 报价 · 张伟 · ! overdue 4 days\n"
        "  2. 2026-11-28 技术方案 · 陈工\n"
        "  3. 2026-11-10 合同草案 · 张伟 · ✓ Done 2026-11-09\n"
        "  4. 2026-12-20 年度回顾 · 张伟\n"
        "\nTasks — C-0001:\n"
        "  1. 2026-11-01 → 2026-12-10 整理A类名单 · 李娜\n")
    data = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert data["tasks"][1] == {"what": "技术方案", "who": "chen.gong", "due": "2026-11-28"}
    assert data["customer_tasks"] == [{"what": "整理A类名单", "who": "li.na", "start": "2026-11-01",
                                       "due": "2026-12-10"}]


def test_export__a_tasks_table(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    (repo / PATH).write_text(AGENDA_PROJECT, encoding="utf-8")
    (repo / CUSTOMER_PATH).write_text(CUSTOMER + "tasks:\n  - {what: 整理A类名单, who: li.na, due: 2026-12-10, "
                                                 "note: \"电话, 邮件\"}\n", encoding="utf-8")
    folder = tmp_path / "export"
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    assert (folder / "tasks.csv").read_bytes().decode("utf-8-sig") == (
        "record,index,what,who,start,due,done,note\r\n"
        "P-2026-001,1,报价,zhang.wei,,2026-11-20,,\r\n"
        "P-2026-001,2,技术方案,chen.gong,,2026-11-28,,\r\n"
        "P-2026-001,3,合同草案,,,2026-11-10,2026-11-09,\r\n"
        "P-2026-001,4,年度回顾,,,2026-12-20,,\r\n"
        'C-0001,1,整理A类名单,li.na,,2026-12-10,,"电话, 邮件"\r\n')
    assert (folder / "visits.csv").read_bytes().decode("utf-8-sig").splitlines()[1:] == [
        "P-2026-001,2026-10-12,zhang.wei,李明,技术交流,,,,,提交初步方案,",
        "P-2026-001,2026-11-15,zhang.wei; chen.gong,,,,,,,现场测量,2026-11-26"]


def test_report_reps__leaves_the_engineer_out(script: Script) -> None:
    _agenda_repo(script)
    data = json.loads(script.holp("report", "reps", "--format", "json").output)
    assert sorted(r["rep"] for r in data["reps"]) == ["li.na", "zhang.wei"]
    assert "陈工" not in script.holp("report", "reps").output


def test_agenda__control_characters_of_a_file_reach_neither_terminal_nor_calendar(git_repo: Path, tmp_path: Path,
                                                                                  holp: Callable[..., Result]) -> None:
    assert holp("task", "add", "P-2026-001", "报价\x1b[31m红\n二", "--due", "2026-11-25").exit_code == 0
    assert (git_repo / PATH).read_text(encoding="utf-8").endswith('  - what: "报价\\u001b[31m红 二"\n'
                                                                   "    who: zhang.wei\n    due: 2026-11-25\n")
    table = holp("agenda").output
    assert "\x1b" not in table and "报价\\u001b[31m红 二" in table
    out = tmp_path / "a.ics"
    assert holp("agenda", "--format", "ics", "-o", str(out)).exit_code == 0
    assert b"\x1b" not in out.read_bytes()
    event = next(iter(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "[任务] P-2026-001 报价\\u001b[31m红 二"


def test_task_add__a_customer_edited_by_hand_goes_into_the_commit(git_repo: Path, holp: Callable[..., Result]) -> None:
    edited = CUSTOMER.replace("credit: B\n", "credit: A\n")
    (git_repo / CUSTOMER_PATH).write_text(edited, encoding="utf-8")
    result = holp("task", "add", "C-0001", "电话回访", "--due", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert (git_repo / CUSTOMER_PATH).read_text(encoding="utf-8") == edited + (
        "tasks:\n  - what: 电话回访\n    who: zhang.wei\n    due: 2026-12-03\n")
    assert git(git_repo, "log", "-1", "--format=%(trailers)") == (
        "Holp-Customer: C-0001\nHolp-Task: #1 added\nHolp-Hand-Edit: customers/east/C-0001.yaml (+1 -1 lines)\n\n")
    assert git(git_repo, "status", "--porcelain") == ""


def test_task_add__a_customer_whose_id_was_changed_by_hand_is_refused(git_repo: Path,
                                                                       holp: Callable[..., Result]) -> None:
    (git_repo / CUSTOMER_PATH).write_text(CUSTOMER.replace("id: C-0001", "id: C-0009"), encoding="utf-8")
    before = snapshot(git_repo)
    result = holp("task", "add", "C-0009", "电话回访", "--due", "2026-12-03")
    assert result.exit_code == 1
    assert result.output.startswith(f"holp: {CUSTOMER_PATH}: the id was changed by hand (C-0001 → C-0009)")
    assert snapshot(git_repo) == before
