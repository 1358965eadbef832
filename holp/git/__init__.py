"""The only module that runs git. Failures become one sentence of advice, never a traceback.

Options are always separated from values (``--``) so that no id, note or
path can turn into a git option.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import BinaryIO

from holp.errors import FAILED, HolpError

PLAIN_PATHS = ("-c", "core.quotePath=false")  # paths as they are (中文 too), never "\344\270\255..." quoted


NO_GIT = "git is not installed or not on PATH: install git and try again"


def _git() -> str:
    exe = shutil.which("git")
    if exe is None:
        raise HolpError(NO_GIT)
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


def run_together(commands: list[list[str]], cwd: Path) -> list[str]:
    """Read-only git commands run side by side (each on its own core), as `run` runs one; their outputs in order."""
    started = [subprocess.Popen([_git(), *PLAIN_PATHS, *NO_HOOKS, *args], cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=_env(), start_new_session=True) for args in commands]
    outputs = []
    for args, process in zip(commands, started, strict=True):
        out, err = process.communicate()
        if process.returncode != 0:
            _refused(err, cwd)
            raise HolpError(f"git {args[0]} failed: {reason(err, process.returncode)}")
        outputs.append(out.decode("utf-8", "replace"))
    return outputs


def toplevel(path: Path, *, optional: bool = False) -> Path | None:
    """The work tree holding ``path``, or None when it is not in one.

    Without git on PATH, a folder with a `.git` in it or above it is a repository nobody can read: a caller
    that needs git there (to commit, to read history, to lock) gets the one sentence that says so (exit 2);
    one that only uses git when it is there (a cache, a faster read of the work tree) passes ``optional`` and
    reads the work tree as outside git.
    """
    if shutil.which("git") is None:
        if not optional and any((folder / ".git").exists() for folder in (path.absolute(), *path.absolute().parents)):
            raise HolpError(NO_GIT)
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
    check_identity(root)
    if need_branch and detached(root):
        raise HolpError("HEAD is detached: check out a branch (git switch main), or pass --branch NAME")
    unmerged = run(["diff", "--name-only", "--diff-filter=U"], root).split()
    if unmerged:
        raise HolpError(f"{unmerged[0]} has an unresolved merge conflict: resolve it and commit first")


def detached(root: Path) -> bool:
    """Whether HEAD is on no branch (a commit there would belong to none)."""
    return not run(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False).strip()


def check_identity(cwd: Path, alternative: str = "") -> None:
    """Refuse when git would not know whom to name as a commit's author (outside a repository, where the
    commit will be in the one about to be made, the advice is the global configuration: `git config user.name`
    fails there)."""
    ident = subprocess.run([_git(), *NO_HOOKS, "var", "GIT_AUTHOR_IDENT"], cwd=cwd, capture_output=True,
                           check=False, env=_env())
    if ident.returncode != 0:
        scope = "" if toplevel(cwd) is not None else "--global "
        raise HolpError(f"git does not know who you are: run `git config {scope}user.name \"...\"` and "
                        f"`git config {scope}user.email you@example.com`{alternative}")


def author_email(cwd: Path) -> str | None:
    """The email git would sign a commit with here (GIT_AUTHOR_EMAIL, else user.email), or None when unknown."""
    ident = run(["var", "GIT_AUTHOR_IDENT"], cwd, check=False).strip()
    if "<" not in ident or ">" not in ident:
        return None
    return ident[ident.index("<") + 1:ident.rindex(">")].strip() or None


def start_main(path: Path) -> None:
    """A repository with no commit yet starts on branch main, whatever git's default. One that has branches keeps
    the branch HEAD is on, even a new one (`git switch --orphan`): main may be another branch's, with its commits."""
    if rev_parse(path, "HEAD") is None and not run(["for-each-ref", "--count=1", "refs/heads/"], path).strip():
        run(["symbolic-ref", "HEAD", "refs/heads/main"], path)


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


def literal(path: Path | str) -> str:
    """``path`` as a pathspec that names exactly that file: git reads `*`, `?` and `[` in a path as a pattern
    (`P-2026-00*.yaml` would name every project of the folder). Not set for all of git (GIT_LITERAL_PATHSPECS):
    the hooks of holp's commit would inherit it."""
    return f":(literal){path}"


def has_changes(root: Path, path: Path) -> bool:
    """Whether the file differs from HEAD (staged or not), or is not committed at all."""
    return bool(run(["status", "--porcelain=v1", "--untracked-files=all", "--", literal(path)], root).strip())


def in_git_dir(folder: Path) -> bool:
    """Whether ``folder`` (an existing folder) is git's own folder of a repository or inside it (.git/...)."""
    if shutil.which("git") is None:
        return False
    return run(["rev-parse", "--is-inside-git-dir"], folder, check=False).strip() == "true"


def is_tracked(root: Path, path: Path | str) -> bool:
    """Whether git keeps ``path`` (it is in the index)."""
    return bool(run(["ls-files", "--error-unmatch", "--", literal(path)], root, check=False).strip())


def deleted(root: Path, folder: str) -> list[str]:
    """The files under ``folder`` that HEAD has and the work tree does not (deleted, staged or not), relative to
    ``root``."""
    out = run(["diff", "--name-only", "-z", "--relative", "--no-renames", "--diff-filter=D", "HEAD", "--",
               literal(folder)], root)
    return [p for p in out.split("\0") if p]


def changed(root: Path, folder: str) -> set[str]:
    """The files under ``folder`` that differ from HEAD (staged or not), relative to ``root``: one git run for
    all of them."""
    out = run(["diff", "--name-only", "-z", "--relative", "--no-renames", "HEAD", "--", literal(folder)], root,
              check=False)
    return {p for p in out.split("\0") if p}


def commit_paths(root: Path, paths: list[Path], message: str, environment: dict[str, str] | None = None) -> str:
    """Commit just ``paths`` as they are in the work tree; other staged work stays staged. Returns the sha.

    ``git commit --only`` builds the commit from a temporary index, so a
    failed commit (a hook says no) leaves the real index as it was.
    """
    relative = [literal(p) for p in paths]
    if len(paths) > MANY_PATHS:  # an import: one git run for all, and the paths on stdin, never past ARG_MAX
        folders = sorted({Path(p).parent.as_posix() for p in paths})
        tracked = set(run(["ls-files", "-z", "--", *(literal(f) for f in folders)], root).split("\0"))
        untracked = [literal(p) for p in paths if Path(p).as_posix() not in tracked]
        if untracked:
            run(["add", "--intent-to-add", "--pathspec-from-file=-", "--pathspec-file-nul"], root,
                input="\0".join(untracked).encode("utf-8"))
    else:
        untracked = [literal(p) for p in paths if not is_tracked(root, p)]
        if untracked:
            run(["add", "--intent-to-add", "--", *untracked], root)
    try:
        _commit(root, relative, message, environment or {})
    except HolpError:
        if untracked:
            run(["rm", "--quiet", "--cached", "--pathspec-from-file=-", "--pathspec-file-nul"], root, check=False,
                input="\0".join(untracked).encode("utf-8"))
        raise
    return run(["rev-parse", "HEAD"], root).strip()


MANY_PATHS = 100  # more paths than this go to git on stdin or in a file (100,000 would pass the limit of a command line)
HOOK_LINES = 40  # the last lines of a refusing hook's output that holp shows
HOOK_WIDTH = 300  # characters of each of those lines
HOOK_TAIL = 64 * 1024  # bytes of its output read back, at the end: a hook may print megabytes


def _last_lines(output: BinaryIO) -> list[str]:
    """What a refusing hook printed, as holp shows it: its last lines, each cut to a width."""
    size = output.seek(0, os.SEEK_END)
    output.seek(max(0, size - HOOK_TAIL))
    said = output.read().decode("utf-8", "replace").rstrip().splitlines()
    if size > HOOK_TAIL:
        said = ["... (its earlier output left out)", *said[1:][-HOOK_LINES:]]  # the first may be part of a line
    elif len(said) > HOOK_LINES:
        said = [f"... ({len(said) - HOOK_LINES} lines before these)", *said[-HOOK_LINES:]]
    return [line if len(line) <= HOOK_WIDTH else f"{line[:HOOK_WIDTH]} … (cut)" for line in said]


def _commit(root: Path, paths: list[str], message: str, environment: dict[str, str]) -> None:
    """`git commit --only` with the repository's hooks; when one refuses, which one and what it said.

    git names no hook when one fails; its trace2 events (to a file, so the hooks' own output stays apart)
    give each hook it starts and the code it exited with. What git and the hooks print goes to a file too."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="holp-commit-") as folder:
        trace = Path(folder) / "events"
        with (Path(folder) / "output").open("w+b") as output:
            listed = Path(folder) / "paths"
            listed.write_bytes("\0".join(paths).encode("utf-8"))
            named = (["--pathspec-from-file", str(listed), "--pathspec-file-nul"] if len(paths) > MANY_PATHS
                     else ["--", *paths])
            result = subprocess.run([_git(), *PLAIN_PATHS, "commit", "--quiet", "--only", "--file=-", *named],
                                    cwd=root, input=message.encode("utf-8"), stdout=output, stderr=subprocess.STDOUT,
                                    check=False, env={**_env(), **environment, "GIT_TRACE2_EVENT": str(trace)},
                                    start_new_session=True)
            if result.returncode == 0:
                return
            said = _last_lines(output)
        printed = "\n".join(said).encode("utf-8")
        _refused(printed, root)
        events = trace.read_text(encoding="utf-8", errors="replace").splitlines() if trace.exists() else []
    hooks: dict[tuple[str, int], tuple[str, str]] = {}
    refused = None
    for line in events:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        key = (str(event.get("sid")), event.get("child_id", -1))
        if event.get("event") == "child_start" and event.get("child_class") == "hook":
            hooks[key] = (str(event.get("hook_name")), " ".join(map(str, event.get("argv") or [])))
        elif event.get("event") == "child_exit" and key in hooks and event.get("code") != 0:
            refused = hooks[key]
    if refused is None:
        raise HolpError(f"git commit failed: {reason(printed, result.returncode)}")
    shown = "\n".join(f"  | {line}" for line in said) if said else "  (it printed nothing)"
    name, program = refused
    raise HolpError(f"the {name} hook ({program}) refused the commit, so nothing was changed; fix what it "
                    f"says, or run the hook alone to see it again. What it said:\n{shown}", FAILED)


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
    index, status = run_together([["ls-files", "--stage", "-v", "-z", "--full-name", "--", *paths],
                                  ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--",
                                   *paths]], root)
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


from holp.git.stream import ZERO, CatFile, Change, Commit, Unread, log  # noqa: E402  (they need the helpers above)

__all__ = ["ZERO", "CatFile", "Change", "Commit", "Unread", "log"]
