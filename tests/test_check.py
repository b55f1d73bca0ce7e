"""`dondoc check` (issue #12, finding 4): database against index, files against checksums, jobs
against workers; `--fix` repairs; the last result is on the admin page."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy import select

from dondoc import check
from dondoc.cli import main
from dondoc.jobs import queue as jq
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from .conftest import CORPUS


def test_a_dispatch_that_never_reached_the_index_is_found_and_fixed(settings):
    """Finding 4: a dispatch (21 tasks) never reached the index and nothing repaired it."""
    ingest_file(CORPUS / "dev" / "002.txt", settings)
    lost = ingest_file(CORPUS / "dev" / "003.txt", settings, index=False)      # its index work lost
    with session_scope(settings) as s:
        disp = s.scalar(select(m.Dispatch.id).where(m.Dispatch.document_id == lost.document_id))
    r = check.run(settings)
    assert not r.clean and any(f.area == "index" and str(disp) in f.message for f in r.findings)
    r = CliRunner().invoke(main, ["check", "--fix"])
    assert r.exit_code == 0 and "Đã sửa" in r.output, r.output
    assert check.run(settings).findings == []


def test_an_index_entry_without_its_dispatch_is_removed(settings):
    out = ingest_file(CORPUS / "dev" / "002.txt", settings)
    with session_scope(settings) as s:
        s.delete(s.get(m.Document, out.document_id))          # deleted without its index work
    assert any("không còn trong cơ sở dữ liệu" in f.message for f in check.run(settings).findings)
    fixed = check.run(settings, fix=True)
    assert all(f.fixed for f in fixed.findings if f.area == "index")
    after = check.run(settings).findings
    assert [f.area for f in after] == ["files"] and "không thuộc văn bản nào" in after[0].message   # its original, kept


def test_a_changed_or_missing_original_is_reported(settings):
    a = ingest_file(CORPUS / "dev" / "002.txt", settings)
    b = ingest_file(CORPUS / "dev" / "003.txt", settings)
    with session_scope(settings) as s:
        pa, pb = (settings.data_dir / s.get(m.Document, i).stored_path for i in (a.document_id, b.document_id))
    pa.write_text("đã bị sửa", encoding="utf-8")
    pb.unlink()
    r = CliRunner().invoke(main, ["check", "--fix"])
    assert r.exit_code == 1
    assert "SHA-256 không khớp" in r.output and "thiếu bản gốc" in r.output


def test_a_job_without_a_live_worker_is_reported_and_requeued(settings):
    p = subprocess.Popen(["true"])
    p.wait()
    gone = f"{socket.gethostname()}:{p.pid}:abc"
    with session_scope(settings) as s:
        jid = jq.submit(s, "ingest", filename="x.txt", stored_path="uploads/x.txt").id
    assert jq.claim(settings, jid, gone)
    r = check.run(settings, fix=True)
    assert any(f.area == "jobs" and "x.txt" in f.message and f.fixed for f in r.findings)
    with session_scope(settings) as s:
        assert s.get(m.Job, jid).state == "queued"
    assert any("không có tiến trình xử lý nào" in f.message for f in check.run(settings).findings)


def test_index_and_database_agree_after_concurrent_writers(settings):
    """Finding 4: web uploads plus four CLI ingests at once."""
    env = {**os.environ, "DONDOC_DATA_DIR": str(settings.data_dir), "DONDOC_SEARCH": "sqlite"}
    files = sorted((CORPUS / "dev").glob("*.txt"))[:8]
    procs = [subprocess.Popen([sys.executable, "-m", "dondoc.cli", "ingest", *map(str, files[i::4])], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for i in range(4)]
    for f in sorted((CORPUS / "seeds").glob("*.txt"))[:3]:   # the web's worker meanwhile
        ingest_file(f, settings)
    assert all(p.wait(600) == 0 for p in procs)
    r = check.run(settings)
    assert r.findings == [] and r.counts["dispatches"] == 11 == r.counts["indexed"]


def test_a_drain_does_not_take_away_a_newer_job_that_reused_a_done_jobs_id(settings, monkeypatch):
    """Two drains read the same jobs; one finishes them, a writer's new job takes the freed id
    (SQLite reuses rowids), and the slower drain must leave that job for its own drain."""
    from dondoc.search import outbox
    from dondoc.search.backends import backend
    first = ingest_file(CORPUS / "dev" / "002.txt", settings, index=False)
    later = ingest_file(CORPUS / "dev" / "003.txt", settings, index=False)
    with session_scope(settings) as s:
        ids = {d.document_id: d.id for d in s.scalars(select(m.Dispatch))}
        s.execute(m.IndexJob.__table__.delete())
        outbox.enqueue(s, [ids[first.document_id]])
    b = backend(settings)
    real_upsert = b.upsert
    state = {"inside": False}

    def upsert_while_others_work(docs):
        real_upsert(docs)
        if state["inside"]:
            return
        state["inside"] = True
        outbox.drain(settings)                        # the faster drain finishes the same job
        with session_scope(settings) as s:            # a writer's job now takes the freed id
            outbox.enqueue(s, [ids[later.document_id]])
    monkeypatch.setattr(b, "upsert", upsert_while_others_work)
    outbox.drain(settings)
    with session_scope(settings) as s:
        left = [j.entity_id for j in s.scalars(select(m.IndexJob))]
    assert left == [ids[later.document_id]]


def test_the_admin_page_shows_the_last_check(settings):
    import re
    from dondoc.web import create_app
    from dondoc.web.auth import create_user
    check.run(settings)
    app = create_app(settings, {"TESTING": True})
    with session_scope(settings) as s:
        create_user(s, "quantri", "matkhau", "admin")
    c = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").get_data(as_text=True)).group(1)
    c.post("/login", data={"username": "quantri", "password": "matkhau", "csrf_token": token})
    html = c.get("/admin/check").get_data(as_text=True)
    assert "Lần kiểm tra gần nhất" in html and "Không có sai lệch" in html


def test_the_scheduler_runs_the_check_daily(settings):
    from dondoc.jobs.worker import Worker
    w = Worker(settings)
    from datetime import datetime
    huey = w.broker.hueys["default"]
    due = [t.name for t in huey.read_periodic(datetime(2026, 12, 2, 2, 30))]
    assert any(n.endswith("daily_check") for n in due)
    assert not any(t.name.endswith("daily_check") for t in huey.read_periodic(datetime(2026, 12, 2, 14, 30)))
    assert w.broker.hueys["ocr"].read_periodic(datetime(2026, 12, 2, 2, 30)) == []   # once, not per queue
