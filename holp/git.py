"""The only module that runs git. Failures become one sentence of advice, never a traceback.

Options are always separated from values (``--``) so that no id, note or
path can turn into a git option.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from holp.errors import HolpError

PLAIN_PATHS = ("-c", "core.quotePath=false")  # paths as they are (中文 too), never "\344\270\255..." quoted


def _git() -> str:
    exe = shutil.which("git")
    if exe is None:
        raise HolpError("git is not installed or not on PATH: install git and try again")
    return exe


# Hooks are the user's business only when holp changes something (a commit, a switch): a command that only
# reads never runs one, and never lets `git status` refresh (write) the index or call an fsmonitor.
NO_HOOKS = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")
_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
_DUBIOUS = "dubious ownership"


def _env() -> dict[str, str]:
    return {**os.environ, **_ENV}


def _refused(stderr: bytes, cwd: Path) -> None:
    """git's safe.directory refusal, as advice: it is not "no repository", and it is never retried."""
    if _DUBIOUS.encode() in stderr:
        raise HolpError(f"git refuses to work in {cwd}: the repository belongs to another user. If you trust it, "
                        "run `git config --global --add safe.directory PATH` with its path, then try again")


def reason(stderr: bytes, code: int) -> str:
    """The line of git's complaint that says what went wrong (a lock it could not take, a hook's last word)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").strip().splitlines() if line.strip()]
    for line in lines:
        if ".lock" in line and ("fatal:" in line or "error:" in line):
            return line.split(":", 1)[1].strip()
    return lines[-1] if lines else f"exit {code}"


def run(args: list[str], cwd: Path, *, check: bool = True, input: bytes | None = None, hooks: bool = False) -> str:
    """git ``args`` in ``cwd``; ``hooks`` lets the repository's hooks run.

    git runs in its own session, so the terminal's Ctrl-C (sent to holp's whole process group) never stops it
    half-way: holp decides. While holp holds the signal (a commit), git finishes; otherwise the
    KeyboardInterrupt makes `subprocess.run` kill git as it unwinds.
    """
    result = subprocess.run([_git(), *PLAIN_PATHS, *(() if hooks else NO_HOOKS), *args], cwd=cwd, input=input,
                            capture_output=True, env=_env(), check=False, start_new_session=True)
    if result.returncode != 0:
        _refused(result.stderr, cwd)
        if check:
            raise HolpError(f"git {args[0]} failed: {reason(result.stderr, result.returncode)}")
    return result.stdout.decode("utf-8", "replace")


def toplevel(path: Path) -> Path | None:
    """The work tree holding ``path``, or None when it is not in one."""
    if shutil.which("git") is None:
        return None
    out = run(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(out.strip()) if out.strip() else None


def init(path: Path) -> None:
    run(["init", "--quiet", "--", str(path)], path)


def git_dir(root: Path) -> Path:
    """The repository's common git folder (where holp keeps its lock and cache)."""
    out = run(["rev-parse", "--git-common-dir"], root).strip()
    path = Path(out)
    return path if path.is_absolute() else (root / path).resolve()


def common_dir(root: Path) -> Path | None:
    """The repository's common git folder, or None outside a git repository."""
    if shutil.which("git") is None:
        return None
    out = run(["rev-parse", "--git-common-dir"], root, check=False).strip()
    if not out:
        return None
    path = Path(out)
    return path if path.is_absolute() else (root / path).resolve()


def git_path(root: Path, name: str) -> Path:
    """Where git keeps ``name`` (index.lock, HEAD.lock ...) for this work tree."""
    out = Path(run(["rev-parse", "--git-path", name], root).strip())
    return out if out.is_absolute() else root / out


def locks(root: Path) -> list[Path]:
    """The lock files a commit on the current branch takes: the index, HEAD and the branch."""
    names = ["index.lock", "HEAD.lock"]
    branch = run(["symbolic-ref", "--quiet", "HEAD"], root, check=False).strip()
    if branch:
        names.append(f"{branch}.lock")
    return [git_path(root, name) for name in names]


def preflight(root: Path, *, need_branch: bool) -> None:
    """Refuse, before anything is read or written, what would make a commit fail half-way."""
    top = toplevel(root)
    if top is None:
        raise HolpError(f"{root} is not in a git repository: run `git init`, or pass --no-commit")
    for locked in locks(root):
        if locked.exists():
            raise HolpError(f"another git process holds {locked}: wait for it, or delete the file if no git is "
                            "running")
    ident = subprocess.run([_git(), *NO_HOOKS, "var", "GIT_AUTHOR_IDENT"], cwd=root, capture_output=True,
                           check=False, env=_env())
    if ident.returncode != 0:
        raise HolpError("git does not know who you are: run `git config user.name \"...\"` and "
                        "`git config user.email you@example.com`")
    if need_branch:
        branch = run(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False).strip()
        if not branch:
            raise HolpError("HEAD is detached: check out a branch (git switch main), or pass --branch NAME")
    unmerged = run(["diff", "--name-only", "--diff-filter=U"], root).split()
    if unmerged:
        raise HolpError(f"{unmerged[0]} has an unresolved merge conflict: resolve it and commit first")


def branch_exists(root: Path, name: str) -> bool:
    return bool(run(["branch", "--list", "--", name], root).strip())


def switch_new_branch(root: Path, name: str) -> str:
    """Make and check out a new branch; returns what HEAD was (a branch name, or a sha when detached)."""
    check_new_branch(root, name)
    original = head_name(root)
    run(["switch", "--quiet", "-c", name], root, hooks=True)
    return original


def head_name(root: Path) -> str:
    """The branch HEAD is on, or its sha when detached."""
    return (run(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False).strip()
            or run(["rev-parse", "HEAD"], root).strip())


def check_new_branch(root: Path, name: str) -> None:
    if run(["check-ref-format", "--branch", name], root, check=False).strip() == "":
        raise HolpError(f"--branch {name}: not a valid branch name")
    if branch_exists(root, name):
        raise HolpError(f"branch {name} already exists: name another with --branch NAME")


def drop_new_branch(root: Path, name: str, original: str) -> None:
    """Undo `switch_new_branch` after a failed commit: back to where HEAD was, the new branch gone."""
    detach = ["--detach"] if len(original) == 40 and all(c in "0123456789abcdef" for c in original) else []
    run(["switch", "--quiet", *detach, original], root, check=False, hooks=True)
    run(["branch", "--quiet", "-D", name], root, check=False)


def has_changes(root: Path, path: Path) -> bool:
    """Whether the file differs from HEAD (staged or not), or is not committed at all."""
    return bool(run(["status", "--porcelain=v1", "--untracked-files=all", "--", str(path)], root).strip())


def is_tracked(root: Path, path: Path | str) -> bool:
    """Whether git keeps ``path`` (it is in the index)."""
    return bool(run(["ls-files", "--error-unmatch", "--", str(path)], root, check=False).strip())


def commit_paths(root: Path, paths: list[Path], message: str) -> str:
    """Commit just ``paths`` as they are in the work tree; other staged work stays staged. Returns the sha.

    ``git commit --only`` builds the commit from a temporary index, so a
    failed commit (a hook says no) leaves the real index as it was.
    """
    relative = [str(p) for p in paths]
    untracked = [p for p in relative if not is_tracked(root, p)]
    if untracked:
        run(["add", "--intent-to-add", "--", *untracked], root)
    try:
        run(["commit", "--quiet", "--only", "--file=-", "--", *relative], root, input=message.encode("utf-8"),
            hooks=True)
    except HolpError:
        if untracked:
            run(["rm", "--quiet", "--cached", "--", *untracked], root, check=False)
        raise
    return run(["rev-parse", "HEAD"], root).strip()


# -- reading history -----------------------------------------------------------------------

ZERO = "0" * 40
# git parses the trailers itself (the rules `git interpret-trailers` uses): each "Key<GS>value", joined by RS.
_TRAILERS = "%(trailers:only,unfold,separator=%x1e,key_value_separator=%x1d)"
_LOG_FORMAT = f"--format=%x01%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f{_TRAILERS}%x1f%B%x02"


class Commit:
    __slots__ = ("_trailers", "author", "date", "email", "message", "parents", "sha")

    def __init__(self, sha: str, parents: list[str], author: str, email: str, date: str, message: str,
                 trailers: dict[str, str] | None = None) -> None:
        self.sha, self.parents, self.author, self.email, self.date, self.message = (
            sha, parents, author, email, date, message)
        self._trailers = trailers or {}

    def trailers(self) -> dict[str, str]:
        """The message's trailers (Key: value), as git parsed them; a repeated key keeps its last value."""
        return dict(self._trailers)

    def note(self) -> str | None:
        """The message between the subject and the trailers, if any."""
        paragraphs = self.message.strip().split("\n\n")
        body = paragraphs[1:-1] if self._trailers else paragraphs[1:]
        text = "\n\n".join(body).strip()
        return text or None


def _trailers(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.split("\x1e"):
        key, sep, value = line.partition("\x1d")
        if sep:
            found[key] = value.strip()
    return found


class Change(NamedTuple):
    """One file a commit changed: its blob in each parent and after, and their modes (a link is 120000)."""

    olds: tuple[str, ...]
    new: str
    status: str
    path: str  # from the top of the git repository
    old_modes: tuple[str, ...] = ()
    new_mode: str = "100644"


def log(root: Path, revisions: list[str], paths: list[str]) -> Iterator[tuple[Commit, list[Change]]]:
    """Every commit of ``revisions`` touching ``paths``, oldest first, with its raw changes.

    One `git log --raw -z --cc` stream: git diffs trees itself, holp only
    parses. A merge lists only what it changed against every parent (what its
    author resolved or added), so a move made on a branch is not seen again
    at the merge, but a move made in the merge itself is.
    """
    args = [_git(), *PLAIN_PATHS, *NO_HOOKS, "log", "--reverse", "--raw", "-z", "--cc", "--no-renames", "--no-abbrev",
            "--full-history", "--no-color", "--no-show-signature", _LOG_FORMAT, *revisions, "--", *paths]
    process = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert process.stdout is not None
    buffer = b""
    try:
        while chunk := process.stdout.read(1 << 20):
            *complete, buffer = (buffer + chunk).split(b"\x01")
            for part in complete:
                if part:
                    yield _parse_log_entry(part)
        if buffer:
            yield _parse_log_entry(buffer)
    finally:
        process.stdout.close()
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        code = process.wait()
    if code != 0:
        message = stderr.strip().splitlines()
        raise HolpError(f"git log failed: {message[-1] if message else code}")


def _parse_log_entry(part: bytes) -> tuple[Commit, list[Change]]:
    header, _, raw = part.partition(b"\x02")
    sha, parents, author, email, date, trailers, message = header.decode("utf-8", "replace").split("\x1f", 6)
    fields = raw.lstrip(b"\x00\n").split(b"\x00")
    changes: list[Change] = []
    for i in range(0, len(fields) - 1, 2):
        meta = fields[i].decode()
        if not meta.startswith(":"):
            continue
        parents_count = len(meta) - len(meta.lstrip(":"))  # "::" in a merge's combined diff
        words = meta.lstrip(":").split(" ")
        modes, shas = words[:parents_count + 1], words[parents_count + 1: 2 * parents_count + 2]
        changes.append(Change(tuple(shas[:-1]), shas[-1], words[-1][:1], fields[i + 1].decode("utf-8", "replace"),
                              tuple(modes[:-1]), modes[-1]))
    return Commit(sha, parents.split(), author, email, date, message, _trailers(trailers)), changes


class Unread(bytes):
    """What `CatFile.read` gives for a blob over its limit: no content, only the size (`holp.yaml.read`
    turns it into a too-large problem). Empty bytes, so code that ignores the size sees nothing, not junk."""

    size: int
    limit: int

    def __new__(cls, size: int, limit: int) -> Unread:
        unread = super().__new__(cls)
        unread.size, unread.limit = size, limit
        return unread


class CatFile:
    """One `git cat-file --batch` process for many objects, fed from a thread (no deadlock, no round trips)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, shas: list[str], limit: int | None = None) -> dict[str, bytes]:
        """sha → content of each object that exists; with ``limit``, a larger one is `Unread`,
        its content passed over in chunks as git sends it, never held."""
        import threading

        if not shas:
            return {}
        process = subprocess.Popen([_git(), *NO_HOOKS, "cat-file", "--batch", "--buffer"], cwd=self.root, env=_env(),
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert process.stdin is not None and process.stdout is not None
        stdin = process.stdin

        def feed() -> None:
            try:
                stdin.write("".join(f"{sha}\n" for sha in shas).encode())
            finally:
                stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        found: dict[str, bytes] = {}
        out = process.stdout
        for sha in shas:
            header = out.readline().split()
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            if limit is not None and size > limit:
                found[sha] = Unread(size, limit)
                while size > 0:
                    skipped = len(out.read(min(size, 1 << 20)))
                    if not skipped:
                        break
                    size -= skipped
            else:
                found[sha] = out.read(size)
            out.read(1)
        writer.join()
        out.close()
        process.wait()
        return found


def rev_parse(root: Path, revision: str) -> str | None:
    out = run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root, check=False)
    return out.strip() or None


def is_shallow(root: Path) -> bool:
    return run(["rev-parse", "--is-shallow-repository"], root, check=False).strip() == "true"


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    result = subprocess.run([_git(), *NO_HOOKS, "merge-base", "--is-ancestor", ancestor, descendant], cwd=root,
                            env=_env(), capture_output=True, check=False)
    return result.returncode == 0


def merge_base(root: Path, a: str, b: str) -> str | None:
    return run(["merge-base", "--end-of-options", a, b], root, check=False).strip() or None


def show_prefix(root: Path) -> str:
    """Where the sales repository at ``root`` sits in its git repository ('' at the top, else 'sub/')."""
    return run(["rev-parse", "--show-prefix"], root).strip()


def inside(path: str, prefix: str) -> str:
    """git names paths from its top; holp from the sales repository, which may be a subfolder."""
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def tree(root: Path, revision: str, paths: list[str]) -> list[tuple[str, str, str]]:
    """(mode, object, path relative to ``root``) of every entry under ``paths`` at ``revision``, links included."""
    out = run(["ls-tree", "-r", "-z", "--full-name", "--end-of-options", revision, "--", *paths], root)
    prefix = show_prefix(root)
    found = []
    for entry in out.split("\0"):
        if entry:
            meta, _, path = entry.partition("\t")
            mode, _kind, sha = meta.split()[:3]
            found.append((mode, sha, inside(path, prefix)))
    return found


def work_tree_state(root: Path, paths: list[str]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """What the index holds unchanged under ``paths`` as (mode, blob, path), and the paths to read from disk.

    The second list is every path `git status` reports changed or new (untracked included), relative to
    ``root``; a deleted file is in neither list.
    """
    index = run(["ls-files", "--stage", "-v", "-z", "--full-name", "--", *paths], root)
    status = run(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *paths], root)
    changed: set[str] = set()
    deleted: set[str] = set()
    for entry in status.split("\0"):
        if len(entry) > 3:
            code, path = entry[:2], entry[3:]
            (deleted if "D" in code else changed).add(path)
    prefix = show_prefix(root)
    clean = []
    for line in index.split("\0"):
        if not line:
            continue
        meta, _, path = line.partition("\t")
        tag, mode, sha = meta.split()[:3]
        if path in changed or path in deleted or tag != "H":
            continue  # changed, or git was told not to look (skip-worktree, assume-unchanged): the disk says
        clean.append((mode, sha, inside(path, prefix)))
    return clean, sorted(inside(p, prefix) for p in changed)


def changed_paths(root: Path, base: str, head: str) -> list[str]:
    """The files that differ between two commits, relative to ``root``."""
    out = run(["diff", "--name-only", "-z", "--relative", "--no-renames", base, head, "--"], root)
    return [p for p in out.split("\0") if p]


def added(root: Path, paths: list[str]) -> dict[str, str]:
    """When each file under ``paths`` was first added in HEAD's history: path (relative to ``root``) → author date.

    Empty when there is no history to read (no commits yet).
    """
    out = run(["log", "--diff-filter=A", "--no-renames", "--format=%x01%aI", "--name-only", "--relative", "HEAD",
               "--", *paths], root, check=False)
    found: dict[str, str] = {}
    for block in out.split("\x01"):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines:
            for path in lines[1:]:
                found.setdefault(path, lines[0])
    return found


def first_parent_dates(root: Path, before: str) -> list[tuple[str, str]]:
    """(commit, committer date in its own zone, ISO 8601) of HEAD's first-parent history before ``before``, newest
    first."""
    out = run(["log", "--first-parent", "--format=%H %cI", f"--before={before}", "HEAD", "--"], root, check=False)
    return [(sha, stamp) for sha, _, stamp in (line.partition(" ") for line in out.splitlines())]


def committer_date(root: Path, commit: str) -> str:
    """A commit's committer date in its own time zone, ISO 8601."""
    return run(["show", "-s", "--format=%cI", commit, "--"], root).strip()


def author(root: Path, commit: str) -> tuple[str, str, str]:
    """(name, email, date in ISO 8601 with its zone) of a commit's author."""
    out = run(["log", "-1", "--format=%an%x1f%ae%x1f%aI", commit, "--"], root).strip()
    name, email, date = [*out.split("\x1f"), "", "", ""][:3]
    return name, email, date


def commits(root: Path, revisions: str) -> list[tuple[str, str, str]]:
    """(sha, author name, author email) of the commits of ``revisions`` (e.g. "BASE..HEAD") that touched the sales
    repository (``root``, which may be a folder of a bigger git repository), oldest first."""
    out = run(["log", "--reverse", "--no-show-signature", "--format=%H%x1f%an%x1f%ae", revisions, "--", "."], root)
    return [(sha, name, email) for sha, name, email in (line.split("\x1f", 2) for line in out.splitlines() if line)]


def is_ignored(root: Path, path: Path) -> bool:
    """Whether git ignores ``path`` (untracked, matched by .gitignore or info/exclude); False outside a repository.

    Without git there is nothing git ignores, so a missing git is no reason to refuse; any other failure is.
    ``path`` is absolute, so no pathspec magic (``:(glob)...``) can start it.
    """
    try:
        exe = _git()
    except HolpError:
        return False
    result = subprocess.run([exe, *PLAIN_PATHS, "check-ignore", "--quiet", "--", str(path.absolute())], cwd=root,
                            capture_output=True, check=False,
                            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    if result.returncode in (0, 1):
        return result.returncode == 0
    message = result.stderr.decode("utf-8", "replace").strip()
    if "not a git repository" in message:
        return False
    raise HolpError(f"git check-ignore failed for {path}: {message.splitlines()[-1] if message else 'no answer'}", 1)
