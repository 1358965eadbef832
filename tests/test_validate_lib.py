"""Each check of `holp.validate.CHECKS` on a repository built in memory: the exact problems, or none."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from conftest import CUSTOMER, PROCESS_TEXT, PROJECT, TEAM, dedent, repo_of, sales_files
from holp.problems import ERROR, WARNING, Problem
from holp.repo import Repository
from holp.validate import (
    CHECKS,
    check_config,
    check_documents,
    check_files,
    check_ids,
    check_references,
    check_stages,
    check_team,
    validate,
)

P = "projects/east/P-2026-001.yaml"
C = "customers/east/C-0001.yaml"
STAGES = "prospecting, entry, proposal, bidding, negotiation, implementation, collection, evaluation, service"

Check = Callable[[Repository], Iterable[Problem]]


def run(check: Check, **changes: str | None) -> list[Problem]:
    return list(check(repo_of(sales_files(**changes))))


def project(old: str, new: str, *more: tuple[str, str]) -> str:
    """PROJECT with text replaced (each replacement must hit, so a test cannot pass on a stale input)."""
    text = PROJECT
    for before, after in ((old, new), *more):
        assert before in text, before
        text = text.replace(before, after)
    return text


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def test_checks__every_check_of_the_clean_repository_finds_nothing() -> None:
    repo = repo_of(sales_files())
    assert {check.__name__: list(check(repo)) for check in CHECKS} == {check.__name__: [] for check in CHECKS}
    assert validate(repo) == []


# -- check_documents -------------------------------------------------------------------------


def test_check_schemas__negative_amount() -> None:
    assert run(check_documents, **{P: project("amount: 3200000", "amount: -5")}) == [
        Problem(P, 7, 9, ERROR, "bad-amount", "amount is -5: an amount cannot be negative")]


def test_check_schemas__amount_as_text() -> None:
    assert run(check_documents, **{P: project("amount: 3200000", "amount: 320万")}) == [
        Problem(P, 7, 9, ERROR, "bad-amount",
                "amount is '320万': an amount is a plain number, like 3200000 or 1250000.50")]


def test_check_schemas__unknown_stage_lists_the_stages() -> None:
    assert run(check_documents, **{P: project("stage: entry", "stage: entyr")}) == [
        Problem(P, 9, 8, ERROR, "unknown-stage", f"unknown stage 'entyr'; the stages are: {STAGES}, lost")]


def test_check_schemas__unknown_field_points_at_its_key() -> None:
    assert run(check_documents, **{P: PROJECT + "colour: red\nx_colour: red\n"}) == [
        Problem(P, 32, 1, ERROR, "unknown-field", "unknown field 'colour' in the file")]


def test_check_schemas__impossible_date() -> None:
    assert run(check_documents, **{P: project("2027-03-31", "2027-02-30")}) == [
        Problem(P, 8, 17, ERROR, "bad-date", "expected_close: '2027-02-30' is not a real date written YYYY-MM-DD")]


def test_check_schemas__checklist_item_the_stage_does_not_have() -> None:
    assert run(check_documents, **{P: project("procurement_org_mapped", "procurement_mapped")}) == [
        Problem(P, 20, 5, ERROR, "unknown-checklist-item", "stage 'entry' has no checklist item 'procurement_mapped'")]


def test_check_schemas__lost_without_a_reason() -> None:
    assert run(check_documents, **{P: project("stage: entry", "stage: lost")}) == [
        Problem(P, 9, 8, ERROR, "lost-reason",
                "a lost project needs `lost: {reason: ...}` with one of the configured lost reasons")]


def test_check_schemas__customer_without_its_region() -> None:
    assert run(check_documents, **{C: replaced(CUSTOMER, "region: east\n", "")}) == [
        Problem(C, 2, 1, ERROR, "missing-field", "the file needs the field 'region'")]


def test_check_schemas__team_role_not_among_the_roles() -> None:
    assert run(check_documents, **{"team.yaml": replaced(TEAM, "role: manager", "role: boss")}) == [
        Problem("team.yaml", 5, 73, ERROR, "bad-value", "reps.0.role is 'boss'; it must be one of: rep, manager, director, engineer, presales, executive")]


def test_check_schemas__config_currency_pattern() -> None:
    assert run(check_documents, **{"holp.yaml": replaced(PROCESS_TEXT, "currency: CNY", "currency: yuan")}) == [
        Problem("holp.yaml", 10, 11, ERROR, "schema", "currency: 'yuan' does not match '^[A-Z]{3}$'")]


# -- numbers: refused by the reader, once, with the value as written -------------------------


def _numbers(**files: str | None) -> list[Problem]:
    return [p for p in validate(repo_of(sales_files(**files))) if p.code == "bad-number"]


def test_numbers__infinite_amount() -> None:
    assert _numbers(**{P: project("amount: 3200000", "amount: .inf")}) == [
        Problem(P, 7, 9, ERROR, "bad-number", "amount is .inf: write a finite number")]


def test_numbers__nan_in_a_teams_own_field() -> None:
    assert _numbers(**{C: CUSTOMER + "x_score: .nan\n"}) == [
        Problem(C, 11, 10, ERROR, "bad-number", "x_score is .nan: write a finite number")]


def test_numbers__inside_a_list_names_the_index() -> None:
    text = PROJECT + "payments:\n  - {due: 2027-01-01, amount: -.inf}\n"
    assert _numbers(**{P: text}) == [
        Problem(P, 33, 31, ERROR, "bad-number", "payments.0.amount is -.inf: write a finite number")]


# -- check_config --------------------------------------------------------------------------


def line_of(text: str) -> int:
    """The line of the default holp.yaml that holds ``text`` (the stages above it may grow)."""
    return PROCESS_TEXT[: PROCESS_TEXT.index(text)].count("\n") + 1


def config(old: str, new: str) -> list[Problem]:
    return run(check_config, **{"holp.yaml": replaced(PROCESS_TEXT, old, new)})


def test_check_config__stage_defined_twice() -> None:
    assert config("  - id: proposal\n", "  - id: entry\n") == [
        Problem("holp.yaml", 79, 9, ERROR, "duplicate-id", "stage 'entry' is defined twice")]


def test_check_config__won_from_names_no_stage() -> None:
    assert config("won_from: implementation", "won_from: signed") == [
        Problem("holp.yaml", 13, 11, ERROR, "unknown-stage", "won_from names stage 'signed', which is not defined")]


def test_check_config__probability_going_down_is_a_warning() -> None:
    assert config("probability: 0.50", "probability: 0.20") == [
        Problem("holp.yaml", 81, 18, WARNING, "probability-order",
                "stage 'proposal' has a lower probability than the stage before it")]


def test_check_config__evidence_rule_that_does_not_parse() -> None:
    assert config("evidence: competitors\n", "evidence: competitors[\n") == [
        Problem("holp.yaml", 51, 19, ERROR, "bad-evidence",
                "'competitors[' is not a path segment (name, then optional [filters])")]


def test_check_config__lost_reason_listed_twice() -> None:
    assert config("{id: withdrew", "{id: price") == [
        Problem("holp.yaml", 22, 5, ERROR, "duplicate-id", "'price' is listed twice in lost_reasons")]


def test_check_config__high_grade_below_medium() -> None:
    assert config("{high: 20, medium: 15}", "{high: 10, medium: 15}") == [
        Problem("holp.yaml", line_of("{high: 20, medium: 15}"), 11, ERROR, "bad-value",
                "the high grade threshold is below the medium one")]


def test_check_config__lost_is_reserved() -> None:
    assert config("  - id: service\n", "  - id: lost\n") == [
        Problem("holp.yaml", line_of("  - id: service\n"), 9, ERROR, "reserved-id",
                "'lost' is reserved for lost projects; name the stage otherwise")]


def test_check_config__checklist_item_twice_in_a_stage() -> None:
    assert config("id: contract_signed", "id: contract_approved") == [
        Problem("holp.yaml", 111, 13, ERROR, "duplicate-id",
                "checklist item 'contract_approved' appears twice in stage 'negotiation'")]


# -- check_team ----------------------------------------------------------------------------


def test_check_team__unknown_manager_and_region() -> None:
    team = replaced(replaced(TEAM, "region: east}", "region: west}"), "manager: li.na}\n  - {id: north",
                    "manager: wang.fang}\n  - {id: north")
    assert run(check_team, **{"team.yaml": team}) == [
        Problem("team.yaml", 2, 58, ERROR, "unknown-rep", "manager 'wang.fang' is not a rep in team.yaml"),
        Problem("team.yaml", 6, 69, ERROR, "unknown-region", "region 'west' is not defined in team.yaml"),
    ]


def test_check_team__rep_twice_and_email_twice_whatever_its_case() -> None:
    team = replaced(replaced(TEAM, "id: zhang.wei", "id: li.na"), "zhang.wei@example.com", "LI.NA@example.com")
    assert run(check_team, **{"team.yaml": team}) == [
        Problem("team.yaml", 6, 10, ERROR, "duplicate-id", "rep 'li.na' is defined twice"),
        Problem("team.yaml", 6, 34, ERROR, "duplicate-email",
                "email li.na@example.com belongs to two reps: commits could not be attributed"),
    ]


def test_check_team__targets_of_unknown_rep_and_region() -> None:
    team = TEAM + "  - {year: 2026, rep: wang.fang, amount: 1}\n  - {year: 2026, region: south, amount: 1}\n"
    assert run(check_team, **{"team.yaml": team}) == [
        Problem("team.yaml", 9, 23, ERROR, "unknown-rep", "rep 'wang.fang' is not in team.yaml"),
        Problem("team.yaml", 10, 26, ERROR, "unknown-region", "region 'south' is not defined in team.yaml"),
    ]


# -- check_ids -----------------------------------------------------------------------------


def test_check_ids__duplicate_in_another_folder() -> None:
    assert run(check_ids, **{"projects/north/P-2026-001.yaml": PROJECT}) == [
        Problem("projects/north/P-2026-001.yaml", 2, 5, ERROR, "duplicate-id",
                "project id P-2026-001 is already used by projects/east/P-2026-001.yaml"),
        Problem("projects/east/P-2026-001.yaml", 2, 5, ERROR, "duplicate-id",  # every copy says it
                "project id P-2026-001 is also used by projects/north/P-2026-001.yaml")]


def test_check_ids__every_copy_is_reported() -> None:
    assert run(check_ids, **{"projects/a/P-2026-001.yaml": PROJECT, "projects/b/P-2026-001.yaml": PROJECT}) == [
        *(Problem(f"projects/{where}/P-2026-001.yaml", 2, 5, ERROR, "duplicate-id",
                  "project id P-2026-001 is already used by projects/a/P-2026-001.yaml") for where in ("b", "east")),
        Problem("projects/a/P-2026-001.yaml", 2, 5, ERROR, "duplicate-id",
                "project id P-2026-001 is also used by projects/b/P-2026-001.yaml, projects/east/P-2026-001.yaml")]


def test_check_ids__duplicate_customer() -> None:
    assert run(check_ids, **{"customers/north/C-0001.yaml": CUSTOMER}) == [
        Problem("customers/north/C-0001.yaml", 2, 5, ERROR, "duplicate-id",
                "customer id C-0001 is already used by customers/east/C-0001.yaml"),
        Problem("customers/east/C-0001.yaml", 2, 5, ERROR, "duplicate-id",
                "customer id C-0001 is also used by customers/north/C-0001.yaml")]


def test_check_ids__a_customer_and_a_project_may_not_share_an_id() -> None:
    # task add, expense add and export take an id of either: a shared one could not tell them apart
    other = "id: P-2026-001\nname: 同号客户\nregion: east\nowner: li.na\n"
    assert run(check_ids, **{"customers/east/P-2026-001.yaml": other}) == [
        Problem("customers/east/P-2026-001.yaml", 1, 5, ERROR, "duplicate-id",
                "customer id P-2026-001 is also the id of project projects/east/P-2026-001.yaml: a command given "
                "that id could not tell them apart; give the customer its own id")]


def test_check_ids__file_named_otherwise_than_its_id() -> None:
    assert run(check_ids, **{P: None, "projects/east/deal.yaml": PROJECT}) == [
        Problem("projects/east/deal.yaml", 2, 5, WARNING, "id-filename",
                "the file is named deal but holds project P-2026-001: name it P-2026-001.yaml")]


# -- check_references ----------------------------------------------------------------------


def test_check_references__unknown_customer_owner_and_region_with_hints() -> None:
    text = project("customer: C-0001", "customer: C-0002", ("owner: zhang.wei", "owner: zhang.wie")) + "region: esat\n"
    assert run(check_references, **{P: text}) == [
        Problem(P, 4, 11, ERROR, "unknown-customer", "customer 'C-0002' does not exist (did you mean C-0001?)"),
        Problem(P, 5, 8, ERROR, "unknown-rep", "rep 'zhang.wie' does not exist (did you mean zhang.wei?)"),
        Problem(P, 32, 9, ERROR, "unknown-region", "region 'esat' does not exist (did you mean east?)"),
    ]


def test_check_references__customer_with_unknown_region_and_owner() -> None:
    text = replaced(replaced(CUSTOMER, "region: east", "region: south"), "owner: zhang.wei", "owner: nobody")
    assert run(check_references, **{C: text}) == [
        Problem(C, 5, 9, ERROR, "unknown-region", "region 'south' does not exist (did you mean north?)"),
        Problem(C, 6, 8, ERROR, "unknown-rep", "rep 'nobody' does not exist"),
    ]


def test_check_references__visit_reps_and_contacts() -> None:
    text = project("by: zhang.wei", "by: [zhang.wei, wang.fang]", ("met: [李明]", "met: [李明, 赵六]"))
    text += "    changes:\n      - {contact: 钱七, trust: up}\n"
    assert run(check_references, **{P: text}) == [
        Problem(P, 28, 21, ERROR, "unknown-rep", "rep 'wang.fang' is not in team.yaml"),
        Problem(P, 29, 15, WARNING, "unknown-contact", "赵六 is not a contact of C-0001"),
        Problem(P, 33, 19, WARNING, "unknown-contact", "钱七 is not a contact of C-0001"),
    ]


def test_check_references__visit_by_one_rep_points_at_the_value() -> None:
    assert run(check_references, **{P: project("by: zhang.wei", "by: wang.fang")}) == [
        Problem(P, 28, 9, ERROR, "unknown-rep", "rep 'wang.fang' is not in team.yaml")]


def test_check_references__an_unreadable_customer_is_not_blamed_again_in_its_projects() -> None:
    assert run(check_references, **{C: CUSTOMER + "bad: [\n"}) == []


# -- check_stages --------------------------------------------------------------------------


def test_check_stages__evidence_item_ticked_by_hand() -> None:
    text = project("  entry:\n", "  entry:\n    coach_identified: 2026-09-01\n")
    assert run(check_stages, **{P: text}) == [
        Problem(P, 20, 5, WARNING, "evidence-item-ticked", "'coach_identified' is proven by evidence "
                "(customer.contacts[role=coach]), not by a tick; the tick is ignored")]


def test_check_stages__close_date_passed_yesterday() -> None:
    assert run(check_stages, **{P: project("2027-03-31", "2026-11-23")}) == [
        Problem(P, 8, 17, WARNING, "close-date-past", "expected close 2026-11-23 has passed and the project is "
                "still open: update the date or close the project")]


def test_check_stages__close_date_today_has_not_passed() -> None:
    assert run(check_stages, **{P: project("2027-03-31", "2026-11-24")}) == []


def test_check_stages__closed_projects_have_no_close_date_to_keep() -> None:
    lost = project("stage: entry", "stage: lost\nlost: {reason: price}", ("2027-03-31", "2026-01-01"))
    assert run(check_stages, **{P: lost}) == []


def test_check_stages__past_a_gate_that_was_never_met() -> None:
    assert run(check_stages, **{P: project("    relationship_assessed: 2026-08-02\n", "")}) == [
        Problem(P, 9, 8, WARNING, "gate-unmet",
                "the project is past prospecting, whose gate was never met (missing: relationship_assessed)")]


def test_check_stages__every_earlier_gate_unmet_is_one_warning() -> None:
    assert run(check_stages, **{P: project("stage: entry", "stage: bidding")}) == [
        Problem(P, 9, 8, WARNING, "gate-unmet", f"the project is past {stage}, whose gate was never met "
                f"(missing: {missing})") for stage, missing in (
            ("entry", "key_person_relationship"),
            ("proposal", "needs_understood, procurement_criteria_shaped, proposal_reviewed"))]


def test_check_stages__without_its_customer_gates_are_not_judged() -> None:
    assert run(check_stages, **{C: None, P: project("stage: entry", "stage: proposal")}) == []


# -- check_documents and check_files -----------------------------------------------------------


def test_check_shape__project_written_as_a_list() -> None:
    assert run(check_documents, **{P: "- id: P-1\n"}) == [
        Problem(P, 1, 1, ERROR, "not-a-mapping", "the file must be a mapping of fields, not a list")]


def test_check_shape__customer_written_as_one_word() -> None:
    assert run(check_documents, **{C: "C-0001\n"}) == [
        Problem(C, 1, 1, ERROR, "not-a-mapping", "the file must be a mapping of fields, not 'C-0001'")]


def test_check_shape__unreadable_file_is_left_to_the_reader() -> None:
    repo = repo_of(sales_files(**{P: "id: [\n"}))
    assert list(check_documents(repo)) == []
    assert repo.unreadable == {P: Problem(P, 2, 1, ERROR, "yaml-syntax",
                                          "YAML syntax error: did not find expected node content")}


def test_check_files__record_in_a_hidden_folder() -> None:
    assert run(check_files, **{"projects/.old/P-9.yaml": PROJECT, "projects/east/notes.md": "# 备忘\n"}) == [
        Problem("projects/.old/P-9.yaml", 1, 1, ERROR, "hidden-record", "in a hidden folder .old/: holp does not "
                "read it as a record; move it out of there or delete it")]


# -- validate ------------------------------------------------------------------------------


def test_validate__a_refused_tag_is_not_also_a_bad_amount() -> None:
    repo = repo_of(sales_files(**{P: project("amount: 3200000", "amount: !!float abc")}))
    assert validate(repo) == [Problem(P, 7, 9, ERROR, "yaml-tag", "'abc' is not a valid float")]


def test_validate__a_file_that_cannot_be_read_is_no_record_for_the_other_checks() -> None:
    text = PROJECT.replace("owner: zhang.wei", "owner: nobody").replace("amount: 3200000", "amount: .inf")
    assert validate(repo_of(sales_files(**{P: text}))) == [
        Problem(P, 7, 9, ERROR, "bad-number", "amount is .inf: write a finite number")]


def test_validate__sorted_by_file_and_position_across_checks() -> None:
    text = dedent("""
        id: P-2026-001
        name: 项目
        customer: C-0001
        owner: nobody
        amount: -5
        stage: entry
        """)
    assert validate(repo_of(sales_files(**{P: text}))) == [
        Problem(P, 4, 8, ERROR, "unknown-rep", "rep 'nobody' does not exist"),
        Problem(P, 5, 9, ERROR, "bad-amount", "amount is -5: an amount cannot be negative"),
        Problem(P, 6, 8, WARNING, "gate-unmet", "the project is past prospecting, whose gate was never met "
                "(missing: process_assessed, equipment_assessed, funding_assessed, technical_needs_assessed, "
                "relationship_assessed, competitors_assessed, project_info_confirmed, opportunity_evaluated, "
                "target_customer_assessed)"),
    ]


def test_validate__nan_amount_is_one_problem_not_a_crash() -> None:
    repo = repo_of(sales_files(**{P: project("amount: 3200000", "amount: .nan")}))
    assert validate(repo) == [Problem(P, 7, 9, ERROR, "bad-number", "amount is .nan: write a finite number")]
