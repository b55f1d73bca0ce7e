"""Clerks: upload dispatches, watch them being read, review and correct what was extracted,
confirm it into the register."""
from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from ..edxml.intake import review_facts
from ..edxml.outbox import sync as edxml_sync
from ..nlp.agency import gazetteer
from ..pipeline import SUPPORTED_SUFFIXES, agency_for, local_agency_names
from ..jobs import queue as jq
from ..search import outbox
from ..storage import models as m
from .auth import current_scope, roles_required
from .db import session
from .security import download

bp = Blueprint("dispatches", __name__)


def office_gazetteer():
    """The gazetteer with the agency names the admins added, so the review page lists them.
    (Names a clerk types resolve through the agency table's aliases, admin-added too.)"""
    return gazetteer(local_agency_names(current_app.config["DONDOC"]))


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


@bp.route("/dispatches")
@login_required
def index():
    stmt = select(m.Document).order_by(m.Document.id.desc()).limit(200)
    scope = current_scope()
    if not scope.everything:             # an agency's staff: the dispatches that gave it work
        stmt = stmt.where(m.Document.id.in_(select(m.Dispatch.document_id).join(m.Task, m.Task.dispatch_id == m.Dispatch.id)
                                            .where(scope.tasks_clause(m.Task.id))))
    docs = session().scalars(stmt).all()
    return render_template("dispatches.html", docs=docs)


def highlighted(text: str, tasks: list[m.Task]) -> Markup:
    """The dispatch text, escaped, with tasks, agencies and deadlines marked where found."""
    from ..nlp.spacy_rules import pipeline
    doc = pipeline()(text)            # the rule components mark agencies and deadlines
    marks = sorted([(e.start_char, e.end_char, "agency", e.kb_id_) for e in doc.ents]
                   + [(sp.start_char, sp.end_char, "deadline", sp.kb_id_) for sp in doc.spans["deadline"]])
    inner, last = [], -1
    for s, e, kind, title in marks:
        if s >= last:
            inner.append((s, e, kind, title))
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


@bp.route("/dispatches/<int:doc_id>")
@login_required
def review(doc_id: int):
    db = session()
    doc = _document_in_scope(doc_id)
    d = doc.dispatch
    return render_template("review.html", doc=doc, d=d, text_html=highlighted(d.text, d.tasks) if d else "",
                           edxml=review_facts(db, doc, current_app.config["DONDOC"].timezone),
                           agencies=sorted({f.canonical for f in office_gazetteer().find(d.text)} | {a.name for a in db.scalars(select(m.Agency))}) if d else [])


def _document_in_scope(doc_id: int) -> m.Document:
    """The document, or 404 if there is none the user may see (an agency's staff see the
    dispatches that gave their agency a task)."""
    doc = session().get(m.Document, doc_id)
    if doc is None or not current_scope().holds_dispatch(doc.dispatch):
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
    doc = session().get(m.Document, doc_id) or abort(404)
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


def _names(value: str) -> list[str]:
    gz = gazetteer()
    return [gz.canonical(x) for x in re.split(r"\s*;\s*|\n", value or "") if x.strip()]


def _dates(value: str) -> list[date]:
    out = []
    for x in re.split(r"[\s,;]+", value or ""):
        if x:
            out.append(date.fromisoformat(x))
    return out


@bp.route("/dispatches/<int:doc_id>/edit", methods=["POST"])
@roles_required("clerk")
def edit(doc_id: int):
    """Save the clerk's corrections: header fields, and tasks added, split, merged, deleted,
    with their agencies and deadlines. Every change to a task is kept in its history."""
    db = session()
    doc = db.get(m.Document, doc_id) or abort(404)
    d = doc.dispatch or abort(404)
    f = request.form
    actor = current_user.username
    try:
        d.number = f.get("number") or None
        d.issued = date.fromisoformat(f["issued"]) if f.get("issued") else None
        d.issuer = f.get("issuer") or None
        d.subject = f.get("subject") or None
        d.kind = f.get("kind") or None
        cache: dict = {}
        prev = None
        for t in list(d.tasks):
            key = f"t{t.id}_"
            if f.get(key + "delete"):
                db.delete(t)
                d.tasks.remove(t)
                continue
            if f.get(key + "merge") and prev is not None:
                prev.text = prev.text + " " + t.text
                prev.span_end = t.span_end
                prev.corrected = True
                prev.history.append(m.TaskEvent(actor=actor, field="gộp", old=None, new=f"gộp nhiệm vụ {t.seq}", reason="hiệu chỉnh"))
                db.delete(t)
                d.tasks.remove(t)
                continue
            _apply_task_fields(db, t, f, key, actor, cache)
            text = t.text
            if "\n---" in text:                      # split at a line of three dashes
                first, rest = text.split("\n---", 1)
                t.text = first.strip()
                new = m.Task(seq=t.seq, text=rest.strip(" -\n"), corrected=True)
                for ta in t.agencies:
                    new.agencies.append(m.TaskAgency(agency=ta.agency, role=ta.role))
                new.history.append(m.TaskEvent(actor=actor, field="tách", old=None, new=f"tách từ nhiệm vụ {t.seq}", reason="hiệu chỉnh"))
                d.tasks.insert(d.tasks.index(t) + 1, new)
            prev = t
        if f.get("new_text", "").strip():
            t = m.Task(seq=0, text=f["new_text"].strip(), corrected=True)
            d.tasks.append(t)
            db.flush()
            _apply_task_fields(db, t, f, "new_", actor, cache, fresh=True)
            t.history.append(m.TaskEvent(actor=actor, field="thêm", old=None, new=t.text[:200], reason="hiệu chỉnh"))
        for i, t in enumerate(d.tasks, 1):
            t.seq = i
        if f.get("confirm"):
            d.confirmed = True
        db.flush()
        outbox.enqueue(db, [d.id])
        db.commit()
        flash("Đã lưu hiệu chỉnh." + (" Văn bản đã được đưa vào theo dõi." if d.confirmed else ""), "ok")
    except ValueError as exc:
        db.rollback()
        flash(f"Không lưu được: dữ liệu không hợp lệ ({exc}). Không có thay đổi nào được ghi.", "error")
    outbox.drain_quietly(current_app.config["DONDOC"])
    edxml_sync(current_app.config["DONDOC"], [d.id])     # confirmed: an edXML sender is told
    return redirect(url_for("dispatches.review", doc_id=doc_id))


def _apply_task_fields(db, t: m.Task, f, key: str, actor: str, cache: dict, fresh: bool = False) -> None:
    text = (f.get(key + "text") or t.text or "").replace("\r\n", "\n")
    if text.strip() and text != t.text and not fresh:
        t.history.append(m.TaskEvent(actor=actor, field="nội dung", old=t.text[:500], new=text[:500], reason="hiệu chỉnh"))
        t.corrected = True
    t.text = text.strip() if "\n---" not in text else text
    _apply_task_agencies(db, t, f, key, actor, cache, fresh)
    _apply_task_deadlines(t, f, key, actor, fresh)


def _apply_task_agencies(db, t: m.Task, f, key: str, actor: str, cache: dict, fresh: bool) -> None:
    for role in ("lead", "support"):
        if key + role not in f:
            continue
        names = _names(f.get(key + role, ""))
        old = t.names(role)
        if names != old:
            for ta in [x for x in t.agencies if x.role == role]:
                t.agencies.remove(ta)
            for n in dict.fromkeys(names):
                t.agencies.append(m.TaskAgency(agency=agency_for(db, n, cache), role=role))
            if not fresh:
                t.history.append(m.TaskEvent(actor=actor, field="chủ trì" if role == "lead" else "phối hợp",
                                             old="; ".join(old), new="; ".join(names), reason="hiệu chỉnh"))
                t.corrected = True


def _apply_task_deadlines(t: m.Task, f, key: str, actor: str, fresh: bool) -> None:
    if key + "deadlines" in f:
        new = _dates(f.get(key + "deadlines", ""))
        old = [x.due for x in t.deadlines]
        if sorted(new) != sorted(d for d in old if d):
            for dl in list(t.deadlines):
                t.deadlines.remove(dl)
            for dd in new:
                t.deadlines.append(m.Deadline(due=dd, original_due=dd, source="hiệu chỉnh", kind="absolute"))
            if not fresh:
                t.history.append(m.TaskEvent(actor=actor, field="hạn", old=", ".join(x.isoformat() for x in old if x),
                                             new=", ".join(x.isoformat() for x in new), reason="hiệu chỉnh"))
                t.corrected = True
