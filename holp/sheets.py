"""The rows of a spreadsheet, for `holp import`: one sheet of an .xlsx workbook (openpyxl, streamed) or a CSV file.

A sheet is its header row (the first row that is not empty) and then its rows, each with its row number as the
spreadsheet shows it; empty rows are skipped and counted. A workbook is read with ``data_only``: a formula cell
gives the value Excel saved with it; one saved without a value (written by a program, never opened in Excel) is
`NO_VALUE`. A file holp cannot read at all is one `HolpError` (exit 2).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from holp.errors import USAGE, HolpError

NO_VALUE = object()  # a formula cell saved without its value
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted (password) .xlsx, or an old .xls
_MERGE = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
CSV_SNIFF = 64 * 1024  # bytes of a CSV file the delimiter is guessed from


@dataclass
class Sheet:
    file: str  # as messages name it
    name: str | None  # the sheet's name; None for a CSV file
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number, values), empty rows left out
    header_row: int = 1
    counted: dict[str, int] = field(default_factory=lambda: {"empty": 0})

    def where(self, row: int, column: str | None = None) -> str:
        place = f"{self.file} [{self.name}]" if self.name is not None else self.file
        return f"{place} row {row}" + (f", column {column}" if column is not None else "")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _split(file: str, name: str | None, rows: Iterator[tuple[int, list[Any]]]) -> Sheet:
    """The header (the first row with a value) and the rows after it, empty ones skipped and counted."""
    counted = {"empty": 0}
    header_row, headers = 0, []
    for number, values in rows:
        if not all(_empty(v) for v in values):
            header_row, headers = number, [_header_text(v) for v in values]
            break
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        where = f"{file} [{name}]" if name is not None else file
        raise HolpError(f"{where} has no header row: the first row names the columns")

    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, values in rows:
            if all(_empty(v) for v in values):
                counted["empty"] += 1
                continue
            yield number, values

    return Sheet(file, name, headers, body(), header_row, counted)


# -- CSV ---------------------------------------------------------------------------------------------------------


def _decode(file: str, raw: bytes) -> str:
    """UTF-8 (with or without a BOM, as Excel saves it), else GB18030 (a superset of GBK, what Chinese Excel and
    WPS save as "CSV")."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HolpError(f"{file} is neither UTF-8 nor GBK text: save it as CSV UTF-8", USAGE)


def read_csv(path: Path, file: str) -> Sheet:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise HolpError(f"cannot read {file}: {e.strerror or e}", USAGE) from None
    if b"\0" in raw[:CSV_SNIFF]:
        raise HolpError(f"{file} is not a CSV file (it holds binary data)", USAGE)
    text = _decode(file, raw)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:CSV_SNIFF], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to tell by: commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for values in reader:
                yield reader.line_num, list(values)
        except csv.Error as e:
            raise HolpError(f"{file} line {reader.line_num}: not CSV ({e})", USAGE) from None

    return _split(file, None, rows())


# -- workbooks ---------------------------------------------------------------------------------------------------


def _open(path: Path, file: str, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except OSError as e:
        raise HolpError(f"cannot read {file}: {e.strerror or e}", USAGE) from None
    except Exception:  # openpyxl raises what zipfile and its XML parser do: the file is no workbook
        raise HolpError(f"{file} cannot be read as an .xlsx workbook (it is damaged, or another format): open it "
                        "in Excel and save it as .xlsx", USAGE) from None


def sheet_names(path: Path, file: str) -> list[str]:
    book = _open(path, file, True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _merged_header(book: Any, sheet: Any, header_row: int) -> str | None:
    """The first merged range that touches the header row (e.g. "A1:B1"), read from the sheet's XML, where the
    merges are listed after the rows (openpyxl's streaming reader does not keep them)."""
    with book._archive.open(sheet._worksheet_path) as source:  # the read-only sheet's own XML part
        for _, element in ElementTree.iterparse(source):
            if element.tag == _MERGE:
                ref = element.get("ref", "")
                rows = ["".join(c for c in part if c.isdigit()) for part in ref.split(":")]
                if len(rows) == 2 and all(rows) and int(rows[0]) <= header_row <= int(rows[1]):
                    return ref
            element.clear()
    return None


def read_xlsx(path: Path, file: str, wanted: str | None, default: str | None) -> Sheet:
    """The sheet ``wanted`` (--sheet), else the one named ``default`` (an export's "customers"), else the first."""
    with path.open("rb") as probe:
        if probe.read(len(_OLE)) == _OLE:
            raise HolpError(f"{file} is password-protected (or an old .xls workbook): save it in Excel as .xlsx "
                            "without a password", USAGE)
    values_book = _open(path, file, True)
    names = list(values_book.sheetnames)
    if wanted is not None and wanted not in names:
        raise HolpError(f"{file} has no sheet {wanted!r} (its sheets: {', '.join(names)})", USAGE)
    name = wanted or (default if default in names else names[0])
    formulas_book = _open(path, file, False)
    values, formulas = values_book[name], formulas_book[name]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, (cells, written) in enumerate(zip(values.iter_rows(values_only=True),
                                                          formulas.iter_rows(values_only=True), strict=False), 1):
                yield number, [NO_VALUE if v is None and isinstance(f, str) and f.startswith("=") else v
                               for v, f in zip(cells, written, strict=False)]
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError):
            raise HolpError(f"{file} [{name}] is damaged: open it in Excel and save it again", USAGE) from None
        finally:
            values_book.close()
            formulas_book.close()

    sheet = _split(file, name, rows())
    merged = _merged_header(values_book, values, sheet.header_row)
    if merged is not None:
        values_book.close()
        formulas_book.close()
        raise HolpError(f"{file} [{name}] has merged header cells ({merged}): unmerge them so that every column has "
                        "its own name in one header row", USAGE)
    return sheet


def read(path: Path, file: str, wanted: str | None = None, default: str | None = None) -> Sheet:
    """The rows of ``path`` (.xlsx or .csv; by its content, not only its name)."""
    if not path.is_file():
        raise HolpError(f"{file}: no such file", USAGE)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls") or zipfile.is_zipfile(path):
        return read_xlsx(path, file, wanted, default)
    if wanted is not None:
        raise HolpError(f"--sheet {wanted}: {file} is a CSV file, which has no sheets", USAGE)
    return read_csv(path, file)
