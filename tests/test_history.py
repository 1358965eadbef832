"""`holp history` on real repositories with scripted pasts: the JSON equals the scripted truth exactly."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, REPS, TEAM, Script, project, write
from holp.resources import template


def t(project_id: str, source: str | None, target: str | None, commit: str, who: str, date: str,
      note: str | None = None, reason: str | None = None, rep: bool = True) -> dict[str, object]:
    name, email = REPS[who]
    return {"project": project_id, "from": source, "to": target, "commit": commit, "author": name, "email": email,
            "date": date, "rep": who if rep else None, "note": note, "reason": reason}


def history(holp: Callable[..., Result], *args: str) -> list[dict[str, object]]:
    result = holp("history", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_history__reads_trailers_as_git_does(script: Script, holp: Callable[..., Result]) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    c1 = script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    # by hand: a reason folded over two lines (git unfolds it), then a note `原因: …` that git does not take
    # for a trailer (a trailer's key is ASCII letters, digits and -)
    c2 = script.commit("zhang.wei", "2026-02-01T10:00:00+08:00",
                       "P-1: 进入\n\n客户来电\n\nHolp-Project: P-1\nHolp-Reason: 客户\n  直接邀请\n",
                       {"projects/east/P-1.yaml": project("P-1", "entry")})
    c3 = script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "P-1: 提案\n\n原因: 方案已审",
                       {"projects/east/P-1.yaml": project("P-1", "proposal")})
    assert history(holp) == [
        t("P-1", None, "prospecting", c1, "li.na", "2026-01-05T09:00:00+08:00"),
        t("P-1", "prospecting", "entry", c2, "zhang.wei", "2026-02-01T10:00:00+08:00", note="客户来电",
          reason="客户 直接邀请"),
        t("P-1", "entry", "proposal", c3, "zhang.wei", "2026-02-02T10:00:00+08:00", note="原因: 方案已审"),
    ]


def test_history__equals_the_scripted_truth(script: Script, holp: Callable[..., Result]) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    c1 = script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    # a hand edit: no trailers, no holp
    c2 = script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "拜访后更新阶段",
                       {"projects/east/P-1.yaml": project("P-1", "entry")})
    # a forced skip through holp
    c3 = script.run("zhang.wei", "2026-03-02T11:00:00+08:00", "advance", "P-1", "--to", "bidding", "--force",
                    "--reason", "客户直接邀标", "-m", "跳过提案阶段")
    # a move back
    c4 = script.run("zhang.wei", "2026-03-20T15:30:00+08:00", "advance", "P-1", "--to", "proposal", "--reason",
                    "技术方案需重做")
    # one commit creating two projects and changing a third's amount
    text = (script.root / "projects/east/P-1.yaml").read_text(encoding="utf-8")
    c5 = script.commit("li.na", "2026-04-01T09:00:00+08:00", "两个新项目", {
        "projects/east/P-2.yaml": project("P-2", "prospecting"),
        "projects/east/P-3.yaml": project("P-3", "prospecting"),
        "projects/east/P-1.yaml": text.replace("amount: 1000000", "amount: 1200000")})
    # a move between folders is no transition
    script.as_("li.na", "2026-04-02T09:00:00+08:00")
    (script.root / "projects/north").mkdir()
    script.git("mv", "projects/east/P-2.yaml", "projects/north/P-2.yaml")
    script.git("commit", "-q", "-m", "P-2 归华北")
    # a branch whose move is merged: it counts once, at the commit that made it
    script.git("switch", "-q", "-c", "feature")
    c7 = script.commit("zhang.wei", "2026-04-10T10:00:00+08:00", "P-3 进入",
                       {"projects/east/P-3.yaml": project("P-3", "entry")})
    script.git("switch", "-q", "main")
    c8 = script.commit("li.na", "2026-04-12T10:00:00+08:00", "P-1 推迟",
                       {"projects/east/P-1.yaml": text.replace("amount: 1000000", "amount: 1200000").replace(
                           "2027-06-30", "2027-09-30")})
    script.as_("li.na", "2026-04-15T18:00:00+08:00")
    script.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    # lost through holp, and an author who is not in team.yaml
    c10 = script.run("zhang.wei", "2026-05-01T09:00:00+08:00", "close", "P-2", "--lost", "--reason", "price",
                     "-m", "对手报价低15%")
    c11 = script.commit("outsider", "2026-05-03T09:00:00+08:00", "P-3 提案",
                        {"projects/east/P-3.yaml": project("P-3", "proposal")})

    truth = [
        t("P-1", None, "prospecting", c1, "li.na", "2026-01-05T09:00:00+08:00"),
        t("P-1", "prospecting", "entry", c2, "zhang.wei", "2026-02-01T10:00:00+08:00"),
        t("P-1", "entry", "bidding", c3, "zhang.wei", "2026-03-02T11:00:00+08:00", "跳过提案阶段", "客户直接邀标"),
        t("P-1", "bidding", "proposal", c4, "zhang.wei", "2026-03-20T15:30:00+08:00", None, "技术方案需重做"),
        t("P-2", None, "prospecting", c5, "li.na", "2026-04-01T09:00:00+08:00"),
        t("P-3", None, "prospecting", c5, "li.na", "2026-04-01T09:00:00+08:00"),
        t("P-3", "prospecting", "entry", c7, "zhang.wei", "2026-04-10T10:00:00+08:00"),
        t("P-2", "prospecting", "lost", c10, "zhang.wei", "2026-05-01T09:00:00+08:00", "对手报价低15%", "price"),
        t("P-3", "entry", "proposal", c11, "outsider", "2026-05-03T09:00:00+08:00", rep=False),
    ]
    assert history(holp) == truth
    # the cache gives the same, and so does a walk without it
    assert history(holp) == truth
    assert json.loads(holp("--no-cache", "history", "--format", "json").stdout) == truth
    # filters
    assert history(holp, "P-3") == [truth[5], truth[6], truth[8]]
    assert history(holp, "--since", "2026-04-01", "--until", "2026-04-30") == truth[4:7]
    assert history(holp, "--author", "zhang.wei") == [truth[i] for i in (1, 2, 3, 6, 7)]
    assert history(holp, "--author", "consultant@other.example") == [truth[8]]
    # amount and close-date changes
    fields = [(r["project"], r["field"], r["from"], r["to"]) for r in history(holp, "--fields")
              if r["field"] != "stage"]
    assert fields == [("P-1", "amount", "1000000", "1200000"), ("P-1", "expected_close", "2027-06-30", "2027-09-30")]
    assert c8 in {r["commit"] for r in history(holp, "--fields")}


def test_history__cache_follows_new_commits_and_rewrites(script: Script, holp: Callable[..., Result]) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    assert len(history(holp)) == 1
    c2 = script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "entry",
                       {"projects/east/P-1.yaml": project("P-1", "entry")})
    assert [r["commit"] for r in history(holp)][-1] == c2
    script.git("reset", "-q", "--hard", "HEAD~1")  # history rewritten: the cached head is gone
    c3 = script.commit("zhang.wei", "2026-02-02T10:00:00+08:00", "proposal",
                       {"projects/east/P-1.yaml": project("P-1", "proposal")})
    assert [(r["to"], r["commit"]) for r in history(holp)][-1] == ("proposal", c3)
    assert c2 not in {r["commit"] for r in history(holp)}


def test_history__custom_process_with_other_stage_ids(script: Script, holp: Callable[..., Result]) -> None:
    config = """\
holp: 1
won_from: s
lost_reasons: [price]
stages:
  - {id: g, label: {zh: 电话邀约, en: Call}, probability: 0.1}
  - {id: f, label: {zh: 上门拜访, en: Visit}, probability: 0.2}
  - {id: a, label: {zh: 商务谈判, en: Negotiation}, probability: 0.9}
  - {id: s, label: {zh: 签约成交, en: Signed}, probability: 1.0}
"""
    c1 = script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "g")})
    c2 = script.run("zhang.wei", "2026-01-06T09:00:00+08:00", "advance", "P-1")
    c3 = script.run("zhang.wei", "2026-01-07T09:00:00+08:00", "close", "P-1", "--won", "--reason", "签约", "--force")
    assert [(r["from"], r["to"], r["commit"]) for r in history(holp)] == [(None, "g", c1), ("g", "f", c2),
                                                                          ("f", "s", c3)]
    table = holp("history", "--lang", "en").output
    assert "Call" in table and "Visit" in table and "Signed" in table


def test_history__empty_repository_detached_head_and_uncommitted_files(script: Script,
                                                                        holp: Callable[..., Result]) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    write(script.root / "holp.yaml", config)
    write(script.root / "team.yaml", TEAM)
    assert history(holp) == []  # no commit yet
    c1 = script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "customers/east/C-0001.yaml": CUSTOMER, "projects/east/P-1.yaml": project("P-1", "prospecting")})
    write(script.root / "projects/east/P-2.yaml", project("P-2", "entry"))  # not committed: not history
    script.git("checkout", "-q", "--detach")
    assert [r["commit"] for r in history(holp)] == [c1]


def test_history__shallow_clone_is_said_plainly(script: Script, holp: Callable[..., Result], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    script.commit("zhang.wei", "2026-02-01T10:00:00+08:00", "entry", {"projects/east/P-1.yaml": project("P-1", "entry")})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{script.root}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    result = holp("history", "--format", "json")
    assert result.exit_code == 0
    assert "this is a shallow clone" in result.stderr
    assert [(r["from"], r["to"]) for r in json.loads(result.stdout)] == [(None, "entry")]


def test_history__a_move_made_in_a_merge_commit_is_seen(script: Script, holp: Callable[..., Result]) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    script.git("switch", "-q", "-c", "feature")
    script.commit("zhang.wei", "2026-01-06T09:00:00+08:00", "amount", {
        "projects/east/P-1.yaml": project("P-1", "prospecting", amount="2000000")})
    script.git("switch", "-q", "main")
    script.commit("li.na", "2026-01-07T09:00:00+08:00", "amount", {
        "projects/east/P-1.yaml": project("P-1", "prospecting", amount="3000000")})
    script.git("switch", "-q", "feature")
    script.as_("zhang.wei", "2026-01-08T09:00:00+08:00")
    subprocess.run(["git", "merge", "-q", "main"], cwd=script.root, capture_output=True, check=False)
    write(script.root / "projects/east/P-1.yaml", project("P-1", "negotiation", amount="3000000"))
    script.git("add", "-A")
    script.git("commit", "-q", "-m", "merge, resolved")
    merge = script.head()
    moves = [(r["from"], r["to"], r["commit"]) for r in history(holp)]
    assert moves[-1] == ("prospecting", "negotiation", merge)
    review = holp("review", "main", "--format", "json")
    assert review.exit_code == 1  # the merge skipped three stages without a reason
    assert "skipped entry, proposal, bidding without a Holp-Reason" in review.stdout


def test_history__warm_equals_cold_after_a_broken_file_is_fixed(script: Script, holp: Callable[..., Result]) -> None:
    config = template("init", "holp.yaml").read_text(encoding="utf-8")
    script.commit("li.na", "2026-01-05T09:00:00+08:00", "start", {
        "holp.yaml": config, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER,
        "projects/east/P-1.yaml": project("P-1", "prospecting")})
    script.commit("zhang.wei", "2026-01-06T09:00:00+08:00", "entry", {"projects/east/P-1.yaml": project("P-1", "entry")})
    script.commit("zhang.wei", "2026-01-07T09:00:00+08:00", "broken", {"projects/east/P-1.yaml": "id: P-1\nstage: [x\n"})
    history(holp)  # the cache now ends at the broken version
    script.commit("zhang.wei", "2026-01-08T09:00:00+08:00", "fixed",
                  {"projects/east/P-1.yaml": project("P-1", "proposal")})
    warm = history(holp)
    assert [(r["from"], r["to"]) for r in warm][-1] == ("entry", "proposal")
    assert json.loads(holp("--no-cache", "history", "--format", "json").stdout) == warm
