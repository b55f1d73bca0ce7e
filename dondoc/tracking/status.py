"""Status changes with their history, and the four classes of government task reports:
done on time, done late, in progress within the deadline, overdue not done. On-time is judged
against the extended date; the original date is kept beside it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage import models as m

STATUS_LABELS = {"chua_thuc_hien": "Chưa thực hiện", "dang_thuc_hien": "Đang thực hiện", "hoan_thanh": "Hoàn thành"}
CLASSES = ("dung_han", "qua_han_hoan_thanh", "trong_han", "qua_han")
CLASS_LABELS = {
    "dung_han": "Hoàn thành đúng hạn", "qua_han_hoan_thanh": "Hoàn thành quá hạn",
    "trong_han": "Đang thực hiện trong hạn", "qua_han": "Quá hạn chưa hoàn thành",
}


def report_class(status: str, due: date | None, completed_on: date | None, today: date) -> str:
    """The reporting class of a task from its status, (extended) deadline and completion date."""
    if status == "hoan_thanh":
        if due is None or completed_on is None or completed_on <= due:
            return "dung_han"
        return "qua_han_hoan_thanh"
    if due is not None and today > due:
        return "qua_han"
    return "trong_han"


def task_due(task: m.Task) -> date | None:
    """The date a task is judged against: its earliest occurrence not yet done."""
    open_dues = [d.due for d in task.deadlines if d.due and d.done_on is None]
    if open_dues:
        return min(open_dues)
    dues = [d.due for d in task.deadlines if d.due]
    return max(dues) if dues else None


def classify(task: m.Task, today: date) -> str:
    return report_class(task.status, task_due(task), task.completed_on, today)


def _event(task: m.Task, actor: str, field: str, old, new, reason: str | None) -> None:
    task.history.append(m.TaskEvent(actor=actor, field=field, old=None if old is None else str(old),
                                    new=None if new is None else str(new), reason=reason))


def set_status(task: m.Task, status: str, actor: str, reason: str | None = None, completed_on: date | None = None,
               evidence_note: str | None = None, evidence_path: str | None = None,
               evidence_dispatch_id: int | None = None) -> None:
    """Change a task's status; completing asks for evidence (a note with a file, or a dispatch)."""
    if status not in STATUS_LABELS:
        raise ValueError(f"trạng thái không hợp lệ: {status}")
    if status == "hoan_thanh":
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
    task.status = status
    task.completed_on = completed_on if status == "hoan_thanh" else None
    _event(task, actor, "trạng thái", STATUS_LABELS.get(old, old), STATUS_LABELS[status], reason)


def complete_occurrence(deadline: m.Deadline, done_on: date, actor: str, note: str) -> None:
    """One period of a recurring task done (a report sent for that period); the task stays open
    for the periods ahead and is complete when the last one is."""
    if not note or not note.strip():
        raise ValueError("cần minh chứng cho kỳ này (ví dụ số báo cáo đã gửi)")
    task = deadline.task
    deadline.done_on = done_on
    _event(task, actor, "hoàn thành kỳ", deadline.due.isoformat() if deadline.due else None, done_on.isoformat(), note)
    if all(d.done_on for d in task.deadlines):
        set_status(task, "hoan_thanh", actor, "đã xong mọi kỳ", completed_on=done_on, evidence_note=note)
    elif task.status == "chua_thuc_hien":
        task.status = "dang_thuc_hien"
        _event(task, actor, "trạng thái", STATUS_LABELS["chua_thuc_hien"], STATUS_LABELS["dang_thuc_hien"], note)


def occurrence_class(deadline: m.Deadline, today: date) -> str:
    """The reporting class of one period of a recurring task."""
    return report_class("hoan_thanh" if deadline.done_on else "dang_thuc_hien", deadline.due, deadline.done_on, today)


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
