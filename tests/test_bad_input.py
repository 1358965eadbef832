"""Every kind of bad input: exit 1, the file and line named, no traceback, no byte changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, snapshot, write

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
