"""A repository's templates are untrusted: they cannot read outside templates/ or what git ignores, nor blow up.

Each hostile template ends in exit 1 with one line naming the template (and its line where Jinja knows it):
never exit 3, never a traceback, never a byte of .git/config.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import git, write
from holp import render as rendering
from holp.errors import HolpError

FORM = "render/visit-plan.md.j2"
WIDE = "is wider than a form can be (5242880 characters)"
LONG = "would make a text longer than a form can be (5242880 characters)"


def own_template(root: Path, text: str, name: str = FORM) -> Path:
    return write(root / "templates" / name, text)


def refused(holp: Callable[..., Result], root: Path) -> str:
    """Render the repository's visit plan, which must fail cleanly; its one line of output."""
    started = time.monotonic()
    result = holp("render", "visit-plan", "P-2026-001")
    assert time.monotonic() - started < 10 + rendering.GRACE
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    config = (root / ".git" / "config").read_text(encoding="utf-8") if (root / ".git").is_dir() else ""
    assert not config or "repositoryformatversion" not in result.output
    return result.output


@pytest.mark.parametrize(("text", "message"), [
    ("{{ 'x'|center(1500000000) }}", f"center(1500000000) {WIDE}"),
    ("{{ 'x'.center(1500000000) }}", f"center(1500000000) {WIDE}"),
    ("{{ 'x'.ljust(999999999) }}", f"ljust(999999999) {WIDE}"),
    ("{{ 'x'.rjust(999999999, '-') }}", f"rjust(999999999) {WIDE}"),
    ("{{ 'x'.zfill(999999999) }}", f"zfill(999999999) {WIDE}"),
    ("{{ 'a\tb'.expandtabs(999999999) }}", f"expandtabs(999999999) {WIDE}"),
    ("{{ '%0*d' % (999999999, 1) }}", f"a * width(999999999) {WIDE}"),
    ("{{ '%0999999999d' % 1 }}", f"the format '%0999999999d' {WIDE}"),
    ("{{ '%.999999999f' % 1.5 }}", f"the format '%.999999999f' {WIDE}"),
    ("{{ '%0999999999d'|format(1) }}", f"the format '%0999999999d' {WIDE}"),
    ("{{ '{:>999999999}'.format(1) }}", f"the format spec '>999999999' {WIDE}"),
    ("{{ '{:{}}'.format(1, 999999999) }}", f"the format spec '999999999' {WIDE}"),
    ("{{ '{a:>999999999}'.format_map({'a': 1}) }}", f"the format spec '>999999999' {WIDE}"),
    ("{{ 'a\\nb'|indent(999999999) }}", f"indent(999999999) {WIDE}"),
    ("{{ 'a b'|wordwrap(999999999) }}", f"wordwrap(999999999) {WIDE}"),
    ("{{ 'a b'|truncate(999999999) }}", f"truncate(999999999) {WIDE}"),
    ("{{ [1]|batch(999999999, 0)|list }}", f"batch(999999999) {WIDE}"),
    ("{{ ('x' * 1000000)|replace('', 'yyyyyyyy') }}", f"replace() {LONG}"),
    ("{{ 'xx'.replace('x', 'y' * 1000000, 1) ~ ('x' * 1000000).replace('x', 'yyyyyy') }}", f"replace() {LONG}"),
    ("{{ (['x' * 1000000] * 100)|join }}", f"join() {LONG}"),
    ("{{ ','.join(['y' * 1000000] * 10) }}", f"join() {LONG}"),
    ("{{ 'x' * 999999999 }}", "a string or list that long is not a form"),
    ("{{ [1] * 999999999 }}", "a string or list that long is not a form"),
    ("{{ ('x' * 1000000) + ('x' * 1000000) }}", "a string or list that long is not a form"),
    ("{{ range(999999999)|list }}", "range(999999999) has more than 100000 items"),
])
def test_a_single_call_cannot_allocate_past_the_bound(repo: Path, holp: Callable[..., Result], text: str,
                                                      message: str) -> None:
    own_template(repo, f"# form\n{text}\n")
    assert refused(holp, repo) == f"holp: template {FORM}:2: refused by the sandbox: {message}\n"


def test_the_bounds_leave_ordinary_forms_alone(repo: Path, holp: Callable[..., Result]) -> None:
    own_template(repo, "{{ 'x'|center(5) }}|{{ '%05d' % 42 }}|{{ '{:>4}'.format(7) }}|{{ 'a-b'|replace('-', '+') }}|"
                       "{{ [1, 2]|join(', ') }}|{{ '-' * 3 }}|{{ range(3)|list }}|{{ 'ab'.ljust(4, '.') }}\n")
    result = holp("render", "visit-plan", "P-2026-001")
    assert result.exit_code == 0, result.output
    # every value a Markdown form prints is text (values never become structure): a leading "-" is escaped
    assert result.stdout == "  x  |00042|   7|a+b|1, 2|\\---|[0, 1, 2]|ab..\n"


@pytest.mark.parametrize(("text", "message"), [
    ("{% include '../.git/config' %}", "../.git/config points outside templates/"),
    ("{% include '../../.git/config' %}", "../../.git/config points outside templates/"),
    ("{% import '../.git/config' as c %}", "../.git/config points outside templates/"),
    ("{% extends 'render/../../.git/config' %}", "render/../../.git/config points outside templates/"),
    ("{% include 'render/.git/config' %}", "render/.git/config points into a git folder"),
    ("{% include '/etc/passwd' %}", "/etc/passwd is an absolute path; templates are named inside templates/"),
    ("{% include ROOT ~ '/.git/config' %}", "ROOT/.git/config is an absolute path; templates are named inside templates/"),
])
def test_an_include_cannot_reach_outside_templates(git_repo: Path, holp: Callable[..., Result], text: str,
                                                   message: str) -> None:
    root = str(git_repo)
    own_template(git_repo, "# form\n" + text.replace("ROOT ~ '", f"'{root}") + "\n")
    assert refused(holp, git_repo) == f"holp: template {FORM}:2: refused, {message.replace('ROOT', root)}\n"


def test_a_template_git_ignores_is_not_served(git_repo: Path, holp: Callable[..., Result]) -> None:
    write(git_repo / ".gitignore", "templates/render/_secret.md.j2\n")
    secret = own_template(git_repo, "SECRET TOKEN\n", "render/_secret.md.j2")
    own_template(git_repo, "# form\n{% include 'render/_secret.md.j2' %}\n")
    output = refused(holp, git_repo)
    assert output == f"holp: template {FORM}:2: refused, {secret} is ignored by git (a template must be a file of " \
                     "the repository)\n"
    write(git_repo / ".gitignore", "templates/render/visit-plan.md.j2\n")
    own_template(git_repo, "SECRET TOKEN\n")
    assert refused(holp, git_repo) == f"holp: template {FORM}: refused, {git_repo / 'templates' / FORM} is ignored " \
                                      "by git (a template must be a file of the repository)\n"


def test_a_symlinked_templates_folder_is_refused(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "render" / "visit-plan.md.j2", "SECRET TOKEN\n")
    (repo / "templates").symlink_to(elsewhere, target_is_directory=True)
    assert refused(holp, repo) == f"holp: {repo / 'templates'} is a link: refused (templates come from the " \
                                  "repository itself)\n"
    assert holp("render", "--list").exit_code == 1


def test_a_symlinked_folder_on_the_way_is_refused(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    write(tmp_path / "elsewhere" / "visit-plan.md.j2", "SECRET TOKEN\n")
    (repo / "templates").mkdir()
    (repo / "templates" / "render").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert refused(holp, repo) == f"holp: template {FORM}: refused, {repo / 'templates' / 'render'} is a link\n"


def test_a_repository_reached_through_a_link_still_renders(repo: Path, holp: Callable[..., Result],
                                                           tmp_path: Path) -> None:
    own_template(repo, "OURS\n")
    (tmp_path / "link").symlink_to(repo, target_is_directory=True)
    result = holp("-C", str(tmp_path / "link"), "render", "visit-plan", "P-2026-001")
    assert (result.exit_code, result.stdout) == (0, "OURS\n")


def test_a_template_that_is_not_a_file_is_refused(repo: Path, holp: Callable[..., Result]) -> None:
    folder = repo / "templates" / "render"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "visit-plan.md.j2")  # reading it would wait for ever
    assert refused(holp, repo) == f"holp: template {FORM}: refused, {folder / 'visit-plan.md.j2'} is not a file\n"


def test_a_template_that_includes_itself_is_stopped(repo: Path, holp: Callable[..., Result]) -> None:
    own_template(repo, "# form\n{% include 'render/visit-plan.md.j2' %}\n")
    assert refused(holp, repo) == f"holp: template {FORM}: stopped, it calls itself without end\n"


def test_a_template_that_allocates_in_a_loop_is_stopped_by_the_memory_bound(repo: Path,
                                                                            holp: Callable[..., Result]) -> None:
    own_template(repo, "{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(100) %}"
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}\n")
    assert refused(holp, repo) == f"holp: template {FORM}: stopped, it needed more memory than a form can (512 MB)\n"


def test_one_huge_c_call_is_stopped_in_time(repo: Path, holp: Callable[..., Result],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLP_RENDER_SECONDS", "0.3")
    own_template(repo, "{{ [[1] * 1000000] * 1000000 }}\n")  # one repr of a 3 TB text
    assert refused(holp, repo) in (
        f"holp: template {FORM}: stopped after 0.3 s (a loop that does not end?)\n",
        f"holp: template {FORM}: stopped, it needed more memory than a form can (512 MB)\n")


def test_output_that_is_not_text_is_refused(repo: Path, holp: Callable[..., Result]) -> None:
    own_template(repo, "{{ '\\udc80' }}\n")
    assert refused(holp, repo) == f"holp: template {FORM}: its output is not text (surrogates not allowed)\n"


# -- the renderer process itself: what if it never answers, or dies ------------------------------


def _hangs(*args: Any) -> str:
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # as a C call would: no Python step for the alarm to stop
    time.sleep(60)
    return ""


def _dies(*args: Any) -> str:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a process out of memory
    return ""


def test_a_renderer_that_does_not_answer_is_killed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLP_RENDER_SECONDS", "0.2")
    monkeypatch.setattr(rendering, "GRACE", 0.3)
    monkeypatch.setattr(rendering, "_render_here", _hangs)
    started = time.monotonic()
    with pytest.raises(HolpError, match=r"^template x: stopped after 0.2 s \(a loop that does not end\?\)$"):
        rendering.render(repo, "x", {})
    assert time.monotonic() - started < 5


def test_a_renderer_that_dies_is_an_error_not_a_bug(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "_render_here", _dies)
    with pytest.raises(HolpError) as raised:
        rendering.render(repo, "x", {})
    assert raised.value.exit_code == 1
    assert raised.value.message == ("template x: stopped, rendering it crashed (signal 9); "
                                    "it may have needed more memory than a form can (512 MB)")


def test_a_git_config_never_reaches_the_output(git_repo: Path, holp: Callable[..., Result]) -> None:
    config = (git_repo / ".git" / "config").read_text(encoding="utf-8")
    git(git_repo, "config", "user.secret", "TOKEN-123")
    for text in ("{% include '../.git/config' %}", "{{ self._TemplateReference__context }}",
                 "{% include 'render/../../.git/config' ignore missing %}"):
        own_template(git_repo, text + "\n")
        result = holp("render", "visit-plan", "P-2026-001")
        assert result.exit_code in (0, 1) and "TOKEN-123" not in result.output
        assert not any(line in result.output for line in config.splitlines() if line.strip())


@pytest.mark.parametrize("line", ["|just a pipe line", "#hashtag", "|a|b|", "#"])
def test_a_line_that_looks_like_a_block_but_is_not_renders_as_text(line: str) -> None:
    from holp.markdown import to_html

    # once this looped for ever (the paragraph took no line): a template could hang `render --format html`
    assert to_html(f"# t\n\n{line}\nnext\n") == f"<h1>t</h1>\n<p>{line} next</p>"
