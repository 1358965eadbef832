"""After-sales service: `holp service open|close|revisit`, the service stage's evidence, validation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, git, snapshot

PATH = "projects/east/P-2026-001.yaml"

OPENED = """\
service:
  - date: 2026-11-24
    kind: complaint
    from: 李明
    severity: high
    summary: "2号机组: 振动大"
    owner: zhang.wei
    due: 2026-12-01
"""


def _open(holp: Callable[..., Result], *extra: str) -> Result:
    return holp("service", "open", "P-2026-001", "--kind", "complaint", "--from", "李明", "--severity", "high",
                "--summary", "2号机组: 振动大", "--due", "2026-12-01", *extra)


def test_open__appends_exact_lines_and_commits_the_one_file(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = _open(holp)
    assert result.exit_code == 0, result.output
    assert (git_repo / PATH).read_text(encoding="utf-8") == PROJECT + OPENED
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: complaint #1 opened (李明, high)\n\n"
        "Holp-Project: P-2026-001\nHolp-Service: #1 complaint opened\n\n")
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{PATH}\n"
    assert git(git_repo, "status", "--porcelain") == ""


def test_close__adds_resolved_resolution_satisfaction_to_item_n(git_repo: Path, holp: Callable[..., Result]) -> None:
    assert _open(holp).exit_code == 0
    assert _open(holp, "--date", "2026-11-20", "--owner", "li.na").exit_code == 0
    result = holp("service", "close", "P-2026-001", "2", "--resolution", "更换轴承", "--satisfaction", "4",
                  "--date", "2026-11-23")
    assert result.exit_code == 0, result.output
    second = OPENED.split("\n", 1)[1].replace("2026-11-24", "2026-11-20").replace("zhang.wei", "li.na")
    assert (git_repo / PATH).read_text(encoding="utf-8") == (
        PROJECT + OPENED + second + "    resolved: 2026-11-23\n    resolution: 更换轴承\n    satisfaction: 4\n")
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: complaint #2 closed\n\n更换轴承\n\n"
        "Holp-Project: P-2026-001\nHolp-Service: #2 complaint closed\n\n")


def test_revisit__appends_an_item_resolved_at_once(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("service", "revisit", "P-2026-001", "--satisfaction", "5", "--note", "运行稳定", "--from", "王强")
    assert result.exit_code == 0, result.output
    assert (git_repo / PATH).read_text(encoding="utf-8") == PROJECT + (
        "service:\n  - date: 2026-11-24\n    kind: revisit\n    from: 王强\n    owner: zhang.wei\n"
        "    satisfaction: 5\n    resolved: 2026-11-24\n    note: 运行稳定\n")
    assert "Holp-Service: #1 revisit, satisfaction 5\n" in git(git_repo, "log", "-1", "--format=%B")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["open", "P-2026-001", "--kind", "complaint", "--from", "李某", "--severity", "high", "--summary", "x"], 1,
     "holp: --from 李某: not a contact of C-0001: add them to the customer first\n"),
    (["open", "P-2026-001", "--kind", "complaint", "--from", "李明", "--severity", "high", "--summary", "x",
      "--owner", "nobody"], 2, "holp: --owner nobody: not a rep in team.yaml\n"),
    (["open", "P-2026-001", "--kind", "complaint", "--from", "李明", "--severity", "high", "--summary", "x",
      "--due", "2026-11-01"], 2, "holp: --due 2026-11-01 is before the item's date 2026-11-24\n"),
    (["close", "P-2026-001", "1", "--resolution", "x"], 1,
     "holp: service item 1 of P-2026-001 was already closed on 2026-11-23\n"),
    (["close", "P-2026-001", "3", "--resolution", "x"], 2, "holp: P-2026-001 has no service item 3 (it has items 1–2)\n"),
    (["close", "P-2026-001", "2", "--resolution", "x", "--date", "2026-11-01"], 2,
     "holp: --date 2026-11-01 is before the item was opened (2026-11-24)\n"),
    (["close", "P-2026-001", "2", "--resolution", "x", "--satisfaction", "7"], 2,
     "Error: Invalid value for '--satisfaction': 7 is not in the range 1<=x<=5.\n"),
    (["revisit", "P-2026-001", "--satisfaction", "0", "--note", "x"], 2,
     "Error: Invalid value for '--satisfaction': 0 is not in the range 1<=x<=5.\n"),
    (["revisit", "P-2026-001", "--satisfaction", "4", "--note", "x", "--from", "赵六"], 1,
     "holp: --from 赵六: not a contact of C-0001: add them to the customer first\n"),
    (["revisit", "P-2026-009", "--satisfaction", "4", "--note", "x"], 2, "holp: no project with id P-2026-009 (did you mean P-2026-001?)\n"),
])
def test_bad_input__refused_before_any_write(git_repo: Path, holp: Callable[..., Result], args: list[str], code: int,
                                            message: str) -> None:
    (git_repo / PATH).write_text(PROJECT + OPENED.replace("    due: 2026-12-01\n", "    resolved: 2026-11-23\n")
                                 + OPENED.split("\n", 1)[1], encoding="utf-8")
    git(git_repo, "commit", "-qam", "two items")
    before, head = snapshot(git_repo), git(git_repo, "rev-parse", "HEAD")
    result = holp("service", *args)
    assert result.exit_code == code, result.output
    assert result.output.endswith(message)
    assert snapshot(git_repo) == before
    assert git(git_repo, "rev-parse", "HEAD") == head


# -- validate ------------------------------------------------------------------------------

def _lines_with(output: str, *codes: str) -> list[str]:
    return [line for line in output.splitlines() if any(f"[{code}]" in line for code in codes)]


def test_validate__a_won_customer_nobody_revisited_in_revisit_every_days(repo: Path, holp: Callable[..., Result],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / PATH).write_text(PROJECT.replace("stage: entry", "stage: service"), encoding="utf-8")
    monkeypatch.setenv("HOLP_TODAY", "2027-04-10")  # the last visit, 2026-10-12, is 180 days before: in time
    assert _lines_with(holp("validate").output, "revisit-due") == []
    monkeypatch.setenv("HOLP_TODAY", "2027-04-11")
    result = holp("validate")
    assert result.exit_code == 0, result.output
    assert _lines_with(result.output, "revisit-due") == [
        "customers/east/C-0001.yaml:2:5: warning[revisit-due]: a won customer last visited or revisited 2026-10-12 "
        "(181 days ago); holp.yaml asks for a revisit every 180 days: holp service revisit PROJECT --satisfaction N "
        "--note ..."]
    (repo / PATH).write_text(PROJECT.replace("stage: entry", "stage: service") + (
        "service:\n  - {date: 2027-03-01, kind: revisit, satisfaction: 4}\n"), encoding="utf-8")
    assert _lines_with(holp("validate").output, "revisit-due") == []


def test_validate__an_open_deal_is_not_reminded(repo: Path, holp: Callable[..., Result],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLP_TODAY", "2028-01-01")
    assert _lines_with(holp("validate").output, "revisit-due") == []


def test_validate__service_items_from_owner_and_dates(repo: Path, holp: Callable[..., Result]) -> None:
    items = ["  - {date: 2026-11-02, kind: complaint, from: 李某, severity: high, owner: wang.fang}",
             "  - {date: 2026-11-02, kind: complaint, from: 李明, resolved: 2026-11-01, due: 2026-10-30}",
             "  - {date: 2026-11-02, kind: feedback, satisfaction: 7}"]
    (repo / PATH).write_text(PROJECT + "service:\n" + "".join(f"{item}\n" for item in items), encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 1, result.output
    first = len(PROJECT.splitlines()) + 2

    def at(n: int, text: str) -> str:
        return f"{PATH}:{first + n}:{items[n].index(text) + 1}"

    assert _lines_with(result.output, "unknown-contact", "unknown-rep", "resolved-before-opened",
                       "due-before-opened") == [
        f"{at(0, '李某')}: warning[unknown-contact]: 李某 is not a contact of C-0001",
        f"{at(0, 'wang.fang')}: error[unknown-rep]: rep 'wang.fang' is not in team.yaml",
        f"{at(1, '2026-11-01')}: error[resolved-before-opened]: resolved 2026-11-01 is before the item's date "
        "2026-11-02",
        f"{at(1, '2026-10-30')}: warning[due-before-opened]: due 2026-10-30 is before the item's date 2026-11-02",
    ]
    assert f"{at(2, '7')}: error[" in result.output  # satisfaction 7: the schema's problem, at its value


# -- show and export -----------------------------------------------------------------------

SERVED = PROJECT + """\
service:
  - {date: 2026-11-02, kind: complaint, from: 李明, severity: high, summary: 振动大, owner: zhang.wei, due: 2026-11-09}
  - {date: 2026-11-03, kind: revisit, from: 王强, satisfaction: 5, resolved: 2026-11-03, note: 运行稳定}
warranty: {issued: 2026-10-01, until: 2027-10-01, certificate: ZB-2026-01}
"""


def test_show__service_items_numbered_and_the_warranty(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(SERVED, encoding="utf-8")
    result = holp("show", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "\nAfter-sales service:\n"
        "  1. 2026-11-02 Complaint [High] 李明: 振动大\n"
        "  2. 2026-11-03 Revisit 王强: 运行稳定 — 2026-11-03 (Satisfaction (1–5): 5)\n"
        "\nWarranty: 2026-10-01 → 2027-10-01 (ZB-2026-01)\n")
    data = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert data["service"][1] == {"date": "2026-11-03", "kind": "revisit", "from": "王强", "satisfaction": 5,
                                  "resolved": "2026-11-03", "note": "运行稳定"}
    assert data["warranty"] == {"issued": "2026-10-01", "until": "2027-10-01", "certificate": "ZB-2026-01"}


def test_export__service_and_warranty_tables(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    (repo / PATH).write_text(SERVED, encoding="utf-8")
    folder = tmp_path / "export"
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    assert (folder / "service.csv").read_text(encoding="utf-8-sig") == (
        "project,index,date,kind,from,severity,summary,owner,due,resolved,resolution,satisfaction,note\n"
        "P-2026-001,1,2026-11-02,complaint,李明,high,振动大,zhang.wei,2026-11-09,,,,\n"
        "P-2026-001,2,2026-11-03,revisit,王强,,,,,2026-11-03,,5,运行稳定\n")
    assert (folder / "warranty.csv").read_text(encoding="utf-8-sig") == (
        "project,issued,until,certificate,note\nP-2026-001,2026-10-01,2027-10-01,ZB-2026-01,\n")


# -- forms ---------------------------------------------------------------------------------

def test_render__complaint_and_service_record(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(SERVED, encoding="utf-8")
    complaint = holp("render", "complaint", "P-2026-001", "--lang", "en")
    assert complaint.exit_code == 0, complaint.output
    assert ("## Complaint form 1\n\n| Date | 2026-11-02 |\n|---|---|\n| Raised by | 李明 |\n| Severity | High |\n"
            "| Handled by | 张伟 |\n| Due | 2026-11-09 |\n| Resolved |  |\n| Satisfaction (1–5) |  |\n\n"
            "### Summary\n\n振动大\n") in complaint.output
    assert "Complaint form 2" not in complaint.output  # the revisit is no complaint
    record = holp("render", "service-record", "P-2026-001")
    assert record.exit_code == 0, record.output
    assert record.output.startswith("# 售后服务记录 · 2号高炉余热发电改造\n")
    assert "| 质保书编号 | ZB-2026-01 |\n|---|---|\n| 质保书开具日期 | 2026-10-01 |\n| 质保期至 | 2027-10-01 |\n" \
        in record.output
    assert "| 2 | 2026-11-03 | 回访 | 王强 |  | 运行稳定 | 2026-11-03 |  | 5 |\n" in record.output
    html = holp("render", "complaint", "P-2026-001", "--format", "html")
    assert html.exit_code == 0 and "<table" in html.output and "振动大" in html.output


def test_render__a_blank_complaint_slip_without_complaints(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("render", "complaint", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "## Complaint form \n\n| Date |  |\n" in result.output
