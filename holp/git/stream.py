"""Reading history: `git log` as a stream of commits and their changes, and blobs by the batch."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from holp.errors import HolpError
from holp.git import NO_HOOKS, PLAIN_PATHS, _env, _git

ZERO = "0" * 40
# git parses the trailers itself (the rules `git interpret-trailers` uses): each "Key<GS>value", joined by RS.
_TRAILERS = "%(trailers:only,unfold,separator=%x1e,key_value_separator=%x1d)"
_LOG_FORMAT = f"--format=%x01%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%ce%x1f{_TRAILERS}%x1f%B%x02"


class Commit:
    __slots__ = ("_trailers", "author", "committer_email", "date", "email", "message", "parents", "sha")

    def __init__(self, sha: str, parents: list[str], author: str, email: str, date: str, message: str,
                 trailers: dict[str, str] | None = None, committer_email: str | None = None) -> None:
        self.sha, self.parents, self.author, self.email, self.date, self.message = (
            sha, parents, author, email, date, message)
        self.committer_email = email if committer_email is None else committer_email
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


def log(root: Path, revisions: list[str], paths: list[str], *, newest_first: bool = False
        ) -> Iterator[tuple[Commit, list[Change]]]:
    """Every commit of ``revisions`` touching ``paths``, oldest first (or ``newest_first``), with its raw changes.

    Oldest first makes git walk the whole history before it sends the first commit; newest first streams from
    the start, so a caller that reverses the list itself can work while git walks.

    One `git log --raw -z --cc` stream: git diffs trees itself, holp only
    parses. A merge lists only what it changed against every parent (what its
    author resolved or added), so a move made on a branch is not seen again
    at the merge, but a move made in the merge itself is.
    """
    order = [] if newest_first else ["--reverse"]
    args = [_git(), *PLAIN_PATHS, *NO_HOOKS, "log", *order, "--raw", "-z", "--cc", "--no-renames", "--no-abbrev",
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
    sha, parents, author, email, date, committer, trailers, message = (
        header.decode("utf-8", "replace").split("\x1f", 7))
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
    return Commit(sha, parents.split(), author, email, date, message, _trailers(trailers), committer), changes


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
