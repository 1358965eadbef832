"""Validation: every problem of a loaded repository, in one run.

Checks are plain functions from a `Repository` to problems, listed in
`CHECKS`; none stops at the first problem. Single-file shape comes from the
JSON Schemas of `holp.schema` (so editors and other tools agree with holp),
translated into messages a rep can act on; everything that needs more than
one file (references, duplicate ids, gates) is checked here in Python.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from holp import fileset, validate_approvals, validate_collection, validate_service, validate_tasks
from holp.checking import Wanted, everything, projects
from holp.clock import today
from holp.gates import gate
from holp.model import LOST, Customer, schema, shape
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest
from holp.validate_cases import check_cases
from holp.validate_expenses import check_expenses
from holp.validate_risks import check_risks
from holp.validate_targets import check_targets_kpis_costs
from holp.yaml import Document


def check_documents(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    """Each file's shape and its JSON Schema problems. They depend on nothing but the document's bytes and the
    schema holp.yaml gives, so with a cache (`Repository.cache`) a document checked before is not checked again."""
    from holp import validate_cache

    if wanted(repo.config.path):
        yield from shape.shape_problems(repo.config)
        yield from shape.schema_problems(repo.config, shape.schema_validator(schema.schema("config", repo.process)),
                                         "config")
    if wanted(repo.team_doc.path):
        yield from shape.shape_problems(repo.team_doc)
        yield from shape.schema_problems(repo.team_doc, shape.schema_validator(schema.schema("team", repo.process)),
                                         "team")
    todo = [(doc, "customer") for doc in repo.customer_docs if wanted(doc.path)]
    todo += [(doc, "project") for doc in repo.project_docs if wanted(doc.path)]
    schemas = {kind: schema.schema(kind, repo.process) for kind in ("customer", "project")}
    digests = {kind: validate_cache.schema_digest(kind, found) for kind, found in schemas.items()}
    keys = [validate_cache.document_key(digests[kind], doc.text) for doc, kind in todo]
    known = repo.cache.get("checked", keys) if repo.cache is not None else {}
    validators: dict[str, Any] = {}
    fresh: dict[str, list[list[Any]]] = {}
    for (doc, kind), key in zip(todo, keys, strict=True):
        if key in known:
            yield from (Problem(doc.path, *p) for p in known[key])
            continue
        if kind not in validators:
            validators[kind] = shape.schema_validator(schemas[kind])
        found = [*shape.shape_problems(doc), *shape.schema_problems(doc, validators[kind], kind)]
        if all(p.path == doc.path for p in found):
            fresh[key] = [[p.line, p.column, p.severity, p.code, p.message] for p in found]
        yield from found
    if repo.cache is not None and fresh:
        repo.cache.put("checked", fresh)


def check_config(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    if wanted(repo.config.path):
        yield from shape.config_problems(repo.config, repo.process)


def check_team(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    if wanted(repo.team_doc.path):
        yield from shape.team_problems(repo.team_doc, repo.team)


def check_files(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    """Look-alikes of records (links, hidden copies): never read, always said."""
    yield from (p for p in repo.entry_problems if wanted(p.path))


# -- customers and projects ----------------------------------------------------------------


def check_ids(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    for folder, records, what in ((fileset.CUSTOMERS, repo.customers, "customer"),
                                  (fileset.PROJECTS, repo.projects, "project")):
        for record in records.values():
            paths = repo.duplicates.get((folder, record.id), [])
            if not any(wanted(repo.document(path).path) for path in [record.path, *paths]):
                continue
            paths = repo.duplicates.get((folder, record.id), [])
            for path in paths[1:]:
                yield repo.document(path).problem(["id"], "duplicate-id", f"{what} id {record.id} is already used "
                                                  f"by {repo.document(record.path).path}")
            if paths:  # the first file too: whichever copy a branch touched, its own problem says so
                others = ", ".join(repo.document(path).path for path in paths[1:])
                yield repo.document(record.path).problem(["id"], "duplicate-id",
                                                         f"{what} id {record.id} is also used by {others}")
            stem = Path(record.path).stem
            if stem != record.id:
                yield repo.document(record.path).problem(
                    ["id"], "id-filename", f"the file is named {stem} but holds {what} {record.id}: "
                    f"name it {record.id}.yaml", WARNING)
    for customer in repo.customers.values():
        project = repo.projects.get(customer.id)
        if project is not None and (wanted(repo.document(customer.path).path) or wanted(repo.document(project.path).path)):
            yield repo.document(customer.path).problem(
                ["id"], "duplicate-id", f"customer id {customer.id} is also the id of project {project.path}: a "
                "command given that id could not tell them apart; give the customer its own id")


def name_key(name: str) -> str:
    """A customer's name as it reads: full-width and half-width letters, digits and brackets alike (NFKC), case
    and the blanks around and between words aside."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def same_name(customers: Iterable[Customer], name: str) -> list[Customer]:
    """The customers whose name reads as ``name``."""
    key = name_key(name)
    return [c for c in customers if c.name and name_key(c.name) == key]


def check_names(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    """Two customer files with one name (江苏永丰水泥有限公司 and 江苏永丰水泥有限公司 ): one customer twice, likely."""
    named: dict[str, list[Customer]] = {}
    for customer in repo.customers.values():
        if customer.name:
            named.setdefault(name_key(customer.name), []).append(customer)
    for group in (g for g in named.values() if len(g) > 1):
        for customer in group:
            if not wanted(repo.document(customer.path).path):
                continue
            others = ", ".join(f"{o.id} ({repo.document(o.path).path}:{repo.document(o.path).locate(['name'])[0]})"
                               for o in group if o is not customer)
            yield repo.document(customer.path).problem(
                ["name"], "duplicate-name", f"customer {others} has the same name: one customer in two files?",
                WARNING)


def _reference(doc: Document, value: str | None, where: list[Any], known: Mapping[str, Any] | AbstractSet[str],
               code: str, what: str) -> Iterator[Problem]:
    if value is not None and value not in known:
        yield doc.problem(where, code, f"{what} '{value}' does not exist{closest(value, known)}")


def check_references(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    reps = repo.team.rep_ids
    regions = {r.id for r in repo.team.regions}
    # a customer whose file cannot be read is reported there, not again in every project of it
    known_customers = {*repo.customers, *(guess for p in repo.unreadable if fileset.folder_of(p) == fileset.CUSTOMERS
                                          and (guess := repo.document(p).probable_id()))}
    for c in repo.customers.values():
        doc = repo.document(c.path)
        if not wanted(doc.path):
            continue
        yield from _reference(doc, c.region, ["region"], regions, "unknown-region", "region")
        yield from _reference(doc, c.owner, ["owner"], reps, "unknown-rep", "rep")
    for p, doc in projects(repo, wanted):
        yield from _reference(doc, p.customer, ["customer"], known_customers, "unknown-customer", "customer")
        yield from _reference(doc, p.owner, ["owner"], reps, "unknown-rep", "rep")
        yield from _reference(doc, p.region, ["region"], regions, "unknown-region", "region")
        customer = repo.customers.get(p.customer or "")
        contacts = {c.name for c in customer.contacts} if customer else None
        for i, visit in enumerate(p.visits):
            listed = shape.is_list(doc, ["visits", i, "by"])
            for j, rep in enumerate(visit.by):
                if rep not in reps:
                    where = ["visits", i, "by", j] if listed else ["visits", i, "by"]
                    yield doc.problem(where, "unknown-rep", f"rep '{rep}' is not in team.yaml")
            if contacts is None or customer is None:
                continue
            for j, name in enumerate(visit.met):
                if name not in contacts:
                    yield doc.problem(["visits", i, "met", j], "unknown-contact",
                                      f"{name} is not a contact of {customer.id}", WARNING)
            for j, change in enumerate(visit.changes):
                if change.contact is not None and change.contact not in contacts:
                    yield doc.problem(["visits", i, "changes", j, "contact"], "unknown-contact",
                                      f"{change.contact} is not a contact of {customer.id}", WARNING)


def check_stages(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    process = repo.process
    now = today()
    for project, doc in projects(repo, wanted):
        stage = process.stage(project.stage)
        if stage is None and project.stage != LOST:
            continue  # the schema reported it
        customer = repo.customers.get(project.customer or "")
        for stage_id, ticks in project.checklist.items():
            defined = process.stage(stage_id)
            if defined is None:
                continue
            judged = {s.item.id: s for s in gate(process, defined, project, customer).items} if customer else {}
            for item_id in ticks:
                item = defined.item(item_id)
                if item is None or item.evidence is None:
                    continue
                if item_id in judged and not judged[item_id].met:  # the tick claims what the files disprove
                    yield doc.problem(["checklist", stage_id, item_id], "tick-contradicts-data",
                                      f"'{item_id}' is ticked, but its evidence ({item.evidence}) does not hold in "
                                      "the files; the tick is ignored", WARNING, key=True)
                else:
                    yield doc.problem(["checklist", stage_id, item_id], "evidence-item-ticked",
                                      f"'{item_id}' is proven by evidence ({item.evidence}), not by a tick; "
                                      "the tick is ignored", WARNING, key=True)
        if process.is_open(project.stage) and project.expected_close is not None and project.expected_close < now:
            yield doc.problem(["expected_close"], "close-date-past",
                              f"expected close {project.expected_close} has passed and the project is still open: "
                              "update the date or close the project", WARNING)
        if stage is None or project.customer not in repo.customers:
            continue  # without its customer, evidence cannot be judged (the reference is reported)
        for earlier in process.stages[: stage.index]:
            status = gate(process, earlier, project, customer)
            if not status.met:
                missing = ", ".join(s.item.id for s in status.missing)
                yield doc.problem(["stage"], "gate-unmet",
                                  f"the project is past {earlier.id}, whose gate was never met (missing: {missing})",
                                  WARNING)


CHECKS: tuple[Callable[[Repository, Wanted], Iterable[Problem]], ...] = (
    check_files,
    check_documents,
    check_config,
    check_team,
    check_ids,
    check_names,
    check_references,
    check_stages,
    validate_collection.check_collection,
    *validate_service.CHECKS,
    check_cases,
    check_risks,
    validate_tasks.check_tasks,
    check_targets_kpis_costs,
    validate_approvals.check_approvals,
    check_expenses,
)


def validate(repo: Repository, wanted: Wanted = everything) -> list[Problem]:
    """Every problem in the repository (or in the files ``wanted`` keeps, named as messages name them: the same
    problems those files have in a run over everything), sorted by file and position."""
    problems: list[Problem] = []
    read_at: set[tuple[str, int, int]] = set()
    for doc in repo.documents():
        if wanted(doc.path):
            problems.extend(doc.problems)
            read_at.update((p.path, p.line, p.column) for p in doc.problems)
    for check in CHECKS:
        # A value that could not be read (a refused tag) is not also reported as missing or mistyped.
        problems.extend(p for p in check(repo, wanted) if (p.path, p.line, p.column) not in read_at and wanted(p.path))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def count_files(repo: Repository, wanted: Wanted = everything) -> int:
    """How many files `validate` with ``wanted`` checks."""
    return sum(1 for doc in repo.documents() if wanted(doc.path)) + sum(1 for p in repo.entry_problems
                                                                        if wanted(p.path))
