"""Log in and out, users and roles: clerk (upload, review), manager (search, status, reports),
agency staff (the tasks of their own agency: see, status, evidence), admin (users, agency
recipients, API tokens).

A signed-in browser is a row of `user_sessions`: the cookie carries that row's token, not the
user id, and logging out revokes the row on the server. Wrong passwords are throttled per
account and per address (`throttle`); an unknown name costs the same hashing as a known one."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone
from functools import wraps

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..search.service import agency_named
from ..storage import models as m
from ..tracking.scope import AGENCY_STAFF, EVERYTHING, Scope, scope_of
from . import login_manager, throttle
from .db import session
from .security import safe_next

bp = Blueprint("auth", __name__)
ROLES = {"clerk": "Văn thư", "manager": "Lãnh đạo / chuyên viên theo dõi", AGENCY_STAFF: "Cán bộ đơn vị",
         "admin": "Quản trị"}


class WebUser(UserMixin):
    def __init__(self, row: m.User, session_token: str | None = None):
        self.user_id = row.id
        self.id = session_token or f"user-{row.id}"   # what the cookie holds: the session, not the user
        self.username = row.username
        self.role = row.role
        self.agency_id = row.agency_id

    def get_id(self) -> str:
        return self.id

    def can(self, *roles: str) -> bool:
        return self.role in roles or self.role == "admin"


def current_scope() -> Scope:
    """The tasks the logged-in user (web session or API) may see, worked out once per request."""
    if "scope" not in g:
        user = getattr(request, "api_user", None) or (current_user if current_user.is_authenticated else None)
        g.scope = scope_of(session(), session().get(m.User, user.user_id)) if user is not None else EVERYTHING
    return g.scope


def task_in_scope(task_id: int) -> m.Task:
    """The task, or 404 when there is none the user may see (another agency's task is not there
    for them)."""
    t = session().get(m.Task, task_id)
    if t is None or not current_scope().holds_task(t):
        abort(404)
    return t


@login_manager.user_loader
def load_user(token: str):
    db = session()
    row = db.scalar(select(m.UserSession).where(m.UserSession.token == token, m.UserSession.revoked_at.is_(None)))
    if row is None:
        return None
    user = db.get(m.User, row.user_id)
    return WebUser(user, token) if user else None


def start_session(db, user: m.User) -> WebUser:
    token = secrets.token_urlsafe(32)
    db.add(m.UserSession(token=token, user_id=user.id, address=client_address()))
    db.flush()
    return WebUser(user, token)


def revoke_sessions(db, user_id: int | None = None, token: str | None = None) -> None:
    stmt = update(m.UserSession).where(m.UserSession.revoked_at.is_(None))
    stmt = stmt.where(m.UserSession.token == token) if token else stmt.where(m.UserSession.user_id == user_id)
    db.execute(stmt.values(revoked_at=datetime.now(timezone.utc)))


def client_address() -> str:
    # behind a reverse proxy, configure werkzeug's ProxyFix so this is the client's address
    return request.remote_addr or "-"


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


_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))   # an unknown name is hashed against this


class Throttled(Exception):
    pass


def check_login(db, username: str, password: str) -> m.User | None:
    """The user if the password is right. Raises Throttled after too many failures for the
    account or the address, without looking at the password."""
    settings = current_app.config["DONDOC"]
    address = client_address()
    if throttle.blocked(db, settings, username, address):
        raise Throttled(throttle.message(settings))
    u = db.scalar(select(m.User).where(m.User.username == username))
    ok = check_password_hash(u.password_hash if u else _DUMMY_HASH, password)
    if u and ok:
        throttle.succeeded(db, settings, username)
        db.commit()
        return u
    throttle.failed(db, username, address)
    db.commit()
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        db = session()
        try:
            u = check_login(db, request.form.get("username", ""), request.form.get("password", ""))
        except Throttled as exc:
            flash(str(exc), "error")
            return render_template("login.html"), 429
        if u:
            login_user(start_session(db, u))
            db.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("reports.home"))
        flash("Sai tên đăng nhập hoặc mật khẩu.", "error")
    return render_template("login.html")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    db = session()
    revoke_sessions(db, token=current_user.get_id())
    db.commit()
    logout_user()
    return redirect(url_for("auth.login"))


# -- API tokens ----------------------------------------------------------------------------

def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db, user: m.User, name: str) -> str:
    """A new API token for `user`; the token itself is shown once and only its hash is kept."""
    token = "dd_" + secrets.token_urlsafe(32)
    db.add(m.ApiToken(user_id=user.id, name=name.strip()[:120] or "API", digest=token_digest(token), prefix=token[:10]))
    db.flush()
    return token


def token_user(db, token: str) -> WebUser | None:
    row = db.scalar(select(m.ApiToken).where(m.ApiToken.digest == token_digest(token), m.ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    row.last_used_at = datetime.now(timezone.utc)
    return WebUser(row.user)


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
    return render_template("users.html", users=rows, roles=ROLES,
                           tokens=db.scalars(select(m.ApiToken).order_by(m.ApiToken.id.desc())).all())


@bp.route("/admin/check")
@roles_required("admin")
def check_page():
    """The last run of `dondoc check` (daily by the scheduler, or from the command line)."""
    from ..check import last
    return render_template("check.html", job=last(current_app.config["DONDOC"]))


@bp.route("/admin/users/<int:user_id>/tokens", methods=["POST"])
@roles_required("admin")
def add_token(user_id: int):
    db = session()
    user = db.get(m.User, user_id) or abort(404)
    token = create_token(db, user, request.form.get("name", ""))
    db.commit()
    flash(f"Khóa API mới cho {user.username} (chỉ hiện một lần, hãy lưu lại): {token}", "ok")
    return redirect(url_for("auth.users"))


@bp.route("/admin/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_token(token_id: int):
    db = session()
    row = db.get(m.ApiToken, token_id) or abort(404)
    row.revoked_at = row.revoked_at or datetime.now(timezone.utc)
    db.commit()
    flash(f"Đã thu hồi khóa API {row.prefix}… của {row.user.username}.", "ok")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/sessions/revoke", methods=["POST"])
@roles_required("admin")
def revoke_user_sessions(user_id: int):
    db = session()
    user = db.get(m.User, user_id) or abort(404)
    revoke_sessions(db, user_id=user.id)
    db.commit()
    flash(f"Đã đăng xuất {user.username} khỏi mọi phiên.", "ok")
    return redirect(url_for("auth.users"))
