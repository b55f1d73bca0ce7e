"""The domain model on the pages: the admin's working-day calendar, a suspended task."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dondoc.domain import ReportClass, Status
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.tracking.workdays import working_calendar

from . import test_web
from .test_web import csrf, first_task_id, login

app = test_web.app       # the web tests' fixture: an app with a clerk, a manager, an admin and one dispatch


def test_the_calendar_page_shows_tet_and_the_swapped_saturdays(app):
    c = app.test_client()
    login(c, "quantri")
    html = c.get("/admin/calendar?year=2024").get_data(as_text=True)
    assert "10/02/2024 — Tết Nguyên Đán" in html and "04/05/2024" in html


def test_an_admin_enters_a_day_off_and_every_count_of_working_days_reads_it(app, settings):
    c = app.test_client()
    login(c, "quantri")
    r = c.post("/admin/calendar", data={"day": "2025-06-02", "kind": "off", "note": "Nghỉ bù theo Quyết định 12/QĐ-UBND",
                                        "csrf_token": csrf(c, "/admin/calendar")}, follow_redirects=True)
    assert "Nghỉ bù theo Quyết định 12/QĐ-UBND" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert working_calendar(s).why_off(date(2025, 6, 2)) == "Nghỉ bù theo Quyết định 12/QĐ-UBND"
    c.post("/admin/calendar/2025-06-02/delete", data={"csrf_token": csrf(c, "/admin/calendar")})
    with session_scope(settings) as s:
        assert working_calendar(s).is_working_day(date(2025, 6, 2))


def test_a_bad_day_is_refused_with_a_message_and_nothing_is_kept(app, settings):
    c = app.test_client()
    login(c, "quantri")
    r = c.post("/admin/calendar", data={"day": "31/02/2025", "kind": "off", "csrf_token": csrf(c, "/admin/calendar")},
               follow_redirects=True)
    assert "không có ngày 31/02/2025" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert s.scalars(select(m.CalendarDay)).all() == []


def test_only_an_admin_edits_the_calendar(app):
    c = app.test_client()
    login(c, "lanhdao")
    assert c.get("/admin/calendar").status_code == 403


def test_a_suspended_task_needs_a_reason_and_is_counted_apart(app, settings):
    c = app.test_client()
    token = login(c, "lanhdao")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    r = c.post(f"/tasks/{tid}/status", data={"status": Status.SUSPENDED, "csrf_token": token}, follow_redirects=True)
    assert "cần nêu lý do tạm dừng" in r.get_data(as_text=True)
    r = c.post(f"/tasks/{tid}/status", data={"status": Status.SUSPENDED, "reason": "chờ Bộ hướng dẫn", "csrf_token": token},
               follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Tạm dừng" in html and "chờ Bộ hướng dẫn" in html
    data = c.get("/dashboard.json").get_json()
    assert data["classes"][ReportClass.SUSPENDED] == 1
