"""Find the title, date and source in the header of a news page's visible text.

Web pages copied as text start with a header: navigation or breadcrumbs, the
headline, then one or more *meta lines* (date, ``来源:`` source, author, view
count), then the body.  The same heuristics serve two callers:

* the readers (:mod:`kg.ingest.readers`) fill ``Article.title/date/source``;
* the cleaner (:mod:`kg.ingest.clean`) finds the title line to keep it as the
  first clean line and to drop the junk above it.

Every pattern accepts simplified and traditional spellings (来源/來源), because
the readers see the original script and the cleaner sees simplified text.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = [
    "HeaderInfo",
    "find_header",
    "normalise_date",
    "strip_ruby",
    "title_key",
    "HEAD_LINES",
]

#: How many non-blank lines at the top of a page may hold the header.
HEAD_LINES = 15

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
#: A pinyin ruby annotation: a parenthesised run of pinyin letters right after a Han character.
RUBY_RE = re.compile(rf"(?<=[{_HAN}])[(（]([a-zü{_TONED}]{{1,7}})[)）]")
_TONED_RE = re.compile(f"[{_TONED}]")

_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"
)
_TIME = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_SOURCE_RE = re.compile(r"(?:来源|來源|稿源|出处|出處)\s*[:：]\s*([^\s|｜]+)")
_DATE_THEN_SOURCE_RE = re.compile(
    r"^\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?" + _TIME + r"\s+([^\s:：|｜]{2,20})\s*$"
)
_META_LINE_RE = re.compile(
    r"^\s*(?:(?:来源|來源|稿源|作者|出处|出處|发布时间|發布時間|发布日期|發布日期|时间|時間|日期)\s*[:：]"
    r"|(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
)
_BREADCRUMB_RE = re.compile(
    r"^\s*(?:(?:当前位置|當前位置|您的位置|你的位置|所在位置)\s*[:：]|(?:首页|首頁)\s*[>›»＞])"
)
_ORIGINAL_TITLE_RE = re.compile(r"^\s*原(?:标题|標題)\s*[:：]\s*(.+?)\s*$")
_SENTENCE_END_RE = re.compile(r"[。！？!?]\s*[”’」』]?\s*$")
_KEY_DROP_RE = re.compile(r"[\W_]+")


def strip_ruby(text: str) -> str:
    """Remove pinyin ruby annotations such as ``長(zhǎng)治`` -> ``長治`` (for metadata strings).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text without parenthesised pinyin runs that follow a Han character.
        A run without tone marks is removed only when the text has at least
        three toned ones (a page with ruby noise), so ``(app)`` survives elsewhere.

    Examples
    --------
    >>> strip_ruby("長(zhǎng)治高新區(qū)")
    '長治高新區'
    >>> strip_ruby("公司(app)")
    '公司(app)'
    """
    toned = sum(1 for m in RUBY_RE.finditer(text) if _TONED_RE.search(m.group(1)))
    if toned == 0:
        return text
    return RUBY_RE.sub(lambda m: "" if toned >= 3 or _TONED_RE.search(m.group(1)) else m.group(0), text)


def normalise_date(value: str) -> str | None:
    """Return the first plausible calendar date in ``value`` as ISO ``YYYY-MM-DD``, else None.

    Examples
    --------
    >>> normalise_date("2022-10-19 16:29:34 来源:定州日报")
    '2022-10-19'
    >>> normalise_date("发布时间：2023年7月8日")
    '2023-07-08'
    >>> normalise_date("2023-02-30") is None
    True
    """
    for m in _DATE_RE.finditer(value):
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return None


def title_key(text: str) -> str:
    """Comparison key for titles: letters, digits and Han only (punctuation and spaces dropped).

    Examples
    --------
    >>> title_key("對標“頭部”園區 青島") == title_key("對標“頭部”園區,青島")
    True
    """
    return _KEY_DROP_RE.sub("", text)


def is_meta_line(line: str) -> bool:
    """True for header lines that carry date/source/author rather than a headline.

    A line starting with a date counts only when short (≤ 40 characters), so a body
    paragraph such as ``2022年1月1日，《条例》正式实施……`` is not mistaken for one.

    Examples
    --------
    >>> is_meta_line("2024-10-21 09:59:10"), is_meta_line("來源:青島新聞網"), is_meta_line("德州天衢新区")
    (True, True, False)
    """
    m = _META_LINE_RE.search(line)
    if not m:
        return False
    return m.group(0).rstrip().endswith((":", "：")) or len(line.strip()) <= 40


def is_breadcrumb(line: str) -> bool:
    """True for a navigation path such as ``当前位置:首页 > 新闻`` or ``首頁>科技>資訊``."""
    return bool(_BREADCRUMB_RE.search(strip_ruby(line)))


def _plausible_title(line: str) -> bool:
    text = strip_ruby(line).strip()
    if not 4 <= len(text) <= 80:
        return False
    if is_meta_line(text) or is_breadcrumb(text) or _ORIGINAL_TITLE_RE.match(text):
        return False
    if _SENTENCE_END_RE.search(text) and not text.endswith(("?", "？", "!", "！")):
        return False  # ends like a body sentence (。)
    return len(title_key(text)) >= 4


@dataclass(frozen=True)
class HeaderInfo:
    """What :func:`find_header` found; indexes are positions in the ``lines`` it was given."""

    title: str | None = None
    title_index: int | None = None
    date: str | None = None
    source: str | None = None


def find_header(lines: list[str]) -> HeaderInfo:
    """Find title, date and source in the first :data:`HEAD_LINES` non-blank lines.

    Rules (first that applies wins):

    * title: the line after a breadcrumb line (``当前位置:首页 > …``, ``首頁>…``); else the
      nearest plausible line above the first meta line (date, ``来源:``, ``作者:``); else
      the text of an ``原标题:`` line (then ``title_index`` is None);
    * date: the first valid date on a short (≤ 60 chars) header line;
    * source: the value after ``来源:``/``來源:`` on a header line, else the word after the
      date on a ``2023-07-18 光明网`` line.

    Parameters
    ----------
    lines : list of str
        The text split into lines (blank lines allowed; they are skipped).

    Returns
    -------
    HeaderInfo
        Title with ruby annotations removed (script as written), ISO date, source as written.

    Examples
    --------
    >>> h = find_header(["定州", "", "定州产学研合作让科技成果“落地生金”", "2022-10-19 16:29:34 来源:定州日报", "正文。"])
    >>> h.title, h.title_index, h.date, h.source
    ('定州产学研合作让科技成果“落地生金”', 2, '2022-10-19', '定州日报')
    """
    head = [i for i, line in enumerate(lines) if line.strip()][:HEAD_LINES]
    title_index: int | None = None
    title: str | None = None

    crumb = next((k for k, i in enumerate(head) if is_breadcrumb(lines[i])), None)
    if crumb is not None and crumb + 1 < len(head) and _plausible_title(lines[head[crumb + 1]]):
        title_index = head[crumb + 1]
    if title_index is None:
        first_meta = next((k for k, i in enumerate(head) if is_meta_line(lines[i])), None)
        if first_meta is not None:
            k = first_meta - 1
            while k >= 0 and is_meta_line(lines[head[k]]):
                k -= 1
            if k >= 0 and _plausible_title(lines[head[k]]):
                title_index = head[k]
    if title_index is not None:
        title = " ".join(strip_ruby(lines[title_index]).split())
    else:
        for i in head:
            m = _ORIGINAL_TITLE_RE.match(lines[i])
            if m:
                title = " ".join(strip_ruby(m.group(1)).split())
                break

    date = source = None
    for i in head:
        line = strip_ruby(lines[i])
        if date is None and len(line.strip()) <= 60:
            date = normalise_date(line)
        if source is None:
            m = _SOURCE_RE.search(line)
            if m and len(line.strip()) <= 80:
                source = m.group(1)
            else:
                m = _DATE_THEN_SOURCE_RE.match(line)
                if m:
                    source = m.group(1)
        if date is not None and source is not None:
            break
    return HeaderInfo(title=title, title_index=title_index, date=date, source=source)
