"""Background work. The database's job table is the truth (state, attempts, last error, the
worker holding a job, its heartbeat, pages done of total); the broker only wakes workers.
Two queues: `ocr` (scans, large files) and `default`."""
