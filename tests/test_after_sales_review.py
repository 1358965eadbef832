"""A review of `holp pay`, `holp collect` and `holp service` as an attacker: odd input is refused with a message and
nothing written, odd files are edited without touching their other bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import git, snapshot

P = "projects/east/P-2026-001.yaml"


def _with(root: Path, text: str) -> bytes:
    path = root / P
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))
    git(root, "commit", "-qam", "plan")
    return path.read_bytes()


def _refused(root: Path, holp: Callable[..., Result], *args: str) -> tuple[int, str]:
    before = snapshot(root), git(root, "rev-parse", "HEAD")
    result = holp(*args)
    assert (snapshot(root), git(root, "rev-parse", "HEAD")) == before  # nothing written, nothing committed
    return result.exit_code, result.output


def test_pay__an_absurdly_large_amount_is_a_usage_error_not_a_crash(git_repo: Path,
                                                                    holp: Callable[..., Result]) -> None:
    _with(git_repo, "payments:\n  - {due: 2026-09-30, amount: 500000}\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "1e400") == (
        2, "holp: --amount 1e400: more than 1,000,000,000,000,000 is surely a typo\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "1e16") == (
        2, "holp: --amount 1e16: more than 1,000,000,000,000,000 is surely a typo\n")
