"""One way to read a value of a file as a type: lenient, never raising.

The builders of `holp.model` take data that may not have passed the schema
(reports and history read whatever is committed), so a value of the wrong
type reads as missing here and is reported by validation, never guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def text(value: Any) -> str | None:
    """A string as it is; a number as its decimal text; anything else (bool, list, mapping, None) is missing."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return None


def texts(value: Any) -> tuple[str, ...]:
    """One text or a list of them (``by: zhang.wei`` or ``by: [zhang.wei, li.na]``)."""
    values = value if isinstance(value, list) else [value]
    return tuple(found for v in values if (found := text(v)) is not None)


def flag(value: Any) -> bool | None:
    """true or false as written (YAML's booleans); anything else reads as missing."""
    return value if isinstance(value, bool) else None


def iso(day: dt.date | None) -> str | None:
    """A date as ISO 8601 text, or None: how dates leave holp in JSON, CSV and the cache."""
    return day.isoformat() if day else None


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def decimal(value: Any) -> Decimal | None:
    """An exact, finite number (money, a probability); a bool or a non-finite value is missing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


MAX_MONEY = 10**15  # a quadrillion is a typo, not a deal


def money(value: Any) -> Decimal | None:
    """An amount: a number from 0 to MAX_MONEY (what the schema accepts); anything else is missing."""
    found = decimal(value)
    return found if found is not None and 0 <= found <= MAX_MONEY else None


def fraction(value: Any) -> Decimal | None:
    """A probability: a number from 0 to 1; anything else is missing."""
    found = decimal(value)
    return found if found is not None and 0 <= found <= 1 else None


def decimal_text(value: str | None) -> Decimal | None:
    """A number kept as text (in the cache, in a summary) back as an exact, finite Decimal."""
    if value is None:
        return None
    try:
        return decimal(Decimal(value))
    except ArithmeticError:
        return None


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def date(value: Any) -> dt.date | None:
    """A calendar date written YYYY-MM-DD (not a week date like 2026-W05-2, which Python would also read)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"  # as JSON Schema searches it (the schema of dates and ticks uses it)


def tick(value: Any) -> str | None:
    """A manual checklist tick: a date or a short note. Blank text, and text written as a date that is no day
    (2026-02-30, quoted or not), are no tick: a reviewer must never read a made-up date as evidence."""
    if not isinstance(value, str) or not value.strip():
        return None
    if re.search(DATE_PATTERN, value) and date(value) is None:
        return None
    return value


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def line(value: Any) -> int:
    """The 1-based line a mapping or list of a file starts on (0 when it was not read from a file)."""
    found = getattr(value, "line", 0)
    return found if isinstance(found, int) else 0
