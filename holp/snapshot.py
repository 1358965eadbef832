"""A repository as reports see it, at any point: the work tree as it is, or any commit, read from git.

Reports need a few fields of every project and customer (and the payments and
visits of some), never the whole file. Each file's needs are extracted once
per git blob and kept in the cache, so a warm report reads ten thousand
projects from SQLite instead of parsing them. The work tree is read through
the index: files git knows unchanged come from the cache by blob id, and only
what `git status` reports as changed or new is read from disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from holp import git, yaml
from holp.cache import Cache
from holp.clock import today
from holp.errors import HolpError
from holp.model import Process, Team, as_date, build_process, build_team, decimal_text
from holp.repo import CONFIG, CUSTOMERS, PROJECTS, TEAM, load_config, read_document, record_files


@dataclass(frozen=True)
class Payment:
    due: dt.date | None
    amount: Decimal
    received: dt.date | None
    received_amount: Decimal | None

    @property
    def paid(self) -> Decimal:
        if self.received_amount is not None:
            return self.received_amount
        return self.amount if self.received is not None else Decimal(0)

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal(0), self.amount - self.paid)


@dataclass(frozen=True)
class Deal:
    """A project as reports use it."""

    id: str
    name: str
    stage: str
    amount: Decimal | None
    probability: Decimal | None
    expected_close: dt.date | None
    owner: str | None
    customer: str | None
    region: str | None
    business_line: str | None
    lost_reason: str | None = None
    lost_stage: str | None = None
    payments: tuple[Payment, ...] = ()
    visits: tuple[tuple[dt.date, tuple[str, ...]], ...] = ()
    path: str = ""
    assessment: dict[str, dict[str, int]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Account:
    """A customer as reports use it."""

    id: str
    name: str
    region: str | None
    owner: str | None
    path: str = ""


@dataclass
class Snapshot:
    root: Path
    process: Process
    team: Team
    deals: list[Deal]
    accounts: dict[str, Account]
    revision: str | None  # the commit read, None for the work tree
    as_of: dt.date
    unreadable: list[str] = field(default_factory=list)

    def region(self, deal: Deal) -> str | None:
        if deal.region:
            return deal.region
        account = self.accounts.get(deal.customer or "")
        return account.region if account else None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    return str(value)


def extract(data: Any, kind: str) -> dict[str, Any] | None:
    """What reports need of one file's data, as JSON-able values (for the cache)."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    if kind == CUSTOMERS:
        return {"id": data["id"], "name": _text(data.get("name")), "region": _text(data.get("region")),
                "owner": _text(data.get("owner"))}
    lost: dict[str, Any] = data["lost"] if isinstance(data.get("lost"), dict) else {}
    payments = []
    for p in data.get("payments") or []:
        if isinstance(p, dict):
            payments.append([_text(p.get("due")), _text(p.get("amount")), _text(p.get("received")),
                             _text(p.get("received_amount"))])
    visits = []
    for v in data.get("visits") or []:
        if isinstance(v, dict):
            by = v.get("by")
            visits.append([_text(v.get("date")), [b for b in (by if isinstance(by, list) else [by])
                                                  if isinstance(b, str)]])
    return {"id": data["id"], "name": _text(data.get("name")), "stage": _text(data.get("stage")),
            "amount": _text(data.get("amount")), "probability": _text(data.get("probability")),
            "expected_close": _text(data.get("expected_close")), "owner": _text(data.get("owner")),
            "customer": _text(data.get("customer")), "region": _text(data.get("region")),
            "business_line": _text(data.get("business_line")), "lost_reason": _text(lost.get("reason")),
            "lost_stage": _text(lost.get("stage")), "payments": payments, "visits": visits,
            "assessment": _scores(data.get("assessment"))}


def _scores(value: Any) -> dict[str, dict[str, int]]:
    """The evaluation's scores only (integers), as the cache keeps them."""
    if not isinstance(value, dict):
        return {}
    return {group: {k: v for k, v in scores.items() if isinstance(v, int) and not isinstance(v, bool)}
            for group, scores in value.items() if isinstance(scores, dict)}


def _deal(e: dict[str, Any], path: str) -> Deal:
    payments = tuple(
        Payment(as_date(due), decimal_text(amount) or Decimal(0), as_date(received), decimal_text(received_amount))
        for due, amount, received, received_amount in e["payments"])
    visits = tuple((d, tuple(by)) for date, by in e["visits"] if (d := as_date(date)) is not None)
    return Deal(e["id"], e["name"] or e["id"], e["stage"] or "", decimal_text(e["amount"]), decimal_text(e["probability"]),
                as_date(e["expected_close"]), e["owner"], e["customer"], e["region"], e["business_line"],
                e["lost_reason"], e["lost_stage"], payments, visits, path, e.get("assessment") or {})


def _read_blobs(root: Path, cache: Cache, entries: list[tuple[str, str]], kind: str) -> dict[str, Any]:
    """sha → extracted fields, from the cache or read and parsed once."""
    shas = [sha for sha, _ in entries]
    found = cache.get("full", shas)
    missing = [sha for sha in dict.fromkeys(shas) if sha not in found]
    new = {}
    for sha, raw in git.CatFile(root).read(missing, limit=yaml.MAX_BYTES).items():
        doc = yaml.read(sha, raw)
        new[sha] = extract(doc.data, kind) if doc.ok else None
    cache.put("full", new)
    found.update(new)
    return found


def _work_tree_entries(root: Path, folder: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(blob, path) of files git has unchanged, and the paths to read from disk (changed, new)."""
    index = git.run(["ls-files", "--stage", "-z", "--full-name", "--", folder], root)
    status = git.run(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", folder], root)
    changed: set[str] = set()
    deleted: set[str] = set()
    for entry in status.split("\0"):
        if len(entry) > 3:
            code, path = entry[:2], entry[3:]
            (deleted if "D" in code else changed).add(path)
    prefix = git.run(["rev-parse", "--show-prefix"], root).strip()

    def inside(path: str) -> str:  # git names paths from its root; holp from the sales repository
        return path[len(prefix):] if prefix and path.startswith(prefix) else path

    clean = []
    for line in index.split("\0"):
        if not line:
            continue
        meta, _, path = line.partition("\t")
        if path in changed or path in deleted:
            continue
        clean.append((meta.split()[1], inside(path)))
    return clean, sorted(inside(p) for p in changed if p.endswith((".yaml", ".yml")))


def load(root: Path, revision: str | None = None, *, as_of: dt.date | None = None,
         use_cache: bool = True, cache: Cache | None = None) -> Snapshot:
    """The repository at ``revision`` (a commit sha) or, without one, as the work tree has it."""
    in_git = git.toplevel(root) is not None
    cache = cache or Cache(root, use_cache)
    extracted: dict[str, list[tuple[dict[str, Any] | None, str]]] = {CUSTOMERS: [], PROJECTS: []}
    if revision is not None:
        config = yaml.read(CONFIG, _blob(root, revision, CONFIG))
        team_doc = yaml.read(TEAM, _blob(root, revision, TEAM))
        if not config.ok:
            raise HolpError(f"holp.yaml at {revision[:8]} cannot be read", 1, config.problems)
        process, team = build_process(config.data), build_team(team_doc.data)
        for kind in (CUSTOMERS, PROJECTS):
            entries = [(sha, p) for sha, p in git.ls_tree(root, revision, [kind]) if p.endswith((".yaml", ".yml"))]
            values = _read_blobs(root, cache, entries, kind)
            extracted[kind] = [(values.get(sha), p) for sha, p in entries]
    else:
        process = load_config(root)[1]
        team_path = root / TEAM
        team = build_team(read_document(team_path).data if team_path.exists() else None)
        for kind in (CUSTOMERS, PROJECTS):
            if in_git:
                clean, fresh = _work_tree_entries(root, kind)
                values = _read_blobs(root, cache, clean, kind)
                extracted[kind] = [(values.get(sha), p) for sha, p in clean]
                paths: Iterable[Path] = (root / p for p in fresh)
            else:
                paths = record_files(root, kind)
            for file in paths:
                doc = read_document(file)
                extracted[kind].append((extract(doc.data, kind) if doc.ok else None,
                                        file.relative_to(root).as_posix()))
    accounts: dict[str, Account] = {}
    deals: dict[str, Deal] = {}
    unreadable = []
    for e, path in sorted(extracted[CUSTOMERS], key=lambda x: x[1]):
        if e is None:
            unreadable.append(path)
        elif e["id"] not in accounts:
            accounts[e["id"]] = Account(e["id"], e["name"] or e["id"], e["region"], e["owner"], path)
    for e, path in sorted(extracted[PROJECTS], key=lambda x: x[1]):
        if e is None:
            unreadable.append(path)
        elif e["id"] not in deals:
            deals[e["id"]] = _deal(e, path)
    return Snapshot(root, process, team, sorted(deals.values(), key=lambda d: d.id), accounts, revision,
                    as_of or today(), unreadable)


def _blob(root: Path, revision: str, path: str) -> bytes:
    entries = git.ls_tree(root, revision, [path])
    if not entries:
        raise HolpError(f"{path} does not exist at {revision[:8]}")
    return git.CatFile(root).read([entries[0][0]], limit=yaml.MAX_BYTES).get(entries[0][0], b"")


def commit_on_or_before(root: Path, day: dt.date) -> str | None:
    """The last commit of HEAD's first-parent history committed on or before ``day``.

    A commit's day is its committer date in its own time zone (as `git log`
    shows it), so the answer does not depend on the machine's time zone.
    """
    latest = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(14), tzinfo=dt.UTC)  # UTC-14 ends then
    out = git.run(["log", "--first-parent", "--format=%H %cI", f"--before={latest.isoformat()}", "HEAD", "--"],
                  root, check=False)
    for line in out.splitlines():
        sha, _, stamp = line.partition(" ")
        if stamp[:10] <= day.isoformat():
            return sha
    return None


def resolve_as_of(root: Path, value: str, option: str = "--as-of") -> tuple[str, dt.date]:
    """DATE (the last first-parent commit of that day or before) or REV: the commit and its day."""
    if git.toplevel(root) is None:
        raise HolpError(f"{option} reads git history, but this is not a git repository")
    if git.rev_parse(root, "HEAD") is None:
        raise HolpError(f"{option}: the repository has no commits yet")
    day = None
    if len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is not None:
        sha = commit_on_or_before(root, day)
        if not sha:
            raise HolpError(f"{option} {value}: the history starts after that day")
        return sha, day
    commit = git.rev_parse(root, value)
    if commit is None:
        raise HolpError(f"{option} {value}: neither a date (YYYY-MM-DD) nor a revision of this repository")
    stamp = git.run(["show", "-s", "--format=%cI", commit, "--"], root).strip()
    return commit, dt.datetime.fromisoformat(stamp).date()
