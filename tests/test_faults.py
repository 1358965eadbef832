"""Interrupts never leave a half-state, and faults lose nothing.

Where a signal matters holp runs as a real process (`python -m holp`). Every test checks the exit code, the
bytes of the files, HEAD, and what did not happen: no temp file, no journal, no hook run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, git

PROJECT_FILE = "projects/east/P-2026-001.yaml"
CUSTOMER_FILE = "customers/east/C-0001.yaml"
TICK = ("tick", "P-2026-001", "key_person_relationship")
VISIT = ("visit", "P-2026-001", "--met", "李明", "--closer", "李明", "--trust-up", "王强")

# holp with a pause at one of the named points between the steps of a write (`holp.transaction._reached`)
PAUSING = """
import sys, time
import holp.transaction
from holp.__main__ import main

stop_at, pause = sys.argv[1], float(sys.argv[2])

def reached(step):
    if step == stop_at:
        sys.stderr.write("paused\\n")
        sys.stderr.flush()
        time.sleep(pause)

holp.transaction._reached = reached
sys.argv = ["holp", *sys.argv[3:]]
main()
"""


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def leftovers(root: Path) -> list[str]:
    """Temp files anywhere in the tree, and holp's journal."""
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.holp-tmp")]
    return found + ([".git/holp/pending"] if (root / ".git/holp/pending").exists() else [])


def holp_process(root: Path, *args: str, pause_at: str | None = None, pause: float = 30.0,
                 **popen: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", PAUSING, pause_at, str(pause), *args] if pause_at else [
        sys.executable, "-m", "holp", *args]
    return subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def hook(root: Path, name: str, body: str) -> None:
    path = root / ".git" / "hooks" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + 10
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def committed(root: Path, files: list[str], before: str) -> bool:
    """HEAD is one commit on ``before`` holding exactly the files as they are on disk, and nothing is left
    uncommitted."""
    return (git(root, "rev-parse", "HEAD^").strip() == before
            and all(subprocess.run(["git", "show", f"HEAD:{f}"], cwd=root, capture_output=True).stdout
                    == (root / f).read_bytes() for f in files)
            and git(root, "status", "--porcelain").strip() == "")


# -- 1. interrupts ---------------------------------------------------------------------------


@pytest.mark.parametrize(("how", "refuses"), [("ctrl-c", False), ("ctrl-c", True), ("sigterm", False)],
                         ids=["ctrl-c", "ctrl-c-hook-refuses", "sigterm"])
def test_a_signal_while_git_commit_runs_its_hook_waits_for_the_commit(git_repo: Path, how: str, refuses: bool) -> None:
    hook(git_repo, "pre-commit", f"touch {git_repo.parent}/hook-started\nsleep 0.2\nexit {int(refuses)}")
    old, before = (git_repo / PROJECT_FILE).read_bytes(), head(git_repo)
    child = holp_process(git_repo, *TICK, start_new_session=True)  # a session of its own, like a terminal's
    wait_for(git_repo.parent / "hook-started")
    if how == "ctrl-c":
        os.killpg(child.pid, signal.SIGINT)  # what the terminal does: the whole foreground process group
    else:
        child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=10)
    if refuses:
        assert (git_repo / PROJECT_FILE).read_bytes() == old
        assert head(git_repo) == before
        assert git(git_repo, "status", "--porcelain", "--", PROJECT_FILE) == ""
    else:
        assert b"key_person_relationship: 2026-11-24" in (git_repo / PROJECT_FILE).read_bytes()
        assert committed(git_repo, [PROJECT_FILE], before)
    if how == "ctrl-c":
        assert child.returncode == 130
        assert err.decode() == ("holp: interrupted: nothing was changed\n" if refuses else
                                f"holp: interrupted after the change was committed ({head(git_repo)[:12]}): "
                                "it is complete\n")
    else:
        assert child.returncode == -signal.SIGTERM and err == b""  # held, then died of it once safe
    assert leftovers(git_repo) == []


def test_ctrl_c_between_the_two_files_of_a_visit_finishes_the_visit(git_repo: Path) -> None:
    before = head(git_repo)
    child = holp_process(git_repo, *VISIT, pause_at=f"wrote {PROJECT_FILE}", pause=0.3, start_new_session=True)
    assert child.stderr is not None and child.stderr.readline() == b"paused\n"
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=10)
    assert child.returncode == 130
    assert err.decode() == f"holp: interrupted after the change was committed ({head(git_repo)[:12]}): it is complete\n"
    assert committed(git_repo, [PROJECT_FILE, CUSTOMER_FILE], before)
    assert leftovers(git_repo) == []


# Where SIGKILL stops a visit, and what the next holp command must then find: all old, or all new and committed.
KILL_POINTS = {
    "journal": "old",
    f"wrote {PROJECT_FILE}": "old",  # the project written, the customer not: the worst moment for two files
    f"wrote {CUSTOMER_FILE}": "old",  # both written, no commit yet
    "hook": "new",  # holp killed while git's hook runs: git goes on and commits, the next command waits for it
    "committed": "new",
}


def test_sigkill_at_any_point_of_a_visit_leaves_both_files_old_or_both_new(
        git_repo: Path, tmp_path: Path, holp: Callable[..., Result]) -> None:
    old = {f: (git_repo / f).read_bytes() for f in (PROJECT_FILE, CUSTOMER_FILE)}
    before = head(git_repo)
    children = {}
    for i, point in enumerate(KILL_POINTS):  # each in its own copy of the repository, all at once
        root = tmp_path / f"copy-{i}"
        shutil.copytree(git_repo, root, symlinks=True)
        if point == "hook":
            hook(root, "commit-msg", f"touch {root.parent}/hook-started\nsleep 0.2")
            children[point] = root, holp_process(root, *VISIT)
        else:
            children[point] = root, holp_process(root, *VISIT, pause_at=point)
    for point, (root, child) in children.items():
        if point == "hook":
            wait_for(root.parent / "hook-started")
        else:
            assert child.stderr is not None and child.stderr.readline() == b"paused\n", point
        child.kill()
        child.wait()
    for point, (root, _) in children.items():
        assert (root / ".git/holp/pending").exists() or point == "hook"
        result = holp("-C", str(root), "list")  # any next command settles what the killed one left
        assert result.exit_code == 0, (point, result.output)
        now = {f: (root / f).read_bytes() for f in old}
        if KILL_POINTS[point] == "old":
            assert now == old, point
            assert head(root) == before, point
            assert git(root, "status", "--porcelain").strip() == "", point
        else:
            assert all(now[f] != old[f] for f in old), point
            assert committed(root, list(old), before), point
        assert leftovers(root) == [], point


def test_sigkill_with_no_commit_leaves_both_files_old_or_both_new(git_repo: Path, holp: Callable[..., Result]) -> None:
    old = {f: (git_repo / f).read_bytes() for f in (PROJECT_FILE, CUSTOMER_FILE)}
    child = holp_process(git_repo, *VISIT, "--no-commit", pause_at=f"wrote {PROJECT_FILE}")
    assert child.stderr is not None and child.stderr.readline() == b"paused\n"
    child.kill()
    child.wait()
    assert (git_repo / PROJECT_FILE).read_bytes() != old[PROJECT_FILE]  # the half-state, for now
    assert holp("show", "P-2026-001").exit_code == 0
    assert {f: (git_repo / f).read_bytes() for f in old} == old
    assert leftovers(git_repo) == []


# -- 2. leftover temp files ------------------------------------------------------------------


def test_a_killed_writes_temp_file_goes_with_the_next_write_in_its_folder(git_repo: Path,
                                                                         holp: Callable[..., Result]) -> None:
    leftover = git_repo / "projects/east/.P-2026-001.yaml.k1ll3d.holp-tmp"
    leftover.write_bytes(PROJECT.encode()[:100])  # just made: its age does not matter, nobody holds it
    before = head(git_repo)
    assert holp(*TICK).exit_code == 0
    assert not leftover.exists()
    assert committed(git_repo, [PROJECT_FILE], before)
    assert leftovers(git_repo) == []


# -- 3. Ctrl-C while starting ------------------------------------------------------------------

SLOW_IMPORT = """
import importlib.abc, runpy, sys, time

class Slow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "holp.cli":
            sys.stdout.write("importing\\n")
            sys.stdout.flush()
            time.sleep(30)
        return None

sys.meta_path.insert(0, Slow())
sys.argv = ["holp", "--help"]
runpy.run_module("holp", run_name="__main__", alter_sys=True)
"""


def test_ctrl_c_while_the_modules_load_prints_no_traceback(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", SLOW_IMPORT], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"importing\n"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=10)
    assert child.returncode == 130
    assert err == b"holp: interrupted\n"
    assert out == b""


# -- 4. faults -------------------------------------------------------------------------------


def test_a_full_disk_leaves_the_old_file(git_repo: Path) -> None:
    import resource

    big = PROJECT + "".join(f"# 备注 {i}: " + "长" * 60 + "\n" for i in range(100))  # about 20 KB
    (git_repo / PROJECT_FILE).write_text(big, encoding="utf-8")
    git(git_repo, "commit", "-qam", "a long file")
    before = head(git_repo)
    limit = 16 * 1024  # files may grow to 16 KB: the journal fits, the project file does not

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    child = subprocess.run([sys.executable, "-m", "holp", "--no-cache", *TICK], cwd=git_repo, capture_output=True,
                           preexec_fn=small_disk, timeout=20)
    assert child.returncode == 2
    assert child.stderr.decode() == f"holp: cannot write {PROJECT_FILE}: File too large\n"
    assert (git_repo / PROJECT_FILE).read_text(encoding="utf-8") == big
    assert head(git_repo) == before
    assert git(git_repo, "status", "--porcelain") == ""
    assert leftovers(git_repo) == []


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_file_or_folder_is_left_alone(git_repo: Path, holp: Callable[..., Result], what: str) -> None:
    target = git_repo / PROJECT_FILE if what == "file" else git_repo / "projects/east"
    mode = target.stat().st_mode
    target.chmod(0o444 if what == "file" else 0o555)
    try:
        old, before = (git_repo / PROJECT_FILE).read_bytes(), head(git_repo)
        result = holp(*TICK)
        assert result.exit_code == 2
        named = PROJECT_FILE if what == "file" else f"the folder of {PROJECT_FILE}"
        assert result.output == (f"holp: {named} is read-only: make it writable (chmod u+w) to change it; "
                                 "nothing was changed\n")
        assert (git_repo / PROJECT_FILE).read_bytes() == old
        assert head(git_repo) == before
        assert leftovers(git_repo) == []
    finally:
        target.chmod(mode)


@pytest.mark.parametrize("lock", ["index.lock", "HEAD.lock", "refs/heads/main.lock"])
def test_a_git_lock_held_by_another_process_is_named(git_repo: Path, holp: Callable[..., Result], lock: str) -> None:
    held = git_repo / ".git" / lock
    held.write_text("")
    old, before = (git_repo / PROJECT_FILE).read_bytes(), head(git_repo)
    result = holp(*TICK)
    assert result.exit_code == 2
    assert result.output == (f"holp: another git process holds {held}: wait for it, or delete the file if no git "
                             "is running\n")
    assert (git_repo / PROJECT_FILE).read_bytes() == old
    assert head(git_repo) == before
    assert held.read_text() == ""
    assert leftovers(git_repo) == []


def test_a_lock_taken_while_holp_commits_is_named_and_the_file_put_back(git_repo: Path,
                                                                        holp: Callable[..., Result]) -> None:
    held = git_repo / ".git" / "HEAD.lock"
    hook(git_repo, "pre-commit", f": > {held}")  # another process takes HEAD's lock after holp looked
    old, before = (git_repo / PROJECT_FILE).read_bytes(), head(git_repo)
    result = holp(*TICK)
    assert result.exit_code == 2
    assert result.output == (f"holp: git commit failed: cannot lock ref 'HEAD': Unable to create '{held}': "
                             "File exists.\n")
    assert (git_repo / PROJECT_FILE).read_bytes() == old
    assert head(git_repo) == before
    assert git(git_repo, "status", "--porcelain") == "?? .git/HEAD.lock\n" or git(git_repo, "status", "--porcelain") == ""
    assert leftovers(git_repo) == []


def test_four_holp_commands_committing_at_once_all_land(git_repo: Path) -> None:
    ids = [f"P-2026-00{i}" for i in range(1, 5)]
    for project_id in ids[1:]:
        path = git_repo / f"projects/east/{project_id}.yaml"
        path.write_text(PROJECT.replace("P-2026-001", project_id), encoding="utf-8")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "three more")
    before = head(git_repo)
    children = [holp_process(git_repo, "tick", project_id, "key_person_relationship") for project_id in ids]
    for child in children:
        _, err = child.communicate(timeout=30)
        assert child.returncode == 0, err
    subjects = git(git_repo, "log", "--format=%s", f"{before}..HEAD").splitlines()
    assert sorted(subjects) == [f"{i}: tick entry.key_person_relationship" for i in ids]
    for project_id in ids:
        assert b"key_person_relationship: 2026-11-24" in (git_repo / f"projects/east/{project_id}.yaml").read_bytes()
    assert git(git_repo, "status", "--porcelain") == ""
    assert not (git_repo / ".git/index.lock").exists()
    assert leftovers(git_repo) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder another user's needs root (as here and in CI)")
@pytest.mark.parametrize("command", [("validate",), TICK])
def test_a_repository_of_another_user_is_refused_with_advice(git_repo: Path, holp: Callable[..., Result],
                                                             command: tuple[str, ...]) -> None:
    os.chown(git_repo, 1000, 1000)
    old, before = (git_repo / PROJECT_FILE).read_bytes(), head_as_owner(git_repo)
    result = holp(*command)
    assert result.exit_code == 2
    assert result.output == (f"holp: git refuses to work in {git_repo}: the repository belongs to another user. If "
                             "you trust it, run `git config --global --add safe.directory PATH` with its path, then "
                             "try again\n")
    assert (git_repo / PROJECT_FILE).read_bytes() == old
    assert head_as_owner(git_repo) == before
    assert leftovers(git_repo) == []


def head_as_owner(root: Path) -> str:
    return git(root, "-c", f"safe.directory={root}", "rev-parse", "HEAD").strip()


def test_commands_that_only_read_never_run_a_hook(git_repo: Path, holp: Callable[..., Result],
                                                  tmp_path: Path) -> None:
    hooks, marker = tmp_path / "hooks", tmp_path / "ran"
    hooks.mkdir()
    for name in ("pre-commit", "commit-msg", "post-commit", "post-checkout", "post-index-change",
                 "reference-transaction", "pre-auto-gc", "post-rewrite", "fsmonitor-watchman"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {marker}\n")
        (hooks / name).chmod(0o755)
    git(git_repo, "config", "core.hooksPath", str(hooks))
    git(git_repo, "config", "core.fsmonitor", str(hooks / "fsmonitor-watchman"))
    git(git_repo, "switch", "-q", "-c", "pr")
    git(git_repo, "commit", "-q", "--allow-empty", "-m", "a pull request", "--no-verify")
    marker.unlink(missing_ok=True)
    os.utime(git_repo / PROJECT_FILE)  # a stale index entry: git status would refresh (write) the index
    before = head(git_repo)
    for command in (("validate",), ("list",), ("show", "P-2026-001"), ("report",), ("history", "P-2026-001"),
                    ("review", "main")):
        result = holp(*command)
        assert result.exit_code in (0, 1), (command, result.output)
        assert not marker.exists(), (command, marker.read_text())
    assert head(git_repo) == before
    assert holp(*TICK).exit_code == 0  # a write does run them: the hooks were live all along
    assert "pre-commit" in marker.read_text()


def test_the_next_command_that_reads_sweeps_what_killed_writes_left(git_repo: Path) -> None:
    import fcntl

    folder = git_repo / "projects/east"
    dead = folder / ".P-2026-001.yaml.dead.holp-tmp"
    dead.write_bytes(b"half a file")
    live = folder / ".P-2026-001.yaml.live.holp-tmp"
    live.write_bytes(b"a write under way")
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a live write holds its temp file
        result = subprocess.run([sys.executable, "-m", "holp", "list"], cwd=git_repo, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stderr
        assert (dead.exists(), live.exists()) == (False, True)
    result = subprocess.run([sys.executable, "-m", "holp", "validate"], cwd=git_repo, capture_output=True, text=True,
                            check=False)
    assert (result.returncode, live.exists()) == (0, False)  # its writer is gone: the next command sweeps it


def test_a_committed_file_named_like_a_temp_file_is_never_swept(git_repo: Path) -> None:
    kept = git_repo / "projects/east/.notes.holp-tmp"
    kept.write_text("keep\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=git_repo, check=True)
    subprocess.run(["git", "commit", "-qm", "notes"], cwd=git_repo, check=True)
    for command in ("validate", "list"):
        result = subprocess.run([sys.executable, "-m", "holp", command], cwd=git_repo, capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0, result.stderr
    assert kept.read_text(encoding="utf-8") == "keep\n"
