"""Agencies by the initialisms offices write: `STC`, `Sở TC`, `BYT`, `SGDĐT`, `Sở GD&ĐT`.

One rule makes them, for every name of the gazetteer (`dondoc.nlp.agency.gazetteer()`, the
office's own names with it) and every agency of the register:

1. A name is its body and, when it ends with one, its locality (`Sở Tài chính` + `tỉnh Lâm
   Đồng`): a province of the gazetteer, with `tỉnh`, `thành phố` or `TP` before it if written,
   or the party committee a board belongs to (`Ban Tổ chức` + `Tỉnh ủy`).
2. The body's words are split at spaces and dashes; `và` and punctuation are not words. Each word
   gives its first letter, capital, without its tone and vowel marks, except that `Đ` stays `Đ`.
3. The head is the first word (`Sở`, `Bộ`, `Cục`), or the first two when they name a kind of
   body together (`Ủy ban`, `Tổng cục`, `Trung tâm`, `Văn phòng` …, `HEADS` below).
4. The initialisms are: every letter (`STC`, `SGDĐT`; at least three letters, since two-letter
   ones such as `TT` stand for too much), the same with `&` for `và` (`SGD&ĐT`), and the head
   written in full before the letters of the rest (`Sở TC`, `Sở GDĐT`, `Sở GD&ĐT`, `Bộ YT`).
5. With a locality they are written before it, in any of its forms (`STC Lâm Đồng`, `Sở TC tỉnh
   Lâm Đồng`).

Lookup is on folded keys (`stc`, `so gd dt`), so `SGDDT` typed without `Đ` finds the same body.
An initialism that fits several bodies (`BTC`: Bộ Tài chính and Ban Tổ chức; `STC`: the Sở Tài
chính of every province) finds them all, the office's own locality first. When nothing fits,
`suggest` gives the nearest names.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .nlp.agency import gazetteer
from .nlp.fold import fold_key

HEADS = ("Ủy ban", "Uỷ ban", "Trung ương", "Tổng cục", "Trung tâm", "Văn phòng", "Hội đồng", "Liên đoàn", "Thanh tra", "Kiểm toán",
         "Kho bạc", "Ngân hàng", "Bảo hiểm", "Tòa án", "Học viện", "Ban Quản lý", "Ban Chỉ đạo")
MIN_LETTERS = 3
_LOCALITY_WORDS = r"(?:tỉnh|thành phố|tp\.?|thủ đô)"
# whose board: `Ban Tổ chức Tỉnh ủy` is the Ban Tổ chức of a province's party committee
_COMMITTEES = ("tinh uy", "thanh uy", "huyen uy", "quan uy", "dang uy", "trung uong")
_CONNECTIVES = {"và", "va"}


def _initial(word: str) -> str:
    c = word[:1]
    if c in "đĐ":
        return "Đ"
    base = unicodedata.normalize("NFD", c)[:1]
    return base.upper()


def _words(body: str) -> list[str]:
    return [w for w in re.split(r"[\s\-–,]+", body) if w and re.search(r"\w", w)]


def province_of(name: str) -> str:
    """The folded province a name ends with (`lam dong`), or its committee (`tinh uy`); empty if none."""
    folded = fold_key(name)
    if folded in gazetteer().alias_to_name:
        return ""
    for key in sorted(gazetteer().province_names, key=len, reverse=True):
        if folded == key or folded.endswith(" " + key):
            return key
    return next((c for c in _COMMITTEES if folded.endswith(" " + c)), "")


def split_locality(name: str) -> tuple[str, str]:
    """(body, locality) of a name: `Sở Tài chính tỉnh Lâm Đồng` -> (`Sở Tài chính`, `tỉnh Lâm Đồng`)."""
    folded = fold_key(name)
    if folded in gazetteer().alias_to_name:      # a name of its own (Đoàn Thanh niên Cộng sản Hồ Chí Minh)
        return name, ""
    words = name.split()
    for c in _COMMITTEES:
        if folded.endswith(" " + c) and len(words) >= 3:
            return " ".join(words[:-2]), " ".join(words[-2:])
    for key in sorted(gazetteer().province_names, key=len, reverse=True):
        if folded == key or not folded.endswith(" " + key):
            continue
        words = name.split()
        n = len(key.split())
        body_words, loc_words = words[:-n], words[-n:]
        while body_words and re.fullmatch(_LOCALITY_WORDS, body_words[-1].lower()):
            loc_words.insert(0, body_words.pop())
        if len(body_words) >= 2 and fold_key(" ".join(body_words[-2:])) == "thanh pho":
            loc_words[:0] = body_words[-2:]
            body_words = body_words[:-2]
        if body_words:
            return " ".join(body_words), " ".join(loc_words)
    return name, ""


def initialisms(body: str) -> set[str]:
    """The initialisms of a body's name, by the rule above (written forms)."""
    words = _words(body)
    if len(words) < 2:
        return set()
    head_n = 2 if any(fold_key(body).startswith(fold_key(h) + " ") for h in HEADS) and len(words) > 2 else 1
    letters = [("&" if fold_key(w) in _CONNECTIVES else _initial(w)) for w in words]
    plain = "".join(x for w, x in zip(words, letters) if fold_key(w) not in _CONNECTIVES)
    amp = "".join(letters).strip("&")
    head = " ".join(words[:head_n])
    rest_words = list(zip(words[head_n:], letters[head_n:]))
    rest_plain = "".join(x for w, x in rest_words if fold_key(w) not in _CONNECTIVES)
    rest_amp = "".join(x for _, x in rest_words).strip("&")
    out = set()
    if len(plain) >= MIN_LETTERS:
        out.add(plain)
        if "&" in amp:
            out.add(amp)
    if rest_plain and len(words) > head_n + 1:
        out.add(f"{head} {rest_plain}")
        if "&" in rest_amp:
            out.add(f"{head} {rest_amp}")
    elif rest_plain and len(words) == head_n + 1 and len(rest_plain) == 1:
        pass          # `Sở T` for `Sở Tư pháp` stands for nothing an office writes
    return out


@dataclass
class Match:
    names: list[str] = field(default_factory=list)     # the agencies meant, the office's locality first
    suggestions: list[str] = field(default_factory=list)


class InitialismIndex:
    """Folded initialism -> the bodies it stands for, over the gazetteer and a register's agencies."""

    def __init__(self, names: Iterable[str]):
        self.bodies: dict[str, set[str]] = {}          # folded initialism -> body names
        self.by_body: dict[str, set[str]] = {}         # body name -> full names known (with localities)
        self.names: set[str] = set()
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        self.names.add(name)
        body, _ = split_locality(name)
        self.by_body.setdefault(body, set()).add(name)
        for form in initialisms(body):
            self.bodies.setdefault(fold_key(form), set()).add(body)

    def lookup(self, written: str, locality: str = "") -> Match:
        """The agencies an initialism (perhaps with a locality) stands for, the office's
        `locality` first; empty when it is not an initialism of any of them."""
        text = " ".join(written.split())
        body, loc = split_locality(text)
        bodies = self.bodies.get(fold_key(body), set())
        if not bodies:
            return Match()
        found: set[str] = set()
        for b in bodies:
            known = self.by_body.get(b, {b})
            if loc:
                where = province_of(loc)
                picked = {n for n in known if province_of(n) == where}
                found |= picked or {f"{b} {_locality_written(loc)}"}
            else:
                found |= known
        mine = province_of(locality) if locality else ""

        def order(n: str):
            where = province_of(n)
            return (not (mine and where == mine), bool(where), n)
        return Match(sorted(found, key=order))

    def suggest(self, written: str, limit: int = 5) -> list[str]:
        """The names nearest to what was written, when nothing matches it."""
        key = fold_key(written)
        if not key:
            return []
        choices = {n: fold_key(n) for n in self.names}
        hits = process.extract(key, choices, scorer=fuzz.ratio, limit=limit * 2, score_cutoff=55)
        out = [n for _, _, n in sorted(hits, key=lambda h: (-h[1], h[2]))]
        if len(key.split()) == 1 and len(key) <= 8:     # a mistyped initialism: nearest initialisms
            near = process.extract(key, list(self.bodies), scorer=fuzz.ratio, limit=3, score_cutoff=66)
            out = [b for k, _, _ in near for b in sorted(self.bodies[k])] + out
        return list(dict.fromkeys(out))[:limit]


def _locality_written(loc: str) -> str:
    """A locality as written in full: `Lâm Đồng` -> `tỉnh Lâm Đồng` is left to the register;
    the words typed are kept, with the province's own spelling."""
    words = loc.split()
    key = fold_key(loc)
    for k, name in gazetteer().province_names.items():
        if key == k or key.endswith(" " + k):
            head = words[: len(words) - len(k.split())]
            return " ".join([*head, name]).strip()
    return loc


def gazetteer_names() -> set[str]:
    """The gazetteer's bodies (not its collective addressees)."""
    return {name for name, kind in gazetteer().alias_to_name.values() if kind != "collective"}
