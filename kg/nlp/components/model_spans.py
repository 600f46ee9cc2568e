"""Turning a statistical model's labelled character spans into mention candidates (shared by the models).

Both statistical components (``kg_char_ner_v1``, the spaCy character model, and ``kg_crf_ner_v1``, the
CRF tagger) predict spans in the CLUENER label scheme; :class:`ModelSpans` maps the labels onto our
classes, gives an organisation/address span the class of its type suffix (…大学 -> University,
…高新区 -> Park) and keeps only spans that look like names of their class before recording them as
candidates (source ``ner``) on the jieba Doc.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from spacy.tokens import Doc

from kg.nlp.components.candidates import PUNCT, TokenIndex, add_candidate
from kg.nlp.components.lexicons import Lexicons
from kg.types import EntityClass

__all__ = ["ModelSpans", "LABEL_TO_CLASS", "sentence_chunks"]

#: Training labels (CLUENER scheme) -> our classes; other labels (book, game, movie, scene, position) are dropped.
LABEL_TO_CLASS = {
    "company": EntityClass.ENTERPRISE,
    "government": EntityClass.GOVERNMENT_AGENCY,
    "organization": EntityClass.ORGANIZATION,
    "address": EntityClass.PLACE,
    "name": EntityClass.PERSON,
}
_REFINABLE = {EntityClass.ORGANIZATION, EntityClass.PLACE, EntityClass.ENTERPRISE, EntityClass.GOVERNMENT_AGENCY}


# jieba tags of dictionary words that may be names: organisation, other proper noun, place, person,
# abbreviation, foreign word.
_NAME_TAGS = {"nt", "nz", "ns", "nr", "j", "en", "x"}
_BANNED_IN_NAME = set("pcur")
_BANNED_IN_PLACE = set("pcurvd")
# jieba tag heads of words that are no person names: verb, adjective, adverb, numeral, quantifier,
# pronoun, preposition, conjunction, particle, locality.
_NON_NAME_TAG_HEADS = set("vadmqrpcuf")
# A model span that is one dictionary word of a non-name tag is no name when the word is this common in
# jieba's dictionary (军队 11,317, 交通 10,908, 机场 7,741); rarer ones the model read as names in context
# stay (公安部 319, 交行 74, 暴雪 21).  Chosen on the CLUENER / People's Daily dev splits among 500-10,000.
COMMON_WORD_FREQ = 5000
# Last characters of government bodies' names (局, 委员会, 部, 政府, 法院, 办公室, 署, 厅, 党中央 ...).
_GOVERNMENT_ENDINGS = set("局委部府院厅办署会处室站队所庭组司宫台军关馆央")


_SENTENCE_END = set("。！？!?；;\n")


def sentence_chunks(text: str, hard_limit: int, soft_limit: int | None = None):
    """Yield ``(start, end)`` chunks of ``text`` for a model trained on sentences.

    A chunk ends after sentence punctuation (。！？!?；; or a line break); one of ``soft_limit``
    characters or more also ends at a comma; none is longer than ``hard_limit`` (the models' cost
    and memory grow with the sequence).

    Examples
    --------
    >>> text = "德州与有研合作。清华大学、北京大学"
    >>> [text[s:e] for s, e in sentence_chunks(text, hard_limit=6)]
    ['德州与有研合', '作。', '清华大学、北', '京大学']
    >>> [text[s:e] for s, e in sentence_chunks(text, hard_limit=100, soft_limit=5)]
    ['德州与有研合作。', '清华大学、', '北京大学']
    """
    start = 0
    for i, char in enumerate(text):
        length = i - start + 1
        if (char in _SENTENCE_END or length >= hard_limit
                or (soft_limit is not None and length >= soft_limit and char in "，,、")):
            yield start, i + 1
            start = i + 1
    if start < len(text):
        yield start, len(text)


class ModelSpans:
    """Label mapping, suffix refinement and plausibility filter for model spans.

    Parameters
    ----------
    lexicons : kg.nlp.components.lexicons.Lexicons or None
        The NER lexicons; ``None`` keeps every span (no plausibility filter, no suffix refinement).
    tags : dict, optional
        jieba's ``word -> part-of-speech`` table.
    word_freq : mapping, optional
        The owned jieba dictionary's ``word -> frequency`` (``jieba.Tokenizer.FREQ``); without it every
        dictionary word of a non-name tag counts as common.
    """

    def __init__(self, lexicons: Lexicons | None, tags: dict[str, str] | None = None,
                 word_freq: Mapping[str, int] | None = None):
        self.lexicons = lexicons
        self.tags = tags or {}
        self.word_freq = word_freq

    def add(self, doc: Doc, index: TokenIndex, spans: Iterable[tuple[int, int, str]], confidence: float) -> None:
        """Record the plausible ``(start, end, dataset label)`` spans of ``doc`` as ``ner`` candidates."""
        text = index.text
        for start, end, label in spans:
            cls = LABEL_TO_CLASS.get(label)
            if cls is None:
                continue
            cls = self.refine(text[start:end], cls)
            if self.lexicons is None or self.plausible(index, start, end, cls):
                add_candidate(doc, start, end, cls.value, "ner", confidence)

    def refine(self, text: str, cls: EntityClass) -> EntityClass:
        """Give an organisation/address span the class of its type suffix, when it has one."""
        if cls in _REFINABLE and self.lexicons is not None:
            suffix = self.lexicons.type_suffix(text, proper=True)
            if suffix is not None:
                suffix_cls = self.lexicons.suffixes[suffix][0]
                if suffix_cls not in (EntityClass.EVENT, EntityClass.PROJECT):
                    return suffix_cls
        return cls

    def _common(self, word: str) -> bool:
        return self.word_freq is None or self.word_freq.get(word, 0) >= COMMON_WORD_FREQ

    def _eponym(self, index: TokenIndex, start: int, end: int, cls: EntityClass) -> bool:
        """True for a person's name that opens a jieba word named after them (邓小平 in 邓小平理论).

        jieba's dictionary holds such words as one name (nr); the rest of the word must be a word of its own.
        """
        if cls is not EntityClass.PERSON or start not in index.start_set:
            return False
        word = index.words[index.token_at(start)]
        rest = word[end - start:]
        return bool(rest) and self.tags.get(word, "")[:2] == "nr" and rest in self.tags

    def plausible(self, index: TokenIndex, start: int, end: int, cls: EntityClass) -> bool:
        """Keep a model span only when it looks like a name of its class.

        The span must sit on jieba token boundaries (纳米科 inside 纳米/科技 is a broken span), must not be
        generic, a bare kind (国家高新区) or a common dictionary word (交通), a person must be a 2-4 character
        name starting with a family name or a transliterated foreign name (加斯佩里尼), and not a dictionary
        word (物联网), and a government body must end like one (局, 委, 部 ...).
        """
        lex = self.lexicons
        span = index.text[start:end]
        if not (index.aligned(start, end) or self._eponym(index, start, end, cls)):
            return False
        if any(c in PUNCT and c != "·" for c in span):
            return False
        if span in lex.gazetteer or span in lex.short_forms:
            return True
        # function words (and, for places, verbs and adverbs) never occur inside a name: 巴基斯坦指责印度,
        # 辽宁沈阳市采访 are the model running over a clause
        banned = _BANNED_IN_PLACE if cls is EntityClass.PLACE else _BANNED_IN_NAME
        i = index.token_at(start)
        while i < len(index) and index.starts[i] < end:
            word = index.words[i]
            if len(word) > 1 and self.tags.get(word, "x")[:1] in banned:
                return False
            i += 1
        if lex.is_generic(span) or (cls is not EntityClass.PLACE and lex.is_places_or_generic(span)):
            return False  # 宁波市级财政, 德州市人才: a place and common words
        if cls not in (EntityClass.PERSON, EntityClass.PLACE) and lex.is_industry_or_generic(span):
            return False  # 新能源汽车, 物联网: an industry, not a name
        if span[-1].isdigit() or lex.ends_with_position(span):
            return False  # 私募股权投资基金11, 青岛市委常委
        tag = self.tags.get(span)
        transliterated = cls is EntityClass.PERSON and lex.is_transliterated_name(span)
        # a name made of the characters transliterations use (加斯佩里尼); jieba's dictionary files many such
        # names as nouns or places (温格/n, 巴拉克/ns), and the model's reading in context wins over it
        foreign = transliterated and (not tag or tag[:2] == "nr" or tag in ("n", "ns"))
        if tag is not None and tag[:2] not in _NAME_TAGS and not foreign and (
            cls is EntityClass.PERSON or self._common(span)
        ):
            return False  # one common dictionary word that is no name (交通, 机场; for persons any: 物联网)
        suffix = lex.type_suffix(span)
        if suffix is not None:
            body = span[: -len(suffix)]
            if not body or lex.names_a_kind(body, cls):
                return False  # 国家高新区, 化工有限公司: a kind, not a name
            if cls is EntityClass.ENTERPRISE and lex.describes_place(span, suffix):
                return False  # 美国公司 (美国银行 is a name)
        if cls is EntityClass.PERSON:
            tag = tag or ""
            if not (2 <= len(span) <= 4 or foreign or ("·" in span and len(span) <= 12)) or any(c.isdigit() or c.isascii() for c in span):
                return False
            if (len(span) == 4 and span[:2] in self.tags and span[2:] in self.tags and span[:2] not in lex.surnames
                    and not transliterated):
                return False  # 展望 + 未来, 瑞士 + 法郎: two words, not a name (jieba's dictionary says nr)
            if not foreign and (tag[:1] in _NON_NAME_TAG_HEADS or tag in ("n", "ns", "nt", "vn", "an")):
                return False  # a dictionary word that is no name (物联网, 招商)
            # a Chinese name starts with a family name; a foreign one (基里延科, 克林顿) is a known
            # transliterated name (jieba nr/nrt/nrfg), is written with a middle dot, or is ``foreign``
            return (
                span[0] in lex.surnames or span[:2] in lex.surnames
            ) or tag[:2] == "nr" or "·" in span or foreign
        if cls is EntityClass.GOVERNMENT_AGENCY:
            return span[-1] in _GOVERNMENT_ENDINGS  # listed names returned True above
        return True
