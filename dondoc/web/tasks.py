"""Managers follow a task up: status, extensions, evidence, and its history. An agency's staff
update the status and evidence of their own agency's tasks; extending a deadline stays with
the office's managers.

Only tasks of a confirmed dispatch are tracked: a task still awaiting review (or refused) is
shown, never changed. Every form carries the task's version; a save made from an older page is
refused with who changed what and when, and the page keeps what the user typed.
"""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from ..edxml.outbox import sync as edxml_sync
from ..search import outbox
from ..storage import models as m
from ..domain import ReportClass, classify, current_due, is_due_soon, period_class
from ..storage.versions import StaleEdit, check
from ..tracking import evidence as ev
from ..tracking.scope import AGENCY_STAFF
from ..tracking.status import complete_occurrence, extend_deadline, proposed_evidence, set_status
from ..tracking.workdays import working_calendar
from .auth import roles_required, task_in_scope
from .db import session
from .forms import FieldError, FormState, edited, parse_date, vndates, vntime
from .security import download

bp = Blueprint("tasks", __name__)
EVIDENCE_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx", ".txt", ".xlsx", ".doc", ".xls", ".odt"}
NOT_TRACKED = ("Văn bản giao nhiệm vụ này chưa được văn thư xác nhận (đang chờ soát xét hoặc đã bị từ chối): "
               "nhiệm vụ chưa được theo dõi nên chưa cập nhật được.")


def render_task(t: m.Task, fs: FormState | None = None, stale=(), status: int = 200):
    db = session()
    today = date.today()
    settings = current_app.config["DONDOC"]
    due, cls = current_due(t.deadlines), classify(t, today)
    late = working_calendar(db).working_days_between(due, today) if due and cls == ReportClass.OVERDUE else None
    return render_template("task.html", t=t, due=due, cls=cls, today=today, late_working_days=late,
                           due_soon=is_due_soon(cls, due, today, settings.due_soon_days),
                           period_class=period_class, recurring=len(t.deadlines) > 1,
                           proposals=proposed_evidence(db, t) if t.dispatch.confirmed else [],
                           proposal_options={"": "—", **{str(p.id): f"{p.number} — {p.issuer}" for p in proposed_evidence(db, t)}}
                           if t.dispatch.confirmed else {},
                           deadline_options={str(d.id): d.due.strftime("%d/%m/%Y") for d in t.deadlines if d.due},
                           fs=fs or FormState(),
                           stale=[vndates(c.message(vntime(c.at, settings.timezone))) for c in stale]), status


@bp.route("/tasks/<int:task_id>")
@login_required
def show(task_id: int):
    t = task_in_scope(task_id)
    return render_task(t)


def _tracked_change(t: m.Task, change, done: str, failed: str = "Không cập nhật được", cleanup=None,
                    checked: bool = True):
    """Apply a change to a tracked task made from the version the form carries. On a stale
    version, an unusable value or a refused change nothing is kept, and the page comes back with
    the user's input; on success it is committed, the dispatch re-indexed and the page shown.
    `checked`: whether the change overwrites something, so a stale version refuses it (adding
    evidence does not)."""
    db = session()

    def again(fs: FormState, stale=(), status: int = 422, message: str | None = None):
        db.rollback()
        if cleanup:
            cleanup()
        if message:
            flash(message, "error")
        db.expire_all()
        return render_task(db.get(m.Task, t.id), fs, stale, status)

    if not t.dispatch.confirmed:
        return again(FormState(request.form), status=409, message=NOT_TRACKED)
    try:
        if checked:
            check(t, request.form.get("version"), f"Nhiệm vụ #{t.id}")
        change()
        outbox.enqueue(db, [t.dispatch_id])
        db.commit()
    except StaleEdit as exc:
        return again(FormState(request.form, rebased=True), [exc], 409)
    except StaleDataError:
        db.rollback()
        db.expire_all()
        fresh = db.get(m.Task, t.id)
        try:
            check(fresh, request.form.get("version"), f"Nhiệm vụ #{t.id}")
        except StaleEdit as exc:
            return again(FormState(request.form, rebased=True), [exc], 409)
        return again(FormState(request.form), status=409, message=f"{failed}: có người vừa lưu cùng lúc, vui lòng lưu lại.")
    except FieldError as exc:
        return again(FormState(request.form, {exc.field: exc.message}), message=f"{failed}: {exc.message}.")
    except (ValueError, StopIteration) as exc:
        return again(FormState(request.form), message=f"{failed}: {str(exc) or 'không có hạn này'}.")
    outbox.drain_quietly(current_app.config["DONDOC"])
    edxml_sync(current_app.config["DONDOC"], [t.dispatch_id])     # an edXML sender hears of progress
    flash(done, "ok")
    return redirect(url_for("tasks.show", task_id=t.id))


@bp.route("/tasks/<int:task_id>/occurrences/<int:deadline_id>", methods=["POST"])
@roles_required("manager", AGENCY_STAFF)
def occurrence(task_id: int, deadline_id: int):
    """Mark one period of a recurring task done."""
    t = task_in_scope(task_id)
    dl = next((d for d in t.deadlines if d.id == deadline_id), None) or abort(404)
    field = f"done_on_{dl.id}"

    def change():
        done_on = parse_date(request.form.get(field) or request.form.get("done_on"), field)
        complete_occurrence(dl, done_on or date.today(), current_user.username,
                            request.form.get(f"note_{dl.id}", request.form.get("note", "")))
    return _tracked_change(t, change, "Đã ghi nhận hoàn thành kỳ.")


def _saved_files(t: m.Task) -> list[tuple[str, Path, str | None, int]]:
    """The evidence files of the request, stored under generated names: (original name,
    stored path relative to the data folder, type, size)."""
    settings = current_app.config["DONDOC"]
    out = []
    for up in request.files.getlist("evidence_file"):
        if not up or not up.filename:
            continue
        name = Path(up.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in EVIDENCE_SUFFIXES:
            for _, rel, _, _ in out:
                (settings.data_dir / rel).unlink(missing_ok=True)
            raise FieldError("evidence_file", f"loại tệp {suffix or '(không đuôi)'} của “{name}” không được nhận làm minh chứng")
        rel = Path("evidence") / f"{uuid.uuid4().hex}{suffix}"
        dest = settings.data_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        up.save(dest)
        out.append((name, rel, up.mimetype, dest.stat().st_size))
    return out


@bp.route("/tasks/<int:task_id>/status", methods=["POST"])
@roles_required("manager", AGENCY_STAFF)
def status(task_id: int):
    """Progress: a new status, and any evidence (files, a note, a received dispatch) with any status."""
    db = session()
    t = task_in_scope(task_id)
    f = request.form
    settings = current_app.config["DONDOC"]
    try:
        files = _saved_files(t) if t.dispatch.confirmed else []
    except FieldError as exc:
        return render_task(t, FormState(f, {exc.field: exc.message}), status=422)
    actor = current_user.username

    def change():
        completed_on = parse_date(f.get("completed_on"), "completed_on")
        note = (f.get("evidence_note") or "").strip()
        for name, rel, mime, size in files:
            ev.add_file(t, actor, name, str(rel), mime, size)
        if note:
            ev.add_note(t, actor, note)
        reply = _reply(db, t)
        if reply is not None:
            ev.link_dispatch(t, actor, reply)
        new = f.get("status", t.status) if status_changed else t.status
        if new != t.status or completed_on:
            # completing asks for evidence: what the task holds already counts
            held = "; ".join(ev.describe(e) for e in ev.live(t))
            set_status(t, new, actor, f.get("reason") or None, completed_on=completed_on, evidence_note=note or held or None,
                       evidence_dispatch_id=reply.id if reply is not None else None)
        elif not (files or note or reply):
            raise ValueError("không có gì thay đổi")
    cleanup = (lambda: [(settings.data_dir / rel).unlink(missing_ok=True) for _, rel, _, _ in files]) if files else None
    # only a status the user changed is written: a stale page must not put back the one it showed
    status_changed = edited(f, "status") and f.get("status") != t.status
    return _tracked_change(t, change, "Đã cập nhật tiến độ." if status_changed else "Đã thêm minh chứng.",
                           cleanup=cleanup, checked=status_changed or bool(f.get("completed_on")))


def _reply(db, t: m.Task) -> m.Dispatch | None:
    """The received dispatch the form names as evidence: one proposed, or one typed by số ký hiệu or số đến."""
    f = request.form
    if f.get("evidence_dispatch_id"):
        d = db.get(m.Dispatch, f.get("evidence_dispatch_id", type=int) or 0)
        if d is None:
            raise FieldError("evidence_dispatch_id", "không có văn bản này")
        return d
    written = (f.get("evidence_reply") or "").strip()
    if not written:
        return None
    d = ev.find_reply(db, written)
    if d is None:
        raise FieldError("evidence_reply", f"không tìm thấy văn bản đã tiếp nhận có số ký hiệu hoặc số đến “{written}”")
    return d


@bp.route("/tasks/<int:task_id>/extend", methods=["POST"])
@roles_required("manager")
def extend(task_id: int):
    db = session()
    t = db.get(m.Task, task_id) or abort(404)
    f = request.form

    def change():
        dl = next(d for d in t.deadlines if str(d.id) == f.get("deadline_id"))
        new_due = parse_date(f.get("new_due"), "new_due")
        if new_due is None:
            raise FieldError("new_due", "cần nhập hạn mới (dd/mm/yyyy)")
        extend_deadline(dl, new_due, current_user.username, f.get("extend_reason") or f.get("reason", ""))
    return _tracked_change(t, change, "Đã gia hạn.", "Không gia hạn được")


@bp.route("/tasks/<int:task_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@roles_required("manager", AGENCY_STAFF)
def remove_evidence(task_id: int, evidence_id: int):
    t = task_in_scope(task_id)
    e = next((x for x in t.evidence if x.id == evidence_id), None) or abort(404)
    return _tracked_change(t, lambda: ev.remove(e, current_user.username, request.form.get("reason", "")),
                           "Đã bỏ minh chứng (vẫn ghi trong lịch sử).", "Không bỏ được minh chứng", checked=False)


@bp.route("/tasks/<int:task_id>/evidence/<int:evidence_id>")
@login_required
def evidence_file(task_id: int, evidence_id: int):
    """An evidence file, under the name it was uploaded with."""
    task_in_scope(task_id)
    e = session().get(m.Evidence, evidence_id)
    if e is None or e.task_id != task_id or not e.stored_path:
        abort(404)
    name = e.filename or "minh-chung"
    if not Path(name).suffix:
        name += Path(e.stored_path).suffix
    return download(current_app.config["DONDOC"].data_dir / e.stored_path, e.mime, name)


@bp.route("/tasks/<int:task_id>/evidence")
@login_required
def evidence(task_id: int):
    """The first evidence file of a task (links made before a task could hold several)."""
    t = task_in_scope(task_id)
    first = next((e for e in ev.live(t) if e.stored_path), None) or abort(404)
    return evidence_file(task_id, first.id)
