"""edXML messages read into plain data, in every variant; bad ones refused by name; status
messages written and read back."""
from __future__ import annotations

import base64

import pytest

from dondoc.edxml import status
from dondoc.edxml.model import Organ, ResponseFor, StaffInfo, StatusMessage
from dondoc.edxml.parse import MessageError, parse_any, parse_message, parse_status

from . import edxml_messages as mk

SEED = "seeds/000_1480374bd54b458c"
GOLD = mk.CORPUS / f"{SEED}.gold.json"


def _files():
    return [mk.corpus_file(f"{SEED}.txt", "687-LDTBXH-TTr.txt")]


VARIANTS = {
    "qcvn102, referenced by cid": lambda h, f: mk.qcvn(h, f),
    "qcvn102, encoded without manifest": lambda h, f: mk.qcvn(h, f, referenced=False),
    "go.vn eDoc, inline": lambda h, f: mk.edoc(h, f),
    "SOAP-wrapped qcvn102": lambda h, f: mk.soap(mk.qcvn(h, f)),
    "SOAP-wrapped eDoc": lambda h, f: mk.soap(mk.edoc(h, f)),
    "SOAP with MIME attachments": lambda h, f: mk.mime(h, f),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_gives_the_same_header_and_attachment(variant):
    h = mk.from_gold(GOLD)
    env = parse_message(VARIANTS[variant](h, _files()))
    assert env.number == "687/LĐTBXH-TTr"
    assert env.issued == "2024-02-23"
    assert env.sender.id == "000.00.00.G13" and env.sender.name == "Bộ Lao động - Thương binh và Xã hội"
    assert env.subject.startswith("thanh tra, kiểm tra việc thực hiện")
    assert env.signer_name == "Nguyễn Văn Sơn" and env.signer_position == "Thứ trưởng"
    assert env.due_date == "2024-11-20" and env.priority == "khẩn"
    assert env.recipients[0].id == "000.00.00.H53"
    assert env.message_id == "000.00.00.G13,2024/02/23,687/LĐTBXH-TTr"
    [att] = env.attachments
    assert att.name == "687-LDTBXH-TTr.txt" and att.error is None
    assert att.data == (mk.CORPUS / f"{SEED}.txt").read_bytes()


def test_variant_and_soap_are_told_apart():
    h, f = mk.Header(), _files()
    assert (parse_message(mk.qcvn(h, f)).variant, parse_message(mk.qcvn(h, f)).soap) == ("qcvn102", False)
    assert parse_message(mk.edoc(h, f)).variant == "edoc"
    assert parse_message(mk.soap(mk.edoc(h, f))).soap


@pytest.mark.parametrize("code,word", [("0", None), ("1", "khẩn"), ("2", "thượng khẩn"), ("3", "hỏa tốc"),
                                       ("Thượng khẩn", "thượng khẩn"), ("HOA TOC", "hỏa tốc"), ("", None)])
def test_priority_codes_and_words_give_the_urgency(code, word):
    assert parse_message(mk.qcvn(mk.Header(priority=code), _files())).priority == word


def test_an_unknown_priority_is_a_warning_not_a_refusal():
    env = parse_message(mk.qcvn(mk.Header(priority="9"), _files()))
    assert env.priority is None and any("Độ khẩn" in w for w in env.warnings)


def test_an_unreadable_date_is_a_warning_and_no_date():
    env = parse_message(mk.qcvn(mk.Header(date="ngày 23 tháng 2"), _files()))
    assert env.issued is None and any("Ngày ban hành" in w for w in env.warnings)


def test_without_document_id_the_message_is_known_by_sender_date_and_number():
    env = parse_message(mk.qcvn(mk.Header(document_id=None), _files()))
    assert env.message_id == "000.00.00.G13,2024-02-23,687/LĐTBXH-TTr"


def test_a_replacement_is_a_message_of_its_own():
    new = parse_message(mk.qcvn(mk.Header(business="0"), _files()))
    replacement = parse_message(mk.qcvn(mk.Header(business="3"), _files()))
    assert replacement.business == "replace" and replacement.message_id != new.message_id


def test_several_attachments_keep_their_order_and_names():
    files = [mk.corpus_file(f"{SEED}.txt", "van-ban.txt"), mk.corpus_file("dev/002.txt", "phu-luc.txt")]
    env = parse_message(mk.qcvn(mk.Header(), files))
    assert [a.name for a in env.attachments] == ["van-ban.txt", "phu-luc.txt"]


def test_an_attachment_name_cannot_be_a_path():
    files = [mk.File("../../etc/passwd", b"x"), mk.File("C:\\Windows\\evil.pdf", b"y")]
    names = [a.name for a in parse_message(mk.qcvn(mk.Header(), files)).attachments]
    assert names == ["passwd", "evil.pdf"]


def test_bad_base64_is_reported_on_the_attachment_and_the_envelope_is_kept():
    xml = mk.qcvn(mk.Header(), _files())
    good = base64.encodebytes((mk.CORPUS / f"{SEED}.txt").read_bytes()).decode().encode()
    env = parse_message(xml.replace(good[:40], b"@@@@ not base64 @@@@", 1))
    assert env.number == "687/LĐTBXH-TTr"
    [att] = env.attachments
    assert att.data is None and "base64" in att.error


def test_a_reference_to_a_missing_part_is_reported():
    xml = mk.qcvn(mk.Header(), _files()).replace(b"<ContentId>att1@dondoc.test</ContentId>",
                                                  b"<ContentId>other@x</ContentId>")
    atts = parse_message(xml).attachments
    assert atts[0].error.startswith("không tìm thấy nội dung") and atts[0].data is None


def test_a_reference_outside_the_message_is_not_followed():
    xml = mk.qcvn(mk.Header(), _files(), referenced=True).replace(b'href="cid:att1@dondoc.test"',
                                                                   b'href="file:///etc/passwd"')
    xml = xml.replace(b"<edXML:ContentId>cid:att1@dondoc.test</edXML:ContentId>", b"")
    atts = parse_message(xml).attachments
    assert "ra ngoài thông điệp" in atts[0].error


def _refused(data: bytes) -> MessageError:
    with pytest.raises(MessageError) as exc:
        parse_message(data)
    return exc.value


def test_a_truncated_message_is_refused_as_truncated():
    xml = mk.qcvn(mk.Header(), _files())
    err = _refused(xml[: len(xml) // 2])
    assert err.code == "truncated" and "cắt cụt" in err.message


def test_a_message_with_an_entity_is_refused_before_expansion():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope>&b;</edXMLEnvelope></edXML>')
    err = _refused(bomb)
    assert err.code == "entities" and "thực thể" in err.message


def test_an_external_entity_is_refused():
    xxe = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&x;</Subject></MessageHeader>'
           b'</edXMLHeader></edXMLEnvelope></edXML>')
    assert _refused(xxe).code == "entities"


def test_broken_xml_is_refused_with_its_place():
    err = _refused(b"<edXML><edXMLEnvelope></MessageHeader></edXMLEnvelope></edXML>")
    assert err.code == "malformed" and "dòng 1" in err.message


def test_xml_that_is_not_edxml_is_refused_by_name():
    err = _refused(b'<?xml version="1.0"?><invoice><total>1</total></invoice>')
    assert err.code == "not_edxml" and "<invoice>" in err.message


def test_soap_without_edxml_is_refused():
    err = _refused(mk.soap(b"<ping/>"))
    assert err.code == "not_edxml" and "SOAP" in err.message


def test_an_envelope_without_header_or_sender_is_refused():
    assert _refused(b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader/>'
                    b"</edXMLEnvelope></edXML>").code == "no_header"
    no_sender = mk.qcvn(mk.Header(sender_id="", sender_name=""), _files())
    assert _refused(no_sender).code == "no_sender"


def _status(code=status.RECEIVED) -> StatusMessage:
    return StatusMessage(code=code, description=status.CODES[code], timestamp="2024-02-26T09:15:00",
                         sender=Organ(id="000.00.00.H53", name="Ủy ban nhân dân tỉnh Thanh Hóa"),
                         response_for=ResponseFor(organ_id="000.00.00.G13", code="687/LĐTBXH-TTr",
                                                  promulgation_date="2024-02-23",
                                                  document_id="000.00.00.G13,2024/02/23,687/LĐTBXH-TTr"),
                         staff=StaffInfo(department="Văn thư", staff="Lê Thị Hoa"))


def test_a_status_message_is_written_and_read_back(tmp_path):
    path = status.write(tmp_path, _status())
    assert path.parent == tmp_path and path.suffix == ".edxml"
    assert not list(tmp_path.glob(".writing-*"))
    back = parse_status(path.read_bytes())
    assert back == _status()


def test_a_status_message_follows_the_regulation_structure():
    import xml.etree.ElementTree as ET
    root = ET.fromstring(status.build(_status(status.DONE)))
    ns = {"e": "http://www.mic.gov.vn/TBT/QCVN_102_2016"}
    st = root.find("e:edXMLEnvelope/e:edXMLHeader/e:Status", ns)
    assert st.findtext("e:StatusCode", namespaces=ns) == "06"
    assert st.findtext("e:ResponseFor/e:DocumentId", namespaces=ns) == "000.00.00.G13,2024/02/23,687/LĐTBXH-TTr"
    assert st.findtext("e:ResponseFor/e:PromulgationDate", namespaces=ns) == "2024/02/23"
    assert st.findtext("e:Timestamp", namespaces=ns) == "2024/02/26 09:15:00"


def test_two_statuses_of_the_same_second_do_not_overwrite_each_other(tmp_path):
    a, b = status.write(tmp_path, _status()), status.write(tmp_path, _status())
    assert a != b and a.exists() and b.exists()


def test_a_status_message_is_not_taken_for_a_document():
    err = _refused(status.build(_status(status.ASSIGNED)))
    assert err.code == "status" and "04" in err.message
    assert parse_any(status.build(_status(status.ASSIGNED))).code == "04"
