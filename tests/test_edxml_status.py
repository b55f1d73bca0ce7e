"""Status messages back to the sender, written into the folder the office's gateway picks up:
arrived, received and assigned, in progress, done; kept and sent later when the folder is away."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from dondoc.domain import Status
from dondoc.edxml import outbox
from dondoc.edxml.parse import parse_status
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope
from dondoc.tracking.status import set_status

from . import edxml_messages as mk

SEED = "seeds/000_1480374bd54b458c"


def _message(tmp_path):
    p = tmp_path / "687.edxml"
    p.write_bytes(mk.qcvn(mk.from_gold(mk.CORPUS / f"{SEED}.gold.json"), [mk.corpus_file(f"{SEED}.txt")]))
    return p


def _told(folder):
    return [parse_status(p.read_bytes()) for p in sorted(folder.glob("*.edxml"))]


def _codes(folder):
    return sorted(s.code for s in _told(folder))


def _change(settings, doc_id, change):
    with session_scope(settings) as s:
        change(s.get(m.Document, doc_id).dispatch)


def test_statuses_follow_the_dispatch_from_arrival_to_done(settings, tmp_path):
    out = tmp_path / "vxp-di"
    settings = replace(settings, edxml_outbox=str(out), edxml_organ_id="000.00.00.H53")
    doc_id = ingest_file(_message(tmp_path), settings, index=False).document_id
    [arrived] = _told(out)
    assert arrived.code == "01"
    assert arrived.response_for.document_id == "000.00.00.G13,2024/02/23,687/LĐTBXH-TTr"
    assert arrived.response_for.organ_id == "000.00.00.G13" and arrived.response_for.code == "687/LĐTBXH-TTr"
    assert arrived.sender.id == "000.00.00.H53"

    _change(settings, doc_id, lambda d: setattr(d, "confirmed", True))
    outbox.sync(settings)
    assert _codes(out) == ["01", "03", "04"]
    assigned = next(s for s in _told(out) if s.code == "04")
    assert "chủ trì Sở Lao động - Thương binh và Xã hội" in assigned.description

    _change(settings, doc_id, lambda d: set_status(d.tasks[0], Status.IN_PROGRESS, "lanhdao"))
    outbox.sync(settings)
    assert _codes(out) == ["01", "03", "04", "05"]

    def finish(d):
        for t in d.tasks:
            set_status(t, Status.DONE, "lanhdao", evidence_note="Báo cáo số 12/BC-SLĐTBXH")
    _change(settings, doc_id, finish)
    outbox.sync(settings)
    outbox.sync(settings)                      # told once, however often asked
    assert _codes(out) == ["01", "03", "04", "05", "06"]
    done = next(s for s in _told(out) if s.code == "06")
    assert done.description.endswith("6/6 nhiệm vụ đã hoàn thành")


def test_a_status_waits_while_the_gateway_folder_is_away(settings, tmp_path):
    away = tmp_path / "not-a-folder"
    away.write_text("x")                       # a file where the folder should be
    settings = replace(settings, edxml_outbox=str(away))
    ingest_file(_message(tmp_path), settings, index=False)
    with session_scope(settings) as s:
        row = s.scalar(select(m.EdxmlStatus))
        assert row.written_at is None and "không ghi được" in row.last_error
    away.unlink()
    assert [p.name.split("-")[-2] for p in outbox.sync(settings)] == ["01"]
    assert _codes(away) == ["01"]


def test_without_a_gateway_folder_statuses_are_kept_for_when_one_is_set(settings, tmp_path):
    ingest_file(_message(tmp_path), settings, index=False)
    later = replace(settings, edxml_outbox=str(tmp_path / "vxp-di"))
    assert len(outbox.sync(later)) == 1


def test_status_comes_from_the_body_the_message_was_addressed_to(settings, tmp_path):
    out = tmp_path / "vxp-di"
    ingest_file(_message(tmp_path), replace(settings, edxml_outbox=str(out)), index=False)
    [arrived] = _told(out)
    assert (arrived.sender.id, arrived.sender.name) == ("000.00.00.H53", "Ủy ban nhân dân tỉnh Thanh Hóa")


def test_dondoc_edxml_status_writes_what_is_owed_and_says_what_is_left(settings, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dondoc.cli import main
    ingest_file(_message(tmp_path), settings, index=False)      # no gateway folder set yet
    blocked = tmp_path / "blocked"
    blocked.write_text("x")
    monkeypatch.setenv("DONDOC_EDXML_OUTBOX", str(blocked))
    r = CliRunner().invoke(main, ["edxml", "status"])
    assert r.exit_code == 1 and "Còn 1 thông điệp trạng thái chưa ghi được" in r.stderr
    monkeypatch.setenv("DONDOC_EDXML_OUTBOX", str(tmp_path / "vxp-di"))
    r = CliRunner().invoke(main, ["edxml", "status"])
    assert r.exit_code == 0 and "Đã ghi" in r.output
    assert _codes(tmp_path / "vxp-di") == ["01"]


def test_a_writer_queues_only_the_dispatches_it_changed(settings, tmp_path):
    out = tmp_path / "vxp-di"
    settings = replace(settings, edxml_outbox=str(out))
    a = ingest_file(_message(tmp_path), settings, index=False)
    other = tmp_path / "other.edxml"
    other.write_bytes(mk.qcvn(mk.from_gold(mk.CORPUS / "seeds/001_e16342c4faedd0ca.gold.json"),
                              [mk.corpus_file("seeds/001_e16342c4faedd0ca.txt")]))
    b = ingest_file(other, settings, index=False)
    for doc_id in (a.document_id, b.document_id):
        _change(settings, doc_id, lambda d: setattr(d, "confirmed", True))
    outbox.sync(settings, [a.dispatch_id])
    told = {(s.response_for.code, s.code) for s in _told(out)}
    assert ("687/LĐTBXH-TTr", "04") in told and ("546/SLĐTBXH-TEBĐG", "04") not in told
    outbox.sync(settings)
    assert ("546/SLĐTBXH-TEBĐG", "04") in {(s.response_for.code, s.code) for s in _told(out)}
