"""Date expressions of a sentence (2018年, 2019年3月, 今年6月2日) and which one dates a tie."""

from __future__ import annotations

import re
from bisect import bisect_left

from kg.nlp.relations.constants import DATE_AFTER
from kg.nlp.sentences import split_clauses

__all__ = ["sentence_dates", "date_for"]

_DATE_PATTERNS = (
    (re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?"), 3),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月"), 2),
    (re.compile(r"(\d{4})\s*年"), 1),
    (re.compile(r"(今年|去年|明年|前年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), -3),
    (re.compile(r"(今年|去年|明年|前年)\s*(\d{1,2})\s*月"), -2),
    (re.compile(r"(今年|去年|明年|前年)"), -1),
    (re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), 0),
)
_RELATIVE_YEAR = {"今年": 0, "去年": -1, "明年": 1, "前年": -2}


def sentence_dates(text: str, s: int, e: int, year: str | None) -> list[tuple[int, str, int]]:
    """``(position, ISO date, clause start)`` of the date expressions of ``text[s:e]`` (partial dates allowed).

    Relative dates (今年, 6月2日) need the article's ``year``.

    Examples
    --------
    >>> sentence_dates("2018年德州与有研签约，今年6月投产。", 0, 19, "2023")
    [(0, '2018', 0), (13, '2023-06', 13)]
    """
    found: list[tuple[int, int, str]] = []
    for regex, kind in _DATE_PATTERNS:
        for m in regex.finditer(text, s, e):
            if any(a < m.end() and m.start() < b for a, b, _ in found):
                continue
            g = m.groups()
            if kind > 0:
                y = int(g[0])
                parts = [g[0]] + [f"{int(x):02d}" for x in g[1:kind]]
            else:
                if year is None:
                    continue
                if kind == 0:
                    y, parts = int(year), [year] + [f"{int(x):02d}" for x in g]
                else:
                    y = int(year) + _RELATIVE_YEAR[g[0]]
                    parts = [str(y)] + [f"{int(x):02d}" for x in g[1:]]
            if not 1900 <= y <= 2100 or (len(parts) > 1 and not 1 <= int(parts[1]) <= 12) or (
                    len(parts) > 2 and not 1 <= int(parts[2]) <= 31):
                continue
            found.append((m.start(), m.end(), "-".join(parts)))
    # each date also records where its clause starts, so a trigger can tell whether it shares the clause
    clause_starts = [a for a, _ in split_clauses(text, s, e)]
    return sorted((a, iso, clause_starts[bisect_left(clause_starts, a + 1) - 1] if clause_starts else s)
                  for a, _, iso in found)


def date_for(dates: list[tuple[int, str, int]], pos: int, after: int = DATE_AFTER) -> str | None:
    """The date nearest before ``pos``, else one at most ``after`` characters after it in the same clause.

    A date in a later clause (签约，2019年建成投产 / 他说，2020年…) dates another event of the sentence.
    """
    before = [d for d in dates if d[0] <= pos]
    if before:
        return before[-1][1]
    later = [d for d in dates if pos < d[0] <= pos + after and d[2] <= pos]
    return later[0][1] if later else None
