"""Database rows -> the documents both backends index (one per dispatch, one per task)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain import Status, current_due
from ..nlp.fold import fold
from ..storage import models as m


def _folded(original: str, restored: str | None) -> str:
    """Folded for matching: the original, and the restored copy too where folding does not make
    them one (OCR text repaired before its diacritics were restored)."""
    f = fold(original)
    r = fold(restored) if restored else f
    return f if r == f else f"{f}\n{r}"


def done_late(status: str, due: date | None, completed_on: date | None) -> bool:
    """Done after its (current) deadline: the one part of a task's report class that the index
    cannot tell from its status and deadline alone (domain.report_class)."""
    return status == Status.DONE and due is not None and completed_on is not None and completed_on > due


def task_doc(t: m.Task, d: m.Dispatch) -> dict:
    dues = [x.due.isoformat() for x in t.deadlines if x.due]
    due = current_due(t.deadlines)     # the period not yet done, not simply the first
    return {
        # what the dashboard counts that status and deadline do not tell: a done task was late
        "done_late": done_late(t.status, due, t.completed_on),
        "id": t.id, "dispatch_id": d.id, "text": t.shown_text, "folded": _folded(t.text, t.text_restored),
        "lead": t.names("lead"), "support": t.names("support"), "status": t.status,
        "deadlines": dues, "next_due": due.isoformat() if due else None,
        "number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
        "subject": d.subject or "",
    }


def dispatch_doc(d: m.Dispatch) -> dict:
    """A dispatch's document and its tasks' documents. Only the tasks of a confirmed dispatch are
    obligations: the tasks of one pending review (or refused) are not in the task index at all."""
    tasks = [task_doc(t, d) for t in d.tasks] if d.confirmed else []
    return {
        "id": d.id, "number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
        "kind": d.kind, "subject": d.subject or "", "text": d.text_restored or d.text,
        "folded": _folded(d.text or "", d.text_restored),
        "subject_folded": fold(d.subject or ""), "tasks": tasks,
    }


def task_docs(session: Session, ids: list[int]) -> dict[int, dict]:
    """The tasks as indexed, read from the register (what a page of search hits shows): three
    plain queries, no objects, so a page costs a few milliseconds whatever the register's size."""
    if not ids:
        return {}
    out: dict[int, dict] = {}
    for r in session.execute(select(m.Task.id, m.Task.text, m.Task.text_restored, m.Task.status, m.Task.dispatch_id,
                                     m.Dispatch.number, m.Dispatch.issuer, m.Dispatch.issued, m.Dispatch.subject)
                             .join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id).where(m.Task.id.in_(ids))):
        out[r.id] = {"id": r.id, "dispatch_id": r.dispatch_id, "text": r.text_restored or r.text,
                     "folded": _folded(r.text, r.text_restored), "lead": [], "support": [], "status": r.status,
                     "deadlines": [], "next_due": None, "number": r.number, "issuer": r.issuer,
                     "issued": r.issued.isoformat() if r.issued else None, "subject": r.subject or ""}
    for task_id, role, name in session.execute(select(m.TaskAgency.task_id, m.TaskAgency.role, m.Agency.name)
                                               .join(m.Agency, m.TaskAgency.agency_id == m.Agency.id)
                                               .where(m.TaskAgency.task_id.in_(ids)).order_by(m.TaskAgency.id)):
        if task_id in out:
            out[task_id][role].append(name)
    periods: dict[int, list] = {}
    for d in session.execute(select(m.Deadline.task_id, m.Deadline.due, m.Deadline.done_on)
                             .where(m.Deadline.task_id.in_(ids)).order_by(m.Deadline.due)):
        periods.setdefault(d.task_id, []).append(d)
    for task_id, ds in periods.items():
        if task_id in out:
            due = current_due(ds)
            out[task_id]["deadlines"] = [x.due.isoformat() for x in ds if x.due]
            out[task_id]["next_due"] = due.isoformat() if due else None
    return out


def load_dispatches(session: Session, ids: list[int] | None = None):
    stmt = select(m.Dispatch).options(
        selectinload(m.Dispatch.tasks).selectinload(m.Task.agencies).selectinload(m.TaskAgency.agency),
        selectinload(m.Dispatch.tasks).selectinload(m.Task.deadlines))
    if ids is not None:
        stmt = stmt.where(m.Dispatch.id.in_(ids))
    for d in session.scalars(stmt.order_by(m.Dispatch.id)).unique():
        yield dispatch_doc(d)
