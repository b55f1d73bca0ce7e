"""Digests as email (HTML and plain text) through the configured SMTP server, or written to a
folder with --dry-run. Idempotent per day and address; a failed address is reported, does not
stop the others, and is tried again on the next run."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from ..config import Settings
from ..storage import models as m
from ..storage.db import session_scope
from .build import Digest, build

_env_html = Environment(loader=PackageLoader("dondoc.digest", "templates"), autoescape=select_autoescape(["html"]))
_env_text = Environment(loader=PackageLoader("dondoc.digest", "templates"), autoescape=False)


@dataclass
class Outcome:
    sent: list[tuple[str, str]]       # (key, address)
    skipped: list[tuple[str, str]]    # already sent today
    failed: list[tuple[str, str, str]]
    written: list[Path]


def render(d: Digest, today: date, days: int, sender: str, to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"[dondoc] Hạn nhiệm vụ {today.strftime('%d/%m/%Y')}: {len(d.overdue)} quá hạn, {len(d.due_soon)} sắp đến hạn — {d.title}"
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="dondoc")
    ctx = {"d": d, "today": today, "days": days}
    msg.set_content(_env_text.get_template("digest.txt").render(**ctx))
    msg.add_alternative(_env_html.get_template("digest.html").render(**ctx), subtype="html")
    return msg


def _smtp(settings: Settings):
    # certificates are always verified; an office whose server has a certificate from its own
    # CA names that CA's file in smtp_cafile
    tls = ssl.create_default_context(cafile=settings.smtp_cafile or None)
    conn: smtplib.SMTP
    if settings.smtp_security == "ssl":
        conn = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, context=tls, timeout=30)
    else:
        conn = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
        if settings.smtp_security == "starttls":
            conn.starttls(context=tls)
    if settings.smtp_user:
        conn.login(settings.smtp_user, settings.smtp_password)
    return conn


def run(settings: Settings, today: date | None = None, days: int | None = None, dry_run: Path | None = None) -> Outcome:
    """`days`: how far ahead a task is flagged "sắp đến hạn" (default: the configured due_soon_days)."""
    today = today or date.today()
    days = settings.due_soon_days if days is None else days
    out = Outcome([], [], [], [])
    with session_scope(settings) as s:
        digests = [d for d in build(s, today, days, settings.base_url) if not d.empty]
        done = {(x.key, x.address) for x in s.scalars(select(m.DigestLog).where(m.DigestLog.day == today, m.DigestLog.status == "sent"))}
    conn = None
    try:
        for d in digests:
            for addr in d.addresses:
                if (d.key, addr) in done:
                    out.skipped.append((d.key, addr))
                    continue
                msg = render(d, today, days, settings.mail_from, addr)
                if dry_run is not None:
                    dry_run.mkdir(parents=True, exist_ok=True)
                    f = dry_run / f"{today.isoformat()}-{d.key.replace(':', '-')}-{addr.replace('@', '_at_')}.eml"
                    f.write_bytes(bytes(msg))
                    out.written.append(f)
                    continue
                try:
                    if conn is None:
                        conn = _smtp(settings)
                    conn.send_message(msg)
                    _log(settings, today, d.key, addr, "sent", None)
                    out.sent.append((d.key, addr))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    _log(settings, today, d.key, addr, "failed", str(exc)[:500])
                    out.failed.append((d.key, addr, str(exc)))
                except (smtplib.SMTPException, OSError) as exc:
                    _log(settings, today, d.key, addr, "failed", str(exc)[:500])
                    out.failed.append((d.key, addr, str(exc)))
                    conn = None      # the connection is gone: open a new one for the next address
    finally:
        if conn is not None:
            try:
                conn.quit()
            except smtplib.SMTPException:
                pass
    return out


def _log(settings: Settings, day: date, key: str, address: str, status: str, error: str | None) -> None:
    with session_scope(settings) as s:
        row = s.scalar(select(m.DigestLog).where(m.DigestLog.day == day, m.DigestLog.key == key, m.DigestLog.address == address))
        if row is None:
            row = m.DigestLog(day=day, key=key, address=address, status=status, attempts=0)
            s.add(row)
        row.status, row.error = status, error
        row.attempts += 1


def parse_every(spec: str) -> dict:
    """`mon-fri 07:00` -> cron fields for APScheduler (day_of_week, hour, minute)."""
    parts = spec.split()
    if len(parts) != 2 or ":" not in parts[1]:
        raise ValueError("lịch phải có dạng 'mon-fri 07:00'")
    hh, mm = parts[1].split(":", 1)
    if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
        raise ValueError(f"giờ không hợp lệ: {parts[1]} (dạng HH:MM, ví dụ 07:00)")
    return {"day_of_week": parts[0], "hour": int(hh), "minute": int(mm)}


def schedule(spec: str, timezone: str):
    """The APScheduler trigger of `dondoc digest --every SPEC`, in the office's time zone."""
    from apscheduler.triggers.cron import CronTrigger
    fields = parse_every(spec)
    try:
        return CronTrigger(timezone=timezone, **fields)
    except ValueError as exc:
        raise ValueError(f"ngày trong tuần không hợp lệ: {fields['day_of_week']} (ví dụ mon-fri, mon,wed,fri)") from exc
