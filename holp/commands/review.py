from __future__ import annotations

import json
import re
from pathlib import Path

from holp import inert
from holp import labels as labelling
from holp import repo as repository
from holp.codeowners import owners_of_process
from holp.commands import echo
from holp.model.coerce import iso
from holp.output import money, money_plain, shallow_warning
from holp.review import MoveReview, Review, review
from holp.validate import validate


def _cell(text: object) -> str:
    return inert.markdown(text)


def _code(text: str) -> str:
    """``text`` as a Markdown code span that no backtick or line break in it can end early."""
    text = text.replace("\r", " ").replace("\n", " ")
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _rules(result: Review) -> list[str]:
    """What the branch changed of the rules, and how its change gets approved; nothing when it changed none."""
    lines = []
    if result.rules.unread is not None:
        lines += [f"> ⚠️ No rules at the merge base `{result.base[:8]}`: {_cell(result.rules.unread)}. The moves are "
                  "judged by this branch's own holp.yaml, which no owner has approved.", ""]
    if result.config_changes:
        owners = owners_of_process(result.rules.team)
        who = (f"an owner of these files ({', '.join(owners)}, as CODEOWNERS has it from team.yaml)" if owners
               else "a director or manager (team.yaml at the merge base gives nobody a handle for CODEOWNERS)")
        lines += ["### The process, the team or the checks changed: an owner must approve", "",
                  "This branch changes the rules every move is judged by, or the checks that judge it. Its moves "
                  "were judged by holp.yaml and "
                  f"team.yaml as the merge base `{result.base[:8]}` has them; the change applies only once merged. "
                  f"To approve it, {who} reviews each file below in this pull request and approves the pull "
                  "request; this check fails until then, so merging it is their decision.", ""]
        lines += [f"- {_code(path)}" for path in result.config_changes]
        lines.append("")
    return lines


def _evidence(move: MoveReview, lang: str) -> str:
    parts = []
    if move.gate is not None:
        for s in move.gate.items:
            mark = "✓" if s.met else "✗"
            parts.append(f"{mark} {s.item.text.get(lang)}" + (f" ({s.detail})" if s.detail else ""))
    return "<br>".join(_cell(p) for p in parts)


def _expense_lines(result: Review, label: labelling.Labels) -> list[str]:
    """The expenses the branch adds (销售费用), for the reviewer to see who spent what and who approved it."""
    if not result.expenses:
        return []
    currency = result.rules.process.currency
    lines = [f"### {label('expenses_added')}", "",
             f"| {label('expense_record')} | {label('date')} | {label('expense_kind')} | {label('expenses')} "
             f"({currency}) | {label('expense_by')} | {label('approved_by')} |", "|---|---|---|--:|---|---|"]
    for a in result.expenses:
        e = a.expense
        lines.append(f"| {_cell(a.record)} | {e.date or ''} | {_cell(label(f'expense_{e.kind}'))} | "
                     f"{money(e.amount)} | {_cell(e.by or '')} | {_cell(e.approved_by or '—')} |")
    return [*lines, ""]


def markdown(result: Review, lang: str, root: Path) -> str:
    process, team = result.rules.process, result.rules.team
    label = labelling.load(lang, root)
    illegal = [m for m in result.moves if not m.legal]
    title = (f"## holp review: {len(result.moves)} stage move{'s' if len(result.moves) != 1 else ''} since "
             f"`{result.base[:8]}`")
    title += f" — {len(illegal)} illegal" if illegal else " — all legal" if result.moves else ""
    title += " — the process, the team or the checks changed" if result.config_changes else ""
    lines = [title, ""]
    if result.shallow:
        lines += ["> ⚠️ shallow clone: fetch the whole history (`fetch-depth: 0`) for a complete review.", ""]
    lines += _rules(result)
    if result.moves:
        lines += [f"| {label('verdict')} | {label('project')} | {label('from')} → {label('to')} | {label('author')} | "
                  f"{label('commit')} | {label('checklist')} | {label('reason_note')} |",
                  "|---|---|---|---|---|---|---|"]
        for move in result.moves:
            t = move.transition
            rep = team.rep_by_email(t.email)
            mark = "❌" if not move.legal else "⚠️" if move.flags else "✅"
            verdict = "; ".join(move.problems + move.flags)
            source = process.stage_label(t.source, lang) if t.source else "—"
            target = process.stage_label(t.target, lang) if t.target else "—"
            note = " · ".join(x for x in (verdict, t.reason if t.reason and t.reason not in verdict else "", t.note or "")
                              if x)
            lines.append(f"| {mark} | {_cell(t.project)} {_cell(move.name)} | {_cell(source)} → {_cell(target)} | "
                         f"{_cell(rep.name if rep else t.author)} | `{t.commit[:8]}` | {_evidence(move, lang)} | "
                         f"{_cell(note)} |")
        lines.append("")
    else:
        lines += ["No stage moves on this branch.", ""]
    lines += _expense_lines(result, label)
    change = result.pipeline_after - result.pipeline_before
    sign = "+" if change >= 0 else "−"
    lines += [f"**{label('weighted')}:** {money(result.pipeline_before)} → {money(result.pipeline_after)} "
              f"{process.currency} ({sign}{money(abs(change))})", ""]
    if result.problems:
        lines += ["### Problems in files this branch touched", ""]
        lines += [f"- `{p.path}:{p.line}:{p.column}` {p.severity}[{p.code}]: {_cell(p.message)}" for p in result.problems]
        lines.append("")
    if result.unknown_authors:
        lines += ["### Authors who are no reps of team.yaml", "",
                  "Their commits are attributed to nobody: add each email to the rep's `emails` in team.yaml.", ""]
        for u in result.unknown_authors:
            shas = ", ".join(f"`{c[:8]}`" for c in u.commits[:5])
            more = f" and {len(u.commits) - 5} more" if len(u.commits) > 5 else ""
            lines.append(f"- ⚠️ {_code(u.email)} ({_cell(u.author)}): commit{'s' if len(u.commits) > 1 else ''} "
                         f"{shas}{more}")
        lines.append("")
    if result.approvals_by_others:
        lines += ["### Approvals committed by someone other than the approver", ""]
        lines += [f"- ⚠️ {_cell(a.as_text())}" for a in result.approvals_by_others]
        lines.append("")
    if result.blob_problems:
        lines += ["### Files that were no records in commits of this branch (fixed since)", ""]
        lines += [f"- `{b.problem.path}:{b.problem.line}:{b.problem.column}` at `{b.commit[:8]}` "
                  f"{b.problem.severity}[{b.problem.code}]: {_cell(b.problem.message)}" for b in result.blob_problems]
        lines.append("")
    return "\n".join(lines)


def as_json(result: Review, lang: str) -> str:
    return json.dumps({
        "base": result.base,
        "head": result.head,
        "legal": result.legal,
        "rules": {"from": "branch" if result.rules.unread is not None else "base", "unread": result.rules.unread},
        "config_changes": result.config_changes,
        "currency": result.rules.process.currency,
        "moves": [{
            **m.transition.as_dict(result.rules.team),
            "name": m.name,
            "legal": m.legal,
            "problems": m.problems,
            "flags": m.flags,
            "checklist": [{"id": s.item.id, "text": s.item.text.get(lang), "met": s.met, "detail": s.detail}
                          for s in m.gate.items] if m.gate else [],
        } for m in result.moves],
        "problems": [p.as_dict() for p in result.problems]
                    + [{**b.problem.as_dict(), "commit": b.commit} for b in result.blob_problems],
        "unknown_authors": [{"email": u.email, "author": u.author, "commits": list(u.commits),
                             "message": u.as_text()} for u in result.unknown_authors],
        "approvals_by_others": [a.as_dict() for a in result.approvals_by_others],
        "expenses": [{"record": a.record, "date": iso(a.expense.date), "kind": a.expense.kind,
                      "amount": None if a.expense.amount is None else money_plain(a.expense.amount),
                      "by": a.expense.by, "approved_by": a.expense.approved_by, "note": a.expense.note}
                     for a in result.expenses],
        "weighted_pipeline": {"before": money_plain(result.pipeline_before),
                              "after": money_plain(result.pipeline_after),
                              "change": money_plain(result.pipeline_after - result.pipeline_before)},
    }, ensure_ascii=False, indent=2)


def run(root: Path, base: str | None, fmt: str, lang: str | None, use_cache: bool) -> int:
    repo = repository.load(root)
    result = review(root, repo, base, validate(repo), use_cache=use_cache)
    lang = lang or result.rules.process.language
    if result.shallow:
        echo(shallow_warning(), err=True)
    echo(as_json(result, lang) if fmt == "json" else markdown(result, lang, root))
    return 0 if result.legal else 1
