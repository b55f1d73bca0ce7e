"""A spaCy pipeline of rule components over a dispatch, registered like spaCy's own:

  (vocab)            every lexeme's NORM is its folded form (no diacritics, lower case), set
                     by a lexeme attribute getter so each distinct word is folded once
  dondoc_directives  a PhraseMatcher on NORM marks directive verbs (`Tăng cường`, `Chủ trì`, ...) in
                     doc.spans["directive"]; the task finder asks it whether a sentence opens
                     with one
(Agency names and deadlines are found by the gazetteer and `deadline.find_deadlines` on the
text itself; the review page shows the spans the extraction stored.)

No trained Vietnamese model is needed: `spacy.blank("vi")` with spaCy's rule-based tokenizer
(syllables, punctuation split off), the Vietnamese default tokenizer needing pyvi.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.lang.punctuation import TOKENIZER_INFIXES, TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
from spacy.attrs import NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, filter_spans

from . import lexicon
from .fold import fold


@Language.factory("dondoc_directives")
class DirectiveMarker:
    def __init__(self, nlp: Language, name: str):
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        patterns = []
        for verb in lexicon.load().verbs:
            d = nlp.make_doc(verb)
            for t in d:
                t.norm_ = t.text
            patterns.append(d)
        self.matcher.add("DIRECTIVE", patterns)

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s, e, label="DIRECTIVE") for _, s, e in self.matcher(doc)]
        doc.spans["directive"] = filter_spans(spans)
        return doc


@lru_cache(maxsize=1)
def pipeline() -> Language:
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.vi.VietnameseTokenizer", "use_pyvi": False}}})
    nlp.tokenizer = Tokenizer(
        nlp.vocab,
        prefix_search=compile_prefix_regex(TOKENIZER_PREFIXES).search,
        suffix_search=compile_suffix_regex(TOKENIZER_SUFFIXES).search,
        infix_finditer=compile_infix_regex(TOKENIZER_INFIXES + [r"(?<=[\w])[/:;,](?=[\w])"]).finditer,
    )
    nlp.vocab.lex_attr_getters[NORM] = fold  # type: ignore[attr-defined]  # set at runtime, absent from spaCy's stubs
    nlp.add_pipe("dondoc_directives")
    return nlp


_CHUNK = 100_000


def _chunks(text: str):
    """(offset, piece) of at most about _CHUNK characters, cut at line breaks, so a long
    compilation (a million characters of Công báo) is matched piece by piece in bounded memory."""
    pos = 0
    while pos < len(text):
        cut = len(text) if len(text) - pos <= _CHUNK else text.rfind("\n", pos, pos + _CHUNK) + 1 or pos + _CHUNK
        yield pos, text[pos:cut]
        pos = cut


def directive_offsets(text: str) -> frozenset[int]:
    """Character offsets where a directive verb begins (what the task finder consults)."""
    nlp = pipeline()
    out: set[int] = set()
    for offset, piece in _chunks(text):
        doc = nlp(piece)
        out.update(offset + sp.start_char for sp in doc.spans["directive"])
    return frozenset(out)
