"""Property: for any valid project file and any stage move, only the stage line changes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from holp import edit, yaml
from holp.change import move_change
from holp.model import project_from
from holp.repo import default_process
from holp.stages import Move

PROCESS = default_process()
STAGES = list(PROCESS.stage_ids)
COMMENTS = ["", "  # 注释", " # stage: fake", "    # 当前阶段 #2", "\t# tab before comment"]
NAMES = st.text(alphabet="余热发电改造项目一二三ABC -:#'\"{}[],&*!|>%@`", min_size=1, max_size=16)


def quoted(value: str, style: str) -> str:
    if style == "double":
        return f'"{value}"'
    if style == "single":
        return f"'{value}'"
    return value


@st.composite
def project_files(draw: st.DrawFn) -> tuple[bytes, str]:
    stage = draw(st.sampled_from(STAGES))
    unit = draw(st.sampled_from([2, 4]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))

    def comment() -> str:
        return draw(st.sampled_from(COMMENTS))

    fields = [
        f"name: {yaml.scalar(draw(NAMES))}",
        "customer: C-0001",
        "owner: zhang.wei",
        f"amount: {draw(st.decimals(min_value=0, max_value=10**9, places=2))}",
        f"expected_close: {draw(st.sampled_from(['2027-03-31', '2026-12-31']))}",
        f"stage: {quoted(stage, draw(st.sampled_from(['plain', 'double', 'single'])))}",
    ]
    fields = draw(st.permutations(fields))
    lines = ["# 项目文件", "id: P-2026-001" + comment()]
    for field in fields:
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# 一行注释", "   # indented comment"])))
        lines.append(field + comment())
    if draw(st.booleans()):
        lines += ["checklist:" + comment(), " " * unit + "prospecting:",
                  " " * (2 * unit) + "process_assessed: 2026-08-01" + comment()]
    else:
        lines.append("checklist: {prospecting: {process_assessed: 2026-08-01}}" + comment())
    if draw(st.booleans()):
        lines += ["visits:", " " * unit + "- {date: 2026-10-12, by: zhang.wei, purpose: 技术交流}"]
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    raw = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")
    target = draw(st.sampled_from([s for s in STAGES if s != stage]))
    return raw, target


@settings(max_examples=300, deadline=None)
@given(project_files())
def test_a_move_changes_only_the_stage_line(case: tuple[bytes, str]) -> None:
    raw, target = case
    before = yaml.read("p.yaml", raw)
    assert before.ok, before.problems
    project = project_from(before.tree, "p.yaml")
    assert project is not None
    index = {s: i for i, s in enumerate(STAGES)}
    kind = "forward" if index[target] > index[project.stage] else "backward"
    change = move_change(Move(project, project.stage, target, kind, reason="r", forced=True))
    new = edit.change("p.yaml", raw, change.textual, change.expect, round_trip=change.round_trip)

    old_lines, new_lines = raw.split(b"\n"), new.split(b"\n")
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1
    old_line, new_line = changed[0]
    assert old_line.lstrip(b"\xef\xbb\xbf").startswith(b"stage: ") and new_line.lstrip(b"\xef\xbb\xbf").startswith(
        b"stage: ")
    assert new.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    after = yaml.read("p.yaml", new).tree
    assert after == {**before.tree, "stage": target}
    assert isinstance(after["amount"], Decimal)
