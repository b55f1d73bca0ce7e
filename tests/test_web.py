"""The web app through Flask's test client: pages, roles, CSRF, uploads, escaping, tracking."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from dondoc.domain import Status
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.web import create_app
from dondoc.web.auth import create_user

from .conftest import CORPUS

pytestmark = pytest.mark.both_databases


@pytest.fixture
def app(settings):
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(settings) as s:
        for name, role in (("vanthu", "clerk"), ("lanhdao", "manager"), ("quantri", "admin")):
            create_user(s, name, "matkhau", role)
    ingest_file(CORPUS / "seeds" / "000_1480374bd54b458c.txt", settings, confirm=True)
    return app


def login(client, name):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": name, "password": "matkhau", "csrf_token": token})
    assert r.status_code == 302
    return token


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def first_task_id(settings, startswith):
    with session_scope(settings) as s:
        return s.scalar(select(m.Task.id).where(m.Task.text.like(startswith + "%")))


def test_pages_need_a_login(app):
    c = app.test_client()
    assert c.get("/dashboard").status_code == 302
    assert c.get("/api/tasks").status_code == 401


def test_every_main_page_renders_in_vietnamese(app, settings):
    c = app.test_client()
    login(c, "quantri")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    for path in ("/dashboard", "/search?q=tre+em", "/agencies", "/dispatches", "/dispatches/1", f"/tasks/{tid}", "/upload", "/admin/users", "/admin/agencies"):
        r = c.get(path)
        assert r.status_code == 200, path
        assert 'lang="vi"' in r.get_data(as_text=True)


def test_review_page_marks_tasks_agencies_and_deadlines(app):
    c = app.test_client()
    login(c, "vanthu")
    html = c.get("/dispatches/1").get_data(as_text=True)
    assert '<span class="task"' in html and '<mark class="agency"' in html and '<mark class="deadline"' in html


def test_html_in_a_dispatch_is_shown_as_text(app, settings, tmp_path):
    f = tmp_path / "xss.txt"
    f.write_text("Kính gửi: Sở Tư pháp\n\n1. Sở Tư pháp báo cáo <script>alert(1)</script> trước ngày 20/5/2024.\n", encoding="utf-8")
    out = ingest_file(f, settings)
    c = app.test_client()
    login(c, "vanthu")
    html = c.get(f"/dispatches/{out.document_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_clerk_cannot_update_status_and_sees_no_status_form(app, settings):
    c = app.test_client()
    login(c, "vanthu")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    assert "status-form" not in c.get(f"/tasks/{tid}").get_data(as_text=True)
    token = csrf(c, f"/tasks/{tid}")
    r = c.post(f"/tasks/{tid}/status", data={"status": Status.IN_PROGRESS, "csrf_token": token})
    assert r.status_code == 403


def test_a_manager_cannot_upload_or_edit_a_dispatch(app):
    c = app.test_client()
    login(c, "lanhdao")
    assert c.get("/upload").status_code == 403
    assert 'name="confirm"' not in c.get("/dispatches/1").get_data(as_text=True)


def test_only_an_admin_manages_users(app):
    c = app.test_client()
    login(c, "lanhdao")
    assert c.get("/admin/users").status_code == 403


def test_a_form_without_csrf_token_is_rejected(app, settings):
    c = app.test_client()
    login(c, "lanhdao")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    r = c.post(f"/tasks/{tid}/status", data={"status": Status.IN_PROGRESS})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)


def test_upload_runs_in_the_worker_and_is_stored_under_a_generated_name(app, settings):
    c = app.test_client()
    token = login(c, "vanthu")
    data = {"csrf_token": token, "files": (io.BytesIO((CORPUS / "dev" / "016.txt").read_bytes()), "cong van 172.txt")}
    r = c.post("/upload", data=data, content_type="multipart/form-data")
    assert r.status_code == 200
    job = r.get_json()["jobs"][0]
    state = c.get(f"/upload/jobs?ids={job}").get_json()["jobs"][0]
    assert state["status"] == "done" and state["document_id"]
    with session_scope(settings) as s:
        j = s.get(m.Job, job)
        assert "cong van" not in j.stored_path and j.stored_path.startswith("uploads/")
        assert s.get(m.Document, state["document_id"]).filename == "cong van 172.txt"


def test_wrong_type_upload_is_refused(app):
    c = app.test_client()
    token = login(c, "vanthu")
    r = c.post("/upload", data={"csrf_token": token, "files": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")}, content_type="multipart/form-data")
    assert r.status_code == 400 and "không được hỗ trợ" in r.get_json()["refused"][0]["error"]


def test_oversize_upload_is_refused(settings):
    from dondoc import config
    small = config.load(data_dir=settings.data_dir, max_file_mb=1)
    app = create_app(small, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(small) as s:
        create_user(s, "vanthu", "matkhau", "clerk")
    c = app.test_client()
    token = login(c, "vanthu")
    r = c.post("/upload", data={"csrf_token": token, "files": (io.BytesIO(b"a" * (2 * 1024 * 1024)), "lon.txt")}, content_type="multipart/form-data")
    assert r.status_code == 413 and "quá lớn" in r.get_data(as_text=True)


def test_correcting_a_deadline_before_confirming_is_kept_in_the_history(app, settings):
    doc = ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings).document_id
    with session_scope(settings) as s:
        t = s.scalar(select(m.Task).where(m.Task.text.like("Thực hiện đầy đủ chế độ thông tin%")))
        tid = t.id
    c = app.test_client()
    login(c, "vanthu")
    token = csrf(c, f"/dispatches/{doc}")
    r = c.post(f"/dispatches/{doc}/edit", data={"csrf_token": token, f"t{tid}_deadlines": "30/11/2024", "confirm": "1"})
    assert r.status_code == 302
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert [d.due for d in t.deadlines] == [date(2024, 11, 30)] and t.corrected and t.dispatch.confirmed
        assert t.history[-1].field == "hạn" and t.history[-1].old == "20/05/2020, 15/11/2020"


def test_a_bad_correction_changes_nothing(app, settings):
    c = app.test_client()
    login(c, "vanthu")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    token = csrf(c, "/dispatches/1")
    r = c.post("/dispatches/1/edit", data={"csrf_token": token, f"t{tid}_deadlines": "30/11", "number": "SAI"})
    assert r.status_code == 422 and "Chưa lưu" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).dispatch.number == "687/LĐTBXH-TTr"


def test_completing_asks_for_evidence_then_records_who_when_what_why(app, settings):
    c = app.test_client()
    login(c, "lanhdao")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    token = csrf(c, f"/tasks/{tid}")
    r = c.post(f"/tasks/{tid}/status", data={"csrf_token": token, "status": Status.DONE}, follow_redirects=True)
    assert "cần minh chứng" in r.get_data(as_text=True)
    r = c.post(f"/tasks/{tid}/status", data={"csrf_token": token, "status": Status.DONE, "completed_on": "2024-11-15",
                                             "evidence_note": "Báo cáo số 12/BC-SLĐTBXH", "reason": "đã nhận báo cáo",
                                             "evidence_file": (io.BytesIO(b"%PDF-1.4 bao cao"), "baocao.pdf")},
               content_type="multipart/form-data", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in html and "lanhdao" in html and "đã nhận báo cáo" in html
    assert c.get(f"/tasks/{tid}/evidence").status_code == 200


def test_extension_keeps_the_original_date(app, settings):
    c = app.test_client()
    login(c, "lanhdao")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    with session_scope(settings) as s:
        did = s.get(m.Task, tid).deadlines[0].id
    token = csrf(c, f"/tasks/{tid}")
    c.post(f"/tasks/{tid}/extend", data={"csrf_token": token, "deadline_id": did, "new_due": "2024-12-15", "reason": "Sở xin gia hạn"})
    with session_scope(settings) as s:
        d = s.get(m.Deadline, did)
        assert (d.due, d.original_due) == (date(2024, 12, 15), date(2024, 11, 20))


def test_search_page_finds_by_agency_alias_with_facets(app):
    c = app.test_client()
    login(c, "lanhdao")
    html = c.get("/search?agency=S%E1%BB%9F+L%C4%90TBXH").get_data(as_text=True)
    assert re.search(r'id="total">(\d+) nhiệm vụ', html).group(1) != "0"
    assert "Sở Lao động - Thương binh và Xã hội" in html


def test_only_confirmed_dispatches_are_under_tracking(app, settings):
    ingest_file(CORPUS / "dev" / "016.txt", settings)          # not confirmed yet
    c = app.test_client()
    login(c, "lanhdao")
    total = c.get("/dashboard.json").get_json()["total"]
    with session_scope(settings) as s:
        confirmed = s.scalar(select(m.Dispatch).where(m.Dispatch.number == "687/LĐTBXH-TTr"))
        assert total == len(confirmed.tasks)


def test_exports_hold_every_tracked_task_once(app, monkeypatch):
    import csv as csvlib
    from dondoc.tracking import books
    monkeypatch.setattr(books, "BATCH", 2)                   # several batches even for a small register
    c = app.test_client()
    login(c, "lanhdao")
    total = c.get("/dashboard.json").get_json()["total"]
    csv = c.get("/export.csv")
    rows = list(csvlib.reader(io.StringIO(csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert csv.status_code == 200 and rows[0][2] == "Số ký hiệu"
    ids = [r[0] for r in rows[1:]]
    assert len(ids) == len(set(ids)) == total > 2
    xlsx = c.get("/export.xlsx")
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws.cell(1, 3).value == "Số ký hiệu" and ws.max_row == total + 1


def test_api_with_basic_auth_and_openapi(app, settings):
    import base64
    c = app.test_client()
    h = {"Authorization": "Basic " + base64.b64encode(b"lanhdao:matkhau").decode()}
    r = c.get("/api/tasks?agency=S%E1%BB%9F+T%C6%B0+ph%C3%A1p", headers=h)
    assert r.status_code == 200 and "facets" in r.get_json()
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    r = c.patch(f"/api/tasks/{tid}", json={"status": Status.IN_PROGRESS, "reason": "đã giao chuyên viên"}, headers=h)
    assert r.status_code == 200 and r.get_json()["status"] == Status.IN_PROGRESS
    spec = c.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/tasks/{id}" in spec["paths"]


def test_api_status_update_needs_a_manager(app, settings):
    import base64
    c = app.test_client()
    h = {"Authorization": "Basic " + base64.b64encode(b"vanthu:matkhau").decode()}
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    assert c.patch(f"/api/tasks/{tid}", json={"status": Status.IN_PROGRESS}, headers=h).status_code == 403


def test_each_period_of_a_recurring_report_is_tracked_on_its_own(app, settings):
    out = ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings, confirm=True)
    with session_scope(settings) as s:
        t = s.scalar(select(m.Task).where(m.Task.text.like("Thực hiện đầy đủ chế độ thông tin%")))
        tid, first, second = t.id, t.deadlines[0].id, t.deadlines[1].id
        assert [d.due for d in t.deadlines] == [date(2020, 5, 20), date(2020, 11, 15)]
    c = app.test_client()
    login(c, "lanhdao")
    token = csrf(c, f"/tasks/{tid}")
    c.post(f"/tasks/{tid}/occurrences/{first}", data={"csrf_token": token, "done_on": "2020-05-18", "note": "Báo cáo 6 tháng số 45/BC"})
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert t.status == Status.IN_PROGRESS and s.get(m.Deadline, first).done_on == date(2020, 5, 18)
    c.post(f"/tasks/{tid}/occurrences/{second}", data={"csrf_token": token, "done_on": "2020-11-20", "note": "Báo cáo năm số 99/BC"})
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert t.status == Status.DONE and t.completed_on == date(2020, 11, 20)
    html = c.get(f"/tasks/{tid}").get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in html and "Hoàn thành quá hạn" in html   # the first period on time, the second late
    del out


def test_a_dispatch_citing_a_tracked_one_is_proposed_as_evidence(app, settings, tmp_path):
    reply = tmp_path / "bao-cao.txt"
    reply.write_text(
        "UBND TỈNH THANH HÓA\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n\nSố: 1201/SLĐTBXH-TTr\n"
        "V/v báo cáo kết quả thanh tra\n\nThanh Hóa, ngày 15 tháng 11 năm 2024\n\n"
        "Kính gửi: Bộ Lao động - Thương binh và Xã hội\n\n"
        "Thực hiện Công văn số 687/LĐTBXH-TTr ngày 23/02/2024 của Bộ Lao động - Thương binh và Xã hội, "
        "Sở Lao động - Thương binh và Xã hội báo cáo kết quả thanh tra như sau.\n", encoding="utf-8")
    ingest_file(reply, settings)
    c = app.test_client()
    login(c, "lanhdao")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    html = c.get(f"/tasks/{tid}").get_data(as_text=True)
    assert "Văn bản có thể là minh chứng" in html and "1201/SLĐTBXH-TTr" in html


def test_the_database_classifies_tasks_as_the_domain_rule_does(app, settings):
    """report.classified (SQL, for pages over thousands of tasks) == domain.classify (one task),
    on a real dispatch's tasks put in every class."""
    from dondoc.domain import ALL_CLASSES, classify
    from dondoc.tracking.report import classified
    ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings, confirm=True)
    today = date(2020, 12, 1)
    with session_scope(settings) as s:
        tasks = s.scalars(select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id).where(m.Dispatch.number == "546/SLĐTBXH-TEBĐG")).all()
        undated = [t for t in tasks if not t.deadlines]
        undated[0].status, undated[0].completed_on = Status.DONE, date(2020, 5, 1)                  # no deadline, done
        year_end = next(t for t in tasks if [d.due for d in t.deadlines] == [date(2020, 12, 31)])
        year_end.status, year_end.completed_on = Status.DONE, date(2020, 11, 5)                     # on time
        for t, due in zip(undated[1:4], (date(2020, 6, 30), date(2020, 10, 1), date(2021, 3, 1))):
            t.deadlines.append(m.Deadline(due=due, original_due=due, source="thử", kind="absolute"))
        undated[1].status, undated[1].completed_on = Status.DONE, date(2020, 7, 5)                  # late
        undated[2].status, undated[2].status_reason = Status.SUSPENDED, "chờ hướng dẫn của Bộ"     # apart
        recurring = next(t for t in tasks if len(t.deadlines) == 2)
        recurring.deadlines[0].done_on = date(2020, 5, 19)                                          # 2nd period overdue
        s.flush()
        c = classified(today)
        sql_cls = dict(s.execute(select(c.c.task_id, c.c.cls)).all())
        all_tasks = s.scalars(select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id).where(m.Dispatch.confirmed)).all()
        assert {t.id: classify(t, today) for t in all_tasks} == sql_cls
        assert set(sql_cls.values()) == set(ALL_CLASSES)


def test_an_agency_board_counts_and_lists_its_lead_tasks_by_class(app, settings):
    from collections import Counter

    from dondoc.domain import classify, current_due
    from dondoc.tracking.report import agency_board
    ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings, confirm=True)
    today = date(2020, 12, 1)
    with session_scope(settings) as s:
        # the letter's addressees lead its tasks, some dated, some not
        agency = s.scalar(select(m.Agency).where(m.Agency.name == "Ủy ban nhân dân các huyện, thị xã, thành phố"))
        mine = [t for t in s.scalars(select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id).where(m.Dispatch.confirmed))
                if agency.name in t.names("lead")]
        board = agency_board(s, today, agency.id, soon_days=30, limit=3)
        assert board.counts == dict(Counter(classify(t, today) for t in mine)) and len(mine) >= 3
        for cls, items in board.lists.items():
            assert all(classify(t, today) == cls for t, _ in items) and len(items) == min(3, board.counts.get(cls, 0))
            dues = [d for _, d in items]
            assert [d for d in dues if d] == sorted(d for d in dues if d) and dues[:len([d for d in dues if d])] == [d for d in dues if d]
        assert all(today <= d <= date(2020, 12, 31) and current_due(t.deadlines) == d for t, d in board.upcoming)


# -- the office's own agency names (admins) ---------------------------------------------------

def test_an_agency_added_by_an_admin_is_found_in_dispatches_ingested_afterwards(app, settings, tmp_path):
    f = tmp_path / "bqlda.txt"
    f.write_text("Kính gửi: Các sở, ban, ngành tỉnh\n\n1. Giao BQLDA chủ trì, phối hợp với Sở Tài chính "
                 "hoàn thành quyết toán dự án trước ngày 30/6/2025.\n", encoding="utf-8")   # written for the test
    c = app.test_client()
    login(c, "quantri")
    r = c.post("/admin/agencies", data={"name": "Ban Quản lý dự án đầu tư xây dựng tỉnh", "aliases": "BQLDA",
                                        "csrf_token": csrf(c, "/admin/agencies")})
    assert r.status_code == 302
    assert "BQLDA" in c.get("/admin/agencies?q=bqlda").get_data(as_text=True)
    out = ingest_file(f, settings)
    with session_scope(settings) as s:
        task = s.scalar(select(m.Task).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id).where(m.Dispatch.document_id == out.document_id))
        assert task.names("lead") == ["Ban Quản lý dự án đầu tư xây dựng tỉnh"] and task.names("support") == ["Sở Tài chính"]


def test_a_clerk_may_write_an_abbreviation_the_admin_added(app, settings):
    c = app.test_client()
    login(c, "quantri")
    c.post("/admin/agencies", data={"name": "Ban Quản lý dự án đầu tư xây dựng tỉnh", "aliases": "BQLDA",
                                    "csrf_token": csrf(c, "/admin/agencies")})
    c = app.test_client()
    login(c, "vanthu")
    tid = first_task_id(settings, "Giao Sở LĐTBXH")
    r = c.post("/dispatches/1/edit", data={"csrf_token": csrf(c, "/dispatches/1"), f"t{tid}_lead": "BQLDA"})
    assert r.status_code == 302
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).names("lead") == ["Ban Quản lý dự án đầu tư xây dựng tỉnh"]


def test_a_name_the_packaged_list_gives_another_agency_is_refused(app, settings):
    c = app.test_client()
    login(c, "quantri")
    r = c.post("/admin/agencies", data={"name": "Ban Chỉ đạo phong trào thi đua", "aliases": "Sở LĐTBXH",
                                        "csrf_token": csrf(c, "/admin/agencies")}, follow_redirects=True)
    assert "đã có trong danh mục chuẩn" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert s.scalar(select(m.Agency).where(m.Agency.name == "Ban Chỉ đạo phong trào thi đua")) is None


def test_only_names_an_admin_added_can_be_removed(app, settings):
    c = app.test_client()
    login(c, "quantri")
    with session_scope(settings) as s:
        a = s.scalar(select(m.Agency).where(m.Agency.name == "Sở Lao động - Thương binh và Xã hội"))
        aid, own = a.id, a.aliases[0].id
    c.post(f"/admin/agencies/{aid}/aliases", data={"aliases": "SLĐ-TB&XH", "csrf_token": csrf(c, "/admin/agencies")})
    with session_scope(settings) as s:
        added = s.scalar(select(m.AgencyAlias).where(m.AgencyAlias.alias == "SLĐ-TB&XH"))
        assert added.local and added.agency_id == aid
        added_id = added.id
    r = c.post(f"/admin/agencies/{aid}/aliases/{own}/delete", data={"csrf_token": csrf(c, "/admin/agencies")}, follow_redirects=True)
    assert "Chỉ xóa được tên gọi do quản trị thêm" in r.get_data(as_text=True)
    c.post(f"/admin/agencies/{aid}/aliases/{added_id}/delete", data={"csrf_token": csrf(c, "/admin/agencies")})
    with session_scope(settings) as s:
        assert s.get(m.AgencyAlias, added_id) is None and s.get(m.AgencyAlias, own) is not None


@pytest.mark.parametrize("who", ["vanthu", "lanhdao"])
def test_only_admins_edit_the_agency_list(app, who):
    c = app.test_client()
    login(c, who)
    assert c.get("/admin/agencies").status_code == 403
    token = csrf(c, "/dashboard")
    assert c.post("/admin/agencies", data={"name": "Cơ quan thử", "csrf_token": token}).status_code == 403


def test_the_command_line_refuses_a_short_password_with_a_message(settings):
    from click.testing import CliRunner

    from dondoc.cli import main
    r = CliRunner().invoke(main, ["user", "add", "thu", "--role", "admin", "--password", "a"])
    assert r.exit_code == 1 and "mật khẩu quá ngắn" in r.output and "Traceback" not in r.output
