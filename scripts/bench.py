"""make bench: holp against its baselines, each pair measured in the same run, at the scale DESIGN.md names.

Usage: python scripts/bench.py [--dir PATH] [--projects N] [--customers N] [--commits N] [--keep]
                               [--rounds N] [--quick] [--only REGEX] [--json PATH]

Generates a sales repository (scripts/bench_repo.py: 10,000 projects, 5,000
customers, 100,000 commits by default), then measures every figure as the
median of --rounds runs, each a fresh process, holp and its baseline
interleaved (baseline, holp, baseline, holp, ...), with the peak RSS of each
run (os.wait4). "cold" is a run with the cache folder .git/holp removed,
"warm" one with the cache a previous run left. The repository is put back at
its base commit, clean, after every figure, so --keep reuses it. Prints one
table and writes benchmarks/results/<UTC date>-<hostname>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_repo
from bench_measure import PYTHON, ROOT, Failed, Group, Side, figures, machine, measure, result, run_group, summary, table

from holp.reports import REPORTS

SCRIPT = Path(PYTHON).with_name("holp")
HOLP = [str(SCRIPT)] if SCRIPT.exists() else [PYTHON, "-m", "holp"]
COMMITS_ON_TOP = 100  # "warm after 100 new commits"
EDITED = 10  # "warm with 10 files edited"
STAGED = 5  # the files a pre-commit hook passes to `holp validate`
QUICK = (40, 20, 400)  # --quick: projects, customers, commits (enough for a project to advance and one to tick)
BRANCH = "bench-commits"  # the temporary branch of the commits on top (deleted again)
META = "holp-bench.json"  # in the git folder: the scale and base commit of a generated repository
TRIES = 20  # projects tried before `holp advance` / `holp tick` is given up as impossible on the generated data


class Bench:
    def __init__(self, dest: Path, work: Path, base: str, scale: dict[str, int]) -> None:
        self.dest, self.work, self.base, self.scale = dest, work, base, scale
        self.cache = dest / ".git" / "holp"
        day = bench_repo.git(dest, "log", "-1", "--format=%cI", base)[:10]
        self.env = {**os.environ, "HOLP_TODAY": day}
        self.identity("rep000")
        self.on_top = ""  # the head of the commits on top of base, made when a figure first needs them
        self.saved: set[str] = set()

    def identity(self, rep: str) -> dict[str, str]:
        for who in ("AUTHOR", "COMMITTER"):
            self.env[f"GIT_{who}_NAME"] = f"销售{rep[3:]}"
            self.env[f"GIT_{who}_EMAIL"] = f"{rep}@holp.example"
        return self.env

    def git(self, *args: str) -> str:
        return bench_repo.git(self.dest, *args)

    def run(self, argv: list[str]) -> None:
        """An untimed run that must succeed (priming a cache, building an input)."""
        measure(argv, self.dest, self.env)

    # the states a run starts from
    def reset(self, rev: str = "") -> None:
        self.git("reset", "-q", "--hard", rev or self.base)
        self.git("clean", "-fdq")

    def restore_base(self) -> None:
        self.reset()
        if self.git("branch", "--list", BRANCH):
            self.git("branch", "-q", "-D", BRANCH)

    def commits_on_top(self) -> str:
        if not self.on_top:
            if self.git("branch", "--list", BRANCH):
                self.git("branch", "-q", "-D", BRANCH)
            self.on_top = bench_repo.append_commits(self.dest, self.base, BRANCH, COMMITS_ON_TOP)
        return self.on_top

    def cold(self, *outputs: Path) -> None:
        self.reset()
        for path in (self.cache, *outputs):
            shutil.rmtree(path, ignore_errors=True)

    def save(self, name: str, *outputs: Path) -> None:
        """Keep the cache (and the outputs a rebuild reuses) as they are now, to start warm runs from."""
        for k, path in enumerate((self.cache, *outputs)):
            copy = self.work / "saved" / name / str(k)
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(path, copy)
        self.saved.add(name)

    def restore(self, name: str, *outputs: Path) -> None:
        for k, path in enumerate((self.cache, *outputs)):
            shutil.rmtree(path, ignore_errors=True)
            shutil.copytree(self.work / "saved" / name / str(k), path)

    def warm(self) -> None:
        """The cache of a repository in daily use: primed by `validate` and `history` at base."""
        if "warm" not in self.saved:
            self.cold()
            self.run([*HOLP, "validate"])
            self.run([*HOLP, "history", "--format", "json"])
            self.save("warm")
        self.reset()
        self.restore("warm")

    def edit(self, n: int, stage: bool = False) -> list[str]:
        paths = bench_repo.edit_files(self.dest, n)
        if stage:
            self.git("add", "--", *paths)
        return paths

    # the figures
    def validate(self) -> Group:
        schemas = {kind: self.work / f"{kind}.schema.json" for kind in ("project", "customer")}
        files = {kind: self.git("ls-files", "-z", f"{kind}s").strip("\0").split("\0") for kind in schemas}

        def setup() -> None:
            for kind, path in schemas.items():
                path.write_bytes(subprocess.run([*HOLP, "schema", kind], cwd=self.dest, env=self.env, check=True,
                                                capture_output=True).stdout)

        check = str(Path(PYTHON).with_name("check-jsonschema"))
        return Group("validate", [
            Side("check-jsonschema", [[check, "--schemafile", str(schemas[k]), *files[k]] for k in schemas],
                 is_holp=False),
            Side("validate", [[*HOLP, "--no-cache", "validate"]]),
        ], [("holp --no-cache validate", "validate", "check-jsonschema", "check-jsonschema (holp's schemas)", 0.3)],
            setup)

    def history(self) -> Group:
        command = [*HOLP, "history", "--format", "json"]

        def on_top() -> None:
            if "history" not in self.saved:  # the cache a history at base leaves
                self.cold()
                self.run(command)
                self.save("history")
            self.reset(self.commits_on_top())
            self.restore("history")

        return Group("history", [
            Side("git log", [["git", "log", "--raw", "-z", "--no-renames", "--format=%H", "--", "projects"]],
                 is_holp=False),
            Side("cold", [[*HOLP, "--no-cache", "history", "--format", "json"]]),
            Side("warm, on top", [command], on_top, self.reset),
        ], [("holp --no-cache history", "cold", "git log", "git log --raw -z --no-renames", 1.3),
            (f"history: warm, {COMMITS_ON_TOP} commits on top", "warm, on top", "cold", "history --no-cache", 0.05)])

    def warm_and_cold(self, name: str, command: list[str], *outputs: Path) -> Group:
        """A command cold, and warm three ways (nothing changed, commits on top, files edited), each against cold."""

        def cold() -> None:
            self.cold(*outputs)

        def keep() -> None:
            if name not in self.saved:
                self.save(name, *outputs)

        def warm() -> None:
            self.reset()
            self.restore(name, *outputs)

        def on_top() -> None:
            self.reset(self.commits_on_top())
            self.restore(name, *outputs)

        def edited() -> None:
            warm()
            self.edit(EDITED)

        return Group(name, [
            Side("cold", [command], cold, keep),
            Side("warm", [command], warm),
            Side("warm, on top", [command], on_top, self.reset),
            Side("warm, edited", [command], edited, self.reset),
        ], [(f"{name}: warm", "warm", "cold", "cold", 0.1),
            (f"{name}: warm, {COMMITS_ON_TOP} commits on top", "warm, on top", "cold", "cold", 0.1),
            (f"{name}: warm, {EDITED} files edited", "warm, edited", "cold", "cold", 0.1)])

    def reports(self) -> list[Group]:
        since = (dt.date.fromisoformat(self.env["HOLP_TODAY"]) - dt.timedelta(days=30)).isoformat()
        options = {"changes": ["--since", since]}  # week, kpi: the period of HOLP_TODAY, the last commit's day
        groups = [self.warm_and_cold(f"report {kind}", [*HOLP, "report", kind, "--format", "json",
                                                        *options.get(kind, [])]) for kind in REPORTS]
        groups.append(self.warm_and_cold("report all (html)", [*HOLP, "report", "all", "--format", "html"]))
        groups.append(self.warm_and_cold("agenda", [*HOLP, "agenda", "--format", "json"]))
        site = self.work / "site"
        groups.append(self.warm_and_cold("site", [*HOLP, "site", "-o", str(site)], site))
        return groups

    def precommit(self) -> Group:
        paths = bench_repo.spread(bench_repo.project_files(self.dest), STAGED)

        def prepare() -> None:
            self.warm()
            self.edit(STAGED, stage=True)

        return Group("pre-commit", [
            Side("version", [[*HOLP, "--version"]]),
            Side("validate staged", [[*HOLP, "validate", *paths]], prepare, self.reset),
        ], [(f"validate {STAGED} staged files (pre-commit)", "validate staged", "version", "holp --version", 3)])

    def change(self, verb: str) -> Group:
        """`holp advance` or `holp tick` of a project where it is allowed, against `git commit` of the same bytes."""
        found: dict[str, str] = {}

        def setup() -> None:
            self.warm()
            tried: list[str] = []
            refused: list[str] = []
            for path in bench_repo.project_files(self.dest):
                project = bench_repo.Project.parse((self.dest / path).read_text(encoding="utf-8"))
                items = bench_repo.ITEMS[bench_repo.STAGES[project.stage]]
                if verb == "advance" and (project.ticks < len(items) or project.stage + 2 >= len(bench_repo.STAGES)):
                    continue
                if verb == "tick" and project.ticks >= len(items):
                    continue
                argv = [*HOLP, verb, project.id] + ([items[project.ticks]] if verb == "tick" else [])
                self.identity(project.owner)
                tried.append(project.id)
                try:
                    self.run(argv)
                except Failed as failed:
                    refused.append(str(failed))
                    if len(tried) < TRIES:
                        continue
                    break
                found.update(path=path, rep=project.owner, text=self.git("show", f"HEAD:{path}") + "\n")
                holp.argvs.append(argv)
                commit.argvs.append(["git", "commit", "-q", "-am", self.git("log", "-1", "--format=%B")])
                break
            self.reset()
            if not found:
                raise Failed(f"no generated project takes `holp {verb}` (tried {', '.join(tried) or 'none'}"
                             + (f"; the last: {refused[-1]}" if refused else "") + ")")

        def edit() -> None:
            self.reset()
            self.identity(found["rep"])
            (self.dest / found["path"]).write_text(found["text"], encoding="utf-8")

        def warm() -> None:
            self.identity(found["rep"])
            self.warm()

        commit = Side("git commit", [], edit, self.reset, is_holp=False)
        holp = Side(verb, [], warm, self.reset)
        return Group(verb, [commit, holp],
                     [(f"holp {verb} (warm)", verb, "git commit", "git commit -am of the same change", 3)], setup)

    def importing(self) -> Group:
        rows = self.scale["import_rows"]
        sheet = self.work / "import.xlsx"

        def setup() -> None:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            page = book.create_sheet("customers")
            page.append(["name", "industry", "region", "owner"])
            for i in range(rows):
                page.append([f"导入客户{i:05d}号有限公司", "steel", bench_repo.REGIONS[i % 10], f"rep{i % 50:03d}"])
            book.save(sheet)

        def prepare() -> None:
            self.identity("rep000")
            self.warm()

        read = "import openpyxl, sys\nfor page in openpyxl.load_workbook(sys.argv[1], read_only=True):\n" \
               "    for row in page.iter_rows(values_only=True): pass\n"
        return Group("import", [
            Side("openpyxl", [[PYTHON, "-c", read, str(sheet)]], is_holp=False),
            Side("import", [[*HOLP, "import", "customers", str(sheet)]], prepare, self.reset),
        ], [(f"import of a {rows}-row sheet", "import", "openpyxl", "openpyxl read_only, every row", None)], setup)

    def export(self) -> Group:
        csv, xlsx = self.work / "export-csv", self.work / "export.xlsx"

        def prepare() -> None:
            self.warm()
            shutil.rmtree(csv, ignore_errors=True)
            xlsx.unlink(missing_ok=True)

        return Group("export", [
            Side("csv", [[*HOLP, "export", "--format", "csv", "-o", str(csv)]], prepare),
            Side("xlsx", [[*HOLP, "export", "--format", "xlsx", "-o", str(xlsx)]], prepare),
        ], [("export --format xlsx (warm)", "xlsx", "csv", "export --format csv", None)])

    def startup(self) -> Group:
        return Group("start-up", [
            Side("click", [[PYTHON, "-c", "import click"]], is_holp=False),
            Side("version", [[*HOLP, "--version"]]),
            Side("help", [[*HOLP, "--help"]]),
        ], [("holp --version", "version", "click", "python -c 'import click'", 2),
            ("holp --help", "help", "click", "python -c 'import click'", 2)])

    def groups(self) -> list[Group]:
        return [self.validate(), self.history(), self.startup(), self.precommit(), self.change("advance"),
                self.change("tick"), self.importing(), self.export(), *self.reports()]


def prepare_repository(options: argparse.Namespace) -> tuple[str, dict[str, int]]:
    dest: Path = options.dir
    meta = dest / ".git" / META
    if options.keep and not meta.is_file() and bench_repo.generated(dest):  # by the bench before this one
        paths = bench_repo.git(dest, "ls-tree", "-r", "--name-only", "refs/heads/main").splitlines()
        meta.write_text(json.dumps({
            "projects": sum(p.startswith("projects/") for p in paths),
            "customers": sum(p.startswith("customers/") for p in paths),
            "commits": int(bench_repo.git(dest, "rev-list", "--count", "refs/heads/main")),
            "base": bench_repo.git(dest, "rev-parse", "refs/heads/main")}))
    if options.keep and meta.is_file():
        kept = json.loads(meta.read_text())
        print(f"reusing {dest} ({kept['projects']} projects, {kept['customers']} customers, "
              f"{kept['commits']} commits)", flush=True)
        return kept["base"], {k: kept[k] for k in ("projects", "customers", "commits")}
    if dest.exists() and any(dest.iterdir()) and not bench_repo.generated(dest):
        raise SystemExit(f"{dest} is not a repository this bench generated: remove it, or pass another --dir")
    scale = {"projects": options.projects, "customers": options.customers, "commits": options.commits}
    print(f"generating {scale['projects']} projects, {scale['customers']} customers, {scale['commits']} commits "
          f"in {dest} ...", flush=True)
    start = time.perf_counter()
    bench_repo.generate(dest, **scale)
    base = bench_repo.git(dest, "rev-parse", "HEAD")
    scale["commits"] = int(bench_repo.git(dest, "rev-list", "--count", base))  # with the top-up of new projects
    meta.write_text(json.dumps({**scale, "base": base}))
    print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    return base, scale


def pattern(text: str) -> str:
    try:
        re.compile(text)
    except re.error as error:
        raise argparse.ArgumentTypeError(f"not a regular expression: {error}") from None
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "bench-repo")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="reuse the repository a previous run generated")
    parser.add_argument("--rounds", type=int, help="runs of each command; the median counts (default 3, at least 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny scale ({} projects, {} customers, {} commits), one round: for tests".format(*QUICK))
    parser.add_argument("--only", metavar="REGEX", type=pattern, help="only the figures whose label matches")
    parser.add_argument("--json", type=Path, help="write the results there (default benchmarks/results/DATE-HOST.json)")
    options = parser.parse_args()
    if options.quick:
        options.projects, options.customers, options.commits = QUICK
    rounds = options.rounds or (1 if options.quick else 3)
    if rounds < (1 if options.quick else 3):
        parser.error("--rounds: at least 3 (a median of fewer is noise), unless --quick")
    options.dir = options.dir.resolve()
    base, scale = prepare_repository(options)
    scale["import_rows"] = 200 if options.quick else 10_000
    with tempfile.TemporaryDirectory(prefix="holp-bench-") as work:
        bench = Bench(options.dir, Path(work), base, scale)
        bench.restore_base()
        scale["files"] = len(bench.git("ls-files").splitlines())
        chosen = figures(bench.groups(), options.only)
        if not chosen:
            parser.error(f"--only {options.only}: no figure's label matches")
        print(f"{sum(len(f) for _, f in chosen)} figures, {rounds} round{'s' if rounds != 1 else ''}, "
              f"{os.cpu_count()} cores, HOLP_TODAY={bench.env['HOLP_TODAY']}", flush=True)
        results = []
        for group, found in chosen:
            error = None
            try:
                run_group(group, rounds, bench.dest, bench.env, bench.restore_base)
            except (Failed, subprocess.CalledProcessError) as failed:
                error = str(failed) if isinstance(failed, Failed) else f"{failed.cmd}: {failed.stderr}"
                print(f"  FAILED: {error}", flush=True)
            results += [result(figure, error) for figure in found]
    print()
    print(table(results))
    print()
    print("\n".join(summary(results)))
    output = options.json or ROOT / "benchmarks" / "results" / (
        f"{dt.datetime.now(dt.UTC).date().isoformat()}-{socket.gethostname()}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": machine(options.dir), "scale": scale, "rounds": rounds,
                                  "figures": results}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"results: {output}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
