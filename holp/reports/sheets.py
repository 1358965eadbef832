"""Reports as a workbook (`holp report --format xlsx`): a sheet per table of each report, named by its caption,
and a last sheet "About" (说明) with what the tables cannot say: the title, the day and commit, each report's
notes, the captions that a sheet's name (31 characters at most) had to shorten, and the files left out of every
figure."""

from __future__ import annotations

from collections.abc import Sequence

from holp.labels import Labels
from holp.reports.common import Report
from holp.reports.render import _meta
from holp.workbook import Sheet, Written, sheet_names, write


def workbook(reports: Sequence[Report], label: Labels, title: str,
             left_out: Sequence[str] = ()) -> tuple[bytes, Written]:
    """The .xlsx bytes of ``reports``: money a number in the currency's format, the "12.3%" of a report's table a
    number (0.123, shown 12.3%), "—" an empty cell, a date a date."""
    sheets = []
    for report in reports:
        for t in report.tables(label):
            kinds = ["money" if i in t.money else "figure" if i in t.numbers else "any" for i in range(len(t.headers))]
            sheets.append(Sheet(t.caption, t.headers, t.rows, kinds))
    about = [title, *(_meta(r, label) for r in reports[:1])]
    about += [note for r in reports for note in r.notes(label)]
    names = sheet_names([s.title for s in sheets])
    shortened = [f"{name}: {s.title}" for name, s in zip(names, sheets, strict=True) if name != s.title]
    if shortened:  # a sheet's name holds 31 characters: the caption in full here (a week's days, say)
        about += ["", f"{label('workbook_sheets')}:", *shortened]
    if left_out:
        about += ["", f"{label('workbook_left_out')}:", *left_out]
    return write(sheets, reports[0].head.currency, [(label("workbook_about"), about)])
