"""The shape of the code, as the issue "One model…" promises it: checked, not hoped for."""

from __future__ import annotations

import ast
from pathlib import Path

HOLP = Path(__file__).resolve().parent.parent / "holp"
# Where the values of a file are read as written: the model, the reader that makes them, and the writer's
# check that a file it edited reads back as exactly what it meant (a comparison of values, not a record read).
READERS = {"model", "yaml", "edit.py"}


def _modules() -> list[Path]:
    return sorted(HOLP.rglob("*.py"))


def test_no_module_outside_the_model_reads_a_files_values() -> None:
    found = []
    for path in _modules():
        relative = path.relative_to(HOLP)
        if relative.parts[0] in READERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("tree", "data") and not (
                    isinstance(node.value, ast.Name) and node.value.id == "git"):
                found.append(f"{relative}:{node.lineno}: .{node.attr}")
    assert found == []


def test_no_module_is_over_500_lines() -> None:
    long = [f"{p.relative_to(HOLP)}: {n}" for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500]
    assert long == []


def test_the_command_line_starts_without_the_model() -> None:
    """`holp --version`, `--help` and tab completion import the command line only: the model, the YAML reader and
    the reports load when a command runs (the choices a command offers come from `holp.vocabulary`)."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-c", "import sys, holp.cli; print(' '.join(sorted(sys.modules)))"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert [m for m in loaded if m.startswith(("holp.model", "holp.yaml", "ruamel", "jinja2", "jsonschema"))] == []
