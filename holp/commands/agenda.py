"""`holp agenda`: what is due or overdue by today + N days, as a table, JSON or an iCalendar file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from holp import git, history, snapshot
from holp.cache import Cache
from holp.clock import date_option
from holp.commands import echo, emit, warn_left_out
from holp.errors import HolpError
from holp.files import refuse_tracked, write_atomic
from holp.fileset import CUSTOMERS, PROJECTS
from holp.gates import GateStatus, gate
from holp.labels import load as load_labels
from holp.model import Customer, Project
from holp.model.views import Deal
from holp.output import shallow_warning
from holp.reading import read_file, record_of
from holp.repo import display_path
from holp.reports import render
from holp.reports.agenda import agenda, ics


def _gates(root: Path, snap: snapshot.Snapshot) -> Callable[[Deal], GateStatus | None]:
    """An open deal's exit gate, from its file and its customer's (read only for the deals whose close is near)."""

    def read(folder: str, path: str) -> Project | Customer | None:
        found = record_of(folder, read_file(root / path, display_path(root / path)), path)
        return found if isinstance(found, Project | Customer) else None

    def of(deal: Deal) -> GateStatus | None:
        stage = snap.process.stage(deal.stage)
        project = read(PROJECTS, deal.path)
        account = snap.accounts.get(deal.customer or "")
        customer = read(CUSTOMERS, account.path) if account else None
        if stage is None or not isinstance(project, Project):
            return None
        return gate(snap.process, stage, project, customer if isinstance(customer, Customer) else None)

    return of


def run(root: Path, *, owner: str | None, region: str | None, days: int, fmt: str, output: Path | None,
        as_of: str | None, lang: str | None, use_cache: bool) -> int:
    day = None if as_of is None else date_option(as_of, "--as-of")
    cache = Cache(root, use_cache)
    snap = snapshot.load(root, None, as_of=day, cache=cache)
    if owner is not None and snap.team.rep(owner) is None:
        raise HolpError(f"--owner {owner}: no one of that id in team.yaml")
    if region is not None and snap.team.region(region) is None:
        raise HolpError(f"--region {region}: no region of that id in team.yaml")
    label = load_labels(lang or snap.process.language, root)
    hist = history.read(root, cache=cache) if git.toplevel(root, optional=True) is not None else None
    if hist is None:
        echo("holp: warning: not a git repository: stalled deals are left out of the agenda", err=True)
    elif hist.shallow:
        echo(shallow_warning(), err=True)
    left_out = warn_left_out(snap.problems)
    found = agenda(snap, label.lang, hist, days=days, owner=owner, region=region, gates=_gates(root, snap))
    if fmt == "ics":
        data = ics(found, label, snap.process.company)
        if output is None:  # a terminal gets the lines as lines (the file keeps iCalendar's CRLF)
            code = emit(data.decode("utf-8").replace("\r\n", "\n"), None)
        else:
            refuse_tracked(output)
            write_atomic(output, data)
            echo(f"wrote {output}", err=True)
            code = 0
    else:
        code = emit(render.as_json(found) if fmt == "json" else render.text([found], label), output)
    return code or (1 if left_out else 0)
