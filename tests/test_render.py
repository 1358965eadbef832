"""Forms rendered from the files, in both languages; templates as untrusted input; visit and assess edits."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import git, require_chromium, snapshot, write
from holp import yaml
from holp.model import build_process

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-repo"
PROCESS = build_process(yaml.read("holp.yaml", (EXAMPLE / "holp.yaml").read_bytes()).tree)
LABELS = yaml.read("labels.yaml", (ROOT / "templates" / "labels.yaml").read_bytes()).tree
PROJECTS = ["P-2026-023", "P-2026-014", "P-2026-004", "P-2025-001"]  # prospecting, proposal, negotiation, collection


def data(kind: str, record_id: str) -> dict[str, Any]:
    path = next((EXAMPLE / kind).rglob(f"{record_id}.yaml"))
    found = yaml.read(str(path), path.read_bytes()).tree
    assert isinstance(found, dict)
    return found


def render(holp: Callable[..., Result], *args: str) -> str:
    result = holp("-C", str(EXAMPLE), "render", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def unmet(project: dict[str, Any], lang: str) -> list[str]:
    """The manual items of the current stage not ticked (the independent view of the gate's open items)."""
    stage = PROCESS.stage(project["stage"])
    assert stage is not None
    ticks = (project.get("checklist") or {}).get(stage.id) or {}
    return [i.text.get(lang) for i in stage.checklist if i.evidence is None and i.id not in ticks]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("project_id", PROJECTS)
def test_visit_plan(holp: Callable[..., Result], project_id: str, lang: str) -> None:
    project = data("projects", project_id)
    customer = data("customers", project["customer"])
    out = render(holp, "visit-plan", project_id, "--lang", lang)
    assert out.startswith(f"# {LABELS['visit_plan'][lang]} · {project['name']}\n")
    assert PROCESS.stage_label(project["stage"], lang) in out
    for text in unmet(project, lang):
        assert f"- [ ] {text}" in out
    for contact in customer["contacts"]:
        assert f"| {contact['name']} |" in out
        if contact.get("personality"):
            assert LABELS["advice_by_personality"][contact["personality"]][lang] in out
    visits = sorted(project.get("visits") or [], key=lambda v: str(v["date"]))
    if visits and visits[-1].get("next_step"):
        assert f"{LABELS['next_step'][lang]}: {visits[-1]['next_step']}**" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("project_id", PROJECTS)
def test_opportunity_evaluation(holp: Callable[..., Result], project_id: str, lang: str) -> None:
    project = data("projects", project_id)
    out = render(holp, "opportunity-evaluation", project_id, "--lang", lang)
    scores = (project.get("assessment") or {})
    totals = []
    for group in PROCESS.assessment:
        given = scores.get(group.id) or {}
        for number, criterion in enumerate(group.criteria, 1):
            score = given.get(criterion.id, "")
            assert f"| {number} | {criterion.label.get(lang)} | {score} |" in out
        totals.append(sum(given.values()))
        assert f"**{sum(given.values())} / 25**" in out
    complete = all(len(scores.get(g.id) or {}) == 5 for g in PROCESS.assessment)
    grade = ("high" if min(totals) >= 20 else "medium" if min(totals) >= 15 else "low") if complete else None
    expected = LABELS["levels"][grade][lang] if grade else LABELS["incomplete"][lang]
    assert f"## {LABELS['grade'][lang]}: {expected}\n" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("project_id", PROJECTS)
def test_stage_review_and_visit_record(holp: Callable[..., Result], project_id: str, lang: str) -> None:
    project = data("projects", project_id)
    stage = PROCESS.stage(project["stage"])
    assert stage is not None
    review = render(holp, "stage-review", project_id, "--lang", lang)
    following = PROCESS.next_stage(stage.id)
    assert f"{stage.label.get(lang)} → {following.label.get(lang) if following else '—'}" in review.splitlines()[0]
    rows = [line for line in review.splitlines() if line.startswith(("| ✓ |", "| ✗ |"))]
    assert len(rows) == len(stage.checklist)
    for text in unmet(project, lang):
        assert any(line.startswith(f"| ✗ | {text} |") for line in rows), text
    for risk in project.get("risks") or []:
        assert risk["note"] in review
    record = render(holp, "visit-record", project_id, "--lang", lang)
    for key in ("policy", "personnel", "needs", "activities", "relationship_change"):
        assert f"## {LABELS[key][lang]}" in record
    for contact in data("customers", project["customer"])["contacts"]:
        assert f"| {contact['name']} |" in record


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_key_persons_and_customer_overview(holp: Callable[..., Result], lang: str) -> None:
    customer = data("customers", "C-0002")
    sheet = render(holp, "key-persons", "C-0002", "--lang", lang)
    assert sheet.startswith(f"# {LABELS['key_persons_sheet'][lang]} · {customer['name']}\n")
    for contact in customer["contacts"]:
        assert f"## {contact['name']}" in sheet
        assert LABELS["roles"][contact["role"]][lang] in sheet
    for role in ("decision_maker", "technical_gatekeeper", "business_gatekeeper", "coach"):
        assert LABELS["role_guide"][role][lang].replace("|", "\\|") in sheet
    # a project id stands for its customer
    assert render(holp, "key-persons", "P-2026-004", "--lang", lang) == sheet
    overview = render(holp, "customer-overview", "C-0002", "--lang", lang)
    for project in (EXAMPLE / "projects").rglob("*.yaml"):
        record = yaml.read(str(project), project.read_bytes()).tree
        if record["customer"] == "C-0002":
            assert f"| {record['id']} | {record['name']} | {PROCESS.stage_label(record['stage'], lang)} |" in overview


def test_render_list_and_unknowns(holp: Callable[..., Result]) -> None:
    listed = holp("-C", str(EXAMPLE), "render", "--list").output
    assert [line.split()[0] for line in listed.splitlines()] == [
        "complaint", "customer-overview", "key-persons", "opportunity-evaluation", "project-summary",
        "service-record", "stage-review", "visit-plan", "visit-record"]
    assert holp("-C", str(EXAMPLE), "render", "visit-plan", "C-0002").exit_code == 2
    missing = holp("-C", str(EXAMPLE), "render", "nothing", "P-2026-004")
    assert missing.exit_code == 2
    assert missing.output == "holp: no template named nothing: `holp render --list` names them\n"


def test_html_form_is_a_printable_page(holp: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "form.html"
    result = holp("-C", str(EXAMPLE), "render", "key-persons", "C-0002", "--format", "html", "-o", str(out))
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4" in page and "<table>" in page
    assert "<script" not in page and "http" not in page


def test_html_form_in_headless_chromium(holp: Callable[..., Result], tmp_path: Path) -> None:
    chromium = require_chromium()
    out = tmp_path / "form.html"
    holp("-C", str(EXAMPLE), "render", "visit-plan", "P-2026-004", "--format", "html", "-o", str(out))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "炼钢厂转炉一次除尘风机变频节能改造" in dom and dom.count("<table>") == 2
    shot = tmp_path / "form.png"
    subprocess.run([chromium, *flags, "--window-size=900,1300", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


# -- templates are untrusted input ---------------------------------------------------------


def own_template(repo: Path, text: str, name: str = "visit-plan") -> Path:
    return write(repo / "templates" / "render" / f"{name}.md.j2", text)


@pytest.mark.parametrize(("text", "message"), [
    ("{{ project.name }}\n{{ project.naem }}\n",
     "holp: template render/visit-plan.md.j2:2: undefined: 'dict object' has no attribute 'naem'\n"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
     "holp: template render/visit-plan.md.j2:1: refused by the sandbox: access to attribute '__class__' of 'str' "
     "object is unsafe.\n"),
    ("{{ project.visits.append(1) }}\n", None),
    ("{% for v in project.visits %}\n{{ v.date }\n{% endfor %}\n",
     "holp: template render/visit-plan.md.j2:2: syntax error: unexpected '}'\n"),
])
def test_strict_and_sandboxed(repo: Path, holp: Callable[..., Result], text: str, message: str | None) -> None:
    own_template(repo, text)
    before = snapshot(repo)
    result = holp("render", "visit-plan", "P-2026-001")
    assert result.exit_code == 1
    if message:
        assert result.output == message
    else:
        assert "refused by the sandbox" in result.output and "append" in result.output
    assert "Traceback" not in result.output
    assert snapshot(repo) == before


def test_a_template_that_loops_forever_is_stopped(repo: Path, holp: Callable[..., Result],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLP_RENDER_SECONDS", "0.5")
    own_template(repo, "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n")
    result = holp("render", "visit-plan", "P-2026-001")
    assert result.exit_code == 1
    assert result.output == ("holp: template render/visit-plan.md.j2: stopped after 0.5 s "
                             "(a loop that does not end?)\n")


def test_a_template_that_calls_itself_is_stopped(repo: Path, holp: Callable[..., Result]) -> None:
    own_template(repo, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\n")
    result = holp("render", "visit-plan", "P-2026-001")
    assert result.exit_code == 1
    assert result.output == "holp: template render/visit-plan.md.j2: stopped, it calls itself without end\n"


def test_a_symlinked_template_is_refused(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.txt", "top secret\n")
    folder = repo / "templates" / "render"
    folder.mkdir(parents=True)
    (folder / "visit-plan.md.j2").symlink_to(secret)
    result = holp("render", "visit-plan", "P-2026-001")
    assert result.exit_code == 1
    assert result.output.startswith("holp: template render/visit-plan.md.j2: refused, ")
    assert "is a link" in result.output and "top secret" not in result.output


def test_a_repository_template_overrides_and_values_are_never_templates(repo: Path,
                                                                         holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 2号高炉余热发电改造",
                                                             "name: \"{{ 7*7 }} <script>x</script> ![i](http://e/i.png)\""),
                    encoding="utf-8")
    own_template(repo, "OURS {{ project.name }} / {{ L.visit_plan }}\n")
    assert holp("render", "visit-plan", "P-2026-001").stdout == (
        "OURS {{ 7\\*7 }} \\<script\\>x\\</script\\> !\\[i\\](http://e/i.png) / 拜访计划\n")
    assert "(from " in holp("render", "--list").output
    page = holp("render", "visit-plan", "P-2026-001", "--format", "html").stdout
    assert "&lt;script&gt;" in page and "<script>" not in page and "49" not in page and "<img" not in page
    assert "![i](http://e/i.png)" in page  # shown as the text it is


# -- visit and assess ----------------------------------------------------------------------




def test_visit__adds_its_lines_and_moves_closeness(git_repo: Path, holp: Callable[..., Result]) -> None:
    project = git_repo / "projects/east/P-2026-001.yaml"
    customer = git_repo / "customers/east/C-0001.yaml"
    before_project, before_customer = project.read_text(encoding="utf-8"), customer.read_text(encoding="utf-8")
    result = holp("visit", "P-2026-001", "--date", "2026-11-20", "--met", "李明", "--met", "王强", "--purpose",
                  "方案汇报", "--needs", "希望: 分两期付款", "--closer", "李明", "--trust-down", "王强", "--next", "提交报价")
    assert result.exit_code == 0, result.output
    assert project.read_text(encoding="utf-8") == before_project + (
        "  - date: 2026-11-20\n    by: zhang.wei\n    met: [李明, 王强]\n    purpose: 方案汇报\n    findings:\n"
        '      needs: "希望: 分两期付款"\n    changes:\n      - {contact: 李明, closeness: up}\n'
        "      - {contact: 王强, trust: down}\n    next_step: 提交报价\n")
    assert customer.read_text(encoding="utf-8") == before_customer.replace(
        "personality: tiger, closeness: 3,", "personality: tiger, closeness: 4,").replace(
        "personality: koala, closeness: 4, trust: 4}", "personality: koala, closeness: 4, trust: 3}")
    assert git(git_repo, "show", "--name-only", "--format=%s", "HEAD").split("\n")[:4] == [
        "P-2026-001: visit 2026-11-20 (李明, 王强)", "", "customers/east/C-0001.yaml", "projects/east/P-2026-001.yaml"]
    assert holp("validate").exit_code == 0


def test_visit__refuses_strangers_and_writes_nothing(git_repo: Path, holp: Callable[..., Result]) -> None:
    before = snapshot(git_repo)
    result = holp("visit", "P-2026-001", "--met", "路人甲")
    assert result.exit_code == 2
    assert result.output == "holp: 路人甲 is not a key person of C-0001: add them to the customer first\n"
    assert holp("visit", "P-2026-001", "--by", "nobody").exit_code == 2
    assert snapshot(git_repo) == before


def test_visit__in_the_editor(git_repo: Path, holp: Callable[..., Result], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    editor = write(tmp_path / "editor.sh", "#!/bin/sh\nsed -i 's/^purpose: .*/purpose: 现场调研/; "
                   "s/^next_step: .*/next_step: 约技术交流/' \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    result = holp("visit", "P-2026-001", "--edit", "--date", "2026-11-21", "--met", "李明")
    assert result.exit_code == 0, result.output
    text = (git_repo / "projects/east/P-2026-001.yaml").read_text(encoding="utf-8")
    assert text.endswith("  - date: 2026-11-21\n    by: zhang.wei\n    met: [李明]\n    purpose: 现场调研\n"
                         "    next_step: 约技术交流\n")
    broken = write(tmp_path / "broken.sh", "#!/bin/sh\nprintf 'date: [2026\\n' > \"$1\"\n")
    broken.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(broken))
    before = snapshot(git_repo)
    bad = holp("visit", "P-2026-001", "--edit")
    assert bad.exit_code == 2 and "nothing written" in bad.output
    assert snapshot(git_repo) == before


def test_assess__sets_only_its_values(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / "projects/east/P-2026-001.yaml"
    before = path.read_text(encoding="utf-8")
    result = holp("assess", "P-2026-001", "--set", "budget=5", "--set", "worth.risk=4")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "销售机会是不是虚的？ 19/25 · 值得赢吗？ 19/25 · 等级: 中"
    assert path.read_text(encoding="utf-8") == before.replace("approval: 3, budget: 2,", "approval: 3, budget: 5,") \
        .replace("profit: 3, risk: 2,", "profit: 3, risk: 4,")
    assert git(git_repo, "diff", "--numstat", "HEAD~1", "HEAD") == "2\t2\tprojects/east/P-2026-001.yaml\n"
    for bad in ("need=6", "luck=3", "real.profit=3", "need"):
        assert holp("assess", "P-2026-001", "--set", bad).exit_code == 2, bad


@pytest.mark.parametrize("text", ["{{ (2**(10**9)) % 7 }}\n", "{{ ('a' * 10**10)|length }}\n",
                                  "{{ (10**4000) * (10**4000) }}\n"])
def test_a_template_cannot_build_huge_values(repo: Path, holp: Callable[..., Result], text: str) -> None:
    own_template(repo, text)
    result = holp("render", "visit-plan", "P-2026-001")
    assert result.exit_code == 1
    assert result.output.startswith("holp: template render/visit-plan.md.j2:1: refused by the sandbox: ")


@pytest.mark.parametrize(("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_browser_tests__skip_without_chromium_but_fail_in_ci(ci: str, outcome: type[BaseException],
                                                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without chromium
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="headless Chromium is not"):
        require_chromium()
