"""Terminal output: aligned tables (Chinese counts two columns), money, a gate's checklist, warnings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from holp.gates import GateStatus, ItemStatus

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Rounded once, half up, to two places, whatever the size (no 28-digit context limit)."""
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + 4)
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    """Two places, half up, thousands separated: 3,200,000.00."""
    if value is None:
        return ""
    return f"{cents(value):,.2f}"


def money_plain(value: Decimal) -> str:
    """The JSON contract's form: a decimal string with two places, half up, no separators."""
    return str(cents(value))


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = (), align: Sequence[str] | None = None,
          widths: Sequence[int | None] | None = None) -> str:
    """Rows under headers; without headers, a borderless two-column list of facts. A cell of a column with a
    width (see `fit`) wraps onto more lines; a header never does."""
    import tabulate

    from holp.inert import one_line  # a value's newline or escape would break the table or drive the terminal

    tabulate.PRESERVE_WHITESPACE = False
    tabulate.WIDE_CHARS_MODE = True  # wcwidth: a Chinese character takes two columns
    limits = list(widths or ()) + [None] * (len(rows[0]) if rows else 0)

    def cell(value: Any, column: int) -> str:
        text = "" if value is None else one_line(value)
        limit = limits[column]
        return wrap(text, limit) if limit else text

    return tabulate.tabulate(
        [[cell(c, i) for i, c in enumerate(row)] for row in rows],
        headers=[one_line(h) for h in headers],
        tablefmt="simple" if headers else "plain",
        colalign=list(align) if align else None,
        disable_numparse=True,
    )


_NO_LINE_START = frozenset("，。、；：？！）》」』】〉,.;:?!)]}%…·")  # punctuation a line never starts with
_TOKEN = re.compile(r"[A-Za-z0-9_.,:/@%+\-]+|\s+|.", re.DOTALL)


def wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` terminal columns, joined by newlines: Chinese breaks between any two
    characters but never before closing punctuation (the character before it goes down too), Latin words and
    numbers stay whole unless longer than a line, blanks collapse."""
    width = max(width, 2)
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            line += " " if line and not line.endswith(" ") else ""
            continue
        pieces = [token]
        if display_width(token) > width:  # a word longer than a line: cut it
            pieces, piece = [], ""
            for char in token:
                if display_width(piece + char) > width:
                    pieces.append(piece)
                    piece = ""
                piece += char
            pieces.append(piece)
        for piece in pieces:
            if line.strip() and display_width(line + piece) > width:
                carry = ""
                if (piece in _NO_LINE_START and len(line.rstrip()) > 1 and not line.endswith(" ")
                        and display_width(line[-1] + piece) <= width):
                    carry, line = line[-1], line[:-1]
                lines.append(line.rstrip())
                line = carry
            line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return "\n".join(lines)


def checklist_line(s: ItemStatus, lang: str) -> str:
    """One item of a gate as a rep reads it: ✓ met (with its tick or what its evidence found); ✗ missing, with
    its id (what `holp tick ID ITEM` takes) and, for an evidence item, the rule that would prove it."""
    if s.met:
        return f"  ✓ {s.item.text.get(lang)}" + (f"  ({s.detail})" if s.detail else "")
    rule = f"  [evidence: {s.item.evidence}]" if s.item.evidence else ""
    return f"  ✗ {s.item.text.get(lang)} ({s.item.id}){rule}"


def display_width(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    import wcwidth

    return max(wcwidth.wcswidth(text), len(text))


def fit(rows: Sequence[Sequence[Any]], headers: Sequence[str], *, total: int,
        least: Mapping[int, int]) -> list[int | None]:
    """Widths for `table` that keep it within ``total`` columns where it can: the columns of ``least`` wrap, the
    widest first, each down to its least width (never below its header's, which never wraps); the others keep
    their width."""
    import tabulate

    heads = [display_width(str(h)) + tabulate.MIN_PADDING for h in headers]  # as tabulate sizes a column
    natural = [max([heads[i]] + [display_width(str(r[i] or "")) for r in rows]) for i in range(len(headers))]
    widths = list(natural)
    excess = sum(widths) + 2 * (len(headers) - 1) - total
    floors = {i: max(floor, heads[i]) for i, floor in least.items()}
    while excess > 0:  # the widest of them gives a column at a time, so they end up alike, none starved
        give = [i for i in least if widths[i] > floors[i]]
        if not give:
            break
        widest = max(give, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return [w if w < natural[i] else None for i, w in enumerate(widths)]


def gate_lines(status: GateStatus, lang: str, key_node_label: str) -> list[str]:
    """The checklist of a gate as a rep reads it, under its key node."""
    lines = []
    if status.stage.key_node is not None:
        lines.append(f"{key_node_label}: {status.stage.key_node.get(lang)}")
    lines += [checklist_line(s, lang) for s in status.items]
    return lines



def shallow_warning() -> str:
    """What a history-reading command says on stderr when the clone is shallow."""
    return ("holp: warning: this is a shallow clone, so history before its oldest commit is missing and "
            "history-based figures are incomplete; run `git fetch --unshallow` for all of it")
