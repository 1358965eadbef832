"""The checks that read a file's values as written (the model's side of validation).

JSON Schema errors translated into messages a rep can act on, the shape of a
file, numbers, and the checks of holp.yaml and team.yaml that need each
entry's position. `holp.validate` calls these and adds the checks between
records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from holp.inert import has_breaks, one_line
from holp.model import schema
from holp.model.evidence import EvidenceSyntaxError, parse_evidence
from holp.model.process import LOST, Process, Team
from holp.problems import WARNING, Problem
from holp.yaml import Document


def show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choices(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


_show = show


def schema_validator(schema_doc: dict[str, Any]) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema_doc, format_checker=FormatChecker())


def schema_problems(doc: Document, validator: Any, kind: str) -> Iterator[Problem]:
    if not isinstance(doc.tree, dict):
        return
    for error in validator.iter_errors(doc.tree):
        yield from _translate(doc, error, kind)


def _extra_keys(error: Any) -> list[str]:
    properties = error.schema.get("properties", {})
    patterns = error.schema.get("patternProperties", {})
    return [k for k in error.instance if k not in properties and not any(re.search(p, k) for p in patterns)]


def _translate(doc: Document, error: Any, kind: str) -> Iterator[Problem]:
    path = list(error.absolute_path)
    last = path[-1] if path else None
    what = ".".join(str(p) for p in path) or "the file"
    validator = error.validator
    if error.schema.get("format") == "date":
        yield doc.problem(path, "bad-date", f"{what}: {_show(error.instance)} is not a real date written YYYY-MM-DD")
        return
    if validator == "additionalProperties":
        for extra in _extra_keys(error):
            if kind == "project" and path == ["checklist"]:
                code, message = "unknown-stage", f"checklist names stage '{extra}', which the process does not have"
            elif kind == "project" and len(path) == 2 and path[0] == "checklist":
                code, message = "unknown-checklist-item", f"stage '{path[1]}' has no checklist item '{extra}'"
            else:
                code, message = "unknown-field", f"unknown field '{extra}' in {what}"
            yield doc.problem([*path, extra], code, message, key=True)
        return
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        if kind == "project" and missing == "lost" and path == []:
            yield doc.problem(["stage"], "lost-reason",
                              "a lost project needs `lost: {reason: ...}` with one of the configured lost reasons")
        else:
            yield doc.problem(path, "missing-field", f"{what} needs the field '{missing}'")
        return
    if validator == "enum":
        allowed = _choices(error.validator_value)
        if kind == "project" and path == ["stage"]:
            yield doc.problem(path, "unknown-stage", f"unknown stage {_show(error.instance)}; the stages are: {allowed}")
        elif kind == "project" and path == ["lost", "reason"]:
            yield doc.problem(path, "lost-reason", f"{_show(error.instance)} is not a configured lost reason ({allowed})")
        elif kind == "project" and path == ["business_line"]:
            yield doc.problem(path, "unknown-business-line",
                              f"unknown business line {_show(error.instance)}; the lines are: {allowed}")
        else:
            yield doc.problem(path, "bad-value", f"{what} is {_show(error.instance)}; it must be one of: {allowed}")
        return
    if last in schema.MONEY_KEYS and validator in ("type", "minimum", "maximum"):
        if validator == "minimum":
            message = f"{what} is {_show(error.instance)}: an amount cannot be negative"
        elif validator == "maximum":
            message = f"{what} is {_show(error.instance)}: more than {schema.MAX_MONEY:,} is surely a typo"
        else:
            message = f"{what} is {_show(error.instance)}: an amount is a plain number, like 3200000 or 1250000.50"
        yield doc.problem(path, "bad-amount", message)
        return
    if validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        article = "an" if wanted[0] in "aeiou" else "a"
        yield doc.problem(path, "bad-type", f"{what} must be {article} {wanted}, not {_show(error.instance)}")
        return
    if validator in ("minimum", "maximum"):
        yield doc.problem(path, "bad-value", f"{what} is {_show(error.instance)}; {error.message.split(' is ', 1)[-1]}")
        return
    if validator in ("exclusiveMinimum", "exclusiveMaximum"):
        side = "more" if validator == "exclusiveMinimum" else "less"
        yield doc.problem(path, "bad-value", f"{what} is {_show(error.instance)}; it must be {side} than "
                          f"{_show(error.validator_value)}")
        return
    if validator == "anyOf" and last == "by":
        yield doc.problem(path, "bad-type", f"{what} must be a rep id or a list of rep ids")
        return
    if validator == "anyOf" and len(path) == 2 and path[0] == "competitors":
        yield doc.problem(path, "bad-type", f"{what} must be a name or a mapping with a name")
        return
    if validator in ("oneOf", "not") and kind == "team" and path[:1] in (["targets"], ["expense_budgets"]):
        if validator == "oneOf":
            message = f"{what} must name either a region or a rep, not both or neither"
        else:
            message = f"{what} names both a quarter and a month: write one, or neither for the whole year"
        yield doc.problem(path, "bad-target", message)
        return
    if validator == "minLength":
        yield doc.problem(path, "empty-value", f"{what} must not be empty")
        return
    if validator == "pattern" and error.schema.get("pattern") == schema.ID_PATTERN:
        yield doc.problem(path, "bad-id", f"{what} is {_show(error.instance)}: ids use letters, digits, '.', '_' "
                          "and '-' and start with a letter or digit")
        return
    yield doc.problem(path, "schema", f"{what}: {error.message}")


def shape_problems(doc: Document) -> Iterator[Problem]:
    if doc.ok and not isinstance(doc.tree, dict):
        yield doc.problem((), "not-a-mapping", f"the file must be a mapping of fields, not {_show(doc.tree)}")


# -- holp.yaml and team.yaml ---------------------------------------------------------------


def _duplicates(items: Iterable[tuple[Any, list[Any]]]) -> Iterator[tuple[Any, list[Any]]]:
    seen: set[Any] = set()
    for value, path in items:
        if value in seen:
            yield value, path
        seen.add(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _entries(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(data, dict):
        return []
    return [(i, e) for i, e in enumerate(_list(data.get(key))) if isinstance(e, dict)]


def _strings(value: Any, path: list[Any]) -> Iterator[tuple[list[Any], str, bool]]:
    """Every text of a tree with where it is: (path, text, whether it is a key)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                yield [*path, k], k, True
            yield from _strings(v, [*path, k])
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, [*path, i])
    elif isinstance(value, str):
        yield path, value, False


def break_problems(doc: Document) -> Iterator[Problem]:
    """A label, name, handle or id of holp.yaml or team.yaml is one line: it goes into tables, CODEOWNERS and
    commit messages, where a newline or a terminal's escape would add lines or act."""
    for path, text, is_key in _strings(doc.tree, []):
        if has_breaks(text):
            what = ".".join(str(p) for p in path) or "the file"
            yield doc.problem(path, "control-character", f"{what} holds a newline or control character "
                              f"({one_line(text)}): write it on one line", key=is_key)


def config_problems(doc: Document, process: Process) -> Iterator[Problem]:
    yield from break_problems(doc)
    data = doc.tree
    stages = _entries(data, "stages")
    stage_ids = [(e.get("id"), ["stages", i, "id"]) for i, e in stages]
    for value, path in _duplicates(stage_ids):
        yield doc.problem(path, "duplicate-id", f"stage '{value}' is defined twice")
    for value, path in stage_ids:
        if value == LOST:
            yield doc.problem(path, "reserved-id", f"'{LOST}' is reserved for lost projects; name the stage otherwise")
    won_from = data.get("won_from") if isinstance(data, dict) else None
    if isinstance(won_from, str) and won_from not in {v for v, _ in stage_ids}:
        yield doc.problem(["won_from"], "unknown-stage", f"won_from names stage '{won_from}', which is not defined")
    previous: Decimal | None = None
    for i, stage in stages:
        items = [(e.get("id"), ["stages", i, "checklist", j, "id"]) for j, e in _entries(stage, "checklist")]
        for value, path in _duplicates(items):
            yield doc.problem(path, "duplicate-id", f"checklist item '{value}' appears twice in stage '{stage.get('id')}'")
        for j, item in _entries(stage, "checklist"):
            evidence = item.get("evidence")
            if isinstance(evidence, str):
                try:
                    parse_evidence(evidence)
                except EvidenceSyntaxError as e:
                    yield doc.problem(["stages", i, "checklist", j, "evidence"], "bad-evidence", str(e))
        probability = stage.get("probability")
        if isinstance(probability, (int, Decimal)) and not isinstance(probability, bool):
            if previous is not None and probability < previous:
                yield doc.problem(["stages", i, "probability"], "probability-order",
                                  f"stage '{stage.get('id')}' has a lower probability than the stage before it",
                                  WARNING)
            previous = Decimal(probability)
    for key in ("lost_reasons", "business_lines"):
        values = [(e if isinstance(e, str) else e.get("id") if isinstance(e, dict) else None, [key, i])
                  for i, e in enumerate(_list(data.get(key) if isinstance(data, dict) else None))]
        for value, path in _duplicates(values):
            yield doc.problem(path, "duplicate-id", f"'{value}' is listed twice in {key}")
    grades = process.grades
    if "high" in grades and "medium" in grades and grades["high"] < grades["medium"]:
        yield doc.problem(["assessment", "grades"], "bad-value", "the high grade threshold is below the medium one")


def team_problems(doc: Document, team: Team) -> Iterator[Problem]:
    yield from break_problems(doc)
    data = doc.tree
    regions = {r.id for r in team.regions}
    reps = {r.id for r in team.reps}
    for key in ("regions", "reps"):
        ids = [(e.get("id"), [key, i, "id"]) for i, e in _entries(data, key)]
        for value, path in _duplicates(ids):
            yield doc.problem(path, "duplicate-id", f"{key[:-1]} '{value}' is defined twice")
    emails: list[tuple[str, list[Any]]] = []
    for i, e in _entries(data, "reps"):  # a rep's own address written twice attributes nothing wrongly
        own = {} if not isinstance(e.get("email"), str) else {e["email"].lower(): ["reps", i, "email"]}
        for j, other in enumerate(_list(e.get("emails"))):
            if isinstance(other, str):
                own.setdefault(other.lower(), ["reps", i, "emails", j])
        emails += own.items()
    for value, path in _duplicates(emails):
        yield doc.problem(path, "duplicate-email", f"email {value} belongs to two reps: commits could not be attributed")
    for i, entry in _entries(data, "regions"):
        manager = entry.get("manager")
        if isinstance(manager, str) and manager not in reps:
            yield doc.problem(["regions", i, "manager"], "unknown-rep", f"manager '{manager}' is not a rep in team.yaml")
    for i, rep in _entries(data, "reps"):
        region = rep.get("region")
        if isinstance(region, str) and region not in regions:
            yield doc.problem(["reps", i, "region"], "unknown-region", f"region '{region}' is not defined in team.yaml")
    for i, target in _entries(data, "targets"):
        if isinstance(target.get("region"), str) and target["region"] not in regions:
            yield doc.problem(["targets", i, "region"], "unknown-region",
                              f"region '{target['region']}' is not defined in team.yaml")
        if isinstance(target.get("rep"), str) and target["rep"] not in reps:
            yield doc.problem(["targets", i, "rep"], "unknown-rep", f"rep '{target['rep']}' is not in team.yaml")




def is_list(doc: Document, keys: list[Any]) -> bool:
    """Whether the value at ``keys`` is written as a list (to point at one of its items)."""
    value: Any = doc.tree
    for k in keys:
        if isinstance(value, dict) and isinstance(k, str):
            value = value.get(k)
        elif isinstance(value, list) and isinstance(k, int) and 0 <= k < len(value):
            value = value[k]
        else:
            return False
    return isinstance(value, list)
