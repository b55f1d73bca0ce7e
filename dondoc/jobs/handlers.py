"""What each kind of job does."""
from __future__ import annotations

from pathlib import Path

from ..storage import models as m
from ..storage.db import session_scope
from . import queue as jq


def ingest(worker, job_id: int) -> None:
    """Read, extract and store an uploaded file. Idempotent by checksum: a retry after a crash
    that had already stored the file finds it and finishes."""
    from ..pipeline import ingest_file, route
    settings = worker.settings
    with session_scope(settings) as s:
        job = s.get(m.Job, job_id)
        path, name, queue = settings.data_dir / job.stored_path, job.filename, job.queue
    if queue == "default" and route(path, settings) == "ocr":
        if jq.move(settings, job_id, worker.id, "ocr"):
            worker.broker.wake("ocr", job_id)
        return

    out = ingest_file(Path(path), settings, display_name=name, progress=jq.JobProgress(settings, job_id))
    message = "Đã có trong sổ (trùng nội dung)" if out.duplicate else f"{out.pages} trang, {out.tasks} nhiệm vụ"
    jq.finish(settings, job_id, worker.id, jq.DONE, message, document_id=out.document_id, sha256=out.sha256)


def register_all(worker) -> None:
    worker.handlers["ingest"] = ingest
