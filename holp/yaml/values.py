"""The plain values a file reads as: mappings and lists that know their line (`read` and `fast` both build them)."""

from __future__ import annotations

from typing import Any


class Map(dict):
    """A mapping read from a file, knowing the 1-based line it starts on."""

    __slots__ = ("line",)

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line


class Seq(list):
    """A list read from a file, knowing the 1-based line it starts on."""

    __slots__ = ("line",)

    def __init__(self, values: Any = (), line: int = 0) -> None:
        super().__init__(values)
        self.line = line
