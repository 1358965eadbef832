"""holp.yaml.fast gives exactly libyaml's values, types and lines, or declines: over real files, tricky texts,
generated repositories and a grammar of the dangerous constructs."""

from __future__ import annotations

import random
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CUSTOMER, PROJECT, TEAM
from holp import yaml
from holp.git import CatFile
from holp.yaml import Map, Seq, fast

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path("/work/bench-repo")  # the generated benchmark repository, where it exists (not in CI)


def differs(a: object, b: object, where: str = "$") -> str | None:
    """Where two read values differ in value, type (recursively) or line; None if they are the same."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} {a!r} is not {type(b).__name__} {b!r}"
    if isinstance(a, (Map, Seq)) and a.line != b.line:  # type: ignore[union-attr]
        return f"{where}: line {a.line} is not {b.line}"  # type: ignore[union-attr]
    if isinstance(a, Map):
        assert isinstance(b, Map)
        if list(a) != list(b):
            return f"{where}: keys {list(a)} are not {list(b)}"
        return next((d for k in a if (d := differs(a[k], b[k], f"{where}.{k}"))), None)
    if isinstance(a, Seq):
        assert isinstance(b, Seq)
        if len(a) != len(b):
            return f"{where}: {len(a)} items, not {len(b)}"
        return next((d for i, (x, y) in enumerate(zip(a, b, strict=True)) if (d := differs(x, y, f"{where}[{i}]"))), None)
    if isinstance(a, Decimal):
        assert isinstance(b, Decimal)
        return None if a.as_tuple() == b.as_tuple() else f"{where}: {a!r} is not {b!r}"  # 1.0 is not 1
    return None if a == b else f"{where}: {a!r} is not {b!r}"


def check(raw: bytes) -> bool:
    """The promise: if the fast path reads ``raw``, libyaml reads it with no problem and the same values.
    Returns whether the fast path read it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    value = fast.parse(text)
    if value is None:
        return False
    slow = yaml.read("f.yaml", raw, fast=False)
    assert slow.problems == [], f"fast read {raw!r}, but libyaml finds {slow.problems}"
    assert (d := differs(value, slow.tree)) is None, f"{raw!r}: {d}"
    quick = yaml.read("f.yaml", raw)
    assert quick.problems == [] and differs(quick.tree, value) is None
    return True


def _example_files() -> list[Path]:
    return sorted(p for p in (ROOT / "example-repo").rglob("*") if p.suffix in (".yaml", ".yml"))


def _template_files() -> list[Path]:
    return sorted(p for p in (ROOT / "templates" / "init").rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", _example_files() + _template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_fast__reads_every_example_and_template_exactly(path: Path) -> None:
    assert check(path.read_bytes()), f"the fast path declines {path}"


def test_fast__reads_the_test_texts_exactly() -> None:
    assert all(check(text.encode("utf-8")) for text in (TEAM, CUSTOMER, PROJECT))


def test_fast__is_used_by_read() -> None:
    doc = yaml.read("f.yaml", PROJECT.encode("utf-8"))
    assert doc.problems == [] and doc._root is False  # not composed by libyaml
    assert doc.locate(("checklist", "entry", "procurement_org_mapped")) == (20, 29)  # composed when asked


def _bench_blobs() -> list[bytes]:
    """2,000 project and customer blobs of the benchmark repository, written at four points of its history."""
    shas: dict[str, None] = {}
    for skip in (0, 30000, 60000, 90000):
        out = subprocess.run(["git", "-C", str(BENCH), "log", "--format=", "--raw", "--no-abbrev", f"--skip={skip}",
                              "-n", "700"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            fields = line.split()
            if len(shas) < 2000 and fields[-1].startswith(("projects/", "customers/")) and fields[3].strip("0"):
                shas[fields[3]] = None
    return list(CatFile(BENCH).read(list(shas)).values())


def _generated_files(count: int) -> list[bytes]:
    """Files in the shape of the benchmark's (made here where the benchmark repository is not)."""
    rng = random.Random(7)
    files = []
    for n in range(count):
        lines = [f"# 项目{n} —— 负责人 rep{n % 50:03}", f"id: P-2024-{n:05}", f"name: 余热发电改造{n}号",
                 f"customer: C-{n % 300:05}", f"amount: {rng.randrange(10**5, 10**8)}{'  # 合同额' * (n % 2)}",
                 f"probability: {rng.choice(['0.10', '0.5', '1e3', '-0', '007'])}",
                 f"stage: {rng.choice(['prospecting', 'entry', 'lost', 'won'])}{'   # 当前阶段' * (n % 3 == 0)}",
                 "checklist:", "  prospecting:"]
        lines += [f"    item_{i}: 2026-0{1 + i % 9}-1{i % 10}{'   # 已确认' * (i % 2)}" for i in range(rng.randrange(5))]
        if n % 4 == 0:
            lines += ["notes: |", "  第一行", "", "  # 不是注释", "    缩进的一行", ""]
        lines += ["assessment:", f"  real: {{need: {n % 5}, budget: {rng.randrange(5)}, note: 'it''s', x: \"y\"}}",
                  "competitors:", f"  - {{name: 某节能公司{n}, strength: 价格低, tags: [a, b, {n}]}}", "visits:"]
        for v in range(rng.randrange(4)):
            lines += [f"  - date: 2026-{1 + v:02}-15", f"    by: [rep{v}, 'li.na']", "    findings:",
                      f"      needs: 希望降低吨钢综合能耗 {v}", "    changes:", f"    - {{contact: 李{v}, trust: up}}"]
        eol = "\r\n" if n % 10 == 0 else "\n"
        files.append(("\ufeff" * (n % 17 == 0) + eol.join(lines) + eol * (n % 13 != 0)).encode("utf-8"))
    return files


def test_fast__reads_the_benchmark_files_exactly() -> None:
    files = _bench_blobs() if BENCH.is_dir() else _generated_files(300)
    assert len(files) >= 300
    assert sum(check(raw) for raw in files) == len(files)


def test_fast__reads_generated_files_exactly() -> None:
    files = _generated_files(300)
    assert sum(check(raw) for raw in files) == len(files)


ACCEPTED = [
    "a: |\n  stage: won\nb: 1\n",
    "a: |-\n  x\n\n  y\n\n\nb: 1\n",
    "a: |\n  x\n  # not a comment\n",
    "- |\n  x\n- y\n",
    "a:\n- |\n  x\n- y\n",
    "a: x #c\nb: x#c\nc: 'q' # c\nd: \"q\" #c\ne: [1, 2] # c\nf: {g: 1}  # c\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb:\r\n  - x\r\n",
    "a: 0o17\nb: 0x1F\nc: 1e3\nd: .5\ne: -0\nf: +1\ng: 007\nh: 1_000\nk: 1.0\nl: 1.50\nm: -5\n",
    "a: [0o17, 0x1F, 1e3, .5, -0, +1, 007, 1_000, -5, 1.50]\n",
    "a: yes\nb: no\nc: on\nd: True\ne: ~\nf: Null\ng: off\nh: TRUE\ni: NULL\nj: y\nk: n\n",
    "a:\nb: \nc: ~\nd: # c\n",
    "a:\n- x\n- y\nb: 1\n",
    "a:\n  b:\n  - x\n  c: 1\n",
    "a:\n- x\n-\n- y\n",
    "a: x   \nb: 'y'   \n",
    "a: 1\nb: 2",
    "a: b:c\nb: -x\nc: ---\nd: 10:30\ne: 2026-02-30\nf: 'a\\b'\ng: x %y\nh: http://x.com/a#b\n",
    "-\n  - a\n-\n  a: 1\n- a\n-\n",
    "a: {}\nb: []\nc: { }\nd: [ ]\n",
    "a: {b: [1, 2], c: {d: e}}\n",
    "a: [-5, -x]\nb: {b: it's, c: \"q\"}\nc: [a b, 'c d', \"e f\", 'it''s']\n",
    "a: 'it''s'\nb: ''\nc: \"\"\n",
    "true: 1\nnull: 2\non: 3\n",
    "a: 1 # c\n# full\n  # indented comment\nb: 2\n",
    "a:\n\n  b: 1\n",
    "a:\n  # c\n  b: 1\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- a:\n  - x\n  b: 1\n",
    "a:\n  -   b: 1\n      c: 2\n",
    "a: |  # c\n  x\n",
    "a: |\n  x\n  \n  y\n",
    "a: 1 \r\n",
    "a: |\r\n  x\r\n  y\r\nb: 1\r\n",
    "a: 中文 (见 P-2026-009)\nb: 质保金 10%，验收满一年\n",
    "a: holp review \"origin/${{ github.base_ref }}\" | tee -a x\n",
    "a: 😀 ok\nb: [😀]\nc: \u00a0b\nd: ...\ne: \ufff0\n",
    "a:\n  - b: 1\n    c: |\n      x\n  - d\n",
    "- [a, b]\n- {c: d}\n- \"e\"\n",
]

DECLINED = [
    'a:\n  b: "x\nstage: won"\n',  # a stage line inside a multi-line double-quoted string
    'a:\n  b: "x\n  stage: won"\n',
    "a:\n  b: 'x\nstage: won'\n",
    "a: {b: 1,\nstage: won}\n",  # inside a multi-line flow mapping
    "a: [1,\nstage]\n",
    '"stage": lost\n',  # quoted keys
    "'stage': lost\n",
    'stage: won\n"stage": lost\n',
    "a: plain\n  stage: won\n",  # multi-line plain scalars
    "a: plain\n\n  continued\n",
    "a: plain\n# c\n  continued\n",
    "- a\n  - b\n",
    "a: >\n  x\n  y\n",  # folded and other block scalars
    "a: |+\n  x\n\n",
    "a: |2\n   x\n",
    "a: |\n  x",
    "a: |\n\n  x\n",
    "a: |\nb: 1\n",
    "a: [1, # c\n 2]\n",  # comments inside flow
    "a: {x: 1 #c\n}\n",
    "a: 1\rb: 2\n",  # a lone CR is a line break
    "名字: 张伟\n",
    "a: 1\na: 2\n",  # duplicate keys at several depths
    "a:\n  b: 1\n  b: 2\n",
    "a:\n- b: 1\n  b: 2\n",
    "a:\n  - {b: 1, b: 2}\n",
    "x:\n  - c:\n      d: [1, 2]\n      d: 3\n",
    "a: &x 1\nb: *x\n",  # anchors, aliases, tags
    "a: !!str 1\n",
    "a: &x\n  b: 1\n",
    "a: .nan\n",
    "a: " + "9" * 5000 + "\n",
    "a: 1e400\n",
    "a: [1, .inf]\n",
    "a: 1\n---\nb: 2\n",
    "---\na: 1\n",
    "a: 1\n...\n",
    "%YAML 1.2\n---\na: 1\n",
    "a:\tb\n",
    "a: b\u2028c\n",
    "a: b\x85c\n",
    "a: 1\n\ufeffb: 2\n",
    "a: b: c\n",
    "a: - x\n",
    "a:\n  - x\n  b: 1\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: [a: 1]\n",
    "a: {'b': 1}\n",
    "a: [x?y]\n",
    'a: "x\\"y"\n',
    "? a\n: 1\n",
    "a : 1\n",
    'a: "x": y\n',
    "a: x\n b: 1\n",
    "a: {b: 1,}\n",
    "a: \ufffe\n",
    "",
    "x\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_fast__reads_the_plain_shapes_exactly(text: str) -> None:
    assert check(text.encode("utf-8"))


@pytest.mark.parametrize("text", DECLINED)
def test_fast__declines_what_it_is_not_sure_of(text: str) -> None:
    assert not check(text.encode("utf-8"))


def test_fast__declines_before_holp_yaml_max_depth() -> None:
    assert fast.MAX_NESTING + 2 < yaml.MAX_DEPTH
    deep = "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + f"{'  ' * 40}k: 1\n"
    assert not check(deep.encode())


# The grammar: block structure as holp writes it, with every construct that could fool a line reader mixed in.
KEYS = ["id", "stage", "a", "b", "on", "true", "null", "名字", '"stage"', "'a'", "? a", "a b", "-a", "a.b"]
SCALARS = ["won", "lost", "a b", "x:", "x:y", "x: y", "a #c", "a#b", "-x", "- x", "-", "@x", "%x", "`x", "&a x",
           "*a", "&a", "!!str 1", "!!int 1", "!x y", "~", "", "null", "Null", "NULL", "yes", "no", "on", "True",
           "FALSE", "0o17", "0x1F", "1e3", ".5", "-0", "+1", "007", "1_000", "1.50", ".nan", "-.inf", "9" * 60,
           "1e99", "2026-01-10", "10:30", "中文", "it's", '"q"', '"q" #c', '"q"#c', "'q'", "'it''s'", "'x''",
           '"a\\"b"', '"a\\nb"', '"un', "'un", "[1, 2]", "[a, [b, c]]", "{a: 1, b: [x]}", "{a: 1, a: 2}",
           "[a,", "{a: 1", "[a, ]", "{a}", "{a: }", "{'a': 1}", "[a: 1]", "[x?y]", "[-5, -x]", "{}", "[]",
           "|", "|-", "|+", ">", "|2", "| #c", "'", '"', "---", "...", "? x", ": x", "\u2028", "\x85", "\t"]
PLAIN_KEYS = ["id", "stage", "a", "b", "on", "true", "null", "li.na", "k-1", "_x", "c", "d", "e", "f"]
SAFE = ["won", "a b", "x:y", "a#b", "-x", "~", "", "null", "yes", "on", "True", "0o17", "0x1F", "1e3", ".5", "-0",
        "+1", "007", "1_000", "1.50", "2026-01-10", "10:30", "中文 (见 P-1)", "it's", '"q"', "'q'", "'it''s'", '" a "',
        "[1, 2]", "{a: 1, b: [x, 'y'], c: {d: 1.0}}", "{}", "[ ]", "[-5, -x]", "a #c", "\\x", "a\u00a0b"]
INDENTS = st.sampled_from([0, 0, 1, 2, 2, 3, 4, 4, 6])


@st.composite
def lines(draw: st.DrawFn) -> str:
    indent = " " * draw(INDENTS)
    kind = draw(st.integers(0, 9))
    value = draw(st.sampled_from(SCALARS) | st.text("ab:#-'\"[]{}, |>&*!?\\\r\u00a0中", max_size=8))
    tail = draw(st.sampled_from(["", "", " ", "  # c", " #c", "#c"]))
    key = draw(st.sampled_from(KEYS))
    if kind <= 3:
        return f"{indent}{key}:{draw(st.sampled_from([' ', ' ', '  ', '']))}{value}{tail}"
    if kind == 4:
        return f"{indent}{key}:{tail}"
    if kind == 5:
        return f"{indent}- {value}{tail}"
    if kind == 6:
        return f"{indent}- {key}: {value}{tail}"
    if kind == 7:
        return f"{indent}-{tail}"
    if kind == 8:
        return draw(st.sampled_from(["", "  ", "# c", "  # stage: won", "---", "...", "%YAML 1.2"]))
    return f"{indent}{value}"  # a continuation, or block scalar content


@st.composite
def texts(draw: st.DrawFn) -> bytes:
    body = draw(st.lists(lines(), min_size=1, max_size=12))
    eol = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    end = draw(st.sampled_from(["", eol]))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    return (bom + eol.join(body) + end).encode("utf-8")


@st.composite
def trees(draw: st.DrawFn) -> bytes:
    """Mostly valid files of nested blocks (to test lines and values where the fast path reads), then mutated."""
    out: list[str] = []

    def block(indent: int, depth: int) -> None:
        is_map = depth == 0 or draw(st.booleans())
        for _ in range(draw(st.integers(1, 3))):
            lead = " " * indent + ("" if is_map else "- ")
            key = draw(st.sampled_from(PLAIN_KEYS)) + ": " if is_map else ""
            if depth < 3 and draw(st.integers(0, 2)) == 0:
                out.append(lead.rstrip() if not is_map else lead + key.rstrip())
                if draw(st.booleans()):
                    out.append(draw(st.sampled_from(["", "  # c"])))
                step = draw(st.sampled_from([0, 1, 2, 4] if is_map else [1, 2, 4]))
                if step:
                    block(indent + step, depth + 1)
                else:  # `key:` and a sequence at the same indent
                    out.append(" " * indent + "- " + draw(st.sampled_from(SCALARS[:40])))
            elif draw(st.integers(0, 5)) == 0:
                out.append(lead + key + draw(st.sampled_from(["|", "|-", "| # c"])))
                pad = " " * (indent + draw(st.integers(1, 3)))
                out.extend(pad + draw(st.sampled_from(SAFE + SCALARS[:20])) if i == 0 or draw(st.integers(0, 4))
                           else "" for i in range(draw(st.integers(1, 3))))
            else:
                value = draw(st.sampled_from(SAFE) if draw(st.integers(0, 3)) else st.sampled_from(SCALARS))
                out.append(lead + key + value + draw(st.sampled_from(["", " # c", "  "])))

    block(0, 0)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        out.insert(draw(st.integers(0, len(out))), draw(lines()))
    return ("\n".join(out) + "\n").encode("utf-8")


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts() | trees())
def test_fast__whatever_it_reads_is_what_libyaml_reads(raw: bytes) -> None:
    check(raw)


def test_fast__the_grammar_reaches_the_fast_path() -> None:
    """The property test is worth something only if many generated texts are read, not declined."""
    read = 0

    @settings(max_examples=300, deadline=None, database=None)
    @given(trees())
    def count(raw: bytes) -> None:
        nonlocal read
        read += check(raw)

    count()
    assert read > 60  # some 35 % are read
