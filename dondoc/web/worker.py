"""The background worker: uploads are read and extracted by a huey task queue kept in SQLite
(no extra server), never in the web request; every minute it drains the index outbox of the work
a writer could not do (the index was down)."""
from __future__ import annotations

import logging
from pathlib import Path

from huey import SqliteHuey, crontab

from .. import config
from ..ingest.errors import IngestError
from ..search import outbox
from ..storage import models as m
from ..storage.db import session_scope

log = logging.getLogger(__name__)


def process_upload(data_dir: str, job_id: int) -> None:
    settings = config.load(data_dir=Path(data_dir))
    from ..pipeline import ingest_file
    with session_scope(settings) as s:
        job = s.get(m.UploadJob, job_id)
        job.status = "running"
        path = settings.data_dir / job.stored_path
        name = job.filename
    try:
        # the stored upload has a generated name; read it under the clerk's file name
        out = ingest_file(path, settings, display_name=name)
        status, message, doc_id = "done", ("Đã có trong sổ (trùng nội dung)" if out.duplicate else f"{out.pages} trang, {out.tasks} nhiệm vụ"), out.document_id
    except IngestError as exc:
        log.warning("upload %s (%s) refused: %s", job_id, name, exc.message, exc_info=True)
        status, message, doc_id = "failed", exc.message, None
    except Exception as exc:  # the worker keeps going whatever one file does
        log.exception("upload %s (%s) failed", job_id, name)
        status, message, doc_id = "failed", f"lỗi không xác định: {exc}", None
    with session_scope(settings) as s:
        job = s.get(m.UploadJob, job_id)
        job.status, job.message, job.document_id = status, message, doc_id


def make_huey(settings: config.Settings, immediate: bool = False) -> SqliteHuey:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    huey = SqliteHuey("dondoc", filename=str(settings.data_dir / "queue.sqlite3"), immediate=immediate)
    huey.process_upload = huey.task(name="process_upload")(process_upload)

    @huey.periodic_task(crontab(minute="*"), name="drain_index")
    def drain_index() -> int:
        return drain_outbox(settings)
    huey.drain_index = drain_index
    return huey


def drain_outbox(settings: config.Settings) -> int:
    """The worker's turn at the outbox: what writers left pending is indexed; if the index is
    still down the work stays for the next turn."""
    try:
        return outbox.drain(settings)
    except Exception:
        log.warning("search index still unavailable; %d index jobs wait", outbox.pending(settings), exc_info=True)
        return 0


def start_consumer(huey: SqliteHuey, workers: int = 1):
    """Run the consumer in this process (threads): `dondoc serve` needs no second program."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=False)
    consumer.start()
    return consumer
