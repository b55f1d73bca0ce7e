"""Tasks: which sentences of a document's body require an action, of whom, and by when.

The body is walked block by block (see layout). Each block is a heading, a lead-in (it ends
with a colon) or content. Headings and lead-ins open a scope for the blocks under them (the
`ScopeStack`, by the rank of their list markers): who they put in charge (`1. Sở Y tế`, `Giao
X:`, `Nhiệm vụ của Ban Chỉ đạo:`), what kind of section it is (a plan's `Mục đích` assigns
nothing; `Tổ chức thực hiện` does), whether it asks for the items under it, and a deadline
they share. Content is cut into sentences and clauses; each clause is read (`clauses`), judged
(`classify`) and, when it is a task, given its lead (`lead`) and deadlines (`deadline`). Tables
go through the same lead and deadline rules (`table`). Trailing meta lines of an action
programme (`- Cơ quan thực hiện:`, `- Thời gian thực hiện:`) give the lead and deadline of the
items above them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import lead as leads
from .bodies import noun_phrases, written_name
from .classify import Decision, Setting, classify
from .clauses import Clause, analyse, body_start, is_lead_in
from .deadline import Context, read_deadlines
from .doc import Doc
from .fold import fold_key
from .header import RECITAL_RE
from .layout import ENACTING_RE, PART_LABEL, Block, blocks, is_heading, sentences
from .lead import Defaults, Lead
from .record import Deadline, Task
from .table import find_line_tables, is_column_header, is_descriptive, pipe_header, pipe_row, row_task
from .textprep import collapse

_BULLET_RANK = 10.0
_TERMINAL = re.compile(r"[.;!?…]\s*[\"”)]?\s*$")
_NOTIFY_TO = re.compile(r"th[o0]ng\s+b[a-z0-9]{1,2}o\s+(?:den|toi|cho)\s+")
_OWNED = re.compile(r"(?:nhiem vu|trach nhiem|quyen han|chuc nang)(?:,\s*\w+(?:\s\w+)?)*\s+cua\s+")
_ANNOUNCE = re.compile(r"(?:dong thoi\s+)?(?:(?:khan truong\s+|tiep tuc\s+|quan tam\s+)?(?:chi dao\s+)?(?:trien khai|thuc hien|to chuc thuc hien|chi dao thuc hien)\s+)?"
                       r"(?:mot so|cac|nhung)\s+(?:\S+\s+){1,10}?(?:sau day|sau|nhu sau)\s*:\s*$")
_LEAD_IN_DIRECTIVE = re.compile(
    r"\b(?:de nghi|yeu cau|giao|chi dao|phan dau|can|phai|chu tri|luu y|ket luan)\b"
    r"|\b(?:thuc hien|trien khai|h[u][a-z0-9]{0,2}ng dan(?: thuc hien)?)\s+(?:\S+\s+){0,8}?(?:noi dung|nhiem vu|giai phap|cong tac|chuong trinh|ke hoach|cong viec)"
    r"|\b(?:noi dung|nhiem vu|giai phap|hoat dong|cong viec)\b[^:]{0,40}\b(?:sau|nhu sau)\b")
# "Phương án gồm các nội dung chủ yếu sau:", "Hồ sơ bao gồm các giấy tờ sau:": what a paper someone
# files holds, item by item; its items describe, they ask for nothing
_CONTENTS = re.compile(r"\b(?:phuong an|ho so|bao cao|de an|to trinh|don|van ban de nghi|bien ban|thong bao)\b[^:.;]{0,60}?"
                       r"\b(?:bao gom|gom)(?:\s+co)?\s+(?:cac\s+|nhung\s+)?(?:noi dung|thong tin|tai lieu|giay to)\b[^:]{0,30}:\s*$")
# "1. Nguồn kinh phí của các bộ, cơ quan trung ương:": the sources of the money, item by item
_SOURCES = re.compile(r"\s*nguon (?:kinh phi|von)\b[^:]{0,80}:\s*$")
_MEMBERS = re.compile(r"\bgom(?:\s+co)?(?:\s+cac\s+(?:thanh vien|ong(?:\s*,\s*|\s+)ba|ong|ba|dong chi|co quan|don vi)(?:\s+co\s+ten)?)?(?:\s+sau(?:\s+day)?)?\s*:\s*$|\bthanh phan\b[^:]{0,40}:\s*$")
# a table's group row (`II | …`) and a row that reports its work done
_GROUP_ROW = re.compile(r"\s*[ivxlc]{1,5}\s*\|")
_DONE_WORK = re.compile(r"\bcong viec da thuc hien\b|\bda (?:duoc\s+)?(?:phe duyet|thuc hien xong|hoan thanh)\b")
_GUIDES = re.compile(r"huong dan\b[^:]{0,120}\b(?:nhu sau|sau day|sau)\s*:\s*$")
_OPINION = re.compile(r"co y kien(?! chi dao)\b[^:]{0,40}:\s*$")


# the label of a normative text's chapter or part, above its articles
_PART_RANK = 0.5
_PART_LABEL = re.compile(rf"\s*(?!muc){PART_LABEL}\.?\s*(?:\n|$|[^\n]{{0,200}}$)")     # a chapter, not a section in it


@dataclass
class Scope:
    rank: float
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    mode: str | None = None
    directive: bool | None = None      # None: as the scope above says
    evidence: str = "heading"


class ScopeStack:
    """The headings and lead-ins the current block stands under, by rank."""

    def __init__(self, root: Scope):
        self._stack = [root]

    def close(self, rank: float) -> None:
        while len(self._stack) > 1 and self._stack[-1].rank >= rank:
            self._stack.pop()

    def push(self, scope: Scope) -> None:
        self._stack.append(scope)

    @property
    def top_rank(self) -> float:
        return self._stack[-1].rank

    def _nearest(self, pick):
        return next((pick(s) for s in reversed(self._stack) if pick(s) is not None), None)

    @property
    def lead(self) -> tuple[list[str], list[str], str]:
        s = next((s for s in reversed(self._stack) if s.lead), None)
        return (list(s.lead), list(s.support), s.evidence) if s else ([], [], "heading")

    @property
    def mode(self) -> str | None:
        mode = self._nearest(lambda s: s.mode)
        if mode == "neutral" and any(s.mode == "skip" for s in self._stack):
            return "skip"       # `I. MỤC ĐÍCH, YÊU CẦU` / `2. Yêu cầu`: the part says nothing is asked there
        return mode

    @property
    def directive(self) -> bool:
        return bool(self._nearest(lambda s: s.directive))

    @property
    def deadlines(self) -> list[Deadline]:
        return self._nearest(lambda s: s.deadlines or None) or []


@dataclass
class Part:
    """One document of the file, as its header describes it."""
    start: int                 # where its body starts
    end: int
    ctx: Context
    defaults: Defaults
    genre: str                 # directive | guidance | normative
    is_addressee: Callable[[str], bool]


@dataclass
class _Draft:
    task: Task
    group: int
    explicit: bool


class Walker:
    def __init__(self, doc: Doc, part: Part, skip: list[tuple[int, int]]):
        self.doc, self.part, self.skip = doc, part, skip
        self.scopes = ScopeStack(Scope(0.0))
        self.drafts: list[_Draft] = []
        self.group = 0
        self.meta_pending = False
        self.glyphs: dict[str, float] = {}
        self.pipe_roles: list[str] | None = None
        self.done_group: dict[int, bool] = {}     # a table line's start -> under a group of done work
        self.tables = find_line_tables(doc, part.start, part.end)
        self.tables_done: set[int] = set()
        self.items_below = False
        self.untold: _Draft | None = None     # an item's work whose doer its paragraph may name
        self.meta_list: tuple[str, float, list[str]] | None = None   # role, rank, names listed so far

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> list[Task]:
        bl = blocks(self.doc.text, self.part.start, self.part.end)
        opens: dict[int, int] = {}     # a block's index -> the table its lines run on into
        for i, b in enumerate(bl):
            for t, (ts, _, _) in enumerate(self.tables):
                if b.start < ts < b.end:
                    b.end = ts          # a block runs on into a table's first cells: the table reads them
                    opens[i] = t
        for i, b in enumerate(bl):
            if any(s <= b.start < e for s, e in self.skip):
                continue
            if self._in_table(b) or (i and self._title_goes_on(bl[i - 1], b)):
                continue
            self._block(b, bl[i + 1] if i + 1 < len(bl) else None)
            if i in opens and opens[i] not in self.tables_done:
                # the whole table ran in this block (no blank line before its rows): read it here
                self.tables_done.add(opens[i])
                self._line_table(self.tables[opens[i]][2])
        return [d.task for d in sorted(self.drafts, key=lambda d: d.task.span)]

    def _title_goes_on(self, prev: Block, b: Block) -> bool:
        """`II. NHIỆM VỤ, GIẢI PHÁP … KINH TẾ - XÃ` / `HỘI 5 NĂM 2026 - 2030`: a title in capitals
        wrapped onto a second line, no heading of its own (nor the body `Hội …`)."""
        text = self.doc.text
        title, line = text[prev.start:prev.end], text[b.start:b.end]
        return prev.marker is not None and b.kind == "plain" and len(prev.lines) == 1 and len(b.lines) == 1 \
            and not text[prev.end:b.start].strip() and text.count("\n", prev.end, b.start) == 1 \
            and is_heading(title) and is_heading(line) and len(line.split()) >= 2 \
            and not title.rstrip().endswith((".", ":", ";"))

    def _block(self, b: Block, nxt: Block | None) -> None:
        doc = self.doc
        if self._meta(b) or self._meta_heading(b) or self._meta_value(b):
            return
        if self.meta_pending:
            self.group += 1
            self.meta_pending = False
        if b.kind == "row":
            self._pipe_row(b)
            return
        roles = pipe_header(doc.folded[b.start:b.end]) if "|" in doc.text[b.start:b.end] else None
        if roles is not None:
            self.pipe_roles = roles
            return
        self.pipe_roles = None
        if ENACTING_RE.match(doc.folded, b.start, b.end):
            self.scopes.close(0.0)        # `QUYẾT NGHỊ:` ends the preamble and whatever it opened
            return
        rank = self._rank(b)
        if b.kind != "plain":
            self.untold = None            # a new item: whatever the last one left untold stays so
        self.scopes.close(_BULLET_RANK if b.kind == "plain" and rank != _PART_RANK else rank)
        if is_lead_in(doc, b.start, b.end):
            self._lead_in(b, rank)
        elif self._is_heading(b, nxt, rank):
            self._heading(b, rank)
        else:
            self._content(b, rank)

    def _rank(self, b: Block) -> float:
        if b.kind == "plain" and _PART_LABEL.match(self.doc.folded, b.start, b.end):
            return _PART_RANK   # `Chương III` / `Phần thứ hai` over its articles
        if b.kind == "roman":
            return 1.0
        if b.kind == "article":
            return 2.0
        if b.kind == "num":
            return 2.0 + b.level
        if b.kind == "alpha":
            return 8.0 + (0.5 if "." in (b.marker or "") else 0.0)
        if b.kind == "bullet":
            glyph = {"–": "-", "—": "-"}.get((b.marker or "-")[0], (b.marker or "-")[0])
            return self.glyphs.setdefault(glyph, _BULLET_RANK + len(self.glyphs))
        return min(self.scopes.top_rank, _BULLET_RANK - 0.5) + 0.5

    def _setting(self, b: Block) -> Setting:
        genre_mode = {"guidance": "guidance", "normative": "neutral"}.get(self.part.genre)
        d = self.part.defaults
        return Setting(self.scopes.mode or genre_mode, self.scopes.directive,
                       b.kind in ("num", "alpha", "bullet", "row"), self.part.genre == "normative",
                       d.is_issuer, self.part.is_addressee, self.part.ctx.issued)

    # -- headings -------------------------------------------------------------------------------
    def _is_heading(self, b: Block, nxt: Block | None, rank: float) -> bool:
        self.items_below = nxt is not None and nxt.kind == "bullet"
        cs = body_start(self.doc, b.start, b.end)
        title = self.doc.text[cs:b.end].strip()
        if not title:
            return True
        if is_heading(title) and len(title) < 200:
            return True
        if b.kind == "plain" and RECITAL_RE.match(self.doc.folded, cs, b.end):
            return False            # `Căn cứ Nghị quyết ... của Bộ` cut off by a page break is no title
        if nxt is None:
            return False
        if len(collapse(title)) > 160:
            # an article's title runs long in a normative text (`Điều 4. Danh mục các lĩnh vực … mà
            # người có chức vụ … không được thành lập …` over `1.`, `2.`): no sentence ends it
            return b.kind == "article" and nxt.kind in ("num", "alpha") and not _TERMINAL.search(title) \
                and len(collapse(title)) < 400
        if _TERMINAL.search(title):
            # "2. Công tác tổ chức bộ máy, bố trí nhân lực." over "2.1. ...": a section's title
            return nxt.kind == "num" and b.kind in ("num", "roman") and nxt.level > b.level and len(collapse(title)) < 150
        if b.kind == "article":
            return True
        deeper = nxt.kind == "plain" or nxt.kind == "row" or self._peek_rank(nxt) > rank
        return deeper and b.kind in ("roman", "num", "alpha", "plain", "bullet")

    def _peek_rank(self, b: Block) -> float:
        if b.kind == "bullet":
            glyph = {"–": "-", "—": "-"}.get((b.marker or "-")[0], (b.marker or "-")[0])
            return self.glyphs.get(glyph, _BULLET_RANK + len(self.glyphs))
        return self._rank(b)

    def _heading(self, b: Block, rank: float) -> None:
        doc = self.doc
        cs = body_start(doc, b.start, b.end)
        title_f = doc.folded[cs:b.end]
        mode = doc.lexicon.section_mode(title_f)
        if rank == _PART_RANK and mode != "task":
            mode = None         # a chapter's title spans many articles: only one of duties says what they are
        lead = self._heading_lead(cs, b.end)
        if lead:
            scope = Scope(rank, lead, mode=mode or "task", directive=True)
        else:
            # an article titled by a body names who does what the items below say; whether they
            # are work is for the chapter above and the items themselves to say
            named = b.kind == "article" and self.scopes.mode == "task"
            scope = Scope(rank, self._article_body(cs, b.end) if named else [], mode=mode)
        if b.kind in ("roman", "article") or (b.kind == "plain" and is_heading(doc.text[cs:b.end])):
            self.group += 1
        if not lead and mode is None and doc.opens_with_directive(cs, b.end) and b.kind != "article" and self.items_below \
                and not (self.part.genre == "normative" and self.scopes.mode is None):
            # "1. Rà soát việc ..." over bullets detailing it: a task too; a regulation's own
            # headings ("a) Hỗ trợ gia đình chính sách" over its rates) title the rules below
            self._clauses(b, cs, b.end)
        self.scopes.push(scope)

    def _heading_lead(self, start: int, end: int) -> list[str]:
        """Who a heading puts in charge: the bodies it consists of (`1. Sở Y tế`, `2. Các Sở: Tài
        chính, Nông nghiệp và Môi trường`), or the owner of the duties it announces (`Nhiệm vụ
        của Ban Chỉ đạo`)."""
        doc = self.doc
        f = doc.folded
        if is_column_header(doc.text[start:end]):
            return []           # `Cơ quan / phối hợp`, a table's header read as lines: a column, no body
        owned = _OWNED.match(f, start)
        if owned:
            phrases, _ = noun_phrases(doc, owned.end(), end)
            return [p.name for p in phrases]
        pos = start
        assign = doc.lexicon.assign_re.match(f, pos)
        if assign:
            pos = assign.end()
        phrases, stop = noun_phrases(doc, pos, end)
        if phrases and is_heading(doc.text[start:end]) and all(self.part.defaults.is_issuer(p.name) for p in phrases):
            return []            # the authority's own name over its preamble (`CHÍNH PHỦ`) puts no one in charge
        rest = doc.text[stop:end]
        if phrases and (not re.sub(r"[\s:.,;]+", "", rest) or re.match(r"\s*:", rest)):
            return [p.name for p in phrases]
        # a heading is no sentence: the whole of it names the body ("5.3. Các khoa tham gia khảo sát")
        return self._title_names_one_body(phrases, stop, end, max_words=6)

    def _title_names_one_body(self, phrases, stop: int, end: int, max_words: int) -> list[str]:
        """A title that is one unknown body's name, read whole: `phrases` and `stop` are what
        noun_phrases read of it, at most `max_words` words after them."""
        rest = self.doc.text[stop:end]
        if len(phrases) == 1 and not phrases[0].known and ":" not in rest and len(rest.split()) <= max_words:
            return [written_name(self.doc.text[phrases[0].start:end])]
        return []

    def _article_body(self, start: int, end: int) -> list[str]:
        """`Điều 14. Cơ quan quản lý tạm giữ, tạm giam và cấm đi khỏi nơi cư trú Công an cấp tỉnh`
        over `1. Chỉ đạo …`, in a chapter of duties: an article's title that is one body's long name."""
        phrases, stop = noun_phrases(self.doc, start, end)
        if phrases and phrases[0].kind == "body" and not _TERMINAL.search(self.doc.text[stop:end]):
            return self._title_names_one_body(phrases, stop, end, max_words=20)
        return []

    # -- lead-ins -------------------------------------------------------------------------------
    def _lead_in(self, b: Block, rank: float) -> None:
        doc = self.doc
        cs = body_start(doc, b.start, b.end)
        sents = sentences(doc.text, cs, b.end)
        if len(sents) > 1:
            self._clauses(b, sents[0][0], sents[-2][1])
        ls, le = sents[-1] if sents else (cs, b.end)
        c = analyse(doc, ls, le)
        f = doc.folded[ls:le]
        lead = self._lead_in_lead(c, ls, le)
        mode = self._lead_in_mode(b, c, doc.folded[cs:le], f)
        directive = bool(lead) or mode == "task" or self._asks_for_items(ls, le)
        if self.scopes.mode in ("members", "skip"):
            mode, directive = None, False        # a list inside a members' list is members too
        elif directive and mode is None:
            mode = "task"               # asked for: the items below are work, whatever the letter's kind
        dls = read_deadlines(doc.text[ls:le], f, self.part.ctx)
        for d in dls:
            d.span = (d.span[0] + ls, d.span[1] + ls)
        if c.explicit is not None and c.explicit.how == "assign" and self._asks_more(c, ls, le):
            self._emit_clause(b, c, dls, Decision(True, "lời dẫn tự giao việc", 0.7))
        support = [p.name for p in (c.explicit.support if c.explicit else ())]
        self.scopes.push(Scope(rank, lead, support, dls, mode, directive if mode not in ("members", "guidance", "opinion", "describe") else False))

    def _lead_in_mode(self, b: Block, c: Clause, whole: str, f: str) -> str | None:
        """What a lead-in (`whole`, folded; `f` its last sentence) makes of the items under it."""
        mode = self.doc.lexicon.section_mode(whole) if b.kind != "plain" else None
        if _MEMBERS.search(f):
            return "members"
        if _CONTENTS.search(f) or _SOURCES.match(f):
            return "describe"
        if opinion := _OPINION.search(f):
            return "task" if self._leader_voices(f[:opinion.start()]) else "opinion"
        asks = c.explicit is not None and c.explicit.how == "assign"
        if mode is None and _GUIDES.search(f) and not asks and (self.part.genre == "guidance" or guides_rules(f)):
            return "guidance"           # "Bộ Tài chính hướng dẫn cụ thể một số nội dung như sau:"
        return mode

    def _asks_for_items(self, start: int, end: int) -> bool:
        """The lead-in's words ask for the items below (`đề nghị`, `cần`, `nhiệm vụ … như sau`),
        as written (`làm căn cứ … như sau` asks nothing)."""
        doc = self.doc
        return any(doc.spelled(m.start(), m.end()) for m in _LEAD_IN_DIRECTIVE.finditer(doc.folded, start, end))

    def _lead_in_lead(self, c: Clause, start: int, end: int) -> list[str]:
        doc = self.doc
        d = self.part.defaults
        if c.explicit is not None:
            # "2. Sở Văn hóa ...:" in a programme the Sở signed with another: its own share
            names = [p.name for p in c.explicit.lead if c.explicit.how == "colon" or not d.is_issuer(p.name)]
            if names:
                return leads.resolve(doc, c, [], "heading", [], None, self.part.defaults).names
        notify = _NOTIFY_TO.search(doc.folded, start, end)
        if notify:
            phrases, _ = noun_phrases(doc, notify.end(), end)
            if phrases:
                return [p.name for p in phrases]
        if c.subject is not None and not all(d.is_issuer(n) for n in c.subject.names):
            return c.subject.names
        return self._heading_lead(body_start(doc, start, end), end)

    def _leader_voices(self, before: str) -> bool:
        """`…, Phó Thủ tướng Vũ Văn Ninh có ý kiến như sau:` (`before`: the folded text before `có ý
        kiến`): a leader's opinion, conveyed by the office, directs the work below it; a body's
        opinion (`Bộ X có ý kiến như sau:`) answers."""
        holder = re.split(r"[,;]", before)[-1]
        return bool(self.doc.lexicon.opens("leader_voice", holder))

    def _asks_more(self, c: Clause, start: int, end: int) -> bool:
        """A lead-in that asks for work of its own besides the items under it (`đề nghị X nghiên
        cứu, phối hợp ... triển khai thực hiện, đồng thời thực hiện một số nội dung sau:`)."""
        f = self.doc.folded
        after = c.explicit.lead[-1].end if c.explicit else start
        tail = _ANNOUNCE.search(f, after, end)
        stop = tail.start() if tail else end
        verbs = [m for m in self.doc.lexicon.verb_re.finditer(f, after, stop)]
        return len(f[after:stop].split()) >= 15 and len(verbs) >= 2

    # -- content --------------------------------------------------------------------------------
    def _content(self, b: Block, rank: float) -> None:
        cs = body_start(self.doc, b.start, b.end)
        if b.kind != "plain":
            # "2. Sở Tư pháp: Chủ trì ... . Tăng cường ...": the body named before the colon
            # owns the rest of the item and what stands under it
            first = analyse(self.doc, cs, min(b.end, cs + 300))
            lead: list[str] = []
            if first.explicit is not None and first.explicit.how == "colon" and self.scopes.mode not in ("members", "skip"):
                lead = [p.name for p in first.explicit.lead]
            self.scopes.push(Scope(rank, lead, mode="task" if lead else None, directive=True if lead else None))
        self._clauses(b, cs, b.end)

    def _clauses(self, b: Block, start: int, end: int) -> Clause | None:
        """Judge every clause of text[start:end]; the first clause read."""
        before = len(self.drafts)
        first = self._judge_clauses(b, start, end)
        self._share_period(b)
        self._name_the_doer(b, self.drafts[before:])
        return first

    def _name_the_doer(self, b: Block, new: list[_Draft]) -> None:
        """`2.5. Bước 5: Thẩm định nguồn kinh phí.` over the paragraph `Trên cơ sở …, Sở Tài chính
        thẩm định …`: an item's work stated before its doer is named, by the paragraph under
        it, is that doer's work (not the addressees' by default)."""
        if b.kind != "plain":
            last = new[-1] if new else None
            self.untold = last if last is not None and last.task.evidence in leads.LAST_RESORT else None
            return
        named = next((d.task for d in new if d.task.evidence in ("explicit", "subject")), None)
        opens = self.doc.text[b.start:b.end].lstrip()[:1]
        if self.untold is not None and named is not None and opens.isupper():   # not a line run on
            self.untold.task.lead, self.untold.task.evidence = list(named.lead), named.evidence
        if new:
            self.untold = None

    def _share_period(self, b: Block) -> None:
        """`1. Chỉ đạo Sở A ... ; chỉ đạo UBND cấp huyện ... trong năm 2024.`: the period an item
        ends on (a year, a quarter, a month) bounds the item's other tasks that state no date."""
        mine = [d.task for d in self.drafts if b.start <= d.task.span[0] < b.end]
        if len(mine) < 2 or b.kind == "plain":
            return
        last = max(mine, key=lambda t: t.span)
        period = [d for d in last.deadlines if d.kind == "period_end" and d.date]
        if not period or last.span[1] < b.end - 3:
            return
        for t in mine:
            if t is not last and not t.deadlines:
                t.deadlines = [replace(d) for d in period]

    def _judge_clauses(self, b: Block, start: int, end: int) -> Clause | None:
        doc = self.doc
        first = None
        carried: list[str] | None = None
        for ss, se in sentences(doc.text, start, end):
            for cs, ce in self._split(ss, se):
                c = analyse(doc, cs, ce)
                first = first or c
                dls = read_deadlines(doc.text[c.body:ce], doc.folded[c.body:ce], self.part.ctx)
                for d in dls:
                    d.span = (d.span[0] + c.body, d.span[1] + c.body)
                dec = classify(doc, c, self._setting(b), dls)
                if not dec.task:
                    self._continue_previous(b, c)
                    continue
                lead = self._emit_clause(b, c, dls, dec, carried)
                if lead is not None and lead.evidence in ("explicit", "subject"):
                    carried = lead.names
        return first

    def _split(self, start: int, end: int) -> list[tuple[int, int]]:
        """A sentence hands work to a second body after a semicolon (`A bố trí ...; B vận động
        ...`), or two pieces each carry their own date: separate tasks."""
        doc = self.doc
        cuts = [start + m.end() for m in re.finditer(r";\s+", doc.text[start:end])]
        if not cuts:
            return [(start, end)]
        out, cur = [], start
        bounds = cuts + [end]
        for i, at in enumerate(cuts):
            nxt = bounds[i + 1]
            if _only_names(doc, cur, at):
                continue                  # "Các sở, ban, ngành; UBND các huyện ... chủ động ...": one subject
            own = doc.lexicon.assign_re.match(doc.folded, at) or analyse(doc, at, nxt).subject is not None
            if own or (self._dated(cur, at) and self._dated(at, nxt)):
                out.append((cur, at))
                cur = at
        out.append((cur, end))
        return out

    def _dated(self, start: int, end: int) -> bool:
        return any(d.date for d in read_deadlines(self.doc.text[start:end], self.doc.folded[start:end], self.part.ctx))

    def _continue_previous(self, b: Block, c: Clause) -> None:
        """A short clause that only runs on from the task before it stays with it."""
        doc = self.doc
        if not self.drafts or len(collapse(doc.text[c.start:c.end])) >= 20:
            return
        t = self.drafts[-1].task
        if self.drafts[-1].group == self.group and t.span[1] >= c.start - 3 and t.span[0] >= b.start:
            t.span = (t.span[0], c.end)
            t.text = collapse(doc.text[t.span[0]:c.end])

    def _emit_clause(self, b: Block, c: Clause, dls: list[Deadline], dec: Decision,
                     carried: list[str] | None = None) -> Lead | None:
        doc = self.doc
        if len(collapse(doc.text[c.body:c.end])) < 8:
            return None
        lead_names, support, evidence = self.scopes.lead
        lead = leads.resolve(doc, c, lead_names, evidence, support, carried, self.part.defaults)
        if not dls:
            dls = [replace(d) for d in self.scopes.deadlines]
        task = Task(collapse(doc.text[c.start:c.end]), (c.start, c.end), lead.names,
                    [s for s in lead.support if s not in lead.names], dls,
                    round(dec.confidence * leads.STRENGTH.get(lead.evidence, 0.5), 2), lead.evidence, dec.reason)
        self.drafts.append(_Draft(task, self.group, lead.evidence in ("explicit", "subject", "table")))
        return lead

    # -- tables ---------------------------------------------------------------------------------
    def _in_table(self, b: Block) -> bool:
        for i, (ts, te, rows) in enumerate(self.tables):
            if ts <= b.start < te:
                if i not in self.tables_done:
                    self.tables_done.add(i)
                    self._line_table(rows)
                return True
        return False

    def _line_table(self, rows) -> None:
        lead_names, support, evidence = self.scopes.lead
        for row in rows:
            t = row_task(self.doc, row, self.part.ctx)
            if t is None:
                continue
            self._row_lead(t, lead_names, support, evidence)

    def _pipe_row(self, b: Block) -> None:
        if self.pipe_roles is not None and is_descriptive(self.pipe_roles):
            return
        if _DONE_WORK.search(self.doc.folded, b.start, b.end) or self._under_done_group(b.start):
            return        # `… | Đã được phê duyệt tại …`, rows under `I | Phần công việc đã thực hiện`: done, not owed
        row = pipe_row(self.doc, b.start, b.end, self.pipe_roles, self.part.ctx)
        if row is None:
            return
        lead_names, support, evidence = self.scopes.lead
        self._row_lead(row.task, lead_names, support, evidence)

    def _under_done_group(self, start: int) -> bool:
        """The nearest group row above (`II | …`, the table's lines read upwards) reports its work
        done. Each line's answer is kept, so a table's rows are read once, not once per row below."""
        f, known = self.doc.folded, self.done_group
        walked: list[int] = []
        end, found = start, False
        for _ in range(300):
            if end in known:
                found = known[end]
                break
            walked.append(end)
            line_start = f.rfind("\n", 0, max(0, end - 1)) + 1
            line = f[line_start:end]
            if "|" not in line or line_start >= end:
                break
            if _GROUP_ROW.match(line):
                found = bool(_DONE_WORK.search(line))
                break
            end = line_start
        known.update(dict.fromkeys(walked, found))
        return found

    def _row_lead(self, t: Task, lead_names: list[str], support: list[str], evidence: str) -> None:
        doc = self.doc
        if t.lead:
            t.evidence = "table"
        else:
            c = analyse(doc, t.span[0], t.span[1])
            subj = _row_subject(doc, t)
            if subj:
                t.lead, t.evidence = subj, "subject"
            else:
                lead = leads.resolve(doc, c, lead_names, evidence, support, None, self.part.defaults)
                t.lead, t.evidence = lead.names, lead.evidence
                t.support = t.support or [s for s in lead.support if s not in lead.names]
        t.reason = "dòng bảng phân công"
        t.confidence = round(0.8 * leads.STRENGTH.get(t.evidence, 0.5), 2)
        self.drafts.append(_Draft(t, self.group, True))

    # -- meta lines -----------------------------------------------------------------------------
    def _meta(self, b: Block) -> bool:
        doc = self.doc
        m = doc.lexicon.meta_re.match(doc.folded, b.start, b.end)
        if not m:
            return False
        role = doc.lexicon.meta_keys.get(re.sub(r"\s+", " ", m.group("key")))
        if role is None or m.group("key") == "ten nhiem vu":
            return False
        self.meta_list = None
        colon = doc.folded.index(":", b.start) + 1
        self._give_role(role, colon, b.end)
        self._meta_joins_its_task(b)
        self.meta_pending = True
        return True

    def _meta_joins_its_task(self, b: Block) -> None:
        """`a) Xây dựng hạ tầng …` / `- Đơn vị chủ trì: Bộ Công an.` / `- Thời gian thực hiện: …`: the
        lines that say who and when belong to the item of the one task right above them."""
        group = [d for d in self.drafts if d.group == self.group]
        if len(group) != 1 or b.kind not in ("bullet", "plain"):
            return          # `3. Thời gian thực hiện: …` is an item of its own, after the list of bodies
        t = group[0].task
        if t.span[1] <= b.start and not self.doc.text[t.span[1]:b.start].strip():
            t.text = f"{t.text} {collapse(self.doc.text[b.start:b.end])}"
            t.span = (t.span[0], b.end)

    def _meta_heading(self, b: Block) -> bool:
        """`2. Cơ quan chủ trì, phối hợp` / `a) Cơ quan chủ trì` over items naming bodies: the
        key as a heading, its values as the items under it."""
        doc = self.doc
        if b.kind == "plain":
            return False
        cs = body_start(doc, b.start, b.end)
        m = doc.lexicon.meta_title_re.fullmatch(doc.folded, cs, b.end)
        role = doc.lexicon.meta_keys.get(re.sub(r"\s+", " ", m.group("key"))) if m else None
        if role not in ("lead", "support"):
            return False
        self.meta_list = (role, self._rank(b), [])
        self.meta_pending = True
        return True

    def _meta_value(self, b: Block) -> bool:
        """An item under a key heading: the bodies it names take that role."""
        if self.meta_list is None:
            return False
        role, rank, names = self.meta_list
        if b.kind != "plain" and self._peek_rank(b) <= rank:
            self.meta_list = None           # the next item of the plan: the list has ended
            return False
        doc = self.doc
        cs = body_start(doc, b.start, b.end)
        c = analyse(doc, cs, b.end)
        # "- Các đơn vị thuộc Bộ Quốc phòng; …": bodies, however described, but no work of their own
        names_only = _only_names(doc, cs, b.end) or (
            bool(noun_phrases(doc, cs, b.end)[0]) and c.explicit is None and not c.imperative
            and (c.subject is None or "copula" in c.marks))
        if not names_only:              # a clause of its own: work again, not a value
            self.meta_list = None
            return False
        names += self._give_role(role, cs, b.end, names)
        return True

    def _give_role(self, role: str, start: int, end: int, before: list[str] | None = None) -> list[str]:
        """The bodies (or the time) text[start:end] names take `role` in this group's tasks (with
        `before`, the names an earlier line of the same list gave); the names read."""
        targets = [d for d in self.drafts if d.group == self.group]
        if role in ("lead", "support"):
            return self._give_names(role, start, end, targets, before)
        if role == "time":
            self._give_time(start, end, targets)
        return []

    def _give_names(self, role: str, start: int, end: int, targets: list[_Draft], before: list[str] | None) -> list[str]:
        doc = self.doc
        phrases, _ = noun_phrases(doc, start, end)
        c = analyse(doc, start, end)
        names = [p.name for p in phrases]
        # "X chủ trì, phối hợp với Y; Z": the supporters the clause names, however it names them
        supporters = [p.name for p in (c.support or (c.explicit.support if c.explicit else ()))]
        lead, support = (names[:1] + [n for n in names[1:] if n not in supporters], supporters)
        if role == "support":
            lead, support = [], lead + support
        if role == "lead":
            lead = (before or []) + lead
        else:
            support = (before or []) + support
        for d in targets:
            if lead and not d.explicit:
                d.task.lead, d.task.evidence = lead, "heading"
            if support and (before is not None or not d.task.support):
                d.task.support = [s for s in support if s not in d.task.lead]
        return names

    def _give_time(self, start: int, end: int, targets: list[_Draft]) -> None:
        doc = self.doc
        dls = read_deadlines(doc.text[start:end], doc.folded[start:end], self.part.ctx, time_cell=True)
        for dl in dls:
            dl.span = (dl.span[0] + start, dl.span[1] + start)
        for d in targets:
            if dls and not _own_dates(d.task):
                d.task.deadlines = [replace(x) for x in dls]


def _own_dates(t: Task) -> bool:
    """The task states a date of its own (not one its heading or scope gave it)."""
    return any(t.span[0] <= d.span[0] < t.span[1] for d in t.deadlines if d.date)


def _only_names(doc: Doc, start: int, end: int) -> bool:
    """text[start:end] names bodies and nothing else (a list running on past a semicolon)."""
    pos = body_start(doc, start, end)
    phrases, stop = noun_phrases(doc, pos, end)
    return bool(phrases) and not re.sub(r"[\s;,.]+", "", doc.text[stop:end])


_RULE_WORDS = re.compile(r"\b(?:quy dinh|luat|dieu \d+|nghi dinh|thong tu|che do|thu tuc)\b")
_WORK_WORDS = re.compile(r"\b(?:nhiem vu|cong tac|ke hoach|trien khai|to chuc)\b")


def guides_rules(folded: str) -> bool:
    """`hướng dẫn ... quy định tại Điều 22 như sau:` guides rules; `hướng dẫn thực hiện trọng tâm
    công tác trẻ em như sau:` guides work."""
    return bool(_RULE_WORDS.search(folded)) and not _WORK_WORDS.search(folded)


def _row_subject(doc: Doc, t: Task) -> list[str]:
    """A row's work cell that names who does it (`Khoa HTTT thông báo phòng bảo vệ ...`)."""
    pos = t.span[0]
    for cell in doc.text[t.span[0]:t.span[1]].split("|"):     # the cells as written, wrapped or not
        at = pos + len(cell) - len(cell.lstrip())
        pos += len(cell) + 1
        if not cell.strip():
            continue
        c = analyse(doc, at, at + len(cell.strip()))
        if c.subject is not None:
            return c.subject.names
    return []


def find_tasks(doc: Doc, part: Part, skip: list[tuple[int, int]]) -> list[Task]:
    """Tasks of one document's body; `skip` holds regions (signature, distribution list) that
    are never tasks."""
    return Walker(doc, part, skip).run()


def addressee_test(defaults: Defaults):
    """Whether a name is one of the document's addressees (or the name it gave them)."""
    keys = [set(fold_key(r).split()) for r in defaults.recipients + defaults.executors]

    def test(name: str) -> bool:
        words = set(fold_key(name).split()) - {"cac"}
        return defaults.is_addressee_word(name) or any(words and words <= k for k in keys)
    return test
