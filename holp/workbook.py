"""Tables as an Excel workbook (.xlsx, written by openpyxl): one sheet per table, numbers as numbers.

Money is a number with the currency in its format (#,##0.00 "CNY"), exact to the cent: openpyxl writes a number
as 16 significant digits and Excel keeps 15, so an amount of up to 15 digits in cents (below 10,000,000,000,000)
reads back the same; a larger one is written as its decimal text, and `Written.as_text` counts them so the
command can say so. Dates are dates (yyyy-mm-dd), percentages numbers (0.0%), each header row bold and frozen
with an autofilter over the table, each column as wide as its longest cell in terminal columns (a Chinese
character takes two), at most 60.

Every text cell is a string, never a formula (openpyxl would take "=..." for one), and shows its control
characters as \\uXXXX (holp.inert) rather than carrying them into the XML.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from holp.inert import terminal
from holp.model import coerce
from holp.output import cents, display_width, money, money_plain

# What a column holds: money; a share written 0.35 (percent: shown 35.0%); a number; a date; text; or, for
# the tables of a report, "figure" (an int, a number, "12.3%", "1.25×" or "—" as report tables write them) and
# "any" (text, where a whole ISO date is a date). Either keeps a report's mark after a figure ("95.7% †") in the
# cell's format, the figure a number.
LARGEST = Decimal(10) ** 13  # an amount of 15 digits in cents is the most a spreadsheet number keeps exactly
WIDEST = 60
MOST_TEXT = 32767  # the characters Excel keeps in a cell
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # not in a sheet's name
_ASIDE = re.compile(r"\s*\([^()]*\)")
_MARKED = re.compile(r"(.*\S) ([!†*])")  # a figure with a report's mark after it
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
RATIO = '0.00"×"'


@dataclass(frozen=True)
class Sheet:
    """One table: its name (made a valid, unique sheet name), headers, rows and each column's kind."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    kinds: Sequence[str]


@dataclass
class Written:
    """What writing a workbook had to do other than as asked: cells written as text although numbers."""

    as_text: list[str] = field(default_factory=list)  # "sheet!B7" of each amount too large to be a number
    cut: list[str] = field(default_factory=list)  # "sheet!C3" of each text longer than a cell holds

    def warnings(self) -> list[str]:
        """What a user is told of these (the cells named, the first few)."""
        found = []
        if self.as_text:
            found.append(f"{_cells(self.as_text)}: an amount of 10,000,000,000,000 or more is written as text "
                         "(a spreadsheet number keeps 15 digits: not every cent)")
        if self.cut:
            found.append(f"{_cells(self.cut)}: a text longer than a cell holds (32,767 characters) is cut short")
        return found


def _cells(where: list[str]) -> str:
    more = f" and {len(where) - 5} more" if len(where) > 5 else ""
    return ", ".join(where[:5]) + more


def money_format(currency: str) -> str:
    """The number format of money in ``currency``: two places, thousands separated, the currency after."""
    return f'#,##0.00 "{currency.replace(chr(34), "")}"'


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Valid sheet names for ``titles``, in order: none of []:*?/\\, at most 31 characters, not starting or
    ending with an apostrophe, unique whatever the case (Excel's rules); a repeated one gets " (2)", " (3)" ...

    A long title loses its parenthesised asides first, the last first, then is cut with "…"."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = terminal(_FORBIDDEN.sub("-", title)).replace("\n", " ").replace("\t", " ").strip().strip("'")
        base = base.strip() or "Sheet"
        while len(base) > 31 and (asides := list(_ASIDE.finditer(base))):  # "周报 2026-W49 (11-30 – 12-06) · 张伟"
            base = base[:asides[-1].start()] + base[asides[-1].end():]
        if len(base) > 31:
            base = base[:30].rstrip() + "…"
        name, n = base[:31].rstrip().strip("'"), 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[:31 - len(suffix)].rstrip().strip("'") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            found = Decimal(value.strip())
        except InvalidOperation:
            return None
        return found if found.is_finite() else None
    return None


def _day(value: Any) -> dt.date | None:
    """A day as every record reads one (`coerce.date`); a date with a time of day is no day."""
    return None if isinstance(value, dt.datetime) else coerce.date(value)


def cell(value: Any, kind: str, currency: str) -> tuple[Any, str | None, str]:
    """(the value to write, its number format or None, the text it shows) of ``value`` in a column of ``kind``.

    A value that is not what its column holds is written as the text it is, never dropped.
    """
    if value is None or value == "":
        return None, None, ""
    if kind == "money":
        amount = _decimal(value)
        if amount is not None:
            amount = cents(amount)
            if abs(amount) < LARGEST:
                return amount, money_format(currency), f"{money(amount)} {currency}"
            return money_plain(amount), None, money_plain(amount)  # as text: the caller says so
    if kind == "percent":
        share = _decimal(value)
        if share is not None:
            return share, PERCENT, f"{share * 100:.1f}%"
    if kind == "number":
        number = _decimal(value)
        if number is not None:
            return (int(number) if isinstance(value, int) else number), None, str(value)
    if kind in ("figure", "any") and isinstance(value, str) and (marked := _MARKED.fullmatch(value)):
        inner, mark = marked.groups()  # "95.7% †" (a partial score), "2026-09-28 !" (a review overdue)
        found, style, shown = cell(inner, kind, currency)
        if not isinstance(found, str | None):
            return found, f'{style or "General"} "{mark}"', f"{shown} {mark}"
    if kind == "figure":
        return _figure(value)
    if kind in ("date", "any"):
        day = _day(value)
        if day is not None:
            return day, DATE, day.isoformat()
    text = terminal(str(value))
    return text, None, text


def _figure(value: Any) -> tuple[Any, str | None, str]:
    """A cell of a report's number column: 3, "12.3", "12.3%", "1.25×"; "—" (none) is an empty cell."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value, None, str(value)
    text = str(value).strip()
    if text in ("—", "None%", "None"):
        return None, None, ""
    for end, scale, style in (("%", Decimal(100), PERCENT), ("×", Decimal(1), RATIO)):
        if text.endswith(end):
            number = _decimal(text[:-1])
            if number is not None:
                return number / scale, style, text
    number = _decimal(text)
    if number is not None:
        return number, None, text
    text = terminal(text)
    return text, None, text


def write(sheets: Sequence[Sheet], currency: str, notes: Sequence[tuple[str, Sequence[str]]] = ()) -> tuple[bytes,
                                                                                                              Written]:
    """The workbook of ``sheets`` as .xlsx bytes, and what it wrote otherwise than asked.

    ``notes``: (a sheet's title, its lines) of sheets of plain lines after the tables, for what the tables cannot
    say (a report's notes, the files left out of its figures). Written row by row (openpyxl's write-only mode):
    each table's cells are made first, for the widths its columns need before its first row is written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.creator = "holp"
    written = Written()
    names = sheet_names([s.title for s in sheets] + [title for title, _ in notes])
    bold = Font(bold=True)
    for sheet, name in zip(sheets, names, strict=False):
        ws = book.create_sheet(name)
        letters = [get_column_letter(i) for i in range(1, len(sheet.headers) + 1)]
        widths = [_width(terminal(h)) for h in sheet.headers]
        rows: list[list[Any]] = [[_text(ws, terminal(h), bold) for h in sheet.headers]]
        for r, row in enumerate(sheet.rows, 2):
            cells = []
            for column, (value, kind) in enumerate(zip(row, sheet.kinds, strict=True)):
                shown_value, style, shown = cell(value, kind, currency)
                if isinstance(shown_value, str) and len(shown_value) > MOST_TEXT:
                    shown_value = shown = shown_value[:MOST_TEXT - 1] + "…"
                    written.cut.append(f"{name}!{letters[column]}{r}")
                elif kind == "money" and isinstance(shown_value, str) and _decimal(value) is not None:
                    written.as_text.append(f"{name}!{letters[column]}{r}")
                if isinstance(shown_value, str):
                    cells.append(_text(ws, shown_value))
                else:
                    c = WriteOnlyCell(ws, value=shown_value)
                    if style is not None:
                        c.number_format = style
                    cells.append(c)
                widths[column] = max(widths[column], max(_width(line) for line in shown.split("\n")))
            rows.append(cells)
        for letter, width in zip(letters, widths, strict=True):
            ws.column_dimensions[letter].width = min(width + 2, WIDEST)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{letters[-1] if letters else 'A'}{len(sheet.rows) + 1}"
        for cells in rows:
            ws.append(cells)
    for (_, lines), name in zip(notes, names[len(sheets):], strict=True):
        ws = book.create_sheet(name)
        ws.column_dimensions["A"].width = WIDEST
        for line in lines:
            ws.append([_text(ws, terminal(line))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), written


def _text(ws: Any, value: str, font: Any = None) -> Any:
    """A cell of text: a string, never a formula (openpyxl takes "=..." for one: "=HYPERLINK(...)" in a note
    stays what it says)."""
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=value)
    c.data_type = "s"
    if font is not None:
        c.font = font
    return c


def _width(text: str) -> int:
    return len(text) if text.isascii() else display_width(text)
