"""Following a confirmed task up: evidence with any status, no lost update on the task page and
the API, JSON errors under /api, exports as people use them, agencies by initialism."""
from __future__ import annotations

import base64
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.web import create_app
from dondoc.web.auth import create_user

from .conftest import CORPUS

SEED = CORPUS / "seeds" / "000_1480374bd54b458c.txt"          # 687/LĐTBXH-TTr
BASIC = {"Authorization": "Basic " + base64.b64encode(b"lanhdao:matkhau").decode()}


@pytest.fixture
def app(settings):
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(settings) as s:
        for name, role in (("vanthu", "clerk"), ("lanhdao", "manager"), ("lanhdao2", "manager"), ("quantri", "admin")):
            create_user(s, name, "matkhau", role)
    ingest_file(SEED, settings, confirm=True)
    return app


@pytest.fixture
def tid(settings):
    with session_scope(settings) as s:
        return s.scalar(select(m.Task.id).where(m.Task.text.like("Giao Sở LĐTBXH%")))


def login(client, name):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": name, "password": "matkhau", "csrf_token": token}).status_code == 302


def form(client, path, form_id):
    html = client.get(path).get_data(as_text=True)
    body = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="file"' not in tag and 'type="checkbox"' not in tag:
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = value.group(1) if value else ""
    for sel in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', sel.group(2)) or re.search(r'<option value="([^"]*)"', sel.group(2))
        data[sel.group(1)] = chosen.group(1) if chosen else ""
    return data


# -- evidence ------------------------------------------------------------------------------------

def test_two_evidence_files_are_kept_on_a_task_in_progress_under_their_names(app, settings, tid):
    c = app.test_client()
    login(c, "lanhdao")
    data = {**form(c, f"/tasks/{tid}", "status-form"), "status": "dang_thuc_hien", "evidence_note": "Báo cáo tiến độ tháng 10",
            "evidence_file": [(io.BytesIO(b"%PDF-1.4 tien do"), "Báo cáo tiến độ T10.pdf"),
                              (io.BytesIO(b"ket qua kiem tra"), "biên bản kiểm tra.docx")]}
    r = c.post(f"/tasks/{tid}/status", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        files = [e for e in t.evidence if e.filename]
        assert t.status == "dang_thuc_hien" and sorted(e.filename for e in files) == ["Báo cáo tiến độ T10.pdf", "biên bản kiểm tra.docx"]
        assert all(e.filename not in e.stored_path for e in files)
        first = next(e for e in files if e.filename.endswith(".pdf"))
    r = c.get(f"/tasks/{tid}/evidence/{first.id}")
    assert r.data == b"%PDF-1.4 tien do" and "B%C3%A1o%20c%C3%A1o%20ti%E1%BA%BFn%20%C4%91%E1%BB%99%20T10.pdf" in r.headers["Content-Disposition"]
    html = c.get(f"/tasks/{tid}").get_data(as_text=True)
    assert "Báo cáo tiến độ T10.pdf" in html and "biên bản kiểm tra.docx" in html and "Báo cáo tiến độ tháng 10" in html


def test_evidence_with_an_unchanged_status_is_added_not_discarded(app, settings, tid):
    c = app.test_client()
    login(c, "lanhdao")
    r = c.post(f"/tasks/{tid}/status", data={**form(c, f"/tasks/{tid}", "status-form"), "evidence_note": "Đã họp triển khai"},
               follow_redirects=True)
    assert "Đã thêm minh chứng" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert t.status == "chua_thuc_hien" and [e.note for e in t.evidence] == ["Đã họp triển khai"]


def test_removing_evidence_is_recorded_and_keeps_it(app, settings, tid):
    c = app.test_client()
    login(c, "lanhdao")
    c.post(f"/tasks/{tid}/status", data={**form(c, f"/tasks/{tid}", "status-form"), "evidence_note": "Bản nháp báo cáo"})
    with session_scope(settings) as s:
        eid = s.get(m.Task, tid).evidence[0].id
    r = c.post(f"/tasks/{tid}/evidence/{eid}/remove", data={**form(c, f"/tasks/{tid}", "status-form"), "reason": "nhầm văn bản"})
    assert r.status_code == 302
    with session_scope(settings) as s:
        e = s.get(m.Evidence, eid)
        assert (e.removed_by, e.removed_reason) == ("lanhdao", "nhầm văn bản")
        assert e.task.history[-1].field == "bỏ minh chứng"


def test_an_ingested_reply_is_linked_as_evidence_and_is_the_register_reply_number(app, settings, tid, tmp_path):
    reply = tmp_path / "bao-cao.txt"
    reply.write_text("UBND TỈNH THANH HÓA\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n\nSố: 1201/SLĐTBXH-TTr\n"
                     "V/v báo cáo kết quả thanh tra\n\nThanh Hóa, ngày 15 tháng 11 năm 2024\n\n"
                     "Kính gửi: Bộ Lao động - Thương binh và Xã hội\n\nSở báo cáo kết quả thanh tra.\n", encoding="utf-8")
    ingest_file(reply, settings, confirm=True)
    c = app.test_client()
    login(c, "lanhdao")
    data = {**form(c, f"/tasks/{tid}", "status-form"), "status": "hoan_thanh", "completed_on": "15/11/2024",
            "evidence_reply": "1201/SLĐTBXH-TTr"}
    assert c.post(f"/tasks/{tid}/status", data=data).status_code == 302
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert t.status == "hoan_thanh" and t.completed_on == date(2024, 11, 15)
        assert [e.dispatch.number for e in t.evidence] == ["1201/SLĐTBXH-TTr"]
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(c.get("/register/giai-quyet.xlsx").data)).active
    header = [x.value for x in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("Nhiệm vụ")].startswith("Giao Sở LĐTBXH"))
    assert row[header.index("Số, ký hiệu văn bản trả lời")] == "1201/SLĐTBXH-TTr"


def test_a_reply_that_was_never_received_is_an_error_beside_its_field(app, tid):
    c = app.test_client()
    login(c, "lanhdao")
    r = c.post(f"/tasks/{tid}/status", data={**form(c, f"/tasks/{tid}", "status-form"), "evidence_reply": "999/XYZ",
                                             "evidence_note": "ghi chú vẫn còn"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="evidence_reply-error"' in html and "ghi chú vẫn còn" in html


# -- no lost update on the task page ----------------------------------------------------------

def test_a_stale_task_page_does_not_revert_a_status(app, settings, tid):
    a, b = app.test_client(), app.test_client()
    login(a, "lanhdao")
    login(b, "lanhdao2")
    stale = form(a, f"/tasks/{tid}", "status-form")
    assert b.post(f"/tasks/{tid}/status", data={**form(b, f"/tasks/{tid}", "status-form"), "status": "dang_thuc_hien"}).status_code == 302
    r = a.post(f"/tasks/{tid}/status", data={**stale, "status": "hoan_thanh", "evidence_note": "Báo cáo số 5"})
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "lanhdao2" in html and "trạng thái: Chưa thực hiện → Đang thực hiện" in html
    assert "Báo cáo số 5" in html
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).status == "dang_thuc_hien"


def test_a_stale_extension_is_refused(app, settings, tid):
    a, b = app.test_client(), app.test_client()
    login(a, "lanhdao")
    login(b, "lanhdao2")
    stale = form(a, f"/tasks/{tid}", "extend-form")
    b.post(f"/tasks/{tid}/extend", data={**form(b, f"/tasks/{tid}", "extend-form"), "new_due": "15/12/2024", "extend_reason": "xin lùi"})
    r = a.post(f"/tasks/{tid}/extend", data={**stale, "new_due": "30/12/2024", "extend_reason": "lùi nữa"})
    assert r.status_code == 409 and 'value="30/12/2024"' in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).deadlines[0].due == date(2024, 12, 15)


# -- the API ------------------------------------------------------------------------------------

def test_the_api_sends_an_etag_and_refuses_a_stale_if_match_with_412(app, tid):
    c = app.test_client()
    r = c.get(f"/api/tasks/{tid}", headers=BASIC)
    tag = r.headers["ETag"]
    assert r.status_code == 200 and tag
    ok = c.patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien"}, headers={**BASIC, "If-Match": tag})
    assert ok.status_code == 200 and ok.headers["ETag"] != tag
    stale = c.patch(f"/api/tasks/{tid}", json={"status": "chua_thuc_hien"}, headers={**BASIC, "If-Match": tag})
    body = stale.get_json()
    assert stale.status_code == 412 and body["status"] == 412 and body["updated_by"] == "lanhdao"
    assert "trạng thái" in body["change"]


@pytest.mark.parametrize("method, path, headers, body, status", [
    ("get", "/api/tasks", {}, None, 401),
    ("get", "/api/tasks/999999", BASIC, None, 404),
    ("get", "/api/khong-co", BASIC, None, 404),
    ("get", "/api/tasks?due_from=ngay-mai", BASIC, None, 400),
    ("patch", "/api/tasks/{tid}", BASIC, {"status": "khong-co"}, 400),
    ("post", "/api/tasks", BASIC, None, 405),
])
def test_every_error_under_the_api_is_json(app, tid, method, path, headers, body, status):
    c = app.test_client()
    r = getattr(c, method)(path.format(tid=tid), headers=headers, json=body)
    assert r.status_code == status and r.is_json and r.get_json()["status"] == status and r.get_json()["error"]


def test_a_clerk_on_the_api_gets_403_as_json(app, tid):
    h = {"Authorization": "Basic " + base64.b64encode(b"vanthu:matkhau").decode()}
    r = app.test_client().patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien"}, headers=h)
    assert r.status_code == 403 and r.get_json()["status"] == 403


def test_the_review_queue_is_on_the_api_for_clerks_only(app, settings):
    ingest_file(CORPUS / "dev" / "016.txt", settings)
    clerk = {"Authorization": "Basic " + base64.b64encode(b"vanthu:matkhau").decode()}
    c = app.test_client()
    assert c.get("/api/tasks?review=pending", headers=clerk).get_json()["total"] == 3
    assert c.get("/api/tasks?review=pending", headers=BASIC).status_code == 403
    spec = c.get("/api/openapi.json").get_json()
    assert "412" in spec["paths"]["/api/tasks/{id}"]["patch"]["responses"]


# -- exports --------------------------------------------------------------------------------------

def test_excel_exports_have_real_dates_widths_a_bold_frozen_header_and_a_filter(app):
    from openpyxl import load_workbook
    c = app.test_client()
    login(c, "lanhdao")
    ws = load_workbook(io.BytesIO(c.get("/export.xlsx").data)).active
    header = [x.value for x in ws[1]]
    due = header.index("Hạn") + 1
    dated = next(r for r in ws.iter_rows(min_row=2) if r[due - 1].value is not None)[due - 1]
    assert isinstance(dated.value, date) and dated.number_format == "DD/MM/YYYY"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:") and ws["A1"].font.b
    assert ws.column_dimensions["G"].width >= 40


def test_an_export_honours_the_current_search(app):
    import csv
    c = app.test_client()
    login(c, "lanhdao")
    html = c.get("/search?q=b%C3%A1o+c%C3%A1o&agency=S%E1%BB%9F+L%C4%90TBXH").get_data(as_text=True)
    shown = int(re.search(r'id="total">(\d+) nhiệm vụ', html).group(1))
    link = re.search(r'href="(/export\.csv\?[^"]+)"', html).group(1).replace("&amp;", "&")
    rows = list(csv.reader(io.StringIO(c.get(link).get_data(as_text=True).lstrip("\ufeff"))))
    everything = c.get("/export.csv").get_data(as_text=True).lstrip("\ufeff").count("\n") - 1
    assert 0 < shown == len(rows) - 1 < everything


def test_csv_starts_with_a_byte_order_mark_and_writes_dates_the_vietnamese_way(app):
    c = app.test_client()
    login(c, "lanhdao")
    text = c.get("/export.csv").get_data(as_text=True)
    assert text.startswith("\ufeff") and "20/11/2024" in text and "2024-11-20" not in text


def test_the_incoming_register_has_its_columns_in_order_of_arrival_number(app, settings):
    from openpyxl import load_workbook
    ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings, confirm=True)
    c = app.test_client()
    login(c, "vanthu")
    ws = load_workbook(io.BytesIO(c.get("/register/den.xlsx").data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][:10]) == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản", "Tên loại và trích yếu",
                                  "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]
    assert [r[1] for r in rows[1:]] == [1, 2] and rows[1][3] == "687/LĐTBXH-TTr" and isinstance(rows[1][0], date)


# -- agencies by initialism ---------------------------------------------------------------------

def test_a_manager_finds_the_tasks_of_an_agency_by_its_initialism(app, settings):
    ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings, confirm=True)   # Sở LĐTBXH tasks
    c = app.test_client()
    login(c, "lanhdao")
    by_name = c.get("/search?agency=S%E1%BB%9F+L%C4%90TBXH").get_data(as_text=True)
    by_initialism = c.get("/search?agency=SL%C4%90TBXH").get_data(as_text=True)
    total = re.search(r'id="total">(\d+)', by_name).group(1)
    assert total != "0" and re.search(r'id="total">(\d+)', by_initialism).group(1) == total
    assert "Sở Lao động - Thương binh và Xã hội" in c.get("/agencies?q=SL%C4%90TBXH").get_data(as_text=True)


def test_nothing_matching_suggests_the_nearest_names(app):
    c = app.test_client()
    login(c, "lanhdao")
    html = c.get("/search?agency=S%E1%BB%9F+Lao+dong+thuong+binh").get_data(as_text=True)
    assert 'id="agency-suggest"' in html or 'id="agency-match"' in html
    html = c.get("/agencies?q=Bo+Y+tee").get_data(as_text=True)
    assert 'id="agency-suggest"' in html and "Bộ Y tế" in html


def test_a_stale_agency_form_is_refused_with_who_changed_it(app, settings):
    with session_scope(settings) as s:
        create_user(s, "quantri2", "matkhau", "admin")
        a = s.scalar(select(m.Agency).where(m.Agency.name == "Sở Lao động - Thương binh và Xã hội"))
        aid, version = a.id, a.version
    first, second = app.test_client(), app.test_client()
    login(first, "quantri")
    login(second, "quantri2")
    token = re.search(r'name="csrf_token" value="([^"]+)"', second.get(f"/agencies/{aid}").get_data(as_text=True)).group(1)
    assert second.post(f"/agencies/{aid}/recipients", data={"csrf_token": token, "version": version,
                                                           "emails": "so@example.vn"}).status_code == 302
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get(f"/agencies/{aid}").get_data(as_text=True)).group(1)
    r = first.post(f"/agencies/{aid}/recipients", data={"csrf_token": token, "version": version, "emails": "khac@example.vn"},
                   follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "quantri2" in html and "so@example.vn" in html and "Bạn đã nhập: khac@example.vn" in html
    with session_scope(settings) as s:
        assert s.get(m.Agency, aid).emails == ["so@example.vn"]
