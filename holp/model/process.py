"""The process (holp.yaml) and the team (team.yaml) as frozen dataclasses.

Builders here are lenient on purpose: they take data that may not have passed
the schema and never raise; a field of the wrong type reads as missing.
Strictness lives in `validate`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from holp.model import coerce
from holp.vocabulary import SELLING_ROLES

LOST = "lost"  # the terminal state of a lost deal: fixed by the file format, not a stage
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Choice:
    id: str
    label: Label


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: Label
    evidence: str | None = None


@dataclass(frozen=True)
class Stage:
    id: str
    label: Label
    probability: Decimal
    key_node: Label | None
    checklist: tuple[ChecklistItem, ...]
    index: int

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((i for i in self.checklist if i.id == item_id), None)


@dataclass(frozen=True)
class CriteriaGroup:
    id: str
    label: Label
    criteria: tuple[Choice, ...]


@dataclass(frozen=True)
class CreditTerm:
    """What a payment plan must hold for a customer of one credit class: at least ``min_advance`` of the amount
    as advance payments, unless (``guarantee_instead``) the project names a guarantee."""

    credit: str
    min_advance: Decimal
    guarantee_instead: bool


@dataclass(frozen=True)
class Kpi:
    """A KPI the team is scored on (绩效考核指标): which (one of `holp.vocabulary.KPI_KINDS`), its weight (the
    weights sum to 1) and its target where the KPI's own figure is measured against one (e.g. visits a month)."""

    id: str
    weight: Decimal
    target: Decimal | None = None


@dataclass(frozen=True)
class ApprovalRule:
    """An expense above ``above`` needs the approval of someone holding ``role`` (费用审批权限)."""

    above: Decimal
    role: str


@dataclass(frozen=True)
class Process:
    """holp.yaml: the stages in order and everything labelled around them."""

    company: str
    currency: str
    language: str
    stale_after_days: int
    won_from: str
    lost_reasons: tuple[Choice, ...]
    business_lines: tuple[Choice, ...]
    stages: tuple[Stage, ...]
    assessment: tuple[CriteriaGroup, ...]
    grades: Mapping[str, int]
    lost_label: Label
    risk_kinds: tuple[Choice, ...] = ()
    risk_review_days: int = 30
    revisit_every_days: int | None = None  # None: nobody is reminded to revisit
    credit_terms: tuple[CreditTerm, ...] = ()
    sources: tuple[Choice, ...] = ()  # where leads come from (客户来源)
    kpis: tuple[Kpi, ...] = ()
    expense_approval: tuple[ApprovalRule, ...] = ()  # by ``above``, lowest first
    display_unit: str | None = None  # how pages show money (holp.display): 元, 万元, 亿元, K, M
    repository_url: str | None = None  # the code host's page of the repository, for links to commits

    def approval_needed(self, amount: Decimal | None) -> ApprovalRule | None:
        """The strictest rule an expense of ``amount`` falls under (the highest ``above`` it exceeds), or None."""
        if amount is None:
            return None
        return next((r for r in reversed(self.expense_approval) if amount > r.above), None)

    def credit_term(self, credit: str | None) -> CreditTerm | None:
        return next((t for t in self.credit_terms if t.credit == credit), None) if credit else None

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    @property
    def won_index(self) -> int:
        stage = self.stage(self.won_from)
        return stage.index if stage else len(self.stages)

    def is_won(self, stage_id: str) -> bool:
        stage = self.stage(stage_id)
        return stage is not None and stage.index >= self.won_index

    def is_open(self, stage_id: str) -> bool:
        stage = self.stage(stage_id)
        return stage is not None and stage.index < self.won_index

    def next_stage(self, stage_id: str) -> Stage | None:
        stage = self.stage(stage_id)
        if stage is None or stage.index + 1 >= len(self.stages):
            return None
        return self.stages[stage.index + 1]

    def stage_label(self, stage_id: str, lang: str) -> str:
        if stage_id == LOST:
            return self.lost_label.get(lang)
        stage = self.stage(stage_id)
        return stage.label.get(lang) if stage else stage_id

    def choice_label(self, choices: tuple[Choice, ...], choice_id: str, lang: str) -> str:
        found = next((c for c in choices if c.id == choice_id), None)
        return found.label.get(lang) if found else choice_id


@dataclass(frozen=True)
class Region:
    id: str
    label: Label
    manager: str | None


@dataclass(frozen=True)
class Rep:
    id: str
    name: str
    email: str | None
    region: str | None
    role: str
    handle: str | None
    emails: tuple[str, ...] = ()  # the other addresses this rep commits with (a laptop's, a code host's)

    @property
    def all_emails(self) -> tuple[str, ...]:
        return (self.email, *self.emails) if self.email else self.emails

    @property
    def sells(self) -> bool:
        """Whether this member carries a target and is ranked (engineers, presales, executives are not)."""
        return self.role in SELLING_ROLES


@dataclass(frozen=True)
class Target:
    """An amount for a year, or for one quarter or month of it, of a region or a rep (a sales target, or an
    expense budget)."""

    year: int
    amount: Decimal
    region: str | None
    rep: str | None
    quarter: int | None = None
    month: int | None = None
    line: int = 0


@dataclass(frozen=True)
class Team:
    regions: tuple[Region, ...]
    reps: tuple[Rep, ...]
    targets: tuple[Target, ...]
    expense_budgets: tuple[Target, ...] = ()

    def rep(self, rep_id: str) -> Rep | None:
        return self._by_id.get(rep_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Rep]:
        found: dict[str, Rep] = {}
        for r in self.reps:
            found.setdefault(r.id, r)  # the first, as team.yaml lists them (validate says an id is used twice)
        return found

    @functools.cached_property
    def _by_email(self) -> dict[str, Rep]:
        """Each address (in lower case) → the first rep who commits with it: history asks it of every commit."""
        found: dict[str, Rep] = {}
        for r in self.reps:
            for e in r.all_emails:
                found.setdefault(e.lower(), r)
        return found

    @property
    def rep_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.reps)

    def region(self, region_id: str) -> Region | None:
        return next((r for r in self.regions if r.id == region_id), None)

    def target(self, year: int, *, region: str | None = None, rep: str | None = None, quarter: int | None = None,
               month: int | None = None) -> PeriodAmount | None:
        """The sales target of a region or a rep for a year, a quarter or a month of it (`period_amount`)."""
        return period_amount(self.targets, year, region=region, rep=rep, quarter=quarter, month=month)

    def budget(self, year: int, *, region: str | None = None, rep: str | None = None, quarter: int | None = None,
               month: int | None = None) -> PeriodAmount | None:
        """The expense budget of a region or a rep for a period, the same way as targets."""
        return period_amount(self.expense_budgets, year, region=region, rep=rep, quarter=quarter, month=month)

    def target_subjects(self, year: int) -> tuple[tuple[str, str], ...]:
        """Who has a sales target in ``year``, as ("region", id) or ("rep", id), in the order of team.yaml."""
        found: dict[tuple[str, str], None] = {}
        for t in self.targets:
            if t.year == year:
                found[("region", t.region) if t.region is not None else ("rep", t.rep or "")] = None
        return tuple(found)

    def rep_by_email(self, email: str) -> Rep | None:
        return self._by_email.get(email.lower())


@dataclass(frozen=True)
class PeriodAmount:
    """A target or budget for a period; ``split`` when (part of) it is a longer period's amount divided evenly (a
    year without quarters gives each quarter a fourth), so a report can say so."""

    amount: Decimal
    split: bool = False

    def plus(self, other: PeriodAmount) -> PeriodAmount:
        return PeriodAmount(self.amount + other.amount, self.split or other.split)


def period_amount(entries: tuple[Target, ...], year: int, *, region: str | None = None, rep: str | None = None,
                  quarter: int | None = None, month: int | None = None) -> PeriodAmount | None:
    """The amount ``entries`` give a region or a rep for a year, or a quarter or month of it.

    An entry written for exactly that period wins. Else a month is its quarter's entry divided by 3, or the
    year's by 12; a quarter is the sum of its months when any month has an entry, else the year's entry divided
    by 4; a year without an entry is the sum of its quarters. None when nothing is written for the period."""
    mine = [t for t in entries if t.year == year and t.region == region and t.rep == rep]

    def written(q: int | None, m: int | None) -> Decimal | None:
        total = [t.amount for t in mine if t.quarter == q and t.month == m]
        return sum(total, Decimal(0)) if total else None

    def of_month(m: int) -> PeriodAmount | None:
        if (exact := written(None, m)) is not None:
            return PeriodAmount(exact)
        if (whole := written((m - 1) // 3 + 1, None)) is not None:
            return PeriodAmount(whole / 3, True)
        return PeriodAmount(whole / 12, True) if (whole := written(None, None)) is not None else None

    def of_quarter(q: int) -> PeriodAmount | None:
        if (exact := written(q, None)) is not None:
            return PeriodAmount(exact)
        months = range(3 * q - 2, 3 * q + 1)
        if any(written(None, m) is not None for m in months):
            return _total([of_month(m) for m in months])
        return PeriodAmount(whole / 4, True) if (whole := written(None, None)) is not None else None

    if month is not None:
        return of_month(month)
    if quarter is not None:
        return of_quarter(quarter)
    if (exact := written(None, None)) is not None:
        return PeriodAmount(exact)
    return _total([of_quarter(q) for q in range(1, 5)])


def _total(parts: list[PeriodAmount | None]) -> PeriodAmount | None:
    found = [p for p in parts if p is not None]
    if not found:
        return None
    total = found[0]
    for part in found[1:]:
        total = total.plus(part)
    return total


def _text(data: Mapping[str, Any], key: str) -> str | None:
    return coerce.text(data.get(key))


def _int(data: Mapping[str, Any], key: str) -> int | None:
    return coerce.integer(data.get(key))


_map, _list, as_decimal = coerce.mapping, coerce.items, coerce.decimal


def label(value: Any, fallback: str) -> Label:
    data = _map(value)
    zh = _text(data, "zh") or _text(data, "en") or fallback
    en = _text(data, "en") or zh
    return Label(zh, en)


def choices(value: Any) -> tuple[Choice, ...]:
    result = []
    for entry in _list(value):
        if isinstance(entry, str):
            result.append(Choice(entry, Label(entry, entry)))
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            result.append(Choice(entry["id"], label(entry.get("label"), entry["id"])))
    return tuple(result)


def build_process(data: Any) -> Process:
    data = _map(data)
    stages: list[Stage] = []
    for entry in _list(data.get("stages")):
        entry = _map(entry)
        stage_id = _text(entry, "id")
        if not stage_id:
            continue
        items = []
        for item in _list(entry.get("checklist")):
            item = _map(item)
            item_id = _text(item, "id")
            if item_id:
                evidence = item.get("evidence")
                items.append(ChecklistItem(item_id, label(item.get("text"), item_id),
                                           evidence if isinstance(evidence, str) else None))
        key_node = entry.get("key_node")
        stages.append(Stage(
            id=stage_id,
            label=label(entry.get("label"), stage_id),
            probability=coerce.fraction(entry.get("probability")) or Decimal(0),
            key_node=label(key_node, "") if isinstance(key_node, Mapping) else None,
            checklist=tuple(items),
            index=len(stages),
        ))
    assessment = _map(data.get("assessment"))
    groups = []
    for group in _list(assessment.get("groups")):
        group = _map(group)
        group_id = _text(group, "id")
        if group_id:
            groups.append(CriteriaGroup(group_id, label(group.get("label"), group_id),
                                        choices(group.get("criteria"))))
    grades = {k: v for k, v in _map(assessment.get("grades")).items()
              if isinstance(v, int) and not isinstance(v, bool)}
    language = _text(data, "language")
    return Process(
        company=_text(data, "company") or "",
        currency=_text(data, "currency") or "CNY",
        language=language if language in LANGUAGES else "zh",
        stale_after_days=_int(data, "stale_after_days") or 30,
        won_from=_text(data, "won_from") or "",
        lost_reasons=choices(data.get("lost_reasons")),
        business_lines=choices(data.get("business_lines")),
        stages=tuple(stages),
        assessment=tuple(groups),
        grades=grades,
        lost_label=label(data.get("lost_label"), LOST),
        risk_kinds=choices(data.get("risk_kinds")),
        risk_review_days=_int(data, "risk_review_days") or 30,
        revisit_every_days=_int(data, "revisit_every_days"),
        credit_terms=tuple(
            CreditTerm(credit, coerce.fraction(t.get("min_advance")) or Decimal(0), t.get("guarantee_instead") is True)
            for t in map(_map, _list(data.get("credit_terms"))) if (credit := _text(t, "credit"))),
        sources=choices(data.get("sources")),
        kpis=tuple(Kpi(kpi_id, weight, coerce.decimal(k.get("target")))
                   for k in map(_map, _list(data.get("kpis")))
                   if (kpi_id := _text(k, "id")) and (weight := coerce.decimal(k.get("weight"))) is not None),
        expense_approval=tuple(sorted(
            (ApprovalRule(above, role) for r in map(_map, _list(data.get("expense_approval")))
             if (above := coerce.money(r.get("above"))) is not None and (role := _text(r, "role"))),
            key=lambda r: r.above)),
        display_unit=_text(data, "display_unit"),
        repository_url=_url(_text(data, "repository_url")),
    )


def _url(value: str | None) -> str | None:
    """An http(s) address without its trailing slash, else None: a page links nothing else (no javascript:)."""
    if value is None or not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        return None
    return value.rstrip("/")


def _targets(value: Any) -> tuple[Target, ...]:
    found = []
    for t in map(_map, _list(value)):
        year, amount = _int(t, "year"), coerce.money(t.get("amount"))
        if year is not None and amount is not None:
            found.append(Target(year, amount, _text(t, "region"), _text(t, "rep"), _int(t, "quarter"),
                                _int(t, "month"), coerce.line(t)))
    return tuple(found)


def build_team(data: Any) -> Team:
    data = _map(data)
    regions = tuple(
        Region(r["id"], label(r.get("label"), r["id"]), _text(r, "manager"))
        for r in map(_map, _list(data.get("regions"))) if isinstance(r.get("id"), str)
    )
    reps = tuple(
        Rep(r["id"], _text(r, "name") or r["id"], _text(r, "email"), _text(r, "region"),
            _text(r, "role") or "rep", _text(r, "handle"),
            tuple(e for e in _list(r.get("emails")) if isinstance(e, str) and e))
        for r in map(_map, _list(data.get("reps"))) if isinstance(r.get("id"), str)
    )
    return Team(regions, reps, _targets(data.get("targets")), _targets(data.get("expense_budgets")))


def load_process(doc: Any) -> Process | None:
    """holp.yaml's process from its document, or None when the file could not be read as a mapping."""
    if not doc.ok or not isinstance(doc.tree, Mapping):
        return None
    return build_process(doc.tree)


def load_team(doc: Any) -> Team:
    """team.yaml's team from its document (empty when it could not be read)."""
    return build_team(doc.tree)
