"""The search contract both backends keep: what is indexed, how it is asked for, what comes back.
Callers reach a backend only through `SearchBackend` (`backends.backend`); mypy holds both
backends to it."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from ..nlp.fold import fold

# One indexed dispatch with its tasks, as `documents.dispatch_doc` builds it (JSON-ready).
DispatchDoc = dict[str, Any]

MAX_QUERY_CHARS = 300      # a search box, not a document: longer queries cost seconds and mean nothing
MAX_QUERY_TERMS = 20


class SearchUnavailable(Exception):
    """The index does not answer. The register is safe; the user is told to try again."""
    message = "Chỉ mục tìm kiếm hiện không phản hồi; dữ liệu vẫn được lưu an toàn. Vui lòng thử lại sau ít phút."

    def __str__(self) -> str:
        return self.message


class QueryTooLong(ValueError):
    pass


def check_query(text: str) -> None:
    """Refuse a query too long or with too many words, before any index sees it."""
    if len(text or "") > MAX_QUERY_CHARS:
        raise QueryTooLong(f"câu tìm quá dài ({len(text)} ký tự, tối đa {MAX_QUERY_CHARS})")
    if len(raw_terms(text)) > MAX_QUERY_TERMS:
        raise QueryTooLong(f"câu tìm có quá nhiều từ ({len(raw_terms(text))}, tối đa {MAX_QUERY_TERMS})")


@dataclass
class Query:
    text: str = ""
    agency: str | None = None        # any written form: canonical name, alias or abbreviation
    issuer: str | None = None
    status: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    overdue: bool = False
    # the canonical names of the agencies whose tasks the asker may see (an agency's staff):
    # a task is kept when one of them leads or supports it; None: every task
    within: tuple[str, ...] | None = None
    sort: str = "relevance"          # relevance | deadline | issued
    page: int = 1
    per_page: int = 20
    today: date = field(default_factory=date.today)


@dataclass
class Hit:
    id: int
    kind: str                        # task | dispatch
    score: float
    snippet: str                     # HTML-safe, matches in <mark>
    fields: dict


@dataclass
class Overview:
    """The dashboard's figures over the tasks under tracking: how many in each report class, the
    tasks within their deadline due in each week ahead, and the lead agencies with most overdue."""
    classes: dict[str, int]
    weeks: list[int]
    overdue_by_lead: list[tuple[str, int]]


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]


class SearchBackend(Protocol):
    name: str

    def ensure(self) -> None:
        """Create what the index needs if it is missing (idempotent)."""
    def ping(self) -> bool:
        """Whether the index answers now."""
    def upsert(self, dispatches: Sequence[DispatchDoc]) -> None:
        """Index these dispatches and their tasks, replacing what was indexed for them."""
    def delete(self, dispatch_ids: Sequence[int]) -> None:
        """Remove these dispatches and their tasks from the index."""
    def rebuild(self, dispatches: Iterable[DispatchDoc]) -> int:
        """A new index from these documents, swapped in whole; the number indexed."""
    def search_tasks(self, q: Query, agency_names: Sequence[str] | None = None) -> Results:
        """Tasks matching `q`; `agency_names` are the canonical names `q.agency` stands for."""
    def search_dispatches(self, q: Query) -> Results:
        """Dispatches matching `q` (text, issuer, issue date)."""
    def indexed(self) -> dict[int, set[int]]:
        """What the index holds: dispatch id -> its task ids (for `dondoc check`)."""
    def overview(self, today: date, weeks: int = 8, within: Sequence[str] | None = None, top: int = 10) -> Overview:
        """The dashboard's counts over the tasks under tracking (those `within` these agencies'
        names, if given), by the rule of `domain.report_class`."""


# -- shared helpers ----------------------------------------------------------------------------

def terms(text: str) -> list[str]:
    """Query words, folded."""
    return [w for w in re.findall(r"[0-9a-z]+", fold(text or "")) if w]


_WORD = re.compile(r"[^\W_]+")


def raw_terms(text: str) -> list[str]:
    """Words as written, in lower case."""
    text = text or ""
    lower = text.lower()
    # lower-casing the whole text at once gives the same words when it maps each character to one
    # (not `İ`) and none by its context (a final `Σ`)
    if len(lower) == len(text) and "Σ" not in text:
        return _WORD.findall(lower)
    return [w.lower() for w in _WORD.findall(text)]


def snippet(text: str, query: str, width: int = 220) -> str:
    """A piece of `text` around the first match of the query, matches in <mark>, HTML escaped.
    Matching is on the folded text, which has the same offsets as the original."""
    from markupsafe import escape
    words = terms(query)
    if not text:
        return ""
    if not words:        # nothing to mark: no need to fold the text (a page of 20 costs ~1 ms)
        return str(escape(text[:width])) + ("…" if len(text) > width else "")
    f = fold(text)
    spans = []
    for w in words:
        for m in re.finditer(rf"(?<![0-9a-z]){re.escape(w)}(?![0-9a-z])", f):
            spans.append(m.span())
    spans.sort()
    if not spans:
        return str(escape(text[:width])) + ("…" if len(text) > width else "")
    start = max(0, spans[0][0] - width // 3)
    end = min(len(text), start + width)
    out, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(str(escape(text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(str(escape(text[pos:end])))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")

