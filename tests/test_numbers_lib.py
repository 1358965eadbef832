"""Pipeline arithmetic, money rounding, dates given on the command line and CODEOWNERS: in memory, exact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from conftest import TEAM
from holp import yaml
from holp.clock import date_option, today
from holp.codeowners import BEGIN, END, HEADER, merged, render
from holp.errors import USAGE, HolpError
from holp.model import Summary, Team, build_team
from holp.output import cents, money, money_plain, table
from holp.pipeline import open_weighted, probability, weighted
from holp.repo import default_process

PROCESS = default_process()


@dataclass(frozen=True)
class Deal:
    stage: str | None
    amount: Decimal | None
    probability: Decimal | None = None


# -- pipeline ------------------------------------------------------------------------------


def test_weighted__amount_times_the_stage_probability_exactly() -> None:
    assert weighted(PROCESS, Deal("entry", Decimal("1234567.89"))) == Decimal("308641.9725")
    assert weighted(PROCESS, Deal("implementation", Decimal("100"))) == Decimal("100.0")


def test_weighted__own_probability_wins_even_when_zero() -> None:
    assert probability(PROCESS, Deal("entry", Decimal(100), Decimal("0.6"))) == Decimal("0.6")
    assert weighted(PROCESS, Deal("entry", Decimal(100), Decimal(0))) == 0


def test_weighted__lost_unknown_and_missing_count_nothing() -> None:
    assert [weighted(PROCESS, d) for d in (Deal("lost", Decimal(5)), Deal("nowhere", Decimal(5)),
                                           Deal(None, Decimal(5)), Deal("entry", None))] == [0, 0, 0, 0]


def test_open_weighted__only_open_stages_with_numbers_read_from_text() -> None:
    summaries = [Summary("a", "entry", "100", None), Summary("b", "implementation", "100", None),
                 Summary("c", "proposal", "3.33", None, "0.333"), Summary("d", None, "5", None),
                 Summary("e", "lost", "5", None), Summary("f", "entry", "abc", None),
                 Summary("g", "bidding", "NaN", None)]
    assert open_weighted(PROCESS, summaries) == Decimal("26.10889")
    assert open_weighted(PROCESS, []) == 0


# -- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "rounded", "shown"), [
    ("0.005", "0.01", "0.01"),
    ("0.015", "0.02", "0.02"),
    ("2.675", "2.68", "2.68"),
    ("-0.005", "-0.01", "-0.01"),
    ("-1234.565", "-1234.57", "-1,234.57"),
    ("0.004999", "0.00", "0.00"),
    ("3200000", "3200000.00", "3,200,000.00"),
    ("1E+3", "1000.00", "1,000.00"),
    ("123456789012345678901234567890.125", "123456789012345678901234567890.13",
     "123,456,789,012,345,678,901,234,567,890.13"),
])
def test_money__half_up_once_at_two_places_whatever_the_size(value: str, rounded: str, shown: str) -> None:
    assert (str(cents(Decimal(value))), money(Decimal(value)), money_plain(Decimal(value))) == (rounded, shown,
                                                                                                 rounded)


def test_money__nothing_is_an_empty_cell() -> None:
    assert money(None) == ""


def test_table__chinese_counts_two_columns_and_none_is_blank() -> None:
    assert table([["甲", 1, None], ["longer", "x", "y"]], ["名", "n", "m"], ["left", "right", "left"]) == (
        "名        n  m\n"
        "------  ---  ---\n"
        "甲        1\n"
        "longer    x  y")
    assert table([["Stage", "entry"], ["金额", "3,200,000.00"]]) == "Stage  entry\n金额   3,200,000.00"


# -- clock ---------------------------------------------------------------------------------


def test_date_option__an_iso_date() -> None:
    assert date_option("2028-02-29", "--since") == dt.date(2028, 2, 29)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-2-3", "20260203", "2026-02-28T00", " 2026-02-28", "", "昨天"])
def test_date_option__refuses_anything_else_naming_the_option(text: str) -> None:
    with pytest.raises(HolpError) as raised:
        date_option(text, "--since")
    assert (raised.value.message, raised.value.exit_code) == (
        f"--since {text}: not a real date written YYYY-MM-DD", USAGE)


def test_date_option__refuses_an_iso_week_date() -> None:
    with pytest.raises(HolpError):
        date_option("2026-W05-2", "--as-of")


def test_today__from_holp_today_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert today() == dt.date(2026, 11, 24)  # the autouse fixture sets HOLP_TODAY
    monkeypatch.setenv("HOLP_TODAY", "2026-13-01")
    with pytest.raises(HolpError) as raised:
        today()
    assert raised.value.message == "HOLP_TODAY 2026-13-01: not a real date written YYYY-MM-DD"


# -- codeowners ----------------------------------------------------------------------------


def team(text: str) -> Team:
    return build_team(yaml.read("team.yaml", text.encode("utf-8")).tree)


def test_codeowners_render__managers_own_their_regions_in_a_subfolder() -> None:
    text, warnings = render(team(TEAM), "sales/")
    assert warnings == []
    assert text == BEGIN + "\n" + HEADER + "\n" + "\n".join([
        "# the process and the team",
        "/sales/holp.yaml @li-na",
        "/sales/team.yaml @li-na",
        "/sales/templates/ @li-na",
        "/.github/ @li-na",  # CI's folder is the git root's, wherever the sales files are
        "/sales/tools/ @li-na",
        "/sales/.pre-commit-config.yaml @li-na",
        "# 华东 / East China",
        "/sales/customers/east/ @li-na",
        "/sales/projects/east/ @li-na",
        "# 华北 / North China",
        "/sales/customers/north/ @li-na",
        "/sales/projects/north/ @li-na",
        END]) + "\n"


def test_codeowners_render__the_top_folder_and_a_dot_are_the_root() -> None:
    at_top, _ = render(team(TEAM), "")
    assert render(team(TEAM), ".")[0] == at_top
    assert "\n/holp.yaml @li-na\n" in at_top and "\n/projects/north/ @li-na\n" in at_top


def test_codeowners_render__directors_own_the_process_and_handles_keep_their_at() -> None:
    boss = "  - {id: boss, name: 老板, email: boss@example.com, role: director, handle: boss}\n"
    text = TEAM.replace("handle: li-na", 'handle: "@org/li-na"').replace("targets:\n", boss + "targets:\n")
    rendered, _ = render(team(text), "")
    lines = rendered.splitlines()
    assert lines[lines.index("# the process and the team") + 1:] == [
        "/holp.yaml @boss", "/team.yaml @boss", "/templates/ @boss", "/.github/ @boss", "/tools/ @boss",
        "/.pre-commit-config.yaml @boss",
        "# 华东 / East China", "/customers/east/ @org/li-na", "/projects/east/ @org/li-na",
        "# 华北 / North China", "/customers/north/ @org/li-na", "/projects/north/ @org/li-na", END]


def test_codeowners_render__a_region_nobody_can_review_is_a_warning() -> None:
    lonely = build_team({"regions": [{"id": "east", "label": {"zh": "华东", "en": "East"}}], "reps": []})
    assert render(lonely, "") == (BEGIN + "\n" + HEADER + "\n" + END + "\n", [
        "region east: its manager has no handle in team.yaml, so nobody is asked to review it"])


def test_codeowners_merged__replaces_its_block_and_keeps_other_lines() -> None:
    current = f"* @all\r\n{BEGIN}\r\nold\r\n{END}\r\n/docs @d\n"
    assert merged(current, "BLOCK\n") == "* @all\r\nBLOCK\n/docs @d\n"


def test_codeowners_merged__appends_after_a_blank_line_or_starts_the_file() -> None:
    assert merged(None, "BLOCK\n") == merged("", "BLOCK\n") == "BLOCK\n"
    assert merged("* @all\n", "BLOCK\n") == merged("* @all", "BLOCK\n") == "* @all\n\nBLOCK\n"
    assert merged(f"{END}\n{BEGIN}\nx\n", "BLOCK\n") == f"{END}\n{BEGIN}\nx\n\nBLOCK\n"  # no end after the begin
