"""Managers: search obligations, an agency's page, the dashboard, exports; admins: the digest
recipients of each agency."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, sessionmaker

from .. import agency_names
from ..search.backends import backend
from ..search.base import Query, QueryTooLong, Results, SearchUnavailable
from ..search.service import search_tasks
from ..storage import models as m
from ..storage.db import engine_for
from ..domain import ALL_CLASSES, CLASS_LABELS, DONE_CLASSES, STATUS_LABELS, ReportClass, Review, classify, current_due
from ..tracking.books import INCOMING, RESOLUTION, Column, incoming_rows, registered, resolution_rows, tracked_tasks
from ..tracking.register import pending_count
from ..tracking.report import agency_board, overdue_by_agency, overview
from ..tracking.scope import EVERYTHING, Scope, scope_of
from .auth import current_scope, roles_required
from .db import session
from ..storage.versions import StaleEdit, check, touch
from .dispatches import dispatch_query, list_filters
from .forms import FieldError, FormState, parse_date, vndates, vntime
from .spreadsheets import csv_response, xlsx_response

bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)


@bp.route("/")
@login_required
def home():
    """A clerk starts at the review queue; everyone else at the dashboard."""
    from flask_login import current_user
    if current_user.role == "clerk":
        return redirect(url_for("dispatches.index", review=Review.PENDING))
    return redirect(url_for("reports.dashboard"))


SEARCH_DATES = ("due_from", "due_to", "issued_from", "issued_to")


def query_from_args(a, errors: dict | None = None, per_page: int = 20) -> Query:
    """The task search a page's arguments ask for; a date that cannot be read is left out and
    its message put in `errors` by field."""
    dates = {}
    for key in SEARCH_DATES:
        try:
            dates[key] = parse_date(a.get(key), key)
        except FieldError as exc:
            dates[key] = None
            if errors is not None:
                errors[key] = exc.message
    return Query(text=a.get("q", ""), agency=a.get("agency") or None, issuer=a.get("issuer") or None,
                 status=a.get("status") or None, overdue=bool(a.get("overdue")),
                 sort=a.get("sort", "relevance"), page=max(1, a.get("page", 1, type=int) or 1), per_page=per_page,
                 within=current_scope().search_names(), **dates)


def filtered(q: Query) -> bool:
    return bool(q.text.strip() or q.agency or q.issuer or q.status or q.overdue or any(getattr(q, k) for k in SEARCH_DATES))


@bp.route("/search")
@login_required
def search():
    errors: dict = {}
    q = query_from_args(request.args, errors)
    settings = current_app.config["DONDOC"]
    export_args = {k: v for k, v in request.args.items() if k not in ("page",) and v}
    page = dict(errors=errors, export_args=export_args, fs=FormState(request.args if errors else None, errors))
    try:
        res = search_tasks(settings, q)
    except QueryTooLong as exc:
        flash(f"Không tìm được: {exc}.", "error")
        return render_template("search.html", q=Query(), res=Results(0, [], {}), args={}, agency_match=None, **page), 400
    except SearchUnavailable as exc:
        flash(str(exc), "error")
        return render_template("search.html", q=q, res=Results(0, [], {}), args=request.args, agency_match=None, **page), 503
    match = agency_names.candidates(session(), q.agency, settings.office_locality) if q.agency else None
    return render_template("search.html", q=q, res=res, args=request.args, agency_match=match, **page)


def matching_task_ids(q: Query, batch: int = 1000) -> list[int]:
    """Every task a search finds, in its order (for an export of what the page shows)."""
    settings = current_app.config["DONDOC"]
    ids: list[int] = []
    page = 1
    while True:
        res = search_tasks(settings, replace(q, page=page, per_page=batch))
        ids += [h.id for h in res.hits]
        if not res.hits or len(ids) >= res.total:
            return ids
        page += 1


@bp.route("/agencies")
@login_required
def agencies():
    """The bodies that lead tasks under tracking, most first; or those a name or an initialism
    the user typed stands for (the nearest names when none)."""
    db = session()
    scope = current_scope()
    written = request.args.get("q", "").strip()
    match = agency_names.candidates(db, written, current_app.config["DONDOC"].office_locality) if written else None
    counts = Counter(dict(db.execute(select(m.TaskAgency.agency_id, func.count())
                                     .join(m.Task, m.Task.id == m.TaskAgency.task_id)
                                     .join(m.Dispatch, m.Dispatch.id == m.Task.dispatch_id)
                                     .where(m.TaskAgency.role == "lead", m.Dispatch.confirmed)
                                     .group_by(m.TaskAgency.agency_id)).all()))
    if match is not None:
        found = {a.name: a for a in db.scalars(select(m.Agency).where(m.Agency.name.in_(match.names)))} if match.names else {}
        rows = [found[n] for n in match.names if n in found]
    else:
        rows = sorted(db.scalars(select(m.Agency).where(m.Agency.id.in_(list(counts)))), key=lambda a: (-counts[a.id], a.name))
    rows = [a for a in rows if scope.holds_agency(a.id)]
    return render_template("agencies.html", rows=[(a, counts[a.id]) for a in rows], written=written, match=match)


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
    from flask_login import current_user
    db = session()
    a = db.get(m.Agency, agency_id) or abort(404)
    typed = request.form.get("emails", "")
    emails = [e.strip() for e in typed.replace(";", ",").split(",") if e.strip()]
    bad = [e for e in emails if "@" not in e]
    try:
        check(a, request.form.get("version"), f"Danh sách người nhận của {a.name}")
    except StaleEdit as exc:
        flash(vndates(exc.message(vntime(exc.at, current_app.config["DONDOC"].timezone))) + f" Bạn đã nhập: {typed}", "error")
        return redirect(url_for("reports.agency", agency_id=agency_id))
    if bad:
        flash(f"Địa chỉ không hợp lệ: {', '.join(bad)}", "error")
    else:
        old = ", ".join(a.emails or [])
        a.emails = emails
        touch(a, current_user.username, f"người nhận bản tin: {old or '(không)'} → {', '.join(emails) or '(không)'}")
        db.commit()
        flash("Đã lưu người nhận bản tin hạn.", "ok")
    return redirect(url_for("reports.agency", agency_id=agency_id))


def dashboard_data(db, today: date, scope: Scope = EVERYTHING) -> dict:
    """The dashboard's figures from the search index, which counts a province's register in
    milliseconds; from the database (the same rule in SQL, seconds at a million tasks) while the
    index does not answer."""
    weeks_ahead = 8
    labels = [f"{today + timedelta(days=7 * w):%d/%m}–{today + timedelta(days=7 * w + 6):%d/%m}" for w in range(weeks_ahead)]
    try:
        got = backend(current_app.config["DONDOC"]).overview(today, weeks_ahead, scope.search_names())
        classes, weeks, top = got.classes, [{"label": lb, "count": n} for lb, n in zip(labels, got.weeks)], got.overdue_by_lead
    except Exception:
        log.warning("search index unavailable, the dashboard counts in the database", exc_info=True)
        classes, weeks = overview(db, today, weeks_ahead, scope=scope)
        top = overdue_by_agency(db, today, scope=scope)
    return {"classes": {k: classes.get(k, 0) for k in ALL_CLASSES}, "class_labels": CLASS_LABELS,
            "weeks": weeks, "overdue_by_agency": top, "total": sum(classes.values())}


@bp.route("/dashboard")
@login_required
def dashboard():
    db = session()
    data = dashboard_data(db, date.today(), current_scope())
    return render_template("dashboard.html", data=data, pending=pending_count(db))


@bp.route("/dashboard.json")
@login_required
def dashboard_json():
    return jsonify(dashboard_data(session(), date.today(), current_scope()))


TASK_COLUMNS = (Column("Mã NV", 8, "number"), Column("Số đến", 9, "number"), Column("Số ký hiệu", 20),
                Column("Ngày ban hành", 12, "date"), Column("Cơ quan ban hành", 30), Column("Trích yếu", 40),
                Column("Nhiệm vụ", 70), Column("Chủ trì", 30), Column("Phối hợp", 30), Column("Hạn", 12, "date"),
                Column("Các hạn", 24), Column("Hạn gốc", 24), Column("Trạng thái", 16), Column("Phân loại", 24),
                Column("Ngày hoàn thành", 12, "date"))


def task_rows(tasks, today: date):
    for t in tasks:
        d = t.dispatch
        dues = [x.due for x in t.deadlines if x.due]
        yield [t.id, d.arrival_number, d.number or "", d.issued, d.issuer or "", d.subject or "", t.shown_text,
               "; ".join(t.names("lead")), "; ".join(t.names("support")), current_due(t.deadlines),
               ", ".join(f"{x:%d/%m/%Y}" for x in dues) if len(dues) > 1 else "",
               ", ".join(f"{x.original_due:%d/%m/%Y}" for x in t.deadlines if x.original_due and x.original_due != x.due),
               STATUS_LABELS.get(t.status, t.status), CLASS_LABELS[classify(t, today)], t.completed_on]


def _own_session():
    """A session of its own: an export lets go of each batch it has written, which must not
    touch what the request's session holds."""
    return sessionmaker(engine_for(current_app.config["DONDOC"].db_url))()


def _send(fmt: str, sheet: str, columns, rows, filename: str, db):
    if fmt == "csv":
        return csv_response(columns, rows, filename, cleanup=db.close)
    if fmt == "xlsx":
        try:
            return xlsx_response(sheet, columns, rows, filename)
        finally:
            db.close()
    db.close()
    abort(404)


@bp.route("/export.<fmt>")
@login_required
def export(fmt: str):
    """The tasks under tracking, or those the current search finds (its words and filters)."""
    today = date.today()
    q = query_from_args(request.args)
    ids = matching_task_ids(q) if filtered(q) else None
    db = _own_session()
    return _send(fmt, "Nhiệm vụ", TASK_COLUMNS, task_rows(tracked_tasks(db, ids, current_scope()), today),
                 f"nhiem-vu-{today}", db)


@bp.route("/register/<book>.<fmt>")
@login_required
def register_export(book: str, fmt: str):
    """The books of NĐ 30/2020 appendix IV: `den`, the Sổ đăng ký văn bản đến (the dispatch list's
    filters), `giai-quyet`, the Sổ theo dõi giải quyết văn bản đến (the task search's filters)."""
    today = date.today()
    if book == "den":
        ids = None
        f = list_filters(request.args)
        if any(v for k, v in f.items() if k != "review") or not current_scope().everything:
            ids = list(session().scalars(dispatch_query(f, {}).with_only_columns(m.Dispatch.id)))
        db = _own_session()
        return _send(fmt, "Sổ đăng ký văn bản đến", INCOMING, incoming_rows(registered(db, ids)),
                     f"so-dang-ky-van-ban-den-{today}", db)
    if book == "giai-quyet":
        q = query_from_args(request.args)
        ids = matching_task_ids(q) if filtered(q) else None
        db = _own_session()
        return _send(fmt, "Sổ theo dõi giải quyết", RESOLUTION, resolution_rows(tracked_tasks(db, ids, current_scope()), today),
                     f"so-theo-doi-giai-quyet-{today}", db)
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
