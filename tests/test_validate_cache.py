"""`validate` remembers: an unchanged repository is answered from the last run, an edited one re-checks what the
edit touched. Whatever happened in between, the answer is the one a run without the cache gives."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

P = "projects/east/P-2026-001.yaml"


def _both(holp: Callable[..., Result], *args: str) -> Result:
    warm = holp("validate", *args)
    cold = holp("--no-cache", "validate", *args)
    assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout)
    return warm


def _remembered(root: Path) -> int:
    with sqlite3.connect(root / ".git" / "holp" / "cache.sqlite3") as db:
        return db.execute("SELECT count(*) FROM meta WHERE key = 'validate'").fetchone()[0]


def _project(example: Path) -> Path:
    found = sorted((example / "projects").rglob("*.yaml"))[0]
    return found


def test_validate__a_second_run_is_answered_from_the_first(example: Path, holp: Callable[..., Result]) -> None:
    first = _both(holp)
    assert _remembered(example) == 1
    again = _both(holp)
    assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout)
    assert again.stdout.endswith("1 warning.\n")


def test_validate__an_edit_is_seen_and_its_fix_too(example: Path, holp: Callable[..., Result]) -> None:
    path = _project(example)
    original = path.read_bytes()
    _both(holp)
    path.write_bytes(original.replace(b"\nstage: ", b"\nstage: nowhere_", 1))
    broken = _both(holp)
    assert broken.exit_code == 1
    assert f"{path.relative_to(example)}:8:8: error[unknown-stage]: unknown stage 'nowhere_" in broken.stdout
    path.write_bytes(original)
    fixed = _both(holp)
    assert fixed.exit_code == 0


def test_validate__a_new_stage_in_holp_yaml_rechecks_every_document(example: Path,
                                                                     holp: Callable[..., Result]) -> None:
    path = _project(example)
    text = path.read_text(encoding="utf-8")
    stage = next(line for line in text.splitlines() if line.startswith("stage: ")).split()[1]
    path.write_text(text.replace(f"\nstage: {stage}", "\nstage: pilot", 1), encoding="utf-8")
    assert "pilot" in _both(holp).stdout  # unknown stage: an error, remembered per document
    config = example / "holp.yaml"
    raw = config.read_text(encoding="utf-8")
    head, stages, rest = raw.partition("stages:\n")
    assert stages
    config.write_text(f"{head}stages:\n  - id: pilot\n    label: {{zh: 试点, en: Pilot}}\n    probability: 0.1\n{rest}",
                      encoding="utf-8")
    after = _both(holp)
    assert "unknown-stage" not in after.stdout


def test_validate__today_is_part_of_the_answer(example: Path, holp: Callable[..., Result],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    soon = _both(holp)
    monkeypatch.setenv("HOLP_TODAY", "2029-06-01")  # years on: visits are stale, dates are past
    later = _both(holp)
    assert later.stdout != soon.stdout


def test_validate__files_named_are_part_of_the_answer(example: Path, holp: Callable[..., Result]) -> None:
    everything = _both(holp)
    one = _both(holp, str(_project(example).relative_to(example)))
    assert one.stdout != everything.stdout
    assert one.stdout.splitlines()[-1].startswith("2 files checked") or "files checked" in one.stdout


def test_validate__a_cache_that_is_garbage_is_ignored(example: Path, holp: Callable[..., Result]) -> None:
    _both(holp)
    cache = example / ".git" / "holp" / "cache.sqlite3"
    cache.write_bytes(b"not a database at all" * 100)
    _both(holp)
    assert _remembered(example) == 1  # rebuilt


class _Boom:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return os.system, (f"touch {self.marker}",)


def test_cache__a_planted_pickle_never_runs(example: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    import pickle

    first = holp("report", "funnel", "--format", "json")
    marker = tmp_path / "ran"
    with sqlite3.connect(example / ".git" / "holp" / "cache.sqlite3") as db:
        keys = [k for (k,) in db.execute("SELECT key FROM store")]
        assert "snapshot:work:projects" in keys
        for key in keys:
            db.execute("UPDATE store SET data = ? WHERE key = ?", (pickle.dumps(_Boom(marker)), key))
    again = holp("report", "funnel", "--format", "json")
    assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout)
    assert not marker.exists()


def test_validate__leaves_the_rows_every_later_command_reads(example: Path, holp: Callable[..., Result]) -> None:
    from holp.reports import REPORTS

    _both(holp)
    projects = len(list((example / "projects").rglob("*.yaml")))
    with sqlite3.connect(example / ".git" / "holp" / "cache.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM project").fetchone()[0] == projects
    for kind in [k for k in REPORTS if k not in ("changes", "all")]:
        warm = holp("report", kind, "--format", "json")
        cold = holp("--no-cache", "report", kind, "--format", "json")
        assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout), kind
    assert holp("list", "--format", "csv").stdout == holp("--no-cache", "list", "--format", "csv").stdout
