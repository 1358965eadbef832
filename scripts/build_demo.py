"""Build the demo sales repository from example-repo/ and show it.

Usage: python scripts/build_demo.py [DEST]   (default: demo/, ignored by git)

The demo is a fresh git repository holding the example files, committed by
the reps of team.yaml; then holp validates it and lists its pipeline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-repo"


def holp(dest: Path, *args: str) -> int:
    print(f"\n$ holp {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, "-m", "holp", "-C", str(dest), *args], check=False).returncode


def main() -> int:
    dest = (ROOT / (sys.argv[1] if len(sys.argv) > 1 else "demo")).resolve()
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(EXAMPLE, dest)
    env = {**os.environ, "GIT_AUTHOR_NAME": "李娜", "GIT_AUTHOR_EMAIL": "li.na@holp.example",
           "GIT_COMMITTER_NAME": "李娜", "GIT_COMMITTER_EMAIL": "li.na@holp.example"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Sales repository: example data"]):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True)
    print(f"demo sales repository: {dest}")
    failed = holp(dest, "validate")
    holp(dest, "list", "--stage", "open")
    return failed


if __name__ == "__main__":
    sys.exit(main())
