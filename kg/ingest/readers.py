"""Read .txt/.html/.jsonl files, directories and globs into Articles (encoding detected by a library).

Rules
-----
* **Inputs**: each path may be a file, a directory (walked recursively, entries in sorted
  name order, hidden entries starting with ``.`` skipped, symlinked directories followed
  once — a loop is reported) or a glob (``*``, ``?``, ``[``; ``**`` is recursive). The
  same real file reached twice in one call is read once.
* **Formats** by extension (case-insensitive): ``.txt``/``.text`` plain text,
  ``.html``/``.htm``/``.xhtml`` web pages (visible text via selectolax/lexbor),
  ``.jsonl``/``.ndjson`` one JSON object per line. A file named explicitly (or matched by
  a glob) with any other extension is a :class:`~kg.types.Problem` ("unsupported file
  type"); inside a directory such files (README.md, images) are skipped silently.
* **Encodings** (txt/html): a byte-order mark wins (UTF-8, UTF-16, UTF-32); then strict
  UTF-8; then a ``<meta charset>`` the page declares (if it decodes strictly and plausibly;
  gb2312/gbk read as GB18030); then charset-normalizer restricted to Chinese encodings (GB18030 ⊃ GBK/GB2312,
  Big5/CP950). The decoded text must look like Chinese or ASCII text
  (:func:`implausible_reason`), otherwise the file is a Problem — nothing is silently
  mangled. Files with NUL bytes and no UTF-16/32 BOM, and known binary signatures
  (PNG, JPEG, GIF, PDF, ZIP, gzip…), are Problems. Very short non-UTF-8 files (a few
  characters) can be ambiguous between GB18030 and Big5. JSONL must be UTF-8.
* **Ids**: JSONL ``id`` (string or integer) when given; otherwise, for files, the file
  name stem (``seeds/000_f8f169bc42fa4364.txt`` -> ``000_f8f169bc42fa4364``); for a
  JSONL line without ``id``: ``<stem>-<first 12 hex of sha256(text)>`` (stable when
  lines are inserted or reordered). Two files with the same stem get the same id; the
  build runner reports such duplicates.
* ``Article.path`` is the path as given/joined (not resolved), with ``:<line>`` for JSONL.
* **Limits**: a txt/html file larger than :data:`MAX_FILE_BYTES` or a JSONL line longer
  than that is a Problem ("too large") and is never read whole into memory; a decoded
  article longer than :data:`MAX_ARTICLE_CHARS` characters is a Problem too.
* **Metadata**: JSONL fields ``title, date, source, url`` (other fields go to
  ``Article.meta``); for txt/html the page header (:func:`kg.ingest.header.find_header`);
  for HTML first ``og:``/``article:`` meta tags, ``<time datetime>``, ``<h1>``/``<title>``.
  ``title`` and ``source`` keep the script of the page (e.g. ``青島新聞網``), minus pinyin
  ruby noise; ``date`` is ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import codecs
import errno
import glob
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.ingest.header import find_header, normalise_date, strip_ruby
from kg.types import Article, Problem

__all__ = [
    "read_inputs",
    "read_file",
    "decode_bytes",
    "html_to_text",
    "implausible_reason",
    "DecodeError",
    "MAX_ARTICLE_CHARS",
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
]

#: Longest article text accepted (characters); longer ones are reported, not processed.
MAX_ARTICLE_CHARS = 5_000_000
#: Largest txt/html file or JSONL line read (bytes): UTF-8 Chinese is 3 bytes/char, HTML adds markup.
MAX_FILE_BYTES = 4 * MAX_ARTICLE_CHARS

SUPPORTED_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

# Encodings charset-normalizer may choose from when a file is not UTF-8 (Chinese news corpus).
_LEGACY_ENCODINGS = ["gb18030", "big5", "cp950", "big5hkscs"]

_BINARY_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"),
]

_JSONL_STR_FIELDS = ("title", "date", "source", "url")


class DecodeError(ValueError):
    """Raised by :func:`decode_bytes` when bytes are not (plausible) text; the message is the reason."""


# --------------------------------------------------------------------------- decoding


#: A character NOT expected in Chinese/ASCII news text (one regex pass: a Python test per character was
#: ~1% of a build).
_UNEXPECTED_CHAR = re.compile(
    r"[^\x20-\x7e\n\r\t\f\v"  # printable ASCII and whitespace
    r"\xa0-\xbf\xd7\xf7"  # Latin-1 punctuation and symbols (· ° ± «), × ÷
    r"āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜê"  # pinyin
    r"\u0370-\u03ff"  # Greek (α, β, μ in science news)
    r"\u2000-\u2bff"  # punctuation, symbols, arrows, maths, box drawing, ①
    r"\u2e80-\u33ff"  # CJK radicals, symbols and punctuation, kana, bopomofo, enclosed CJK
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    r"\ufe10-\ufe6f"  # vertical, compatibility and small forms
    r"\uff00-\uffef"  # full-width and half-width forms
    r"\U0001f000-\U0001faff"  # emoji
    r"\U00020000-\U0003ffff]"  # CJK extensions B+
)


def implausible_reason(text: str, *, max_bad_fraction: float = 0.1) -> str | None:
    """Explain why ``text`` does not look like Chinese-or-ASCII text, or return None when it does.

    A character is *bad* when it is a replacement character, a control character, or
    outside the scripts/blocks expected in Chinese news (Han, ASCII, CJK and full-width
    punctuation, common symbols, Greek, pinyin letters, emoji). More than
    ``max_bad_fraction`` bad characters means the bytes were mis-decoded or not text.

    Examples
    --------
    >>> implausible_reason("德州天衢新区 2023 ok") is None
    True
    >>> implausible_reason("ÖÐ¹ú¿Æ¼¼ÈÕ±¨")
    'not plausible Chinese or ASCII text (41% unexpected characters, e.g. ÖÐÆ)'
    """
    if not text:
        return None
    sample = text if len(text) <= 200_000 else text[:100_000] + text[-100_000:]
    bad = _UNEXPECTED_CHAR.findall(sample)
    if len(bad) > max_bad_fraction * len(sample):
        replacement = sample.count("\ufffd")
        if replacement > len(bad) / 2:
            return f"mostly replacement characters ({replacement} of {len(sample)}): text was mangled before"
        example = "".join(dict.fromkeys(bad))[:3]
        return f"not plausible Chinese or ASCII text ({len(bad) * 100 // len(sample)}% unexpected characters, e.g. {example})"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text/HTML file, detecting the encoding.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    (text, encoding) : tuple of str
        The decoded text (BOM removed) and the Python codec name used.

    Raises
    ------
    DecodeError
        Binary content, undecodable bytes, or decoded text that is not plausible
        Chinese-or-ASCII text; the message says which.

    Examples
    --------
    >>> decode_bytes("長治高新區企業獲得授權專利".encode("big5"))
    ('長治高新區企業獲得授權專利', 'big5')
    >>> decode_bytes(codecs.BOM_UTF8 + "德州".encode())
    ('德州', 'utf_8_sig')
    """
    boms = [
        (codecs.BOM_UTF32_LE, "utf_32_le", "utf_32"),
        (codecs.BOM_UTF32_BE, "utf_32_be", "utf_32"),
        (codecs.BOM_UTF8, "utf_8", "utf_8_sig"),
        (codecs.BOM_UTF16_LE, "utf_16_le", "utf_16"),
        (codecs.BOM_UTF16_BE, "utf_16_be", "utf_16"),
    ]
    for bom, codec, name in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {name} after its byte-order mark at byte {exc.start + len(bom)}") from None
            _check_plausible(text, name)
            return text, name
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise DecodeError(f"binary file ({kind}), not text")
    if b"\x00" in data[:65536]:
        raise DecodeError("binary file (contains NUL bytes; UTF-16/32 text needs a byte-order mark)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _check_plausible(text, "utf_8")
        return text, "utf_8"
    declared = _declared_charset(data)
    if declared:
        # an HTML page's own <meta charset> is a strong hint; used only if it decodes strictly and plausibly
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            if implausible_reason(text) is None:
                return text, declared

    from charset_normalizer import from_bytes  # imported on first non-UTF-8 file only

    best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    if best is None:
        raise DecodeError("undecodable bytes: not UTF-8, GB18030/GBK or Big5")
    text = str(best)
    _check_plausible(text, best.encoding)
    return text, best.encoding


_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,30})""", re.IGNORECASE)
# legacy labels widened to their supersets (pages labelled gb2312/gbk often use GB18030 characters)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs"}


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _check_plausible(text: str, encoding: str) -> None:
    reason = implausible_reason(text)
    if reason:
        raise DecodeError(f"decoded as {encoding} but {reason}")


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = (
    "script, style, noscript, template, nav, footer, aside, iframe, svg, canvas, object, embed, "
    "button, select, option, input, textarea, head"
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body br dd div dl dt fieldset figcaption figure form h1 h2 h3 h4 h5 h6 "
    "header hr li main ol p pre section table tbody thead tfoot tr td th ul caption center".split()
)


def html_to_text(html: str) -> tuple[str, dict]:
    """Visible text of an HTML page (paragraphs on their own lines) and the metadata its tags give.

    Scripts, styles, ``noscript``, navigation, footers, asides, forms controls and the
    ``<head>`` are dropped; block elements (``p``, ``div``, ``br``, ``li``, headings, table
    rows…) start new lines; runs of spaces collapse; blank lines are removed.

    Returns
    -------
    (text, meta) : tuple
        ``meta`` may hold ``title``, ``date`` (ISO), ``source`` and ``url``.

    Examples
    --------
    >>> text, meta = html_to_text('<title>T</title><p>一&nbsp;段</p><script>x()</script><p>二</p>')
    >>> text, meta["title"]
    ('一 段\\n二', 'T')
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    meta = _html_meta(tree)
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    pieces: list[str] = []
    root = tree.body or tree.root
    # iterative walk (deep pages must not hit the recursion limit); ("end", tag) closes a block
    stack: list = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            pieces.append(node)
            continue
        tag = node.tag
        if tag == "-text":
            pieces.append(node.text(deep=False) or "")
            continue
        if tag in ("-comment", "-doctype") or (tag or "").startswith("!"):
            continue
        block = tag in _BLOCK_TAGS
        if block:
            pieces.append("\n")
        children = list(node.iter(include_text=True))
        if block:
            stack.append("\n")
        stack.extend(reversed(children))
    lines = []
    for line in "".join(pieces).splitlines():
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return "\n".join(lines), meta


def _html_meta(tree) -> dict:
    def content(selector: str) -> str | None:
        node = tree.css_first(selector)
        if node is None:
            return None
        value = node.attributes.get("content") or node.attributes.get("datetime") or node.attributes.get("href")
        value = " ".join((value or "").split())
        return value or None

    meta: dict = {}
    title = content('meta[property="og:title"]') or content('meta[name="title"]')
    if not title:
        for selector in ("h1", "title"):
            node = tree.css_first(selector)
            if node is not None and node.text(strip=True):
                title = " ".join(node.text().split())
                break
    if title:
        meta["title"] = strip_ruby(title)
    for selector in (
        'meta[property="article:published_time"]',
        'meta[name="pubdate"]',
        'meta[name="publishdate"]',
        'meta[name="PubDate"]',
        'meta[name="date"]',
        'meta[itemprop="datePublished"]',
        "time[datetime]",
    ):
        value = content(selector)
        if value and normalise_date(value):
            meta["date"] = normalise_date(value)
            break
    source = content('meta[name="source"]') or content('meta[property="og:site_name"]')
    if source:
        meta["source"] = source
    url = content('meta[property="og:url"]') or content('link[rel="canonical"]')
    if url:
        meta["url"] = url
    return meta


# --------------------------------------------------------------------------- walking


def _has_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "no such file or directory (or a broken symbolic link)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a directory"
    return f"cannot read: {exc.strerror or exc}"


def _expand(paths: Iterable[str | Path]) -> Iterator[tuple[str, Problem | None]]:
    """Yield ``(file path, None)`` for each file to read, or ``(path, Problem)`` for a bad input."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for raw in paths:
        path = os.fspath(raw)
        if not os.path.lexists(path):
            if _has_glob(path):
                matches = sorted(glob.glob(path, recursive=True))
                if not matches:
                    yield path, Problem(path, "no file matches this pattern")
                for match in matches:
                    yield from _expand_one(match)
            else:
                yield path, Problem(path, "no such file or directory")
            continue
        yield from _expand_one(path)


def _expand_one(path: str) -> Iterator[tuple[str, Problem | None]]:
    try:
        st = os.stat(path)
    except OSError as exc:
        yield path, Problem(path, _os_reason(exc))
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk(path, {(st.st_dev, st.st_ino)})
    else:
        yield path, None


def _walk(directory: str, ancestors: set[tuple[int, int]]) -> Iterator[tuple[str, Problem | None]]:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield directory, Problem(directory, f"cannot list directory: {_os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden files (.DS_Store, .git) are not articles
        path = os.path.join(directory, entry.name)
        try:
            st = os.stat(path)
        except OSError as exc:
            yield path, Problem(path, _os_reason(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                yield path, Problem(path, "symbolic link loop: directory links back to one being read")
                continue
            yield from _walk(path, ancestors | {key})
        elif os.path.splitext(entry.name)[1].lower() in SUPPORTED_SUFFIXES:
            yield path, None
        # other files in a directory (README.md, images) are not inputs: skipped without a Problem


# --------------------------------------------------------------------------- reading


def read_inputs(
    paths: Iterable[str | Path],
    *,
    max_chars: int = MAX_ARTICLE_CHARS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Iterator[Article | Problem]:
    """Yield one :class:`Article` per readable article and one :class:`Problem` per unreadable input.

    Parameters
    ----------
    paths : iterable of str or Path
        Files, directories (recursive, sorted) and glob patterns, in the order to read them.
    max_chars : int
        Longest article text accepted, in characters (default :data:`MAX_ARTICLE_CHARS`).
    max_bytes : int
        Largest txt/html file or JSONL line read, in bytes (default :data:`MAX_FILE_BYTES`).

    Yields
    ------
    Article or Problem
        Never raises for bad input: missing paths, unreadable or binary files, bad
        encodings, empty or too large articles and bad JSONL lines become Problems,
        and reading goes on.

    Examples
    --------
    >>> items = list(read_inputs(["no/such/file.txt"]))
    >>> str(items[0])
    'no/such/file.txt: no such file or directory'
    """
    seen: set[str] = set()
    for path, problem in _expand(paths):
        if problem is not None:
            yield problem
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue  # the same file given twice (e.g. a directory and a glob inside it)
        seen.add(real)
        yield from read_file(path, max_chars=max_chars, max_bytes=max_bytes)


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many articles :func:`read_inputs` will try to read: one per txt/html file, one per non-blank JSONL line.

    Cheap (a JSONL file is scanned for newlines, nothing is decoded or parsed), so a progress bar can show
    an ETA. Unreadable paths count 0; an article later reported as a Problem still counts.

    Examples
    --------
    >>> count_inputs(["no/such/file.txt"])
    0
    """
    total, seen = 0, set()
    for path, problem in _expand(paths):
        real = os.path.realpath(path)
        if problem is not None or real in seen:
            continue
        seen.add(real)
        if SUPPORTED_SUFFIXES.get(os.path.splitext(path)[1].lower()) != "jsonl":
            total += 1
            continue
        try:
            with open(path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            continue  # read_inputs reports it
    return total


def read_file(
    path: str | Path,
    *,
    max_chars: int = MAX_ARTICLE_CHARS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Iterator[Article | Problem]:
    """Read one file (any supported format) into Articles and Problems; see :func:`read_inputs`."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if kind is None:
        known = ", ".join(sorted(SUPPORTED_SUFFIXES))
        yield Problem(path, f"unsupported file type {suffix or '(no extension)'!r}; expected one of {known}")
        return
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            yield Problem(path, "not a regular file")
            return
        if kind == "jsonl":
            yield from _read_jsonl(path, max_chars=max_chars, max_bytes=max_bytes)
            return
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        yield Problem(path, _os_reason(exc))
        return
    if len(data) > max_bytes:
        yield Problem(path, f"too large: file is over {max_bytes} bytes (limit MAX_FILE_BYTES)")
        return
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield Problem(path, str(exc))
        return
    del data
    meta: dict = {}
    if kind == "html":
        text, tag_meta = html_to_text(text)
        meta.update(tag_meta)
    problem = _check_text(path, text, max_chars)
    if problem:
        yield problem
        return
    header = find_header(text.split("\n")[:200])
    yield Article(
        id=_id_from_path(path),
        text=text,
        title=meta.get("title") or header.title,
        date=meta.get("date") or header.date,
        source=header.source or meta.get("source"),
        url=meta.get("url"),
        path=path,
        encoding=encoding,
    )


def _id_from_path(path: str) -> str:
    return Path(path).stem


def _check_text(path: str, text: str, max_chars: int, line: int | None = None) -> Problem | None:
    if len(text) > max_chars:
        return Problem(path, f"too large: {len(text)} characters (limit {max_chars})", line=line)
    if not text.strip():
        return Problem(path, "empty article (no text)", line=line)
    return None


def _read_jsonl(path: str, *, max_chars: int, max_bytes: int) -> Iterator[Article | Problem]:
    stem = Path(path).stem
    with open(path, "rb") as handle:
        number = 0
        while True:
            raw = handle.readline(max_bytes + 1)
            if not raw:
                break
            number += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                # skip the rest of the over-long line in bounded chunks
                while True:
                    chunk = handle.readline(1 << 20)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                yield Problem(path, f"too large: line is over {max_bytes} bytes (limit MAX_FILE_BYTES)", line=number)
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue  # blank lines (e.g. a trailing newline) are not records
            yield _jsonl_record(path, stem, number, raw, max_chars)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value) -> str | None:
    """Describe the first lone UTF-16 surrogate in a parsed JSON value (keys included), or return None.

    Iterative, so a record nested as deep as the JSON parser allows cannot exhaust the Python stack.
    """
    stack: list = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            match = _SURROGATE_RE.search(item)
            if match:
                field = f"{where!r}" if where else "a value"
                return (f"{field} holds a lone surrogate U+{ord(match.group()):04X} at character {match.start()} "
                        "(an unpaired \\ud800-\\udfff escape is not valid Unicode)")
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                stack.append((child, f"{where}.{key}" if where else key))
                stack.append((key, "a field name"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in reversed(list(enumerate(item))))
    return None


def _jsonl_record(path: str, stem: str, number: int, raw: bytes, max_chars: int) -> Article | Problem:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(path, f"not UTF-8 at byte {exc.start} (JSONL must be UTF-8)", line=number)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Problem(path, f"broken JSON: {exc.msg} at column {exc.colno}", line=number)
    except RecursionError:
        return Problem(path, "JSON nested too deeply (arrays/objects inside each other beyond the parser's limit)",
                       line=number)
    if not isinstance(record, dict):
        return Problem(path, f"expected a JSON object, got {type(record).__name__}", line=number)
    surrogate = _lone_surrogate(record)
    if surrogate:
        # JSON may escape half a UTF-16 pair ("\\ud800"); such a string is not Unicode text and cannot be
        # hashed, stored or served, so the record is refused here with the field that holds it
        return Problem(path, surrogate, line=number)
    if "text" not in record or record["text"] is None:
        return Problem(path, "missing 'text' field", line=number)
    text = record["text"]
    if not isinstance(text, str):
        return Problem(path, f"'text' must be a string, got {type(text).__name__}", line=number)
    for name in _JSONL_STR_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return Problem(path, f"{name!r} must be a string, got {type(value).__name__}", line=number)
    article_id = record.get("id")
    if article_id is not None:
        if isinstance(article_id, bool) or not isinstance(article_id, (str, int)):
            return Problem(path, f"'id' must be a string or integer, got {type(article_id).__name__}", line=number)
        article_id = str(article_id).strip()
        if not article_id:
            return Problem(path, "empty 'id'", line=number)
    problem = _check_text(path, text, max_chars, line=number)
    if problem:
        return problem
    reason = implausible_reason(text)
    if reason:
        return Problem(path, f"'text' is {reason}", line=number)
    if article_id is None:
        article_id = f"{stem}-{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"
    meta = {k: v for k, v in record.items() if k not in ("id", "text", *_JSONL_STR_FIELDS)}
    date = record.get("date")
    iso = normalise_date(date) if date else None
    if date and iso is None:
        meta["date_raw"] = date
    title = record.get("title")
    return Article(
        id=article_id,
        text=text,
        title=title or None,
        date=iso,
        source=record.get("source") or None,
        url=record.get("url") or None,
        path=f"{path}:{number}",
        encoding="utf_8",
        meta=meta,
    )
