"""The clerk's review form: what was typed, read and checked before anything is written.

A save is all or nothing. Every field is read first; a value that cannot be used is an error
beside its field, and a record someone else saved since the page was opened is a conflict —
but only where this save would change it. Either way nothing is written and the page comes back
with everything the clerk typed. Once a dispatch is under tracking its tasks change the way
tracking changes them: a new deadline is an extension with its reason, and tasks are no longer
merged, split or deleted here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from .. import agency_names, agency_proposals
from ..domain.register import Secrecy, Urgency
from ..pipeline import agency_for
from ..storage import models as m
from ..storage.versions import StaleEdit, check
from ..tracking import register
from ..tracking.status import extend_deadline
from .forms import FieldError, edited, parse_date, parse_dates, parse_int

HEADER = ("number", "issued", "issuer", "kind", "subject")
REGISTER = ("arrival_number", "arrival_date", "urgency", "secrecy", "handler_unit", "handler_person", "handed_on",
            "register_note")
LABELS = {"number": "số ký hiệu", "issued": "ngày ban hành", "issuer": "cơ quan ban hành", "kind": "loại văn bản",
          "subject": "trích yếu", "arrival_number": "số đến", "arrival_date": "ngày đến", "urgency": "độ khẩn",
          "secrecy": "độ mật", "handler_unit": "đơn vị xử lý", "handler_person": "người xử lý",
          "handed_on": "ngày chuyển", "register_note": "ghi chú"}
SPLIT = re.compile(r"\n-{3,}")


def _names(value: str | None) -> list[str]:
    return [x for x in dict.fromkeys(agency_names.tidy(x) for x in re.split(r"\s*;\s*|\n", value or "")) if x]


@dataclass
class TaskInput:
    key: str                              # the form's prefix: "t12_" or "new_"
    task: m.Task | None
    text: str
    lead: list[str] | None = None         # as typed; None when the form did not carry the field
    support: list[str] | None = None
    deadlines: list[date] | None = None
    reason: str = ""                      # why the deadline moves (a dispatch under tracking)
    merge: bool = False
    delete: bool = False
    version: str | None = None


@dataclass
class ReviewInput:
    values: dict = field(default_factory=dict)        # header and register fields, read
    tasks: list[TaskInput] = field(default_factory=list)
    new: TaskInput | None = None
    version: str | None = None
    confirm: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: list[StaleEdit] = field(default_factory=list)
    locality: str = ""            # the office's: an initialism typed as a lead means its body first


def _read(inp: ReviewInput, name: str, fn):
    try:
        return fn()
    except FieldError as exc:
        inp.errors[name] = exc.message
        return None


def _task_input(f, key: str, t: m.Task | None, inp: ReviewInput) -> TaskInput:
    text = f.get(key + "text") if edited(f, key + "text") or t is None else t.text
    ti = TaskInput(key, t, (text or "").replace("\r\n", "\n"),
                   reason=(f.get(key + "reason") or "").strip(), merge=bool(f.get(key + "merge")),
                   delete=bool(f.get(key + "delete")), version=f.get(key + "version"))
    for role in ("lead", "support"):
        if edited(f, key + role):
            setattr(ti, role, _names(f.get(key + role)))
    if edited(f, key + "deadlines"):
        ti.deadlines = _read(inp, key + "deadlines", lambda: parse_dates(f.get(key + "deadlines"), key + "deadlines"))
    return ti


def parse(f, d: m.Dispatch, locality: str = "") -> ReviewInput:
    """Read the whole form; every unusable value is in `errors` by field name."""
    inp = ReviewInput(version=f.get("version"), confirm=bool(f.get("confirm")), locality=locality)
    v = inp.values
    for name in ("number", "issuer", "kind", "handler_unit", "handler_person"):
        if edited(f, name):
            v[name] = " ".join((f.get(name) or "").split()) or None
    for name in ("subject", "register_note"):          # several lines
        if edited(f, name):
            v[name] = (f.get(name) or "").replace("\r\n", "\n").strip() or None
    for name in ("issued", "arrival_date", "handed_on"):
        if edited(f, name):
            v[name] = _read(inp, name, lambda n=name: parse_date(f.get(n), n))
    if edited(f, "arrival_number"):
        v["arrival_number"] = _read(inp, "arrival_number", lambda: parse_int(f.get("arrival_number"), "arrival_number", "Số đến"))
    for name, kind in (("urgency", Urgency), ("secrecy", Secrecy)):
        if edited(f, name):
            if f.get(name) in {k.value for k in kind}:
                v[name] = f.get(name)
            else:
                inp.errors[name] = f"{LABELS[name].capitalize()} không hợp lệ"
    for t in d.tasks:
        inp.tasks.append(_task_input(f, f"t{t.id}_", t, inp))
    if (f.get("new_text") or "").strip():
        inp.new = _task_input(f, "new_", None, inp)
    _check_rules(inp, d)
    return inp


def _check_rules(inp: ReviewInput, d: m.Dispatch) -> None:
    """What a dispatch under tracking no longer allows here."""
    for ti in inp.tasks:
        t = ti.task
        if ti.delete and ti.merge:
            inp.errors[ti.key + "delete"] = "chọn xóa hoặc gộp, không cả hai"
        if not ti.delete and not ti.text.strip():
            inp.errors[ti.key + "text"] = "nội dung nhiệm vụ không được để trống (muốn bỏ thì chọn xóa)"
        if not d.confirmed or t is None:
            continue
        if ti.delete or ti.merge or SPLIT.search(ti.text):
            inp.errors[ti.key + ("delete" if ti.delete else "merge" if ti.merge else "text")] = (
                "văn bản đang được theo dõi: không xóa, gộp hay tách nhiệm vụ được nữa")
        if ti.deadlines is not None and _deadlines_changed(t, ti.deadlines):
            current = [x for x in t.deadlines if x.due]
            if len(ti.deadlines) < len(current):
                inp.errors[ti.key + "deadlines"] = "hạn đang theo dõi không bỏ được; đổi hạn là gia hạn"
            elif not ti.reason:
                inp.errors[ti.key + "reason"] = "văn bản đang được theo dõi: đổi hạn là gia hạn, cần nêu lý do"


def _deadlines_changed(t: m.Task, new: list[date]) -> bool:
    return sorted(new) != sorted(x.due for x in t.deadlines if x.due)


def _resolved(session: Session, names: list[str], locality: str) -> list[str]:
    return [agency_names.resolve(session, n, locality).name for n in names]


def _task_changes(session: Session, ti: TaskInput, locality: str = "") -> bool:
    t = ti.task
    if t is None:
        return False
    if ti.delete or ti.merge or ti.text.strip() != t.text.strip() or SPLIT.search(ti.text):
        return True
    for role in ("lead", "support"):
        typed = getattr(ti, role)
        if typed is not None and _resolved(session, typed, locality) != t.names(role):
            return True
    return ti.deadlines is not None and _deadlines_changed(t, ti.deadlines)


def _header_changes(inp: ReviewInput, d: m.Dispatch) -> bool:
    return inp.confirm or inp.new is not None or any(ti.delete or ti.merge or SPLIT.search(ti.text) for ti in inp.tasks) \
        or any(getattr(d, k) != v for k, v in inp.values.items())


def find_conflicts(session: Session, inp: ReviewInput, d: m.Dispatch) -> None:
    """Records saved by someone else since the form was made, where this save would change them."""
    if _header_changes(inp, d):
        try:
            check(d, inp.version, f"Văn bản {d.number or '#' + str(d.id)}")
        except StaleEdit as exc:
            inp.conflicts.append(exc)
    for ti in inp.tasks:
        if ti.task is not None and _task_changes(session, ti, inp.locality):
            try:
                check(ti.task, ti.version, f"Nhiệm vụ #{ti.task.seq}")
            except StaleEdit as exc:
                inp.conflicts.append(exc)


# -- writing -----------------------------------------------------------------------------------

def _show(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _apply_values(session: Session, d: m.Dispatch, inp: ReviewInput, actor: str) -> None:
    values = dict(inp.values)
    number = values.pop("arrival_number", d.arrival_number)
    for k, new in values.items():
        old = getattr(d, k)
        if old != new:
            setattr(d, k, new)
            d.history.append(m.DispatchEvent(actor=actor, field=LABELS[k], old=_show(old) or None, new=_show(new) or None,
                                             reason="hiệu chỉnh"))
    if number != d.arrival_number:
        _apply_arrival_number(session, d, number, actor)


def _apply_arrival_number(session: Session, d: m.Dispatch, number: int | None, actor: str) -> None:
    """Before registration the clerk's number waits for it; after, it replaces the one given."""
    if d.confirmed:
        if number is None:
            raise FieldError("arrival_number", "văn bản đã vào sổ: số đến không để trống được")
        year = d.arrival_year or (d.arrival_date or date.today()).year
        other = register.number_taken(session, year, number, but=d.id)
        if other is not None:
            raise FieldError("arrival_number", f"số đến {number}/{year} đã cấp cho văn bản {other.number or '#' + str(other.id)}")
        d.history.append(m.DispatchEvent(actor=actor, field="số đến", old=d.arrival, new=f"{number}/{year}", reason="hiệu chỉnh"))
        d.arrival_number, d.arrival_year = number, year
    else:
        d.arrival_number = number


def _set_agencies(session: Session, d: m.Dispatch, t: m.Task, role: str, typed: list[str], actor: str,
                  cache: dict, record: bool, locality: str = "") -> None:
    names = []
    old = t.names(role)
    for written in typed:
        res = agency_names.resolve(session, written, locality)
        agency = agency_for(session, res.name, cache)
        if res.name not in old:
            # a name no list knows is kept as the clerk wrote it, and put before the admin
            agency_proposals.propose(session, res.name, agency_proposals.Source.CLERK, detail=actor,
                                     dispatch_id=d.id, agency=agency)
        names.append(agency)
    if [a.name for a in names] == old:
        return
    for ta in [x for x in t.agencies if x.role == role]:
        t.agencies.remove(ta)
    for a in dict.fromkeys(names):
        t.agencies.append(m.TaskAgency(agency=a, role=role))
    if record:
        t.history.append(m.TaskEvent(actor=actor, field="chủ trì" if role == "lead" else "phối hợp",
                                     old="; ".join(old), new="; ".join(t.names(role)), reason="hiệu chỉnh"))
        t.corrected = True


def _set_deadlines(d: m.Dispatch, t: m.Task, new: list[date], reason: str, actor: str, record: bool) -> None:
    if not _deadlines_changed(t, new):
        return
    if d.confirmed:
        # under tracking: each moved date is an extension, each further date a new period
        current = sorted((x for x in t.deadlines if x.due), key=lambda x: x.due)
        wanted = sorted(new)
        for dl, due in zip(current, wanted):
            if dl.due != due:
                extend_deadline(dl, due, actor, reason)
        for due in wanted[len(current):]:
            t.deadlines.append(m.Deadline(due=due, original_due=due, source="văn thư thêm", kind="absolute"))
            t.history.append(m.TaskEvent(actor=actor, field="thêm hạn", old=None, new=_show(due), reason=reason))
        return
    old = [x.due for x in t.deadlines if x.due]
    for dl in [x for x in t.deadlines if x.due]:
        t.deadlines.remove(dl)
    for due in new:
        t.deadlines.append(m.Deadline(due=due, original_due=due, source="hiệu chỉnh", kind="absolute"))
    if record:
        t.history.append(m.TaskEvent(actor=actor, field="hạn", old=", ".join(_show(x) for x in old),
                                     new=", ".join(_show(x) for x in new), reason="hiệu chỉnh"))
        t.corrected = True


def _apply_task(session: Session, d: m.Dispatch, t: m.Task, ti: TaskInput, actor: str, cache: dict,
                record: bool = True, locality: str = "") -> None:
    text = ti.text.strip()
    if record and text != t.text.strip() and not SPLIT.search(ti.text):
        t.history.append(m.TaskEvent(actor=actor, field="nội dung", old=t.text[:500], new=text[:500], reason="hiệu chỉnh"))
        t.corrected = True
    t.text = text
    for role in ("lead", "support"):
        typed = getattr(ti, role)
        if typed is not None:
            _set_agencies(session, d, t, role, typed, actor, cache, record, locality)
    if ti.deadlines is not None:
        _set_deadlines(d, t, ti.deadlines, ti.reason, actor, record)


def _merge(prev: m.Task, t: m.Task, actor: str) -> None:
    """Both tasks' words, agencies and deadlines in the earlier one."""
    prev.text = f"{prev.text} {t.text}"
    prev.span_end = t.span_end if t.span_end is not None else prev.span_end
    for ta in list(t.agencies):
        if not any(x.agency_id == ta.agency_id and x.role == ta.role for x in prev.agencies):
            prev.agencies.append(m.TaskAgency(agency=ta.agency, role=ta.role))
    for dl in list(t.deadlines):
        if not any(x.due == dl.due and x.condition == dl.condition for x in prev.deadlines):
            prev.deadlines.append(m.Deadline(due=dl.due, original_due=dl.original_due, source=dl.source, kind=dl.kind,
                                             rule=dl.rule, condition=dl.condition, span_start=dl.span_start,
                                             span_end=dl.span_end))
    prev.corrected = True
    prev.history.append(m.TaskEvent(actor=actor, field="gộp", old=None, new=f"gộp nhiệm vụ {t.seq}: {t.text[:200]}",
                                    reason="hiệu chỉnh"))


def _split(d: m.Dispatch, t: m.Task, actor: str) -> None:
    """A line of three dashes cuts a task in two; both keep its agencies and deadlines."""
    first, rest = SPLIT.split(t.text, maxsplit=1)
    t.text = first.strip()
    new = m.Task(seq=t.seq, text=rest.strip(" -\n"), corrected=True, confidence=t.confidence,
                 lead_source=t.lead_source)
    for ta in t.agencies:
        new.agencies.append(m.TaskAgency(agency=ta.agency, role=ta.role))
    for dl in t.deadlines:
        new.deadlines.append(m.Deadline(due=dl.due, original_due=dl.original_due, source=dl.source, kind=dl.kind,
                                        rule=dl.rule, condition=dl.condition))
    new.history.append(m.TaskEvent(actor=actor, field="tách", old=None, new=f"tách từ nhiệm vụ {t.seq}", reason="hiệu chỉnh"))
    t.history.append(m.TaskEvent(actor=actor, field="tách", old=None, new=f"tách thành hai: {new.text[:200]}",
                                 reason="hiệu chỉnh"))
    d.tasks.insert(d.tasks.index(t) + 1, new)


def apply(session: Session, d: m.Dispatch, inp: ReviewInput, actor: str, tz: str) -> None:
    """Write a form that `parse` and `find_conflicts` passed. May still raise FieldError or
    register.RegisterError (a số đến taken meanwhile); the caller rolls back."""
    _apply_values(session, d, inp, actor)
    cache: dict = {}
    prev = None
    for ti in inp.tasks:
        t = ti.task
        if t is None:
            continue
        if ti.delete:
            d.history.append(m.DispatchEvent(actor=actor, field="xóa nhiệm vụ", old=t.text[:300], new=None, reason="hiệu chỉnh"))
            d.tasks.remove(t)
            continue
        _apply_task(session, d, t, ti, actor, cache, locality=inp.locality)
        if ti.merge and prev is not None:
            _merge(prev, t, actor)
            d.tasks.remove(t)
            continue
        if SPLIT.search(ti.text):
            _split(d, t, actor)
        prev = t
    if inp.new is not None:
        t = m.Task(seq=len(d.tasks) + 1, text=inp.new.text.strip(), corrected=True)
        d.tasks.append(t)
        session.flush()
        _apply_task(session, d, t, inp.new, actor, cache, record=False, locality=inp.locality)
        t.history.append(m.TaskEvent(actor=actor, field="thêm", old=None, new=t.text[:200], reason="hiệu chỉnh"))
        if d.confirmed:
            d.history.append(m.DispatchEvent(actor=actor, field="thêm nhiệm vụ", old=None, new=t.text[:300], reason="hiệu chỉnh"))
    for i, t in enumerate(d.tasks, 1):
        t.seq = i
    if inp.confirm:
        try:
            register.confirm(session, d, actor, tz, number=d.arrival_number)
        except register.RegisterError as exc:
            raise FieldError("arrival_number", str(exc)) from None
    session.flush()
