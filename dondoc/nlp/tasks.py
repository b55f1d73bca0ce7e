"""Tasks: which sentences of the body require an action, of whom, and by when.

The body is walked block by block (see layout). A lead-in ending in ":" opens a scope for the
items under it: its addressee ("đề nghị X ... như sau:"), its agency heading
("1. Sở Tư pháp: Chủ trì, phối hợp ...:"), its deadline ("Từ nay đến năm 2021, phấn đấu ...:"),
and whether its items are directives at all ("có ý kiến như sau:" items are opinions unless
they assign work themselves). Trailing meta lines of an action programme ("- Cơ quan thực hiện:",
"- Thời gian thực hiện:") give the lead and deadline of the items above them.
"""
from __future__ import annotations

import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from .agency import Found, gazetteer
from .deadline import find_deadlines
from .fold import fold
from .layout import blocks, is_heading, sentences
from .record import Deadline, Task
from .table import find_line_tables, pipe_row_task, row_task
from .textprep import collapse


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = json.loads(resources.files("dondoc.nlp").joinpath("data", "directives.json").read_text(encoding="utf-8"))
    data["not_task_re"] = re.compile(r"^(?:" + "|".join(sorted(data["not_task_openers"], key=len, reverse=True)) + r")\b")
    titles = "|".join(sorted((re.escape(fold(t).replace("/", " ")) for t in gazetteer().titles), key=len, reverse=True))
    data["assign_re"] = re.compile(r"(?:^|[\s,;(])(?:" + "|".join(sorted(map(re.escape, data["assign"]), key=len, reverse=True)) + rf")\s+(?:(?:cac\s+)?(?:{titles})\s+)?$")
    data["agency_verb_re"] = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:" + "|".join(sorted(map(re.escape, data["agency_verbs"]), key=len, reverse=True)) + r")\b")
    data["meta_re"] = re.compile(
        r"^\s*(?:[-–*+•]|\d{1,2}\s*[.)])?\s*(?P<key>" + "|".join(sorted(map(re.escape, data["meta_lead"] + data["meta_support"] + data["meta_time"] + data["meta_other"]), key=len, reverse=True)) + r")\s*:"
    )
    return data


@dataclass
class Scope:
    level: int
    kind: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    directive: bool | None = None       # do items under this scope assign work by themselves?


@dataclass
class _Draft:
    task: Task
    explicit_lead: bool
    group: int


PREAMBLE_ADV = re.compile(r"^(?:de\s|nham\s|trong do\b|qua do\b|dong thoi\b)")


# The agencies of the text being worked on, found in one pass (set by find_tasks).
_FOUND: ContextVar[tuple[str, list[Found]] | None] = ContextVar("dondoc_found_agencies", default=None)


def _agencies_in(text: str, folded: str, start: int, end: int) -> list[Found]:
    """Agencies named in text[start:end]."""
    cur = _FOUND.get()
    if cur is None or cur[0] is not text:
        return [Found(f.start + start, f.end + start, f.canonical, f.kind)
                for f in gazetteer().find(text[start:end], folded[start:end])]
    return [f for f in cur[1] if start <= f.start and f.end <= end]


def _dedupe(names):
    out = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out


def _split_lead_support(text: str, folded: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """`X chủ trì, phối hợp với Y, Z` -> ([X], [Y, Z])."""
    found = _agencies_in(text, folded, start, end)
    if not found:
        return [], []
    # "phối hợp (với)" also as OCR without Vietnamese leaves it ("phi\nhop véi"), not "phi hợp pháp"
    m = re.search(r"ph(?:[o0][a-z0-9]{0,2}i|i)\s+h[o0]p(?!\s+phap)(?:\s+v[o0][a-z0-9]{0,2}i)?|k[e3]t\s+h[o0]p\s+v[o0]i|c[u]ng\s+v[o0]i",
                  folded[start:end])
    if m:
        cut = start + m.start()
        lead = [f.canonical for f in found if f.start < cut]
        support = [f.canonical for f in found if f.start >= cut]
        if lead:
            return _dedupe(lead), _dedupe(support)
        return [], _dedupe(support)
    return _dedupe([f.canonical for f in found]), []


def _listed_with(found: list[Found], i: int, folded: str) -> list[Found]:
    """found[i] and the agencies listed right after it ("X, Y và Z")."""
    group = [found[i]]
    for g in found[i + 1:]:
        if re.fullmatch(r"\s*(?:,|;|va|và|\s)\s*", folded[group[-1].end:g.start]):
            group.append(g)
        else:
            break
    return group


def explicit_lead(text: str, folded: str, start: int, end: int) -> tuple[list[str], list[str], bool]:
    """Who a sentence names as doing the work, if anyone: ([lead], [support], is_directive).

    Patterns: `Giao/Đề nghị/Yêu cầu/Chỉ đạo X ...`, `X: Chủ trì ...`, `X chủ trì, phối hợp với Y`,
    `X <directive verb> ...` at the start of the sentence.
    """
    lex = lexicon()
    found = _agencies_in(text, folded, start, end)
    if not found:
        return [], [], False
    lead: list[str] = []
    support: list[str] = []
    directive = False
    for i, f in enumerate(found):
        before = folded[max(start, f.start - 40):f.start]
        after = folded[f.end:min(end, f.end + 40)]
        if lex["assign_re"].search(before):
            # "Giao X, Y ..." names every agency listed right after the verb
            group = _listed_with(found, i, folded)
            lead.extend(g.canonical for g in group)
            directive = True
            tail_start = group[-1].end
            ls, sup = _split_lead_support(text, folded, tail_start, end)
            support.extend(sup)
            break
        at_start = re.fullmatch(r"[\s\-–+•*\d.)]*(?:(?:de nghi|giao|rieng)\s+)?"
                                r"(?:(?:can cu|doi voi|rieng|trong|hang nam|hang quy|ngoai ra|tren co so|ve)\b[^;:]{0,200}?,\s*(?:(?:se|thi)\s+)?(?:do\s+)?)?",
                                folded[start:f.start]) is not None
        if at_start and re.match(r"\s*(?:kinh\s+)?(?:de nghi|yeu cau|huong dan|thong bao|co y kien|giao)\b", folded[f.end:f.end + 30]):
            directive = True   # the issuer speaking: the work falls to whom it asks
            continue
        if at_start:
            group = _listed_with(found, i, folded)
            after = folded[group[-1].end:min(end, group[-1].end + 40)]
            if re.match(r"\s*:", after) or lex["agency_verb_re"].match(after):
                lead.extend(g.canonical for g in group)
                directive = True
                ls, sup = _split_lead_support(text, folded, group[-1].end, end)
                support.extend(sup)
                break
    return _dedupe(lead), [s for s in _dedupe(support) if s not in lead], directive


def _is_meta(folded_line: str) -> str | None:
    m = lexicon()["meta_re"].match(folded_line)
    if not m:
        return None
    key = m.group("key")
    lex = lexicon()
    if key in lex["meta_lead"]:
        return "lead"
    if key in lex["meta_support"]:
        return "support"
    if key in lex["meta_time"]:
        return "time"
    if key == "ten nhiem vu":
        return None
    return "other"


def _section_mode(folded_title: str) -> str | None:
    """What a section title says its items are: tasks, or not ("II. HỒ SƠ"); the title without
    its number (the block knows where its marker ends)."""
    lex = lexicon()
    t = folded_title.strip()
    for w in lex["section_task"]:
        if t.startswith(w):
            return "task"
    for w in lex["section_skip"]:
        if t.startswith(w):
            return "skip"
    return None


_LEAD_IN_DIRECTIVE = re.compile(
    r"\b(?:de nghi|yeu cau|giao|chi dao|phan dau|can|phai|chu tri)\b"
    r"|\b(?:thuc hien|trien khai|h[u][a-z0-9]{0,2}ng dan(?: thuc hien)?)\s+(?:\S+\s+){0,8}?(?:noi dung|nhiem vu|giai phap|cong tac|chuong trinh|ke hoach)"
    r"|\b(?:noi dung|nhiem vu|giai phap|hoat dong)\b[^:]{0,40}\b(?:sau|nhu sau)\b"
)


def _lead_in_is_directive(folded_text: str) -> bool:
    return bool(_LEAD_IN_DIRECTIVE.search(folded_text))


_LEADING = re.compile(r"[\s\-–+•*\d.)(\"“:]*")


class DirectiveIndex:
    """Where directive verbs begin in a text, as spaCy's Matcher marks them (spacy_rules)."""

    def __init__(self, text: str):
        from .spacy_rules import directive_offsets
        self.text = text
        self.offsets = directive_offsets(text)

    def opens(self, start: int, end: int) -> bool:
        m = _LEADING.match(self.text, start, end)
        return (m.end() if m else start) in self.offsets


def _not_task(folded_sentence: str) -> bool:
    s = re.sub(r"^[\s\-–+•*\d.)(\"“]+", "", folded_sentence)
    if lexicon()["not_task_re"].match(s):
        return True
    if re.search(r"^can cu (?:vao )?(?:luat|nghi|quyet|chi thi|thong tu|cong van|ke hoach|chuong trinh|bao cao|to trinh|khoan|dieu \d|van ban|y kien|de nghi|hien phap|thong bao)", s):
        return True
    if re.search(r"chiu trach nhiem thi hanh|co hieu luc (thi hanh )?(ke )?tu ngay|bo phan khong the tach roi|\bde\s.{0,90}\bbiet,?\s*(?:va\s+)?(?:thuc\s+hien|chi\s+dao|phoi\s+hop)?\W*$", s):
        return True
    return False


_ASSIGN_SPLIT = re.compile(r";\s+(?=(?:chi dao|giao|de nghi|yeu cau)\s)")
_EXHORTATION = re.compile(r"(?:trien khai|thuc hien|to chuc thuc hien)[^.]{0,40}(?:cac |những )?(?:noi dung|cong van|van ban|chi thi|ke hoach|quyet dinh|chuong trinh)\s+(?:tren|nay)\b")


def split_clauses(folded: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sentence that hands work to a second body after a semicolon is two tasks."""
    out = []
    for s, e in spans:
        cut = s
        for m in _ASSIGN_SPLIT.finditer(folded, s, e):
            out.append((cut, m.start() + 1))
            cut = m.end()
        out.append((cut, e))
    return out


def find_tasks(text: str, folded: str, body_start: int, body_end: int, default_lead: list[str],
               issued: date | None, year: int | None, skip_spans: list[tuple[int, int]] = (),
               directives: DirectiveIndex | None = None, agencies: list[Found] | None = None) -> list[Task]:
    """Tasks in text[body_start:body_end]. `skip_spans` are regions (signature, distribution
    list) that are never tasks."""
    lex = lexicon()
    directives = directives or DirectiveIndex(text)
    from .abbrev import agencies_of
    token = _FOUND.set((text, agencies if agencies is not None else agencies_of(text, folded)))
    try:
        return _find_tasks(text, folded, body_start, body_end, default_lead, issued, year, skip_spans, directives, lex)
    finally:
        _FOUND.reset(token)


def _find_tasks(text, folded, body_start, body_end, default_lead, issued, year, skip_spans, directives, lex) -> list[Task]:
    scopes: list[Scope] = [Scope(0, "doc", list(default_lead), [], [], None)]
    section_mode: str | None = None
    drafts: list[_Draft] = []
    group = 0
    pending_meta = False
    seen_directive = False
    tables = find_line_tables(text, body_start, body_end)
    table_spans = [(ts, te) for ts, te, _ in tables]
    for _, _, rows in tables:
        for row in rows:
            t = row_task(text, folded, row, issued, year)
            if t is not None:
                if not t.lead:
                    t.lead = list(default_lead)
                drafts.append(_Draft(t, True, -1))
    bl = blocks(text, body_start, body_end)
    for b in bl:
        if any(s <= b.start < e for s, e in list(skip_spans) + table_spans):
            continue
        btext = text[b.start:b.end]
        bfold = folded[b.start:b.end]
        content_start = b.body_start(text)
        cfold = folded[content_start:b.end].strip()
        if not cfold:
            continue
        # -- meta lines of an action programme: lead / time for the items above -----------------
        meta = _is_meta(bfold)
        if meta:
            colon = folded.index(":", b.start) + 1
            targets = [d for d in drafts if d.group == group]
            if meta == "lead" or meta == "support":
                lead, support = _split_lead_support(text, folded, colon, b.end)
                if meta == "support":
                    lead, support = [], lead + support
                for d in targets:
                    if lead and not d.explicit_lead:
                        d.task.lead = lead
                    if support and not d.task.support:
                        d.task.support = support
            elif meta == "time":
                dls = find_deadlines(text[colon:b.end], folded[colon:b.end], issued, year)
                for dl in dls:
                    dl.span = (dl.span[0] + colon, dl.span[1] + colon)
                for d in targets:
                    if not d.task.deadlines:
                        d.task.deadlines = [Deadline(x.date, x.source, x.kind, x.rule, x.span) for x in dls]
            pending_meta = True
            continue
        if pending_meta:
            group += 1
            pending_meta = False
        # -- headings and scopes ---------------------------------------------------------------
        level = b.level if b.kind in ("num", "alpha") else (0 if b.kind in ("roman", "article") else 99)
        if b.kind in ("roman", "article") or (b.kind == "plain" and is_heading(btext) and len(btext) < 160):
            mode = _section_mode(folded[content_start:b.end])
            if b.kind == "article" and mode is None:
                mode = "task" if re.search(r"to chuc thuc hien|trach nhiem", bfold) else None
            section_mode = mode
            scopes = [scopes[0]]
            group += 1
            if is_heading(btext) or b.kind == "article" and len(cfold) < 60:
                continue
        if b.kind in ("num", "alpha"):
            while len(scopes) > 1 and scopes[-1].level >= level:
                scopes.pop()
        elif b.kind == "plain":
            # an unnumbered paragraph closes bullet scopes but stays under its numbered item
            while len(scopes) > 1 and scopes[-1].kind == "bullet":
                scopes.pop()
        parent = scopes[-1]
        if section_mode == "skip":
            continue
        # -- a lead-in ending with ":" opens a scope --------------------------------------------
        is_lead_in = bool(re.search(r":\s*$", btext.strip())) and not _is_meta(bfold)
        lead, support, is_dir = explicit_lead(text, folded, content_start, b.end)
        if is_lead_in:
            dls = find_deadlines(text[content_start:b.end], folded[content_start:b.end], issued, year)
            lvl = {"bullet": 100, "plain": 0.5}.get(b.kind, level)
            if b.kind == "plain":
                while len(scopes) > 1 and scopes[-1].level >= lvl:
                    scopes.pop()
                parent = scopes[-1]
            scope = Scope(lvl, b.kind, lead or list(parent.lead),
                          support or list(parent.support), dls or list(parent.deadlines),
                          is_dir or _lead_in_is_directive(cfold) or (section_mode == "task"))
            if lead and not is_dir and not _lead_in_is_directive(cfold):
                scope.directive = True if re.search(r":\s*chu tri|:\s*$", cfold) else scope.directive
            # "X đề nghị Y ... như sau:" -> the addressee Y leads
            m = re.search(r"(?:de nghi|yeu cau)\s+", cfold)
            if m and lead:
                scope.lead = lead
            colon = folded.find(":", content_start, b.end - 1)
            text_after_colon = folded[colon + 1:b.end].strip() if colon >= 0 else ""
            scopes.append(scope)
            seen_directive = seen_directive or bool(scope.directive)
            if not text_after_colon or len(text_after_colon) < 25 or not directives.opens(colon + 1, b.end):
                sents = sentences(text, content_start, b.end)
                if len(sents) < 2:
                    continue
                emit_until = sents[-2][1]     # "Thành lập Ban ... . Trong đó:" -> the first sentence is a task
            else:
                emit_until = b.end
        else:
            emit_until = b.end
        if not is_lead_in and b.kind in ("num", "alpha"):
            scopes.append(Scope(level, b.kind, lead or list(parent.lead), support or list(parent.support),
                                list(parent.deadlines), parent.directive))
        scope = scopes[-1]
        in_list = b.kind in ("num", "alpha", "bullet", "row") or scope is not scopes[0]
        directive_ctx = bool(scope.directive) or section_mode == "task" or (seen_directive and scope is scopes[0])
        # a numbered title with sub-items under it ("1. Công tác phổ biến ...") is a heading
        if b.kind in ("num", "roman") and not is_dir:
            nxt = next((x for x in bl if x.start > b.start), None)
            closed = bool(re.search(r"[.;:!?”\"]$", btext.strip()))
            if nxt is not None and ((nxt.kind == "bullet" and not closed and len(cfold) < 150)
                                    or (nxt.kind == "num" and nxt.level > b.level and (not closed and len(cfold) < 300 or len(cfold) < 150))):
                continue
        # -- sentences --------------------------------------------------------------------------
        if b.kind == "row":
            t = pipe_row_task(text, folded, b.start, b.end, issued, year)
            if t is not None:
                if not t.lead:
                    t.lead = list(scope.lead) or list(default_lead)
                drafts.append(_Draft(t, True, group))
            continue
        for s, e in split_clauses(folded, sentences(text, content_start, emit_until)):
            sf = folded[s:e]
            body = re.sub(r"^[\s\-–+•*]+", "", sf)
            if len(body.strip()) < 8:
                continue
            slead, ssupport, sdir = explicit_lead(text, folded, s, e)
            if _not_task(sf) and not (sdir and slead):
                continue
            if is_heading(text[s:e]) and len(body) < 120:
                continue
            has_verb = directives.opens(s, e)
            dls = find_deadlines(text[s:e], sf, issued, year)
            for dl in dls:
                dl.span = (dl.span[0] + s, dl.span[1] + s)
            if _EXHORTATION.search(body) and not dls:
                continue   # "... triển khai thực hiện các nội dung trên": a closing, not a new task
            obligation = bool(re.search(r"\bphai\b|\bcan\b|\bcan phai\b", body)) or bool(dls)
            if sdir:
                ok = True
            elif directive_ctx and (has_verb or (in_list and b.kind in ("bullet", "num", "alpha", "row") and not PREAMBLE_ADV.match(body)) or obligation):
                ok = not re.match(r"^(?:ve|doi voi|tai|theo)\b", body) or bool(dls)
            elif has_verb and (seen_directive or in_list) and not PREAMBLE_ADV.match(body):
                ok = True
            elif dls and re.search(r"bao cao|gui|nop|hoan thanh|xong", body):
                ok = True
            else:
                ok = False
            if not ok:
                # a sentence that only runs on from a task ("Ưu tiên ...") stays with it
                if drafts and drafts[-1].task.span[1] >= s - 3 and drafts[-1].group == group and directive_ctx:
                    pass
                continue
            seen_directive = True
            if len(collapse(text[s:e])) < 20 and drafts and drafts[-1].group == group:
                t = drafts[-1].task
                t.span = (t.span[0], e)
                t.text = collapse(text[t.span[0]:e])
                continue
            lead_names = slead or list(scope.lead) or list(default_lead)
            if slead and re.search(r"\bchi dao\s", folded[max(s, 0):s + 30]) and scope.lead:
                lead_names = _dedupe(slead + list(scope.lead))
            task = Task(collapse(text[s:e]), (s, e), lead_names, ssupport or (list(scope.support) if not slead else []),
                        dls or [Deadline(d.date, d.source, d.kind, d.rule, d.span) for d in scope.deadlines])
            drafts.append(_Draft(task, bool(slead) or bool(scope.lead and scope is not scopes[0] and scope.lead != default_lead), group))
    return [d.task for d in sorted(drafts, key=lambda d: d.task.span)]
