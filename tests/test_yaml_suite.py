"""The YAML project's own test suite through holp's reader: each case loads as the suite says, or is refused cleanly.

The cases are vendored in tests/data/yaml-test-suite/ (see its README). Every
case is read with and without the fast path; no case may raise or hang, a case
the suite marks as an error must be refused, and a valid case must read as its
JSON (numbers as holp reads them: exact Decimals) or be refused with a problem
that has a line. Where holp's reading is not YAML 1.2's, by holp's narrowing or
by libyaml's own deviations, the case is listed with its reason in the README,
and the list there is asserted exactly: a new libyaml or a change in holp that
moves any case is noticed here.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from holp import yaml
from holp.problems import ERROR, Problem

SUITE = Path(__file__).parent / "data" / "yaml-test-suite"
CASES = json.loads((SUITE / "cases.json").read_text(encoding="utf-8"))["cases"]

# What the counts are today (printed with `pytest -s`): a change is a change in holp or libyaml, to look at.
SUMMARY = {"pass": 270, "clean refusal": 63, "deviation": 69}

# Valid cases the suite gives no JSON for (JSON cannot hold their data) that holp reads: their data, from
# the suite's event tree.
EXPECTED_WITHOUT_JSON: dict[str, Any] = {
    "2G84-03": "",  # `--- |1+`: an empty literal block
    "DFF7": {"explicit": "entry", "implicit": "entry", None: None},  # a null key: JSON has none
    "JEF9-02": ["\n"],  # `- |+` and trailing spaces without a final newline
    "UKK6-02": "",  # `!`: the non-specific tag on an empty scalar is the empty string
}

# Refusals that are holp's narrowing of YAML, by problem code, and what they are called in the README.
_NARROWING = {"yaml-directive": "directive", "yaml-tag": "tag", "yaml-alias": "alias", "yaml-key": "complex key",
              "empty": "empty file", "bad-number": "number bounds", "too-deep": "nesting bounds"}
_ROW = re.compile(r"^\| ([0-9A-Z]{4}(?:-\d\d)?) \| ([^|]+?) \| ([^|]+?) \|$", re.MULTILINE)


def _expected(case: dict[str, Any]) -> list[Any] | None:
    """The documents of the case's JSON (a stream may hold several), numbers as Decimal; None without JSON."""
    if case["json"] is None:
        return [EXPECTED_WITHOUT_JSON[case["id"]]] if case["id"] in EXPECTED_WITHOUT_JSON else None
    decoder = json.JSONDecoder(parse_float=Decimal)
    text, at, documents = case["json"], 0, []
    while text[at:].strip():
        at += len(text[at:]) - len(text[at:].lstrip())
        value, at = decoder.raw_decode(text, at)
        documents.append(value)
    return documents


def _same(got: Any, want: Any) -> bool:
    """Equal and of the same kind: True is not 1, 1 is not 1.0 (holp's Decimal stands for JSON's float);
    a mapping's keys in any order (the suite's JSON does not keep it)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(_same(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(_same, got, want))
    return type(got) is type(want) and got == want


def _outcome(case: dict[str, Any], doc: yaml.Document) -> tuple[str, str]:
    """("pass" | "clean refusal" | "deviation", and for the last two the README's outcome of the case)."""
    if doc.problems:
        if case["fail"]:
            return "pass", ""
        first = doc.problems[0]
        if "more than one YAML document" in first.message:
            return "clean refusal", "refused: one document"
        if first.code in _NARROWING:
            return "clean refusal", f"refused: {_NARROWING[first.code]}"
        return "deviation", "refused: valid YAML"
    if case["fail"]:
        return "deviation", "read: invalid YAML"
    expected = _expected(case)
    assert expected is not None, f"{case['id']} reads as {doc.tree!r}: give its data in EXPECTED_WITHOUT_JSON"
    if len(expected) == 1 and _same(doc.tree, expected[0]):
        return "pass", ""
    return "deviation", "read: other data"


def _listed() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _ROW.finditer((SUITE / "README.md").read_text(encoding="utf-8"))}


def _run() -> tuple[dict[str, int], dict[str, str]]:
    counts = dict.fromkeys(SUMMARY, 0)
    outcomes = {}
    for case in CASES:
        raw = case["yaml"].encode("utf-8")
        composed = yaml.read("case.yaml", raw, fast=False)
        fast = yaml.read("case.yaml", raw)
        assert (fast.tree, fast.problems) == (composed.tree, composed.problems), case["id"]  # fast equals libyaml
        for problem in composed.problems:
            assert isinstance(problem, Problem) and problem.severity == ERROR and problem.message, case["id"]
            assert problem.line >= 1 and problem.column >= 1, (case["id"], problem)
        kind, outcome = _outcome(case, composed)
        counts[kind] += 1
        if outcome:
            outcomes[case["id"]] = outcome
    return counts, outcomes


def test_yaml_test_suite__every_case_loads_as_expected_or_is_refused_cleanly() -> None:
    started = time.perf_counter()
    counts, outcomes = _run()
    elapsed = time.perf_counter() - started
    print(f"\nyaml-test-suite: {len(CASES)} cases, {counts['pass']} pass, {counts['clean refusal']} clean refusals "
          f"(holp's narrowing), {counts['deviation']} deviations (libyaml's, or holp's, listed), in {elapsed:.2f} s")
    assert elapsed < 10  # a hang guard, not a benchmark: the run takes a few hundredths of a second
    assert outcomes == _listed()
    assert counts == SUMMARY


def test_yaml_test_suite__cases_the_suite_calls_errors_are_refused_except_the_listed() -> None:
    _, outcomes = _run()
    loaded = {case["id"] for case in CASES if case["fail"]} & set(outcomes)
    assert loaded == {id_ for id_, outcome in _listed().items() if outcome == "read: invalid YAML"}
    assert all(outcomes[id_] == "read: invalid YAML" for id_ in loaded)


def test_yaml_test_suite__the_vendored_cases_are_all_there() -> None:
    assert len(CASES) == 402
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert sum(case["fail"] for case in CASES) == 94
