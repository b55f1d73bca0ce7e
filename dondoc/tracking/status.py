"""Status changes with their history: completing with evidence, suspending with a reason, one
period of a recurring task done, deadlines extended (the original kept). What the statuses and
classes are, and how a task is judged, is `dondoc.domain`'s."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import STATUS_LABELS, Status
from ..storage import models as m


def _event(task: m.Task, actor: str, field: str, old, new, reason: str | None) -> None:
    task.history.append(m.TaskEvent(actor=actor, field=field, old=None if old is None else str(old),
                                    new=None if new is None else str(new), reason=reason))


def set_status(task: m.Task, status: str, actor: str, reason: str | None = None, completed_on: date | None = None,
               evidence_note: str | None = None, evidence_path: str | None = None,
               evidence_dispatch_id: int | None = None) -> None:
    """Change a task's status; completing asks for evidence (a note with a file, or a dispatch),
    suspending asks for a reason."""
    try:
        new = Status(status)
    except ValueError:
        raise ValueError(f"trạng thái không hợp lệ: {status}") from None
    if new == Status.SUSPENDED and not (reason and reason.strip()):
        raise ValueError("cần nêu lý do tạm dừng")
    if new == Status.DONE:
        if not (evidence_dispatch_id or (evidence_note and evidence_note.strip())):
            raise ValueError("cần minh chứng khi hoàn thành: ghi chú (kèm tệp) hoặc văn bản đã tiếp nhận")
        completed_on = completed_on or date.today()
        task.evidence_note = evidence_note or task.evidence_note
        task.evidence_path = evidence_path or task.evidence_path
        task.evidence_dispatch_id = evidence_dispatch_id or task.evidence_dispatch_id
        for d in task.deadlines:
            if d.done_on is None:
                d.done_on = completed_on
        _event(task, actor, "minh chứng", None, evidence_note or f"văn bản #{evidence_dispatch_id}", reason)
    old = task.status
    task.status = new.value
    task.completed_on = completed_on if new == Status.DONE else None
    task.status_reason = reason.strip() if new == Status.SUSPENDED and reason else None
    _event(task, actor, "trạng thái", STATUS_LABELS.get(old, old), new.label, reason)   # type: ignore[call-overload]


def complete_occurrence(deadline: m.Deadline, done_on: date, actor: str, note: str) -> None:
    """One period of a recurring task done (a report sent for that period); the task stays open
    for the periods ahead and is complete when the last one is."""
    if not note or not note.strip():
        raise ValueError("cần minh chứng cho kỳ này (ví dụ số báo cáo đã gửi)")
    task = deadline.task
    deadline.done_on = done_on
    _event(task, actor, "hoàn thành kỳ", deadline.due.isoformat() if deadline.due else None, done_on.isoformat(), note)
    if all(d.done_on for d in task.deadlines):
        set_status(task, Status.DONE, actor, "đã xong mọi kỳ", completed_on=done_on, evidence_note=note)
    elif task.status == Status.NOT_STARTED:
        task.status = Status.IN_PROGRESS.value
        _event(task, actor, "trạng thái", Status.NOT_STARTED.label, Status.IN_PROGRESS.label, note)


def extend_deadline(deadline: m.Deadline, new_due: date, actor: str, reason: str) -> None:
    """Gia hạn: the due date moves, the original stays."""
    if not reason or not reason.strip():
        raise ValueError("cần nêu lý do gia hạn")
    if deadline.original_due is None:
        deadline.original_due = deadline.due
    old = deadline.due
    deadline.due = new_due
    _event(deadline.task, actor, "gia hạn", old.isoformat() if old else None, new_due.isoformat(), reason)


def proposed_evidence(session: Session, task: m.Task) -> list[m.Dispatch]:
    """Dispatches that cite this task's dispatch and come from a body that owes it work."""
    number = task.dispatch.number
    if not number:
        return []
    owners = set(task.names("lead") + task.names("support"))
    out = []
    for d in session.scalars(select(m.Dispatch).where(m.Dispatch.id != task.dispatch_id)):
        if not any(c.get("number") == number for c in (d.cites or [])):
            continue
        issuer = d.issuer or ""
        if any(issuer == o or issuer.startswith(o + " ") or o.startswith(issuer + " ") for o in owners):
            out.append(d)
    return out
