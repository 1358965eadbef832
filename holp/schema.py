"""JSON Schemas (draft 2020-12) of holp's files: exactly what `holp validate` accepts for one file.

The project schema is built from the process (stage ids, checklist items,
lost reasons, business lines and evaluation criteria come from holp.yaml), so
an editor completes the team's own stages. Cross-file rules (a customer that
exists, an owner in team.yaml, unique ids) are not a single file's business
and live in `validate`.
"""

from __future__ import annotations

from typing import Any

from holp.model import LOST, Process

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?![\s\S])"  # not `$`: Python lets it match before a final newline
KINDS = ("project", "customer", "team", "config")

ROLES = ("decision_maker", "technical_gatekeeper", "business_gatekeeper", "coach", "user", "other")
STANCES = ("supporter", "neutral", "opponent", "unknown")
LEVELS = ("high", "medium", "low")
PERSONALITIES = ("tiger", "peacock", "owl", "koala")
TRENDS = ("up", "down", "same")
MONEY_KEYS = frozenset(["amount", "received_amount"])

_ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
_TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
_DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
MAX_MONEY = 10**15  # a quadrillion is a typo, not a deal
_MONEY: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": MAX_MONEY}
_SCORE: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 5}
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


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """A list or mapping a rep may leave empty by writing just its key (`visits:`)."""
    return {**schema, "type": [schema["type"], "null"]}


def _document(kind: str, title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": f"https://holp.dev/schema/{kind}.schema.json", "title": title, **body}


_LABEL = _object({"zh": _TEXT, "en": _TEXT}, ("zh", "en"))
_CHOICES = {
    "type": "array",
    "items": {"anyOf": [_ID, _object({"id": _ID, "label": _LABEL}, ("id",))]},
}

CONTACT = _object(
    {
        "name": _TEXT,
        "title": {"type": "string"},
        "department": {"type": "string"},
        "role": {"enum": list(ROLES)},
        "stance": {"enum": list(STANCES)},
        "influence": {"enum": list(LEVELS)},
        "personality": {"enum": list(PERSONALITIES)},
        "closeness": _SCORE,
        "trust": _SCORE,
        "phone": {"type": "string"},
        "email": {"type": "string"},
        "gender": {"type": "string"},
        "age": {"type": "integer", "minimum": 0, "maximum": 130},
        "birthday": {"type": "string"},
        "hometown": {"type": "string"},
        "education": {"type": "string"},
        "interests": {"type": "string"},
        "family": {"type": "string"},
        "background": {"type": "string"},
        "introduced_by": {"type": "string"},
        "influenced_by": {"type": "array", "items": _TEXT},
        "influences": {"type": "array", "items": _TEXT},
        "focus": {"type": "string"},
        "notes": {"type": "string"},
    },
    ("name",),
    extensions=True,
)


def customer_schema() -> dict[str, Any]:
    return _document("customer", "holp customer", _object(
        {
            "id": _ID,
            "name": _TEXT,
            "short_name": {"type": "string"},
            "industry": {"type": "string"},
            "region": _ID,
            "owner": _ID,
            "credit": {"type": "string"},
            "address": {"type": "string"},
            "website": {"type": "string"},
            "size": {"type": "string"},
            "overview": _or_empty({"type": "object", "additionalProperties": {"type": "string"}}),
            "contacts": _or_empty({"type": "array", "items": CONTACT}),
            "notes": {"type": "string"},
            "tags": {"type": "array", "items": _TEXT},
        },
        ("id", "name", "region", "owner"),
        extensions=True,
    ))


def _enum_or_text(ids: list[str]) -> dict[str, Any]:
    return {"enum": ids} if ids else _TEXT


def project_schema(process: Process) -> dict[str, Any]:
    stage_ids = list(process.stage_ids)
    checklist = _or_empty(_object({
        stage.id: _or_empty(_object({item.id: _TEXT for item in stage.checklist}))
        for stage in process.stages
    }))
    assessment_props: dict[str, Any] = {
        group.id: _object({c.id: _SCORE for c in group.criteria}) for group in process.assessment
    }
    assessment_props["notes"] = {"type": "object", "additionalProperties": {"type": "string"}}
    visit = _object(
        {
            "date": _DATE,
            "by": {"anyOf": [_ID, {"type": "array", "items": _ID, "minItems": 1}]},
            "met": {"type": "array", "items": _TEXT},
            "purpose": {"type": "string"},
            "findings": _object({
                "policy": {"type": "string"},
                "personnel": {"type": "string"},
                "needs": {"type": "string"},
                "activities": {"type": "string"},
            }, extensions=True),
            "changes": {"type": "array", "items": _object(
                {"contact": _TEXT, "closeness": {"enum": list(TRENDS)}, "trust": {"enum": list(TRENDS)}},
                ("contact",),
            )},
            "next_step": {"type": "string"},
            "notes": {"type": "string"},
        },
        ("date", "by"),
        extensions=True,
    )
    return _document("project", "holp project", _object(
        {
            "id": _ID,
            "name": _TEXT,
            "customer": _ID,
            "owner": _ID,
            "business_line": _enum_or_text([c.id for c in process.business_lines]),
            "region": _ID,
            "amount": _MONEY,
            "expected_close": _DATE,
            "stage": {"enum": [*stage_ids, LOST]},
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
            "checklist": checklist,
            "lost": _object({
                "reason": {"enum": [c.id for c in process.lost_reasons]},
                "stage": {"enum": stage_ids},
                "date": _DATE,
                "note": {"type": "string"},
            }, ("reason",)),
            "assessment": _or_empty(_object(assessment_props)),
            "competitors": _or_empty({"type": "array", "items": {"anyOf": [_TEXT, _object({
                "name": _TEXT,
                "strength": {"type": "string"},
                "weakness": {"type": "string"},
                "relationship": {"type": "string"},
                "note": {"type": "string"},
            }, ("name",))]}}),
            "risks": _or_empty({"type": "array", "items": _object({
                "kind": _TEXT,
                "level": {"enum": list(LEVELS)},
                "note": {"type": "string"},
                "mitigation": {"type": "string"},
            }, ("kind", "level"))}),
            "visits": _or_empty({"type": "array", "items": visit}),
            "payments": _or_empty({"type": "array", "items": _object({
                "due": _DATE,
                "amount": _MONEY,
                "received": _DATE,
                "received_amount": _MONEY,
                "note": {"type": "string"},
            }, ("due", "amount"))}),
            "notes": {"type": "string"},
            "tags": {"type": "array", "items": _TEXT},
        },
        ("id", "name", "customer", "owner", "stage"),
        extensions=True,
        allOf=[{
            "if": {"properties": {"stage": {"const": LOST}}, "required": ["stage"]},
            "then": {"required": ["lost"]},
        }],
    ))


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
                    "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"},
                    "region": _ID,
                    "role": {"enum": ["rep", "manager", "director"]},
                    "handle": {"type": "string", "pattern": r"^@?[A-Za-z0-9][A-Za-z0-9_./-]*$"},
                },
                ("id", "name", "email"),
            )},
            "targets": {"type": "array", "items": _object(
                {"year": {"type": "integer", "minimum": 2000, "maximum": 2100},
                 "region": _ID, "rep": _ID, "amount": _MONEY},
                ("year", "amount"),
                oneOf=[{"required": ["region"]}, {"required": ["rep"]}],
            )},
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
        return customer_schema()
    if kind == "team":
        return team_schema()
    if kind == "config":
        return config_schema()
    raise ValueError(kind)
