"""What the frames read: an article's mentions prepared once, and each sentence's clauses, groups and status.

:class:`ArticleContext` holds what is computed once per article (the outermost mentions, which mention is
glued to which, the home place, the year); :class:`SentenceContext` holds one sentence (its mentions,
clauses, dates) and the grammar helpers the frames share (coordinated groups, whether a preposition
governs a group, the subject opening a clause, the status of a trigger).  Both are plain objects built per
call, so an extractor keeps no state between articles.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.nlp.relations.constants import MAX_COORD_GAP, NEGATION_WINDOW
from kg.nlp.relations.dates import sentence_dates
from kg.nlp.relations.resources import RelationResources
from kg.nlp.sentences import split_clauses
from kg.types import ORGANISATION_CLASSES, CleanArticle, EntityClass, Mention, TieStatus

__all__ = ["Group", "ArticleContext", "SentenceContext", "outermost", "split_items", "same_actor", "home_place",
           "trim_place", "tie_status"]

_ADVERBIAL = re.compile(r"\d+年\d*月?\d*[日号]?|\d+月\d+[日号]|今年|去年|近年来|近年|目前|同时|此外|另外|其中|日前|近日"
                        r"|[\d]+|[“”‘’\"'（）()\s]")


#: "in X's … (under)": X helps, it is not where the clause happens (在上海市的对口援助下，这里…)
_HELPER_PHRASE = re.compile(r"的[\u4e00-\u9fff]{1,8}下")
#: 在 + one character (a region's abbreviation: 京, 沪) + a verb-like next character
_ABBREVIATED_PLACE = re.compile(r"在([\u4e00-\u9fff])(?=[举召开出主参闭发会])")


@dataclass
class Group:
    """Coordinated mentions (``A、B和C``) standing in one syntactic slot."""

    members: list[Mention]

    @property
    def start(self) -> int:
        """Start of the first member."""
        return self.members[0].start

    @property
    def end(self) -> int:
        """End of the last member."""
        return self.members[-1].end


def outermost(mentions: Iterable[Mention]) -> list[Mention]:
    """Drop mentions nested in (or overlapping) a longer one; keep text order."""
    kept: list[Mention] = []
    starts: list[int] = []  # sorted starts of kept (non-overlapping) spans
    ends: list[int] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        i = bisect_left(starts, m.start)
        if (i < len(starts) and starts[i] < m.end) or (i > 0 and ends[i - 1] > m.start):
            continue
        starts.insert(i, m.start)
        ends.insert(i, m.end)
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def split_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the items of a list ``X、Y和Z等`` in ``text[start:end]``.

    Examples
    --------
    >>> text = "中科院、清华大学和北京大学等"
    >>> [text[a:b] for a, b in split_items(text, 0, len(text))]
    ['中科院', '清华大学', '北京大学']
    """
    body_end = end
    stop = text.rfind("等", start, end)
    if stop >= 0 and end - stop <= 3:
        body_end = stop
    spans, pos = [], start
    for m in re.finditer(r"、|以及|和|及", text[start:body_end]):
        spans.append((pos, start + m.start()))
        pos = start + m.end()
    spans.append((pos, body_end))
    return [(a, b) for a, b in spans if b > a]


def same_actor(a: Mention, b: Mention) -> bool:
    """True when two mentions are the same span of the same name, or name the same actor.

    (A parent read from a registry sits on its unit's span under another name: not the same actor.)
    """
    return (a.start, a.end, a.text) == (b.start, b.end, b.text) or (a.canonical or a.text) == (b.canonical or b.text)


def home_place(mentions: Sequence[Mention]) -> Mention | None:
    """The place the article is about: the most often mentioned Place (first one on ties)."""
    counts: dict[str, list] = {}
    for m in mentions:
        if m.cls is EntityClass.PLACE:
            key = m.canonical or m.text
            counts.setdefault(key, [0, m])[0] += 1
    if not counts:
        return None
    return max(counts.values(), key=lambda c: c[0])[1]


@dataclass
class ArticleContext:
    """An article's text and mentions, prepared once for every sentence of it."""

    clean: CleanArticle
    res: RelationResources
    mentions: list[Mention]
    glued: dict[int, int] = field(default_factory=dict)  # start of a mention -> start of the one glued before it
    home: Mention | None = None
    org_starts: frozenset[int] = frozenset()
    year: str | None = None
    preps: tuple[str, ...] = ()
    _orgs_by_length: list[Mention] = field(default_factory=list)
    titled: frozenset[int] = frozenset()  # starts of mentions written as part of a person's title

    @classmethod
    def build(cls, clean: CleanArticle, mentions: Sequence[Mention], res: RelationResources) -> "ArticleContext":
        """Outermost mentions (a place that swallowed a trigger trimmed first) and the per-article facts."""
        text = clean.text
        kept = outermost(trim_place(clean, m, res) for m in mentions if 0 <= m.start < m.end <= len(text))
        ends = {m.end: m.start for m in kept}
        date = clean.article.date
        return cls(
            clean=clean, res=res, mentions=kept,
            glued={m.start: ends[m.start] for m in kept if m.start in ends},
            home=home_place(kept),
            org_starts=frozenset(m.start for m in kept if m.cls in ORGANISATION_CLASSES),
            year=date[:4] if date and date[:4].isdigit() else None,
            preps=tuple(sorted(res.words("preposition"), key=len, reverse=True)),
            _orgs_by_length=sorted((m for m in kept if m.cls in ORGANISATION_CLASSES or m.cls is EntityClass.PROJECT),
                                   key=lambda m: len(m.text), reverse=True),
            titled=frozenset(m.start for m in kept if _before_title(text, m.end, res)),
        )

    def registry_parent(self, m: Mention) -> Mention | None:
        """The parent a registry gives for ``m``'s body, as a mention on ``m``'s span (source ``registry``), when
        the name the article writes shows it (中科院长春光机所, 国务院新闻办公室; not 退役军人事务部 -> 国务院)."""
        found = self.res.parents.get(m.canonical or m.text) or self.res.parents.get(m.text)
        if found is None:
            # 川藏铁路色季拉山隧道, 中国科学院深海所: a unit named after a registry body it is not itself
            text = self.res.strip_places(m.text)
            size = next((n for n in range(len(text) - 1, 1, -1) if text[:n] in self.res.bodies
                         and not self.res.same_actor_rest(text[n:])), 0)
            found = self.res.bodies[text[:size]] if size else None
            if found is None or found[0] == (m.canonical or m.text):
                return None
            own = self.res.bodies.get(m.canonical or m.text) or self.res.bodies.get(m.text)
            if own is not None and not own[0].startswith(found[0]):
                return None  # 中国石油化工集团 (中国石化) begins with 中国石油 but is no unit of it
        name, cls = found
        if not any(form in m.text for form in self.res.forms.get(name, (name,)) if len(form) >= 2):
            return None
        return Mention(name, cls, m.start, m.end, m.orig_start, m.orig_end, source="registry",
                       confidence=m.confidence, canonical=name)

    def name_parent(self, m: Mention) -> Mention | None:
        """The article's organisation (or, for a project, project) whose name ``m``'s name begins with (after place
        prefixes), if ``m`` is its unit.

        The longest such name wins; a rest that only repeats a type, legal form or descriptor
        (清华 / 清华大学) makes the two one actor, not a unit and its parent.
        """
        names = [m.text]
        stripped = self.res.strip_places(m.text)
        if stripped != m.text:
            names.append(stripped)
        for parent in self._orgs_by_length:
            p = parent.text
            if len(p) < 2 or len(p) >= len(m.text) or same_actor(parent, m):
                continue
            if m.canonical and parent.canonical and m.canonical == parent.canonical:
                continue
            if parent.cls is EntityClass.PROJECT and m.cls is not EntityClass.PROJECT:
                continue  # only a project has parts named after it (川藏铁路 + 色季拉山隧道)
            for name in names:
                if name.startswith(p) and len(name) > len(p) and not self.res.same_actor_rest(name[len(p):]):
                    return parent
        if (m.canonical or m.text) in self.res.bodies or m.text in self.res.bodies:
            return None  # a registry body's parent is a body the registry knows (中国人民政治协商会议全国委员会)
        return self._inner_owner(m)

    def _inner_owner(self, m: Mention) -> Mention | None:
        """北京大学口腔医院 -> 北京大学, 徐工集团重型机械有限公司 -> 徐工集团: the longest beginning of the name that ends
        in an organisation's type suffix (and is not the whole name, nor only a place + the rest's type) names
        the owner; it becomes a mention on ``m``'s span (source ``relations``)."""
        text, suffixes = m.text, self.res.owner_suffixes
        for end in range(len(text) - 2, 2, -1):
            head = text[:end]
            suffix = next((head[-n:] for n in (6, 5, 4, 3, 2) if head[-n:] in suffixes), None)
            if suffix is None or len(head) - len(suffix) < 2 or self.res.same_actor_rest(text[end:]):
                continue
            if self.res.strip_places(head) == suffix and suffix in self.res.words("descriptive_suffix"):
                continue  # 上海 + 公司 describes a company of Shanghai, it names none (北京 + 大学 names one)
            return Mention(head, suffixes[suffix], m.start, m.start + end, m.orig_start, m.orig_start + end,
                           source="relations", confidence=m.confidence, canonical=head)
        return None

    @property
    def text(self) -> str:
        """The clean text every offset indexes."""
        return self.clean.text

    def glued_start(self, start: int, floor: int = 0) -> int:
        """Where the run of mentions glued before the one at ``start`` begins (北京|西城区), not before ``floor``."""
        while (glued := self.glued.get(start)) is not None and glued >= floor:
            start = glued
        return start

    def sentence(self, s: int, e: int) -> "SentenceContext":
        """The context of the sentence ``text[s:e]``: its mentions (with anaphors, without place modifiers)."""
        starts = [m.start for m in self.mentions]
        lo, hi = bisect_left(starts, s), bisect_left(starts, e)
        ms = [m for m in self.mentions[lo:hi] if m.end <= e]
        ms = self._with_anaphors(s, e, ms)
        ms = self._with_abbreviated_places(s, e, ms)
        ms = [m for m in ms if not self._place_modifier(m, e)]
        text = self.text
        return SentenceContext(self, s, e, ms, split_clauses(text, s, e), sentence_dates(text, s, e, self.year))

    def _with_anaphors(self, s: int, e: int, mentions: list[Mention]) -> list[Mention]:
        """Add mentions for 我市/本市/该区… pointing at the article's home place, and for 这里/当地… (``deictic``)
        pointing at the nearest place or park written before them in the paragraph."""
        extra = []
        for kind in ("anaphor", "deictic"):
            for word in self.res.words(kind):
                for match in re.finditer(re.escape(word), self.text[s:e]):
                    a, b = s + match.start(), s + match.end()
                    if any(m.start < b and a < m.end for m in mentions) or self.text.startswith("时间", b):
                        continue  # 当地时间 is a time
                    target = self.home if kind == "anaphor" else self._place_before(a)
                    if target is None:
                        continue
                    o0, o1 = self.clean.to_original(a, b)
                    extra.append(Mention(word, target.cls, a, b, o0, o1, source="anaphora", confidence=0.7,
                                         canonical=target.canonical or target.text))
        return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions

    def _place_before(self, pos: int) -> Mention | None:
        """The nearest Place or Park mention ending before ``pos`` in the same paragraph (None if none)."""
        floor = self.text.rfind("\n", 0, pos) + 1
        i = bisect_left([m.start for m in self.mentions], pos) - 1
        while i >= 0 and self.mentions[i].start >= floor:
            m = self.mentions[i]
            if m.cls in (EntityClass.PLACE, EntityClass.PARK) and m.end <= pos and m.start not in self.titled \
                    and not _HELPER_PHRASE.match(self.text, m.end):  # 在上海市的对口援助下: a helper, not where
                return m
            i -= 1
        return None

    def region_pieces(self, a: int, b: int) -> list[Mention]:
        """Place mentions for a span made only of region names (京津 -> 京, 津; 沪苏浙皖), else []."""
        out, pos = [], a
        names, text = self.res.region_names, self.text
        while pos < b:
            for size in range(min(6, b - pos), 0, -1):
                piece = text[pos:pos + size]
                if piece in names:
                    o0, o1 = self.clean.to_original(pos, pos + size)
                    out.append(Mention(piece, EntityClass.PLACE, pos, pos + size, o0, o1, source="relations",
                                       confidence=0.8, canonical=names[piece]))
                    pos += size
                    break
            else:
                return []
        return out

    def _with_abbreviated_places(self, s: int, e: int, mentions: list[Mention]) -> list[Mention]:
        """在京召开, 在沪出席: a one-character region name right after 在 is a place mention (source ``relations``)."""
        names, text = self.res.region_names, self.text
        extra = []
        for match in _ABBREVIATED_PLACE.finditer(text, s, e):
            a = match.start(1)
            piece = text[a]
            if piece not in names or text[a:a + 2] in names or any(m.start <= a < m.end for m in mentions):
                continue
            o0, o1 = self.clean.to_original(a, a + 1)
            extra.append(Mention(piece, EntityClass.PLACE, a, a + 1, o0, o1, source="relations", confidence=0.8,
                                 canonical=names[piece]))
        return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions

    def _place_modifier(self, m: Mention, sentence_end: int) -> bool:
        """A Place right before an organisation head (鞍山热能院, 京津高校院所) or glued to an organisation's
        name (邢台 in 邢台河北省煤化工工程技术研究中心) only says where that is."""
        if m.cls is not EntityClass.PLACE:
            return False
        if m.end in self.org_starts:
            return True
        after = self.text[m.end:min(sentence_end, m.end + 5)]
        after = re.split(r"[，,。；;：:、和与及“”\s]", after, maxsplit=1)[0]
        return any(after[i:].startswith(w) for w in self.res.words("org_head") for i in range(0, min(3, len(after))))


def _before_title(text: str, end: int, res: RelationResources) -> bool:
    """True when a position title follows (中共中央政治局 + 委员, 全国人大 + 代表): the name is part of a person's
    title, not an actor the sentence speaks of."""
    after = text[end:end + 6]
    return any(after.startswith(t) for t in (*res.titles, *res.words("title_word")))


def trim_place(clean: CleanArticle, m: Mention, res: RelationResources) -> Mention:
    """A place name never ends in a trigger word: 北京西城区迁至 (a mention swallowing the verb) -> 北京西城区."""
    if m.cls is not EntityClass.PLACE or res.trigger_regex is None:
        return m
    for word in res.triggers:
        if len(m.text) > len(word) + 1 and m.text.endswith(word) and clean.text[m.start:m.end] == m.text:
            end = m.end - len(word)
            o0, o1 = clean.to_original(m.start, end)
            return Mention(m.text[: -len(word)], m.cls, m.start, end, o0, o1, m.source, m.confidence, m.canonical,
                           dict(m.attrs))
    return m


@dataclass
class SentenceContext:
    """One sentence: its mentions, clauses and dates, and the grammar helpers the frames share."""

    article: ArticleContext
    start: int
    end: int
    mentions: list[Mention]
    clauses: list[tuple[int, int]]
    dates: list[tuple[int, str, int]]

    @property
    def text(self) -> str:
        """The clean text of the article (offsets are article offsets)."""
        return self.article.text

    @property
    def res(self) -> RelationResources:
        """The extractor's word lists."""
        return self.article.res

    def clause_mentions(self, cs: int, ce: int) -> list[Mention]:
        """The sentence's mentions inside ``[cs, ce)``."""
        return [m for m in self.mentions if m.start >= cs and m.end <= ce]

    def groups(self, mentions: Sequence[Mention], partners: bool) -> list[Group]:
        """Join mentions separated only by coordinators into groups (with 与/和 too when ``partners``)."""
        text = self.text
        coords = set(self.res.words("coordinator"))
        if not partners:
            coords -= self.res.words("partner")
        groups: list[Group] = []
        for m in sorted(mentions, key=lambda m: m.start):
            if groups:
                # a place glued before m and left out as its modifier (、邢台|河北省…中心) is part of m here
                gap = text[groups[-1].end:self.article.glued_start(m.start, floor=groups[-1].end)]
                short = gap.rstrip("等")
                if short in coords or (
                    0 < len(gap) <= MAX_COORD_GAP and gap[-1] in ("、",) and not re.search(r"[，,。；;：:的]", gap)
                ):
                    groups[-1].members.append(m)
                    continue
            groups.append(Group([m]))
        return groups

    def governed(self, clause_start: int, group: Group) -> bool:
        """True when a preposition (在, 从, 与, 向…) stands right before the group: not a subject.

        A mention glued to a previous one (北京|西城区) is governed when the first one is.
        """
        start = self.article.glued_start(group.start)
        pre = self.text[max(clause_start, start - 4):start]
        pre = re.sub(r"[\d年月日号]+$", "", pre)
        return any(pre.endswith(p) for p in self.article.preps) or pre.endswith("作为")

    def clause_subject(self, cs: int, cm: list[Mention]) -> Group | None:
        """The group opening a clause (after a short adverbial such as 今年/5年来), if any."""
        if not cm:
            return None
        first = self.groups(cm, partners=False)[0]
        prefix = _ADVERBIAL.sub("", self.text[cs:first.start])
        if not prefix and not self.governed(cs, first) and not self.text.startswith("的", first.end):
            return first
        return None

    def status(self, window_start: int, trigger_start: int) -> TieStatus:
        """The status of a trigger at ``trigger_start`` read from ``window_start`` (see :func:`tie_status`)."""
        return tie_status(self.res, self.text, window_start, trigger_start, self.mentions)


def tie_status(res: RelationResources, text: str, window_start: int, trigger_start: int,
               mentions: Sequence[Mention] = ()) -> TieStatus:
    """NEGATED / PLANNED when such a word stands between ``window_start`` and the trigger.

    Names do not count towards the distance to the trigger; a negation counts within
    :data:`~kg.nlp.relations.constants.NEGATION_WINDOW` characters of it, a plan word anywhere before it.
    """
    chars = list(text[window_start:trigger_start])
    for m in mentions:
        for i in range(max(m.start, window_start), min(m.end, trigger_start)):
            chars[i - window_start] = ""
    window = "".join(chars)
    for ex in res.words("negation_exception"):
        window = window.replace(ex, "□" * len(ex))
    if any(w in window[-NEGATION_WINDOW:] for w in res.words("negation")):
        return TieStatus.NEGATED
    if any(w in window for w in res.words("planned")):
        return TieStatus.PLANNED
    return TieStatus.REPORTED
