"""How scripts/bench.py measures and reports: one fresh process a run (wall time, peak RSS by os.wait4), the
sides of a group run interleaved round by round, and the figures as one table and JSON."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tabulate import tabulate

from holp import __version__

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RSS_LIMIT_MB = 300


class Failed(Exception):
    """A command exited otherwise than expected: the figure is not measured."""


def nothing() -> None:
    pass


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Side:
    """One command line (or several, timed together) measured once a round, with what it needs before and after."""

    name: str
    argvs: list[list[str]]
    prepare: Callable[[], None] = nothing
    after: Callable[[], None] = nothing
    is_holp: bool = True
    samples: list[Sample] = field(default_factory=list)

    @property
    def command(self) -> str:
        return " && ".join(" ".join(shown(a) for a in argv[:12]) + (" …" if len(argv) > 12 else "")
                           for argv in self.argvs)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)


@dataclass
class Figure:
    label: str
    holp: Side
    baseline: Side
    baseline_label: str
    goal: float | None


@dataclass
class Group:
    """Figures that share runs: their sides run in order, once a round; `setup` once before the first round."""

    name: str
    sides: list[Side]
    figures: list[tuple[str, str, str, str, float | None]]  # label, holp side, baseline side, baseline label, goal
    setup: Callable[[], None] = nothing


def shown(arg: str) -> str:
    """An argument as a shell would take it, the venv, this checkout and the bench's temporary folder shortened."""
    text = arg.replace(str(ROOT) + "/", "").replace(str(Path(PYTHON).parent) + "/", "")
    text = re.sub(r"^.*/holp-bench-[^/]+/", "$TMP/", text)
    return text if re.fullmatch(r"[\w@%+=:,./$-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def measure(argv: list[str], cwd: Path, env: dict[str, str]) -> Sample:
    """One fresh process: its wall time and peak RSS (its own, and that of the children it waited for)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
            raise Failed(f"`{' '.join(shown(a) for a in argv[:8])}` exited {code}: {' | '.join(tail)[:300]}")
    return Sample(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def run_group(group: Group, rounds: int, cwd: Path, env: dict[str, str], restore: Callable[[], None]) -> None:
    """setup, then each round every side once, in order (so a baseline and its holp alternate); base after."""
    print(f"{group.name}:", flush=True)
    try:
        group.setup()
        for n in range(1, rounds + 1):
            done = []
            for side in group.sides:
                side.prepare()
                try:
                    parts = [measure(argv, cwd, env) for argv in side.argvs]
                finally:
                    side.after()
                side.samples.append(Sample(sum(p.seconds for p in parts), max(p.peak_mb for p in parts)))
                done.append(f"{side.name} {side.samples[-1].seconds:.2f} s {side.samples[-1].peak_mb:.0f} MB")
            print(f"  round {n}: " + ", ".join(done), flush=True)
    finally:
        restore()


def figures(groups: list[Group], only: str | None) -> list[tuple[Group, list[Figure]]]:
    chosen = []
    for group in groups:
        sides = {side.name: side for side in group.sides}
        found = [Figure(label, sides[holp], sides[base], base_label, goal)
                 for label, holp, base, base_label, goal in group.figures
                 if only is None or re.search(only, label)]
        if found:
            needed = {id(f.holp) for f in found} | {id(f.baseline) for f in found}
            group.sides = [side for side in group.sides if id(side) in needed]
            chosen.append((group, found))
    return chosen


def result(figure: Figure, error: str | None) -> dict[str, object]:
    row: dict[str, object] = {"label": figure.label, "command": figure.holp.command,
                              "baseline": figure.baseline.command, "baseline_label": figure.baseline_label,
                              "goal": figure.goal}
    if error is not None:
        return {**row, "error": error, "met": False}
    median, base = figure.holp.median, figure.baseline.median
    ratio = median / base if base > 0 else None
    return {**row, "samples": [s.seconds for s in figure.holp.samples],
            "baseline_samples": [s.seconds for s in figure.baseline.samples],
            "median": median, "baseline_median": base, "ratio": ratio,
            "met": None if figure.goal is None or ratio is None else ratio <= figure.goal,
            "peak_rss_mb": round(figure.holp.peak_mb, 1), "baseline_is_holp": figure.baseline.is_holp,
            "baseline_peak_rss_mb": round(figure.baseline.peak_mb, 1)}


def machine(dest: Path) -> dict[str, object]:
    def first(path: str, key: str) -> str:
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            return ""
        return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), "")

    def out(*argv: str) -> str:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = out("git", "status", "--porcelain", "--untracked-files=no")
    return {"cpu": first("/proc/cpuinfo", "model name") or platform.processor(), "cores": os.cpu_count(),
            "memory": first("/proc/meminfo", "MemTotal"), "kernel": platform.release(),
            "python": platform.python_version(), "git": out("git", "--version"), "holp": __version__,
            "holp_commit": out("git", "rev-parse", "HEAD") + ("-dirty" if dirty else ""),
            "hostname": socket.gethostname(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def table(results: list[dict[str, object]]) -> str:
    def seconds(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else "–"

    rows = []
    for r in results:
        ratio = r.get("ratio")
        met = {True: "yes", False: "NO", None: ""}[r["met"]] if "error" not in r else "FAILED"  # type: ignore[index]
        rows.append([r["label"], seconds(r.get("median")), r["baseline_label"], seconds(r.get("baseline_median")),
                     f"{ratio:.3f}" if isinstance(ratio, float) else "–",
                     "" if r["goal"] is None else f"≤ {r['goal']}", met,
                     f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "–"])
    return tabulate(rows, headers=["figure", "holp (s)", "baseline", "base (s)", "ratio", "goal", "met", "peak MB"],
                    tablefmt="github", disable_numparse=True)


def summary(results: list[dict[str, object]]) -> list[str]:
    """The goals met and missed, and every holp run (a figure's, or a cold baseline's) over RSS_LIMIT_MB."""
    goals = [r for r in results if r["goal"] is not None]
    missed = [str(r["label"]) for r in goals if r["met"] is not True]
    heavy = [f"{r['label']}: {r['peak_rss_mb']:.0f} MB" for r in results
             if isinstance(r.get("peak_rss_mb"), float) and r["peak_rss_mb"] > RSS_LIMIT_MB]  # type: ignore[operator]
    heavy += sorted({f"{r['baseline_label']} of {r['label']}: {r['baseline_peak_rss_mb']:.0f} MB" for r in results
                     if r.get("baseline_is_holp") and isinstance(r.get("baseline_peak_rss_mb"), float)
                     and r["baseline_peak_rss_mb"] > RSS_LIMIT_MB})  # type: ignore[operator]
    return [f"goals met: {len(goals) - len(missed)} of {len(goals)}"
            + (f"; missed: {', '.join(missed)}" if 0 < len(missed) <= 10 else ""),
            f"peak RSS over {RSS_LIMIT_MB} MB: " + ("; ".join(heavy) if heavy else "none")]
