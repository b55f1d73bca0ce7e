"""Clerks: upload dispatches, watch them being read, review and correct what was extracted,
confirm it into the register."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import agency_proposals
from ..domain import Review
from ..domain.register import Secrecy, Urgency
from ..edxml.intake import review_facts
from ..edxml.outbox import sync as edxml_sync
from ..pipeline import SUPPORTED_SUFFIXES
from ..jobs import queue as jq
from ..search.base import Query
from ..search import outbox
from ..search.service import search_dispatches
from ..storage import models as m
from ..storage.versions import StaleEdit, check
from ..tracking import register
from . import review as review_form
from .auth import current_scope, roles_required
from .db import session
from .forms import FieldError, FormState, parse_date, vndate, vndates, vntime
from .security import download

bp = Blueprint("dispatches", __name__)


@bp.route("/upload", methods=["GET", "POST"])
@roles_required("clerk")
def upload():
    settings = current_app.config["DONDOC"]
    if request.method == "GET":
        jobs = session().scalars(select(m.Job).where(m.Job.kind == "ingest").order_by(m.Job.id.desc()).limit(30)).all()
        # e-mails `dondoc mail` could not take in: left in their folder, the reason said here
        mails = session().scalars(select(m.MailMessage).where(m.MailMessage.status != "done")
                                  .order_by(m.MailMessage.last_at.desc()).limit(30)).all()
        return render_template("upload.html", jobs=jobs, mails=mails, max_mb=settings.max_file_mb,
                               suffixes=sorted(SUPPORTED_SUFFIXES), labels=jq.STATE_LABELS)
    files = request.files.getlist("files")
    if not files or all(not f.filename for f in files):
        return jsonify(error="Chưa chọn tệp nào."), 400
    db = session()
    created, refused = [], []
    for f in files:
        suffix = Path(f.filename or "").suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            refused.append({"filename": f.filename, "error": f"Loại tệp {suffix or '(không đuôi)'} không được hỗ trợ."})
            continue
        rel = Path("uploads") / f"{uuid.uuid4().hex}{suffix}"   # generated name, never the client's
        dest = settings.data_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        f.save(dest)
        created.append(jq.submit(db, "ingest", filename=Path(f.filename).name[:300], stored_path=str(rel),
                                 username=current_user.username))
    db.commit()
    current_app.extensions["worker"].submitted(created)
    status = 200 if created else 400
    return jsonify(jobs=[j.id for j in created], refused=refused), status


@bp.route("/upload/jobs")
@roles_required("clerk")
def jobs():
    ids = [int(x) for x in request.args.get("ids", "").split(",") if x.isdigit()]
    stmt = select(m.Job).where(m.Job.kind == "ingest").order_by(m.Job.id.desc())
    stmt = stmt.where(m.Job.id.in_(ids)) if ids else stmt.limit(30)
    return jsonify(jobs=[{"id": j.id, "filename": j.filename, "status": j.state, "message": j.message or j.last_error,
                          "document_id": j.document_id, "queue": j.queue, "attempts": j.attempts,
                          "pages_done": j.pages_done, "pages_total": j.pages_total,
                          "url": url_for("dispatches.review", doc_id=j.document_id) if j.document_id else None}
                         for j in session().scalars(stmt)])


PAGE_SIZE = 50


def list_filters(a) -> dict:
    f = {k: (a.get(k) or "").strip() for k in ("review", "q", "urgency", "secrecy", "from", "to")}
    if f["review"] not in {r.value for r in Review}:
        f["review"] = ""
    if f["urgency"] not in {u.value for u in Urgency}:
        f["urgency"] = ""
    if f["secrecy"] not in {s.value for s in Secrecy}:
        f["secrecy"] = ""
    return f


def dispatch_query(f: dict, errors: dict):
    """The dispatches a list's filters keep (review state, urgency, secrecy, ngày đến, words),
    of those the user may see: an agency's staff, the confirmed ones that gave it work."""
    stmt = select(m.Dispatch)
    scope = current_scope()
    if not scope.everything:
        stmt = stmt.where(m.Dispatch.confirmed, m.Dispatch.id.in_(
            select(m.Task.dispatch_id).where(scope.tasks_clause(m.Task.id))))
    if f["review"]:
        stmt = stmt.where(m.Dispatch.review == f["review"])
    if f["urgency"]:
        stmt = stmt.where(m.Dispatch.urgency == f["urgency"])
    if f["secrecy"]:
        stmt = stmt.where(m.Dispatch.secrecy == f["secrecy"])
    for key, op in (("from", "__ge__"), ("to", "__le__")):
        try:
            day = parse_date(f[key], key)
        except FieldError as exc:
            errors[key] = exc.message
            continue
        if day:
            stmt = stmt.where(getattr(func.coalesce(m.Dispatch.arrival_date, func.date(m.Dispatch.created_at)), op)(day))
    if f["q"]:
        hits = search_dispatches(current_app.config["DONDOC"], Query(text=f["q"], per_page=10_000)).hits
        cond = m.Dispatch.id.in_([h.id for h in hits])
        if f["q"].isdigit():                      # số đến
            cond = cond | (m.Dispatch.arrival_number == int(f["q"]))
        stmt = stmt.where(cond | (m.Dispatch.number == f["q"]))
    return stmt


@bp.route("/dispatches")
@login_required
def index():
    """The dispatch list: by default every one, newest first; the review queue (pending) oldest
    first, so what arrived first is reviewed first."""
    db = session()
    f = list_filters(request.args)
    errors: dict = {}
    stmt = dispatch_query(f, errors)
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, request.args.get("page", 1, type=int) or 1)
    order = (m.Dispatch.created_at, m.Dispatch.id) if f["review"] == Review.PENDING else \
        (m.Dispatch.created_at.desc(), m.Dispatch.id.desc())
    rows = db.scalars(stmt.options(selectinload(m.Dispatch.document)).order_by(*order)
                      .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    everything = dispatch_query(dict.fromkeys(f, ""), {}).subquery()
    counts = dict(db.execute(select(everything.c.review, func.count()).group_by(everything.c.review)).all())
    tasks = dict(db.execute(select(m.Task.dispatch_id, func.count()).where(m.Task.dispatch_id.in_([d.id for d in rows]))
                            .group_by(m.Task.dispatch_id)).all()) if rows else {}
    return render_template("dispatches.html", rows=rows, f=f, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                           counts=counts, tasks=tasks, errors=errors, args={k: v for k, v in f.items() if v})


def highlighted(text: str, tasks: list[m.Task], marks: list) -> Markup:
    """The dispatch text, escaped, with tasks, agencies and deadlines marked where extraction
    found them (the offsets it stored: nothing is recomputed here)."""
    inner, last = [], -1
    for s, e, kind, title in sorted(tuple(x) for x in marks or []):
        if s >= last and 0 <= s < e <= len(text):
            inner.append((s, e, kind, vndate(title) if kind == "deadline" else title))
            last = e
    events = []
    for t in tasks:
        if t.span_start is not None and t.span_end is not None:
            events.append((t.span_start, t.span_end, t.seq))
    out = []
    opens = {s: seq for s, _, seq in events}
    closes = {e for _, e, _ in events}
    cuts = sorted({0, len(text)} | {s for s, *_ in inner} | {e for _, e, *_ in inner} | set(opens) | closes)
    inner_at = {s: (e, k, t) for s, e, k, t in inner}
    open_inner_end = None
    for i, c in enumerate(cuts[:-1]):
        nxt = cuts[i + 1]
        if c in closes:
            out.append(Markup("</span>"))
        if c in opens:
            out.append(Markup(f'<span class="task" id="t{opens[c]}" data-seq="{opens[c]}">'))
        if c in inner_at:
            e, k, title = inner_at[c]
            out.append(Markup(f'<mark class="{k}" title="{escape(title)}">'))
            open_inner_end = e
        out.append(escape(text[c:nxt]))
        if open_inner_end == nxt:
            out.append(Markup("</mark>"))
            open_inner_end = None
    if len(text) in closes:
        out.append(Markup("</span>"))
    return Markup("").join(out)


def render_review(doc: m.Document, sub=None, errors: dict | None = None, conflicts=(), status: int = 200):
    """The review page; after a refused save, with what the clerk typed (`sub`) and why."""
    db = session()
    d = doc.dispatch
    order = request.args.get("order", "")
    tasks = list(d.tasks) if d else []
    if order == "confidence":
        tasks.sort(key=lambda t: (t.confidence if t.confidence is not None else 1.0, t.seq))
    agencies = sorted({x[3] for x in (d.marks or []) if x[2] == "agency"} | set(db.scalars(select(m.Agency.name)))) if d else []
    settings = current_app.config["DONDOC"]
    stale = [vndates(c.message(vntime(c.at, settings.timezone))) for c in conflicts]
    return render_template("review.html", doc=doc, d=d, tasks=tasks, order=order,
                           text_html=highlighted(d.text, d.tasks, d.marks) if d else "", agencies=agencies,
                           fs=FormState(sub, errors, rebased=bool(conflicts)), stale=stale,
                           next_number=register.next_arrival_number(db, date.today().year) if d and not d.confirmed else None,
                           proposals=_proposals_of(db, d), edxml=review_facts(db, doc, settings.timezone),
                           entry=register.proposed_entry(doc) if d and not d.confirmed else {}), status


def _proposals_of(db, d: m.Dispatch | None) -> dict[str, m.AgencyProposal]:
    """Agency names of this dispatch's tasks still waiting for the admin, by name."""
    if d is None:
        return {}
    ids = {ta.agency_id for t in d.tasks for ta in t.agencies}
    if not ids:
        return {}
    rows = db.scalars(select(m.AgencyProposal).where(m.AgencyProposal.agency_id.in_(ids),
                                                      m.AgencyProposal.state == agency_proposals.State.PENDING))
    return {p.agency.name: p for p in rows if p.agency is not None}


@bp.route("/dispatches/<int:doc_id>")
@login_required
def review(doc_id: int):
    return render_review(_document_in_scope(doc_id))


def _document_in_scope(doc_id: int) -> m.Document:
    """The document, or 404 if there is none the user may see (an agency's staff see the
    confirmed dispatches that gave their agency a task)."""
    doc = session().get(m.Document, doc_id)
    scope = current_scope()
    if doc is None or not scope.holds_dispatch(doc.dispatch) or not (scope.everything or doc.dispatch.confirmed):
        abort(404)
    return doc


@bp.route("/dispatches/<int:doc_id>/original")
@login_required
def original(doc_id: int):
    doc = _document_in_scope(doc_id)
    settings = current_app.config["DONDOC"]
    return download(settings.data_dir / doc.stored_path, doc.mime, doc.filename)


@bp.route("/dispatches/<int:doc_id>/children/<int:n>")
@login_required
def child(doc_id: int, n: int):
    """A file that came inside the document (an edXML message's or an e-mail's attachment)."""
    doc = _document_in_scope(doc_id)
    children = doc.children or []
    if not 0 <= n < len(children) or not children[n].get("stored_path"):
        abort(404)
    c = children[n]
    return download(current_app.config["DONDOC"].data_dir / c["stored_path"], c.get("mime"), c.get("name") or f"dinh-kem-{n}")


@bp.route("/dispatches/<int:doc_id>/pages/<int:n>.png")
@login_required
def page_image(doc_id: int, n: int):
    """The page as an image, for reviewing a scan beside its text (drawn in the reading pool,
    within its limits: the web server never opens a stored file itself)."""
    import io
    from ..ingest.errors import IngestError
    from ..ingest.pool import pool_for
    doc = _document_in_scope(doc_id)
    settings = current_app.config["DONDOC"]
    path, kind = settings.data_dir / doc.stored_path, doc.kind
    if kind == "edxml":         # the page is an attachment's: that file, its own page number
        c = next((c for c in doc.children or [] if n in (c.get("pages") or []) and c.get("stored_path")), None) or abort(404)
        page = next((p for p in doc.pages if p.number == n), None) or abort(404)
        path, kind, n = settings.data_dir / c["stored_path"], (c.get("metadata") or {}).get("kind"), (page.meta or {}).get("page", 1)
    if kind not in ("pdf", "image"):
        abort(404)
    try:
        png = pool_for(settings).render(path, kind, n, settings)
    except IngestError as exc:
        if exc.code == "missing":
            abort(404)
        return render_template("error.html", message=f"Không hiển thị được trang {n}: {exc.message}."), 422
    return send_file(io.BytesIO(png), mimetype="image/png")


@bp.route("/dispatches/<int:doc_id>/edit", methods=["POST"])
@roles_required("clerk")
def edit(doc_id: int):
    """Save the clerk's corrections: the register line, header fields, and tasks added, split,
    merged, deleted, with their agencies and deadlines — all of it or, when a field cannot be
    used or someone saved the same records meanwhile, none of it (the page keeps the input)."""
    db = session()
    doc = db.get(m.Document, doc_id) or abort(404)
    d = doc.dispatch or abort(404)
    settings = current_app.config["DONDOC"]
    inp = review_form.parse(request.form, d, settings.office_locality)
    if not inp.errors:
        review_form.find_conflicts(db, inp, d)
    if inp.errors or inp.conflicts:
        db.rollback()
        return _refused(doc, inp)
    try:
        review_form.apply(db, d, inp, current_user.username, settings.timezone)
        outbox.enqueue(db, [d.id])
        db.commit()
    except FieldError as exc:
        db.rollback()
        inp.errors[exc.field] = exc.message
        return _refused(doc, inp)
    except StaleDataError:
        db.rollback()
        db.expire_all()
        review_form.find_conflicts(db, inp, db.get(m.Document, doc_id).dispatch)
        return _refused(doc, inp)
    outbox.drain_quietly(settings)
    edxml_sync(settings, [d.id])     # confirmed: the sender of an edXML message is told
    flash("Đã lưu hiệu chỉnh." + (" Văn bản đã vào sổ (số đến " + d.arrival + ") và được đưa vào theo dõi." if inp.confirm else ""), "ok")
    return redirect(url_for("dispatches.review", doc_id=doc_id))


def _refused(doc: m.Document, inp) -> tuple:
    db = session()
    db.expire_all()
    doc = db.get(m.Document, doc.id)
    if inp.errors:
        listed = "; ".join(dict.fromkeys(inp.errors.values()))
        flash(f"Chưa lưu, cần sửa (ghi bên cạnh từng ô): {listed}. Mọi nội dung khác bạn nhập vẫn còn nguyên.", "error")
    return render_review(doc, sub=request.form, errors=inp.errors, conflicts=inp.conflicts,
                         status=409 if inp.conflicts else 422)


@bp.route("/dispatches/<int:doc_id>/refuse", methods=["POST"])
@roles_required("clerk")
def refuse(doc_id: int):
    """Not a document the office tracks: none of its tasks becomes an obligation."""
    return _review_change(doc_id, lambda db, d: register.refuse(db, d, current_user.username, request.form.get("reason", "")),
                          "Đã từ chối văn bản: nhiệm vụ của nó không được theo dõi.")


@bp.route("/dispatches/<int:doc_id>/reopen", methods=["POST"])
@roles_required("clerk")
def reopen(doc_id: int):
    return _review_change(doc_id, lambda db, d: register.reopen(db, d, current_user.username),
                          "Văn bản đã trở lại hàng chờ soát xét.")


def _review_change(doc_id: int, change, done: str):
    db = session()
    doc = db.get(m.Document, doc_id) or abort(404)
    d = doc.dispatch or abort(404)
    try:
        check(d, request.form.get("version"), f"Văn bản {d.number or '#' + str(d.id)}")
        change(db, d)
        outbox.enqueue(db, [d.id])
        db.commit()
    except StaleEdit as exc:
        db.rollback()
        flash(vndates(exc.message(vntime(exc.at, current_app.config["DONDOC"].timezone))), "error")
        return redirect(url_for("dispatches.review", doc_id=doc_id))
    except register.RegisterError as exc:
        db.rollback()
        flash(f"Không thực hiện được: {exc}.", "error")
        return redirect(url_for("dispatches.review", doc_id=doc_id))
    outbox.drain_quietly(current_app.config["DONDOC"])
    edxml_sync(current_app.config["DONDOC"], [d.id])     # refused: the sender of an edXML message is told
    flash(done, "ok")
    return redirect(url_for("dispatches.index", review=Review.PENDING) if d.review == Review.REFUSED
                    else url_for("dispatches.review", doc_id=doc_id))
