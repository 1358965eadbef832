"""The README is run, not just read: its walkthroughs run in a fresh home, line by line, in one shell.

A walkthrough is the ```sh blocks of a README section. Each line that is not a comment is a command, run in
one bash (so `cd` carries over) with HOLP_TODAY fixed; it must exit 0, or the N of a trailing `# exit N`.
The `#   ` lines under a command are lines its output must hold (the ids the README names are the ones the
walkthrough makes); under `$EDITOR FILE` they are what the rep types: a fake editor adds them to the file,
under the top-level keys they name, as a rep would. `git@github.com:YOUR-ORG/` is a bare repository here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import git

README = Path(__file__).parent.parent / "README.md"
WALKTHROUGHS = ["A team's first week", "A rep's day"]  # in this order: the second goes on in the first's repository

FAKE_EDITOR = textwrap.dedent('''\
    """A rep at an editor: adds the lines of $HOLP_EDIT under the top-level keys they name, or at the end."""
    import os, re, sys
    path = sys.argv[1]
    lines = open(path, encoding="utf-8").read().splitlines()
    blocks = []
    for line in open(os.environ["HOLP_EDIT"], encoding="utf-8").read().splitlines():
        if line and not line.startswith(" "):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    for key_line, *body in blocks:
        key = key_line.split(":", 1)[0]
        at = next((i for i, l in enumerate(lines) if re.match(re.escape(key) + r":\\s*(#.*)?$", l)), None)
        if at is None:
            lines += [key_line, *body]
            continue
        end = at + 1
        while end < len(lines) and (lines[end].startswith((" ", "-")) or not lines[end].strip()):
            end += 1
        lines[end:end] = body
    open(path, "w", encoding="utf-8").write("\\n".join(lines) + "\\n")
''')


@dataclass
class Step:
    command: str
    line: int  # in README.md
    exit: int = 0
    shown: list[str] = field(default_factory=list)  # lines of its output (or, for $EDITOR, what is typed)


def section(title: str) -> tuple[list[str], int]:
    """The lines of the ```sh blocks of a README section, and the README line of the section."""
    text = README.read_text(encoding="utf-8").splitlines()
    start = text.index(f"## {title}")
    end = next((i for i in range(start + 1, len(text)) if text[i].startswith("## ")), len(text))
    found, inside = [], False
    for number in range(start, end):
        line = text[number]
        if line.strip() in ("```sh", "```"):
            inside = line.strip() == "```sh"
            continue
        if inside:
            found.append((number + 1, line))
    return [f"{n}\t{line}" for n, line in found], start + 1


def steps(title: str) -> list[Step]:
    lines, _ = section(title)
    found: list[Step] = []
    for numbered in lines:
        number, line = numbered.split("\t", 1)
        if line.startswith("#   "):
            found[-1].shown.append(line[4:])
        elif line.strip() and not line.lstrip().startswith("#"):
            command, _, comment = line.partition("  #")
            expected = re.search(r"exit (\d+)", comment)
            found.append(Step(command.strip(), int(number), int(expected.group(1)) if expected else 0))
    return found


def test_the_quick_start_is_the_two_commands() -> None:
    lines, _ = section("Quick start")
    assert [line.split("\t", 1)[1].split("#")[0].strip() for line in lines] == ["make demo", "make test"]


def test_every_walkthrough_has_steps_and_names_the_ids_it_makes() -> None:
    for title in WALKTHROUGHS:
        assert len(steps(title)) >= 5, title
    named = [shown for step in steps("A rep's day") if step.command.startswith("holp new") for shown in step.shown]
    assert named == ["customers/east/C-0001.yaml", "projects/east/P-2026-001.yaml"]


def _script(all_steps: list[Step], out: Path, edits: Path) -> str:
    lines = ["cd \"$HOME\""]
    for i, step in enumerate(all_steps):
        if step.command.startswith("$EDITOR"):
            (edits / f"{i}.yaml").write_text("".join(f"{s}\n" for s in step.shown), encoding="utf-8")
            lines.append(f"export HOLP_EDIT='{edits}/{i}.yaml'")
        lines.append(f"{{ {step.command}\n}} > '{out}/{i}' 2>&1; echo $? > '{out}/{i}.rc'")
        lines.append(f"[ \"$(cat '{out}/{i}.rc')\" = {step.exit} ] || exit 1")
    return "\n".join(lines) + "\n"


def test_the_walkthroughs_run_as_written(tmp_path: Path) -> None:
    home = Path(os.environ["HOME"])
    remotes = tmp_path / "remotes"
    git(tmp_path, "init", "-q", "--bare", str(remotes / "sales.git"))
    git(tmp_path, "config", "--global", f"url.{remotes.as_uri()}/.insteadOf", "git@github.com:YOUR-ORG/")
    editor = tmp_path / "editor.py"
    editor.write_text(FAKE_EDITOR, encoding="utf-8")
    out, edits = tmp_path / "out", tmp_path / "edits"
    out.mkdir()
    edits.mkdir()
    all_steps = [step for title in WALKTHROUGHS for step in steps(title)]
    env = {**os.environ, "EDITOR": f"{sys.executable} {editor}",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(["bash", "-c", _script(all_steps, out, edits)], cwd=home, env=env, capture_output=True,
                         text=True, check=False)
    for i, step in enumerate(all_steps):
        said = (out / str(i)).read_text(encoding="utf-8") if (out / str(i)).exists() else ""
        code = (out / f"{i}.rc").read_text().strip() if (out / f"{i}.rc").exists() else "not run"
        print(f"$ {step.command}   (README.md:{step.line}, exit {code})\n{said}")
        if code != str(step.exit):
            pytest.fail(f"README.md:{step.line}: `{step.command}` exited {code}, the README says {step.exit}:\n"
                        f"{said}{run.stderr}", pytrace=False)
        if not step.command.startswith("$EDITOR"):
            missing = [shown for shown in step.shown if shown.strip() not in said]
            assert missing == [], f"README.md:{step.line}: `{step.command}` did not print {missing}:\n{said}"
    assert run.returncode == 0, run.stderr
    sales = home / "sales"
    assert git(sales, "status", "--porcelain", "-uall") == ""
    assert git(sales, "rev-parse", "HEAD") == git(remotes / "sales.git", "rev-parse", "zhang.wei/yongfeng")
