"""Terminal output: aligned tables (Chinese counts two columns) and money."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Rounded once, half up, to two places, whatever the size (no 28-digit context limit)."""
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + 4)
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    """Two places, half up, thousands separated: 3,200,000.00."""
    if value is None:
        return ""
    return f"{cents(value):,.2f}"


def money_plain(value: Decimal) -> str:
    """The JSON contract's form: a decimal string with two places, half up, no separators."""
    return str(cents(value))


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
