"""The current deadline of a task: the one it is judged against today."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from .status import ReportClass, report_class


class DeadlineLike(Protocol):
    """What the rule reads of a deadline: its date (already moved by any extension; the
    original is kept elsewhere) and the day its period was done, if it was."""
    @property
    def due(self) -> date | None: ...
    @property
    def done_on(self) -> date | None: ...


def current_due(deadlines: Iterable[DeadlineLike]) -> date | None:
    """The earliest dated period not yet done; when every period is done, the last one (what
    the completion is judged against); None for a task with no dated deadline. Extensions are
    applied already: `due` is the extended date."""
    dated = [d for d in deadlines if d.due is not None]
    open_dues = [d.due for d in dated if d.done_on is None and d.due is not None]
    if open_dues:
        return min(open_dues)
    dues = [d.due for d in dated if d.due is not None]
    return max(dues) if dues else None


class TaskLike(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def completed_on(self) -> date | None: ...
    @property
    def deadlines(self) -> Iterable[DeadlineLike]: ...


def classify(task: TaskLike, today: date) -> ReportClass:
    """The report class of a task today, judged against its current deadline."""
    return report_class(task.status, current_due(task.deadlines), task.completed_on, today)
