"""Editing one YAML file while keeping every byte that is not meant to change.

A change is made at the exact character span libyaml reports for the node it
touches: setting a scalar replaces just that scalar (keeping its quoting),
adding an entry inserts whole lines after the last line of its mapping (at
that mapping's indentation), removing a key deletes just its lines. Comments,
key order, quoting, indentation, blank lines, Chinese text, a BOM, CRLF line
ends and a missing final newline all stay as they were.

Setting a scalar first tries ruamel.yaml's round-trip mode, but only when the
untouched file comes back from it byte for byte; otherwise, and for every
insertion, the edit is textual. Either way the result is read back with
holp's own reader (`holp.yaml`) and must equal the intended data, or the edit
is refused and nothing is written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from holp import yaml
from holp.errors import FAILED, HolpError
from holp.yaml import MappingNode, Node, ScalarNode, SequenceNode

BOM = b"\xef\xbb\xbf"
_TRAILING_COMMENT = re.compile(r"( +)#")
# libyaml ends a plain scalar in flow at any `:` or `?`, not only at `: ` (YAML 1.2 reads `12:30` whole: suite UDM2, JR7V)
_FLOW_UNSAFE = re.compile(r"[,\[\]{}#&*!|>'\"%@`:?]|^[-?\s]|\s$")


class EditError(HolpError):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: holp cannot make this change safely ({why}); nothing was written: "
                         "edit the file by hand", FAILED)


@dataclass(frozen=True)
class Source:
    """A file's bytes split into what the YAML sees and what must be put back around it."""

    path: str
    bom: bool
    text: str

    @classmethod
    def of(cls, path: str, raw: bytes) -> Source:
        bom = raw.startswith(BOM)
        try:
            text = raw[len(BOM):].decode("utf-8") if bom else raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EditError(path, "the file is not UTF-8 text") from None
        return cls(path, bom, text)

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def encode(self, text: str) -> bytes:
        return (BOM if self.bom else b"") + text.encode("utf-8")


def flow_scalar(value: Any) -> str:
    """A scalar safe inside a flow mapping ({...})."""
    text = yaml.scalar(value)
    if isinstance(value, str) and not text.startswith('"') and _FLOW_UNSAFE.search(text):
        return yaml.double_quoted(value)
    return text


def _root(source: Source) -> MappingNode:
    try:
        node = yaml.compose(source.text)
    except Exception:
        raise EditError(source.path, "it is not valid YAML") from None
    if not isinstance(node, MappingNode):
        raise EditError(source.path, "it is not a mapping")
    return node


def _entry(mapping: MappingNode, key: str) -> tuple[Node, Node] | None:
    found = None
    for knode, vnode in mapping.value:
        if isinstance(knode, ScalarNode) and knode.value == key:
            found = (knode, vnode)
    return found


def _content_end(node: Node) -> int:
    """Index just past the last character of a node's own content (not the comments after it)."""
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, MappingNode) else last)
    return int(node.end_mark.index)


def _line_after(text: str, index: int) -> int:
    """The index where the line after the one holding ``index - 1`` starts (or the end of the text)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _indent_unit(root: MappingNode) -> int:
    for _, vnode in root.value:
        if isinstance(vnode, MappingNode) and not vnode.flow_style and vnode.value:
            unit = vnode.value[0][0].start_mark.column
            if unit > 0:
                return int(unit)
    return 2


def _insert_lines(text: str, at: int, lines: Sequence[str], newline: str) -> str:
    block = newline.join(lines)
    if at >= len(text) and text and not text.endswith("\n"):
        return text + newline + block  # keep the missing final newline missing
    return text[:at] + block + newline + text[at:]


def _render_scalar(old: ScalarNode, value: Any) -> str:
    """``value`` in the quoting of the value it replaces, where that quoting can hold it (text only)."""
    if isinstance(value, str) and old.style == '"':
        return yaml.double_quoted(value)
    if isinstance(value, str) and old.style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return yaml.scalar(value)


def _nested(keys: Sequence[str], value: Any, column: int, unit: int) -> list[str]:
    lines = [f"{' ' * (column + unit * i)}{k}:" for i, k in enumerate(keys[:-1])]
    lines.append(f"{' ' * (column + unit * (len(keys) - 1))}{keys[-1]}: {yaml.scalar(value)}")
    return lines


def _flow_nested(keys: Sequence[str], value: Any) -> str:
    inner = f"{keys[-1]}: {flow_scalar(value)}"
    for key in reversed(keys[:-1]):
        inner = f"{key}: {{{inner}}}"
    return inner


def set_value(source: Source, keys: Sequence[str | int], value: Any) -> str:
    """Set the scalar at ``keys`` (mappings all the way), creating what is missing.

    An existing scalar is replaced in place; missing keys are added as new
    lines at the end of the deepest existing mapping (inside the braces of a
    flow mapping).
    """
    text = source.text
    node: Node = _root(source)
    unit = _indent_unit(node)  # type: ignore[arg-type]
    parent_key: Node | None = None
    where = ".".join(map(str, keys))
    for depth, key in enumerate(keys):
        if isinstance(key, int):  # an item of a list: it must exist
            if not isinstance(node, SequenceNode) or not 0 <= key < len(node.value):
                raise EditError(source.path, f"{where} does not exist")
            parent_key, node = None, node.value[key]
            continue
        if isinstance(node, ScalarNode) and yaml.tag_of(node) == "?" and node.value == "" and not node.style:
            # `checklist:` with nothing after it: nest the rest under its key
            if parent_key is None:
                raise EditError(source.path, f"{where}: an empty list item")
            at = _line_after(text, parent_key.end_mark.index)
            column = parent_key.start_mark.column + unit
            return _insert_lines(text, at, _nested([str(k) for k in keys[depth:]], value, column, unit),
                                 source.newline)
        if not isinstance(node, MappingNode):
            raise EditError(source.path, f"{'.'.join(map(str, keys[:depth])) or 'the file'} is not a mapping")
        found = _entry(node, key)
        if found is None:
            rest = [str(k) for k in keys[depth:]]
            if any(isinstance(k, int) for k in keys[depth:]):
                raise EditError(source.path, f"{where} does not exist")
            if node.flow_style:
                close = node.end_mark.index - 1
                if text[close] != "}":
                    raise EditError(source.path, "an unusual flow mapping")
                sep = ", " if node.value else ""
                return text[:close] + sep + _flow_nested(rest, value) + text[close:]
            if not node.value:
                raise EditError(source.path, "an empty block mapping")
            column = node.value[0][0].start_mark.column
            at = _line_after(text, _content_end(node))
            return _insert_lines(text, at, _nested(rest, value, column, unit), source.newline)
        parent_key, node = found
    if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
        raise EditError(source.path, f"{where} is not a one-line value")
    decorated = text[node.start_mark.index:node.start_mark.index + 1] in ("&", "!")  # an anchor or tag first
    if node.anchor or yaml.tag_of(node) not in ("?", "!") or decorated:
        raise EditError(source.path, f"{where} carries an anchor or a tag")
    rendered = flow_scalar(value) if _in_flow(text, node) else _render_scalar(node, value)
    start, end = node.start_mark.index, node.end_mark.index
    if start == end:  # an empty value: `key:` → `key: value`
        return text[:start] + (" " if start > 0 and text[start - 1] == ":" else "") + rendered + text[end:]
    comment = _TRAILING_COMMENT.match(text, end)
    if comment:  # keep a comment after the value in its column, as ruamel.yaml does
        spaces = max(1, len(comment.group(1)) + (end - start) - len(rendered))
        return text[:start] + rendered + " " * spaces + text[comment.end(1):]
    return text[:start] + rendered + text[end:]


def _in_flow(text: str, node: ScalarNode) -> bool:
    """Whether a scalar sits inside a flow collection (a cheap look at its line)."""
    line = text[_line_start(text, node.start_mark.index):node.start_mark.index]
    return line.count("{") + line.count("[") > line.count("}") + line.count("]")


def append_item(source: Source, key: str, item: Sequence[str]) -> str:
    """Append one item (its lines, the first starting with "- ") to the top-level sequence ``key``.

    The item goes after the sequence's last item, at the column of its dashes;
    a missing key is added at the end of the file; an empty ``key: []`` is
    opened into a block.
    """
    text = source.text
    root = _root(source)
    found = _entry(root, key)
    if found is None:
        lines = [f"{key}:"] + [f"{' ' * _dash_column(root)}{line}" for line in item]
        return _insert_lines(text, len(text), lines, source.newline)
    knode, vnode = found
    if isinstance(vnode, SequenceNode) and not vnode.flow_style and vnode.value:
        column = _dash_of(text, vnode.value[0])
        at = _line_after(text, _content_end(vnode))
        return _insert_lines(text, at, [f"{' ' * column}{line}" for line in item], source.newline)
    empty_flow = isinstance(vnode, SequenceNode) and vnode.flow_style and not vnode.value
    empty_value = isinstance(vnode, ScalarNode) and vnode.value == "" and not vnode.style
    if not (empty_flow or empty_value):
        raise EditError(source.path, f"{key} is not a block list")
    lines = [f"{' ' * _dash_column(root)}{line}" for line in item]
    if empty_flow:  # `key: []` → `key:` and the item below it
        start = vnode.start_mark.index
        while start > 0 and text[start - 1] == " ":
            start -= 1
        text = text[:start] + text[vnode.end_mark.index:]
    return _insert_lines(text, _line_after(text, knode.end_mark.index), lines, source.newline)


def unfold(source: Source, keys: Sequence[str | int]) -> Source:
    """The file with the one-line flow mapping at ``keys`` (a list item: `- {due: ..., amount: ...}`) written as a
    block mapping, one key a line, each key and value in the very text it had; anything else as it was.

    What a command adds to a record then goes on lines of their own instead of lengthening one line.
    """
    text = source.text
    node: Node = _root(source)
    for step in keys:
        if isinstance(step, int):
            if not isinstance(node, SequenceNode) or not 0 <= step < len(node.value):
                return source
            node = node.value[step]
        else:
            found = _entry(node, step) if isinstance(node, MappingNode) else None
            if found is None:
                return source
            node = found[1]
    if not isinstance(node, MappingNode) or not node.flow_style or not node.value:
        return source
    start, end = node.start_mark.index, node.end_mark.index
    line_start = _line_start(text, start)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end].rstrip("\r")
    if ("\n" in text[start:end] or before.strip() != "-" or text[start] != "{"  # an anchor or a tag: keep it
            or (after.strip() and not after.lstrip().startswith("#"))):
        return source  # not a one-line item alone on its line: left as it is
    column = len(before)
    lines = []
    for i, (knode, vnode) in enumerate(node.value):
        if not isinstance(knode, ScalarNode) or knode.style or vnode.start_mark.line != node.start_mark.line:
            return source
        value = text[vnode.start_mark.index:vnode.end_mark.index]
        lines.append(f"{before if i == 0 else ' ' * column}{text[knode.start_mark.index:knode.end_mark.index]}:"
                     + (f" {value}" if value else ""))
    lines[0] += after.rstrip() if after.strip() else ""
    rest = line_end - 1 if text[:line_end].endswith("\r") else line_end  # the line's own end, \r\n or \n, stays
    unfolded = text[:line_start] + source.newline.join(lines) + text[rest:]
    return Source(source.path, source.bom, unfolded)


def flow_mapping(entries: Sequence[tuple[str, Any]]) -> str:
    """``{key: value, ...}`` on one line, each value safe inside the braces."""
    return "{" + ", ".join(f"{k}: {flow_scalar(v)}" for k, v in entries) + "}"


def append_nested(source: Source, keys: Sequence[str | int], key: str, entries: Sequence[tuple[str, Any]]) -> str:
    """Append a one-line mapping of ``entries`` to the list ``key`` of the mapping at ``keys`` (which must exist):
    the list's items of a payment, say (`payments.2.receipts`).

    In a flow mapping (`- {due: ..., amount: ...}`) the list goes inside its braces, as a flow list; in a block
    mapping a missing list is added as lines at the end of the mapping, and an item is added after the last
    item of a block list (or inside the brackets of a flow one).
    """
    text = source.text
    node: Node = _root(source)
    where = ".".join(map(str, [*keys, key]))
    for step in keys:
        if isinstance(step, int):
            if not isinstance(node, SequenceNode) or not 0 <= step < len(node.value):
                raise EditError(source.path, f"{where}: no such item")
            node = node.value[step]
        else:
            found = _entry(node, step) if isinstance(node, MappingNode) else None
            if found is None:
                raise EditError(source.path, f"{where}: no such key")
            node = found[1]
    if not isinstance(node, MappingNode):
        raise EditError(source.path, f"{'.'.join(map(str, keys))} is not a mapping")
    item = flow_mapping(entries)
    found = _entry(node, key)
    if found is not None and isinstance(found[1], SequenceNode) and found[1].flow_style:
        close = found[1].end_mark.index - 1
        if text[close] != "]":
            raise EditError(source.path, f"{where}: an unusual flow list")
        return text[:close] + (", " if found[1].value else "") + item + text[close:]
    if node.flow_style:
        if found is not None:
            raise EditError(source.path, f"{where} is not a list")
        close = node.end_mark.index - 1
        if text[close] != "}":
            raise EditError(source.path, "an unusual flow mapping")
        return text[:close] + (", " if node.value else "") + f"{key}: [{item}]" + text[close:]
    if not node.value:
        raise EditError(source.path, "an empty block mapping")
    column = node.value[0][0].start_mark.column
    if found is None:
        at = _line_after(text, _content_end(node))
        return _insert_lines(text, at, [f"{' ' * column}{key}:", f"{' ' * (column + 2)}- {item}"], source.newline)
    knode, vnode = found
    if isinstance(vnode, SequenceNode) and vnode.value:
        dash = _dash_of(text, vnode.value[0])
        return _insert_lines(text, _line_after(text, _content_end(vnode)), [f"{' ' * dash}- {item}"],
                             source.newline)
    if isinstance(vnode, ScalarNode) and vnode.value == "" and not vnode.style:  # `receipts:` and nothing yet
        return _insert_lines(text, _line_after(text, knode.end_mark.index), [f"{' ' * (column + 2)}- {item}"],
                             source.newline)
    raise EditError(source.path, f"{where} is not a list")


def _dash_of(text: str, item: Node) -> int:
    """The column of the dash in front of a block sequence item."""
    start = item.start_mark.index
    dash = text.rfind("-", _line_start(text, start), start)
    return dash - _line_start(text, start) if dash >= 0 else max(0, item.start_mark.column - 2)


def _dash_column(root: MappingNode) -> int:
    """How this file indents the dashes of top-level lists (0 or 2 or ...); 2 when it has none."""
    for _, vnode in root.value:
        if isinstance(vnode, SequenceNode) and not vnode.flow_style and vnode.value:
            return max(0, vnode.value[0].start_mark.column - 2)
    return 2


def item_lines(text: str, item: Node) -> list[str]:
    """The lines of one block sequence item as written, dedented so that its dash is at column 0."""
    start = _line_start(text, item.start_mark.index)
    column = _dash_of(text, item)
    block = text[start:_line_after(text, _content_end(item))]
    return [line[column:] for line in block.splitlines()]


def has_key(source: Source, key: str) -> bool:
    return _entry(_root(source), key) is not None


def remove_key(source: Source, key: str) -> str:
    """Delete a top-level key and its value's lines."""
    text = source.text
    found = _entry(_root(source), key)
    if found is None:
        return text
    knode, vnode = found
    start = _line_start(text, knode.start_mark.index)
    if knode.start_mark.column != 0:
        raise EditError(source.path, f"{key} does not start its line")
    end = _line_after(text, _content_end(vnode))
    if end >= len(text) and not text.endswith("\n") and start > 0:
        return text[: start - 1 - (start > 1 and text[start - 2] == "\r")]  # no final newline before, none after
    return text[:start] + text[end:]


def insert_after(source: Source, after: str, key: str, entries: Sequence[tuple[str, Any]]) -> str:
    """Add a top-level block ``key:`` with scalar ``entries`` on the lines after the key ``after``."""
    text = source.text
    root = _root(source)
    found = _entry(root, after)
    if found is None or _entry(root, key) is not None:
        raise EditError(source.path, f"cannot place {key} after {after}")
    unit = _indent_unit(root)
    lines = [f"{key}:"] + [f"{' ' * unit}{k}: {yaml.scalar(v)}" for k, v in entries]
    return _insert_lines(text, _line_after(text, _content_end(found[1])), lines, source.newline)


def round_trip_set(source: Source, keys: Sequence[str], value: Any) -> str | None:
    """Set a scalar through ruamel.yaml's round trip when the file survives it untouched; else None."""
    if source.bom or "\r" in source.text:
        return None
    return yaml.round_trip_set(source.text, keys, value)


# -- the safe entry point ------------------------------------------------------------------


def change(path: str, raw: bytes, textual: Callable[[Source], str], expect: Callable[[Any], None], *,
           round_trip: Callable[[Source], str | None] | None = None) -> bytes:
    """The new bytes of a file after one change, verified; raises EditError rather than guess.

    ``expect`` applies the intended change to a copy of the file's data; the
    edited text must read back (with holp's reader) as exactly that.
    """
    source = Source.of(path, raw)
    before = yaml.read(path, raw)
    if not before.ok:
        raise HolpError(f"{path} has problems; fix them first (holp validate)", FAILED, before.problems)
    wanted = copy.deepcopy(before.tree)
    expect(wanted)
    if round_trip is not None:
        # ruamel may be exact, but it must prove it: one line changed and the data as intended
        text = round_trip(source)
        if text is not None and _one_line_changed(source.text, text) and _reads_as(path, source.encode(text), wanted):
            return source.encode(text)
    new = source.encode(textual(source))
    if _reads_as(path, new, wanted):
        return new
    raise EditError(path, "the edited file would not read back as intended")


def _reads_as(path: str, raw: bytes, wanted: Any) -> bool:
    after = yaml.read(path, raw)
    return after.ok and after.tree == wanted


def _one_line_changed(old: str, new: str) -> bool:
    old_lines, new_lines = old.split("\n"), new.split("\n")
    return len(old_lines) == len(new_lines) and sum(a != b for a, b in zip(old_lines, new_lines, strict=True)) == 1


def item_index(source: Source, key: str, line: int) -> int | None:
    """The index of the item of the top-level list ``key`` that starts on ``line`` (1-based), if there is one."""
    entry = _entry(_root(source), key)
    if entry is None or not isinstance(entry[1], SequenceNode):
        return None
    return next((i for i, item in enumerate(entry[1].value) if item.start_mark.line + 1 == line), None)
