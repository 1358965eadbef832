"""Money as a manager reads it on a page: in the display unit holp.yaml names (`display_unit`: 元, 万元, 亿元, K,
M), with thousands separators, rounded once, half up. Figures stay exact Decimals until here; JSON, CSV and
workbooks keep the currency's own unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

UNITS: dict[str, int] = {"元": 1, "万元": 10_000, "亿元": 100_000_000, "K": 1_000, "M": 1_000_000}
DEFAULT = {"zh": "万元"}  # a Chinese manager reads 万元; English pages keep the currency's unit


@dataclass(frozen=True)
class Display:
    """How an amount is shown: divided by ``scale`` and named ``unit`` ("万元"; the currency, "CNY", when 1)."""

    unit: str
    scale: int
    places: int

    def amount(self, value: Decimal | None) -> str:
        """``value`` in the unit with thousands separators: 1,234.57 (万元); empty for None."""
        if value is None:
            return ""
        step = Decimal(1).scaleb(-self.places)
        shown = (value / self.scale).quantize(step, rounding=ROUND_HALF_UP)
        return f"{shown:,.{self.places}f}"

    def with_unit(self, value: Decimal | None) -> str:
        return f"{self.amount(value)} {self.unit}" if value is not None else ""


def display(unit: str | None, lang: str, currency: str) -> Display:
    """The display of holp.yaml's ``display_unit`` (else the language's default) for amounts in ``currency``."""
    chosen = unit if unit in UNITS else DEFAULT.get(lang)
    if chosen is None or (chosen == "元" and currency != "CNY"):
        return Display(currency, 1, 2)
    scale = UNITS[chosen]
    return Display(chosen, scale, 2)
