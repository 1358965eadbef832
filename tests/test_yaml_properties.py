"""Properties of writing and editing: whatever a rep can type survives, and every edit touches only its own lines.

tests/test_yaml.py round-trips `scalar` for arbitrary text after `x: `; this
file adds the text a rep types (numbers, dates and constants as text, quotes,
colons, `#`, spaces at either end, line breaks, every Unicode category) in the
other places holp writes a value: a list item, a flow mapping, and over an
existing plain, double- or single-quoted value by `holp.edit.set_value`; and
random sequences of edits on the example repository's project files.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holp import edit, yaml
from holp.edit import EditError, Source

EXAMPLE = Path(__file__).parent.parent / "example-repo"
PROJECT_FILES = sorted((EXAMPLE / "projects").glob("*/*.yaml"))

# Text that means something else when written plain: YAML 1.1 and 1.2 constants and numbers, dates, indicators.
LOOKALIKES = ["007", "1e3", "0x1F", "0o17", "+1", "-0", ".5", "1_000", "1,000", "12:30", "3.", "1e400", ".inf", "-.Inf",
              ".nan", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", "", "true", "False", "2026-12-31",
              "2026-02-30", "2026-12-31T10:00:00Z", "- 一", "? x", ": x", "x: y", "x:", "a #b", "#c", "'q'", '"q"',
              "&a", "*a", "!t", "%p", "@x", "`x`", "|", ">", "[a]", "{a: b}", "a, b", "---", "...", "<<", "=", " ", "\t"]
REP_TEXT = st.one_of(
    st.sampled_from(LOOKALIKES),
    st.lists(st.sampled_from([*LOOKALIKES, "可研报告", "周总：支持", "“引号”", " ", "  ", "\n", "\r\n", "\t", "# ", ": ",
                              "'", '"', "\\", "\u2028", "\x85", "\ufeff", "\x7f", "😁"]),
             min_size=1, max_size=6).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),  # every category but surrogates
)
VALUES = st.one_of(REP_TEXT, st.integers(-10**12, 10**12),
                   st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9),
                   st.booleans(), st.none())


def reads(text: str) -> Any:
    """The data of ``text``, the same with and without the fast path, with no problem."""
    slow = yaml.read("f.yaml", text.encode("utf-8"), fast=False)
    fast = yaml.read("f.yaml", text.encode("utf-8"))
    assert slow.problems == [], (text, slow.problems)
    assert (fast.tree, fast.problems) == (slow.tree, slow.problems), text
    return slow.tree


@given(REP_TEXT)
def test_scalar__rep_text_reads_back_as_a_list_item_and_a_mapping_value(value: str) -> None:
    assert reads(f"- {yaml.scalar(value)}\n- 2\n") == [value, 2]
    assert reads(f"a:\n  x: {yaml.scalar(value)}  # 注释\n  y: 2\n") == {"a": {"x": value, "y": 2}}


@given(VALUES)
def test_flow_scalar__any_value_reads_back_inside_a_flow_mapping(value: Any) -> None:
    assert reads(f"x: {{a: {edit.flow_scalar(value)}, b: 2}}\n") == {"x": {"a": value, "b": 2}}


@pytest.mark.parametrize("old", ["old", '"old"', "'old'", "", "{k: old}"])
@settings(max_examples=40)
@given(value=VALUES)
def test_set_value__over_any_old_value_reads_back_as_the_new_one_on_the_same_line(old: str, value: Any) -> None:
    text = f"id: P-1\nx: {old}  # 注释\nz: 3\n" if old else "id: P-1\nx:\nz: 3\n"
    keys = ["x", "k"] if old.startswith("{") else ["x"]
    new = edit.set_value(Source("f.yaml", False, text), keys, value)
    want = reads(text)
    target = want
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    assert reads(new) == want
    assert [line for line in new.splitlines() if not line.startswith("x:")] == ["id: P-1", "z: 3"]


# -- random sequences of edits on the example repository's project files ----------------------------------------

NEW_KEYS = ["handover", "next_review", "交接"]


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, Any]]:
    steps = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["set", "set-new", "set-checklist", "append", "insert", "remove"]))
        if kind == "set":
            steps.append((kind, (draw(st.sampled_from(["name", "owner", "amount", "expected_close", "stage"])),
                                 draw(VALUES))))
        elif kind == "set-new":
            steps.append((kind, (draw(st.sampled_from(NEW_KEYS)), draw(VALUES))))
        elif kind == "set-checklist":
            steps.append((kind, (draw(st.sampled_from(["prospecting", "entry", "proposal", "bidding"])),
                                 draw(st.sampled_from(["process_assessed", "new_item", "项目"])), draw(REP_TEXT))))
        elif kind == "append":
            steps.append((kind, draw(REP_TEXT)))
        elif kind == "insert":
            steps.append((kind, (draw(st.sampled_from(NEW_KEYS)), draw(st.integers(0, 30)), draw(VALUES))))
        else:
            steps.append((kind, draw(st.integers(0, 30))))
    return steps


def _apply(text: str, data: dict[str, Any], kind: str, arg: Any) -> tuple[str, dict[str, Any], list[str]] | None:
    """One edit: the new text, the data it must read as, and the only lines it may add or remove; None if not possible."""
    source = Source("p.yaml", False, text)
    want = copy.deepcopy(data)
    if kind in ("set", "set-new", "set-checklist"):
        keys = list(arg[:-1]) if kind != "set-checklist" else ["checklist", *arg[:-1]]
        if kind == "set-checklist" and not isinstance(data.get("checklist"), dict):
            return None
        target = want
        for key in keys[:-1]:
            target = target.setdefault(key, {})
            if not isinstance(target, dict):
                return None
        target[keys[-1]] = arg[-1]
        new = edit.set_value(source, keys, arg[-1])
        return new, want, [f"{keys[-1]}:"]
    if kind == "append":
        if not isinstance(data.get("visits", []), list):
            return None
        item = ["- date: 2026-10-12", "  by: zhang.wei", f"  purpose: {yaml.scalar(arg)}"]
        want.setdefault("visits", []).append({"date": "2026-10-12", "by": "zhang.wei", "purpose": arg})
        return edit.append_item(source, "visits", item), want, ["- date: 2026-10-12", "by: zhang.wei", "purpose:",
                                                                  "visits:"]
    keys = list(data)
    if kind == "insert":
        key, at, value = arg
        if key in data:
            return None
        after = keys[at % len(keys)]
        entries = [("by", "zhang.wei"), ("note", value)]
        rebuilt = {}
        for k, v in want.items():
            rebuilt[k] = v
            if k == after:
                rebuilt[key] = dict(entries)
        return edit.insert_after(source, after, key, entries), rebuilt, [f"{key}:", "by: zhang.wei", "note:"]
    key = keys[arg % len(keys)]
    del want[key]
    return edit.remove_key(source, key), want, []


def _changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines removed from ``old`` and added in ``new``, asserting they are one contiguous block."""
    a, b = old.splitlines(), new.splitlines()
    blocks = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert len(blocks) <= 1 or all(op[0] == "insert" for op in blocks), blocks  # one place, or inserts only
    removed = [line for op in blocks for line in a[op[1]:op[2]]]
    added = [line for op in blocks for line in b[op[3]:op[4]]]
    return removed, added


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(PROJECT_FILES), edits())
def test_edits__any_sequence_keeps_the_file_valid_and_changes_only_its_own_lines(path: Path, steps: list[Any]) -> None:
    text = path.read_text(encoding="utf-8")
    data = reads(text)
    for kind, arg in steps:
        try:
            done = _apply(text, data, kind, arg)
        except EditError as e:  # only the shapes holp says it cannot edit: a block (`|`) value or a list
            assert "is not a one-line value" in str(e) or "is not a mapping" in str(e), e
            continue
        if done is None:
            continue
        new, want, allowed = done
        assert reads(new) == want
        removed, added = _changed(text, new)
        if kind == "remove":
            assert not added and removed[0].startswith(f"{arg_key(text, arg)}:")
        elif kind in ("set", "set-checklist") and len(removed) == 1:  # an existing value: its own line, replaced
            assert len(added) == 1 and added[0].split(":")[0] == removed[0].split(":")[0]
        else:  # new lines only, each one of the edit's own
            assert not removed or kind != "append", removed
            assert all(any(line.strip().startswith(own) for own in allowed) or line.strip().startswith(
                tuple(f"{k}:" for k in ("checklist", "prospecting", "entry", "proposal", "bidding", *NEW_KEYS)))
                for line in added), added
        text, data = new, want


def arg_key(text: str, at: int) -> str:
    keys = list(reads(text))
    return keys[at % len(keys)]
