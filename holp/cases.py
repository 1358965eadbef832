"""The case library (成功案例, 业绩展示): finished projects a rep can tell a prospect about, with what they saved.

A case is a project with a `case:` that reached the stage of the project
summary (`holp.validate_cases.has_reached`; a case elsewhere is a validate
error and is never listed). Its customer is named only when
`case.reference_allowed` is true; otherwise the case is told without the name
(its industry, line and savings still count). Cases are ordered by the
savings a year, then the kWh a year, then the contract amount.

Before a visit a rep must know the cases of the customer's industry
(熟悉公司已做的相关行业的成功案例): `matching` gives the best three for a
project — same industry and business line first, then same line, then same
industry — leaving out the customer's own projects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from holp.fileset import PROJECTS
from holp.labels import Labels
from holp.model import Customer, Project
from holp.output import money, money_plain
from holp.repo import Repository
from holp.validate import name_key
from holp.validate_cases import has_reached

MATCHES = ("industry_line", "line", "industry")  # from the most relevant; the label of each is match_<kind>


@dataclass(frozen=True)
class Reference:
    """One case of the library: the project, its customer and region."""

    project: Project
    customer: Customer | None
    region: str | None

    @property
    def named(self) -> bool:
        return bool(self.project.case and self.project.case.reference_allowed)

    @property
    def industry(self) -> str | None:
        return self.customer.industry if self.customer else None

    @property
    def year(self) -> int | None:
        """The year the project was finished: its summary's date, else its expected close."""
        summary = self.project.summary
        day = summary.date if summary and summary.date else self.project.expected_close
        return day.year if day else None

    def order(self) -> tuple[Any, ...]:
        s = self.project.summary
        amount, kwh = (s.savings_amount, s.savings_kwh) if s else (None, None)
        return (-(amount or Decimal(-1)), -(kwh or Decimal(-1)), -(self.project.amount or Decimal(-1)),
                self.project.id)


def library(repo: Repository) -> list[Reference]:
    """Every case of the repository, the largest savings first."""
    found = [Reference(p, repo.customer_of(p), repo.region_of(p)) for p in repo.projects.values()
             if p.case is not None and has_reached(repo.process, p) and (PROJECTS, p.id) not in repo.duplicates]
    return sorted(found, key=Reference.order)


def same(a: str | None, b: str | None) -> bool:
    """One industry however written (blanks, case, full-width letters aside)."""
    return a is not None and b is not None and name_key(a) == name_key(b) != ""


def select(cases: Iterable[Reference], *, industries: tuple[str, ...] = (), lines: tuple[str, ...] = (),
           regions: tuple[str, ...] = ()) -> list[Reference]:
    """The cases matching every given filter; within one filter, any value."""
    return [c for c in cases
            if (not industries or any(same(c.industry, i) for i in industries))
            and (not lines or c.project.business_line in lines)
            and (not regions or c.region in regions)]


def matching(repo: Repository, project: Project, count: int = 3) -> list[tuple[Reference, str]]:
    """The best ``count`` cases to mention at ``project``'s customer, each with how it matches (`MATCHES`)."""
    customer = repo.customer_of(project)
    industry = customer.industry if customer else None
    ranked = []
    for case in library(repo):
        if case.project.customer == project.customer:
            continue
        same_line = project.business_line is not None and case.project.business_line == project.business_line
        same_industry = same(case.industry, industry)
        kind = ("industry_line" if same_line and same_industry else "line" if same_line
                else "industry" if same_industry else None)
        if kind is not None:
            ranked.append((MATCHES.index(kind), case, kind))
    ranked.sort(key=lambda r: (r[0], r[1].order()))
    return [(case, kind) for _, case, kind in ranked[:count]]


def _number(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def as_record(repo: Repository, case: Reference) -> dict[str, Any]:
    """A case as JSON: money as two-place text, kWh and years exact; the customer's name and the contact only
    when the customer may be named."""
    p, c = case.project, case.project.case
    s = p.summary
    assert c is not None
    return {
        "project": p.id, "name": p.name, "customer_id": p.customer,
        "customer": case.customer.name if case.named and case.customer else None,
        "industry": case.industry, "business_line": p.business_line, "region": case.region, "year": case.year,
        "amount": money_plain(p.amount) if p.amount is not None else None,
        "savings_kwh": _number(s.savings_kwh) if s else None,
        "savings_amount": money_plain(s.savings_amount) if s and s.savings_amount is not None else None,
        "payback_years": _number(s.payback_years) if s else None,
        "highlights": c.highlights, "reference_allowed": case.named, "site_visit_allowed": bool(c.site_visit_allowed),
        "contact": c.contact if case.named else None,
    }


def as_row(repo: Repository, case: Reference, label: Labels) -> dict[str, str]:
    """A case in words, in the rep's language (tables, Markdown and the forms)."""
    p, c, lang, process = case.project, case.project.case, label.lang, repo.process
    s = p.summary
    assert c is not None
    region = repo.team.region(case.region or "")
    return {
        "project": p.id, "name": p.name,
        "customer": case.customer.name if case.named and case.customer else f"({label('case_unnamed')})",
        "industry": case.industry or "",
        "business_line": process.choice_label(process.business_lines, p.business_line or "", lang),
        "region": region.label.get(lang) if region else (case.region or ""),
        "year": str(case.year or ""), "amount": money(p.amount),
        "savings_kwh": f"{s.savings_kwh:,}" if s and s.savings_kwh is not None else "",
        "savings_amount": money(s.savings_amount) if s else "",
        "payback_years": str(s.payback_years) if s and s.payback_years is not None else "",
        "site_visit": label("case_yes" if c.site_visit_allowed else "case_no"),
        "contact": (c.contact or "") if case.named else "", "highlights": c.highlights or "",
    }


def form_context(repo: Repository, project: Project, label: Labels) -> dict[str, Any]:
    """What the forms show of the summary, the project's own case and the cases to mention at its customer:
    text only, every value present ("" when not written), so a template never meets an undefined name."""
    s = project.summary
    summary: dict[str, Any] = {k: "" if s is None or getattr(s, k) is None else str(getattr(s, k))
                               for k in ("date", "went_well", "went_wrong", "lessons", "payback_years", "note")}
    summary.update(written=s is not None, savings_kwh=f"{s.savings_kwh:,}" if s and s.savings_kwh is not None else "",
                   savings_amount=money(s.savings_amount) if s else "")
    c = project.case
    case = None if c is None else {
        "reference": label("case_yes" if c.reference_allowed else "case_no"),
        "site_visit": label("case_yes" if c.site_visit_allowed else "case_no"),
        "contact": c.contact or "", "highlights": c.highlights or ""}
    found = [{**as_row(repo, ref, label), "match": kind, "match_label": label(f"match_{kind}")}
             for ref, kind in matching(repo, project)]
    return {"summary": summary, "case": case, "matching_cases": found}
