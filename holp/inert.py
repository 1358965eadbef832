"""Values made inert: what a file holds stays text wherever holp puts it.

Every value a repository brings (names, labels, notes, ids, reasons, git's
author names and messages) is untrusted. This module is the one place that
decides how such a value may appear:

* on a terminal (`terminal`, `one_line`): control characters (C0 but the
  newline and tab holp prints, DEL, C1, so every ANSI escape sequence and
  BEL, backspace, carriage return) and the invisible characters that reorder
  or break lines (bidi overrides, U+2028/9) are written as ``\\uXXXX``: seen,
  never obeyed. The form is JSON's, so a JSON document stays the same JSON;
* in Markdown (`markdown`): every character that could open a link, an image,
  an autolink, HTML or a comment, close a code span or a table cell, or start
  a block is backslash-escaped, and a cell's line breaks become spaces;
* as one line of a file holp writes (`has_breaks`): its writers refuse it;
* as a part of a path (`path_part`): only an id's letters, so no '..', slash,
  backslash, NUL, absolute path or leading '-'.
"""

from __future__ import annotations

import re

from holp.errors import FAILED, HolpError

# An id, and so every value that names a file or folder: letters, digits, '.', '_', '-', starting with a letter
# or digit (so never '.', '..' or an option). Not `$`: Python lets it match before a final newline.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?![\s\S])"
_ID = re.compile(ID_PATTERN)

_HIDDEN = "\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"  # bidi marks and overrides, line/paragraph separators
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_HIDDEN}]")
_CONTROL_OR_BREAK = re.compile(f"[\x00-\x1f\x7f-\x9f{_HIDDEN}]")
_BREAKS = re.compile(f"[\x00-\x1f\x7f-\x9f\x85{_HIDDEN}]")


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def terminal(text: str) -> str:
    """``text`` safe to print: every control character but newline and tab shown as ``\\uXXXX``, none obeyed."""
    return _CONTROL.sub(_visible, text)


def one_line(value: object) -> str:
    """A value inside a line (a table cell): as `terminal`, and newlines and tabs shown too."""
    return _CONTROL_OR_BREAK.sub(_visible, str(value))


def has_breaks(value: str) -> bool:
    """Whether ``value`` holds a newline or another control character (it would not stay one line)."""
    return _BREAKS.search(value) is not None


def path_part(value: str, what: str, exit_code: int = FAILED) -> str:
    """``value`` as one part of a path, or a HolpError: an id's letters only, never '..', '/', '\\' or '-x'.

    ``exit_code`` is 2 for a value the user typed (an option), 1 for one a file brought.
    """
    if not _ID.match(value):
        raise HolpError(f"{what} {one_line(value)!r} cannot name a file or folder: it must use letters, digits, '.', "
                        "'_' and '-' and start with a letter or digit; nothing was written", exit_code)
    return value


# -- Markdown ------------------------------------------------------------------------------------------------

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]<>|])")  # code spans, emphasis, links, images, HTML, cells
_BLOCK_START = re.compile(r"^([ \t]*)([#>\-+=~])", re.MULTILINE)  # headings, quotes, lists, rules, fences
_ORDERED = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


def markdown(value: object, *, lines: bool = False) -> str:
    """``value`` as Markdown text that shows exactly the value and makes no structure of it.

    Inline (the default, for a cell or part of a line) line breaks become spaces; with ``lines`` they are
    kept (a note as paragraphs), and no line of it can start a block either.
    """
    text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not lines:
        text = re.sub(r"[\n\t]", " ", text)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    text = _ORDERED.sub(r"\1\\\2", text)
    text = _BLOCK_START.sub(r"\1\\\2", text)
    return (terminal if lines else one_line)(text)


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """The text a reader sees of escaped Markdown (a form's title for the page's <title>)."""
    return _ESCAPE.sub(r"\1", text)
