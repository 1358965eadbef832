"""Review of the after-sales read side: what a rep and a manager read in the forms and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
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


def _widest(text: str) -> int:
    import wcwidth

    return max(wcwidth.wcswidth(line) for line in text.splitlines() if not line.startswith("* "))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_service_and_risks__free_text_wraps_within_120_columns(example: Path, holp: Callable[..., Result],
                                                                      lang: str) -> None:
    service = holp("report", "service", "--lang", lang)
    assert service.exit_code == 0, service.output
    assert _widest(service.output) <= 120
    assert "锅炉给水泵" in service.output  # the summary wraps, nothing is cut
    risks = holp("report", "risks", "--lang", lang)
    assert risks.exit_code == 0, risks.output
    assert _widest(risks.output) <= 120
