"""What one clause says: whom it names to act, and how its predicate reads.

A clause may open with a purpose, a condition or a topic (`Để chủ động ứng phó ...,`, `Trường
hợp ...,`, `Đối với ...,`): the main clause follows the comma that is followed by one (a body
that acts, a word that hands work on, a directive verb). In the main clause this module finds
  - the explicit assignment: `Giao / Đề nghị / Yêu cầu / Chỉ đạo X ...`, `X: Chủ trì ...`,
    `X chủ trì, phối hợp với Y` — X leads, Y supports;
  - else the subject: the bodies the clause opens with, a predicate after them;
  - else whether it opens with a directive verb (an imperative, the work of whoever is in scope);
  - and marks of its predicate: past (`đã`), passive (`được`), a copula (`là`, `gồm`), an
    obligation (`phải`, `có trách nhiệm`), a rule (`thực hiện theo quy định tại`), a decision's
    own act (`Phê chuẩn`, `Bãi bỏ cụm từ`), the issuer's closing notice (`thông báo để ... biết`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .bodies import Phrase, Subject, noun_phrases, subject
from .doc import Doc

_MARKER = re.compile(r"[\s\-–—+•*∙●▪➢✓]*(?:(?:[ĐD]i[ềeé]u\s+\d{1,3}[a-z]?|[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ](?:\.\d{1,2})?)\s*[.):]\s*|\d{1,2},\s+(?=[A-ZĐ]))?[\s\-–—+•*]*")
# "Bước 2:", "Giai đoạn 1:", "Đợt 3:" — and "Bước" as OCR without Vietnamese leaves it ("Buéc", "Buc")
_STEP = re.compile(r"(?:bu[a-z]{0,2}c|giai doan|dot)\s+(?:\d{1,2}|[a-z]{1,5})\s*:\s*")
_HONORIFIC = re.compile(r"(?:d/c|dong chi|ong|ba)\s+")
_SUPPORT = re.compile(r"(?<![0-9a-z])(?:ph(?:[o0][a-z0-9]{0,2}i|i)\s+h[o0]p(?!\s+phap)(?:\s+(?:ch[a-z]t\s+che\s+)?(?:v[o0][a-z0-9]{0,2}i|cung))?|k[e3]t\s+h[o0]p\s+v[o0]i|c[u]ng\s+v[o0]i)\s+")
_LEAD_VERB = re.compile(r"\s*(?:,\s*)?(?:chu tri|la (?:don vi )?dau moi|lam dau moi|la co quan (?:chu tri|dau moi|thuong truc))\b")
_PAST = re.compile(r"(?:^|\s)(?:da|vua qua|thoi gian qua|trong thoi gian qua|nhung nam qua|trong nhung nam qua)(?:\s|$)")
_CLOSING = re.compile(r"(?:thong bao|sao gui|gui)\s+(?:de|cho|den)\b[^.]{0,120}\bbiet\b")
_NORMATIVE = re.compile(r"(?:thuc hien|ap dung|xu ly|giai quyet|lam viec|hoat dong)\s+(?:theo|nhu)\s+"
                        r"(?:nguyen tac|quy che|(?:dung\s+)?(?:cac\s+)?(?:quy dinh|huong dan|khoan|diem|dieu|luat|nghi dinh|thong tu))"
                        r"|(?:duoc\s+)?ap dung\b|theo quy dinh tai\b")
_LEAD_IN_END = re.compile(r":\s*$")
_STAFF = re.compile(r"(?:cac\s+)?(?:can bo|cong chuc|vien chuc|nguoi|nhan vien|giang vien)\b")


@dataclass(frozen=True)
class Explicit:
    lead: tuple[Phrase, ...]
    support: tuple[Phrase, ...]
    how: str                 # assign | colon | lead_verb | subject
    at: int                  # where the lead is named


@dataclass
class Clause:
    start: int
    end: int
    body: int                # after list markers and step labels ("Bước 1:")
    main: int                # where the main clause starts
    prefix: str | None       # purpose | condition | topic
    explicit: Explicit | None
    subject: Subject | None
    imperative: bool         # the main clause opens with a directive verb
    predicate: int           # where the main clause's predicate starts
    support: tuple[Phrase, ...] = ()
    marks: set[str] = field(default_factory=set)

    @property
    def names_someone(self) -> bool:
        return self.explicit is not None


def body_start(doc: Doc, start: int, end: int) -> int:
    """Past the list marker, bullets and a step label (`– Bước 1:`)."""
    m = _MARKER.match(doc.text, start, end)
    pos = m.end() if m and m.end() > start else start
    st = _STEP.match(doc.folded, pos, end)
    return st.end() if st else pos


# a year the clause's work is due by or in, set off by a comma
_BY_YEAR = re.compile(r"\s*(?:den\s+(?:het\s+)?|trong\s+|truoc\s+)?nam\s+\d{4}\s*,\s*")


def _main_start(doc: Doc, pos: int, end: int) -> tuple[int, str | None]:
    """Where the main clause starts, past an opening purpose, condition or topic phrase."""
    lex, f = doc.lexicon, doc.folded
    prefix = None
    for _ in range(3):
        year = _BY_YEAR.match(f, pos, end)
        if year:          # "Đến năm 2020, giải quyết ...": the time the work is due, then the work
            prefix, pos = prefix or "topic", year.end()
            continue
        kind = next((k for k in ("purpose", "condition", "topic") if lex.opens(k, f, pos)), None)
        if kind is None:
            break
        cut = _next_main(doc, pos, min(end, pos + 700))
        if cut is None:
            break
        prefix = prefix or kind
        pos = cut
    return pos, prefix


def _next_main(doc: Doc, pos: int, end: int) -> int | None:
    """The first comma (or `thì`) after which a main clause opens: a word handing work on, a body
    with a predicate, else a directive verb."""
    f = doc.folded
    # a comma, or "thì" ending a condition (in lower case: "Thi tuong" is no "thì")
    # a comma inside brackets ("(các huyện Sìn Hồ, Mường Tè, các xã …)") ends no phrase
    cuts = [m.end() if not m.group(1) or doc.text[pos + m.start(1)].islower() else m.start(1)
            for m in re.finditer(r",\s*(thi\s+)?|\s+(?=thi\s)(thi\s+)", f[pos:end])
            if f.count("(", pos, pos + m.start()) <= f.count(")", pos, pos + m.start())]
    verb_cut = None
    for c in cuts:
        at = pos + c
        while at < end and doc.text[at] in " \n":
            at += 1
        if doc.lexicon.assign_re.match(f, at) or subject(doc, at, min(len(f), at + 200)) is not None \
                or _assigns_after_name(doc, at, min(len(f), at + 60)):
            return at
        if verb_cut is None and doc.is_directive_at(at):
            verb_cut = at
    return verb_cut


def _assigns_after_name(doc: Doc, pos: int, end: int) -> bool:
    """`Thi tuong Chinh phat giao Bé Ké hoach ...`: a word handing work on after a few words of no
    verb (a subject OCR left unreadable), a body after it."""
    m = doc.lexicon.assign_re.search(doc.folded, pos, end)
    if not m or any(doc.is_directive_at(i) for i in range(pos, m.start())):
        return False
    return len(doc.folded[pos:m.start()].split()) <= 6 and doc.agency_at(_after_honorific(doc, m.end())) is not None


def _after_honorific(doc: Doc, pos: int) -> int:
    while pos < len(doc.text) and doc.text[pos] in " \n":
        pos += 1
    m = _HONORIFIC.match(doc.folded, pos)
    return m.end() if m else pos


# `bàn giao … cho Công an cấp xã`, `chuyển giao cho …`: a thing handed over, no work handed out
_HANDED_OVER = re.compile(r"(?<![0-9a-z])(?:ban|chuyen)\s+$")


def _assignment(doc: Doc, pos: int, end: int) -> Explicit | None:
    """`Giao / Đề nghị / Yêu cầu / Chỉ đạo X ...`: the bodies named right after the word."""
    lex, f = doc.lexicon, doc.folded
    for m in lex.assign_re.finditer(f, pos, end):
        if _quoted(doc, m.start(), pos) or _HANDED_OVER.search(f, max(pos, m.start() - 8), m.start()):
            continue
        after = _after_honorific(doc, m.end())
        phrases, stop = noun_phrases(doc, after, end)
        if phrases and f.startswith("phan cong", m.start()) and _STAFF.match(f, after):
            continue             # "phân công cán bộ đầu mối": staff assigned, not a body asked
        if phrases:
            return Explicit(tuple(phrases), _support_after(doc, stop, end), "assign", m.start())
    return None


def _quoted(doc: Doc, at: int, start: int) -> bool:
    before = doc.text[start:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _support_after(doc: Doc, pos: int, end: int) -> tuple[Phrase, ...]:
    """`phối hợp với Y, Z` after the lead: the supporting bodies."""
    m = _SUPPORT.search(doc.folded, pos, min(end, pos + 80))
    if not m:
        return ()
    phrases, stop = noun_phrases(doc, m.end(), end)
    paren = re.match(r"\s*\(", doc.text[stop:end])
    if phrases and paren:
        # "các cơ quan liên quan (Sở A, Sở B, Công an tỉnh)": the bodies meant
        inner, _ = noun_phrases(doc, stop + paren.end(), end)
        phrases += inner
    return tuple(phrases)


def _colon_lead(doc: Doc, pos: int, end: int) -> Explicit | None:
    """`Bộ Y tế: Kiểm tra ...`, `Các Bộ: Y tế, Công Thương ...:`: bodies, then a colon."""
    phrases, stop = noun_phrases(doc, pos, end)
    if not phrases or not re.match(r"\s*:", doc.text[stop:stop + 3]):
        return None
    colon = doc.text.index(":", stop)
    return Explicit(tuple(phrases), _support_after(doc, colon, end), "colon", pos)


def _done_before_verb(doc: Doc, c: Clause) -> bool:
    """`Trong năm 2026, các sở đã hoàn thành ...`: `đã` before the clause's first verb. In a
    predicate that opens with its verb, a later `đã` is in a phrase of the object (`tiếp tục xác
    nhận những hồ sơ đã hoàn thiện`)."""
    start = c.predicate if c.subject is not None else c.main
    start += len(doc.folded[start:c.end]) - len(doc.folded[start:c.end].lstrip())
    opening_verb = doc.lexicon.verb_re.match(doc.folded, start)     # not `Cơ chế giám sát … đã thiết lập`
    for m in re.finditer(r"(?<![0-9a-z])da\s+(?=[a-z])", doc.folded[c.main:min(c.end, c.main + 90)]):
        at = c.main + m.start()
        if opening_verb is not None and opening_verb.start() < at:
            return False
        if (doc.plain or doc.text[at:at + 2].lower() == "đã") and doc.lexicon.verb_re.match(doc.folded, c.main + m.end()):
            return True
    return False


@lru_cache(maxsize=16)
def _anywhere(opener: re.Pattern) -> re.Pattern:
    """A clause word list searched anywhere in a clause, not only at its opening: compiled once
    (looking a long pattern up in re's cache at every clause cost more than the search)."""
    return re.compile(opener.pattern.lstrip(r"\s*"))


def _past_opens(folded: str, pred: int, end: int) -> bool:
    """`đã`, `vừa qua` within the predicate's first words; the words are read whole (a window
    cut at a fixed width turned `đăng nhập` into `đa`)."""
    m = _PAST.search(" " + folded[pred:min(end, pred + 40)])
    return m is not None and m.start() <= 12


def _marks(doc: Doc, c: Clause) -> set[str]:
    lex, f = doc.lexicon, doc.folded
    marks: set[str] = set()
    pred = c.predicate
    head = f[pred:min(c.end, pred + 60)]
    opening = f[c.body:min(c.end, c.body + 40)]
    if _past_opens(f, pred, c.end) or _PAST.search(f[c.body:c.main]) or \
            re.match(r"\s*(?:trong\s+)?(?:thoi gian|nhung nam) qua\b", opening) or _done_before_verb(doc, c):
        marks.add("past")
    for name in ("progressive", "future", "copula", "hedges", "reporting"):
        if lex.opens(name, f, pred):
            marks.add(name)
    if lex.opens("passive", f, pred) and not lex.opens("assigned_passive", f, pred):
        marks.add("passive")
    if _obliges(doc, c):
        marks.add("obligation")
    if _NORMATIVE.match(head) or _NORMATIVE.match(f, c.main):
        marks.add("normative")
    if lex.opens("dispositive", f, c.main):
        marks.add("dispositive")
    if _CLOSING.search(f, c.main, c.end):
        marks.add("closing")
    if re.match(r"\s*(?:kinh\s+)?(?:de nghi|yeu cau)\s", f[pred:min(c.end, pred + 20)]):
        marks.add("asks")                # "Bộ LĐTBXH yêu cầu xử lý nghiêm ...": asked of the addressees
    if c.subject is None and not c.imperative and re.search(r"(?<![0-9a-z])(?:duoc|bi)\s", f[c.main:min(c.end, c.main + 70)]):
        marks.add("nominal_passive")     # "Danh sách sinh viên ... được lựa chọn ..."
    if re.match(r"\s*(?:duoc|khong duoc)\s", f[c.main:c.main + 12]):
        marks.add("entitled")            # "Được mời tham dự ...": a right, not a duty
    if _anywhere(lex.clause["completion"]).search(f[c.main:c.end]):
        marks.add("completion")
    if c.subject is not None and lex.agency_verb_re.match(f, c.predicate):
        marks.add("lead_verb")        # "X có trách nhiệm / chủ trì / tổ chức ..."
    if c.subject is not None and doc.is_directive_at(c.predicate):
        marks.add("directive_verb")   # "X vận động hội viên ...", spaCy's directive mark
    return marks


def _obliges(doc: Doc, c: Clause) -> bool:
    """An obligation word (`phải`, `có trách nhiệm` …) as written, outside a case the clause names."""
    f = doc.folded
    return any(doc.spelled(c.main + m.start(), c.main + m.end()) and not _in_case(doc, c.main, c.main + m.start(), c.end)
               for m in _anywhere(doc.lexicon.clause["obligation"]).finditer(f[c.main:c.end]))


_THEN_WORD = re.compile(r"(?<![0-9a-z])thi(?=\s)")


def _then_in(doc: Doc, start: int, end: int) -> re.Match | None:
    """The first `thì` in folded[start:end], as written (no `thị xã`, `thi hành`)."""
    return next((m for m in _THEN_WORD.finditer(doc.folded, start, end) if doc.spelled(m.start(), m.end())), None)


def _in_case(doc: Doc, start: int, pos: int, end: int) -> bool:
    """`…, trường hợp đất trồng cây lâu năm phải chuyển sang đất trồng cây hàng năm thì bồi thường
    …`: an obligation word (at `pos`) between a case's opening and its `thì` says what the case is;
    it puts no duty on anyone."""
    opened = max(_anywhere(doc.lexicon.clause["case"]).finditer(doc.folded, start, pos), key=lambda m: m.start(), default=None)
    return opened is not None and _then_in(doc, opened.end(), pos) is None and _then_in(doc, pos, end) is not None


_STATING = re.compile(r"\s+(?:duoc|bi|la|da|dang|se)\s")


def _verb_then_passive(doc: Doc, pos: int, end: int) -> bool:
    """`Khảo sát được triển khai ...`: the verb opening the clause is its subject, a noun."""
    m = doc.lexicon.verb_re.match(doc.folded, pos)
    return bool(m and _STATING.match(doc.folded, m.end(), end))


def analyse(doc: Doc, start: int, end: int) -> Clause:
    """Everything `classify` and `lead` need to know of text[start:end]. The task finder asks
    again of the same span (a block's first clause, then each clause): the answer is kept with
    the document, and each caller gets a copy of its own to change."""
    memo = doc.derived.setdefault("clause", {})
    c = memo.get((start, end))
    if c is None:
        c = memo[(start, end)] = _analyse(doc, start, end)
    return replace(c, marks=set(c.marks))


def _analyse(doc: Doc, start: int, end: int) -> Clause:
    body = body_start(doc, start, end)
    main, prefix = _main_start(doc, body, end)
    explicit = _colon_lead(doc, main, end) or _assignment(doc, main, end)
    subj = subject(doc, main, end)
    if explicit is None and subj is not None and _LEAD_VERB.match(doc.folded, subj.predicate - 1 if doc.folded[subj.predicate - 1:subj.predicate] == "," else subj.predicate):
        explicit = Explicit(subj.phrases, _support_after(doc, subj.predicate, end), "lead_verb", main)
    if explicit is not None and explicit.how == "assign" and explicit.at > (subj.predicate + 40 if subj else main + 12) \
            and not (subj is None and _assigns_after_name(doc, main, explicit.at + 1)):
        explicit = None      # a handing-on deep in the predicate ("... kiểm tra, đề nghị các doanh nghiệp ...")
    predicate = subj.predicate if subj is not None else main
    imperative = subj is None and doc.is_directive_at(main) and not _verb_then_passive(doc, main, end)
    c = Clause(start, end, body, main, prefix, explicit, subj, imperative, predicate)
    if explicit is None:
        c.support = _support_after(doc, predicate, end)
    c.marks = _marks(doc, c)
    return c


def is_lead_in(doc: Doc, start: int, end: int) -> bool:
    """A block that ends with a colon introduces the items under it."""
    return bool(_LEAD_IN_END.search(doc.text[start:end]))
