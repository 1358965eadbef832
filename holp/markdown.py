"""The Markdown that holp's forms use, as HTML: headings, tables, lists, quotes, bold and code.

Only this small subset is understood (the built-in templates write nothing
else); every text is HTML-escaped first, so no value from a file can become
markup.
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash-escaped character (values are, by holp.inert)
_HELD = re.compile("\x00(\\d+)\x00")


def inline(text: str) -> str:
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:  # an escaped character is text: no code span or bold is made of it
        held.append(match.group(1))
        return f"\x00{len(held) - 1}\x00"

    text = _ESCAPED.sub(hold, text.replace("\x00", ""))
    escaped = html.escape(text, quote=False)
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _HELD.sub(lambda m: html.escape(held[int(m.group(1))], quote=False), escaped)


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def _table(lines: list[str]) -> str:
    head, rule, *body = lines
    aligns = ["right" if c.endswith(":") and not c.startswith(":") else "left" for c in _cells(rule)]

    def row(cells: list[str], tag: str) -> str:
        return "<tr>" + "".join(f'<{tag} class="{aligns[i] if i < len(aligns) else "left"}">{inline(c)}</{tag}>'
                                for i, c in enumerate(cells)) + "</tr>"

    headers = _cells(head)
    thead = f"<thead>{row(headers, 'th')}</thead>" if any(headers) else ""
    return f"<table>{thead}<tbody>{''.join(row(_cells(b), 'td') for b in body)}</tbody></table>"


def to_html(markdown: str) -> str:
    out: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        heading = re.match(r"(#{1,4}) (.*)", stripped)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
            i += 1
        elif stripped.startswith("|") and i + 1 < len(lines) and re.match(r"^\|?[\s:|-]+\|?$", lines[i + 1].strip()):
            block = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                block.append(lines[i])
                i += 1
            out.append(_table(block))
        elif stripped.startswith(("- ", "* ")):
            items = []
            while i < len(lines) and lines[i].strip().startswith(("- ", "* ")):
                item = lines[i].strip()[2:]
                if item.startswith("[ ] "):
                    item = "☐ " + item[4:]
                elif item.startswith("[x] "):
                    item = "☑ " + item[4:]
                items.append(f"<li>{inline(item)}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
        elif stripped.startswith(">"):
            quote = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                quote.append(lines[i].strip()[1:].strip())
                i += 1
            out.append(f"<blockquote>{inline(' '.join(quote))}</blockquote>")
        elif stripped == "&nbsp;":
            out.append('<div class="write"></div>')  # room to write on the printed form
            i += 1
        else:
            paragraph = [stripped]  # a line no other block takes is text: always taken, so the loop moves on
            i += 1
            while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(("#", "|", "- ", ">")):
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
    return "\n".join(out)


CSS = """
* { box-sizing: border-box; }
body { margin: 0; color: #1f2933; font: 13px/1.55 -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
       "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
.sheet { width: 210mm; min-height: 297mm; margin: 0 auto; padding: 16mm 14mm; background: #fff; }
h1 { font-size: 20px; margin: 0 0 10px; border-bottom: 2px solid #1f2933; padding-bottom: 6px; }
h2 { font-size: 15px; margin: 16px 0 6px; }
h3 { font-size: 13px; margin: 12px 0 4px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; }
th, td { border: 1px solid #9aa5b1; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #f0f4f8; }
td.right, th.right { text-align: right; }
ul { margin: 4px 0 8px; padding-left: 20px; }
blockquote { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #9aa5b1; color: #52606d; }
code { font-size: 12px; background: #f0f4f8; padding: 0 3px; }
.write { height: 22mm; border-bottom: 1px dashed #9aa5b1; margin-bottom: 6px; }
@media screen { body { background: #e4e7eb; padding: 10px 0; } .sheet { box-shadow: 0 1px 4px rgba(0,0,0,.2); } }
@media screen and (max-width: 800px) { .sheet { width: 100%; min-height: 0; padding: 12px; } }
@media print { @page { size: A4; margin: 0; } body { background: none; } .sheet { box-shadow: none; }
               h2, h3 { break-after: avoid; } tr, blockquote { break-inside: avoid; } }
"""


def page(title: str, markdown: str, lang: str) -> str:
    """A printable A4 page holding the form."""
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f'<style>{CSS}</style></head><body><div class="sheet">{to_html(markdown)}</div></body></html>\n')
