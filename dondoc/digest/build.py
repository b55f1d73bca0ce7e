"""What each agency (and each subscribed user) should hear: its open tasks due in the next N
days and its overdue ones, grouped and sorted by deadline."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage import models as m
from ..tracking.status import task_due


@dataclass
class Item:
    task_id: int
    text: str
    number: str | None
    subject: str | None
    due: date
    days: int            # days left (>= 0) or days late (< 0)
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


def _items(tasks_roles, today: date, days: int, base_url: str) -> tuple[list[Item], list[Item]]:
    overdue, soon = [], []
    seen = set()
    for t, role in tasks_roles:
        if t.id in seen or t.status == "hoan_thanh" or not t.dispatch.confirmed:   # only tasks under tracking
            continue
        due = task_due(t)
        if due is None:
            continue
        seen.add(t.id)
        it = Item(t.id, t.text, t.dispatch.number, t.dispatch.subject, due, (due - today).days,
                  "chủ trì" if role == "lead" else "phối hợp", f"{base_url.rstrip('/')}/tasks/{t.id}")
        if due < today:
            overdue.append(it)
        elif due <= today + timedelta(days=days):
            soon.append(it)
    overdue.sort(key=lambda i: (i.due, i.task_id))
    soon.sort(key=lambda i: (i.due, i.task_id))
    return overdue, soon


def build(session: Session, today: date, days: int = 7, base_url: str = "http://127.0.0.1:5000") -> list[Digest]:
    out: list[Digest] = []
    for a in session.scalars(select(m.Agency).order_by(m.Agency.name)):
        if not a.emails:
            continue
        links = session.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id == a.id)).all()
        overdue, soon = _items(((ta.task, ta.role) for ta in links), today, days, base_url)
        out.append(Digest(f"agency:{a.id}", a.name, list(a.emails), overdue, soon))
    for u in session.scalars(select(m.User).where(m.User.email.is_not(None)).order_by(m.User.username)):
        subs = session.scalars(select(m.Subscription).where(m.Subscription.user_id == u.id)).all()
        if not subs:
            continue
        agency_ids = [s.agency_id for s in subs]
        links = session.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id.in_(agency_ids))).all()
        overdue, soon = _items(((ta.task, ta.role) for ta in links), today, days, base_url)
        names = [session.get(m.Agency, i).name for i in agency_ids]
        out.append(Digest(f"user:{u.id}", "; ".join(names), [u.email], overdue, soon))
    return out
