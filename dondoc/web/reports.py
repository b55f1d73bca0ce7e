"""Managers: search obligations, an agency's page, the dashboard, exports; admins: the digest
recipients of each agency."""
from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from datetime import date
from itertools import chain

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   stream_with_context, url_for)
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, sessionmaker

from ..search.base import Query, QueryTooLong, Results, SearchUnavailable
from ..search.service import search_tasks
from ..storage import models as m
from ..storage.db import engine_for
from ..domain import ALL_CLASSES, CLASS_LABELS, DONE_CLASSES, STATUS_LABELS, ReportClass, classify
from ..tracking.report import agency_board, class_counts, overdue_by_agency, weeks_ahead
from ..tracking.scope import EVERYTHING, Scope, scope_of
from .auth import current_scope, roles_required
from .db import session

bp = Blueprint("reports", __name__)


@bp.route("/")
@login_required
def home():
    return redirect(url_for("reports.dashboard"))


def _query_from_args(a) -> Query:
    def d(key):
        return date.fromisoformat(a[key]) if a.get(key) else None
    return Query(text=a.get("q", ""), agency=a.get("agency") or None, issuer=a.get("issuer") or None,
                 status=a.get("status") or None, due_from=d("due_from"), due_to=d("due_to"),
                 issued_from=d("issued_from"), issued_to=d("issued_to"), overdue=bool(a.get("overdue")),
                 sort=a.get("sort", "relevance"), page=max(1, int(a.get("page", 1) or 1)), per_page=20)


@bp.route("/search")
@login_required
def search():
    try:
        q = _query_from_args(request.args)
    except ValueError:
        flash("Ngày tháng không hợp lệ (dạng YYYY-MM-DD).", "error")
        q = Query()
    q.within = current_scope().search_names()
    try:
        res = search_tasks(current_app.config["DONDOC"], q)
    except QueryTooLong as exc:
        flash(f"Không tìm được: {exc}.", "error")
        return render_template("search.html", q=Query(), res=Results(0, [], {}), args={}), 400
    except SearchUnavailable as exc:
        flash(str(exc), "error")
        return render_template("search.html", q=q, res=Results(0, [], {}), args=request.args), 503
    return render_template("search.html", q=q, res=res, args=request.args)


EXPORT_BATCH = 1000


def _tracked_tasks(db, scope: Scope = EVERYTHING):
    """The tasks under tracking (those of confirmed dispatches) that `scope` holds, loaded a batch
    at a time so an export of the whole register holds only one batch in memory."""
    last, batch = 0, EXPORT_BATCH
    while True:
        rows = db.scalars(select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id)
                          .where(m.Dispatch.confirmed, m.Task.id > last, scope.tasks_clause(m.Task.id))
                          .order_by(m.Task.id).limit(batch)
                          .options(selectinload(m.Task.deadlines), selectinload(m.Task.agencies).selectinload(m.TaskAgency.agency),
                                   selectinload(m.Task.dispatch))).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        db.expunge_all()


@bp.route("/agencies")
@login_required
def agencies():
    db = session()
    scope = current_scope()
    counts = Counter(dict(db.execute(select(m.TaskAgency.agency_id, func.count()).where(m.TaskAgency.role == "lead")
                                     .group_by(m.TaskAgency.agency_id)).all()))
    agencies = select(m.Agency) if scope.everything else select(m.Agency).where(m.Agency.id.in_(scope.agency_ids))
    rows = sorted(db.scalars(agencies), key=lambda a: (-counts[a.id], a.name))
    return render_template("agencies.html", rows=[(a, counts[a.id]) for a in rows])


@bp.route("/agencies/<int:agency_id>")
@login_required
def agency(agency_id: int):
    db = session()
    a = db.get(m.Agency, agency_id) or abort(404)
    if not current_scope().holds_agency(a.id):
        abort(404)
    today = date.today()
    soon_days = current_app.config["DONDOC"].due_soon_days
    board = agency_board(db, today, a.id, soon_days)
    counts, lists, upcoming = board.counts, board.lists, board.upcoming
    done = sum(counts.get(c, 0) for c in DONE_CLASSES)
    on_time = counts.get(ReportClass.ON_TIME, 0) / done if done else None
    successor = db.get(m.Agency, a.successor_id) if a.successor_id else None
    from flask_login import current_user
    from ..digest.ics import token
    secret = current_app.config["SECRET_KEY"]
    ics = url_for("reports.agency_ics", agency_id=a.id, token=token(secret, f"agency:{a.id}"), _external=True)
    my_ics = url_for("reports.user_ics", user_id=current_user.user_id, token=token(secret, f"user:{current_user.user_id}"), _external=True)
    subscribed = db.scalar(select(m.Subscription).where(m.Subscription.user_id == current_user.user_id, m.Subscription.agency_id == a.id)) is not None
    return render_template("agency.html", a=a, counts=counts, lists=lists, on_time=on_time, upcoming=upcoming,
                           successor=successor, ics=ics, my_ics=my_ics, subscribed=subscribed, soon_days=soon_days)


@bp.route("/agencies/<int:agency_id>/recipients", methods=["POST"])
@roles_required("admin")
def recipients(agency_id: int):
    db = session()
    a = db.get(m.Agency, agency_id) or abort(404)
    emails = [e.strip() for e in request.form.get("emails", "").replace(";", ",").split(",") if e.strip()]
    bad = [e for e in emails if "@" not in e]
    if bad:
        flash(f"Địa chỉ không hợp lệ: {', '.join(bad)}", "error")
    else:
        a.emails = emails
        db.commit()
        flash("Đã lưu người nhận bản tin hạn.", "ok")
    return redirect(url_for("reports.agency", agency_id=agency_id))


def dashboard_data(db, today: date, scope: Scope = EVERYTHING) -> dict:
    classes = class_counts(db, today, scope=scope)
    return {"classes": {k: classes.get(k, 0) for k in ALL_CLASSES}, "class_labels": CLASS_LABELS,
            "weeks": weeks_ahead(db, today, scope=scope), "overdue_by_agency": overdue_by_agency(db, today, scope=scope),
            "total": sum(classes.values())}


@bp.route("/dashboard")
@login_required
def dashboard():
    data = dashboard_data(session(), date.today(), current_scope())
    return render_template("dashboard.html", data=data)


@bp.route("/dashboard.json")
@login_required
def dashboard_json():
    return jsonify(dashboard_data(session(), date.today(), current_scope()))


EXPORT_HEADER = ["Mã NV", "Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu", "Nhiệm vụ", "Chủ trì",
                 "Phối hợp", "Hạn", "Hạn gốc", "Trạng thái", "Phân loại", "Ngày hoàn thành"]


def register_rows(db, today: date, scope: Scope = EVERYTHING):
    for t in _tracked_tasks(db, scope):
        d = t.dispatch
        yield [t.id, d.number or "", d.issued.isoformat() if d.issued else "", d.issuer or "", d.subject or "", t.shown_text,
               "; ".join(t.names("lead")), "; ".join(t.names("support")),
               ", ".join(x.due.isoformat() for x in t.deadlines if x.due),
               ", ".join(x.original_due.isoformat() for x in t.deadlines if x.original_due and x.original_due != x.due),
               STATUS_LABELS.get(t.status, t.status), CLASS_LABELS[classify(t, today)], t.completed_on.isoformat() if t.completed_on else ""]


@bp.route("/export.<fmt>")
@login_required
def export(fmt: str):
    today = date.today()
    scope = current_scope()
    # a session of its own: the export lets go of each batch it has written, which must not
    # touch what the request's session holds
    db = sessionmaker(engine_for(current_app.config["DONDOC"].db_url))()
    if fmt == "csv":
        def lines():
            buf = io.StringIO()
            w = csv.writer(buf)
            try:
                yield "\ufeff"                 # Excel reads the file as UTF-8 with this mark
                for row in chain([EXPORT_HEADER], register_rows(db, today, scope)):
                    w.writerow(row)
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
            finally:
                db.close()
        return Response(stream_with_context(lines()), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename=so-theo-doi-{today}.csv"})
    if fmt == "xlsx":
        from openpyxl import Workbook
        wb = Workbook(write_only=True)         # rows go to disk as they come
        ws = wb.create_sheet("Sổ theo dõi")
        ws.append(EXPORT_HEADER)
        try:
            for r in register_rows(db, today, scope):
                ws.append(r)
        finally:
            db.close()
        out = tempfile.TemporaryFile()
        wb.save(out)
        out.seek(0)
        return send_file(out, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=f"so-theo-doi-{today}.xlsx")
    db.close()
    abort(404)


def _calendar(title: str, secret_key: str, agency_ids: list[int], scope: Scope = EVERYTHING):
    """The ICS feed of the confirmed tasks of some agencies (those `scope` holds), if the URL's
    token is right."""
    from ..digest.ics import check, feed
    if not check(current_app.config["SECRET_KEY"], secret_key, request.args.get("token", "")):
        abort(403)
    links = [(ta.task, ta.role) for ta in session().scalars(
        select(m.TaskAgency).join(m.Task, m.TaskAgency.task_id == m.Task.id)
        .join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id)
        .where(m.TaskAgency.agency_id.in_(agency_ids), m.Dispatch.confirmed, scope.tasks_clause(m.Task.id))
        .options(selectinload(m.TaskAgency.task).selectinload(m.Task.deadlines),
                 selectinload(m.TaskAgency.task).selectinload(m.Task.dispatch)))] if agency_ids else []
    s = current_app.config["DONDOC"]
    return current_app.response_class(feed(title, links, s.base_url, s.timezone), mimetype="text/calendar")


@bp.route("/agencies/<int:agency_id>/deadlines.ics")
def agency_ics(agency_id: int):
    """Calendar feed of an agency's deadlines; the secret token in the URL is the credential."""
    a = session().get(m.Agency, agency_id) or abort(404)
    return _calendar(a.name, f"agency:{a.id}", [a.id])


@bp.route("/users/<int:user_id>/deadlines.ics")
def user_ics(user_id: int):
    """Calendar feed of the agencies a user follows."""
    db = session()
    u = db.get(m.User, user_id) or abort(404)
    ids = [x.agency_id for x in db.scalars(select(m.Subscription).where(m.Subscription.user_id == u.id))]
    # the feed holds what its owner may see, even for a subscription older than their scope
    return _calendar(u.username, f"user:{u.id}", ids, scope_of(db, u))


@bp.route("/agencies/<int:agency_id>/subscribe", methods=["POST"])
@login_required
def subscribe(agency_id: int):
    from flask_login import current_user
    db = session()
    a = db.get(m.Agency, agency_id) or abort(404)
    if not current_scope().holds_agency(a.id):
        abort(404)
    uid = current_user.user_id
    row = db.scalar(select(m.Subscription).where(m.Subscription.user_id == uid, m.Subscription.agency_id == a.id))
    if row:
        db.delete(row)
        flash("Đã thôi nhận bản tin của cơ quan này.", "ok")
    else:
        db.add(m.Subscription(user_id=uid, agency_id=a.id))
        flash("Đã đăng ký nhận bản tin hạn của cơ quan này (gửi tới thư điện tử của bạn).", "ok")
    db.commit()
    return redirect(url_for("reports.agency", agency_id=agency_id))
