"""What day it is: today, or HOLP_TODAY (YYYY-MM-DD) for reproducible runs in CI, tests and the demo."""

from __future__ import annotations

import datetime as dt
import os

from holp.errors import HolpError


def today() -> dt.date:
    fixed = os.environ.get("HOLP_TODAY")
    if not fixed:
        return dt.date.today()
    try:
        if len(fixed) == 10:
            return dt.date.fromisoformat(fixed)
    except ValueError:
        pass
    raise HolpError(f"HOLP_TODAY={fixed} is not a real date written YYYY-MM-DD")
