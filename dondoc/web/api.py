"""The JSON API for other office systems: tasks, dispatches, agencies, status updates, described
by OpenAPI at /api/openapi.json. Authenticated by a per-user API token (`Authorization: Bearer`,
revoked by an admin), HTTP Basic, or the web session; a write with the session cookie needs the
CSRF token (`X-CSRFToken`), as the site's own forms do."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from ..edxml.outbox import sync as edxml_sync
from ..export import dispatch_dict, task_dict
from ..search.base import Query, SearchUnavailable
from ..search import outbox
from ..search.service import search_dispatches, search_tasks
from ..domain import Status, classify
from ..storage import models as m
from ..tracking.scope import AGENCY_STAFF
from ..tracking.status import set_status
from . import csrf
from .auth import Throttled, WebUser, check_login, current_scope, task_in_scope, token_user
from .db import session

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
                return jsonify(error=str(exc)), 429
            if u is None:
                return jsonify(error="Cần đăng nhập (khóa API, HTTP Basic hoặc phiên)."), 401, {"WWW-Authenticate": 'Basic realm="dondoc"'}
            if roles and not u.can(*roles):
                return jsonify(error="Không đủ quyền."), 403
            request.api_user = u
            return view(*a, **kw)
        return wrapped
    return deco


def _date_arg(name):
    v = request.args.get(name)
    return date.fromisoformat(v) if v else None


@bp.errorhandler(ValueError)
def bad_value(e):
    return jsonify(error=f"Tham số không hợp lệ: {e}"), 400


@bp.errorhandler(SearchUnavailable)
def index_down(e):
    return jsonify(error=str(e)), 503, {"Retry-After": "30"}


@bp.get("/tasks")
@api_auth()
def tasks():
    a = request.args
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
    return jsonify({**task_dict(t), "dispatch_id": t.dispatch_id, "class": classify(t, date.today()),
                    "history": [{"at": e.at.isoformat(), "actor": e.actor, "field": e.field, "old": e.old, "new": e.new,
                                 "reason": e.reason} for e in t.history]})


@bp.patch("/tasks/<int:task_id>")
@api_auth("manager", AGENCY_STAFF)
def update_task(task_id):
    db = session()
    t = task_in_scope(task_id)
    body = request.get_json(silent=True) or {}
    try:
        set_status(t, body.get("status", ""), request.api_user.username, body.get("reason"),
                   completed_on=date.fromisoformat(body["completed_on"]) if body.get("completed_on") else None,
                   evidence_note=body.get("evidence_note"), evidence_dispatch_id=body.get("evidence_dispatch_id"))
    except ValueError as exc:
        db.rollback()
        return jsonify(error=str(exc)), 400
    settings = current_app.config["DONDOC"]
    outbox.enqueue(db, [t.dispatch_id])
    db.commit()
    outbox.drain_quietly(settings)
    edxml_sync(settings, [t.dispatch_id])
    return jsonify(task_dict(t))


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
    for ta in db.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id == a.id, m.TaskAgency.role == "lead")):
        c = classify(ta.task, today)
        counts[c] = counts.get(c, 0) + 1
    return jsonify(id=a.id, name=a.name, classes=counts)


@bp.get("/openapi.json")
def openapi():
    def op(summary, params=(), body=None):
        o = {"summary": summary, "parameters": [{"name": p, "in": "query", "schema": {"type": "string"}} for p in params],
             "responses": {"200": {"description": "OK"}, "401": {"description": "Chưa đăng nhập"}}}
        if body:
            o["requestBody"] = {"content": {"application/json": {"schema": body}}}
        return o
    task_params = ["q", "agency", "issuer", "status", "due_from", "due_to", "issued_from", "issued_to", "overdue", "sort", "page", "per_page"]
    path_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "dondoc API", "version": "1", "description": "Sổ theo dõi nhiệm vụ được giao trong văn bản."},
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"},
                                            "basic": {"type": "http", "scheme": "basic"}}},
        "security": [{"token": []}, {"basic": []}],
        "paths": {
            "/api/tasks": {"get": op("Tìm nhiệm vụ", task_params)},
            "/api/tasks/{id}": {"get": {**op("Một nhiệm vụ và lịch sử"), "parameters": path_id},
                                "patch": {**op("Cập nhật trạng thái", body={"type": "object", "properties": {
                                    "status": {"type": "string", "enum": [s.value for s in Status]},
                                    "reason": {"type": "string"}, "completed_on": {"type": "string", "format": "date"},
                                    "evidence_note": {"type": "string"}, "evidence_dispatch_id": {"type": "integer"}},
                                    "required": ["status"]}), "parameters": path_id}},
            "/api/dispatches": {"get": op("Tìm văn bản", ["q", "issuer", "issued_from", "issued_to", "page", "per_page"])},
            "/api/dispatches/{id}": {"get": {**op("Một văn bản"), "parameters": path_id}},
            "/api/agencies": {"get": op("Danh sách cơ quan")},
            "/api/agencies/{id}": {"get": {**op("Số nhiệm vụ của cơ quan theo bốn loại"), "parameters": path_id}},
        },
    }
    return jsonify(spec)
