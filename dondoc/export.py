"""Stored rows -> plain dicts (for the command line, JSON API and exports)."""
from __future__ import annotations

from .storage import models as m


def task_dict(t: m.Task) -> dict:
    return {
        "id": t.id, "seq": t.seq, "text": t.text, "text_restored": t.text_restored, "span": [t.span_start, t.span_end],
        "lead": t.names("lead"), "support": t.names("support"), "status": t.status, "status_reason": t.status_reason,
        "completed_on": t.completed_on.isoformat() if t.completed_on else None,
        "deadlines": [{"date": d.due.isoformat() if d.due else None,
                       "original": d.original_due.isoformat() if d.original_due else None,
                       "source": d.source, "kind": d.kind, "rule": d.rule} for d in t.deadlines],
    }


def dispatch_dict(doc: m.Document) -> dict:
    d = doc.dispatch
    out = {
        "id": doc.id, "filename": doc.filename, "mime": doc.mime, "kind_of_file": doc.kind, "sha256": doc.sha256,
        "pages": [{"number": p.number, "method": p.method, "confidence": p.confidence, "chars": len(p.text),
                   "metadata": p.meta or {}} for p in doc.pages],
        "metadata": doc.meta or {}, "children": doc.children or [],
    }
    if d is not None:
        out.update({
            "dispatch_id": d.id, "number": d.number, "issued": d.issued.isoformat() if d.issued else None,
            "place": d.place, "issuer": d.issuer, "issuer_parent": d.issuer_parent, "kind": d.kind,
            "subject": d.subject, "recipients": d.recipients,
            "signer": {"name": d.signer_name, "title": d.signer_title}, "cites": d.cites,
            "warnings": d.warnings, "confirmed": d.confirmed,
            "restored": {"mode": d.restored_mode, "text": d.text_restored} if d.text_restored else None, "tasks": [task_dict(t) for t in d.tasks],
        })
    else:
        out["tasks"] = []
    return out
