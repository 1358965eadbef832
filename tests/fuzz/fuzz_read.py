"""Fuzz holp's reading of untrusted bytes: read -> validate the shape -> read as a record -> one edit.

Run by `make fuzz` (atheris, installed by `make fuzz-install`, a dev-only tool
CI does not need). What must hold for any bytes:

* `holp.yaml.read` never raises, every problem it returns has a line and a
  column, and the fast path reads exactly what libyaml composes;
* the shape and schema checks and `holp.reading.record_of` never raise;
* on a file that reads without problems, `holp.edit.change` setting one value
  either gives bytes that read back as intended or refuses with `EditError`
  (holp's documented "cannot make this change safely"), and nothing else.
"""

from __future__ import annotations

import sys
from typing import Any

import atheris

with atheris.instrument_imports(include=["holp"]):
    from holp import edit, yaml
    from holp.edit import EditError
    from holp.model import schema, shape
    from holp.problems import ERROR, Problem
    from holp.reading import record_of
    from holp.repo import default_process

PATH = "projects/east/P-2026-001.yaml"
PROCESS = default_process()
VALIDATORS = {kind: shape.schema_validator(schema.schema(kind, PROCESS)) for kind in ("project", "customer")}


def _set_stage(data: dict[str, Any]) -> None:
    data["stage"] = "proposal"


def check(raw: bytes) -> None:
    doc = yaml.read(PATH, raw)
    composed = yaml.read(PATH, raw, fast=False)
    assert (doc.tree, doc.problems) == (composed.tree, composed.problems), "the fast path differs from libyaml"
    for problem in doc.problems:
        assert isinstance(problem, Problem) and problem.severity == ERROR and problem.message
        assert problem.line >= 1 and problem.column >= 1, problem
    list(shape.shape_problems(doc))
    for kind, validator in VALIDATORS.items():
        list(shape.schema_problems(doc, validator, kind))
    for folder in ("projects", "customers"):
        found = record_of(folder, doc, PATH)
        assert found is not None
    if doc.ok and isinstance(doc.tree, dict):
        try:
            new = edit.change(PATH, raw, lambda source: edit.set_value(source, ["stage"], "proposal"), _set_stage)
        except EditError:
            return
        after = yaml.read(PATH, new)
        assert after.ok and after.tree == {**doc.tree, "stage": "proposal"}


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
