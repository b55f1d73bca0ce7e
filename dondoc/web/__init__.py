"""The Flask app: factory, extensions and blueprints (as in Flask's own tutorial)."""
from __future__ import annotations

import logging
import os
import secrets

from flask import Flask, jsonify, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from .. import config, logs
from ..storage.db import upgrade

log = logging.getLogger(__name__)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập."


def _secret(settings: config.Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if not path.exists():
        # written aside, then linked into place: of several web processes starting at once on a
        # new data folder, one key wins and every process reads it (a cookie signed by one
        # process must be good on the others)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        aside = settings.data_dir / f".secret_key.{os.getpid()}"
        aside.write_text(secrets.token_hex(32))
        aside.chmod(0o600)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text().strip()


def create_app(settings: config.Settings | None = None, test_config: dict | None = None) -> Flask:
    settings = settings or config.load()
    logs.setup(settings, console=False)      # `dondoc serve` set up the terminal already
    upgrade(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret(settings),
        DONDOC=settings,
        MAX_CONTENT_LENGTH=settings.max_file_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # served over HTTPS (as the configured address says): cookies never travel in clear
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        REMEMBER_COOKIE_SECURE=settings.base_url.startswith("https://"),
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        HUEY_IMMEDIATE=False,
    )
    if test_config:
        app.config.update(test_config)
    csrf.init_app(app)
    login_manager.init_app(app)
    from . import security
    security.init_app(app)
    from . import db
    app.teardown_appcontext(db.close)
    from ..jobs.worker import Worker
    # uploads are read by a worker, never in the request; under HUEY_IMMEDIATE (tests) at once
    app.extensions["worker"] = Worker(settings, immediate=app.config["HUEY_IMMEDIATE"])
    from . import api, auth, dispatches, gazetteer, reports, tasks, workdays
    for bp in (auth.bp, dispatches.bp, tasks.bp, reports.bp, gazetteer.bp, workdays.bp, api.bp):
        app.register_blueprint(bp)
    csrf.exempt(api.bp)

    def error_page(message: str, code: int):
        """Under /api every error is JSON; elsewhere a page in Vietnamese."""
        if request.path.startswith("/api/") or request.path == "/api":
            return jsonify(error=message, status=code), code
        return render_template("error.html", message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        if request.path.startswith("/api/"):
            return error_page("Thiếu hoặc sai mã CSRF (tiêu đề X-CSRFToken) cho thao tác ghi bằng phiên đăng nhập.", 400)
        return error_page("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Vui lòng tải lại trang.", 400)

    @app.errorhandler(413)
    def too_large(e):
        return error_page(f"Tệp quá lớn: tối đa {settings.max_file_mb} MB.", 413)

    @app.errorhandler(HTTPException)
    def http_error(e):
        messages = {400: "Yêu cầu không hợp lệ.", 401: "Cần đăng nhập.", 403: "Bạn không có quyền thực hiện thao tác này.",
                    404: "Không tìm thấy.", 405: "Phương thức không được hỗ trợ ở địa chỉ này.",
                    409: "Xung đột với trạng thái hiện tại.", 412: "Dữ liệu đã thay đổi từ khi bạn đọc.",
                    415: "Kiểu nội dung không được hỗ trợ."}
        return error_page(messages.get(e.code or 500, e.description or "Lỗi."), e.code or 500)

    @app.errorhandler(Exception)
    def server_error(e):
        if isinstance(e, HTTPException):
            return http_error(e)
        log.error("unhandled error on %s", request.path, exc_info=e)
        return error_page("Lỗi hệ thống; thao tác chưa được thực hiện. Vui lòng thử lại hoặc báo quản trị.", 500)

    from ..domain import CLASS_LABELS, DUE_SOON_LABEL, STATUS_LABELS, ReportClass, Status
    app.jinja_env.globals.update(STATUS_LABELS=STATUS_LABELS, CLASS_LABELS=CLASS_LABELS, DUE_SOON_LABEL=DUE_SOON_LABEL,
                                 Status=Status, ReportClass=ReportClass)
    _vietnamese_pages(app, settings)
    return app


# where a task's lead was read from, as the review page says it
LEAD_SOURCE_LABELS = {"explicit": "ghi rõ trong câu", "subject": "chủ ngữ của câu", "heading": "đề mục phía trên",
                      "table": "cột chủ trì của bảng", "recipients": "nơi nhận (Kính gửi)", "issuer": "cơ quan ban hành"}


def _vietnamese_pages(app: Flask, settings: config.Settings) -> None:
    """Dates as dd/mm/yyyy and times in the office's zone on every page; the words of the review
    states and the register; the clerk's review queue count in the menu."""
    from flask_login import current_user

    from ..domain import REVIEW_LABELS
    from ..domain.register import SECRECY_LABELS, URGENCY_LABELS
    from .forms import vndate, vndates, vntime
    app.jinja_env.filters["vndate"] = vndate
    app.jinja_env.filters["vndates"] = vndates
    app.jinja_env.filters["vntime"] = lambda v: vntime(v, settings.timezone)
    app.jinja_env.globals.update(REVIEW_LABELS=REVIEW_LABELS, URGENCY_LABELS=URGENCY_LABELS,
                                 SECRECY_LABELS=SECRECY_LABELS, LEAD_SOURCE_LABELS=LEAD_SOURCE_LABELS)

    @app.context_processor
    def review_queue():
        if not current_user.is_authenticated or not current_user.can("clerk"):
            return {}
        from ..tracking.register import pending_count
        from .db import session
        return {"review_queue": pending_count(session())}
