from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from holp import git
from holp import history as histories
from holp import labels as labelling
from holp import repo as repository
from holp.clock import date_option
from holp.commands import echo
from holp.errors import HolpError
from holp.model.coerce import decimal_text
from holp.output import fit, money, shallow_warning, table

WIDTH = 100  # the table fits a terminal this wide, wrapping its free text
COLUMNS = ("project", "from", "to", "commit", "author", "email", "date", "note", "reason")


def run(root: Path, project_id: str | None, *, since: str | None, until: str | None, author: str | None,
        fmt: str, fields: bool, lang: str | None, use_cache: bool) -> int:
    repo = repository.load(root, records=False)
    if git.toplevel(root) is None:
        raise HolpError("holp history reads git history, but this is not a git repository")
    found = histories.read(root, use_cache=use_cache)
    for problem in found.problems:
        echo(f"holp: warning: {problem.as_text()}: not read as a record", err=True)
    if found.shallow:
        echo(shallow_warning(), err=True)
    seen = {t.project for t in found.transitions}
    if project_id is not None and project_id not in seen:  # a project of the files not yet committed has none
        repository.load(root, recover=False).project(project_id, also_known=seen)
    chosen = histories.select(
        found.transitions, repo.team, project=project_id,
        since=date_option(since, "--since") if since else None,
        until=date_option(until, "--until") if until else None,
        author=author, fields=fields)
    records = [t.as_dict(repo.team, fields=fields) for t in chosen]
    for unknown in histories.unknown_authors(repo.team, ((t.commit, t.author, t.email) for t in chosen)):
        echo(f"holp: warning: {unknown.as_text()}", err=True)
    if fmt == "json":
        echo(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    if fmt == "csv":
        out = io.StringIO()
        keys = ["field", *COLUMNS] if fields else list(COLUMNS)
        writer = csv.DictWriter(out, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        echo(out.getvalue(), nl=False)
        return 0
    lang = lang or repo.process.language
    label = labelling.load(lang, root)
    process = repo.process

    def shown(t: histories.Transition, value: str | None) -> str:
        if value is None:
            return "—"
        if t.field == "stage":
            return process.stage_label(value, lang)
        number = decimal_text(value) if t.field == "amount" else None
        return money(number) if number is not None else value

    def field(t: histories.Transition) -> str:
        return f"{label('amount')} ({process.currency})" if t.field == "amount" else label(t.field)

    rows = [[t.date[:16].replace("T", " "), t.project, field(t) if fields else None, shown(t, t.source),
             shown(t, t.target), r["author"] if r["rep"] else t.email, t.commit[:8],
             t.reason or t.note or ""]
            for t, r in zip(chosen, records, strict=True)]
    headers = [label("date"), label("project"), label("field") if fields else None, label("from"), label("to"),
               label("author"), label("commit"), label("reason_note")]
    keep = [i for i, h in enumerate(headers) if h is not None]
    if rows:
        kept_rows = [[row[i] for i in keep] for row in rows]
        kept_headers = [str(headers[i]) for i in keep]
        n = len(keep)  # what wraps: the note, the author (an email of no rep: the warning names it), the stages
        widths = fit(kept_rows, kept_headers, total=WIDTH, least={n - 1: 12, n - 3: 12, n - 4: 14, n - 5: 14})
        echo(table(kept_rows, kept_headers, widths=widths))
    echo(f"{len(chosen)} transition{'s' if len(chosen) != 1 else ''}"
               + (f" in {found.commits} commits walked" if found.commits else ""))
    return 0
