"""Calendar feeds (ICS) of deadlines for an agency or a user, behind a secret token in the URL:
all-day events in the office's time zone, each saying the task and its dispatch, with an alarm
a few days before."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event

from ..domain import Status
from ..storage import models as m


def token(secret: str, key: str) -> str:
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()[:32]


def check(secret: str, key: str, given: str) -> bool:
    return hmac.compare_digest(token(secret, key), given or "")


def feed(name: str, links: list[tuple[m.Task, str]], base_url: str, tz: str, alarm_days: int = 3) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//dondoc//lich han nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Hạn nhiệm vụ — {name}")
    cal.add("x-wr-timezone", tz)
    seen = set()
    for t, role in links:
        for d in t.deadlines:
            if d.due is None or (t.id, d.id) in seen:
                continue
            seen.add((t.id, d.id))
            ev = Event()
            ev.add("uid", f"task-{t.id}-deadline-{d.id}@dondoc")
            ev.add("dtstamp", datetime.now(timezone.utc))
            ev.add("dtstart", d.due)                       # a DATE: an all-day event
            ev.add("dtend", d.due + timedelta(days=1))
            done = " (đã hoàn thành)" if t.status == Status.DONE or d.done_on else ""
            paused = " (tạm dừng)" if t.status == Status.SUSPENDED and not done else ""
            ev.add("summary", f"Hạn{done}{paused}: {t.shown_text[:90]}")
            ev.add("description", f"Văn bản {t.dispatch.number or '(chưa số)'}: {t.dispatch.subject or ''}\n"
                                  f"Vai trò: {'chủ trì' if role == 'lead' else 'phối hợp'}\n{t.shown_text}\n{base_url.rstrip('/')}/tasks/{t.id}")
            ev.add("url", f"{base_url.rstrip('/')}/tasks/{t.id}")
            if not done and not paused:       # a suspended task is not chased
                al = Alarm()
                al.add("action", "DISPLAY")
                al.add("description", f"Sắp đến hạn: {t.shown_text[:80]}")
                al.add("trigger", timedelta(days=-alarm_days))
                ev.add_component(al)
            cal.add_component(ev)
    return cal.to_ical()
