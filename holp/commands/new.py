from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from holp import repo as repository
from holp import yaml
from holp.clock import date_option, today
from holp.commands import echo
from holp.errors import USAGE, HolpError
from holp.files import write_atomic
from holp.inert import path_part
from holp.model import coerce
from holp.model.schema import schema
from holp.model.shape import schema_problems, schema_validator
from holp.new_record import new_file, next_customer_id, next_project_id, record_path
from holp.validate import same_name


def _choose_id(given: str | None, taken: set[str], make: str) -> str:
    if given is None:
        return make
    path_part(given, "--id", USAGE)
    if given in taken:
        raise HolpError(f"--id {given} is already used")
    return given


def _write(repo: repository.Repository, kind: str, folder: str, region: str, record_id: str,
           variables: dict[str, Any]) -> int:
    path = record_path(repo, folder, region, record_id)
    text = new_file(repo, kind, path, variables)
    doc = yaml.read(repository.display_path(path), text.encode())
    problems = doc.problems + list(schema_problems(doc, schema_validator(schema(kind, repo.process)), kind))
    if problems:
        raise HolpError(f"the {kind} template made an invalid file; nothing was written", 1, problems)
    write_atomic(path, text.encode(), create_only=True)
    echo(repository.display_path(path))
    return 0


def _given(value: str, option: str) -> str:
    """A text option as given (an id exactly: `--id "P-9\n"` is refused as a path); blank is a usage error,
    never a problem of a file that was not written."""
    if not value.strip():
        raise HolpError(f"{option} must not be empty")
    return value


def _optional(value: str | None, option: str) -> str | None:
    return None if value is None else _given(value, option)


def _words(value: str, option: str) -> str:
    """Free text (a name, an industry): without the blanks a paste brings around it."""
    return _given(value, option).strip()


def _require(value: str | None, known: set[str], option: str, what: str) -> None:
    if value is not None and value not in known:
        choices = ", ".join(sorted(known)) or "none defined"
        raise HolpError(f"{option} {value}: no such {what} (known: {choices})")


def _source(repo: repository.Repository, source: str | None) -> str | None:
    """A lead source of holp.yaml (客户来源), or the refusal that names the known ones."""
    source = _optional(source, "--source")
    _require(source, {c.id for c in repo.process.sources}, "--source", "source in holp.yaml")
    return source


def customer(root: Path, *, name: str, region: str, owner: str, industry: str | None, credit: str | None,
             record_id: str | None, class_: str | None = None, source: str | None = None) -> int:
    name, region, owner = _words(name, "--name"), _given(region, "--region"), _given(owner, "--owner")
    industry = None if industry is None else _words(industry, "--industry")
    credit = None if credit is None else _words(credit, "--credit")
    record_id = _optional(record_id, "--id")
    repo = repository.load(root)
    _require(region, {r.id for r in repo.team.regions}, "--region", "region in team.yaml")
    _require(owner, {r.id for r in repo.team.reps}, "--owner", "rep in team.yaml")
    source = _source(repo, source)
    taken = set(repo.customers)
    record_id = _choose_id(record_id, taken, next_customer_id(taken))
    code = _write(repo, "customer", repository.CUSTOMERS, region, record_id, {
        "id": record_id, "name": name, "region": region, "owner": owner, "industry": industry, "credit": credit,
        "class_": class_, "source": source,
    })
    for other in same_name(repo.customers.values(), name):  # written all the same: it may be another branch
        echo(f"holp: warning: customer {other.id} ({repo.document(other.path).path}) has the same name, "
             f"{other.name}: is it the same customer?", err=True)
    return code


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise HolpError(f"--amount {text}: not a number") from None
    if coerce.money(value) is None:  # what the file may hold: no NaN, no infinity, nothing negative or absurd
        raise HolpError(f"--amount {text}: an amount is a number from 0 to {coerce.MAX_MONEY:,}")
    return value


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    return date_option(text, "--close").isoformat()


def project(root: Path, *, customer: str, name: str, business_line: str | None, amount: str | None,
            expected_close: str | None, owner: str | None, stage: str | None, record_id: str | None,
            source: str | None = None) -> int:
    customer, name = _given(customer, "--customer"), _words(name, "--name")
    business_line, owner = _optional(business_line, "--line"), _optional(owner, "--owner")
    stage, amount = _optional(stage, "--stage"), _optional(amount, "--amount")
    expected_close, record_id = _optional(expected_close, "--close"), _optional(record_id, "--id")
    repo = repository.load(root)
    process = repo.process
    found = repo.customer(customer)
    owner = owner or found.owner
    if owner is None:
        raise HolpError(f"customer {customer} has no owner: pass --owner")
    _require(owner, {r.id for r in repo.team.reps}, "--owner", "rep in team.yaml")
    lines = [c.id for c in process.business_lines]
    if lines:
        _require(business_line, set(lines), "--line", "business line in holp.yaml")
    stage = stage or process.stages[0].id
    _require(stage, set(process.stage_ids), "--stage", "stage in holp.yaml")
    source = _source(repo, source)
    region = found.region
    if region is None:
        raise HolpError(f"customer {customer} has no region")
    taken = set(repo.projects)
    record_id = _choose_id(record_id, taken, next_project_id(taken, today().year))
    return _write(repo, "project", repository.PROJECTS, region, record_id, {
        "id": record_id, "name": name, "customer": customer, "owner": owner, "business_line": business_line,
        "business_lines": lines, "amount": _amount(amount), "expected_close": _date(expected_close),
        "stage": stage, "currency": process.currency, "source": source,
    })
