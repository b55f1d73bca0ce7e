"""edXML messages through the doors a clerk uses (`dondoc ingest`, the watch folder): the
envelope's header over the extraction's, tasks from the attachment, a second delivery not stored
twice, bad messages refused by name, bad attachments reported with the record kept."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from dondoc.cli import main
from dondoc.ingest.watch import scan_once
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from . import edxml_messages as mk
from . import fixtures as fx

SEED = "seeds/000_1480374bd54b458c"
GOLD = mk.CORPUS / f"{SEED}.gold.json"


def _write(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _seed_message(tmp_path, name="687.edxml", build=mk.qcvn, **header):
    h = mk.from_gold(GOLD, **header)
    return _write(tmp_path, name, build(h, [mk.corpus_file(f"{SEED}.txt", "687-LDTBXH-TTr.txt")]))


def _dispatch(settings, doc_id):
    s = session_scope(settings).__enter__()
    return s.get(m.Document, doc_id).dispatch


def _count(settings, model):
    with session_scope(settings) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("build", [mk.qcvn, mk.edoc, lambda h, f: mk.soap(mk.qcvn(h, f)), mk.mime],
                         ids=["qcvn102", "eDoc", "SOAP", "MIME"])
def test_a_message_becomes_a_dispatch_pending_review_with_tasks_from_its_attachment(settings, tmp_path, build):
    plain = ingest_file(mk.CORPUS / f"{SEED}.txt", settings, index=False)
    out = ingest_file(_seed_message(tmp_path, build=build), settings, index=False)
    assert not out.duplicate and out.tasks == plain.tasks > 0
    with session_scope(settings) as s:
        doc = s.get(m.Document, out.document_id)
        d = doc.dispatch
        assert doc.kind == "edxml" and not d.confirmed
        assert (d.number, d.issued.isoformat(), d.issuer) == ("687/LĐTBXH-TTr", "2024-02-23", "Bộ Lao động - Thương binh và Xã hội")
        assert d.signer_name == "Nguyễn Văn Sơn" and d.signer_title == "KT. BỘ TRƯỞNG Thứ trưởng"
        assert doc.meta["edxml"]["sender"]["id"] == "000.00.00.G13"
        [child] = doc.children
        assert child["name"] == "687-LDTBXH-TTr.txt" and child["pages"] == [1]
        assert (settings.data_dir / child["stored_path"]).read_bytes() == (mk.CORPUS / f"{SEED}.txt").read_bytes()


def test_the_envelope_wins_and_what_extraction_read_is_kept(settings, tmp_path):
    out = ingest_file(_seed_message(tmp_path, subject="V/v thanh tra việc bảo vệ trẻ em năm 2024", type_name="Công văn"),
                      settings, index=False)
    d = _dispatch(settings, out.document_id)
    assert d.subject == "thanh tra việc bảo vệ trẻ em năm 2024"
    assert d.header_alternatives["subject"].startswith("thanh tra, kiểm tra việc thực hiện chính sách")
    assert "number" not in d.header_alternatives and "issued" not in d.header_alternatives


def test_due_date_goes_to_the_register_and_to_tasks_the_text_gives_no_deadline(settings, tmp_path):
    out = ingest_file(_seed_message(tmp_path, due="2024/12/15"), settings, index=False)
    d = _dispatch(settings, out.document_id)
    assert d.due_date.isoformat() == "2024-12-15"
    by_text = {t.seq: [x.due.isoformat() for x in t.deadlines if x.due] for t in d.tasks}
    assert all(by_text.values())                       # every task has a time limit
    assert "2024-11-20" in by_text[len(d.tasks)]       # the one the text sets stays its own


def test_a_second_delivery_of_the_same_message_is_a_duplicate(settings, tmp_path):
    first = ingest_file(_seed_message(tmp_path, "a.edxml"), settings, index=False)
    # redelivered through another gateway: other bytes (SOAP, other trace), the same DocumentId
    again = ingest_file(_seed_message(tmp_path, "b.edxml", build=lambda h, f: mk.soap(mk.edoc(h, f))), settings, index=False)
    assert again.duplicate and again.document_id == first.document_id
    assert _count(settings, m.Document) == 1
    with session_scope(settings) as s:
        assert s.scalar(select(m.EdxmlMessage.deliveries)) == 2


def test_another_message_with_the_same_number_and_issuer_is_a_warning(settings, tmp_path):
    plain = ingest_file(mk.CORPUS / f"{SEED}.txt", settings, index=False)
    out = ingest_file(_seed_message(tmp_path), settings, index=False)
    assert not out.duplicate
    [w] = [w for w in out.warnings if w.startswith("Trùng số, ký hiệu")]
    assert f"mã {plain.document_id}" in w
    assert w in _dispatch(settings, out.document_id).warnings


def test_the_sender_is_found_by_its_identifier_whatever_its_name_says(settings, tmp_path):
    first = ingest_file(_seed_message(tmp_path, "a.edxml"), settings, index=False)
    other = ingest_file(_seed_message(tmp_path, "b.edxml", sender_name="BỘ LAO ĐỘNG TB&XH", number="700",
                                      document_id="000.00.00.G13,2024/03/01,700/LĐTBXH-TTr"), settings, index=False)
    assert _dispatch(settings, other.document_id).issuer == _dispatch(settings, first.document_id).issuer
    with session_scope(settings) as s:
        assert s.scalar(select(m.Agency.name).where(m.Agency.organ_id == "000.00.00.G13")) == \
            "Bộ Lao động - Thương binh và Xã hội"


def test_a_sender_the_list_does_not_know_keeps_its_name(settings, tmp_path):
    out = ingest_file(_seed_message(tmp_path, sender_id="H99.01", sender_name="Ban Quản lý dự án Cầu Rạch Miễu 3"),
                      settings, index=False)
    assert _dispatch(settings, out.document_id).issuer == "Ban Quản lý dự án Cầu Rạch Miễu 3"


UNKNOWN = {"sender_id": "000.00.99.Z01", "sender_name": "Ban Quản lý Khu công nghệ cao Hòa Lạc"}


def _from_unknown(tmp_path, number: str, **header):
    return _seed_message(tmp_path, f"{number}.edxml", number=number,
                         document_id=f"000.00.99.Z01,2024/02/23,{number}/BQL-KH", **UNKNOWN | header)


def test_an_unknown_sender_is_proposed_to_the_admin_once_however_often_it_writes(settings, tmp_path):
    first = ingest_file(_from_unknown(tmp_path, "11"), settings, index=False)
    ingest_file(_from_unknown(tmp_path, "12"), settings, index=False)
    with session_scope(settings) as s:
        [p] = s.scalars(select(m.AgencyProposal).where(m.AgencyProposal.name == UNKNOWN["sender_name"])).all()
        assert p.state == "pending" and p.seen == 2
        assert [(x["source"], x["detail"]) for x in p.sources] == [("edxml", "000.00.99.Z01")] * 2
        assert p.sources[0]["dispatch_id"] == first.dispatch_id


def test_a_known_sender_is_not_proposed(settings, tmp_path):
    ingest_file(_seed_message(tmp_path), settings, index=False)
    with session_scope(settings) as s:
        names = set(s.scalars(select(m.AgencyProposal.name)))
    assert "Bộ Lao động - Thương binh và Xã hội" not in names


def test_once_accepted_the_sender_maps_to_its_agency_by_identifier(settings, tmp_path):
    from dondoc import agency_proposals
    ingest_file(_from_unknown(tmp_path, "11"), settings, index=False)
    with session_scope(settings) as s:
        p = s.scalar(select(m.AgencyProposal).where(m.AgencyProposal.name == UNKNOWN["sender_name"]))
        agency_proposals.accept(s, p, "quantri")
    later = ingest_file(_from_unknown(tmp_path, "12", sender_name="BQL KHU CNC HÒA LẠC"), settings, index=False)
    assert _dispatch(settings, later.document_id).issuer == UNKNOWN["sender_name"]
    with session_scope(settings) as s:
        assert s.scalar(select(m.Agency.organ_id).where(m.Agency.name == UNKNOWN["sender_name"])) == "000.00.99.Z01"
        assert s.scalar(select(m.AgencyProposal.seen).where(m.AgencyProposal.name == UNKNOWN["sender_name"])) == 1
        assert s.scalar(select(func.count()).select_from(m.AgencyProposal)
                        .where(m.AgencyProposal.name == "BQL KHU CNC HÒA LẠC")) == 0


def test_a_sender_merged_into_a_known_agency_is_that_agency(settings, tmp_path):
    from dondoc import agency_proposals
    ingest_file(_from_unknown(tmp_path, "11", sender_name="Sở LĐ-TB&XH tỉnh Thanh Hóa (cũ)", sender_id=None),
                settings, index=False)
    with session_scope(settings) as s:
        target = m.Agency(name="Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa", emails=[])
        s.add(target)
        p = s.scalar(select(m.AgencyProposal).where(m.AgencyProposal.name == "Sở LĐ-TB&XH tỉnh Thanh Hóa (cũ)"))
        agency_proposals.merge(s, p, target, "quantri")
    later = ingest_file(_from_unknown(tmp_path, "12", sender_name="Sở LĐ-TB&XH tỉnh Thanh Hóa (cũ)", sender_id=None),
                        settings, index=False)
    assert _dispatch(settings, later.document_id).issuer == "Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa"


def test_attachments_are_read_as_files_of_their_own_type(settings, tmp_path):
    text = fx.seed_text()
    pdf = fx.text_pdf(tmp_path / "cv.pdf", text)
    docx = fx.docx_file(tmp_path / "phuluc.docx", fx.seed_text("003_35f16506bfe594bc"))
    msg = mk.qcvn(mk.from_gold(GOLD), [mk.File("cv.pdf", pdf.read_bytes(), "application/pdf"),
                                       mk.File("phuluc.docx", docx.read_bytes(), "application/msword")])
    out = ingest_file(_write(tmp_path, "m.edxml", msg), settings, index=False)
    with session_scope(settings) as s:
        doc = s.get(m.Document, out.document_id)
        kinds = {c["name"]: c["metadata"]["kind"] for c in doc.children}
        assert kinds == {"cv.pdf": "pdf", "phuluc.docx": "docx"}
        assert {p.meta["attachment"] for p in doc.pages} == {"cv.pdf", "phuluc.docx"}
        texts: dict = {}
        for p in doc.pages:
            texts[p.meta["attachment"]] = texts.get(p.meta["attachment"], "") + p.text
        assert "Chỉ đạo Sở LĐTBXH" in texts["cv.pdf"] and "478 /LDTBXH-TE" in texts["phuluc.docx"]


def test_a_bad_attachment_is_reported_and_the_envelope_record_kept(settings, tmp_path):
    msg = mk.qcvn(mk.from_gold(GOLD), [mk.File("cv.pdf", b"%PDF-1.4\n1 0 obj <<", "application/pdf")])
    out = ingest_file(_write(tmp_path, "m.edxml", msg), settings, index=False)
    assert any("«cv.pdf»" in w and "PDF bị hỏng" in w for w in out.warnings)
    d = _dispatch(settings, out.document_id)
    assert d.number == "687/LĐTBXH-TTr" and d.subject.startswith("thanh tra")
    assert d.document.children[0]["metadata"]["error"]


@pytest.mark.parametrize("cut,reason", [
    (lambda b: b[: len(b) // 3], "bị cắt cụt"),
    (lambda b: b.replace(b"</edXML:MessageHeader>", b"</edXML:Header>"), "sai cú pháp XML"),
    (lambda b: b.replace(b"?>", b'?><!DOCTYPE edXML [<!ENTITY e "x">]>', 1), "thực thể XML"),
], ids=["truncated", "malformed", "entities"])
def test_a_bad_message_is_refused_by_name_and_nothing_is_stored(settings, tmp_path, cut, reason):
    bad = _write(tmp_path, "hong.edxml", cut(mk.qcvn(mk.from_gold(GOLD), [mk.corpus_file(f"{SEED}.txt")])))
    r = CliRunner().invoke(main, ["ingest", str(bad), "--no-index"])
    assert r.exit_code == 1
    assert "hong.edxml: " in r.stderr and reason in r.stderr
    assert _count(settings, m.Document) == 0


def test_the_watch_folder_takes_messages_and_refuses_bad_ones_with_the_reason(settings, tmp_path):
    inbox = tmp_path / "vxp-den"
    inbox.mkdir()
    good = _seed_message(inbox, "den-001.edxml")
    data = good.read_bytes()
    (inbox / "den-002.edxml").write_bytes(data[: len(data) // 2])
    seen: dict = {}
    scan_once(inbox, lambda p: ingest_file(p, settings, index=False), seen, settle=0, report=lambda s: None)
    scan_once(inbox, lambda p: ingest_file(p, settings, index=False), seen, settle=0, report=lambda s: None)
    assert (inbox / "done" / "den-001.edxml").exists()
    reason = (inbox / "failed" / "den-002.edxml.reason.txt").read_text(encoding="utf-8")
    assert "cắt cụt" in reason
    with session_scope(settings) as s:
        [d] = s.scalars(select(m.Dispatch)).all()
        assert d.number == "687/LĐTBXH-TTr" and not d.confirmed


def test_xml_that_is_not_edxml_is_refused_by_name(settings, tmp_path):
    other = _write(tmp_path, "hoadon.xml", b'<?xml version="1.0"?><HoaDon><Tong>1</Tong></HoaDon>')
    r = CliRunner().invoke(main, ["ingest", str(other), "--no-index"])
    assert r.exit_code == 1 and "không phải thông điệp edXML" in r.stderr


def test_a_copied_message_in_a_folder_is_read_once(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _seed_message(folder, "a.edxml")
    shutil.copy(folder / "a.edxml", folder / "a-copy.edxml")
    r = CliRunner().invoke(main, ["ingest", str(folder), "--no-index"])
    assert r.exit_code == 0 and "1 tệp mới, 1 tệp trùng" in r.stderr
