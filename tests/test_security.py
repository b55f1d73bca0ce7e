"""Hostile users (issue #12): stored scripts, off-site redirects, cookies kept after logout,
password guessing, timing, CSRF on the API, API tokens, and the headers on every response."""
from __future__ import annotations

import re
import statistics
import time

import pytest
from sqlalchemy import select

from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.web import create_app
from dondoc.web.security import safe_next

from . import test_web

app = test_web.app          # the web tests' app fixture: three users, one confirmed seed


def token_of(client, path="/login"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, name, password="matkhau", next_=None):
    token = token_of(client)
    url = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"username": name, "password": password, "csrf_token": token})


def first_task_id(settings):
    with session_scope(settings) as s:
        return s.scalar(select(m.Task.id).order_by(m.Task.id))


def test_a_text_file_of_html_is_downloaded_never_rendered(app, settings, tmp_path):
    """Finding 1: a .txt holding HTML came back from /original as text/html, inline, and ran."""
    f = tmp_path / "bao-cao.txt"
    f.write_text("<html><body><script>fetch('/api/tasks').then(r=>r.text()).then(alert)</script>"
                 "Kính gửi: Sở Tư pháp. Sở Tư pháp báo cáo trước ngày 20/5/2024.</body></html>", encoding="utf-8")
    doc = ingest_file(f, settings).document_id
    c = app.test_client()
    login(c, "lanhdao")
    r = c.get(f"/dispatches/{doc}/original")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.mimetype != "text/html" and r.mimetype == "text/plain"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r.headers["Content-Security-Policy"]


def test_every_page_carries_the_security_headers(app, settings):
    c = app.test_client()
    pages = ["/login", "/static/app.css", "/api/openapi.json", "/nowhere"]
    login(c, "quantri")
    pages += ["/dashboard", "/search?q=tre+em", "/agencies", "/dispatches", "/dispatches/1", "/upload",
              "/admin/users", "/admin/agencies", f"/tasks/{first_task_id(settings)}", "/api/tasks", "/export.csv"]
    for path in pages:
        h = c.get(path).headers
        csp = h.get("Content-Security-Policy", "")
        assert h.get("X-Content-Type-Options") == "nosniff", path
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, path
        assert "script-src 'self'" in csp or "default-src 'none'" in csp, path
        assert h.get("Referrer-Policy") and h.get("X-Frame-Options") == "DENY", path


def test_no_template_has_an_inline_script_or_style():
    from pathlib import Path
    import dondoc.web
    for t in (Path(dondoc.web.__file__).parent / "templates").glob("*.html"):
        html = t.read_text(encoding="utf-8")
        for m_ in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
            attrs, body = m_.groups()
            assert "src=" in attrs or 'type="application/json"' in attrs, t.name   # data, never code
        assert "<style" not in html and " style=" not in html, t.name
        assert not re.search(r"\son[a-z]+=", html), t.name


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
                                    "/%0a/evil.example", "javascript:alert(1)", "/\t/evil.example"])
def test_next_never_leads_off_the_site(app, target):
    """Finding 5: `next=/%09/host` redirected off-site."""
    c = app.test_client()
    r = login(c, "lanhdao", next_=target)
    assert r.status_code == 302
    assert r.headers["Location"] in ("/", "/dashboard") or r.headers["Location"].endswith("/")


def test_next_inside_the_site_is_kept(app):
    c = app.test_client()
    r = login(c, "lanhdao", next_="/agencies")
    assert r.headers["Location"].endswith("/agencies")
    assert safe_next("/search?q=a") == "/search?q=a" and safe_next("/%09/x") is None


def test_a_session_cookie_is_dead_after_logout(app):
    """Finding 5: a cookie copied before logout still worked afterwards."""
    c = app.test_client()
    login(c, "lanhdao")
    stolen = c.get_cookie("session").value
    assert c.get("/dashboard").status_code == 200
    c.post("/logout", data={"csrf_token": token_of(c, "/dashboard")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/dashboard").status_code == 302          # back to the login page
    assert thief.get("/api/tasks").status_code == 401


def test_an_admin_ends_every_session_of_a_user(app, settings):
    c = app.test_client()
    login(c, "lanhdao")
    admin = app.test_client()
    login(admin, "quantri")
    with session_scope(settings) as s:
        uid = s.scalar(select(m.User.id).where(m.User.username == "lanhdao"))
    admin.post(f"/admin/users/{uid}/sessions/revoke", data={"csrf_token": token_of(admin, "/admin/users")})
    assert c.get("/dashboard").status_code == 302


def test_password_guessing_is_throttled_per_account(app):
    """Finding 5: 200 wrong passwords met no throttle."""
    c = app.test_client()
    for _ in range(5):
        assert login(c, "lanhdao", "sai").status_code == 200
    r = login(c, "lanhdao", "matkhau")            # even the right password waits now
    assert r.status_code == 429 and "thử lại sau" in r.get_data(as_text=True)
    assert login(c, "vanthu").status_code == 302   # other accounts from this address still may


def test_password_guessing_is_throttled_per_address_across_accounts(app, settings):
    c = app.test_client()
    for i in range(settings.login_address_limit):
        login(c, f"khong-co-{i}", "sai")
    assert login(c, "vanthu").status_code == 429


def test_the_throttle_is_shared_by_web_processes(app, settings):
    """Counted in the database: a second app (another web process) sees the same failures."""
    c = app.test_client()
    for _ in range(5):
        login(c, "lanhdao", "sai")
    other = create_app(settings, {"TESTING": True}).test_client()
    assert login(other, "lanhdao").status_code == 429


def test_api_basic_auth_is_throttled_too(app):
    import base64
    c = app.test_client()
    bad = {"Authorization": "Basic " + base64.b64encode(b"lanhdao:sai").decode()}
    for _ in range(5):
        assert c.get("/api/tasks", headers=bad).status_code == 401
    good = {"Authorization": "Basic " + base64.b64encode(b"lanhdao:matkhau").decode()}
    assert c.get("/api/tasks", headers=good).status_code == 429


def test_an_unknown_user_costs_as_much_as_a_wrong_password(app):
    """Finding 5: an unknown user answered in 7 ms, a known one in 283 ms."""
    c = app.test_client()

    def timed(name):
        t = time.perf_counter()
        login(c, name, "sai")
        return time.perf_counter() - t
    known, unknown = [], []
    for _ in range(4):                       # interleaved, so a busy machine slows both alike
        known.append(timed("lanhdao"))
        unknown.append(timed(f"khong-ai-{len(unknown)}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert ratio > 0.4, (unknown, known)     # it was 7 ms against 283 ms: a ratio of 0.025


def test_an_api_write_with_the_cookie_session_needs_the_csrf_token(app, settings):
    """Finding 6: the API took a cookie session for writes without CSRF."""
    c = app.test_client()
    login(c, "lanhdao")
    tid = first_task_id(settings)
    r = c.patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien", "reason": "x"})
    assert r.status_code == 400 and "CSRF" in r.get_json()["error"]
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/dashboard").get_data(as_text=True)).group(1)
    r = c.patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien", "reason": "x"}, headers={"X-CSRFToken": token})
    assert r.status_code == 200
    assert c.get("/api/tasks").status_code == 200           # reading needs no token


def test_an_api_token_works_until_an_admin_revokes_it(app, settings):
    admin = app.test_client()
    login(admin, "quantri")
    with session_scope(settings) as s:
        uid = s.scalar(select(m.User.id).where(m.User.username == "lanhdao"))
    r = admin.post(f"/admin/users/{uid}/tokens", data={"name": "phần mềm một cửa", "csrf_token": token_of(admin, "/admin/users")},
                   follow_redirects=True)
    token = re.search(r"(dd_[A-Za-z0-9_-]+)", r.get_data(as_text=True)).group(1)
    other = app.test_client()
    h = {"Authorization": f"Bearer {token}"}
    tid = first_task_id(settings)
    assert other.get("/api/tasks", headers=h).status_code == 200
    assert other.patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien", "reason": "x"}, headers=h).status_code == 200
    with session_scope(settings) as s:
        row = s.scalar(select(m.ApiToken))
        assert row.digest != token and row.last_used_at is not None     # only the hash is kept
        tok_id = row.id
    admin.post(f"/admin/tokens/{tok_id}/revoke", data={"csrf_token": token_of(admin, "/admin/users")})
    assert other.get("/api/tasks", headers=h).status_code == 401
