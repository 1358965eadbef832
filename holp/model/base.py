"""What every record is built from: the `Record` base, the JSON Schemas of plain values, and how each is read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from holp.inert import ID_PATTERN
from holp.model import coerce
from holp.model.fields import schema_of

MAX_MONEY = coerce.MAX_MONEY
MONEY_KEYS = frozenset(["amount", "received_amount", "savings_amount", "cost"])
QUANTITY_KEYS = frozenset(["savings_kwh", "payback_years"])  # exact numbers that are no money

ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
STRING: dict[str, Any] = {"type": "string"}
DATE: dict[str, Any] = {"type": "string", "pattern": coerce.DATE_PATTERN, "format": "date"}
# a tick is a note or a date; written as a date, it must be a real one
TICK: dict[str, Any] = {**TEXT, "if": {"pattern": coerce.DATE_PATTERN}, "then": {"format": "date"}}
MONEY: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": MAX_MONEY}
SCORE: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 5}
FLAG: dict[str, Any] = {"type": "boolean"}
QUANTITY: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": MAX_MONEY}
TEXTS: dict[str, Any] = {"type": "array", "items": TEXT}

text, texts, integer, money, date = coerce.text, coerce.texts, coerce.integer, coerce.money, coerce.date
flag, decimal = coerce.flag, coerce.decimal


def or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """A list or mapping a rep may leave empty by writing just its key (`visits:`)."""
    return {**schema, "type": [schema["type"], "null"]}


def array_of(cls: type, **options: Any) -> dict[str, Any]:
    return or_empty({"type": "array", "items": schema_of(cls, **options)})


def enum_of(values: tuple[str, ...]) -> dict[str, Any]:
    return {"enum": list(values)}


def strings(value: Any) -> Mapping[str, str]:
    return {k: v for k, v in coerce.mapping(value).items() if isinstance(v, str)}



@dataclass(frozen=True)
class Record:
    """What every record keeps besides its fields: the line its mapping starts on, a team's own keys (and keys
    holp does not know, which validation reports), and where a value was written but not as its type."""

    line: int = field(default=0, kw_only=True)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False, kw_only=True)
    invalid: tuple[tuple[str | int, ...], ...] = field(default=(), compare=False, repr=False, kw_only=True)
