from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import click

from holp import git, history, report, report_output, snapshot
from holp.cache import Cache
from holp.commands import emit
from holp.errors import HolpError
from holp.labels import Labels
from holp.labels import load as load_labels
from holp.output import shallow_warning
from holp.pipeline import open_weighted

ALL = "all"


def series(root: Path, snap: snapshot.Snapshot, cache: Cache, months: int = 12) -> list[tuple[dt.date, Decimal]]:
    """Weighted open pipeline at the end of each of the last months, read from git; the last point is now."""
    points: list[tuple[dt.date, Decimal]] = []
    first = snap.as_of.replace(day=1)
    for back in range(months, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back + 1, 12)
        day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        sha = snapshot.commit_on_or_before(root, day)
        if sha is not None:
            points.append((day, open_weighted(snap.process, history.summaries_at(root, sha, cache=cache))))
    now = sum((report.weighted(snap.process, d) for d in snap.deals if report.state(snap.process, d) == "open"),
              Decimal(0))
    points.append((snap.as_of, now))
    return points


def new_customers(root: Path, snap: snapshot.Snapshot) -> dict[str, int]:
    """Customers whose file was added this year, counted by owner."""
    added = {path: dt.datetime.fromisoformat(stamp).date() for path, stamp in git.added(root, ["customers"]).items()}
    counts: dict[str, int] = {}
    for account in snap.accounts.values():
        when = added.get(account.path)
        if account.owner and when and when.year == snap.as_of.year and when <= snap.as_of:
            counts[account.owner] = counts.get(account.owner, 0) + 1
    return counts


def build(root: Path, kind: str, snap: snapshot.Snapshot, label: Labels, hist: history.History | None, *,
          by: str | None, period: str, since: str | None, cache: Cache) -> list[report.Report]:
    in_git = git.toplevel(root) is not None
    if kind == ALL:
        kinds = ["funnel", "forecast", "conversion", "aging", "reps", "receivables"]
        return [r for k in kinds for r in build(root, k, snap, label, hist, by=by if k == "funnel" else None,
                                                period=period, since=None, cache=cache)]
    if kind == "funnel":
        return [report.funnel(snap, label, by)]
    if kind == "forecast":
        return [report.forecast(snap, label, hist, period)]
    if kind == "conversion":
        return [report.conversion(snap, label, hist)]
    if kind in ("aging", "stalled"):
        return [report.aging(snap, label, hist, stalled_only=kind == "stalled")]
    if kind == "reps":
        return [report.reps(snap, label, hist, new_customers(root, snap) if in_git else None)]
    if kind == "receivables":
        return [report.receivables(snap, label)]
    if kind == "changes":
        if not since:
            raise HolpError("report changes needs --since DATE or REV (what changed since last week's meeting)")
        if not in_git:
            raise HolpError("report changes reads git history, but this is not a git repository")
        sha, day = snapshot.resolve_as_of(root, since, "--since")
        before = open_weighted(snap.process, history.summaries_at(root, sha, cache=cache))
        after = sum((report.weighted(snap.process, d) for d in snap.deals if report.state(snap.process, d) == "open"),
                    Decimal(0))
        return [report.changes(snap, label, hist, day, before, after)]
    raise HolpError(f"unknown report {kind}")


def run(root: Path, kind: str | None, *, by: str | None, as_of: str | None, since: str | None, period: str,
        fmt: str, output: Path | None, lang: str | None, use_cache: bool) -> int:
    kind = kind or (ALL if fmt == "html" else "funnel")
    if kind == ALL and fmt in ("json", "csv"):
        raise HolpError("--format json and csv take one report: name it (funnel, forecast, ...)")
    revision, day = snapshot.resolve_as_of(root, as_of) if as_of else (None, None)
    cache = Cache(root, use_cache)  # one connection for the snapshot, the history and the trend
    snap = snapshot.load(root, revision, as_of=day, cache=cache)
    label = load_labels(lang or snap.process.language, root)
    in_git = git.toplevel(root) is not None
    needs_history = kind not in ("funnel", "receivables") or fmt == "html"
    if not (in_git and needs_history):
        hist = None
    elif revision is not None:  # the history that commit has, not HEAD's cut by a date
        hist = history.read(root, revisions=[revision], cache=cache)
    else:
        hist = history.read(root, cache=cache)
    if hist is not None and hist.shallow:
        click.echo(shallow_warning(), err=True)
    for problem in snap.problems:
        click.echo(f"holp: warning: {problem.as_text()} (left out of every total)", err=True)
    for deal in snap.deals:
        if report.state(snap.process, deal) == "unknown":
            click.echo(f"holp: warning: {deal.path} is at stage '{deal.stage}', which holp.yaml does not have: "
                       "left out of every total", err=True)
    reports = build(root, kind, snap, label, hist, by=by, period=period, since=since, cache=cache)
    if hist is not None and hist.shallow:  # said in the figures too, never silently wrong
        for r in reports:
            if r.kind not in ("funnel", "receivables"):
                r.data["history_incomplete"] = True
                if label("incomplete_history") not in r.notes:
                    r.notes.append(label("incomplete_history"))
    if fmt == "json":
        text = report_output.as_json(reports[0])
    elif fmt == "csv":
        text = report_output.as_csv(reports[0])
    elif fmt == "markdown":
        text = report_output.markdown(reports, label)
    elif fmt == "html":
        title = f"{snap.process.company} · {reports[0].title if len(reports) == 1 else label('report_funnel')}"
        points = series(root, snap, cache) if in_git and hist is not None else None
        text = report_output.page(reports, label, title, points, label.lang)
    else:
        text = report_output.text(reports, label)
    code = emit(text, output)
    return code or (1 if snap.problems else 0)  # the figures leave files out: a check would fail
