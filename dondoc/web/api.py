"""The JSON API for other office systems: tasks, dispatches, agencies, status updates, described
by OpenAPI at /api/openapi.json. Authenticated by a per-user API token (`Authorization: Bearer`,
revoked by an admin), HTTP Basic, or the web session; a write with the session cookie needs the
CSRF token (`X-CSRFToken`), as the site's own forms do. Every answer is JSON, errors too
(`{"error": ..., "status": ...}`). Only tasks of confirmed dispatches are listed unless a clerk asks
for the review queue (`review=pending`). A task's `ETag` is its version: a `PATCH` with an
`If-Match` that is no longer current is refused with 412."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from ..edxml.outbox import sync as edxml_sync
from ..export import dispatch_dict, task_dict
from ..search.base import Query, SearchUnavailable
from ..search import outbox
from ..search.service import search_dispatches, search_tasks
from ..domain import Review, Status, classify
from ..storage import models as m
from ..tracking import evidence as ev
from ..tracking.scope import AGENCY_STAFF
from ..tracking.status import set_status
from . import csrf
from .auth import Throttled, WebUser, check_login, current_scope, task_in_scope, token_user
from .db import session
from .forms import vndates, vntime

bp = Blueprint("api", __name__, url_prefix="/api")


def api_user() -> WebUser | None:
    """The caller; a cookie session writing without the CSRF token is refused (CSRFError)."""
    auth = request.authorization
    if auth and auth.type == "bearer":
        return token_user(session(), auth.token or "")
    if auth and auth.type == "basic":
        u = check_login(session(), auth.username or "", auth.password or "")
        return WebUser(u) if u else None
    if current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return current_user
    return None


def api_auth(*roles):
    def deco(view):
        @wraps(view)
        def wrapped(*a, **kw):
            try:
                u = api_user()
            except Throttled as exc:
                return jsonify(error=str(exc), status=429), 429
            if u is None:
                return jsonify(error="Cần đăng nhập (khóa API, HTTP Basic hoặc phiên).", status=401), 401, \
                    {"WWW-Authenticate": 'Basic realm="dondoc"'}
            if roles and not u.can(*roles):
                return jsonify(error="Không đủ quyền.", status=403), 403
            request.api_user = u
            return view(*a, **kw)
        return wrapped
    return deco


def _date_arg(name):
    v = request.args.get(name)
    return date.fromisoformat(v) if v else None


@bp.errorhandler(ValueError)
def bad_value(e):
    return jsonify(error=f"Tham số không hợp lệ: {e}", status=400), 400


def etag(t: m.Task) -> str:
    return f"task-{t.id}-v{t.version}"


def _task_body(t: m.Task):
    out = jsonify({**task_dict(t), "dispatch_id": t.dispatch_id, "review": t.dispatch.review, "version": t.version,
                   "class": classify(t, date.today()) if t.dispatch.confirmed else None,
                   "evidence": [{"id": e.id, "note": e.note, "filename": e.filename, "dispatch_id": e.dispatch_id,
                                 "added_by": e.added_by, "added_at": e.added_at.isoformat(), "removed": not e.live}
                                for e in t.evidence],
                   "history": [{"at": e.at.isoformat(), "actor": e.actor, "field": e.field, "old": e.old, "new": e.new,
                                "reason": e.reason} for e in t.history]})
    out.set_etag(etag(t))
    return out


def _pending_tasks(a):
    """The review queue's tasks, for clerks: from the database (the index holds obligations only)."""
    db = session()
    page, per_page = max(1, int(a.get("page", 1))), min(100, int(a.get("per_page", 20)))
    stmt = select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id).where(m.Dispatch.review == Review.PENDING)
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.scalars(stmt.order_by(m.Dispatch.created_at, m.Task.dispatch_id, m.Task.seq)
                      .limit(per_page).offset((page - 1) * per_page)).all()
    return jsonify(total=total, hits=[{**task_dict(t), "dispatch_id": t.dispatch_id, "review": Review.PENDING.value}
                                      for t in rows], facets={})


@bp.errorhandler(SearchUnavailable)
def index_down(e):
    return jsonify(error=str(e), status=503), 503, {"Retry-After": "30"}


@bp.get("/tasks")
@api_auth()
def tasks():
    a = request.args
    if a.get("review") == Review.PENDING:
        if not request.api_user.can("clerk"):
            return jsonify(error="Chỉ văn thư xem được nhiệm vụ chờ soát xét.", status=403), 403
        return _pending_tasks(a)
    if a.get("review") not in (None, "", Review.CONFIRMED):
        raise ValueError("review chỉ nhận confirmed (mặc định) hoặc pending")
    q = Query(text=a.get("q", ""), agency=a.get("agency"), issuer=a.get("issuer"), status=a.get("status"),
              due_from=_date_arg("due_from"), due_to=_date_arg("due_to"), issued_from=_date_arg("issued_from"),
              issued_to=_date_arg("issued_to"), overdue=a.get("overdue") in ("1", "true"), sort=a.get("sort", "relevance"),
              page=int(a.get("page", 1)), per_page=min(100, int(a.get("per_page", 20))),
              within=current_scope().search_names())
    res = search_tasks(current_app.config["DONDOC"], q)
    return jsonify(total=res.total, hits=[asdict(h) for h in res.hits], facets=res.facets)


@bp.get("/tasks/<int:task_id>")
@api_auth()
def task(task_id):
    t = task_in_scope(task_id)
    return _task_body(t)


def _stale(t: m.Task) -> dict:
    tz = current_app.config["DONDOC"].timezone
    return {"error": f"Nhiệm vụ đã được {t.updated_by or 'người khác'} sửa lúc {vntime(t.updated_at, tz)}"
                     + (f" ({vndates(t.change_note)})" if t.change_note else "") + "; lấy lại bản mới (GET) rồi gửi lại.",
            "status": 412, "version": t.version, "updated_by": t.updated_by,
            "updated_at": t.updated_at.isoformat() if t.updated_at else None, "change": t.change_note}


@bp.patch("/tasks/<int:task_id>")
@api_auth("manager", AGENCY_STAFF)
def update_task(task_id):
    """A new status (and evidence); with `If-Match: <the ETag read>` it is refused (412) when
    someone changed the task since."""
    db = session()
    t = task_in_scope(task_id)
    if request.if_match and not request.if_match.star_tag and not request.if_match.contains(etag(t)):
        return jsonify(_stale(t)), 412, {"ETag": f'"{etag(t)}"'}
    if not t.dispatch.confirmed:
        return jsonify(error="Văn bản giao nhiệm vụ chưa được xác nhận (chờ soát xét hoặc đã từ chối): nhiệm vụ chưa được theo dõi.",
                       status=409), 409
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="Cần nội dung JSON (một đối tượng).", status=400), 400
    actor = request.api_user.username
    try:
        completed_on = date.fromisoformat(body["completed_on"]) if body.get("completed_on") else None
        reply = None
        if body.get("evidence_dispatch_id"):
            reply = db.get(m.Dispatch, int(body["evidence_dispatch_id"]))
            if reply is None:
                raise ValueError("không có văn bản evidence_dispatch_id")
            ev.link_dispatch(t, actor, reply)
        if body.get("evidence_note"):
            ev.add_note(t, actor, body["evidence_note"])
        held = "; ".join(ev.describe(e) for e in ev.live(t))
        set_status(t, body.get("status", t.status), actor, body.get("reason"), completed_on=completed_on,
                   evidence_note=body.get("evidence_note") or held or None,
                   evidence_dispatch_id=reply.id if reply is not None else None)
        outbox.enqueue(db, [t.dispatch_id])
        db.commit()
    except StaleDataError:
        db.rollback()
        db.expire_all()
        return jsonify(_stale(db.get(m.Task, task_id))), 412
    except ValueError as exc:
        db.rollback()
        return jsonify(error=str(exc), status=400), 400
    settings = current_app.config["DONDOC"]
    settings = current_app.config["DONDOC"]
    outbox.drain_quietly(settings)
    edxml_sync(settings, [t.dispatch_id])
    return _task_body(t)


@bp.get("/dispatches")
@api_auth()
def dispatches():
    a = request.args
    q = Query(text=a.get("q", ""), issuer=a.get("issuer"), issued_from=_date_arg("issued_from"),
              issued_to=_date_arg("issued_to"), page=int(a.get("page", 1)), per_page=min(100, int(a.get("per_page", 20))),
              within=current_scope().search_names())
    res = search_dispatches(current_app.config["DONDOC"], q)
    return jsonify(total=res.total, hits=[asdict(h) for h in res.hits], facets=res.facets)


@bp.get("/dispatches/<int:dispatch_id>")
@api_auth()
def dispatch(dispatch_id):
    d = session().get(m.Dispatch, dispatch_id)
    if d is None or not current_scope().holds_dispatch(d):
        abort(404)
    return jsonify(dispatch_dict(d.document))


@bp.get("/agencies")
@api_auth()
def agencies():
    db = session()
    scope = current_scope()
    stmt = select(m.Agency).order_by(m.Agency.name)
    if not scope.everything:
        stmt = stmt.where(m.Agency.id.in_(scope.agency_ids))
    return jsonify([{"id": a.id, "name": a.name, "successor_id": a.successor_id} for a in db.scalars(stmt)])


@bp.get("/agencies/<int:agency_id>")
@api_auth()
def agency(agency_id):
    db = session()
    a = db.get(m.Agency, agency_id)
    if a is None or not current_scope().holds_agency(a.id):
        abort(404)
    today = date.today()
    counts: dict[str, int] = {}
    for ta in db.scalars(select(m.TaskAgency).join(m.Task, m.Task.id == m.TaskAgency.task_id)
                         .join(m.Dispatch, m.Dispatch.id == m.Task.dispatch_id)
                         .where(m.TaskAgency.agency_id == a.id, m.TaskAgency.role == "lead", m.Dispatch.confirmed)):
        c = classify(ta.task, today)
        counts[c] = counts.get(c, 0) + 1
    return jsonify(id=a.id, name=a.name, classes=counts)


@bp.get("/openapi.json")
def openapi():
    err = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    errors = {"400": {"description": "Tham số hoặc nội dung không hợp lệ", **err},
              "401": {"description": "Chưa đăng nhập", **err}, "403": {"description": "Không đủ quyền", **err},
              "404": {"description": "Không có", **err}}

    def op(summary, params=(), body=None, extra=None):
        o = {"summary": summary, "parameters": [{"name": p, "in": "query", "schema": {"type": "string"}} for p in params],
             "responses": {"200": {"description": "OK"}, **errors, **(extra or {})}}
        if body:
            o["requestBody"] = {"content": {"application/json": {"schema": body}}}
        return o
    task_params = ["q", "agency", "issuer", "status", "due_from", "due_to", "issued_from", "issued_to", "overdue", "sort",
                   "page", "per_page", "review"]
    path_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    if_match = {"name": "If-Match", "in": "header", "schema": {"type": "string"},
                "description": "ETag đọc được từ GET; nhiệm vụ đã bị sửa từ đó thì trả 412"}
    patch = op("Cập nhật trạng thái và minh chứng", body={"type": "object", "properties": {
        "status": {"type": "string", "enum": [s.value for s in Status]},
        "reason": {"type": "string"}, "completed_on": {"type": "string", "format": "date"},
        "evidence_note": {"type": "string"}, "evidence_dispatch_id": {"type": "integer"}}},
        extra={"409": {"description": "Văn bản chưa được xác nhận: nhiệm vụ chưa được theo dõi", **err},
               "412": {"description": "If-Match đã cũ: có người sửa nhiệm vụ trước", **err}})
    get_task = op("Một nhiệm vụ, minh chứng và lịch sử")
    get_task["responses"]["200"] = {"description": "OK", "headers": {"ETag": {"schema": {"type": "string"},
                                                                               "description": "phiên bản của nhiệm vụ"}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "dondoc API", "version": "1",
                 "description": "Sổ theo dõi nhiệm vụ được giao trong văn bản. Chỉ liệt kê nhiệm vụ của văn bản đã xác nhận; "
                                "văn thư xem hàng chờ soát xét bằng review=pending. Mọi lỗi trả JSON."},
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"},
                                           "basic": {"type": "http", "scheme": "basic"}},
                       "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"},
                                                                               "status": {"type": "integer"}}}}},
        "security": [{"token": []}, {"basic": []}],
        "paths": {
            "/api/tasks": {"get": op("Tìm nhiệm vụ", task_params)},
            "/api/tasks/{id}": {"get": {**get_task, "parameters": path_id},
                                "patch": {**patch, "parameters": path_id + [if_match]}},
            "/api/dispatches": {"get": op("Tìm văn bản", ["q", "issuer", "issued_from", "issued_to", "page", "per_page"])},
            "/api/dispatches/{id}": {"get": {**op("Một văn bản và dòng của nó trong sổ văn bản đến"), "parameters": path_id}},
            "/api/agencies": {"get": op("Danh sách cơ quan")},
            "/api/agencies/{id}": {"get": {**op("Số nhiệm vụ của cơ quan theo bốn loại"), "parameters": path_id}},
        },
    }
    return jsonify(spec)
