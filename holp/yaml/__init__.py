"""The only package that touches the YAML library (this module reads; `write` writes; `scalars` holds the rules).

Reading: libyaml (through ruamel.yaml.clib's C parser) composes the node tree,
and holp's own constructor turns nodes into plain Python values by one set of
rules, YAML 1.2's core schema, with two deliberate narrowings:

* every non-integer number becomes a `Decimal` (money is never a float), and
  a plain scalar that is neither null, bool, int nor a number stays a string:
  dates are strings here and checked as ISO dates by the validator, so
  ``2026-02-30`` is a reported problem, not a crash.
* no tags are executed or kept (only the core tags ``!!str``, ``!!int`` ...
  are honoured), aliases are never expanded, directives are refused, and
  duplicate keys are reported with their line.

Bounds come before work: a file over `MAX_BYTES` is refused by its size (callers
that can ask the size first do, and never read it), nesting is bounded before
libyaml composes (its composer recurses in C), and a number's digits and
exponent are bounded on its text, before any conversion; a refused number reads
as None, so nothing downstream computes with it.

Most files are in the plain shape holp writes; `fast` reads those line by line
to exactly the values, types and lines libyaml's composing would give (and
declines anything else, which libyaml then reads): about 2.5x faster, which
matters to `holp history`, reading every blob of a repository.

Every problem found while reading is returned, never raised, so a caller can
report all of them in one run. Editing (`holp advance` and friends) never
reads values through another library's rules: it re-reads what it wrote with
this module and checks the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, StreamEndEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from holp.git import Unread
from holp.problems import ERROR, Problem
from holp.yaml.fast import parse as fast_parse
from holp.yaml.scalars import MAX_DIGITS, MAX_EXPONENT, BadNumber, resolve, resolve_plain
from holp.yaml.values import Map, Seq
from holp.yaml.write import double_quoted, round_trip_set, scalar

__all__ = ["MAX_BYTES", "MAX_DIGITS", "MAX_EXPONENT", "Document", "Map", "Seq", "compose", "double_quoted", "read",
           "resolve_plain", "round_trip_set", "scalar", "tag_of", "too_large"]

try:  # the C parser; without ruamel.yaml.clib holp would be 20x slower, see tests
    from _ruamel_yaml import CParser as _CParser

    C_PARSER = True
except ImportError:  # pragma: no cover - exercised only on a broken install
    from ruamel.yaml.cyaml import CParser as _CParser

    C_PARSER = False

MAX_BYTES = 1 << 20  # a sales file of a megabyte is a mistake, not a project
MAX_DEPTH = 32  # no holp format nests deeper than a handful of levels
MAX_FLOW_DEPTH = 500  # libyaml recurses in C: bound it before it can overflow
MAX_NESTING = 500  # the same bound for block and flow collections together, checked on libyaml's events
# Numbers: more digits than any amount or probability has, and still every 128-bit integer (39 digits),
# which is what tests/test_yaml.py's round trip of `scalar` draws.

_TAG = "tag:yaml.org,2002:"
_NESTERS = "-?:[{"  # every collection, block or flow, starts at one of these
_PROBABLE_ID = re.compile(r"^id:[ \t]*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)
_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.MULTILINE)


class _Composer(_CParser):
    """libyaml's composer with resolution left to `_construct`."""

    def descend_resolver(self, *_: Any) -> None:
        pass

    def ascend_resolver(self, *_: Any) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return "?"


class Document:
    """One YAML file as read: its data, the problems reading found, and positions."""

    __slots__ = ("_root", "path", "problems", "text", "tree")

    def __init__(self, path: str, text: str, tree: Any, problems: list[Problem]) -> None:
        self.path = path
        self.text = text
        self.tree = tree  # the plain values read; only holp.model turns them into records
        self.problems = problems
        self._root: Node | bool | None = False  # False: not composed yet

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def probable_id(self) -> str | None:
        """The id a file that could not be read seems to hold, so that others need not be blamed for it."""
        match = _PROBABLE_ID.search(self.text)
        return match.group(1) if match else None

    def locate(self, keys: tuple[Any, ...] | list[Any], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``keys``, or of its key with ``key=True``.

        Walks as far as the path exists, so a missing field points at the
        mapping that should have held it.
        """
        if self._root is False:
            try:
                self._root = _compose(self.text)
            except YAMLError:
                self._root = None
        node = self._root
        if not isinstance(node, Node):
            return (1, 1)
        mark = node.start_mark
        for i, k in enumerate(keys):
            last = i == len(keys) - 1
            if isinstance(node, MappingNode):
                found = None
                for knode, vnode in node.value:
                    if isinstance(knode, ScalarNode) and knode.value == k:
                        found = (knode, vnode)
                if found is None:
                    break
                node = found[1]
                mark = found[0].start_mark if (key and last) else found[1].start_mark
            elif isinstance(node, SequenceNode) and isinstance(k, int) and 0 <= k < len(node.value):
                node = node.value[k]
                mark = node.start_mark
            else:
                break
        return (mark.line + 1, mark.column + 1)

    def problem(self, keys: tuple[Any, ...] | list[Any], code: str, message: str,
                severity: str = ERROR, *, key: bool = False) -> Problem:
        line, column = self.locate(keys, key=key)
        return Problem(self.path, line, column, severity, code, message)


def compose(text: str) -> Node | None:
    """The node tree of ``text`` (libyaml), with marks: for editing at exact positions."""
    return _compose(text)


def tag_of(node: Node) -> str:
    """A node's tag as text. ruamel's `Node.tag` rebuilds it on every access, which parsing pays a
    million times over a repository; the C parser's tags are plain suffixes, read directly."""
    ctag = node.ctag
    if ctag.handle is None and isinstance(ctag.suffix, str) and "%" not in ctag.suffix:
        return ctag.suffix
    return str(node.tag)


def _compose(text: str) -> Node | None:
    parser = _Composer(text)
    try:
        node: Node | None = parser.get_single_node()
        return node
    finally:
        parser.dispose()


def too_large(path: str, size: int, limit: int | None = None) -> Document:
    """The document of a file too large to read: callers that know the size ask this before reading."""
    return Document(path, "", None, [Problem(path, 1, 1, ERROR, "too-large",
                                             f"file is {size} bytes; holp reads files up to {limit or MAX_BYTES} bytes")])


def read(path: str, raw: bytes, *, fast: bool = True) -> Document:
    """Read one file's bytes. Never raises for bad input: problems are in the result.

    ``raw`` may be a `git.Unread`, a blob left unread for its size: it reads as too large.
    A file in the plain shape holp writes is read by `fast`, which gives exactly libyaml's
    values or declines; ``fast=False`` always composes with libyaml (the tests compare the two).
    """
    problems: list[Problem] = []
    text = ""

    def fail(line: int, column: int, code: str, message: str) -> Document:
        problems.append(Problem(path, line, column, ERROR, code, message))
        return Document(path, text, None, problems)  # the text, if any, lets others guess what it held

    if isinstance(raw, Unread):
        return too_large(path, raw.size, raw.limit)
    if len(raw) > MAX_BYTES:
        return too_large(path, len(raw))
    if b"\x00" in raw:
        return fail(1, 1, "not-text", "file is binary (it contains NUL bytes), not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        return fail(line, 1, "not-text", "file is not UTF-8 text")
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        return fail(line, 1, "merge-conflict", "unresolved merge conflict marker: resolve the conflict first")
    for number, line_text in enumerate(text.splitlines(), 1):
        stripped = line_text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line_text.startswith("%"):
            return fail(number, 1, "yaml-directive", "YAML directives (%YAML, %TAG) are not allowed")
        break
    depth = _flow_depth(text)
    if depth > MAX_FLOW_DEPTH:
        return fail(1, 1, "too-deep", f"nesting deeper than {MAX_FLOW_DEPTH} levels")
    deep = _too_deep(text)
    if deep is not None:
        return fail(deep.line + 1, deep.column + 1, "too-deep",
                    f"lists and mappings nest deeper than {MAX_NESTING} levels here: holp files nest a few")
    if fast:
        value = fast_parse(text)
        if value is not None:
            return Document(path, text, value, problems)
    try:
        root = _compose(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        # An unclosed bracket or quote is noticed lines later: point where it opened.
        opened = e.context_mark if e.context and ("flow" in e.context or "quoted" in e.context) else None
        where = opened or mark
        line, column = (where.line + 1, where.column + 1) if where is not None else (1, 1)
        return fail(line, column, "yaml-syntax", _syntax_message(e, text, mark))
    except YAMLError as e:  # pragma: no cover - libyaml marks all its errors
        return fail(1, 1, "yaml-syntax", str(e).splitlines()[0])
    if root is None:
        return fail(1, 1, "empty", "file is empty: it needs at least an id")
    doc = Document(path, text, None, problems)
    seen: set[int] = set()
    doc.tree = _construct(root, doc, (), seen, 0)
    return doc


def _flow_depth(text: str) -> int:
    """An upper bound on flow nesting ([ and {), cheap when there are few brackets."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return 0
    depth = best = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return best


def _too_deep(text: str) -> Any:
    """Where collections first nest deeper than `MAX_NESTING`, or None.

    libyaml's composer recurses in C and crashes the process some ten thousand
    levels down, block (``- - - x``) or flow; its event parser keeps a stack of
    its own and does not. Each collection opens at one of `_NESTERS`, so a file
    with few of them cannot be deep, and the events are walked only when it has
    many; the walk stops at the first level too many.
    """
    if sum(text.count(ch) for ch in _NESTERS) <= MAX_NESTING:
        return None
    parser = _Composer(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    return event.start_mark
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            elif event is None or isinstance(event, StreamEndEvent):
                return None
    except YAMLError:
        return None  # composing reports it, and up to here the nesting is within bounds
    finally:
        parser.dispose()


def _syntax_message(e: MarkedYAMLError, text: str, mark: Any) -> str:
    if mark is not None:
        lines = text.splitlines()
        if mark.line < len(lines):
            line = lines[mark.line]
            if "\t" in line[: mark.column + 1] and not line[: mark.column].strip(" \t"):
                return "tab character in indentation: YAML indents with spaces only"
    if "expected a single document" in str(e.context):
        return "more than one YAML document (---) in the file: holp files hold one"
    problem = (e.problem or e.context or "invalid YAML").strip()
    context = e.context_mark
    if e.problem and e.context and context is not None and mark is not None and context.line != mark.line:
        return f"YAML syntax error: {problem} ({e.context.strip()} from line {context.line + 1} to line {mark.line + 1})"
    return f"YAML syntax error: {problem}"


def _construct(node: Node, doc: Document, where: tuple[Any, ...], seen: set[int], depth: int) -> Any:
    if id(node) in seen:
        doc.problems.extend(_alias_problems(doc))
        return None
    seen.add(id(node))
    if depth > MAX_DEPTH:
        if not any(p.code == "too-deep" for p in doc.problems):  # once, at the first: the rest is the same mistake
            doc.problems.append(_at(doc, node, "too-deep", f"nesting deeper than {MAX_DEPTH} levels"))
        return None
    tag = tag_of(node)
    if isinstance(node, ScalarNode):
        return _scalar(node, doc, where)
    if tag not in ("?", "!", _TAG + "map", _TAG + "seq"):
        doc.problems.append(_at(doc, node, "yaml-tag", f"tag {tag} is not allowed: holp files use plain YAML"))
        return None
    if isinstance(node, SequenceNode):
        if tag == _TAG + "map":
            doc.problems.append(_at(doc, node, "yaml-tag", "a sequence tagged !!map"))
        return Seq((_construct(child, doc, (*where, i), seen, depth + 1) for i, child in enumerate(node.value)),
                   node.start_mark.line + 1)
    result = Map(node.start_mark.line + 1)
    for knode, vnode in node.value:
        if not isinstance(knode, ScalarNode) or tag_of(knode) not in ("?", "!", _TAG + "str"):
            doc.problems.append(_at(doc, knode, "yaml-key", "mapping keys must be plain text"))
            continue
        key = knode.value
        if key in result:
            doc.problems.append(_at(doc, knode, "duplicate-key", f"duplicate key '{key}' (it is already set above)"))
        result[key] = _construct(vnode, doc, (*where, key), seen, depth + 1)
    return result


def _at(doc: Document, node: Node, code: str, message: str) -> Problem:
    return Problem(doc.path, node.start_mark.line + 1, node.start_mark.column + 1, ERROR, code, message)


def _alias_problems(doc: Document) -> Iterator[Problem]:
    """One problem at the first alias of the file (the count says how many more)."""
    if any(p.code == "yaml-alias" for p in doc.problems):
        return
    parser = _Composer(doc.text)
    aliases = []
    try:
        while True:
            event = parser.get_event()
            if event is None or type(event).__name__ == "StreamEndEvent":
                break
            if type(event).__name__ == "AliasEvent":
                aliases.append(event)
    finally:
        parser.dispose()
    if aliases:
        first = aliases[0]
        more = f" ({len(aliases)} aliases in this file)" if len(aliases) > 1 else ""
        yield Problem(doc.path, first.start_mark.line + 1, first.start_mark.column + 1, ERROR, "yaml-alias",
                      f"alias *{first.anchor} is not allowed: write the value out{more}")


def _scalar(node: ScalarNode, doc: Document, where: tuple[Any, ...]) -> Any:
    value: str = node.value
    tag = tag_of(node)
    if tag == "?":
        if node.style:  # quoted or block scalars are always text
            return value
        resolved = resolve(value)
        if type(resolved) is BadNumber:
            return _bad_number(node, doc, where, resolved)
        return resolved
    if tag == "!" or tag == _TAG + "str":
        return value
    if tag in (_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"):
        resolved = resolve(value)
        if type(resolved) is BadNumber:
            return _bad_number(node, doc, where, resolved)
        want = {"int": int, "float": Decimal, "bool": bool, "null": type(None)}[tag[len(_TAG):]]
        if tag == _TAG + "float" and isinstance(resolved, int) and not isinstance(resolved, bool):
            return Decimal(resolved)
        if isinstance(resolved, want) and not (want is int and isinstance(resolved, bool)):
            return resolved
        doc.problems.append(_at(doc, node, "yaml-tag", f"'{value}' is not a valid {tag[len(_TAG):]}"))
        return None
    doc.problems.append(_at(doc, node, "yaml-tag", f"tag {tag} is not allowed: holp files use plain YAML"))
    return None


def _bad_number(node: ScalarNode, doc: Document, where: tuple[Any, ...], bad: BadNumber) -> None:
    name = ".".join(map(str, where)) or "the value"
    doc.problems.append(_at(doc, node, "bad-number", f"{name} {bad.why}"))
    return None
