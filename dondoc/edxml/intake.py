"""What an edXML envelope means for the dispatch stored from it.

The envelope's fields fill the header and win where the extraction read the page differently;
what the extraction found instead is kept, so the review page shows both. The sender is looked up
in the agency list by its electronic identifier (OrganId), then by name.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import agency_proposals
from ..domain.register import urgency_of
from ..nlp.agency import gazetteer
from ..nlp.fold import fold_key
from ..nlp.record import Dispatch as Record
from ..nlp.record import Signer
from ..storage import models as m

# header fields of the record the envelope can give, in the review page's order
FIELDS = ("number", "issued", "place", "issuer", "kind", "subject", "signer_name", "signer_title", "recipients")

_VV = re.compile(r"^\s*(v/v|về việc)\s*[:.]?\s*", re.I)
_SELF = ("trực tiếp", "truc tiep", "")


def subject_of(subject: str | None) -> str | None:
    """The trích yếu as dondoc stores it: without the `V/v` a công văn's subject line opens with."""
    if not subject:
        return None
    return _VV.sub("", subject).strip() or None


def signer_title(competence: str | None, position: str | None) -> str | None:
    """`KT. BỘ TRƯỞNG THỨ TRƯỞNG`: the authority the signer signs under, then the position."""
    parts = [p for p in (competence, position) if p and p.strip().lower() not in _SELF]
    return " ".join(parts) or None


def envelope_fields(header: dict, issuer: str | None) -> dict:
    """The record's header fields as the envelope gives them (None where it says nothing)."""
    recipients = list(header.get("to_places") or []) or [o["name"] for o in header.get("recipients") or [] if o.get("name")]
    return {
        "number": header.get("number"),
        "issued": header.get("issued"),
        "place": header.get("place"),
        "issuer": issuer,
        "kind": header.get("type_name"),
        "subject": subject_of(header.get("subject")),
        "signer_name": header.get("signer_name"),
        "signer_title": signer_title(header.get("signer_competence"), header.get("signer_position")),
        "recipients": recipients or None,
    }


def _get(rec: Record, name: str):
    if name == "signer_name":
        return rec.signer.name
    if name == "signer_title":
        return rec.signer.title
    return getattr(rec, name)


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return [fold_key(x) for x in a or []] == [fold_key(x) for x in b or []]
    return re.sub(r"\W+", "", fold_key(str(a))) == re.sub(r"\W+", "", fold_key(str(b)))


def apply_envelope(rec: Record, fields: dict) -> tuple[Record, dict]:
    """The record with the envelope's header over the extraction's, and {field: what extraction
    found} for each field where the two disagree."""
    values = {name: _get(rec, name) for name in FIELDS}
    alternatives = {}
    for name in FIELDS:
        env = fields.get(name)
        if not env:
            continue
        found = values[name]
        if found and not _same(found, env):
            alternatives[name] = found
        values[name] = env
    signer = Signer(name=values.pop("signer_name"), title=values.pop("signer_title"))
    return replace(rec, signer=signer, **values), alternatives


# --- storing ---------------------------------------------------------------------------------

def delivered(session: Session, header: dict) -> m.Document | None:
    """The document a message with this identifier was stored as, counting this delivery; None
    for a message not seen before (or one without an identifier)."""
    ident = header.get("message_id")
    if not ident:
        return None
    row = session.scalar(select(m.EdxmlMessage).where(m.EdxmlMessage.message_id == ident))
    if row is None:
        return None
    row.deliveries += 1
    row.last_delivery_at = m.utcnow()
    return row.document


def _by_name(session: Session, name: str,
             agency_for: Callable[[Session, str], m.Agency] | None) -> m.Agency | None:
    """The agency list's row for a body's name: its name, an alias (an admin's merge), or a body
    the gazetteer knows (made by `agency_for`)."""
    canonical = gazetteer().canonical(name)
    ag = session.scalar(select(m.Agency).where(m.Agency.name == canonical))
    if ag is None:
        alias = session.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key.in_({fold_key(name), fold_key(canonical)})))
        ag = alias.agency if alias is not None else None
    if ag is None and agency_for is not None and fold_key(canonical) in gazetteer().alias_to_name:
        ag = agency_for(session, canonical)
    return ag


def _by_earlier_names(session: Session, ident: str) -> m.Agency | None:
    """The agency of a name this identifier wrote before (its proposal since accepted or merged
    by an admin, say), whatever name it writes now."""
    names = session.scalars(select(m.EdxmlMessage.sender_name).where(m.EdxmlMessage.sender_id == ident,
                                                                     m.EdxmlMessage.sender_name.is_not(None))
                            .distinct())
    return next((ag for ag in (_by_name(session, n, None) for n in names) if ag is not None), None)


def sender_agency(session: Session, organ: dict,
                  agency_for: Callable[[Session, str], m.Agency] | None = None) -> tuple[str | None, m.Agency | None]:
    """The issuer's name for a sender and its row in the agency list: by OrganId, else by name,
    else by a name the same OrganId wrote before (an identifier seen for the first time is learnt
    by the agency it names; `agency_for` makes the row of a body the gazetteer knows and the list
    has no row for yet); (name as the envelope writes it, None) for a body the list does not know."""
    ident, name = organ.get("id"), organ.get("name")
    if ident:
        ag = session.scalar(select(m.Agency).where(m.Agency.organ_id == ident))
        if ag is not None:
            return ag.name, ag
    ag = _by_name(session, name, agency_for) if name else None
    if ag is None and ident:
        ag = _by_earlier_names(session, ident)
    if ag is None:
        return name, None
    if ident and ag.organ_id is None:
        ag.organ_id = ident
    return ag.name, ag


def prepare(session: Session, rec: Record, header: dict,
            agency_for: Callable[[Session, str], m.Agency] | None = None) -> tuple[Record, dict, m.Agency | None]:
    """The record as stored from a message: the envelope's header over the extraction's, what
    extraction read instead, and the sender's agency (None: not in the list)."""
    issuer, agency = sender_agency(session, header.get("sender") or {}, agency_for)
    rec, alternatives = apply_envelope(rec, envelope_fields(header, issuer))
    return rec, alternatives, agency


def store(session: Session, doc: m.Document, disp: m.Dispatch, header: dict, alternatives: dict) -> m.EdxmlMessage | None:
    """The register's share of the envelope (due date, urgency), what extraction read instead,
    the message's problems as warnings, and the message itself (its identifier, its sender)."""
    disp.header_alternatives = alternatives
    if header.get("due_date"):
        disp.due_date = date.fromisoformat(header["due_date"])
        for t in disp.tasks:
            if not t.deadlines:     # the text gives none: the sender's time limit is the task's
                t.deadlines.append(m.Deadline(due=disp.due_date, original_due=disp.due_date, kind="absolute",
                                              source="hạn xử lý trong gói tin edXML (DueDate)"))
    disp.warnings = [*header.get("warnings", []), *header.get("problems", []), *disp.warnings]
    disp.urgency = urgency_of(header.get("priority")) or disp.urgency
    sender = header.get("sender") or {}
    if sender.get("name") and sender_agency(session, sender)[1] is None:
        # a sender the agency list does not know is put before its admin, like any unknown body
        agency_proposals.propose(session, sender["name"], agency_proposals.Source.EDXML, detail=sender.get("id"),
                                 dispatch_id=disp.id)
    if not header.get("message_id"):
        return None
    me = (header.get("recipients") or [{}])[0]
    row = m.EdxmlMessage(message_id=header["message_id"][:300], document=doc, document_ref=header.get("document_id"),
                         sender_id=sender.get("id"), sender_name=sender.get("name"), recipient_id=me.get("id"),
                         recipient_name=me.get("name"), code=header.get("number"),
                         issued=date.fromisoformat(header["issued"]) if header.get("issued") else None)
    session.add(row)
    return row


FIELD_LABELS = {"number": "Số, ký hiệu", "issued": "Ngày ban hành", "place": "Nơi ban hành",
                "issuer": "Cơ quan ban hành", "kind": "Loại văn bản", "subject": "Trích yếu",
                "signer_name": "Người ký", "signer_title": "Chức vụ người ký", "recipients": "Nơi nhận"}


def _shown(value) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else str(value)


def _local(at: datetime | None, tz: str) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:          # SQLite gives back UTC without its zone
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def review_facts(session: Session, doc: m.Document, tz: str = "Asia/Ho_Chi_Minh") -> dict | None:
    """What the review page shows of a message: sender, urgency, due date, attachments, where
    the envelope and the extraction disagree (both values), and the statuses told back."""
    header = (doc.meta or {}).get("edxml")
    if not header:
        return None
    d = doc.dispatch
    msg = session.scalar(select(m.EdxmlMessage).where(m.EdxmlMessage.document_id == doc.id))
    differences = []
    for name, extracted in ((d.header_alternatives or {}) if d is not None else {}).items():
        current = getattr(d, name)
        differences.append({"field": name, "label": FIELD_LABELS.get(name, name),
                            "envelope": _shown(current), "extracted": _shown(extracted)})
    return {
        "sender": header.get("sender") or {},
        "recipients": header.get("recipients") or [],
        "message_id": header.get("message_id"),
        "variant": {"qcvn102": "QCVN 102:2016 (edXMLEnvelope)", "edoc": "eDoc (EdXMLEnvelope, go.vn)"}.get(
            header.get("variant"), header.get("variant")) + (", bọc SOAP" if header.get("soap") else ""),
        "priority": header.get("priority") or "thường",
        "due_date": header.get("due_date"),
        "business": header.get("business"),
        "traces": header.get("traces") or [],
        "attachments": [{"n": i, "name": c.get("name"), "error": (c.get("metadata") or {}).get("error"),
                         "stored": bool(c.get("stored_path")), "pages": c.get("pages") or []}
                        for i, c in enumerate(doc.children or [])],
        "differences": differences,
        "deliveries": msg.deliveries if msg is not None else 1,
        "statuses": [{"code": s.code, "description": s.description, "written": _local(s.written_at, tz),
                      "error": s.last_error} for s in (msg.statuses if msg is not None else [])],
    }
