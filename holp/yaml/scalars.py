"""What a plain scalar means under holp's rules: YAML 1.2 core, exact Decimal numbers, bounded before work.

Pure Python, no YAML library: `holp.yaml` reads with it, `holp.yaml.write`
writes by it, so what holp writes always reads back as what it meant.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DIGITS = 40
MAX_EXPONENT = 40  # numbers stay between 1e-40 and 1e40 in size
_NULL = frozenset(["", "~", "null", "Null", "NULL"])
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"([-+]?)\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")
_MAYBE_TYPED = frozenset("0123456789-+.~nNtTfF")


class BadNumber:
    """A number holp refuses to read, and why (completing "amount ...")."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def resolve_plain(value: str) -> Any:
    """What a plain (unquoted) scalar means under holp's rules (YAML 1.2 core, Decimal numbers).

    A number out of holp's bounds (`resolve`) means None: nothing downstream computes with it.
    """
    resolved = resolve(value)
    return None if type(resolved) is BadNumber else resolved


def resolve(value: str) -> Any:
    if not value or value[0] in _MAYBE_TYPED:
        if value in _NULL:
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.match(value):
            return _integer(value, value.lstrip("+-"), 10)
        if _OCT.match(value):
            return _integer(value, value[2:], 8)
        if _HEX.match(value):
            return _integer(value, value[2:], 16)
        if _FLOAT.match(value):
            return _decimal(value)
        if _INF.match(value) or _NAN.match(value):
            return BadNumber(f"is {value}: write a finite number")
    return value


# Bounds on the text, before any conversion: int() refuses more than 4300 digits, and a Decimal
# with a huge exponent turns arithmetic and formatting downstream into work without end.
_TOO_MANY_DIGITS = ("has {} digits: holp reads numbers of up to " + str(MAX_DIGITS) +
                    " digits; write the number with fewer digits, or quote it if it is text")
_OUT_OF_RANGE = ("is {}, out of range: holp reads numbers between 1e-" + str(MAX_EXPONENT) + " and 1e" +
                 str(MAX_EXPONENT) + " in size; write it out (e.g. 3200000), or quote it if it is text")


def _integer(value: str, digits: str, base: int) -> Any:
    significant = digits.lstrip("0")
    if len(significant) > MAX_DIGITS:
        return BadNumber(_TOO_MANY_DIGITS.format(len(significant)))
    number = int(significant or "0", base)
    if number >= 10**MAX_DIGITS:  # 40 hexadecimal digits are more than 40 decimal ones
        return BadNumber(_OUT_OF_RANGE.format(_shorten(value)))
    return -number if value.startswith("-") else number


def _decimal(value: str) -> Any:
    mantissa, _, exponent = value.lower().partition("e")
    whole, _, fraction = mantissa.lstrip("+-").partition(".")
    written = whole.lstrip("0") + fraction
    if len(written) > MAX_DIGITS:
        return BadNumber(_TOO_MANY_DIGITS.format(len(written)))
    if len(exponent.lstrip("+-").lstrip("0")) > 3:
        return BadNumber(_OUT_OF_RANGE.format(_shorten(value)))
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return value
    if not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        return BadNumber(_OUT_OF_RANGE.format(_shorten(value)))
    return number


def _shorten(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:20]}…{value[-10:]}"
