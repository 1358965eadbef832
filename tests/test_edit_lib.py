"""Textual edits (`holp.edit`) byte for byte: comments, quoting, CRLF, a BOM, flow mappings and Chinese stay."""

from __future__ import annotations

from typing import Any

import pytest

from holp import edit
from holp.edit import EditError, Source
from holp.errors import HolpError
from holp.problems import ERROR, Problem

FILE = """\
# 项目
id: P-1
stage: entry   # 当前阶段
name: '余热'
title: "x"
checklist:
  prospecting:
    a: 2026-08-01
  # 尾注
visits:
  - date: 2026-10-12
    by: zhang.wei

notes: 结束
"""


def source(text: str | bytes) -> Source:
    return Source.of("p.yaml", text.encode("utf-8") if isinstance(text, str) else text)


def refused(why: str) -> str:
    return f"p.yaml: holp cannot make this change safely ({why}); nothing was written: edit the file by hand"


def with_lines(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# -- set_value -----------------------------------------------------------------------------


def test_set_value__keeps_a_trailing_comment_as_close_to_its_column_as_fits() -> None:
    assert edit.set_value(source(FILE), ["stage"], "bid") == with_lines(FILE, "stage: entry   #", "stage: bid     #")
    assert edit.set_value(source(FILE), ["stage"], "proposal") == with_lines(FILE, "stage: entry   #",
                                                                              "stage: proposal #")


def test_set_value__keeps_single_and_double_quotes() -> None:
    assert edit.set_value(source(FILE), ["name"], "it's") == with_lines(FILE, "name: '余热'", "name: 'it''s'")
    assert edit.set_value(source(FILE), ["title"], '引号"x') == with_lines(FILE, 'title: "x"', 'title: "引号\\"x"')


def test_set_value__adds_a_missing_stage_inside_its_mapping_before_a_comment() -> None:
    assert edit.set_value(source(FILE), ["checklist", "entry", "b"], "2026-09-01") == with_lines(
        FILE, "  # 尾注\n", "  entry:\n    b: 2026-09-01\n  # 尾注\n")
    assert edit.set_value(source(FILE), ["checklist", "prospecting", "c"], "已落实") == with_lines(
        FILE, "    a: 2026-08-01\n", "    a: 2026-08-01\n    c: 已落实\n")


def test_set_value__adds_a_top_level_key_at_the_end() -> None:
    assert edit.set_value(source(FILE), ["amount"], 3200000) == FILE + "amount: 3200000\n"


def test_set_value__inside_a_list_item() -> None:
    assert edit.set_value(source(FILE), ["visits", 0, "by"], "li.na") == with_lines(FILE, "by: zhang.wei", "by: li.na")


def test_set_value__quotes_what_would_read_otherwise() -> None:
    text = "id: P-1\nnotes: a\n"
    assert [edit.set_value(source(text), ["notes"], value) for value in ("第 #2 号", "", "a\nb", "2026")] == [
        'id: P-1\nnotes: "第 #2 号"\n', 'id: P-1\nnotes: ""\n', 'id: P-1\nnotes: "a\\nb"\n', 'id: P-1\nnotes: "2026"\n']


def test_set_value__flow_mappings_get_their_entry_inside_the_braces() -> None:
    text = "id: P-1\nchecklist: {prospecting: {a: 2026-08-01}}  # 流式\nstage: entry\n"
    assert edit.set_value(source(text), ["checklist", "entry", "b"], "2026-09-01") == (
        "id: P-1\nchecklist: {prospecting: {a: 2026-08-01}, entry: {b: 2026-09-01}}  # 流式\nstage: entry\n")
    assert edit.set_value(source(text), ["checklist", "prospecting", "b"], "已落实, 有批文") == (
        'id: P-1\nchecklist: {prospecting: {a: 2026-08-01, b: "已落实, 有批文"}}  # 流式\nstage: entry\n')
    assert edit.set_value(source(text), ["checklist", "prospecting", "a"], "a: b") == (
        'id: P-1\nchecklist: {prospecting: {a: "a: b"}}  # 流式\nstage: entry\n')
    assert edit.set_value(source("id: P-1\nchecklist: {}\n"), ["checklist", "entry", "b"], "x") == (
        "id: P-1\nchecklist: {entry: {b: x}}\n")


def test_set_value__a_key_with_nothing_after_it_gets_the_rest_nested() -> None:
    assert edit.set_value(source("id: P-1\nchecklist:\nstage: entry\n"), ["checklist", "entry", "b"], "x") == (
        "id: P-1\nchecklist:\n  entry:\n    b: x\nstage: entry\n")
    assert edit.set_value(source("id: P-1\nnotes:\nstage: entry\n"), ["notes"], "备注") == (
        "id: P-1\nnotes: 备注\nstage: entry\n")


def test_set_value__follows_the_files_indentation() -> None:
    text = "id: P-1\nchecklist:\n    prospecting:\n        a: x\n"
    assert edit.set_value(source(text), ["checklist", "entry", "b"], "y") == text + "    entry:\n        b: y\n"
    assert edit.set_value(source(text), ["lost", "reason"], "price") == text + "lost:\n    reason: price\n"


def test_set_value__crlf_bom_and_no_final_newline_stay() -> None:
    crlf = "id: P-1\r\nstage: entry\r\nchecklist:\r\n  entry:\r\n    a: x\r\n"
    assert edit.set_value(source(crlf), ["checklist", "entry", "b"], "y") == crlf + "    b: y\r\n"
    assert edit.set_value(source("id: P-1\nstage: entry"), ["amount"], 5) == "id: P-1\nstage: entry\namount: 5"
    bom = source(b"\xef\xbb\xbfid: P-1\nstage: entry\n")
    assert (bom.bom, bom.text) == (True, "id: P-1\nstage: entry\n")
    assert bom.encode(edit.set_value(bom, ["stage"], "proposal")) == b"\xef\xbb\xbfid: P-1\nstage: proposal\n"


@pytest.mark.parametrize(("text", "keys", "why"), [
    (FILE, ["visits", 3, "by"], "visits.3.by does not exist"),
    (FILE, ["stage", "x"], "stage is not a mapping"),
    ("id: P-1\nnotes: |\n  a\n", ["notes"], "notes is not a one-line value"),
    ("id: P-1\nstage: &s entry\n", ["stage"], "stage carries an anchor or a tag"),
    ("id: P-1\nstage: !!str entry\n", ["stage"], "stage carries an anchor or a tag"),
    ("- a\n", ["x"], "it is not a mapping"),
    ("id: [\n", ["x"], "it is not valid YAML"),
])
def test_set_value__refuses_what_it_cannot_change_safely(text: str, keys: list[Any], why: str) -> None:
    with pytest.raises(EditError) as raised:
        edit.set_value(source(text), keys, "v")
    assert raised.value.message == refused(why)


def test_source__refuses_bytes_that_are_not_utf8() -> None:
    with pytest.raises(EditError) as raised:
        Source.of("p.yaml", b"id: \xff\n")
    assert raised.value.message == refused("the file is not UTF-8 text")


# -- append_item ---------------------------------------------------------------------------


VISIT = ["- date: 2026-11-01", "  by: li.na"]


def test_append_item__after_the_last_item_before_a_closing_comment() -> None:
    text = "id: P-1\nvisits:\n  - date: 2026-10-12\n    by: zhang.wei  # 我\n# 结尾注释\n"
    assert edit.append_item(source(text), "visits", VISIT) == (
        "id: P-1\nvisits:\n  - date: 2026-10-12\n    by: zhang.wei  # 我\n  - date: 2026-11-01\n    by: li.na\n"
        "# 结尾注释\n")


def test_append_item__dashes_at_column_zero_stay_there() -> None:
    text = "id: P-1\nvisits:\n- date: 2026-10-12\n  by: zhang.wei\nstage: entry\n"
    assert edit.append_item(source(text), "visits", VISIT) == with_lines(
        text, "stage: entry\n", "- date: 2026-11-01\n  by: li.na\nstage: entry\n")


def test_append_item__a_missing_list_is_added_at_the_end_without_a_final_newline() -> None:
    assert edit.append_item(source("id: P-1\nstage: entry"), "visits", VISIT) == (
        "id: P-1\nstage: entry\nvisits:\n  - date: 2026-11-01\n    by: li.na")


def test_append_item__an_empty_list_is_opened_into_a_block() -> None:
    assert edit.append_item(source("id: P-1\nvisits: []  # 无\nstage: entry\n"), "visits", VISIT[:1]) == (
        "id: P-1\nvisits:  # 无\n  - date: 2026-11-01\nstage: entry\n")
    assert edit.append_item(source("id: P-1\nvisits:\nstage: entry\n"), "visits", VISIT[:1]) == (
        "id: P-1\nvisits:\n  - date: 2026-11-01\nstage: entry\n")


def test_append_item__crlf_lines_and_refuses_a_flow_list() -> None:
    assert edit.append_item(source("id: P-1\r\nvisits:\r\n  - a\r\n"), "visits", ["- 乙"]) == (
        "id: P-1\r\nvisits:\r\n  - a\r\n  - 乙\r\n")
    with pytest.raises(EditError) as raised:
        edit.append_item(source("id: P-1\nvisits: [a]\n"), "visits", ["- b"])
    assert raised.value.message == refused("visits is not a block list")


# -- remove_key and insert_after -----------------------------------------------------------


def test_remove_key__its_lines_and_comments_inside_go() -> None:
    text = "id: P-1\nlost:\n  reason: price  # 价格\n  note: 低价\nstage: lost\n"
    assert edit.remove_key(source(text), "lost") == "id: P-1\nstage: lost\n"
    assert edit.remove_key(source(text), "nothing") == text


def test_remove_key__the_last_key_without_a_final_newline() -> None:
    assert edit.remove_key(source("id: P-1\nstage: lost\nlost: {reason: price}"), "lost") == "id: P-1\nstage: lost"
    assert edit.remove_key(source("id: P-1\r\nlost: {reason: price}"), "lost") == "id: P-1"


def test_insert_after__a_block_after_the_named_key() -> None:
    text = "id: P-1\nstage: lost  # 丢单\nnotes: 记\n"
    assert edit.insert_after(source(text), "stage", "lost", [("reason", "price"), ("note", "价格: 低")]) == (
        'id: P-1\nstage: lost  # 丢单\nlost:\n  reason: price\n  note: "价格: 低"\nnotes: 记\n')


def test_insert_after__refuses_a_key_that_exists_or_a_missing_anchor() -> None:
    for text in ("id: P-1\nstage: lost\nlost: {}\n", "id: P-1\n"):
        with pytest.raises(EditError) as raised:
            edit.insert_after(source(text), "stage", "lost", [("reason", "price")])
        assert raised.value.message == refused("cannot place lost after stage")


# -- change --------------------------------------------------------------------------------


def _to_proposal(data: Any) -> None:
    data["stage"] = "proposal"


def test_change__bom_crlf_and_chinese_comment_byte_for_byte() -> None:
    raw = "\ufeffid: P-1\r\nstage: entry  # 阶段".encode()
    assert edit.change("p.yaml", raw, lambda s: edit.set_value(s, ["stage"], "proposal"), _to_proposal) == (
        "\ufeffid: P-1\r\nstage: proposal # 阶段".encode())


def test_change__round_trip_used_when_it_proves_itself() -> None:
    new = edit.change("p.yaml", b"id: P-1\nstage: entry  # x\n", lambda s: "never used", _to_proposal,
                      round_trip=lambda s: edit.round_trip_set(s, ["stage"], "proposal"))
    assert new == b"id: P-1\nstage: proposal # x\n"


def test_change__refuses_an_edit_that_reads_back_otherwise() -> None:
    with pytest.raises(EditError) as raised:
        edit.change("p.yaml", b"id: P-1\nstage: entry\n", lambda s: s.text, _to_proposal)
    assert raised.value.message == refused("the edited file would not read back as intended")


def test_change__refuses_a_file_with_problems_naming_them() -> None:
    with pytest.raises(HolpError) as raised:
        edit.change("p.yaml", b"id: P-1\nid: P-2\n", lambda s: s.text, _to_proposal)
    assert (raised.value.message, raised.value.problems) == ("p.yaml has problems; fix them first (holp validate)", [
        Problem("p.yaml", 2, 1, ERROR, "duplicate-key", "duplicate key 'id' (it is already set above)")])


def test_item_index__by_the_line_an_item_starts_on() -> None:
    text = "id: P-1\ncontacts:\n  - name: 甲\n    role: coach\n  - {name: 乙}\n"
    assert [edit.item_index(source(text), "contacts", line) for line in range(1, 7)] == [None, None, 0, None, 1, None]
    assert edit.item_index(source(text), "visits", 3) is None


def test_flow_scalar__quotes_only_what_a_flow_mapping_would_misread() -> None:
    assert [edit.flow_scalar(v) for v in ("a, b", "plain", "价格", "x: y", "-a", 5, True, None, "12:30",
                                          "http://example.org")] == [
        '"a, b"', "plain", "价格", '"x: y"', '"-a"', "5", "true", "null", '"12:30"', '"http://example.org"']
