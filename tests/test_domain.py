"""The one domain model: status names, report classes, the current deadline and working days.
Pure functions on plain data: no database."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date

from dondoc.domain import (ALL_CLASSES, CLASS_LABELS, LEGAL_CLASSES, STATUS_LABELS, DayChange, DayKind, ReportClass,
                           Review, Status, WorkingCalendar, classify, current_due, is_due_soon, is_overdue,
                           period_class, report_class)

from .conftest import ROOT

TODAY = date(2024, 6, 1)


@dataclass
class D:
    due: date | None
    done_on: date | None = None


@dataclass
class T:
    status: str
    deadlines: list[D]
    completed_on: date | None = None


def test_status_names_are_the_offices_own():
    assert [STATUS_LABELS[s] for s in Status] == ["Chưa thực hiện", "Đang thực hiện", "Tạm dừng", "Hoàn thành"]
    assert Review.REFUSED.label == "Từ chối"


def test_statuses_stored_before_keep_their_codes():
    assert [s.value for s in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE)] == \
        ["chua_thuc_hien", "dang_thuc_hien", "hoan_thanh"]


def test_the_four_classes_are_the_ones_the_law_counts():
    assert [CLASS_LABELS[c] for c in LEGAL_CLASSES] == [
        "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành"]


def test_done_by_the_deadline_is_on_time_and_after_it_late():
    assert report_class(Status.DONE, date(2024, 5, 20), date(2024, 5, 20), TODAY) == ReportClass.ON_TIME
    assert report_class(Status.DONE, date(2024, 5, 20), date(2024, 5, 21), TODAY) == ReportClass.DONE_LATE


def test_open_past_its_deadline_is_overdue_and_before_it_in_time():
    assert report_class(Status.IN_PROGRESS, date(2024, 5, 31), None, TODAY) == ReportClass.OVERDUE
    assert report_class(Status.NOT_STARTED, TODAY, None, TODAY) == ReportClass.IN_TIME


def test_a_suspended_task_is_reported_apart_and_never_overdue():
    assert report_class(Status.SUSPENDED, date(2020, 1, 1), None, TODAY) == ReportClass.SUSPENDED
    assert not is_overdue(Status.SUSPENDED, date(2020, 1, 1), TODAY)


def test_a_task_with_no_deadline_is_khong_thoi_han_whatever_its_status():
    assert {report_class(s, None, TODAY, TODAY) for s in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE)} == \
        {ReportClass.NO_DEADLINE}
    assert ReportClass.NO_DEADLINE.label == "Không thời hạn"


def test_sap_den_han_is_a_flag_on_trong_han_within_n_days():
    assert is_due_soon(ReportClass.IN_TIME, date(2024, 6, 8), TODAY, 7)
    assert not is_due_soon(ReportClass.IN_TIME, date(2024, 6, 9), TODAY, 7)
    assert not is_due_soon(ReportClass.OVERDUE, date(2024, 5, 30), TODAY, 7)


def test_the_current_deadline_is_the_next_period_not_done():
    periods = [D(date(2024, 5, 20), done_on=date(2024, 5, 18)), D(date(2024, 11, 15))]
    assert current_due(periods) == date(2024, 11, 15)
    assert classify(T(Status.IN_PROGRESS, periods), TODAY) == ReportClass.IN_TIME


def test_a_past_period_not_done_makes_a_recurring_task_overdue():
    periods = [D(date(2024, 5, 20)), D(date(2024, 11, 15))]
    assert current_due(periods) == date(2024, 5, 20)
    assert classify(T(Status.IN_PROGRESS, periods), TODAY) == ReportClass.OVERDUE


def test_when_every_period_is_done_completion_is_judged_against_the_last():
    periods = [D(date(2024, 5, 20), date(2024, 5, 18)), D(date(2024, 11, 15), date(2024, 11, 20))]
    assert current_due(periods) == date(2024, 11, 15)
    assert classify(T(Status.DONE, periods, date(2024, 11, 20)), TODAY) == ReportClass.DONE_LATE


def test_an_extended_deadline_is_the_one_judged():
    # an extension moves `due` (the original is kept beside it, not read here)
    assert classify(T(Status.DONE, [D(date(2024, 7, 1))], date(2024, 6, 20)), TODAY) == ReportClass.ON_TIME


def test_a_deadline_without_a_date_is_no_deadline():
    assert current_due([D(None)]) is None


def test_a_period_is_classed_on_its_own():
    assert period_class(date(2024, 5, 20), date(2024, 5, 22), TODAY) == ReportClass.DONE_LATE
    assert period_class(date(2024, 5, 20), None, TODAY) == ReportClass.OVERDUE


def test_every_class_has_a_label():
    assert set(CLASS_LABELS) == set(ALL_CLASSES)


# -- working days ------------------------------------------------------------------------------

def test_tet_is_not_a_working_day():
    cal = WorkingCalendar()
    assert not any(cal.is_working_day(date(2025, 1, d)) for d in range(27, 32))
    assert "Tết" in cal.why_off(date(2025, 1, 29))


def test_weekends_are_off_and_a_swapped_saturday_is_worked():
    cal = WorkingCalendar()
    assert cal.why_off(date(2024, 6, 1)) == "Thứ Bảy" and not cal.is_working_day(date(2024, 6, 2))
    assert cal.is_working_day(date(2024, 5, 4))         # worked for the day off on 29/4/2024
    assert not cal.is_working_day(date(2024, 4, 29))


def test_ten_working_days_from_receipt_skip_tet():
    # received Thursday 23/1/2025: Tết At Ty is 27/1 - 31/1
    assert WorkingCalendar().add_working_days(date(2025, 1, 23), 10) == date(2025, 2, 13)


def test_counting_starts_the_day_after():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2024, 6, 3), 1) == date(2024, 6, 4)
    assert cal.add_working_days(date(2024, 6, 3), 0) == date(2024, 6, 3)
    assert cal.add_working_days(date(2024, 6, 4), -1) == date(2024, 6, 3)


def test_lateness_in_working_days():
    cal = WorkingCalendar()
    assert cal.working_days_between(date(2024, 4, 26), date(2024, 5, 6)) == 4   # 2, 3, 4 (Saturday worked) and 6 May
    assert cal.working_days_between(date(2024, 5, 6), date(2024, 4, 26)) == -4


def test_days_an_admin_entered_win_over_the_package():
    cal = WorkingCalendar([DayChange(date(2024, 6, 3), DayKind.OFF, "Nghỉ bù theo quyết định của tỉnh"),
                           DayChange(date(2024, 6, 1), DayKind.WORK)])
    assert cal.why_off(date(2024, 6, 3)) == "Nghỉ bù theo quyết định của tỉnh"
    assert cal.is_working_day(date(2024, 6, 1))
    assert cal.next_working_day(date(2024, 6, 2)) == date(2024, 6, 4)


def test_the_domain_imports_nothing_from_the_layers_above():
    allowed = {"__future__", "collections", "dataclasses", "datetime", "enum", "typing", "holidays"}
    for path in (ROOT / "dondoc" / "domain").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 1 or (node.module or "").split(".")[0] in allowed, (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] in allowed for a in node.names), path.name


def test_no_status_or_class_code_is_written_outside_the_domain():
    import re
    codes = "|".join([s.value for s in Status] + [c.value for c in ReportClass])
    literal = re.compile(rf"""["']({codes})["']""")
    found = []
    for path in [*(ROOT / "dondoc").rglob("*.py"), *(ROOT / "dondoc").rglob("*.html"), *(ROOT / "benchmarks").rglob("*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("dondoc/domain/", "dondoc/storage/migrations/")):
            continue
        found += [f"{rel}: {m.group(0)}" for m in literal.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
