"""The cache never changes an answer: every read command prints with the cache what it prints with --no-cache.

Each scenario builds example-repo/ with a dated history in a real git repository, runs every read command
with the cache once (to fill it), changes the repository the way people do (edit, stage, commit, amend,
rebase, reset, switch branches, merge, delete, move, break a file and fix it), then runs every command with
the cache (as it was left), without it, and with the cache again (as the first run rebuilt it): exit code,
stdout, stderr and the bytes of `export` must be the same all three times. Only the command line is used,
so the tests hold whatever the cache keeps and however it keeps it.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from conftest import REPS, Script
from holp.reports import REPORTS

EXAMPLE = Path(__file__).parent.parent / "example-repo"
PAST = "2026-06-30"  # a day inside the scripted history, for --as-of
SINCE = "2026-05-01"  # for report changes (it needs a start)

# dated moves on top of example-repo/ (committed 2026-01-05): (date, path, field, value)
MOVES = (
    ("2026-03-02T10:00:00+08:00", "projects/east/P-2026-014.yaml", "stage", "entry"),
    ("2026-04-15T10:00:00+08:00", "projects/north/P-2026-008.yaml", "amount", "9100000"),
    ("2026-06-01T10:00:00+08:00", "projects/east/P-2026-014.yaml", "stage", "proposal"),
    ("2026-08-20T10:00:00+08:00", "projects/north/P-2026-008.yaml", "amount", "9600000"),
    ("2026-09-10T10:00:00+08:00", "projects/south/P-2026-012.yaml", "expected_close", "2027-01-31"),
)
PROJECTS = ("projects/east/P-2026-014.yaml", "projects/north/P-2026-008.yaml", "projects/east/P-2026-018.yaml",
            "projects/south/P-2026-012.yaml")
STAGES = ("entry", "proposal", "bidding", "negotiation", "lost")
AMOUNTS = ("1000000", "2500000.50", "7000000")


def full_set() -> list[tuple[str, ...]]:
    """Every read command, each with its options; `report` once per kind of the registry."""
    reports = [("report", kind, "--format", "json", *(("--since", SINCE) if kind == "changes" else ()))
               for kind in REPORTS]
    return [
        ("history", "--format", "json"),
        ("history", "--fields", "--format", "json"),
        ("history", "P-2026-014", "--format", "csv"),  # not the table: it says how many commits this run walked
        ("list", "--format", "csv"),
        ("validate",),
        ("validate", "--format", "json"),
        *reports,
        ("report", "all", "--format", "markdown"),
        ("report", "funnel", "--as-of", PAST, "--format", "json"),
        ("report", "conversion", "--as-of", PAST, "--format", "json"),
        ("agenda", "--format", "json"),
        ("show", "P-2026-014"),
        ("show", "P-2026-008", "--format", "json"),
        ("export", "--format", "jsonl", "-o", "{out}"),
    ]


def quick_set() -> list[tuple[str, ...]]:
    """The commands that read each part the cache feeds (blobs, work tree, history), for the random runs."""
    return [
        ("history", "--fields", "--format", "json"),
        ("list", "--format", "csv"),
        ("validate", "--format", "json"),
        ("report", "conversion", "--format", "json"),
        ("report", "funnel", "--as-of", PAST, "--format", "json"),
    ]


class Sales:
    """example-repo/ in git with a dated past, and the driver that compares the cache with --no-cache."""

    def __init__(self, root: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
                 commands: Callable[[], list[tuple[str, ...]]] = quick_set) -> None:
        root.mkdir(parents=True)
        self.root, self.holp, self.commands = root, holp, commands
        self.out = root.parent / "out"
        self.out.mkdir()
        self.day = 0  # commits after the scripted past: one day apart from 2026-10-01
        for rep in ("li.na", "zhang.wei"):  # commits by the example team's reps, by their emails in team.yaml
            monkeypatch.setitem(REPS, f"example:{rep}", (rep, f"{rep}@holp.example"))
        self.script = Script(root, holp, monkeypatch)
        files = {p.relative_to(EXAMPLE).as_posix(): p.read_text(encoding="utf-8")
                 for p in sorted(EXAMPLE.rglob("*")) if p.is_file()}
        self.script.commit("example:li.na", "2026-01-05T09:00:00+08:00", "start", files)
        for date, path, key, value in MOVES:
            self.script.commit("example:zhang.wei", date, f"{path}: {key}", {path: self.edited(path, key, value)})

    # -- what people do to a repository --

    def git(self, *args: str) -> str:
        return self.script.git(*args)

    def edited(self, path: str, key: str, value: str) -> str:
        text = (self.root / path).read_text(encoding="utf-8")
        new, count = re.subn(rf"^{key}:[^\n#]*", f"{key}: {value} ", text, count=1, flags=re.MULTILINE)
        assert count == 1, f"{path} has no {key}"
        return new

    def edit(self, path: str, key: str, value: str) -> None:
        (self.root / path).write_text(self.edited(path, key, value), encoding="utf-8")

    def next_date(self) -> str:
        self.day += 1
        return f"2026-10-{self.day:02d}T10:00:00+08:00" if self.day <= 31 else f"2026-11-{self.day - 31:02d}T10:00:00+08:00"

    def when(self) -> None:
        """The next commit's author and date (a rebase, amend or merge commits too)."""
        self.script.as_("example:zhang.wei", self.next_date())

    def commit(self, message: str = "edit", *, amend: bool = False) -> None:
        self.when()
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, *(("--amend",) if amend else ()))

    # -- the comparison --

    def run(self, args: tuple[str, ...], no_cache: bool) -> tuple[int, str, str, bytes | None]:
        target = self.out / "export.jsonl"  # one name, so that the message naming it is the same
        target.unlink(missing_ok=True)
        args = tuple(str(target) if a == "{out}" else a for a in args)
        result = self.holp("-C", str(self.root), *(("--no-cache",) if no_cache else ()), *args)
        return result.exit_code, result.stdout, result.stderr, target.read_bytes() if target.exists() else None

    def prime(self, *, full: bool = False) -> None:
        for args in full_set() if full else self.commands():
            self.run(args, no_cache=False)

    def check(self, when: str, *, full: bool = False, again: bool = True) -> None:
        """With the cache as left, without it, then with it again: the same exit code and bytes.

        ``full``: every read command (about 8 s); else the few that read each part the cache feeds, with
        ``again`` also run a second time with the cache the first run left.
        """
        for args in full_set() if full else self.commands():
            stale = self.run(args, no_cache=False)
            truth = self.run(args, no_cache=True)
            assert "Traceback" not in truth[1] + truth[2], (when, args, truth)
            assert stale == truth, (when, "holp " + " ".join(args), "cache as left, then --no-cache")
            if again and not full:
                again = self.run(args, no_cache=False)
                assert again == truth, (when, "holp " + " ".join(args), "cache rebuilt, then --no-cache")

    def cache_file(self) -> Path:
        return self.root / ".git" / "holp" / "cache.sqlite3"


@pytest.fixture
def sales(tmp_path: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Sales:
    found = Sales(tmp_path / "sales", holp, monkeypatch)
    found.prime(full=True)
    return found


# -- scenarios ---------------------------------------------------------------------------------------------------


def test_cache__the_scripted_past_is_history(sales: Sales) -> None:
    # the driver compares something: the past has transitions, the as-of day sees them, every report answers
    code, out, _, _ = sales.run(("history", "--fields", "--format", "json"), no_cache=True)
    assert code == 0 and '"to": "proposal"' in out and '"field": "amount"' in out
    code, out, err, _ = sales.run(("report", "funnel", "--as-of", PAST, "--format", "json"), no_cache=True)
    assert code == 0, err
    for kind in REPORTS:
        code, _, err, _ = sales.run(("report", kind, "--format", "json", "--since", SINCE)
                                    if kind == "changes" else ("report", kind, "--format", "json"), no_cache=True)
        assert code == 0, (kind, err)
    sales.check("as built", full=True)


def test_cache__edit_in_the_work_tree_then_stage(sales: Sales) -> None:
    sales.edit("projects/east/P-2026-014.yaml", "stage", "bidding")
    sales.edit("projects/north/P-2026-008.yaml", "amount", "1234567.89")
    sales.check("edited, not staged", full=True)
    sales.git("add", "-A")
    sales.check("staged")
    sales.edit("projects/east/P-2026-014.yaml", "stage", "negotiation")  # staged one way, the work tree another
    sales.check("staged, then edited again")


def test_cache__edit_of_the_same_size_and_time(sales: Sales) -> None:
    # what a stat-only check of the index would miss: same size, same mtime (as `cp -p` or `touch -r` leave it)
    path = sales.root / "projects/north/P-2026-008.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "amount: 9600000 " in text
    path.write_text(text.replace("amount: 9600000 ", "amount: 9700000 "), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    sales.check("edited in place, size and mtime kept")
    code, out, _, _ = sales.run(("show", "P-2026-008", "--format", "json"), no_cache=True)
    assert code == 0 and "9700000" in out


def test_cache__commit_then_several(sales: Sales) -> None:
    sales.edit("projects/east/P-2026-014.yaml", "stage", "bidding")
    sales.commit("bidding")
    sales.check("one commit")
    for stage, amount in (("negotiation", "4100000"), ("lost", "4200000"), ("proposal", "4300000")):
        sales.edit("projects/east/P-2026-014.yaml", "stage", stage)
        sales.edit("projects/east/P-2026-018.yaml", "amount", amount)
        sales.commit(stage)
    sales.check("three more commits", full=True)


def test_cache__amend_the_last_commit(sales: Sales) -> None:
    sales.edit("projects/east/P-2026-014.yaml", "stage", "bidding")
    sales.commit("bidding")
    sales.prime()
    sales.edit("projects/east/P-2026-014.yaml", "stage", "proposal")  # the move taken back
    sales.commit("no move after all", amend=True)
    sales.check("amended: stage back", full=True)
    sales.edit("projects/north/P-2026-008.yaml", "amount", "100")
    sales.commit("amount", amend=True)
    sales.check("amended: amount")


def test_cache__rebase_rewrites_the_cached_head(sales: Sales) -> None:
    sales.git("checkout", "-q", "-b", "feature", "HEAD~2")
    sales.edit("projects/east/P-2026-018.yaml", "stage", "proposal")
    sales.commit("feature: proposal")
    sales.edit("projects/east/P-2026-018.yaml", "amount", "2000000")
    sales.commit("feature: amount")
    sales.prime()
    sales.when()
    sales.git("rebase", "-q", "main")
    sales.check("rebased onto main", full=True)
    sales.git("checkout", "-q", "main")
    sales.check("back on main")


def test_cache__reset_hard_leaves_the_cache_ahead(sales: Sales) -> None:
    for stage in ("bidding", "negotiation", "lost"):
        sales.edit("projects/east/P-2026-014.yaml", "stage", stage)
        sales.commit(stage)
    sales.prime()
    sales.git("reset", "-q", "--hard", "HEAD~3")
    sales.check("reset three commits back", full=True)
    sales.edit("projects/east/P-2026-014.yaml", "stage", "negotiation")
    sales.commit("another way")
    sales.check("a new commit where the old ones were")


def test_cache__switch_branches_and_merge(sales: Sales) -> None:
    sales.git("checkout", "-q", "-b", "a")
    sales.edit("projects/east/P-2026-014.yaml", "stage", "bidding")
    sales.commit("a: bidding")
    sales.git("checkout", "-q", "-b", "b", "main")
    sales.edit("projects/east/P-2026-014.yaml", "stage", "negotiation")
    sales.edit("projects/east/P-2026-018.yaml", "amount", "999999")
    sales.commit("b: negotiation")
    sales.prime()
    for branch in ("a", "b", "a"):
        sales.git("checkout", "-q", branch)
        sales.check(f"switched to {branch}")
    sales.when()
    sales.git("merge", "-q", "--no-edit", "-X", "theirs", "b")
    sales.check("b merged into a", full=True)
    sales.git("checkout", "-q", "b")
    sales.check("back on b after the merge")


def test_cache__delete_and_move_project_files(sales: Sales) -> None:
    (sales.root / "projects/east/P-2026-018.yaml").unlink()
    sales.check("deleted in the work tree")
    sales.commit("delete")
    sales.check("deletion committed")
    (sales.root / "projects/west").mkdir(exist_ok=True)
    (sales.root / "projects/east/P-2026-014.yaml").rename(sales.root / "projects/west/P-2026-014.yaml")
    sales.check("moved to another region, not committed")
    sales.git("add", "-A")
    sales.check("move staged")
    sales.commit("move")
    sales.check("move committed", full=True)


def test_cache__unreadable_file_then_fixed(sales: Sales) -> None:
    path = sales.root / "projects/east/P-2026-014.yaml"
    good = path.read_bytes()
    path.write_bytes(b"id: P-2026-014\nstage: [bidding\n  amount: {\n")
    sales.check("invalid YAML in the work tree")
    sales.commit("broken")
    sales.check("invalid YAML committed", full=True)
    path.write_bytes(good)
    sales.check("fixed in the work tree")
    sales.commit("fixed")
    sales.check("fix committed")


# -- random sequences ---------------------------------------------------------------------------------------------

OPERATIONS = ("edit", "stage", "commit", "amend", "reset", "switch", "merge", "rebase", "delete", "move", "break",
              "fix")


def operate(sales: Sales, operation: str, which: int, broken: dict[str, bytes]) -> None:
    """One thing people do; ``which`` picks the project, the value or how far back."""
    existing = sorted(p.relative_to(sales.root).as_posix() for p in (sales.root / "projects").rglob("*.yaml"))
    path = existing[which % len(existing)] if existing else None
    depth = int(sales.git("rev-list", "--count", "HEAD"))
    branch = sales.git("branch", "--show-current").strip()
    other = "side" if branch == "main" else "main"
    if operation == "edit" and path and path not in broken:
        key, values = ("stage", STAGES) if which % 2 else ("amount", AMOUNTS)
        sales.edit(path, key, values[which % len(values)])
    elif operation == "stage":
        sales.git("add", "-A")
    elif operation == "commit":
        sales.commit(f"step {which}")
    elif operation == "amend":
        sales.commit(f"amended {which}", amend=True)
    elif operation == "reset" and depth > 1:
        sales.git("reset", "-q", "--hard", f"HEAD~{min(1 + which % 3, depth - 1)}")
        broken.clear()
    elif operation == "switch":
        sales.git("add", "-A")
        sales.git("stash", "-q")  # may say there is nothing to stash; work is dropped on purpose
        if not sales.git("branch", "--list", "side").strip():
            sales.git("branch", "side", f"HEAD~{min(2, depth - 1)}")
        sales.git("checkout", "-q", other)
        broken.clear()
    elif operation in ("merge", "rebase"):
        if not sales.git("branch", "--list", "side").strip() or (other == "side" and operation == "rebase"):
            return  # only side is rebased (onto main): main stays the branch both start from
        sales.commit(f"before {operation}")
        sales.when()
        command = ("merge", "-q", "--no-edit", "-X", "theirs", other) if operation == "merge" else (
            "rebase", "-q", "-X", "theirs", other)
        try:
            sales.git(*command)
        except subprocess.CalledProcessError:  # a conflict -X theirs cannot settle (modify/delete): undone
            sales.git(operation, "--abort")
    elif operation == "delete" and path:
        (sales.root / path).unlink()
        broken.pop(path, None)
    elif operation == "move" and path:
        region = ("east", "north", "south", "west")[which % 4]
        target = sales.root / "projects" / region / Path(path).name
        target.parent.mkdir(exist_ok=True)
        if not target.exists():
            (sales.root / path).rename(target)
            if path in broken:
                broken[target.relative_to(sales.root).as_posix()] = broken.pop(path)
    elif operation == "break" and path and path not in broken:
        broken[path] = (sales.root / path).read_bytes()
        (sales.root / path).write_bytes(b"stage: [" + path.encode() + b"\n")
    elif operation == "fix":
        for fixed, data in list(broken.items()):
            if (sales.root / fixed).exists():
                (sales.root / fixed).write_bytes(data)
            del broken[fixed]


def random_sequence(holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        sales = Sales(Path(folder) / "sales", holp, monkeypatch)
        sales.prime()
        broken: dict[str, bytes] = {}
        for i, (operation, which) in enumerate(steps):
            operate(sales, operation, which, broken)
            sales.check(f"step {i}: {operation} {which} of {steps}", again=False)


def steps(operations: tuple[str, ...]) -> st.SearchStrategy[list[tuple[str, int]]]:
    """Six different operations (the simplest sequence is the first six, in this order, not six times one)."""
    return st.lists(st.tuples(st.sampled_from(operations), st.integers(0, 50)), min_size=6, max_size=6,
                    unique_by=lambda step: step[0])


RANDOM = settings(max_examples=5, deadline=None, database=None, phases=(Phase.explicit, Phase.generate),
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# two tests of five sequences each, so that the two workers of `-n 2` share them; no shrinking (a step costs a
# second): a failure names its whole sequence


@seed(15)
@RANDOM
@given(steps=steps(OPERATIONS))
def test_cache__random_sequences_a(holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
                                   steps: list[tuple[str, int]]) -> None:
    random_sequence(holp, monkeypatch, steps)


@seed(1515)
@RANDOM
@given(steps=steps(OPERATIONS[::-1]))
def test_cache__random_sequences_b(holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
                                   steps: list[tuple[str, int]]) -> None:
    random_sequence(holp, monkeypatch, steps)
