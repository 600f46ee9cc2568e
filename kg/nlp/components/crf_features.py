"""Per-character features of the CRF tagger (``kg_crf_ner_v1``), shared by training and inference.

The CRF labels one character at a time (CLUENER and People's Daily label character spans).  Each
character gets a list of string features (python-crfsuite's binary attributes):

* the character and its neighbours in a ±2 window, bigrams and the centred trigram (digits and Latin
  letters folded to ``0``/``a`` so ``2021年`` and ``1998年`` share features);
* the character type of the character and its neighbours (CJK, digit, Latin, punctuation, space, other);
* the jieba word that holds it: its position in the word (B/M/E/S) with the word's part-of-speech tag, the
  word itself, and the words before and after with their tags;
* lexicon hits of that word and its neighbours (kg/resources/lexicons): a type suffix and its class
  (有限公司 -> Enterprise, 高新区 -> Park), a place name, a position title, a family name.

The words are the jieba tokens the pipeline's tokenizer already made (no second segmentation at
inference time); training (``scripts/train_ner_crf.py``) segments with the same owned jieba instance.
Feature extraction is plain Python per character and bounds the tagger's throughput, so every feature
is built as one list comprehension over the whole text (no per-character function calls).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.nlp.components.lexicons import Lexicons

__all__ = ["CrfFeaturizer", "char_types", "fold", "spans_to_tags", "tags_to_spans"]

#: Digits (ASCII and full-width) fold to 0, ASCII and full-width Latin letters to a.
_FOLD = str.maketrans(
    {**{c: "0" for c in "0123456789０１２３４５６７８９"},
     **{c: "a" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
     **{chr(c): "a" for c in range(ord("ａ"), ord("ｚ") + 1)},
     **{chr(c): "a" for c in range(ord("Ａ"), ord("Ｚ") + 1)}}
)
_PUNCT = set("，,。.;；:：!！?？、“”\"‘’'《》<>〈〉【】[]{}()（）—-－…·/|*#@~&%+=_")
_BOS, _EOS = "^", "$"  # never produced by fold(): the padding characters outside the text


def fold(text: str) -> str:
    """Return ``text`` with digits folded to ``0`` and Latin letters to ``a`` (same length)."""
    return text.translate(_FOLD)


def _char_type(char: str) -> str:
    if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
        return "C"
    if char == "0":
        return "D"
    if char == "a":
        return "L"
    if char in _PUNCT:
        return "P"
    if char.isspace():
        return "S"
    return "O"


def char_types(folded: str) -> str:
    """Return one type letter per character of an already folded text (C, D, L, P, S, O)."""
    return "".join([_char_type(c) for c in folded])


class CrfFeaturizer:
    """Build the per-character feature lists for one text and its jieba words.

    Parameters
    ----------
    lexicons : kg.nlp.components.lexicons.Lexicons
        The NER lexicons (type suffixes, places, positions, surnames).
    tags : dict
        jieba's ``word -> part-of-speech`` table (with the domain user words).
    """

    def __init__(self, lexicons: Lexicons, tags: dict[str, str]):
        self.tags = tags
        self.suffixes = {s: cls.value for s, (cls, _limit) in lexicons.suffixes.items()}
        self.suffix_lengths = sorted({len(s) for s in self.suffixes}, reverse=True)
        self.places = lexicons.places
        self.positions = lexicons.positions
        self.surnames = lexicons.surnames
        self.gazetteer = {name: cls.value for name, cls in lexicons.gazetteer.items()}
        self._word_cache: dict[str, tuple[str, str]] = {}

    def word_info(self, word: str) -> tuple[str, str]:
        """Return ``(tag, lexicon class)`` of one jieba word (cached: news reuses its vocabulary)."""
        info = self._word_cache.get(word)
        if info is None:
            tag = self.tags.get(word) or ("x" if len(word) > 1 else "c")
            lex = "-"
            if word in self.gazetteer:
                lex = "g" + self.gazetteer[word]
            else:
                for n in self.suffix_lengths:
                    if n <= len(word) and word[-n:] in self.suffixes:
                        lex = ("s" if n == len(word) else "e") + self.suffixes[word[-n:]]
                        break
                else:
                    if word in self.places:
                        lex = "pl"
                    elif word in self.positions:
                        lex = "po"
                    elif word in self.surnames:
                        lex = "sn"
            info = (tag, lex)
            if len(self._word_cache) < 200_000:
                self._word_cache[word] = info
        return info

    def features(self, text: str, starts: Sequence[int], ends: Sequence[int]) -> list[list[str]]:
        """Return one feature list per character of ``text``.

        Parameters
        ----------
        text : str
            The text to tag.
        starts, ends : sequence of int
            Character offsets of the jieba words covering ``text`` in order (whitespace may be left
            out: characters outside every word get the word features of a one-character word).

        Returns
        -------
        list of list of str
            ``len(result) == len(text)``.
        """
        n = len(text)
        if n == 0:
            return []
        folded = fold(text)
        p = _BOS + _BOS + folded + _EOS + _EOS
        types = "^^" + char_types(folded) + "$$"
        # word-level columns expanded to characters
        pos_in_word = ["S"] * n
        word_of = [""] * n
        tag_of = ["w"] * n
        lex_of = ["-"] * n
        prev_tag = ["w"] * n
        next_tag = ["w"] * n
        prev_lex = ["-"] * n
        next_lex = ["-"] * n
        prev_word = ["^"] * n
        next_word = ["$"] * n
        infos = [self.word_info(text[s:e]) for s, e in zip(starts, ends)]
        last = len(infos) - 1
        for k, (s, e) in enumerate(zip(starts, ends)):
            tag, lex = infos[k]
            ptag, plex = infos[k - 1] if k > 0 else ("^", "^")
            ntag, nlex = infos[k + 1] if k < last else ("$", "$")
            word = folded[s:e]
            length = e - s
            if length == 1:
                pos_in_word[s] = "S"
            else:
                pos_in_word[s:e] = ["B"] + ["M"] * (length - 2) + ["E"]
            word_of[s:e] = [word] * length
            tag_of[s:e] = [tag] * length
            lex_of[s:e] = [lex] * length
            prev_tag[s:e] = [ptag] * length
            next_tag[s:e] = [ntag] * length
            prev_lex[s:e] = [plex] * length
            next_lex[s:e] = [nlex] * length
            prev_word[s:e] = [folded[starts[k - 1]:ends[k - 1]] if k > 0 else "^"] * length
            next_word[s:e] = [folded[starts[k + 1]:ends[k + 1]] if k < last else "$"] * length
        r = range(n)
        columns = (
            ["u0=" + p[i + 2] for i in r],
            ["u-1=" + p[i + 1] for i in r],
            ["u1=" + p[i + 3] for i in r],
            ["u-2=" + p[i] for i in r],
            ["u2=" + p[i + 4] for i in r],
            ["b-2=" + p[i:i + 2] for i in r],
            ["b-1=" + p[i + 1:i + 3] for i in r],
            ["b0=" + p[i + 2:i + 4] for i in r],
            ["b1=" + p[i + 3:i + 5] for i in r],
            ["t0=" + p[i + 1:i + 4] for i in r],
            ["ty=" + types[i + 1:i + 4] for i in r],
            ["wp=" + a + b for a, b in zip(pos_in_word, tag_of)],
            ["w=" + w for w in word_of],
            ["pt=" + a + b for a, b in zip(pos_in_word, prev_tag)],
            ["nt=" + a + b for a, b in zip(pos_in_word, next_tag)],
            ["lx=" + a + b for a, b in zip(pos_in_word, lex_of)],
            ["plx=" + a for a in prev_lex],
            ["nlx=" + a for a in next_lex],
            ["pw=" + a for a in prev_word],
            ["nw=" + a for a in next_word],
        )
        return [list(row) for row in zip(*columns)]


def spans_to_tags(length: int, spans, scheme: str = "BIOES") -> list[str]:
    """Return the per-character tags of ``spans`` (``(start, end_exclusive, label)``; overlaps: longest kept).

    Parameters
    ----------
    length : int
        Number of characters.
    spans : iterable of (int, int, str)
        Labelled spans.
    scheme : {"BIOES", "BIO"}
        Tag scheme.
    """
    tags = ["O"] * length
    taken = [False] * length
    for start, end, label in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if start < 0 or end > length or start >= end or any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        if scheme == "BIOES" and end - start == 1:
            tags[start] = "S-" + label
            continue
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
        if scheme == "BIOES":
            tags[end - 1] = "E-" + label
    return tags


def tags_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Decode BIO or BIOES tags into ``(start, end_exclusive, label)`` spans (leniently: a stray I/E opens a span)."""
    spans = []
    start, label = None, None
    for i, tag in enumerate(tags):
        head, _, name = tag.partition("-")
        if head == "O" or not name:
            if start is not None:
                spans.append((start, i, label))
            start = None
            continue
        if head in ("B", "S") or start is None or name != label:
            if start is not None:
                spans.append((start, i, label))
            start, label = i, name
        if head in ("E", "S"):
            spans.append((start, i + 1, label))
            start = None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans
