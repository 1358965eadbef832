"""End-to-end checks of the command line: exact output, exit codes, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import Result
from wcwidth import wcswidth, wcwidth

from conftest import snapshot, write
from holp.cli import main

ROOT = Path(__file__).resolve().parent.parent


def all_commands() -> list[tuple[str, click.Command]]:
    found = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    walk("", main)
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=[n or "holp" for n, _ in all_commands()])
def test_every_command_has_help_with_an_example(name: str, command: click.Command,
                                                holp: Callable[..., Result]) -> None:
    result = holp(*name.split(), "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"holp {name}".strip() in result.output.split("Example:")[1]


@pytest.mark.parametrize("name", [n for n, _ in all_commands() if n and " " not in n])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"holp {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_version(holp: Callable[..., Result]) -> None:
    from holp import __version__

    assert holp("--version").output == f"holp, version {__version__}\n"


def test_python_dash_m_runs_holp() -> None:
    result = subprocess.run([sys.executable, "-m", "holp", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("holp, version")


def test_no_repository_is_exit_2_with_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             holp: Callable[..., Result]) -> None:
    monkeypatch.chdir(tmp_path)
    result = holp("validate")
    assert result.exit_code == 2
    assert result.output == (f"holp: no holp.yaml found in {tmp_path.resolve()} or any folder above it: run "
                             "`holp init` to make a sales repository, or pass -C PATH\n")


def test_dash_C_points_at_the_repository(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         holp: Callable[..., Result]) -> None:
    monkeypatch.chdir(tmp_path)
    result = holp("-C", "sales", "validate")
    assert result.exit_code == 0, result.output
    assert result.output == "4 files checked, no problems.\n"


def test_repository_is_found_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                              holp: Callable[..., Result]) -> None:
    monkeypatch.chdir(repo / "projects" / "east")
    result = holp("list", "--format", "json")
    assert [p["id"] for p in json.loads(result.output)] == ["P-2026-001"]


def test_bad_option_is_exit_2(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_internal_error_is_exit_3_without_traceback(repo: Path, holp: Callable[..., Result],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import holp.commands.validate as command

    def broken(*args: object) -> int:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(command, "run", broken)
    result = holp("validate")
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "holp: internal error: ZeroDivisionError: boom" in result.output
    assert "rerun with --debug" in result.output


@pytest.mark.parametrize("args", [["list"], ["--debug", "list"], ["list", "--debug"]],
                         ids=["without", "before-the-command", "after-the-command"])
def test_debug__raises_the_internal_error_before_or_after_the_command(args: list[str], repo: Path,
                                                                      holp: Callable[..., Result],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import holp.commands.listing as command

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "run", broken)
    if "--debug" not in args:
        result = holp(*args)
        assert result.exit_code == 3
        assert result.output == ("holp: internal error: RuntimeError: boom\n"
                                 "holp: this is a bug; rerun with --debug for the traceback and report it\n")
        return
    with pytest.raises(RuntimeError, match=r"^boom$"):
        holp(*args)


def test_debug__prints_the_traceback_in_a_real_run(repo: Path) -> None:
    broken = "import holp.commands.listing as c, holp.cli as cli\n"
    broken += "def run(*a, **k): raise RuntimeError('boom')\n"
    broken += "c.run = run\ncli.main()\n"
    for args in (["--debug", "list"], ["list", "--debug"]):
        result = subprocess.run([sys.executable, "-c", broken, *args], cwd=repo, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("Traceback (most recent call last):")
        assert result.stderr.endswith("RuntimeError: boom\n")
        assert "rerun with --debug" not in result.stderr


# -- validate output formats ---------------------------------------------------------------


def test_validate__json_and_github_formats(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 三百万"), encoding="utf-8")
    data = json.loads(holp("validate", "--format", "json").output)
    assert data["errors"] == 1 and data["files"] == 4
    assert data["problems"][0] == {
        "path": "projects/east/P-2026-001.yaml", "line": 7, "column": 9, "severity": "error", "code": "bad-amount",
        "message": "amount is '三百万': an amount is a plain number, like 3200000 or 1250000.50",
    }
    github = holp("validate", "--format", "github")
    assert github.exit_code == 1
    assert github.output.splitlines()[0] == (
        "::error file=projects/east/P-2026-001.yaml,line=7,col=9,title=holp bad-amount::"
        "amount is '三百万': an amount is a plain number, like 3200000 or 1250000.50")


def test_validate__warnings_pass_unless_strict(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2027-03-31", "2026-10-31"), encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 0
    assert result.output == (
        "projects/east/P-2026-001.yaml:8:17: warning[close-date-past]: expected close 2026-10-31 has passed and "
        "the project is still open: update the date or close the project\n"
        "4 files checked: 1 warning.\n")
    strict = holp("validate", "--strict")
    assert strict.exit_code == 1
    assert "error[close-date-past]" in strict.output


def test_validate__past_stage_with_unmet_gate_warns(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    process_assessed: 2026-08-01\n", ""),
                    encoding="utf-8")
    result = holp("validate")
    assert result.exit_code == 0
    assert ("projects/east/P-2026-001.yaml:9:8: warning[gate-unmet]: the project is past prospecting, whose gate "
            "was never met (missing: process_assessed)") in result.output


def test_validate__paths_limit_what_is_shown(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "customers/east/C-0002.yaml", "id: C-0002\nname: x\nregion: east\nowner: nobody\n")
    assert holp("validate", "projects").exit_code == 0
    result = holp("validate", "customers/east/C-0002.yaml")
    assert result.exit_code == 1
    assert "customers/east/C-0002.yaml:4:8: error[unknown-rep]: rep 'nobody' does not exist" in result.output


# -- init ----------------------------------------------------------------------------------


def test_init__scaffolds_a_valid_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            holp: Callable[..., Result]) -> None:
    target = tmp_path / "sales"
    result = holp("init", str(target), "--lang", "en")
    assert result.exit_code == 0, result.output
    for name in ("holp.yaml", "team.yaml", ".github/workflows/holp.yml",
                 ".pre-commit-config.yaml", ".vscode/settings.json", ".holp/schema/project.schema.json",
                 ".holp/schema/customer.schema.json", ".holp/schema/team.schema.json",
                 ".holp/schema/config.schema.json", ".editorconfig"):
        assert (target / name).is_file(), name
    assert (target / ".git").is_dir()
    assert "\nlanguage: en " in (target / "holp.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(target)
    assert holp("validate").exit_code == 0
    for kind in ("project", "customer", "team", "config"):
        assert (target / f".holp/schema/{kind}.schema.json").read_text(encoding="utf-8") == holp("schema", kind).output
    workflow = (target / ".github/workflows/holp.yml").read_text(encoding="utf-8")
    assert "pull_request:" in workflow and "contents: read" in workflow and "holp validate" in workflow
    settings = json.loads((target / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"][".holp/schema/project.schema.json"] == ["projects/**/*.yaml", "projects/**/*.yml"]


def test_init__refuses_to_overwrite_anything(tmp_path: Path, holp: Callable[..., Result]) -> None:
    target = tmp_path / "sales"
    write(target / "team.yaml", "# our real team\n")
    before = snapshot(target)
    result = holp("init", str(target))
    assert result.exit_code == 2
    assert result.output == f"holp: {target} already has team.yaml; holp init never overwrites a file\n"
    assert snapshot(target) == before


def test_init__inside_an_existing_git_repository_does_not_init_again(tmp_path: Path,
                                                                      holp: Callable[..., Result]) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = holp("init", str(tmp_path / "sales"))
    assert result.exit_code == 0
    assert not (tmp_path / "sales" / ".git").exists()


# -- new -----------------------------------------------------------------------------------


def test_new_customer__next_id_in_region_folder(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("new", "customer", "--name", "江苏永丰水泥有限公司", "--region", "north", "--owner", "li.na",
                  "--industry", "cement")
    assert result.exit_code == 0, result.output
    assert result.output == "customers/north/C-0002.yaml\n"
    text = (repo / "customers/north/C-0002.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../.holp/schema/customer.schema.json\n"
                           "id: C-0002\nname: 江苏永丰水泥有限公司\nindustry: cement\nregion: north\nowner: li.na\n")
    assert holp("validate").exit_code == 0


def test_new_project__writes_a_valid_file_and_counts_up(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("new", "project", "--customer", "C-0001", "--name", "空压站变频节能改造: 一期", "--line",
                  "motor-drive", "--amount", "1250000.50", "--close", "2027-06-30")
    assert result.exit_code == 0, result.output
    assert result.output == "projects/east/P-2026-002.yaml\n"
    text = (repo / "projects/east/P-2026-002.yaml").read_text(encoding="utf-8")
    assert 'name: "空压站变频节能改造: 一期"\n' in text
    assert "owner: zhang.wei\n" in text and "stage: prospecting\n" in text and "amount: 1250000.50 " in text
    assert holp("new", "project", "--customer", "C-0001", "--name", "二期").output == "projects/east/P-2026-003.yaml\n"
    assert holp("validate").exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--customer", "C-0404", "--name", "x"], "holp: no customer with id C-0404 (did you mean C-0001?)\n"),
    (["--customer", "C-0001", "--name", "x", "--amount", "三百万"], "holp: --amount 三百万: not a number\n"),
    (["--customer", "C-0001", "--name", "x", "--close", "2027-02-30"],
     "holp: --close 2027-02-30: not a real date written YYYY-MM-DD\n"),
    (["--customer", "C-0001", "--name", "x", "--stage", "won"],
     "holp: --stage won: no such stage in holp.yaml (known: bidding, collection, entry, evaluation, implementation, "
     "negotiation, proposal, prospecting, service)\n"),
    (["--customer", "C-0001", "--name", "x", "--id", "P-2026-001"], "holp: --id P-2026-001 is already used\n"),
])
def test_new_project__refuses_bad_options_and_writes_nothing(repo: Path, holp: Callable[..., Result],
                                                             args: list[str], message: str) -> None:
    before = snapshot(repo)
    result = holp("new", "project", *args)
    assert result.exit_code == 2
    assert result.output == message
    assert snapshot(repo) == before


# -- list, show, check ---------------------------------------------------------------------


def display_starts(line: str) -> list[int]:
    """Display columns where a cell's text begins (after a space or at the start)."""
    column, starts, previous = 0, [], " "
    for ch in line:
        if ch != " " and previous == " ":
            starts.append(column)
        column += wcwidth(ch)
        previous = ch
    return starts


def _second_project(repo: Path) -> None:
    write(repo / "customers/north/C-0002.yaml", "id: C-0002\nname: 北方水泥\nregion: north\nowner: li.na\n")
    write(repo / "projects/north/P-2026-002.yaml",
          "id: P-2026-002\nname: 水泥窑余热发电\ncustomer: C-0002\nowner: li.na\nbusiness_line: waste-heat\n"
          "amount: 15000000\nstage: prospecting\n")


def test_list__filters_and_aligns_chinese_columns(repo: Path, holp: Callable[..., Result]) -> None:
    _second_project(repo)
    result = holp("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:-1]
    assert lines[-1] == "2 projects, 18,200,000.00 CNY"
    # every left-aligned column starts at the same display column on every line (Chinese is two wide)
    starts = display_starts(rule)
    for line in [header, *rows]:
        found = display_starts(line)
        for i, start in enumerate(starts):
            if i != 7 and wcswidth(line) > start:  # amount is right-aligned; empty cells end the line
                assert start in found, (line, start)
    assert "销售进入阶段" in rows[0] and "开发阶段" in rows[1]
    only = holp("list", "--region", "north", "--format", "json")
    assert [p["id"] for p in json.loads(only.output)] == ["P-2026-002"]
    assert json.loads(holp("list", "--stage", "entry", "--format", "json").output)[0]["weighted"] == "800000.00"
    assert holp("list", "--owner", "li.na", "--stage", "won").output == "no projects match\n"
    assert holp("list", "--owner", "nobody").output == "holp: unknown owner nobody; use one of: li.na, zhang.wei\n"
    assert holp("list", "--stage", "open", "--line", "waste-heat", "--format", "csv").output.count("\n") == 3


def test_list__unknown_stage_is_a_usage_error(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("list", "--stage", "wonn")
    assert result.exit_code == 2
    assert result.output.startswith("holp: unknown stage wonn; use one of: ")


def test_show__project_with_customer_key_persons_and_gate(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("show", "P-2026-001")
    assert result.exit_code == 0
    out = result.output
    for expected in ("P-2026-001  2号高炉余热发电改造", "华东某钢铁集团 (C-0001)", "销售进入阶段", "3,200,000.00 CNY",
                     "800,000.00 CNY (25%)", "李明", "关键决策者", "老虎", "王强", "教练", "无尾熊",
                     "关键节点: 关键人和暗中支持者", "✓ 理清客户采购组织结构和角色分工  (2026-09-10)",
                     "✓ 确定关键决策者  (李明)", "✗ 与关键人建立良好关系 (key_person_relationship)", "✓ 找到暗中支持者(教练)  (王强)",
                     "最近拜访: 2026-10-12 李明 技术交流", "下一步: 提交初步方案"):
        assert expected in out, expected
    english = holp("show", "P-2026-001", "--lang", "en").output
    assert "Decision maker" in english and "Key node: Key persons and a hidden supporter" in english


def test_show__unknown_project_suggests_the_closest(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("show", "P-2026-01")
    assert result.exit_code == 2
    assert result.output == "holp: no project with id P-2026-01 (did you mean P-2026-001?)\n"


def test_check__not_ready_lists_missing_items_exit_1(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("check", "P-2026-001")
    assert result.exit_code == 1
    assert result.output == (
        "P-2026-001 2号高炉余热发电改造 — 销售进入阶段 → 提案阶段\n"
        "关键节点: 关键人和暗中支持者\n"
        "  ✓ 理清客户采购组织结构和角色分工  (2026-09-10)\n"
        "  ✓ 确定关键决策者  (李明)\n"
        "  ✗ 与关键人建立良好关系 (key_person_relationship)\n"
        "  ✓ 找到暗中支持者(教练)  (王强)\n"
        "  ✓ 销售机会评估为高或中级  (medium)\n"
        "not ready: 1 of 5 items missing to leave 销售进入阶段; `holp tick P-2026-001 ITEM` ticks one.\n")


def test_check__ready_exit_0_and_english(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    procurement_org_mapped: 2026-09-10\n",
        "    procurement_org_mapped: 2026-09-10\n    key_person_relationship: 多次拜访，关系良好\n"), encoding="utf-8")
    result = holp("check", "P-2026-001", "--lang", "en")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        "ready: every item of Entry is met; `holp advance P-2026-001` moves it on.")
    data = json.loads(holp("check", "P-2026-001", "--format", "json").output)
    assert data["ready"] is True and data["next"] == "proposal" and len(data["items"]) == 5


def test_check__evidence_disappears_when_the_coach_is_removed(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "customers/east/C-0001.yaml"
    path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if "王强" not in line),
                    encoding="utf-8")
    result = holp("check", "P-2026-001", "--lang", "en")
    assert "  ✗ A hidden supporter (coach) identified (coach_identified)  [evidence: customer.contacts[role=coach]]" in result.output


def test_schema__write_refreshes_the_editor_schemas(repo: Path, holp: Callable[..., Result]) -> None:
    config = repo / "holp.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("id: service\n", "id: after_sales\n"),
                      encoding="utf-8")
    result = holp("schema", "--write")
    assert result.exit_code == 0
    assert result.output.splitlines() == [f".holp/schema/{k}.schema.json" for k in ("project", "customer", "team",
                                                                                      "config")]
    project = json.loads((repo / ".holp/schema/project.schema.json").read_text(encoding="utf-8"))
    assert project["properties"]["stage"]["enum"][-2:] == ["after_sales", "lost"]
    assert (repo / ".holp/schema/project.schema.json").read_text(encoding="utf-8") == holp("schema", "project").output


def test_options_work_after_the_command_name(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             holp: Callable[..., Result]) -> None:
    monkeypatch.chdir(tmp_path)
    assert holp("validate", "-C", str(repo), "--no-cache").output == "4 files checked, no problems.\n"
    assert holp("list", "-C", str(repo), "--format", "json").exit_code == 0
