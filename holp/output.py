"""Terminal output: aligned tables (Chinese counts two columns) and money."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    """Two places, half up, thousands separated: 3,200,000.00."""
    if value is None:
        return ""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def money_plain(value: Decimal) -> str:
    """The JSON contract's form: a decimal string with two places, half up, no separators."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = (), align: Sequence[str] | None = None) -> str:
    """Rows under headers; without headers, a borderless two-column list of facts."""
    import tabulate

    tabulate.PRESERVE_WHITESPACE = False
    tabulate.WIDE_CHARS_MODE = True  # wcwidth: a Chinese character takes two columns
    return tabulate.tabulate(
        [["" if c is None else c for c in row] for row in rows],
        headers=list(headers),
        tablefmt="simple" if headers else "plain",
        colalign=list(align) if align else None,
        disable_numparse=True,
    )
