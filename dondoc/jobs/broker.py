"""The broker only wakes workers: huey on SQLite (one huey per queue, in the data folder).
A wake-up carries a job id; the worker claims the job in the job table, so a lost wake-up is
resent by recovery and a duplicate one does nothing."""
from __future__ import annotations

import logging
from typing import Callable

from huey import SqliteHuey

from ..config import Settings
from .queue import QUEUES

log = logging.getLogger(__name__)


class Broker:
    def __init__(self, settings: Settings, run: Callable[[int], None], immediate: bool = False):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.hueys: dict[str, SqliteHuey] = {}
        for q in QUEUES:
            h = SqliteHuey(f"dondoc-{q}", filename=str(settings.data_dir / "queue.sqlite3"), immediate=immediate)
            h.run_job = h.task(name="run_job")(run)
            self.hueys[q] = h
        # every minute, the index work writers could not do (the index was down) is retried
        from huey import crontab
        self.hueys["default"].periodic_task(crontab(minute="*"), name="drain_index")(self.drain_index)
        # the daily check (database, index, files, jobs), run by the consumer of the default queue
        self.hueys["default"].periodic_task(crontab(hour="2", minute="30"), name="daily_check")(self.daily_check)

    def drain_index(self) -> int:
        from ..search import outbox
        try:
            return outbox.drain(self.settings)
        except Exception:
            log.warning("search index still unavailable; %d index jobs wait", outbox.pending(self.settings), exc_info=True)
            return 0

    def daily_check(self) -> None:
        from ..check import run
        run(self.settings, fix=True)

    def wake(self, queue: str, job_id: int) -> None:
        self.hueys[queue].run_job(job_id)

    def consumers(self, queues: list[str], threads: int = 1) -> list:
        """Consumers (threads in this process) for the named queues; `start()` each."""
        return [self.hueys[q].create_consumer(workers=threads, worker_type="thread", periodic=q == "default",
                                              check_worker_health=False) for q in queues]
