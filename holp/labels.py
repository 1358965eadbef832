"""The words a rep reads on tables and forms, in Chinese and English, from templates/labels.yaml.

The shipped file can be overridden key by key by a repository's own
templates/labels.yaml; the code only ever asks for a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from holp.repo import read_document
from holp.resources import template

FILE = "labels.yaml"


class Labels:
    def __init__(self, data: Mapping[str, Any], lang: str) -> None:
        self._data = data
        self.lang = lang

    @property
    def data(self) -> Mapping[str, Any]:
        return self._data

    def __call__(self, key: str, group: str | None = None) -> str:
        """The label of ``key`` (in ``group``, e.g. roles), or the key itself when none is defined."""
        table = self._data.get(group, {}) if group else self._data
        entry = table.get(key) if isinstance(table, Mapping) else None
        if isinstance(entry, Mapping):
            text = entry.get(self.lang) or entry.get("en") or entry.get("zh")
            if isinstance(text, str):
                return text
        return key


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    doc = read_document(path)  # the repository's reader: a file too large is refused by its size, never read
    return doc.data if isinstance(doc.data, dict) else {}


def load(lang: str, root: Path | None = None) -> Labels:
    data = _read(template(FILE))
    if root is not None:
        for key, value in _read(root / "templates" / FILE).items():
            if isinstance(value, dict) and isinstance(data.get(key), dict) and not {"zh", "en"} & value.keys():
                data[key] = {**data[key], **value}
            else:
                data[key] = value
    return Labels(data, lang)
