"""Is a clause a task? A decision with its reason and how sure it is.

The decision reads the clause (`clauses.Clause`) in its setting (`Setting`): the kind of section
it stands in (a plan's `Mục đích` assigns nothing; a guidance letter states rules; a decision's
article enacts), whether the lead-in above asks for the items under it, whether it is a list
item. Rules, strongest first:
  - sections that assign nothing, preambles, the issuer's closing notice, past facts, a
    decision's own act (`Phê chuẩn ...`, `Bãi bỏ cụm từ ...`), the execution clause: no task;
  - in a normative text, a duty on the persons and firms it regulates (`Hộ kinh doanh … thì phải
    …`, `Trường hợp doanh nghiệp … thì doanh nghiệp …`): a rule, no task;
  - a body named to act (`Giao X`, `X: ...`, `X chủ trì`): a task;
  - a body acting as the subject: a task, unless the predicate states (`được`, `là`, `đang`),
    the subject is the issuer (unless it commits itself: `sẽ`), or, in a guidance letter, the
    body is no addressee of the letter (a rule for whoever falls under it);
  - an imperative (a directive verb opening the clause): a task where work is being asked for;
  - an obligation (`phải`, `cần`) or a dated completion (`hoàn thành ... chậm nhất ngày ...`): a
    task outside guidance.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .clauses import Clause, analyse
from .doc import Doc
from .fold import fold
from .header import RECITAL_RE
from .layout import ENACTS_RE
from .record import Deadline

# the execution article of a decision ("... chịu trách nhiệm thi hành Quyết định này"), hard-wrapped or not
EXECUTES = re.compile(r"(?:co|chiu)\s+trach\s+nhiem\s+(?:to\s+chuc\s+)?thi\s+hanh\b")
_EXECUTION = re.compile(EXECUTES.pattern + r"|co\s+hieu\s+luc\s+(?:thi\s+hanh\s+)?(?:ke\s+)?tu|bo\s+phan\s+khong\s+the\s+tach\s+roi|co\s+hieu\s+luc\s+thi\s+hanh")
# "Nếu có khó khăn, vướng mắc, báo cáo về ...": the closing every letter has, no task of its own
_TROUBLE = re.compile(r"(?:trong qua trinh[^.,]{0,40}?,?\s*)?(?:neu|khi|truong hop)\s+co\s+(?:gi\s+|van de\s+|phat sinh\s+)?(?:kho khan|vuong mac|chua ro)")
# an amount per unit (`40 triệu đồng/hộ`, `72.000 đồng/người/ngày`, `Bốn (04) triệu đồng/hộ`): a rate the
# text sets, owed by no one
# (OCR without Vietnamese reads the ồ of đồng as é: "1.110.000 déng/người")
_RATE = re.compile(r"\d[\d.,]*\)?\s*(?:trieu\s+|nghin\s+|ngan\s+|ty\s+)?d[oe]ng\s*/\s*[a-z]")
# what a regulation grants, with its amount: opens with the benefit (`Hỗ trợ bằng tiền …`, `Giảm 90% …`,
# `Mức bồi thường …`) or grants it (`… thì được hỗ trợ …`), and states a sum or a share
_BENEFIT = re.compile(r"\s*(?:muc\s+)?(?:ho tro|boi thuong|thuong|tro cap|giam|mien)\b|.*?(?<![0-9a-z])duoc\s+(?:ho tro|boi thuong|thuong|huong|giam|mien)\b")
_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:\)\s*)?(?:trieu|nghin|ngan|tram ngan|ty)?\s*dong\b|\d+(?:[.,]\d+)?\s*%|\(\d+\)\s*(?:trieu|tram|nghin|ngan|thang|lan|nam)\b")


def _benefit_rate(doc: Doc, c: Clause) -> bool:
    """`Hỗ trợ bằng tiền một lần với mức 3.000.000 đồng cho hộ …`, `Thu hồi trên 70% diện tích … thì
    được hỗ trợ trong thời gian mười hai (12) tháng`: a regulation's benefit and its amount, owed by
    no body named in the clause."""
    f = doc.folded[c.main:c.end]
    return bool(_BENEFIT.match(f) and _AMOUNT.search(f))


_CAN_CU = re.compile(r"can cu (?:vao )?(?:luat|bo luat|phap lenh|nghi|quyet|chi thi|thong tu|cong van|ke hoach|chuong trinh|bao cao|to trinh|khoan|dieu \d|van ban|y kien|de nghi|hien phap|thong bao|quy dinh|quy che|de an|ket luan)")


@dataclass(frozen=True)
class Setting:
    mode: str | None          # skip | describe | guidance | task | neutral | members | opinion | None
    directive: bool           # a lead-in above asks for the items under it
    in_list: bool             # the clause stands in a numbered item or a bullet
    normative: bool           # a decision, resolution or circular (articles enact)
    is_issuer: Callable[[str], bool]      # the issuer's own acts are no tasks
    is_addressee: Callable[[str], bool]
    issued: date | None = None  # the document's date of issue

    @property
    def hands_out_work(self) -> bool:
        """The clause stands where work is being handed out: asked for above, or a task section."""
        return self.directive or self.mode == "task"


@dataclass(frozen=True)
class Decision:
    task: bool
    reason: str
    confidence: float


def _no(reason: str) -> Decision:
    return Decision(False, reason, 0.0)


def _yes(reason: str, confidence: float) -> Decision:
    return Decision(True, reason, confidence)


def _names(c: Clause) -> set[str]:
    return set(c.subject.names) if c.subject else set()


def _acts_after_opener(c: Clause, s: Setting) -> bool:
    """After an opener (`Trên cơ sở đề nghị của …,`, `Thực hiện Công văn số …,`) the main clause
    names a body to do the work: handed it (`giao X`), taking the lead (`X chủ trì`) or, in a
    section that hands out work, acting as the subject."""
    e = c.explicit
    if c.main <= c.body:
        return False
    if e is not None and e.how in ("assign", "lead_verb"):
        return not all(s.is_issuer(p.name) for p in e.lead)
    # where work is being handed out, a body acting as the subject (`Trên cơ sở đề nghị của …, Sở
    # Tài chính thẩm định …`)
    return s.hands_out_work and c.subject is not None \
        and not all(s.is_issuer(n) for n in c.subject.names)


# where the work may follow the basis a clause opens with: a comma (then a body acts), `để` or a
# document's number (then a verb)
_AFTER_BASIS = re.compile(r",\s*|\s+de\s+|\d+/[0-9a-z-]+\s+")


def _basis_then_work(doc: Doc, c: Clause, s: Setting) -> bool:
    """`Căn cứ Kế hoạch này để tổng hợp, bố trí vốn …`, `Căn cứ Quyết định số 22/2013/QĐ-TTg, các
    xã tổ chức …`: in the work a section assigns, a clause may open with its basis and go on to the
    work; a recital names its basis and stops."""
    if not s.hands_out_work:
        return False
    f = doc.folded
    for m in _AFTER_BASIS.finditer(f, c.body, c.end):
        at = m.end()
        if "," in m.group(0):        # `…, Luật sửa đổi, bổ sung …` goes on naming: a body must follow
            if analyse(doc, at, c.end).subject is not None:
                return True
        elif doc.lexicon.verb_re.match(f, at):
            return True
    return False


# a form's field left to fill in (`Email: ……………`, `Họ và tên: ..........`, `Đảm bảo □`)
_BLANK = re.compile(r"(?:[.…]\s?){12,}|[□☐]")
# what opens a normative text's articles, on the line after its enacting formula
_ARTICLES_OPEN = re.compile(r"\s*(?:dieu 1\b|chuong (?:i|1)\b|phan (?:i|1|thu nhat)\b|muc 1\b)")


def _enacts(doc: Doc, c: Clause) -> bool:
    """`Bộ trưởng Bộ Khoa học và Công nghệ ban hành Thông tư quy định …` after the legal bases, or
    just above `Điều 1.`: the text's own enacting formula, wherever a PDF's reading order put its
    header (a ministry's minister is no issuer by name)."""
    f = doc.folded
    if not ENACTS_RE.match(f, c.body, c.end):
        return False
    before = f[:c.body].rstrip()
    prev = before[before.rfind("\n") + 1:]
    return prev.endswith(";") or bool(RECITAL_RE.match(prev)) or bool(_ARTICLES_OPEN.match(f, c.end))


def _barrier(doc: Doc, c: Clause, s: Setting) -> str | None:
    """Why a clause is no task whatever it says, if it is so."""
    f = doc.folded
    opening = f[c.body:c.end]
    if s.mode in ("skip", "members"):
        return "mục này không giao việc"
    if doc.lexicon.not_task_re.match(opening) and not _acts_after_opener(c, s):
        return "câu mở đầu, dẫn chiếu hoặc kết thúc"
    if (_CAN_CU.match(opening) and not _basis_then_work(doc, c, s)) or _EXECUTION.search(f, c.main, c.end):
        return "căn cứ hoặc điều khoản thi hành"
    if _enacts(doc, c):
        return "câu ban hành văn bản, cuối phần căn cứ"
    if _BLANK.search(doc.text, c.main, c.end):
        return "chỗ để trống của biểu mẫu"
    if _TROUBLE.match(opening):
        return "lời dặn khi có vướng mắc"
    if "closing" in c.marks and not (c.explicit and c.explicit.how == "assign"):
        return "câu thông báo kết thúc"
    if "past" in c.marks and "future" not in c.marks:
        return "nêu việc đã làm"
    if "dispositive" in c.marks and s.normative and c.explicit is None:
        return "nội dung quyết định, không phải việc giao"
    return None


def _rule_not_work(doc: Doc, c: Clause, s: Setting, dated: bool) -> str | None:
    """Why a clause that hands work to no one is a rule the text states, if it is one."""
    if c.explicit is not None:
        return None
    if s.normative and not s.directive and _binds_the_regulated(doc, c):
        return "quy định chung cho đối tượng áp dụng, không giao cho cơ quan"
    if c.subject is not None or dated:
        return None
    if _RATE.search(doc.folded, c.main, c.end) or (s.normative and _benefit_rate(doc, c)):
        return "định mức, mức chi hay mức hỗ trợ"
    if _points_to_rules(doc, c):
        return "dẫn chiếu quy định hoặc hướng dẫn đã có"
    if _rule_for_a_case(doc, c, s):
        return "quy định cho một trường hợp, không giao cho cơ quan"
    return None


def classify(doc: Doc, c: Clause, s: Setting, deadlines: list[Deadline]) -> Decision:
    barrier = _barrier(doc, c, s)
    if barrier:
        return _no(barrier)
    dated = any(d.date for d in deadlines)
    rule = _rule_not_work(doc, c, s, dated)
    if rule:
        return _no(rule)
    if c.explicit is not None and not all(s.is_issuer(p.name) for p in c.explicit.lead):
        return _yes("giao việc cho cơ quan được nêu tên", 0.95)
    if c.subject is not None:
        return _subject_decision(c, s, dated)
    if c.imperative:
        return _imperative_decision(c, s, dated)
    return _nominal_decision(doc, c, s, dated, deadlines)


def _binds_the_regulated(doc: Doc, c: Clause) -> bool:
    """`Hộ kinh doanh, cá nhân kinh doanh có doanh thu … thì phải áp dụng hóa đơn điện tử`, `Trường
    hợp doanh nghiệp mới thành lập … thì doanh nghiệp thực hiện kê khai`, `Tổ chức sử dụng đất trưng
    dụng phải phục hồi lại đất`: in a normative text, what the persons and firms it regulates must do
    (`phải`) or do in a case (`Trường hợp … thì`) is a rule for whoever falls under it; no body is
    handed the work. A step of a procedure they follow (`Doanh nghiệp gửi hồ sơ đến …`) is left to
    the rest of the rules."""
    f, reg = doc.folded, doc.lexicon.regulated_re
    if "obligation" not in c.marks and c.prefix != "condition":
        return False
    if c.subject is not None and not all(reg.match(fold(n)) for n in c.subject.names):
        return False
    if reg.match(f, c.main):
        return True
    case = doc.lexicon.opens("condition", f, c.body)
    return c.prefix == "condition" and case is not None and reg.match(f, case.end()) is not None


def _subject_decision(c: Clause, s: Setting, dated: bool) -> Decision:
    names = _names(c)
    if all(s.is_issuer(n) for n in names):
        if "asks" in c.marks:
            return _yes("cơ quan ban hành yêu cầu thực hiện", 0.7)
        return _yes("cơ quan ban hành tự nhận việc", 0.5) if "future" in c.marks else _no("cơ quan ban hành trình bày")
    if c.marks & {"passive", "copula", "progressive", "reporting"}:
        return _no("câu trần thuật")
    if s.mode == "guidance":
        if any(s.is_addressee(n) for n in names):
            return _yes("cơ quan nhận văn bản phải thực hiện", 0.7)
        return _no("quy định chung, không giao cho cơ quan cụ thể")
    if s.mode == "describe" and {"lead_verb", "obligation"} <= c.marks:
        # "2. Bộ trưởng … có trách nhiệm nghiên cứu …" under `Danh mục ngành, nghề …`: a duty put on a body
        return _yes("cơ quan có trách nhiệm thực hiện", 0.7)
    if s.mode in ("describe", "opinion"):
        return _yes("có thời hạn hoàn thành", 0.6) if dated and "completion" in c.marks else _no("mô tả, không giao việc")
    if "hedges" in c.marks and not dated:
        return _no("khuyến khích, không bắt buộc")
    if not (s.directive or s.in_list or s.mode == "task") and not (c.marks & {"obligation", "future", "lead_verb", "directive_verb"} or dated):
        return _no("câu trần thuật ngoài phần giao việc")
    return _yes("cơ quan là chủ ngữ của câu chỉ đạo", 0.85)


def _imperative_decision(c: Clause, s: Setting, dated: bool) -> Decision:
    if s.mode in ("guidance", "describe", "opinion"):
        if dated and "completion" in c.marks:
            return _yes("có thời hạn hoàn thành", 0.6)
        return _no("hướng dẫn, mô tả hoặc ý kiến")
    if "normative" in c.marks and not s.directive and s.mode != "task":
        return _no("dẫn chiếu quy định")
    if "dispositive" in c.marks and s.normative:
        return _no("nội dung quyết định, không phải việc giao")
    if s.directive or s.mode == "task" or s.in_list:
        return _yes("câu mệnh lệnh trong phần giao việc", 0.8 if s.directive else 0.65)
    if dated or "obligation" in c.marks:
        return _yes("câu mệnh lệnh có thời hạn hoặc nghĩa vụ", 0.6)
    return _no("câu mệnh lệnh ngoài phần giao việc")


def _passed(deadlines: list[Deadline], issued: date | None) -> bool:
    """Every date the clause gives was over when the document was issued: a reminder letter
    recounting what an earlier one asked (`Ngày 01/7/2013, Bộ X ban hành Thông tư … các tỉnh lập
    danh sách trước 31/8/2013`), not work it asks for now."""
    dates = [d.date for d in deadlines if d.date]
    return bool(dates) and issued is not None and all(date.fromisoformat(d) < issued for d in dates)


_OBLIGED = re.compile(r"(?<![0-9a-z])phai(?![0-9a-z])")
_THEN = re.compile(r"(?<![0-9a-z])thi\s+")


# `Chế độ báo cáo: thực hiện theo quy định tại Thông tư …`, `Việc thanh toán thực hiện theo hướng dẫn
# của Bộ Tài chính`, `Những nội dung không quy định tại Quyết định này thì thực hiện theo Nghị định số …`:
# what governs a matter is a rule already in force, named; nobody is handed work
_RESPONSIBLE = re.compile(r"(?<![0-9a-z])(?:(?:chiu|co) trach nhiem|co nhiem vu)(?![0-9a-z])")
_POINTS_TO_RULES = re.compile(r"(?:duoc\s+)?thuc hien theo\s+(?:cac\s+)?(?:quy dinh|huong dan|(?:luat|nghi dinh|thong tu|nghi quyet)\s+so)\b")


def _points_to_rules(doc: Doc, c: Clause) -> bool:
    """The clause's one predicate is `thực hiện theo quy định / hướng dẫn …`, after at most a
    topic (a matter, then perhaps a colon) in which no verb acts."""
    f, lex = doc.folded, doc.lexicon
    m = _POINTS_TO_RULES.search(f, c.main, c.end)
    if m is None:
        return False
    topic = f[c.main:m.start()]
    if _RESPONSIBLE.search(topic) or (topic.strip() and (doc.is_directive_at(c.main) or ";" in topic)):
        return False        # "… chịu trách nhiệm thực hiện theo hướng dẫn …": a duty put on someone
    # "… thực hiện theo quy định …, đồng thời báo cáo …": a second predicate is work of its own
    rest = f[m.end():c.end]
    return not re.search(r"[;,]\s*(?:dong thoi\s+)?(?:va\s+)?(?:" + lex.verb_re.pattern + ")", rest)


_THEN_ENDS = re.compile(r"(?<![0-9a-z])thi\s*$")


def _rule_for_a_case(doc: Doc, c: Clause, s: Setting) -> bool:
    """`Nếu cây trồng không đúng mật độ thì khi tính bồi thường phải tính giảm …`, `Trường hợp bồi
    thường chậm … thì điều chỉnh theo đơn giá mới`, `Đối với cá nhân vi phạm thì bàn giao …`: a
    regulation says what holds in a case, and no body is named to act; where work is handed out the
    doer is the section's body."""
    if not s.normative or s.hands_out_work:
        return False
    f = doc.folded
    return doc.lexicon.opens("condition", f, c.body) is not None \
        or (c.prefix == "topic" and bool(_THEN_ENDS.search(f, c.body, c.main)))


_VIEC = re.compile(r"\s*viec\s")
_SEMICOLON = re.compile(r";\s*")
# what befalls whoever breaks a rule (`… thì tùy theo mức độ vi phạm sẽ bị xử lý kỷ luật …`): a
# penalty the text states, owed by no body
_SANCTION = re.compile(r"(?<![0-9a-z])(?:se\s+)?bi\s+(?:xu ly|truy cuu|xu phat)(?![0-9a-z])")


def _manner_of_an_activity(doc: Doc, c: Clause) -> bool:
    """`Việc xét duyệt … phải bảo đảm công khai …`: the clause binds an activity, and asks for
    nothing more (`…; xử lý nghiêm …` after a semicolon is work)."""
    f = doc.folded
    if not _VIEC.match(f, c.main):
        return False
    return not any(doc.lexicon.verb_re.match(f, m.end()) for m in _SEMICOLON.finditer(f, c.main, c.end))


def _binds_a_thing(doc: Doc, c: Clause) -> bool:
    """`Việc hỗ trợ nhà ở phải bảo đảm công khai …`, `Đối với … thì nhà ở mới phải bảo đảm tiêu
    chuẩn …`: what must be so is an activity or a thing, named before `phải`: a requirement of
    how work is done, which binds no body (where work is handed out, a target set so is the work:
    `50% doanh nghiệp phải có thiết chế văn hóa`). `Trong quá trình thực hiện phải bảo đảm …`
    names no thing: the doer is unsaid, the addressees."""
    f, lex = doc.folded, doc.lexicon
    then = _THEN.search(f, c.main, c.end)
    main = then.end() if then else c.main           # `Đối với X thì Y phải …`: Y is what must be so
    m = _OBLIGED.search(f, main, c.end)
    if m is None:
        return False
    if lex.verb_re.match(f, main) or any(lex.opens(k, f, main) for k in ("topic", "condition", "purpose")):
        return False       # an imperative, or a phrase of time or manner before `phải`
    return bool(re.search(r"[a-z]", f[main:m.start()]))


def _nominal_decision(doc: Doc, c: Clause, s: Setting, dated: bool, deadlines: list[Deadline]) -> Decision:
    if _passed(deadlines, s.issued) and not s.directive:
        return _no("thời hạn đã qua khi ban hành: nêu lại việc đã giao")
    if s.mode in ("guidance", "describe", "opinion"):
        if dated and "completion" in c.marks and s.mode != "guidance":
            return _yes("có thời hạn hoàn thành", 0.55)
        return _no("không có chủ thể phải thực hiện")
    if "obligation" in c.marks and not dated and (not s.hands_out_work or _manner_of_an_activity(doc, c)) \
            and _binds_a_thing(doc, c):
        # where work is handed out a thing bound may be a target (`50% xã phải …`); an activity
        # (`Việc xét duyệt … phải bảo đảm công khai`) is still the manner of the work
        return _no("yêu cầu đối với sự việc, không giao cho cơ quan")
    if _SANCTION.search(doc.folded, c.main, c.end) and not dated:
        return _no("chế tài đối với người vi phạm")
    if s.directive and s.in_list and not c.marks & {"copula", "normative", "entitled"}:
        # "Từ nay đến năm 2021, phấn đấu: - 90% CNVCLĐ được tuyên truyền ...": targets are work
        return _yes("mục trong danh sách việc được giao", 0.55)
    if c.marks & {"passive", "copula", "normative", "nominal_passive"} and not (dated and "completion" in c.marks):
        return _no("câu trần thuật")
    if "obligation" in c.marks:
        return _yes("nêu nghĩa vụ phải thực hiện", 0.6)
    if dated and "completion" in c.marks:
        return _yes("có thời hạn hoàn thành", 0.6)
    return _no("không có động từ chỉ đạo")
