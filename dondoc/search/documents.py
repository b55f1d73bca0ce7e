"""Database rows -> the documents both backends index (one per dispatch, one per task)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ..domain import Review, Status, current_due
from ..nlp.fold import fold
from ..storage import models as m


def _folded(original: str, restored: str | None) -> str:
    """Folded for matching: the original, and the restored copy too where folding does not make
    them one (OCR text repaired before its diacritics were restored)."""
    f = fold(original)
    r = fold(restored) if restored else f
    return f if r == f else f"{f}\n{r}"


def done_late(status: str, due: date | None, completed_on: date | None) -> bool:
    """Done after its (current) deadline: the one part of a task's report class that the index
    cannot tell from its status and deadline alone (domain.report_class)."""
    return status == Status.DONE and due is not None and completed_on is not None and completed_on > due


def task_doc(t: m.Task, d: m.Dispatch) -> dict:
    return _task_doc(t.id, d.id, t.text, t.text_restored, t.status, t.completed_on, t.names("lead"), t.names("support"),
                     t.deadlines, d)


def _task_doc(task_id: int, dispatch_id: int, text: str, restored: str | None, status: str, completed_on: date | None,
              lead: list[str], support: list[str], periods, d) -> dict:
    """A task's document from its values (`periods`: its deadlines ordered by due, `d`: its
    dispatch's number, issuer, issued and subject)."""
    dues = [x.due.isoformat() for x in periods if x.due]
    due = current_due(periods)     # the period not yet done, not simply the first
    return {
        # what the dashboard counts that status and deadline do not tell: a done task was late
        "done_late": done_late(status, due, completed_on),
        "id": task_id, "dispatch_id": dispatch_id, "text": restored or text, "folded": _folded(text, restored),
        "lead": lead, "support": support, "status": status,
        "deadlines": dues, "next_due": due.isoformat() if due else None,
        "number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
        "subject": d.subject or "",
    }


def dispatch_doc(d: m.Dispatch) -> dict:
    """A dispatch's document and its tasks' documents. Only the tasks of a confirmed dispatch are
    obligations: the tasks of one pending review (or refused) are not in the task index at all."""
    return _dispatch_doc(d, [task_doc(t, d) for t in d.tasks] if d.confirmed else [])


def _dispatch_doc(d, tasks: list[dict]) -> dict:
    return {
        "id": d.id, "number": d.number, "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
        "kind": d.kind, "subject": d.subject or "", "text": d.text_restored or d.text,
        "folded": _folded(d.text or "", d.text_restored),
        "subject_folded": fold(d.subject or ""), "tasks": tasks,
    }


# the page's rows as the driver's own SQL: an ORM select costs ~4 ms a query to build and run, and
# the first one of a process a quarter of a second (configuring every mapper, compiling the
# statement); a compiled text() with an expanding IN list still costs ~0.5 ms a statement, more
# than the database's work (`{ids}`: the driver's placeholders, one per id)
_PAGE_TASKS = ("SELECT t.id, t.text, t.text_restored, t.status, t.dispatch_id, d.number, d.issuer, d.issued, d.subject"
               " FROM tasks t JOIN dispatches d ON t.dispatch_id = d.id WHERE t.id IN ({ids})")
_PAGE_AGENCIES = ("SELECT ta.task_id, ta.role, a.name FROM task_agencies ta JOIN agencies a ON ta.agency_id = a.id"
                  " WHERE ta.task_id IN ({ids}) ORDER BY ta.id")
_PAGE_DEADLINES = "SELECT task_id, due, done_on FROM deadlines WHERE task_id IN ({ids}) ORDER BY due"


class _Period(NamedTuple):
    due: date | None
    done_on: date | None


def _date(v: date | str | None) -> date | None:
    """A DATE column as the driver gives it: a date (psycopg) or its ISO text (sqlite3)."""
    return date.fromisoformat(v) if isinstance(v, str) else v


def task_docs(db: Session | Connection, ids: list[int]) -> dict[int, dict]:
    """The tasks as indexed, read from the register (what a page of search hits shows) over a
    session or a connection: three plain queries, no objects, so a page costs a few
    milliseconds whatever the register's size."""
    if not ids:
        return {}
    out: dict[int, dict] = {}
    c = db.connection() if isinstance(db, Session) else db
    mark = "?" if c.dialect.paramstyle == "qmark" else "%s"
    marks, args = ",".join([mark] * len(ids)), tuple(ids)
    for r in c.exec_driver_sql(_PAGE_TASKS.format(ids=marks), args):
        issued = _date(r.issued)
        out[r.id] = {"id": r.id, "dispatch_id": r.dispatch_id, "text": r.text_restored or r.text,
                     "lead": [], "support": [], "status": r.status,
                     "deadlines": [], "next_due": None, "number": r.number, "issuer": r.issuer,
                     "issued": issued.isoformat() if issued else None, "subject": r.subject or ""}
    for task_id, role, name in c.exec_driver_sql(_PAGE_AGENCIES.format(ids=marks), args):
        if task_id in out:
            out[task_id][role].append(name)
    periods: dict[int, list[_Period]] = {}
    for task_id, due, done_on in c.exec_driver_sql(_PAGE_DEADLINES.format(ids=marks), args):
        periods.setdefault(task_id, []).append(_Period(_date(due), _date(done_on)))
    for task_id, ds in periods.items():
        if task_id in out:
            current = current_due(ds)
            out[task_id]["deadlines"] = [x.due.isoformat() for x in ds if x.due]
            out[task_id]["next_due"] = current.isoformat() if current else None
    return out


LOAD_BATCH = 1000       # dispatches read at a time: memory stays flat however large the register


def load_dispatches(session: Session, ids: list[int] | None = None, batch: int = LOAD_BATCH) -> Iterator[dict]:
    """The documents of these dispatches (every one: `ids` None), in id order, as `dispatch_doc`
    builds them. Plain queries a batch of dispatches at a time (their tasks, agencies and
    deadlines by dispatch id range), no ORM objects: a rebuild of a million tasks reads the
    register in a minute and holds one batch in memory."""
    if ids is not None:
        wanted = sorted(set(ids))
        for k in range(0, len(wanted), batch):
            yield from _batch_docs(session, m.Dispatch.id.in_(wanted[k:k + batch]))
        return
    last = 0
    while True:
        upto = session.execute(select(m.Dispatch.id).where(m.Dispatch.id > last).order_by(m.Dispatch.id)
                               .offset(batch - 1).limit(1)).scalar()
        cond = m.Dispatch.id > last if upto is None else m.Dispatch.id.between(last + 1, upto)
        yield from _batch_docs(session, cond)
        if upto is None:
            return
        last = upto


def _batch_docs(session: Session, which) -> Iterator[dict]:
    disps = session.execute(select(m.Dispatch.id, m.Dispatch.number, m.Dispatch.issuer, m.Dispatch.issued, m.Dispatch.kind,
                                   m.Dispatch.subject, m.Dispatch.text, m.Dispatch.text_restored, m.Dispatch.review)
                            .where(which).order_by(m.Dispatch.id)).all()
    if not disps:
        return
    confirmed = [d.id for d in disps if d.review == Review.CONFIRMED]
    of_tasks = m.Task.dispatch_id.in_(confirmed)
    roles: dict[int, dict[str, list[str]]] = {}
    for task_id, role, name in session.execute(select(m.TaskAgency.task_id, m.TaskAgency.role, m.Agency.name)
                                               .join(m.Agency, m.TaskAgency.agency_id == m.Agency.id)
                                               .join(m.Task, m.TaskAgency.task_id == m.Task.id)
                                               .where(of_tasks).order_by(m.TaskAgency.id)):
        roles.setdefault(task_id, {"lead": [], "support": []}).setdefault(role, []).append(name)
    periods: dict[int, list] = {}
    for p in session.execute(select(m.Deadline.task_id, m.Deadline.due, m.Deadline.done_on)
                             .join(m.Task, m.Deadline.task_id == m.Task.id).where(of_tasks)
                             .order_by(m.Deadline.task_id, m.Deadline.due, m.Deadline.id)):
        periods.setdefault(p.task_id, []).append(p)
    by_dispatch: dict[int, list] = {}
    for t in session.execute(select(m.Task.id, m.Task.dispatch_id, m.Task.text, m.Task.text_restored, m.Task.status,
                                    m.Task.completed_on).where(of_tasks).order_by(m.Task.dispatch_id, m.Task.seq, m.Task.id)):
        by_dispatch.setdefault(t.dispatch_id, []).append(t)
    none: dict[str, list[str]] = {"lead": [], "support": []}
    for d in disps:
        tasks = []
        for t in by_dispatch.get(d.id, []):
            r = roles.get(t.id, none)
            tasks.append(_task_doc(t.id, d.id, t.text, t.text_restored, t.status, t.completed_on, list(r.get("lead", [])),
                                   list(r.get("support", [])), periods.get(t.id, []), d))
        yield _dispatch_doc(d, tasks)
