"""Bodies the agency list does not know yet, proposed to its administrators.

Extraction finds them (`Dispatch.proposed_agencies`), a clerk types them as a lead, an edXML
envelope names them as its sender: every one of them lands here through `propose`, one row per
name however often it is seen. An admin then accepts it (it becomes an agency of the office's
list, which extraction learns), merges it into an agency already known (its tasks move there,
its name becomes that agency's alias), or rejects it (not a body at all — the national motto
read as a lead: its task links are removed, each in the task's history, and extraction stops
attaching it).
"""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import agency_names
from .nlp.fold import fold_key
from .storage import models as m
from .storage.models import utcnow


class State(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    MERGED = "merged"
    REJECTED = "rejected"


STATE_LABELS = {State.PENDING: "Chờ quyết định", State.ACCEPTED: "Đã thêm vào danh mục",
                State.MERGED: "Đã gộp", State.REJECTED: "Đã bác"}


class Source(StrEnum):
    EXTRACTION = "extraction"      # found in a dispatch's text
    CLERK = "clerk"                # typed at review
    EDXML = "edxml"                # an envelope's sender or recipient


SOURCE_LABELS = {Source.EXTRACTION: "trích xuất", Source.CLERK: "văn thư nhập", Source.EDXML: "gói tin edXML"}


class ProposalError(ValueError):
    """An admin's decision that cannot be carried out, in Vietnamese."""


def is_known(session: Session, name: str) -> bool:
    """A name the packaged gazetteer reads as a body, or one of the office's own names (added
    or accepted by an admin). A row made for a name only because a task uses it is not."""
    if agency_names.resolve(None, name).known:
        return True
    return session.scalar(select(m.AgencyAlias.id).where(m.AgencyAlias.key == fold_key(name), m.AgencyAlias.local)) is not None


def propose(session: Session, name: str, source: Source | str, detail: str | None = None,
            dispatch_id: int | None = None, agency: m.Agency | None = None) -> m.AgencyProposal | None:
    """Propose `name` to the admin's agency list, saying where it was seen (`source`, with a
    `detail` such as the clerk's name or the envelope's OrganId, and the dispatch). `agency`: the
    row tasks already point to under that name. A name known already is not proposed (None); a
    name seen before adds this sighting to its proposal, whatever was decided about it."""
    name = " ".join(name.split())
    key = fold_key(name)
    if not key or is_known(session, name):
        return None
    row = session.scalar(select(m.AgencyProposal).where(m.AgencyProposal.key == key))
    sighting = {"source": str(Source(source)), "detail": detail, "dispatch_id": dispatch_id, "at": utcnow().isoformat()}
    if row is None:
        row = m.AgencyProposal(name=name[:300], key=key, state=State.PENDING, sources=[sighting], seen=1,
                               agency=agency)
        session.add(row)
    else:
        row.sources = [*row.sources[-49:], sighting]     # the latest sightings are enough to judge by
        row.seen += 1
        if row.agency is None and agency is not None and row.state == State.PENDING:
            row.agency = agency
    session.flush()
    return row


def rejected(session: Session, names: list[str]) -> set[str]:
    """Those of `names` an admin rejected as not being bodies."""
    keys = {fold_key(n): n for n in names}
    if not keys:
        return set()
    found = session.scalars(select(m.AgencyProposal.key).where(m.AgencyProposal.key.in_(keys),
                                                               m.AgencyProposal.state == State.REJECTED))
    return {keys[k] for k in found}


def _pending(p: m.AgencyProposal) -> None:
    if p.state != State.PENDING:
        raise ProposalError(f"đề xuất “{p.name}” đã được quyết định ({STATE_LABELS[State(p.state)]})")


def _resolved(p: m.AgencyProposal, state: State, actor: str, target: m.Agency | None) -> None:
    p.state, p.resolved_by, p.resolved_at, p.target = state, actor, utcnow(), target


def accept(session: Session, p: m.AgencyProposal, actor: str) -> m.Agency:
    """The name becomes an agency of the office's list (extraction finds it from now on)."""
    _pending(p)
    agency = p.agency or session.scalar(select(m.Agency).where(m.Agency.name == p.name))
    if agency is None:
        agency = m.Agency(name=p.name, emails=[])
        session.add(agency)
    alias = next((a for a in agency.aliases if a.key == p.key), None)
    if alias is None:
        agency.aliases.append(m.AgencyAlias(alias=p.name, key=p.key, local=True))
    else:
        alias.local = True
    _resolved(p, State.ACCEPTED, actor, agency)
    session.flush()
    return agency


def _moved_links(session: Session, source: m.Agency, target: m.Agency | None, actor: str, why: str) -> set[int]:
    """Every task link of `source` moved to `target` (dropped when None), each change in the
    task's history; the dispatches touched, for re-indexing."""
    touched: set[int] = set()
    links = session.scalars(select(m.TaskAgency).where(m.TaskAgency.agency_id == source.id)).all()
    for ta in links:
        task = ta.task
        before = "; ".join(task.names(ta.role))
        if target is None or any(x.agency_id == target.id and x.role == ta.role for x in task.agencies):
            task.agencies.remove(ta)
        else:
            ta.agency = target
        task.history.append(m.TaskEvent(actor=actor, field="chủ trì" if ta.role == "lead" else "phối hợp",
                                        old=before, new="; ".join(task.names(ta.role)), reason=why))
        touched.add(task.dispatch_id)
    return touched


def merge(session: Session, p: m.AgencyProposal, target: m.Agency, actor: str) -> set[int]:
    """The name is another way of writing `target`: its tasks move there and extraction reads
    the name as `target` from now on. Returns the dispatches to re-index."""
    _pending(p)
    if p.agency is not None and p.agency.id == target.id:
        raise ProposalError("không gộp một cơ quan vào chính nó")
    touched: set[int] = set()
    source = p.agency
    if source is not None:
        touched = _moved_links(session, source, target, actor, f"gộp “{p.name}” vào {target.name}")
        _retire(session, source, target)
    session.flush()
    if session.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key == p.key)) is None:
        target.aliases.append(m.AgencyAlias(alias=p.name, key=p.key, local=True))
    _resolved(p, State.MERGED, actor, target)
    session.flush()
    return touched


def reject(session: Session, p: m.AgencyProposal, actor: str) -> set[int]:
    """Not a body: removed from every task it was attached to. Returns the dispatches to re-index."""
    _pending(p)
    touched: set[int] = set()
    source = p.agency
    if source is not None:
        touched = _moved_links(session, source, None, actor, f"“{p.name}” không phải cơ quan (quản trị bác đề xuất)")
        _retire(session, source, None)
    _resolved(p, State.REJECTED, actor, None)
    session.flush()
    return touched


def _retire(session: Session, source: m.Agency, heir: m.Agency | None) -> None:
    """Remove a proposed agency row no task uses any longer; what pointed to it points to `heir`."""
    session.flush()
    for other in session.scalars(select(m.Agency).where(m.Agency.successor_id == source.id)):
        other.successor_id = heir.id if heir is not None else None
    for sub in session.scalars(select(m.Subscription).where(m.Subscription.agency_id == source.id)):
        if heir is None or session.scalar(select(m.Subscription).where(
                m.Subscription.user_id == sub.user_id, m.Subscription.agency_id == heir.id)) is not None:
            session.delete(sub)
        else:
            sub.agency_id = heir.id
    if heir is not None and source.emails:
        heir.emails = sorted(set(heir.emails or []) | set(source.emails))
    for p in session.scalars(select(m.AgencyProposal).where(m.AgencyProposal.agency_id == source.id)):
        p.agency = None
    session.delete(source)


def pending_proposals(session: Session) -> list[m.AgencyProposal]:
    return list(session.scalars(select(m.AgencyProposal).where(m.AgencyProposal.state == State.PENDING)
                                .order_by(m.AgencyProposal.seen.desc(), m.AgencyProposal.created_at)))
