"""Writing files so that a crash at any moment leaves the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from holp import git
from holp.errors import HolpError
from holp.fileset import TEMP_SUFFIX

TEMP = TEMP_SUFFIX  # .NAME.<random>.holp-tmp, next to the file it becomes


def write_atomic(path: Path, data: bytes, *, create_only: bool = False, shown: str | None = None) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder: fsync, keep the mode, rename.

    With ``create_only``, refuse (atomically) when ``path`` already exists. A failure (a full disk, a file size
    limit, no permission) is one `HolpError` naming the file (as ``shown``), with the file as it was and no
    temp file left.
    """
    shown = shown or str(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sweep(folder)
        mode = _mode(path, shown)
        fd, temp = _temp(folder, path.name)
    except OSError as e:
        raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None
    try:
        _write(fd, data, shown)
        os.fsync(fd)
        os.fchmod(fd, mode)
        if create_only:
            try:
                os.link(temp, path)  # fails if path exists: no check-then-write race
            except FileExistsError:
                raise HolpError(f"{shown} already exists; holp never overwrites it") from None
            os.unlink(temp)
        else:
            os.replace(temp, path)
        _fsync_dir(folder)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        if isinstance(e, OSError):
            raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None
        raise
    finally:
        os.close(fd)  # only now: the lock on the temp file kept any sweep off it until it was renamed


def write_many(writes: list[tuple[Path, bytes, str]], done: Callable[[int], None] = lambda _: None,
               part: int = 256) -> None:
    """Write many files as `write_atomic` writes one — through temp files, modes kept, each file whole or not at
    all — with one flush of the disk per ``part`` files instead of two per file (ten thousand files of an import
    took a minute in fsyncs alone). ``done`` hears the index of each file once it is in place. A failure is one
    `HolpError` naming the file; the files already in place stay (the caller's journal undoes them)."""
    folders: dict[Path, None] = {}
    for start in range(0, len(writes), part):
        opened: list[tuple[int, str, Path, str]] = []  # fd, temp, path, shown: not yet in place
        try:
            for path, data, shown in writes[start:start + part]:
                if path.parent not in folders:
                    try:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        sweep(path.parent)
                    except OSError as e:
                        raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None
                    folders[path.parent] = None
                mode = _mode(path, shown)
                try:
                    fd, temp = _temp(path.parent, path.name)
                except OSError as e:
                    raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None
                opened.append((fd, temp, path, shown))
                _write(fd, data, shown)
                os.fchmod(fd, mode)
            os.sync()  # every temp file's bytes on the disk before any rename makes one of them the file
            for i, (fd, temp, path, shown) in enumerate(list(opened)):
                try:
                    os.replace(temp, path)
                except OSError as e:
                    raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None
                os.close(fd)
                opened.pop(0)
                done(start + i)
        finally:
            for fd, temp, _, _ in opened:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                os.close(fd)
    for folder in folders:
        _fsync_dir(folder)


def _mode(path: Path, shown: str) -> int:
    """The mode the new file gets: the old file's, else what the umask gives; refused when it is no regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    except OSError as e:
        raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):  # a device, a pipe: the rename
        raise HolpError(f"cannot write {shown}: it is no regular file")  # would put a file in its place
    return stat.S_IMODE(info.st_mode)


def _write(fd: int, data: bytes, shown: str) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as e:
        raise HolpError(f"cannot write {shown}: {e.strerror or e}") from None


def _temp(folder: Path, name: str) -> tuple[int, str]:
    """A new temp file, locked for as long as it is open: that lock is how a sweep tells a live write's temp
    file from one a killed write left behind (the kernel drops the lock when its process dies)."""
    import fcntl

    while True:
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP, dir=folder)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            return fd, temp
        os.close(fd)  # a sweep took it between its creation and the lock: take another


def sweep(folder: Path, keep: Callable[[Path], bool] = lambda _: False) -> None:
    """Remove the temp files that killed writes left in ``folder``, at once; never one a live write holds, nor one
    ``keep`` says to keep (a file git keeps is a file of the repository, whatever its name)."""
    import fcntl

    try:
        names = [e.name for e in os.scandir(folder) if e.name.startswith(".") and e.name.endswith(TEMP)]
    except OSError:
        return
    for name in names:
        leftover = folder / name
        if keep(leftover):
            continue
        try:
            fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(leftover, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                os.unlink(leftover)
        except OSError:
            pass  # held by a live write, or gone already
        finally:
            os.close(fd)


def refuse_read_only(path: Path, shown: str) -> None:
    """A file (or its folder) nobody may write is one holp leaves alone, even when run as root."""
    for target, what in ((path, shown), (path.parent, f"the folder of {shown}")):
        try:
            mode = target.stat().st_mode
        except OSError:
            continue
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise HolpError(f"{what} is read-only: make it writable (chmod u+w) to change it; nothing was changed")


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


def lock_wait() -> float:
    """How long to wait for another holp command (or git) to finish: HOLP_LOCK_WAIT seconds, default 10."""
    try:
        return float(os.environ.get("HOLP_LOCK_WAIT", "10"))
    except ValueError:
        return 10.0


@contextlib.contextmanager
def exclusive(lock_path: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (released even if the process dies).

    Waits up to ``wait`` seconds (HOLP_LOCK_WAIT, default 10) for another holp command to finish.
    """
    import fcntl
    import time

    if wait is None:
        wait = lock_wait()
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


def refuse_git_dir(output: Path) -> None:
    """An output must not go into git's own folder: `-o .git/config` would break the repository."""
    target = output.resolve()
    folder = target
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if target.name == ".git" or git.in_git_dir(folder):
        raise HolpError(f"{output} is in git's own folder (.git): write the output somewhere else")


def refuse_tracked(output: Path) -> None:
    """An output file must not replace one git keeps (a project file, holp.yaml ...), nor go into .git."""
    refuse_git_dir(output)
    target = output.resolve()
    folder = target.parent if target.parent.is_dir() else None
    if folder is None or not target.exists() or git.toplevel(folder) is None:
        return
    if git.is_tracked(folder, target):
        raise HolpError(f"{output} is a file git keeps: write the output somewhere else")
