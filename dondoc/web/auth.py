"""Log in and out, users and roles: clerk (upload, review), manager (search, status, reports),
agency staff (the tasks of their own agency: see, status, evidence), admin (users, agency
recipients)."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..search.service import agency_named
from ..storage import models as m
from ..tracking.scope import AGENCY_STAFF, EVERYTHING, Scope, scope_of
from . import login_manager
from .db import session

bp = Blueprint("auth", __name__)
ROLES = {"clerk": "Văn thư", "manager": "Lãnh đạo / chuyên viên theo dõi", AGENCY_STAFF: "Cán bộ đơn vị",
         "admin": "Quản trị"}


class WebUser(UserMixin):
    def __init__(self, row: m.User):
        self.id = str(row.id)
        self.username = row.username
        self.role = row.role
        self.agency_id = row.agency_id

    def can(self, *roles: str) -> bool:
        return self.role in roles or self.role == "admin"


def current_scope() -> Scope:
    """The tasks the logged-in user (web session or API) may see, worked out once per request."""
    if "scope" not in g:
        user = getattr(request, "api_user", None) or (current_user if current_user.is_authenticated else None)
        g.scope = scope_of(session(), session().get(m.User, int(user.id))) if user is not None else EVERYTHING
    return g.scope


def task_in_scope(task_id: int) -> m.Task:
    """The task, or 404 when there is none the user may see (another agency's task is not there
    for them)."""
    t = session().get(m.Task, task_id)
    if t is None or not current_scope().holds_task(t):
        abort(404)
    return t


@login_manager.user_loader
def load_user(user_id: str):
    row = session().get(m.User, int(user_id))
    return WebUser(row) if row else None


def roles_required(*roles: str):
    def deco(view):
        @wraps(view)
        @login_required
        def wrapped(*a, **kw):
            if not current_user.can(*roles):
                abort(403)
            return view(*a, **kw)
        return wrapped
    return deco


def create_user(db, username: str, password: str, role: str, email: str | None = None,
                agency_id: int | None = None) -> m.User:
    if role not in ROLES:
        raise ValueError(f"vai trò không hợp lệ: {role}")
    if len(password) < 4:
        raise ValueError("mật khẩu quá ngắn")
    if role == AGENCY_STAFF and agency_id is None:
        raise ValueError("cán bộ đơn vị phải thuộc một cơ quan trong danh mục")
    u = m.User(username=username, password_hash=generate_password_hash(password), role=role, email=email,
               agency_id=agency_id if role == AGENCY_STAFF else None)
    db.add(u)
    db.flush()
    return u


def check_login(db, username: str, password: str) -> m.User | None:
    u = db.scalar(select(m.User).where(m.User.username == username))
    if u and check_password_hash(u.password_hash, password):
        return u
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        u = check_login(session(), request.form.get("username", ""), request.form.get("password", ""))
        if u:
            login_user(WebUser(u))
            nxt = request.args.get("next", "")
            return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else url_for("reports.home"))
        flash("Sai tên đăng nhập hoặc mật khẩu.", "error")
    return render_template("login.html")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/admin/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    db = session()
    if request.method == "POST":
        try:
            written = request.form.get("agency", "").strip()
            agency = agency_named(db, current_app.config["DONDOC"], written) if written else None
            if written and agency is None:
                raise ValueError(f"không có cơ quan “{written}” trong danh mục")
            create_user(db, request.form["username"].strip(), request.form["password"], request.form["role"],
                        request.form.get("email") or None, agency.id if agency else None)
            db.commit()
            flash("Đã tạo người dùng.", "ok")
        except (ValueError, KeyError) as exc:
            db.rollback()
            flash(f"Không tạo được người dùng: {exc}", "error")
        return redirect(url_for("auth.users"))
    rows = db.execute(select(m.User, m.Agency.name).outerjoin(m.Agency, m.User.agency_id == m.Agency.id)
                      .order_by(m.User.username)).all()
    return render_template("users.html", users=rows, roles=ROLES)
