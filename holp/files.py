"""Writing files so that a crash at any moment leaves the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from holp import git
from holp.errors import HolpError


def write_atomic(path: Path, data: bytes, *, create_only: bool = False) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder: fsync, keep the mode, rename.

    With ``create_only``, refuse (atomically) when ``path`` already exists.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder, path.name)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".holp-tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        if create_only:
            try:
                os.link(temp, path)  # fails if path exists: no check-then-write race
            except FileExistsError:
                raise HolpError(f"{path} already exists; holp never overwrites it") from None
            os.unlink(temp)
        else:
            os.replace(temp, path)
        _fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


STALE_SECONDS = 600  # a temp file this old was left by a write that was killed, not by one under way


def _sweep(folder: Path, name: str) -> None:
    """Remove what killed writes of this file left behind (never a temp file a live write may still use)."""
    import time

    for leftover in folder.glob(f".{name}.*.holp-tmp"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not every platform opens folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive(lock_path: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (released even if the process dies).

    Waits up to ``wait`` seconds (HOLP_LOCK_WAIT, default 10) for another holp command to finish.
    """
    import fcntl
    import time

    if wait is None:
        try:
            wait = float(os.environ.get("HOLP_LOCK_WAIT", "10"))
        except ValueError:
            wait = 10.0
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise HolpError("another holp command is changing this repository; try again when it is done") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def refuse_tracked(output: Path) -> None:
    """An output file must not replace one git keeps (a project file, holp.yaml ...)."""
    target = output.resolve()
    folder = target.parent if target.parent.is_dir() else None
    if folder is None or git.toplevel(folder) is None or not target.exists():
        return
    if git.is_tracked(folder, target):
        raise HolpError(f"{output} is a file git keeps: write the output somewhere else")
