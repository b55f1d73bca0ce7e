"""The report classes computed by the database, for pages that count thousands of tasks (agency
pages, the dashboard): the SQL form of `domain.current_due` and `domain.report_class`, written
with the domain's names; tests hold the two to the same answers on the same rows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ..domain import ALL_CLASSES, ReportClass, Status, is_due_soon
from ..storage import models as m
from .scope import EVERYTHING, Scope


def _due_subquery(task_ids=None):
    """Per task: its earliest deadline not yet done, else its last one (domain.current_due)."""
    open_due = func.min(case((m.Deadline.done_on.is_(None), m.Deadline.due)))
    stmt = select(m.Deadline.task_id.label("task_id"), func.coalesce(open_due, func.max(m.Deadline.due)).label("due"))
    if task_ids is not None:
        stmt = stmt.where(m.Deadline.task_id.in_(task_ids))
    return stmt.group_by(m.Deadline.task_id).subquery()


def classified(today: date, agency_id: int | None = None, role: str = "lead", scope: Scope = EVERYTHING):
    """A select of (task_id, cls, due) over tasks under tracking (confirmed dispatches) that
    `scope` holds."""
    mine = None
    if agency_id is not None:
        mine = select(m.TaskAgency.task_id).where(m.TaskAgency.agency_id == agency_id, m.TaskAgency.role == role)
    due = _due_subquery(mine)
    done = m.Task.status == Status.DONE.value
    on_time = or_(m.Task.completed_on.is_(None), m.Task.completed_on <= due.c.due)
    cls = case(      # the branches of domain.report_class, in its order
        (m.Task.status == Status.SUSPENDED.value, literal(ReportClass.SUSPENDED.value)),
        (due.c.due.is_(None), literal(ReportClass.NO_DEADLINE.value)),
        (and_(done, on_time), literal(ReportClass.ON_TIME.value)),
        (done, literal(ReportClass.DONE_LATE.value)),
        (due.c.due < today, literal(ReportClass.OVERDUE.value)),
        else_=literal(ReportClass.IN_TIME.value),
    ).label("cls")
    stmt = (select(m.Task.id.label("task_id"), cls, due.c.due.label("due"))
            .join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id)
            .outerjoin(due, due.c.task_id == m.Task.id)
            .where(m.Dispatch.confirmed, scope.tasks_clause(m.Task.id)))
    if agency_id is not None:
        stmt = stmt.join(m.TaskAgency, m.TaskAgency.task_id == m.Task.id).where(
            m.TaskAgency.agency_id == agency_id, m.TaskAgency.role == role)
    return stmt.subquery()


def class_counts(session: Session, today: date, agency_id: int | None = None, scope: Scope = EVERYTHING) -> dict[str, int]:
    c = classified(today, agency_id, scope=scope)
    return {cls: n for cls, n in session.execute(select(c.c.cls, func.count()).group_by(c.c.cls))}


@dataclass
class AgencyBoard:
    """An agency's page: class counts, the first tasks of each class by deadline, what falls due soon."""
    counts: dict[str, int]
    lists: dict[str, list[tuple[m.Task, date | None]]]
    upcoming: list[tuple[m.Task, date | None]]


def agency_board(session: Session, today: date, agency_id: int, soon_days: int, limit: int = 50) -> AgencyBoard:
    """An agency's lead tasks classified once (an agency may lead thousands), then counted and
    listed by class, each list nearest deadline first (no deadline last); `upcoming` are the
    tasks flagged "sắp đến hạn" (within their deadline, due in the next `soon_days` days)."""
    c = classified(today, agency_id)
    rows = session.execute(select(c.c.task_id, c.c.cls, c.c.due)).all()
    order = lambda r: (r.due is None, r.due or date.min, r.task_id)   # noqa: E731
    lists = {k: sorted((r for r in rows if r.cls == k), key=order)[:limit] for k in ALL_CLASSES}
    upcoming = sorted((r for r in rows if is_due_soon(ReportClass(r.cls), r.due, today, soon_days)), key=order)[:limit]
    wanted = {r.task_id for r in upcoming} | {r.task_id for rs in lists.values() for r in rs}
    tasks = {t.id: t for t in session.scalars(select(m.Task).where(m.Task.id.in_(wanted)))} if wanted else {}
    return AgencyBoard(counts=dict(Counter(r.cls for r in rows)),
                       lists={k: [(tasks[r.task_id], r.due) for r in rs] for k, rs in lists.items()},
                       upcoming=[(tasks[r.task_id], r.due) for r in upcoming])


def overview(session: Session, today: date, weeks: int = 8, scope: Scope = EVERYTHING) -> tuple[dict[str, int], list[dict]]:
    """The class counts and, per week ahead, the tasks within their deadline due that week: one
    pass over the classified tasks (a register of a million tasks is read once, not nine times)."""
    c = classified(today, scope=scope)
    bounds = [(today + timedelta(days=7 * w), today + timedelta(days=7 * w + 6)) for w in range(weeks)]
    week = case(*[(and_(c.c.cls == ReportClass.IN_TIME.value, c.c.due >= start, c.c.due <= end), literal(w))
                  for w, (start, end) in enumerate(bounds)], else_=literal(-1)).label("week")
    classes: Counter[str] = Counter()
    per_week: Counter[int] = Counter()
    for cls, w, n in session.execute(select(c.c.cls, week, func.count()).group_by(c.c.cls, week)):
        classes[cls] += n
        if w >= 0:
            per_week[w] += n
    return dict(classes), [{"label": f"{start:%d/%m}–{end:%d/%m}", "count": per_week[w]} for w, (start, end) in enumerate(bounds)]


def weeks_ahead(session: Session, today: date, weeks: int = 8, scope: Scope = EVERYTHING) -> list[dict]:
    return overview(session, today, weeks, scope)[1]


def overdue_by_agency(session: Session, today: date, top: int = 10, scope: Scope = EVERYTHING) -> list[tuple[str, int]]:
    c = classified(today, scope=scope)
    stmt = (select(m.Agency.name, func.count()).select_from(c)
            .join(m.TaskAgency, and_(m.TaskAgency.task_id == c.c.task_id, m.TaskAgency.role == "lead"))
            .join(m.Agency, m.Agency.id == m.TaskAgency.agency_id)
            .where(c.c.cls == ReportClass.OVERDUE.value).group_by(m.Agency.name).order_by(func.count().desc(), m.Agency.name).limit(top))
    return [(n, k) for n, k in session.execute(stmt)]
