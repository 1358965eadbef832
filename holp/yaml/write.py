"""Writing values as YAML text that reads back as exactly those values (holp's rules, `holp.yaml.scalars`)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from holp.yaml.scalars import resolve_plain

_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*\Z")


def scalar(value: Any) -> str:
    """One value written as a YAML scalar that reads back as exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal) and value.is_finite():  # as a rep writes it: 1500000, not 1.5E+6
        return str(int(value)) if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if (
        _PLAIN_SAFE.match(text)
        and ": " not in text
        and not text.endswith((" ", ":"))
        and text.isprintable()
        and resolve_plain(text) == text
    ):
        return text
    return double_quoted(text)


def double_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar that reads back as exactly ``text``."""
    import json

    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    # YAML breaks lines at U+0085, U+2028, U+2029 and refuses other controls: escape what is not printable
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
                   for ch in quoted)


def round_trip_set(text: str, keys: Sequence[str], value: Any) -> str | None:
    """``text`` with the string at ``keys`` set through ruamel.yaml's round trip, or None.

    None unless the untouched text comes back from the round trip byte for
    byte: then ruamel.yaml can be trusted with the rest of the file.
    """
    from ruamel.yaml import YAML

    try:
        rt = YAML(typ="rt")
        rt.preserve_quotes = True
        rt.width = 1 << 16
        data = rt.load(text)
        out = io.StringIO()
        rt.dump(data, out)
        if out.getvalue() != text:
            return None
        target = data
        for key in keys[:-1]:
            target = target[key]
        old = target[keys[-1]]
        anchor = getattr(old, "anchor", None)
        if not isinstance(old, str) or (anchor is not None and anchor.value):
            return None  # an anchored value: the textual edit refuses it rather than drop the anchor
        target[keys[-1]] = value if type(old) is str else type(old)(value)  # keep its quoting
        out = io.StringIO()
        rt.dump(data, out)
        return out.getvalue()
    except Exception:  # whatever ruamel.yaml cannot round-trip, the textual edit will do
        return None
