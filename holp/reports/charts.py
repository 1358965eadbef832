"""Escaping for the HTML pages: every value a page shows goes through `esc` (the dashboard draws its charts in
HTML and CSS, `holp.reports.dashboard`)."""

from __future__ import annotations

import html
from typing import Any


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)
