"""Character-level Docs with bigram features: the input of the statistical (character) NER model.

The statistical model sees one token per character (CLUENER and People's Daily label character spans,
and Chinese names rarely respect word boundaries).  Each character token carries its left bigram in
``TAG`` and its right bigram in ``LEMMA`` so the hash embeddings see word-like context without a
segmenter; digits and Latin letters are folded so ``2021年`` and ``1998年`` share features.
Training (``scripts/train_ner.py``) and inference (``kg_char_ner_v1``) build Docs with this one function.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["make_char_doc", "FEATURE_ATTRS"]

#: Token attributes the model's ``MultiHashEmbed`` reads (keep in sync with scripts/train_ner.py).
FEATURE_ATTRS = ("ORTH", "TAG", "LEMMA", "SHAPE")

_BOUNDARY = "\u2402"  # a symbol that never occurs in news text: marks the text's edges in bigrams


def _fold(char: str) -> str:
    """Fold digits to ``0`` and ASCII letters to ``a`` (bigram features only)."""
    if char.isdigit():
        return "0"
    if char.isascii() and char.isalpha():
        return "a"
    return char


def make_char_doc(vocab: Vocab, text: str) -> Doc:
    """Return a Doc of ``text`` with one token per character and bigram features set.

    Parameters
    ----------
    vocab : spacy.vocab.Vocab
        The vocabulary of the character model.
    text : str
        Any text; whitespace characters become their own tokens so offsets stay character offsets.

    Returns
    -------
    spacy.tokens.Doc
        ``len(doc) == len(text)`` and ``doc[i].idx == i``.
    """
    chars = list(text)
    folded = [_BOUNDARY] + [_fold(c) for c in chars] + [_BOUNDARY]
    left = [folded[i] + folded[i + 1] for i in range(len(chars))]
    right = [folded[i + 1] + folded[i + 2] for i in range(len(chars))]
    return Doc(vocab, words=chars, spaces=[False] * len(chars), tags=left, lemmas=right)
