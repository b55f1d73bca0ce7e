"""`dondoc mail`: every attachment of every new message in the office's IMAP folders ingested
like an upload (a job of the job table each, shown on the upload page, run at once by this
process), each message handled once.

Once: a message is known by its account and Message-ID (the raw message's checksum when it has
none), an attachment by its checksum — the same file in a second message is the same document.
A handled message is moved to `move_to` or marked read with dondoc's keyword. A message that
fails stays where it is, with its reason logged and kept (the upload page lists it); it is tried
again on the next run only if the reason may pass (the server or the database, not the file).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from .config import Settings
from .ingest.errors import IngestError
from .ingest.mail import MailAccount, Mailbox, Message, connect
from .jobs import queue as jq
from .jobs.worker import Worker
from .storage import models as m
from .storage.db import session_scope
from .storage.models import utcnow

TRANSIENT = {"unexpected"}      # reasons that may pass by the next run


@dataclass
class MailRun:
    account: str
    done: list[str] = field(default_factory=list)       # subjects of messages handled now
    failed: list[tuple[str, str]] = field(default_factory=list)   # (subject, reason)
    seen: int = 0                                         # messages already handled earlier


def accounts(settings: Settings) -> list[MailAccount]:
    return [MailAccount.from_dict(d) for d in settings.mail_accounts]


def _ingest_attachment(settings: Settings, account: MailAccount, name: str, data: bytes, worker: Worker) -> dict:
    """One attachment as an ingest job of the job table (so the upload page lists it like an
    upload), run now by this process's worker; what happened."""
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix.isascii() and suffix[1:].isalnum() else ""
    rel = Path("uploads") / f"{uuid.uuid4().hex}{suffix}"   # a generated name, never the sender's
    (settings.data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / rel).write_bytes(data)
    with session_scope(settings) as s:
        job = jq.submit(s, "ingest", filename=Path(name).name[:300], stored_path=str(rel),
                        username=f"thư: {account.label}"[:80])
    worker.submitted([job])          # the broker is immediate: the job has run when this returns
    with session_scope(settings) as s:
        job = s.get(m.Job, job.id)
        done = job.state == jq.DONE
        # a file dondoc cannot read says why (its code); anything else may pass by the next run
        code = None if done else (job.result or {}).get("code", "unexpected")
        message = job.message or job.last_error or "lỗi không xác định"
        return {"name": name, "job": job.id, "document_id": job.document_id, "status": "done" if done else "failed",
                "message": message, "code": code}


def handle(settings: Settings, account: MailAccount, msg: Message, worker: Worker) -> tuple[str, str | None]:
    """Ingest a message's attachments not yet in; ("done" | "failed" | "retry", reason)."""
    import hashlib
    with session_scope(settings) as s:
        row = s.scalar(select(m.MailMessage).where(m.MailMessage.account == account.key,
                                                   m.MailMessage.message_id == msg.message_id))
        before = list(row.attachments) if row else []
    done_shas = {a["sha256"] for a in before if a.get("status") == "done"}
    results = [a for a in before if a.get("status") == "done"]
    if not msg.attachments:
        status, reason = "failed", "thư không có tệp đính kèm"
    else:
        for att in msg.attachments:
            sha = hashlib.sha256(att.data).hexdigest()
            if sha in done_shas:
                continue
            r = _ingest_attachment(settings, account, att.name, att.data, worker)
            r["sha256"] = sha
            results.append(r)
        bad = [r for r in results if r["status"] != "done"]
        if not bad:
            status, reason = "done", None
        else:
            reason = "; ".join(f"{r['name']}: {r['message']}" for r in bad)
            status = "retry" if any(r["code"] in TRANSIENT for r in bad) else "failed"
    with session_scope(settings) as s:
        row = s.scalar(select(m.MailMessage).where(m.MailMessage.account == account.key,
                                                   m.MailMessage.message_id == msg.message_id))
        if row is None:
            row = m.MailMessage(account=account.key, message_id=msg.message_id, attempts=0)
            s.add(row)
        row.sender, row.subject = msg.sender[:300], msg.subject
        row.status, row.error, row.attachments = status, reason, results
        row.attempts = (row.attempts or 0) + 1
        row.last_at = utcnow()
    return status, reason


def inline_worker(settings: Settings) -> Worker:
    """The worker that runs this process's attachment jobs at once, beating while it does."""
    worker = Worker(settings, immediate=True)
    worker.start_inline()
    return worker


def run_account(settings: Settings, account: MailAccount, report: Callable[[str], None] = print,
                worker: Worker | None = None) -> MailRun:
    """One pass over one account's folder."""
    out = MailRun(account.label)
    own = worker is None
    worker = worker or inline_worker(settings)
    try:
        _read_folder(settings, account, report, worker, out)
    finally:
        if own:
            worker.stop()
    return out


def _read_folder(settings: Settings, account: MailAccount, report: Callable[[str], None], worker: Worker,
                 out: MailRun) -> None:
    box = Mailbox(account, connect(account))
    try:
        with session_scope(settings) as s:
            known = {mid: st for mid, st in s.execute(select(m.MailMessage.message_id, m.MailMessage.status)
                                                      .where(m.MailMessage.account == account.key))}
        for uid in box.uids():
            msg = box.fetch(uid)
            state = known.get(msg.message_id)
            if state == "done":          # handled before, but the move or mark did not happen
                box.handled(uid)
                out.seen += 1
                continue
            if state == "failed":        # left in place for the clerk; its reason is on the upload page
                continue
            status, reason = handle(settings, account, msg, worker)
            if status == "done":
                box.handled(uid)
                out.done.append(msg.subject)
                report(f"Đã tiếp nhận thư «{msg.subject}» ({len(msg.attachments)} tệp) từ {msg.sender}")
            else:
                out.failed.append((msg.subject, reason or ""))
                report(f"Lỗi thư «{msg.subject}» từ {msg.sender}: {reason}" + (" (sẽ thử lại lần sau)" if status == "retry" else ""))
    finally:
        box.close()


def run(settings: Settings, report: Callable[[str], None] = print) -> list[MailRun]:
    """Every configured account, one after another; an account that cannot be reached is
    reported and the others are still read."""
    runs = []
    worker = inline_worker(settings)
    try:
        for acc in accounts(settings):
            try:
                runs.append(run_account(settings, acc, report, worker))
            except IngestError as exc:
                report(f"Lỗi tài khoản {acc.label}: {exc.message}")
                runs.append(MailRun(acc.label, failed=[("", exc.message)]))
    finally:
        worker.stop()
    return runs
