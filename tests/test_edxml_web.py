"""An edXML message uploaded in the web app: a dispatch pending review, its envelope shown beside
what extraction read, confirmed with one click, and the sender told."""
from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest

from dondoc.edxml.parse import parse_status
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.web import create_app
from dondoc.web.auth import create_user

from . import edxml_messages as mk
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


def _form(page: str) -> dict:
    """What the browser sends from the review form as the page filled it in."""
    import html
    form = re.search(r'<form[^>]*id="review-form"[^>]*>(.*?)</form>', page, re.S).group(1)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    data |= {n: html.unescape(v) for n, v in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S)}
    data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return data


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
    r = c.post(f"/dispatches/{doc_id}/edit", data=_form(c.get(f"/dispatches/{doc_id}").get_data(as_text=True)) | {"confirm": "1"})
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
