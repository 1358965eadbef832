"""One model, one reading, one file set: what validate checks is what history, review and reports read.

Each attack of the issue is a pull request that tries to move a deal to a won
stage while one path reads the files differently from another; each must be
one problem, with file and line, everywhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, TEAM, Script, project, write
from holp import fileset, reading, yaml
from holp.model import Contact, Customer, Payment, Project, customer_from, plain, project_from
from holp.model.evidence import Root, parse_evidence
from holp.model.views import deal_from_row, project_row, summary_from_row
from holp.problems import Problem
from holp.repo import default_process
from holp.resources import template

START = "2026-01-05T09:00:00+08:00"
LATER = "2026-02-01T10:00:00+08:00"


def _main(script: Script) -> None:
    script.commit("li.na", START, "start", {
        "holp.yaml": template("init", "holp.yaml").read_text(encoding="utf-8"), "team.yaml": TEAM,
        "customers/east/C-0001.yaml": CUSTOMER, "projects/east/P-1.yaml": project("P-1", "prospecting")})
    script.git("switch", "-q", "-c", "feature")


def _review(holp: Callable[..., Result]) -> tuple[int, dict[str, object]]:
    result = holp("review", "main", "--format", "json")
    return result.exit_code, json.loads(result.output)


def test_review__a_project_committed_as_a_link_is_a_problem_never_followed(script: Script,
                                                                          holp: Callable[..., Result]) -> None:
    _main(script)
    write(script.root / "elsewhere/P-2.yaml", project("P-2", "implementation"))
    os.symlink("../../elsewhere/P-2.yaml", script.root / "projects/east/P-2.yaml")
    script.commit("zhang.wei", LATER, "a won deal, by a link", {"elsewhere/P-2.yaml": project("P-2", "implementation")})
    script.git("add", "projects/east/P-2.yaml")
    script.git("commit", "-q", "-m", "link")
    code, review = _review(holp)
    assert code == 1
    assert review["moves"] == []
    assert [(p["path"], p["code"]) for p in review["problems"]] == [("projects/east/P-2.yaml", "symlink")]  # type: ignore[index]
    validate = holp("validate")
    assert "projects/east/P-2.yaml:1:1: error[symlink]: a symbolic link: holp never follows links" in validate.output
    report = holp("report", "funnel", "--format", "json")
    assert json.loads(report.stdout)["won"] == {"count": 0, "amount": "0.00"}
    assert "projects/east/P-2.yaml" in report.stderr
    history = holp("history", "--format", "json")
    assert [t["project"] for t in json.loads(history.stdout)] == ["P-1"]
    assert "projects/east/P-2.yaml:1:1: error[symlink]" in history.stderr


def test_review__a_hidden_copy_is_read_by_nobody(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "archive", {"projects/.archive/P-1.yaml": project("P-1", "implementation")})
    code, review = _review(holp)
    assert code == 1
    assert [(p["path"], p["code"]) for p in review["problems"]] == [  # type: ignore[index]
        ("projects/.archive/P-1.yaml", "hidden-record")]
    validate = holp("validate")
    assert validate.exit_code == 1
    assert ("projects/.archive/P-1.yaml:1:1: error[hidden-record]: in a hidden folder .archive/: holp does not read "
            "it as a record; move it out of there or delete it") in validate.output
    funnel = json.loads(holp("report", "funnel", "--format", "json").stdout)
    assert funnel["won"]["count"] == 0
    assert funnel["stages"][0]["count"] == 1
    listed = holp("list", "--format", "json")
    assert [p["id"] for p in json.loads(listed.stdout)] == ["P-1"]
    warning = ("holp: warning: projects/.archive/P-1.yaml:1:1: error[hidden-record]: in a hidden folder .archive/: "
               "holp does not read it as a record; move it out of there or delete it (left out of every total)\n")
    assert listed.stderr == warning
    exported = holp("export", "--format", "jsonl", "-o", str(script.root.parent / "out.jsonl"))
    assert warning in exported.stderr


def test_history__a_stage_line_inside_a_string_is_not_the_stage(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    sneaky = ('id: P-1\nname: 项目\ncustomer: C-0001\nowner: zhang.wei\n"stage": prospecting\n'
              'notes: "看起来像\nstage: implementation"\n')
    script.commit("zhang.wei", LATER, "notes", {"projects/east/P-1.yaml": sneaky})
    assert json.loads(holp("history", "--format", "json").stdout)[-1]["to"] == "prospecting"
    code, review = _review(holp)
    assert (code, review["moves"]) == (0, [])
    assert json.loads(holp("show", "P-1", "--format", "json").stdout)["stage"] == "prospecting"


def test_history__a_broken_blob_is_a_problem_and_a_fix_is_clean(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "broken", {"projects/east/P-1.yaml": "id: P-1\nstage: [entry\n"})
    first = holp("history", "--format", "json")
    assert first.exit_code == 0
    assert "projects/east/P-1.yaml:2:8: error[yaml-syntax]" in first.stderr
    code, review = _review(holp)
    assert code == 1
    assert review["problems"][0]["code"] == "yaml-syntax"  # type: ignore[index]
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "fixed", {"projects/east/P-1.yaml": project("P-1", "entry")})
    again = json.loads(holp("history", "--format", "json").stdout)
    assert [(t["from"], t["to"]) for t in again] == [(None, "prospecting"), ("prospecting", "entry")]
    assert holp("validate").exit_code == 0


def test_report__duplicate_ids_across_folders_count_for_neither(script: Script, holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "copy", {"projects/north/P-1.yaml": project("P-1", "implementation")})
    validate = holp("validate")
    assert "projects/north/P-1.yaml:1:5: error[duplicate-id]: project id P-1 is already used by " in validate.output
    report = holp("report", "funnel", "--format", "json")
    funnel = json.loads(report.stdout)
    assert (funnel["open"]["count"], funnel["won"]["count"]) == (0, 0)
    assert "projects/north/P-1.yaml:1:1: error[duplicate-id]: id P-1 is also used by projects/east/P-1.yaml" in report.stderr
    assert report.exit_code == 1
    exported = holp("export", "--format", "jsonl", "-o", str(script.root.parent / "out.jsonl"))
    assert "duplicate-id" in exported.stderr
    lines = (script.root.parent / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if '"P-1"' in line and '"projects"' in line]


def test_validate__a_linked_folder_is_reported(repo: Path, holp: Callable[..., Result]) -> None:
    os.symlink(repo / "projects/east", repo / "projects/mirror")
    result = holp("validate")
    assert result.exit_code == 1
    assert "projects/mirror:1:1: error[symlink]: a symbolic link to a folder: holp never follows links" in result.output


# -- the library, in memory ----------------------------------------------------------------


PROJECT_TEXT = """\
id: P-9
name: 余热发电
customer: C-1
owner: zhang.wei
amount: 1250000.50
expected_close: 2027-03-31
stage: entry
checklist:
  prospecting: {process_assessed: 2026-08-01, bad: 3}
assessment:
  real: {need: 4, budget: 2}
  notes: {need: 可研已批}
competitors: [某电气, {name: 某节能, strength: 价格低}]
visits:
  - date: 2026-10-12
    by: zhang.wei
    met: [李明]
    findings: {needs: 降本}
payments:
  - {due: 2027-03-01, amount: 500000, received: 2027-03-05, received_amount: 200000}
x_source: 展会
"""


def _project() -> Project:
    found = project_from(yaml.read("p.yaml", PROJECT_TEXT.encode()).tree, "projects/p.yaml")
    assert found is not None
    return found


def test_project_from__typed_fields_with_their_lines() -> None:
    p = _project()
    assert (p.id, p.stage, str(p.amount), p.expected_close and p.expected_close.isoformat()) == (
        "P-9", "entry", "1250000.50", "2027-03-31")
    assert p.checklist == {"prospecting": {"process_assessed": "2026-08-01"}}  # a number is no tick
    assert p.assessment.scores == {"real": {"need": 4, "budget": 2}}
    assert [c.name for c in p.competitors] == ["某电气", "某节能"]
    assert (p.visits[0].line, p.visits[0].by, p.visits[0].findings and p.visits[0].findings.needs) == (
        15, ("zhang.wei",), "降本")
    assert p.payments[0] == Payment(due=p.payments[0].due, amount=p.payments[0].amount,
                                    received=p.payments[0].received, received_amount=p.payments[0].received_amount,
                                    line=20)
    assert (p.payments[0].paid, p.payments[0].outstanding) == (200000, 300000)
    assert p.extra == {"x_source": "展会"}
    assert (p.path, p.line) == ("projects/p.yaml", 1)


def test_project_from__wrong_types_read_as_missing_never_raise() -> None:
    p = project_from({"id": "P-1", "amount": "三百万", "probability": True, "visits": "many", "payments": [3]}, "x")
    assert p is not None
    assert (p.name, p.amount, p.probability, p.visits, p.payments) == ("P-1", None, None, (), ())
    assert project_from({"name": "no id"}, "x") is None
    assert project_from(["a list"], "x") is None


def test_customer_from__contacts_are_records() -> None:
    c = customer_from(yaml.read("c.yaml", CUSTOMER.encode()).tree, "customers/c.yaml")
    assert isinstance(c, Customer)
    assert c.contacts[1] == Contact(name="王强", title="能源科长", role="coach", stance="supporter", influence="medium",
                                    personality="koala", closeness=4, trust=4, line=c.contacts[1].line)
    assert plain(c.contacts[0])["closeness"] == 3


def test_schema__derived_from_the_records() -> None:
    from holp.model.schema import project_schema

    schema = project_schema(default_process())
    assert set(schema["properties"]) == {f for f in Project.__dataclass_fields__
                                         if f not in ("path", "line", "extra", "invalid")}
    assert schema["properties"]["payments"]["items"]["required"] == ["due", "amount"]
    assert schema["properties"]["stage"]["enum"][-1] == "lost"


def test_evidence__resolves_on_records() -> None:
    p = _project()
    coach = Customer(id="C-1", name="x", contacts=(Contact(name="王强", role="coach"), Contact(name="李明")))
    root = Root(p, coach)
    assert parse_evidence("customer.contacts[role=coach].name").resolve(root) == ["王强"]
    assert parse_evidence("assessment.real.need").resolve(root) == [4]
    # 200000 of 500000 came in: dated, but not received in full
    assert parse_evidence("payments.received").resolve(root) == [p.payments[0].received]
    assert parse_evidence("payments[received]").resolve(root) == []
    assert parse_evidence("visits[!next_step]").resolve(root) == [p.visits[0]]
    assert parse_evidence("x_source").resolve(root) == ["展会"]
    assert parse_evidence("customer.contacts[role=coach]").resolve(Root(p, None)) == []


def test_views__cache_rows_give_back_the_record() -> None:
    p = _project()
    row = json.loads(json.dumps(project_row(p)))  # the cache keeps JSON
    deal = deal_from_row(row, p.path)
    assert (deal.amount, deal.expected_close, deal.payments[0].paid) == (p.amount, p.expected_close, 200000)
    assert summary_from_row(row) == ("P-9", "entry", "1250000.50", "2027-03-31", None)


def test_fileset__one_verdict_for_every_path() -> None:
    classify = fileset.classify_git
    assert classify("projects/east/P-1.yaml", "100644") == fileset.Entry("projects", "projects/east/P-1.yaml")
    assert classify("projects/README.md", "100644") is None
    assert classify("notes/P-1.yaml", "100644") is None
    assert classify("projects/.gitkeep", "100644") is None
    for path, mode, code in (("projects/east/P-1.yaml", "120000", "symlink"),
                             ("projects/.old/P-1.yaml", "100644", "hidden-record"),
                             ("customers/.C-1.yaml", "100644", "hidden-record"),
                             ("projects", "120000", "symlink"),
                             ("projects", "100644", "not-a-folder"),
                             ("projects/east/vendor", "160000", "nested-repository"),
                             ("projects/east/P-1.YAML", "100644", "record-suffix")):
        entry = classify(path, mode)
        assert entry is not None and entry.problem is not None and entry.problem.code == code, (path, mode)


def test_reading__a_document_is_a_record_or_a_problem() -> None:
    ok = reading.record_of("projects", yaml.read("p.yaml", b"id: P-1\nstage: entry\n"), "projects/p.yaml")
    assert isinstance(ok, Project) and ok.stage == "entry"
    bad = reading.record_of("projects", yaml.read("p.yaml", b"id: P-1\nid: P-2\n"), "projects/p.yaml")
    assert isinstance(bad, Problem) and (bad.line, bad.code) == (2, "duplicate-key")
    none = reading.record_of("customers", yaml.read("c.yaml", b"name: x\n"), "customers/c.yaml")
    assert isinstance(none, Problem) and none.code == "no-id"


def test_review__a_broken_commit_fixed_later_is_said_but_hides_no_move(script: Script,
                                                                       holp: Callable[..., Result]) -> None:
    _main(script)
    script.commit("zhang.wei", LATER, "broken", {"projects/east/P-1.yaml": "id: P-1\nstage: [entry\n"})
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "fixed",
                  {"projects/east/P-1.yaml": project("P-1", "bidding")})
    code, review = _review(holp)
    assert code == 1  # prospecting → bidding is judged against the last readable version: a skip without a reason
    assert [m["problems"][0] for m in review["moves"]] == ["skipped entry, proposal without a Holp-Reason"]  # type: ignore[index]
    assert [(p["path"], p["code"], p["commit"][:7]) for p in review["problems"] if "commit" in p] == [  # type: ignore[index,operator]
        ("projects/east/P-1.yaml", "yaml-syntax", script.git("rev-parse", "HEAD~1").strip()[:7])]
    markdown = holp("review", "main").output
    assert "### Files that were no records in commits of this branch (fixed since)" in markdown


COMMITTED = [  # a bad value committed on a branch: the problem history, review and reports name
    ("30,000 levels of '- '", "competitors:\n  " + "- " * 30000 + "x\n", "7:1001: error[too-deep]"),
    ("5,000-digit integer", "amount: " + "9" * 5000 + "\n", "6:9: error[bad-number]"),
    ("huge exponent", "amount: 1e9999999999\n", "6:9: error[bad-number]"),
    ("probability .nan", "probability: .nan\n", "6:14: error[bad-number]"),
]


@pytest.mark.parametrize(("name", "line", "code"), COMMITTED, ids=[c[0] for c in COMMITTED])
def test_bad_values_committed__one_problem_on_every_path(script: Script, holp: Callable[..., Result], name: str,
                                                          line: str, code: str) -> None:
    _main(script)
    bad = "id: P-1\nname: 项目\ncustomer: C-0001\nowner: zhang.wei\nstage: entry\n" + line
    script.commit("zhang.wei", LATER, name, {"projects/east/P-1.yaml": bad})
    problem = f"projects/east/P-1.yaml:{code}"
    validate = holp("validate")
    assert validate.exit_code == 1
    assert next(x for x in validate.output.splitlines() if x.startswith("projects/east/P-1.yaml")).startswith(problem)
    history = holp("history", "--format", "json")
    assert history.exit_code == 0
    assert f"holp: warning: {problem}" in history.stderr
    exit_code, review = _review(holp)
    assert exit_code == 1
    assert code.split("[")[1][:-1] in {p["code"] for p in review["problems"]}  # type: ignore[index]
    report = holp("report", "funnel", "--format", "json")
    assert report.exit_code == 1 and f"holp: warning: {problem}" in report.stderr
    script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "fixed", {"projects/east/P-1.yaml": project("P-1", "entry")})
    assert holp("validate").exit_code == 0
    assert holp("report", "funnel", "--format", "json").exit_code == 0
    moves = json.loads(holp("history", "--format", "json").stdout)
    assert [(t["from"], t["to"]) for t in moves] == [(None, "prospecting"), ("prospecting", "entry")]


def test_reading_many_blobs_on_every_core_gives_the_same_rows(script: Script, holp: Callable[..., Result],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _main(script)
    for i in range(2, 10):
        text = project(f"P-{i}", "entry") if i % 3 else f"id: P-{i}\nstage: [\n"
        script.commit("zhang.wei", f"2026-02-0{i}T10:00:00+08:00", f"P-{i}", {f"projects/east/P-{i}.yaml": text})
    blobs = [line.split()[2] for line in script.git("ls-tree", "-r", "HEAD", "projects").splitlines()]
    alone = reading._rows(script.root, "projects", blobs)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 4)
    batches = reading.Batches(script.root, "projects", reading._rows)
    batches.add(blobs)
    parts = list(batches.results())
    assert len(parts) == 3
    assert {blob: value for part in parts for blob, value in part.items()} == alone
    assert sum("problem" in value for value in alone.values()) == 3  # P-3, P-6, P-9
