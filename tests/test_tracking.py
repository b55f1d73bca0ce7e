"""Tracking: the SQL form of the domain rule, status changes and the office calendar."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import select, text

from dondoc.domain import ReportClass, Status, classify
from dondoc.storage import models as m
from dondoc.storage.db import alembic_config, engine_for, session_scope
from dondoc.tracking.report import class_counts, classified
from dondoc.tracking.status import set_status
from dondoc.tracking.workdays import remove_day, set_day, working_calendar

pytestmark = pytest.mark.both_databases

TODAY = date(2024, 6, 1)
PAST, FUTURE = TODAY - timedelta(days=12), TODAY + timedelta(days=40)
PERIODS = [                    # (due, done_on) per deadline row
    [], [(None, None)], [(PAST, None)], [(FUTURE, None)], [(TODAY, None)],
    [(PAST, PAST - timedelta(days=1)), (FUTURE, None)], [(PAST, None), (FUTURE, None)],
    [(PAST, PAST), (FUTURE, FUTURE + timedelta(days=3))], [(PAST, TODAY), (None, None)],
]
COMPLETED = [None, PAST - timedelta(days=5), FUTURE + timedelta(days=1)]


def _dispatch(s, n: int) -> m.Dispatch:
    doc = m.Document(sha256=f"{n:064d}", filename=f"{n}.txt", mime="text/plain", kind="text", size=1, stored_path="x")
    d = m.Dispatch(number=f"{n}/UBND-VP", text="", confirmed=True)
    doc.dispatch = d
    s.add(doc)
    return d


def test_the_sql_classes_equal_the_domain_rule_on_the_same_rows(settings):
    with session_scope(settings) as s:
        d = _dispatch(s, 1)
        for i, (status, periods, done) in enumerate(itertools.product(Status, PERIODS, COMPLETED)):
            t = m.Task(seq=i, text=f"nhiệm vụ {i}", status=status.value, completed_on=done)
            t.deadlines = [m.Deadline(due=due, original_due=due, done_on=on) for due, on in periods]
            d.tasks.append(t)
        s.flush()
        c = classified(TODAY)
        sql = dict(s.execute(select(c.c.task_id, c.c.cls)).all())
        assert sql == {t.id: classify(t, TODAY) for t in d.tasks}
        assert set(sql.values()) == set(ReportClass)


def test_the_dashboards_one_pass_counts_classes_and_weeks_as_the_domain_rule_does(settings):
    from collections import Counter

    from dondoc.domain import current_due
    from dondoc.tracking.report import overview
    with session_scope(settings) as s:
        d = _dispatch(s, 4)
        for i in range(60):                   # one task due every few days, some done, some suspended
            due = TODAY + timedelta(days=3 * i - 20)
            t = m.Task(seq=i, text=f"nhiệm vụ {i}", status=list(Status)[i % len(Status)].value,
                       completed_on=due if i % 7 == 0 else None)
            t.deadlines = [m.Deadline(due=due, original_due=due)]
            d.tasks.append(t)
        s.flush()
        classes, weeks = overview(s, TODAY)
        expect = Counter(classify(t, TODAY) for t in d.tasks)
        assert classes == {k.value: n for k, n in expect.items()}
        for w, week in enumerate(weeks):
            start, end = TODAY + timedelta(days=7 * w), TODAY + timedelta(days=7 * w + 6)
            assert week["count"] == sum(1 for t in d.tasks if classify(t, TODAY) == ReportClass.IN_TIME
                                        and start <= current_due(t.deadlines) <= end)
        assert sum(w["count"] for w in weeks) > 0


def test_class_counts_leave_out_dispatches_not_confirmed(settings):
    with session_scope(settings) as s:
        d = _dispatch(s, 2)
        d.confirmed = False
        d.tasks.append(m.Task(seq=1, text="chưa xác nhận", deadlines=[m.Deadline(due=PAST)]))
        s.flush()
        assert class_counts(s, TODAY) == {}


def _task(s) -> m.Task:
    d = _dispatch(s, 3)
    t = m.Task(seq=1, text="Sở Tư pháp rà soát", deadlines=[m.Deadline(due=PAST, original_due=PAST)])
    d.tasks.append(t)
    s.flush()
    return t


def test_suspending_asks_for_a_reason(settings):
    with session_scope(settings) as s:
        t = _task(s)
        with pytest.raises(ValueError, match="lý do tạm dừng"):
            set_status(t, Status.SUSPENDED, "lanhdao")
        set_status(t, Status.SUSPENDED, "lanhdao", "chờ Bộ hướng dẫn")
        assert (t.status, t.status_reason) == (Status.SUSPENDED, "chờ Bộ hướng dẫn")
        assert classify(t, TODAY) == ReportClass.SUSPENDED
        assert t.history[-1].new == "Tạm dừng" and t.history[-1].reason == "chờ Bộ hướng dẫn"


def test_resuming_clears_the_reason_and_the_task_is_judged_again(settings):
    with session_scope(settings) as s:
        t = _task(s)
        set_status(t, Status.SUSPENDED, "lanhdao", "chờ Bộ hướng dẫn")
        set_status(t, Status.IN_PROGRESS, "lanhdao", "đã có hướng dẫn")
        assert t.status_reason is None and classify(t, TODAY) == ReportClass.OVERDUE


def test_an_unknown_status_is_refused(settings):
    with session_scope(settings) as s:
        with pytest.raises(ValueError, match="trạng thái không hợp lệ"):
            set_status(_task(s), "xong", "lanhdao")


def test_the_calendar_reads_the_days_an_admin_entered(settings):
    with session_scope(settings) as s:
        set_day(s, date(2024, 6, 3), "off", "Nghỉ bù", "quantri")
        set_day(s, date(2024, 6, 1), "work", "Làm bù", "quantri")
    with session_scope(settings) as s:
        cal = working_calendar(s)
        assert not cal.is_working_day(date(2024, 6, 3)) and cal.is_working_day(date(2024, 6, 1))
        assert remove_day(s, date(2024, 6, 3)) and not remove_day(s, date(2024, 6, 4))
    with session_scope(settings) as s:
        assert working_calendar(s).is_working_day(date(2024, 6, 3))


def test_a_day_kind_not_known_is_refused(settings):
    with session_scope(settings) as s:
        with pytest.raises(ValueError, match="loại ngày"):
            set_day(s, date(2024, 6, 3), "nghi", "", "quantri")


def test_statuses_stored_before_the_domain_model_read_the_same(settings):
    """A database at revision 0004 with tasks in every old status, upgraded: the rows keep their
    codes and the domain reads each of them."""
    url = settings.db_url
    command.downgrade(alembic_config(url), "0004")
    eng = engine_for(url)
    with eng.begin() as c:
        c.execute(text("INSERT INTO documents (id, sha256, filename, mime, kind, size, stored_path, created_at)"
                       " VALUES (1, 'a', 'a.txt', 'text/plain', 'text', 1, 'x', '2024-01-01')"))
        c.execute(text("INSERT INTO dispatches (id, document_id, recipients, cites, warnings, text, confirmed, created_at)"
                       " VALUES (1, 1, '[]', '[]', '[]', '', true, '2024-01-01')"))
        for i, code in enumerate(("chua_thuc_hien", "dang_thuc_hien", "hoan_thanh"), 1):
            c.execute(text("INSERT INTO tasks (id, dispatch_id, seq, text, status, corrected) VALUES (:i, 1, :i, 'x', :c, false)"),
                      {"i": i, "c": code})
    command.upgrade(alembic_config(url), "head")
    with session_scope(settings) as s:
        assert [Status(t.status) for t in s.scalars(select(m.Task).order_by(m.Task.id))] == \
            [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE]
