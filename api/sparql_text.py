"""A small SPARQL lexer: finds keywords outside strings, IRIs and comments, and rewrites updates.

The endpoint needs three things the pyoxigraph parser does not give it: whether a query or update uses
``SERVICE``/``LOAD`` (refused: the service works offline and must not fetch URLs for a client), whether an
update already has ``USING``/``WITH`` (then protocol ``using-graph-uri`` is a conflict), and where the
``WHERE`` of each DELETE/INSERT operation starts, to insert the protocol's ``USING`` clauses there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "scan", "keywords", "add_using_clauses", "DatasetConflict"]

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*(?::[\w\-.:%\u00B7\u00C0-\uFFFF]*)?|:[\w\-.:%\u00B7\u00C0-\uFFFF]*")
_VAR = re.compile(r"[?$][\w\u00B7\u00C0-\uFFFF]+")


@dataclass(frozen=True)
class Token:
    """A keyword-like word of SPARQL text: its upper-cased value, offset and brace depth."""

    value: str
    start: int
    depth: int


class DatasetConflict(ValueError):
    """Protocol dataset parameters given for an update that declares its own dataset (USING/WITH)."""


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end != -1 and _escaped(text, end):
            end = text.find(quote * 3, end + 1)
        return len(text) if end == -1 else end + 3
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote or c == "\n":
            return j + 1
        j += 1
    return j


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    k = pos - 1
    while k >= 0 and text[k] == "\\":
        backslashes += 1
        k -= 1
    return backslashes % 2 == 1


def scan(text: str) -> list[Token]:
    """Plain words (keywords, prefixed names) of ``text`` outside strings, IRIs, variables and comments.

    Examples
    --------
    >>> [(t.value, t.depth) for t in scan('SELECT * { ?s <urn:where> "WHERE" } # WHERE')]
    [('SELECT', 0)]
    """
    tokens: list[Token] = []
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
        elif c == "#":
            end = text.find("\n", i)
            i = n if end == -1 else end + 1
        elif c == "<":
            match = _IRI.match(text, i)
            i = match.end() if match else i + 1
        elif c in "?$":
            match = _VAR.match(text, i)
            i = match.end() if match else i + 1
        elif c == "{":
            depth += 1
            i += 1
        elif c == "}":
            depth = max(0, depth - 1)
            i += 1
        else:
            match = _WORD.match(text, i)
            if match:
                word = match.group(0)
                if ":" not in word:
                    tokens.append(Token(word.upper(), i, depth))
                i = match.end()
            else:
                i += 1
    return tokens


def keywords(text: str) -> set[str]:
    """Upper-cased keywords used anywhere in ``text`` (outside strings, IRIs and comments)."""
    return {t.value for t in scan(text)}


def add_using_clauses(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to every DELETE/INSERT … WHERE.

    Parameters
    ----------
    update : str
        The SPARQL update text.
    using, using_named : list of str
        IRIs of the ``using-graph-uri`` and ``using-named-graph-uri`` parameters.

    Returns
    -------
    str
        The update with ``USING <g>``/``USING NAMED <g>`` inserted before the ``WHERE`` of each operation
        that has one; unchanged when both lists are empty.

    Raises
    ------
    DatasetConflict
        When the update has its own ``USING`` or ``WITH`` (SPARQL 1.1 Protocol §2.2.3: a 4xx), or uses the
        ``DELETE WHERE`` short form, which cannot take a dataset.

    Examples
    --------
    >>> add_using_clauses("INSERT { ?s a <urn:x> } WHERE { ?s ?p ?o }", ["urn:g"], [])
    'INSERT { ?s a <urn:x> } USING <urn:g> WHERE { ?s ?p ?o }'
    """
    if not using and not using_named:
        return update
    tokens = [t for t in scan(update) if t.depth == 0]
    for token in tokens:
        if token.value in {"USING", "WITH"}:
            raise DatasetConflict(
                f"the update has its own {token.value} clause and using-graph-uri/using-named-graph-uri "
                "parameters were given too: use one or the other")
    clause = "".join(f"USING <{iri}> " for iri in using) + "".join(f"USING NAMED <{iri}> " for iri in using_named)
    inserts = []
    for previous, token in zip([None, *tokens], tokens):
        if token.value != "WHERE":
            continue
        between = update[previous.start + len(previous.value):token.start] if previous is not None else "x"
        if previous.value == "DELETE" and not between.strip():
            raise DatasetConflict("using-graph-uri/using-named-graph-uri cannot apply to the DELETE WHERE short form")
        inserts.append(token.start)
    for position in reversed(inserts):
        update = update[:position] + clause + update[position:]
    return update
