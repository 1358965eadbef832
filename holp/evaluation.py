"""The ten-criterion opportunity evaluation (销售机会评估表): totals per group and the grade."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from holp.model import CriteriaGroup, Process, Project


@dataclass(frozen=True)
class GroupScore:
    group: CriteriaGroup
    scores: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.scores.values())

    @property
    def maximum(self) -> int:
        return 5 * len(self.group.criteria)

    @property
    def complete(self) -> bool:
        return all(c.id in self.scores for c in self.group.criteria)


@dataclass(frozen=True)
class Evaluation:
    groups: tuple[GroupScore, ...]
    grade: str | None  # high | medium | low, or None while a criterion is unscored

    @property
    def started(self) -> bool:
        return any(g.scores for g in self.groups)


def evaluate(process: Process, project: Project) -> Evaluation:
    return evaluate_scores(process, project.assessment.scores)


def evaluate_scores(process: Process, data: object) -> Evaluation:
    """The evaluation of a project's `assessment` mapping (whatever shape it has)."""
    data = data if isinstance(data, Mapping) else {}
    groups = []
    for group in process.assessment:
        raw = data.get(group.id)
        raw = raw if isinstance(raw, Mapping) else {}
        scores = {c.id: raw[c.id] for c in group.criteria
                  if isinstance(raw.get(c.id), int) and not isinstance(raw.get(c.id), bool)}
        groups.append(GroupScore(group, scores))
    grade = None
    if groups and all(g.complete for g in groups):
        thresholds = sorted(process.grades.items(), key=lambda kv: -kv[1])
        grade = next((name for name, minimum in thresholds if all(g.total >= minimum for g in groups)), "low")
    return Evaluation(tuple(groups), grade)
