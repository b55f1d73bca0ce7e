"""Managers follow a task up: status, extensions, evidence, and its history. An agency's staff
update the status and evidence of their own agency's tasks; extending a deadline stays with
the office's managers."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..edxml.outbox import sync as edxml_sync
from ..search import outbox
from ..domain import ReportClass, Status, classify, current_due, is_due_soon, period_class
from ..storage import models as m
from ..tracking.scope import AGENCY_STAFF
from ..tracking.status import complete_occurrence, extend_deadline, proposed_evidence, set_status
from ..tracking.workdays import working_calendar
from .auth import roles_required, task_in_scope
from .db import session
from .security import download

bp = Blueprint("tasks", __name__)
EVIDENCE_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx", ".txt", ".xlsx", ".doc", ".xls"}


@bp.route("/tasks/<int:task_id>")
@login_required
def show(task_id: int):
    db = session()
    t = task_in_scope(task_id)
    today = date.today()
    due, cls = current_due(t.deadlines), classify(t, today)
    late = working_calendar(db).working_days_between(due, today) if due and cls == ReportClass.OVERDUE else None
    soon = is_due_soon(cls, due, today, current_app.config["DONDOC"].due_soon_days)
    return render_template("task.html", t=t, due=due, cls=cls, today=today, late_working_days=late, due_soon=soon,
                           period_class=period_class, recurring=len(t.deadlines) > 1,
                           proposals=proposed_evidence(db, t) if t.status != Status.DONE else [])


def _tracked_change(t: m.Task, change, done: str, failed: str = "Không cập nhật được", cleanup=None):
    """Apply a change to a task: on a bad value nothing is kept and the reason is shown; on
    success the change is committed, its dispatch re-indexed and the task page shown again."""
    db = session()
    try:
        change()
    except (ValueError, StopIteration) as exc:
        db.rollback()
        if cleanup:
            cleanup()
        flash(f"{failed}: {str(exc) or 'không có hạn này'}.", "error")
        return redirect(url_for("tasks.show", task_id=t.id))
    outbox.enqueue(db, [t.dispatch_id])
    db.commit()
    outbox.drain_quietly(current_app.config["DONDOC"])
    edxml_sync(current_app.config["DONDOC"], [t.dispatch_id])    # an edXML sender hears of progress
    flash(done, "ok")
    return redirect(url_for("tasks.show", task_id=t.id))


@bp.route("/tasks/<int:task_id>/occurrences/<int:deadline_id>", methods=["POST"])
@roles_required("manager", AGENCY_STAFF)
def occurrence(task_id: int, deadline_id: int):
    """Mark one period of a recurring task done."""
    t = task_in_scope(task_id)
    dl = next((d for d in t.deadlines if d.id == deadline_id), None) or abort(404)
    return _tracked_change(t, lambda: complete_occurrence(
        dl, date.fromisoformat(request.form.get("done_on") or date.today().isoformat()),
        current_user.username, request.form.get("note", "")), "Đã ghi nhận hoàn thành kỳ.")


@bp.route("/tasks/<int:task_id>/status", methods=["POST"])
@roles_required("manager", AGENCY_STAFF)
def status(task_id: int):
    t = task_in_scope(task_id)
    f = request.form
    settings = current_app.config["DONDOC"]
    evidence_path = None
    up = request.files.get("evidence_file")
    if up and up.filename:
        suffix = Path(up.filename).suffix.lower()
        if suffix not in EVIDENCE_SUFFIXES:
            flash(f"Loại tệp minh chứng {suffix} không được hỗ trợ.", "error")
            return redirect(url_for("tasks.show", task_id=task_id))
        rel = Path("evidence") / f"{uuid.uuid4().hex}{suffix}"
        (settings.data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        up.save(settings.data_dir / rel)
        evidence_path = str(rel)
    return _tracked_change(t, lambda: set_status(
        t, f.get("status", ""), current_user.username, f.get("reason") or None,
        completed_on=date.fromisoformat(f["completed_on"]) if f.get("completed_on") else None,
        evidence_note=f.get("evidence_note") or None, evidence_path=evidence_path,
        evidence_dispatch_id=int(f["evidence_dispatch_id"]) if f.get("evidence_dispatch_id") else None),
        "Đã cập nhật trạng thái.",
        cleanup=(lambda: (settings.data_dir / evidence_path).unlink(missing_ok=True)) if evidence_path else None)


@bp.route("/tasks/<int:task_id>/extend", methods=["POST"])
@roles_required("manager")
def extend(task_id: int):
    db = session()
    t = db.get(m.Task, task_id) or abort(404)
    f = request.form

    def change():
        dl = next(d for d in t.deadlines if str(d.id) == f.get("deadline_id"))
        extend_deadline(dl, date.fromisoformat(f.get("new_due", "")), current_user.username, f.get("reason", ""))
    return _tracked_change(t, change, "Đã gia hạn.", "Không gia hạn được")


@bp.route("/tasks/<int:task_id>/evidence")
@login_required
def evidence(task_id: int):
    t = task_in_scope(task_id)
    if not t.evidence_path:
        abort(404)
    import mimetypes
    path = current_app.config["DONDOC"].data_dir / t.evidence_path
    return download(path, mimetypes.guess_type(path.name)[0], f"minh-chung-{t.id}{path.suffix}")
