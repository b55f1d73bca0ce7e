"""Text -> Dispatch: the extraction stages in order.

clean -> (repair, when read by OCR without Vietnamese) -> build the `Doc` once -> split the
file into its documents -> read each header -> find the closing blocks -> each document's
defaults (addressees, the bodies it hands work to, the issuer) -> tasks -> signer, cited
documents, agency mentions -> the record, mapped back to the text as read.
"""
from __future__ import annotations

import re
from datetime import date

from . import doc as docs
from .agency import gazetteer
from .bodies import noun_phrase, noun_phrases
from .deadline import Calendar, Context
from .classify import EXECUTES
from .doc import Doc
from .documents import split_documents
from .fold import fold_key
from .header import (CLOSING_RE, SIGN_TITLE_RE, Header, is_caps_title, is_person_name, read_cites,
                     read_header, read_signer)
from .layout import blocks, iter_lines
from .lexicon import load as load_lexicon
from .lead import Defaults
from .ocrfix import looks_garbled, repair
from .restated import restated_in_rows
from .record import AgencyMention, Dispatch, Task
from .tasks import Part, addressee_test, find_tasks, guides_rules
from .textprep import clean, collapse

_ISSUER_IN_BODY = re.compile(r"(?:de nghi|yeu cau|huong dan|thong bao|co y kien|kinh de nghi)\b")
_FOR_ACTION = re.compile(r"\((?:de\s+)?(?:thuc hien|t/h|th)\)|\bde thuc hien\b")
_NORMATIVE_KINDS = {"Nghị quyết", "Quyết định", "Thông tư", "Nghị định"}


def closing_spans(doc: Doc) -> list[tuple[int, int]]:
    """Distribution lists (`Nơi nhận:`) and signature blocks: never tasks."""
    spans = []
    lines = list(iter_lines(doc.text))
    i = 0
    while i < len(lines):
        s, e, line = lines[i]
        f = doc.folded[s:e].strip()
        if CLOSING_RE.match(f) or SIGN_TITLE_RE.match(f) or (is_caps_title(line.strip()) and i > 5) or f.startswith("tran trong"):
            j, end = i + 1, e
            while j < len(lines) and (_closing_goes_on(doc, lines[j]) or _wrapped_entry(lines[j - 1][2], lines[j][2])):
                if lines[j][2].strip():
                    end = lines[j][1]
                j += 1
            spans.append((s, end))
            i = j
            continue
        i += 1
    return spans


def _wrapped_entry(previous: str, line: str) -> bool:
    """A list entry that runs on to the next line (`- VPCP: BTCN, PCN …,` / `Trợ lý TTg, …`; `- Các
    Bộ: Quốc phòng, Tài` / `chính, …`: a line in lower case goes on with the word before it)."""
    p, t = previous.rstrip(), line.lstrip()
    return p.endswith((",", ";")) or (bool(p) and not p.endswith(".") and t[:1].islower())


def _closing_goes_on(doc: Doc, line: tuple[int, int, str]) -> bool:
    ls, le, text = line
    t = text.strip()
    f = doc.folded[ls:le].strip()
    # a list's dash as OCR reads it at times: "~" (not an en dash: laws open their points so)
    return (not t or t.startswith(("-", "+", "•", "}", "(", "~")) or is_caps_title(t) or bool(SIGN_TITLE_RE.match(f))
            or is_person_name(t) or f.startswith(("luu", "noi nhan")) or (t.isupper() and len(t) < 40))


def _executors(doc: Doc, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    """Distribution-list entries sent `(để thực hiện)`: who must act when nobody is addressed."""
    out: list[str] = []
    for s, e in spans:
        for ls, le, line in iter_lines(doc.text):
            if ls < s or le > e or not line.strip().startswith("-") or not _FOR_ACTION.search(doc.folded[ls:le]):
                continue
            at = ls + line.index("-") + 1
            p = noun_phrase(doc, at, le)
            name = p.name if p else collapse(line.strip(" -").split("(")[0])
            out.append(name)
    return tuple(dict.fromkeys(n for n in out if n))


# the execution article of a decision: "Các Bộ trưởng, ..., Chủ tịch UBND các tỉnh ... chịu trách
# nhiệm thi hành Quyết định này", its subject list after an optional "Điều N."
_ARTICLE = re.compile(r"(?m)^[ \t]*(?:dieu\s+\d+\s*[.:]|\d{1,2}\s*[.)])[ \t]*")


def _execution_bodies(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    """Who the execution article makes answer for the decision (and the plan it adopts): the
    ones to act where an item names nobody and no one is addressed."""
    out: list[str] = []
    f = doc.folded
    for m in EXECUTES.finditer(f, start, end):
        # the sentence opens the article or its paragraph, perhaps some hard-wrapped lines up
        reach = max(start, m.start() - 600)
        heads = list(_ARTICLE.finditer(f, reach, m.start()))
        blank = f.rfind("\n\n", reach, m.start())
        opens = [h.end() for h in heads[-1:]] + ([blank + 2] if blank >= 0 else [])
        at = max(opens) if opens else max(reach, f.rfind("\n", reach, m.start()) + 1)
        phrases, _ = noun_phrases(doc, at, m.start())     # (it skips the spaces before the list)
        out.extend(p.name for p in phrases)
    return tuple(dict.fromkeys(out))


def _assignees(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    """The bodies a document hands work to by name (`Giao X ...`), anywhere in its body."""
    out: list[str] = []
    for m in doc.lexicon.assign_re.finditer(doc.folded, start, end):
        phrases, _ = noun_phrases(doc, m.end(), min(end, m.end() + 200))
        out.extend(p.name for p in phrases if p.known or p.kind == "body")
    return tuple(dict.fromkeys(out))


# "(V/v) hướng dẫn …", also as OCR without Vietnamese leaves it ("huéng dan", "hung dan")
_GUIDANCE_SUBJECT = re.compile(r"(?:ve viec |v v )?h[a-z]{0,3}ng dan\b")


def _genre(h: Header) -> str:
    """guidance: a letter explaining rules (`V/v hướng dẫn thực hiện các quy định của Luật ...`),
    not one guiding work (`hướng dẫn nhiệm vụ trọng tâm công tác trẻ em`)."""
    subject = fold_key(h.subject or "")
    guides = h.kind == "Hướng dẫn" or bool(_GUIDANCE_SUBJECT.match(subject))
    if guides and guides_rules(subject):
        return "guidance"
    if h.kind in _NORMATIVE_KINDS:
        return "normative"
    return "directive"


def _part(doc: Doc, h: Header, start: int, end: int, closing: list[tuple[int, int]], calendar: Calendar | None) -> Part:
    g = doc.gazetteer
    recipients = tuple(dict.fromkeys(g.canonical(r, ocr=doc.ocr) for r in h.recipients or []))
    issuer = tuple(h.issuer_parts or ([h.issuer] if h.issuer else []))
    executors = () if recipients else (_executors(doc, [s for s in closing if start <= s[0] < end])
                                       or _execution_bodies(doc, h.header_end, end))
    defaults = Defaults(recipients, h.recipients_alias, executors,
                        _assignees(doc, h.header_end, end) if not recipients else (), issuer, h.issuer_parent)
    issued = date.fromisoformat(h.issued) if h.issued else None
    return Part(h.header_end, end, Context.of(issued, h.year, calendar), defaults, _genre(h), addressee_test(defaults))


_LETTER = re.compile(r"[^\W\d_]")


def _blank_form(h: Header) -> bool:
    """A form printed in an appendix (`Kính gửi: ……(1)`): a template whose addressee is left blank
    for whoever fills it in, no document that assigns anything."""
    return bool(h.recipients) and not any(_LETTER.search(r) for r in h.recipients or ())


def _issuer_from_body(doc: Doc, h: Header) -> None:
    """An issuer named only in the body (`Bộ ... đề nghị Ủy ban ...`)."""
    for f in (x for x in doc.agencies if x.start >= h.header_end):
        if _ISSUER_IN_BODY.match(doc.folded[f.end: f.end + 30].strip()):
            h.issuer, h.issuer_parts = f.canonical, [f.canonical]
            return


def extract(raw: str, local=(), calendar: Calendar | None = None) -> Dispatch:
    """The dispatch record of a text. `local`: (written form, canonical name) pairs of the
    office's own agency list; `calendar`: its working days (`domain.WorkingCalendar`). Text read
    by OCR without Vietnamese is repaired first (see ocrfix) and everything found in the repaired
    copy is mapped back to the original."""
    original = clean(raw)
    if looks_garbled(original):
        lex = load_lexicon()
        text, to_orig = repair(original, (lex.phrases, gazetteer(local).pairs), (lex.role_phrases,))
        record = _extract(docs.build(text, ocr=True, local=local), calendar)
        record.warnings.insert(0, "Văn bản OCR không nhận dạng được dấu tiếng Việt; đã sửa lỗi nhận dạng để trích xuất, cần soát lại.")
        return _map_back(record, original, to_orig)
    return _extract(docs.build(original, local=local), calendar)


def _map_back(rec: Dispatch, original: str, to_orig: list[int]) -> Dispatch:
    def span(sp: tuple[int, int]) -> tuple[int, int]:
        s, e = sp
        return (to_orig[s], to_orig[e - 1] + 1 if e > s else to_orig[s])
    rec.text = original
    for t in rec.tasks:
        t.span = span(t.span)
        t.text = collapse(original[t.span[0]:t.span[1]])
        for d in t.deadlines:
            d.span = span(d.span)
            d.source = original[d.span[0]:d.span[1]].strip()
    for a in rec.agencies:
        a.spans = [span(sp) for sp in a.spans]
        a.name = original[a.spans[0][0]:a.spans[0][1]]
    return rec


def _extract(doc: Doc, calendar: Calendar | None) -> Dispatch:
    starts = split_documents(doc.text, doc.folded)
    bounds = list(zip(starts, starts[1:] + [len(doc.text)]))
    headers = [read_header(doc, s, e) for s, e in bounds]
    first = headers[0]
    closing = closing_spans(doc)
    skip = list(closing) + [(s, h.header_end) for (s, _), h in list(zip(bounds, headers))[1:]]
    if not first.issuer:
        _issuer_from_body(doc, first)
    tasks: list[Task] = []
    for (s, e), h in zip(bounds, headers):
        if not h.issuer:
            h.issuer, h.issuer_parts = first.issuer, first.issuer_parts
        h.year = h.year or first.year
        found = find_tasks(doc, _part(doc, h, s, e, closing, calendar), skip)
        # under a form's blank addressee (`Kính gửi: ……(1)`) what names no one of its own is the form's
        tasks.extend(t for t in found if not _blank_form(h) or any(_LETTER.search(n) for n in t.lead))
    tasks = restated_in_rows(tasks)
    warnings = list(first.warnings)
    if doc.plain and not doc.ocr:
        warnings.append("Văn bản không có dấu tiếng Việt (gõ không dấu hoặc OCR không đúng ngôn ngữ): kết quả cần soát lại.")
    if not tasks:
        warnings.append("Không tìm thấy nhiệm vụ nào được giao trong văn bản.")
    mentions: dict[str, AgencyMention] = {}
    for f in doc.agencies:
        m = mentions.setdefault(f.canonical, AgencyMention(doc.text[f.start:f.end], f.canonical, []))
        m.spans.append((f.start, f.end))
    return Dispatch(
        number=first.number, issued=first.issued, place=first.place, issuer=first.issuer,
        issuer_parent=first.issuer_parent, kind=first.kind, subject=first.subject,
        recipients=first.recipients or [], signer=read_signer(doc, closing[0][0] if closing else first.header_end),
        cites=read_cites(doc), text=doc.text, tasks=tasks, agencies=list(mentions.values()), warnings=warnings,
        proposed_agencies=_proposals(doc, tasks),
    )


def _proposals(doc: Doc, tasks) -> list[str]:
    """Leads and supports the gazetteer does not know: bodies to propose to the agency list."""
    g = doc.gazetteer
    known = {f.canonical for f in doc.agencies}
    out = []
    for t in tasks:
        for name in t.lead + t.support:
            if name not in known and fold_key(name) not in g.alias_to_name and not doc.lexicon.generic_re.match(fold_key(name)):
                out.append(name)
    return list(dict.fromkeys(out))


__all__ = ["extract", "closing_spans", "blocks"]
