"""Writes are atomic: a process killed at any moment leaves the old file or the new one, never half."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from holp.errors import HolpError
from holp.files import write_atomic

OLD = "id: P-2026-001\nstage: entry   # 旧\n".encode() * 1000

STALL_IN_FSYNC = """
import os, sys, time
from pathlib import Path
import holp.files

def stalled(fd):
    sys.stdout.write("written\\n")
    sys.stdout.flush()
    time.sleep(60)

os.fsync = stalled
holp.files.write_atomic(Path(sys.argv[1]), b"stage: proposal\\n" * 1_000_000)
"""


def test_killed_after_writing_before_rename_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "P-2026-001.yaml"
    target.write_bytes(OLD)
    target.chmod(0o640)
    child = subprocess.Popen([sys.executable, "-c", STALL_IN_FSYNC, str(target)], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"written\n"  # the new bytes are all in the temp file now
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert target.read_bytes() == OLD
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["P-2026-001.yaml"]


WRITE_FOREVER = """
import sys
from pathlib import Path
import holp.files

target = Path(sys.argv[1])
new = b"stage: proposal\\n" * 200_000
sys.stdout.write("go\\n")
sys.stdout.flush()
while True:
    holp.files.write_atomic(target, new)
    holp.files.write_atomic(target, target.with_suffix(".old").read_bytes())
"""


def test_killed_at_random_moments_the_file_is_always_whole(tmp_path: Path) -> None:
    target = tmp_path / "P-2026-001.yaml"
    target.write_bytes(OLD)
    target.with_suffix(".old").write_bytes(OLD)
    new = b"stage: proposal\n" * 200_000
    rng = random.Random(4711)
    for _ in range(15):
        child = subprocess.Popen([sys.executable, "-c", WRITE_FOREVER, str(target)], stdout=subprocess.PIPE)
        assert child.stdout is not None and child.stdout.readline() == b"go\n"
        time.sleep(rng.uniform(0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert target.read_bytes() in (OLD, new)


def test_create_only_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "C-0001.yaml"
    target.write_bytes(b"id: C-0001\n")
    with pytest.raises(HolpError, match="already exists"):
        write_atomic(target, b"id: other\n", create_only=True)
    assert target.read_bytes() == b"id: C-0001\n"
    assert os.listdir(tmp_path) == ["C-0001.yaml"]


def test_leftovers_of_killed_writes_are_swept_at_once_but_a_live_writes_temp_is_kept(tmp_path: Path) -> None:
    import fcntl

    target = tmp_path / "P-2026-001.yaml"
    target.write_bytes(OLD)
    left = tmp_path / ".P-2026-001.yaml.abc123.holp-tmp"  # a second old: no age decides, only who holds it
    other = tmp_path / ".P-2026-002.yaml.abc123.holp-tmp"
    live = tmp_path / ".P-2026-003.yaml.def456.holp-tmp"
    for leftover in (left, other, live):
        leftover.write_bytes(b"half a file")
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as write_atomic holds its temp file until the rename
        write_atomic(target, b"stage: proposal\n")
        assert target.read_bytes() == b"stage: proposal\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, target.name]
    write_atomic(target, b"stage: bidding\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
