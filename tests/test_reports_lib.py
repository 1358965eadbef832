"""The reports as a library: a snapshot and a history built in memory, exact Decimal figures worked out by hand.

The deals, as of 2026-06-30 with the default process (prospecting 10%,
entry 25%, proposal 50%, bidding 75%, negotiation 90%, won from
implementation):

    P1  prospecting  100,000       zhang.wei  C1 (east)   close 2026-08-15
    P2  proposal     200,000 @60%  wang.fang  C2 (north)  close 2026-05-01
    P3  proposal      10,000.125   zhang.wei  C1 (east)   no close date
    P4  implementation 500,000     zhang.wei  C1 (east)   won 2026-04-10
    P5  lost          80,000       wang.fang  north       reason price
    P6  negotiation  300,000       wang.fang  north       close 2027-02-01
    P7  lost          20,000       zhang.wei  no reason
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from holp.history import History, Transition
from holp.labels import load as load_labels
from holp.model import Account, Deal, Payment, build_team
from holp.repo import default_process
from holp.reports import KINDS, PAGE, REPORTS, Inputs, render
from holp.reports.aging import aging, stalled
from holp.reports.changes import changes
from holp.reports.common import weighted_open_pipeline
from holp.reports.conversion import conversion
from holp.reports.forecast import forecast
from holp.reports.funnel import funnel
from holp.reports.receivables import receivables
from holp.reports.reps import reps
from holp.snapshot import Snapshot

AS_OF = dt.date(2026, 6, 30)
D = Decimal


def _deal(id: str, stage: str, amount: str, owner: str | None, customer: str | None = None, *,
          region: str | None = None, close: dt.date | None = None, probability: str | None = None,
          lost_reason: str | None = None, payments: tuple[Payment, ...] = (),
          visits: tuple[tuple[dt.date, tuple[str, ...]], ...] = ()) -> Deal:
    return Deal(id, f"Project {id}", stage, D(amount), D(probability) if probability else None, close, owner, customer,
                region, "automation", lost_reason, None, payments, visits, f"projects/{id}.yaml")


DEALS = [
    _deal("P1", "prospecting", "100000", "zhang.wei", "C1", close=dt.date(2026, 8, 15),
          visits=((dt.date(2025, 12, 1), ("zhang.wei",)), (dt.date(2026, 3, 1), ("zhang.wei",)),
                  (dt.date(2026, 7, 15), ("zhang.wei",)))),
    _deal("P2", "proposal", "200000", "wang.fang", "C2", region="north", close=dt.date(2026, 5, 1), probability="0.6",
          payments=(Payment(dt.date(2026, 4, 25), D("40000"), None, None),)),
    _deal("P3", "proposal", "10000.125", "zhang.wei", "C1"),
    _deal("P4", "implementation", "500000", "zhang.wei", "C1", close=dt.date(2026, 3, 31), payments=(
        Payment(dt.date(2026, 4, 10), D("150000"), dt.date(2026, 4, 20), None),  # paid in full
        Payment(dt.date(2026, 5, 31), D("200000"), dt.date(2026, 6, 10), D("50000")),  # 150,000 due 30 days
        Payment(dt.date(2026, 3, 1), D("100000"), None, None),  # 121 days overdue
        Payment(dt.date(2026, 9, 30), D("50000"), None, None),  # not due
    )),
    _deal("P5", "lost", "80000", "wang.fang", region="north", lost_reason="price"),
    _deal("P6", "negotiation", "300000", "wang.fang", region="north", close=dt.date(2027, 2, 1)),
    _deal("P7", "lost", "20000", "zhang.wei"),
]

TEAM = {
    "regions": [{"id": "east", "label": {"zh": "华东", "en": "East China"}},
                {"id": "north", "label": {"zh": "华北", "en": "North China"}}],
    "reps": [{"id": "zhang.wei", "name": "Zhang Wei", "region": "east"},
             {"id": "wang.fang", "name": "Wang Fang", "region": "north"}],
    "targets": [{"year": 2026, "region": "east", "amount": 1000000},
                {"year": 2026, "rep": "zhang.wei", "amount": 600000},
                {"year": 2026, "rep": "wang.fang", "amount": 400000},
                {"year": 2025, "rep": "wang.fang", "amount": 999}],
}


def _move(project: str, source: str | None, target: str | None, day: str, field: str = "stage") -> Transition:
    return Transition(project, source, target, f"c-{project}-{day}", "Zhang Wei", "zhang.wei@example.com",
                      f"{day}T09:00:00+08:00", field=field)


HISTORY = History([
    _move("P4", None, "prospecting", "2025-11-01"),
    _move("P4", "prospecting", "entry", "2025-12-01"),
    _move("P5", None, "prospecting", "2026-01-02"),
    _move("P2", None, "prospecting", "2026-01-05"),
    _move("P1", None, "prospecting", "2026-01-10"),
    _move("P4", "entry", "proposal", "2026-01-15"),
    _move("P2", "prospecting", "entry", "2026-02-01"),
    _move("P5", "prospecting", "entry", "2026-02-10"),
    _move("P4", "proposal", "bidding", "2026-02-15"),
    _move("P2", "entry", "proposal", "2026-03-01"),
    _move("P4", "bidding", "negotiation", "2026-03-10"),
    _move("P4", "negotiation", "implementation", "2026-04-10"),
    _move("P1", "2026-06-30", "2026-08-15", "2026-05-01", field="expected_close"),  # pushed
    _move("P6", "2027-03-01", "2027-02-01", "2026-05-02", field="expected_close"),  # pulled in: no change to report
    _move("P5", "entry", "lost", "2026-05-20"),
    _move("P2", "proposal", "negotiation", "2026-07-02"),  # after the day the reports are as of
], head="abc", shallow=False, commits=16, touched={"P1": "2026-05-01", "P2": "2026-06-20", "P6": "2026-06-25"})


@pytest.fixture
def snap() -> Snapshot:
    accounts = {"C1": Account("C1", "East Steel", "east", "zhang.wei"),
                "C2": Account("C2", "North Paper", "north", "wang.fang")}
    return Snapshot(Path("."), default_process(), build_team(TEAM), DEALS, accounts, None, AS_OF)


def test_funnel__counts_amounts_and_weighted_per_stage(snap: Snapshot) -> None:
    report = funnel(snap, "en")
    per_stage = {s.stage: (s.totals.count, s.totals.amount, s.totals.weighted) for s in report.block.stages}
    assert per_stage == {
        "prospecting": (1, D("100000"), D("10000")),
        "entry": (0, D(0), D(0)),
        "proposal": (2, D("210000.125"), D("125000.0625")),  # P2 at its own 60%, P3 at the stage's 50%
        "bidding": (0, D(0), D(0)),
        "negotiation": (1, D("300000"), D("270000")),
    }
    assert (report.block.open.count, report.block.open.amount, report.block.open.weighted) == \
        (4, D("610000.125"), D("405000.0625"))
    assert (report.block.won.count, report.block.won.amount) == (1, D("500000"))
    assert (report.block.lost.count, report.block.lost.amount) == (2, D("100000"))


def test_funnel__json_rounds_money_once_half_up(snap: Snapshot) -> None:
    data = funnel(snap, "en").json()
    assert list(data) == ["as_of", "revision", "currency", "stages", "open", "won", "lost"]
    assert data["stages"][2] == {"stage": "proposal", "label": "Proposal", "count": 2, "amount": "210000.13",
                                 "weighted": "125000.06"}
    assert data["open"] == {"count": 4, "amount": "610000.13", "weighted": "405000.06"}
    assert data["won"] == {"count": 1, "amount": "500000.00"}
    assert data["as_of"] == "2026-06-30" and data["currency"] == "CNY"


def test_funnel__by_owner_groups_sorted_by_key(snap: Snapshot) -> None:
    report = funnel(snap, "en", by="owner")
    assert [(g.key, g.name) for g in report.groups] == [("wang.fang", "Wang Fang"), ("zhang.wei", "Zhang Wei")]
    wang, zhang = (g.block for g in report.groups)
    assert (wang.open.count, wang.open.amount, wang.open.weighted) == (2, D("500000"), D("390000"))
    assert (wang.won.count, wang.lost.count, wang.lost.amount) == (0, 1, D("80000"))
    assert (zhang.open.count, zhang.open.amount, zhang.open.weighted) == (2, D("110000.125"), D("15000.0625"))
    assert (zhang.won.amount, zhang.lost.amount) == (D("500000"), D("20000"))
    assert [g["key"] for g in report.json()["groups"]] == ["wang.fang", "zhang.wei"]


def test_funnel__by_quarter_puts_deals_without_a_date_last(snap: Snapshot) -> None:
    report = funnel(snap, "en", by="quarter")
    assert [g.key for g in report.groups] == ["2026-Q1", "2026-Q2", "2026-Q3", "2027-Q1", None]
    undated = report.groups[-1].block
    assert (undated.open.count, undated.open.amount, undated.lost.count) == (1, D("10000.125"), 2)  # P3; P5, P7


def test_forecast__periods_of_the_year_and_won_to_date(snap: Snapshot) -> None:
    report = forecast(snap, "en", HISTORY)
    periods = {p.period: (p.totals.count, p.totals.amount, p.totals.weighted) for p in report.periods}
    assert periods == {
        "overdue": (1, D("200000"), D("120000")),  # P2 was to close 2026-05-01
        "2026-Q1": (0, D(0), D(0)), "2026-Q2": (0, D(0), D(0)),
        "2026-Q3": (1, D("100000"), D("10000")),
        "2026-Q4": (0, D(0), D(0)),
        "later": (1, D("300000"), D("270000")),
        "none": (1, D("10000.125"), D("5000.0625")),
    }
    assert (report.won_to_date.count, report.won_to_date.amount) == (1, D("500000"))


def test_forecast__each_target_against_won_and_pipeline(snap: Snapshot) -> None:
    targets = {t.id: t for t in forecast(snap, "en", HISTORY).targets}
    assert list(targets) == ["east", "zhang.wei", "wang.fang"]  # 2025's target is not this year's
    east = targets["east"]
    assert (east.kind, east.label) == ("region", "East China")
    assert (east.target, east.won, east.pipeline, east.weighted) == (D(1000000), D(500000), D("110000.125"),
                                                                     D("15000.0625"))
    assert (east.forecast, east.gap, east.gap_percent) == (D("515000.0625"), D(500000), D(50))
    assert east.coverage == D("0.22000025")
    zhang = targets["zhang.wei"]
    assert (zhang.gap, zhang.coverage) == (D(100000), D("1.10000125"))
    # P6 closes next year, so only P2 is this year's pipeline
    wang = targets["wang.fang"]
    assert (wang.won, wang.pipeline, wang.weighted, wang.gap, wang.coverage) == (D(0), D(200000), D(120000),
                                                                                 D(400000), D("0.5"))
    assert forecast(snap, "en", HISTORY).json()["targets"][1]["gap_percent"] == "16.7"
    assert forecast(snap, "en", HISTORY).json()["targets"][0]["coverage"] == "0.22"


def test_forecast__by_month(snap: Snapshot) -> None:
    report = forecast(snap, "en", HISTORY, period="month")
    periods = {p.period: p.totals.amount for p in report.periods if p.totals.count}
    assert periods == {"overdue": D(200000), "2026-08": D(100000), "later": D(300000), "none": D("10000.125")}
    assert len(report.periods) == 15


def test_conversion__rates_per_stage_from_the_moves(snap: Snapshot) -> None:
    report = conversion(snap, "en", HISTORY)
    rows = {s.stage: (s.entered, s.moved_on, s.won, s.lost) for s in report.stages}
    assert rows == {
        "prospecting": (4, 3, 1, 1),  # P1 P2 P4 P5 entered; P4 won, P5 lost
        "entry": (3, 2, 1, 1),  # P5 went from entry to lost: not moved on
        "proposal": (3, 1, 1, 0),  # P3 with no history counts where its file says it is
        "bidding": (1, 1, 1, 0),
        "negotiation": (2, 1, 1, 0),  # the move of P2 on 2026-07-02 is after the day
    }
    prospecting, entry = report.stages[0], report.stages[1]
    assert (prospecting.moved_on_percent, prospecting.win_rate, prospecting.decided) == (D(75), D(50), 2)
    assert entry.moved_on_percent == D(200) / D(3)
    data = report.json()["stages"]
    assert [(s["moved_on_percent"], s["win_rate"], s["probability"]) for s in data] == [
        ("75.0", "50.0", "10.0"), ("66.7", "50.0", "25.0"), ("33.3", "100.0", "50.0"), ("100.0", "100.0", "75.0"),
        ("50.0", "100.0", "90.0")]


def test_conversion__lost_reasons_by_amount(snap: Snapshot) -> None:
    report = conversion(snap, "en", HISTORY)
    assert [(r.reason, r.totals.count, r.totals.amount) for r in report.lost_reasons] == [
        ("price", 1, D(80000)), (None, 1, D(20000))]
    assert report.json()["lost_reasons"][1] == {"reason": None, "label": "—", "count": 1, "amount": "20000.00"}
    assert report.json()["history_incomplete"] is False


def test_aging__days_in_stage_untouched_and_stalled(snap: Snapshot) -> None:
    report = aging(snap, "en", HISTORY)
    assert [(d.project, d.days_in_stage, d.days_untouched, d.stale) for d in report.open] == [
        ("P1", 171, 60, True),  # entered prospecting 2026-01-10, last touched 2026-05-01
        ("P2", 121, 10, False),  # entered proposal 2026-03-01
        ("P6", None, 5, False),
        ("P3", None, None, False),
    ]
    assert [d.project for d in report.stalled] == ["P1"]
    assert report.open[0].last_touched == dt.date(2026, 5, 1)
    assert [d.project for d in stalled(snap, "en", HISTORY).stalled] == ["P1"]


def test_aging__velocity_of_won_deals(snap: Snapshot) -> None:
    velocity = {v.stage: (len(v.days), v.average) for v in aging(snap, "en", HISTORY).velocity}
    assert velocity == {"prospecting": (1, D(30)), "entry": (1, D(45)), "proposal": (1, D(31)),
                        "bidding": (1, D(23)), "negotiation": (1, D(31))}
    assert aging(snap, "en", HISTORY).json()["velocity"][1]["average_days"] == "45.0"


def test_reps__ranked_by_won_with_win_rate_and_target(snap: Snapshot) -> None:
    report = reps(snap, HISTORY, {"wang.fang": 2})
    zhang, wang = report.reps
    assert (zhang.rank, zhang.rep, zhang.won_count, zhang.won, zhang.lost_count) == (1, "zhang.wei", 1, D(500000), 1)
    assert (zhang.pipeline, zhang.weighted, zhang.win_rate) == (D("110000.125"), D("15000.0625"), D(50))
    assert (zhang.target, zhang.visits, zhang.new_customers) == (D(600000), 1, 0)  # 2025 and July visits left out
    assert zhang.achieved == D(500000) * 100 / D(600000)
    assert (wang.rank, wang.won, wang.pipeline, wang.weighted, wang.win_rate) == (2, D(0), D(500000), D(390000), D(0))
    assert (wang.new_customers, wang.achieved) == (2, D(0))
    assert report.json()["reps"][0] == {
        "rep": "zhang.wei", "name": "Zhang Wei", "region": "east", "won_count": 1, "won": "500000.00",
        "pipeline": "110000.13", "weighted": "15000.06", "win_rate": "50.0", "new_customers": 0, "visits": 1,
        "target": "600000.00", "achieved": "83.3", "rank": 1}


def test_receivables__buckets_by_days_overdue(snap: Snapshot) -> None:
    report = receivables(snap)
    assert report.received_this_year == D(200000)  # 150,000 in full and 50,000 of 200,000
    c1, c2 = report.by_customer
    # not_due, 0-30, 31-60, 61-90, over 90
    assert (c1.key, c1.label, c1.columns) == ("C1", "East Steel", (D(50000), D(150000), D(0), D(0), D(100000)))
    assert (c1.outstanding, c1.overdue) == (D(300000), D(250000))
    assert (c2.key, c2.columns, c2.overdue) == ("C2", (D(0), D(0), D(0), D(40000), D(0)), D(40000))
    assert [(b.key, b.label, b.overdue) for b in report.by_owner] == [("zhang.wei", "Zhang Wei", D(250000)),
                                                                        ("wang.fang", "Wang Fang", D(40000))]
    assert [(p.project, p.days_overdue, p.outstanding) for p in report.overdue] == [
        ("P4", 121, D(100000)), ("P2", 66, D(40000)), ("P4", 30, D(150000))]


def test_changes__moves_after_the_day_and_weighted_change(snap: Snapshot) -> None:
    after = weighted_open_pipeline(snap)
    assert after == D("405000.0625")
    report = changes(snap, "en", HISTORY, dt.date(2026, 3, 31), D(300000), after)
    assert [(c.kind, c.project) for c in report.changes] == [("won", "P4"), ("pushed", "P1"), ("lost", "P5")]
    assert report.counts == {"new": 0, "forward": 0, "back": 0, "won": 1, "lost": 1, "reopened": 0, "pushed": 1}
    assert report.json()["weighted_pipeline"] == {"before": "300000.00", "after": "405000.06", "change": "105000.06"}
    assert (report.changes[1].source_label, report.changes[1].target_label) == ("2026-06-30", "2026-08-15")
    assert report.changes[0].target_label == "Implementation"


def test_reports_are_frozen(snap: Snapshot) -> None:
    report = funnel(snap, "en")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.by = "owner"  # type: ignore[misc]


def test_shallow_history__said_in_the_figures(snap: Snapshot) -> None:
    shallow = dataclasses.replace(HISTORY, shallow=True)
    assert forecast(snap, "en", HISTORY).json().get("history_incomplete") is None
    assert forecast(snap, "en", shallow).json()["history_incomplete"] is True
    assert list(reps(snap, shallow).json())[-1] == "history_incomplete"
    label = load_labels("en")
    assert aging(snap, "en", shallow).notes(label) == [label("incomplete_history")]


def test_registry__every_kind_builds_from_inputs(snap: Snapshot) -> None:
    assert KINDS == ("funnel", "forecast", "conversion", "aging", "stalled", "reps", "receivables", "changes",
                     "service", "risks", "week", "kpi", "expenses", "sources")
    assert PAGE == ("funnel", "forecast", "conversion", "aging", "reps", "receivables", "risks")
    inputs = Inputs("en", HISTORY, since=dt.date(2026, 3, 31), weighted_before=D(300000))
    for name in KINDS:
        assert REPORTS[name].build(snap, inputs).kind == name
    assert not REPORTS["funnel"].reads_history and REPORTS["conversion"].reads_history


def test_render__tables_and_csv_come_from_the_same_figures(snap: Snapshot) -> None:
    label = load_labels("en")
    report = funnel(snap, "en")
    csv = render.as_csv(report, label).splitlines()
    assert csv[0] == "group,stage,label,count,amount,weighted"
    assert csv[3] == ",proposal,Proposal,2,210000.13,125000.06"
    assert csv[-2:] == [",won,,1,500000.00,", ",lost,,2,100000.00,"]
    text = render.text([report], label)
    assert "210,000.13" in text and "405,000.06" in text
    receivable_csv = render.as_csv(receivables(snap), label).splitlines()
    assert receivable_csv[1] == "East Steel,50000.00,150000.00,0.00,0.00,100000.00,300000.00"
