"""Review of the after-sales read side: what a rep and a manager read in the forms and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import PROJECT

PATH = "projects/east/P-2026-001.yaml"

SERVED = PROJECT + """\
service:
  - {date: 2026-11-02, kind: complaint, from: 李明, severity: high, summary: 振动大, owner: zhang.wei, due: 2026-11-09}
"""


def test_complaint_form__names_the_rep_who_handles_it(repo: Path, holp: Callable[..., Result]) -> None:
    (repo / PATH).write_text(SERVED, encoding="utf-8")
    result = holp("render", "complaint", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "| Handled by | 张伟 |\n" in result.output
    assert "zhang.wei" not in result.output
