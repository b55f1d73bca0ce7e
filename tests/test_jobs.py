"""The job table: one claimant per job, recovery of a dead worker's job, retries by checksum,
the slow queue for scans; and a server killed with SIGKILL mid-file (issue #12, finding 3)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dondoc.jobs import queue as jq
from dondoc.jobs.worker import Worker
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from .conftest import CORPUS, free_port


def dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def upload(settings, src, name=None, queue="default") -> int:
    rel = f"uploads/{os.urandom(4).hex()}{src.suffix}"
    (settings.data_dir / "uploads").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, settings.data_dir / rel)
    with session_scope(settings) as s:
        return jq.submit(s, "ingest", filename=name or src.name, stored_path=rel, username="vanthu", queue=queue).id


def job(settings, job_id) -> m.Job:
    with session_scope(settings) as s:
        return s.get(m.Job, job_id)


def test_a_job_is_claimed_by_one_worker_only(settings):
    jid = upload(settings, CORPUS / "dev" / "016.txt")
    assert jq.claim(settings, jid, "a:1:x") is True
    assert jq.claim(settings, jid, "b:2:y") is False
    j = job(settings, jid)
    assert (j.state, j.worker, j.attempts) == ("running", "a:1:x", 1)


def test_the_job_of_a_killed_process_is_queued_again_and_done_on_restart(settings):
    jid = upload(settings, CORPUS / "dev" / "016.txt", "cong van.txt")
    gone = f"{socket.gethostname()}:{dead_pid()}:abc"
    jq.register(settings, gone, ["default"])
    assert jq.claim(settings, jid, gone)
    assert [j.id for j in jq.stuck(settings)] == [jid]
    w = Worker(settings, immediate=True)
    assert w.recover() == 1              # queued again and, the broker being immediate, run
    j = job(settings, jid)
    assert j.state == "done" and j.document_id and j.attempts == 2
    assert "tiến trình xử lý dừng đột ngột" in j.last_error
    assert jq.stuck(settings) == []


def test_a_worker_that_stopped_beating_loses_its_job(settings):
    jid = upload(settings, CORPUS / "dev" / "016.txt")
    far = "another-host:4242:abc"          # not this machine: only the heartbeat tells
    jq.register(settings, far, ["default"])
    assert jq.claim(settings, jid, far)
    assert jq.stuck(settings) == []        # beating a moment ago
    with session_scope(settings) as s:
        old = jq.now() - timedelta(seconds=settings.job_stale_seconds + 5)
        s.get(m.Worker, far).heartbeat_at = old
        s.get(m.Job, jid).heartbeat_at = old
    assert [j.id for j in jq.stuck(settings)] == [jid]
    assert jq.recover(settings) == [(jid, "default")]
    assert job(settings, jid).state == "queued"


def test_a_file_that_kills_its_worker_every_time_fails_after_its_attempts(settings):
    jid = upload(settings, CORPUS / "dev" / "016.txt")
    for _ in range(3):
        gone = f"{socket.gethostname()}:{dead_pid()}:abc"
        assert jq.claim(settings, jid, gone)
        jq.recover(settings)
    j = job(settings, jid)
    assert j.state == "failed" and "đã thử 3 lần" in j.message


def test_a_retry_after_a_crash_that_had_stored_the_file_finds_it(settings):
    src = CORPUS / "dev" / "016.txt"
    first = ingest_file(src, settings)          # the crash came after the commit
    jid = upload(settings, src)
    Worker(settings, immediate=True).broker.wake("default", jid)
    j = job(settings, jid)
    assert j.state == "done" and j.document_id == first.document_id and j.sha256 == first.sha256
    with session_scope(settings) as s:
        assert s.scalar(select(func.count()).select_from(m.Document)) == 1


def test_a_bad_file_fails_once_with_its_reason(settings, tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj <<")
    jid = upload(settings, bad)
    Worker(settings, immediate=True).broker.wake("default", jid)
    j = job(settings, jid)
    assert j.state == "failed" and j.attempts == 1 and "PDF" in j.message


def test_a_scan_goes_to_the_ocr_queue(settings, generated):
    jid = upload(settings, generated["clean_scan"])
    Worker(settings, immediate=True).broker.wake("default", jid)
    j = job(settings, jid)
    assert j.queue == "ocr" and j.state == "done" and j.attempts == 1
    assert (j.pages_done, j.pages_total) == (1, 1)      # told by the reader, from the reading process


def test_a_wake_up_left_on_the_queue_a_scan_moved_from_claims_nothing(settings, generated):
    jid = upload(settings, generated["clean_scan"])
    w = Worker(settings)                                  # not immediate: the move's wake-up waits
    assert jq.claim(settings, jid, w.id, "default")
    w.handlers["ingest"](w, jid)                          # routed: handed to `ocr`, queued there
    assert (job(settings, jid).queue, job(settings, jid).state) == ("ocr", "queued")
    w.run(jid, "default")                                 # a second wake-up of the old queue (recovery's)
    assert (job(settings, jid).state, job(settings, jid).worker) == ("queued", None)
    w.run(jid, "ocr")
    j = job(settings, jid)
    assert j.state == "done" and j.queue == "ocr" and j.attempts == 1


def test_a_typed_letter_stays_on_the_default_queue(settings):
    jid = upload(settings, CORPUS / "dev" / "016.txt")
    Worker(settings, immediate=True).broker.wake("default", jid)
    assert job(settings, jid).queue == "default"


def _serve(settings, port, log):
    env = {**os.environ, "DONDOC_DATA_DIR": str(settings.data_dir), "DONDOC_SEARCH": "sqlite",
           "DONDOC_JOB_STALE_SECONDS": "6"}
    return subprocess.Popen([sys.executable, "-m", "dondoc.cli", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait(pred, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.3)
    return None


@pytest.mark.ocr
def test_no_job_stays_running_after_the_server_is_killed(settings, generated, tmp_path):
    """Finding 3: a server killed with SIGKILL mid-file left its job 'running' for ever."""
    from PIL import Image
    scans = tmp_path / "bon_trang.tif"
    page = Image.open(generated["clean_scan"])
    page.save(scans, save_all=True, append_images=[page.rotate(0), page.rotate(0), page.rotate(0)],
              dpi=(300, 300), compression="tiff_lzw")
    jid = upload(settings, scans)
    log = open(tmp_path / "serve.log", "wb")
    server = _serve(settings, free_port(), log)
    try:
        assert _wait(lambda: job(settings, jid).state == "running", 60), (tmp_path / "serve.log").read_text()
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        assert job(settings, jid).state == "running"     # what the killed server left
        server = _serve(settings, free_port(), log)
        done = _wait(lambda: job(settings, jid).state in ("done", "failed"), 120)
        j = job(settings, jid)
        assert done and j.state == "done", (j.state, j.last_error, (tmp_path / "serve.log").read_text()[-3000:])
        assert j.attempts == 2 and (j.pages_done, j.pages_total) == (4, 4)
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@pytest.mark.both_databases
def test_uploads_made_before_the_job_table_keep_their_rows_and_ids(settings):
    """Migration 0011 turns upload_jobs into jobs; on PostgreSQL the id sequence must follow the
    copied ids, or the next upload collides with the first."""
    from alembic import command
    from sqlalchemy import text
    from dondoc.storage.db import alembic_config, engine_for, upgrade
    with engine_for(settings.db_url).begin() as conn:
        cfg = alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
        conn.execute(text("INSERT INTO upload_jobs (id, filename, stored_path, status, message, username, created_at)"
                          " VALUES (7, 'cv.pdf', 'uploads/a.pdf', 'running', NULL, 'vanthu', CURRENT_TIMESTAMP)"))
    upgrade(settings)
    old = job(settings, 7)
    assert (old.filename, old.state, old.kind, old.queue, old.payload) == ("cv.pdf", "queued", "ingest", "default", {})
    assert upload(settings, CORPUS / "dev" / "016.txt") == 8
