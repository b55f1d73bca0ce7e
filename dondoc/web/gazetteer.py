"""Admins: the office's own agency names. The packaged gazetteer knows the ministries,
departments and People's Committees; an office adds the bodies and abbreviations it meets that
the package does not (a project board, a newly created department), and which body took over
another's work. The extractor learns them for every dispatch ingested afterwards."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import agency_names, agency_proposals
from ..nlp.agency import gazetteer
from ..nlp.fold import fold_key
from ..pipeline import agency_for
from ..search import outbox
from ..storage import models as m
from ..storage.versions import StaleEdit, check, touch
from .auth import roles_required
from .db import session
from .forms import vndates, vntime

bp = Blueprint("gazetteer", __name__)


def _forms(value: str) -> list[str]:
    return [x.strip() for x in re.split(r"[;\n]", value or "") if x.strip()]


def _add_alias(db, agency: m.Agency, form: str) -> str | None:
    """Attach `form` to `agency` as a local name; the reason in Vietnamese if it cannot be."""
    key = fold_key(form)
    if not key:
        return f"“{form}” không có chữ nào"
    if len(form) > 300:
        return f"“{form[:40]}…” dài quá 300 ký tự"
    packaged = gazetteer().alias_to_name.get(key)
    if packaged and packaged[0] != agency.name:
        return f"“{form}” đã có trong danh mục chuẩn, là {packaged[0]}"
    taken = db.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key == key))
    if taken is not None:
        return None if taken.agency_id == agency.id else f"“{form}” đã là tên của {taken.agency.name}"
    agency.aliases.append(m.AgencyAlias(alias=form, key=key, local=True))
    return None


def _save_names(db, agency: m.Agency, forms: list[str], done: str) -> None:
    """All of `forms` become names of `agency`, or none does and the admin is told why."""
    errors = [e for e in (_add_alias(db, agency, f) for f in forms) if e]
    if errors:
        db.rollback()
        flash("Chưa lưu: " + "; ".join(errors) + ".", "error")
    else:
        db.commit()
        flash(done, "ok")


@bp.route("/admin/agencies")
@roles_required("admin")
def index():
    db = session()
    q = request.args.get("q", "").strip()
    waiting = select(m.AgencyProposal.agency_id).where(m.AgencyProposal.state == agency_proposals.State.PENDING,
                                                       m.AgencyProposal.agency_id.is_not(None))
    stmt = (select(m.Agency).options(selectinload(m.Agency.aliases)).where(m.Agency.id.not_in(waiting))
            .order_by(m.Agency.name))
    if q:
        ids = select(m.AgencyAlias.agency_id).where(m.AgencyAlias.key.contains(fold_key(q)))
        stmt = stmt.where(m.Agency.id.in_(ids))
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.scalars(stmt.limit(200)).all()
    names = {a.id: a.name for a in db.scalars(select(m.Agency).where(m.Agency.id.in_({r.successor_id for r in rows if r.successor_id})))}
    proposals = agency_proposals.pending_proposals(db)
    uses = dict(db.execute(select(m.TaskAgency.agency_id, func.count()).where(
        m.TaskAgency.agency_id.in_([p.agency_id for p in proposals if p.agency_id])).group_by(m.TaskAgency.agency_id)).all()) \
        if proposals else {}
    return render_template("gazetteer.html", rows=rows, total=total, q=q, successor_names=names, proposals=proposals,
                           uses=uses, source_labels=agency_proposals.SOURCE_LABELS)


def _proposal(db, proposal_id: int) -> m.AgencyProposal:
    return db.get(m.AgencyProposal, proposal_id) or abort(404)


def _decided(db, change, done: str):
    """Carry out an admin's decision on a proposal; the tasks it moved are re-indexed."""
    try:
        touched = change()
    except agency_proposals.ProposalError as exc:
        db.rollback()
        flash(f"Không thực hiện được: {exc}.", "error")
        return redirect(url_for("gazetteer.index"))
    if touched:
        outbox.enqueue(db, sorted(touched))
    db.commit()
    outbox.drain_quietly(current_app.config["DONDOC"])
    flash(done, "ok")
    return redirect(url_for("gazetteer.index"))


@bp.route("/admin/agencies/proposals/<int:proposal_id>/accept", methods=["POST"])
@roles_required("admin")
def accept_proposal(proposal_id: int):
    db = session()
    p = _proposal(db, proposal_id)
    def accept() -> set[int]:
        agency_proposals.accept(db, p, current_user.username)
        return set()                  # no task changes agency
    return _decided(db, accept, f"Đã thêm “{p.name}” vào danh mục; trích xuất nhận ra cơ quan này từ nay.")


@bp.route("/admin/agencies/proposals/<int:proposal_id>/merge", methods=["POST"])
@roles_required("admin")
def merge_proposal(proposal_id: int):
    db = session()
    p = _proposal(db, proposal_id)
    written = request.form.get("target", "").strip()
    res = agency_names.resolve(db, written)
    target = agency_for(db, res.name) if res.known else None
    if target is None:
        flash(f"Không có cơ quan “{written}” trong danh mục để gộp vào.", "error")
        return redirect(url_for("gazetteer.index"))
    return _decided(db, lambda: agency_proposals.merge(db, p, target, current_user.username),
                    f"Đã gộp “{p.name}” vào {target.name}.")


@bp.route("/admin/agencies/proposals/<int:proposal_id>/reject", methods=["POST"])
@roles_required("admin")
def reject_proposal(proposal_id: int):
    db = session()
    p = _proposal(db, proposal_id)
    return _decided(db, lambda: agency_proposals.reject(db, p, current_user.username),
                    f"Đã bác “{p.name}”: không còn là cơ quan chủ trì hay phối hợp của nhiệm vụ nào.")


@bp.route("/admin/agencies", methods=["POST"])
@roles_required("admin")
def add_agency():
    db = session()
    name = re.sub(r"\s+", " ", request.form.get("name", "")).strip()
    if not name:
        flash("Cần nhập tên đầy đủ của cơ quan.", "error")
        return redirect(url_for("gazetteer.index"))
    agency = db.scalar(select(m.Agency).where(m.Agency.name == name))
    if agency is None:
        agency = m.Agency(name=name, emails=[])
        db.add(agency)
    _save_names(db, agency, [name, *_forms(request.form.get("aliases"))],
                f"Đã thêm {name} vào danh mục; áp dụng cho văn bản tiếp nhận từ nay.")
    return redirect(url_for("gazetteer.index", q=name))


@bp.route("/admin/agencies/<int:agency_id>/aliases", methods=["POST"])
@roles_required("admin")
def add_alias(agency_id: int):
    db = session()
    agency = db.get(m.Agency, agency_id) or abort(404)
    _save_names(db, agency, _forms(request.form.get("aliases")), f"Đã thêm tên gọi cho {agency.name}.")
    return redirect(url_for("gazetteer.index", q=agency.name))


@bp.route("/admin/agencies/<int:agency_id>/aliases/<int:alias_id>/delete", methods=["POST"])
@roles_required("admin")
def delete_alias(agency_id: int, alias_id: int):
    db = session()
    alias = db.get(m.AgencyAlias, alias_id)
    if alias is None or alias.agency_id != agency_id:
        abort(404)
    name = alias.agency.name
    if not alias.local or fold_key(alias.alias) == fold_key(name):
        flash("Chỉ xóa được tên gọi do quản trị thêm, không xóa tên chính của cơ quan.", "error")
    else:
        db.delete(alias)
        db.commit()
        flash(f"Đã xóa tên gọi “{alias.alias}”.", "ok")
    return redirect(url_for("gazetteer.index", q=name))


@bp.route("/admin/agencies/<int:agency_id>/successor", methods=["POST"])
@roles_required("admin")
def set_successor(agency_id: int):
    """After a merger: the body that now does this one's work (named on its agency page)."""
    db = session()
    agency = db.get(m.Agency, agency_id) or abort(404)
    written = request.form.get("successor", "").strip()
    try:
        check(agency, request.form.get("version"), f"Cơ quan {agency.name}")
    except StaleEdit as exc:
        flash(vndates(exc.message(vntime(exc.at, current_app.config["DONDOC"].timezone))) + f" Bạn đã nhập: {written}", "error")
        return redirect(url_for("gazetteer.index", q=agency.name))
    old = db.get(m.Agency, agency.successor_id).name if agency.successor_id else ""
    if not written:
        agency.successor_id = None
    else:
        succ = db.scalar(select(m.Agency).join(m.AgencyAlias).where(m.AgencyAlias.key == fold_key(written)))
        if succ is None or succ.id == agency.id:
            flash(f"Không có cơ quan “{written}” trong danh mục (thêm cơ quan đó trước).", "error")
            return redirect(url_for("gazetteer.index", q=agency.name))
        agency.successor_id = succ.id
    new = db.get(m.Agency, agency.successor_id).name if agency.successor_id else ""
    touch(agency, current_user.username, f"cơ quan kế thừa: {old or '(không)'} → {new or '(không)'}")
    db.commit()
    flash(f"Đã lưu cơ quan kế thừa của {agency.name}.", "ok")
    return redirect(url_for("gazetteer.index", q=agency.name))
