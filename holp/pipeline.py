"""Pipeline arithmetic shared by list, show and the reports: exact Decimals, rounded once at the end."""

from __future__ import annotations

from decimal import Decimal

from holp.model import Process, Project


def probability(process: Process, project: Project) -> Decimal:
    """The project's own probability if set, else its stage's (0 for lost or unknown stages)."""
    if project.probability is not None:
        return project.probability
    stage = process.stage(project.stage)
    return stage.probability if stage else Decimal(0)


def weighted(process: Process, project: Project) -> Decimal:
    return (project.amount or Decimal(0)) * probability(process, project)
