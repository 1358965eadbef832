"""Checks of targets, budgets, KPIs and a project's cost (销售任务、费用预算、绩效考核指标、成本).

team.yaml: a target (or expense budget) written twice for the same region or rep and period is an error (which
would count?); quarters or months that do not add up to the year's (or quarter's) entry are a warning naming
both (all of them written: they must equal it; some: they must not exceed it); a budget for a region or rep not
in team.yaml is an error, as a target's is (`holp.model.shape.team_problems`).
holp.yaml: the weights of `kpis` sum to exactly 1, each KPI once, and each but `won` (measured against the
targets of team.yaml) with a target.
A project: a cost above its amount is a warning (a loss-making deal, or a typo); cost and margin both written is
an error (the gross profit comes from one: write one, not both).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from holp.checking import Wanted, everything, projects
from holp.output import money
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest
from holp.vocabulary import KPI_KINDS
from holp.yaml import Document

NEEDS_NO_TARGET = frozenset({"won"})  # measured against team.yaml's targets


def _items(doc: Document, key: str) -> list[tuple[int, int]]:
    """(index, line) of each item of the list under ``key``, found by position (the values are the model's)."""
    whole = doc.locate([key])
    found = []
    for i in range(doc.text.count("\n") + 1):
        where = doc.locate([key, i])
        if where == whole:
            break
        found.append((i, where[0]))
    return found


def _period(year: int, quarter: int | None, month: int | None) -> str:
    return f"{year}-{month:02d}" if month else f"{year}-Q{quarter}" if quarter else str(year)


def check_targets(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    doc = repo.team_doc
    if not wanted(doc.path):
        return
    reps, regions = repo.team.rep_ids, {r.id for r in repo.team.regions}
    for key, entries in (("targets", repo.team.targets), ("expense_budgets", repo.team.expense_budgets)):
        what = "target" if key == "targets" else "expense budget"
        index = {line: i for i, line in reversed(_items(doc, key))}
        # (subject kind, subject id, year) -> {(quarter, month): (index, amount, line)}
        written: dict[tuple[str, str, int], dict[tuple[int | None, int | None], tuple[int, Decimal, int]]] = {}
        for t in entries:
            i = index.get(t.line)
            if i is None:
                continue
            if key == "expense_budgets":
                for kind, value, known, code in (("region", t.region, regions, "unknown-region"),
                                                  ("rep", t.rep, reps, "unknown-rep")):
                    if value is not None and value not in known:
                        yield doc.problem([key, i, kind], code,
                                          f"{kind} '{value}' is not in team.yaml{closest(value, known)}")
            if (t.region is None) == (t.rep is None) or (t.quarter and t.month):
                continue  # the schema says what is wrong
            subject = ("region", t.region or "") if t.region is not None else ("rep", t.rep or "")
            mine = written.setdefault((*subject, t.year), {})
            if (t.quarter, t.month) in mine:
                first = mine[(t.quarter, t.month)][2]
                yield doc.problem([key, i], "duplicate-target",
                                  f"a {what} of {subject[0]} {subject[1]} for {_period(t.year, t.quarter, t.month)} "
                                  f"is already written at line {first}: write each period once")
                continue
            mine[(t.quarter, t.month)] = (i, t.amount, t.line)
        for (kind, who, year), mine in written.items():
            yield from _sums(doc, key, what, f"{kind} {who}", year, mine)


def _sums(doc: Document, key: str, what: str, who: str, year: int,
          mine: Mapping[tuple[int | None, int | None], tuple[int, Decimal, int]]) -> Iterator[Problem]:
    """Quarters against the year, months against their quarter (or the year, when no quarter is written)."""
    whole = mine.get((None, None))
    quarters = {q: v for (q, m), v in mine.items() if q is not None}
    months = {m: v for (q, m), v in mine.items() if m is not None}
    groups: list[tuple[str, dict[int, tuple[int, Decimal, int]], int, tuple[int, Decimal, int] | None, str]] = [
        ("quarters", quarters, 4, whole, f"the year's {what} ({year})")]
    if quarters:
        for q, written in quarters.items():
            inside = {m: v for m, v in months.items() if (m - 1) // 3 + 1 == q}
            groups.append(("months", inside, 3, written, f"the {what} of {year}-Q{q}"))
    else:
        groups.append(("months", months, 12, whole, f"the year's {what} ({year})"))
    for name, parts, count, parent, parent_name in groups:
        if not parts or parent is None:
            continue
        total = sum((v[1] for v in parts.values()), Decimal(0))
        listed = ", ".join(f"{_period(year, None if name == 'months' else n, n if name == 'months' else None)} "
                           f"(line {v[2]})" for n, v in sorted(parts.items()))
        first = min(parts.values(), key=lambda v: v[2])
        said = f"{what}s of {who}: {listed} sum to {money(total)}"
        if len(parts) == count and total != parent[1]:
            yield doc.problem([key, first[0]], "target-sum",
                              f"{said}, not {money(parent[1])}, {parent_name} at line {parent[2]}", WARNING)
        elif len(parts) < count and total > parent[1]:
            yield doc.problem([key, first[0]], "target-sum",
                              f"{said}, more than {money(parent[1])}, {parent_name} at line {parent[2]}", WARNING)


def check_kpis(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    doc = repo.config
    kpis = repo.process.kpis
    items = _items(doc, "kpis")
    if not wanted(doc.path) or not items or len(items) != len(kpis):
        return  # none, or some the model could not read: the schema says which
    seen: dict[str, int] = {}
    for (i, line), kpi in zip(items, kpis, strict=True):
        if kpi.id in seen:
            yield doc.problem(["kpis", i, "id"], "duplicate-id",
                              f"kpis: '{kpi.id}' is listed twice (first at line {seen[kpi.id]}): list each KPI once")
            continue
        seen[kpi.id] = line
        if kpi.id in KPI_KINDS and kpi.id not in NEEDS_NO_TARGET and kpi.target is None:  # an unknown id: the schema's
            yield doc.problem(["kpis", i], "kpi-no-target", f"kpis: '{kpi.id}' needs a target to be scored against")
    total = sum((k.weight for k in kpis), Decimal(0))
    if total != 1:
        yield doc.problem(["kpis"], "kpi-weights", f"kpis: the weights sum to {total.normalize():f}, not 1", key=True)


def check_costs(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    for project, doc in projects(repo, wanted):
        if project.cost is not None and project.margin is not None:
            yield doc.problem(["margin"], "cost-and-margin",
                              "cost and margin are both written: the gross profit comes from one, write cost or "
                              "margin, not both")
        if project.cost is not None and project.amount is not None and project.cost > project.amount:
            yield doc.problem(["cost"], "cost-above-amount",
                              f"cost {money(project.cost)} is above the amount {money(project.amount)}: a "
                              "loss-making deal?", WARNING)


def check_targets_kpis_costs(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    yield from check_targets(repo, wanted)
    yield from check_kpis(repo, wanted)
    yield from check_costs(repo, wanted)
