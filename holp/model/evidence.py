"""Evidence rules: paths into a project and its customer that prove a checklist item.

An evidence rule is a path into the project, where ``customer`` stands for the
project's customer record:

    customer.contacts[role=coach]     a contact whose role is coach
    assessment.real                   the evaluation's first group, filled in
    payments[received]                a payment received in full
    payments[all:received]            every payment received in full (and at least one)
    payments[kind=advance][any:received]   an advance payment received in full
    visits[!next_step]                a visit without a next step
    assessment.grade[in=high,medium]  the evaluation graded high or medium
    approvals[item=proposal_reviewed][verdict=approved]   an approval of the item

A path holds when it resolves to something non-empty. Segments are names;
each may carry filters ``[key=value]``, ``[key]`` (non-empty), ``[!key]``
(empty or missing) or ``[N]`` (the Nth element, from 0). Lists are walked
through, so ``customer.contacts.name`` is every contact's name.

A condition may be quantified: ``[all:COND]`` keeps every element when
there is at least one and each matches COND (else nothing: an empty list
proves nothing), ``[any:COND]`` keeps the elements that match (the same as
``[COND]``, written for symmetry). A record may answer a condition itself
(a ``condition`` method): a payment answers ``received`` with whether it was
received in full (its receipts summed), not just whether a first receipt
was dated; ``payments.received`` is still the date written.

``[in=A,B]`` keeps the values that are one of A, B (a value itself, such as
the computed ``assessment.grade``, not a key of it). ``assessment.grade`` is
the grade the process gives the ten-criterion evaluation (``high``,
``medium``, ``low``; nothing while a criterion is unscored). ``approvals`` is the verdict that stands for each
item: its latest (by date, then the later in the file), so a rejection after an approval un-proves the item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from holp.model.activity import latest_verdicts
from holp.model.fields import MISSING, get, is_record

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\[\]]*\])*)")
_FILTER = re.compile(r"\[([^\[\]]*)\]")
_QUANTIFIER = re.compile(r"(all|any):(.*)\Z", re.DOTALL)
_CONDITION = re.compile(r"(!?)([A-Za-z_][A-Za-z0-9_-]*)(?:=(.*))?\Z|([0-9]+)\Z")


@dataclass(frozen=True)
class Root:
    """Where an evidence path starts: the project's fields, and ``customer`` for its customer; ``grade`` is the
    evaluation's grade, which ``assessment.grade`` finds."""

    project: Any
    customer: Any
    grade: str | None = None

    def child(self, name: str) -> Any:
        if name == "customer":
            return MISSING if self.customer is None else self.customer
        found = get(self.project, name)
        if name == "approvals" and isinstance(found, tuple):
            return latest_verdicts(found)  # a later rejection withdraws an approval
        return _Graded(found, self.grade) if name == "assessment" and found is not MISSING else found


@dataclass(frozen=True)
class _Graded:
    """The evaluation as a path sees it: its groups and notes, and the computed ``grade``."""

    assessment: Any
    grade: str | None

    def child(self, name: str) -> Any:
        if name == "grade":
            return MISSING if self.grade is None else self.grade
        return get(self.assessment, name)


class EvidenceSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class _Filter:
    negate: bool
    key: str | None
    value: str | None
    index: int | None
    quantifier: str | None = None  # "all" or "any"

    def apply(self, found: list[Any]) -> list[Any]:
        if self.index is not None:
            return found[self.index:self.index + 1]
        if self.key == "in" and self.value is not None and not self.negate:
            wanted = {v.strip() for v in self.value.split(",")}
            return [item for item in found if not isinstance(item, Mapping) and not is_record(item)
                    and str(item) in wanted]
        kept = [item for item in found if self.keep(item)]
        if self.quantifier == "all":
            return found if found and len(kept) == len(found) else []
        return kept

    def keep(self, item: Any) -> bool:
        if not isinstance(item, Mapping) and not is_record(item):
            return False
        assert self.key is not None
        found = _condition(item, self.key)
        found = None if found is MISSING else found
        if self.value is not None:
            return _same(found, self.value)
        return not filled(found) if self.negate else filled(found)


@dataclass(frozen=True)
class Evidence:
    """A parsed evidence rule."""

    text: str
    segments: tuple[tuple[str, tuple[_Filter, ...]], ...]

    def resolve(self, root: Any) -> list[Any]:
        """What the path finds in ``root`` (records, their values, mappings), without the empty."""
        current: list[Any] = [root]
        for name, filters in self.segments:
            found: list[Any] = []
            for value in current:
                child = get(value, name)
                if child is MISSING:
                    continue
                if isinstance(child, (list, tuple)):
                    found.extend(child)
                else:
                    found.append(child)
            for f in filters:
                found = f.apply(found)
            current = found
        return [v for v in current if filled(v)]


def parse_evidence(text: str) -> Evidence:
    """Parse a rule; raises EvidenceSyntaxError with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise EvidenceSyntaxError("an evidence rule is a non-empty path such as customer.contacts[role=coach]")
    segments = []
    for part in text.strip().split("."):
        match = _SEGMENT.fullmatch(part)
        if not match:
            raise EvidenceSyntaxError(f"'{part}' is not a path segment (name, then optional [filters])")
        filters = []
        for raw in _FILTER.findall(match.group(2)):
            filters.append(_parse_filter(raw))
        segments.append((match.group(1), tuple(filters)))
    return Evidence(text, tuple(segments))


def _parse_filter(raw: str) -> _Filter:
    text = raw.strip()
    quantified = _QUANTIFIER.match(text)
    quantifier = None
    if quantified:
        quantifier, text = quantified.group(1), quantified.group(2).strip()
    cond = _CONDITION.match(text)
    if quantifier and (not cond or cond.group(4) is not None):
        raise EvidenceSyntaxError(f"'[{raw}]': {quantifier}: takes a condition: [{quantifier}:key], "
                                  f"[{quantifier}:!key] or [{quantifier}:key=value]")
    if not cond:
        raise EvidenceSyntaxError(f"'[{raw}]' is not a filter: use [key=value], [key], [!key] or [N]")
    if cond.group(4) is not None:
        return _Filter(False, None, None, int(cond.group(4)))
    negate, key, value = cond.group(1) == "!", cond.group(2), cond.group(3)
    if negate and value is not None:
        raise EvidenceSyntaxError(f"'[{raw}]': [!key] takes no value")
    return _Filter(negate, key, value.strip() if value is not None else None, None, quantifier)


def _condition(item: Any, key: str) -> Any:
    """What a filter tests on ``item``: the record's own answer for ``key`` if it gives one, else the field."""
    answer = getattr(item, "condition", None)
    if callable(answer):
        found = answer(key)
        if found is not MISSING:
            return found
    return get(item, key)


def filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != () and value != {}


def _same(found: Any, wanted: str) -> bool:
    if isinstance(found, bool):
        return wanted == ("true" if found else "false")
    return found is not None and str(found) == wanted


def describe(value: Any) -> str:
    """A found value in a few words, for the reviewer: a record by its name, date or id."""
    if isinstance(value, Mapping) or is_record(value):
        for key in ("name", "date", "due", "id"):
            found = get(value, key)
            if found is not MISSING and filled(found):
                return str(found)
        items = value.items() if isinstance(value, Mapping) else (
            (k, v) for k, v in ((f, get(value, f)) for f in type(value).__dataclass_fields__) if v not in (None, ()))
        return ", ".join(f"{k}={v}" for k, v in items if not isinstance(v, (Mapping, list, tuple))
                         and not is_record(v) and k not in ("line", "path"))
    return str(value)


