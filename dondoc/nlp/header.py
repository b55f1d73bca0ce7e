"""The header of a dispatch as Decree 30/2020 lays it out: issuing body, number, place and date,
kind, trích yếu, addressees; and, at its end, the signer; and the documents it cites.

`read_header` finds where each part stands (`_Marks`: the number line, the date line, the V/v
line, the kind's title, the salutation) and hands each to a reader of its own. Patterns are
written on the folded text and tolerate what OCR without Vietnamese does to the key words (`S0:`,
`ngay 28 thang 02 ndm 2022`, `Kinh gtri:`). A date is only ever read from the date line (or, for
a resolution, from the sentence saying when it was passed), never from a document cited in the
title or a `Căn cứ`; a blank day gives no date and a warning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from .bodies import written_name
from .doc import Doc
from .documents import MOTTO2_RE, MOTTO_RE
from .agency import strip_title
from .fold import fold, fold_key
from .layout import ENACTING_RE, ENACTS_RE, dangles, iter_lines
from .record import Cite, Signer
from .textprep import collapse

_KIND_WORDS = r"(?:nghi quyet|quyet dinh|chi thi|thong tu|nghi dinh|ke hoach|thong bao|cong van|cong dien|lenh|phap lenh|huong dan)"
# "Số:", also as OCR without Vietnamese reads it ("S6:", "sé:" folded to "se:")
NUMBER_LINE_RE = re.compile(rf"^\s*(?:{_KIND_WORDS}\s+)?s[o0ố6e][\s.]*[:;]\s*(?P<rest>.*)$")
# a two-digit day or month may come apart at a stray space ("tháng 0 6", as some copies have it)
_DATE_CORE = (r"ng[a-z0-9]{0,2}y\s+(?P<d>[0-3] \d(?=\s*th)|\d{1,2}|[.…_ ]*?)\s*th[a-z0-9]{1,2}ng[\s.,]*(?P<m>[01] \d(?=[\s.,]+n)|\d{1,2}|[.…_ ]*?)"
              r"[\s.,]+n[a-z0-9&@]{1,2}m\s+(?P<y>\d{4})")
PLACE_DATE_RE = re.compile(rf"(?:^|\s{{2,}}|\t)\s*(?P<place>[^\d,;:()/\n][^,;:()/\n]{{1,39}}?)\s*,\s*{_DATE_CORE}")
BARE_DATE_RE = re.compile(rf"^\s*{_DATE_CORE}\s*\W{{0,3}}$")
_NUMBER_THEN_DATE_RE = re.compile(rf"\s*,\s*{_DATE_CORE}")
PASSED_RE = re.compile(rf"th[o0]ng\s+qua\s+{_DATE_CORE}")
PLACE_LINE_RE = re.compile(r"^\s*[^\d,]{2,40},\s*ng[a-z0-9]{0,2}y\s")
SEPARATOR_RE = re.compile(r"^\s*[-_–—=*.]{3,}\s*$")
VV_RE = re.compile(r"^\s*\(?\s*v\s*/\s*v\b\.?\s*:?\s*", re.I)
RECIPIENT_RE = re.compile(r"^\s*k[i1l]nh\s*(?:g\S{0,4}|\S{1,5})\s*:\s*")
CLOSING_RE = re.compile(r"^\s*(?:n[o0][i1]\s*nh\S{1,3}n|noi nhan)\s*:?")
SIGN_TITLE_RE = re.compile(r"^\s*(?:kt|tl|tm|q|tuq|k\.t)\s*\.\s*\S")
# the recitals a preamble is made of (`Căn cứ ...;`, `Theo đề nghị của ...`)
RECITAL_RE = re.compile(r"\s*(?:can cu|xet de nghi|theo de nghi|xet to trinh)\b")
# how far under the header its legal bases may start and still close it (a few title lines)
_NEAR_HEADER = 600
PREAMBLE_RE = re.compile(r"^\s*(?:can cu|c\S{0,2}n c\S{0,2}|thuc hien |trien khai |xet |theo de nghi|sau khi|tren co so)")
_ALIAS_RE = re.compile(r"^\s*\(\s*(?:sau day|duoi day)\s+(?:duoc\s+)?(?:goi chung|goi tat|viet tat|goi)\s+(?:la|:)\s*(?P<alias>[^)]{2,60})\)")

KINDS = {
    "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị", "ke hoach": "Kế hoạch",
    "thong bao": "Thông báo", "chuong trinh phoi hop": "Chương trình phối hợp",
    "chuong trinh hanh dong": "Chương trình hành động", "chuong trinh": "Chương trình", "to trinh": "Tờ trình",
    "bao cao": "Báo cáo", "huong dan": "Hướng dẫn", "cong dien": "Công điện", "thong tu": "Thông tư",
    "nghi dinh": "Nghị định", "cong van": "Công văn", "ket luan": "Kết luận", "quy che": "Quy chế",
}
NUMBER_KIND = {"qd": "Quyết định", "nq": "Nghị quyết", "ct": "Chỉ thị", "kh": "Kế hoạch", "tb": "Thông báo",
               "ctph": "Chương trình phối hợp", "ctr": "Chương trình", "tt": "Thông tư", "nd": "Nghị định",
               "bc": "Báo cáo", "ttr": "Tờ trình", "hd": "Hướng dẫn", "cd": "Công điện", "kl": "Kết luận"}
CITE_KINDS = {
    "luat": "Luật", "nghi quyet": "Nghị quyết", "nghi dinh": "Nghị định", "quyet dinh": "Quyết định",
    "chi thi": "Chỉ thị", "cong van": "Công văn", "thong tu": "Thông tư", "ke hoach": "Kế hoạch",
    "thong bao": "Thông báo", "bao cao": "Báo cáo", "to trinh": "Tờ trình", "chuong trinh": "Chương trình",
    "huong dan": "Hướng dẫn", "cong dien": "Công điện", "ket luan": "Kết luận",
}
_CITE_RE = re.compile(
    r"(?P<kind>" + "|".join(k.replace(" ", r"\s+") for k in sorted(CITE_KINDS, key=len, reverse=True)) + r")"
    r"(?:\s+s[o0ố6]\b)?\s*:?\s*(?P<num>\d{1,6}[a-z]?(?:\s*-\s*[a-z]{1,6}(?=/))?\s*(?:/\s*\d{4})?\s*/\s*[a-z0-9đ&\-]+(?:\s*-\s*[a-z0-9đ&]+)*(?:[,.][a-z]+)*)"
    r"(?:\s*,?\s*ng[a-z0-9]{0,2}y\s+(?P<d>\d{1,2})\s*(?:/|\s+th[a-z0-9]{1,2}ng\s+)(?P<m>\d{1,2})\s*(?:/|\s+n[a-z0-9]{1,2}m\s+)(?P<y>\d{4}))?"
    r"(?:\s*(?:cua|c[a-z0-9]{1,3}a)\s+)?"
)
_HEADER_LINES = 60


@dataclass
class Header:
    number: str | None = None
    number_abbr: str | None = None
    issued: str | None = None
    year: int | None = None
    place: str | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    issuer_parts: list[str] | None = None   # joint issuers, each on its own
    kind: str | None = None
    subject: str | None = None
    recipients: list[str] | None = None
    recipients_span: tuple[int, int] | None = None
    recipients_alias: str | None = None      # "(Sau đây gọi chung là các đơn vị)"
    header_end: int = 0          # offset where the body may start
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Line:
    start: int
    end: int
    text: str
    folded: str


@dataclass
class _Marks:
    number: int | None = None
    date: int | None = None
    vv: int | None = None
    kind: int | None = None
    recipients: int | None = None
    motto: int | None = None
    preamble: int | None = None

    def first(self, *names: str, default: int) -> int:
        found = [getattr(self, n) for n in names if getattr(self, n) is not None]
        return min(found) if found else default


def _lines(doc: Doc, start: int, end: int) -> list[_Line]:
    return [_Line(s, e, line, doc.folded[s:e]) for s, e, line in iter_lines(doc.text) if s >= start and e <= end]


# -- number -------------------------------------------------------------------------------------
def read_number(line: str, folded: str | None = None) -> tuple[str | None, str | None]:
    """`Số: 546 /SLĐT BXH-TEBĐG` -> ("546/SLĐTBXH-TEBĐG", "SLĐTBXH"); a blank number -> None."""
    m = NUMBER_LINE_RE.match(folded if folded is not None else fold(line))
    if not m:
        return None, None
    rest = line[m.start("rest"):]
    cut = re.search(r"\s{3,}|\s+[A-ZĐ][^\s,/]*(?:\s+[A-ZĐ][^\s,/]*){0,3}\s*,\s*(?:ng|NG)", rest)
    if cut:
        rest = rest[:cut.start()]
    rest = re.sub(r"\s+", "", rest).strip(".;,")
    abbr = None
    am = re.search(r"/(?:\d{4}/)?([^/\-]+)", rest)
    if am:
        abbr = am.group(1)
    # "66.17/2026/NQ-CP": the Government's resolutions of one series number by a dotted pair
    if not re.match(r"^[0-9OoIl]{1,6}(?:\.\d{1,3})?[a-zA-Z]?/", rest):
        return None, abbr
    return rest, abbr


# -- date ---------------------------------------------------------------------------------------
def _date_of(m: re.Match) -> tuple[str | None, int]:
    y = int(m.group("y"))
    d, mo = (m.group(k).strip(" ._…").replace(" ", "") for k in ("d", "m"))
    if d.isdigit() and mo.isdigit():
        try:
            return date(y, int(mo), int(d)).isoformat(), y
        except ValueError:
            return None, y
    return None, y


def read_date_line(line: str, folded: str | None = None) -> tuple[str | None, str | None, int | None]:
    """(place, ISO date or None when the day is blank, year) of a date line, or Nones when
    `line` is no date line (a date inside a sentence, `... số 03/2021 ngày 24 tháng 9 năm 2021`)."""
    f = folded if folded is not None else fold(line)
    m = PLACE_DATE_RE.search(f)
    if m and not re.search(r"\bs[o0ố6]\b|\bcua\b|\d/", f[:m.start("place")] + f[m.start("place"):m.end("place")]):
        iso, y = _date_of(m)
        place = collapse(line[m.start("place"):m.end("place")]).strip(" ,")
        pm = re.search(r"(?:^|(?<=\s))([A-ZĐ][\w.]*(?:(?: +| +- +)[A-ZĐ][\w.]*){0,3})$", place)
        return (pm.group(1) if pm else place or None), iso, y
    m = BARE_DATE_RE.match(f)
    if m:
        iso, y = _date_of(m)
        return None, iso, y
    m = _NUMBER_THEN_DATE_RE.search(f) if NUMBER_LINE_RE.match(f) else None
    if m:
        # the number and the date line read as one line (`Số: 478/LĐTBXH-TE Hà Nội, ngày ...`)
        iso, y = _date_of(m)
        pm = re.search(r"((?:[A-ZĐ][\w.]*\s+){0,2}[A-ZĐ][\w.]*)\s*$", line[:m.start()])
        return (pm.group(1) if pm else None), iso, y
    return None, None, None


def _read_date(h: Header, doc: Doc, lines: list[_Line], marks: _Marks, start: int, end: int) -> None:
    if marks.date is not None:
        h.place, h.issued, h.year = read_date_line(lines[marks.date].text, lines[marks.date].folded)
        if h.issued is None:
            h.warnings.append("Ngày ban hành để trống: cần nhập ngày.")
        return
    m = PASSED_RE.search(doc.folded, start, end)
    if m:
        h.issued, h.year = _date_of(m)
        return
    h.warnings.append("Không đọc được ngày ban hành: cần nhập ngày.")


# -- marks --------------------------------------------------------------------------------------
def _kind_title(line: _Line) -> str | None:
    t = line.text.strip()
    if not t.isupper() or len(t) > 60:
        return None
    f = re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", " ", line.folded)).strip()
    for k in sorted(KINDS, key=len, reverse=True):
        if f == k or f.startswith(k + " "):
            return KINDS[k]
    return None


def _find_marks(lines: list[_Line]) -> _Marks:
    mk = _Marks()
    for i, ln in enumerate(lines[:_HEADER_LINES]):
        f = ln.folded
        if mk.number is None and NUMBER_LINE_RE.match(f):
            mk.number = i
        if mk.motto is None and (MOTTO_RE.search(f) or MOTTO2_RE.search(f)):
            mk.motto = i
        if mk.date is None and read_date_line(ln.text, f)[2]:
            mk.date = i
        if mk.vv is None and VV_RE.match(ln.text):
            mk.vv = i
        if mk.kind is None and mk.vv is None and _kind_title(ln) and not f.rstrip().endswith(":"):
            mk.kind = i
        if mk.recipients is None and RECIPIENT_RE.match(f):
            mk.recipients = i
            break
        # the title's first line, a blank line below the kind perhaps (`KẾ HOẠCH` / `` / `TRIỂN KHAI …`)
        first_title_line = mk.kind is not None and i > mk.kind and all(not x.text.strip() for x in lines[mk.kind + 1:i])
        if mk.preamble is None and i > 1 and not first_title_line and PREAMBLE_RE.match(f) and ln.text.strip()[:1].isupper():
            mk.preamble = i
            break
    return mk


_BESIDE_MOTTO = 8        # lines of a header block around its motto


def _displaced_block(lines: list[_Line], mk: _Marks) -> _Marks:
    """`BỘ KHOA HỌC VÀ CÔNG NGHỆ / Số: 32/2026/TT-BKHCN / CỘNG HÒA … / Hà Nội, ngày 11 tháng 6 năm
    2026` after Điều 2: a PDF whose text boxes were read out of order put the header block inside
    the body. The national motto with a number or a date line beside it is that block; only its
    number and date are read there (the issuer and title stay those of the top)."""
    for i, ln in enumerate(lines):
        if not (MOTTO_RE.search(ln.folded) or MOTTO2_RE.search(ln.folded)):
            continue
        near = range(max(0, i - _BESIDE_MOTTO), min(len(lines), i + _BESIDE_MOTTO))
        # filled in, not a form's blanks (`Số: …/…`, `……, ngày … tháng … năm …`)
        number = next((j for j in near if NUMBER_LINE_RE.match(lines[j].folded)
                       and read_number(lines[j].text, lines[j].folded)[0]), None)
        day = next((j for j in near if read_date_line(lines[j].text, lines[j].folded)[1]), None)
        if number is not None or day is not None:
            return replace(mk, number=number, date=day)
    return mk


# -- subject ------------------------------------------------------------------------------------
def _ends_title(doc: Doc, ln: _Line, prev: str | None) -> bool:
    """A line that cannot go on with a title: the motto, a date line, a salutation, a preamble,
    a separator, the name of the authority standing alone (`CHÍNH PHỦ`, `HỘI ĐỒNG NHÂN DÂN TỈNH`)."""
    f = ln.folded.strip()
    preamble = PREAMBLE_RE.match(f) and ln.text.strip()[:1].isupper()   # "thực hiện ..." in lower case goes on
    if (PLACE_LINE_RE.match(f) or MOTTO_RE.search(f) or MOTTO2_RE.search(f) or RECIPIENT_RE.match(f)
            or SEPARATOR_RE.match(ln.text) or preamble or ENACTING_RE.match(f)):
        return True
    if prev is not None and dangles(prev):
        return False
    found = doc.agencies_in(ln.start, ln.end)
    bare = ln.text.strip()
    return bool(found) and found[0].start - ln.start <= len(ln.text) - len(ln.text.lstrip()) and \
        found[-1].end >= ln.start + len(ln.text.rstrip()) - 1 and bare.isupper()


def _is_body_sentence(ln: _Line) -> bool:
    """A line that is a finished sentence of its own (`Hưởng ứng ..., UBND thành phố giao Sở Y tế
    chủ trì ... .`): the body has begun; a title does not end on a period."""
    t = ln.text.strip()
    return len(t) > 60 and t.endswith(".") and not t.endswith("..") and "," in t


def _title_lines(doc: Doc, lines: list[_Line], first: int, stop: int, vv: bool) -> list[_Line]:
    out: list[_Line] = []
    i = first
    while i < min(stop, len(lines), first + 20):
        ln = lines[i]
        if not ln.text.strip() or SEPARATOR_RE.match(ln.text):
            if out and not _title_runs_on(lines, i, out[-1]):
                break
            i += 1
            continue
        if out and (_ends_title(doc, ln, out[-1].text) or _is_body_sentence(ln)):
            break
        if out and not vv and ln.text.strip().isupper() and not out[-1].text.strip().isupper() and len(ln.text.strip()) < 60:
            break
        if vv and out and _kind_title(ln):
            break
        out.append(ln)
        i += 1
    return out


def _title_runs_on(lines: list[_Line], i: int, last: _Line) -> bool:
    """A title runs on past a blank line (OCR puts them inside one) when the next line goes on
    in lower case or the last one stopped mid-phrase ("của")."""
    nxt = next((ln for ln in lines[i + 1:i + 3] if ln.text.strip()), None)
    if nxt is None or SEPARATOR_RE.match(lines[i].text):
        return False
    return nxt.text.strip()[:1].islower() or dangles(last.text)


def _read_subject(h: Header, doc: Doc, lines: list[_Line], mk: _Marks) -> list[_Line]:
    stop = mk.first("recipients", "preamble", default=min(len(lines), _HEADER_LINES))
    if mk.vv is not None:
        title = _title_lines(doc, lines, mk.vv, stop, vv=True)
        if title:
            first = VV_RE.sub("", title[0].text)
            text = collapse(" ".join([first] + [ln.text for ln in title[1:]]))
            h.subject = text.strip(" .()")
        return title
    if mk.kind is None:
        return []
    title = _title_lines(doc, lines, mk.kind + 1, stop, vv=False)
    if title:
        h.subject = collapse(" ".join(ln.text for ln in title)).strip(" .")
        if h.subject.isupper():
            h.subject = h.subject[:1] + h.subject[1:].lower()
    return title


def kind_of(title: str | None, number: str | None, letter: bool) -> str | None:
    if title:
        return title
    if number:
        parts = fold(number).split("/")
        if len(parts) >= 2:
            head = re.split(r"[-]", parts[-1])[0]
            if head in NUMBER_KIND:
                return NUMBER_KIND[head]
    return "Công văn" if letter else None


# -- issuer -------------------------------------------------------------------------------------
def _beside_motto(line: _Line) -> bool:
    """Whether a body's name, in capitals, stands before the national motto on its line (not an
    e-signature's `Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA …`)."""
    m = MOTTO_RE.search(line.folded)
    before = line.text[:m.start()] if m else ""
    return m is not None and not _is_noise(line.folded[:m.start()]) and before.isupper() and ":" not in before


def _issuer_lines(lines: list[_Line], stop: int) -> list[_Line]:
    out = []
    for ln in lines[:stop]:
        text, f = ln.text, ln.folded
        for rx in (MOTTO_RE, MOTTO2_RE):
            mm = rx.search(f)
            if mm:
                cut = mm.start() if rx is MOTTO2_RE else mm.start()
                text, f = (text[:cut] + text[mm.end():], f[:cut] + f[mm.end():]) if rx is MOTTO_RE else (text[:cut], f[:cut])
        if (not text.strip() or SEPARATOR_RE.match(text) or NUMBER_LINE_RE.match(f.strip()) or _is_noise(f)
                or _FURNITURE_RE.match(f)):
            continue
        out.append(_Line(ln.start, ln.start + len(text.rstrip()), text.strip(), f.strip()))
    return out


# what a page carries besides its document: the Official Gazette's running head, an e-signature
_FURNITURE_RE = re.compile(r"\s*(?:cong bao\s*/\s*so\b|(?:ky boi|co quan|ngay ky|thoi gian ky|nguoi ky|email)\s*:)")


def _is_noise(folded: str) -> bool:
    """A header line with no word in it: a logo, a stamp's edge or a fold as OCR reads them
    (`TT0I`, `T171`, `_—`). A word is letters only, with a vowel or of three letters (`BCĐ`)."""
    return not any(t.isalpha() and (len(t) >= 3 or re.search(r"[aeiouy]", t)) for t in re.findall(r"[^\W_]+", folded))


_JOINT_HEAD = re.compile(r"^(?:so|bo|uy ban|ubnd|lien doan|cong doan|hoi|ban|truong|phong|tong|cuc|vu|van phong|doan)\b")
_LOCALITY_LINE = re.compile(r"^(?:tinh|thanh pho|tp\b|huyen|quan|thi xa|xa|phuong)\b")


def _units(doc: Doc, lines: list[_Line]) -> tuple[list[str], bool]:
    """The issuing-body lines joined into bodies (a line that opens with no head noun goes on
    with the line above: `TRƯỜNG ĐẠI HỌC / CÔNG NGHỆ THÔNG TIN`), and whether they are joint."""
    lex = doc.lexicon
    merged: list[str] = []
    joint = False
    for ln in lines:
        f = ln.folded
        opens_body = bool(lex.head_re.match(f)) or doc.agency_at(ln.start) is not None
        if merged and (re.search(r"[-–,]$", merged[-1]) and not _JOINT_HEAD.match(f) or f.startswith(("va ", "& "))):
            merged[-1] += " " + ln.text
        elif merged and re.search(r"\s[-–]$", merged[-1]) and _JOINT_HEAD.match(f):
            merged[-1] = merged[-1].rstrip(" -–")
            merged.append(ln.text)
            joint = True
        elif merged and (_LOCALITY_LINE.match(f) or not opens_body):
            merged = [m + " " + ln.text for m in merged] if joint and _LOCALITY_LINE.match(f) else merged[:-1] + [merged[-1] + " " + ln.text]
        else:
            merged.append(ln.text)
    return [collapse(m) for m in merged if len(fold(m).strip()) > 2], joint


def _name_of(doc: Doc, written: str) -> str:
    """The canonical name of a header body; one the gazetteer does not know keeps the case the
    document writes it in elsewhere, or sentence case."""
    g = doc.gazetteer
    canon = g.canonical(written, ocr=doc.ocr)
    if canon != written[:1].upper() + written[1:] or not written.isupper():
        return canon
    key = re.sub(r"\s+", " ", fold(written)).strip()
    i = doc.folded.find(key, 0)
    while i >= 0:
        cand = doc.text[i:i + len(key)]
        if not cand.isupper():
            return cand
        i = doc.folded.find(key, i + 1)
    return written_name(written)


def _read_issuer(h: Header, doc: Doc, units: list[str], joint: bool) -> None:
    if not units:
        return
    if joint:
        names = [_name_of(doc, u) for u in units[-2:]]
        h.issuer, h.issuer_parts = " - ".join(names), names
        return
    issuer = _name_of(doc, units[-1])
    parent = _name_of(doc, units[-2]) if len(units) >= 2 else None
    if parent and _SUBUNIT_RE.match(fold_key(issuer)) and not _is_known(doc, issuer):
        issuer = f"{issuer}, {parent}"        # a school's faculty, an office's unit
    h.issuer = _with_locality(doc, issuer, parent, h.place)
    h.issuer_parent = parent
    h.issuer_parts = [h.issuer]


_SUBUNIT_RE = re.compile(r"(?:khoa|phong|van phong|ban|trung tam|to|doi|bo mon)\b")


def _is_known(doc: Doc, name: str) -> bool:
    return fold_key(name) in doc.gazetteer.alias_to_name or any(
        fold_key(name).startswith(fold_key(k)) for k in ("so ", "bo ", "uy ban nhan dan", "cong an", "chinh phu", "hoi dong nhan dan"))


def _with_locality(doc: Doc, issuer: str, parent: str | None, place: str | None) -> str:
    """`Sở Lao động ...` under `Ủy ban nhân dân tỉnh Đắk Lắk` is `Sở Lao động ... tỉnh Đắk Lắk`."""
    f = fold(issuer)
    if not f.startswith(("so ", "uy ban nhan dan", "lien doan lao dong", "cong an", "hoi dong nhan dan")):
        return issuer
    if re.search(r"\b(tinh|thanh pho|huyen|quan|thi xa)\b", f):
        return issuer
    if parent:
        m = re.search(r"\b((?:tỉnh|thành phố|huyện|quận|thị xã)\s.+)$", parent, re.I)
        if m:
            return f"{issuer} {m.group(1)}"
    if place:
        g = doc.gazetteer
        key = fold_key(place)
        if key in g.province_names:
            prov = g.province_names[key]
            city = any(p["name"] == prov and p.get("city") for p in g.provinces)
            return f"{issuer} {'thành phố' if city else 'tỉnh'} {prov}"
    return issuer


def _authority_line(doc: Doc, lines: list[_Line], after: int, stop: int) -> str | None:
    """The authority named alone in upper case between the title and the preamble (`CHÍNH PHỦ`,
    `HỘI ĐỒNG NHÂN DÂN TỈNH HÀ GIANG`): the issuer of a text whose top lines were lost."""
    for ln in lines[after:stop]:
        t = ln.text.strip()
        if t.isupper() and doc.agencies_in(ln.start, ln.end) and _ends_title(doc, ln, None):
            return t
    return None


# -- addressees ---------------------------------------------------------------------------------
def read_recipients(lines: list[_Line], idx: int) -> tuple[list[str], tuple[int, int], str | None]:
    """The addressees after `Kính gửi:` (inline or listed with dashes), their span, and the
    name the letter gives them all (`(Sau đây gọi chung là các đơn vị)`)."""
    first = lines[idx]
    m = RECIPIENT_RE.match(first.folded)
    assert m, "called on a Kính gửi line"
    parts: list[str] = []
    buf = first.text[m.end():].strip()
    end = first.end
    alias = None
    j = idx + 1
    while j < len(lines):
        t = lines[j].text.strip()
        am = _ALIAS_RE.match(lines[j].folded)
        if am:
            alias = lines[j].text[am.start("alias"):am.end("alias")].strip(" .")
            end = lines[j].end
            break
        if not t:
            if not (buf or parts) or not _next_is_bullet(lines, j):
                if buf or parts:
                    break
            j += 1
            continue
        if t.startswith(("-", "+", "•")):
            if buf:
                parts.append(buf)
            buf = t.lstrip("-+• ").strip()
        elif buf and (not re.search(r"[.;:]$", buf) and not t[:1].isupper() or buf.endswith(",")) or not buf and not parts:
            buf = (buf + " " + t).strip()
        else:
            break
        end = lines[j].end
        j += 1
    if buf:
        parts.append(buf)
    out = [p for piece in parts for p in (collapse(x).strip(" .;,") for x in re.split(r";\s*", piece)) if len(p) > 2]
    return out, (first.start, end), alias


def _next_is_bullet(lines: list[_Line], j: int) -> bool:
    nxt = next((ln.text for ln in lines[j + 1:j + 2] if ln.text.strip()), "")
    return nxt.strip().startswith(("-", "+", "•"))


# -- the header ---------------------------------------------------------------------------------
def read_header(doc: Doc, start: int = 0, end: int | None = None) -> Header:
    """The header fields of the document that starts at `start`."""
    end = len(doc.text) if end is None else end
    h = Header()
    lines = _lines(doc, start, end)
    mk = _find_marks(lines)
    figures = mk if mk.number is not None or mk.date is not None else _displaced_block(lines, mk)
    if figures.number is not None:
        h.number, h.number_abbr = read_number(lines[figures.number].text, lines[figures.number].folded)
        if h.number is None:    # a blank left after "Số:", or a handwritten number OCR could not read
            h.warnings.append("Số văn bản để trống: cần nhập số.")
    _read_date(h, doc, lines, figures, start, end)
    title = _read_subject(h, doc, lines, mk)
    h.kind = kind_of(_kind_title(lines[mk.kind]) if mk.kind is not None else None, h.number,
                     mk.vv is not None or mk.recipients is not None)
    top = mk.first("number", "date", "vv", "kind", "recipients", "motto", default=min(len(lines), _HEADER_LINES))
    if top == mk.motto and _beside_motto(lines[top]):
        # the two header columns read row by row (`BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI …`): the
        # issuer's rows go on past the motto's
        top = mk.first("number", "date", "vv", "kind", "recipients", default=min(len(lines), _HEADER_LINES))
    units, joint = _units(doc, _issuer_lines(lines, top))
    if not units and title:
        after = lines.index(title[-1]) + 1
        auth = _authority_line(doc, lines, after, mk.first("recipients", "preamble", default=min(len(lines), _HEADER_LINES)))
        units = [auth] if auth else []
    _read_issuer(h, doc, units, joint)
    if not h.issuer and h.number_abbr:
        _issuer_from_number(h, doc)
    if not h.issuer:
        _issuer_from_enacting(h, doc, start, min(end, start + _PREAMBLE_CHARS))
    if mk.recipients is not None:
        h.recipients, h.recipients_span, h.recipients_alias = read_recipients(lines, mk.recipients)
        h.header_end = h.recipients_span[1]
    else:
        ends = [lines[i].end for i in (mk.number, mk.date, mk.vv, mk.kind) if i is not None]
        ends += [title[-1].end] if title else []
        # what stands before the legal bases (`Căn cứ …`) just under a header is the header too: a
        # title OCR garbled is no task (with no header found, as in a consolidated text, nothing is)
        if ends and mk.preamble is not None and RECITAL_RE.match(lines[mk.preamble].folded) \
                and lines[mk.preamble].start <= max(ends) + _NEAR_HEADER:
            ends.append(lines[mk.preamble].start)
        h.header_end = max(ends) if ends else start
    return h


# the enacting sentence of a normative text names its issuer, or the office holder who signs for it
_ENACTS_RE = re.compile("^" + ENACTS_RE.pattern, re.M)
_PREAMBLE_CHARS = 6000


def _issuer_from_enacting(h: Header, doc: Doc, start: int, end: int) -> None:
    m = _ENACTS_RE.search(doc.folded, start, end)
    if not m:
        return
    who = doc.text[m.start("who"):m.end("who")].strip()
    name = strip_title(who, doc.gazetteer.titles)      # the office holder's body
    if doc.lexicon.head_re.match(fold(name)) or doc.agency_at(m.start("who")) is not None:
        h.issuer = _name_of(doc, name)
        h.issuer_parts = [h.issuer]


def _issuer_from_number(h: Header, doc: Doc) -> None:
    g = doc.gazetteer
    key = fold_key(h.number_abbr or "")
    hit = g.alias_to_name.get(key) or g.alias_to_name.get(key.replace(" ", ""))
    if hit:
        h.issuer = _with_locality(doc, hit[0], None, h.place)
        h.issuer_parts = [h.issuer]


# -- cited documents and signer -----------------------------------------------------------------
def read_cites(doc: Doc, start: int = 0, end: int | None = None) -> list[Cite]:
    """Documents cited in text[start:end] (`Công văn số 69/LĐTBXH-TTr ngày 09/01/2023 của ...`)."""
    text, folded = doc.text, doc.folded
    end = len(text) if end is None else end
    out: list[Cite] = []
    seen = set()
    for m in _CITE_RE.finditer(folded, start, end):
        num = re.sub(r"\s+", "", text[m.start("num"):m.end("num")]).rstrip(".,")
        if num in seen:
            continue
        seen.add(num)
        kind = CITE_KINDS[re.sub(r"\s+", " ", m.group("kind"))]
        d = None
        if m.group("d"):
            try:
                d = date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
            except ValueError:
                d = None
        issuer = None
        owner = doc.agency_at(m.end())
        if owner is not None and re.search(r"(?:cua|c[a-z0-9]{1,3}a)\s+$", folded[m.start(): m.end()]):
            issuer = owner.canonical
        out.append(Cite(kind, num, d, issuer))
    return out


_TITLE_WORDS = re.compile(r"\b(truong|pho|chu tich|giam doc|thu truong|chu nhiem|tong|chanh|cuc truong|vu truong|uy vien|bi thu)\b")


def is_caps_title(line: str) -> bool:
    """An office in capitals (`PHÓ CHỦ TỊCH`, `KT. BỘ TRƯỞNG`)."""
    if len(line) > 60:             # first: asked of every line, most of them longer
        return False
    letters = list(filter(str.isalpha, line))
    if len(letters) < 4 or sum(map(str.isupper, letters)) / len(letters) < 0.9:
        return False
    return bool(_TITLE_WORDS.search(fold(line)))


def is_person_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and not w.isupper() for w in words if w.isalpha())


def read_signer(doc: Doc, start: int) -> Signer:
    """The signing block: `KT. BỘ TRƯỞNG / THỨ TRƯỞNG` and the name under it."""
    lines = _lines(doc, start, len(doc.text))
    for i, ln in enumerate(lines):
        bare = ln.text.strip()
        if not (SIGN_TITLE_RE.match(ln.folded) or is_caps_title(bare)) or "noi nh" in ln.folded:
            continue
        m = re.search(r"\b(?:KT|TL|TM|Q|TUQ)\s*\.", bare)
        parts = [bare[m.start():] if m else bare]
        name = None
        for nxt in lines[i + 1:]:
            t = nxt.text.strip()
            if not t or t.startswith("("):
                continue
            if t.startswith("-"):
                break
            if is_caps_title(t) and len(parts) < 4:
                parts.append(t)
                continue
            if is_person_name(t):
                name = t
            break
        return Signer(name, " / ".join(collapse(p) for p in parts))
    return Signer()
