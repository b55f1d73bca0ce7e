"""An edXML message uploaded in the web app: a dispatch pending review, its envelope shown beside
what extraction read, confirmed with one click, and the sender told."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest

from dondoc.edxml.parse import parse_status
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.tracking.books import incoming_rows
from dondoc.web import create_app
from dondoc.web.auth import create_user

from . import edxml_messages as mk
from .test_review import form_of
from .test_web import csrf, login

SEED = "seeds/000_1480374bd54b458c"


@pytest.fixture
def gateway(tmp_path):
    return tmp_path / "vxp-gui-di"


@pytest.fixture
def app(settings, gateway):
    settings = replace(settings, edxml_outbox=str(gateway))
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(settings) as s:
        create_user(s, "vanthu", "matkhau", "clerk")
    return app


def _message(**header) -> bytes:
    h = mk.from_gold(mk.CORPUS / f"{SEED}.gold.json", **header)
    return mk.qcvn(h, [mk.corpus_file(f"{SEED}.txt", "687-LDTBXH-TTr.txt")])


def _upload(c, data: bytes, name="goi-tin.edxml") -> int:
    token = csrf(c, "/upload")
    r = c.post("/upload", data={"files": (io.BytesIO(data), name), "csrf_token": token},
               content_type="multipart/form-data", headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.get_data(as_text=True)
    job = c.get(f"/upload/jobs?ids={r.get_json()['jobs'][0]}").get_json()["jobs"][0]
    assert job["status"] == "done", job
    return job["document_id"]


def _form(c, doc_id: int, form_id: str = "review-form") -> dict:
    """What the browser sends from a form of the review page as the page filled it in."""
    return form_of(c, f"/dispatches/{doc_id}", form_id)


def _told(gateway) -> dict:
    return {st.code: st for st in (parse_status(p.read_bytes()) for p in gateway.glob("*.edxml"))}


def test_an_uploaded_message_is_pending_review_with_its_envelope_beside_the_extraction(app):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message(subject="V/v thanh tra việc bảo vệ trẻ em năm 2024", priority="2"))
    page = c.get(f"/dispatches/{doc_id}").get_data(as_text=True)
    assert "Gói tin liên thông (edXML)" in page and "000.00.00.G13" in page
    assert '<dd class="urgency">thượng khẩn</dd>' in page and '<dd class="due">20/11/2024</dd>' in page
    row = re.search(r'<tr data-field="subject">(.*?)</tr>', page, re.S).group(1)
    assert "thanh tra việc bảo vệ trẻ em năm 2024" in row and "thanh tra, kiểm tra việc thực hiện" in row
    assert 'value="687/LĐTBXH-TTr"' in page
    assert "Lưu và xác nhận đưa vào theo dõi" in page


def test_one_click_confirms_it_and_the_sender_is_told(app, gateway):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message())
    r = c.post(f"/dispatches/{doc_id}/edit", data=_form(c, doc_id) | {"confirm": "1"})
    assert r.status_code == 302
    with session_scope(app.config["DONDOC"]) as s:
        d = s.get(m.Document, doc_id).dispatch
        assert d.confirmed and len(d.tasks) == 6 and d.number == "687/LĐTBXH-TTr"
    told = sorted(parse_status(p.read_bytes()).code for p in gateway.glob("*.edxml"))
    assert told == ["01", "03", "04"]
    page = c.get(f"/dispatches/{doc_id}").get_data(as_text=True)
    assert "Đã báo về nơi gửi" in page and "chờ gửi" not in page


def test_the_attachment_can_be_opened_from_the_review_page(app):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message())
    r = c.get(f"/dispatches/{doc_id}/children/0")
    assert r.status_code == 200 and r.data == (mk.CORPUS / f"{SEED}.txt").read_bytes()
    assert c.get(f"/dispatches/{doc_id}/children/5").status_code == 404


def test_a_truncated_upload_is_refused_with_the_reason(app):
    c = app.test_client()
    login(c, "vanthu")
    token = csrf(c, "/upload")
    data = _message()
    r = c.post("/upload", data={"files": (io.BytesIO(data[:2000]), "hong.edxml"), "csrf_token": token},
               content_type="multipart/form-data", headers={"X-CSRFToken": token})
    job = c.get(f"/upload/jobs?ids={r.get_json()['jobs'][0]}").get_json()["jobs"][0]
    assert job["status"] == "failed" and "cắt cụt" in job["message"]


@pytest.mark.ocr
def test_a_scanned_attachment_is_read_by_ocr_and_its_page_shown_at_review(app, generated):
    c = app.test_client()
    login(c, "vanthu")
    scan = generated["clean_scan"].read_bytes()
    doc_id = _upload(c, mk.qcvn(mk.from_gold(mk.CORPUS / f"{SEED}.gold.json"), [mk.File("ban-quet.png", scan, "image/png")]))
    with session_scope(app.config["DONDOC"]) as s:
        doc = s.get(m.Document, doc_id)
        assert [p.method for p in doc.pages] == ["ocr"] and "Lao động" in doc.pages[0].text
    r = c.get(f"/dispatches/{doc_id}/pages/1.png")
    assert r.status_code == 200 and r.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert c.get(f"/dispatches/{doc_id}/pages/2.png").status_code == 404


def test_an_unknown_sender_is_proposed_to_the_admin_and_the_priority_is_the_register_urgency(app, settings):
    from sqlalchemy import select
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message(sender_name="Ban Quản lý Khu công nghệ cao Hòa Lạc", sender_id="000.00.99.Z01",
                                 priority="3"))
    with session_scope(settings) as s:
        d = s.scalar(select(m.Dispatch).where(m.Dispatch.document_id == doc_id))
        p = s.scalar(select(m.AgencyProposal))
        assert d.urgency == "hoa_toc"
        assert (p.name, p.sources[0]["source"], p.sources[0]["detail"]) == ("Ban Quản lý Khu công nghệ cao Hòa Lạc", "edxml",
                                                                           "000.00.99.Z01")
        create_user(s, "quantri", "matkhau", "admin")
    admin = app.test_client()
    login(admin, "quantri")
    page = admin.get("/admin/agencies").get_data(as_text=True)
    assert "Ban Quản lý Khu công nghệ cao Hòa Lạc" in page and "gói tin edXML (000.00.99.Z01)" in page


def test_priority_and_due_date_are_proposed_at_review_and_kept_on_confirming(app):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message(priority="2", due="2024/11/20"))
    page = c.get(f"/dispatches/{doc_id}").get_data(as_text=True)
    assert '<option value="thuong_khan" selected>Thượng khẩn</option>' in page      # the register's độ khẩn
    assert '<dd class="due">20/11/2024</dd>' in page
    with session_scope(app.config["DONDOC"]) as s:
        d = s.get(m.Document, doc_id).dispatch
        from_envelope = {t.seq for t in d.tasks if any("DueDate" in (x.source or "") for x in t.deadlines)}
    assert from_envelope                       # tasks the text gives no time limit get the sender's
    r = c.post(f"/dispatches/{doc_id}/edit", data=_form(c, doc_id) | {"confirm": "1"})
    assert r.status_code == 302
    with session_scope(app.config["DONDOC"]) as s:
        d = s.get(m.Document, doc_id).dispatch
        assert d.confirmed and d.urgency == "thuong_khan" and d.due_date == date(2024, 11, 20)
        [row] = list(incoming_rows([d]))
        assert row[10] == "Thượng khẩn"        # Độ khẩn in the Sổ đăng ký văn bản đến
        for t in d.tasks:
            if t.seq in from_envelope:
                assert [x.due for x in t.deadlines] == [date(2024, 11, 20)]
    page = c.get(f"/dispatches/{doc_id}").get_data(as_text=True)
    assert '<dd class="due">20/11/2024</dd>' in page and '<option value="thuong_khan" selected>' in page


def test_the_clerk_may_register_another_urgency_than_the_envelope_proposes(app):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message(priority="3"))
    assert _form(c, doc_id)["urgency"] == "hoa_toc"
    c.post(f"/dispatches/{doc_id}/edit", data=_form(c, doc_id) | {"urgency": "khan", "confirm": "1"})
    with session_scope(app.config["DONDOC"]) as s:
        assert s.get(m.Document, doc_id).dispatch.urgency == "khan"


def test_a_refused_message_tells_its_sender_refused_with_the_reason(app, gateway):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message())
    assert sorted(_told(gateway)) == ["01"]
    r = c.post(f"/dispatches/{doc_id}/refuse", data=_form(c, doc_id, "refuse-form") | {"reason": "Gửi nhầm nơi nhận"})
    assert r.status_code == 302
    told = _told(gateway)
    assert sorted(told) == ["01", "02"]
    assert told["02"].description == "Từ chối tiếp nhận: Gửi nhầm nơi nhận"
    assert told["02"].response_for.document_id == "000.00.00.G13,2024/02/23,687/LĐTBXH-TTr"
    assert told["02"].response_for.organ_id == "000.00.00.G13"
    page = c.get(f"/dispatches/{doc_id}").get_data(as_text=True)
    assert "<code>02</code> Từ chối tiếp nhận: Gửi nhầm nơi nhận — đã ghi" in page


def test_a_refusal_taken_back_tells_the_sender_it_was_received_after_all(app, gateway):
    c = app.test_client()
    login(c, "vanthu")
    doc_id = _upload(c, _message())
    c.post(f"/dispatches/{doc_id}/refuse", data=_form(c, doc_id, "refuse-form") | {"reason": "nhầm"})
    c.post(f"/dispatches/{doc_id}/reopen", data=_form(c, doc_id, "reopen-form"))
    assert sorted(_told(gateway)) == ["01", "02"]       # back in review: nothing new to tell yet
    c.post(f"/dispatches/{doc_id}/edit", data=_form(c, doc_id) | {"confirm": "1"})
    assert sorted(_told(gateway)) == ["01", "02", "03", "04"]
    assert 'id="refuse-form"' not in c.get(f"/dispatches/{doc_id}").get_data(as_text=True)
    c.post(f"/dispatches/{doc_id}/refuse", data={"version": _form(c, doc_id)["version"], "reason": "x",
                                                 "csrf_token": _form(c, doc_id)["csrf_token"]})
    assert len(list(gateway.glob("*.edxml"))) == 4      # under tracking it cannot be refused: nothing told
