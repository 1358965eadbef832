"""Money in the display unit (holp.yaml `display_unit`), and the page settings holp.yaml carries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from holp.display import display
from holp.model import build_process

D = Decimal


@pytest.mark.parametrize(("unit", "lang", "value", "shown"), [
    ("万元", "en", D("16009750"), "1,600.98 万元"),
    (None, "zh", D("16009750"), "1,600.98 万元"),  # a Chinese page reads 万元 by default
    (None, "en", D("16009750"), "16,009,750.00 CNY"),
    ("亿元", "zh", D("123456789"), "1.23 亿元"),
    ("元", "zh", D("0.005"), "0.01 元"),  # half up, once
    ("M", "en", D("-2500000"), "-2.50 M"),
    ("K", "en", D("999.5"), "1.00 K"),
    ("美元", "zh", D("5"), "0.00 万元"),  # not a unit holp knows: the language's default
])
def test_an_amount_in_the_display_unit(unit: str | None, lang: str, value: Decimal, shown: str) -> None:
    assert display(unit, lang, "CNY").with_unit(value) == shown


def test_yuan_is_no_unit_of_another_currency() -> None:
    assert display("元", "zh", "USD").with_unit(D("12.5")) == "12.50 USD"
    assert display("万元", "zh", "CNY").amount(None) == ""


@pytest.mark.parametrize(("url", "kept"), [
    ("https://github.com/holp/sales/", "https://github.com/holp/sales"),
    ("http://git.example.cn/sales", "http://git.example.cn/sales"),
    ("javascript:alert(1)", None),
    ("https://x.example/a b", None),
    ("", None),
])
def test_repository_url_is_an_http_address_or_nothing(url: str, kept: str | None) -> None:
    process = build_process({"repository_url": url, "display_unit": "万元"})
    assert (process.repository_url, process.display_unit) == (kept, "万元")
