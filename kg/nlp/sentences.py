"""Sentence splitting on Chinese punctuation (clean offsets)."""

from __future__ import annotations

import re

__all__ = ["split_sentences", "split_clauses"]

# A sentence ends after 。！？!? (and any run of them, e.g. "？！" or "……。"), plus the closing quotes
# and brackets that follow, or at a line break.  Semicolons only end clauses: Chinese news often
# chains clauses sharing one subject with "；", and the carried subject must stay in one sentence.
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)\]】》\"']*|\n+")
_CLAUSE_END = re.compile(r"[，,；;：:]")
_SPACE = " \t\r\n\u3000\xa0"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences of ``text``.

    A sentence ends after 。！？!? (with the closing quotes/brackets that follow) or at a line
    break. Spans exclude surrounding whitespace and are never empty; ``text[start:end]`` is the
    sentence.

    Parameters
    ----------
    text : str
        Clean text (offsets are *clean* offsets).

    Returns
    -------
    list of (int, int)
        Sentence spans in text order, non-overlapping.

    Examples
    --------
    >>> text = "德州与有研集团合作。“好！”他说\\n第二段"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['德州与有研集团合作。', '“好！”', '他说', '第二段']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip(_SPACE) else match.start()
        _add_stripped(text, start, end, spans)
        start = match.end()
    _add_stripped(text, start, len(text), spans)
    return _merge_opening_quotes(text, spans)


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the clause spans of ``text[start:end]`` (split at ，,；;：:), in text offsets.

    Examples
    --------
    >>> text = "天衢新区积极配合，将工作专班建在一线；"
    >>> [text[s:e] for s, e in split_clauses(text, 0, len(text))]
    ['天衢新区积极配合', '将工作专班建在一线']
    """
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _CLAUSE_END.finditer(text, start, end):
        _add_stripped(text, pos, match.start(), spans)
        pos = match.end()
    _add_stripped(text, pos, end, spans)
    return spans


def _add_stripped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    if end > start:
        spans.append((start, end))


def _merge_opening_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue a span made only of opening quotes/brackets to the sentence that follows it."""
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for s, e in spans:
        if carry is not None:
            s, carry = carry, None
        if all(ch in "“‘「『（(【《\"'" for ch in text[s:e]):
            carry = s
            continue
        merged.append((s, e))
    if carry is not None:
        merged.append((carry, len(text.rstrip(_SPACE))))
    return merged
