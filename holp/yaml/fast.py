"""A reader for the plain shape holp and reps write: exactly libyaml's values, or it declines.

`holp.yaml.read` spends most of its time in libyaml composing nodes, and
`holp history` reads every blob of the repository. Most files are written in a
small, regular subset of YAML, which this module reads line by line; for any
text it is not certain of, `parse` returns None and `read` composes with
libyaml as before. A wrong answer here would let a pull request hide a change
from the review (a ``stage: won`` line that is really inside a multi-line
string), so the subset is narrow and everything else declines:

* lines end in ``\\n`` (a ``\\r`` only just before it); no tabs, no control
  characters, no other YAML line breaks (U+0085, U+2028, U+2029), no BOM
  inside the text; blank lines and full-line comments anywhere;
* block mappings of plain keys (`_KEY`) at one indent, no duplicate keys;
  ``key: value``, or ``key:`` followed by a more indented block, a block
  sequence at the same indent, or nothing (null);
* block sequences of ``- value``, ``- key: value`` (a mapping at the column
  of ``key``), or ``-`` followed by a more indented block or nothing;
* values on one line: plain scalars (resolved by `scalars.resolve`) that
  cannot go on to the next line, quoted scalars closed on their line (double
  quotes without escapes), flow collections closed on their line (nested two
  deep at most, of plain keys and one-line scalars), and literal block scalars
  (``|`` and ``|-``) with their indent on the first line;
* every line at exactly the indent of an open collection: a more indented
  line that is not the start of a block would continue a scalar, so declines.

Nothing here is trusted on its own: tests/test_yaml_fast.py compares every
value, type and line with libyaml's over a corpus and generated texts.
"""

from __future__ import annotations

import re
from typing import Any

from holp.yaml.scalars import BadNumber, resolve
from holp.yaml.values import Map, Seq

__all__ = ["MAX_NESTING", "parse"]

MAX_NESTING = 16  # block collections inside each other; with two flow levels, well within holp.yaml.MAX_DEPTH

# libyaml's printable characters less its other line breaks, the BOM and tabs: anything else declines.
_UNSURE = re.compile("[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,200}):(?: +|\Z)")
_FLOW_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,200}): +")
_FLOW_PLAIN = re.compile(r"[^,\[\]{}:#?]+")  # quotes inside are text
_SPACES = re.compile(" *")
_ENTRY = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_.-]{0,200}):(?: +|\Z)")  # `_KEY` and its indent
# An entry of a flow collection, a plain value and what follows it: what the general path reads too, in one match.
_FLOW_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,200}): +([^-?:,\[\]{}#&*!|>'\"%@` ][^,\[\]{}:#?]*?) *([,}]) *")
_FLOW_ITEM = re.compile(r"([^-?:,\[\]{}#&*!|>'\"%@` ][^,\[\]{}:#?]*?) *([,\]]) *")
_NOT_PLAIN = frozenset("?:,[]{}#&*!|>'\"%@`")  # a plain scalar may not start with these (nor "- ")
_PENDING = object()  # `key:` or `-` with nothing after it: the next lines say what the value is


class _Decline(Exception):
    """Not certain: libyaml reads this text."""


def parse(text: str) -> Any | None:
    """The `Map` or `Seq` that libyaml and `holp.yaml`'s rules make of ``text``, or None if not certain."""
    if _UNSURE.search(text):
        return None
    lines = text.split("\n")
    if "\r" in text:
        for i, line in enumerate(lines):
            if line.endswith("\r"):
                line = lines[i] = line[:-1]
            if "\r" in line:
                return None
    try:
        return _Reader(lines, text.endswith(("\n", "\r"))).document()
    except _Decline:
        return None


class _Frame:
    """An open block collection: its indent (column) and its container."""

    __slots__ = ("container", "indent", "is_map")

    def __init__(self, indent: int, container: Any) -> None:
        self.indent = indent
        self.container = container
        self.is_map = type(container) is Map


class _Reader:
    __slots__ = ("ended", "i", "lines", "stack")

    def __init__(self, lines: list[str], ended: bool) -> None:
        self.lines = lines
        self.ended = ended  # whether the last line has its line break
        self.i = 0
        self.stack: list[_Frame] = []

    def document(self) -> Any:
        lines = self.lines
        stack = self.stack
        pending: tuple[_Frame, Any] | None = None  # the frame and key (or index) whose value is not yet known
        root = None
        while self.i < len(lines):
            line = lines[self.i]
            if pending is None and stack:  # most lines: `key: value` in an open mapping
                entry = _ENTRY.match(line)
                if entry is not None:
                    indent = entry.end(1)
                    while stack[-1].indent > indent:
                        stack.pop()
                    top = stack[-1]
                    if top.indent == indent and top.is_map:
                        pending = self._entry(top, entry.group(2), line, entry.end(), self.i + 1)
                        self.i += 1
                        continue
            body = line.lstrip(" ")
            if not body or body[0] == "#":
                self.i += 1
                continue
            indent = len(line) - len(body)
            number = self.i + 1
            item = body[0] == "-" and (len(body) == 1 or body[1] == " ")
            if pending is not None:
                owner, slot = pending
                pending = None
                if indent > owner.indent or (indent == owner.indent and owner.is_map and item):
                    block = self._open(line, indent, item, number)
                    owner.container[slot] = block
            if root is None:
                if indent:
                    raise _Decline
                root = self._open(line, indent, item, number)
            while stack[-1].indent > indent:
                stack.pop()
            top = stack[-1]
            if top.indent != indent:
                raise _Decline
            if not top.is_map and not item:  # the end of a sequence at its mapping's indent (`key:\n- a\nnext:`)
                if len(stack) < 2 or stack[-2].indent != indent:
                    raise _Decline
                stack.pop()
                top = stack[-1]
            if top.is_map:
                match = None if item else _KEY.match(line, indent)
                if match is None:
                    raise _Decline
                pending = self._entry(top, match.group(1), line, match.end(), number)
            else:
                pending = self._item(top, line, indent, number)
            self.i += 1
        return root

    def _open(self, line: str, indent: int, item: bool, number: int) -> Any:
        """The block collection that starts on this line, pushed on the stack."""
        if item:
            block: Any = Seq((), number)
        elif _KEY.match(line, indent):
            block = Map(number)
        else:
            raise _Decline  # a more indented line that starts no block continues a scalar
        if len(self.stack) >= MAX_NESTING:
            raise _Decline
        self.stack.append(_Frame(indent, block))
        return block

    def _entry(self, frame: _Frame, key: str, line: str, at: int, number: int) -> tuple[_Frame, Any] | None:
        """``key`` of the mapping ``frame`` and its value, starting at column ``at``; what is pending, if any."""
        mapping = frame.container
        if key in mapping:
            raise _Decline  # read reports duplicate keys
        value = self._value(line, at, frame.indent, number)
        if value is _PENDING:
            mapping[key] = None
            return (frame, key)
        mapping[key] = value
        return None

    def _item(self, frame: _Frame, line: str, at: int, number: int) -> tuple[_Frame, Any] | None:
        start = _SPACES.match(line, at + 1).end()  # type: ignore[union-attr]
        sequence = frame.container
        match = _KEY.match(line, start)
        if match is not None:  # `- key: value`: a mapping at the column of `key`
            mapping = Map(number)
            sequence.append(mapping)
            if len(self.stack) >= MAX_NESTING:
                raise _Decline
            inner = _Frame(start, mapping)
            self.stack.append(inner)
            return self._entry(inner, match.group(1), line, match.end(), number)
        value = self._value(line, start, frame.indent, number)
        sequence.append(None if value is _PENDING else value)
        return (frame, len(sequence) - 1) if value is _PENDING else None

    def _value(self, line: str, at: int, parent: int, number: int) -> Any:
        """The value starting at column ``at`` (after ``key:`` or ``-`` and spaces)."""
        if at >= len(line) or line[at] == "#":
            return _PENDING
        first = line[at]
        if first == "-" and (at + 1 == len(line) or line[at + 1] == " "):
            raise _Decline  # `- - a` or `key: - a`
        if first == "[" or first == "{":
            value, end = _flow(line, at, number, 0)
            _tail(line, end)
            return value
        if first == '"' or first == "'":
            value, end = _quoted(line, at)
            _tail(line, end)
            return value
        if first == "|":
            return self._literal(line, at, parent)
        if first in _NOT_PLAIN:
            raise _Decline
        cut = line.find(" #", at)
        text = (line[at:cut] if cut >= 0 else line[at:]).rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _Decline
        value = resolve(text)
        if type(value) is BadNumber:
            raise _Decline  # read reports it
        return value

    def _literal(self, line: str, at: int, parent: int) -> str:
        """A literal block scalar (``|`` or ``|-``) whose first line sets its indent; it ends the line."""
        strip = line.startswith("|-", at)
        _tail(line, at + 1 + strip, spaced=True)
        lines = self.lines
        first = self.i + 1
        if first >= len(lines) or not lines[first].strip(" "):
            raise _Decline  # empty, or leading blank lines (libyaml weighs their indent)
        indent = len(lines[first]) - len(lines[first].lstrip(" "))
        if indent <= parent:
            raise _Decline  # an empty scalar
        parts: list[str] = []
        last = first
        j = first
        while j < len(lines):
            text = lines[j]
            if not text.strip(" "):
                if len(text) > indent:
                    raise _Decline  # spaces past the indent are content
                parts.append("")
            elif len(text) - len(text.lstrip(" ")) >= indent:
                parts.append(text[indent:])
                last = j
            else:
                break
            j += 1
        if last == len(lines) - 1 and not self.ended:
            raise _Decline  # the file ends inside the scalar without a line break
        self.i = last
        value = "\n".join(parts[: last - first + 1])
        return value if strip else value + "\n"


def _tail(line: str, at: int, spaced: bool = False) -> None:
    """After a value only spaces and a comment may follow (a comment after at least one space)."""
    rest = line[at:]
    body = rest.lstrip(" ")
    if body and not (body[0] == "#" and len(body) < len(rest)):
        raise _Decline
    if spaced and rest and rest[0] != " ":
        raise _Decline


def _quoted(line: str, at: int) -> tuple[str, int]:
    """A quoted scalar closed on its line: (its text, the column after it)."""
    if line[at] == '"':
        end = line.find('"', at + 1)
        if end < 0:
            raise _Decline  # it goes on to the next line
        text = line[at + 1:end]
        if "\\" in text:
            raise _Decline  # escapes
        return text, end + 1
    parts = []
    start = at + 1
    while True:
        end = line.find("'", start)
        if end < 0:
            raise _Decline
        parts.append(line[start:end])
        if line.startswith("''", end):
            parts.append("'")
            start = end + 2
        else:
            return "".join(parts), end + 1


def _resolved(text: str) -> Any:
    value = resolve(text)
    if type(value) is BadNumber:
        raise _Decline  # read reports it
    return value


def _flow(line: str, at: int, number: int, depth: int) -> tuple[Any, int]:
    """A flow collection closed on its line: (its value, the column after it)."""
    if depth > 1:
        raise _Decline
    is_map = line[at] == "{"
    closer = "}" if is_map else "]"
    result: Any = Map(number) if is_map else Seq((), number)
    at = _SPACES.match(line, at + 1).end()  # type: ignore[union-attr]
    if line.startswith(closer, at):
        return result, at + 1
    while True:
        simple = (_FLOW_PAIR if is_map else _FLOW_ITEM).match(line, at)
        if simple is not None:
            stop = simple.lastindex or 0
            if is_map:
                key, text = simple.group(1, 2)
                if key in result:
                    raise _Decline
                result[key] = _resolved(text)
            else:
                result.append(_resolved(simple.group(1)))
            if simple.group(stop) == closer:
                return result, simple.end(stop)
            at = simple.end()
            continue
        if is_map:
            match = _FLOW_KEY.match(line, at)
            if match is None or match.group(1) in result:
                raise _Decline
            key = match.group(1)
            value, at = _flow_value(line, match.end(), number, depth)
            result[key] = value
        else:
            value, at = _flow_value(line, at, number, depth)
            result.append(value)
        at = _SPACES.match(line, at).end()  # type: ignore[union-attr]
        if at >= len(line):
            raise _Decline
        if line[at] == closer:
            return result, at + 1
        if line[at] != ",":
            raise _Decline
        at = _SPACES.match(line, at + 1).end()  # type: ignore[union-attr]


def _flow_value(line: str, at: int, number: int, depth: int) -> tuple[Any, int]:
    if at >= len(line):
        raise _Decline
    first = line[at]
    if first == "[" or first == "{":
        return _flow(line, at, number, depth + 1)
    if first == '"' or first == "'":
        return _quoted(line, at)
    if first in _NOT_PLAIN or (first == "-" and (at + 1 == len(line) or line[at + 1] in " ,[]{}")):
        raise _Decline
    match = _FLOW_PLAIN.match(line, at)
    if match is None:
        raise _Decline
    return _resolved(match.group().rstrip(" ")), match.end()
