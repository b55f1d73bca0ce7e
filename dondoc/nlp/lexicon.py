"""Every word list the extractor uses, loaded once from `data/lexicon.json` and compiled.

The lists are grammar of administrative Vietnamese (verbs that open a directive, words that hand
work to a body, head nouns of bodies' names, clause openers), written folded: no diacritics,
lower case, so one pattern serves typed, stripped and OCR'd text. Each stage receives the one
`Lexicon` through the document (`nlp.doc.Doc`) and asks it, instead of keeping lists of its own.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .fold import fold, syllable_pairs
from .layout import PART_LABEL


def alternation(words, boundary: bool = True) -> str:
    """A regex alternation of folded phrases, longest first; spaces match any run of spaces.
    An entry `re:...` is a regular expression of its own."""
    parts = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    alt = "|".join(p[3:] if p.startswith("re:") else r"[\s,]+".join(re.escape(x) for x in p.split()) for p in parts)
    return rf"(?<![0-9a-z])(?:{alt})(?![0-9a-z])" if boundary else f"(?:{alt})"


@dataclass(frozen=True)
class Lexicon:
    verbs: tuple[str, ...]
    verb_nouns: tuple[str, ...]  # nouns that open with a verb's syllable ("trình tự"): no directive
    verb_re: re.Pattern          # a directive or action verb (matched at a position)
    assign_re: re.Pattern        # a word that hands work to the body after it
    agency_verb_re: re.Pattern   # what follows a body that leads ("X chủ trì", "X có trách nhiệm")
    not_task_re: re.Pattern      # openers of preambles, closings and statements
    meta_re: re.Pattern          # "- Cơ quan thực hiện:", "- Thời gian hoàn thành:" lines
    meta_keys: dict[str, str]    # meta key -> lead | support | time | other
    meta_title_re: re.Pattern    # a meta key standing as a heading ("2. Cơ quan chủ trì, phối hợp")
    sections: dict[str, tuple[str, ...]]
    section_re: dict[str, re.Pattern]
    head_re: re.Pattern          # head noun of a body's name
    not_head_re: re.Pattern      # a thing whose name opens with a head noun ("cơ sở dữ liệu")
    role_re: re.Pattern          # people by office who can owe work
    written_heads: frozenset[str]   # heads and roles as written with diacritics (lower case)
    agent_re: re.Pattern         # what a collective opens with ("các địa phương", "các chủ ...")
    listed_re: re.Pattern        # a collective that takes a list's "các" ("các Bộ, ngành, địa phương")
    regulated_re: re.Pattern     # persons and firms a normative text binds by rule ("hộ kinh doanh")
    verbs_written: dict[str, frozenset[str]]  # verbs of one syllable others share, as written
    plain_homographs: dict[str, dict[str, frozenset[str]]]   # folded compounds holding another word
    generic_re: re.Pattern       # "các đơn vị": the addressees in general
    clause: dict[str, re.Pattern]
    lead_in_directive: tuple[str, ...]
    phrases: frozenset[str]      # neighbouring syllable pairs of every entry ("chu tri"): OCR repair's context
    role_phrases: frozenset[str]  # words that give a role or a time ("chu tri", "thoi gian"): OCR's real-word repair

    def section_mode(self, folded_title: str) -> str | None:
        """skip | describe | guidance | task | neutral for a section title, or None."""
        # past the label of a chapter, section or part (`Chương III`, `Mục 2.`) and its numbering
        t = re.sub(rf"^\s*{PART_LABEL}", "", folded_title)
        t = re.sub(r"^[\s\d.)IVXivx\-–:]+", "", t).strip()
        for mode in ("skip", "describe", "guidance", "task", "neutral"):
            if self.section_re[mode].match(t):
                return mode
        return None

    def written_as_verb(self, folded: str, written: str) -> bool:
        """A verb matched on folded text is one in the original (`nhân` of `cá nhân` is no `nhận`)."""
        forms = self.verbs_written.get(folded)
        w = re.sub(r"\s+", " ", written.lower())
        return forms is None or w.isascii() or w in forms

    def written_as_head(self, written: str, plain: bool = False) -> bool:
        """A head or role matched on folded text is one in the original too: written with its
        own diacritics, or found in a text without them (`plain`: typed without marks, or read
        by OCR without Vietnamese, whose marks are noise: `Sinh vién`). In a text with marks, a
        word written without them is another word (`Quy trình` is no `Quỹ`)."""
        w = re.sub(r"\s+", " ", written.lower())
        return plain or w in self.written_heads

    def opens(self, name: str, folded: str, pos: int = 0) -> re.Match | None:
        """The clause word list `name` (purpose, condition, past ...) matched at `pos`."""
        return self.clause[name].match(folded, pos)


def _load_json() -> dict:
    return json.loads(resources.files("dondoc.nlp").joinpath("data", "lexicon.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load() -> Lexicon:
    d = _load_json()
    meta_keys = {k: role for role in ("lead", "support", "time", "other") for k in d[f"meta_{role}"]}
    sections = {k: tuple(v) for k, v in d["sections"].items() if not k.startswith("_")}
    clause = {k: re.compile(r"\s*" + alternation(v)) for k, v in d["clauses"].items() if not k.startswith("_")}
    b = d["bodies"]
    return Lexicon(
        verbs=tuple(d["verbs"]),
        verb_nouns=tuple(d["verb_nouns"]["words"]),
        verb_re=re.compile(alternation(d["verbs"])),
        assign_re=re.compile(alternation(d["assign"])),
        agency_verb_re=re.compile(r"\s*(?:\([^)]*\)\s*)?(?:,\s*)?" + alternation(d["agency_verbs"])),
        not_task_re=re.compile(r"^(?:" + "|".join(sorted(d["not_task_openers"], key=len, reverse=True)) + r")\b"),
        meta_re=re.compile(r"\s*(?:[-–*+•]|\d{1,2}\s*[.)]|[a-z]\s*\))?\s*(?P<key>" + alternation(meta_keys, boundary=False) + r")\s*:"),
        meta_keys=meta_keys,
        meta_title_re=re.compile(r"(?P<key>" + alternation(meta_keys, boundary=False) + r")(?:\s*,?\s*(?:phoi hop|thuc hien))?[\s.:]*"),
        sections=sections,
        section_re={k: re.compile(alternation(v)) for k, v in sections.items()},
        head_re=re.compile(alternation(fold(w) for w in b["heads"])),
        not_head_re=re.compile(alternation(fold(w) for w in b["not_heads"])),
        role_re=re.compile(alternation(fold(w) for w in b["roles"])),
        written_heads=frozenset(unicodedata.normalize("NFC", w) for w in b["heads"] + b["roles"]),
        agent_re=re.compile(alternation(fold(w) for w in b["agents"])),
        listed_re=re.compile(alternation(fold(w) for w in b["listed"])),
        regulated_re=re.compile(r"\s*(?:cac\s+|moi\s+|nhung\s+)?" + alternation(fold(w) for w in b["regulated"])),
        verbs_written={k: frozenset(v) for k, v in d["verbs_written"].items() if not k.startswith("_")},
        plain_homographs={k: {side: frozenset(words) for side, words in v.items()}
                          for k, v in d["plain_homographs"].items() if not k.startswith("_")},
        generic_re=re.compile(r"\s*" + alternation(b["generic"]) + r"\s*$"),
        clause=clause,
        lead_in_directive=tuple(d["lead_in_directive"]),
        phrases=syllable_pairs(fold(w) for w in _entries(d)),
        role_phrases=frozenset(d["ocr_real_word_pairs"]["pairs"]),
    )


def _entries(node) -> list[str]:
    """Every word list entry of the lexicon file (not its regular expressions or comments)."""
    if isinstance(node, str):
        return [] if node.startswith("re:") else [node]
    if isinstance(node, dict):
        return [w for k, v in node.items() if not k.startswith("_") for w in _entries(k) + _entries(v)]
    if isinstance(node, list):
        return [w for v in node for w in _entries(v)]
    return []
