"""Targets by year, quarter or month (team.yaml), and the report options a kind takes."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result

from holp.model import PeriodAmount, Team, build_team

D = Decimal


def _team(*targets: str) -> str:
    return "regions:\n  - {id: east, label: {zh: 华东, en: East}, manager: li.na}\nreps:\n" \
           "  - {id: li.na, name: 李娜, email: li.na@example.com, region: east, role: manager}\n" \
           "  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, region: east}\n" \
           "  - {id: chen.gong, name: 陈工, email: chen.gong@example.com, region: east, role: engineer}\n" \
           "targets:\n" + "".join(f"  - {t}\n" for t in targets)


def _targets(*entries: dict[str, object]) -> Team:
    return build_team({"reps": [{"id": "zhang.wei"}], "targets": list(entries)})


def test_a_year_alone_splits_evenly_into_quarters_and_months_and_says_so() -> None:
    team = _targets({"year": 2026, "rep": "zhang.wei", "amount": 12000000})
    assert team.target(2026, rep="zhang.wei") == PeriodAmount(D(12000000))
    assert team.target(2026, rep="zhang.wei", quarter=4) == PeriodAmount(D(3000000), split=True)
    assert team.target(2026, rep="zhang.wei", month=11) == PeriodAmount(D(1000000), split=True)
    assert team.target(2027, rep="zhang.wei") is None
    assert team.target(2026, region="east") is None


def test_a_written_quarter_wins_and_its_months_are_thirds_of_it() -> None:
    team = _targets({"year": 2026, "rep": "zhang.wei", "amount": 12000000},
                    {"year": 2026, "quarter": 4, "rep": "zhang.wei", "amount": 4500000})
    assert team.target(2026, rep="zhang.wei", quarter=4) == PeriodAmount(D(4500000))
    assert team.target(2026, rep="zhang.wei", month=12) == PeriodAmount(D(1500000), split=True)
    assert team.target(2026, rep="zhang.wei", quarter=1) == PeriodAmount(D(3000000), split=True)
    assert team.target(2026, rep="zhang.wei") == PeriodAmount(D(12000000))  # the year as written


def test_a_year_without_an_entry_is_the_sum_of_its_quarters_and_months() -> None:
    team = _targets({"year": 2026, "quarter": 3, "rep": "zhang.wei", "amount": 2000000},
                    {"year": 2026, "month": 10, "rep": "zhang.wei", "amount": 700000},
                    {"year": 2026, "month": 11, "rep": "zhang.wei", "amount": D("800000.50")})
    assert team.target(2026, rep="zhang.wei", quarter=4) == PeriodAmount(D("1500000.50"))
    assert team.target(2026, rep="zhang.wei", month=12) is None
    assert team.target(2026, rep="zhang.wei") == PeriodAmount(D("3500000.50"))


def test_forecast_counts_a_subject_once_whatever_its_quarters(
        repo: Path, holp: Callable[..., Result]) -> None:
    (repo / "team.yaml").write_text(_team(
        "{year: 2026, rep: zhang.wei, amount: 12000000}",
        "{year: 2026, quarter: 4, rep: zhang.wei, amount: 4000000}",
        "{year: 2026, quarter: 1, region: east, amount: 5000000}",
        "{year: 2026, quarter: 2, region: east, amount: 5000000}"), encoding="utf-8")
    result = holp("report", "forecast", "--format", "json")
    assert result.exit_code == 0, result.output
    targets = [(t["kind"], t["id"], t["target"]) for t in json.loads(result.output)["targets"]]
    assert targets == [("rep", "zhang.wei", "12000000.00"), ("region", "east", "10000000.00")]


def test_an_engineer_is_left_out_of_the_rep_ranking(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / "team.yaml").write_text(_team("{year: 2026, rep: zhang.wei, amount: 12000000}"), encoding="utf-8")
    result = holp("report", "reps", "--format", "json")
    ids = [r["rep"] for r in json.loads(result.output)["reps"]]
    assert "chen.gong" not in ids and "zhang.wei" in ids and "li.na" in ids


@pytest.mark.parametrize(("args", "message"), [
    (("report", "funnel", "--owner", "zhang.wei"), "holp: --owner: report funnel does not take it\n"),
    (("report", "aging", "--week", "2026-W48"), "holp: --week: report aging does not take it\n"),
    (("report", "forecast", "--period", "year"), "holp: report forecast buckets by quarter or month, not by year\n"),
])
def test_a_report_refuses_an_option_it_does_not_read(repo: Path, holp: Callable[..., Result], args: tuple[str, ...],
                                                     message: str) -> None:
    result = holp(*args)
    assert (result.exit_code, result.output) == (2, message)
