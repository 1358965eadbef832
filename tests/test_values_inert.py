"""Nothing a value holds becomes structure: no line in a file holp writes, no escape on a terminal, no Markdown or
HTML in a review or report, no path. Every value of a pull request is untrusted."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, TEAM, Script, git, project, snapshot, write
from holp import inert
from holp.resources import template

EVIL = "\x1b]52;c;ZXZpbA==\x07evil\x1b[2J"
EVIL_YAML = '"\\e]52;c;ZXZpbA==\\aevil\\e[2J"'
INERT = "\\u001b]52;c;ZXZpbA==\\u0007evil\\u001b[2J"
START = "2026-01-05T09:00:00+08:00"
LATER = "2026-02-01T10:00:00+08:00"
PROJECT_PATH = "projects/east/P-2026-001.yaml"


def _renamed(name_yaml: str) -> str:
    return PROJECT.replace("name: 2号高炉余热发电改造", f"name: {name_yaml}")


def _obeyable(text: str) -> list[str]:
    """Characters a terminal would act on."""
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]


# -- 2. no escape sequence reaches a terminal -----------------------------------------------------------------


def test_terminal__a_hostile_name_is_inert_in_list_show_history_and_report(git_repo: Path,
                                                                          holp: Callable[..., Result]) -> None:
    write(git_repo / PROJECT_PATH, _renamed(EVIL_YAML))
    git(git_repo, "commit", "-qam", "rename")
    for args in (("list",), ("show", "P-2026-001"), ("history",), ("report", "aging"), ("report", "funnel", "--by",
                                                                                          "customer")):
        result = holp(*args)
        assert _obeyable(result.stdout + result.stderr) == [], args
    assert INERT in holp("list").stdout
    assert INERT in holp("show", "P-2026-001").stdout
    assert INERT in holp("report", "aging").stdout


def test_terminal__an_error_naming_a_value_is_inert(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("show", "P-\x1b[2J\x9b31m")
    assert result.exit_code == 2
    assert result.stderr == "holp: no project with id P-\\u001b[2J\\u009b31m\n"


def test_terminal__a_problem_naming_a_value_is_inert(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_PATH, PROJECT.replace("owner: zhang.wei", f"owner: {EVIL_YAML}"))
    result = holp("validate")
    assert result.exit_code == 1
    assert _obeyable(result.output) == []
    assert f"{PROJECT_PATH}:5:8: error[bad-id]: owner is '{INERT}'" in result.output


def test_terminal__table_cells_keep_their_row(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_PATH, _renamed('"one\\ntwo\\rthree"'))
    lines = holp("list").stdout.splitlines()
    assert len(lines) == 4  # headers, rule, one row, the total
    assert "one\\u000atwo\\u000dthree" in lines[2]


def test_inert__terminal_keeps_chinese_newlines_and_tabs() -> None:
    assert inert.terminal("华东\t东\n") == "华东\t东\n"
    assert inert.terminal("a\x1b[31mb\x9bc\x08\r\x07\u202e") == "a\\u001b[31mb\\u009bc\\u0008\\u000d\\u0007\\u202e"


# -- 3. no Markdown or HTML structure from values --------------------------------------------------------------

HOSTILE = "<!-- x --> [l](http://e) ![i](http://e/i.png) <http://e> <b>b</b> a|b `c` -->"
HOSTILE_YAML = json.dumps(HOSTILE, ensure_ascii=False)
ESCAPED = ("\\<!-- x --\\> \\[l\\](http://e) !\\[i\\](http://e/i.png) \\<http://e\\> \\<b\\>b\\</b\\> a\\|b "
           "\\`c\\` --\\>")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _markdown_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(markdown)  # type: ignore[no-any-return]


@pytest.mark.parametrize("value", [
    "<!-- hidden", "-->", "[x](http://e)", "![x](http://e/i.png)", "<http://e>", "<img src=x onerror=y>",
    "a | b", "`x` ``", "# heading", "> quote", "- item", "1. item", "a\nb", "\\", "x\\|y",
])
def test_markdown__one_value_one_text_node(value: str) -> None:
    html = _markdown_html(f"| a |\n|---|\n| {inert.markdown(value)} |\n")
    found = _elements(html)
    assert found.tags == ["table", "thead", "tr", "th", "tbody", "tr", "td"]
    assert found.comments == []
    cell = html.split("<td>")[1].split("</td>")[0]
    assert _elements(cell).text == ([value.replace("\n", " ")] if value else [])


def _review_repo(script: Script, name_yaml: str) -> None:
    script.commit("li.na", START, "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
        "customers/east/C-0001.yaml": CUSTOMER, "projects/east/P-1.yaml": project("P-1", "prospecting")})
    script.git("switch", "-q", "-c", "feature")
    script.commit("zhang.wei", LATER, "a move", {
        "projects/east/P-1.yaml": project("P-1", "entry").replace("name: 项目P-1", f"name: {name_yaml}")})


def test_review__markdown_of_a_hostile_name_is_text(script: Script, holp: Callable[..., Result]) -> None:
    _review_repo(script, HOSTILE_YAML)
    markdown = holp("review", "main").stdout
    row = next(line for line in markdown.splitlines() if "P-1" in line)
    assert f"| P-1 {ESCAPED} |" in row
    found = _elements(_markdown_html(markdown))
    assert found.comments == []
    assert set(found.tags) <= {"h2", "h3", "code", "table", "thead", "tbody", "tr", "th", "td", "p", "strong", "ul",
                               "li", "br"}  # <br>: holp's own, between checklist items
    assert found.tags.count("code") == 2 + markdown.count("\n- `")  # the base, the commit and problems' paths


def test_review__markdown_of_a_hostile_name_on_a_terminal(script: Script, holp: Callable[..., Result]) -> None:
    _review_repo(script, EVIL_YAML)
    result = holp("review", "main")
    assert _obeyable(result.stdout) == []
    assert "| P-1 \\u001b\\]52;c;ZXZpbA==\\u0007evil\\u001b\\[2J |" in result.stdout


def test_report__markdown_and_html_of_a_hostile_name(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_PATH, _renamed(HOSTILE_YAML))
    markdown = holp("report", "aging", "--format", "markdown").stdout
    assert ESCAPED in markdown
    found = _elements(_markdown_html(markdown))
    assert found.comments == []
    assert set(found.tags) <= {"h2", "h3", "p", "em", "table", "thead", "tbody", "tr", "th", "td", "blockquote"}
    page = holp("report", "--format", "html").stdout
    found = _elements(page)
    assert found.comments == []
    assert not {"a", "img", "b"} & set(found.tags)
    assert HOSTILE in "".join(found.text)


def test_render__a_hostile_name_in_a_form_and_its_page(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_PATH, _renamed(HOSTILE_YAML))
    form = holp("render", "stage-review", "P-2026-001").stdout
    assert ESCAPED in form
    found = _elements(_markdown_html(form))
    assert found.comments == [] and not {"a", "img", "b"} & set(found.tags)
    page = _elements(holp("render", "stage-review", "P-2026-001", "--format", "html").stdout)
    assert page.comments == [] and not {"a", "img", "b"} & set(page.tags)
    assert HOSTILE in "".join(page.text)


# -- 1. no new line in a file holp writes ---------------------------------------------------------------------


@pytest.mark.parametrize(("team", "message"), [
    (TEAM.replace("en: East China}", 'en: "East\\n/projects/ @evil"}'),
     "holp: team.yaml: region label 'East\\\\u000a/projects/ @evil' holds a newline, control character or '#', "
     "which would add to CODEOWNERS; nothing was written\n"),
    (TEAM.replace("en: East China}", "en: 'East # @evil'}"),
     "holp: team.yaml: region label 'East # @evil' holds a newline, control character or '#', "
     "which would add to CODEOWNERS; nothing was written\n"),
    (TEAM.replace("handle: li-na}", 'handle: "li-na\\n* @evil"}'),
     "holp: team.yaml: rep li.na has the handle 'li-na\\\\u000a* @evil', which is no GitHub handle (letters, "
     "digits, '_', '.', '/', '-'); nothing was written\n"),
    (TEAM.replace("handle: li-na}", "handle: 'li-na @evil'}"),
     "holp: team.yaml: rep li.na has the handle 'li-na @evil', which is no GitHub handle (letters, "
     "digits, '_', '.', '/', '-'); nothing was written\n"),
    (TEAM.replace("{id: north,", '{id: "north\\n* @evil",'),
     "holp: team.yaml: region id 'north\\\\u000a* @evil' cannot name a file or folder: it must use letters, "
     "digits, '.', '_' and '-' and start with a letter or digit; nothing was written\n"),
])
def test_codeowners__refuses_a_value_that_would_add_a_line(git_repo: Path, holp: Callable[..., Result], team: str,
                                                          message: str) -> None:
    write(git_repo / "team.yaml", team)
    result = holp("codeowners")
    assert (result.exit_code, result.stderr) == (1, message)
    assert not (git_repo / ".github").exists()


def test_validate__a_newline_in_team_and_process_is_an_error_with_its_line(repo: Path,
                                                                          holp: Callable[..., Result]) -> None:
    write(repo / "team.yaml", TEAM.replace("en: East China}", 'en: "East\\nChina"}'))
    process = (repo / "holp.yaml").read_text(encoding="utf-8")
    write(repo / "holp.yaml", process.replace("company: 厚尔普", 'company: "x\\e[2J"'))
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        "holp.yaml:9:10: error[control-character]: company holds a newline or control character (x\\u001b[2J): "
        "write it on one line\n"
        "team.yaml:2:36: error[control-character]: regions.0.label.en holds a newline or control character "
        "(East\\u000aChina): write it on one line\n"
        "4 files checked: 2 errors.\n")


def test_commit__a_note_or_reason_cannot_add_a_trailer(git_repo: Path, holp: Callable[..., Result]) -> None:
    fake = "fine\n\nHolp-Project: P-9\nHolp-To: won\nHolp-Forced: true"
    result = holp("advance", "P-2026-001", "--to", "prospecting", "--reason", fake, "-m", fake)
    assert result.exit_code == 0, result.output
    trailers = git(git_repo, "log", "-1", "--format=%(trailers:only,unfold)")
    assert trailers == ("Holp-Project: P-2026-001\nHolp-From: entry\nHolp-To: prospecting\n"
                        "Holp-Reason: fine Holp-Project: P-9 Holp-To: won Holp-Forced: true\n\n")
    history = json.loads(holp("history", "--format", "json").stdout)
    assert [(t["project"], t["to"]) for t in history][-1] == ("P-2026-001", "prospecting")


def test_commit__a_note_alone_cannot_add_a_trailer(git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("advance", "P-2026-001", "--to", "prospecting", "--reason", "back",
                  "-m", "x\n\nHolp-Project: P-9\nHolp-To: won\n")
    assert result.exit_code == 0, result.output
    trailers = git(git_repo, "log", "-1", "--format=%(trailers:only,unfold)")
    assert trailers == "Holp-Project: P-2026-001\nHolp-From: entry\nHolp-To: prospecting\nHolp-Reason: back\n\n"


# -- 4. no value becomes a path -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["..", "../x", "a/b", "a\\b", "/tmp/x", "-x", "a\x00b", ".hidden", "x\n"])
def test_new__an_id_that_would_be_a_path_is_refused_before_anything_is_written(repo: Path,
                                                                             holp: Callable[..., Result],
                                                                             bad: str) -> None:
    before = snapshot(repo.parent)
    result = holp("new", "project", "--customer", "C-0001", "--name", "x", "--id", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"holp: --id {inert.one_line(bad)!r} cannot name a file or folder")
    assert snapshot(repo.parent) == before


@pytest.mark.parametrize("bad", ["../../outside", "/tmp/abs", "-rf", "a\\b"])
def test_new__a_region_from_a_file_that_would_be_a_path_is_refused(repo: Path, holp: Callable[..., Result],
                                                                  bad: str) -> None:
    write(repo / "customers/east/C-0001.yaml", CUSTOMER.replace("region: east", f"region: {json.dumps(bad)}"))
    write(repo / "team.yaml", TEAM.replace("{id: north,", f"{{id: {json.dumps(bad)},"))
    before = snapshot(repo.parent)
    result = holp("new", "project", "--customer", "C-0001", "--name", "x")
    assert (result.exit_code, result.stderr) == (1, f"holp: region {bad!r} cannot name a file or folder: it must "
                                                 "use letters, digits, '.', '_' and '-' and start with a letter or "
                                                 "digit; nothing was written\n")
    result = holp("new", "customer", "--name", "x", "--region", bad, "--owner", "zhang.wei")
    assert result.exit_code == 1
    assert snapshot(repo.parent) == before


def test_new__a_name_with_newlines_adds_no_key(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("new", "project", "--customer", "C-0001", "--name", "x\nstage: won\namount: 9", "--id", "P-9")
    assert result.exit_code == 0, result.output
    text = (repo / "projects/east/P-9.yaml").read_text(encoding="utf-8")
    assert 'name: "x\\nstage: won\\namount: 9"\n' in text
    assert "\nstage: won" not in text
