"""Many files in one change (an import) are written as one is: whole, modes kept, and undone on failure."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from holp import transaction
from holp.errors import HolpError
from holp.files import write_many


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and ".git" not in p.parts}


def test_write_many__every_file_whole_with_its_mode_and_no_temp_left(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    kept = tmp_path / "a" / "old.yaml"
    kept.write_bytes(b"old\n")
    kept.chmod(0o600)
    writes = [(tmp_path / "a" / f"{i:03d}.yaml", f"id: {i} # 客户\n".encode(), f"a/{i:03d}.yaml") for i in range(70)]
    writes.append((kept, b"new\n", "a/old.yaml"))
    heard: list[int] = []
    write_many(writes, heard.append, part=16)
    assert heard == list(range(71))
    assert _files(tmp_path) == {**{f"a/{i:03d}.yaml": f"id: {i} # 客户\n".encode() for i in range(70)},
                                "a/old.yaml": b"new\n"}
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert not [n for n in os.listdir(tmp_path / "a") if n.endswith(".holp-tmp")]


def test_write_many__a_file_that_cannot_be_put_in_place_is_named(tmp_path: Path) -> None:
    (tmp_path / "a" / "05.yaml").mkdir(parents=True)
    (tmp_path / "a" / "05.yaml" / "x").write_text("in the way")
    writes = [(tmp_path / "a" / f"{i:02d}.yaml", b"x\n", f"a/{i:02d}.yaml") for i in range(10)]
    with pytest.raises(HolpError, match=r"^cannot write a/05\.yaml: "):
        write_many(writes, part=4)
    assert not [n for n in os.listdir(tmp_path / "a") if n.endswith(".holp-tmp")]


def test_transaction__a_bulk_write_failing_half_way_is_undone_whole(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    (root / "customers" / "east").mkdir(parents=True)
    before = root / "customers" / "east" / "C-0001.yaml"
    before.write_bytes("id: C-0001\nname: 老客户\n".encode())
    writes = [transaction.Write("customers/east/C-0001.yaml", "customers/east/C-0001.yaml", before.read_bytes(),
                                "id: C-0001\nname: 改了\n".encode())]
    writes += [transaction.Write(f"customers/east/C-{i:04d}.yaml", f"customers/east/C-{i:04d}.yaml", None,
                                 f"id: C-{i:04d}\n".encode()) for i in range(2, 400)]
    assert len(writes) > transaction.BULK

    def fail(step: str) -> None:
        if step == "wrote customers/east/C-0300.yaml":  # in the second part: the first is in place
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(transaction, "_reached", fail)
    with transaction.locked(root), pytest.raises(OSError):
        transaction.run(root, writes, None)
    assert _files(root) == {"customers/east/C-0001.yaml": "id: C-0001\nname: 老客户\n".encode()}
