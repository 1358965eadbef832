"""What day it is (today, or HOLP_TODAY for reproducible runs), and dates given on the command line."""

from __future__ import annotations

import datetime as dt
import os

from holp.errors import HolpError
from holp.model import as_date

LAST_DAY = dt.date(2999, 12, 31)  # a later day on the command line is a typo (and periods after it overflow)


def date_option(text: str, option: str) -> dt.date:
    """A date given on the command line, YYYY-MM-DD, or a usage error naming where it came from."""
    day = as_date(text)
    if day is None:
        raise HolpError(f"{option} {text}: not a real date written YYYY-MM-DD")
    return within_reach(day, option, text)


def within_reach(day: dt.date, option: str, text: str) -> dt.date:
    """``day`` when it is no later than LAST_DAY, else a usage error: holp counts periods and days after it."""
    if day > LAST_DAY:
        raise HolpError(f"{option} {text}: after {LAST_DAY}, surely a typo")
    return day


def date_or_today(text: str | None, option: str = "--date") -> dt.date:
    """A date option's day, or today when the option was left out (an empty one is an error, not today)."""
    return today() if text is None else date_option(text, option)


def today() -> dt.date:
    """Today, or HOLP_TODAY (YYYY-MM-DD) for reproducible runs in CI, tests and the demo."""
    fixed = os.environ.get("HOLP_TODAY")
    return date_option(fixed, "HOLP_TODAY") if fixed else dt.date.today()
