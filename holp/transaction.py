"""Files changed and committed as one step: an interrupt or a kill at any moment leaves all old or all new.

`run` works in a fixed order, under the repository's lock (`locked`):

1. save the old bytes of every file (a hard link, so no copy and no space) and then the intent — which files,
   the hash of their new bytes, HEAD, whether to commit, the branch to make — in a journal under the git
   folder (`.git/holp/pending/`);
2. make the branch (``--branch``), write every file atomically (`holp.files.write_atomic`);
3. commit them with one `git commit --only`, in git's own session so that the terminal's Ctrl-C, which goes to
   holp's whole process group, cannot stop git or its hooks half-way; holp waits for it;
4. drop the journal. If a step fails, every file is put back and the branch dropped.

Ctrl-C, SIGTERM and SIGHUP that arrive during all this are held, and delivered once the commit or the
rollback is done, so that the decision is made once: the command then exits 130 saying which it was. A kill
that cannot be held (SIGKILL, a power cut) leaves the journal: the next holp command — any command that loads
the repository — finishes the change if its commit landed, else puts every file back (`recover`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holp import git
from holp.errors import HolpError
from holp.files import exclusive, lock_wait, refuse_read_only, sweep, write_atomic, write_many

INTENT = "intent.json"
# Set for the hooks of holp's own commit: a holp they run (pre-commit's `holp validate`) reads the files as
# written, and neither waits for the lock its parent holds nor settles the journal its parent is writing.
IN_COMMIT = "HOLP_IN_COMMIT"
HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
INTERRUPTED = 130


@dataclass(frozen=True)
class Write:
    relative: str  # from the sales repository's root, as git is given it
    shown: str  # as messages name it
    old: bytes | None  # None: a new file (`holp import`), which a rollback removes
    new: bytes


def _places(root: Path) -> tuple[Path, Path]:
    """The lock and the journal folder: under the git folder, or (outside git, --no-commit) the temp folder."""
    found = git.common_dir(root)
    if found is not None:
        return found / "holp.lock", found / "holp" / "pending"
    digest = hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:16]
    base = Path(tempfile.gettempdir()) / f"holp-{digest}"  # nothing left in the user's folder
    return base.with_suffix(".lock"), base.with_suffix(".pending")


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the repository's lock, having first finished or undone what a killed holp command left."""
    lock, pending = _places(root)
    with exclusive(lock):
        recover(root, pending)
        yield


def recover_pending(root: Path) -> None:
    """What every load calls: a journal left by a killed command is settled before anything is read.
    A live command holds the lock (and drops its journal before letting go), so this waits for it."""
    lock, pending = _places(root)
    if pending.exists() and os.environ.get(IN_COMMIT) != str(pending):
        with exclusive(lock):
            recover(root, pending)


def _reached(step: str) -> None:
    """Nothing: the points between the steps, named for the tests that kill holp at each of them."""


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def run(root: Path, writes: list[Write], message: str | None, branch: str | None = None) -> str | None:
    """Write ``writes`` and commit them with ``message`` (None: leave them uncommitted); on ``branch``, a new
    one, when given. Returns the commit's sha. Call it holding `locked`."""
    for w in writes:
        refuse_read_only(root / w.relative, w.shown)
    if branch is not None:
        git.check_new_branch(root, branch)
    _, pending = _places(root)
    outcome: list[str | None] = []
    try:
        with _held():
            outcome.append(_run(root, pending, writes, message, branch))
    except KeyboardInterrupt:
        if outcome and outcome[0]:
            raise HolpError(f"interrupted after the change was committed ({outcome[0][:12]}): it is complete",
                            INTERRUPTED) from None
        if outcome:
            raise HolpError("interrupted after the files were written (not committed, as asked)", INTERRUPTED) from None
        raise HolpError("interrupted: nothing was changed", INTERRUPTED) from None
    return outcome[0]


BULK = 32  # files: more, and they are written with one flush of the disk per part (`files.write_many`)


def _run(root: Path, pending: Path, writes: list[Write], message: str | None, branch: str | None) -> str | None:
    intent = _begin(root, pending, writes, message is not None, branch)
    _reached("journal")
    try:
        if branch is not None:
            git.switch_new_branch(root, branch)
            _reached("branch")
        if len(writes) > BULK:
            write_many([(root / w.relative, w.new, w.shown) for w in writes],
                       lambda i: _reached(f"wrote {writes[i].relative}"))
        else:
            for w in writes:
                write_atomic(root / w.relative, w.new, shown=w.shown)
                _reached(f"wrote {w.relative}")
        sha = None
        if message is not None:
            sha = git.commit_paths(root, [Path(w.relative) for w in writes], message, {IN_COMMIT: str(pending)})
            _reached("committed")
    except BaseException:
        _settle(root, pending, intent, after_failure=True)
        raise
    _end(pending)
    return sha


def _begin(root: Path, pending: Path, writes: list[Write], commit: bool, branch: str | None) -> dict[str, Any]:
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(pending)  # a journal without its intent: its command was killed before it wrote anything
    pending.mkdir(parents=True)
    files = []
    for i, w in enumerate(writes):
        if w.old is None:  # a new file: there must be none yet, and a rollback removes it
            if os.path.lexists(root / w.relative):
                raise HolpError(f"{w.shown} was made while holp was making it: nothing was changed")
            files.append({"path": w.relative, "shown": w.shown, "old": None, "new": _sha(w.new)})
            continue
        old = pending / f"old-{i}"
        try:
            os.link(root / w.relative, old)  # the old inode outlives the rename that replaces the file
        except OSError:
            write_atomic(old, w.old)
        if old.read_bytes() != w.old:
            raise HolpError(f"{w.shown} changed while holp was changing it: nothing was changed")
        files.append({"path": w.relative, "shown": w.shown, "old": old.name, "new": _sha(w.new)})
    intent = {"files": files, "commit": commit, "head": git.rev_parse(root, "HEAD") if commit else None,
              "branch": branch, "original": git.head_name(root) if branch is not None else None}
    write_atomic(pending / INTENT, json.dumps(intent, ensure_ascii=False, indent=1).encode("utf-8"))
    return intent


def _end(pending: Path) -> None:
    (pending / INTENT).unlink()  # the one step that makes the change final; the rest is tidying
    shutil.rmtree(pending, ignore_errors=True)


def recover(root: Path, pending: Path) -> None:
    intent_path = pending / INTENT
    if not intent_path.exists():
        shutil.rmtree(pending, ignore_errors=True)
        return
    intent = json.loads(intent_path.read_bytes())
    if intent["commit"]:
        _wait_for_git(root)
    _settle(root, pending, intent, after_failure=False)
    for f in intent["files"]:
        sweep((root / f["path"]).parent)


def _wait_for_git(root: Path) -> None:
    """A killed holp leaves its git commit running (in its own session): wait until git lets go of the index."""
    index_lock = git.git_path(root, "index.lock")
    deadline = time.monotonic() + lock_wait()
    while index_lock.exists():
        if time.monotonic() >= deadline:
            raise HolpError(f"an interrupted holp change waits for a git command that still holds {index_lock}: "
                            "try again when it is done, or delete the file if no git is running")
        time.sleep(0.05)


def _settle(root: Path, pending: Path, intent: dict[str, Any], *, after_failure: bool) -> None:
    """Keep the change if it is whole (written, and committed when it was to be), else put every file back."""
    files = intent["files"]
    current = [_read(root / f["path"]) for f in files]
    new = [_sha(c) == f["new"] for c, f in zip(current, files, strict=True)]
    old = [c is None if f["old"] is None else c == (pending / f["old"]).read_bytes()
           for c, f in zip(current, files, strict=True)]
    committed = [bool(intent["commit"]) and n and not git.has_changes(root, Path(f["path"]))
                 for n, f in zip(new, files, strict=True)]
    head_moved = intent["commit"] and git.rev_parse(root, "HEAD") != intent["head"]
    whole = all(new) and (all(committed) and head_moved if intent["commit"] else True)
    if whole and not after_failure:
        _end(pending)
        return
    journal = pending.relative_to(root) if pending.is_relative_to(root) else pending
    stray = next((f["shown"] for f, n, o in zip(files, new, old, strict=True) if not (n or o)), None)
    if stray is None:
        stray = next((f["shown"] for f, c in zip(files, committed, strict=True) if c), None) if not whole else None
    if stray is not None:
        raise HolpError(f"an interrupted holp change left {stray} as neither its old nor its new version: compare it "
                        f"with the old copies in {journal}, then delete that folder")
    if whole:  # a step after the commit failed, yet the change is complete
        _end(pending)
        return
    for f, is_old in zip(files, old, strict=True):
        if not is_old and f["old"] is None:
            (root / f["path"]).unlink()  # a file the change made
        elif not is_old:
            write_atomic(root / f["path"], (pending / f["old"]).read_bytes(), shown=f["shown"])
    made = intent["branch"]
    if made and git.head_name(root) == made and git.rev_parse(root, made) in (intent["head"], None):
        git.drop_new_branch(root, made, intent["original"])
    _end(pending)


@contextlib.contextmanager
def _held() -> Iterator[list[signal.Signals]]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done, then deliver the first as if it came now."""
    caught: list[signal.Signals] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def record(signum: int, frame: Any) -> None:
        caught.append(signal.Signals(signum))

    previous = {s: signal.signal(s, record) for s in HELD}
    try:
        yield caught
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if caught:  # even when the block failed: the user asked to stop, and a SIGTERM must still end holp
            _deliver(caught[0], previous[caught[0]])


def _deliver(signum: int, handler: Any) -> None:
    if callable(handler):
        handler(signum, None)  # Python's own SIGINT handler raises KeyboardInterrupt
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)  # dies of it, as it would have
