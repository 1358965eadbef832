from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from holp import git, history, workbook
from holp import repo as repository
from holp.commands import echo, warn_left_out
from holp.errors import HolpError
from holp.export import TABLES, by_table, rows, sheets, write_sqlite
from holp.files import refuse_tracked, write_atomic


def run(root: Path, fmt: str, output: Path, use_cache: bool) -> int:
    if fmt != "csv" and output.is_dir():
        raise HolpError(f"{output} is a folder: {fmt} export writes one file; name the file")
    refuse_tracked(output)
    repo = repository.load(root)
    warn_left_out(repo.left_out())
    found = history.read(root, use_cache=use_cache) if git.toplevel(root) is not None else None
    records = rows(repo, found, repo.team)
    counts = dict.fromkeys(TABLES, 0)
    if fmt == "csv":
        if output.exists() and not output.is_dir():
            raise HolpError(f"{output} is a file: csv export writes one file per table into a folder")
        output.mkdir(parents=True, exist_ok=True)
        for table, items in by_table(records).items():
            lines: list[str] = []
            out = _Lines(lines)
            writer = csv.DictWriter(out, fieldnames=list(TABLES[table]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(items)
            # a BOM: Excel, which most sales teams open CSV with, then reads the Chinese right
            write_atomic(output / f"{table}.csv", "".join(lines).encode("utf-8-sig"))
            counts[table] = len(items)
    elif fmt == "xlsx":
        tables = by_table(records)
        data, written = workbook.write(sheets(tables), repo.process.currency)
        write_atomic(output, data)
        counts = {t: len(items) for t, items in tables.items()}
        for warning in written.warnings():
            echo(f"holp: warning: {warning}", err=True)
    elif fmt == "jsonl":
        lines = []
        for table, record in records:
            lines.append(json.dumps({"table": table, **record}, ensure_ascii=False))
            counts[table] += 1
        write_atomic(output, ("\n".join(lines) + "\n").encode("utf-8"))
    else:
        listed = list(records)
        for table, _ in listed:
            counts[table] += 1
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".holp-tmp", dir=output.parent or ".")
        os.close(fd)
        os.unlink(temp)
        try:
            write_sqlite(temp, iter(listed))
            os.replace(temp, output)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    echo(f"wrote {output}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


class _Lines:
    """A file-like sink for csv.writer that collects what it writes."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def write(self, text: str) -> int:
        self.lines.append(text)
        return len(text)
