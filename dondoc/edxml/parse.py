"""edXML bytes -> an Envelope (or a StatusMessage), for every variant seen in the wild:

- QCVN 102:2016/BTTTT: `edXML/edXMLEnvelope/edXMLHeader/MessageHeader` in
  http://www.mic.gov.vn/TBT/QCVN_102_2016, attachments listed in `edXMLBody/edXMLManifest/Reference`
  (xlink:href="cid:…") with their base64 in `AttachmentEncoded/Attachment` beside the envelope;
- the older eDoc form: `EdXMLEnvelope/MessageHeader` in http://www.go.vn/eDoc, attachments inline
  in `Manifest/Attachment/Content`;
- either of them inside a SOAP `Envelope/Body`, and a SOAP-with-attachments (multipart/related)
  package whose references point at its MIME parts.

Elements are matched by local name (integrations mix prefixes and leave some elements without a
namespace). XML is parsed by defusedxml with DTDs and entities refused. A message that cannot be
read is refused with a MessageError saying why in Vietnamese; an attachment that cannot be had
keeps its place with an `error`, so the envelope's record is not lost.
"""
from __future__ import annotations

import base64
import binascii
import email
import email.policy
import re
import unicodedata
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .model import Attachment, Envelope, Organ, ResponseFor, StaffInfo, StatusMessage, Trace

QCVN_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
EDOC_NS = "http://www.go.vn/eDoc"
SOAP_NS = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")
ENVELOPE_NAMES = ("edXMLEnvelope", "EdXMLEnvelope")
# the type dondoc's file detection gives an edXML message
MIME = "application/x-edxml+xml"

# OtherInfo/Priority: the exchange's codes, or the words themselves
PRIORITIES = {"0": None, "1": "khẩn", "2": "thượng khẩn", "3": "hỏa tốc", "4": "hỏa tốc hẹn giờ"}
BUSINESS = {"0": "new", "1": "revoke", "2": "update", "3": "replace"}
# Appendix VI of Decree 30/2020: the longest a field may be
LIMITS = {"CodeNumber": 11, "CodeNotation": 30, "OrganName": 200, "Subject": 500}

# expat's errors for input that stops in the middle: no element closed, a token, a character or a
# CDATA section left open
_TRUNCATED = {3, 5, 6, 20}


class MessageError(Exception):
    """Why a message was refused, for the user (Vietnamese), and a short code."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def child(el: Element | None, *names: str) -> Element | None:
    if el is None:
        return None
    for c in el:
        if local(c.tag) in names:
            return c
    return None


def children(el: Element | None, *names: str) -> list[Element]:
    return [] if el is None else [c for c in el if local(c.tag) in names]


def descendant(el: Element, names: tuple[str, ...], depth: int = 4) -> Element | None:
    """The first element named so within `depth` levels below `el` (breadth first)."""
    level = [el]
    for _ in range(depth):
        level = [c for e in level for c in e]
        for c in level:
            if local(c.tag) in names:
                return c
    return None


def text(el: Element | None, *path: str) -> str | None:
    """The trimmed text at a path of local names below `el`; None when absent or empty."""
    for name in path:
        el = child(el, name)
    if el is None or el.text is None:
        return None
    t = " ".join(el.text.split()) if path and path[-1] != "Content" else el.text.strip()
    return unicodedata.normalize("NFC", t) or None


_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d")


def parse_date(value: str | None) -> str | None:
    """An ISO date from the forms integrations write (2024/02/23, 2024-02-23T00:00:00+07:00,
    23/02/2024, 2024/02/23 10:00:00); ValueError for anything else."""
    if not value:
        return None
    v = value.strip()
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    head = v.split()[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(value)


def parse_timestamp(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(v, fmt).isoformat()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return v     # kept as written: a trace's time is shown, never computed with


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.lower().replace("đ", "d"))
    return " ".join("".join(c for c in s if unicodedata.category(c) != "Mn").split())


_PRIORITY_WORDS = {_fold(w): w for w in PRIORITIES.values() if w} | {"hoa toc hen gio": "hỏa tốc hẹn giờ"}


def parse_priority(value: str | None) -> tuple[str | None, bool]:
    """(urgency, understood) from OtherInfo/Priority: a code 0-4 or the words."""
    if value is None or not value.strip():
        return None, True
    v = value.strip()
    if v in PRIORITIES:
        return PRIORITIES[v], True
    f = _fold(v)
    if f in ("thuong", "binh thuong", "normal"):
        return None, True
    for words in sorted(_PRIORITY_WORDS, key=len, reverse=True):
        if f == words or f.startswith(words + " "):
            return _PRIORITY_WORDS[words], True
    return None, False


def safe_name(name: str | None, n: int) -> str:
    """A file name without any folder part (never a path to follow), at most 200 characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name.strip().strip(".")
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base)[:200]
    return base or f"dinh-kem-{n}"


def _cid(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    if v.lower().startswith("cid:"):
        v = v[4:]
    return v.strip("<> ") or None


_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


def _decode(el: Element) -> tuple[bytes | None, str | None]:
    """The bytes of a base64 element; its text is dropped once decoded (a large attachment is
    then held once, not twice)."""
    b64, el.text = el.text, None
    if b64 is None:
        return None, "tệp đính kèm không có nội dung"
    if not _BASE64.fullmatch(b64):          # checked in place: no copy of a large text
        return None, "nội dung base64 của tệp đính kèm bị hỏng"
    try:
        data = base64.b64decode(b64)        # line breaks and spaces are skipped
    except (binascii.Error, ValueError):
        return None, "nội dung base64 của tệp đính kèm bị hỏng"
    if not data:
        return None, "tệp đính kèm rỗng"
    return data, None


# --- what a file is -----------------------------------------------------------------------

_ROOTS = ("edXML", "edXMLEnvelope", "EdXMLEnvelope")
_MARKERS = (b"edXMLEnvelope", b"EdXMLEnvelope", b"QCVN_102_2016", b"www.go.vn/eDoc")
_PROLOG = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->)", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+(?:[\w.-]+:)?([\w.-]+)")
_TAG = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)")


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    return head.decode("utf-8", "ignore").lstrip("\ufeff")


def looks_like_edxml(head: bytes) -> bool:
    """Whether the first bytes of a file are an edXML message: its root element (or a DOCTYPE
    naming it, refused later for the DTD) is an edXML envelope, a SOAP envelope carrying one, or a
    multipart (SOAP with attachments) package carrying one."""
    t = _head_text(head)
    if re.match(r"(?i)\s*(mime-version|content-type)\s*:", t):
        low = t.lower()
        # SOAP with attachments: a related package whose root part is XML (its edXML may be base64)
        return "multipart/related" in low and (any(m.decode() in t for m in _MARKERS)
                                              or any(x in low for x in ("text/xml", "application/xop+xml", "soap")))
    pos = 0
    while (m := _PROLOG.match(t, pos)):
        pos = m.end()
    rest = t[pos:].lstrip()
    doctype = _DOCTYPE.match(rest)
    if doctype:
        return doctype.group(1) in _ROOTS
    tag = _TAG.match(rest)
    if not tag:
        return False
    if tag.group(1) in _ROOTS:
        return True
    return tag.group(1) == "Envelope" and any(m.decode() in t for m in _MARKERS[:2])


# --- the XML itself -------------------------------------------------------------------------

def _xml(data: bytes) -> Element:
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MessageError("thông điệp edXML có khai báo DTD hoặc thực thể XML; dondoc không đọc những "
                           "khai báo này vì lý do an toàn", "entities") from exc
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        if getattr(exc, "code", None) in _TRUNCATED:
            raise MessageError(f"thông điệp edXML bị cắt cụt: tệp dừng giữa chừng (dòng {line}, cột {col}), "
                               "có thể chưa nhận xong; đề nghị nơi gửi gửi lại", "truncated") from exc
        if getattr(exc, "code", None) == 11:
            raise MessageError(f"thông điệp edXML dùng thực thể XML không được khai báo (dòng {line}, cột {col})",
                               "entities") from exc
        raise MessageError(f"thông điệp edXML sai cú pháp XML (dòng {line}, cột {col})", "malformed") from exc


def _mime_package(data: bytes) -> tuple[bytes, dict[str, tuple[bytes, str, str | None]]] | None:
    """A SOAP-with-attachments package: (the XML part, {content-id: (bytes, mime, file name)});
    None when `data` is not one."""
    head = data[:4096].lstrip()
    if not re.match(rb"(?i)(mime-version|content-type|content-id|--)", head) or b"multipart/" not in data[:8192].lower():
        return None
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not msg.is_multipart():
        return None
    start = _cid(msg.get_param("start", header="content-type") or "")
    root, parts = None, {}
    for part in msg.iter_parts():
        payload = part.get_payload(decode=True) or b""
        cid = _cid(part.get("Content-ID"))
        is_xml = part.get_content_type() in ("text/xml", "application/xml", "application/xop+xml", "application/soap+xml")
        if root is None and ((start and cid == start) or (not start and is_xml)):
            root = payload
            continue
        if cid:
            parts[cid] = (payload, part.get_content_type(), part.get_filename())
    if root is None:
        raise MessageError("gói thông điệp (multipart) không có phần XML edXML", "not_edxml")
    return root, parts


def _find_envelope(root: Element) -> tuple[Element, bool]:
    """The edXML envelope element and whether it came inside SOAP."""
    soap = local(root.tag) == "Envelope" and namespace(root.tag) in SOAP_NS
    if local(root.tag) in ENVELOPE_NAMES:
        return root, soap
    env = descendant(root, ENVELOPE_NAMES, depth=5)
    if env is None:
        what = "phong bì SOAP không chứa thông điệp edXML" if soap else \
            f"tệp XML không phải thông điệp edXML (phần tử gốc <{local(root.tag)}>)"
        raise MessageError(what, "not_edxml")
    return env, soap


def _organ(el: Element | None) -> Organ:
    return Organ(id=text(el, "OrganId"), name=text(el, "OrganName"), in_charge=text(el, "OrganizationInCharge"),
                 address=text(el, "OrganAdd"), email=text(el, "Email"), telephone=text(el, "Telephone"),
                 fax=text(el, "Fax"), website=text(el, "Website"))


def _date_field(el: Element | None, path: tuple[str, ...], what: str, warnings: list[str]) -> str | None:
    raw = text(el, *path)
    try:
        return parse_date(raw)
    except ValueError:
        warnings.append(f"{what} trong phong bì không đọc được: «{raw}»")
        return None


def _collect(root: Element) -> tuple[list[Element], dict[str, Element], list[Element]]:
    """The manifest's references, the encoded attachments by content id, and encoded ones
    without a usable id."""
    refs: list[Element] = []
    encoded: dict[str, Element] = {}
    loose: list[Element] = []
    for el in root.iter():
        name = local(el.tag)
        if name == "Reference":
            refs.append(el)
        elif name == "Attachment" and child(el, "ContentTransferEncoded", "Content") is not None:
            cid = _cid(text(el, "ContentId"))
            if cid and cid not in encoded:
                encoded[cid] = el
            else:
                loose.append(el)
    return refs, encoded, loose


def _referenced(ref: Element, n: int, encoded: dict[str, Element], parts: dict, used: set[str]) -> Attachment:
    """The file a manifest reference names: inline, in AttachmentEncoded or a MIME part."""
    href = next((v for k, v in ref.attrib.items() if local(k) == "href"), None)
    cid = _cid(text(ref, "ContentId")) or (_cid(href) if href and href.lower().startswith("cid:") else None)
    named = text(ref, "AttachmentName")
    att = Attachment(name=safe_name(named, n), mime=text(ref, "ContentType"),
                     description=text(ref, "Description"), content_id=cid)
    inline = child(ref, "ContentTransferEncoded", "Content")
    if inline is not None:
        att.data, att.error = _decode(inline)
    elif cid and cid in encoded:
        used.add(cid)
        enc = encoded[cid]
        att.data, att.error = _decode(child(enc, "ContentTransferEncoded", "Content"))
        att.mime = att.mime or text(enc, "ContentType")
        if not named and text(enc, "AttachmentName"):
            att.name = safe_name(text(enc, "AttachmentName"), n)
    elif cid and cid in parts:
        used.add(cid)
        payload, mime, filename = parts[cid]
        att.data, att.error = (payload, None) if payload else (None, "tệp đính kèm rỗng")
        att.mime = att.mime or mime
        if not named and filename:
            att.name = safe_name(filename, n)
    elif href and not href.lower().startswith("cid:"):
        att.error = f"tệp đính kèm tham chiếu ra ngoài thông điệp ({href[:120]}); dondoc chỉ đọc tệp nằm trong thông điệp"
    else:
        att.error = f"không tìm thấy nội dung của tệp đính kèm được tham chiếu (cid:{cid or '?'})"
    return att


def _encoded(enc: Element, n: int) -> Attachment:
    data, err = _decode(child(enc, "ContentTransferEncoded", "Content"))
    return Attachment(name=safe_name(text(enc, "AttachmentName") or text(enc, "FileName"), n),
                      mime=text(enc, "ContentType") or text(enc, "FileType"),
                      description=text(enc, "Description"), content_id=_cid(text(enc, "ContentId")),
                      data=data, error=err)


def _attachments(root: Element, parts: dict) -> list[Attachment]:
    """Every file the message carries: those its manifest references (from AttachmentEncoded, a
    MIME part, or inline), then encoded ones and MIME parts no reference named."""
    refs, encoded, loose = _collect(root)
    used: set[str] = set()
    out = [_referenced(ref, i, encoded, parts, used) for i, ref in enumerate(refs, 1)]
    loose += [enc for cid, enc in encoded.items() if cid not in used]
    out += [_encoded(enc, len(out) + i) for i, enc in enumerate(loose, 1)]
    for cid, (payload, mime, filename) in parts.items():
        if cid not in used:
            out.append(Attachment(name=safe_name(filename, len(out) + 1), mime=mime, content_id=cid,
                                  data=payload or None, error=None if payload else "tệp đính kèm rỗng"))
    return out


def _message_header(env: Element) -> Element:
    header = child(env, "edXMLHeader", "EdXMLHeader") or env
    mh = child(header, "MessageHeader")
    if mh is None:
        if child(header, "Status") is not None:
            raise MessageError("đây là thông điệp trạng thái (Status) của trục liên thông, không phải văn bản", "status")
        raise MessageError("thông điệp edXML thiếu phần đầu (MessageHeader)", "no_header")
    return mh


def _document_fields(mh: Element, e: Envelope) -> None:
    """Type, signer, due date, places, urgency and page count."""
    e.issued = _date_field(mh, ("PromulgationInfo", "PromulgationDate"), "Ngày ban hành", e.warnings)
    dtype = child(mh, "DocumentType")
    if dtype is not None and len(dtype):
        e.type_code, e.type_name = text(dtype, "Type"), text(dtype, "TypeName")
    elif dtype is not None:
        e.type_name = text(mh, "DocumentType")
    signer = child(mh, "SignerInfo")
    e.signer_name = text(signer, "FullName") or text(signer, "Signer")
    e.signer_position, e.signer_competence = text(signer, "Position"), text(signer, "Competence")
    e.due_date = _date_field(mh, ("DueDate",), "Hạn xử lý (DueDate)", e.warnings)
    e.to_places = [" ".join(p.text.split()) for p in children(child(mh, "ToPlaces"), "Place") if p.text and p.text.strip()]
    other = child(mh, "OtherInfo")
    e.priority_code = text(other, "Priority") or text(mh, "Priority")
    e.priority, understood = parse_priority(e.priority_code)
    if not understood:
        e.warnings.append(f"Độ khẩn trong phong bì không rõ: «{e.priority_code}»")
    pages = text(other, "PageAmount")
    if pages and pages.isdigit():
        e.page_amount = int(pages)


def _trace_fields(env: Element, e: Envelope) -> None:
    """The hops of TraceHeaderList and what the message is to its document (new, revocation …)."""
    traces = descendant(env, ("TraceHeaderList",), depth=3)
    for th in children(traces, "TraceHeader"):
        path = child(th, "Path")
        hop = " → ".join(x for x in (text(path, "From"), text(path, "To")) if x) or None
        e.traces.append(Trace(organ_id=text(th, "OrganId"), timestamp=parse_timestamp(text(th, "Timestamp") or text(th, "Time")),
                              text=hop))
    business = child(traces, "Bussiness", "Business")
    if business is not None:
        code = text(business, "BussinessDocType") or text(business, "BusinessDocType")
        e.business = BUSINESS.get(code or "0", code)
        e.business_reason = text(business, "BussinessDocReason") or text(business, "BusinessDocReason")


def _check_lengths(e: Envelope) -> None:
    for name, value in (("CodeNumber", e.code_number), ("CodeNotation", e.code_notation),
                        ("OrganName", e.sender.name), ("Subject", e.subject)):
        if value and len(value) > LIMITS[name]:
            e.warnings.append(f"{name} trong phong bì dài {len(value)} ký tự, quá {LIMITS[name]} ký tự theo quy định")


def _envelope(root: Element, env: Element, soap: bool, parts: dict) -> Envelope:
    variant = "edoc" if namespace(env.tag) == EDOC_NS or local(env.tag) == "EdXMLEnvelope" else "qcvn102"
    mh = _message_header(env)
    e = Envelope(variant=variant, soap=soap, document_id=text(mh, "DocumentId"),
                 sender=_organ(child(mh, "From")),
                 recipients=[_organ(t) for t in children(mh, "To")],
                 code_number=text(mh, "Code", "CodeNumber"), code_notation=text(mh, "Code", "CodeNotation"),
                 place=text(mh, "PromulgationInfo", "Place") or text(mh, "PromulgationInfo", "Promulgator"),
                 subject=text(mh, "Subject"), content=text(mh, "Content"))
    if not (e.sender.id or e.sender.name):
        raise MessageError("thông điệp edXML thiếu cơ quan gửi (From: OrganId, OrganName)", "no_sender")
    _document_fields(mh, e)
    _trace_fields(env, e)
    _check_lengths(e)
    e.attachments = _attachments(root, parts)
    return e


def _status(st: Element) -> StatusMessage:
    rf = child(st, "ResponseFor")
    staff = child(st, "StaffInfo")
    return StatusMessage(
        code=text(st, "StatusCode") or "", description=text(st, "Description") or "",
        timestamp=parse_timestamp(text(st, "Timestamp")) or "", sender=_organ(child(st, "From")),
        response_for=ResponseFor(organ_id=text(rf, "OrganId"), code=text(rf, "Code"),
                                 promulgation_date=parse_date(text(rf, "PromulgationDate")) if text(rf, "PromulgationDate") else None,
                                 document_id=text(rf, "DocumentId")),
        staff=StaffInfo(department=text(staff, "Department"), staff=text(staff, "Staff"),
                        email=text(staff, "Email"), mobile=text(staff, "Mobile")))


def parse_any(data: bytes) -> Envelope | StatusMessage:
    """A document message or a status message, whichever `data` holds."""
    if not data.strip():
        raise MessageError("thông điệp edXML rỗng", "empty")
    parts: dict = {}
    package = _mime_package(data)
    if package is not None:
        data, parts = package
    root = _xml(data)
    env, soap = _find_envelope(root)
    header = child(env, "edXMLHeader", "EdXMLHeader") or env
    st = child(header, "Status")
    if st is not None and child(header, "MessageHeader") is None:
        return _status(st)
    return _envelope(root, env, soap, parts)


def parse_message(data: bytes) -> Envelope:
    """A document message; a status message or anything else is refused by name."""
    msg = parse_any(data)
    if isinstance(msg, StatusMessage):
        raise MessageError(f"đây là thông điệp trạng thái (mã {msg.code}: {msg.description}) của trục liên thông, "
                           "không phải văn bản", "status")
    return msg


def parse_status(data: bytes) -> StatusMessage:
    msg = parse_any(data)
    if not isinstance(msg, StatusMessage):
        raise MessageError("thông điệp không phải thông điệp trạng thái", "not_status")
    return msg


__all__ = ["looks_like_edxml", "MIME", "parse_any", "parse_message", "parse_status", "parse_date", "MessageError", "QCVN_NS", "EDOC_NS"]
