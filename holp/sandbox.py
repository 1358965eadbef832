"""The Jinja sandbox holp renders in, with a bound on every single operation that could allocate without end.

Rendering is interrupted by a time limit between Python steps, but one C call
(``'x'.center(10**9)``, ``'%0999999999d' % 1``, ``[1] * 10**9``) allocates in
one step: so each operation that takes a width, a count or a repetition is
checked before it runs, and refused with a SecurityError (which the renderer
turns into a message naming the template and line). The memory limit of the
rendering process (holp.render) catches what no check here foresees.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

MAX_WIDTH = 5 << 20  # a width, precision, count or length a template may ask for: the output cap
MAX_ITEMS = 1_000_000  # a string or list a template may build with *, + or join
MAX_BITS = 4096  # an integer a template may build with * or **
MAX_RANGE = 100_000  # as Jinja's sandbox

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.|$)", re.S)
_DIGITS = re.compile(r"\d+")


def _refuse(message: str) -> Exception:
    from jinja2.sandbox import SecurityError

    return SecurityError(message)


def _number(digits: str) -> int:
    return MAX_WIDTH + 1 if len(digits) > 9 else int(digits)


def check_width(what: str, width: Any) -> None:
    if isinstance(width, int) and width > MAX_WIDTH:
        raise _refuse(f"{what}({width}) is wider than a form can be ({MAX_WIDTH} characters)")


def check_printf(fmt: Any, values: Any) -> None:
    """``fmt % values``: no width or precision over the bound, written or given by ``*``."""
    if not isinstance(fmt, str):
        return
    stars = 0
    for match in _PRINTF.finditer(fmt):
        for part in match.group(1, 2):
            if part == "*":
                stars += 1
            elif part and _number(part) > MAX_WIDTH:
                raise _refuse(f"the format {match.group(0)!r} is wider than a form can be ({MAX_WIDTH} characters)")
    given = values if isinstance(values, tuple) else (values,)
    for value in given[:stars]:
        check_width("a * width", value if isinstance(value, int) else None)
        if isinstance(value, int) and value < -MAX_WIDTH:
            check_width("a * width", -value)


def check_spec(spec: str) -> None:
    """A ``str.format`` field's spec (``>999999999``, ``.999999999f``): no number over the bound."""
    for digits in _DIGITS.findall(spec):
        if _number(digits) > MAX_WIDTH:
            raise _refuse(f"the format spec {spec!r} is wider than a form can be ({MAX_WIDTH} characters)")


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def check_replace(text: Any, old: Any, new: Any, count: Any) -> None:
    if not isinstance(text, (str, bytes)) or not isinstance(new, (str, bytes)):
        return
    most = len(text) + 1 if not old else len(text) // max(1, _length(old))
    if isinstance(count, int) and count >= 0:
        most = min(most, count)
    if len(text) + most * len(new) > MAX_WIDTH:
        raise _refuse(f"replace() would make a text longer than a form can be ({MAX_WIDTH} characters)")


def check_joined(separator: Any, items: list[Any]) -> None:
    size = sum(len(str(item)) for item in items) + _length(separator) * max(0, len(items) - 1)
    if size > MAX_WIDTH:
        raise _refuse(f"join() would make a text longer than a form can be ({MAX_WIDTH} characters)")


def check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**":
        if isinstance(right, int) and isinstance(left, int) and \
                abs(right) * max(1, abs(left).bit_length()) > MAX_BITS:
            raise _refuse(f"{left} ** {right} is too large for a form")
    elif operator == "%":
        check_printf(left, right)
    elif operator == "+":
        if _length(left) + _length(right) > MAX_ITEMS:
            raise _refuse("a string or list that long is not a form")
    elif operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_ITEMS:
                raise _refuse("a string or list that long is not a form")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_BITS:
            raise _refuse("a number that large is not a form")


def _argument(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any = None) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


def check_method(owner: str | bytes, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """A method of a string about to be called from a template; returns the arguments to call it with."""
    if name in ("center", "ljust", "rjust", "zfill"):
        check_width(name, _argument(args, kwargs, 0, "width"))
    elif name == "expandtabs":
        size = _argument(args, kwargs, 0, "tabsize", 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        if isinstance(size, int) and len(owner) + tabs * size > MAX_WIDTH:
            check_width(name, MAX_WIDTH + 1 if size <= MAX_WIDTH else size)
    elif name == "replace":
        check_replace(owner, _argument(args, kwargs, 0, "old"), _argument(args, kwargs, 1, "new"),
                      _argument(args, kwargs, 2, "count", -1))
    elif name == "join" and args:
        items = list(args[0])
        check_joined(owner, items)
        return (items, *args[1:])
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((_length(v) for v in args[0].values()), default=1)
        if len(owner) * longest > MAX_WIDTH:
            raise _refuse(f"translate() would make a text longer than a form can be ({MAX_WIDTH} characters)")
    return args


def _bounded(original: Callable[..., Any], check: Callable[[dict[str, Any]], None]) -> Callable[..., Any]:
    """A filter checked before it runs (its Jinja pass-argument marker kept, so it is called the same way)."""
    signature = inspect.signature(original)

    @functools.wraps(original)
    def filter_(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        check(bound.arguments)
        return original(*bound.args, **bound.kwargs)

    return filter_


def _join_check(a: dict[str, Any]) -> None:
    a["value"] = list(a["value"])
    if a.get("attribute") is None:
        check_joined(a.get("d"), a["value"])


def _indent_check(a: dict[str, Any]) -> None:
    width, text = a.get("width"), str(a.get("s"))
    check_width("indent", width)
    if isinstance(width, str) and len(text) + len(width) * (text.count("\n") + 1) > MAX_WIDTH:
        raise _refuse(f"indent() would make a text longer than a form can be ({MAX_WIDTH} characters)")


def _wordwrap_check(a: dict[str, Any]) -> None:
    check_width("wordwrap", a.get("width"))
    text, wrap = str(a.get("s")), a.get("wrapstring")
    if isinstance(wrap, str) and len(text) * (len(wrap) + 1) > MAX_WIDTH:
        raise _refuse(f"wordwrap() would make a text longer than a form can be ({MAX_WIDTH} characters)")


FILTER_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "center": lambda a: check_width("center", a.get("width")),
    "indent": _indent_check,
    "wordwrap": _wordwrap_check,
    "truncate": lambda a: check_width("truncate", a.get("length")),
    "replace": lambda a: check_replace(a.get("s"), a.get("old"), a.get("new"), a.get("count")),
    "join": _join_check,
    "format": lambda a: check_printf(a.get("value"), a.get("kwargs") or a.get("args")),
    "batch": lambda a: check_width("batch", a.get("linecount")),
    "slice": lambda a: check_width("slice", a.get("slices")),
}


def _range(*args: int) -> range:
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise _refuse(f"range{args!r} has more than {MAX_RANGE} items".replace(",)", ")"))
    return found


def sandbox(**options: Any) -> Any:
    """Jinja's immutable sandbox, each operation bounded as above."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
    from markupsafe import Markup

    class Formatter(SandboxedFormatter):
        def format_field(self, value: Any, format_spec: str) -> Any:
            check_spec(format_spec)  # after nested fields ({:{width}}) are filled in
            return super().format_field(value, format_spec)

    class EscapeFormatter(Formatter, SandboxedEscapeFormatter):
        pass

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**", "%", "+"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            fmt: str = value.__self__
            formatter = EscapeFormatter(self, escape=fmt.escape) if isinstance(fmt, Markup) else Formatter(self)

            def format_(*args: Any, **kwargs: Any) -> str:
                if value.__name__ == "format_map":
                    if kwargs or len(args) != 1:
                        raise TypeError("format_map() takes exactly one argument")
                    return type(fmt)(formatter.vformat(fmt, (), args[0]))
                return type(fmt)(formatter.vformat(fmt, args, kwargs))

            return functools.update_wrapper(format_, value)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, (str, bytes)):
                args = check_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

    env = Sandbox(**options)
    for name, check in FILTER_CHECKS.items():
        env.filters[name] = _bounded(env.filters[name], check)
    env.globals["range"] = _range
    env.globals.pop("lipsum", None)  # lipsum(10**9): nothing a form needs
    return env
