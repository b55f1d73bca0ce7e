"""An agency name as a person writes it -> the agencies it stands for.

Used where people type names (a clerk's corrected lead, a manager's agency filter). A name is
known when it is one of an agency's written forms (the packaged gazetteer, the office's own list),
the gazetteer reads the whole of it as one body with its locality, or it is an initialism of
known bodies (`dondoc.initialisms`: `STC`, `Sở TC`, `BYT`; several bodies, the office's locality
first). A name that is not known is never silently replaced by a similar one (`Phó Thủ tướng
Thường trực Chính phủ` is not `Thủ tướng Chính phủ`): it is kept as written, and proposed to the
admin; the nearest names are offered where a person can choose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .initialisms import InitialismIndex, Match, gazetteer_names
from .nlp.agency import gazetteer
from .nlp.fold import fold_key
from .storage import models as m


@dataclass
class Resolution:
    written: str
    names: list[str] = field(default_factory=list)   # the agencies meant, best first; empty if unknown

    @property
    def known(self) -> bool:
        return bool(self.names)

    @property
    def name(self) -> str:
        """The one name to store: the best match, or the name as written."""
        return self.names[0] if self.names else self.written


def tidy(written: str) -> str:
    return re.sub(r"\s+", " ", written or "").strip(" .;,:")


_indexes: dict[tuple, InitialismIndex] = {}


def initialism_index(session: Session | None) -> InitialismIndex:
    """The initialisms of the gazetteer's bodies and of the register's agencies, save those still
    waiting as proposals. Kept per process under the count and highest id of those agencies, read
    from the database at each call: an agency added, accepted or removed by any process makes a
    new key (an agency's name never changes; ids are not reused while a higher one stands)."""
    key: tuple = ("gazetteer",)
    waiting = select(m.AgencyProposal.agency_id).where(m.AgencyProposal.state == "pending",
                                                       m.AgencyProposal.agency_id.is_not(None))
    listed = m.Agency.id.not_in(waiting)
    if session is not None:
        key = (str(session.get_bind().engine.url),
               *session.execute(select(func.count(), func.max(m.Agency.id)).where(listed)).one())
    index = _indexes.get(key)
    if index is None:
        names = gazetteer_names()
        if session is not None:
            names |= set(session.scalars(select(m.Agency.name).where(listed)))
        if len(_indexes) > 16:
            _indexes.clear()
        index = _indexes[key] = InitialismIndex(names)
    return index


def candidates(session: Session | None, written: str, locality: str = "") -> Match:
    """Every agency `written` may stand for (the office's locality first), or, when none, the
    nearest names as suggestions."""
    res = resolve(session, written, locality, every=True)
    if res.names:
        return Match(res.names)
    return Match([], initialism_index(session).suggest(res.written))


def resolve(session: Session | None, written: str, locality: str = "", every: bool = False) -> Resolution:
    """The agency `written` names (`names[0]`), known or not (`known`). An initialism that fits
    several gives them all in `names`, the office's locality first. `every`: also the bodies an
    initialism fits when the name is an agency's written form already."""
    text = tidy(written)
    res = Resolution(text)
    if not text:
        return res
    res.names = _written_form(session, text)
    if not res.names or every:
        for n in initialism_index(session).lookup(text, locality).names:
            if n not in res.names:
                res.names.append(n)
    return res


def _written_form(session: Session | None, text: str) -> list[str]:
    key = fold_key(text)
    if session is not None:
        alias = session.scalar(select(m.AgencyAlias).where(m.AgencyAlias.key == key))
        if alias is not None:
            return [alias.agency.name]
    gz = gazetteer()
    packaged = gz.alias_to_name.get(key)
    if packaged is not None:
        return [packaged[0]]
    found = gz.find(text[:1].upper() + text[1:])      # typed in lower case, still a name
    if len(found) == 1 and found[0].start <= 1 and found[0].end >= len(text) - 1:
        return [found[0].canonical]
    return []
