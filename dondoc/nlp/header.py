"""The header of a dispatch as Decree 30/2020 lays it out: issuing body, number, place and date,
kind, trích yếu, addressees, signer, and the documents it cites.

Each reader takes the cleaned text (and its folded copy, same offsets). Patterns are written on
the folded text and tolerate what OCR without Vietnamese does to the key words (`S0:`,
`ngay 28 thang 02 ndm 2022`, `Kinh gtri:`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .agency import gazetteer
from .fold import fold
from .layout import DANGLING_RE, iter_lines
from .record import Cite, Signer
from .textprep import collapse

NUMBER_LINE_RE = re.compile(r"^\s*s[o0ố6][\s.]*[:;]\s*(?P<rest>.*)$")
DATE_LINE_RE = re.compile(
    r"(?P<place>[^\n,]{0,40}?)\s*,?\s*ng[a-z0-9]{0,2}y\s+(?P<d>\d{1,2}|[.…_ ]*?)\s*th[a-z0-9]{1,2}ng[\s.,]+(?P<m>\d{1,2})[\s.,]+n[a-z0-9&@]{1,2}m\s+(?P<y>\d{4})"
)
PLACE_DATE_RE = re.compile(r"^\s*[^\d,]{2,40},\s*ng[a-z0-9]{0,2}y\s")
MOTTO_RE = re.compile(r"c[o0][a-z0-9]{0,2}\s*h[o0][a-z0-9]{0,2}\s+x[a-z0-9]{1,2}\s+h[o0][a-z0-9]{0,2}\s+ch[uưi][a-z0-9]?\s+ngh[i1][a-z0-9]?\s+vi[e3e€][a-z0-9]?t\s+n[a-z0-9]m")
# "Độc lập - Tự do - Hạnh phúc", also as OCR without Vietnamese reads it ("Tudo", "phtc") and
# as its repair may leave it ("Tao")
MOTTO2_RE = re.compile(r"d[^\s]{0,4}c\s+[1l][a-z0-9]{1,2}p\s*[-–]\s*t[a-z0-9]{0,3}(?:\s+d[a-z0-9]{0,2})?\s*[-–]\s*h[a-z0-9]{1,3}nh\s+ph[a-z0-9]{1,3}")
SEPARATOR_RE = re.compile(r"^\s*[-_–—=*.]{3,}\s*$")
VV_RE = re.compile(r"^\s*v\s*/\s*v\b\.?\s*:?\s*", re.I)
RECIPIENT_RE = re.compile(r"^\s*k[i1l]nh\s*(?:g\S{0,4}|\S{1,5})\s*:\s*")
CLOSING_RE = re.compile(r"^\s*(?:n[o0][i1]\s*nh\S{1,3}n|noi nhan)\s*:?")
SIGN_TITLE_RE = re.compile(r"^\s*(?:kt|tl|tm|q|tuq|k\.t)\s*\.\s*\S")

KINDS = {
    "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị", "ke hoach": "Kế hoạch",
    "thong bao": "Thông báo", "chuong trinh phoi hop": "Chương trình phối hợp",
    "chuong trinh hanh dong": "Chương trình hành động", "chuong trinh": "Chương trình", "to trinh": "Tờ trình",
    "bao cao": "Báo cáo", "huong dan": "Hướng dẫn", "cong dien": "Công điện", "thong tu": "Thông tư",
    "nghi dinh": "Nghị định", "cong van": "Công văn", "ket luan": "Kết luận", "quy che": "Quy chế",
}
NUMBER_KIND = {"qd": "Quyết định", "nq": "Nghị quyết", "ct": "Chỉ thị", "kh": "Kế hoạch", "tb": "Thông báo",
               "ctph": "Chương trình phối hợp", "ctr": "Chương trình", "tt": "Thông tư", "nd": "Nghị định",
               "tb-vpcp": "Thông báo", "bc": "Báo cáo", "ttr": "Tờ trình", "hd": "Hướng dẫn", "cd": "Công điện",
               "kl": "Kết luận"}
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
    header_end: int = 0          # offset where the body may start


def _lines(text: str, start: int, end: int):
    return [(s, e, l) for s, e, l in iter_lines(text) if s >= start and e <= end]


def read_number(line: str) -> tuple[str | None, str | None]:
    """`Số: 546 /SLĐT BXH-TEBĐG` -> ("546/SLĐTBXH-TEBĐG", "SLĐTBXH"); a blank number -> None."""
    m = NUMBER_LINE_RE.match(fold(line))
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
    if not re.match(r"^[0-9OoIl]{1,6}[a-zA-Z]?/", rest):
        return None, abbr
    return rest, abbr


def read_date_line(line: str) -> tuple[str | None, str | None, int | None]:
    """(place, ISO date or None when the day is blank, year)."""
    f = fold(line)
    m = DATE_LINE_RE.search(f)
    if not m:
        return None, None, None
    place = collapse(line[m.start("place"):m.end("place")]).strip(" ,")
    # the last capitalised words, whole words only: not the tail of a number on the same line
    pm = re.search(r"(?:^|(?<=\s))([A-ZĐ][\w.]*(?:(?: +| +- +)[A-ZĐ][\w.]*){0,3})$", place)
    place = pm.group(1) if pm else (place or None)
    y = int(m.group("y"))
    d = m.group("d").strip(" ._…")
    iso = None
    if d.isdigit():
        try:
            iso = date(y, int(m.group("m")), int(d)).isoformat()
        except ValueError:
            iso = None
    return place, iso, y


def _issuer_lines(text: str, folded: str, end: int) -> list[str]:
    out = []
    for s, e, line in _lines(text, 0, end):
        f = folded[s:e]
        mm = MOTTO_RE.search(f)
        if mm:
            line, f = line[:mm.start()] + line[mm.end():], f[:mm.start()] + f[mm.end():]
        mm = MOTTO2_RE.search(f)
        if mm:
            line, f = line[:mm.start()], f[:mm.start()]
        line = line.strip()
        if not line or SEPARATOR_RE.match(line) or NUMBER_LINE_RE.match(f.strip()):
            continue
        out.append(line)
    return out


_JOINT_HEAD = re.compile(r"^(?:so|bo|uy ban|ubnd|lien doan|cong doan|hoi|ban|truong|phong|tong|cuc|vu|van phong|doan)\b")
_LOCALITY_LINE = re.compile(r"^(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong)\b")


def read_issuer(lines: list[str], place: str | None) -> tuple[str | None, str | None, list[str]]:
    """(issuer, parent) from the issuing-body lines; joint issuers are joined with ' - '."""
    g = gazetteer()
    merged: list[str] = []
    joint = False
    for line in lines:
        f = fold(line).strip()
        if merged and (re.search(r"[-–,]$", merged[-1]) and not _JOINT_HEAD.match(f) or f.startswith(("va ", "& "))):
            merged[-1] = merged[-1] + " " + line
        elif merged and re.search(r"\s[-–]$", merged[-1]) and _JOINT_HEAD.match(f):
            merged[-1] = merged[-1].rstrip(" -–")
            merged.append(line)
            joint = True
        elif merged and _LOCALITY_LINE.match(f):
            if joint:
                merged = [m + " " + line for m in merged]
            else:
                merged[-1] = merged[-1] + " " + line
        else:
            merged.append(line)
    merged = [collapse(m) for m in merged if len(fold(m).strip()) > 2]
    if not merged:
        return None, None, []
    if joint:
        names = [g.canonical(m) for m in merged[-2:]]
        return " - ".join(names), None, names
    issuer = g.canonical(merged[-1])
    parent = g.canonical(merged[-2]) if len(merged) >= 2 else None
    issuer = _with_locality(issuer, parent, place)
    return issuer, parent, [issuer]


def _with_locality(issuer: str, parent: str | None, place: str | None) -> str:
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
        g = gazetteer()
        key = re.sub(r"[^0-9a-z]+", " ", fold(place)).strip()
        if key in g.province_names:
            prov = g.province_names[key]
            city = any(p["name"] == prov and p.get("city") for p in g.provinces)
            return f"{issuer} {'thành phố' if city else 'tỉnh'} {prov}"
    return issuer


def kind_of(title_lines: list[str], number_abbr_full: str | None, has_vv: bool) -> str | None:
    for line in title_lines:
        f = re.sub(r"[^a-z ]+", " ", fold(line)).strip()
        f = re.sub(r"\s+", " ", f)
        for k in sorted(KINDS, key=len, reverse=True):
            if f == k or f.startswith(k + " ") and line.isupper():
                return KINDS[k]
    if number_abbr_full:
        parts = fold(number_abbr_full).split("/")
        if len(parts) >= 2:
            head = re.split(r"[-]", parts[-1])[0]
            if head in NUMBER_KIND:
                return NUMBER_KIND[head]
    return "Công văn" if has_vv else None


def read_cites(text: str, folded: str, start: int = 0, end: int | None = None) -> list[Cite]:
    """Documents cited in text[start:end] (`Công văn số 69/LĐTBXH-TTr ngày 09/01/2023 của ...`)."""
    g = gazetteer()
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
        found = [a for a in g.find(text[m.end(): m.end() + 120]) if a.start == 0]
        if found and re.search(r"(?:cua|c[a-z0-9]{1,3}a)\s+$", folded[m.start(): m.end()]):
            issuer = found[0].canonical
        out.append(Cite(kind, num, d, issuer))
    return out


def read_signer(text: str, folded: str, start: int) -> tuple[Signer, int | None]:
    """The signing block: `KT. BỘ TRƯỞNG / THỨ TRƯỞNG` and the name under it."""
    lines = _lines(text, start, len(text))
    title_parts: list[str] = []
    name = None
    sig_start = None
    i = 0
    while i < len(lines):
        s, e, line = lines[i]
        f = folded[s:e].strip()
        bare = line.strip()
        if SIGN_TITLE_RE.match(f) or (title_parts == [] and _is_caps_title(bare)):
            # The signer's title: this line and the upper-case lines right under it.
            if "nơi nhận" in bare.lower() or "noi nh" in f:
                i += 1
                continue
            m = re.search(r"\b(?:KT|TL|TM|Q|TUQ)\s*\.", bare)
            title_parts = [bare[m.start():] if m else bare]
            sig_start = s
            j = i + 1
            while j < len(lines):
                t = lines[j][2].strip()
                if not t or t.startswith("(") or t.startswith("-"):
                    j += 1 if not t or t.startswith("(") else 0
                    if t.startswith("-"):
                        break
                    continue
                if _is_caps_title(t) and len(title_parts) < 4:
                    title_parts.append(t)
                    j += 1
                    continue
                if _is_person_name(t):
                    name = t
                break
            i = j
            continue
        i += 1
    if not title_parts:
        return Signer(), None
    return Signer(name, " / ".join(collapse(p) for p in title_parts)), sig_start


_TITLE_WORDS = re.compile(r"\b(truong|pho|chu tich|giam doc|thu truong|chu nhiem|tong|chanh|cuc truong|vu truong|uy vien|bi thu)\b")


def _is_caps_title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) / len(letters) < 0.9 or len(line) > 60:
        return False
    return bool(_TITLE_WORDS.search(fold(line)))


def _is_person_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and not w.isupper() for w in words if w.isalpha())


def read_header(text: str, folded: str, start: int = 0, end: int | None = None) -> Header:
    """The header fields of the document that starts at `start`."""
    end = len(text) if end is None else end
    h = Header()
    lines = _lines(text, start, end)
    number_line = date_line = vv_line = recip_line = None
    limit = min(len(lines), 60)
    for idx in range(limit):
        s, e, line = lines[idx]
        f = folded[s:e]
        if number_line is None and NUMBER_LINE_RE.match(f):
            number_line = idx
            h.number, h.number_abbr = read_number(line)
        if date_line is None and DATE_LINE_RE.search(f):
            place, iso, y = read_date_line(line)
            if y:
                date_line, h.place, h.issued, h.year = idx, place, iso, y
        if vv_line is None and VV_RE.match(line):
            vv_line = idx
        if recip_line is None and RECIPIENT_RE.match(f):
            recip_line = idx
            break
        if idx > 3 and f.strip().startswith(("can cu", "thuc hien ", "trien khai ")) and line.strip()[:1].isupper() and number_line is not None:
            break
    first_meta = min(i for i in (number_line, date_line, vv_line, recip_line, limit) if i is not None)
    top_end = lines[first_meta][0] if first_meta < len(lines) else start
    # A document with no header block (an extract starting at "Kính gửi") has no issuer lines.
    issuer_lines = _issuer_lines(text, folded, top_end) if first_meta > 0 else []
    if number_line is not None and first_meta == number_line and not issuer_lines and number_line > 0:
        issuer_lines = []
    if h.number is None and number_line is not None:
        _, h.number_abbr = read_number(lines[number_line][2])
    # Subject: "V/v ..." lines, or the title lines under the kind ("NGHỊ QUYẾT / Về ...").
    title_lines: list[str] = []
    subject_lines: list[str] = []
    has_vv = vv_line is not None
    after = max(i for i in (number_line, date_line, vv_line, -1) if i is not None) + 1
    scan_from = vv_line if has_vv else after
    stop_at = recip_line if recip_line is not None else limit
    i = scan_from
    kind_idx = None
    while i < min(stop_at, len(lines)) and i < scan_from + 20:
        s, e, line = lines[i]
        f = folded[s:e].strip()
        if has_vv:
            if i == vv_line:
                subject_lines.append(VV_RE.sub("", line))
            else:
                if PLACE_DATE_RE.match(f) or MOTTO_RE.search(f) or MOTTO2_RE.search(f) or RECIPIENT_RE.match(f) or SEPARATOR_RE.match(line):
                    break
                if not line.strip():
                    nxt = next((l for _, _, l in lines[i + 1: i + 3] if l.strip()), "")
                    if not nxt or nxt.strip()[:1].isupper() or DATE_LINE_RE.search(fold(nxt)):
                        break
                    i += 1
                    continue
                if line.strip().isupper() and len(line.strip()) < 40 and KINDS.get(re.sub(r"[^a-z ]", "", fold(line)).strip()):
                    title_lines.append(line)
                    break
                subject_lines.append(line)
        else:
            if not line.strip() or SEPARATOR_RE.match(line):
                if kind_idx is not None and subject_lines:
                    # a title runs on past a blank line (OCR puts them inside one) when the next
                    # line goes on in lower case or the last one stopped mid-phrase ("của")
                    nxt = next((l for _, _, l in lines[i + 1: i + 3] if l.strip()), "")
                    runs_on = nxt.strip()[:1].islower() or DANGLING_RE.search(fold(subject_lines[-1]))
                    if SEPARATOR_RE.match(line) or not nxt.strip() or not runs_on:
                        break
                i += 1
                continue
            if kind_idx is None:
                if line.strip().isupper() and len(line.strip()) < 50:
                    title_lines.append(line)
                    kind_idx = i
            else:
                if PLACE_DATE_RE.match(f) or (f.startswith(("can cu", "thuc hien")) and line.strip()[:1].isupper()):
                    break
                if line.strip().isupper() and subject_lines and len(line.strip()) < 60:
                    break
                if VV_RE.match(line):
                    subject_lines.append(VV_RE.sub("", line))
                else:
                    subject_lines.append(line)
        i += 1
    # a kind title may also stand above the V/v line (THÔNG BÁO / V/v ...)
    if has_vv:
        for s, e, line in lines[max(0, vv_line - 3): vv_line]:
            if line.strip().isupper() and len(line.strip()) < 40:
                title_lines.append(line)
    if subject_lines:
        h.subject = collapse(" ".join(subject_lines)).strip(" .")
        h.subject = re.sub(r"^(?:[Vv]ề việc|[Vv]ề)\s+", lambda m: m.group(0), h.subject)
    h.kind = kind_of(title_lines, h.number, has_vv or recip_line is not None)
    h.issuer, h.issuer_parent, h.issuer_parts = read_issuer(issuer_lines, h.place)
    if not h.issuer and h.number_abbr:
        g = gazetteer()
        key = re.sub(r"[^0-9a-z]+", " ", fold(h.number_abbr)).strip()
        hit = g.alias_to_name.get(key) or g.alias_to_name.get(key.replace(" ", ""))
        if hit:
            h.issuer = _with_locality(hit[0], None, h.place)
            h.issuer_parts = [h.issuer]
    # Addressees
    if recip_line is not None:
        h.recipients, h.recipients_span = read_recipients(text, folded, lines, recip_line)
        h.header_end = h.recipients_span[1]
    else:
        last = max(i for i in (number_line, date_line, vv_line, kind_idx, -1) if i is not None)
        h.header_end = lines[last][1] if last >= 0 else start
        if subject_lines:
            h.header_end = max(h.header_end, text.find(subject_lines[-1], lines[scan_from][0]) + len(subject_lines[-1]))
    return h


def read_recipients(text: str, folded: str, lines, idx: int) -> tuple[list[str], tuple[int, int]]:
    s, e, line = lines[idx]
    m = RECIPIENT_RE.match(folded[s:e])
    first = line[m.end():].strip()
    parts: list[str] = []
    end = e
    buf = first
    j = idx + 1
    while j < len(lines):
        ls, le, l = lines[j]
        t = l.strip()
        if not t:
            if buf or parts:
                nxt = next((x for _, _, x in lines[j + 1: j + 2] if x.strip()), "")
                if not nxt.strip().startswith(("-", "+", "•")) or not (buf or parts) or not (parts or buf).__len__():
                    break
            j += 1
            continue
        if t.startswith(("-", "+", "•")):
            if buf:
                parts.append(buf)
            buf = t.lstrip("-+• ").strip()
            end = le
        elif buf and not re.search(r"[.;:]$", buf) and not t[:1].isupper() or (buf and buf.endswith(",")):
            buf += " " + t
            end = le
        elif not buf and not parts:
            buf = t
            end = le
        else:
            break
        j += 1
    if buf:
        parts.append(buf)
    out = []
    for p in parts:
        for piece in re.split(r";\s*", p):
            piece = collapse(piece).strip(" .;,")
            if len(piece) > 2:
                out.append(piece)
    return out, (lines[idx][0], end)
