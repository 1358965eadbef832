"""A project's summary (what history compares) read alone is always the one the whole record gives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from holp import yaml
from holp.model.records import project_from
from holp.model.views import project_row, summary_from_row, summary_of

EXAMPLE = Path(__file__).parent.parent / "example-repo"

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=12),
                    st.sampled_from(["2026-02-30", "2026-12-01", "0.5", "1.2", "3 万", "１００", "1e3", "-0"]),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _whole(tree: Any) -> Any:
    project = project_from(tree, "")
    return summary_from_row(project_row(project)) if project is not None else None


def test_summary_of__every_example_project_reads_as_its_whole_record_does() -> None:
    files = sorted((EXAMPLE / "projects").rglob("*.yaml"))
    assert len(files) > 20
    for path in files:
        doc = yaml.read(str(path), path.read_bytes())
        assert doc.ok, path
        assert summary_of(doc.tree) == _whole(doc.tree) is not None, path


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "stage", "amount", "expected_close", "probability", "name"]), SCALARS))
def test_summary_of__any_values_read_as_the_whole_record_reads_them(tree: dict[str, Any]) -> None:
    assert summary_of(tree) == _whole(tree)


def test_summary_of__no_mapping_or_no_id_is_no_project() -> None:
    assert summary_of(["id", "P-1"]) is None
    assert summary_of({"stage": "entry"}) is None
    assert summary_of({"id": ""}) is None
    assert summary_of({"id": 12, "amount": Decimal("12.50")}) == ("12", None, "12.50", None, None)
