"""Who leads a task: the strongest evidence the text gives, and which one it was.

  explicit    the clause names the body (`Giao X`, `X: ...`, `X chủ trì`); `X chỉ đạo Y ...`
              names both
  subject     the body the clause opens with
  heading     the heading or lead-in the clause stands under (`1. Sở Y tế`, `Giao X:`)
  table       the lead column of the row
  recipients  the addressees (`Kính gửi`, or a distribution list's `(để thực hiện)`)
  assignees   a decision without addressees: the bodies it hands work to elsewhere
  issuer      none of these: the body that signed
A name that only says "the addressees" (`các đơn vị`, or what the letter said it would call
them) is the addressees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import Clause
from .doc import Doc
from .fold import fold_key

STRENGTH = {"explicit": 1.0, "subject": 0.95, "heading": 0.9, "table": 0.9, "recipients": 0.7,
            "assignees": 0.6, "issuer": 0.45}
# the leads of last resort (`Defaults`): no evidence in the text itself
LAST_RESORT = ("recipients", "assignees", "issuer")
_DIRECTS = re.compile(r"(?:chi dao|giao|yeu cau|de nghi)\b")


@dataclass(frozen=True)
class Defaults:
    """The leads of last resort for one document, strongest first."""
    recipients: tuple[str, ...]
    recipients_alias: str | None
    executors: tuple[str, ...]      # distribution-list entries marked (để thực hiện)
    assignees: tuple[str, ...]
    issuer: tuple[str, ...]
    issuer_parent: str | None = None

    def fallback(self) -> tuple[list[str], str]:
        if self.recipients:
            return list(self.recipients), "recipients"
        if self.executors:
            return list(self.executors), "recipients"
        if self.assignees:
            return list(self.assignees), "assignees"
        return list(self.issuer), "issuer"

    def is_issuer(self, name: str) -> bool:
        """The issuer (or its parent) by another name (`Văn phòng Ban Chỉ huy PCTT và TKCN tỉnh`
        for `Văn phòng Thường trực Ban Chỉ huy ...`): its words are all the issuer's."""
        words = set(fold_key(name).split()) - {"cac"}
        known = set(fold_key(" ".join(self.issuer + ((self.issuer_parent,) if self.issuer_parent else ()))).split())
        return bool(words) and (words <= known or name in self.issuer)

    def is_addressee_word(self, name: str) -> bool:
        key = fold_key(name)
        if self.recipients_alias and key == fold_key(self.recipients_alias):
            return True
        return False


@dataclass(frozen=True)
class Lead:
    names: list[str]
    support: list[str]
    evidence: str


def _dedupe(names) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _resolve_generic(doc: Doc, names: list[str], d: Defaults) -> list[str]:
    """`các đơn vị` and the letter's own name for its addressees are the addressees."""
    out: list[str] = []
    for n in names:
        generic = doc.lexicon.generic_re.match(fold_key(n).replace(" ", " ")) or d.is_addressee_word(n)
        if generic and (d.recipients or d.executors):
            out.extend(d.recipients or d.executors)
        else:
            out.append(n)
    return _dedupe(out)


def resolve(doc: Doc, c: Clause, scope_lead: list[str], scope_evidence: str, scope_support: list[str],
            carried: list[str] | None, d: Defaults) -> Lead:
    """The lead and support of clause `c` standing under a scope, after a clause of the same
    paragraph whose lead was `carried`."""
    support = [p.name for p in (c.explicit.support if c.explicit else c.support)]
    if c.explicit is not None:
        names = [p.name for p in c.explicit.lead]
        subj = [n for n in (c.subject.names if c.subject else []) if not d.is_issuer(n)]
        if c.explicit.how == "assign" and subj and doc.folded.startswith("chi dao", c.explicit.at):
            names = subj + names               # "X chỉ đạo Y ...": X owes it, Y does it ("X giao Y": Y alone)
        elif c.explicit.how == "assign" and _DIRECTS.match(doc.folded, c.explicit.at) and \
                doc.folded.startswith("chi dao", c.explicit.at) and scope_lead:
            names = names + scope_lead          # "Chỉ đạo Y ..." under X: Y does it for X
        return Lead(_resolve_generic(doc, names, d), _dedupe(support), "explicit")
    if c.subject is not None and not all(d.is_issuer(n) for n in c.subject.names):
        return Lead(_resolve_generic(doc, c.subject.names, d), _dedupe(support), "subject")
    if scope_lead:
        return Lead(_resolve_generic(doc, scope_lead, d), _dedupe(support or scope_support), scope_evidence)
    if carried:
        return Lead(carried, _dedupe(support), "subject")
    names, evidence = d.fallback()
    return Lead(_dedupe(names), _dedupe(support), evidence)
