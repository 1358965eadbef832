"""The only module that runs git. Failures become one sentence of advice, never a traceback.

Options are always separated from values (``--``) so that no id, note or
path can turn into a git option.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from holp.errors import HolpError


def _git() -> str:
    exe = shutil.which("git")
    if exe is None:
        raise HolpError("git is not installed or not on PATH: install git and try again")
    return exe


def run(args: list[str], cwd: Path, *, check: bool = True, input: bytes | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    result = subprocess.run([_git(), *args], cwd=cwd, input=input, capture_output=True, env=env, check=False)
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HolpError(f"git {args[0]} failed: {message[-1] if message else 'exit ' + str(result.returncode)}")
    return result.stdout.decode("utf-8", "replace")


def toplevel(path: Path) -> Path | None:
    """The work tree holding ``path``, or None when it is not in one."""
    try:
        out = run(["rev-parse", "--show-toplevel"], path, check=False)
    except HolpError:
        return None
    return Path(out.strip()) if out.strip() else None


def init(path: Path) -> None:
    run(["init", "--quiet", "--", str(path)], path)


def git_dir(root: Path) -> Path:
    """The repository's common git folder (where holp keeps its lock and cache)."""
    out = run(["rev-parse", "--git-common-dir"], root).strip()
    path = Path(out)
    return path if path.is_absolute() else (root / path).resolve()


def preflight(root: Path, *, need_branch: bool) -> None:
    """Refuse, before anything is read or written, what would make a commit fail half-way."""
    top = toplevel(root)
    if top is None:
        raise HolpError(f"{root} is not in a git repository: run `git init`, or pass --no-commit")
    locked = git_dir(root) / "index.lock"
    if locked.exists():
        raise HolpError(f"another git process holds {locked}: wait for it, or delete the file if no git is running")
    ident = subprocess.run([_git(), "var", "GIT_AUTHOR_IDENT"], cwd=root, capture_output=True, check=False,
                           env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
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


def switch_new_branch(root: Path, name: str) -> None:
    if run(["check-ref-format", "--branch", name], root, check=False).strip() == "":
        raise HolpError(f"--branch {name}: not a valid branch name")
    if branch_exists(root, name):
        raise HolpError(f"branch {name} already exists: name another with --branch NAME")
    run(["switch", "--quiet", "-c", name], root)


def commit_paths(root: Path, paths: list[Path], message: str) -> str:
    """Commit just ``paths`` as they are in the work tree; other staged work stays staged. Returns the sha.

    ``git commit --only`` builds the commit from a temporary index, so a
    failed commit (a hook says no) leaves the real index as it was.
    """
    relative = [str(p) for p in paths]
    untracked = [p for p in relative if run(["ls-files", "--error-unmatch", "--", p], root, check=False) == ""]
    if untracked:
        run(["add", "--intent-to-add", "--", *untracked], root)
    try:
        run(["commit", "--quiet", "--only", "--file=-", "--", *relative], root, input=message.encode("utf-8"))
    except HolpError:
        if untracked:
            run(["rm", "--quiet", "--cached", "--", *untracked], root, check=False)
        raise
    return run(["rev-parse", "HEAD"], root).strip()
