"""`dondoc check`: the database (the truth) against what depends on it, like Paperless-ngx's
sanity checker — the search index, the stored files and their checksums, the jobs and the
workers holding them. `fix` repairs what can be repaired: index drift through the index work
queue (the outbox), jobs of dead workers back to their queue. A damaged or missing original
cannot be repaired from here; it is reported, with the document it belongs to.

Each run is kept as a job of kind `check`, its findings as the job's result: the admin page
shows the last one."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from .config import Settings
from .storage import models as m
from .storage.db import session_scope


@dataclass
class Finding:
    area: str            # index | files | jobs
    message: str         # in Vietnamese
    fixed: bool = False


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return all(f.fixed for f in self.findings)

    def add(self, area: str, message: str, fixed: bool = False) -> None:
        self.findings.append(Finding(area, message, fixed))

    def to_dict(self) -> dict:
        return {"clean": self.clean, "counts": self.counts, "findings": [asdict(f) for f in self.findings]}


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_index(settings: Settings, report: Report, fix: bool) -> None:
    from .search.backends import backend
    from .search.outbox import drain, enqueue
    with session_scope(settings) as s:
        pending = {j.entity_id for j in s.scalars(select(m.IndexJob))}
        truth: dict[int, set[int]] = {d: set() for d in s.scalars(select(m.Dispatch.id))}
        # only a confirmed dispatch's tasks are obligations in the index (search.documents)
        for tid, did in s.execute(select(m.Task.id, m.Task.dispatch_id).join(m.Dispatch, m.Task.dispatch_id == m.Dispatch.id)
                                  .where(m.Dispatch.confirmed)):
            truth[did].add(tid)
    try:
        held = backend(settings).indexed()
    except Exception as exc:
        report.add("index", f"chỉ mục tìm kiếm ({settings.search_backend}) không phản hồi: {exc.__class__.__name__}")
        return
    missing = sorted(d for d in truth if d not in held and d not in pending)
    stale = sorted(d for d in held if d not in truth and d not in pending)
    differ = sorted(d for d in truth if d in held and held[d] != truth[d] and d not in pending)
    report.counts.update(dispatches=len(truth), indexed=len(held), index_pending=len(pending))
    if fix and (missing or stale or differ):
        with session_scope(settings) as s:
            enqueue(s, missing + differ)
            enqueue(s, stale, op="delete")
        try:
            drain(settings)
            done = True
        except Exception:
            done = False
    else:
        done = False
    for ids, what in ((missing, "có trong cơ sở dữ liệu nhưng không có trong chỉ mục"),
                      (stale, "còn trong chỉ mục nhưng không còn trong cơ sở dữ liệu"),
                      (differ, "có nhiệm vụ trong chỉ mục khác với cơ sở dữ liệu")):
        if ids:
            shown = ", ".join(map(str, ids[:20])) + ("…" if len(ids) > 20 else "")
            report.add("index", f"{len(ids)} văn bản {what} (mã {shown})", fixed=done)


def check_files(settings: Settings, report: Report) -> None:
    checked = 0
    with session_scope(settings) as s:
        rows = [(d.id, d.filename, d.stored_path, d.sha256, list(d.children or [])) for d in s.scalars(select(m.Document))]
    referenced = set()
    for doc_id, name, rel, sha, children in rows:
        for what, r, digest in [("bản gốc", rel, sha)] + [(f"tệp đính kèm {c.get('name')}", c.get("stored_path"), c.get("sha256"))
                                                           for c in children if c.get("stored_path")]:
            referenced.add(r)
            path = settings.data_dir / r
            checked += 1
            if not path.exists():
                report.add("files", f"văn bản mã {doc_id} ({name}): thiếu {what} ({r})")
            elif digest and _sha256(path) != digest:
                report.add("files", f"văn bản mã {doc_id} ({name}): {what} bị thay đổi hoặc hỏng (SHA-256 không khớp)")
    originals = settings.data_dir / "originals"
    orphans = [p for p in originals.rglob("*") if p.is_file() and not p.name.startswith(".")
               and str(p.relative_to(settings.data_dir)) not in referenced] if originals.exists() else []
    if orphans:
        report.add("files", f"{len(orphans)} tệp trong originals/ không thuộc văn bản nào (không xóa tự động)")
    report.counts["files"] = checked


def check_jobs(settings: Settings, report: Report, fix: bool) -> None:
    from .jobs import queue as jq
    stuck = jq.stuck(settings)
    with session_scope(settings) as s:
        live = [w for w in s.scalars(select(m.Worker).where(m.Worker.stopped_at.is_(None)))
                if not jq.worker_dead(settings, w.id, w.heartbeat_at)]
        queued = s.scalars(select(m.Job).where(m.Job.state == jq.QUEUED)).all()
    report.counts.update(workers=len(live), jobs_queued=len(queued), jobs_stuck=len(stuck))
    if stuck:
        if fix:
            jq.recover(settings)
        names = ", ".join(f"{j.id} ({j.filename})" for j in stuck[:10])
        report.add("jobs", f"{len(stuck)} việc đang chạy mà tiến trình xử lý đã dừng: {names}"
                   + (" — đã đưa lại vào hàng đợi" if fix else ""), fixed=fix)
    waiting = {j.queue for j in queued}
    served = {q for w in live for q in (w.queues or [])}
    for q in sorted(waiting - served):
        n = sum(1 for j in queued if j.queue == q)
        report.add("jobs", f"{n} việc chờ ở hàng đợi '{q}' nhưng không có tiến trình xử lý nào đang chạy cho hàng đợi này")


def run(settings: Settings, fix: bool = False, record: bool = True) -> Report:
    report = Report()
    check_index(settings, report, fix)
    check_files(settings, report)
    check_jobs(settings, report, fix)
    if record:
        from .jobs import queue as jq
        with session_scope(settings) as s:
            job = jq.submit(s, "check", filename="dondoc check" + (" --fix" if fix else ""), username="hệ thống")
            job.state, job.finished_at, job.result = jq.DONE, jq.now(), report.to_dict()
            job.message = "Không có sai lệch." if report.clean else f"{sum(not f.fixed for f in report.findings)} sai lệch chưa sửa"
    return report


def last(settings: Settings) -> m.Job | None:
    with session_scope(settings) as s:
        return s.scalar(select(m.Job).where(m.Job.kind == "check").order_by(m.Job.id.desc()).limit(1))
