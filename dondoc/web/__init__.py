"""The Flask app: factory, extensions and blueprints (as in Flask's own tutorial)."""
from __future__ import annotations

import secrets

from flask import Flask, jsonify, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from .. import config, logs
from ..storage.db import upgrade

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập."


def _secret(settings: config.Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
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

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        if request.path.startswith("/api/"):
            return jsonify(error="Thiếu hoặc sai mã CSRF (tiêu đề X-CSRFToken) cho thao tác ghi bằng phiên đăng nhập."), 400
        return render_template("error.html", message="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Vui lòng tải lại trang."), 400

    @app.errorhandler(413)
    def too_large(e):
        return render_template("error.html", message=f"Tệp quá lớn: tối đa {settings.max_file_mb} MB."), 413

    @app.errorhandler(403)
    def forbidden(e):
        return render_template("error.html", message="Bạn không có quyền thực hiện thao tác này."), 403

    @app.errorhandler(404)
    def not_found(e):
        return render_template("error.html", message="Không tìm thấy trang."), 404

    from ..domain import CLASS_LABELS, DUE_SOON_LABEL, STATUS_LABELS, ReportClass, Status
    app.jinja_env.globals.update(STATUS_LABELS=STATUS_LABELS, CLASS_LABELS=CLASS_LABELS, DUE_SOON_LABEL=DUE_SOON_LABEL,
                                 Status=Status, ReportClass=ReportClass)
    return app
