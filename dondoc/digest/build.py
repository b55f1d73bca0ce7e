"""What each agency (and each subscribed user) should hear: its tasks overdue and those flagged
"sắp đến hạn" (due in the next N days), grouped and sorted by deadline. A suspended task is not
overdue while suspended and a task with no deadline is never due: neither is in a digest."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import ReportClass, WorkingCalendar, classify, current_due, is_due_soon
from ..storage import models as m
from ..tracking.scope import scope_of
from ..tracking.workdays import working_calendar


@dataclass
class Item:
    task_id: int
    text: str
    number: str | None
    subject: str | None
    due: date
    days: int            # days left (>= 0) or days late (< 0)
    working_days: int    # the same in working days
    role: str            # chủ trì | phối hợp
    url: str


@dataclass
class Digest:
    key: str                      # agency:<id> | user:<id>
    title: str                    # whom it is about
    addresses: list[str]
    overdue: list[Item] = field(default_factory=list)
    due_soon: list[Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.overdue and not self.due_soon


def _items(tasks_roles: Iterable[tuple[m.Task, str]], today: date, days: int, base_url: str,
           calendar: WorkingCalendar) -> tuple[list[Item], list[Item]]:
    overdue: list[Item] = []
    soon: list[Item] = []
    seen: set[int] = set()
    for t, role in tasks_roles:
        if t.id in seen or not t.dispatch.confirmed:   # only tasks under tracking
            continue
        seen.add(t.id)
        due = current_due(t.deadlines)
        cls = classify(t, today)
        late = cls == ReportClass.OVERDUE
        if due is None or not (late or is_due_soon(cls, due, today, days)):
            continue
        it = Item(t.id, t.shown_text, t.dispatch.number, t.dispatch.subject, due, (due - today).days,
                  calendar.working_days_between(today, due), "chủ trì" if role == "lead" else "phối hợp",
                  f"{base_url.rstrip('/')}/tasks/{t.id}")
        (overdue if late else soon).append(it)
    overdue.sort(key=lambda i: (i.due, i.task_id))
    soon.sort(key=lambda i: (i.due, i.task_id))
    return overdue, soon


def build(session: Session, today: date, days: int, base_url: str = "http://127.0.0.1:5000") -> list[Digest]:
    calendar = working_calendar(session)
    out: list[Digest] = []
    for a in session.scalars(select(m.Agency).order_by(m.Agency.name)):
        if not a.emails:
            continue
        links = session.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id == a.id)).all()
        overdue, soon = _items(((ta.task, ta.role) for ta in links), today, days, base_url, calendar)
        out.append(Digest(f"agency:{a.id}", a.name, list(a.emails), overdue, soon))
    for u in session.scalars(select(m.User).where(m.User.email.is_not(None)).order_by(m.User.username)):
        subs = session.scalars(select(m.Subscription).where(m.Subscription.user_id == u.id)).all()
        if not subs:
            continue
        agency_ids = [s.agency_id for s in subs]
        # what the user may see, even for a subscription older than their scope
        links = session.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id.in_(agency_ids),
                                                           scope_of(session, u).tasks_clause(m.TaskAgency.task_id))).all()
        overdue, soon = _items(((ta.task, ta.role) for ta in links), today, days, base_url, calendar)
        names = [a.name for a in session.scalars(select(m.Agency).where(m.Agency.id.in_(agency_ids)).order_by(m.Agency.name))]
        out.append(Digest(f"user:{u.id}", "; ".join(names), [u.email or ""], overdue, soon))
    return out
