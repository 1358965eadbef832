"""`holp import`: customers or projects from a spreadsheet, checked row by row before anything is written.

A mapping (a YAML file, or guessed from the headers) names the column of each field, maps a column's values to
holp's (stage names to stage ids, reps' names to their ids) and gives defaults. Each row is read into a record:
a value that is no amount, date, stage, rep, region … is a problem naming the sheet, the row and the column.
A row then matches a record already in the repository — by holp id, by `external_id`, or by name (customers:
their name as `holp validate` compares names; projects: their customer and name) — and updates it (only the fields
that differ, with `holp.edit`, so the file keeps its comments and order), or makes a new one as `holp new` does.
The new and edited files are then validated as `holp validate` would, scoped to them. `holp.commands.import_`
writes them all in one commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from holp import edit, yaml
from holp import repo as repository
from holp.clock import today
from holp.errors import HolpError
from holp.fileset import CUSTOMERS, PROJECTS, Entry
from holp.import_mapping import (
    FIELDS,
    HOLP_IDS,
    KEYS,
    REQUIRED,
    Mapping,
    RowProblem,
    amount,
    check_mapping,
    date,
    fold,
    fraction,
    text_of,
)
from holp.inert import one_line
from holp.model import LOST, Customer, Project
from holp.new_record import fresh_ids, new_files, next_customer_id, next_project_id, record_path
from holp.problems import ERROR
from holp.sheets import NO_VALUE, Sheet
from holp.validate import name_key, validate
from holp.vocabulary import CLASSES

# -- rows to records ---------------------------------------------------------------------------------------------


@dataclass
class Planned:
    """One record the import makes or updates."""

    row: int
    record_id: str
    relative: str
    new: bool
    name: str
    changed: list[str]  # the fields an update changes (all that are set, for a new record)
    old: bytes | None
    text: bytes = b""
    making: tuple[Path, dict[str, Any], list[tuple[str, Any]]] | None = None  # a new file: template, then the rest


@dataclass
class Plan:
    kind: str
    sheet: Sheet
    records: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows left out (--skip-invalid)
    rows: int = 0

    @property
    def created(self) -> int:
        return sum(1 for p in self.records if p.new)

    @property
    def updated(self) -> int:
        return sum(1 for p in self.records if not p.new)


class _Values:
    """The values of holp.yaml and team.yaml a cell may name: by id, or by label / rep name (folded)."""

    def __init__(self, repo: repository.Repository, kind: str) -> None:
        process, team = repo.process, repo.team
        self.repo, self.kind = repo, kind
        self.lang = process.language

        def table(choices: Any, extra: Callable[[Any], list[str]]) -> dict[str, str]:
            found: dict[str, str] = {}
            for c in choices:
                for key in [c.id, *extra(c)]:
                    found.setdefault(fold(key), c.id)
            return found

        def labels(choice: Any) -> list[str]:
            return [choice.label.zh, choice.label.en]

        self.tables = {
            "stage": table(process.stages, labels),
            "region": table(team.regions, labels),
            "rep": table(team.reps, lambda r: [r.name]),
            "business_line": table(process.business_lines, labels),
            "source": table(process.sources, labels),
            "lost_reason": table(process.lost_reasons, labels),
            "class": {fold(c): c for c in CLASSES},
        }
        self.tables["stage"].update({fold(LOST): LOST, fold(process.lost_label.zh): LOST,
                                     fold(process.lost_label.en): LOST})
        self.shown = {
            "stage": [f"{s.label.get(self.lang)} ({s.id})" for s in process.stages]
                     + [f"{process.lost_label.get(self.lang)} ({LOST})"],
            "region": [f"{r.label.get(self.lang)} ({r.id})" for r in team.regions],
            "rep": [f"{r.name} ({r.id})" for r in team.reps],
            "business_line": [f"{c.label.get(self.lang)} ({c.id})" for c in process.business_lines],
            "source": [f"{c.label.get(self.lang)} ({c.id})" for c in process.sources],
            "lost_reason": [f"{c.label.get(self.lang)} ({c.id})" for c in process.lost_reasons],
            "class": list(CLASSES),
        }
        self.what = {"stage": "a stage", "region": "a region in team.yaml", "rep": "a rep in team.yaml",
                     "business_line": "a business line", "source": "a source of leads in holp.yaml",
                     "lost_reason": "a lost reason in holp.yaml", "class": "a customer class"}

    def __call__(self, name: str, value: Any) -> Any:
        what = FIELDS[self.kind][name]
        if what == "amount":
            return amount(value)
        if what == "fraction":
            return fraction(value)
        if what == "date":
            return date(value)
        text = text_of(value)
        if what in self.tables:
            found = self.tables[what].get(fold(text))
            if found is None:
                known = ", ".join(self.shown[what]) or "none defined"
                raise RowProblem(f"{one_line(text)!r} is not {self.what[what]} (known: {known})")
            return found
        if what == "id" and not HOLP_IDS[self.kind].match(text):
            raise RowProblem(f"{one_line(text)!r} is not a holp {self.kind[:-1]} id")
        return text


def _cell(mapping: Mapping, name: str, values: list[Any], index: dict[str, int]) -> Any:
    column = mapping.columns.get(name)
    if column is None:
        return None
    at = index[column.header]
    value = values[at] if at < len(values) else None
    if value is NO_VALUE:
        raise RowProblem("a formula without a value (open the workbook in Excel and save it, so that the value "
                         "is saved with the formula)")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.values:
        mapped = column.values.get(fold(text_of(value)))
        if mapped is not None:
            return mapped
    return value


@dataclass
class _Index:
    """The records already in the repository, by what a row may match them by; no scan per row."""

    by_id: dict[str, Customer | Project]
    by_external: dict[str, Customer | Project]
    by_name: dict[Any, Customer | Project]


def _index(repo: repository.Repository, kind: str) -> _Index:
    records: dict[str, Customer | Project] = dict(repo.customers if kind == "customers" else repo.projects)
    external = {r.external_id: r for r in records.values() if r.external_id}
    if kind == "customers":
        named: dict[Any, Customer | Project] = {name_key(r.name): r for r in records.values() if r.name}
    else:
        named = {(r.customer, name_key(r.name)): r for r in records.values()  # type: ignore[union-attr]
                 if r.name}
    return _Index(records, external, named)


def _customer_lookup(repo: repository.Repository) -> Callable[[str], str]:
    by_external = {c.external_id: c.id for c in repo.customers.values() if c.external_id}
    by_name = {name_key(c.name): c.id for c in repo.customers.values() if c.name}

    def find(text: str) -> str:
        if text in repo.customers:
            return text
        found = by_external.get(text) or by_name.get(name_key(text))
        if found is None:
            raise RowProblem(f"{one_line(text)!r} is no customer of the repository (by id, external_id or name): "
                             "import the customers first (holp import customers)")
        return found

    return find


def _current(record: Customer | Project, name: str) -> Any:
    if name == "lost_reason":
        return getattr(record, "lost_reason", None)
    value = getattr(record, "class_" if name == "class" else name, None)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old == new
    return old == new


def _text_for(relative: str, raw: bytes, values: list[tuple[str, Any]]) -> bytes:
    """``raw`` with ``values`` set (a field's key, or its nested keys), verified with holp's reader."""
    def textual(source: edit.Source) -> str:
        for name, value in values:
            source = edit.Source(source.path, source.bom, edit.set_value(source, KEYS.get(name, (name,)), value))
        return source.text

    def expect(data: Any) -> None:
        for name, value in values:
            keys = KEYS.get(name, (name,))
            node = data
            for key in keys[:-1]:
                if not isinstance(node.get(key), dict):
                    node[key] = {}
                node = node[key]
            node[keys[-1]] = value  # as holp's reader reads what `yaml.scalar` wrote: the same value

    return edit.change(relative, raw, textual, expect)


def _template_values(kind: str, record: dict[str, Any], repo: repository.Repository) -> dict[str, Any]:
    if kind == "customers":
        return {k: record.get(k) for k in ("id", "name", "region", "owner", "industry", "credit")}
    return {**{k: record.get(k) for k in ("id", "name", "customer", "owner", "business_line", "amount",
                                          "expected_close", "stage")},
            "business_lines": [c.id for c in repo.process.business_lines], "currency": repo.process.currency}


def plan(repo: repository.Repository, mapping: Mapping, sheet: Sheet, *, skip_invalid: bool) -> Plan:
    """Every row read, matched and made into its file's new text; problems, not exceptions, for bad rows."""
    kind = mapping.kind
    values = _Values(repo, kind)
    check_mapping(mapping, sheet, values)
    index = {h: i for i, h in reversed(list(enumerate(sheet.headers))) if h}
    folder = CUSTOMERS if kind == "customers" else PROJECTS
    found = _index(repo, kind)
    customer_of = _customer_lookup(repo)
    taken = set(found.by_id)
    ids = fresh_ids(next_customer_id(taken) if kind == "customers" else next_project_id(taken, today().year), taken)
    result = Plan(kind, sheet)
    seen: dict[Any, int] = {}  # what a row matched or makes → its row
    show = repository.displayer(repo.root)
    for number, cells in sheet.rows:
        result.rows += 1
        said: list[str] = []
        record: dict[str, Any] = {}
        wrong: list[tuple[int, str]] = []  # (column, problem): in the order of the sheet's columns
        for name in FIELDS[kind]:
            column = mapping.columns.get(name)
            at = index[column.header] if column else -1
            try:
                value = _cell(mapping, name, cells, index)
                if value is None and name in mapping.defaults:
                    value = mapping.defaults[name]
                if value is None:
                    continue
                record[name] = customer_of(text_of(value)) if name == "customer" else values(name, value)
            except RowProblem as e:
                wrong.append((at, f"{sheet.where(number, column.header if column else None)}: {e}"))
        for name in REQUIRED[kind]:
            header = mapping.columns[name].header
            if name not in record and not any(f"column {header}:" in s for _, s in wrong):
                wrong.append((index[header], f"{sheet.where(number, header)}: the {name} is empty"))
        said = [s for _, s in sorted(wrong, key=lambda w: w[0])]
        matched: Customer | Project | None = None
        if not said:
            matched = _match(found, kind, record)
            key: Any = matched.id if matched else ("name", name_key(record["name"]), record.get("customer"))
            ext = record.get("external_id")
            for k in (key, ("external", ext) if ext and not matched else None):
                if k is not None and k in seen:
                    said.append(f"{sheet.where(number, mapping.columns['name'].header)}: "
                                f"{one_line(record['name'])!r} is the same {kind[:-1]} as row {seen[k]}")
                    break
            else:
                seen[key] = number
                if ext and not matched:
                    seen[("external", ext)] = number
        if not said:
            try:
                planned = _planned(repo, kind, folder, record, matched, ids, number, show)
            except (RowProblem, HolpError) as e:
                said.append(f"{sheet.where(number)}: {e.message if isinstance(e, HolpError) else e}")
            else:
                if planned is None:
                    result.unchanged += 1
                else:
                    result.records.append(planned)
        if said:
            result.problems.extend(said)
            result.skipped.append(number)
        if said and not skip_invalid and len(result.problems) > 1000:
            result.problems.append("… (more rows not checked: the first thousand problems are enough to start)")
            break
    _make_new(repo, result, show)
    return result


def _make_new(repo: repository.Repository, result: Plan, show: Callable[[str], str]) -> None:
    """The new files' text: the template of `holp new` for them all, then the fields it does not write."""
    new = [p for p in result.records if p.making is not None]
    texts = new_files(repo, result.kind[:-1], [(p.making[0], p.making[1]) for p in new if p.making])
    failed: set[int] = set()
    for planned, text in zip(new, texts, strict=True):
        assert planned.making is not None
        planned.text = text.encode()
        rest = planned.making[2]
        if rest:
            try:
                planned.text = _text_for(show(planned.relative), planned.text, rest)
            except HolpError as e:
                result.problems.append(f"{result.sheet.where(planned.row)}: {e.message}")
                result.skipped.append(planned.row)
                failed.add(planned.row)
        planned.making = None
    if failed:
        result.records = [p for p in result.records if p.row not in failed]


def _match(found: _Index, kind: str, record: dict[str, Any]) -> Customer | Project | None:
    if record.get("id") in found.by_id:
        return found.by_id[record["id"]]
    if record.get("external_id") in found.by_external:
        return found.by_external[record["external_id"]]
    key = name_key(record["name"]) if kind == "customers" else (record["customer"], name_key(record["name"]))
    return found.by_name.get(key)


def _planned(repo: repository.Repository, kind: str, folder: str, record: dict[str, Any],
             matched: Customer | Project | None, ids: Iterator[str], row: int,
             show: Callable[[str], str]) -> Planned | None:
    stage = repo.process.stage(record.get("stage") or (matched.stage if isinstance(matched, Project) else ""))
    if stage is not None and record.get("probability") == stage.probability and (
            matched is None or _current(matched, "probability") is None):
        del record["probability"]  # the stage's own (an export writes every project's)
    if matched is not None:
        changes = [(n, v) for n, v in record.items() if n != "id" and not _same(_current(matched, n), v)]
        if isinstance(matched, Project) and record.get("region") == repo.region_of(matched):
            changes = [(n, v) for n, v in changes if n != "region"]  # its customer's region already
        if not changes:
            return None
        raw = (repo.root / matched.path).read_bytes()
        text = _text_for(show(matched.path), raw, changes)
        return Planned(row, matched.id, matched.path, False, matched.name, [n for n, _ in changes], raw, text)
    record = dict(record)
    if kind == "customers":
        if "owner" not in record:
            raise RowProblem("no owner: give a column or a default (defaults: owner: zhang.wei)")
        if "region" not in record:
            rep = repo.team.rep(record["owner"])
            if rep is None or rep.region is None:
                raise RowProblem("no region: give a column or a default (defaults: region: east)")
            record["region"] = rep.region
        region = record["region"]
    else:
        customer = repo.customers[record["customer"]]
        record.setdefault("owner", customer.owner)
        record.setdefault("stage", repo.process.stages[0].id)
        if record.get("region") == customer.region:
            del record["region"]
        region = record.get("region") or customer.region or ""
        if record["owner"] is None:
            raise RowProblem(f"customer {customer.id} has no owner: give an owner column or a default")
    record["id"] = record.get("id") or next(ids)
    path = record_path(repo, folder, region, record["id"])
    variables = _template_values(kind, record, repo)
    rest = [(n, v) for n, v in record.items() if n not in variables]
    return Planned(row, record["id"], repo.relative(path), True, record["name"], list(record), None,
                   making=(path, variables, rest))


def check_files(repo: repository.Repository, result: Plan) -> list[str]:
    """The new and edited files validated as `holp validate` validates them, in a repository that holds them
    (and no more their old versions): the problems, each naming its row."""
    if not result.records:
        return []
    show = repository.displayer(repo.root)
    folder = CUSTOMERS if result.kind == "customers" else PROJECTS
    replaced = {p.relative for p in result.records}
    shown = {show(r) for r in replaced}
    kept = [d for d in (repo.customer_docs if folder == CUSTOMERS else repo.project_docs) if d.path not in shown]
    gone = {p.record_id for p in result.records}
    customers = {k: v for k, v in repo.customers.items() if folder == PROJECTS or k not in gone}
    projects = {k: v for k, v in repo.projects.items() if folder == CUSTOMERS or k not in gone}
    changed = dataclasses.replace(
        repo, docs={k: v for k, v in repo.docs.items() if k not in replaced},
        customer_docs=kept if folder == CUSTOMERS else list(repo.customer_docs),
        project_docs=kept if folder == PROJECTS else list(repo.project_docs),
        customers=customers, projects=projects,
        duplicates=dict(repo.duplicates), unreadable=dict(repo.unreadable), entry_problems=list(repo.entry_problems))
    rows = {}
    for p in result.records:
        changed.add(Entry(folder, p.relative), yaml.read(show(p.relative), p.text))
        rows[show(p.relative)] = p.row
    said = []
    bad_rows: set[int] = set()
    for problem in validate(changed, lambda path: path in rows):
        if problem.severity == ERROR:
            row = rows[problem.path]
            bad_rows.add(row)
            said.append(f"{result.sheet.where(row)}: {problem.as_text()}")
    if bad_rows:
        result.records = [p for p in result.records if p.row not in bad_rows]
        result.skipped = sorted({*result.skipped, *bad_rows})
    return said
