"""The words of the register of incoming documents (NĐ 30/2020/NĐ-CP, appendix IV and VI):
how urgent a document is and how secret. The values are what the database stores."""
from __future__ import annotations

from enum import StrEnum


class Urgency(StrEnum):
    """Độ khẩn: hỏa tốc, thượng khẩn and khẩn documents are handled at once."""
    NORMAL = "thuong"
    URGENT = "khan"
    VERY_URGENT = "thuong_khan"
    IMMEDIATE = "hoa_toc"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.NORMAL: "Thường",
    Urgency.URGENT: "Khẩn",
    Urgency.VERY_URGENT: "Thượng khẩn",
    Urgency.IMMEDIATE: "Hỏa tốc",
}


class Secrecy(StrEnum):
    """Độ mật, as the law on state secrets grades them."""
    NORMAL = "thuong"
    SECRET = "mat"
    TOP_SECRET = "toi_mat"
    ABSOLUTE = "tuyet_mat"

    @property
    def label(self) -> str:
        return SECRECY_LABELS[self]


SECRECY_LABELS: dict[Secrecy, str] = {
    Secrecy.NORMAL: "Thường",
    Secrecy.SECRET: "Mật",
    Secrecy.TOP_SECRET: "Tối mật",
    Secrecy.ABSOLUTE: "Tuyệt mật",
}



def urgency_of(words: str | None) -> Urgency | None:
    """The urgency an envelope or a stamp names in words (`thượng khẩn`, `hỏa tốc hẹn giờ`)."""
    text = " ".join((words or "").lower().split())
    for value, label in sorted(URGENCY_LABELS.items(), key=lambda kv: -len(kv[1])):
        if value != Urgency.NORMAL and text.startswith(label.lower()):
            return value
    return None
