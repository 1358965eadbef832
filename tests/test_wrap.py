"""Free text in terminal tables wraps as Chinese is written: between characters, never before closing punctuation,
Latin words and numbers whole."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from holp.output import display_width, table, wrap


def test_chinese_breaks_between_characters_and_never_before_a_comma() -> None:
    text = "需求: 11 月 15 日按期向城区供热，供水温度 62 ℃ 达标; 活动: 计划供暖季运行满 30 天后组织验收"
    assert wrap(text, 16).split("\n") == ["需求: 11 月 15", "日按期向城区供", "热，供水温度 62", "℃ 达标; 活动: 计",
                                          "划供暖季运行满", "30 天后组织验收"]


def test_latin_words_stay_whole_and_a_word_longer_than_a_line_is_cut() -> None:
    assert wrap("call the plant manager tomorrow", 10) == "call the\nplant\nmanager\ntomorrow"
    assert wrap("abcdefghijklmnopqrstuvwxyz0123", 10) == "abcdefghij\nklmnopqrst\nuvwxyz0123"


def test_a_table_column_wraps_within_its_width() -> None:
    out = table([["P-1", "合同文本按集团范本，已提交集团法务审核。"]], ["项目", "说明"], widths=[None, 12])
    assert out.split("\n") == ["项目    说明", "------  ------------", "P-1     合同文本按集",
                               "        团范本，已提", "        交集团法务审", "        核。"]


@given(st.text(alphabet=st.sampled_from("需求活动，。、 ab1-2;:"), max_size=80), st.integers(min_value=2, max_value=30))
def test_every_line_fits_and_keeps_the_text(text: str, width: int) -> None:
    lines = wrap(text, width).split("\n")
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "".join(text.split())
