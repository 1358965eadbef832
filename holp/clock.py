"""What day it is (today, or HOLP_TODAY for reproducible runs), and dates given on the command line."""

from __future__ import annotations

import datetime as dt
import os

from holp.errors import HolpError
from holp.model import as_date


def date_option(text: str, option: str) -> dt.date:
    """A date given on the command line, YYYY-MM-DD, or a usage error naming where it came from."""
    day = as_date(text)
    if day is None:
        raise HolpError(f"{option} {text}: not a real date written YYYY-MM-DD")
    return day


def today() -> dt.date:
    """Today, or HOLP_TODAY (YYYY-MM-DD) for reproducible runs in CI, tests and the demo."""
    fixed = os.environ.get("HOLP_TODAY")
    return date_option(fixed, "HOLP_TODAY") if fixed else dt.date.today()
