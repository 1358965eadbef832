"""What each page of the static site (holp.site) shows: plain data for the templates of templates/site/.

Templates see only dicts, lists and strings built here (as the forms do, holp.forms), money already text in the
display unit of holp.yaml (holp.display), and a `links` object that knows where each page lies relative to the
page that links. Nothing here names a stage id: lists of deals come from the process and the team.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from holp.display import Display
from holp.forms import context as form_context
from holp.gates import gate
from holp.history import History, Transition
from holp.labels import Labels
from holp.model import Customer, Project, Team
from holp.pipeline import weighted
from holp.repo import Repository
from holp.reports.common import Report, Table, state, won_dates
from holp.reports.dashboard import fill
from holp.reports.forecast import TargetFigures
from holp.snapshot import Deal, Snapshot
from holp.week_log import Tick

_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")


def slug(value: str) -> str:
    """A file name for an id: the id itself when it is plain, else a hash of it (never a path, never `..`)."""
    if _SAFE.fullmatch(value) and ".." not in value:
        return value
    return "x-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Links:
    """Where the pages lie, relative to a page ``depth`` folders below the site's root."""

    depth: int = 0

    @property
    def root(self) -> str:
        return "../" * self.depth

    def index(self) -> str:
        return f"{self.root}index.html"

    def project(self, project_id: str) -> str:
        return f"{self.root}projects/{slug(project_id)}.html"

    def customer(self, customer_id: str) -> str:
        return f"{self.root}customers/{slug(customer_id)}.html"

    def rep(self, rep_id: str) -> str:
        return f"{self.root}reps/{slug(rep_id)}.html"

    def list(self, name: str) -> str:
        return f"{self.root}lists/{slug(name)}.html"

    def asset(self, name: str) -> str:
        return f"{self.root}{name}"


def commit_url(repository_url: str | None, sha: str) -> str:
    """The commit's page on the code host, or "" (only an http(s) URL is ever linked)."""
    if not repository_url or not re.fullmatch(r"https?://[^\s\"'<>]+", repository_url) or \
            not re.fullmatch(r"[0-9a-f]{7,64}", sha):
        return ""
    return f"{repository_url.rstrip('/')}/commit/{sha}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def rep_name(team: Team, rep_id: str | None) -> str:
    rep = team.rep(rep_id) if rep_id else None
    return rep.name if rep else (rep_id or "")


def tables(report: Report, label: Labels, shown: Display, known: Mapping[str, str]) -> list[dict[str, Any]]:
    """A report's tables as text cells (money in the display unit), for a template to lay out; a cell that is the
    id of a record in ``known`` (id → "project" or "customer") links to its page."""
    return [_table(t, shown, known) for t in report.tables(label)]


def _table(t: Table, shown: Display, known: Mapping[str, str]) -> dict[str, Any]:
    right = set(t.money) | set(t.numbers)
    headers = [f"{h} ({shown.unit})" if i in t.money else h for i, h in enumerate(t.headers)]
    rows = [[{"text": text, "kind": known.get(text, "")}
             for text in (shown.amount(v) if i in t.money and isinstance(v, Decimal) else _text(v)
                          for i, v in enumerate(row))] for row in t.rows]
    return {"caption": t.caption, "headers": headers, "rows": rows,
            "right": [i in right for i in range(len(t.headers))]}


# -- lists of deals ----------------------------------------------------------------------

@dataclass(frozen=True)
class DealList:
    name: str  # its page: lists/<name>.html
    title: str
    deals: tuple[tuple[Deal, str], ...]  # each deal with what puts it on the list ("45 days overdue")
    column: str = "site_why"  # the label of that column
    flag: bool = True  # what puts a deal on the list is a warning (⚠), not a plain fact such as the day it was won
    total: Decimal | None = None  # the figure the list adds up to, when it is not the deals' amounts
    total_label: str = "site_total_amount"
    weighted: Decimal | None = None  # open deals: their weighted amount, as the funnel and the pipeline card show it

    def summary(self, label: Labels, shown: Display) -> str:
        """The line under the list's title: how many deals and what they add up to ("8 个项目 · 合计 3,900.00 万元")."""
        total = self.total if self.total is not None else sum((d.amount or Decimal(0) for d, _ in self.deals),
                                                              Decimal(0))
        line = f"{fill(label('site_count'), n=str(len(self.deals)))} · {label(self.total_label)} " \
               f"{shown.with_unit(total)}"
        return line if self.weighted is None else f"{line} · {label('dash_weighted_label')} " \
                                                  f"{shown.with_unit(self.weighted)}"


def deal_lists(snap: Snapshot, hist: History | None, label: Labels, shown: Display,
               stalled: Iterable[tuple[str, int | None]], overdue: Iterable[tuple[str, int, Decimal]],
               targets: Iterable[TargetFigures] = ()) -> list[DealList]:
    """Every list a figure of the dashboard links to: by stage, won by year, open, overdue receivables, stalled,
    open complaints, by region and by rep, and the deals behind each target's forecast. ``stalled``, ``overdue``
    and ``targets`` come from the reports that count them."""
    process, lang = snap.process, label.lang
    by_id = {d.id: d for d in snap.deals}
    deals = sorted(snap.deals, key=lambda d: d.id)

    def weighted_if_open(members: Sequence[Deal]) -> Decimal | None:
        if not members or any(state(process, d) != "open" for d in members):
            return None
        return sum((weighted(process, d) for d in members), Decimal(0))

    found: list[DealList] = []
    for s in process.stages:
        members = [d for d in deals if d.stage == s.id]
        found.append(DealList(f"stage-{s.id}", f"{label('stage')}: {s.label.get(lang)}",
                              tuple((d, "") for d in members), weighted=weighted_if_open(members)))
    won = won_dates(process, hist, snap)
    for year in sorted({day.year for day in won.values()} | {snap.as_of.year}):  # this year's, even empty
        found.append(DealList(f"won-{year}", f"{label('won')} {year}",
                              tuple((by_id[i], won[i].isoformat()) for i in sorted(won) if won[i].year == year
                                    and i in by_id), column="site_won_on", flag=False))
    members = [d for d in deals if state(process, d) == "open"]
    found.append(DealList("open", label("open"), tuple((d, "") for d in members), weighted=weighted_if_open(members)))
    late: dict[str, list[str]] = {}
    owed = Decimal(0)
    for project_id, days, outstanding in overdue:
        late.setdefault(project_id, []).append(f"{days} {label('days')} · {shown.with_unit(outstanding)}")
        owed += outstanding if project_id in by_id else Decimal(0)
    found.append(DealList("overdue", label("site_overdue_receivables"),
                          tuple((by_id[i], "; ".join(late[i])) for i in sorted(late) if i in by_id),
                          total=owed, total_label="site_total_overdue"))
    found.append(DealList("stalled", label("report_stalled"),
                          tuple((by_id[i], f"{days} {label('days')}" if days is not None else "")
                                for i, days in sorted(stalled) if i in by_id)))
    complaints = [(d, "; ".join(_text(s.summary) for s in d.service if s.kind == "complaint" and s.resolved is None))
                  for d in deals if any(s.kind == "complaint" and s.resolved is None for s in d.service)]
    found.append(DealList("complaints", label("site_open_complaints"), tuple(complaints)))
    for region in snap.team.regions:
        found.append(DealList(f"region-{region.id}", f"{label('region')}: {region.label.get(lang)}",
                              tuple((d, "") for d in deals if snap.region(d) == region.id)))
    for rep in snap.team.reps:
        found.append(DealList(f"rep-{rep.id}", f"{label('owner')}: {rep.name}",
                              tuple((d, "") for d in deals if d.owner == rep.id)))
    for t in targets:
        found.append(DealList(
            f"forecast-{t.kind}-{t.id}", f"{label('forecast')} {snap.as_of.year}: {t.label}",
            tuple((by_id[i], label("won") if part is None else f"{label('dash_weighted_label')} {shown.amount(part)}")
                  for i, part in t.deals if i in by_id),
            column="site_counts_as", flag=False, total=t.forecast, total_label="forecast"))
    return found


def deal_rows(snap: Snapshot, deals: Sequence[tuple[Deal, str]], label: Labels, shown: Display) -> list[dict[str, Any]]:
    """The rows of a table of deals: each with its links' targets (ids) and its text."""
    rows = []
    for deal, why in deals:
        account = snap.accounts.get(deal.customer or "")
        rows.append({"id": deal.id, "name": deal.name, "customer": deal.customer or "",
                     "customer_name": account.name if account else (deal.customer or ""),
                     "customer_known": account is not None, "owner": deal.owner or "",
                     "owner_name": rep_name(snap.team, deal.owner),
                     "owner_known": bool(deal.owner and snap.team.rep(deal.owner)),
                     "stage_label": snap.process.stage_label(deal.stage, label.lang),
                     "amount": shown.amount(deal.amount), "amount_sort": _text(deal.amount),
                     "expected_close": _text(deal.expected_close), "why": why})
    return rows


# -- projects ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One line of a project's timeline."""

    date: str
    kind: str  # the label of what happened
    text: str
    author: str
    commit: str
    rank: int = 0  # within one commit: created first, then the ticks in the process's order, then the rest


def timeline(project_id: str, transitions: Iterable[Transition], ticks: Iterable[Tick], snap: Snapshot,
             label: Labels, shown: Display, order: Mapping[str, int]) -> list[Entry]:
    """A project's history, oldest first: its moves and changed fields (holp.history) and its ticks (holp.week_log);
    ``order`` is each commit's place in the history (oldest 0), for commits of one second. The site gives each
    project only its own transitions and ticks (grouped once: ten thousand pages)."""
    process, lang = snap.process, label.lang
    entries: list[Entry] = []
    for t in transitions:
        if t.project != project_id:
            continue
        author = rep_name(snap.team, rep.id) if (rep := snap.team.rep_by_email(t.email)) else t.author
        if t.field == "stage":
            kind = label("site_created") if t.source is None else label("move")
            before = process.stage_label(t.source, lang) if t.source else ""
            after = process.stage_label(t.target, lang) if t.target else ""
            text = f"{before} → {after}" if before else after
        else:
            kind = label(t.field)
            text = f"{_field(t.source, t.field, shown)} → {_field(t.target, t.field, shown)}"
        extra = "; ".join(x for x in (t.reason, t.note) if x)
        entries.append(Entry(t.date, kind, f"{text} ({extra})" if extra else text, author, t.commit,
                             0 if t.source is None and t.field == "stage" else 1 << 30))
    texts = {(s.id, i.id): i.text.get(lang) for s in process.stages for i in s.checklist}
    places = {key: n for n, key in enumerate(texts, start=1)}
    for tick in ticks:
        if tick.project != project_id:
            continue
        rep = snap.team.rep_by_email(tick.email)
        entries.append(Entry(tick.date, label("site_tick"),
                             f"{process.stage_label(tick.stage, lang)}: {texts.get((tick.stage, tick.item), tick.item)}",
                             rep.name if rep else tick.author, tick.commit, places.get((tick.stage, tick.item), 1 << 29)))
    return sorted(entries, key=lambda e: (dt.datetime.fromisoformat(e.date), order.get(e.commit, 0), e.rank))


def _field(value: str | None, field: str, shown: Display) -> str:
    if value is None:
        return "—"
    if field == "amount":
        try:
            return shown.with_unit(Decimal(value))
        except ArithmeticError:
            return value
    return value


def _page_context(repo: Repository, record: Project | Customer, label: Labels) -> dict[str, Any]:
    """The form's variables (holp.forms) without the day and the labels (the site passes its own once): a page
    changes when what it shows changes, not every morning."""
    return {k: v for k, v in form_context(repo, record, label).items() if k not in ("today", "L")}


def project_page(repo: Repository, snap: Snapshot, project: Project, label: Labels, shown: Display,
                 entries: Sequence[Entry]) -> dict[str, Any]:
    """The variables of a project's page: the form's context (holp.forms) and what the site adds to it."""
    variables = _page_context(repo, project, label)
    # what the page does not show of other records stays out, so their changes do not rewrite this page
    if variables["customer"] is not None:
        variables["customer"] = {k: v for k, v in variables["customer"].items() if k != "projects"}
    variables["project"] = {k: v for k, v in variables["project"].items()
                            if k not in ("customer", "matching_cases")}
    process, team, lang = repo.process, repo.team, label.lang
    customer = repo.customer_of(project)
    gates = []
    for stage in process.stages:
        if not stage.checklist:
            continue
        status = gate(process, stage, project, customer)
        gates.append({"label": stage.label.get(lang), "current": stage.id == project.stage,
                      "met": sum(1 for s in status.items if s.met), "total": len(status.items),
                      "checks": [{"text": s.item.text.get(lang), "met": s.met, "detail": _text(s.detail)}
                                for s in status.items]})
    variables["site"] = {
        "amount": shown.with_unit(project.amount),
        "owner": project.owner or "", "owner_known": bool(project.owner and team.rep(project.owner)),
        "customer_known": customer is not None,
        "gates": gates,
        "payments": [{"number": n, "due": _text(p.due), "kind": label(p.kind, "payment_kinds") if p.kind else "",
                      "amount": shown.amount(p.amount), "paid": shown.amount(p.paid),
                      "outstanding": shown.amount(p.outstanding),
                      "late": bool(p.due and p.outstanding and p.due < snap.as_of),
                      "collector": rep_name(team, p.collector), "note": _text(p.note)}
                     for n, p in enumerate(project.payments, start=1)],
        "tasks": [{"what": _text(t.what), "who": rep_name(team, t.who), "due": _text(t.due), "done": _text(t.done),
                   "late": bool(t.due and not t.done and t.due < snap.as_of)} for t in project.tasks],
        "expenses": [{"date": _text(e.date), "kind": label(f"expense_{e.kind}") if e.kind else "",
                      "amount": shown.amount(e.amount), "by": rep_name(team, e.by), "note": _text(e.note)}
                     for e in project.expenses],
        "timeline": [{"date": e.date[:10], "kind": e.kind, "text": e.text, "author": e.author,
                      "commit": e.commit[:8], "url": commit_url(process.repository_url, e.commit)} for e in entries],
    }
    return variables


def customer_page(repo: Repository, snap: Snapshot, customer: Customer, label: Labels,
                  shown: Display, deals: Sequence[Deal]) -> dict[str, Any]:
    """The customer's page; ``deals`` are its projects in id order (the site groups them once)."""
    variables = _page_context(repo, customer, label)
    mine = [(d, "") for d in deals]
    variables["site"] = {"owner": customer.owner or "",
                         "owner_known": bool(customer.owner and repo.team.rep(customer.owner)),
                         "deals": deal_rows(snap, mine, label, shown)}
    return variables
