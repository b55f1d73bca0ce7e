"""Limits checked before work, so a small hostile file cannot take a machine: pixels per page
(a big page is rendered at a lower resolution, or refused, as OCRmyPDF and Pillow do), pages per
file, the uncompressed size and ratio of a zip (.docx) before it is parsed, XML without DTDs or
entities, and the memory and time of the process that reads (enforced by `pool`)."""
from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from .errors import IngestError

MIN_OCR_DPI = 70            # below this a page's letters are too small to read: refused instead


@dataclass(frozen=True)
class Limits:
    max_pages: int = 300
    max_page_pixels: int = 50_000_000           # ~ A1 at 250 dpi; A4 at 300 dpi is 8.7 million
    memory_mb: int = 1536
    page_seconds: int = 60
    zip_max_bytes: int = 300 * 1024 * 1024      # all members, uncompressed
    zip_max_ratio: int = 100                    # uncompressed / compressed, for members over 1 MB
    zip_max_members: int = 5000
    xml_max_bytes: int = 64 * 1024 * 1024       # one XML part, uncompressed

    @classmethod
    def of(cls, settings: Settings) -> "Limits":
        return cls(max_pages=settings.max_pages, max_page_pixels=settings.max_page_pixels,
                   memory_mb=settings.reader_memory_mb, page_seconds=settings.page_seconds)


DEFAULT = Limits()


def check_pages(n: int | None, limits: Limits) -> None:
    if n is not None and n > limits.max_pages:
        raise IngestError(f"tệp có {n} trang, quá giới hạn {limits.max_pages} trang (DONDOC_MAX_PAGES)", "too_many_pages")


def render_dpi(width_pt: float, height_pt: float, want: int, limits: Limits, page: int = 1) -> int:
    """The resolution to render a page at: `want`, lowered to keep within the pixel budget;
    a page that would need less than MIN_OCR_DPI is refused."""
    w_in, h_in = abs(width_pt) / 72, abs(height_pt) / 72
    if w_in * h_in * want * want <= limits.max_page_pixels:
        return want
    dpi = int(math.sqrt(limits.max_page_pixels / max(w_in * h_in, 1e-9)))
    if dpi < MIN_OCR_DPI:
        raise IngestError(f"trang {page} quá lớn ({w_in * 2.54:.0f} × {h_in * 2.54:.0f} cm): không thể quét chữ "
                          f"trong giới hạn {limits.max_page_pixels // 1_000_000} triệu điểm ảnh một trang", "page_too_large")
    return dpi


def check_image(width: int, height: int, limits: Limits, page: int = 1) -> None:
    if width * height > limits.max_page_pixels:
        raise IngestError(f"ảnh trang {page} quá lớn ({width} × {height} điểm ảnh, tối đa "
                          f"{limits.max_page_pixels // 1_000_000} triệu điểm ảnh một trang)", "image_too_large")


def check_zip(path: Path, limits: Limits) -> None:
    """A zip (a .docx) is looked at before it is opened for real: its members, their total
    uncompressed size and how much each one expands."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError("tệp nén (Word) bị hỏng hoặc không đầy đủ", "corrupt") from exc
    if len(infos) > limits.zip_max_members:
        raise IngestError(f"tệp nén có {len(infos)} thành phần, quá giới hạn {limits.zip_max_members}", "zip_bomb")
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > 1024 * 1024 and i.file_size > limits.zip_max_ratio * max(i.compress_size, 1):
            raise IngestError(f"tệp nén bất thường: phần {i.filename} giãn {i.file_size // max(i.compress_size, 1)} lần "
                              f"khi giải nén (tối đa {limits.zip_max_ratio} lần) — có thể là bom nén", "zip_bomb")
        if i.filename.endswith((".xml", ".rels")) and i.file_size > limits.xml_max_bytes:
            raise IngestError(f"phần {i.filename} quá lớn khi giải nén ({i.file_size // 2**20} MB, tối đa "
                              f"{limits.xml_max_bytes // 2**20} MB)", "zip_bomb")
    if total > limits.zip_max_bytes:
        raise IngestError(f"tệp nén giải ra {total // 2**20} MB, quá giới hạn {limits.zip_max_bytes // 2**20} MB "
                          "— có thể là bom nén", "zip_bomb")


def check_xml_parts(path: Path, names: tuple[str, ...] = ()) -> None:
    """The XML parts of a zip parsed with defusedxml first (streaming, nothing kept): a DTD, an
    entity or an external reference refuses the file before python-docx (lxml) sees it."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse
    from xml.etree.ElementTree import ParseError
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.endswith((".xml", ".rels")) and (not names or name in names)):
                continue
            try:
                with z.open(name) as fh:
                    for _, elem in iterparse(fh, events=("end",), forbid_dtd=True):
                        elem.clear()
            except DefusedXmlException as exc:
                raise IngestError(f"phần {name} của tệp có khai báo DTD/thực thể XML — không được phép", "xml_entities") from exc
            except ParseError as exc:
                raise IngestError(f"phần {name} của tệp không phải XML hợp lệ", "corrupt") from exc
