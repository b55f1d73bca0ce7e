"""Agencies as tenants: a cán bộ đơn vị sees and updates the tasks their agency leads or supports,
and nothing else — in pages, the API, exports, digests and calendars; the office's managers see
everything."""
from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.tracking.scope import AGENCY_STAFF, scope_of
from dondoc.web import create_app
from dondoc.web.auth import create_user

from .conftest import CORPUS
from .test_web import csrf, login

pytestmark = pytest.mark.both_databases

LDTBXH = "Sở Lao động - Thương binh và Xã hội"


@pytest.fixture
def app(settings, tmp_path):
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    ingest_file(CORPUS / "seeds" / "000_1480374bd54b458c.txt", settings, confirm=True)
    ingest_file(CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", settings, confirm=True)
    support = tmp_path / "phoi-hop.txt"      # written for the test: the Sở LĐTBXH only supports this one
    support.write_text("Kính gửi: Sở Tư pháp\n\n1. Giao Sở Tư pháp chủ trì, phối hợp với Sở Lao động - Thương binh và Xã hội "
                       "rà soát các văn bản quy phạm pháp luật về trẻ em, báo cáo trước ngày 30/6/2025.\n", encoding="utf-8")
    ingest_file(support, settings, confirm=True)
    with session_scope(settings) as s:
        ld = s.scalar(select(m.Agency).where(m.Agency.name == LDTBXH))
        tp = s.scalar(select(m.Agency).where(m.Agency.name == "Sở Tư pháp"))
        create_user(s, "lanhdao", "matkhau", "manager")
        create_user(s, "canbo", "matkhau", AGENCY_STAFF, "canbo@example.vn", agency_id=ld.id)
        create_user(s, "tuphap", "matkhau", AGENCY_STAFF, agency_id=tp.id)
    return app


def ids_of(settings, agency: str | None = None) -> set[int]:
    """The tasks the agency leads or supports (all tasks without one)."""
    with session_scope(settings) as s:
        stmt = select(m.Task.id)
        if agency:
            stmt = stmt.join(m.TaskAgency).join(m.Agency).where(m.Agency.name == agency)
        return set(s.scalars(stmt))


def other_task(settings) -> int:
    """A task the Sở LĐTBXH neither leads nor supports."""
    return min(ids_of(settings) - ids_of(settings, LDTBXH))


def own_task(settings, text: str) -> int:
    with session_scope(settings) as s:
        return s.scalar(select(m.Task.id).where(m.Task.text.like(text + "%")))


def basic(name):
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:matkhau".encode()).decode()}


def test_search_shows_agency_staff_only_what_their_agency_leads_or_supports(app, settings):
    c = app.test_client()
    mine = ids_of(settings, LDTBXH)
    res = c.get("/api/tasks?per_page=100", headers=basic("canbo")).get_json()
    assert {h["id"] for h in res["hits"]} == mine and res["total"] == len(mine)
    assert any(LDTBXH in h["fields"]["support"] for h in res["hits"])          # the supported task too
    everyone = c.get("/api/tasks?q=tr%E1%BA%BB+em&per_page=100", headers=basic("lanhdao")).get_json()
    login(c, "canbo")
    html = c.get("/search?q=tr%E1%BA%BB+em").get_data(as_text=True)
    assert int(re.search(r'id="total">(\d+) nhiệm vụ', html).group(1)) == len({h["id"] for h in everyone["hits"]} & mine) > 0


def test_managers_see_every_task(app, settings):
    res = app.test_client().get("/api/tasks?per_page=100", headers=basic("lanhdao")).get_json()
    assert res["total"] == len(ids_of(settings))


def test_another_agencys_task_is_not_there_for_them(app, settings):
    c = app.test_client()
    tid = other_task(settings)
    assert c.get(f"/api/tasks/{tid}", headers=basic("canbo")).status_code == 404
    assert c.patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien"}, headers=basic("canbo")).status_code == 404
    login(c, "canbo")
    assert c.get(f"/tasks/{tid}").status_code == 404
    token = csrf(c, "/dashboard")
    assert c.post(f"/tasks/{tid}/status", data={"csrf_token": token, "status": "dang_thuc_hien"}).status_code == 404
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).status == "chua_thuc_hien"


def test_agency_staff_complete_their_task_with_evidence(app, settings):
    tid = own_task(settings, "Giao Sở LĐTBXH đầu mối")
    c = app.test_client()
    login(c, "canbo")
    r = c.post(f"/tasks/{tid}/status", data={"csrf_token": csrf(c, f"/tasks/{tid}"), "status": "hoan_thanh",
                                             "completed_on": "2024-11-18", "evidence_note": "Báo cáo số 15/BC-SLĐTBXH",
                                             "evidence_file": (io.BytesIO(b"%PDF-1.4 bao cao"), "baocao.pdf")},
               content_type="multipart/form-data", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in html and "canbo" in html
    assert c.get(f"/tasks/{tid}/evidence").status_code == 200


def test_agency_staff_update_a_task_they_only_support_through_the_api(app, settings):
    tid = own_task(settings, "Giao Sở Tư pháp chủ trì")
    r = app.test_client().patch(f"/api/tasks/{tid}", json={"status": "dang_thuc_hien", "reason": "đã cử cán bộ phối hợp"},
                                headers=basic("canbo"))
    assert r.status_code == 200 and r.get_json()["status"] == "dang_thuc_hien"
    with session_scope(settings) as s:
        assert s.get(m.Task, tid).history[-1].actor == "canbo"


def test_extending_a_deadline_stays_with_the_office(app, settings):
    tid = own_task(settings, "Giao Sở LĐTBXH đầu mối")
    c = app.test_client()
    login(c, "canbo")
    html = c.get(f"/tasks/{tid}").get_data(as_text=True)
    assert 'id="status-form"' in html and "Gia hạn</h2>" not in html
    with session_scope(settings) as s:
        did = s.get(m.Task, tid).deadlines[0].id
    r = c.post(f"/tasks/{tid}/extend", data={"csrf_token": csrf(c, f"/tasks/{tid}"), "deadline_id": did,
                                             "new_due": "2025-01-15", "reason": "xin gia hạn"})
    assert r.status_code == 403


def test_dashboard_and_exports_count_only_their_tasks(app, settings):
    c = app.test_client()
    login(c, "canbo")
    mine = ids_of(settings, LDTBXH)
    assert c.get("/dashboard.json").get_json()["total"] == len(mine)
    rows = list(csv.reader(io.StringIO(c.get("/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert {int(r[0]) for r in rows[1:]} == mine
    login(c, "lanhdao")
    assert c.get("/dashboard.json").get_json()["total"] == len(ids_of(settings))


def test_other_agencies_pages_and_dispatches_are_not_there(app, settings):
    with session_scope(settings) as s:
        ld = s.scalar(select(m.Agency).where(m.Agency.name == LDTBXH)).id
        other = s.scalar(select(m.Agency).where(m.Agency.name == "Ủy ban nhân dân các huyện, thị xã, thành phố")).id
        children = s.scalar(select(m.Dispatch).where(m.Dispatch.number == "546/SLĐTBXH-TEBĐG"))
        children_doc, children_id = children.document_id, children.id
    c = app.test_client()
    h = basic("canbo")
    assert [a["id"] for a in c.get("/api/agencies", headers=h).get_json()] == [ld]
    assert c.get(f"/api/agencies/{other}", headers=h).status_code == 404
    assert c.get(f"/api/dispatches/{children_id}", headers=h).status_code == 404
    assert children_id not in {d["id"] for d in c.get("/api/dispatches", headers=h).get_json()["hits"]}
    login(c, "canbo")
    assert c.get(f"/agencies/{ld}").status_code == 200 and c.get(f"/agencies/{other}").status_code == 404
    assert c.get(f"/dispatches/{children_doc}").status_code == 404
    assert c.get(f"/dispatches/{children_doc}/original").status_code == 404
    assert "546/SLĐTBXH-TEBĐG" not in c.get("/dispatches").get_data(as_text=True)
    assert "687/LĐTBXH-TTr" in c.get("/dispatches").get_data(as_text=True)


def test_a_staff_members_digest_and_calendar_hold_only_their_agencys_tasks(app, settings):
    from dondoc.digest.build import build
    from dondoc.digest.ics import token
    with session_scope(settings) as s:
        u = s.scalar(select(m.User).where(m.User.username == "canbo"))
        other = s.scalar(select(m.Agency).where(m.Agency.name == "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"))
        ld = s.scalar(select(m.Agency).where(m.Agency.name == LDTBXH))
        # a subscription made before they joined the agency: it must not widen what they see
        s.add_all([m.Subscription(user_id=u.id, agency_id=other.id), m.Subscription(user_id=u.id, agency_id=ld.id)])
        uid = u.id
    with session_scope(settings) as s:
        digest = next(d for d in build(s, date(2024, 11, 25), days=30) if d.key == f"user:{uid}")
        seen = {i.task_id for i in digest.overdue + digest.due_soon}
    mine = ids_of(settings, LDTBXH)
    assert seen and seen <= mine
    feed = app.test_client().get(f"/users/{uid}/deadlines.ics?token={token(app.config['SECRET_KEY'], f'user:{uid}')}")
    in_feed = {int(x) for x in re.findall(r"UID:task-(\d+)-deadline", feed.get_data(as_text=True))}
    assert in_feed and in_feed <= mine


def test_the_successors_staff_see_the_work_of_the_body_it_took_over(app, settings):
    """The Sở LĐTBXH's work passed to the Sở Nội vụ (2025): its staff follow those tasks up."""
    with session_scope(settings) as s:
        ld = s.scalar(select(m.Agency).where(m.Agency.name == LDTBXH))
        assert ld.successor_id is not None
        create_user(s, "noivu", "matkhau", AGENCY_STAFF, agency_id=ld.successor_id)
        scope = scope_of(s, s.scalar(select(m.User).where(m.User.username == "noivu")))
        assert ld.id in scope.agency_ids and LDTBXH in scope.names
    res = app.test_client().get("/api/tasks?per_page=100", headers=basic("noivu")).get_json()
    assert {h["id"] for h in res["hits"]} == ids_of(settings, LDTBXH)


def test_agency_staff_must_belong_to_an_agency(app, settings):
    with session_scope(settings) as s, pytest.raises(ValueError, match="phải thuộc một cơ quan"):
        create_user(s, "khong", "matkhau", AGENCY_STAFF)
    c = app.test_client()
    with session_scope(settings) as s:
        create_user(s, "quantri", "matkhau", "admin")
    login(c, "quantri")
    r = c.post("/admin/users", data={"csrf_token": csrf(c, "/admin/users"), "username": "moi", "password": "matkhau",
                                     "role": AGENCY_STAFF, "agency": "Sở Không Có"}, follow_redirects=True)
    assert "không có cơ quan “Sở Không Có”" in r.get_data(as_text=True)
    c.post("/admin/users", data={"csrf_token": csrf(c, "/admin/users"), "username": "moi", "password": "matkhau",
                                 "role": AGENCY_STAFF, "agency": "Sở LĐTBXH"})
    with session_scope(settings) as s:
        u = s.scalar(select(m.User).where(m.User.username == "moi"))
        assert s.get(m.Agency, u.agency_id).name == LDTBXH


def test_the_command_line_adds_agency_staff_by_any_name_of_their_agency(app, settings):
    from click.testing import CliRunner

    from dondoc.cli import main
    r = CliRunner().invoke(main, ["user", "add", "cb2", "--role", AGENCY_STAFF, "--agency", "so lao dong thuong binh va xa hoi",
                                  "--password", "matkhau"])
    assert r.exit_code == 0, r.output
    with session_scope(settings) as s:
        u = s.scalar(select(m.User).where(m.User.username == "cb2"))
        assert s.get(m.Agency, u.agency_id).name == LDTBXH
