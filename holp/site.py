"""`holp site`: a static site of the whole repository, for any static host (or a folder opened from disk).

index.html is the dashboard; projects/<ID>.html, customers/<ID>.html and reps/<id>.html a page per record;
lists/<name>.html the deals behind each figure. Every page but the dashboard is a Jinja template of
templates/site/ rendered in the sandbox (holp.render), with the values escaped; nothing is fetched from a
network, and a small script (site.js) only sorts and filters tables, which read the same without it.

A build is incremental: DIR/.holp-site.json keeps, per page, the hash of what it was made from (the template
sources, the labels, the page's variables). A page is rendered and written only when that hash changed; the pages
of records that are gone are removed. The folder is refused when it is the repository's (tracked files), a link,
or a folder of something else (not empty and without the manifest); no write follows a link out of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from holp import __version__, git, history, snapshot, week_log
from holp import repo as repository
from holp.cache import Cache
from holp.display import display
from holp.errors import HolpError
from holp.files import refuse_git_dir, write_atomic, write_many
from holp.labels import Labels
from holp.labels import load as load_labels
from holp.render import folders, render, render_many
from holp.reports import PAGE, REPORTS, Inputs
from holp.reports import render as report_render
from holp.reports.common import state
from holp.site_pages import (
    Links,
    customer_page,
    deal_lists,
    deal_rows,
    project_page,
    rep_name,
    slug,
    tables,
    timeline,
)

MANIFEST = ".holp-site.json"
_PAGE = re.compile(r"(?:(?:projects|customers|reps|lists)/[A-Za-z0-9_][A-Za-z0-9._-]*|index)\.html|site\.(?:css|js)")
ASSETS = ("site.css", "site.js")


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site's folder, with /
    template: str  # under templates/ ("site/project.html.j2"), or "" for the dashboard
    variables: dict[str, Any]


@dataclass(frozen=True)
class Built:
    written: int
    unchanged: int
    removed: int


def check_output(root: Path, out: Path) -> None:
    """Refuse a folder that is a link, the repository or holds its tracked files, or belongs to something else."""
    if out.is_symlink():
        raise HolpError(f"{out} is a link: the site is written into a real folder only")
    if out.exists() and not out.is_dir():
        raise HolpError(f"{out} is a file: the site is a folder")
    resolved, top = out.resolve(), root.resolve()
    if resolved == top or resolved in top.parents:
        raise HolpError(f"{out} holds the repository: write the site into a folder of its own")
    refuse_git_dir(out)
    if out.is_dir() and git.toplevel(resolved, optional=True) is not None and git.is_tracked(resolved, resolved):
        raise HolpError(f"{out} holds files git keeps: write the site somewhere else (a folder git ignores)")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise HolpError(f"{out} is not empty and holds no site of holp ({MANIFEST}): name an empty folder")


def _safe_target(out: Path, relative: str) -> Path:
    """The file a page goes to, after checking no folder on the way is a link (a write never leaves ``out``)."""
    target = out
    for part in relative.split("/"):
        if part in ("", ".", ".."):
            raise HolpError(f"{relative}: not a page of the site")
        target = target / part
        if target.is_symlink():
            raise HolpError(f"{target} is a link: refused (the site is written into real folders only)")
    return target


def _read_manifest(out: Path) -> dict[str, str]:
    path = out / MANIFEST
    if path.is_symlink() or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict):
        return {}
    # only names a build writes: a manifest edited by hand cannot make a build remove anything else
    return {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str) and _PAGE.fullmatch(k)
            and ".." not in k}


def _sources(root: Path) -> str:
    """A hash of everything a page is made from besides its variables: holp's version, templates and labels."""
    digest = hashlib.sha256(__version__.encode())
    for base in folders(root):
        for folder in (base / "site",):
            if folder.is_dir() and not folder.is_symlink():
                for path in sorted(folder.iterdir()):
                    if path.is_file() and not path.is_symlink():
                        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        labels = base / "labels.yaml"
        if labels.is_file() and not labels.is_symlink():
            digest.update(labels.read_bytes())
    return digest.hexdigest()


def _hash(sources: str, page: Page) -> str:
    text = json.dumps([page.template, page.variables], ensure_ascii=False, sort_keys=True, default=_plain)
    return hashlib.sha256((sources + text).encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, Links):
        return {"depth": value.depth}
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    raise TypeError(f"{type(value).__name__} in a page's variables")


def dashboard(root: Path, snap: snapshot.Snapshot, hist: history.History | None, label: Labels, links: Links,
              cache: Cache) -> str:
    """The dashboard (`holp.reports.dashboard`, every figure linked to its deals) over the pipeline's reports, as
    `holp report --format html` makes it: a whole HTML page."""
    from holp.display import display
    from holp.reports.dashboard import dashboard as cards

    inputs = Inputs(label.lang, hist)
    reports = [REPORTS[name].build(snap, inputs) for name in PAGE]
    show = display(snap.process.display_unit, label.lang, snap.process.currency)
    top = cards(root, snap, label, hist, cache, links=links)
    return report_render.page(reports, label, f"{snap.process.company} · {label('dashboard')}", show, label.lang,
                              top=top)


def _embed(page: str) -> tuple[str, str]:
    """The style and the body of a whole HTML page, to put under the site's navigation."""
    style = page.split("<style>", 1)[1].split("</style>", 1)[0] if "<style>" in page else ""
    body = page.split("<body>", 1)[1].rsplit("</body>", 1)[0] if "<body>" in page else page
    return style, body.replace("<main>", "<div>", 1).replace("</main>", "</div>", 1)


TICKS = "site_ticks"  # the cache's meta key of every tick up to a head


def _ticks(root: Path, cache: Cache) -> list[week_log.Tick]:
    """Every tick of HEAD's history (holp.week_log), kept in holp's cache with the head they go up to: the next
    build reads only the commits after it (all again when that head is no longer in HEAD's history)."""
    head = git.rev_parse(root, "HEAD")
    if head is None:
        return []
    saved = cache.meta(TICKS)
    known: list[week_log.Tick] = []
    after = saved.get("head") if isinstance(saved, dict) else None
    if isinstance(after, str) and isinstance(saved.get("ticks"), list) and git.is_ancestor(root, after, head):
        known = [week_log.Tick(*t) for t in saved["ticks"]]
        if after == head:
            return known
    else:
        after = None
    found = known + week_log.ticks(root, head, dt.date.min, dt.date.max, exclude=after)
    cache.set_meta(TICKS, {"head": head, "ticks": [dataclasses.astuple(t) for t in found]})
    return found


def pages(root: Path, snap: snapshot.Snapshot, repo: repository.Repository, hist: history.History | None,
          label: Labels, cache: Cache) -> Iterator[Page]:
    """Every page of the site with its variables."""
    from holp.reports.agenda import agenda
    from holp.reports.aging import stalled
    from holp.reports.forecast import forecast
    from holp.reports.kpi import kpis
    from holp.reports.receivables import receivables

    process, team, lang = snap.process, snap.team, label.lang
    shown = display(process.display_unit, lang, process.currency)
    from holp.forms import labels_for

    common = {"L": labels_for(label), "lang": lang, "company": process.company, "unit": shown.unit}

    def page(path: str, template: str, **variables: Any) -> Page:
        links = Links(path.count("/"))
        return Page(path, template, {**common, "links": links, **variables})

    late = receivables(snap)
    idle = stalled(snap, lang, hist)
    lists = deal_lists(snap, hist, label, shown, [(d.project, d.days_untouched) for d in idle.stalled],
                       [(o.project, o.days_overdue, o.outstanding) for o in late.overdue],
                       forecast(snap, lang, hist).targets)
    from markupsafe import Markup

    style, body = _embed(dashboard(root, snap, hist, label, Links(0), cache))
    yield page("index.html", "site/index.html.j2", dashboard_style=Markup(style), dashboard=Markup(body),
               lists=[{"name": x.name, "title": x.title, "count": len(x.deals)} for x in lists],
               reps=[{"id": r.id, "name": r.name} for r in team.reps],
               title=label("dashboard"))
    for found in lists:
        yield page(f"lists/{slug(found.name)}.html", "site/list.html.j2", title=found.title,
                   summary=found.summary(label, shown), column=label(found.column), flag=found.flag,
                   deals=deal_rows(snap, found.deals, label, shown))
    customers = sorted(repo.customers.values(), key=lambda c: c.id)
    projects_of: dict[str | None, int] = {}
    for p in repo.projects.values():
        projects_of[p.customer] = projects_of.get(p.customer, 0) + 1
    yield page("lists/customers.html", "site/customers.html.j2", title=label("site_customers"),
               customers=[{"id": c.id, "name": c.name, "owner": c.owner or "",
                           "owner_name": rep_name(team, c.owner),
                           "owner_known": bool(c.owner and team.rep(c.owner)),
                           "projects": projects_of.get(c.id, 0)}
                          for c in customers])
    ticks = _ticks(root, cache) if hist is not None else []
    order = {sha: n for n, (sha, _, _) in enumerate(git.commits(root, "HEAD"))} if hist is not None else {}
    moves: dict[str, list[history.Transition]] = {}  # each project's own, grouped once for ten thousand pages
    for t in (hist.transitions if hist is not None else []):
        moves.setdefault(t.project, []).append(t)
    ticked: dict[str, list[week_log.Tick]] = {}
    for tick in ticks:
        ticked.setdefault(tick.project, []).append(tick)
    for project in sorted(repo.projects.values(), key=lambda p: p.id):
        entries = timeline(project.id, moves.get(project.id, []), ticked.get(project.id, []), snap, label, shown,
                           order)
        yield page(f"projects/{slug(project.id)}.html", "site/project.html.j2", title=f"{project.id} {project.name}",
                   **project_page(repo, snap, project, label, shown, entries))
    deals_of: dict[str | None, list[snapshot.Deal]] = {}
    for deal in sorted(snap.deals, key=lambda d: d.id):
        deals_of.setdefault(deal.customer, []).append(deal)
    for customer in customers:
        yield page(f"customers/{slug(customer.id)}.html", "site/customer.html.j2",
                   title=f"{customer.id} {customer.name}",
                   **customer_page(repo, snap, customer, label, shown, deals_of.get(customer.id, [])))
    added = {path: dt.datetime.fromisoformat(stamp).date() for path, stamp in git.added(root, ["customers"]).items()} \
        if hist is not None else {}
    known = {**{a: "customer" for a in snap.accounts}, **{d.id: "project" for d in snap.deals}}
    for rep in team.reps:
        mine = [(d, "") for d in sorted(snap.deals, key=lambda d: d.id)
                if d.owner == rep.id and state(process, d) == "open"]
        scores = kpis(snap, lang, hist, "quarter", added, owner=rep.id) if process.kpis and rep.sells else None
        yield page(f"reps/{slug(rep.id)}.html", "site/rep.html.j2", title=rep.name,
                   rep={"id": rep.id, "name": rep.name, "role": rep.role},
                   deals=deal_rows(snap, mine, label, shown),
                   agenda=tables(agenda(snap, lang, hist, days=14, owner=rep.id), label, shown, known),
                   kpis=tables(scores, label, shown, known) if scores else [])


PAGES = 128  # pages one forked child renders (each page still within the time limit): a fork of a process holding
# ten thousand records costs more than the pages it renders, so fewer, larger batches than holp.render's


def build(root: Path, out: Path, *, lang: str | None = None, use_cache: bool = True) -> Built:
    """Write the site of the repository at ``root`` into ``out``: only the pages whose inputs changed."""
    check_output(root, out)
    cache = Cache(root, use_cache)
    snap = snapshot.load(root, cache=cache)
    repo = repository.load(root)
    label = load_labels(lang or snap.process.language, root)
    in_git = git.toplevel(root, optional=True) is not None and git.rev_parse(root, "HEAD") is not None
    hist = history.read(root, cache=cache) if in_git else None
    before = _read_manifest(out)
    sources = _sources(root)
    after: dict[str, str] = {}
    written = unchanged = removed = 0
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise HolpError(f"cannot write {out}: {e.strerror or e}") from None
    try:
        for asset in ASSETS:
            target = _safe_target(out, asset)
            if before.get(asset) != sources or not target.is_file():
                write_atomic(target, _asset(root, asset).encode("utf-8"))
                written += 1
            else:
                unchanged += 1
            after[asset] = sources
        pending: list[tuple[Page, str, Path]] = []

        def flush() -> int:
            texts = render_many(root, [(page.template, page.variables) for page, _, _ in pending], batch=PAGES)
            write_many([(target, text.encode("utf-8"), str(target)) for (_, _, target), text in zip(pending, texts,
                                                                                                 strict=True)])
            for page, digest, _ in pending:
                after[page.path] = digest
            done = len(pending)
            pending.clear()
            return done

        for page in pages(root, snap, repo, hist, label, cache):
            digest = _hash(sources, page)
            target = _safe_target(out, page.path)
            if before.get(page.path) != digest or not target.is_file():
                pending.append((page, digest, target))
                written += flush() if len(pending) >= PAGES else 0
            else:
                unchanged += 1
                after[page.path] = digest
        written += flush()
        for path in sorted(set(before) - set(after)):
            target = _safe_target(out, path)
            if target.is_file():
                target.unlink()
                removed += 1
        before = {}
    finally:  # a build that stopped half way keeps what it wrote: the next one goes on from there
        kept = {**{k: "" for k in before}, **after}  # pages not reached: no hash, so written again
        data = (json.dumps({"holp": __version__, "pages": kept}, indent=1, sort_keys=True) + "\n").encode("utf-8")
        manifest = out / MANIFEST
        if manifest.is_symlink() or not manifest.is_file() or manifest.read_bytes() != data:
            write_atomic(manifest, data)
    return Built(written, unchanged, removed)


def _asset(root: Path, name: str) -> str:
    return render(root, f"site/{name}.j2", {})
