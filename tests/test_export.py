"""`holp export`: every record as tables, money exact."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import write


def _history(repo: Path, holp: Callable[..., Result]) -> None:
    path = repo / "projects/east/P-2026-001.yaml"
    write(path, path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 1250000.50"))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "start"], cwd=repo, check=True)
    assert holp("close", "P-2026-001", "--lost", "--reason", "price").exit_code == 0


def test_export__sqlite(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    _history(repo, holp)
    out = tmp_path / "sales.db"
    result = holp("export", "--format", "sqlite", "-o", str(out))
    assert result.output == (f"wrote {out}: 1 projects, 1 customers, 2 contacts, 1 visits, 0 payments, "
                             "0 receipts, 0 collection_actions, 0 service, 0 warranty, 0 risks, 2 transitions, "
                             "0 summaries, 0 cases, 0 tasks, 0 approvals, 0 expenses\n")
    db = sqlite3.connect(out)
    assert db.execute("SELECT id, stage, amount, amount_cents, lost_reason FROM projects").fetchall() == [
        ("P-2026-001", "lost", "1250000.50", 125000050, "price")]
    assert db.execute('SELECT "from", "to", author, rep FROM transitions ORDER BY date').fetchall() == [
        (None, "entry", "张伟", "zhang.wei"), ("entry", "lost", "张伟", "zhang.wei")]
    assert db.execute("SELECT name, role, personality FROM contacts ORDER BY name").fetchall() == [
        ("李明", "decision_maker", "tiger"), ("王强", "coach", "koala")]
    assert db.execute("SELECT project, met, next_step FROM visits").fetchall() == [("P-2026-001", "李明", "提交初步方案")]


def test_export__csv_folder_and_jsonl(repo: Path, holp: Callable[..., Result], tmp_path: Path) -> None:
    _history(repo, holp)
    folder = tmp_path / "export"
    assert holp("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["approvals.csv", "cases.csv", "collection_actions.csv", "contacts.csv",
                                                        "customers.csv", "expenses.csv", "payments.csv", "projects.csv", "receipts.csv",
                                                        "risks.csv", "service.csv", "summaries.csv", "tasks.csv",
                                                        "transitions.csv", "visits.csv", "warranty.csv"]
    projects = (folder / "projects.csv").read_bytes()
    assert projects.startswith(b"\xef\xbb\xbfid,name,customer,owner,region,business_line,stage,amount,")
    assert "P-2026-001,2号高炉余热发电改造,C-0001,zhang.wei,east,waste-heat,lost,1250000.50,0,0.00,".encode() in projects
    out = tmp_path / "sales.jsonl"
    assert holp("export", "--format", "jsonl", "-o", str(out)).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["table"] for r in records] == ["projects", "visits", "customers", "contacts", "contacts",
                                             "transitions", "transitions"]
    assert records[0]["amount"] == "1250000.50"
