"""The risk register: validate's checks, show, export, and the stage-review form (report figures: test_risks_report)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import PROJECT, write

PATH = "projects/east/P-2026-001.yaml"
RISKS = """\
risks:
  - kind: collection
    level: high
    note: 信用 C，全额垫资
    owner: zhang.wei
  - kind: market
    level: high
    mitigation: 锁定钢材价格
    reviewed: 2026-10-01
  - kind: technical
    level: high
    mitigation: 先做一台试点
    reviewed: 2026-10-25
    owner: li.na
  - kind: policy
    level: medium
    note: 补贴可能取消
"""


def with_risks(risks: str = RISKS, stage: str = "entry") -> str:
    return PROJECT.replace("stage: entry\n", f"stage: {stage}\n") + risks


def test_validate__high_risk_without_mitigation_or_recent_review_warns(repo: Path,
                                                                       holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks())
    result = holp("validate")
    # today is 2026-11-24 (conftest): the market risk was reviewed 54 days ago, the technical one 30 (just in time)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{PATH}:34:12: warning[risk-no-mitigation]: high risk 1 (collection) has no mitigation: write under "
        "`mitigation` what is done about it",
        f"{PATH}:34:12: warning[risk-not-reviewed]: high risk 1 (collection) was never reviewed: review it at least "
        "every 30 days and set `reviewed` to the day",
        f"{PATH}:40:15: warning[risk-not-reviewed]: high risk 2 (market) was last reviewed 54 days ago (2026-10-01), "
        "more than risk_review_days (30): review it and update `reviewed`",
        "4 files checked: 3 warnings.",
    ]


def test_validate__risk_review_days_comes_from_holp_yaml(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks())
    config = (repo / "holp.yaml").read_text(encoding="utf-8")
    (repo / "holp.yaml").write_text(config.replace("risk_review_days: 30 ", "risk_review_days: 60 "),
                                    encoding="utf-8")
    result = holp("validate")
    assert "risk_review_days" not in result.output
    assert result.output.count("warning[risk-not-reviewed]") == 1  # the never reviewed one
    assert "every 60 days" in result.output


def test_validate__won_and_lost_projects_are_not_watched(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks(stage="lost").replace("stage: lost\n", "stage: lost\nlost_reason: price\n"))
    result = holp("validate")
    assert "risk-" not in result.output


def test_validate__unknown_risk_owner_is_an_error(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks(RISKS.replace("owner: li.na", "owner: li.nah")))
    before = (repo / PATH).read_bytes()
    result = holp("validate")
    assert result.exit_code == 1
    assert f"{PATH}:45:12: error[unknown-rep]: rep 'li.nah' does not exist (did you mean li.na?)" \
        in result.output.splitlines()
    assert (repo / PATH).read_bytes() == before


def test_validate__unknown_risk_kind_is_a_schema_error_with_its_line(repo: Path,
                                                                     holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks(RISKS.replace("kind: policy", "kind: weather")))
    result = holp("validate")
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "weather" in x]
    assert line == (f"{PATH}:46:11: error[bad-value]: risks.3.kind is 'weather'; it must be one of: market, customer, "
                    "competition, contract, collection, technical, policy")


def test_show__risks_high_first_with_kind_level_owner_and_review(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks(RISKS.replace("  - kind: collection\n    level: high",
                                                "  - kind: collection\n    level: low")))
    out = holp("show", "P-2026-001", "--lang", "en").output
    assert out[out.index("Risks:"):].splitlines() == [
        "Risks:",
        "  [High] Market",
        "      Mitigation: 锁定钢材价格",
        "      Reviewed: 2026-10-01",
        "  [High] Technical",
        "      Mitigation: 先做一台试点",
        "      Risk owner: 李娜",
        "      Reviewed: 2026-10-25",
        "  [Medium] Policy: 补贴可能取消",
        "  [Low] Collection: 信用 C，全额垫资",
        "      Risk owner: 张伟",
    ]
    zh = holp("show", "P-2026-001").output
    assert "  [高] 市场风险\n      应对措施: 锁定钢材价格\n      复核日期: 2026-10-01\n" in zh
    data = json.loads(holp("show", "P-2026-001", "--format", "json").output)
    assert data["risks"][0] == {"kind": "market", "kind_label": "市场风险", "level": "high", "level_label": "高",
                                "note": None, "mitigation": "锁定钢材价格", "owner": None, "owner_name": None,
                                "reviewed": "2026-10-01"}
    assert [r["kind"] for r in data["risks"]] == ["market", "technical", "policy", "collection"]


def test_export__risks_table(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    write(repo / PATH, with_risks())
    folder = tmp_path / "export"
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    rows = list(csv.reader((folder / "risks.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [
        ["project", "index", "kind", "kind_label", "level", "note", "mitigation", "owner", "reviewed"],
        ["P-2026-001", "1", "collection", "收款风险", "high", "信用 C，全额垫资", "", "zhang.wei", ""],
        ["P-2026-001", "2", "market", "市场风险", "high", "", "锁定钢材价格", "", "2026-10-01"],
        ["P-2026-001", "3", "technical", "技术风险", "high", "", "先做一台试点", "li.na", "2026-10-25"],
        ["P-2026-001", "4", "policy", "政策风险", "medium", "补贴可能取消", "", "", ""],
    ]


def test_render_stage_review__the_risks_the_move_carries(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PATH, with_risks(RISKS.replace("  - kind: collection\n    level: high",
                                                "  - kind: collection\n    level: low")))
    zh = holp("render", "stage-review", "P-2026-001").output
    assert zh[zh.index("### 本次推进带有的风险"):zh.index("### 拜访记录")] == (
        "### 本次推进带有的风险(高风险在前)\n\n"
        "- [高] 市场风险 — 应对措施: 锁定钢材价格 · 复核日期: 2026-10-01\n"
        "- [高] 技术风险 — 应对措施: 先做一台试点 · 风险责任人: 李娜 · 复核日期: 2026-10-25\n"
        "- [中] 政策风险: 补贴可能取消\n"
        "- [低] 收款风险: 信用 C，全额垫资 · 风险责任人: 张伟\n\n")
    en = holp("render", "stage-review", "P-2026-001", "--lang", "en").output
    assert "- [High] Technical — Mitigation: 先做一台试点 · Risk owner: 李娜 · Reviewed: 2026-10-25\n" in en
