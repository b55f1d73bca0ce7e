"""The one domain model: task statuses, the classes reports count, the current deadline of a
task and the working-day calendar. Pure: it imports nothing from storage, search, web or nlp,
so every one of them (nlp's deadline parser too) may import it."""
from .due import DeadlineLike, TaskLike, classify, current_due
from .status import (ALL_CLASSES, APART_CLASSES, CLASS_LABELS, DONE_CLASSES, DUE_SOON_LABEL, LEGAL_CLASSES,
                     OPEN_STATUSES, REVIEW_LABELS, STATUS_LABELS, ReportClass, Review, Status, is_due_soon,
                     is_overdue, period_class, report_class)
from .workdays import DAY_KIND_LABELS, DayChange, DayKind, WorkingCalendar

__all__ = [
    "ALL_CLASSES", "APART_CLASSES", "CLASS_LABELS", "DAY_KIND_LABELS", "DONE_CLASSES", "DUE_SOON_LABEL",
    "LEGAL_CLASSES", "OPEN_STATUSES", "REVIEW_LABELS", "STATUS_LABELS", "DayChange", "DayKind", "DeadlineLike",
    "ReportClass", "Review", "Status", "TaskLike", "WorkingCalendar", "classify", "current_due", "is_due_soon", "is_overdue",
    "period_class", "report_class",
]
