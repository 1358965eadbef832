from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

from holp import git, history, snapshot
from holp.cache import Cache
from holp.commands import echo, emit, warn_left_out
from holp.errors import HolpError
from holp.files import refuse_tracked, write_atomic
from holp.labels import Labels
from holp.labels import load as load_labels
from holp.model import as_date
from holp.output import shallow_warning
from holp.pipeline import open_weighted
from holp.reports import PAGE, REPORTS, Inputs, render, sheets
from holp.reports.common import Report, state

ALL = "all"


def new_customers(root: Path, snap: snapshot.Snapshot) -> dict[str, int]:
    """Customers whose file was added this year, counted by owner."""
    added = {path: dt.datetime.fromisoformat(stamp).date() for path, stamp in git.added(root, ["customers"]).items()}
    counts: dict[str, int] = {}
    for account in snap.accounts.values():
        when = added.get(account.path)
        if account.owner and when and when.year == snap.as_of.year and when <= snap.as_of:
            counts[account.owner] = counts.get(account.owner, 0) + 1
    return counts


def since_point(root: Path, value: str, revision: str | None) -> tuple[str | None, dt.date, frozenset[str] | None]:
    """Where `report changes --since` starts: (the commit whose pipeline is "before", the day, the commits after it).

    A DATE counts what happened after that day, from the last commit of that day or before (None when the history
    starts later: then everything counts, from an empty pipeline). A REV counts the commits after that exact
    commit, up to the report's revision (or HEAD), whatever their days.
    """
    day = as_date(value)
    if day is not None:
        if git.rev_parse(root, "HEAD") is None:
            raise HolpError("--since: the repository has no commits yet")
        return snapshot.commit_on_or_before(root, day), day, None
    sha, day = snapshot.resolve_as_of(root, value, "--since")
    return sha, day, frozenset(c for c, _, _ in git.commits(root, f"{sha}..{revision or 'HEAD'}"))


def build(root: Path, kind: str, snap: snapshot.Snapshot, label: Labels, hist: history.History | None, *,
          by: str | None, period: str | None, since: str | None, cache: Cache, owner: str | None = None,
          region: str | None = None, week: str | None = None) -> list[Report]:
    if kind != ALL and kind not in REPORTS:
        raise HolpError(f"unknown report {kind}")
    names = PAGE if kind == ALL else (kind,)
    given = {"owner": owner, "region": region, "week": week, "period": period}
    for option, value in given.items():
        if value is not None and not any(option in REPORTS[name].takes for name in names):
            raise HolpError(f"--{option}: report {kind} does not take it")
    in_git = git.toplevel(root, optional=True) is not None  # run() said it if a report needs git and it is missing
    if owner is not None and snap.team.rep(owner) is None:
        raise HolpError(f"--owner {owner}: no one of that id in team.yaml")
    if region is not None and snap.team.region(region) is None:
        raise HolpError(f"--region {region}: no region of that id in team.yaml")
    inputs = Inputs(label.lang, hist, by=by, period=period, owner=owner, region=region, week=week)
    if "reps" in names and in_git:
        inputs = dataclasses.replace(inputs, new_customers=new_customers(root, snap))
    if "kpi" in names and in_git:
        added = git.added(root, ["customers"])
        inputs = dataclasses.replace(inputs, customers_added={
            path: dt.datetime.fromisoformat(stamp).date() for path, stamp in added.items()})
    if "changes" in names:
        if not since:
            raise HolpError("report changes needs --since DATE or REV (what changed since last week's meeting)")
        if not in_git:
            raise HolpError("report changes reads git history, but this is not a git repository")
        sha, day, after = since_point(root, since, snap.revision)
        before = open_weighted(snap.process, history.summaries_at(root, sha, cache=cache)) if sha else Decimal(0)
        inputs = dataclasses.replace(inputs, since=day, since_commit=None if after is None else sha,
                                     after=after, weighted_before=before)
    if "week" in names:
        from holp import week_log
        from holp.reports.week import period_of

        span = period_of(snap.as_of, period, week)  # a bad --week or --period is refused before git is read
        if not in_git:
            raise HolpError("report week reads git history (ticks, moves, new files), but this is not a git "
                            "repository")
        until = min(span.end, snap.as_of)
        inputs = dataclasses.replace(inputs, week_log=week_log.read(root, snap, span.start, until))
    return [REPORTS[name].build(snap, inputs) for name in names]


def run(root: Path, kind: str | None, *, by: str | None, as_of: str | None, since: str | None, period: str | None,
        fmt: str, output: Path | None, lang: str | None, use_cache: bool, owner: str | None = None,
        region: str | None = None, week: str | None = None) -> int:
    kind = kind or (ALL if fmt in ("html", "xlsx") else "funnel")
    if fmt == "xlsx" and output is None:
        raise HolpError("--format xlsx writes a workbook, which is no text for a terminal: name the file with "
                        "-o FILE.xlsx")
    if kind == ALL and fmt in ("json", "csv"):
        raise HolpError("--format json and csv take one report: name it (funnel, forecast, ...)")
    revision, day = snapshot.resolve_as_of(root, as_of) if as_of else (None, None)
    cache = Cache(root, use_cache)  # one connection for the snapshot, the history and the trend
    snap = snapshot.load(root, revision, as_of=day, cache=cache)
    label = load_labels(lang or snap.process.language, root)
    needs_history = kind not in REPORTS or REPORTS[kind].reads_history or fmt == "html"
    in_git = git.toplevel(root, optional=not needs_history) is not None
    if not (in_git and needs_history):
        hist = None
    elif revision is not None:  # the history that commit has, not HEAD's cut by a date
        hist = history.read(root, revisions=[revision], cache=cache)
    else:
        hist = history.read(root, cache=cache)
    if hist is not None and hist.shallow:
        echo(shallow_warning(), err=True)
    left_out = warn_left_out(snap.problems)
    unread = [p.as_text() for p in snap.problems]  # said in a Markdown or HTML report too: it goes where stderr does not
    for deal in snap.deals:
        if state(snap.process, deal) == "unknown":
            unread.append(f"{deal.path} is at stage '{deal.stage}', which holp.yaml does not have")
            echo(f"holp: warning: {unread[-1]}: left out of every total", err=True)
    # a shallow history is said in the figures too (history_incomplete), never silently wrong
    reports = build(root, kind, snap, label, hist, by=by, period=period, since=since, cache=cache, owner=owner,
                    region=region, week=week)
    name = render.title(reports[0], label) if len(reports) == 1 else label("report_funnel")
    if fmt == "xlsx" and output is not None:  # (none is refused above)
        data, written = sheets.workbook(reports, label, f"{snap.process.company} · {name}", unread)
        refuse_tracked(output)
        write_atomic(output, data)
        for warning in written.warnings():
            echo(f"holp: warning: {warning}", err=True)
        echo(f"wrote {output}", err=True)
        return 1 if left_out else 0
    if fmt == "json":
        text = render.as_json(reports[0])
    elif fmt == "csv":
        text = render.as_csv(reports[0], label)
    elif fmt == "markdown":
        text = render.markdown(reports, label, unread)
    elif fmt == "html":
        from holp.display import display
        from holp.reports.dashboard import dashboard

        show = display(snap.process.display_unit, label.lang, snap.process.currency)
        name = render.title(reports[0], label) if kind != ALL else label("dashboard")
        top = ""
        if kind == ALL:  # the dashboard, its cards' changes since --since (default 30 days before)
            sha, day, after = since_point(root, since, snap.revision) if since else (None, None, None)
            top = dashboard(root, snap, label, hist, cache, since=day, since_commit=sha if after else None)
        text = render.page(reports, label, f"{snap.process.company} · {name}", show, label.lang, unread, top)
    else:
        text = render.text(reports, label)
    code = emit(text, output)
    return code or (1 if left_out else 0)  # the figures leave files out: a check would fail
