"""Templates: one strict, sandboxed Jinja environment for every template holp renders.

Templates are untrusted input (a repository may bring its own), so:

* they run in Jinja's immutable sandbox: no attribute of Python's internals,
  no changing the data;
* an undefined name is an error naming the template, its line and the name;
* a template is looked up first in the repository's templates/, then in the
  templates shipped with holp; one that is a link, or resolves outside its
  templates folder, is refused;
* rendering stops after a time limit (HOLP_RENDER_SECONDS, default 10) and
  at 5 MB of output;
* data values are only ever variables, never rendered as templates, and are
  HTML-escaped in .html templates.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from holp import inert, yaml
from holp.errors import FAILED, HolpError
from holp.resources import templates_dir

MAX_OUTPUT = 5 << 20


class _Timeout(Exception):
    pass


def folders(root: Path | None) -> list[Path]:
    found = [root / "templates"] if root is not None and (root / "templates").is_dir() else []
    return [*found, templates_dir()]


def _loader(search: list[Path]) -> Any:
    import jinja2

    class Loader(jinja2.BaseLoader):
        """Files under the template folders only: no links, nothing outside."""

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
            parts = [p for p in template.replace("\\", "/").split("/") if p not in ("", ".")]
            if ".." in parts:
                raise HolpError(f"template {template}: refused, it points outside templates/", FAILED)
            for base in search:
                path = base.joinpath(*parts)
                if not path.exists() and not path.is_symlink():
                    continue
                walked = base
                for part in parts:
                    walked = walked / part
                    if walked.is_symlink():
                        raise HolpError(f"template {template}: refused, {walked} is a link", FAILED)
                if base.resolve() not in path.resolve().parents:
                    raise HolpError(f"template {template}: refused, it lies outside {base}", FAILED)
                source = path.read_text(encoding="utf-8")
                mtime = path.stat().st_mtime
                return source, str(path), lambda path=path, mtime=mtime: path.stat().st_mtime == mtime
            raise jinja2.TemplateNotFound(template)

    return Loader()


MAX_ITEMS = 1_000_000  # a string or list a template may build with *
MAX_BITS = 4096  # an integer a template may build with * or **


def environment(root: Path | None) -> Any:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class Sandbox(ImmutableSandboxedEnvironment):
        """One C-level operation cannot be interrupted by the time limit: bound the ones that can explode."""

        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                if isinstance(right, int) and isinstance(left, int) and \
                        abs(right) * max(1, abs(left).bit_length()) > MAX_BITS:
                    raise SecurityError(f"{left} ** {right} is too large for a form")
                return left ** right
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_ITEMS:
                    raise SecurityError("a string or list that long is not a form")
            if isinstance(left, int) and isinstance(right, int) and \
                    left.bit_length() + right.bit_length() > MAX_BITS:
                raise SecurityError("a number that large is not a form")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(
        loader=_loader(folders(root)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.finalize = _finalize_factory()
    env.filters["yaml"] = yaml.scalar
    env.filters["cell"] = _cell
    return env


def _cell(value: Any) -> str:
    """A value in one line of a form (a table cell): its line breaks become spaces (escaped when output)."""
    return " ".join(str(value).splitlines())


def _md_safe(value: Any) -> Any:
    """A value in a Markdown form stays text: no links, images, HTML, cells or blocks made of a project's name."""
    if isinstance(value, str):
        return inert.markdown(value, lines=True)
    return value


def _finalize_factory() -> Any:
    import jinja2

    @jinja2.pass_context
    def finalize(context: Any, value: Any) -> Any:
        name = context.name or ""
        return _md_safe(value) if name.endswith(".md.j2") else value

    return finalize


def _line_in(error: BaseException, name: str) -> int | None:
    """The template line where an error arose (Jinja puts template frames in the traceback)."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.replace("\\", "/").endswith(name):
            line = frame.lineno
    return line


def _limited(seconds: float) -> Any:
    """A context manager that interrupts rendering after ``seconds`` (main thread, where signals work)."""
    import contextlib
    import threading

    @contextlib.contextmanager
    def limit() -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            yield
            return

        def stop(signum: int, frame: Any) -> None:
            raise _Timeout()

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return limit()


def render(root: Path | None, name: str, variables: dict[str, Any]) -> str:
    """Render one template; every way it can fail is one HolpError naming the template (and line)."""
    import jinja2
    from jinja2.sandbox import SecurityError

    try:
        seconds = float(os.environ.get("HOLP_RENDER_SECONDS", "10"))
    except ValueError:
        seconds = 10.0
    env = environment(root)
    try:
        template = env.get_template(name)
        pieces, size = [], 0
        with _limited(seconds):
            for piece in template.generate(**variables):
                size += len(piece)
                if size > MAX_OUTPUT:
                    raise HolpError(f"template {name}: stopped, its output passed {MAX_OUTPUT >> 20} MB", FAILED)
                pieces.append(piece)
        return "".join(pieces)
    except HolpError:
        raise
    except jinja2.TemplateNotFound as e:
        raise HolpError(f"no template named {e.name}", FAILED) from None
    except jinja2.TemplateSyntaxError as e:
        raise HolpError(f"template {name}:{e.lineno}: syntax error: {e.message}", FAILED) from None
    except jinja2.UndefinedError as e:
        line = _line_in(e, name)
        raise HolpError(f"template {name}{f':{line}' if line else ''}: undefined: {e.message}", FAILED) from None
    except SecurityError as e:
        line = _line_in(e, name)
        raise HolpError(f"template {name}{f':{line}' if line else ''}: refused by the sandbox: {e}", FAILED) from None
    except _Timeout:
        raise HolpError(f"template {name}: stopped after {seconds:g} s (a loop that does not end?)", FAILED) from None
    except RecursionError:
        raise HolpError(f"template {name}: stopped, it calls itself without end", FAILED) from None
    except MemoryError:
        raise HolpError(f"template {name}: stopped, it needed more memory than a form can", FAILED) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as e:
        line = _line_in(e, name)
        raise HolpError(f"template {name}{f':{line}' if line else ''}: {type(e).__name__}: {e}", FAILED) from None
