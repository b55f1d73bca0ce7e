"""Database rows -> the documents both backends index (one per dispatch, one per task)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain import current_due
from ..nlp.fold import fold
from ..storage import models as m


def _folded(original: str, restored: str | None) -> str:
    """Folded for matching: the original, and the restored copy too where folding does not make
    them one (OCR text repaired before its diacritics were restored)."""
    f = fold(original)
    r = fold(restored) if restored else f
    return f if r == f else f"{f}\n{r}"


def dispatch_doc(d: m.Dispatch) -> dict:
    """A dispatch's document and its tasks' documents. Only the tasks of a confirmed dispatch are
    obligations: the tasks of one pending review (or refused) are not in the task index at all."""
    tasks = []
    for t in (d.tasks if d.confirmed else []):
        dues = [x.due.isoformat() for x in t.deadlines if x.due]
        due = current_due(t.deadlines)     # the period not yet done, not simply the first
        tasks.append({
            "id": t.id, "dispatch_id": d.id, "text": t.shown_text, "folded": _folded(t.text, t.text_restored),
            "lead": t.names("lead"), "support": t.names("support"), "status": t.status,
            "deadlines": dues, "next_due": due.isoformat() if due else None,
            "number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
            "subject": d.subject or "",
        })
    return {
        "id": d.id, "number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
        "kind": d.kind, "subject": d.subject or "", "text": d.text_restored or d.text,
        "folded": _folded(d.text or "", d.text_restored),
        "subject_folded": fold(d.subject or ""), "tasks": tasks,
    }


def load_dispatches(session: Session, ids: list[int] | None = None):
    stmt = select(m.Dispatch).options(
        selectinload(m.Dispatch.tasks).selectinload(m.Task.agencies).selectinload(m.TaskAgency.agency),
        selectinload(m.Dispatch.tasks).selectinload(m.Task.deadlines))
    if ids is not None:
        stmt = stmt.where(m.Dispatch.id.in_(ids))
    for d in session.scalars(stmt.order_by(m.Dispatch.id)).unique():
        yield dispatch_doc(d)
