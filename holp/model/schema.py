"""JSON Schemas (draft 2020-12) of holp's files: exactly what `holp validate` accepts for one file.

Customers and projects are derived from their records in `holp.model.records`
(one declaration gives the record, its reading and its schema); the project
schema is built from the process (stage ids, checklist items,
lost reasons, business lines and evaluation criteria come from holp.yaml), so
an editor completes the team's own stages. Cross-file rules (a customer that
exists, an owner in team.yaml, unique ids) are not a single file's business
and live in `validate`.
"""

from __future__ import annotations

from typing import Any

from holp.model.fields import schema_of
from holp.model.process import Process
from holp.model.records import ID, ID_PATTERN, LOST, MAX_MONEY, MONEY, MONEY_KEYS, TEXT, Customer, Project
from holp.vocabulary import KPI_KINDS, TEAM_ROLES

__all__ = ["ID_PATTERN", "KINDS", "MAX_MONEY", "MONEY_KEYS", "schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("project", "customer", "team", "config")

_ID, _TEXT, _MONEY = ID, TEXT, MONEY
_EMAIL = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"}
_EXTENSIONS: dict[str, Any] = {"^x[-_]": {}}  # x_anything: a team's own fields


def _object(properties: dict[str, Any], required: tuple[str, ...] = (), *,
            extensions: bool = False, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if extensions:
        schema["patternProperties"] = _EXTENSIONS
    schema.update(extra)
    return schema


def _document(kind: str, title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": f"https://holp.dev/schema/{kind}.schema.json", "title": title, **body}


_LABEL = _object({"zh": _TEXT, "en": _TEXT}, ("zh", "en"))
_CHOICES = {
    "type": "array",
    "items": {"anyOf": [_ID, _object({"id": _ID, "label": _LABEL}, ("id",))]},
}


def customer_schema(process: Process) -> dict[str, Any]:
    return _document("customer", "holp customer", schema_of(Customer, process, extensions=True))


def project_schema(process: Process) -> dict[str, Any]:
    return _document("project", "holp project", schema_of(Project, process, extensions=True, allOf=[{
        "if": {"properties": {"stage": {"const": LOST}}, "required": ["stage"]},
        "then": {"required": ["lost"]},
    }]))


def _period_amounts() -> dict[str, Any]:
    """Targets and budgets: an amount for a year, or a quarter or a month of it, of one region or one rep."""
    return {"type": "array", "items": _object(
        {"year": {"type": "integer", "minimum": 2000, "maximum": 2100},
         "quarter": {"type": "integer", "minimum": 1, "maximum": 4},
         "month": {"type": "integer", "minimum": 1, "maximum": 12},
         "region": _ID, "rep": _ID, "amount": _MONEY},
        ("year", "amount"),
        oneOf=[{"required": ["region"]}, {"required": ["rep"]}],
    ) | {"not": {"required": ["quarter", "month"]}}}  # a month or a quarter, not both


def team_schema() -> dict[str, Any]:
    return _document("team", "holp team", _object(
        {
            "regions": {"type": "array", "items": _object(
                {"id": _ID, "label": _LABEL, "manager": _ID},
                ("id", "label"),
            )},
            "reps": {"type": "array", "items": _object(
                {
                    "id": _ID,
                    "name": _TEXT,
                    "email": _EMAIL,
                    "emails": {"type": "array", "items": _EMAIL},
                    "region": _ID,
                    "role": {"enum": list(TEAM_ROLES)},
                    "handle": {"type": "string", "pattern": r"^@?[A-Za-z0-9][A-Za-z0-9_./-]*(?![\s\S])"},
                },
                ("id", "name", "email"),
            )},
            "targets": _period_amounts(),
            "expense_budgets": _period_amounts(),
        },
        ("regions", "reps"),
    ))


def config_schema() -> dict[str, Any]:
    item = _object({"id": _ID, "text": _LABEL, "evidence": _TEXT}, ("id", "text"))
    stage = _object(
        {
            "id": _ID,
            "label": _LABEL,
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
            "key_node": _LABEL,
            "checklist": {"type": "array", "items": item},
        },
        ("id", "label", "probability"),
    )
    group = _object({
        "id": _ID,
        "label": _LABEL,
        "criteria": {"type": "array", "minItems": 1, "items": _object({"id": _ID, "label": _LABEL}, ("id", "label"))},
    }, ("id", "label", "criteria"))
    return _document("config", "holp process (holp.yaml)", _object(
        {
            "holp": {"const": 1},
            "company": {"type": "string"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "language": {"enum": ["zh", "en"]},
            "stale_after_days": {"type": "integer", "minimum": 1},
            "won_from": _ID,
            "lost_label": _LABEL,
            "lost_reasons": {**_CHOICES, "minItems": 1},
            "business_lines": _CHOICES,
            "stages": {"type": "array", "minItems": 1, "items": stage},
            "risk_kinds": _CHOICES,
            "risk_review_days": {"type": "integer", "minimum": 1},
            "revisit_every_days": {"type": "integer", "minimum": 1},
            "sources": _CHOICES,
            "display_unit": {"enum": ["元", "万元", "亿元", "K", "M"]},
            "repository_url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
            "kpis": {"type": "array", "minItems": 1, "items": _object({
                "id": {"enum": list(KPI_KINDS)},
                "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "target": {"type": "number", "exclusiveMinimum": 0},
            }, ("id", "weight"))},
            "expense_approval": {"type": "array", "items": _object({
                "above": {"type": "number", "minimum": 0, "maximum": MAX_MONEY},
                "role": {"enum": ["manager", "director"]},  # a region's manager (or a director), or a director
            }, ("above", "role"))},
            "credit_terms": {"type": "array", "items": _object({
                "credit": {"type": "string", "minLength": 1},
                "min_advance": {"type": "number", "minimum": 0, "maximum": 1},
                "guarantee_instead": {"type": "boolean"},
            }, ("credit",))},
            "assessment": _object({
                "grades": _object({"high": {"type": "integer", "minimum": 0},
                                   "medium": {"type": "integer", "minimum": 0}}, ("high", "medium")),
                "groups": {"type": "array", "items": group},
            }),
        },
        ("holp", "won_from", "lost_reasons", "stages"),
    ))


def schema(kind: str, process: Process) -> dict[str, Any]:
    if kind == "project":
        return project_schema(process)
    if kind == "customer":
        return customer_schema(process)
    if kind == "team":
        return team_schema()
    if kind == "config":
        return config_schema()
    raise ValueError(kind)
