"""Files shipped with holp: the templates folder, inside the wheel or beside the source."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    if installed.is_dir():
        return installed
    return here.parent / "templates"  # a source checkout or an editable install


def template(*parts: str) -> Path:
    return templates_dir().joinpath(*parts)
