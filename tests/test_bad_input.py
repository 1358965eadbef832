"""Every kind of bad input: exit 1, the file and line named, no traceback, no byte changed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, git, snapshot, write
from holp import git as holp_git
from holp import repo as repository
from holp import yaml

NEW = "projects/east/P-2026-002.yaml"


def project(**changes: str) -> str:
    """The fixture's valid project as P-2026-002, with some lines replaced."""
    text = PROJECT.replace("P-2026-001", "P-2026-002")
    for old, new in changes.items():
        old_line = next(line for line in text.splitlines() if line.startswith(f"{old}:"))
        text = text.replace(old_line, new)
    return text


BAD = [
    # (name, file, content, "path:line:col", code)
    ("yaml syntax", NEW, project(name="name: [2号高炉"), f"{NEW}:3:7", "yaml-syntax"),
    ("tab indentation", NEW, project(checklist="checklist:\n\tprospecting: {}"), f"{NEW}:11:1", "yaml-syntax"),
    ("duplicate key", NEW, project(owner="owner: zhang.wei\nowner: li.na"), f"{NEW}:6:1", "duplicate-key"),
    ("unknown stage", NEW, project(stage="stage: closing"), f"{NEW}:9:8", "unknown-stage"),
    ("dangling customer", NEW, project(customer="customer: C-9999"), f"{NEW}:4:11", "unknown-customer"),
    ("dangling owner", NEW, project(owner="owner: nobody"), f"{NEW}:5:8", "unknown-rep"),
    ("amount in words", NEW, project(amount="amount: 三百二十万"), f"{NEW}:7:9", "bad-amount"),
    ("negative amount", NEW, project(amount="amount: -3200000"), f"{NEW}:7:9", "bad-amount"),
    ("amount as a list", NEW, project(amount="amount: [3200000, 100]"), f"{NEW}:7:9", "bad-amount"),
    ("impossible date", NEW, project(expected_close="expected_close: 2026-02-30"), f"{NEW}:8:17", "bad-date"),
    ("merge conflict", NEW, project(stage="<<<<<<< HEAD\nstage: entry\n=======\nstage: proposal\n>>>>>>> branch"),
     f"{NEW}:9:1", "merge-conflict"),
    ("empty file", NEW, "", f"{NEW}:1:1", "empty"),
    ("comments only", NEW, "# nothing here\n", f"{NEW}:1:1", "empty"),
    ("a list", NEW, "- id: P-2026-002\n- name: x\n", f"{NEW}:1:1", "not-a-mapping"),
    ("a scalar", NEW, "just text\n", f"{NEW}:1:1", "not-a-mapping"),
    ("binary", NEW, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"{NEW}:1:1", "not-text"),
    ("latin-1", NEW, "id: P-2026-002\nname: caf\xe9\n".encode("latin-1"), f"{NEW}:2:1", "not-text"),
    ("python tag", NEW, project(name='name: !!python/object/apply:os.system ["touch pwned"]'), f"{NEW}:3:7",
     "yaml-tag"),
    ("local tag", NEW, project(name="name: !secret 2号高炉"), f"{NEW}:3:7", "yaml-tag"),
    ("yaml directive", NEW, "%YAML 1.1\n---\n" + project(), f"{NEW}:1:1", "yaml-directive"),
    ("two documents", NEW, project() + "---\nid: P-2026-003\n", f"{NEW}:32:1", "yaml-syntax"),
    ("unknown field", NEW, project(amount="amout: 3200000"), f"{NEW}:7:1", "unknown-field"),
    ("tick that is true", NEW, project().replace("procurement_org_mapped: 2026-09-10", "procurement_org_mapped: true"),
     f"{NEW}:20:29", "bad-type"),
    ("unknown checklist item", NEW,
     project().replace("procurement_org_mapped: 2026-09-10", "coffee_with_boss: 2026-09-10"),
     f"{NEW}:20:5", "unknown-checklist-item"),
    ("lost without reason", NEW, project(stage="stage: lost"), f"{NEW}:9:8", "lost-reason"),
    ("lost with unknown reason", NEW, project(stage="stage: lost\nlost: {reason: bad_luck}"), f"{NEW}:10:16",
     "lost-reason"),
    ("score out of range", NEW, project().replace("need: 4", "need: 9"), f"{NEW}:22:16", "bad-value"),
    ("infinite amount", NEW, project(amount="amount: .inf"), f"{NEW}:7:9", "bad-number"),
    ("duplicate id", "projects/north/P-2026-001.yaml", PROJECT, "projects/north/P-2026-001.yaml:2:5",
     "duplicate-id"),
    ("nesting", NEW, project(name="name: " + "[" * 600 + "]" * 600), f"{NEW}:1:1", "too-deep"),
]


@pytest.mark.parametrize(("name", "relative", "content", "where", "code"), BAD, ids=[b[0] for b in BAD])
def test_validate__bad_input_names_file_and_line(repo: Path, holp: Callable[..., Result], name: str,
                                                 relative: str, content: str | bytes, where: str, code: str) -> None:
    write(repo / relative, content)
    before = snapshot(repo)
    result = holp("validate")
    assert result.exit_code == 1, result.output
    assert f"{where}: error[{code}]: " in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(repo) == before
    assert not (repo / "pwned").exists()


def test_validate__duplicate_id_names_the_first_file(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "projects/north/P-2026-001.yaml", PROJECT)
    result = holp("validate")
    assert ("projects/north/P-2026-001.yaml:2:5: error[duplicate-id]: project id P-2026-001 is already used by "
            "projects/east/P-2026-001.yaml") in result.output


def test_validate__reports_every_problem_in_one_run(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / NEW, project(stage="stage: closing", amount="amount: 三百万", customer="customer: C-9999"))
    write(repo / "projects/east/P-2026-003.yaml", "id: [P-2026-003\n")
    result = holp("validate")
    assert result.exit_code == 1
    codes = [line.split("error[")[1].split("]")[0] for line in result.output.splitlines() if "error[" in line]
    assert sorted(codes) == ["bad-amount", "unknown-customer", "unknown-stage", "yaml-syntax"]
    assert result.output.splitlines()[-1] == "6 files checked: 4 errors."


def test_validate__alias_bomb_is_refused_not_expanded(repo: Path, holp: Callable[..., Result]) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 10)]
    write(repo / NEW, project() + "x_bomb:\n" + "\n".join("  " + line for line in lines) + "\n")
    result = holp("validate")
    assert result.exit_code == 1
    assert f"{NEW}:34:12: error[yaml-alias]: alias *a0 is not allowed: write the value out (81 aliases in this file)" in result.output


def test_validate__broken_holp_yaml(repo: Path, holp: Callable[..., Result]) -> None:
    config = repo / "holp.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("won_from: implementation", "won_from: [implem"),
                      encoding="utf-8")
    before = snapshot(repo)
    result = holp("validate")
    assert result.exit_code == 1
    assert "holp.yaml:13:11:" in result.output and "error[yaml-syntax]" in result.output
    assert result.output.splitlines()[-1] == "holp: holp.yaml cannot be read"
    assert snapshot(repo) == before


def test_validate__holp_yaml_with_unknown_won_from(repo: Path, holp: Callable[..., Result]) -> None:
    config = repo / "holp.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("won_from: implementation", "won_from: signed"),
                      encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 1
    assert ("holp.yaml:13:11: error[unknown-stage]: won_from names stage 'signed', which is not defined"
            in result.output)


UNUSUAL = [
    ("bom", b"\xef\xbb\xbf" + project().encode()),
    ("crlf", project().replace("\n", "\r\n").encode()),
    ("bom and crlf", b"\xef\xbb\xbf" + project().replace("\n", "\r\n").encode()),
    ("no final newline", project().rstrip("\n").encode()),
    ("comments on every line", "\n".join(
        line + "  # 注释" if line.strip() and not line.startswith("#") else line
        for line in project().splitlines()).encode()),
    ("flow style", (
        '{id: P-2026-002, name: "2号高炉余热发电改造", customer: C-0001, owner: zhang.wei, '
        "business_line: waste-heat, amount: 3200000.50, expected_close: 2027-03-31, stage: prospecting, "
        "checklist: {prospecting: {process_assessed: 2026-08-01}}, visits: [{date: 2026-10-12, by: zhang.wei}]}\n"
    ).encode()),
]


@pytest.mark.parametrize(("name", "content"), UNUSUAL, ids=[u[0] for u in UNUSUAL])
def test_validate__unusual_but_valid_files_pass(repo: Path, holp: Callable[..., Result], name: str,
                                                content: bytes) -> None:
    write(repo / NEW, content)
    result = holp("validate")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "5 files checked, no problems."


def test_validate__huge_amount_is_refused_and_nothing_crashes(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / NEW, project(amount="amount: 1e26"))
    result = holp("validate")
    assert f"{NEW}:7:9: error[bad-amount]: amount is 1E+26: more than 1,000,000,000,000,000 is surely a typo" in result.output
    assert holp("list").exit_code == 0
    assert holp("show", "P-2026-002").exit_code == 0


def test_validate__links_and_special_files(repo: Path, holp: Callable[..., Result]) -> None:
    import os

    (repo / "projects/east/P-dangling.yaml").symlink_to("/nonexistent/P.yaml")
    os.mkfifo(repo / "projects/east/P-fifo.yaml")
    result = holp("validate")
    assert result.exit_code == 1
    assert ("projects/east/P-dangling.yaml:1:1: error[symlink]: a symbolic link: holp never follows links; "
            "put the file itself here") in result.output
    assert "projects/east/P-fifo.yaml:1:1: error[not-a-file]: not a regular file: holp reads only files" in result.output


def test_validate__id_with_a_trailing_newline(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / NEW, project(id='id: "P-2026-002\\n"'))
    assert f"{NEW}:2:5: error[bad-id]" in holp("validate").output
    result = holp("new", "project", "--customer", "C-0001", "--name", "x", "--id", "P-9\n")
    assert result.exit_code == 2


def test_validate__a_path_that_does_not_exist(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("validate", "projects/eats")
    assert result.exit_code == 2
    assert result.output == "holp: projects/eats: no such file or folder (paths are relative to the current folder)\n"


def test_validate__a_broken_customer_is_reported_once(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "customers/east/C-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 华东某钢铁集团", "name: [华东"), encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 1
    assert [line.split(": ")[0] for line in result.output.splitlines()[:-1]] == ["customers/east/C-0001.yaml:3:7"]


# -- bounds before work: each refused input is one problem, found without reading, composing or computing much


def sparse_3gb(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        file.truncate(3 * 2**30)  # no block on disk: reading it is what the bound must avoid


def writes(text: str) -> Callable[[Path], None]:
    return lambda path: write(path, text).touch()


TOO_MANY_DIGITS = "holp reads numbers of up to 40 digits; write the number with fewer digits, or quote it if it is text"
BOUNDS = [
    # (name, make the file, the one problem validate prints for it)
    ("3 GB sparse file", sparse_3gb,
     f"{NEW}:1:1: error[too-large]: file is 3221225472 bytes; holp reads files up to 1048576 bytes"),
    ("30,000 levels of '- '", writes(project(competitors="competitors:\n  " + "- " * 30000 + "x")),
     f"{NEW}:25:1001: error[too-deep]: lists and mappings nest deeper than 500 levels here: holp files nest a few"),
    ("5,000-digit integer", writes(project(amount="amount: " + "9" * 5000)),
     f"{NEW}:7:9: error[bad-number]: amount has 5000 digits: {TOO_MANY_DIGITS}"),
    ("huge exponent", writes(project(amount="amount: 1e9999999999")),
     f"{NEW}:7:9: error[bad-number]: amount is 1e9999999999, out of range: holp reads numbers between 1e-40 and "
     "1e40 in size; write it out (e.g. 3200000), or quote it if it is text"),
    ("probability .nan", writes(project(amount="amount: 3200000\nprobability: .nan")),
     f"{NEW}:8:14: error[bad-number]: probability is .nan: write a finite number"),
]


@pytest.mark.parametrize(("name", "make", "problem"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_validate__bounds_refuse_before_work(repo: Path, holp: Callable[..., Result], name: str,
                                             make: Callable[[Path], None], problem: str) -> None:
    make(repo / NEW)
    result = holp("validate")
    assert result.exit_code == 1, result.output
    assert [line for line in result.output.splitlines() if line.startswith(NEW)] == [problem]
    for args in (("list",), ("report", "funnel", "--format", "json")):
        other = holp(*args)
        assert other.exit_code in (0, 1, 2), other.output
        assert "Traceback" not in other.output
    write(repo / NEW, project())
    fixed = holp("validate")
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output.splitlines()[-1] == "5 files checked, no problems."


def test_report__a_huge_labels_file_is_not_read(repo: Path, holp: Callable[..., Result]) -> None:
    sparse_3gb(repo / "templates/labels.yaml")
    result = holp("report", "funnel", "--format", "json")
    assert result.exit_code == 0, result.output


def test_validate__bounds_hold_in_holp_yaml_too(repo: Path, holp: Callable[..., Result]) -> None:
    config = repo / "holp.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("probability: 0.10", "probability: .inf", 1),
                      encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if "bad-number" in line] == [
        "holp.yaml:33:18: error[bad-number]: stages.0.probability is .inf: write a finite number"]
    assert holp("list").exit_code == 1


def test_validate__quoted_big_numbers_are_text(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / NEW, project(name='name: "1e999"', business_line="business_line: waste-heat\nnotes: '.nan'"))
    result = holp("validate")
    assert result.exit_code == 0, result.output


# -- the same bounds, in the reader itself


def test_read_document__asks_the_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "P.yaml"
    sparse_3gb(path)
    doc = repository.read_document(path)
    assert [(p.line, p.column, p.code, p.message) for p in doc.problems] == [
        (1, 1, "too-large", "file is 3221225472 bytes; holp reads files up to 1048576 bytes")]
    assert doc.text == "" and doc.tree is None


def test_cat_file__passes_over_a_blob_over_the_limit(git_repo: Path) -> None:
    write(git_repo / "big.yaml", "x: " + "a" * 5000 + "\n")
    git(git_repo, "add", "big.yaml")
    big = git(git_repo, "hash-object", "big.yaml").strip()
    small = git(git_repo, "rev-parse", "HEAD:team.yaml").strip()
    found = holp_git.CatFile(git_repo).read([big, small], limit=1000)
    assert isinstance(found[big], holp_git.Unread) and found[big] == b"" and found[big].size == 5004
    assert found[small] == (git_repo / "team.yaml").read_bytes()  # the stream stays in step after the skip
    doc = yaml.read("big.yaml", found[big])
    assert [(p.line, p.column, p.code, p.message) for p in doc.problems] == [
        (1, 1, "too-large", "file is 5004 bytes; holp reads files up to 1000 bytes")]
    assert holp_git.CatFile(git_repo).read([big])[big] == (git_repo / "big.yaml").read_bytes()  # no limit: all of it


def test_report__a_committed_file_over_the_limit_is_left_out(git_repo: Path, holp: Callable[..., Result],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    limit = (git_repo / "holp.yaml").stat().st_size + 100  # over holp.yaml's size, under this file's
    size = write(git_repo / NEW, project() + "# " + "x" * (limit + 2000) + "\n").stat().st_size
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "a big file")
    monkeypatch.setattr(yaml, "MAX_BYTES", limit)
    for args in (("report", "funnel", "--format", "json", "--no-cache"), ("report", "stalled", "--no-cache")):
        result = holp(*args)
        assert result.exit_code == 1, result.output  # the figures leave a file out: said, and the check fails
        assert (f"holp: warning: {NEW}:1:1: error[too-large]: file is {size} bytes; holp reads files up to {limit} "
                "bytes (left out of every total)") in result.stderr
    assert f"{NEW}:1:1: error[too-large]: file is {size} bytes; holp reads files up to {limit} bytes" in holp(
        "validate").output


DEEP = [
    # (shape, text, (line, column) of the level too many)
    ("'- ' on one line", "- " * 30000 + "x", (1, 1001)),
    ("'? ' on one line", "? " * 30000 + "x", (1, 1001)),
    ("'-' indented by one space a line", "".join(" " * i + "-\n" for i in range(1400)), (501, 501)),
    ("mappings indented by one space a line", "".join(" " * i + "k:\n" for i in range(1400)), (501, 501)),
    ("lists of mappings", "".join("  " * i + "- k:\n" for i in range(700)), (251, 501)),
    ("lists at their key's indentation", "".join(" " * i + "k:\n" + " " * i + "-\n" for i in range(700)), (501, 251)),
    ("block, then flow", "- " * 400 + "[" * 400 + "]" * 400, (1, 901)),
    ("mappings, then flow", "".join(" " * i + "k:\n" for i in range(300)) + " " * 300 + "[" * 300 + "]" * 300,
     (301, 501)),
]


@pytest.mark.parametrize(("shape", "text", "where"), DEEP, ids=[d[0] for d in DEEP])
def test_read__nesting_is_bounded_before_composing(shape: str, text: str, where: tuple[int, int]) -> None:
    doc = yaml.read("f.yaml", text.encode())
    assert [(p.line, p.column, p.code) for p in doc.problems] == [(*where, "too-deep")]
    assert doc.tree is None


def test_read__deep_but_within_the_bound_is_one_problem() -> None:
    doc = yaml.read("f.yaml", "".join("  " * i + "- - - - -\n" for i in range(100)).encode())
    assert [p.code for p in doc.problems] == ["too-deep"]


NUMBERS = [
    # (written, the problem's message after "amount ")
    ("9" * 5000, "has 5000 digits: " + TOO_MANY_DIGITS),
    ("-" + "9" * 41, "has 41 digits: " + TOO_MANY_DIGITS),
    ("1." + "0" * 40, "has 41 digits: " + TOO_MANY_DIGITS),
    ("!!int " + "9" * 50, "has 50 digits: " + TOO_MANY_DIGITS),
    ("1e9999999999", "is 1e9999999999, out of range: holp reads numbers between 1e-40 and 1e40 in size; "
     "write it out (e.g. 3200000), or quote it if it is text"),
    ("1e" + "9" * 5000, "is 1e999999999999999999…9999999999, out of range: holp reads numbers between 1e-40 and "
     "1e40 in size; write it out (e.g. 3200000), or quote it if it is text"),
    ("1e41", "is 1e41, out of range: holp reads numbers between 1e-40 and 1e40 in size; "
     "write it out (e.g. 3200000), or quote it if it is text"),
    ("0x" + "f" * 34, "is 0x" + "f" * 34 + ", out of range: holp reads numbers between 1e-40 and "
     "1e40 in size; write it out (e.g. 3200000), or quote it if it is text"),
    (".nan", "is .nan: write a finite number"),
    ("-.Inf", "is -.Inf: write a finite number"),
    ("!!float .inf", "is .inf: write a finite number"),
]


@pytest.mark.parametrize(("written", "message"), NUMBERS, ids=[n[0][:20] for n in NUMBERS])
def test_read__numbers_are_bounded_before_conversion(written: str, message: str) -> None:
    doc = yaml.read("f.yaml", f"id: P-1\namount: {written}\n".encode())
    assert [(p.line, p.column, p.code, p.message) for p in doc.problems] == [(2, 9, "bad-number", f"amount {message}")]
    assert doc.tree == {"id": "P-1", "amount": None}
    assert yaml.resolve_plain(written) is None or written.startswith("!!")


@pytest.mark.parametrize(("written", "value"), [
    ('"1e999"', "1e999"), ("'.nan'", ".nan"), ("!!str " + "9" * 5000, "9" * 5000), ("9" * 40, int("9" * 40)),
    ("1e26", Decimal("1E+26")), ("0" * 5000 + "1", 1), ("3200000.50", Decimal("3200000.50")), ("1e-40", Decimal("1E-40")),
])
def test_read__numbers_within_bounds_and_quoted_text_read_as_before(written: str, value: object) -> None:
    assert yaml.read("f.yaml", f"amount: {written}\n".encode()).tree == {"amount": value}
