"""`holp schema` is the contract: a third-party validator (check-jsonschema) agrees with `holp validate`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, write

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-repo"


def check_jsonschema(schema: Path, files: list[Path]) -> set[str]:
    """The files check-jsonschema rejects."""
    exe = Path(sys.executable).with_name("check-jsonschema")
    command = [str(exe)] if exe.exists() else [shutil.which("check-jsonschema") or "check-jsonschema"]
    result = subprocess.run([*command, "-o", "json", "--schemafile", str(schema), *map(str, files)],
                            capture_output=True, text=True, check=False)
    report = json.loads(result.stdout)
    return {e["filename"] for e in report.get("errors", [])} | {e["filename"] for e in report.get("parse_errors", [])}


def holp_rejects(holp: Callable[..., Result], root: Path) -> set[str]:
    result = holp("-C", str(root), "validate", "--format", "json")
    return {str(Path(p["path"]).resolve()) for p in json.loads(result.output)["problems"] if p["severity"] == "error"}


def schemas(holp: Callable[..., Result], root: Path, tmp_path: Path) -> dict[str, Path]:
    found = {}
    for kind in ("project", "customer", "team", "config"):
        path = tmp_path / f"{kind}.schema.json"
        path.write_text(holp("-C", str(root), "schema", kind).output, encoding="utf-8")
        found[kind] = path
    return found


def files(root: Path, folder: str) -> list[Path]:
    return sorted(p.resolve() for p in (root / folder).rglob("*.yaml"))


def test_schema__is_draft_2020_12(holp: Callable[..., Result], repo: Path) -> None:
    document = json.loads(holp("schema", "project").output)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["properties"]["stage"]["enum"][:2] == ["prospecting", "entry"]
    from jsonschema import Draft202012Validator

    for kind in ("project", "customer", "team", "config"):
        Draft202012Validator.check_schema(json.loads(holp("schema", kind).output))


def test_schema__outside_a_repository_uses_the_default_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               holp: Callable[..., Result]) -> None:
    monkeypatch.chdir(tmp_path)
    document = json.loads(holp("schema", "project").output)
    assert "coach_identified" in document["properties"]["checklist"]["properties"]["entry"]["properties"]


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="example-repo not present")
def test_schema__check_jsonschema_agrees_with_holp_on_the_example_repo(holp: Callable[..., Result],
                                                                       tmp_path: Path) -> None:
    found = schemas(holp, EXAMPLE, tmp_path)
    projects, customers = files(EXAMPLE, "projects"), files(EXAMPLE, "customers")
    assert len(projects) >= 25 and len(customers) >= 8
    assert check_jsonschema(found["project"], projects) == set()
    assert check_jsonschema(found["customer"], customers) == set()
    assert check_jsonschema(found["team"], [EXAMPLE / "team.yaml"]) == set()
    assert check_jsonschema(found["config"], [EXAMPLE / "holp.yaml"]) == set()
    assert holp_rejects(holp, EXAMPLE) == set()


BAD = {
    "amount-in-words.yaml": PROJECT.replace("amount: 3200000", "amount: 三百二十万"),
    "negative.yaml": PROJECT.replace("amount: 3200000", "amount: -1"),
    "impossible-date.yaml": PROJECT.replace("2027-03-31", "2026-02-30"),
    "unknown-stage.yaml": PROJECT.replace("stage: entry", "stage: closing"),
    "unknown-item.yaml": PROJECT.replace("procurement_org_mapped", "coffee"),
    "tick-true.yaml": PROJECT.replace("procurement_org_mapped: 2026-09-10", "procurement_org_mapped: true"),
    "lost-no-reason.yaml": PROJECT.replace("stage: entry", "stage: lost"),
    "typo-field.yaml": PROJECT.replace("expected_close", "expected_clsoe"),
    "good.yaml": PROJECT,
    "good-extension.yaml": PROJECT + "x_crm_id: 4711\n",
}


def test_schema__check_jsonschema_gives_holp_verdict_on_bad_files(repo: Path, holp: Callable[..., Result],
                                                                  tmp_path: Path) -> None:
    written = []
    for i, (name, text) in enumerate(BAD.items()):
        project_id = f"P-2026-{100 + i}"
        path = write(repo / "projects/east" / f"{project_id}.yaml", text.replace("P-2026-001", project_id))
        written.append(path.resolve())
        (tmp_path / name).write_text(str(path))
    found = schemas(holp, repo, tmp_path)
    third_party = check_jsonschema(found["project"], written)
    holp_says = holp_rejects(holp, repo) & {str(p) for p in written}
    assert third_party == holp_says
    names = {Path(p).name for p in third_party}
    assert len(names) == len(BAD) - 2  # all but the two good ones
