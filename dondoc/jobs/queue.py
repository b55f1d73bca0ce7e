"""The job table's rules: submit, claim, beat, progress, finish, and recovery of the jobs of
workers that stopped beating. Every change is one short transaction, so any process may call."""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from ..config import Settings
from ..storage import models as m
from ..storage.db import session_scope

QUEUES = ("default", "ocr")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "Đang chờ", RUNNING: "Đang đọc", DONE: "Xong", FAILED: "Lỗi"}


def now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(t: datetime | None) -> datetime | None:
    # SQLite gives naive datetimes back: they were written in UTC
    return t.replace(tzinfo=timezone.utc) if t is not None and t.tzinfo is None else t


def submit(session, kind: str = "ingest", *, queue: str = "default", filename: str = "", stored_path: str | None = None,
           username: str = "", payload: dict | None = None, max_attempts: int = 3) -> m.Job:
    """A new queued job in the caller's transaction; wake a worker for it after the commit."""
    if queue not in QUEUES:
        raise ValueError(f"hàng đợi không hợp lệ: {queue}")
    job = m.Job(kind=kind, queue=queue, state=QUEUED, filename=filename, stored_path=stored_path,
                username=username, payload=payload or {}, max_attempts=max_attempts, attempts=0)
    session.add(job)
    session.flush()
    return job


def claim(settings: Settings, job_id: int, worker: str, queue: str | None = None) -> bool:
    """Take a queued job for `worker`. Only one claimant wins; a second wake-up of the same job,
    a wake-up for a job already done, or one left on a queue the job has since moved from (a scan
    handed to `ocr` while recovery woke it on `default` again) claims nothing."""
    with session_scope(settings) as s:
        t = now()
        where = [m.Job.id == job_id, m.Job.state == QUEUED] + ([m.Job.queue == queue] if queue else [])
        res = s.execute(update(m.Job).where(*where).values(
            state=RUNNING, worker=worker, heartbeat_at=t, started_at=t, attempts=m.Job.attempts + 1))
        return res.rowcount == 1


def progress(settings: Settings, job_id: int, done: int, total: int | None) -> None:
    with session_scope(settings) as s:
        s.execute(update(m.Job).where(m.Job.id == job_id).values(pages_done=done, pages_total=total, heartbeat_at=now()))


class JobProgress:
    """Pages done of a job, written from whichever process reads the file (picklable)."""

    def __init__(self, settings: Settings, job_id: int):
        self.settings, self.job_id = settings, job_id

    def __call__(self, done: int, total: int | None) -> None:
        progress(self.settings, self.job_id, done, total)


def finish(settings: Settings, job_id: int, worker: str, state: str, message: str | None, *,
           document_id: int | None = None, result: dict | None = None, sha256: str | None = None) -> None:
    """The job's outcome, written only while `worker` still holds it (a job taken back from a
    worker thought dead is not overwritten by that worker)."""
    with session_scope(settings) as s:
        values = dict(state=state, message=message, finished_at=now(), heartbeat_at=now())
        if state == FAILED:
            values["last_error"] = message
        if document_id is not None:
            values["document_id"] = document_id
        if result is not None:
            values["result"] = result
        if sha256 is not None:
            values["sha256"] = sha256
        s.execute(update(m.Job).where(m.Job.id == job_id, m.Job.worker == worker, m.Job.state == RUNNING).values(**values))


def retry_or_fail(settings: Settings, job_id: int, worker: str, error: str) -> str:
    """An attempt that failed for a reason other than the file: queued again while attempts
    remain, else failed. Returns the new state."""
    with session_scope(settings) as s:
        job = s.get(m.Job, job_id)
        if job is None or job.worker != worker or job.state != RUNNING:
            return job.state if job else FAILED
        job.last_error = error
        job.heartbeat_at = now()
        if job.attempts < job.max_attempts:
            job.state, job.worker = QUEUED, None
        else:
            job.state, job.message, job.finished_at = FAILED, f"{error} (đã thử {job.attempts} lần)", now()
        return job.state


def move(settings: Settings, job_id: int, worker: str, queue: str) -> bool:
    """Hand a job to another queue (a large scan to `ocr`); the move is not an attempt."""
    with session_scope(settings) as s:
        res = s.execute(update(m.Job).where(m.Job.id == job_id, m.Job.worker == worker, m.Job.state == RUNNING).values(
            state=QUEUED, queue=queue, worker=None, attempts=m.Job.attempts - 1))
        return res.rowcount == 1


# -- workers -------------------------------------------------------------------------------

def worker_id() -> str:
    import secrets
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def register(settings: Settings, wid: str, queues: list[str]) -> None:
    host, pid, _ = wid.rsplit(":", 2)
    with session_scope(settings) as s:
        s.merge(m.Worker(id=wid, host=host, pid=int(pid), queues=list(queues), started_at=now(), heartbeat_at=now()))


def beat(settings: Settings, wid: str) -> None:
    """The worker and every job it holds are alive now."""
    with session_scope(settings) as s:
        t = now()
        s.execute(update(m.Worker).where(m.Worker.id == wid).values(heartbeat_at=t, stopped_at=None))
        s.execute(update(m.Job).where(m.Job.worker == wid, m.Job.state == RUNNING).values(heartbeat_at=t))


def unregister(settings: Settings, wid: str) -> None:
    with session_scope(settings) as s:
        s.execute(update(m.Worker).where(m.Worker.id == wid).values(stopped_at=now()))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_dead(settings: Settings, wid: str | None, last_beat: datetime | None, at: datetime | None = None,
                workers: dict | None = None) -> bool:
    """A worker is dead when it stopped beating for `job_stale_seconds`, or at once when it ran
    on this machine and its process is gone (a server killed and started again)."""
    at = at or now()
    if wid is None:
        return True
    w = workers.get(wid) if workers is not None else None
    if w is not None and w.stopped_at is not None:
        return True
    try:
        host, pid, _ = wid.rsplit(":", 2)
        if host == socket.gethostname() and not _pid_alive(int(pid)):
            return True
    except ValueError:
        pass
    beat_at = _aware(w.heartbeat_at) if w is not None else _aware(last_beat)
    return beat_at is None or at - beat_at > timedelta(seconds=settings.job_stale_seconds)


def recover(settings: Settings) -> list[tuple[int, str]]:
    """Running jobs whose worker is dead go back to the queue (or fail once their attempts are
    spent). Returns (job id, queue) of every queued job, so the caller wakes workers for them:
    the broker may have lost their wake-ups with the process that died."""
    t = now()
    with session_scope(settings) as s:
        workers = {w.id: w for w in s.scalars(select(m.Worker))}
        for job in s.scalars(select(m.Job).where(m.Job.state == RUNNING)):
            if not worker_dead(settings, job.worker, job.heartbeat_at, t, workers):
                continue
            error = "tiến trình xử lý dừng đột ngột khi đang xử lý tệp"
            job.last_error, job.worker, job.heartbeat_at = error, None, t
            if job.attempts < job.max_attempts:
                job.state = QUEUED
            else:
                job.state, job.finished_at = FAILED, t
                job.message = f"{error} (đã thử {job.attempts} lần)"
        for w in workers.values():
            if w.stopped_at is None and worker_dead(settings, w.id, w.heartbeat_at, t, None):
                w.stopped_at = t
        s.flush()
        return [(j.id, j.queue) for j in s.scalars(select(m.Job).where(m.Job.state == QUEUED).order_by(m.Job.id))]


def stuck(settings: Settings) -> list[m.Job]:
    """Running jobs without a live worker (what `recover` would take back)."""
    t = now()
    with session_scope(settings) as s:
        workers = {w.id: w for w in s.scalars(select(m.Worker))}
        return [j for j in s.scalars(select(m.Job).where(m.Job.state == RUNNING))
                if worker_dead(settings, j.worker, j.heartbeat_at, t, workers)]
