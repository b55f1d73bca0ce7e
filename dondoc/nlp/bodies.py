"""Bodies named in a clause, known to the gazetteer or not, and the subject of a clause.

A body the gazetteer does not know is recognised by the head noun its name opens with (`Phòng`,
`Ban`, `Tổ`, `Trung tâm`, `Khoa`, `Công ty` ...; see the lexicon's `bodies`): the name runs on
over the words after the head until punctuation, a preposition, the next body or a verb that
starts the predicate (a lower-case one: a name's own words are capitalised, `Trung tâm Quản lý
chất lượng`, except the one right after the head, `Ban quản lý cơ sở`). People by office or
standing (`Giám thị`, `Sinh viên`, `Chủ đầu tư`) and collectives (`Các địa phương`) are read the
same way.

The subject of a clause is the list of such phrases it opens with, when a predicate follows
(`Phòng Công tác Sinh viên phối hợp với ...`, `UBND các phường, xã có trách nhiệm ...`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .doc import Doc
from .fold import fold, initials

_WORD = re.compile(r"[^\W_]+(?:[&@][^\W_]+)*|&", re.UNICODE)
# words that end a name (prepositions, conjunctions), as written: in text with diacritics `đỏ` of
# `Hội Chữ thập đỏ` is no `do`
_STOP_WRITTEN = {"và", "với", "cho", "để", "về", "tại", "theo", "trong", "từ", "đến", "cùng", "hoặc", "như",
                 "thì", "mà", "nếu", "khi", "sau", "trước", "trên", "dưới", "bằng", "bởi", "do", "ở"}
_STOP_WORDS = {"va", "voi", "cho", "de", "ve", "tai", "theo", "trong", "tu", "den", "cung", "hoac", "nhu",
               "thi", "ma", "neu", "khi", "sau", "truoc", "tren", "duoi", "bang", "boi", "do", "o"}
_PLURAL = re.compile(r"(?:cac|nhung|moi|tung)\s+")
_OF = re.compile(r"(?:cua|thuoc|truc thuoc)\s+")
_OTHER = re.compile(r"\s+khac\b")
_ALL_LEVELS = re.compile(r"\s+cac cap\b")
# heads whose next word belongs to the name even when it is a verb ("Ban quản lý", "Tổ công tác")
_FREE_AFTER = {"ban", "to", "phong", "hoi", "doi", "tram", "quy", "vien"}
_MAX_WORDS = 14
_ADVERBIAL = re.compile(r"\s*,?\s*(?:theo|trong pham vi|can cu|tren co so|trong qua trinh|tai)\s")
_COMMA = re.compile(r",\s*")
# where a body stands, as part of what it is: "Các bộ ở Trung ương", "Ủy ban nhân dân cấp tỉnh ở
# địa phương", "cơ quan thuế ở cơ sở"
_LOCATIVE = re.compile(r"[ \t\n]+o[ \t\n]+(?:trung[ \t\n]+uong|dia[ \t\n]+phuong|co[ \t\n]+so|cac[ \t\n]+cap|nuoc[ \t\n]+ngoai|trong[ \t\n]+nuoc)(?![0-9a-z])")
# how often or how soon, between a subject and its verb, with no comma
_WHEN = re.compile(r"\s*(?:hang|dinh ky)(?:\s+(?:6|sau)\s+thang|\s+(?:nam|quy|thang|tuan|ngay))?\s+|\s*(?:thuong xuyen|kip thoi|khan truong)\s+")
_SENTENCE_MARK = re.compile(r"[;:.]")
_ASIDE_CHARS = 120


@dataclass(frozen=True)
class Phrase:
    name: str           # canonical (known) or as written, in running-text case (unknown)
    start: int
    end: int
    known: bool
    kind: str           # body | role | collective | generic


@dataclass(frozen=True)
class Subject:
    phrases: tuple[Phrase, ...]
    predicate: int      # offset where the predicate starts

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.phrases))


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t\n":
        pos += 1
    return pos


def predicate_at(doc: Doc, pos: int, end: int) -> bool:
    """Whether a predicate (a verb, an obligation, an auxiliary) starts at `pos`. Only a
    lower-case word does in running text: a capitalised one goes on with a name."""
    lex, f = doc.lexicon, doc.folded
    pos = _skip_space(doc.text, pos, end)
    if pos >= end or (doc.text[pos].isupper() and not _all_caps_clause(doc, pos, end)):
        return False
    verb = lex.verb_re.match(f, pos)
    if verb and not (lex.written_as_verb(verb.group(0), doc.text[verb.start():verb.end()])
                     and (not doc.plain or doc.spelled(verb.start(), verb.end()))):
        verb = None         # `nhân` of `cá nhân`; without marks, `ca nhan` holds no `nhận` either
    return bool(verb or lex.agency_verb_re.match(f, pos)
                or any(lex.opens(k, f, pos) for k in ("obligation", "past", "progressive", "future", "passive", "copula", "hedges")))


def _all_caps_clause(doc: Doc, pos: int, end: int) -> bool:
    letters = [c for c in doc.text[pos:min(end, pos + 40)] if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _memo(doc: Doc, name: str) -> dict:
    """A stage's answers for this document, by the arguments asked: the task finder asks the same
    span again and again (a clause's subject, then its lead, then its support), and a `Doc` does
    not change once built."""
    memo = doc.derived.get(name)
    if memo is None:
        memo = doc.derived[name] = {}
    return memo


def noun_phrase(doc: Doc, pos: int, end: int) -> Phrase | None:
    """The body, role or collective named at `pos`, if any."""
    memo = _memo(doc, "noun_phrase")
    key = (pos, end)
    if key not in memo:
        memo[key] = _noun_phrase(doc, pos, end)
    return memo[key]


def _noun_phrase(doc: Doc, pos: int, end: int) -> Phrase | None:
    pos = _skip_space(doc.text, pos, end)
    plural = _PLURAL.match(doc.folded, pos)
    head_at = plural.end() if plural else pos
    known = _known_at(doc, pos, head_at, end)
    if known is not None:
        return known
    if doc.lexicon.not_head_re.match(doc.folded, head_at):
        return None      # "các cơ sở dữ liệu", "hội nghị": things, not bodies
    head = _head_at(doc, head_at, plural is not None)
    if head is None:
        return None
    m, kind = head
    if kind == "role":
        owner = doc.agency_at(m.end())
        if owner is not None and owner.end <= end:
            # "Chủ tịch UBND các tỉnh ...", "Thủ trưởng các cơ quan ...": the body owes the work
            return Phrase(owner.canonical, pos, owner.end, True, "body")
    stop = _name_end(doc, m.end(), end, first_free=(kind == "body" and m.group(0) in _FREE_AFTER),
                     prose_name=(kind == "body"))
    written = doc.text[pos:stop]
    expanded = _by_initials(doc, doc.folded[head_at:m.end()], doc.text[m.end():stop].strip()) if kind == "body" else None
    if expanded:
        return Phrase(expanded, pos, stop, False, kind)
    return Phrase(written_name(written), pos, stop, False, kind)


def _known_at(doc: Doc, pos: int, head_at: int, end: int) -> Phrase | None:
    """A body the gazetteer knows at `pos`, or after the plural word that opens it."""
    known = doc.agency_at(pos)
    if known is not None and known.end <= end:
        levels = _ALL_LEVELS.match(doc.folded, known.end, end)
        if levels:      # "Hội đồng nhân dân các cấp": the body at every level of government
            return Phrase(f"{known.canonical} các cấp", known.start, levels.end(), True, "body")
        return Phrase(known.canonical, known.start, known.end, True, "body")
    if head_at > pos:
        known = doc.agency_at(head_at)
        if known is not None and known.end <= end:
            return Phrase(known.canonical, pos, known.end, True, "body")
    return None


def _head_at(doc: Doc, head_at: int, plural: bool) -> tuple[re.Match[str], str] | None:
    """The head noun (body), office (role) or, after a plural word, collective a name opens with."""
    f, lex = doc.folded, doc.lexicon
    m: re.Match[str] | None = None
    kind = "collective"
    for head_kind, pattern in (("body", lex.head_re), ("role", lex.role_re)):
        m = pattern.match(f, head_at)
        if m and lex.written_as_head(doc.text[m.start():m.end()], doc.plain) and doc.spelled(m.start(), m.end()):
            kind = head_kind
            break
        m = None
    if m is None:
        m = lex.agent_re.match(f, head_at) if plural else None
        if m is None:
            return None          # "Từng thời gian ...": no one who can act
    if kind == "body" and not plural and not doc.text[head_at].isupper():
        return None      # "ban hành", "phòng chống": a verb, not a body's name in running text
    if _opens_otherwise(doc, head_at, m.end()):
        # "Tổ chức trực ban ...", "Trường hợp ...": a verb or an opener, not a head; after a
        # plural word it may still name a collective ("các tổ chức đại diện ...")
        agent = lex.agent_re.match(f, head_at) if plural else None
        if agent is None or _opens_otherwise(doc, head_at, agent.end()):
            return None
        return agent, "collective"
    return m, kind


_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ&.]{1,9}")


def _by_initials(doc: Doc, head: str, rest: str) -> str | None:
    """`Trung tâm QLCL`, `Khoa HTTT`: the body of the same head whose name's initials these are,
    as the document writes it in full elsewhere (`Trung tâm Quản lý chất lượng`)."""
    if not _ACRONYM.fullmatch(rest):
        return None
    index = doc.derived.get("initials")
    if index is None:
        index = doc.derived["initials"] = _initials_index(doc)
    return index.get((head, fold(rest.replace(".", "").replace("&", ""))))


def _initials_index(doc: Doc) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    lex, f = doc.lexicon, doc.folded
    for m in lex.head_re.finditer(f):
        if not doc.text[m.start()].isupper() or not lex.written_as_head(doc.text[m.start():m.end()], doc.plain):
            continue
        stop = _name_end(doc, m.end(), min(len(f), m.end() + 120), first_free=m.group(0) in _FREE_AFTER)
        rest = doc.text[m.end():stop].strip()
        if rest and not _ACRONYM.fullmatch(rest) and len(rest.split()) >= 2:
            out.setdefault((m.group(0), initials(rest)), written_name(doc.text[m.start():stop]))
    return out


def _opens_otherwise(doc: Doc, at: int, head_end: int) -> bool:
    """The head word is the first syllable of a verb or a clause opener (`tổ chức`, `ban hành`,
    `trường hợp`)."""
    lex, f = doc.lexicon, doc.folded
    for m in (lex.verb_re.match(f, at), *(lex.opens(k, f, at) for k in ("condition", "purpose", "topic"))):
        if m is not None and m.end() > head_end:
            return True
    return False


def _name_end(doc: Doc, pos: int, end: int, first_free: bool, prose_name: bool = True) -> int:
    """Where a name that has read up to `pos` ends. A name goes on past a comma when no
    predicate, body or capitalised word follows (`hồ chứa nước thủy lợi, thủy điện`), and over
    `của X` when X is a body (`các Ủy ban khác của Quốc hội`). A body's name goes on in lower
    case after its capitalised first word (`Trung tâm Quản lý chất lượng`); a person's standing
    ends with the proper name inside it (`sinh viên ngành Hệ thống Thông tin`): `prose_name`."""
    text = doc.text
    stop = pos
    words = 0
    capitals_seen = False
    for m in _WORD.finditer(text, pos, end):
        if m.start() < stop:
            continue
        if words:
            loc = doc.gazetteer.locality_at(text, doc.folded, stop, plain=doc.plain)
            if loc is not None and loc[0] <= end and (not doc.plain or doc.spelled(m.start(), m.end())):
                return loc[0]           # "... các huyện, thị xã và thành phố Huế"
        gap = text[stop:m.start()]
        if any(c in gap for c in ";:.()\"“”–") or "\n\n" in gap or ("," in gap and not _runs_on(doc, m.start(), end)):
            break
        if words:
            taken_in = _body_taken_in(doc, m.start(), end, gap)
            if taken_in is not None:
                return taken_in
        if _ends_before(doc, m, stop, end, gap, words, first_free, capitals_seen, prose_name):
            break
        capitals_seen = capitals_seen or not text[m.start()].islower()
        stop = m.end()
        words += 1
    return stop


def _body_taken_in(doc: Doc, at: int, end: int, gap: str) -> int | None:
    """The end of a body the name is named after, which it takes in: its owner after `của`
    (`các Ủy ban khác của Quốc hội`, of a body or of people by standing), a body right after it
    (`Đoàn đại biểu Quốc hội`)."""
    of = _OF.match(doc.folded, at)
    if of:
        owner = doc.agency_at(of.end())
        stop = owner.end if owner is not None else None
        role = doc.lexicon.role_re.match(doc.folded, of.end()) if owner is None else None
        if role is not None:
            stop = role.end()           # "các tổ chức đại diện của người sử dụng lao động"
        if stop is not None and stop <= end:
            other = _OTHER.match(doc.folded, stop, end)     # "... của Quốc hội khác"
            return other.end() if other else stop
    inner = doc.agency_at(at)
    if inner is not None and inner.end <= end and not gap.strip():
        return inner.end
    return None


def _ends_before(doc: Doc, m: re.Match[str], stop: int, end: int, gap: str, words: int,
                 first_free: bool, capitals_seen: bool, prose_name: bool) -> bool:
    """The name ends before word `m`: a body of its own, a stop word, too many words, or a
    lower-case word that starts the predicate; a person's standing (not `prose_name`) ends
    with the proper name read in it."""
    text = doc.text
    lower = text[m.start()].islower()
    w = doc.folded[m.start():m.end()]
    # without marks a stop word may be a syllable of the name (`Hoi dong trong tai`: trọng tài)
    stop_word = w in _STOP_WORDS and (doc.spelled(m.start(), m.end()) if doc.plain
                                      else text[m.start():m.end()].lower() in _STOP_WRITTEN)
    if stop_word and w == "va" and capitals_seen and _joins_capitals(doc, m.end(), end):
        stop_word = False
    if doc.agency_at(m.start()) is not None or (lower and stop_word) or words >= _MAX_WORDS:
        return True
    if not lower:
        return False
    # a lower-case syllable right after a capitalised one is the rest of its word
    # ("Phòng Đào tạo", "Trung tâm Quản lý ..."); elsewhere a verb starts the predicate
    prev = text[_prev_word_start(text, stop):stop]
    if words and not gap.strip() and prev[:1].isupper() and not prev.isupper() and not _verb_phrase_at(doc, m.start()):
        return False
    if not (first_free and words == 0) and predicate_at(doc, m.start(), end):
        return True
    return capitals_seen and not prose_name     # "sinh viên ngành Hệ thống Thông tin | kế hoạch ...": the name ended


def _verb_phrase_at(doc: Doc, pos: int) -> bool:
    """A verb of two syllables or more starts at `pos` (`... Việt Nam tổng hợp kinh phí`): the
    name ended, where one syllable (`Phòng Đào tạo`) goes on with the capitalised word before it."""
    verb = doc.lexicon.verb_re.match(doc.folded, pos)
    return (verb is not None and " " in verb.group(0)
            and doc.lexicon.written_as_verb(verb.group(0), doc.text[verb.start():verb.end()]))


def _joins_capitals(doc: Doc, at: int, end: int) -> bool:
    """`và` inside a body's capitalised name (`Trung tâm Khảo thí và Đánh giá`, `Sở Văn hóa, Thể
    thao và Du lịch`): a capitalised word follows that starts no body of its own. Only where
    the text has its marks: a stripped or OCR text loses the case of too many words."""
    pos = _skip_space(doc.text, at, end)
    if doc.plain or pos >= end or not doc.text[pos].isupper() or doc.text[pos:pos + 2].isupper():
        return False
    lex, f = doc.lexicon, doc.folded
    return (doc.agency_at(pos) is None and not lex.head_re.match(f, pos) and not lex.role_re.match(f, pos)
            and not _PLURAL.match(f, pos))


def _prev_word_start(text: str, stop: int) -> int:
    i = stop
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "&@"):
        i -= 1
    return i


def _runs_on(doc: Doc, pos: int, end: int) -> bool:
    """After a comma inside a name: a lower-case word that is no verb, no body, no head noun."""
    lex = doc.lexicon
    return (doc.text[pos].islower() and not predicate_at(doc, pos, end) and doc.agency_at(pos) is None
            and not _PLURAL.match(doc.folded, pos)
            and not lex.head_re.match(doc.folded, pos) and not lex.role_re.match(doc.folded, pos)
            and not doc.is_directive_at(pos))


_SMALL = {"và", "các", "của", "thuộc", "tỉnh", "huyện", "quận", "xã", "phường"}


def written_name(written: str) -> str:
    """A name as running text writes it: spaces collapsed; one in capitals (a header's) in
    title case, small words and locality words in lower case, abbreviations kept
    (`BAN CHỈ HUY PCTT VÀ TKCN TỈNH THỪA THIÊN HUẾ` -> `Ban Chỉ Huy PCTT và TKCN tỉnh Thừa Thiên Huế`)."""
    name = re.sub(r"\s+", " ", written).strip(" ,;:.-–")
    if name.isupper() and len(name) > 3:
        words = []
        for i, w in enumerate(name.split(" ")):
            low = w.lower()
            if not any(c in "aeiouy" for c in fold(low)):
                words.append(w)                  # an abbreviation: PCTT, TKCN
            elif i and low in _SMALL:
                words.append(low)
            else:
                words.append(low[:1].upper() + low[1:])
        name = " ".join(words)
    return name[:1].upper() + name[1:]


def noun_phrases(doc: Doc, pos: int, end: int) -> tuple[list[Phrase], int]:
    """A list of bodies from `pos` (`A, B và C`): the phrases and the offset after the last.
    A piece after a comma that is no body of its own goes on with the name before it
    (`Ủy ban Tài chính, Ngân sách`). The list is the caller's own (a new one at each call)."""
    memo = _memo(doc, "noun_phrases")
    key = (pos, end)
    if key not in memo:
        phrases, stop = _noun_phrases(doc, pos, end)
        memo[key] = (tuple(phrases), stop)
    phrases_, stop = memo[key]
    return list(phrases_), stop


def _noun_phrases(doc: Doc, pos: int, end: int) -> tuple[list[Phrase], int]:
    out: list[Phrase] = []
    cur = pos
    while cur < end:
        p = noun_phrase(doc, cur, end)
        if p is not None and p.end > end:
            break           # a name running past the caller's bound (a table cell's) is none of its list
        if p is None and out:
            p = _collective_listed(doc, cur, end)
        if p is None:
            if out and _continues_name(doc, cur, end):
                nxt = _name_end(doc, cur, end, first_free=True)
                last = out[-1]
                out[-1] = Phrase(written_name(doc.text[last.start:nxt]) if not last.known else last.name,
                                 last.start, nxt, last.known, last.kind)
                cur = nxt
            else:
                break
        else:
            listed = _listed_after(doc, p, end)
            where = None if listed else _LOCATIVE.match(doc.folded, p.end, end)
            if where:
                p = Phrase(p.name, p.start, where.end(), p.known, p.kind)
            out.extend(listed or [p])
            cur = listed[-1].end if listed else p.end
        sep = re.match(r"[ \t\n]*(?:\([^()\n]{0,80}\))?[ \t\n]*(?:,|;|\bva\b|\bcung\b|&)[ \t\n]*", doc.folded[cur:end])
        if not sep:
            break
        cur += sep.end()
    return out, (out[-1].end if out else pos)


def _collective_listed(doc: Doc, pos: int, end: int) -> Phrase | None:
    """A collective further down a list takes the list's `các` (`các Bộ, ngành, địa phương`,
    `UBND tỉnh và chính quyền địa phương các cấp`): no plural word of its own is needed there."""
    pos = _skip_space(doc.text, pos, end)
    m = doc.lexicon.listed_re.match(doc.folded, pos)
    if m is None or not doc.text[pos].islower() or _opens_otherwise(doc, pos, m.end()):
        return None
    stop = _name_end(doc, m.end(), end, first_free=False, prose_name=True)
    return Phrase(written_name(doc.text[pos:stop]), pos, stop, False, "collective")


def _listed_after(doc: Doc, p: Phrase, end: int) -> list[Phrase]:
    """`Các Bộ: Công an, Tư pháp và Tài chính`: the bodies the kind before the colon lists (the
    gazetteer names each one); none when no list follows."""
    m = re.match(r"\s*:\s*", doc.text[p.end:end])
    if p.known or not m:
        return []
    out: list[Phrase] = []
    pos = p.end + m.end()
    while True:
        f = doc.agency_at(pos)
        if f is None or f.kind != "domain" or f.end > end:
            break
        out.append(Phrase(f.canonical, f.start, f.end, True, "body"))
        sep = re.match(r"\s*(?:,|;|\bva\b)\s*", doc.folded[f.end:end])
        if not sep:
            break
        pos = f.end + sep.end()
    return out


def _continues_name(doc: Doc, pos: int, end: int) -> bool:
    pos = _skip_space(doc.text, pos, end)
    return pos < end and doc.text[pos].isupper() and not predicate_at(doc, pos, end) and not doc.is_directive_at(pos)


def _predicate_or_directive(doc: Doc, pos: int, end: int) -> bool:
    return predicate_at(doc, pos, end) or doc.is_directive_at(_skip_space(doc.text, pos, end))


def _past_aside(doc: Doc, pos: int, end: int) -> int:
    """Past an adverbial between a subject and its predicate (`Các bộ, theo chức năng, nhiệm vụ
    được giao, chủ động rà soát ...`, `X, trong phạm vi nhiệm vụ, quyền hạn của mình, hướng dẫn
    ...`): the aside may hold a list of its own, so it ends at the first of its commas that a
    predicate follows; `pos` itself when none does."""
    when = _WHEN.match(doc.folded, pos, end)
    if when and _predicate_or_directive(doc, when.end(), end):
        return when.end()       # "Kiểm toán nhà nước hằng năm thực hiện ..."
    aside = _ADVERBIAL.match(doc.folded, pos, end)
    if not aside:
        return pos
    stop = min(end, aside.start() + _ASIDE_CHARS)
    sentence_mark = _SENTENCE_MARK.search(doc.folded, aside.end(), stop)
    for comma in _COMMA.finditer(doc.folded, aside.start() + 1, sentence_mark.start() + 1 if sentence_mark else stop):
        if _predicate_or_directive(doc, comma.end(), end):
            return comma.end()
    return pos


def subject(doc: Doc, start: int, end: int) -> Subject | None:
    """The bodies a clause opens with, when a predicate follows them."""
    memo = _memo(doc, "subject")
    key = (start, end)
    if key not in memo:
        memo[key] = _subject(doc, start, end)
    return memo[key]


def _verb_series(doc: Doc, phrases: list[Phrase], after: int, end: int) -> bool:
    """`Thanh tra, kiểm tra, xử lý …`: a head noun that is also a verb, opening a run of verbs,
    is the first of them, not a body."""
    f = doc.folded
    comma = re.match(r"\s*,\s*", f[after:end])
    if len(phrases) != 1 or comma is None:
        return False
    verbs = doc.lexicon.verb_re
    return bool(verbs.fullmatch(f, phrases[0].start, phrases[0].end) and verbs.match(f, after + comma.end()))


def _subject(doc: Doc, start: int, end: int) -> Subject | None:
    phrases, after = noun_phrases(doc, start, end)
    if not phrases or _verb_series(doc, phrases, after, end):
        return None
    pos = after
    paren = re.match(r"[ \t\n]*\([^()\n]{0,80}\)", doc.text[pos:end])
    if paren:
        pos += paren.end()
    if not _predicate_or_directive(doc, pos, end):
        pos = _past_aside(doc, pos, end)
    if not _predicate_or_directive(doc, pos, end):
        return None
    return Subject(tuple(phrases), _skip_space(doc.text, pos, end))
