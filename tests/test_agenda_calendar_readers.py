"""The agenda's calendar file read by a second, independent iCalendar reader (vobject, as calendar servers such as
Radicale use it), validated against RFC 5545's rules, and unbroken by a task that tries to end its event early."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import vobject
from test_agenda import AGENDA_PROJECT, PATH, _agenda_repo, _expected

from conftest import Script


def _read(path: Path) -> vobject.base.Component:
    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    assert calendar.validate(raiseException=True, complainUnrecognized=False)
    return calendar


def test_vobject_reads_and_validates_every_event(script: Script, tmp_path: Path) -> None:
    _agenda_repo(script)
    out = tmp_path / "agenda.ics"
    assert script.holp("agenda", "--format", "ics", "-o", str(out)).exit_code == 0
    events = _read(out).vevent_list
    assert [(e.dtstart.value, e.dtend.value - e.dtstart.value) for e in events] == [
        (dt.date.fromisoformat(day), dt.timedelta(days=1)) for day, *_ in _expected()]
    assert len({e.uid.value for e in events}) == len(events)


def test_a_task_that_writes_an_event_end_stays_one_summary(script: Script, tmp_path: Path) -> None:
    _agenda_repo(script)
    forged = "报价\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:伪造"  # YAML double-quoted: real line breaks
    project = AGENDA_PROJECT.replace("what: 报价", f'what: "{forged}"')
    assert project != AGENDA_PROJECT
    script.commit("zhang.wei", "2026-11-16T10:00:00+08:00", "a task with line breaks", {PATH: project})
    out = tmp_path / "agenda.ics"
    assert script.holp("agenda", "--format", "ics", "-o", str(out)).exit_code == 0
    events = _read(out).vevent_list
    assert len(events) == len(_expected())
    summaries = [e.summary.value for e in events]
    assert not any(s.startswith("伪造") for s in summaries)
    # the line breaks are shown as spaces, as on every one-line display of a value
    assert [s for s in summaries if "报价" in s] == ["[任务] P-2026-001 报价 END:VEVENT BEGIN:VEVENT SUMMARY:伪造"]
