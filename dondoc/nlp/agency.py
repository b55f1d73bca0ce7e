"""Agencies: the gazetteer (data/agencies.json, data/provinces.json), finding names in text and
bringing every written form to one canonical name in full words.

Matching runs on folded text (no diacritics, lower case) with any punctuation or line break
allowed between words, so `Sở LĐ-TBXH`, `So Lao dong - Thuong binh va Xa hoi` and a name broken
over two lines all match. A name is extended by its locality (`tỉnh Thanh Hóa`, `các huyện, thị
xã, thành phố`, `cấp xã`). A list after a kind of body (`Các Bộ: Công an, Tư pháp và Tài chính`)
names each body of the list.

The office's own names (the admin's agency list) are passed in: `gazetteer(local)`; text read by
OCR without Vietnamese is searched with `find(..., ocr=True)`, which also forgives a letter or two.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from .fold import fold, fold_key, syllable_pairs
from .ocrfix import LOOKALIKE, vocabulary

_GAP = r"[\W_]+"


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    canonical: str
    kind: str  # body | local | collective | domain


def _load(name: str) -> dict:
    return json.loads(resources.files("dondoc.nlp").joinpath("data", name).read_text(encoding="utf-8"))


# Words of a locality, folded -> written in full (for text typed without diacritics).
_LOCALITY_WORDS = {
    "tinh": "tỉnh", "thanh": "thành", "pho": "phố", "tp": "thành phố", "huyen": "huyện", "thi": "thị",
    "xa": "xã", "quan": "quận", "phuong": "phường", "tran": "trấn", "cac": "các", "cap": "cấp",
    "truc": "trực", "thuoc": "thuộc", "trung": "Trung", "uong": "ương", "tw": "Trung ương",
    "va": "và", "nay": "này",
}


# one level of local government, folded
_LEVEL = rf"(?:xa|phuong|thi{_GAP}tran|huyen|quan|thi{_GAP}xa|thanh{_GAP}pho|tp)"
_BARE_LOCALITIES = {"tỉnh", "huyện", "quận", "xã", "phường", "tp", "tp."}
# a name ending in "cơ" goes on as "cơ quan", never "cơ quận"
_CO_BEFORE = re.compile(r"(?<![a-z])co\s*$")


def _best_window(words: list[tuple[int, int, str]], i: int, by_len: dict[int, list[str]],
                 abbr: str | None) -> tuple[float, str, int] | None:
    """(score, alias, end) of the best name read from word i on: an abbreviated one, else the
    alias of any length the window nearly spells."""
    best: tuple[float, str, int] | None = (100, abbr, words[i + 1][1]) if abbr else None
    for k, keys in by_len.items():
        if i + k <= len(words) and keys:
            hit = _window_hit(keys, words[i + 1:i + k])
            if hit and (best is None or hit[0] > best[0]):
                best = (hit[0], hit[1], words[i + k - 1][1])
    return best


def _window_hit(keys: list[str], rest: list[tuple[int, int, str]]) -> tuple[float, str] | None:
    """(score, alias) of the alias a window of words nearly spells. The head word only has to
    share its consonants (checked by the caller): the window is held against the aliases with
    their own head word. A short name must be read exactly, or differ only in vowels (`Cung
    Thuong` for `Công Thương`): OCR misreads vowels, seldom consonants."""
    window = " ".join([keys[0].partition(" ")[0]] + [x[2] for x in rest])
    hit = process.extractOne(window, keys, scorer=fuzz.ratio, score_cutoff=85)
    if not hit:
        return None
    same_shape = _skeleton(window) == _skeleton(hit[0])
    if (len(hit[0]) >= 15 and hit[1] >= 90) or hit[1] >= 100 or same_shape:
        return hit[1], hit[0]
    return None


def _trie_alternation(keys) -> str:
    """One regex for folded names (words of [0-9a-z] joined by single spaces, a space matching
    any run of punctuation), built as a trie: at a position only the branch of the next letter
    is tried, where an alternation of every name would try all of them (the scan of every
    document was the extraction's largest cost). The longest name wins, as in an alternation
    sorted longest first: the names that match at one position all lie on one path of the
    trie (a letter never matches a gap), and each optional tail is tried before stopping."""
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        parts = [(_GAP if ch == " " else re.escape(ch)) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body
    return emit(trie)


class Gazetteer:
    def __init__(self, agencies: dict, provinces: dict, local: tuple[tuple[str, str], ...] = ()):
        """`local`: (written form, canonical name) pairs an office's administrators added to the
        packaged data; a form the data already knows keeps its packaged meaning."""
        self.titles = agencies["titles"]
        self.domain_prefixes = agencies["domain_prefixes"]
        self.domain_names = [d["name"] for d in agencies["domains"]]
        self.provinces = provinces["provinces"]
        self.alias_to_name: dict[str, tuple[str, str]] = {}
        self.successor: dict[str, str] = {}
        for dom in agencies["domains"]:
            for prefix, meta in agencies["domain_prefixes"].items():
                name = f"{prefix} {dom['name']}"
                forms = [dom["name"], *dom["abbr"]]
                for f in forms:
                    self._add(f"{prefix} {f}", name, "domain")
                    for p in meta["abbr"]:
                        self._add(f"{p}{f}", name, "domain")  # SLĐTBXH, BKHĐT
                if dom.get("merged_into"):
                    self.successor[name] = f"{prefix} {dom['merged_into']}"
        for group, kind in (("bodies", "body"), ("local_bodies", "local"), ("collectives", "collective")):
            for b in agencies[group]:
                for f in [b["name"], *b["aliases"]]:
                    self._add(f, b["name"], kind)
                if b.get("merged_into"):
                    self.successor[b["name"]] = b["merged_into"]
        for form, name in local:
            self._add(form, name, "body")
        self.province_names: dict[str, str] = {}
        for p in self.provinces:
            for o in p["old"]:
                self.province_names.setdefault(fold_key(o), o)
            self.province_names.setdefault(fold_key(p["name"]), p["name"])
        alt = _trie_alternation(self.alias_to_name)
        # not inside a document's number ("97/NQ-CP" names no Chính phủ)
        self._re = re.compile(rf"(?<![0-9a-z])(?<![0-9a-z][/\-])(?:{alt})(?![0-9a-z])")
        prov = "|".join(_GAP.join(re.escape(w) for w in k.split()) for k in sorted(self.province_names, key=len, reverse=True))
        self._province_alt = prov
        self._locality_re = re.compile(
            rf"{_GAP}(?:"
            rf"(?:cac{_GAP})?(?:tinh|thanh pho|tp)(?:{_GAP}|\s*,\s*)(?:thanh pho|tp)(?:{_GAP}truc{_GAP}thuoc{_GAP}(?:trung{_GAP}uong|tw))?"
            rf"|cac{_GAP}huyen(?:{_GAP}thi{_GAP}xa)?{_GAP}(?:thanh{_GAP}pho|tp)(?:{_GAP}thuoc{_GAP}tinh)?"
            rf"|cac{_GAP}(?:xa|phuong|thi{_GAP}tran|tinh|huyen|quan|thi{_GAP}xa)(?:{_GAP}(?:va{_GAP})?(?:xa|phuong|thi{_GAP}tran|huyen|quan|thi{_GAP}xa|(?:thanh{_GAP}pho|tp)(?:{_GAP}(?:{prov}))?))*"
            rf"|cap{_GAP}(?:tinh|huyen|xa)"
            # the levels listed without "các" ("Ủy ban nhân dân quận, huyện", "xã, phường, thị trấn")
            rf"|{_LEVEL}(?:(?:\s*,\s*(?:va\s+)?|\s+va\s+){_LEVEL})+"
            rf"(?:{_GAP}(?:truc{_GAP})?thuoc{_GAP}(?:tinh|thanh{_GAP}pho|trung{_GAP}uong|tw))?"
            rf"|(?:tinh|thanh{_GAP}pho|tp\.?|huyen|thi{_GAP}xa|quan)(?:{_GAP}(?:{prov}))?"
            rf"|(?:{prov})"
            rf")(?![0-9a-z])"
        )

    def _add(self, form: str, name: str, kind: str) -> None:
        key = fold_key(form)
        if key and key not in self.alias_to_name:
            self.alias_to_name[key] = (name, kind)

    # -- finding -------------------------------------------------------------------------------
    def find(self, text: str, folded: str | None = None, ocr: bool = False) -> list[Found]:
        """Every agency named in `text`, longest match first, with its locality. With `ocr`,
        names a few letters off (`Sở Lao động - Thương binh và x hội`) too."""
        folded = folded if folded is not None else fold(text)
        out: list[Found] = []
        for m in self._re.finditer(folded):
            key = re.sub(r"[\W_]+", " ", m.group(0)).strip()
            found = self._found(text, folded, m.start(), m.end(), key)
            if found:
                out.append(found)
        if ocr:
            taken = [(f.start, f.end) for f in out]
            for start, end, key in self._near_misses(folded, taken):
                found = self._found(text, folded, start, end, key)
                if found:
                    # a name read in full over a shorter one inside it (`Thi tuong Chinh phu`
                    # over `Chinh phu`) takes its place
                    out = [f for f in out if not (found.start <= f.start and f.end <= found.end)]
                    out.append(found)
        listed = self._listed_domains(folded, out)
        if listed:
            taken = [(f.start, f.end) for f in listed]
            out = [f for f in out if not any(s < f.end and f.start < e for s, e in taken)] + listed
        out.sort(key=lambda f: f.start)
        return out

    @cached_property
    def pairs(self) -> frozenset[str]:
        """Neighbouring syllable pairs of every name (`cong thuong`): OCR repair's context."""
        return syllable_pairs(self.alias_to_name)

    @cached_property
    def _list_re(self) -> re.Pattern:
        """`Các Bộ: Công an, Tư pháp và Tài chính`, `các sở, ngành: Y tế; Tư pháp`: a kind of body,
        a colon, then the fields it is named after."""
        kinds = "|".join(fold(p) for p in self.domain_prefixes)
        return re.compile(rf"(?<![0-9a-z])(?P<kind>{kinds})(?:\s*,\s*(?:nganh|ban|co quan))*\s*:\s*")

    @cached_property
    def _domain_re(self) -> re.Pattern:
        keys = sorted({fold_key(n) for n in self.domain_names}, key=len, reverse=True)
        return re.compile("(?:" + "|".join(_GAP.join(re.escape(w) for w in k.split()) for k in keys) + r")(?![0-9a-z])")

    def _listed_domains(self, folded: str, found: list[Found]) -> list[Found]:
        out: list[Found] = []
        by_key = {fold_key(n): n for n in self.domain_names}
        for m in self._list_re.finditer(folded):
            prefix = next(p for p in self.domain_prefixes if fold(p) == m.group("kind"))
            pos = m.end()
            while True:
                d = self._domain_re.match(folded, pos)
                if not d:
                    break
                out.append(Found(d.start(), d.end(), f"{prefix} {by_key[fold_key(d.group(0))]}", "domain"))
                sep = re.match(r"\s*(?:,|;|va\b)\s*", folded[d.end():d.end() + 6])
                if not sep:
                    break
                pos = d.end() + sep.end()
        return out

    def locality_at(self, text: str, folded: str, pos: int, plain: bool = True) -> tuple[int, str] | None:
        """A locality right after a name ending at `pos` (`tỉnh Thanh Hóa`, `các huyện, thị xã và
        thành phố Huế`): where it ends and how it is written in full."""
        loc = self._locality_re.match(folded, pos)
        if not loc:
            return None
        written = text[loc.start():loc.end()].strip(" ,")
        if " " not in written and (not plain or not written.isascii()) and written.lower() not in _BARE_LOCALITIES:
            return None         # "quản", "cơ quan" are no "quận", though all fold to "quan"
        if plain and fold(written) == "quan" and _CO_BEFORE.search(folded, max(0, pos - 8), pos):
            return None         # typed without marks, "co quan" is still "cơ quan", no "cơ quận"
        return loc.end(), self._locality_text(written)

    def _found(self, text: str, folded: str, start: int, end: int, key: str) -> Found | None:
        name, kind = self.alias_to_name[key]
        if kind in ("domain", "local", "body") and not _looks_like_name(text, start, key):
            return None
        canonical = name
        if kind in ("domain", "local") or (kind == "body" and name.startswith("Ban ")):
            loc = self._locality_re.match(folded, end)
            if loc:
                canonical = f"{name} {self._locality_text(text[loc.start():loc.end()])}"
                end = loc.end()
        return Found(start, end, canonical, kind)

    @cached_property
    def _by_head(self) -> dict[tuple[str, str], dict[int, list[str]]]:
        """Aliases of three words or more by the consonants of their first two words, then by
        the window length they are held against: OCR misreads the vowels of `Bộ`, `Sở` (`Bé`,
        `S6`) more often than anything else in a name."""
        heads: dict[tuple[str, str], dict[int, list[str]]] = {}
        for key in self.alias_to_name:
            words = key.split()
            if len(words) >= 3:
                by_len = heads.setdefault((_skeleton(words[0]), _skeleton(words[1])), {})
                by_len.setdefault(len(words), []).append(key)
        # a window of k words is held against the aliases of k-1, k and k+1 words
        return {h: {k: [a for n in (k - 1, k, k + 1) for a in by_len.get(n, ())] for k in range(3, max(by_len) + 2)}
                for h, by_len in heads.items()}

    @cached_property
    def _abbreviated(self) -> dict[tuple[str, str], str]:
        """Two-word aliases whose second word is an abbreviation, no syllable of the word list
        (`so ldtbxh`), by the consonants of the first word and the abbreviation itself: the
        abbreviation must be read exactly."""
        syllables = vocabulary()
        out: dict[tuple[str, str], str] = {}
        for key in self.alias_to_name:
            words = key.split()
            if len(words) == 2 and len(words[1]) >= 4 and words[1] not in syllables:
                out.setdefault((_skeleton(words[0]), words[1]), key)
        return out

    def _near_misses(self, folded: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """(start, end, alias) of names that OCR misread by a letter or two: a window of words
        starting with an alias's first word and nearly equal to it (long aliases only: in
        short ones a letter changes the agency)."""
        words = [(m.start(), m.end(), m.group().translate(LOOKALIKE)) for m in re.finditer(r"[0-9a-z@&€$]+", folded)]
        out = []
        busy_until = -1
        taken = sorted(taken)
        t = 0
        skeletons = [_skeleton(x[2]) for x in words]
        for i, (s, _, _) in enumerate(words):
            nxt = words[i + 1][2] if i + 1 < len(words) else ""
            by_len = self._by_head.get((skeletons[i], skeletons[i + 1])) if nxt else None
            abbr = self._abbreviated.get((skeletons[i], nxt)) if nxt else None
            if not (by_len or abbr) or s < busy_until:
                continue
            while t < len(taken) and taken[t][1] <= s:
                t += 1
            if t < len(taken) and taken[t][0] <= s:      # inside a name already found
                continue
            best = _best_window(words, i, by_len or {}, abbr)
            # it may hold a shorter name found exactly, never cut one
            if best and not any(s < b and a < best[2] and not (s <= a and b <= best[2]) for a, b in taken):
                out.append((s, best[2], best[1]))
                busy_until = best[2]
        return out

    def _locality_text(self, written: str) -> str:
        """The locality as written, each word in full (`tp` -> `thành phố`, a stripped `tinh` ->
        `tỉnh`), the province in its own spelling, separators kept."""
        written = re.sub(r"\s+", " ", written).strip(" ,")
        words = list(re.finditer(r"[^\W_]+", written))
        folded_words = [fold(w.group(0)) for w in words]
        joined = " ".join(folded_words)
        prov_at = len(words)
        name = None
        for key, pname in self.province_names.items():
            if joined == key or joined.endswith(" " + key):
                prov_at, name = len(words) - len(key.split()), pname
                break
        out, pos = [], 0
        for i, (w, fw) in enumerate(zip(words, folded_words)):
            if i == prov_at and name is not None:
                out.append(written[pos:w.start()])
                out.append(name)
                pos = len(written)
                break
            out.append(written[pos:w.start()])
            out.append(self._word(fw, w.group(0)))
            pos = w.end()
            if fw == "tp" and written[pos:pos + 1] == ".":
                pos += 1                     # "TP." -> "thành phố"
        out.append(written[pos:])
        return "".join(out).strip()

    @staticmethod
    def _word(folded: str, written: str) -> str:
        if written.lower() in ("tp", "tw"):
            return _LOCALITY_WORDS[written.lower()]
        if written.isupper() and len(written) > 1:
            return _LOCALITY_WORDS.get(folded, written.capitalize())
        return written if any(not c.isascii() for c in written) else _LOCALITY_WORDS.get(folded, written)

    # -- canonical names -----------------------------------------------------------------------
    def canonical(self, written: str, ocr: bool = False) -> str:
        """Full-word canonical name of a written agency (abbreviated, stripped or garbled)."""
        written = re.sub(r"\s+", " ", written).strip(" .;,:-–")
        bare = strip_title(written, self.titles)
        found = self.find(bare, ocr=ocr)
        if found and found[0].start <= 1 and found[0].end >= len(bare.rstrip(" .;,")) - 1:
            return found[0].canonical
        key = fold_key(bare)
        hit = process.extractOne(key, self.alias_to_name.keys(), scorer=fuzz.ratio, score_cutoff=86)
        if hit:
            return self.alias_to_name[hit[0]][0]
        if found:
            rest = bare[found[0].end:].strip()
            return (found[0].canonical + (" " + rest if rest else "")).strip()
        return bare[:1].upper() + bare[1:] if bare else bare

    def successor_of(self, canonical: str) -> str | None:
        """The body that took over `canonical`'s tasks after the 2025 merges, if any."""
        for old, new in self.successor.items():
            if canonical == old or canonical.startswith(old + " "):
                return new + canonical[len(old):]
        return None


_VOWEL_SLOTS = str.maketrans({c: "*" for c in "aeiouy0123456789@&€"})


def _skeleton(word: str) -> str:
    """The word with its vowels (and what OCR puts for them) as `*`: `bộ`, `bé`, `b6` -> `b*`."""
    return word.translate(_VOWEL_SLOTS)


def _looks_like_name(text: str, start: int, key: str) -> bool:
    """A name in running text starts with a capital ("Sở Tư pháp"), unless it is an abbreviation."""
    c = text[start: start + 1]
    return c.isupper() or c.isdigit() or key.split()[0] in ("cac",)


def strip_title(name: str, titles: list[str]) -> str:
    """`Chủ tịch Ủy ban nhân dân ...` -> `Ủy ban nhân dân ...`: the body, not its head."""
    f = fold(name)
    for t in sorted(titles, key=len, reverse=True):
        ft = fold(t)
        for prefix in ("", "cac "):
            if f.startswith(prefix + ft + " "):
                return name[len(prefix) + len(t) + 1:]
    return name


@lru_cache(maxsize=8)
def _gazetteer(local: tuple[tuple[str, str], ...]) -> Gazetteer:
    return Gazetteer(_load("agencies.json"), _load("provinces.json"), local)


def gazetteer(local=()) -> Gazetteer:
    """The packaged gazetteer; with `local`, (written form, canonical name) pairs an office keeps
    in its agency list (the web app's admin page), its own bodies and abbreviations are found like
    the packaged ones. Built once for each set of local names."""
    return _gazetteer(tuple(sorted(set(local))))
