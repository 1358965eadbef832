"""Validation: every problem of a loaded repository, in one run.

Checks are plain functions from a `Repository` to problems, listed in
`CHECKS`; none stops at the first problem. Single-file shape comes from the
JSON Schemas of `holp.schema` (so editors and other tools agree with holp),
translated into messages a rep can act on; everything that needs more than
one file (references, duplicate ids, gates) is checked here in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from holp import schema
from holp.clock import today
from holp.gates import EvidenceSyntaxError, gate, parse_evidence
from holp.model import LOST, Project
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest
from holp.yaml import Document


def _show(value: Any) -> str:
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


# -- schema --------------------------------------------------------------------------------


def schema_validator(schema_doc: dict[str, Any]) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema_doc, format_checker=FormatChecker())


def schema_problems(doc: Document, validator: Any, kind: str) -> Iterator[Problem]:
    if not isinstance(doc.data, dict):
        return
    for error in validator.iter_errors(doc.data):
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
    if validator == "anyOf" and last == "by":
        yield doc.problem(path, "bad-type", f"{what} must be a rep id or a list of rep ids")
        return
    if validator == "anyOf" and len(path) == 2 and path[0] == "competitors":
        yield doc.problem(path, "bad-type", f"{what} must be a name or a mapping with a name")
        return
    if validator == "oneOf" and kind == "team" and path[:1] == ["targets"]:
        yield doc.problem(path, "bad-target", f"{what} must name either a region or a rep, not both or neither")
        return
    if validator == "minLength":
        yield doc.problem(path, "empty-value", f"{what} must not be empty")
        return
    if validator == "pattern" and error.schema.get("pattern") == schema.ID_PATTERN:
        yield doc.problem(path, "bad-id", f"{what} is {_show(error.instance)}: ids use letters, digits, '.', '_' "
                          "and '-' and start with a letter or digit")
        return
    yield doc.problem(path, "schema", f"{what}: {error.message}")


def check_shape(repo: Repository) -> Iterator[Problem]:
    for doc in repo.documents():
        if doc.ok and not isinstance(doc.data, dict):
            yield doc.problem((), "not-a-mapping", f"the file must be a mapping of fields, not {_show(doc.data)}")


def check_schemas(repo: Repository) -> Iterator[Problem]:
    pairs = [(repo.config, "config"), (repo.team_doc, "team")]
    pairs += [(doc, "customer") for doc in repo.customer_docs]
    pairs += [(doc, "project") for doc in repo.project_docs]
    validators = {kind: schema_validator(schema.schema(kind, repo.process)) for kind in schema.KINDS}
    for doc, kind in pairs:
        yield from schema_problems(doc, validators[kind], kind)


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


def check_config(repo: Repository) -> Iterator[Problem]:
    doc, data = repo.config, repo.config.data
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
    grades = repo.process.grades
    if "high" in grades and "medium" in grades and grades["high"] < grades["medium"]:
        yield doc.problem(["assessment", "grades"], "bad-value", "the high grade threshold is below the medium one")


def check_team(repo: Repository) -> Iterator[Problem]:
    doc, data, team = repo.team_doc, repo.team_doc.data, repo.team
    regions = {r.id for r in team.regions}
    reps = {r.id for r in team.reps}
    for key in ("regions", "reps"):
        ids = [(e.get("id"), [key, i, "id"]) for i, e in _entries(data, key)]
        for value, path in _duplicates(ids):
            yield doc.problem(path, "duplicate-id", f"{key[:-1]} '{value}' is defined twice")
    emails = [(str(e.get("email", "")).lower(), ["reps", i, "email"]) for i, e in _entries(data, "reps")
              if isinstance(e.get("email"), str)]
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


# -- customers and projects ----------------------------------------------------------------


def check_ids(repo: Repository) -> Iterator[Problem]:
    for docs, what in ((repo.customer_docs, "customer"), (repo.project_docs, "project")):
        first: dict[str, Document] = {}
        for doc in docs:
            data = doc.data
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                continue
            record_id = data["id"]
            if record_id in first:
                yield doc.problem(["id"], "duplicate-id",
                                  f"{what} id {record_id} is already used by {first[record_id].path}")
            else:
                first[record_id] = doc
            stem = Path(doc.path).stem
            if stem != record_id:
                yield doc.problem(["id"], "id-filename",
                                  f"the file is named {stem} but holds {what} {record_id}: name it {record_id}.yaml",
                                  WARNING)


def _reference(doc: Document, data: dict[str, Any], key: str, known: Mapping[str, Any] | set[str],
               code: str, what: str, path: list[Any] | None = None) -> Iterator[Problem]:
    value = data.get(key)
    if isinstance(value, str) and value not in known:
        yield doc.problem([*(path or []), key], code, f"{what} '{value}' does not exist{closest(value, known)}")


def check_references(repo: Repository) -> Iterator[Problem]:
    reps = {r.id for r in repo.team.reps}
    regions = {r.id for r in repo.team.regions}
    # a customer whose file cannot be read is reported there, not again in every project of it
    unreadable = {guess for doc in repo.customer_docs if not doc.ok and (guess := doc.probable_id())}
    known_customers = {*repo.customers, *unreadable}
    for doc in repo.customer_docs:
        if not isinstance(doc.data, dict):
            continue
        yield from _reference(doc, doc.data, "region", regions, "unknown-region", "region")
        yield from _reference(doc, doc.data, "owner", reps, "unknown-rep", "rep")
    for doc in repo.project_docs:
        data = doc.data
        if not isinstance(data, dict):
            continue
        yield from _reference(doc, data, "customer", known_customers, "unknown-customer", "customer")
        yield from _reference(doc, data, "owner", reps, "unknown-rep", "rep")
        yield from _reference(doc, data, "region", regions, "unknown-region", "region")
        customer_id = data.get("customer")
        customer = repo.customers.get(customer_id) if isinstance(customer_id, str) else None
        contacts = {c.name for c in customer.contacts} if customer else None
        for i, visit in enumerate(_list(data.get("visits"))):
            if not isinstance(visit, dict):
                continue
            by = visit.get("by")
            for j, rep in enumerate(by if isinstance(by, list) else [by]):
                if isinstance(rep, str) and rep not in reps:
                    where = ["visits", i, "by", j] if isinstance(by, list) else ["visits", i, "by"]
                    yield doc.problem(where, "unknown-rep", f"rep '{rep}' is not in team.yaml")
            if contacts is None:
                continue
            for j, name in enumerate(_list(visit.get("met"))):
                if isinstance(name, str) and name not in contacts:
                    yield doc.problem(["visits", i, "met", j], "unknown-contact",
                                      f"{name} is not a contact of {customer.id if customer else 'the customer'}",
                                      WARNING)
            for j, change in enumerate(_list(visit.get("changes"))):
                name = change.get("contact") if isinstance(change, dict) else None
                if isinstance(name, str) and name not in contacts:
                    yield doc.problem(["visits", i, "changes", j, "contact"], "unknown-contact",
                                      f"{name} is not a contact of {customer.id if customer else 'the customer'}",
                                      WARNING)


def _project_docs(repo: Repository) -> Iterator[tuple[Document, Project]]:
    for doc in repo.project_docs:
        if isinstance(doc.data, dict):
            project = repo.projects.get(str(doc.data.get("id")))
            if project is not None and project.data is doc.data:
                yield doc, project


def check_stages(repo: Repository) -> Iterator[Problem]:
    process = repo.process
    now = today()
    for doc, project in _project_docs(repo):
        stage = process.stage(project.stage)
        if stage is None and project.stage != LOST:
            continue  # the schema reported it
        for stage_id, ticks in project.checklist.items():
            defined = process.stage(stage_id)
            if defined is None:
                continue
            for item_id in ticks:
                item = defined.item(item_id)
                if item is not None and item.evidence is not None:
                    yield doc.problem(["checklist", stage_id, item_id], "evidence-item-ticked",
                                      f"'{item_id}' is proven by evidence ({item.evidence}), not by a tick; "
                                      "the tick is ignored", WARNING, key=True)
        if process.is_open(project.stage) and project.expected_close is not None and project.expected_close < now:
            yield doc.problem(["expected_close"], "close-date-past",
                              f"expected close {project.expected_close} has passed and the project is still open: "
                              "update the date or close the project", WARNING)
        if stage is None or project.customer not in repo.customers:
            continue  # without its customer, evidence cannot be judged (the reference is reported)
        customer = repo.customer_of(project)
        for earlier in process.stages[: stage.index]:
            status = gate(earlier, project, customer)
            if not status.met:
                missing = ", ".join(s.item.id for s in status.missing)
                yield doc.problem(["stage"], "gate-unmet",
                                  f"the project is past {earlier.id}, whose gate was never met (missing: {missing})",
                                  WARNING)


CHECKS: tuple[Callable[[Repository], Iterable[Problem]], ...] = (
    check_shape,
    check_schemas,
    check_config,
    check_team,
    check_ids,
    check_references,
    check_stages,
)


def validate(repo: Repository) -> list[Problem]:
    """Every problem in the repository, sorted by file and position."""
    problems: list[Problem] = []
    read_at: set[tuple[str, int, int]] = set()
    for doc in repo.documents():
        problems.extend(doc.problems)
        read_at.update((p.path, p.line, p.column) for p in doc.problems)
    for check in CHECKS:
        # A value that could not be read (a refused tag) is not also reported as missing or mistyped.
        problems.extend(p for p in check(repo) if (p.path, p.line, p.column) not in read_at)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def count_files(repo: Repository) -> int:
    return sum(1 for _ in repo.documents())
