"""Admins: the year's working-day calendar. Vietnam's public holidays (Tết included) and the
swapped days the `holidays` package knows are shown; the admin adds the days it does not know
yet (a compensatory day decided this year, a local day off, a Saturday worked). Every count of
working days in dondoc reads them (`tracking.workdays.working_calendar`)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import DAY_KIND_LABELS, DayKind
from ..tracking.workdays import entered_days, remove_day, set_day, working_calendar
from .auth import roles_required
from .db import session
from .forms import FieldError, parse_date

bp = Blueprint("workdays", __name__)


@bp.route("/admin/calendar")
@roles_required("admin")
def index():
    db = session()
    try:
        year = int(request.args.get("year") or date.today().year)
    except ValueError:
        year = date.today().year
    cal = working_calendar(db)
    return render_template("workdays.html", year=year, holidays=cal.public_holidays(year),
                           swapped=cal.swapped_working_days(year),
                           entered=[r for r in entered_days(db) if r.day.year == year],
                           kinds=DAY_KIND_LABELS, DayKind=DayKind)


@bp.route("/admin/calendar", methods=["POST"])
@roles_required("admin")
def add():
    db = session()
    f = request.form
    try:
        day = parse_date(f.get("day"), "day")
        if day is None:
            raise FieldError("day", "cần nhập ngày (dd/mm/yyyy)")
        set_day(db, day, f.get("kind", ""), f.get("note", ""), current_user.username)
    except FieldError as exc:
        db.rollback()
        flash(f"Không lưu được: {exc.message}.", "error")
        return redirect(url_for("workdays.index"))
    except ValueError as exc:
        db.rollback()
        flash(f"Không lưu được: {exc}.", "error")
        return redirect(url_for("workdays.index"))
    db.commit()
    flash(f"Đã lưu ngày {day:%d/%m/%Y}: {DayKind(f['kind']).label}.", "ok")
    return redirect(url_for("workdays.index", year=day.year))


@bp.route("/admin/calendar/<day>/delete", methods=["POST"])
@roles_required("admin")
def delete(day: str):
    db = session()
    try:
        d = date.fromisoformat(day)
    except ValueError:
        flash("Ngày không hợp lệ.", "error")
        return redirect(url_for("workdays.index"))
    if remove_day(db, d):
        db.commit()
        flash(f"Đã xóa ngày {d:%d/%m/%Y} khỏi lịch của đơn vị.", "ok")
    return redirect(url_for("workdays.index", year=d.year))
