"""Customers and projects, and everything a file of theirs holds, as frozen dataclasses.

Each record is declared once (see `holp.model.fields`): a field's name is its
key in the file, its metadata says how it is read and what its JSON Schema
is. Every record keeps where it came from: the file (``path``, on customers
and projects) and the 1-based ``line`` its mapping starts on. Keys a team
adds itself (``x_...``) and keys holp does not know are kept in ``extra``;
validation reports the unknown ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from holp.inert import ID_PATTERN
from holp.model import coerce
from holp.model.activity import Approval, Expense, Task
from holp.model.base import (
    DATE,
    FLAG,
    ID,
    MAX_MONEY,
    MONEY,
    MONEY_KEYS,
    QUANTITY,
    QUANTITY_KEYS,
    SCORE,
    STRING,
    TEXT,
    TEXTS,
    TICK,
    Record,
    array_of,
    date,
    decimal,
    enum_of,
    flag,
    integer,
    money,
    or_empty,
    strings,
    text,
    texts,
)
from holp.model.fields import MISSING, build, key, record, records, schema_of
from holp.model.process import LOST
from holp.vocabulary import ACTION_KINDS, CLASSES, LEVELS, PAYMENT_KINDS, SERVICE_KINDS

ROLES = ("decision_maker", "technical_gatekeeper", "business_gatekeeper", "coach", "project_lead", "user", "other")
STANCES = ("supporter", "neutral", "opponent", "unknown")
PERSONALITIES = ("tiger", "peacock", "owl", "koala")
TRENDS = ("up", "down", "same")

__all__ = ["ID_PATTERN", "MAX_MONEY", "MONEY_KEYS", "QUANTITY_KEYS", "Approval", "Expense", "Task"]


def _source_schema(process: Any) -> dict[str, Any]:
    ids = [c.id for c in getattr(process, "sources", ())]
    return {"enum": ids} if ids else TEXT


def gross_profit(amount: Decimal | None, cost: Decimal | None, margin: Decimal | None) -> Decimal | None:
    """What a deal earns: its amount less its cost, or its amount times its margin; None when neither is known."""
    if amount is None:
        return None
    if cost is not None:
        return amount - cost
    return amount * margin if margin is not None else None


# -- customers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact(Record):
    """A key person (关键人物) at a customer."""

    name: str = key(TEXT, lambda v: text(v) or "", required=True, default="")
    title: str | None = key(STRING, text)
    department: str | None = key(STRING, text)
    role: str | None = key(enum_of(ROLES), text)
    stance: str | None = key(enum_of(STANCES), text)
    influence: str | None = key(enum_of(LEVELS), text)
    personality: str | None = key(enum_of(PERSONALITIES), text)
    closeness: int | None = key(SCORE, integer)
    trust: int | None = key(SCORE, integer)
    phone: str | None = key(STRING, text)
    email: str | None = key(STRING, text)
    gender: str | None = key(STRING, text)
    age: int | None = key({"type": "integer", "minimum": 0, "maximum": 130}, integer)
    birthday: str | None = key(STRING, text)
    hometown: str | None = key(STRING, text)
    education: str | None = key(STRING, text)
    interests: str | None = key(STRING, text)
    family: str | None = key(STRING, text)
    background: str | None = key(STRING, text)
    introduced_by: str | None = key(STRING, text)
    influenced_by: tuple[str, ...] = key(TEXTS, texts, default=())
    influences: tuple[str, ...] = key(TEXTS, texts, default=())
    focus: str | None = key(STRING, text)
    counterpart: str | None = key(ID, text)  # who of our team (team.yaml) keeps this person
    notes: str | None = key(STRING, text)


@dataclass(frozen=True)
class Customer(Record):
    id: str = key(ID, lambda v: text(v) or "", required=True, default="")
    name: str = key(TEXT, text, required=True, default="")
    short_name: str | None = key(STRING, text)
    industry: str | None = key(STRING, text)
    region: str | None = key(ID, text, required=True)
    owner: str | None = key(ID, text, required=True)
    credit: str | None = key(STRING, text)
    address: str | None = key(STRING, text)
    website: str | None = key(STRING, text)
    size: str | None = key(STRING, text)
    class_: str | None = key(enum_of(CLASSES), text)  # A 类客户 are called on first
    external_id: str | None = key(STRING, text)  # its id in another CRM or a spreadsheet, for `holp import`
    source: str | None = key(_source_schema, text)  # where the lead came from (holp.yaml `sources`)
    overview: Mapping[str, str] = key(or_empty({"type": "object", "additionalProperties": STRING}), strings,
                                      factory=dict)
    contacts: tuple[Contact, ...] = key(lambda _: array_of(Contact, extensions=True), records(Contact), default=())
    tasks: tuple[Task, ...] = key(lambda _: array_of(Task), records(Task), default=())
    expenses: tuple[Expense, ...] = key(lambda _: array_of(Expense), records(Expense), default=())
    notes: str | None = key(STRING, text)
    tags: tuple[str, ...] = key(TEXTS, texts, default=())
    path: str = ""


# -- projects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Findings(Record):
    """What a visit brought back (拜访记录): policy, personnel, needs, activities."""

    policy: str | None = key(STRING, text)
    personnel: str | None = key(STRING, text)
    needs: str | None = key(STRING, text)
    activities: str | None = key(STRING, text)


@dataclass(frozen=True)
class ContactChange(Record):
    """How a visit moved a key person's closeness (亲近度) and trust (信任度)."""

    contact: str | None = key(TEXT, text, required=True)
    closeness: str | None = key(enum_of(TRENDS), text)
    trust: str | None = key(enum_of(TRENDS), text)


@dataclass(frozen=True)
class Visit(Record):
    date: dt.date | None = key(DATE, date, required=True)
    by: tuple[str, ...] = key({"anyOf": [ID, {"type": "array", "items": ID, "minItems": 1}]}, texts,
                              required=True, default=())
    met: tuple[str, ...] = key(TEXTS, texts, default=())
    purpose: str | None = key(STRING, text)
    findings: Findings | None = key(lambda _: schema_of(Findings, extensions=True), record(Findings))
    changes: tuple[ContactChange, ...] = key(lambda _: {"type": "array", "items": schema_of(ContactChange)},
                                             records(ContactChange), default=())
    next_step: str | None = key(STRING, text)
    next_step_due: dt.date | None = key(DATE, coerce.date)  # by when the next step is to be taken
    notes: str | None = key(STRING, text)


@dataclass(frozen=True)
class CollectionAction(Record):
    """A step of collecting an overdue payment (收款: 电话催款, 发函催款, 上门催款, 法律诉讼)."""

    date: dt.date | None = key(DATE, date, required=True)
    kind: str | None = key(enum_of(ACTION_KINDS), text, required=True)
    by: str | None = key(ID, text)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class Receipt(Record):
    """One receipt of money against a payment, when it is paid in parts."""

    date: dt.date | None = key(DATE, date, required=True)
    amount: Decimal | None = key(MONEY, money, required=True)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class Payment(Record):
    """A payment of the plan: what is due when, and what came in. The first receipt is `received` (its date)
    with `received_amount` (the whole amount when left out); later ones are listed under `receipts`."""

    due: dt.date | None = key(DATE, date, required=True)
    amount: Decimal | None = key(MONEY, money, required=True)
    received: dt.date | None = key(DATE, date)
    received_amount: Decimal | None = key(MONEY, money)
    kind: str | None = key(enum_of(PAYMENT_KINDS), text)
    invoiced: dt.date | None = key(DATE, date)
    receipts: tuple[Receipt, ...] = key(lambda _: array_of(Receipt), records(Receipt), default=())
    collector: str | None = key(ID, text)
    actions: tuple[CollectionAction, ...] = key(lambda _: array_of(CollectionAction), records(CollectionAction),
                                                default=())
    note: str | None = key(STRING, text)

    @property
    def paid(self) -> Decimal:
        """Everything received, summed exactly."""
        first = Decimal(0)
        if self.received_amount is not None:
            first = self.received_amount
        elif self.received is not None and not self.receipts:
            first = self.amount or Decimal(0)
        return first + sum((r.amount or Decimal(0) for r in self.receipts), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal(0), (self.amount or Decimal(0)) - self.paid)

    @property
    def fully_received(self) -> bool:
        return self.amount is not None and self.paid >= self.amount

    @property
    def last_received(self) -> dt.date | None:
        dates = [d for d in (self.received, *(r.date for r in self.receipts)) if d is not None]
        return max(dates) if dates else None

    @property
    def last_action(self) -> CollectionAction | None:
        dated = [a for a in self.actions if a.date is not None]
        return max(dated, key=lambda a: a.date or dt.date.min) if dated else None

    def condition(self, name: str) -> Any:
        """What an evidence filter tests (`holp.model.evidence`): ``received`` is received in full, the receipts
        summed (``payments[all:received]``), not only a first receipt dated; other names are the fields."""
        if name == "received":
            return self.last_received if self.fully_received else None
        return MISSING


def _risk_kind_schema(process: Any) -> dict[str, Any]:
    ids = [c.id for c in getattr(process, "risk_kinds", ())]
    return {"enum": ids} if ids else TEXT


@dataclass(frozen=True)
class Risk(Record):
    """A risk of the register (风险): its kind (holp.yaml's `risk_kinds`), level, what is done about it, whose
    it is and when it was last looked at."""

    kind: str | None = key(_risk_kind_schema, text, required=True)
    level: str | None = key(enum_of(LEVELS), text, required=True)
    note: str | None = key(STRING, text)
    mitigation: str | None = key(STRING, text)
    owner: str | None = key(ID, text)
    reviewed: dt.date | None = key(DATE, date)


@dataclass(frozen=True)
class ServiceItem(Record):
    """An after-sales item (售后服务): a complaint (投诉单), feedback, a warranty case, a revisit (回访) or a
    training; `from` is the customer's contact who raised it."""

    date: dt.date | None = key(DATE, date, required=True)
    kind: str | None = key(enum_of(SERVICE_KINDS), text, required=True)
    from_: str | None = key(TEXT, text)
    severity: str | None = key(enum_of(LEVELS), text)
    summary: str | None = key(STRING, text)
    owner: str | None = key(ID, text)
    due: dt.date | None = key(DATE, coerce.date)
    resolved: dt.date | None = key(DATE, coerce.date)
    resolution: str | None = key(STRING, text)
    satisfaction: int | None = key(SCORE, integer)
    note: str | None = key(STRING, text)

    @property
    def is_open(self) -> bool:
        return self.resolved is None and self.kind not in ("revisit", "training")


@dataclass(frozen=True)
class Warranty(Record):
    """The warranty (质保): the certificate issued (开具质保书) and until when it runs."""

    issued: dt.date | None = key(DATE, date)
    until: dt.date | None = key(DATE, date)
    certificate: str | None = key(STRING, text)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class ProjectSummary(Record):
    """The project summary written at the implementation evaluation (项目实施评估): 经验, 教训, savings."""

    date: dt.date | None = key(DATE, date)
    went_well: str | None = key(STRING, text)
    went_wrong: str | None = key(STRING, text)
    lessons: str | None = key(STRING, text)
    savings_kwh: Decimal | None = key(QUANTITY, decimal)  # per year
    savings_amount: Decimal | None = key(MONEY, money)  # per year, in the currency
    payback_years: Decimal | None = key(QUANTITY, decimal)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class Case(Record):
    """A reference case (成功案例, 业绩展示): whether the customer may be named and visited, whom to ask."""

    reference_allowed: bool | None = key(FLAG, flag)
    site_visit_allowed: bool | None = key(FLAG, flag)
    contact: str | None = key(STRING, text)
    highlights: str | None = key(STRING, text)


@dataclass(frozen=True)
class Competitor(Record):
    name: str | None = key(TEXT, text, required=True)
    strength: str | None = key(STRING, text)
    weakness: str | None = key(STRING, text)
    relationship: str | None = key(STRING, text)
    note: str | None = key(STRING, text)


def _competitors(value: Any) -> tuple[Competitor, ...]:
    """A competitor is a name, or a mapping with a name and what is known of them."""
    found = []
    for item in coerce.items(value):
        if isinstance(item, Mapping):
            found.append(build(Competitor, item))
        elif (name := text(item)) is not None:
            found.append(Competitor(name=name))
    return tuple(found)


@dataclass(frozen=True)
class Lost(Record):
    reason: str | None = key(lambda p: {"enum": [c.id for c in p.lost_reasons]}, text, required=True)
    stage: str | None = key(lambda p: {"enum": list(p.stage_ids)}, text)
    date: dt.date | None = key(DATE, date)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class Assessment:
    """The ten-criterion opportunity evaluation (销售机会评估表): scores 1–5 by group, and notes."""

    scores: Mapping[str, Mapping[str, int]]
    notes: Mapping[str, str]

    def as_plain(self) -> dict[str, Any]:
        found: dict[str, Any] = {group: dict(scores) for group, scores in self.scores.items()}
        if self.notes:
            found["notes"] = dict(self.notes)
        return found

    def child(self, name: str) -> Any:
        """What an evidence path finds here: ``assessment.real`` is a group's scores, ``assessment.notes`` the notes."""
        from holp.model.fields import MISSING

        if name == "notes":
            return self.notes
        return self.scores.get(name, MISSING)

    @staticmethod
    def read(value: Any) -> Assessment:
        data = coerce.mapping(value)
        scores = {group: {k: v for k, v in s.items() if coerce.integer(v) is not None}
                  for group, s in data.items() if group != "notes" and isinstance(s, Mapping)}
        return Assessment(scores, strings(data.get("notes")))

    @staticmethod
    def schema(process: Any) -> dict[str, Any]:
        groups: dict[str, Any] = {
            g.id: {"type": "object", "properties": {c.id: SCORE for c in g.criteria}, "additionalProperties": False}
            for g in process.assessment
        }
        groups["notes"] = {"type": "object", "additionalProperties": STRING}
        return or_empty({"type": "object", "properties": groups, "additionalProperties": False})


def _ticks(value: Any) -> Mapping[str, Mapping[str, str]]:
    """Manual checklist ticks by stage, as written (text only): the gate judges which are ticks (`coerce.tick`)."""
    return {stage: {item: tick for item, tick in coerce.mapping(ticks).items() if isinstance(tick, str)}
            for stage, ticks in coerce.mapping(value).items()}


def _checklist_schema(process: Any) -> dict[str, Any]:
    return or_empty({"type": "object", "additionalProperties": False, "properties": {
        stage.id: or_empty({"type": "object", "additionalProperties": False,
                            "properties": {item.id: TICK for item in stage.checklist}})
        for stage in process.stages}})


def _business_line_schema(process: Any) -> dict[str, Any]:
    ids = [c.id for c in process.business_lines]
    return {"enum": ids} if ids else TEXT


def _competitor_schema(_: Any) -> dict[str, Any]:
    return or_empty({"type": "array", "items": {"anyOf": [TEXT, schema_of(Competitor)]}})


@dataclass(frozen=True)
class Project(Record):
    id: str = key(ID, lambda v: text(v) or "", required=True, default="")
    name: str = key(TEXT, text, required=True, default="")
    customer: str | None = key(ID, text, required=True)
    owner: str | None = key(ID, text, required=True)
    business_line: str | None = key(_business_line_schema, text)
    region: str | None = key(ID, text)  # its own; else its customer's (Repository.region_of)
    amount: Decimal | None = key(MONEY, money)
    cost: Decimal | None = key(MONEY, money)  # what delivering it costs us, for the gross profit
    margin: Decimal | None = key({"type": "number", "minimum": 0, "maximum": 1}, coerce.fraction)  # or this share
    source: str | None = key(_source_schema, text)  # where the lead came from; else its customer's
    external_id: str | None = key(STRING, text)  # its id in another CRM or a spreadsheet, for `holp import`
    expected_close: dt.date | None = key(DATE, date)
    stage: str = key(lambda p: {"enum": [*p.stage_ids, LOST]}, lambda v: text(v) or "", required=True, default="")
    probability: Decimal | None = key({"type": "number", "minimum": 0, "maximum": 1}, coerce.fraction)
    checklist: Mapping[str, Mapping[str, str]] = key(_checklist_schema, _ticks, factory=dict)
    approvals: tuple[Approval, ...] = key(lambda _: array_of(Approval), records(Approval), default=())
    lost: Lost | None = key(lambda p: schema_of(Lost, p), record(Lost))
    assessment: Assessment = key(Assessment.schema, Assessment.read, factory=lambda: Assessment({}, {}))
    competitors: tuple[Competitor, ...] = key(_competitor_schema, _competitors, default=())
    risks: tuple[Risk, ...] = key(lambda p: array_of(Risk, process=p), records(Risk), default=())
    visits: tuple[Visit, ...] = key(lambda p: or_empty({"type": "array", "items": schema_of(Visit, p, extensions=True)}),
                                    records(Visit), default=())
    payments: tuple[Payment, ...] = key(lambda _: array_of(Payment), records(Payment), default=())
    guarantee: str | None = key(STRING, text)  # a guarantee of payment (担保, 保函), for the credit terms
    service: tuple[ServiceItem, ...] = key(lambda _: array_of(ServiceItem), records(ServiceItem), default=())
    warranty: Warranty | None = key(lambda _: schema_of(Warranty), record(Warranty))
    summary: ProjectSummary | None = key(lambda _: schema_of(ProjectSummary), record(ProjectSummary))
    case: Case | None = key(lambda _: schema_of(Case), record(Case))
    tasks: tuple[Task, ...] = key(lambda _: array_of(Task), records(Task), default=())
    expenses: tuple[Expense, ...] = key(lambda _: array_of(Expense), records(Expense), default=())
    notes: str | None = key(STRING, text)
    tags: tuple[str, ...] = key(TEXTS, texts, default=())
    path: str = ""

    @property
    def lost_reason(self) -> str | None:
        return self.lost.reason if self.lost else None

    @property
    def gross_profit(self) -> Decimal | None:
        return gross_profit(self.amount, self.cost, self.margin)


def record_from(folder: str, doc: Any, path: str) -> Customer | Project | None:
    """The customer (folder ``customers``) or project a read document holds, or None without an id."""
    return (customer_from if folder == "customers" else project_from)(doc.tree, path)


def customer_from(tree: Any, path: str) -> Customer | None:
    """The customer a file's values hold, or None without an id."""
    if not isinstance(tree, Mapping) or not text(tree.get("id")):
        return None
    customer = build(Customer, tree, path)
    return customer if customer.name else dataclasses.replace(customer, name=customer.id)


def project_from(tree: Any, path: str) -> Project | None:
    """The project a file's values hold, or None without an id."""
    if not isinstance(tree, Mapping) or not text(tree.get("id")):
        return None
    project = build(Project, tree, path)
    return project if project.name else dataclasses.replace(project, name=project.id)
