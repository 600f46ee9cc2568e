"""``kg_lexicon_ruler_v1``: gazetteer names, places and known short forms matched on the raw text.

Matching runs with an Aho-Corasick automaton over ``doc.text`` (pyahocorasick), not over tokens, so
names inside a jieba token (德州 in 德州市) are found; the resolver maps them back to tokens with
``doc.char_span(..., alignment_mode="expand")``.  Names of two characters or fewer must sit on token
boundaries (北大 must not fire inside 北大门).
"""

from __future__ import annotations

from pathlib import Path

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.components.candidates import TokenIndex, add_candidate
from kg.nlp.components.lexicons import Lexicons, load_lexicons
from kg.types import EntityClass

__all__ = ["LexiconRuler"]

_GOVERNMENT = EntityClass.GOVERNMENT_AGENCY.value


class LexiconRuler:
    """Propose gazetteer / place / short-form candidates (source ``gazetteer``)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.automaton = None
        self.lexicons: Lexicons | None = None

    def initialize(self, get_examples=None, *, nlp=None, lexicon_dir: str | None = None,
                   lexicons: Lexicons | None = None, tags: dict[str, str] | None = None):
        """Build the automaton from the lexicon files (``lexicon_dir``) or an already read ``lexicons``."""
        if tags is None:
            from kg.nlp.tokenizer import load_jieba_tags

            tags = load_jieba_tags()
        self.tags = tags
        if lexicons is None:
            if lexicon_dir is None:
                raise ValueError(f"{self.name}: initialize() needs lexicon_dir or lexicons")
            lexicons = load_lexicons(Path(lexicon_dir))
        self.lexicons = lexicons
        automaton = ahocorasick.Automaton()
        entries: dict[str, tuple[str, str | None, float]] = {}
        for place in lexicons.places:
            entries[place] = (EntityClass.PLACE.value, None, 0.9)
        for name, cls in lexicons.gazetteer.items():
            entries[name] = (cls.value, None, 0.98)
        for short, (full, cls) in lexicons.short_forms.items():
            entries[short] = (cls.value, full if full != short else None, 0.95)
        for word, value in entries.items():
            automaton.add_word(word, (len(word),) + value)
        if entries:
            automaton.make_automaton()
            self.automaton = automaton
        else:
            self.automaton = None

    def _glued(self, doc: Doc, index: TokenIndex, start: int, end: int) -> bool:
        """True when a one-character noun token sticks to a short match (北大 + 门): a longer word, not a name."""
        for i in (index.token_at(start) - 1, index.token_at(end)):
            if 0 <= i < len(index) and i != index.token_at(start) and len(index.words[i]) == 1:
                if self.tags.get(index.words[i], "")[:1] == "n":
                    return True
        return False

    def _place_before_head(self, index: TokenIndex, start: int, end: int, cls: str) -> bool:
        """True for a place opening a jieba word whose rest is a place head (挪威 in 挪威人, 亚太 in 亚太地区)."""
        if cls != EntityClass.PLACE.value or start not in index.start_set:
            return False
        word = index.words[index.token_at(start)]
        return len(word) > end - start and word[end - start:] in self.lexicons.place_heads

    def __call__(self, doc: Doc) -> Doc:
        """Add the candidates found in ``doc.text``."""
        if self.automaton is None:
            if self.lexicons is None:
                raise RuntimeError(f"{self.name} is not initialised: build the pipeline with kg.nlp.load_nlp()")
            return doc
        index = TokenIndex.of(doc)
        text = index.text
        foreign_countries = self.lexicons.foreign_countries
        country_starts: dict[int, int] = {}  # end -> start of a foreign country's name
        for end_index, (length, cls, canonical, confidence) in self.automaton.iter(text):
            end = end_index + 1
            start = end - length
            if start in country_starts and cls == _GOVERNMENT and index.aligned(country_starts[start], end):
                # 美国商务部, 英国财政部, 美国国务院: a listed government body after a foreign country is that
                # country's body, not the Chinese one the list means (中华人民共和国商务部)
                add_candidate(doc, country_starts[start], end, cls, "gazetteer", confidence, None)
            if text[start:end] in foreign_countries:
                country_starts[end] = start  # also inside a jieba word: 美国商务部 is one
            if length <= 2 and not self._place_before_head(index, start, end, cls) and (
                not index.aligned(start, end) or self._glued(doc, index, start, end)
            ):
                continue
            add_candidate(doc, start, end, cls, "gazetteer", confidence, canonical)
        return doc


@Language.factory("kg_lexicon_ruler_v1", assigns=["doc.user_data"])
def make_lexicon_ruler(nlp: Language, name: str) -> LexiconRuler:
    """spaCy factory for :class:`LexiconRuler` (data read in ``initialize``)."""
    return LexiconRuler(nlp, name)
