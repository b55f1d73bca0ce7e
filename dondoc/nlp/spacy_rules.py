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
# spaCy is imported after _import_spacy_without_its_cli has run
# ruff: noqa: E402
from __future__ import annotations

import sys
import types
from functools import lru_cache


def _import_spacy_without_its_cli() -> None:
    """`import spacy` without spaCy's command line: spacy/__init__ imports spacy.cli (typer,
    requests, weasel, jinja2: 0.45 of its 1.25 s on the shared machine) only to offer
    `spacy.info`; spaCy 3.8 has no supported way around it (upstream's lazy `spacy.cli`, PR
    #12962, was reverted for breaking `spacy.cli` attribute access; #13721 and #13933 are open).
    During the import stand-ins answer for `spacy.cli` and `spacy.cli.info`; they are removed
    right after, so `import spacy.cli` later loads the real one, and `spacy.info()` calls it."""
    if "spacy" in sys.modules:
        return
    cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")

    def spacy_info(*args, **kwargs):
        from spacy.cli.info import info as real
        return real(*args, **kwargs)
    info.info = spacy_info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info
    try:
        import spacy  # noqa: F401
    finally:
        for name, stand_in in (("spacy.cli.info", info), ("spacy.cli", cli)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_import_spacy_without_its_cli()

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
        lex = lexicon.load()
        self.matcher.add("DIRECTIVE", [self._pattern(nlp, w) for w in lex.verbs])
        # "Trình tự", "Giao thông": the longer noun wins over the verb it opens with
        self.matcher.add("NOUN", [self._pattern(nlp, w) for w in lex.verb_nouns])
        self.directive = nlp.vocab.strings["DIRECTIVE"]

    @staticmethod
    def _pattern(nlp: Language, words: str) -> Doc:
        d = nlp.make_doc(words)
        for t in d:
            t.norm_ = t.text
        return d

    def __call__(self, doc: Doc) -> Doc:
        spans = filter_spans([Span(doc, s, e, label=label) for label, s, e in self.matcher(doc)])
        doc.spans["directive"] = [sp for sp in spans if sp.label == self.directive]
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
