"""`holp site -o DIR`: the static site of a repository, its links, its timeline, its incremental rebuild."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import Result

from conftest import PROJECT, git, require_chromium, write
from holp.site_pages import Links, commit_url, slug


def _history(repo: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, *,
             url: str | None = None) -> None:
    """The `repo` fixture in git: a first commit, then a tick and a changed amount through holp and git, all
    within one second (the timeline keeps the commits' order)."""
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-11-20T10:00:00+08:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-20T10:00:00+08:00")
    if url:
        config = repo / "holp.yaml"
        config.write_text(config.read_text(encoding="utf-8") + f"repository_url: {url}\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    result = holp("tick", "P-2026-001", "key_person_relationship", "--note", "与李明建立了信任")
    assert result.exit_code == 0, result.output
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 4100000"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "P-2026-001: amount after the second offer")


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append(value)


def _crawl(site: Path) -> tuple[set[Path], list[str], list[str]]:
    """Every page reached from index.html, the links that lead nowhere, and the links that leave the site."""
    seen: set[Path] = set()
    missing: list[str] = []
    outside: list[str] = []
    todo = [site / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        parser = _Hrefs()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.found:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                outside.append(href)
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or site.resolve() not in target.parents:
                missing.append(f"{page.relative_to(site)} → {href}")
            elif target.suffix == ".html":
                todo.append(target)
    return seen, missing, outside


def _hashes(site: Path) -> dict[str, str]:
    """Each file's bytes and when it was last written: a page written again with the same text counts."""
    return {p.relative_to(site).as_posix(): f"{hashlib.sha256(p.read_bytes()).hexdigest()} {p.stat().st_mtime_ns}"
            for p in site.rglob("*") if p.is_file()}


def test_site__every_link_from_the_dashboard_resolves(repo: Path, holp: Callable[..., Result], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _history(repo, holp, monkeypatch)
    site = tmp_path / "site"
    result = holp("site", "-o", str(site))
    assert result.exit_code == 0, result.output
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert result.output == f"wrote {len(pages) + 2} pages, 0 unchanged: {site}\n"  # + site.css and site.js
    seen, missing, outside = _crawl(site)
    assert missing == []
    assert outside == []  # nothing from a network, and no commit links without repository_url
    assert sorted(p.relative_to(site).as_posix() for p in seen) == pages  # every page is reachable
    assert {"projects/P-2026-001.html", "customers/C-0001.html", "reps/zhang.wei.html", "reps/li.na.html",
            "lists/open.html", "lists/overdue.html", "lists/stalled.html", "lists/complaints.html",
            "lists/stage-entry.html", "lists/region-east.html", "lists/rep-zhang.wei.html",
            "lists/customers.html", "index.html"} <= set(pages)
    entry = (site / "lists/stage-entry.html").read_text(encoding="utf-8")
    assert '<a href="../projects/P-2026-001.html">P-2026-001</a>' in entry
    assert '<a href="../customers/C-0001.html">华东某钢铁集团</a>' in entry
    assert '<td class="num" data-sort="4100000">410.00</td>' in entry  # 万元, the default of a Chinese process
    assert "<script" not in (site / "index.html").read_text(encoding="utf-8").split("</main>")[0]


def test_site__pages_open_in_chromium(repo: Path, holp: Callable[..., Result], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = require_chromium()
    _history(repo, holp, monkeypatch)
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0
    expected = {"index.html": "销售漏斗", "projects/P-2026-001.html": "2号高炉余热发电改造",
                "customers/C-0001.html": "华东某钢铁集团", "reps/zhang.wei.html": "张伟",
                "lists/stage-entry.html": "P-2026-001"}
    for page, text in expected.items():
        shown = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                (site / page).as_uri()], capture_output=True, text=True, timeout=120, check=True)
        assert text in shown.stdout, page
        assert "<h1>" in shown.stdout, page


def test_site__timeline_of_moves_ticks_and_changes_links_each_commit(repo: Path, holp: Callable[..., Result], tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _history(repo, holp, monkeypatch, url="https://git.example.com/sales")
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0
    page = (site / "projects/P-2026-001.html").read_text(encoding="utf-8")
    shas = git(repo, "log", "--reverse", "--format=%H").split()
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    items = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip() for li in timeline.split("<li>")[1:]]
    assert items[0] == f"2026-11-20 新建 销售进入阶段 张伟 {shas[0][:8]}"
    assert items[1] == f"2026-11-20 勾选 开发阶段: 了解客户工艺流程 张伟 {shas[0][:8]}"  # ticked in the first file
    assert items[-2:] == [
        f"2026-11-20 勾选 销售进入阶段: 与关键人建立良好关系 张伟 {shas[1][:8]}",
        f"2026-11-20 金额 320.00 万元 → 410.00 万元 张伟 {shas[2][:8]}",
    ]
    assert len(items) == 1 + 8 + 2  # created, the eight ticks of the first file, the tick, the amount
    for sha in shas:
        assert f'<a class="commit" href="https://git.example.com/sales/commit/{sha}">{sha[:8]}</a>' in timeline


def test_site__commit_links_only_for_http_urls() -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert commit_url("https://github.com/holp/sales/", sha) == f"https://github.com/holp/sales/commit/{sha}"
    assert commit_url("javascript:alert(1)//", sha) == ""
    assert commit_url('https://x.example/"onmouseover="alert(1)', sha) == ""
    assert commit_url(None, sha) == ""
    assert Links(1).project("P-1") == "../projects/P-1.html"
    assert Links(0).list("stage-entry") == "lists/stage-entry.html"
    assert slug("../../etc/passwd").startswith("x-") and "/" not in slug("a/b")


def test_site__rebuild_writes_only_what_changed(repo: Path, holp: Callable[..., Result], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _history(repo, holp, monkeypatch)
    write(repo / "projects/east/P-2026-002.yaml", PROJECT.replace("P-2026-001", "P-2026-002")
          .replace("2号高炉余热发电改造", "烧结余热回收"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "P-2026-002")
    site = tmp_path / "site"
    first = holp("site", "-o", str(site))
    total = int(first.output.split()[1])
    before = _hashes(site)
    again = holp("site", "-o", str(site))
    assert again.output == f"wrote 0 pages, {total} unchanged: {site}\n"
    assert _hashes(site) == before

    path = repo / "projects/east/P-2026-002.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("expected_close: 2027-03-31",
                                                             "expected_close: 2027-06-30"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "P-2026-002: closes later")
    third = holp("site", "-o", str(site))
    after = _hashes(site)
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert third.output == f"wrote {len(changed) - 1} pages, {total - len(changed) + 1} unchanged: {site}\n"
    assert "projects/P-2026-002.html" in changed and ".holp-site.json" in changed
    assert "projects/P-2026-001.html" not in changed and "site.css" not in changed
    assert "lists/customers.html" not in changed

    git(repo, "rm", "-q", "projects/east/P-2026-002.yaml")
    git(repo, "commit", "-q", "-m", "P-2026-002 is gone")
    fourth = holp("site", "-o", str(site))
    assert fourth.exit_code == 0
    assert fourth.output.endswith(f", removed 1: {site}\n")
    assert not (site / "projects/P-2026-002.html").exists()
    assert (site / "projects/P-2026-001.html").is_file()


def test_site__escapes_hostile_values(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 2号高炉余热发电改造",
                                                             "name: \"<script>alert(1)</script>\""), encoding="utf-8")
    customer = repo / "customers/east/C-0001.yaml"
    customer.write_text(customer.read_text(encoding="utf-8").replace(
        "name: 华东某钢铁集团", "name: '\"><img src=x onerror=alert(2)>'"), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<img src=x" not in text, page
    project = (site / "projects/P-2026-001.html").read_text(encoding="utf-8")
    assert "<h1>P-2026-001 &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in project
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in project


def test_site__refuses_folders_that_are_not_its_own(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    other = tmp_path / "notes"
    write(other / "todo.txt", "mine")
    cases = {
        str(other): f"holp: {other} is not empty and holds no site of holp (.holp-site.json): name an empty folder\n",
        "projects": "holp: projects holds files git keeps: write the site somewhere else (a folder git ignores)\n",
        ".": "holp: . holds the repository: write the site into a folder of its own\n",
    }
    for output, message in cases.items():
        result = holp("site", "-o", output)
        assert (result.exit_code, result.stderr) == (2, message)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    result = holp("site", "-o", str(tmp_path / "link"))
    assert (result.exit_code, result.stderr) == (
        2, f"holp: {tmp_path / 'link'} is a link: the site is written into a real folder only\n")
    assert (other / "todo.txt").read_text() == "mine" and sorted(p.name for p in other.iterdir()) == ["todo.txt"]


def test_site__a_link_inside_the_site_is_not_followed(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    for page in (site / "projects").iterdir():
        page.unlink()
    (site / "projects").rmdir()
    (site / "projects").symlink_to(outside)
    result = holp("site", "-o", str(site))
    assert (result.exit_code, result.stderr) == (
        2, f"holp: {site / 'projects'} is a link: refused (the site is written into real folders only)\n")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("lang, heading", [("en", "Timeline"), ("zh", "项目经历")])
def test_site__pages_in_either_language(repo: Path, holp: Callable[..., Result], tmp_path: Path, lang: str,
                                        heading: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _history(repo, holp, monkeypatch)
    site = tmp_path / lang
    assert holp("site", "-o", str(site), "--lang", lang).exit_code == 0
    assert f"<h2>{heading}</h2>" in (site / "projects/P-2026-001.html").read_text(encoding="utf-8")


def test_site__the_workflow_publishes_it_on_pages_only_when_asked(tmp_path: Path, holp: Callable[..., Result]) -> None:
    from holp.yaml import read

    assert holp("init", str(tmp_path / "sales")).exit_code == 0
    path = tmp_path / "sales/.github/workflows/holp.yml"
    job = read(str(path), path.read_bytes()).tree["jobs"]["site"]
    assert job["if"] == ("github.event_name == 'push' && github.ref_name == github.event.repository.default_branch\n"
                         "&& vars.HOLP_SITE == 'true'")
    assert job["environment"] == {"name": "github-pages", "url": "${{ steps.deploy.outputs.page_url }}"}
    assert [s.get("name") or s["uses"] for s in job["steps"]] == [
        "actions/checkout@v5", "actions/setup-python@v6", "install holp", "the site",
        "actions/upload-pages-artifact@v4", "actions/deploy-pages@v5"]
    assert job["steps"][3]["run"] == 'holp site -o "$RUNNER_TEMP/holp-site"'
    assert job["steps"][4]["with"] == {"path": "${{ runner.temp }}/holp-site"}
    assert job["steps"][5]["id"] == "deploy"


def test_site__a_new_day_rewrites_only_the_pages_that_show_the_day(repo: Path, holp: Callable[..., Result],
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _history(repo, holp, monkeypatch)
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0
    before = _hashes(site)
    monkeypatch.setenv("HOLP_TODAY", "2026-11-25")
    assert holp("site", "-o", str(site)).exit_code == 0
    after = _hashes(site)
    assert "index.html" in {p for p in after if after[p] != before[p]}  # the dashboard says its day
    for page in ("projects/P-2026-001.html", "customers/C-0001.html", "lists/stage-entry.html", "site.css"):
        assert after[page] == before[page], page


def test_site__a_repositorys_own_template_is_used_and_its_errors_are_one_line(
        repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / "templates/site/customer.html.j2", "<p>{{ customer.name }} · {{ links.index() }}</p>\n")
    _history(repo, holp, monkeypatch)
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0
    assert (site / "customers/C-0001.html").read_text(encoding="utf-8") == "<p>华东某钢铁集团 · ../index.html</p>\n"
    write(repo / "templates/site/customer.html.j2", "{{ no_such_value }}\n")
    result = holp("site", "-o", str(site))
    assert (result.exit_code, result.stderr) == (
        1, "holp: template site/customer.html.j2:1: undefined: 'no_such_value' is undefined\n")


def test_site__without_git_and_with_a_manifest_edited_by_hand(repo: Path, holp: Callable[..., Result],
                                                             tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = holp("site", "-o", str(site))
    assert result.exit_code == 0, result.output
    project = (site / "projects/P-2026-001.html").read_text(encoding="utf-8")
    assert '<h2>项目经历</h2>\n<p class="none">无</p>' in project  # no history without git
    assert (site / "lists/won-2026.html").is_file()  # this year's wins, even none
    manifest = site / ".holp-site.json"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        '"pages": {', '"pages": {"../victim.txt": "x", "projects/../../victim.txt": "x",'), encoding="utf-8")
    total = int(result.output.split()[1])
    assert holp("site", "-o", str(site)).output == f"wrote 0 pages, {total} unchanged: {site}\n"
    assert victim.read_text() == "keep me"


def test_site__ticks_read_after_the_cached_head_equal_a_build_without_cache(
        repo: Path, holp: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _history(repo, holp, monkeypatch)
    site = tmp_path / "site"
    assert holp("site", "-o", str(site)).exit_code == 0  # keeps the ticks up to HEAD in holp's cache
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\nassessment:\n", "\n  proposal:\n    needs_understood: 三次技术交流后确认\nassessment:\n"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "P-2026-001: needs understood")
    assert holp("site", "-o", str(site)).exit_code == 0  # reads the ticks of the one new commit only
    fresh = tmp_path / "fresh"
    assert holp("site", "-o", str(fresh), "--no-cache").exit_code == 0
    page = (site / "projects/P-2026-001.html").read_text(encoding="utf-8")
    assert page == (fresh / "projects/P-2026-001.html").read_text(encoding="utf-8")
    assert page.count('<span class="kind">勾选</span>') == 10
    assert '<span class="kind">勾选</span> <span class="what">提案阶段: 通过有效询问了解客户需求</span>' in page
