"""holp import: spreadsheets in (xlsx and CSV), every bad input of issue 14 with its sheet/row/column message."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result

from conftest import git, snapshot, write

STAGES = ("开发阶段 (prospecting), 销售进入阶段 (entry), 提案阶段 (proposal), 招投标阶段 (bidding), 商务谈判阶段 "
          "(negotiation), 工程实施阶段 (implementation), 回收项目款项 (collection), 项目实施评估 (evaluation), "
          "售后服务 (service), 丢单 (lost)")
EXAMPLE = Path(__file__).resolve().parent.parent / "example-repo"


def book(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def lines(result: Result) -> list[str]:
    return result.output.splitlines()


def test_customers_from_xlsx_one_commit_with_counts(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "客户.xlsx", [["客户名称", "区域", "负责人", "行业"],
                                 ["江苏永丰水泥有限公司", "华东", "张伟", "cement"],
                                 ["北方某化工集团", "north", "li.na", None]])
    result = holp("import", "customers", "客户.xlsx")
    assert result.exit_code == 0, result.output
    assert lines(result)[-1].startswith("import 客户.xlsx: 2 customers created, 0 updated, 0 unchanged (committed ")
    assert git(git_repo, "log", "-1", "--format=%s") == "import 客户.xlsx: 2 customers created, 0 updated\n"
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "customers/east/C-0002.yaml", "customers/north/C-0003.yaml"]
    text = (git_repo / "customers/east/C-0002.yaml").read_text(encoding="utf-8")
    assert "name: 江苏永丰水泥有限公司\nindustry: cement\nregion: east\nowner: zhang.wei\n" in text
    assert holp("validate").exit_code == 0


def test_reimport_updates_by_folded_name_keeping_the_file(git_repo: Path, holp: Callable[..., Result]) -> None:
    before = (git_repo / "customers/east/C-0001.yaml").read_text(encoding="utf-8")
    # full-width letters and blanks around: the same name as `holp validate` compares names
    book(git_repo / "c.xlsx", [["Company", "Region", "Owner", "Industry", "Credit"],
                               [" 华东某钢铁集团 ", "east", "张伟", "steel", "A"]])
    result = holp("import", "customers", "c.xlsx")
    assert result.exit_code == 0, result.output
    assert "import c.xlsx: 0 customers created, 1 updated, 0 unchanged" in result.output
    after = (git_repo / "customers/east/C-0001.yaml").read_text(encoding="utf-8")
    assert after == before.replace("credit: B", "credit: A")  # the comment, the order, the contacts kept
    assert holp("import", "customers", "c.xlsx").output.splitlines()[-1] == (
        "import c.xlsx: 0 customers created, 0 updated, 1 unchanged: nothing to commit")


def test_match_by_external_id(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "c.xlsx", [["Record ID", "Company", "Owner"], ["HS-77", "新客户", "zhang.wei"]])
    assert holp("import", "customers", "c.xlsx").exit_code == 0
    assert "external_id: HS-77" in (git_repo / "customers/east/C-0002.yaml").read_text(encoding="utf-8")
    book(git_repo / "c.xlsx", [["Record ID", "Company", "Owner"], ["HS-77", "新客户(更名)", "zhang.wei"]])
    result = holp("import", "customers", "c.xlsx")
    assert "0 customers created, 1 updated" in result.output
    assert "name: 新客户(更名)" in (git_repo / "customers/east/C-0002.yaml").read_text(encoding="utf-8")


def test_values_amounts_dates_and_stage_map(git_repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    rows: list[list[object]] = [["项目名称", "客户", "金额", "阶段", "预计签约"],
                                ["一号", "华东某钢铁集团", "1,234,567.00", "方案", "2027-03-05"],
                                ["二号", "华东某钢铁集团", "15万", "提案阶段", "2027/3/5"],
                                ["三号", "华东某钢铁集团", "¥3.2M", "negotiation", "2027年3月5日"],
                                ["四号", "华东某钢铁集团", "1.2亿", "方案", 46451],
                                ["五号", "华东某钢铁集团", "３.２ｋ", "方案", None]]
    book(git_repo / "p.xlsx", rows)
    write(tmp_path / "map.yaml", "fields:\n  name: 项目名称\n  customer: 客户\n  amount: 金额\n"
                                 "  stage: {column: 阶段, values: {方案: proposal}}\n  expected_close: 预计签约\n")
    result = holp("import", "projects", "p.xlsx", "--map", str(tmp_path / "map.yaml"))
    assert result.exit_code == 0, result.output
    found = {}
    for path in sorted((git_repo / "projects/east").glob("P-2026-00[2-6].yaml")):
        text = path.read_text(encoding="utf-8")
        found[path.stem] = [line for line in text.splitlines()
                            if line.startswith(("amount:", "stage:", "expected_close:"))]
    assert found == {
        "P-2026-002": ["amount: 1234567               # 预计合同金额 / expected contract value (CNY)",
                       "expected_close: 2027-03-05", "stage: proposal"],
        "P-2026-003": ["amount: 150000               # 预计合同金额 / expected contract value (CNY)",
                       "expected_close: 2027-03-05", "stage: proposal"],
        "P-2026-004": ["amount: 3200000               # 预计合同金额 / expected contract value (CNY)",
                       "expected_close: 2027-03-05", "stage: negotiation"],
        "P-2026-005": ["amount: 120000000               # 预计合同金额 / expected contract value (CNY)",
                       "expected_close: 2027-03-05", "stage: proposal"],  # Excel's day 46451
        "P-2026-006": ["amount: 3200               # 预计合同金额 / expected contract value (CNY)", "stage: proposal"],
    }


def test_bad_rows_named_by_sheet_row_column_and_nothing_written(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = book(git_repo / "客户.xlsx", [["项目名称", "客户", "金额", "阶段", "预计签约"],
                                         ["一号", "华东某钢铁集团", "1000", "prospecting", "2027-01-01"],
                                         [None, None, None, None, None],
                                         ["二号", "华东某钢铁集团", "十五万", "方案", "2027-02-30"],
                                         ["三号", "无此客户", "5", "prospecting", None]])
    wb = openpyxl.load_workbook(path)
    wb["Sheet1"]["C2"] = "=1+1"  # a formula saved by a program: no value with it
    wb.save(path)
    before = snapshot(git_repo)
    result = holp("import", "projects", "客户.xlsx")
    assert result.exit_code == 1
    assert lines(result) == [
        "客户.xlsx [Sheet1] row 2, column 金额: a formula without a value (open the workbook in Excel and save it, "
        "so that the value is saved with the formula)",
        "客户.xlsx [Sheet1] row 4, column 金额: '十五万' is not an amount",
        f"客户.xlsx [Sheet1] row 4, column 阶段: '方案' is not a stage (known: {STAGES})",
        "客户.xlsx [Sheet1] row 4, column 预计签约: '2027-02-30' is not a date (2026-03-05, 2026/3/5 or 2026年3月5日)",
        "客户.xlsx [Sheet1] row 5, column 客户: '无此客户' is no customer of the repository (by id, external_id or "
        "name): import the customers first (holp import customers)",
        "holp: 3 rows of 3 cannot be imported: nothing was written (fix them, or pass --skip-invalid to import the "
        "others)",
    ]
    del before[str(Path("客户.xlsx"))]
    after = snapshot(git_repo)
    del after[str(Path("客户.xlsx"))]
    assert after == before


def test_skip_invalid_lists_the_rows_and_counts_empty_ones(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "c.xlsx", [["客户名称", "负责人"], ["甲公司", "zhang.wei"], [], ["乙公司", "无名氏"],
                               ["甲公司", "zhang.wei"], ["丙公司", "li.na"]])
    result = holp("import", "customers", "c.xlsx", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert lines(result)[:3] == [
        "c.xlsx [Sheet1] row 4, column 负责人: '无名氏' is not a rep in team.yaml (known: 李娜 (li.na), 张伟 (zhang.wei))",
        "c.xlsx [Sheet1] row 5, column 客户名称: '甲公司' is the same customer as row 2",
        "skipped 2 invalid rows: 4, 5",
    ]
    assert lines(result)[3].startswith("import c.xlsx: 2 customers created, 0 updated, 0 unchanged; 1 empty row "
                                       "skipped (committed ")


def test_duplicate_customer_across_rows_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "c.xlsx", [["客户名称", "负责人"], ["甲公司", "zhang.wei"], ["甲公司 ", "zhang.wei"]])
    result = holp("import", "customers", "c.xlsx")
    assert result.exit_code == 1
    assert lines(result)[0] == "c.xlsx [Sheet1] row 3, column 客户名称: '甲公司' is the same customer as row 2"


def test_gbk_csv_with_semicolons(git_repo: Path, holp: Callable[..., Result]) -> None:
    (git_repo / "客户.csv").write_bytes("客户名称;负责人;区域\r\n广州某电厂;张伟;华东\r\n".encode("gbk"))
    result = holp("import", "customers", "客户.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert lines(result) == ["  create C-0002 广州某电厂 (customers/east/C-0002.yaml)",
                             "import 客户.csv: 1 customers created, 0 updated, 0 unchanged (dry run: nothing was "
                             "written)"]
    assert not (git_repo / "customers/east/C-0002.yaml").exists()
    (git_repo / "bad.csv").write_bytes("客户名称,负责人\r\n广州某电厂,张伟\r\n".encode("utf-8-sig") + b"\xff\xfe,x\r\n")
    result = holp("import", "customers", "bad.csv")
    assert (result.exit_code, lines(result)[-1]) == (2, "holp: bad.csv is neither UTF-8 nor GBK text: save it as "
                                                        "CSV UTF-8")


def test_unreadable_workbooks_are_one_sentence(git_repo: Path, holp: Callable[..., Result]) -> None:
    (git_repo / "secret.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (git_repo / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert [(r.exit_code, r.output) for r in (holp("import", "customers", "secret.xlsx"),
                                               holp("import", "customers", "broken.xlsx"))] == [
        (2, "holp: secret.xlsx is password-protected (or an old .xls workbook): save it in Excel as .xlsx without a "
            "password\n"),
        (2, "holp: broken.xlsx cannot be read as an .xlsx workbook (it is damaged, or another format): open it in "
            "Excel and save it as .xlsx\n"),
    ]


def test_merged_header_cells_refused_with_the_range(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = book(git_repo / "m.xlsx", [["客户名称", None, "负责人"], ["甲公司", "x", "zhang.wei"]])
    wb = openpyxl.load_workbook(path)
    wb["Sheet1"].merge_cells("A1:B1")
    wb.save(path)
    result = holp("import", "customers", "m.xlsx")
    assert (result.exit_code, result.output) == (2, "holp: m.xlsx [Sheet1] has merged header cells (A1:B1): unmerge "
                                                    "them so that every column has its own name in one header row\n")


def test_branch(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "c.xlsx", [["客户名称", "负责人"], ["甲公司", "zhang.wei"]])
    result = holp("import", "customers", "c.xlsx", "--branch", "import-1")
    assert result.exit_code == 0, result.output
    assert "on branch import-1)" in result.output
    assert git(git_repo, "branch", "--show-current") == "import-1\n"
    assert git(git_repo, "log", "-1", "--format=%s", "main") == "start\n"


def test_bad_mapping_names_the_file_and_line(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "c.xlsx", [["客户名称", "负责人"], ["甲公司", "zhang.wei"]])
    write(git_repo / "map.yaml", "fields:\n  name: 客户名称\n  colour: 负责人\n")
    result = holp("import", "customers", "c.xlsx", "--map", "map.yaml")
    assert result.exit_code == 2
    assert lines(result)[0].startswith("map.yaml:3:11: error[bad-mapping]: 'colour' is not a field of customers")
    write(git_repo / "map.yaml", "fields:\n  name: 公司\n")
    result = holp("import", "customers", "c.xlsx", "--map", "map.yaml")
    assert (result.exit_code, result.output) == (2, "holp: the mapping does not fit: the column '公司' of name is not "
                                                    "in c.xlsx [Sheet1] row 1 (its headers: 客户名称, 负责人)\n")


def test_template(git_repo: Path, holp: Callable[..., Result]) -> None:
    book(git_repo / "p.xlsx", [["项目名称", "客户名称", "金额", "阶段", "负责人", "备用"]], title="商机")
    result = holp("import", "--template", "p.xlsx", "-o", "map.yaml")
    assert result.exit_code == 0, result.output
    text = (git_repo / "map.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[1:8] == ["kind: projects", "sheet: 商机", "fields:", "  # id:", "  # external_id:",
                                      "  name: 项目名称", "  customer: 客户名称"]
    assert "  amount: 金额\n" in text and "  stage: 阶段\n" in text and "  owner: 负责人\n" in text
    assert "# 未对应的列 / Columns not mapped: 备用\n" in text
    book(git_repo / "p.xlsx", [["项目名称", "客户名称", "金额", "阶段", "负责人", "备用"],
                               ["新项目", "华东某钢铁集团", "100万", "提案阶段", "张伟", "x"]], title="商机")
    result = holp("import", "projects", "p.xlsx", "--map", "map.yaml")
    assert result.exit_code == 0, result.output


def test_round_trip_of_the_example_export(tmp_path: Path, holp: Callable[..., Result],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLP_TODAY", "2026-11-20")
    assert holp("-C", str(EXAMPLE), "export", "--format", "csv", "-o", str(tmp_path / "out")).exit_code == 0
    fresh = tmp_path / "fresh"
    assert holp("init", str(fresh)).exit_code == 0
    shutil.copy(EXAMPLE / "team.yaml", fresh / "team.yaml")  # the team first: reps and regions are not imported
    git(fresh, "commit", "-qam", "team")
    monkeypatch.chdir(fresh)
    assert holp("import", "customers", str(tmp_path / "out/customers.csv")).exit_code == 0
    result = holp("import", "projects", str(tmp_path / "out/projects.csv"))
    assert result.exit_code == 0, result.output
    funnel = json.loads(holp("report", "funnel", "--format", "json").output)
    expected = json.loads(holp("-C", str(EXAMPLE), "report", "funnel", "--format", "json").output)
    assert funnel == expected
    assert holp("import", "projects", str(tmp_path / "out/projects.csv")).output.splitlines()[-1] == (
        "import projects.csv: 0 projects created, 0 updated, 34 unchanged: nothing to commit")


def test_round_trip_of_the_example_workbook(tmp_path: Path, holp: Callable[..., Result],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`export --format xlsx` of the example imported into a fresh `holp init`: the same funnel."""
    monkeypatch.setenv("HOLP_TODAY", "2026-11-20")
    book_path = tmp_path / "sales.xlsx"
    assert holp("-C", str(EXAMPLE), "export", "--format", "xlsx", "-o", str(book_path)).exit_code == 0
    fresh = tmp_path / "fresh"
    assert holp("init", str(fresh)).exit_code == 0
    shutil.copy(EXAMPLE / "team.yaml", fresh / "team.yaml")
    git(fresh, "commit", "-qam", "team")
    monkeypatch.chdir(fresh)
    result = holp("import", "customers", str(book_path), "--sheet", "customers")
    assert result.exit_code == 0, result.output
    result = holp("import", "projects", str(book_path), "--sheet", "projects")
    assert result.exit_code == 0, result.output
    assert git(fresh, "log", "-1", "--format=%s") == "import sales.xlsx: 34 projects created, 0 updated\n"
    funnel = json.loads(holp("report", "funnel", "--format", "json").output)
    assert funnel == json.loads(holp("-C", str(EXAMPLE), "report", "funnel", "--format", "json").output)


def test_100k_rows_checked_in_streaming(git_repo: Path, holp: Callable[..., Result]) -> None:
    rows = "".join(f"客户{i},zhang.wei,{i * 10}万\r\n" for i in range(100_000))
    (git_repo / "big.csv").write_bytes(("客户名称,负责人,金额\r\n" + rows).encode("utf-8"))
    result = holp("import", "customers", "big.csv", "--dry-run")  # streamed; `make bench` times it, no test does
    assert result.exit_code == 0, result.output
    assert lines(result)[-1] == ("import big.csv: 100000 customers created, 0 updated, 0 unchanged (dry run: nothing "
                                 "was written)")


def test_many_files_in_one_commit(git_repo: Path, holp: Callable[..., Result]) -> None:
    """More files than git is given on its command line (they go on stdin): still one commit, nothing left over."""
    book(git_repo / "c.xlsx", [["客户名称", "负责人"], *([f"客户{i}", "zhang.wei"] for i in range(150))])
    result = holp("import", "customers", "c.xlsx")
    assert result.exit_code == 0, result.output
    assert git(git_repo, "log", "-1", "--format=%s") == "import c.xlsx: 150 customers created, 0 updated\n"
    assert len(git(git_repo, "show", "--name-only", "--format=", "HEAD").split()) == 150
    assert git(git_repo, "status", "--porcelain", "--", "customers") == ""


def test_an_export_workbook_reads_with_no_mapping(tmp_path: Path, holp: Callable[..., Result],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook with holp's export sheets and columns (numbers as numbers, dates as dates): each kind its sheet."""
    import csv
    import datetime as dt

    monkeypatch.setenv("HOLP_TODAY", "2026-11-20")
    assert holp("-C", str(EXAMPLE), "export", "--format", "csv", "-o", str(tmp_path / "out")).exit_code == 0
    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for table in ("projects", "customers"):
        ws = wb.create_sheet(table)
        with (tmp_path / "out" / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
            for i, row in enumerate(csv.reader(f)):
                cells: list[object] = list(row)
                if i and table == "projects":
                    cells[7] = float(row[7]) if row[7] else None  # amount as a number
                    cells[10] = dt.date.fromisoformat(row[10]) if row[10] else None  # expected_close as a date
                ws.append([c if c != "" else None for c in cells])
    wb.save(tmp_path / "export.xlsx")
    fresh = tmp_path / "fresh"
    assert holp("init", str(fresh)).exit_code == 0
    shutil.copy(EXAMPLE / "team.yaml", fresh / "team.yaml")
    git(fresh, "commit", "-qam", "team")
    monkeypatch.chdir(fresh)
    assert holp("import", "customers", str(tmp_path / "export.xlsx")).exit_code == 0
    assert holp("import", "projects", str(tmp_path / "export.xlsx")).exit_code == 0
    funnel = json.loads(holp("report", "funnel", "--format", "json").output)
    assert funnel == json.loads(holp("-C", str(EXAMPLE), "report", "funnel", "--format", "json").output)


def test_a_refused_commit_leaves_no_new_file(git_repo: Path, holp: Callable[..., Result]) -> None:
    """A hook that refuses the import's commit: the new files are removed again, none is left in git's index."""
    hook = git_repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho no imports today\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    book(git_repo / "c.xlsx", [["客户名称", "负责人"], ["甲公司", "zhang.wei"]])
    before = snapshot(git_repo)
    result = holp("import", "customers", "c.xlsx")
    assert result.exit_code == 1
    assert "no imports today" in result.output
    assert snapshot(git_repo) == before
    assert git(git_repo, "status", "--porcelain", "--", "customers") == ""
