"""Text -> Dispatch: the extraction stages in order (clean, fold, documents, header, tasks)."""
from __future__ import annotations

import re
from datetime import date

from .agency import gazetteer, tolerant_of_ocr
from .fold import diacritic_ratio, fold
from .header import (CLOSING_RE, MOTTO_RE, SIGN_TITLE_RE, Header, read_cites, read_header,
                     read_signer, _is_caps_title, _is_person_name)
from .abbrev import agencies_of
from .layout import iter_lines
from .record import AgencyMention, Dispatch
from .tasks import DirectiveIndex, find_tasks
from .ocrfix import looks_garbled, repair
from .textprep import clean, collapse


def split_documents(text: str, folded: str) -> list[int]:
    """Start offsets of the documents in one file (a cover letter and the draft it submits)."""
    starts = [0]
    lines = list(iter_lines(text))
    mottos = [m.start() for m in MOTTO_RE.finditer(folded)]
    for pos in mottos[1:]:
        idx = next(i for i, (s, e, _) in enumerate(lines) if s <= pos <= e)
        j = idx
        while j > 0:
            prev = lines[j - 1][2].strip()
            if prev and not (prev.isupper() or prev.strip("*_-— ") == "" or len(prev) < 3):
                break
            if j < idx - 8:
                break
            j -= 1
        while j < idx and not lines[j][2].strip():
            j += 1
        starts.append(lines[j][0])
    return starts


def closing_spans(text: str, folded: str) -> list[tuple[int, int]]:
    """Distribution lists ("Nơi nhận:") and signature blocks: never tasks."""
    spans = []
    lines = list(iter_lines(text))
    i = 0
    while i < len(lines):
        s, e, line = lines[i]
        f = folded[s:e].strip()
        t = line.strip()
        starts_close = CLOSING_RE.match(f) or SIGN_TITLE_RE.match(f) or (_is_caps_title(t) and i > 5) or re.match(r"^tran trong\b", f)
        if starts_close:
            j = i + 1
            end = e
            while j < len(lines):
                ls, le, l = lines[j]
                tt = l.strip()
                ff = folded[ls:le].strip()
                if (not tt or tt.startswith(("-", "+", "•", "}", "(")) or _is_caps_title(tt) or SIGN_TITLE_RE.match(ff)
                        or _is_person_name(tt) or ff.startswith(("luu", "noi nhan")) or (tt.isupper() and len(tt) < 40)):
                    if tt:
                        end = le
                    j += 1
                    continue
                break
            spans.append((s, end))
            i = j
            continue
        i += 1
    return spans


def _default_lead(h: Header) -> list[str]:
    g = gazetteer()
    if h.recipients:
        return list(dict.fromkeys(g.canonical(r) for r in h.recipients))
    return list(h.issuer_parts or ([h.issuer] if h.issuer else []))


_ISSUER_IN_BODY = re.compile(r"(?:de nghi|yeu cau|huong dan|thong bao|co y kien|kinh de nghi)\b")


def extract(raw: str) -> Dispatch:
    """The dispatch record of a text. Text read by OCR without Vietnamese is repaired first
    (see ocrfix) and everything found in the repaired copy is mapped back to the original."""
    original = clean(raw)
    if looks_garbled(original):
        text, to_orig = repair(original)
        with tolerant_of_ocr():
            record = _extract(text, looks_garbled_flag=True)
        record.warnings.insert(0, "Văn bản OCR không nhận dạng được dấu tiếng Việt; đã sửa lỗi nhận dạng để trích xuất, cần soát lại.")
        return _map_back(record, original, to_orig)
    return _extract(original)


def _map_back(rec: Dispatch, original: str, to_orig: list[int]) -> Dispatch:
    def span(sp):
        if sp is None:
            return None
        s, e = sp
        return (to_orig[s], to_orig[e - 1] + 1 if e > s else to_orig[s])
    rec.text = original
    for t in rec.tasks:
        t.span = span(t.span)
        t.text = collapse(original[t.span[0]:t.span[1]])
        for d in t.deadlines:
            d.span = span(d.span)
            if d.span:
                d.source = original[d.span[0]:d.span[1]].strip()
    for a in rec.agencies:
        a.spans = [span(sp) for sp in a.spans]
        a.name = original[a.spans[0][0]:a.spans[0][1]]
    return rec


def _extract(text: str, looks_garbled_flag: bool = False) -> Dispatch:
    folded = fold(text)
    found = agencies_of(text, folded)
    doc_starts = split_documents(text, folded)
    bounds = list(zip(doc_starts, doc_starts[1:] + [len(text)]))
    headers = [read_header(text, folded, s, e) for s, e in bounds]
    first = headers[0]
    skip = closing_spans(text, folded)
    for (s, e), h in list(zip(bounds, headers))[1:]:
        skip.append((s, h.header_end))
    warnings: list[str] = []
    if diacritic_ratio(text) < 0.05 and not looks_garbled_flag:
        warnings.append("Văn bản không có dấu tiếng Việt (gõ không dấu hoặc OCR không đúng ngôn ngữ): kết quả cần soát lại.")
    # an issuer named only in the body ("Bộ ... đề nghị Ủy ban ...")
    if not first.issuer:
        for f in (x for x in found if x.start >= first.header_end):
            after = folded[f.end: f.end + 30]
            if _ISSUER_IN_BODY.match(after.strip()):
                first.issuer = f.canonical
                first.issuer_parts = [f.canonical]
                break
    directives = DirectiveIndex(text)
    tasks = []
    for (s, e), h in zip(bounds, headers):
        issued = date.fromisoformat(h.issued) if h.issued else None
        year = h.year or (first.year if first.year else None)
        if not h.issuer:
            h.issuer, h.issuer_parts = first.issuer, first.issuer_parts
        tasks.extend(find_tasks(text, folded, h.header_end, e, _default_lead(h), issued, year, skip, directives, found))
    sig_from = skip[0][0] if skip else first.header_end
    signer, _ = read_signer(text, folded, sig_from)
    mentions: dict[str, AgencyMention] = {}
    for f in found:
        m = mentions.setdefault(f.canonical, AgencyMention(text[f.start:f.end], f.canonical, []))
        m.spans.append((f.start, f.end))
    if not tasks:
        warnings.append("Không tìm thấy nhiệm vụ nào được giao trong văn bản.")
    return Dispatch(
        number=first.number, issued=first.issued, place=first.place, issuer=first.issuer,
        issuer_parent=first.issuer_parent, kind=first.kind, subject=first.subject,
        recipients=first.recipients or [], signer=signer, cites=read_cites(text, folded),
        text=text, tasks=tasks, agencies=list(mentions.values()), warnings=warnings,
    )
