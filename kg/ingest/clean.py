"""Cleaning: boilerplate removal, normalisation and 繁→简 conversion with an offset map.

What :func:`clean` does, in order (every step keeps ``offsets`` exact):

1. line breaks: ``\\r\\n``/``\\r``/U+2028/U+2029 become ``\\n``;
2. HTML entities (``&nbsp;``, ``&amp;``, ``&#12345;``) are decoded (the character maps to the ``&``);
3. all space-like characters (tab, NBSP, ideographic space U+3000…) become an ASCII space;
   control, zero-width and format characters, lone surrogates and U+FFFD are removed;
4. full-width ASCII letters, digits and symbols become half-width (``２０２３`` -> ``2023``,
   ``ＡＩ`` -> ``AI``, ``％`` -> ``%``), except the full-width punctuation Chinese text uses:
   ``！（），：；？`` (and ``，。、“”《》【】`` which are not in that block anyway stay);
5. pinyin ruby annotations are removed (``長(zhǎng)治`` -> ``長治``, see
   :func:`kg.ingest.header.strip_ruby`), and on such pages also ruby debris whose ``(`` was
   mangled into ``?`` (``日?qǐng)?bào)`` -> ``日``; the mangled characters themselves are lost);
6. traditional -> simplified with OpenCC ``t2s``, one line at a time; a line whose length
   changes is redone character by character so each output character keeps its source;
   then the 1:1 extras of ``kg/resources/cleaning/t2s_extra.tsv`` (陜 -> 陕; 著 is left
   alone because 著名 keeps it);
7. ``span`` rules of the boilerplate file (markup debris such as ``?/p>`` and stray tags);
8. ASCII ``, ; : ! ?`` between Han characters become ``，；：！？`` (so sentence splitting
   and patterns see one punctuation style); digits keep ASCII (``1,000``, ``16:29``);
9. runs of spaces collapse to one; lines are stripped; blank lines disappear;
10. line-level boilerplate removal: junk above the title (or above breadcrumbs), ``line``,
    ``head`` and ``tail`` rules from ``kg/resources/cleaning/boilerplate.tsv`` (a ``tail`` rule
    drops until two consecutive plain body paragraphs, if any, follow), repeated
    title lines, and a trailing "more news" block (headline + teaser ending in ``...`` or
    ``[详细]`` + source/date lines) after the last body paragraph.

The clean text has the title (when found on the page) as its first line and one
paragraph per line, separated by a single ``\\n`` (which maps to an original line break).

Offsets are kept by working on a string plus a parallel list of original indexes; each
edit replaces a span by new characters that map to the span's own original characters
(1:1 when lengths agree, else all to the span's first character), so the map stays
monotone and every clean character points at the original character it came from.
"""

from __future__ import annotations

import csv
import functools
import html
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.ingest.header import HEAD_LINES, RUBY_RE, find_header, title_key
from kg.types import Article, CleanArticle

__all__ = [
    "clean",
    "clean_file",
    "explain",
    "BoilerplateRule",
    "load_boilerplate_rules",
    "load_t2s_extra",
    "DEFAULT_RULES_PATH",
]

_RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "cleaning"
#: The editable rule file (scope, pattern, reason); see its header for the format.
DEFAULT_RULES_PATH = _RESOURCES / "boilerplate.tsv"
#: Extra 1:1 character conversions applied after OpenCC t2s (from, to, note).
T2S_EXTRA_PATH = _RESOURCES / "t2s_extra.tsv"

_SCOPES = ("span", "line", "head", "tail")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED_CHARS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONED = re.compile(f"[{_TONED_CHARS}]")
# ruby whose "(" and Han character were mangled into "?" by a bad re-encoding: 日?qǐng)?bào)
_BROKEN_RUBY_RE = re.compile(f"[?？](?=[a-zü{_TONED_CHARS}]{{0,6}}[{_TONED_CHARS}])[a-zü{_TONED_CHARS}]{{1,7}}[)）]")

_LINE_BREAK_RE = re.compile("\r\n?|[\u2028\u2029\x85]")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,9});")
_SPACE_RE = re.compile("[\t\x0b\x0c\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffd\ufffe\uffff\ud800-\udfff]"
)
_KEEP_FULLWIDTH = set("！（），：；？")
_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH}
_FULLWIDTH_TABLE.update({0xFF61: "。", 0xFF62: "「", 0xFF63: "」", 0xFF64: "、"})
_ASCII_PUNCT_RE = re.compile(rf"(?<=[{_HAN}”’」》）)%])[,;:!?](?=[{_HAN}“‘「《（(])")
_ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_MULTI_SPACE_RE = re.compile(" {2,}")
_BODY_LIKE_RE = re.compile("[。！？]")
_TEASER_RE = re.compile(r"(?:\.{3}|(?<!…)…|\[(?:详细|详情|全文|更多|阅读全文)\]|阅读全文|>>)\s*$")
_SOURCE_DATE_RE = re.compile(r"^\S.{0,25}\s(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class BoilerplateRule:
    """One row of the boilerplate file: where it applies, what it matches and why it is junk."""

    scope: str  # "span", "line", "head" or "tail"
    pattern: re.Pattern
    reason: str
    where: str  # "file:line" of the rule, for error messages and explanations


@functools.lru_cache(maxsize=8)
def load_boilerplate_rules(path: str | os.PathLike | None = None) -> tuple[BoilerplateRule, ...]:
    """Read and compile the boilerplate rules (cached: read once per process and path).

    Parameters
    ----------
    path : path-like, optional
        A TSV file with columns ``scope``, ``pattern``, ``reason`` (``#`` comments and blank
        lines ignored). Default: :data:`DEFAULT_RULES_PATH`.

    Returns
    -------
    tuple of BoilerplateRule

    Raises
    ------
    ValueError
        A row with a wrong number of columns, an unknown scope or an invalid regular
        expression; the message names the file and line.
    """
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    rules = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            where = f"{path}:{number}"
            if row == ["scope", "pattern", "reason"]:
                continue
            if len(row) != 3:
                raise ValueError(f"{where}: expected 3 tab-separated columns (scope, pattern, reason), got {len(row)}")
            scope, pattern, reason = (cell.strip() for cell in row)
            if scope not in _SCOPES:
                raise ValueError(f"{where}: unknown scope {scope!r}; expected one of {', '.join(_SCOPES)}")
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None
            rules.append(BoilerplateRule(scope, compiled, reason, where))
    return tuple(rules)


@functools.lru_cache(maxsize=4)
def load_t2s_extra(path: str | os.PathLike | None = None) -> dict[int, str]:
    """Read the extra character conversions (cached) as a ``str.translate`` table.

    Raises
    ------
    ValueError
        A row that does not map exactly one character to one character (file:line named).
    """
    path = Path(path) if path is not None else T2S_EXTRA_PATH
    table: dict[int, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if not row or not "".join(row).strip() or row[0].startswith("#") or row[:2] == ["from", "to"]:
                continue
            if len(row) < 2 or len(row[0]) != 1 or len(row[1]) != 1:
                raise ValueError(f"{path}:{number}: expected one character -> one character, got {row[:2]!r}")
            table[ord(row[0])] = row[1]
    return table


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # loaded on first use, not at import

    return opencc.OpenCC("t2s")


class _Text:
    """A working string plus, for each of its characters, the original index it came from."""

    __slots__ = ("s", "offs")

    def __init__(self, s: str, offs: list[int]):
        self.s = s
        self.offs = offs

    def rewrite(self, edits: Iterable[tuple[int, int, str]]) -> None:
        """Apply sorted, non-overlapping ``(start, end, replacement)`` edits (``end > start``)."""
        chars: list[str] = []
        offs: list[int] = []
        pos = 0
        changed = False
        for start, end, rep in edits:
            changed = True
            chars.append(self.s[pos:start])
            offs.extend(self.offs[pos:start])
            if rep:
                chars.append(rep)
                if len(rep) == end - start:
                    offs.extend(self.offs[start:end])
                else:
                    offs.extend([self.offs[start]] * len(rep))
            pos = end
        if not changed:
            return
        chars.append(self.s[pos:])
        offs.extend(self.offs[pos:])
        self.s = "".join(chars)
        self.offs = offs

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> None:
        """Like ``re.sub`` but keeping offsets; empty matches are ignored."""
        func = repl if callable(repl) else (lambda m: repl)
        self.rewrite((m.start(), m.end(), func(m)) for m in pattern.finditer(self.s) if m.end() > m.start())

    def translate(self, table: dict) -> None:
        """Character-for-character mapping (offsets unchanged)."""
        self.s = self.s.translate(table)


def _decode_entity(match: re.Match) -> str:
    text = html.unescape(match.group(0))
    return text if text != "\ufffd" else match.group(0)


def _strip_ruby(t: _Text) -> None:
    toned = sum(1 for m in RUBY_RE.finditer(t.s) if _TONED.search(m.group(1)))
    if toned:
        t.rewrite(
            (m.start(), m.end(), "")
            for m in RUBY_RE.finditer(t.s)
            if toned >= 3 or _TONED.search(m.group(1))
        )
        t.sub(_BROKEN_RUBY_RE, "")


def _to_simplified(t: _Text) -> None:
    """OpenCC t2s per line; a line that changes length is converted char by char."""
    converter = _t2s()
    chars: list[str] = []
    offs: list[int] = []
    pos = 0
    for chunk in t.s.splitlines(keepends=True):
        converted = converter.convert(chunk)
        if len(converted) == len(chunk):
            chars.append(converted)
            offs.extend(t.offs[pos:pos + len(chunk)])
        else:
            for j, ch in enumerate(chunk):
                one = converter.convert(ch)
                chars.append(one)
                offs.extend([t.offs[pos + j]] * len(one))
        pos += len(chunk)
    t.s = "".join(chars).translate(load_t2s_extra())
    t.offs = offs


def _normalise(t: _Text, rules: tuple[BoilerplateRule, ...]) -> None:
    t.sub(_LINE_BREAK_RE, "\n")
    t.sub(_ENTITY_RE, _decode_entity)
    t.sub(_SPACE_RE, " ")
    t.sub(_INVISIBLE_RE, "")
    t.translate(_FULLWIDTH_TABLE)
    _strip_ruby(t)
    _to_simplified(t)
    for rule in rules:
        if rule.scope == "span":
            t.sub(rule.pattern, "")
    t.sub(_ASCII_PUNCT_RE, lambda m: _ASCII_TO_CJK[m.group(0)])
    t.sub(_MULTI_SPACE_RE, " ")


def _normalise_string(text: str) -> str:
    t = _Text(text, list(range(len(text))))
    _normalise(t, ())
    return " ".join(t.s.split())


def _body_like(line: str) -> bool:
    return len(line) >= 15 and bool(_BODY_LIKE_RE.search(line))


def _is_headline(line: str) -> bool:
    return len(line) <= 60 and "。" not in line


def _is_cue(line: str) -> bool:
    return bool(_TEASER_RE.search(line) or _SOURCE_DATE_RE.match(line))


def _classify(lines: list[str], title: str | None, rules: tuple[BoilerplateRule, ...]) -> list[str | None]:
    """Return, for each line, None to keep it or the reason it is dropped."""
    n = len(lines)
    drop: list[str | None] = [None] * n
    line_rules = [r for r in rules if r.scope != "span"]

    # the title line: the article's own title if it is on the page, else the header heuristics
    title_index = None
    if title:
        wanted = title_key(_normalise_string(title))
        if wanted:
            title_index = next((i for i in range(min(n, HEAD_LINES)) if title_key(lines[i]) == wanted), None)
    if title_index is None:
        title_index = find_header(lines).title_index
    tkey = title_key(lines[title_index]) if title_index is not None else None

    # header junk above the title / breadcrumbs, unless something there reads like body text
    cut = title_index if title_index is not None else 0
    for i in range(min(n, HEAD_LINES)):
        if title_index is not None and i >= title_index:
            break
        if any(r.scope == "head" and r.pattern.search(lines[i]) for r in line_rules):
            cut = max(cut, i + 1)
    if cut and not any(_body_like(lines[i]) for i in range(cut)):
        for i in range(cut):
            drop[i] = "header above the title (navigation, spam, channel name)"

    def plain_body(j: int) -> bool:
        """A body paragraph no rule or teaser cue claims."""
        return (
            j < n
            and _body_like(lines[j])
            and not _is_cue(lines[j])
            and not any(r.pattern.search(lines[j]) for r in line_rules)
        )

    body_seen = False
    i = 0
    while i < n:
        if drop[i] is not None or i == title_index:
            i += 1
            continue
        line = lines[i]
        if tkey and i > (title_index or 0) and title_key(line) == tkey:
            drop[i] = "repeated title"
            i += 1
            continue
        matching = [r for r in line_rules if r.pattern.search(line)]
        # a tail rule outranks a line rule matching the same line (想爆料 is also a hotline advert)
        rule = next((r for r in matching if r.scope == "tail"), matching[0] if matching else None)
        if rule is not None and rule.scope == "tail" and body_seen:
            # drop to the end, but resume at two consecutive plain body paragraphs: a footer or
            # related-news list never has those, so a false trigger cannot swallow an article
            j = i + 1
            while j < n and not (plain_body(j) and plain_body(j + 1)):
                j += 1
            for k in range(i, j):
                drop[k] = drop[k] or f"after end of article: {rule.reason}"
            i = j
            continue
        if rule is not None:
            drop[i] = rule.reason
        elif _body_like(line):
            body_seen = True
        i += 1

    # trailing "more news" block: headlines, teasers ending in ... / [详细], source+date lines
    kept = [i for i in range(n) if drop[i] is None and i != title_index]
    k = len(kept)
    while k > 0 and (_is_cue(lines[kept[k - 1]]) or _is_headline(lines[kept[k - 1]])):
        k -= 1
    block = kept[k:]
    if sum(1 for i in block if _is_cue(lines[i])) >= 2:
        start = 0
        while start < len(block):
            line = lines[block[start]]
            following = lines[block[start + 1]] if start + 1 < len(block) else None
            if _is_cue(line) or (
                following is not None and (_is_cue(following) or title_key(following) == title_key(line))
            ):
                break
            start += 1
        for i in block[start:]:
            drop[i] = "more-news list after the article (headlines and teasers)"
    return drop


def _clean(article: Article, rules: tuple[BoilerplateRule, ...]) -> tuple[CleanArticle, list[tuple[str, str]]]:
    original = article.text
    t = _Text(original, list(range(len(original))))
    _normalise(t, rules)
    s, offs = t.s, t.offs

    spans: list[tuple[int, int, int]] = []  # (start, end, index of the '\n' that ends the line or -1)
    pos = 0
    for raw in s.split("\n"):
        a, b = pos, pos + len(raw)
        newline = b if b < len(s) else -1
        while a < b and s[a] == " ":
            a += 1
        while b > a and s[b - 1] == " ":
            b -= 1
        if b > a:
            spans.append((a, b, newline))
        pos += len(raw) + 1
    lines = [s[a:b] for a, b, _ in spans]
    verdicts = _classify(lines, article.title, rules)

    chars: list[str] = []
    clean_offs: list[int] = []
    previous_newline = -1
    dropped = []
    for (a, b, newline), line, verdict in zip(spans, lines, verdicts):
        if verdict is not None:
            dropped.append((line, verdict))
            continue
        if chars:
            chars.append("\n")
            clean_offs.append(offs[previous_newline])
        chars.append(line)
        clean_offs.extend(offs[a:b])
        previous_newline = newline
    clean_offs.append(len(original))
    return CleanArticle(article=article, text="".join(chars), offsets=tuple(clean_offs)), dropped


def clean(article: Article, *, rules_path: str | os.PathLike | None = None) -> CleanArticle:
    """Return the cleaned, simplified text of ``article`` with offsets back to ``article.text``.

    Parameters
    ----------
    article : Article
        As read by :func:`kg.ingest.read_inputs`; ``article.title`` (if set and on the page)
        marks the title line.
    rules_path : path-like, optional
        Another boilerplate rule file (default: ``kg/resources/cleaning/boilerplate.tsv``).

    Returns
    -------
    CleanArticle
        ``text``: the title line (when found) then one paragraph per line, simplified and
        normalised, boilerplate removed. ``offsets[i]`` is the index in ``article.text`` of
        the character clean ``text[i]`` came from; the last entry is ``len(article.text)``.

    Examples
    --------
    >>> a = Article(id="x", text="首頁(yè)>科技\\n長(zhǎng)治高新區(qū)構建新格局\\n2020年，長(zhǎng)治高新區(qū)企業獲得專利５１０項。\\n責任編輯:某某")
    >>> c = clean(a)
    >>> print(c.text)
    长治高新区构建新格局
    2020年，长治高新区企业获得专利510项。
    >>> c.to_original(0, 2), a.text[c.offsets[0]]
    ((10, 19), '長')
    """
    return _clean(article, load_boilerplate_rules(rules_path))[0]


def explain(article: Article, *, rules_path: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """List the lines :func:`clean` drops from ``article`` with the reason for each (for tuning rules).

    Returns
    -------
    list of (line, reason)
        In page order; lines are shown normalised and simplified.
    """
    return _clean(article, load_boilerplate_rules(rules_path))[1]


def clean_file(path: str | os.PathLike) -> CleanArticle:
    """Read one file (first good article of a JSONL file) and clean it; what ``kg clean FILE`` prints.

    Raises
    ------
    ValueError
        When the file yields no article; the message lists the reader's Problems (path and reason).
    """
    from kg.ingest.readers import read_inputs
    from kg.types import Problem

    problems = []
    for item in read_inputs([path]):
        if isinstance(item, Problem):
            problems.append(str(item))
            continue
        return clean(item)
    raise ValueError("; ".join(problems) or f"{path}: no article found")
