"""Mention candidates shared by the NER components, stored on the Doc until the resolver picks mentions.

A candidate is a plain tuple (so a Doc stays serialisable):
``(start, end, cls, source, confidence, canonical, attrs)`` with exact *character* offsets into
``doc.text`` (names need not fall on jieba token boundaries), ``cls`` an ``EntityClass`` value,
``source`` one of ``gazetteer``/``grammar``/``ner``/``alias``.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from kg.nlp.tokenizer import doc_text

__all__ = ["add_candidate", "candidates", "TokenIndex", "drop_index", "PUNCT"]

CANDIDATES_KEY = "kg_candidates"
INDEX_KEY = "kg_token_index"

#: Characters that never occur inside a name (parentheses and quotes are handled by the grammar).
PUNCT = set("，,。.;；:：!！?？、\u3000 \t\r\n“”\"‘’'《》<>〈〉【】[]{}()（）—-－…·/|*#@~&%+=")


def add_candidate(doc: Doc, start: int, end: int, cls: str, source: str, confidence: float,
                  canonical: str | None = None, attrs: dict | None = None) -> None:
    """Record a candidate mention ``doc.text[start:end]`` of class ``cls`` proposed by ``source``."""
    doc.user_data.setdefault(CANDIDATES_KEY, []).append(
        (start, end, cls, source, float(confidence), canonical, dict(attrs or {}))
    )


def candidates(doc: Doc) -> list[tuple]:
    """Return the candidates recorded on ``doc`` so far."""
    return doc.user_data.get(CANDIDATES_KEY, [])


class TokenIndex:
    """Character <-> token lookups for one Doc, built once per Doc (see :meth:`of`).

    Token texts and offsets are plain lists: creating spaCy ``Token`` objects in the grammar's inner
    loops (and ``Doc.text``, which rebuilds the string on each access) dominated the run time.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc_text(doc)
        self.starts = doc.to_array("IDX").tolist() if len(doc) else []
        lengths = doc.to_array("LENGTH").tolist() if len(doc) else []
        self.ends = [s + n for s, n in zip(self.starts, lengths)]
        self.words = [self.text[s:e] for s, e in zip(self.starts, self.ends)]
        self.start_set = set(self.starts)
        self.end_set = set(self.ends)

    @classmethod
    def of(cls, doc: Doc) -> "TokenIndex":
        """The index of ``doc``, cached in ``doc.user_data`` until :func:`drop_index` (the resolver) removes it."""
        index = doc.user_data.get(INDEX_KEY)
        if index is None or index.doc is not doc:
            index = cls(doc)
            doc.user_data[INDEX_KEY] = index
        return index

    def __len__(self) -> int:
        return len(self.starts)

    def token_at(self, char: int) -> int:
        """Index of the token containing character ``char``."""
        return max(0, bisect_right(self.starts, char) - 1)

    def aligned(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` starts and ends on token boundaries."""
        return start in self.start_set and end in self.end_set


def drop_index(doc: Doc) -> None:
    """Remove the cached :class:`TokenIndex` (it must not stay in ``user_data``: Docs are serialised)."""
    doc.user_data.pop(INDEX_KEY, None)
