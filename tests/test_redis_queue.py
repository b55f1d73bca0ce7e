"""The Redis broker (DONDOC_QUEUE_URL=redis://…, scripts/redis.sh): several `dondoc worker`
processes share the queues, OCR apart from fast jobs, and the job table stays the truth — a
worker killed mid-file loses nothing, another takes its job back (issue #13)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from dondoc import config
from dondoc.jobs import queue as jq
from dondoc.jobs.worker import Worker
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from .conftest import CORPUS, require
from .test_jobs import job, upload


@pytest.fixture
def redis_url():
    url = os.environ.get("DONDOC_TEST_REDIS_URL")
    err = os.environ.get("DONDOC_TEST_REDIS_ERROR")
    require(bool(url), "Redis (DONDOC_TEST_REDIS_URL, started by scripts/redis.sh)" + (f": {err}" if err else ""))
    import redis
    redis.Redis.from_url(url).flushdb()          # no wake-ups left by an earlier test
    return url


@pytest.fixture
def on_redis(settings, redis_url, monkeypatch):
    monkeypatch.setenv("DONDOC_QUEUE_URL", redis_url)
    return config.load()


def _wait(pred, seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if v := pred():
            return v
        time.sleep(0.3)
    return None


class Workers:
    """`dondoc worker` processes on the settings' data folder, database and broker."""

    def __init__(self, settings, log_dir: Path):
        self.settings, self.log_dir, self.procs = settings, log_dir, []

    def start(self, *queues: str):
        env = {**os.environ, "DONDOC_DATA_DIR": str(self.settings.data_dir), "DONDOC_SEARCH": "sqlite",
               "DONDOC_DATABASE_URL": self.settings.database_url, "DONDOC_QUEUE_URL": self.settings.queue_url,
               "DONDOC_JOB_STALE_SECONDS": "6", "DONDOC_OCR_WORKERS": "1"}
        log = open(self.log_dir / f"worker{len(self.procs)}.log", "wb")
        args = [a for q in queues for a in ("--queue", q)]
        p = subprocess.Popen([sys.executable, "-m", "dondoc.cli", "worker", *args], env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        return p

    def registered(self, n: int) -> list[m.Worker]:
        def live():
            with session_scope(self.settings) as s:
                ws = list(s.scalars(select(m.Worker).where(m.Worker.stopped_at.is_(None))))
                return ws if len(ws) >= n else None
        ws = _wait(live, 120)
        assert ws, self.logs()
        return ws

    def logs(self) -> str:
        return "\n".join(f.read_text(errors="replace")[-2000:] for f in sorted(self.log_dir.glob("worker*.log")))

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


@pytest.fixture
def workers(on_redis, tmp_path):
    w = Workers(on_redis, tmp_path)
    yield w
    w.stop()


def test_a_wake_up_goes_through_redis_and_the_job_table_says_what_happened(on_redis):
    w = Worker(on_redis)
    assert type(w.broker.hueys["default"]).__name__ == "RedisHuey"
    jid = upload(on_redis, CORPUS / "dev" / "016.txt")
    w.submitted([job(on_redis, jid)])
    assert w.broker.hueys["default"].pending_count() == 1     # waiting in Redis, no worker yet
    w.start(["default"])
    try:
        assert _wait(lambda: job(on_redis, jid).state == "done", 60), job(on_redis, jid).last_error
    finally:
        w.stop()
    j = job(on_redis, jid)
    assert j.worker == w.id and j.attempts == 1 and j.document_id


def test_a_broker_that_does_not_answer_loses_no_job(settings, monkeypatch):
    monkeypatch.setenv("DONDOC_QUEUE_URL", "redis://127.0.0.1:1/0")       # nothing listens there
    s = config.load()
    jid = upload(s, CORPUS / "dev" / "016.txt")
    Worker(s).submitted([job(s, jid)])                # the upload is not refused for it
    assert job(s, jid).state == "queued"
    assert jq.recover(s) == [(jid, "default")]       # a worker's recovery wakes it again


@pytest.mark.ocr
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_several_worker_processes_share_the_queues_and_scans_go_to_the_ocr_workers(workers, on_redis, generated):
    workers.start("default")
    workers.start("default")
    workers.start("ocr")
    ws = workers.registered(3)
    ocr = {w.id for w in ws if w.queues == ["ocr"]}
    letters = [upload(on_redis, f) for f in sorted((CORPUS / "dev").glob("*.txt"))[:6]]
    scan = upload(on_redis, generated["clean_scan"])
    with session_scope(on_redis) as s:
        Worker(on_redis).submitted([s.get(m.Job, i) for i in letters + [scan]])     # as the web process does
    assert _wait(lambda: all(job(on_redis, i).state in ("done", "failed") for i in letters + [scan]), 240), workers.logs()
    done = [job(on_redis, i) for i in letters]
    assert all(j.state == "done" for j in done), [(j.state, j.last_error) for j in done]
    assert not {j.worker for j in done} & ocr                     # fast jobs never wait behind a scan
    s_job = job(on_redis, scan)
    assert s_job.state == "done" and s_job.queue == "ocr" and s_job.worker in ocr


@pytest.mark.ocr
def test_a_worker_killed_mid_scan_loses_nothing_the_other_takes_the_job_back(workers, on_redis, generated, tmp_path):
    from PIL import Image
    scans = tmp_path / "bon_trang.tif"
    page = Image.open(generated["clean_scan"])
    page.save(scans, save_all=True, append_images=[page.rotate(0)] * 3, dpi=(300, 300), compression="tiff_lzw")
    procs = {workers.start("ocr").pid: None, workers.start("ocr").pid: None}
    workers.registered(2)
    jid = upload(on_redis, scans, queue="ocr")
    Worker(on_redis).submitted([job(on_redis, jid)])
    assert _wait(lambda: job(on_redis, jid).state == "running", 120), workers.logs()
    holder = job(on_redis, jid).worker
    pid = int(holder.rsplit(":", 2)[1])
    assert pid in procs
    os.killpg(pid, signal.SIGKILL)
    next(p for p in workers.procs if p.pid == pid).wait()
    # no restart: the worker left standing finds the dead one's job in its recovery rounds
    assert _wait(lambda: job(on_redis, jid).state in ("done", "failed"), 240), workers.logs()
    j = job(on_redis, jid)
    assert j.state == "done" and j.attempts == 2 and "dừng đột ngột" in j.last_error, (j.state, j.last_error)
    assert j.worker != holder and int(j.worker.rsplit(":", 2)[1]) in procs
    assert (j.pages_done, j.pages_total) == (4, 4)
