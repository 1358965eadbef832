"""What an adversarial review of "One model…" found: each trick a pull request could play, now caught.

Every test makes a branch on a repository whose main has two projects, P-1 at negotiation (its gate unmet,
so moving it to implementation is illegal) and P-2 lost, and asserts what `holp review main` says.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable

from click.testing import Result

from conftest import CUSTOMER, TEAM, Script, project
from holp.resources import template

START = "2026-01-05T09:00:00+08:00"
P1 = "projects/east/P-1.yaml"
WON = "implementation"


def _main(script: Script) -> None:
    script.commit("li.na", START, "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
        "customers/east/C-0001.yaml": CUSTOMER, P1: project("P-1", "negotiation"),
        "projects/east/P-2.yaml": project("P-2", "lost") + "lost: {reason: price}\n"})
    script.git("switch", "-q", "-c", "feature")


def _review(holp: Callable[..., Result]) -> tuple[int, dict[str, object]]:
    result = holp("review", "main", "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def _illegal(review: dict[str, object]) -> list[tuple[str, str | None, str | None]]:
    return [(m["project"], m["from"], m["to"]) for m in review["moves"] if not m["legal"]]  # type: ignore[attr-defined, index]


def test_a_copy_with_the_same_id_in_the_same_commit_hides_no_move(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "c1", {
        P1: project("P-1", WON), "projects/east/P-1b.yaml": project("P-1", "negotiation")})
    script.commit("zhang.wei", "2026-02-01T11:00:00+08:00", "c2", {"projects/east/P-1b.yaml": None})
    code, review = _review(holp)
    assert code == 1
    assert _illegal(review) == [("P-1", "negotiation", WON)]


def test_a_merge_that_keeps_an_older_version_undoes_no_move_unseen(script: Script,
                                                                  holp: Callable[..., Result]) -> None:
    _main(script)
    script.git("switch", "-q", "main")
    script.commit("li.na", "2026-02-01T10:00:00+08:00", "back to proposal\n\nHolp-Reason: 方案要重做",
                  {P1: project("P-1", "proposal")})
    script.git("switch", "-q", "feature")
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "amount", {"projects/east/P-2.yaml": project(
        "P-2", "lost", amount="7") + "lost: {reason: price}\n"})
    script.git("merge", "-q", "-s", "ours", "main", "-m", "merge main, keeping ours")
    code, review = _review(holp)
    assert code == 1
    moves = [m for m in review["moves"] if m["project"] == "P-1"]  # type: ignore[attr-defined]
    assert [(m["from"], m["to"], m["legal"]) for m in moves] == [("proposal", "negotiation", False)]
    assert moves[0]["flags"][0].startswith("the net change since the merge base")


def test_a_lost_deal_deleted_and_added_again_is_a_reopening(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "gone", {"projects/east/P-2.yaml": None})
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "back", {"projects/east/P-2.yaml": project("P-2", "prospecting")})
    code, review = _review(holp)
    assert code == 1
    assert _illegal(review) == [("P-2", "lost", "prospecting")]


def test_a_chinese_file_name_is_reviewed_like_any_other(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "新项目", {"projects/east/新项目.yaml": "id: P-3\nstage: [\n"})
    code, review = _review(holp)
    assert code == 1
    assert [(p["path"], p["code"]) for p in review["problems"] if "commit" not in p] == [  # type: ignore[attr-defined]
        ("projects/east/新项目.yaml", "yaml-syntax")]


def test_a_submodule_or_a_nested_clone_is_a_problem_everywhere(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    inner = script.root.parent / "inner"
    inner.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=inner, check=True)
    (inner / "P-1.yaml").write_text(project("P-1", WON), encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=inner, check=True)
    subprocess.run(["git", "commit", "-qm", "s"], cwd=inner, check=True)
    script.git("rm", "-q", P1)
    script.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "projects/east/vendor")
    script.git("commit", "-qm", "vendor")
    code, review = _review(holp)
    assert code == 1
    assert ("projects/east/vendor", "nested-repository") in [(p["path"], p["code"]) for p in review["problems"]]  # type: ignore[attr-defined]
    said = "projects/east/vendor:1:1: error[nested-repository]: another git repository (a submodule or a clone) " \
           "inside the records: holp reads none of its files"
    assert said in holp("validate").output
    for args in (("list",), ("report", "funnel", "--format", "json")):
        assert f"holp: warning: {said}" in holp(*args).stderr
    assert holp("show", "P-1").exit_code == 2  # the deal inside the submodule is no record here


def test_files_git_does_not_track_are_read_by_reports_as_by_validate(script: Script,
                                                                    holp: Callable[..., Result]) -> None:
    _main(script)
    (script.root / ".gitignore").write_text("projects/east/P-9.yaml\n", encoding="utf-8")
    (script.root / "projects/east/P-9.yaml").write_text(project("P-9", "prospecting"), encoding="utf-8")
    listed = json.loads(holp("list", "--format", "json").stdout)
    assert [p["id"] for p in listed] == ["P-1", "P-2", "P-9"]
    os.mkfifo(script.root / "projects/east/P-fifo.yaml")
    report = holp("report", "funnel", "--format", "json")
    assert report.exit_code == 1
    assert "projects/east/P-fifo.yaml:1:1: error[not-a-file]" in report.stderr


def test_an_upper_case_suffix_is_said_not_skipped(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.git("mv", P1, "projects/east/P-1.YAML")
    script.git("commit", "-qm", "rename")
    result = holp("validate")
    assert result.exit_code == 1
    assert ("projects/east/P-1.YAML:1:1: error[record-suffix]: named P-1.YAML: holp reads files ending in .yaml or "
            ".yml, in lower case; rename it") in result.output
    assert holp("report", "funnel", "--format", "json").exit_code == 1


def test_a_team_file_that_cannot_be_read_is_said_by_reports(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    (script.root / "team.yaml").unlink()
    (script.root / "team.yaml").symlink_to("/etc/hostname")
    report = holp("report", "reps")
    assert report.exit_code == 1
    assert "team.yaml:1:1: error[not-a-file]: not a regular file: holp reads only files" in report.stderr


def test_a_value_validate_refuses_is_said_by_reports_never_summed(script: Script,
                                                                  holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "odd amounts", {
        P1: project("P-1", "negotiation", amount='"12800000"'),
        "projects/east/P-3.yaml": project("P-3", "entry", amount="1e35")})
    for kind in ("funnel", "forecast", "conversion"):
        report = holp("report", kind, "--format", "json")
        assert report.exit_code == 1, report.output  # said and failed, never a crash (exit 3)
        assert ("holp: warning: projects/east/P-1.yaml:5:9: error[bad-value]: amount is not written as holp reads "
                "it: the figures take it as missing (holp validate says what to write)") in report.stderr
        assert "projects/east/P-3.yaml:5:9: error[bad-value]" in report.stderr
    funnel = json.loads(holp("report", "funnel", "--format", "json").stdout)
    assert funnel["open"]["amount"] == "0.00"


def test_a_probability_out_of_range_in_the_process_reads_as_none(script: Script,
                                                                 holp: Callable[..., Result]) -> None:
    _main(script)
    config = template("init", "holp.yaml").read_text(encoding="utf-8").replace("probability: 0.25", "probability: 1e39", 1)
    script.commit("li.na", "2026-02-01T10:00:00+08:00", "odd process", {"holp.yaml": config})
    assert "holp.yaml" in holp("validate").output
    assert holp("report", "conversion", "--format", "json").exit_code == 0


def test_evidence_ticked_for_a_move_and_taken_away_later_makes_the_move_illegal(script: Script,
                                                                                holp: Callable[..., Result]) -> None:
    _main(script)
    ticked = project("P-1", WON) + "checklist:\n  negotiation: {contract_approved: 2026-01-01, contract_signed: 2026-01-02}\n"
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "signed and moved", {P1: ticked})
    code, review = _review(holp)
    assert code == 0, review  # the gate met: a legal move
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "cleanup", {P1: project("P-1", WON)})
    code, review = _review(holp)
    assert code == 1
    assert [m["problems"] for m in review["moves"]] == [  # type: ignore[attr-defined]
        ["left negotiation with its gate met, but at HEAD it is unmet: contract_approved, contract_signed"]]


def test_a_copy_added_and_moved_in_two_commits_fails_the_review(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "c1", {"projects/east/A.yaml": project("P-1", "negotiation")})
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "c2", {"projects/east/A.yaml": project("P-1", WON)})
    code, review = _review(holp)
    assert code == 1
    assert ("projects/east/A.yaml", "duplicate-id") in [(p["path"], p["code"]) for p in review["problems"]]  # type: ignore[attr-defined]
