"""Workbooks out: `holp export --format xlsx` and `holp report KIND --format xlsx`, read back with openpyxl and with a
second reader (calamine, Rust's: not openpyxl reading what openpyxl wrote)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import wcwidth
from click.testing import Result
from python_calamine import CalamineWorkbook

from conftest import git, write
from holp.export import TABLES
from holp.workbook import Sheet, sheet_names
from holp.workbook import write as write_workbook

EXAMPLE = Path(__file__).resolve().parent.parent / "example-repo"
CNY = '#,##0.00 "CNY"'


def _commit(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")


def _as_text(value: Any) -> str:
    """A cell read back by openpyxl as the text the CSV export writes, exact (numbers by their shortest repr)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        assert value.time() == dt.time(0)
        return value.date().isoformat()
    return str(value)


def _same(cell: Any, text: str) -> bool:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return Decimal(repr(cell)) == Decimal(text)  # exact: 1234567.89 read back is 1234567.89, not ...8899
    return _as_text(cell) == text


def _width(text: str) -> int:
    return max(wcwidth.wcswidth(text), len(text))


# -- export ---------------------------------------------------------------------------------------------


def test_export_xlsx__every_table_a_sheet_with_the_csv_values_typed(example: Path, holp: Callable[..., Result],
                                                                    tmp_path: Path) -> None:
    book_path, folder = tmp_path / "sales.xlsx", tmp_path / "csv"
    result = holp("export", "--format", "xlsx", "-o", str(book_path))
    assert result.exit_code == 0
    assert result.output == (f"wrote {book_path}: 34 projects, 13 customers, 67 contacts, 119 visits, 39 payments, "
                             "25 receipts, 8 collection_actions, 7 service, 3 warranty, 34 risks, 34 transitions, "
                             "4 summaries, 3 cases, 7 tasks, 22 approvals, 12 expenses\n")
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == list(TABLES)
    for table in TABLES:
        ws = book[table]
        with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
            expected = list(csv.reader(f))
        got = [list(row) for row in ws.iter_rows(values_only=True)]
        assert got[0] == expected[0] == list(TABLES[table])
        assert len(got) == len(expected)
        for r, (row, want) in enumerate(zip(got[1:], expected[1:], strict=True), 2):
            for c, (cell, text) in enumerate(zip(row, want, strict=True)):
                assert _same(cell, text), (table, r, expected[0][c], cell, text)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(TABLES[table]))}{len(expected)}"
        assert all(c.font.b for c in ws[1])
    projects = book["projects"]
    p = {h: i for i, h in enumerate(TABLES["projects"])}
    first = [c for c in projects[2]]
    assert (first[p["id"]].value, first[p["amount"]].value, first[p["amount"]].number_format) == (
        "P-2024-018", 12800000, CNY)
    assert (first[p["expected_close"]].value, first[p["expected_close"]].number_format, first[p["expected_close"]].is_date) \
        == (dt.datetime(2025, 4, 18), "yyyy-mm-dd", True)
    assert (first[p["probability"]].value, first[p["probability"]].number_format) == (1, "0.0%")
    assert first[p["name"]].data_type == "s"
    # a commit's time keeps its offset: ISO text, not a date that would lose it
    assert isinstance(book["transitions"]["G2"].value, str) and book["transitions"]["G2"].value[10] == "T"


def test_export_xlsx__columns_as_wide_as_their_longest_cell_chinese_counting_two(example: Path,
                                                                                 holp: Callable[..., Result],
                                                                                 tmp_path: Path) -> None:
    out = tmp_path / "sales.xlsx"
    assert holp("export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out)["customers"]
    names = [row[1] for row in ws.iter_rows(values_only=True)]
    longest = max(names, key=_width)
    assert _width(longest) == 2 * len(longest)  # all Chinese
    assert ws.column_dimensions["B"].width == 2 * len(longest) + 2
    assert ws.column_dimensions["A"].width == len("C-0001") + 2
    visits = openpyxl.load_workbook(out)["visits"]
    widths = {}
    for column in visits.iter_cols():
        letter = column[0].column_letter
        shown = [v.value.date().isoformat() if isinstance(v.value, dt.datetime) else str(v.value or "")
                 for v in column]
        widths[letter] = min(max(_width(text) for text in shown) + 2, 60)
        assert visits.column_dimensions[letter].width == widths[letter], letter
    assert widths["B"] == 12 and 60 in widths.values()  # a date; long notes capped


def test_export_xlsx__a_second_reader_reads_the_same_workbook(example: Path, holp: Callable[..., Result],
                                                              tmp_path: Path) -> None:
    out, folder = tmp_path / "sales.xlsx", tmp_path / "csv"
    assert holp("export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == list(TABLES)
    for table in TABLES:
        with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
            expected = list(csv.reader(f))
        got = book.get_sheet_by_name(table).to_python()
        assert len(got) == len(expected)
        for row, want in zip(got, expected, strict=True):
            for cell, text in zip(row, want, strict=True):
                if isinstance(cell, dt.date):
                    assert cell.isoformat() == text
                elif isinstance(cell, float):
                    assert Decimal(repr(cell)) == Decimal(text), (table, cell, text)
                else:
                    assert cell == text, (table, cell, text)


def test_export_xlsx__a_value_that_looks_like_a_formula_stays_text(repo: Path, holp: Callable[..., Result],
                                                                   tmp_path: Path) -> None:
    hostile = {"name: 2号高炉余热发电改造": """name: '=HYPERLINK("http://evil.example","点击")'""",
               "purpose: 技术交流": "purpose: \"+cmd|' /C calc'!A0\"",
               "next_step: 提交初步方案": 'next_step: "@SUM(1+1)"'}
    path = repo / "projects/east/P-2026-001.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in hostile.items():
        text = text.replace(old, new)
    write(path, text)
    customer = repo / "customers/east/C-0001.yaml"
    write(customer, customer.read_text(encoding="utf-8").replace("title: 副总经理", 'title: "-2+3"'))
    out = tmp_path / "sales.xlsx"
    assert holp("export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    name = book["projects"]["B2"]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://evil.example","点击")', "s")
    visit = {h: c for h, c in zip(TABLES["visits"], book["visits"][2], strict=True)}
    assert (visit["purpose"].value, visit["purpose"].data_type) == ("+cmd|' /C calc'!A0", "s")
    assert (visit["next_step"].value, visit["next_step"].data_type) == ("@SUM(1+1)", "s")
    assert (book["contacts"]["C2"].value, book["contacts"]["C2"].data_type) == ("-2+3", "s")
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    calamine = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("projects").to_python()
    assert calamine[1][1] == '=HYPERLINK("http://evil.example","点击")'


def test_export_xlsx__control_characters_shown_not_written(repo: Path, holp: Callable[..., Result],
                                                          tmp_path: Path) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    write(path, path.read_text(encoding="utf-8").replace("purpose: 技术交流", 'purpose: "技术\\a交流\\u202e反"'))
    out = tmp_path / "sales.xlsx"
    assert holp("export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    purpose = openpyxl.load_workbook(out)["visits"]["E2"].value
    assert purpose == "技术\\u0007交流\\u202e反"


def test_export_xlsx__money_exact_to_the_cent_and_too_large_said(repo: Path, holp: Callable[..., Result],
                                                                 tmp_path: Path) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("amount: 3200000", "amount: 1234567.89"))
    write(repo / "projects/east/P-2026-002.yaml",
          text.replace("P-2026-001", "P-2026-002").replace("amount: 3200000", "amount: 9999999999999.99"))
    write(repo / "projects/east/P-2026-003.yaml",
          text.replace("P-2026-001", "P-2026-003").replace("amount: 3200000", "amount: 10000000000000.00"))
    out = tmp_path / "sales.xlsx"
    result = holp("export", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == ("holp: warning: projects!H4: an amount of 10,000,000,000,000 or more is "
                             "written as text (a spreadsheet number keeps 15 digits: not every cent)\n")
    ws = openpyxl.load_workbook(out)["projects"]
    assert [ws[f"H{r}"].value for r in (2, 3, 4)] == [1234567.89, 9999999999999.99, "10000000000000.00"]
    assert [ws[f"H{r}"].number_format for r in (2, 3)] == [CNY, CNY]
    assert ws["H4"].data_type == "s"
    calamine = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("projects").to_python()
    assert [repr(row[7]) for row in calamine[1:]] == ["1234567.89", "9999999999999.99", "'10000000000000.00'"]


def test_workbook__every_amount_of_up_to_fifteen_digits_reads_back_exact(tmp_path: Path) -> None:
    rng = random.Random(14)
    amounts = [Decimal(rng.randrange(-10**15 + 1, 10**15)).scaleb(-2) for _ in range(3000)]
    amounts += [Decimal("0.01"), Decimal("0.10"), Decimal("9999999999999.99"), Decimal("-9999999999999.99"),
                Decimal("1234567.89"), Decimal("0.30"), Decimal("4503599627370.49")]
    data, written = write_workbook([Sheet("money", ["amount"], [[a] for a in amounts], ["money"])], "CNY")
    assert written.as_text == []
    out = write(tmp_path / "m.xlsx", data)
    back = [row[0] for row in openpyxl.load_workbook(out)["money"].iter_rows(min_row=2, values_only=True)]
    assert [Decimal(repr(v)) if isinstance(v, float) else Decimal(v) for v in back] == amounts
    other = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("money").to_python()[1:]
    assert [Decimal(repr(row[0])) for row in other] == amounts


def test_workbook__sheet_names_valid_short_and_unique() -> None:
    assert sheet_names(["周报 2026-W49 (2026-11-30 – 2026-12-06) · 华东 (east) · 张伟",
                        "下期到期的任务 (2026-12-07 – 2026-12-13)", "An English caption much longer than thirty-one"]) == [
        "周报 2026-W49 · 华东 · 张伟", "下期到期的任务", "An English caption much longer…"]
    assert sheet_names(["销售漏斗", "a/b:c*d?e[f]g\\h", "'quoted'", "x" * 40, "X" * 40, "Funnel", "funnel", "",
                        "x" * 40]) == [
        "销售漏斗", "a-b-c-d-e-f-g-h", "quoted", "x" * 30 + "…", "X" * 27 + " (2)", "Funnel", "funnel (2)", "Sheet",
        "x" * 27 + " (3)"]


def test_export_xlsx__refuses_a_file_git_keeps_and_a_folder(git_repo: Path, holp: Callable[..., Result],
                                                           tmp_path: Path) -> None:
    before = (git_repo / "holp.yaml").read_bytes()
    result = holp("export", "--format", "xlsx", "-o", "holp.yaml")
    assert (result.exit_code, result.output) == (2, "holp: holp.yaml is a file git keeps: write the output somewhere else\n")
    assert (git_repo / "holp.yaml").read_bytes() == before
    result = holp("export", "--format", "xlsx", "-o", str(tmp_path))
    assert (result.exit_code, result.output) == (2, f"holp: {tmp_path} is a folder: xlsx export writes one file; name the file\n")


def test_export_xlsx__replaces_a_file_whole_and_leaves_no_temp(repo: Path, holp: Callable[..., Result],
                                                               tmp_path: Path) -> None:
    out = write(tmp_path / "out" / "sales.xlsx", b"old bytes, not a workbook")
    assert holp("export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["sales.xlsx"]
    assert openpyxl.load_workbook(out)["projects"]["A2"].value == "P-2026-001"


# -- report ---------------------------------------------------------------------------------------------


def test_report_xlsx__figures_as_the_json_report_has_them(example: Path, holp: Callable[..., Result],
                                                          tmp_path: Path) -> None:
    out = tmp_path / "forecast.xlsx"
    result = holp("report", "forecast", "-o", str(out))
    assert (result.exit_code, result.stderr) == (0, f"wrote {out}\n")
    data = json.loads(holp("report", "forecast", "--format", "json").stdout)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["销售预测与任务 2026", "销售任务 2026", "说明"]
    periods = list(book["销售预测与任务 2026"].iter_rows(values_only=True))
    assert periods[0] == ("期间", "数量", "金额", "加权金额")
    for row, period in zip(periods[1:], data["periods"], strict=False):
        assert (row[1], Decimal(repr(row[2])), Decimal(repr(row[3]))) == (
            period["count"], Decimal(period["amount"]), Decimal(period["weighted"]))
    targets = book["销售任务 2026"]
    rows = list(targets.iter_rows(min_row=2))
    assert len(rows) == len(data["targets"])
    for row, target in zip(rows, data["targets"], strict=True):
        assert Decimal(repr(row[2].value)) == Decimal(target["target"])
        assert row[2].number_format == CNY
        gap = target["gap_percent"]
        assert (row[8].value, row[8].number_format) == (
            (float(Decimal(gap) / 100) if gap is not None else None), "0.0%")
        coverage = target["coverage"]
        if coverage is not None:
            assert (Decimal(repr(row[9].value)), row[9].number_format) == (
                Decimal(coverage).quantize(Decimal("0.01")), '0.00"×"')
    about = [r[0] for r in book["说明"].iter_rows(values_only=True)]
    assert about == ["厚尔普 · 销售预测与任务", "截至 2026-11-24 · CNY"]


def test_report_xlsx__all_a_sheet_per_table_every_name_valid(example: Path, holp: Callable[..., Result],
                                                              tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert holp("report", "all", "--lang", "en", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    names = book.sheetnames
    assert names[0] == "Sales funnel" and names[-1] == "About"
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    for ws in book.worksheets[:-1]:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
        assert all(c.font.b for c in ws[1])
    funnel = json.loads(holp("report", "funnel", "--format", "json").stdout)
    rows = list(book["Sales funnel"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], Decimal(repr(r[2]))) for r in rows[:len(funnel["stages"])]] == [
        (s["count"], Decimal(s["amount"])) for s in funnel["stages"]]
    assert CalamineWorkbook.from_path(str(out)).sheet_names == names
    assert book.properties.creator == "holp"
    default = tmp_path / "default.xlsx"  # a workbook, like the page, holds every report unless one is named
    assert holp("report", "--lang", "en", "-o", str(default)).exit_code == 0
    assert openpyxl.load_workbook(default).sheetnames == names


def test_report_xlsx__needs_a_file(example: Path, holp: Callable[..., Result]) -> None:
    result = holp("report", "funnel", "--format", "xlsx")
    assert (result.exit_code, result.output) == (
        2, "holp: --format xlsx writes a workbook, which is no text for a terminal: name the file with -o FILE.xlsx\n")


def test_report_xlsx__refuses_a_file_git_keeps(example: Path, holp: Callable[..., Result]) -> None:
    before = (example / "team.yaml").read_bytes()
    result = holp("report", "funnel", "--format", "xlsx", "-o", "team.yaml")
    assert (result.exit_code, result.output) == (2, "holp: team.yaml is a file git keeps: write the output somewhere else\n")
    assert (example / "team.yaml").read_bytes() == before


def test_report_xlsx__files_left_out_said_in_the_workbook(repo: Path, holp: Callable[..., Result],
                                                          tmp_path: Path) -> None:
    write(repo / "projects/east/P-2026-009.yaml", "id: P-2026-009\nname: [unclosed\n")
    _commit(repo)
    out = tmp_path / "funnel.xlsx"
    result = holp("report", "funnel", "--lang", "en", "-o", str(out))
    assert result.exit_code == 1
    about = [r[0] for r in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True)]
    assert about[3] == "Files left out of every figure:"
    assert about[4].startswith("projects/east/P-2026-009.yaml")


def test_report_xlsx__week_a_shortened_sheet_name_and_its_caption_in_full(example: Path, holp: Callable[..., Result],
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "week.xlsx"
    assert holp("report", "week", "--week", "2026-W47", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "周报 2026-W47 · 厚尔普"
    assert book.sheetnames[-2] == "下期到期的任务"
    about = [r[0] for r in book["说明"].iter_rows(values_only=True)]
    assert about[-3:] == ["工作表的完整标题:", "周报 2026-W47 · 厚尔普: 周报 2026-W47 (2026-11-16 – 2026-11-22) · 厚尔普",
                          "下期到期的任务: 下期到期的任务 (2026-11-23 – 2026-11-29)"]


def test_report_xlsx__a_marked_figure_is_a_number_its_mark_in_the_format(example: Path, holp: Callable[..., Result],
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "risks.xlsx"
    assert holp("report", "risks", "-o", str(out)).exit_code == 0
    data = json.loads(holp("report", "risks", "--format", "json").stdout)
    high = list(openpyxl.load_workbook(out)["高风险"].iter_rows(min_row=2))
    assert len(high) == len(data["high"])
    for row, risk in zip(high, data["high"], strict=True):
        reviewed = row[5]
        assert (reviewed.value.date().isoformat(), reviewed.number_format) == (
            risk["reviewed"], 'yyyy-mm-dd "!"' if risk["review_overdue"] else "yyyy-mm-dd")
    assert any(r["review_overdue"] for r in data["high"]) and not all(r["review_overdue"] for r in data["high"])
    other = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("高风险").to_python()[1:]
    assert [row[5].isoformat() for row in other] == [r["reviewed"] for r in data["high"]]
    kpi = tmp_path / "kpi.xlsx"
    assert holp("report", "kpi", "-o", str(kpi)).exit_code == 0
    scores = json.loads(holp("report", "kpi", "--format", "json").stdout)["reps"]
    ranking = list(openpyxl.load_workbook(kpi).worksheets[0].iter_rows(min_row=2))
    assert len(ranking) == len(scores)
    for row, score in zip(ranking, scores, strict=True):
        # the table's figure (95.7%, one place: what a manager reads) as a number, its † kept in the format; the
        # JSON's three places and the table's one are each rounded from the score (0.0625: 0.063 and 6.2%)
        assert abs(Decimal(repr(row[2].value)) - Decimal(score["score"])) <= Decimal("0.001")
        assert row[2].number_format == ('0.0% "†"' if Decimal(score["scored_weight"]) < 1 else "0.0%")
    assert '0.0% "†"' in {r[2].number_format for r in ranking}


def test_export_xlsx__a_text_longer_than_a_cell_holds_is_cut_and_said(repo: Path, holp: Callable[..., Result],
                                                                      tmp_path: Path) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    long = "很长的说明" * 8000  # 40,000 characters; a cell holds 32,767
    write(path, path.read_text(encoding="utf-8").replace("purpose: 技术交流", f"purpose: {long}"))
    out = tmp_path / "sales.xlsx"
    result = holp("export", "--format", "xlsx", "-o", str(out))
    assert (result.exit_code, result.stderr) == (
        0, "holp: warning: visits!E2: a text longer than a cell holds (32,767 characters) is cut short\n")
    purpose = openpyxl.load_workbook(out)["visits"]["E2"].value
    assert purpose == long[:32766] + "…" and len(purpose) == 32767
