"""The dashboard (`holp report --format html`): cards that agree with the JSON reports, round axis ticks, zero rows
collapsed, highlights said with a symbol, money in the display unit, values escaped, text never below 12 px."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import git, require_chromium, write
from holp.cache import Cache
from holp.labels import load as load_labels
from holp.reports.dashboard import dashboard, tick_text, ticks
from holp.snapshot import load

EXAMPLE = Path(__file__).resolve().parent.parent / "example-repo"
LATER = ("projects/east/P-2026-001.yaml", "projects/north/P-2026-006.yaml", "projects/south/P-2025-009.yaml")


def _commit(root: Path, day: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_DATE", f"{day}T10:00:00+08:00")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"as of {day}")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example repository with a history: most of it committed on 2026-10-01, three projects on 2026-11-20."""
    root = tmp_path / "sales"
    shutil.copytree(EXAMPLE, root)
    kept = {path: (root / path).read_bytes() for path in LATER}
    for path in LATER:
        (root / path).unlink()
    git(root, "init", "-q", "-b", "main")
    _commit(root, "2026-10-01", monkeypatch)
    for path, data in kept.items():
        (root / path).write_bytes(data)
    _commit(root, "2026-11-20", monkeypatch)
    monkeypatch.chdir(root)
    return root


def _json(holp: Callable[..., Result], *args: str) -> dict[str, Any]:
    result = holp("report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _wan(value: Decimal) -> str:
    return f"{(value / 10_000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def _headline(holp: Callable[..., Result], *as_of: str) -> dict[str, Decimal]:
    """The cards' figures, read from the JSON reports the way a manager would add them up."""
    ahead = _json(holp, "forecast", *as_of)
    owed = _json(holp, "receivables", *as_of)
    complaints = [i for i in _json(holp, "service", *as_of)["open"] if i["kind"] == "complaint"]
    return {
        "won": Decimal(ahead["won_to_date"]["amount"]),
        "target": sum((Decimal(t["target"]) for t in ahead["targets"] if t["kind"] == "region"), Decimal(0)),
        "open": Decimal(_json(holp, "funnel", *as_of)["open"]["weighted"]),
        "overdue": sum((Decimal(p["outstanding"]) for p in owed["overdue"]), Decimal(0)),
        "overdue_count": Decimal(len(owed["overdue"])),
        "stalled": Decimal(len(_json(holp, "stalled", *as_of)["stalled"])),
        "complaints": Decimal(len(complaints)),
    }


def _card(page: str, key: str) -> tuple[str, str, str]:
    """A card's figure, detail and change line, as text."""
    found = re.search(rf'id="card-{key}">.*?<div class="figure">(.*?)</div><div class="detail">(.*?)</div>'
                      rf'(?:<div class="change[^"]*">(.*?)</div>)?</(?:div|a)>', page)
    assert found, key
    return found.group(1), found.group(2), re.sub(r"<[^>]*>", "", found.group(3) or "")


def _signed(value: Decimal, show: Callable[[Decimal], str]) -> str:
    if value == 0:
        return "= 无变化"
    return f"▲ +{show(value)}" if value > 0 else f"▼ −{show(-value)}"


def test_dashboard__the_cards_agree_with_the_json_reports(example: Path, holp: Callable[..., Result]) -> None:
    result = holp("report", "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    now = _headline(holp)
    then = _headline(holp, "--as-of", "2026-10-25")  # 30 days before HOLP_TODAY 2026-11-24
    assert now != then and now["won"] > 0 and now["overdue"] > 0 and now["complaints"] > 0
    since = " · 较 2026-10-25"
    figure, detail, change = _card(page, "won")
    percent = (now["won"] * 100 / now["target"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert (figure, detail.split("<br>")[0]) == (f"{_wan(now['won'])} 万元",
                                                 f"完成任务 {_wan(now['target'])} 万元 的 {percent}%")
    assert change == _signed(now["won"] - then["won"], _wan) + since
    figure, detail, change = _card(page, "open")
    coverage = (now["open"] / (now["target"] - now["won"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert (figure, detail) == (f"{_wan(now['open'])} 万元",
                                f"覆盖剩余任务 {_wan(now['target'] - now['won'])} 万元 的 {coverage}×")
    assert change == _signed(now["open"] - then["open"], _wan) + since
    figure, detail, change = _card(page, "overdue")
    assert (figure, detail) == (f"{_wan(now['overdue'])} 万元", f"{now['overdue_count']} 笔回款逾期")
    assert change == _signed(now["overdue"] - then["overdue"], _wan) + since
    for key in ("stalled", "complaints"):
        figure, _, change = _card(page, key)
        assert figure == str(now[key])
        assert change == _signed(now[key] - then[key], str) + since


def test_dashboard__since_a_day_or_a_commit(example: Path, holp: Callable[..., Result]) -> None:
    page = holp("report", "--format", "html", "--since", "2026-10-01", "--lang", "en").stdout
    _, _, change = _card(page, "won")
    assert change.endswith(" · since 2026-10-01")
    first = git(example, "rev-list", "--max-parents=0", "HEAD").strip()
    assert holp("report", "--format", "html", "--since", first, "--lang", "en").stdout == page
    before = holp("report", "--format", "html", "--since", "2026-09-01", "--lang", "en").stdout
    assert _card(before, "won")[2] == ""  # no history then: no change said, rather than everything as new
    wrong = holp("report", "--format", "html", "--since", "nonsense")
    assert (wrong.exit_code, wrong.stdout) == (2, "")
    assert wrong.stderr == "holp: --since nonsense: neither a date (YYYY-MM-DD) nor a revision of this repository\n"


def test_dashboard__axis_ticks_are_round() -> None:
    for top in ("1600.975", "1", "0.37", "3", "7.2", "99", "2756.45", "16009750", "123456789"):
        found = ticks(Decimal(top))
        step = found[1] - found[0]
        assert found[0] == 0 and found[-1] >= Decimal(top) > found[-2] and len(found) <= 7, (top, found)
        assert all(b - a == step for a, b in itertools.pairwise(found))
        mantissa = step.scaleb(-step.adjusted())
        assert mantissa in (1, 2, 5), (top, step)
    assert [tick_text(t) for t in ticks(Decimal("1600.975"))] == ["0", "500", "1,000", "1,500", "2,000"]
    assert [tick_text(t) for t in ticks(Decimal("0.37"))] == ["0", "0.1", "0.2", "0.3", "0.4"]
    assert ticks(Decimal(0)) == [0, 1]


def test_dashboard__the_trend_on_round_ticks_in_the_display_unit(example: Path, holp: Callable[..., Result]) -> None:
    page = holp("report", "--format", "html").stdout
    labels = re.findall(r'<span class="tick" style="bottom:[\d.]+%"><span>([^<]*)</span>', page)
    assert labels == ["0", "1,000", "2,000", "3,000"]  # the top point is 2,756.45 万元
    assert '<div class="unit">金额单位: 万元</div>' in page
    assert "2026-11-24: 2,756.45</span>" in page


def test_dashboard__money_in_the_display_unit_with_separators(example: Path, holp: Callable[..., Result]) -> None:
    page = holp("report", "--format", "html").stdout
    assert '<div class="figure">2,756.45 万元</div>' in page
    assert "<th class=\"num\">金额 (万元)</th>" in page and '<td class="num">1,816.00</td>' in page
    english = holp("report", "--format", "html", "--lang", "en").stdout
    assert '<div class="figure">27,564,500.13 CNY</div>' in english
    holp_yaml = example / "holp.yaml"
    holp_yaml.write_text(holp_yaml.read_text(encoding="utf-8") + "display_unit: M\n", encoding="utf-8")
    page = holp("report", "--format", "html", "--lang", "en").stdout
    assert '<div class="figure">27.56 M</div>' in page and "<th class=\"num\">Amount (M)</th>" in page


def test_dashboard__stages_and_rows_with_nothing_are_one_line(repo: Path, holp: Callable[..., Result]) -> None:
    git(repo, "init", "-q", "-b", "main")
    _commit_plain(repo)
    page = holp("report", "--format", "html", "--lang", "en").stdout
    funnel = page.split('<div class="funnel">')[1].split("</figure>")[0]
    assert funnel.count('<div class="stage">') == 1 and '<p class="none">4 stages with none</p>' in funnel
    table = page.split("<h2>Sales funnel</h2>")[1].split("</section>")[0]
    assert table.count("<tr>") == 1 + 1 + 1  # headers, the one stage, open (won and lost are zero)
    assert '<p class="none">6 stages with none</p>' in table  # four stages, won and lost: "stage" heads the table
    forecast = page.split("<h2>Forecast against target</h2>")[1].split("</section>")[0]
    assert re.search(r'<p class="none">\d+ rows of zeros not shown</p>', forecast)
    single = holp("report", "funnel", "--format", "html").stdout
    assert "另有 4 个阶段没有项目" in single and '<div class="cards">' not in single
    assert "<title>厚尔普 · 销售漏斗</title>" in single and '<th class="num">加权金额 (万元)</th>' in single


def _commit_plain(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")


def test_dashboard__overdue_stalled_and_below_target_carry_a_symbol(example: Path,
                                                                   holp: Callable[..., Result]) -> None:
    page = holp("report", "--format", "html", "--lang", "en").stdout
    overdue = page.split('id="card-overdue">')[1].split('<div class="figure">')[0]
    assert overdue == '<div class="card-title"><span class="flag" title="Overdue receivables">⚠</span> ' \
                      'Overdue receivables</div>'
    assert '<div class="card alert" id="card-overdue">' in page
    assert '<div class="card alert" id="card-complaints">' in page
    below = re.findall(r'<div class="target below">.*?</div>', page)
    assert below and all("▼ forecast below target" in row for row in below)
    assert "▼" not in _card(page, "won")[1]  # won and weighted make the year's target
    (example / "holp.yaml").write_text((example / "holp.yaml").read_text(encoding="utf-8")
                                       .replace("stale_after_days: 30", "stale_after_days: 1"), encoding="utf-8")
    page = holp("report", "--format", "html", "--lang", "en").stdout
    assert '<div class="card alert" id="card-stalled"><div class="card-title"><span class="flag" ' \
           'title="Stalled deals">⚠</span> Stalled deals</div><div class="figure">16</div>' in page


def test_dashboard__self_contained_and_no_script(example: Path, holp: Callable[..., Result]) -> None:
    page = holp("report", "--format", "html").stdout
    assert "<script" not in page.lower() and "@import" not in page and "url(" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",\n' in page
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif' in page
    assert "@media print" in page and "@page { size: A4" in page
    assert "<a " not in page  # a report links nowhere; the site gives links


HOSTILE = '<img src=x onerror=alert(1)>"&'


def test_dashboard__hostile_names_are_text(example: Path, holp: Callable[..., Result]) -> None:
    team = example / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("name: 张伟", f"name: '{HOSTILE}'")
                    .replace("zh: 华东", f"zh: '{HOSTILE}'"), encoding="utf-8")
    process = example / "holp.yaml"
    process.write_text(process.read_text(encoding="utf-8").replace("zh: 开发阶段", f"zh: '{HOSTILE}'"),
                       encoding="utf-8")
    page = holp("report", "--format", "html").stdout
    assert "<img" not in page and "onerror=alert(1)>" not in page
    escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;&amp;"
    assert f'<span class="who">{escaped}</span>' in page  # the region and the rep
    assert page.count(f'<span class="who">{escaped}</span>') == 2
    assert f'<span class="stage-name">{escaped}</span>' in page


class SiteLinks:
    """Links as a static site lays them out."""

    def project(self, project_id: str) -> str:
        return f"projects/{project_id}.html"

    def customer(self, customer_id: str) -> str:
        return f"customers/{customer_id}.html"

    def rep(self, rep_id: str) -> str:
        return f"reps/{rep_id}.html"

    def list(self, name: str) -> str:
        return f"lists/{name}.html"


def test_dashboard__with_links_every_figure_links_to_its_deals(example: Path, holp: Callable[..., Result]) -> None:
    snap = load(example)
    from holp import history

    cache = Cache(example, True)
    body = dashboard(example, snap, load_labels("en", example), history.read(example, cache=cache), cache,
                     links=SiteLinks())
    assert body.startswith('<section class="dashboard">') and body.endswith("</section>")
    for card in ("won-2026", "open", "overdue", "stalled", "complaints"):
        assert f'href="lists/{card}.html"' in body, card
    stages = re.findall(r'<a class="stage" href="lists/stage-([a-z]+)\.html">', body)
    assert stages == ["prospecting", "entry", "proposal", "bidding", "negotiation"]
    targets = _json(holp, "forecast")["targets"]
    expected = [(" below" if Decimal(t["forecast"]) < Decimal(t["target"]) else "",
                 f"lists/forecast-{t['kind']}-{t['id']}.html") for t in targets]
    assert re.findall(r'<a class="target( below)?" href="([^"]+)">', body) == expected
    assert {below for below, _ in expected} == {"", " below"}


FONT_PROBE = """<script>
let least = 1000, where = "";
for (const e of document.querySelectorAll("body *")) {
  const text = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const size = parseFloat(getComputedStyle(e).fontSize);
  if (text && e.getClientRects().length && size < least) { least = size; where = e.className || e.tagName; }
}
document.body.setAttribute("data-least", least + " " + where);
</script>"""


@pytest.mark.parametrize("width", [390, 1280])
def test_dashboard__no_text_below_12_px(example: Path, holp: Callable[..., Result], tmp_path: Path,
                                        width: int) -> None:
    chromium = require_chromium()
    page = holp("report", "--format", "html").stdout
    probe = write(tmp_path / "probe.html", page.replace("</body>", FONT_PROBE + "</body>"))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},2000"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    found = re.search(r'data-least="([\d.]+) ([^"]*)"', dom)
    assert found, dom[:500]
    assert float(found.group(1)) >= 12, found.group(0)
