"""A review of `holp pay`, `holp collect` and `holp service` as an attacker: odd input is refused with a message and
nothing written, odd files are edited without touching their other bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import git, snapshot

P = "projects/east/P-2026-001.yaml"


def _with(root: Path, text: str) -> bytes:
    path = root / P
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))
    git(root, "commit", "-qam", "plan")
    return path.read_bytes()


def _refused(root: Path, holp: Callable[..., Result], *args: str) -> tuple[int, str]:
    before = snapshot(root), git(root, "rev-parse", "HEAD")
    result = holp(*args)
    assert (snapshot(root), git(root, "rev-parse", "HEAD")) == before  # nothing written, nothing committed
    return result.exit_code, result.output


def test_pay__an_absurdly_large_amount_is_a_usage_error_not_a_crash(git_repo: Path,
                                                                    holp: Callable[..., Result]) -> None:
    _with(git_repo, "payments:\n  - {due: 2026-09-30, amount: 500000}\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "1e400") == (
        2, "holp: --amount 1e400: more than 1,000,000,000,000,000 is surely a typo\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "1e16") == (
        2, "holp: --amount 1e16: more than 1,000,000,000,000,000 is surely a typo\n")


def test_pay__an_anchored_or_tagged_flow_payment_keeps_its_anchor_and_tag(git_repo: Path,
                                                                          holp: Callable[..., Result]) -> None:
    plan = "payments:\n  - &advance {due: 2026-09-30, amount: 500000}\n  - !!map {due: 2026-10-30, amount: 100}\n"
    before = _with(git_repo, plan)
    assert holp("pay", "P-2026-001", "--amount", "100", "--date", "2026-11-20").exit_code == 0
    assert holp("pay", "P-2026-001", "--amount", "100", "--date", "2026-11-21", "--payment", "2").exit_code == 0
    assert (git_repo / P).read_bytes() == before.replace(plan.encode(), b"""\
payments:
  - &advance {due: 2026-09-30, amount: 500000, received: 2026-11-20, received_amount: 100}
  - !!map {due: 2026-10-30, amount: 100, received: 2026-11-21, received_amount: 100}
""")
    assert holp("validate").exit_code == 0


def test_show__a_note_or_summary_with_a_newline_stays_on_its_own_line(git_repo: Path,
                                                                      holp: Callable[..., Result]) -> None:
    _with(git_repo, "payments:\n  - {due: 2026-09-30, amount: 500000}\n")
    forged = "客户说下周付\n  1 · 2026-11-24 上门催款 李娜: 已全部付清"
    assert holp("collect", "P-2026-001", "--action", "call", "--note", forged).exit_code == 0
    assert holp("service", "open", "P-2026-001", "--kind", "complaint", "--from", "李明", "--severity", "high",
                "--summary", "漏水\n  2. 2026-11-24 回访 满意").exit_code == 0
    lines = holp("show", "P-2026-001").output.splitlines()
    assert "  1 · 2026-11-24 电话催款 张伟: 客户说下周付\\u000a  1 · 2026-11-24 上门催款 李娜: 已全部付清" in lines
    assert "  1. 2026-11-24 投诉 [高] 李明: 漏水\\u000a  2. 2026-11-24 回访 满意" in lines
    assert not [line for line in lines if line.startswith(("  1 · 2026-11-24 上门催款", "  2. "))]


def test_collect__refuses_a_payment_received_in_full_by_that_day(git_repo: Path, holp: Callable[..., Result]) -> None:
    plan = ("payments:\n  - {due: 2026-03-31, amount: 100, received: 2026-04-10, received_amount: 60,"
            " receipts: [{date: 2026-05-20, amount: 40}]}\n")
    before = _with(git_repo, plan)
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "legal", "--note", "起诉",
                    "--payment", "1") == (
        1, "holp: payment 1 of P-2026-001 was received in full by 2026-11-24: there is nothing to collect\n")
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "x", "--payment", "1",
                    "--date", "2026-05-20")[0] == 1
    # a call made while 40 was still outstanding is recorded
    assert holp("collect", "P-2026-001", "--action", "call", "--note", "催尾款", "--payment", "1",
                "--date", "2026-05-10").exit_code == 0
    assert (git_repo / P).read_bytes() == before.replace(plan.encode(), """\
payments:
  - due: 2026-03-31
    amount: 100
    received: 2026-04-10
    received_amount: 60
    receipts: [{date: 2026-05-20, amount: 40}]
    actions:
      - {date: 2026-05-10, kind: call, by: zhang.wei, note: 催尾款}
""".encode())


def test_pay_and_collect__an_empty_date_is_refused_as_service_refuses_it(git_repo: Path,
                                                                         holp: Callable[..., Result]) -> None:
    _with(git_repo, "payments:\n  - {due: 2026-09-30, amount: 500000}\n")
    message = (2, "holp: --date : not a real date written YYYY-MM-DD\n")
    assert _refused(git_repo, holp, "pay", "P-2026-001", "--amount", "1", "--date", "") == message
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "x", "--date", "") == message
    assert _refused(git_repo, holp, "service", "open", "P-2026-001", "--kind", "complaint", "--from", "李明",
                    "--severity", "high", "--summary", "x", "--date", "") == message


def test_collect__an_unknown_collector_in_the_file_is_named_with_its_line_not_blamed_on_by(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    _with(git_repo, "payments:\n  - {due: 2026-09-30, amount: 500000, collector: wang.wu}\n")
    assert _refused(git_repo, holp, "collect", "P-2026-001", "--action", "call", "--note", "x") == (
        1, "holp: projects/east/P-2026-001.yaml:33: the collector of payment 1, wang.wu, is not a rep in team.yaml "
           "(did you mean zhang.wei?): correct it, or name who took the step with --by\n")
    assert holp("collect", "P-2026-001", "--action", "call", "--note", "x", "--by", "li.na").exit_code == 0
