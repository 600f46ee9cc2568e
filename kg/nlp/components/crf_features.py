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
is built as one list comprehension over the whole text (no per-character function calls), from
characters, bigrams and trigrams encoded once, and handed to crfsuite as UTF-8 bytes (which it would
otherwise encode again, string by string).
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
        self.lexicons = lexicons
        self.places = lexicons.places
        self.positions = lexicons.positions
        self.surnames = lexicons.surnames
        self.gazetteer = {name: cls.value for name, cls in lexicons.gazetteer.items()}
        self._word_cache: dict[str, tuple[bytes, bytes]] = {}

    def word_info(self, word: str) -> tuple[bytes, bytes]:
        """Return ``(tag, lexicon class)`` of one jieba word, UTF-8 encoded (cached: news reuses its vocabulary)."""
        info = self._word_cache.get(word)
        if info is None:
            tag = self.tags.get(word) or ("x" if len(word) > 1 else "c")
            lex = "-"
            if word in self.gazetteer:
                lex = "g" + self.gazetteer[word]
            elif (suffix := self.lexicons.type_suffix(word)) is not None:
                lex = ("s" if suffix == word else "e") + self.lexicons.suffixes[suffix][0].value
            elif word in self.places:
                lex = "pl"
            elif word in self.positions:
                lex = "po"
            elif word in self.surnames:
                lex = "sn"
            info = (tag.encode(), lex.encode())
            if len(self._word_cache) < 200_000:
                self._word_cache[word] = info
        return info

    def features(self, text: str, starts: Sequence[int], ends: Sequence[int]) -> list[tuple[bytes, ...]]:
        """Return one feature tuple per character of ``text``.

        The features are UTF-8 ``bytes``: python-crfsuite takes them as they are, where it would encode
        each of the ~20 strings per character again (a fifth of the tagging time).

        Parameters
        ----------
        text : str
            The text to tag.
        starts, ends : sequence of int
            Character offsets of the jieba words covering ``text`` in order (whitespace may be left
            out: characters outside every word get the word features of a one-character word).

        Returns
        -------
        list of tuple of bytes
            ``len(result) == len(text)``.

        Examples
        --------
        >>> from kg.nlp.components.lexicons import Lexicons
        >>> rows = CrfFeaturizer(Lexicons(), {}).features("德州2021", [0, 2], [2, 6])
        >>> len(rows), rows[0][:3], rows[2][0]
        (6, (b'u0=\xe5\xbe\xb7', b'u-1=^', b'u1=\xe5\xb7\x9e'), b'u0=0')
        """
        n = len(text)
        if n == 0:
            return []
        folded = fold(text)
        # every character encoded once; the n-gram columns are slices of these lists. ^ and $ pad the text
        # (fold() never produces them)
        chars = [b"^", b"^"] + [c.encode() for c in folded] + [b"$", b"$"]  # chars[i + 2] is character i
        bigrams = [a + b for a, b in zip(chars, chars[1:])]  # bigrams[j] == chars[j] + chars[j + 1]
        trigrams = [a + b for a, b in zip(bigrams, chars[2:])]
        types = ("^" + char_types(folded) + "$").encode()
        # word-level columns expanded to characters
        pos_in_word = [b"S"] * n
        word_of = [b""] * n
        tag_of = [b"w"] * n
        lex_of = [b"-"] * n
        prev_tag = [b"w"] * n
        next_tag = [b"w"] * n
        prev_lex = [b"-"] * n
        next_lex = [b"-"] * n
        prev_word = [b"^"] * n
        next_word = [b"$"] * n
        words = [folded[s:e].encode() for s, e in zip(starts, ends)]
        infos = [self.word_info(text[s:e]) for s, e in zip(starts, ends)]
        last = len(infos) - 1
        for k, (s, e) in enumerate(zip(starts, ends)):
            tag, lex = infos[k]
            ptag, plex = infos[k - 1] if k > 0 else (b"^", b"^")
            ntag, nlex = infos[k + 1] if k < last else (b"$", b"$")
            length = e - s
            if length > 1:
                pos_in_word[s:e] = [b"B"] + [b"M"] * (length - 2) + [b"E"]
            word_of[s:e] = [words[k]] * length
            tag_of[s:e] = [tag] * length
            lex_of[s:e] = [lex] * length
            prev_tag[s:e] = [ptag] * length
            next_tag[s:e] = [ntag] * length
            prev_lex[s:e] = [plex] * length
            next_lex[s:e] = [nlex] * length
            prev_word[s:e] = [words[k - 1] if k > 0 else b"^"] * length
            next_word[s:e] = [words[k + 1] if k < last else b"$"] * length
        columns = (
            [b"u0=" + c for c in chars[2:n + 2]],
            [b"u-1=" + c for c in chars[1:n + 1]],
            [b"u1=" + c for c in chars[3:n + 3]],
            [b"u-2=" + c for c in chars[:n]],
            [b"u2=" + c for c in chars[4:n + 4]],
            [b"b-2=" + c for c in bigrams[:n]],
            [b"b-1=" + c for c in bigrams[1:n + 1]],
            [b"b0=" + c for c in bigrams[2:n + 2]],
            [b"b1=" + c for c in bigrams[3:n + 3]],
            [b"t0=" + c for c in trigrams[1:n + 1]],
            [b"ty=" + types[i:i + 3] for i in range(n)],
            [b"wp=" + a + b for a, b in zip(pos_in_word, tag_of)],
            [b"w=" + w for w in word_of],
            [b"pt=" + a + b for a, b in zip(pos_in_word, prev_tag)],
            [b"nt=" + a + b for a, b in zip(pos_in_word, next_tag)],
            [b"lx=" + a + b for a, b in zip(pos_in_word, lex_of)],
            [b"plx=" + a for a in prev_lex],
            [b"nlx=" + a for a in next_lex],
            [b"pw=" + a for a in prev_word],
            [b"nw=" + a for a in next_word],
        )
        return list(zip(*columns))


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
