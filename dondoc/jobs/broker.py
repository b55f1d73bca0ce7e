"""The broker only wakes workers: huey on SQLite (one huey per queue, in the data folder), or on
Redis when `DONDOC_QUEUE_URL=redis://…` is set, so that worker processes on several machines
(`dondoc worker --queue ocr|default`) share the queues. A wake-up carries a job id; the worker
claims the job in the job table, so a lost wake-up (Redis restarted, its memory gone) is resent
by recovery and a duplicate one does nothing."""
from __future__ import annotations

import logging
from typing import Callable

from huey import Huey, RedisHuey, SqliteHuey

from ..config import Settings
from .queue import QUEUES

log = logging.getLogger(__name__)


class Broker:
    def __init__(self, settings: Settings, run: Callable[[int, str], None], immediate: bool = False):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.hueys: dict[str, Huey] = {}
        for q in QUEUES:
            h = self._huey(settings, f"dondoc-{q}", immediate)
            h.run_job = h.task(name="run_job")(self._on_queue(run, q))
            self.hueys[q] = h
        # every minute, the index work writers could not do (the index was down) is retried
        from huey import crontab
        self.hueys["default"].periodic_task(crontab(minute="*"), name="drain_index")(self.drain_index)
        # the daily check (database, index, files, jobs), run by the consumer of the default queue
        self.hueys["default"].periodic_task(crontab(hour="2", minute="30"), name="daily_check")(self.daily_check)

    @staticmethod
    def _on_queue(run: Callable[[int, str], None], queue: str) -> Callable[[int], None]:
        # a wake-up says which queue it came through, so a stale one left on a queue the job
        # has moved from claims nothing
        def run_job(job_id: int) -> None:
            run(job_id, queue)
        return run_job

    @staticmethod
    def _huey(settings: Settings, name: str, immediate: bool) -> Huey:
        url = settings.queue_url
        if not url:
            return SqliteHuey(name, filename=str(settings.data_dir / "queue.sqlite3"), immediate=immediate)
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"DONDOC_QUEUE_URL không hợp lệ (cần redis://…): {url.split('@')[-1]}")
        # a task's result is never read: the job table holds the outcome
        return RedisHuey(name, url=url, results=False, immediate=immediate)

    def drain_index(self) -> int:
        from ..search import outbox
        try:
            return outbox.drain(self.settings)
        except Exception:
            log.warning("search index still unavailable; %d index jobs wait", outbox.pending(self.settings), exc_info=True)
            return 0

    def daily_check(self) -> None:
        """Every consumer of the default queue schedules it; the lock (in the broker, so across
        processes and machines) lets one of them run it at a time."""
        from huey.exceptions import TaskLockedException
        from ..check import run
        try:
            with self.hueys["default"].lock_task("daily_check"):
                run(self.settings, fix=True)
        except TaskLockedException:
            log.info("the daily check is already running in another worker")

    def wake(self, queue: str, job_id: int) -> None:
        """A broker that does not answer (Redis down) loses only the wake-up: the job is queued in
        the job table, and a worker's recovery wakes it again."""
        try:
            self.hueys[queue].run_job(job_id)
        except Exception:
            if self.hueys[queue].immediate:
                raise
            log.warning("broker unavailable: job %s waits in the job table for a worker's recovery", job_id, exc_info=True)

    def consumers(self, queues: list[str], threads: int = 1) -> list:
        """Consumers (threads in this process) for the named queues; `start()` each."""
        return [self.hueys[q].create_consumer(workers=threads, worker_type="thread", periodic=q == "default",
                                              check_worker_health=False) for q in queues]
