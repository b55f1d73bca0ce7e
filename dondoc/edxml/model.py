"""An edXML message as plain data: the envelope's header, its attachments, a status message.

Field names follow QCVN 102:2016/BTTTT (MessageHeader, Code, PromulgationInfo, SignerInfo,
OtherInfo, TraceHeaderList, Status/ResponseFor); dates are ISO strings.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Organ:
    """A body on the exchange: its electronic identifier (mã định danh, e.g. 000.00.00.G22) and names."""
    id: str | None = None
    name: str | None = None
    in_charge: str | None = None      # OrganizationInCharge: the body it belongs to
    address: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass
class Attachment:
    """A file carried by the message. `data` is None when it could not be had; `error` says why."""
    name: str
    mime: str | None = None           # as the sender declared it (the reader detects its own)
    description: str | None = None
    content_id: str | None = None
    data: bytes | None = None
    error: str | None = None


@dataclass
class Trace:
    """One hop or direction in TraceHeaderList."""
    organ_id: str | None = None
    timestamp: str | None = None
    text: str | None = None           # what the hop said (go.vn Path, a direction)


@dataclass
class Envelope:
    variant: str                      # "qcvn102" (edXMLEnvelope/edXMLHeader) | "edoc" (go.vn EdXMLEnvelope)
    soap: bool = False                # came inside a SOAP Envelope/Body
    document_id: str | None = None    # DocumentId: the message's identifier on the exchange
    sender: Organ = field(default_factory=Organ)
    recipients: list[Organ] = field(default_factory=list)
    code_number: str | None = None
    code_notation: str | None = None
    place: str | None = None
    issued: str | None = None
    type_code: str | None = None
    type_name: str | None = None
    subject: str | None = None
    content: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None
    signer_competence: str | None = None   # KT., TM., TL. ... or "Trực tiếp"
    due_date: str | None = None
    priority: str | None = None       # khẩn | thượng khẩn | hỏa tốc | hỏa tốc hẹn giờ; None: thường
    priority_code: str | None = None  # as written
    to_places: list[str] = field(default_factory=list)
    page_amount: int | None = None
    business: str | None = None       # new | revoke | update | replace (Bussiness/BussinessDocType)
    business_reason: str | None = None
    traces: list[Trace] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # what is odd but not fatal, in Vietnamese

    @property
    def number(self) -> str | None:
        """Số, ký hiệu as a dispatch writes it: `687/LĐTBXH-TTr`."""
        num, notation = (self.code_number or "").strip(), (self.code_notation or "").strip()
        if num and notation:
            return notation if notation.startswith(num + "/") else f"{num}/{notation.lstrip('/')}"
        return notation or num or None

    @property
    def message_id(self) -> str | None:
        """What makes two deliveries the same message: the DocumentId, or failing it the form the
        regulation builds it from (sender's identifier, date, số/ký hiệu); a revocation, update or
        replacement of a document is a message of its own."""
        base = self.document_id
        if not base and self.sender.id and self.number:
            base = f"{self.sender.id},{self.issued or ''},{self.number}"
        if not base:
            return None
        return base if self.business in (None, "new") else f"{base}#{self.business}"

    def header(self) -> dict:
        """The envelope without the attachments' bytes, JSON-ready (a reader's metadata)."""
        d = asdict(self)
        d["attachments"] = [{k: v for k, v in a.items() if k != "data"} | {"size": len(att.data) if att.data else 0}
                            for a, att in zip(d["attachments"], self.attachments)]
        d["number"] = self.number
        d["message_id"] = self.message_id
        return d


@dataclass
class StaffInfo:
    department: str | None = None
    staff: str | None = None
    email: str | None = None
    mobile: str | None = None


@dataclass
class ResponseFor:
    """The message a status answers."""
    organ_id: str | None = None       # the sender of that message
    code: str | None = None           # its số, ký hiệu
    promulgation_date: str | None = None
    document_id: str | None = None


@dataclass
class StatusMessage:
    code: str                         # StatusCode: 01 … 06 (see status.CODES)
    description: str
    timestamp: str                    # ISO date and time, Vietnam time
    sender: Organ = field(default_factory=Organ)
    response_for: ResponseFor = field(default_factory=ResponseFor)
    staff: StaffInfo = field(default_factory=StaffInfo)
