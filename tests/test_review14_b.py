"""Review of issue 14 (b): the site as a sales manager opens it — every list of deals says what it adds up to."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from click.testing import Result

EXAMPLE = Path(__file__).resolve().parent.parent / "example-repo"


def _site(holp: Callable[..., Result], out: Path, *args: str) -> Path:
    result = holp("site", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


def _meta(page: Path) -> str:
    found = re.search(r'<p class="meta">(.*?)</p>', page.read_text(encoding="utf-8"))
    assert found is not None
    return found.group(1)


def _amounts(page: Path) -> Decimal:
    """The sum of the deals' amounts in a list's table (data-sort holds the amount in yuan)."""
    return sum((Decimal(x) for x in re.findall(r'<td class="num" data-sort="([0-9.]+)">', page.read_text("utf-8"))),
               Decimal(0))


def test_lists_say_how_many_deals_and_what_they_add_up_to(example: Path, holp: Callable[..., Result],
                                                           tmp_path: Path) -> None:
    site = _site(holp, tmp_path / "site")
    for name in ("stalled", "region-east", "won-2026"):
        page = site / f"lists/{name}.html"
        rows = page.read_text("utf-8").count('<tr><td><a href="../projects/')
        total = _amounts(page)
        assert _meta(page) == f"{rows} 个项目 · 合计金额 {total / 10000:,.2f} 万元", name


def test_overdue_list_adds_up_to_the_overdue_receivables(example: Path, holp: Callable[..., Result],
                                                          tmp_path: Path) -> None:
    report = holp("report", "receivables", "--format", "json")
    assert report.exit_code == 0, report.output
    overdue = sum((Decimal(c["overdue"]) for c in json.loads(report.stdout)["by_customer"]), Decimal(0))
    site = _site(holp, tmp_path / "site")
    assert _meta(site / "lists/overdue.html") == f"3 个项目 · 逾期未收 {overdue / 10000:,.2f} 万元"
    english = _site(holp, tmp_path / "en", "--lang", "en")
    assert _meta(english / "lists/overdue.html") == f"3 deals · overdue {overdue:,.2f} CNY"


def test_won_list_shows_the_day_won_as_a_fact_not_a_warning(example: Path, holp: Callable[..., Result],
                                                             tmp_path: Path) -> None:
    site = _site(holp, tmp_path / "site")
    page = (site / "lists/won-2026.html").read_text("utf-8")
    assert "<th>签约日期</th></tr></thead>" in page
    assert "⚠" not in page
    assert "原因" not in page
    overdue = (site / "lists/overdue.html").read_text("utf-8")
    assert "<th>原因</th></tr></thead>" in overdue
    assert '<td class="flag">⚠ ' in overdue


def test_index_title_names_the_dashboard_once(example: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    site = _site(holp, tmp_path / "site")
    assert "<title>销售看板 · 厚尔普</title>" in (site / "index.html").read_text("utf-8")


def test_a_forecast_bar_leads_to_the_deals_behind_its_figure(example: Path, holp: Callable[..., Result],
                                                             tmp_path: Path) -> None:
    report = holp("report", "forecast", "--format", "json")
    assert report.exit_code == 0, report.output
    east = next(t for t in json.loads(report.stdout)["targets"] if t["kind"] == "region" and t["id"] == "east")
    site = _site(holp, tmp_path / "site")
    index = (site / "index.html").read_text("utf-8")
    assert 'href="lists/forecast-region-east.html"' in index
    assert 'href="lists/forecast-rep-zhang.wei.html"' in index
    page = site / "lists/forecast-region-east.html"
    assert _meta(page) == f"{page.read_text('utf-8').count('<tr><td>')} 个项目 · 预测 " \
                          f"{Decimal(east['forecast']) / 10000:,.2f} 万元"
    text = page.read_text("utf-8")
    assert "<th>计入预测</th></tr></thead>" in text
    # the won deals count whole, the open ones by their weighted amount: together the forecast
    won = sum((Decimal(a) for a in re.findall(r'data-sort="([0-9.]+)">[^<]*</td><td>[^<]*</td>\n<td>赢单</td>', text)),
              Decimal(0))
    assert won == Decimal(east["won"])
    weighted = sum((Decimal(w.replace(",", "")) for w in re.findall(r"<td>加权 ([0-9,.]+)</td>", text)), Decimal(0))
    assert weighted * 10000 == Decimal(east["weighted"])


def test_lists_of_open_deals_add_up_to_the_funnel_and_the_pipeline_card(example: Path, holp: Callable[..., Result],
                                                                        tmp_path: Path) -> None:
    report = holp("report", "funnel", "--format", "json")
    assert report.exit_code == 0, report.output
    funnel = json.loads(report.stdout)
    site = _site(holp, tmp_path / "site")

    def wan(value: str) -> str:
        return f"{Decimal(value) / 10000:,.2f}"

    for s in funnel["stages"]:
        assert _meta(site / f"lists/stage-{s['stage']}.html") == \
            f"{s['count']} 个项目 · 合计金额 {wan(s['amount'])} 万元 · 加权 {wan(s['weighted'])} 万元", s["stage"]
    opened = funnel["open"]
    assert _meta(site / "lists/open.html") == \
        f"{opened['count']} 个项目 · 合计金额 {wan(opened['amount'])} 万元 · 加权 {wan(opened['weighted'])} 万元"
