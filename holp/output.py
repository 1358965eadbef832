"""Terminal output: aligned tables (Chinese counts two columns), money, a gate's checklist, warnings."""

from __future__ import annotations

from collections.abc import Sequence
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


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = (), align: Sequence[str] | None = None) -> str:
    """Rows under headers; without headers, a borderless two-column list of facts."""
    import tabulate

    from holp.inert import one_line  # a value's newline or escape would break the table or drive the terminal

    tabulate.PRESERVE_WHITESPACE = False
    tabulate.WIDE_CHARS_MODE = True  # wcwidth: a Chinese character takes two columns
    return tabulate.tabulate(
        [["" if c is None else one_line(c) for c in row] for row in rows],
        headers=[one_line(h) for h in headers],
        tablefmt="simple" if headers else "plain",
        colalign=list(align) if align else None,
        disable_numparse=True,
    )


def checklist_line(s: ItemStatus, lang: str) -> str:
    """One item of a gate as a rep reads it: ✓ met (with its tick or what its evidence found); ✗ missing, with
    its id (what `holp tick ID ITEM` takes) and, for an evidence item, the rule that would prove it."""
    if s.met:
        return f"  ✓ {s.item.text.get(lang)}" + (f"  ({s.detail})" if s.detail else "")
    rule = f"  [evidence: {s.item.evidence}]" if s.item.evidence else ""
    return f"  ✗ {s.item.text.get(lang)} ({s.item.id}){rule}"


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
