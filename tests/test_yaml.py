"""holp's YAML rules: one reader, YAML 1.2 core with Decimal numbers, nothing executed or expanded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from holp import yaml


def data(text: str) -> object:
    doc = yaml.read("f.yaml", text.encode("utf-8"))
    assert doc.problems == []
    return doc.tree


def test_the_c_parser_is_in_use() -> None:
    assert yaml.C_PARSER, "ruamel.yaml.clib is missing: reading a repository would be ~20x slower"


@pytest.mark.parametrize(("text", "value"), [
    ("3200000", 3200000),
    ("-7", -7),
    ("0o17", 15),
    ("0x1F", 31),
    ("010", 10),  # YAML 1.2: a leading zero is decimal, not octal
    ("1250000.50", Decimal("1250000.50")),
    ("0.1", Decimal("0.1")),  # exact: never the float 0.1000000000000000055...
    ("1e3", Decimal("1e3")),
    ("true", True),
    ("False", False),
    ("yes", "yes"),  # YAML 1.1's yes/no/on/off are plain text under 1.2
    ("NO", "NO"),
    ("on", "on"),
    ("~", None),
    ("null", None),
    ("", None),
    ("2026-12-31", "2026-12-31"),  # dates stay text, checked by validate
    ("2026-02-30", "2026-02-30"),
    ("12:30", "12:30"),  # YAML 1.1 would make this sexagesimal 750
    ("'3200000'", "3200000"),
    ('"true"', "true"),
    ("!!str 12", "12"),
    ("!!int '12'", 12),
    ("!!float 12", Decimal(12)),
    ("可研报告已获取", "可研报告已获取"),
])
def test_scalars_resolve_by_one_set_of_rules(text: str, value: object) -> None:
    result = data(f"x: {text}\n")
    assert isinstance(result, dict)
    assert result["x"] == value
    assert type(result["x"]) is type(value)


def test_keys_are_text_and_order_is_kept() -> None:
    assert list(data("b: 1\n2026: x\ntrue: y\na: 2\n")) == ["b", "2026", "true", "a"]  # type: ignore[arg-type]


def test_complex_keys_are_refused() -> None:
    doc = yaml.read("f.yaml", b"? [a, b]\n: 1\nc: 2\n")
    assert [(p.line, p.column, p.code) for p in doc.problems] == [(1, 3, "yaml-key")]
    assert doc.tree == {"c": 2}


def test_merge_keys_are_plain_keys_not_merges() -> None:
    doc = yaml.read("f.yaml", b"a: {x: 1}\nb:\n  <<: {y: 2}\n")
    assert doc.tree == {"a": {"x": 1}, "b": {"<<": {"y": 2}}}


def test_bom_and_crlf_read_like_plain_lf() -> None:
    plain = yaml.read("f.yaml", "id: P-1\nname: 改造\n".encode())
    odd = yaml.read("f.yaml", b"\xef\xbb\xbf" + "id: P-1\r\nname: 改造\r\n".encode())
    assert plain.tree == odd.tree == {"id": "P-1", "name": "改造"}
    assert odd.locate(["name"]) == (2, 7)


def test_locate_points_at_values_and_keys() -> None:
    doc = yaml.read("f.yaml", "a:\n  b: [1, {c: 改}]\n".encode())
    assert doc.locate(["a", "b", 1, "c"]) == (2, 14)
    assert doc.locate(["a", "b", 1, "c"], key=True) == (2, 11)
    assert doc.locate(["a", "missing"]) == (2, 3)  # as far as the path exists


def test_too_large_file_is_refused() -> None:
    doc = yaml.read("f.yaml", b"x: " + b"a" * yaml.MAX_BYTES)
    assert [p.code for p in doc.problems] == ["too-large"]


def test_deep_block_nesting_is_bounded() -> None:
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + "  " * 40 + "v\n"
    doc = yaml.read("f.yaml", text.encode())
    assert [p.code for p in doc.problems] == ["too-deep"]


plain_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(plain_text)
def test_scalar_writes_text_that_reads_back_exactly(value: str) -> None:
    doc = yaml.read("f.yaml", f"x: {yaml.scalar(value)}\n".encode())
    assert doc.problems == []
    assert doc.tree == {"x": value}


@given(st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False, places=2), st.booleans(),
                 st.none()))
def test_scalar_round_trips_numbers_and_constants(value: object) -> None:
    doc = yaml.read("f.yaml", f"x: {yaml.scalar(value)}\n".encode())
    assert doc.tree == {"x": value}
