"""edXML messages for the tests, built element by element from the structure of QCVN 102:2016/BTTTT
and the variants integrations write (go.vn eDoc, SOAP-wrapped, SOAP with MIME attachments), around
the corpus's real documents and their gold headers."""
from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

QCVN = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
EDOC = "http://www.go.vn/eDoc"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XLINK = "http://www.w3.org/1999/xlink"
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@dataclass
class Header:
    sender_id: str = "000.00.00.G13"
    sender_name: str = "Bộ Lao động - Thương binh và Xã hội"
    to_id: str = "000.00.00.H53"
    to_name: str = "Ủy ban nhân dân tỉnh Thanh Hóa"
    number: str = "687"
    notation: str = "LĐTBXH-TTr"
    place: str = "Hà Nội"
    date: str = "2024/02/23"
    type_code: str = "18"
    type_name: str = "Công văn"
    subject: str = "V/v thanh tra, kiểm tra việc thực hiện chính sách, pháp luật về trẻ em"
    content: str | None = None
    signer: str = "Nguyễn Văn Sơn"
    position: str = "Thứ trưởng"
    competence: str = "KT. BỘ TRƯỞNG"
    due: str | None = "2024/11/20"
    priority: str | None = "1"
    to_places: list[str] = field(default_factory=lambda: ["Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"])
    document_id: str | None = "000.00.00.G13,2024/02/23,687/LĐTBXH-TTr"
    business: str | None = "0"


def from_gold(gold: Path, **overrides) -> Header:
    """The header a sender would write for a corpus document, from its gold annotation."""
    g = json.loads(gold.read_text(encoding="utf-8"))
    num, _, notation = (g.get("number") or "").partition("/")
    h = Header(number=num, notation=notation, sender_name=g.get("issuer") or Header.sender_name,
               date=(g.get("issued") or "2024-01-01").replace("-", "/"), subject=g.get("subject") or "")
    h.document_id = f"{h.sender_id},{h.date},{g.get('number')}"
    for k, v in overrides.items():
        setattr(h, k, v)
    return h


@dataclass
class File:
    name: str
    data: bytes
    mime: str = "application/octet-stream"


def corpus_file(rel: str, name: str | None = None, mime: str = "text/plain") -> File:
    p = CORPUS / rel
    return File(name or p.name, p.read_bytes(), mime)


def _sub(parent, ns: str | None, name: str, value=None, **attrs):
    el = ET.SubElement(parent, f"{{{ns}}}{name}" if ns else name, attrs)
    if value is not None:
        el.text = value
    return el


def _message_header(parent, ns: str, h: Header, eDoc: bool = False):
    mh = _sub(parent, ns, "MessageHeader")
    fr = _sub(mh, ns, "From")
    _sub(fr, ns, "OrganId", h.sender_id)
    if not eDoc:
        _sub(fr, ns, "OrganizationInCharge", h.sender_name)
    _sub(fr, ns, "OrganName", h.sender_name)
    to = _sub(mh, ns, "To")
    _sub(to, ns, "OrganId", h.to_id)
    _sub(to, ns, "OrganName", h.to_name)
    code = _sub(mh, ns, "Code")
    _sub(code, ns, "CodeNumber", h.number)
    _sub(code, ns, "CodeNotation", h.notation)
    pi = _sub(mh, ns, "PromulgationInfo")
    _sub(pi, ns, "Promulgator" if eDoc else "Place", h.place)
    _sub(pi, ns, "PromulgationDate", h.date if not eDoc else h.date.replace("/", "-") + "T00:00:00+07:00")
    if eDoc:
        _sub(mh, ns, "DocumentType", h.type_name)
    else:
        dt = _sub(mh, ns, "DocumentType")
        _sub(dt, ns, "Type", h.type_code)
        _sub(dt, ns, "TypeName", h.type_name)
    _sub(mh, ns, "Subject", h.subject)
    if h.content:
        _sub(mh, ns, "Content", h.content)
    si = _sub(mh, ns, "SignerInfo")
    _sub(si, ns, "Competence", h.competence)
    _sub(si, ns, "Position", h.position)
    _sub(si, ns, "Signer" if eDoc else "FullName", h.signer)
    if h.due:
        _sub(mh, ns, "DueDate", h.due)
    if h.to_places:
        tp = _sub(mh, ns, "ToPlaces")
        for p in h.to_places:
            _sub(tp, ns, "Place", p)
    oi = _sub(mh, ns, "OtherInfo")
    if h.priority is not None:
        _sub(oi, ns, "Priority", h.priority)
    _sub(oi, ns, "PageAmount", "2")
    if h.document_id:
        _sub(mh, ns, "DocumentId", h.document_id)
    return mh


def qcvn(h: Header, files: list[File], referenced: bool = True) -> bytes:
    """QCVN 102:2016: edXML/edXMLEnvelope/(edXMLHeader, edXMLBody/edXMLManifest), the files in
    AttachmentEncoded beside the envelope, referenced by cid (or, `referenced=False`, unlisted)."""
    ET.register_namespace("edXML", QCVN)
    ET.register_namespace("xlink", XLINK)
    root = ET.Element(f"{{{QCVN}}}edXML")
    env = _sub(root, QCVN, "edXMLEnvelope")
    header = _sub(env, QCVN, "edXMLHeader")
    _message_header(header, QCVN, h)
    thl = _sub(header, QCVN, "TraceHeaderList")
    th = _sub(thl, QCVN, "TraceHeader")
    _sub(th, QCVN, "OrganId", h.sender_id)
    _sub(th, QCVN, "Timestamp", h.date + " 08:30:00")
    if h.business is not None:
        b = _sub(thl, QCVN, "Bussiness")
        _sub(b, QCVN, "BussinessDocType", h.business)
        _sub(b, QCVN, "BussinessDocReason", "Văn bản mới")
    body = _sub(env, QCVN, "edXMLBody")
    manifest = _sub(body, QCVN, "edXMLManifest", version="1.0")
    enc = _sub(root, None, "AttachmentEncoded") if files else None
    for i, f in enumerate(files, 1):
        cid = f"att{i}@dondoc.test"
        if referenced:
            ref = _sub(manifest, QCVN, "Reference", **{f"{{{XLINK}}}href": f"cid:{cid}", f"{{{XLINK}}}type": "simple"})
            _sub(ref, QCVN, "Description", f"Tệp đính kèm {i}")
            _sub(ref, QCVN, "AttachmentName", f.name)
            _sub(ref, QCVN, "ContentType", f.mime)
            _sub(ref, QCVN, "ContentId", f"cid:{cid}")
        a = _sub(enc, None, "Attachment")
        _sub(a, None, "ContentType", f.mime)
        _sub(a, None, "ContentId", cid)
        _sub(a, None, "ContentTransferEncoded", base64.encodebytes(f.data).decode())
        _sub(a, None, "AttachmentName", f.name)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def edoc(h: Header, files: list[File]) -> bytes:
    """The go.vn eDoc form: EdXMLEnvelope/MessageHeader, the files inline in Manifest/Attachment."""
    ET.register_namespace("", EDOC)
    root = ET.Element(f"{{{EDOC}}}EdXMLEnvelope")
    mh = _message_header(root, EDOC, h, eDoc=True)
    thl = _sub(mh, EDOC, "TraceHeaderList")
    th = _sub(thl, EDOC, "TraceHeader")
    _sub(th, EDOC, "Time", h.date.replace("/", "-") + "T08:30:00+07:00")
    path = _sub(th, EDOC, "Path")
    _sub(path, EDOC, "From", h.sender_id)
    _sub(path, EDOC, "To", h.to_id)
    manifest = _sub(root, EDOC, "Manifest")
    for f in files:
        a = _sub(manifest, EDOC, "Attachment")
        _sub(a, EDOC, "Content", base64.b64encode(f.data).decode())
        _sub(a, EDOC, "FileName", f.name)
        _sub(a, EDOC, "FileType", f.mime)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def soap(inner: bytes) -> bytes:
    """The message as the body of a SOAP envelope (how gateways hand it over)."""
    body = inner.split(b"?>", 1)[1] if inner.startswith(b"<?xml") else inner
    return (b'<?xml version="1.0" encoding="utf-8"?>\n<soapenv:Envelope xmlns:soapenv="' + SOAP.encode()
            + b'"><soapenv:Header/><soapenv:Body>' + body + b"</soapenv:Body></soapenv:Envelope>")


def mime(h: Header, files: list[File]) -> bytes:
    """SOAP with attachments: a multipart/related package, the SOAP part's manifest referencing the
    files as MIME parts by Content-ID."""
    xml = qcvn(h, files, referenced=True)
    # the base64 moves out of the XML into MIME parts: drop AttachmentEncoded
    root = ET.fromstring(xml)
    for enc in [e for e in root if e.tag == "AttachmentEncoded"]:
        root.remove(enc)
    pkg = MIMEMultipart("related", type="text/xml", start="<root@dondoc.test>")
    part = MIMEText(soap(ET.tostring(root, encoding="utf-8", xml_declaration=True)).decode(), "xml", "utf-8")
    part.add_header("Content-ID", "<root@dondoc.test>")
    pkg.attach(part)
    for i, f in enumerate(files, 1):
        maintype, _, subtype = f.mime.partition("/")
        p = MIMEApplication(f.data, subtype or "octet-stream")
        p.replace_header("Content-Type", f.mime)
        p.add_header("Content-ID", f"<att{i}@dondoc.test>")
        p.add_header("Content-Disposition", "attachment", filename=f.name)
        pkg.attach(p)
    return pkg.as_bytes()
