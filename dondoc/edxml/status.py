"""Status messages back to the sender, as QCVN 102:2016 writes them
(`edXML/edXMLEnvelope/edXMLHeader/Status`), written into the folder the office's gateway sends from.

A file appears whole or not at all (written beside, then renamed), so a gateway polling the folder
never picks up half a message.
"""
from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from .model import Organ, StatusMessage
from .parse import QCVN_NS

# StatusCode as the exchange numbers them
ARRIVED, REFUSED, RECEIVED, ASSIGNED, IN_PROGRESS, DONE = "01", "02", "03", "04", "05", "06"
CODES = {
    ARRIVED: "Đã đến",
    REFUSED: "Từ chối tiếp nhận",
    RECEIVED: "Đã tiếp nhận, vào sổ văn bản đến",
    ASSIGNED: "Đã phân công xử lý",
    IN_PROGRESS: "Đang xử lý",
    DONE: "Hoàn thành",
}

ET.register_namespace("edXML", QCVN_NS)


def _q(name: str) -> str:
    return f"{{{QCVN_NS}}}{name}"


def _add(parent: ET.Element, name: str, value) -> ET.Element | None:
    if value is None or value == "":
        return None
    el = ET.SubElement(parent, _q(name))
    el.text = str(value)
    return el


def _organ(parent: ET.Element, name: str, o: Organ) -> None:
    el = ET.SubElement(parent, _q(name))
    for tag, value in (("OrganId", o.id), ("OrganizationInCharge", o.in_charge), ("OrganName", o.name),
                       ("OrganAdd", o.address), ("Email", o.email), ("Telephone", o.telephone),
                       ("Fax", o.fax), ("Website", o.website)):
        _add(el, tag, value)


def _slash_date(iso: str | None) -> str | None:
    return iso.replace("-", "/") if iso else None


def _timestamp(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y/%m/%d %H:%M:%S")


def build(msg: StatusMessage) -> bytes:
    """The status message as UTF-8 XML."""
    root = ET.Element(_q("edXML"))
    header = ET.SubElement(ET.SubElement(root, _q("edXMLEnvelope")), _q("edXMLHeader"))
    st = ET.SubElement(header, _q("Status"))
    rf = ET.SubElement(st, _q("ResponseFor"))
    _add(rf, "OrganId", msg.response_for.organ_id)
    _add(rf, "Code", msg.response_for.code)
    _add(rf, "PromulgationDate", _slash_date(msg.response_for.promulgation_date))
    _add(rf, "DocumentId", msg.response_for.document_id)
    _organ(st, "From", msg.sender)
    _add(st, "StatusCode", msg.code)
    _add(st, "Description", msg.description)
    _add(st, "Timestamp", _timestamp(msg.timestamp))
    staff = ET.SubElement(st, _q("StaffInfo"))
    for tag, value in (("Department", msg.staff.department), ("Staff", msg.staff.staff),
                       ("Email", msg.staff.email), ("Mobile", msg.staff.mobile)):
        _add(staff, tag, value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def file_name(msg: StatusMessage) -> str:
    """`status-<message>-<code>-<time>.edxml`, the message's identifier made safe for a file name."""
    ident = msg.response_for.document_id or msg.response_for.code or "vanban"
    ident = re.sub(r"[^0-9A-Za-z.]+", "_", ident.encode("ascii", "ignore").decode() or "vanban").strip("_")[:80]
    stamp = datetime.fromisoformat(msg.timestamp).strftime("%Y%m%d%H%M%S")
    return f"status-{ident}-{msg.code}-{stamp}.edxml"


def write(folder: Path, msg: StatusMessage) -> Path:
    """Write the message into `folder` atomically (written beside, then renamed: this works on the
    network shares gateways use too); never over an earlier file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = build(msg)
    name = file_name(msg)
    dest, n = folder / name, 1
    while dest.exists():
        dest = folder / name.replace(".edxml", f".{n}.edxml")
        n += 1
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return dest
