"""Templates: one strict, sandboxed Jinja environment for every template holp renders.

Templates are untrusted input (a pull request may bring or change them), so:

* they run in Jinja's immutable sandbox (holp.sandbox): no attribute of Python's
  internals, no changing the data, and every operation that takes a width, a
  count or a repetition bounded before it runs;
* an undefined name is an error naming the template, its line and the name;
* a template is looked up first in the repository's templates/, then in the
  templates shipped with holp; templates/ and every folder and file on the way
  must not be a link nor resolve outside, a name may not be absolute, climb
  with .. or enter a .git folder, and a file git ignores is not served;
* on Linux rendering runs in a forked child with its address space bounded
  (MEMORY over what holp uses) and answers through a pipe; a time limit
  (HOLP_RENDER_SECONDS, default 10) stops it, and a child that does not answer
  within a grace after it is killed; output stops at 5 MB;
* data values are only ever variables, never rendered as templates, and are
  HTML-escaped in .html templates.
"""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from holp import git, inert, yaml
from holp.errors import FAILED, HolpError
from holp.resources import templates_dir
from holp.sandbox import sandbox

MAX_OUTPUT = 5 << 20  # characters
MAX_SOURCE = 1 << 20  # bytes of one template file
MEMORY = 512 << 20  # bytes of address space the rendering process may add to what holp already uses
GRACE = 5.0  # seconds past the time limit before a renderer that does not answer is killed


class _Timeout(Exception):
    pass


class Refused(Exception):
    """A template the loader will not serve (a link, outside templates/, ignored by git...)."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def folders(root: Path | None) -> list[Path]:
    """The repository's templates/ (when there is one), then holp's own.

    The repository's folder must be a real folder inside the repository: a link, or a path that resolves
    elsewhere, would let a pull request serve any file of the machine as a template.
    """
    found: list[Path] = []
    if root is not None:
        own = root / "templates"
        if own.is_symlink():
            raise HolpError(f"{own} is a link: refused (templates come from the repository itself)", FAILED)
        if own.is_dir():
            if not _inside(own.resolve(), root.resolve()):
                raise HolpError(f"{own} resolves outside the repository: refused", FAILED)
            found.append(own)
    return [*found, templates_dir()]


def _parts(template: str) -> list[str]:
    """The path of a template name inside a templates folder, or Refused."""
    if "\x00" in template:
        raise Refused(f"{template!r} is not a file name")
    name = template.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise Refused(f"{template} is an absolute path; templates are named inside templates/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Refused(f"{template} points outside templates/")
    if ".git" in parts:
        raise Refused(f"{template} points into a git folder")
    return parts


def _source(root: Path | None, base: Path, parts: list[str], template: str) -> tuple[str, Path]:
    """The text of one template file, after every check that it is a file of this templates folder."""
    path = base.joinpath(*parts)
    walked = base
    for part in parts:
        walked = walked / part
        if walked.is_symlink():
            raise Refused(f"{walked} is a link")
    if not _inside(path.resolve(), base.resolve()):
        raise Refused(f"{template} lies outside {base}")
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{path} is not a file")
    if info.st_size > MAX_SOURCE:
        raise Refused(f"{path} is larger than a template can be ({MAX_SOURCE >> 20} MB)")
    if root is not None and base != templates_dir() and git.is_ignored(root, path):
        raise Refused(f"{path} is ignored by git (a template must be a file of the repository)")
    try:
        return path.read_text(encoding="utf-8"), path
    except (OSError, UnicodeDecodeError) as e:
        raise Refused(f"{path} cannot be read: {e}") from None


def _loader(root: Path | None) -> Any:
    import jinja2

    search = folders(root)

    class Loader(jinja2.BaseLoader):
        """Files under the template folders only: no links, nothing outside, nothing git ignores."""

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
            parts = _parts(template)
            for base in search:
                path = base.joinpath(*parts)
                if not parts or (not path.exists() and not path.is_symlink()):
                    continue
                source, path = _source(root, base, parts, template)
                mtime = path.stat().st_mtime
                return source, str(path), lambda path=path, mtime=mtime: path.stat().st_mtime == mtime
            raise jinja2.TemplateNotFound(template)

    return Loader()


def environment(root: Path | None) -> Any:
    import jinja2

    env = sandbox(
        loader=_loader(root),
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
    from markupsafe import Markup

    @jinja2.pass_context
    def finalize(context: Any, value: Any) -> Any:
        name = context.name or ""
        if name.endswith(".md.j2"):
            return _md_safe(value)
        if name.endswith(".html.j2") and isinstance(value, str):  # a page shows control and bidi marks, obeys none
            shown = inert.terminal(value)
            if shown == value:
                return value
            return Markup(shown) if isinstance(value, Markup) else shown  # \\uXXXX holds nothing HTML reads
        return value

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


def _seconds() -> float:
    try:
        seconds = float(os.environ.get("HOLP_RENDER_SECONDS", "10"))
    except ValueError:
        return 10.0
    return seconds if 0 < seconds <= 86400 else 10.0


def _where(error: BaseException, name: str) -> str:
    line = _line_in(error, name)
    return f"template {name}{f':{line}' if line else ''}"


def _render_here(root: Path | None, name: str, variables: dict[str, Any], seconds: float, env: Any = None) -> str:
    """Render in this process (with ``env``, one environment for many pages, else a new one); every way the
    template can fail is one HolpError naming it (and the line)."""
    import jinja2
    from jinja2.sandbox import SecurityError

    try:
        env = env or environment(root)
        pieces, size = [], 0
        with _limited(seconds):
            template = env.get_template(name)
            for piece in template.generate(**variables):
                size += len(piece)
                if size > MAX_OUTPUT:
                    raise HolpError(f"template {name}: stopped, its output passed {MAX_OUTPUT >> 20} MB", FAILED)
                pieces.append(piece)
        text = "".join(pieces)
        text.encode("utf-8")
        return text
    except HolpError:
        raise
    except Refused as e:
        raise HolpError(f"{_where(e, name)}: refused, {e}", FAILED) from None
    except jinja2.TemplateNotFound as e:
        if e.name == name:
            raise HolpError(f"no template named {e.name}", FAILED) from None
        raise HolpError(f"{_where(e, name)}: no template named {e.name}", FAILED) from None
    except jinja2.TemplateSyntaxError as e:
        raise HolpError(f"template {e.name or name}:{e.lineno}: syntax error: {e.message}", FAILED) from None
    except jinja2.UndefinedError as e:
        raise HolpError(f"{_where(e, name)}: undefined: {e.message}", FAILED) from None
    except SecurityError as e:
        raise HolpError(f"{_where(e, name)}: refused by the sandbox: {e}", FAILED) from None
    except _Timeout:
        raise HolpError(f"template {name}: stopped after {seconds:g} s (a loop that does not end?)", FAILED) from None
    except RecursionError:
        raise HolpError(f"template {name}: stopped, it calls itself without end", FAILED) from None
    except MemoryError:
        raise HolpError(f"template {name}: stopped, it needed more memory than a form can "
                        f"({MEMORY >> 20} MB)", FAILED) from None
    except UnicodeEncodeError as e:
        raise HolpError(f"template {name}: its output is not text ({e.reason})", FAILED) from None
    except Exception as e:  # whatever else the untrusted template made a filter or method raise
        raise HolpError(f"{_where(e, name)}: {type(e).__name__}: {e}", FAILED) from None


def _limit_memory() -> None:
    """Bound this process's address space at what it uses now plus MEMORY (Linux: RLIMIT_AS)."""
    import resource

    used = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + MEMORY if hard == resource.RLIM_INFINITY else min(used + MEMORY, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _answer(pid: int, pipe: int, name: str, seconds: float, count: int = 1) -> dict[str, Any]:
    """Read the child's answer (at most until the time limit and a grace), reap it, and make sense of its end;
    ``count`` templates may each take the time limit and give the most output."""
    chunks: list[bytes] = []
    deadline, ended, size = time.monotonic() + seconds * count + GRACE, False, 0
    ready = select.poll()  # not select(): a long-lived process may hold descriptors past 1024
    ready.register(pipe, select.POLLIN | select.POLLHUP)
    try:
        while size <= 8 * MAX_OUTPUT * count:
            left = deadline - time.monotonic()
            if left <= 0 or not ready.poll(left * 1000):
                break
            chunk = os.read(pipe, 1 << 16)
            if not chunk:
                ended = True
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(pipe)
        if not ended:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not ended:
        raise HolpError(f"template {name}: stopped after {seconds:g} s (a loop that does not end?)", FAILED)
    if os.WIFSIGNALED(status) or not chunks:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no answer"
        raise HolpError(f"template {name}: stopped, rendering it crashed ({how}); "
                        f"it may have needed more memory than a form can ({MEMORY >> 20} MB)", FAILED)
    answer: dict[str, Any] = json.loads(b"".join(chunks))
    return answer


def render(root: Path | None, name: str, variables: dict[str, Any]) -> str:
    """Render one template in a child process bounded in time and memory (Linux); elsewhere in this one.

    Every way the template can fail is one HolpError naming it (and the line when Jinja knows it).
    """
    return render_many(root, [(name, variables)])[0]


def _child(out: int, root: Path | None, jobs: list[tuple[str, dict[str, Any]]], seconds: float) -> None:
    """The forked renderer: the templates of ``jobs`` under the memory bound, one environment for all (each
    compiled once), the answer through the pipe, then exit. Never returns."""
    try:
        try:
            _limit_memory()
            env = environment(root)
            answer: dict[str, Any] = {"texts": [_render_here(root, name, variables, seconds, env)
                                                for name, variables in jobs]}
        except HolpError as e:
            answer = {"error": e.message, "exit": e.exit_code}
        except BaseException:  # a bug of holp's, or Ctrl-C: the parent reports it
            answer = {"bug": traceback.format_exc()}
        data = json.dumps(answer).encode("ascii")
        while data:
            data = data[os.write(out, data):]
    finally:
        os._exit(0)


BATCH = 16  # pages one child renders: each within the time limit and output cap, together within MEMORY


def render_many(root: Path | None, jobs: list[tuple[str, dict[str, Any]]], batch: int = BATCH) -> list[str]:
    """Render several templates as `render` does one, in a child each ``batch`` (the site's pages, an import's new
    files: a template is compiled once a batch, not once a page; a fork a file would take longer than the files).
    The first failure is one HolpError naming its template."""
    import jinja2.sandbox  # noqa: F401  imported once here, not again in every child

    seconds = _seconds()
    if not sys.platform.startswith("linux"):
        return [_render_here(root, name, variables, seconds) for name, variables in jobs]
    texts: list[str] = []
    for start in range(0, len(jobs), batch):
        part = jobs[start:start + batch]
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _child(write_end, root, part, seconds)
        os.close(write_end)
        answer = _answer(pid, read_end, part[0][0], seconds, len(part))
        if "bug" in answer:
            raise RuntimeError(f"rendering {part[0][0]} failed:\n{answer['bug']}")
        if "error" in answer:
            raise HolpError(answer["error"], answer["exit"])
        texts += answer["texts"]
    return texts
