"""What a task's state is called, and how reports count it.

The four reporting classes are the ones government task-tracking reports count; a suspended
task and a task with no deadline are reported apart from them. Every other module uses these
names; none writes a status code of its own.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum


class Status(StrEnum):
    """A task's own state, set by whoever follows it up. The values are what the database stores."""
    NOT_STARTED = "chua_thuc_hien"
    IN_PROGRESS = "dang_thuc_hien"
    SUSPENDED = "tam_dung"          # always with a reason
    DONE = "hoan_thanh"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.NOT_STARTED: "Chưa thực hiện",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.SUSPENDED: "Tạm dừng",
    Status.DONE: "Hoàn thành",
}

# the statuses under which a task can run late
OPEN_STATUSES: tuple[Status, ...] = (Status.NOT_STARTED, Status.IN_PROGRESS)


class Review(StrEnum):
    """A whole dispatch at review: a clerk confirms it into tracking or refuses it."""
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return REVIEW_LABELS[self]


REVIEW_LABELS: dict[Review, str] = {
    Review.PENDING: "Chờ soát xét",
    Review.CONFIRMED: "Đã xác nhận",
    Review.REFUSED: "Từ chối",
}


class ReportClass(StrEnum):
    """Where a task is counted in a report."""
    ON_TIME = "dung_han"                     # hoàn thành đúng hạn
    DONE_LATE = "qua_han_hoan_thanh"         # hoàn thành quá hạn
    IN_TIME = "trong_han"                    # đang thực hiện trong hạn
    OVERDUE = "qua_han"                      # quá hạn chưa hoàn thành
    SUSPENDED = "tam_dung"                   # reported apart; never overdue while suspended
    NO_DEADLINE = "khong_thoi_han"           # reported apart, in every report

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]


# the four classes as the law counts them, in the order reports print them
LEGAL_CLASSES: tuple[ReportClass, ...] = (ReportClass.ON_TIME, ReportClass.DONE_LATE, ReportClass.IN_TIME,
                                          ReportClass.OVERDUE)
APART_CLASSES: tuple[ReportClass, ...] = (ReportClass.SUSPENDED, ReportClass.NO_DEADLINE)
ALL_CLASSES: tuple[ReportClass, ...] = LEGAL_CLASSES + APART_CLASSES
DONE_CLASSES: tuple[ReportClass, ...] = (ReportClass.ON_TIME, ReportClass.DONE_LATE)

CLASS_LABELS: dict[ReportClass, str] = {
    ReportClass.ON_TIME: "Hoàn thành đúng hạn",
    ReportClass.DONE_LATE: "Hoàn thành quá hạn",
    ReportClass.IN_TIME: "Đang thực hiện trong hạn",
    ReportClass.OVERDUE: "Quá hạn chưa hoàn thành",
    ReportClass.SUSPENDED: "Tạm dừng",
    ReportClass.NO_DEADLINE: "Không thời hạn",
}
DUE_SOON_LABEL = "Sắp đến hạn"


def report_class(status: str, due: date | None, completed_on: date | None, today: date) -> ReportClass:
    """The class of a task from its status, its current deadline (see `current_due`) and the day
    it was completed. A suspended task is counted apart whatever its deadline; then a task with
    no deadline; a done task is on time when completed by its (extended) deadline."""
    if status == Status.SUSPENDED:
        return ReportClass.SUSPENDED
    if due is None:
        return ReportClass.NO_DEADLINE
    if status == Status.DONE:
        if completed_on is None or completed_on <= due:
            return ReportClass.ON_TIME
        return ReportClass.DONE_LATE
    if today > due:
        return ReportClass.OVERDUE
    return ReportClass.IN_TIME


def period_class(due: date | None, done_on: date | None, today: date) -> ReportClass:
    """The class of one period of a recurring task: done when its report was sent."""
    return report_class(Status.DONE if done_on else Status.IN_PROGRESS, due, done_on, today)


def is_due_soon(cls: ReportClass, due: date | None, today: date, days: int) -> bool:
    """"Sắp đến hạn": a flag on a task within its deadline that falls due in the next `days` days."""
    return cls == ReportClass.IN_TIME and due is not None and (due - today).days <= days


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """Overdue and not done: open, with a current deadline already past."""
    return status in OPEN_STATUSES and due is not None and due < today
