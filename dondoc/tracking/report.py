"""The four reporting classes computed by the database, for pages that count thousands of
tasks (agency pages, the dashboard). Same rule as `status.report_class`, which judges one task;
tests hold the two to the same answers."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ..storage import models as m


def _due_subquery(task_ids=None):
    """Per task: its earliest deadline not yet done, else its last one (see status.task_due)."""
    open_due = func.min(case((m.Deadline.done_on.is_(None), m.Deadline.due)))
    stmt = select(m.Deadline.task_id.label("task_id"), func.coalesce(open_due, func.max(m.Deadline.due)).label("due"))
    if task_ids is not None:
        stmt = stmt.where(m.Deadline.task_id.in_(task_ids))
    return stmt.group_by(m.Deadline.task_id).subquery()


def classified(today: date, agency_id: int | None = None, role: str = "lead"):
    """A select of (task_id, cls, due) over tasks under tracking (confirmed dispatches)."""
    mine = None
    if agency_id is not None:
        mine = select(m.TaskAgency.task_id).where(m.TaskAgency.agency_id == agency_id, m.TaskAgency.role == role)
    due = _due_subquery(mine)
    cls = case(
        (m.Task.status == "hoan_thanh",
         case((or_(due.c.due.is_(None), m.Task.completed_on.is_(None), m.Task.completed_on <= due.c.due), literal("dung_han")),
              else_=literal("qua_han_hoan_thanh"))),
        (and_(due.c.due.is_not(None), due.c.due < today), literal("qua_han")),
        else_=literal("trong_han"),
    ).label("cls")
    stmt = (select(m.Task.id.label("task_id"), cls, due.c.due.label("due"))
            .join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id)
            .outerjoin(due, due.c.task_id == m.Task.id)
            .where(m.Dispatch.confirmed))
    if agency_id is not None:
        stmt = stmt.join(m.TaskAgency, m.TaskAgency.task_id == m.Task.id).where(
            m.TaskAgency.agency_id == agency_id, m.TaskAgency.role == role)
    return stmt.subquery()


def class_counts(session: Session, today: date, agency_id: int | None = None) -> dict[str, int]:
    c = classified(today, agency_id)
    return {cls: n for cls, n in session.execute(select(c.c.cls, func.count()).group_by(c.c.cls))}


def tasks_in_class(session: Session, today: date, cls: str, agency_id: int | None = None, limit: int = 50,
                   due_from: date | None = None, due_to: date | None = None) -> list[tuple[m.Task, date | None]]:
    c = classified(today, agency_id)
    stmt = select(m.Task, c.c.due).join(c, c.c.task_id == m.Task.id).where(c.c.cls == cls)
    if due_from:
        stmt = stmt.where(c.c.due >= due_from)
    if due_to:
        stmt = stmt.where(c.c.due <= due_to)
    return [(t, d) for t, d in session.execute(stmt.order_by(c.c.due.is_(None), c.c.due, m.Task.id).limit(limit))]


def weeks_ahead(session: Session, today: date, weeks: int = 8) -> list[dict]:
    c = classified(today)
    out = []
    for w in range(weeks):
        start = today + timedelta(days=7 * w)
        end = start + timedelta(days=6)
        n = session.scalar(select(func.count()).select_from(c).where(c.c.cls == "trong_han", c.c.due >= start, c.c.due <= end))
        out.append({"label": f"{start:%d/%m}–{end:%d/%m}", "count": n})
    return out


def overdue_by_agency(session: Session, today: date, top: int = 10) -> list[tuple[str, int]]:
    c = classified(today)
    stmt = (select(m.Agency.name, func.count()).select_from(c)
            .join(m.TaskAgency, and_(m.TaskAgency.task_id == c.c.task_id, m.TaskAgency.role == "lead"))
            .join(m.Agency, m.Agency.id == m.TaskAgency.agency_id)
            .where(c.c.cls == "qua_han").group_by(m.Agency.name).order_by(func.count().desc(), m.Agency.name).limit(top))
    return [(n, k) for n, k in session.execute(stmt)]
