"""A worker: claims jobs it is woken for, beats while it lives, and on start takes back the
jobs of workers that died (a server killed mid-file), so no job stays running without one."""
from __future__ import annotations

import logging
import threading
from typing import Callable

from ..config import Settings
from ..ingest.errors import IngestError
from . import queue as jq
from .broker import Broker

log = logging.getLogger(__name__)
Handler = Callable[["Worker", int], None]


class Worker:
    def __init__(self, settings: Settings, immediate: bool = False):
        self.settings = settings
        self.id = jq.worker_id()
        self.broker = Broker(settings, self.run, immediate=immediate)
        self.handlers: dict[str, Handler] = {}
        self._stop = threading.Event()
        self._threads: list = []
        self._consumers: list = []
        from .handlers import register_all
        register_all(self)

    # -- running one job ---------------------------------------------------------------------
    def submitted(self, jobs) -> None:
        """Wake workers for jobs just committed."""
        for j in jobs:
            self.broker.wake(j.queue, j.id)

    def run(self, job_id: int, queue: str | None = None) -> None:
        """The job a wake-up on `queue` names (None: whatever queue it is on)."""
        if not jq.claim(self.settings, job_id, self.id, queue):
            return          # done already, or another worker has it
        from ..storage import models as m
        from ..storage.db import session_scope
        with session_scope(self.settings) as s:
            job = s.get(m.Job, job_id)
            kind, name = job.kind, job.filename
        try:
            self.handlers[kind](self, job_id)
        except IngestError as exc:           # the file itself: trying again gives the same answer
            log.warning("job %s (%s) refused: %s", job_id, name, exc.message)
            jq.finish(self.settings, job_id, self.id, jq.FAILED, exc.message, result={"code": exc.code})
        except Exception as exc:             # anything else may pass: tried again, then failed
            log.exception("job %s (%s) failed", job_id, name)
            state = jq.retry_or_fail(self.settings, job_id, self.id, f"lỗi không xác định ({exc.__class__.__name__}: {exc})")
            if state == jq.QUEUED:
                self.broker.wake(self._queue_of(job_id), job_id)

    def _queue_of(self, job_id: int) -> str:
        from ..storage import models as m
        from ..storage.db import session_scope
        with session_scope(self.settings) as s:
            return s.get(m.Job, job_id).queue

    # -- living ------------------------------------------------------------------------------
    def recover(self) -> int:
        """Take back dead workers' jobs and wake a worker for every queued job."""
        queued = jq.recover(self.settings)
        for job_id, q in queued:
            self.broker.wake(q, job_id)
        return len(queued)

    def start(self, queues: list[str] | tuple[str, ...] = jq.QUEUES, threads: int = 1) -> None:
        jq.register(self.settings, self.id, list(queues))
        self._consumers = self.broker.consumers(list(queues), threads)
        for c in self._consumers:
            c.start()
        self.recover()
        t = threading.Thread(target=self._beat, name="dondoc-heartbeat", daemon=True)
        t.start()
        self._threads.append(t)

    def start_inline(self) -> None:
        """Run the jobs this process submits, at once and here (`dondoc mail`, its broker
        immediate): registered and beating like any worker, so a long scan is not taken for a
        dead worker's job, but consuming no queue and taking back no one else's jobs."""
        jq.register(self.settings, self.id, [])
        t = threading.Thread(target=self._beat, args=(False,), name="dondoc-heartbeat", daemon=True)
        t.start()
        self._threads.append(t)

    def _beat(self, recovering: bool = True) -> None:
        interval = max(1.0, self.settings.job_stale_seconds / 6)
        n = 0
        while not self._stop.wait(interval):
            try:
                jq.beat(self.settings, self.id)
                n += 1
                if recovering and n % 6 == 0:      # now and then, take back the jobs of workers that died
                    self.recover()
            except Exception:       # a locked or unreachable database: beat again next time
                log.exception("heartbeat failed")

    def stop(self) -> None:
        self._stop.set()
        for c in self._consumers:
            c.stop(graceful=False)
        jq.unregister(self.settings, self.id)
