"""Reading the NER lexicons (kg/resources/lexicons/*.tsv) into plain tables, at initialise time.

Every file is UTF-8 TSV; lines starting with ``#`` are comments.  A malformed line is reported with a
warning naming the file and line, and skipped: one bad edit must not stop the pipeline.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kg.types import EntityClass

__all__ = ["Lexicons", "load_lexicons", "read_tsv"]


def read_tsv(path: Path, min_columns: int = 1):
    """Yield ``(line_number, columns)`` for the data lines of ``path``.

    Parameters
    ----------
    path : pathlib.Path
        The TSV file.
    min_columns : int
        Lines with fewer columns are skipped with a warning naming ``path:line``.
    """
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith("#"):
                continue
            columns = [c.strip() for c in line.split("\t")]
            if len(columns) < min_columns or not columns[0]:
                warnings.warn(f"{path}:{number}: expected {min_columns} tab-separated columns, skipped", stacklevel=2)
                continue
            yield number, columns


class SuffixIndex:
    """Longest-suffix lookups in a collection of words: one set probe per distinct word length.

    Testing ``text.endswith(w)`` for every word of a lexicon cost thousands of calls per span.

    Parameters
    ----------
    words : collection of str
        The words (a set or a dict; kept, not copied).

    Examples
    --------
    >>> suffixes = SuffixIndex({"公司", "有限公司", "局"})
    >>> suffixes.longest("有研半导体材料有限公司"), suffixes.longest("有限公司", proper=True)
    ('有限公司', '公司')
    >>> suffixes.longest("德州市"), suffixes.longest("")
    (None, None)
    """

    def __init__(self, words):
        self.words = words
        self.lengths = sorted({len(w) for w in words if w}, reverse=True)

    def longest(self, text: str, proper: bool = False) -> str | None:
        """The longest word ``text`` ends with (shorter than ``text`` when ``proper``), or ``None``."""
        size = len(text)
        for n in self.lengths:
            if n < size or (n == size and not proper):
                if text[-n:] in self.words:
                    return text[-n:]
        return None


class _Union:
    """Membership in either of two collections (no copy)."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def __contains__(self, item) -> bool:
        return item in self.first or item in self.second


def _concatenation_of(text: str, words) -> bool:
    """True when ``text`` (non-empty) splits into words of ``words`` (dynamic programming, words <= 8 chars)."""
    if not text:
        return False
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - 8), end):
            if reachable[start] and text[start:end] in words:
                reachable[end] = True
                break
    return reachable[-1]


def _entity_class(value: str, path: Path, number: int) -> EntityClass | None:
    try:
        return EntityClass(value)
    except ValueError:
        warnings.warn(f"{path}:{number}: unknown entity class {value!r}, skipped", stacklevel=3)
        return None


@dataclass
class Lexicons:
    """The editable NER data: names, name-grammar parts, short forms, positions."""

    gazetteer: dict[str, EntityClass] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)  # name -> GB/T 2260 code ("" when none)
    short_forms: dict[str, tuple[str, EntityClass]] = field(default_factory=dict)  # short -> (full, class)
    suffixes: dict[str, tuple[EntityClass, int]] = field(default_factory=dict)  # suffix -> (class, max chars)
    generic: set[str] = field(default_factory=set)
    stop_tokens: set[str] = field(default_factory=set)
    positions: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    post_titles: set[str] = field(default_factory=set)
    industry_words: set[str] = field(default_factory=set)
    list_heads: dict[str, EntityClass] = field(default_factory=dict)
    # suffixes that only describe after a bare place (美国公司 is "an American company"; 美国银行 is a name)
    descriptive_after_place: set[str] = field(default_factory=set)
    #: suffixes that name only after places or their one-character short forms (京雄高速, not 全自动高速)
    places_only: set[str] = field(default_factory=set)
    #: suffixes that name only after a company's name (江铃汽车集团有限公司富山工厂, not 智慧工厂)
    owner_only: set[str] = field(default_factory=set)
    # company legal forms, dropped to make a company's implicit short forms (…有限公司 -> 有研半导体); unlike
    # kg/resources/resolve/legal_forms.tsv (comparing names) it holds 集团: 有研集团's short form is 有研
    legal_forms: set[str] = field(default_factory=set)
    transliteration_chars: set[str] = field(default_factory=set)  # 加斯佩里尼: a foreign name's characters
    parent_words: tuple[str, ...] = ()  # 子公司, 旗下: the short form before them names the parent
    place_heads: set[str] = field(default_factory=set)  # 人, 籍, 地区: glued after a place (挪威人)
    region_abbreviations: set[str] = field(default_factory=set)  # 粤, 沪, 京: one-character province names
    foreign_countries: set[str] = field(default_factory=set)  # places.tsv rows noted 'country'
    home_countries: set[str] = field(default_factory=set)  # places.tsv rows noted 'home country' (中国)
    clause_verbs: set[str] = field(default_factory=set)  # 建设, 推进: verbs of the sentence, never inside a project name
    attendance_verbs: set[str] = field(default_factory=set)  # 出席, 邀请: a person's verbs, never inside an event name

    def is_generic(self, text: str) -> bool:
        """True when ``text`` is a concatenation of generic words (科技创新, 重点项目)."""
        return _concatenation_of(text, self.generic)

    def type_suffix(self, text: str, proper: bool = False) -> str | None:
        """The longest type suffix (``name_suffixes.tsv``) ``text`` ends with, or ``None``.

        With ``proper``, only a suffix shorter than ``text`` counts (有限公司 alone is no company name).

        Examples
        --------
        >>> lex = Lexicons(suffixes={"公司": (EntityClass.ENTERPRISE, 20), "有限公司": (EntityClass.ENTERPRISE, 20)})
        >>> lex.type_suffix("有研半导体材料有限公司"), lex.type_suffix("有限公司", proper=True), lex.type_suffix("德州")
        ('有限公司', '公司', None)
        """
        return self._suffix_index.longest(text, proper)

    def legal_form(self, text: str) -> str | None:
        """The longest company legal form (``legal_form`` flag in ``name_suffixes.tsv``) ``text`` ends with.

        Examples
        --------
        >>> lex = Lexicons(legal_forms={"公司", "有限公司", "集团"})
        >>> lex.legal_form("山东有研半导体材料有限公司"), lex.legal_form("有研集团"), lex.legal_form("德州银行")
        ('有限公司', '集团', None)
        """
        return self._legal_form_index.longest(text)

    def ends_with_position(self, text: str) -> bool:
        """True when ``text`` ends with a position title (青岛市委常委)."""
        return self._position_index.longest(text) is not None

    # built on first use: the tables are filled once, by load_lexicons, before any lookup
    @cached_property
    def _suffix_index(self) -> SuffixIndex:
        return SuffixIndex(self.suffixes)

    @cached_property
    def _legal_form_index(self) -> SuffixIndex:
        return SuffixIndex(self.legal_forms)

    @cached_property
    def _position_index(self) -> SuffixIndex:
        return SuffixIndex(self.positions)

    def is_places(self, text: str) -> bool:
        """True when ``text`` is a concatenation of place names (美国, 山东省德州市)."""
        return _concatenation_of(text, self.places)

    def is_transliterated_name(self, text: str) -> bool:
        """True when ``text`` reads as a transliterated foreign name: 2-8 characters of ``transliteration_chars.tsv``.

        Examples
        --------
        >>> lex = Lexicons(transliteration_chars=set("加斯佩里尼拉涅利"))
        >>> lex.is_transliterated_name("加斯佩里尼"), lex.is_transliterated_name("拉"), lex.is_transliterated_name("德州")
        (True, False, False)
        """
        return 2 <= len(text) <= 8 and all(c in self.transliteration_chars for c in text)

    def describes_place(self, text: str, suffix: str) -> bool:
        """True when ``text`` is a bare place plus a descriptive ``suffix`` (美国公司), i.e. no name.

        Examples
        --------
        >>> lex = Lexicons(places={"美国": "", "法国": "", "巴黎": ""}, descriptive_after_place={"公司"})
        >>> lex.describes_place("美国公司", "公司"), lex.describes_place("法国巴黎银行", "银行")
        (True, False)
        """
        return suffix in self.descriptive_after_place and self.is_places(text[: -len(suffix)])

    def is_industry_or_generic(self, text: str) -> bool:
        """True when ``text`` is made of industry words and generic words only (新能源汽车, 物联网产业)."""
        return _concatenation_of(text, _Union(self.industry_words, self.generic))

    def names_a_kind(self, body: str, cls: EntityClass | str) -> bool:
        """True when a name's ``body`` (before its type suffix) only names a kind of ``cls``: generic words,
        and for a company industry words too (航空 + 公司, 化工 + 有限公司)."""
        return self.is_industry_or_generic(body) if cls == EntityClass.ENTERPRISE else self.is_generic(body)

    def is_places_or_generic(self, text: str) -> bool:
        """True when ``text`` is made of place names, generic words and place heads only (德州市人才, 江西籍)."""
        return _concatenation_of(text, _Union(self.places, _Union(self.generic, self.place_heads)))

    def user_words(self):
        """Yield ``(word, freq, tag)`` for the owned jieba dictionary (names and name parts stay whole)."""
        for name in self.gazetteer:
            yield name, None, "nt"
        for short in self.short_forms:
            yield short, None, "nt"
        for suffix in self.suffixes:
            if len(suffix) >= 2:
                yield suffix, None, "n"
        for title in self.positions:
            yield title, None, "nn"
        for place, _code in self.places.items():
            if len(place) >= 3:  # 2-char short forms are mostly in jieba already; adding all would over-split
                yield place, None, "ns"


def load_lexicons(directory: Path, registries=()) -> Lexicons:
    """Read all lexicon files under ``directory`` (missing files give empty tables and a warning).

    Parameters
    ----------
    directory : pathlib.Path
        Usually ``kg/resources/lexicons``.
    registries : iterable of kg.registries.RegistryRow, optional
        Rows of the registries of real-world bodies: each name joins the gazetteer with its class, each
        alias the short forms (pointing at the name), unless the hand-kept lexicons already say otherwise
        or the alias is a place name.

    Returns
    -------
    Lexicons
    """
    lex = Lexicons()

    def path_of(name: str) -> Path | None:
        path = directory / name
        if not path.is_file():
            warnings.warn(f"{path}: lexicon file missing, using an empty table", stacklevel=3)
            return None
        return path

    if p := path_of("gazetteer.tsv"):
        for n, cols in read_tsv(p, 2):
            if (cls := _entity_class(cols[1], p, n)) is not None:
                lex.gazetteer[cols[0]] = cls
    if p := path_of("places.tsv"):
        for n, cols in read_tsv(p, 2):
            lex.places[cols[0]] = cols[2] if len(cols) > 2 else ""
            if len(cols) > 3 and cols[3] == "country":
                lex.foreign_countries.add(cols[0])
            elif len(cols) > 3 and cols[3] == "home country":
                lex.home_countries.add(cols[0])
    if (directory / "region_abbreviations.tsv").is_file():
        lex.region_abbreviations.update(cols[0] for _n, cols in read_tsv(directory / "region_abbreviations.tsv", 1)
                                        if cols[0] != "abbreviation")
    if (directory / "clause_verbs.tsv").is_file():
        lex.clause_verbs.update(cols[0] for _n, cols in read_tsv(directory / "clause_verbs.tsv", 1))
    if (directory / "attendance_verbs.tsv").is_file():
        lex.attendance_verbs.update(cols[0] for _n, cols in read_tsv(directory / "attendance_verbs.tsv", 1))
    if p := path_of("list_heads.tsv"):
        for n, cols in read_tsv(p, 2):
            if (cls := _entity_class(cols[1], p, n)) is not None:
                lex.list_heads[cols[0]] = cls
    if p := path_of("short_forms.tsv"):
        for n, cols in read_tsv(p, 3):
            if (cls := _entity_class(cols[2], p, n)) is not None:
                lex.short_forms[cols[0]] = (cols[1], cls)
    if p := path_of("name_suffixes.tsv"):
        for n, cols in read_tsv(p, 2):
            if (cls := _entity_class(cols[1], p, n)) is not None:
                try:
                    limit = int(cols[2]) if len(cols) > 2 and cols[2] else 20
                except ValueError:
                    warnings.warn(f"{p}:{n}: max_name_chars {cols[2]!r} is not a number, using 20", stacklevel=2)
                    limit = 20
                lex.suffixes[cols[0]] = (cls, limit)
                flags = {f.strip() for f in cols[3].split(",")} if len(cols) > 3 else set()
                if "descriptive" in flags:
                    lex.descriptive_after_place.add(cols[0])
                if "legal_form" in flags:
                    lex.legal_forms.add(cols[0])
                if "places_only" in flags:
                    lex.places_only.add(cols[0])
                if "owner_only" in flags:
                    lex.owner_only.add(cols[0])
    if p := path_of("parent_words.tsv"):
        lex.parent_words = tuple(cols[0] for _n, cols in read_tsv(p, 1))
    for name, target in (
        ("generic_words.tsv", lex.generic),
        ("stop_tokens.tsv", lex.stop_tokens),
        ("positions.tsv", lex.positions),
        ("surnames.tsv", lex.surnames),
        ("post_titles.tsv", lex.post_titles),
        ("industry_words.tsv", lex.industry_words),
        ("transliteration_chars.tsv", lex.transliteration_chars),
        ("place_heads.tsv", lex.place_heads),
    ):
        if p := path_of(name):
            target.update(cols[0] for _n, cols in read_tsv(p, 1))
    _add_registries(lex, registries)
    return lex


def _add_registries(lex: Lexicons, rows) -> None:
    """Registry names into the gazetteer, their aliases into the short forms (hand-kept rows win)."""
    rows = list(rows)
    for row in rows:
        cls = EntityClass(row.cls)
        lex.gazetteer.setdefault(row.name, cls)
    for row in rows:
        cls = EntityClass(row.cls)
        for alias in row.aliases:
            if len(alias) < 2 or alias in lex.places or alias in lex.generic or alias in lex.gazetteer:
                continue
            lex.short_forms.setdefault(alias, (row.name, cls))
