"""Review states, the register, no lost update, Vietnamese input, and agency proposals, through
Flask's test client on real corpus dispatches."""
from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from sqlalchemy import select

from dondoc import agency_proposals
from dondoc.domain import Review
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.web import create_app
from dondoc.web.auth import create_user

from .conftest import CORPUS

SEED = CORPUS / "seeds" / "000_1480374bd54b458c.txt"          # 687/LĐTBXH-TTr, six tasks
RECURRING = CORPUS / "seeds" / "001_e16342c4faedd0ca.txt"     # 546/SLĐTBXH-TEBĐG


@pytest.fixture
def app(settings):
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(settings) as s:
        for name, role in (("vanthu", "clerk"), ("vanthu2", "clerk"), ("lanhdao", "manager"), ("quantri", "admin")):
            create_user(s, name, "matkhau", role)
    return app


@pytest.fixture
def pending(settings):
    """The seed dispatch, read and waiting for review: its document id."""
    return ingest_file(SEED, settings).document_id


def login(client, name):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": name, "password": "matkhau", "csrf_token": token}).status_code == 302


def form_of(client, path, form_id="review-form"):
    """The fields of a form on a page, as a browser would post them untouched."""
    html = client.get(path).get_data(as_text=True)
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    data = {}
    for tag in re.finditer(r'<input[^>]*>', form):
        t = tag.group(0)
        name = re.search(r'name="([^"]+)"', t)
        if not name or 'type="checkbox"' in t or 'type="file"' in t:
            continue
        value = re.search(r'value="([^"]*)"', t)
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for ta in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[ta.group(1)] = unescape(ta.group(2))
    for sel in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', sel.group(2)) or re.search(r'<option value="([^"]*)"', sel.group(2))
        data[sel.group(1)] = chosen.group(1) if chosen else ""
    return data


def unescape(s):
    import html
    return html.unescape(s)


def task_of(settings, doc_id, startswith):
    with session_scope(settings) as s:
        d = s.scalar(select(m.Dispatch).where(m.Dispatch.document_id == doc_id))
        return next(t.id for t in d.tasks if t.text.startswith(startswith))


def dispatch_of(s, doc_id) -> m.Dispatch:
    return s.scalar(select(m.Dispatch).where(m.Dispatch.document_id == doc_id))


# -- review states --------------------------------------------------------------------------

def test_a_dispatch_read_waits_for_review(settings, pending):
    with session_scope(settings) as s:
        d = dispatch_of(s, pending)
        assert d.review == Review.PENDING and d.arrival_number is None and not d.confirmed


def test_pending_tasks_are_no_obligation_anywhere_a_manager_looks(app, settings, pending):
    c = app.test_client()
    login(c, "lanhdao")
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    assert re.search(r'id="total">0 nhiệm vụ', c.get("/search?agency=S%E1%BB%9F+L%C4%90TBXH").get_data(as_text=True))
    assert c.get("/dashboard.json").get_json()["total"] == 0
    assert c.get("/api/tasks").get_json()["total"] == 0
    assert "Sở Lao động" not in c.get("/agencies").get_data(as_text=True)
    assert c.get("/export.csv").get_data(as_text=True).count("\n") == 1          # the header only
    page = c.get(f"/tasks/{tid}").get_data(as_text=True)
    assert "chờ soát xét" in page and 'id="status-form"' not in page
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = c.post(f"/tasks/{tid}/status", data={"csrf_token": token, "status": "dang_thuc_hien"})
    assert r.status_code == 409
    h = {"Authorization": "Basic " + base64.b64encode(b"lanhdao:matkhau").decode()}
    r = c.patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien"}, headers=h)
    assert r.status_code == 409 and "chưa được xác nhận" in r.get_json()["error"]
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).status == "chua_thuc_hien"


def test_confirming_makes_the_tasks_obligations_and_gives_the_next_arrival_number(app, settings, pending):
    ingest_file(RECURRING, settings, confirm=True)                              # số đến 1 of this year
    c = app.test_client()
    login(c, "vanthu")
    data = form_of(c, f"/dispatches/{pending}")
    r = c.post(f"/dispatches/{pending}/edit", data={**data, "confirm": "1"}, follow_redirects=True)
    assert "số đến 2/" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        d = dispatch_of(s, pending)
        assert d.review == Review.CONFIRMED and d.arrival_number == 2 and d.arrival_year == date.today().year
        assert d.reviewed_by == "vanthu" and d.history[-1].field == "soát xét"
    login(c, "lanhdao")
    assert c.get("/api/tasks?agency=S%E1%BB%9F+L%C4%90TBXH").get_json()["total"] >= 1


def test_a_number_the_clerk_gives_is_kept_and_one_given_already_is_refused(app, settings, pending):
    first = ingest_file(RECURRING, settings).document_id
    c = app.test_client()
    login(c, "vanthu")
    r = c.post(f"/dispatches/{first}/edit", data={**form_of(c, f"/dispatches/{first}"), "arrival_number": "120", "confirm": "1"})
    assert r.status_code == 302
    r = c.post(f"/dispatches/{pending}/edit", data={**form_of(c, f"/dispatches/{pending}"), "arrival_number": "120", "confirm": "1"})
    assert r.status_code == 422 and "đã cấp cho văn bản 546/SLĐTBXH-TEBĐG" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert dispatch_of(s, first).arrival_number == 120 and dispatch_of(s, pending).review == Review.PENDING


def test_a_refused_dispatch_needs_a_reason_and_can_come_back(app, settings, pending):
    c = app.test_client()
    login(c, "vanthu")
    form = form_of(c, f"/dispatches/{pending}", "refuse-form")
    r = c.post(f"/dispatches/{pending}/refuse", data={**form, "reason": " "}, follow_redirects=True)
    assert "cần nêu lý do từ chối" in r.get_data(as_text=True)
    c.post(f"/dispatches/{pending}/refuse", data={**form, "reason": "bản trùng với công văn đã nhận"})
    with session_scope(settings) as s:
        d = dispatch_of(s, pending)
        assert d.review == Review.REFUSED and d.refusal_reason == "bản trùng với công văn đã nhận"
    c.post(f"/dispatches/{pending}/reopen", data=form_of(c, f"/dispatches/{pending}", "reopen-form"))
    with session_scope(settings) as s:
        assert dispatch_of(s, pending).review == Review.PENDING


def test_a_clerk_lands_on_the_review_queue_oldest_first_with_its_count(app, settings, pending):
    later = ingest_file(RECURRING, settings).document_id
    ingest_file(CORPUS / "dev" / "016.txt", settings, confirm=True)
    c = app.test_client()
    login(c, "vanthu")
    r = c.get("/")
    assert r.status_code == 302 and "review=pending" in r.headers["Location"]
    html = c.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="queue-count">2<' in html and "Hàng chờ soát xét" in html
    order = [int(x) for x in re.findall(r'/dispatches/(\d+)"', html)]
    assert order == [pending, later]


def test_the_dispatch_list_filters_searches_and_pages(app, settings, pending, monkeypatch):
    from dondoc.web import dispatches
    monkeypatch.setattr(dispatches, "PAGE_SIZE", 1)
    ingest_file(RECURRING, settings, confirm=True)
    c = app.test_client()
    login(c, "lanhdao")
    html = c.get("/dispatches?review=confirmed").get_data(as_text=True)
    assert "546/SLĐTBXH-TEBĐG" in html and "687/LĐTBXH-TTr" not in html
    html = c.get("/dispatches?q=cao+bang").get_data(as_text=True)
    assert "687/LĐTBXH-TTr" in html and 'id="dispatch-total">1 văn bản' in html
    html = c.get("/dispatches").get_data(as_text=True)
    assert "trang 1/2" in html and 'id="next-page"' in html


# -- Vietnamese input, kept on error -----------------------------------------------------------

def test_a_deadline_typed_the_vietnamese_way_is_saved(app, settings, pending):
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    c = app.test_client()
    login(c, "vanthu")
    r = c.post(f"/dispatches/{pending}/edit", data={**form_of(c, f"/dispatches/{pending}"), f"t{tid}_deadlines": "10/7/2026"})
    assert r.status_code == 302
    with session_scope(settings) as s:
        assert [d.due for d in s.get(m.Task, tid).deadlines] == [date(2026, 7, 10)]
    assert 'value="10/07/2026"' in c.get(f"/dispatches/{pending}").get_data(as_text=True)


def test_a_bad_date_is_shown_beside_its_field_and_keeps_every_other_edit(app, settings, pending):
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    c = app.test_client()
    login(c, "vanthu")
    data = {**form_of(c, f"/dispatches/{pending}"), f"t{tid}_deadlines": "31/02/2026", "subject": "Trích yếu đã sửa",
            f"t{tid}_text": "Nội dung đã sửa của nhiệm vụ", "handler_person": "Nguyễn Văn A"}
    r = c.post(f"/dispatches/{pending}/edit", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(rf'name="t{tid}_deadlines"[^>]*aria-invalid="true"', html) or f'aria-describedby="t{tid}_deadlines-error"' in html
    assert f'id="t{tid}_deadlines-error"' in html and "không có ngày 31/02/2026" in html
    assert "Trích yếu đã sửa" in html and "Nội dung đã sửa của nhiệm vụ" in html and 'value="Nguyễn Văn A"' in html
    with session_scope(settings) as s:
        assert dispatch_of(s, pending).subject != "Trích yếu đã sửa"


# -- no lost update ----------------------------------------------------------------------------

def test_a_stale_review_tab_is_refused_with_who_changed_what_and_when(app, settings, pending):
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    a, b = app.test_client(), app.test_client()
    login(a, "vanthu")
    login(b, "vanthu2")
    stale = form_of(a, f"/dispatches/{pending}")
    fresh = form_of(b, f"/dispatches/{pending}")
    assert b.post(f"/dispatches/{pending}/edit", data={**fresh, f"t{tid}_lead": "Sở Tư pháp"}).status_code == 302
    r = a.post(f"/dispatches/{pending}/edit", data={**stale, f"t{tid}_text": "Bản sửa của tab cũ"})
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "vanthu2" in html and "chủ trì: Sở Lao động - Thương binh và Xã hội → Sở Tư pháp" in html
    assert re.search(r"lúc \d\d:\d\d \d\d/\d\d/\d{4}", html) and "Bản sửa của tab cũ" in html
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert t.names("lead") == ["Sở Tư pháp"] and t.text != "Bản sửa của tab cũ"


def test_a_stale_tab_saving_another_task_does_not_conflict(app, settings, pending):
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    other = task_of(settings, pending, "Nội dung thanh tra")
    a, b = app.test_client(), app.test_client()
    login(a, "vanthu")
    login(b, "vanthu2")
    stale = form_of(a, f"/dispatches/{pending}")
    b.post(f"/dispatches/{pending}/edit", data={**form_of(b, f"/dispatches/{pending}"), f"t{tid}_lead": "Sở Tư pháp"})
    r = a.post(f"/dispatches/{pending}/edit", data={**stale, f"t{other}_support": "Sở Nội vụ"})
    assert r.status_code == 302
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).names("lead") == ["Sở Tư pháp"]          # not put back by the stale tab
        assert s.get(m.Task, other).names("support") == ["Sở Nội vụ"]


# -- after confirmation, through tracking --------------------------------------------------------

def test_after_confirmation_a_deadline_change_is_an_extension_with_its_reason(app, settings):
    doc = ingest_file(SEED, settings, confirm=True).document_id
    tid = task_of(settings, doc, "Giao Sở LĐTBXH")
    c = app.test_client()
    login(c, "vanthu")
    data = {**form_of(c, f"/dispatches/{doc}"), f"t{tid}_deadlines": "30/11/2024"}
    r = c.post(f"/dispatches/{doc}/edit", data=data)
    assert r.status_code == 422 and "cần nêu lý do" in r.get_data(as_text=True)
    r = c.post(f"/dispatches/{doc}/edit", data={**data, f"t{tid}_reason": "Bộ đồng ý lùi hạn"})
    assert r.status_code == 302
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert (t.deadlines[0].due, t.deadlines[0].original_due) == (date(2024, 11, 30), date(2024, 11, 20))
        assert (t.history[-1].field, t.history[-1].reason) == ("gia hạn", "Bộ đồng ý lùi hạn")


def test_after_confirmation_tasks_are_not_merged_or_deleted_here(app, settings):
    doc = ingest_file(SEED, settings, confirm=True).document_id
    tid = task_of(settings, doc, "Giao Sở LĐTBXH")
    c = app.test_client()
    login(c, "vanthu")
    r = c.post(f"/dispatches/{doc}/edit", data={**form_of(c, f"/dispatches/{doc}"), f"t{tid}_delete": "1"})
    assert r.status_code == 422 and "không xóa, gộp hay tách" in r.get_data(as_text=True)
    with session_scope(settings) as s:
        assert s.get(m.Task, tid) is not None


def test_merging_keeps_both_tasks_deadlines_and_agencies(app, settings):
    doc = ingest_file(RECURRING, settings).document_id
    with session_scope(settings) as s:
        tasks = dispatch_of(s, doc).tasks
        second = next(i for i, t in enumerate(tasks) if t.deadlines and i > 0)
        prev, t = tasks[second - 1], tasks[second]
        want_dues = {x.due for x in prev.deadlines + t.deadlines}
        want_agencies = {(x.agency.name, x.role) for x in prev.agencies + t.agencies}
        prev_id, tid = prev.id, t.id
    c = app.test_client()
    login(c, "vanthu")
    assert c.post(f"/dispatches/{doc}/edit", data={**form_of(c, f"/dispatches/{doc}"), f"t{tid}_merge": "1"}).status_code == 302
    with session_scope(settings) as s:
        merged = s.get(m.Task, prev_id)
        assert s.get(m.Task, tid) is None
        assert {x.due for x in merged.deadlines} == want_dues
        assert {(x.agency.name, x.role) for x in merged.agencies} == want_agencies


# -- agencies typed and proposed -------------------------------------------------------------

def test_a_lead_the_list_does_not_know_is_kept_as_typed_and_proposed(app, settings, pending):
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    c = app.test_client()
    login(c, "vanthu")
    typed = "Phó Thủ tướng Thường trực Chính phủ"
    c.post(f"/dispatches/{pending}/edit", data={**form_of(c, f"/dispatches/{pending}"), f"t{tid}_lead": typed})
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).names("lead") == [typed]
        p = s.scalar(select(m.AgencyProposal))
        assert (p.name, p.state, p.sources[0]["source"], p.sources[0]["detail"]) == (typed, "pending", "clerk", "vanthu")
    assert "chưa có trong danh mục" in c.get(f"/dispatches/{pending}").get_data(as_text=True)
    login(c, "quantri")
    assert typed in c.get("/admin/agencies").get_data(as_text=True)


def _proposed(settings, pending, typed="Ban Chỉ đạo 35 tỉnh"):
    tid = task_of(settings, pending, "Giao Sở LĐTBXH")
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        from dondoc.pipeline import agency_for
        a = agency_for(s, typed)
        t.agencies.append(m.TaskAgency(agency=a, role="support"))
        p = agency_proposals.propose(s, typed, agency_proposals.Source.EXTRACTION, detail="687.txt",
                                     dispatch_id=t.dispatch_id, agency=a)
        return tid, p.id


def test_an_accepted_proposal_joins_the_list_and_extraction_learns_it(app, settings, pending):
    tid, pid = _proposed(settings, pending)
    c = app.test_client()
    login(c, "quantri")
    html = c.get("/admin/agencies").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    c.post(f"/admin/agencies/proposals/{pid}/accept", data={"csrf_token": token})
    with session_scope(settings) as s:
        assert s.get(m.AgencyProposal, pid).state == "accepted"
        from dondoc.extraction import local_agency_names
    assert ("Ban Chỉ đạo 35 tỉnh", "Ban Chỉ đạo 35 tỉnh") in local_agency_names(settings)


def test_a_merged_proposal_moves_its_tasks_to_the_agency_it_names(app, settings, pending):
    tid, pid = _proposed(settings, pending, "Sở LĐ-TB và XH Thanh Hóa")
    c = app.test_client()
    login(c, "quantri")
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/admin/agencies").get_data(as_text=True)).group(1)
    c.post(f"/admin/agencies/proposals/{pid}/merge", data={"csrf_token": token, "target": "Sở Tư pháp"})
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert "Sở Tư pháp" in t.names("support") and "Sở LĐ-TB và XH Thanh Hóa" not in t.names("support")
        assert s.get(m.AgencyProposal, pid).state == "merged" and t.history[-1].reason.startswith("gộp")
        alias = s.scalar(select(m.AgencyAlias).where(m.AgencyAlias.alias == "Sở LĐ-TB và XH Thanh Hóa"))
        assert alias.agency.name == "Sở Tư pháp" and alias.local


def test_a_rejected_proposal_leaves_every_task_and_is_not_attached_again(app, settings, pending):
    motto = "Độc lập - Tự do - Hạnh phúc"
    tid, pid = _proposed(settings, pending, motto)
    c = app.test_client()
    login(c, "quantri")
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/admin/agencies").get_data(as_text=True)).group(1)
    c.post(f"/admin/agencies/proposals/{pid}/reject", data={"csrf_token": token})
    with session_scope(settings) as s:
        t = s.get(m.Task, tid)
        assert motto not in t.names("support") and t.history[-1].field == "phối hợp"
        assert s.scalar(select(m.Agency).where(m.Agency.name == motto)) is None
        assert agency_proposals.rejected(s, [motto, "Sở Tư pháp"]) == {motto}


def test_extraction_proposes_the_bodies_it_does_not_know(settings):
    from dondoc.nlp.extract import extract
    from dondoc.pipeline import store_record
    rec = extract(SEED.read_text(encoding="utf-8"))
    rec.tasks[0].support.append("Ban Quản lý khu kinh tế cửa khẩu")
    rec.proposed_agencies = ["Ban Quản lý khu kinh tế cửa khẩu"]
    with session_scope(settings) as s:
        doc = m.Document(sha256="x" * 64, filename="687.txt", mime="text/plain", kind="text", size=1, stored_path="-")
        s.add(doc)
        store_record(s, doc, rec)
        s.flush()
        p = s.scalar(select(m.AgencyProposal))
        assert (p.name, p.sources[0]["source"], p.agency.name) == ("Ban Quản lý khu kinh tế cửa khẩu", "extraction",
                                                                   "Ban Quản lý khu kinh tế cửa khẩu")


# -- the review page shows what extraction stored ---------------------------------------------

def test_the_review_page_marks_what_extraction_stored_without_rerunning_it(app, settings, pending, monkeypatch):
    from dondoc.nlp import spacy_rules
    monkeypatch.setattr(spacy_rules, "pipeline", lambda *a, **k: pytest.fail("the review page ran spaCy"))
    with session_scope(settings) as s:
        d = dispatch_of(s, pending)
        marks = [x for x in d.marks if x[2] == "deadline"]
        assert marks and d.text[marks[0][0]:marks[0][1]]
    c = app.test_client()
    login(c, "vanthu")
    html = c.get(f"/dispatches/{pending}").get_data(as_text=True)
    assert html.count('<mark class="deadline" title=') == len(marks) and 'title="20/11/2024"' in html
    assert '<mark class="agency" title="Sở Lao động - Thương binh và Xã hội">' in html


def test_the_least_certain_tasks_can_come_first(app, settings, pending):
    with session_scope(settings) as s:
        tasks = dispatch_of(s, pending).tasks
        for t, conf in zip(tasks, (0.9, 0.4, 0.95, 0.7, 1.0, 0.5)):
            t.confidence = conf
        t.lead_source, t.reason = "recipients", "câu mở đầu bằng động từ chỉ đạo"
        want = [t.id for t in sorted(tasks, key=lambda t: t.confidence)]
    c = app.test_client()
    login(c, "vanthu")
    html = c.get(f"/dispatches/{pending}?order=confidence").get_data(as_text=True)
    assert [int(x) for x in re.findall(r'id="task-(\d+)"', html)] == want
    assert "40% chắc chắn" in html and "nơi nhận (Kính gửi)" in html and "câu mở đầu bằng động từ chỉ đạo" in html


def test_a_number_read_from_the_incoming_stamp_is_proposed_and_kept_on_confirming(app, settings, pending):
    with session_scope(settings) as s:
        doc = s.get(m.Document, pending)
        doc.meta = {"stamp": {"number": "347", "date": "2026-11-28"}}
    c = app.test_client()
    login(c, "vanthu")
    html = c.get(f"/dispatches/{pending}").get_data(as_text=True)
    assert 'name="arrival_number" value="347"' in html and "dấu “Đến”" in html and 'value="28/11/2026"' in html
    c.post(f"/dispatches/{pending}/edit", data={**form_of(c, f"/dispatches/{pending}"), "confirm": "1"})
    with session_scope(settings) as s:
        d = dispatch_of(s, pending)
        assert (d.arrival_number, d.arrival_date, d.arrival_year) == (347, date(2026, 11, 28), 2026)
