"""make bench (scripts/bench.py) at its --quick scale: one table of every figure beside its baseline, the JSON
results with the machine they were measured on, and the bench repository put back as it was. No time is asserted:
only that every figure was measured, and that the ratios and goals agree with the samples."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from holp.reports import REPORTS

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "scripts" / "bench.py"
MACHINE = ("cpu", "cores", "memory", "kernel", "python", "git", "holp", "holp_commit", "date")
WARM = ("warm", "warm, 100 commits on top", "warm, 10 files edited")
FIGURES = [
    "holp --no-cache validate", "holp --no-cache history", "history: warm, 100 commits on top", "holp --version",
    "holp --help", "validate 5 staged files (pre-commit)", "holp advance (warm)", "holp tick (warm)",
    "import of a 200-row sheet", "export --format xlsx (warm)",
    *(f"{command}: {variant}" for command in [*(f"report {kind}" for kind in REPORTS), "report all (html)", "agenda",
                                              "site"] for variant in WARM),
]


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, check=False,
                          timeout=600)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def rows(stdout: str) -> dict[str, list[str]]:
    """The printed table: label → its cells."""
    lines = [line for line in stdout.splitlines() if line.startswith("| ")]
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == [
        "figure", "holp (s)", "baseline", "base (s)", "ratio", "goal", "met", "peak MB"]
    cells = [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines[1:]]
    return {row[0]: row for row in cells}


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("bench")
    done = bench("--quick", "--dir", str(tmp / "repo"), "--json", str(tmp / "out.json"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done, json.loads((tmp / "out.json").read_text(encoding="utf-8")), tmp / "repo"


def test_one_table_has_a_row_for_every_figure_and_every_report_kind(quick: Any) -> None:
    done, data, _ = quick
    table = rows(done.stdout)
    assert list(table) == FIGURES
    by_label = {f["label"]: f for f in data["figures"]}
    for label, (_, holp, baseline, base, ratio, goal, met, peak) in table.items():
        figure = by_label[label]
        assert (holp, baseline, base, ratio) == (f"{figure['median']:.3f}", figure["baseline_label"],
                                                 f"{figure['baseline_median']:.3f}", f"{figure['ratio']:.3f}")
        assert goal == ("" if figure["goal"] is None else f"≤ {figure['goal']}")
        assert met == {True: "yes", False: "NO", None: ""}[figure["met"]]
        assert peak == f"{figure['peak_rss_mb']:.0f}"
    goals = [f for f in data["figures"] if f["goal"] is not None]
    assert f"goals met: {sum(f['met'] for f in goals)} of {len(goals)}" in done.stdout
    assert "peak RSS over 300 MB: " in done.stdout


def test_the_json_describes_the_machine_and_every_figure_from_its_samples(quick: Any) -> None:
    _, data, repo = quick
    assert all(data["machine"][key] not in ("", None) for key in MACHINE)
    assert data["machine"]["cores"] >= 1
    commits = int(git(repo, "rev-list", "--count", "HEAD"))  # 400, and the commits of projects topped up at the end
    assert data["scale"] == {"projects": 40, "customers": 20, "commits": commits, "import_rows": 200, "files": 62}
    assert data["rounds"] == 1
    assert [f["label"] for f in data["figures"]] == FIGURES
    for figure in data["figures"]:
        assert {"label", "command", "baseline", "samples", "baseline_samples", "median", "baseline_median", "ratio",
                "goal", "met", "peak_rss_mb"} <= figure.keys()
        assert len(figure["samples"]) == len(figure["baseline_samples"]) == 1
        assert all(isinstance(s, float) and s > 0 for s in figure["samples"] + figure["baseline_samples"])
        assert figure["median"] == statistics.median(figure["samples"])
        assert figure["baseline_median"] == statistics.median(figure["baseline_samples"])
        assert figure["ratio"] == pytest.approx(figure["median"] / figure["baseline_median"])
        assert figure["met"] == (None if figure["goal"] is None else figure["ratio"] <= figure["goal"])
        assert figure["peak_rss_mb"] > 0
    commands = {f["label"]: f["command"] for f in data["figures"]}
    assert commands["holp --no-cache history"].endswith("holp --no-cache history --format json")
    assert commands["report changes: warm"].endswith("holp report changes --format json --since 2021-12-07")
    assert {f["label"]: f["baseline"] for f in data["figures"]}["holp --no-cache history"] == \
        "git log --raw -z --no-renames --format=%H -- projects"


def test_the_bench_repository_is_back_at_its_base_commit_clean(quick: Any) -> None:
    _, _, repo = quick
    base = json.loads((repo / ".git" / "holp-bench.json").read_text())["base"]
    assert git(repo, "rev-parse", "HEAD").strip() == base
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert git(repo, "branch", "--format=%(refname:short)") == "main\n"


def test_keep_reuses_the_repository_and_only_runs_the_figures_asked(quick: Any, tmp_path: Path) -> None:
    _, _, repo = quick
    done = bench("--quick", "--keep", "--dir", str(repo), "--only", "^holp --(version|help)$", "--json",
                 str(tmp_path / "only.json"))
    assert done.returncode == 0, done.stderr
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    assert done.stdout.startswith(f"reusing {repo} (40 projects, 20 customers, {commits} commits)\n")
    assert list(rows(done.stdout)) == ["holp --version", "holp --help"]
    assert [f["label"] for f in json.loads((tmp_path / "only.json").read_text())["figures"]] == list(rows(done.stdout))


@pytest.mark.parametrize(("args", "message"), [
    (["--rounds", "2"], "bench.py: error: --rounds: at least 3 (a median of fewer is noise), unless --quick\n"),
    (["--only", "("], "bench.py: error: argument --only: not a regular expression: missing ), unterminated "
                      "subpattern at position 0\n"),
])
def test_usage_errors_exit_2_before_generating(tmp_path: Path, args: list[str], message: str) -> None:
    done = bench("--dir", str(tmp_path / "repo"), *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(message)
    assert not (tmp_path / "repo").exists()


def test_a_folder_the_bench_did_not_generate_is_never_deleted(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    done = bench("--quick", "--dir", str(tmp_path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"{tmp_path} is not a repository this bench generated: remove it, or pass another --dir\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_keep_adopts_a_repository_the_previous_bench_generated(quick: Any, tmp_path: Path) -> None:
    _, _, repo = quick
    old = tmp_path / "bench-repo"
    shutil.copytree(repo, old)
    (old / ".git" / "holp-bench.json").unlink()  # as the bench before this one left it
    done = bench("--quick", "--keep", "--dir", str(old), "--only", "^holp --version$", "--json", str(tmp_path / "o.json"))
    assert done.returncode == 0, done.stderr
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    assert done.stdout.startswith(f"reusing {old} (40 projects, 20 customers, {commits} commits)\n")
    assert json.loads((old / ".git" / "holp-bench.json").read_text()) == json.loads(
        (repo / ".git" / "holp-bench.json").read_text())
