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
