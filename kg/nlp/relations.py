"""Relation extraction: typed, directed, dated ties between mentions, with their sentence.

A rule-based extractor (``kg.relations.trigger.v1``) driven by editable word lists in
``kg/resources/relations/``:

* ``triggers.tsv``  trigger word -> relation, *frame* (how subject and object sit around the
  trigger: ``A与B合作``, ``A入驻B``, ``A在X建设``, ``A旗下B``, ``X是Y的供货商``, ``A赴X调研``,
  ``以X为标杆``...), direction and base confidence;
* ``modifiers.tsv`` negation / planned / passive markers, prepositions (a mention right after one
  is never a subject), coordinators (``A、B和C``), partner words (``与``) and anaphors (``我市``);
* ``titles.tsv``    position titles for ``holdsPosition`` (``总工程师肖清华``);
* ``patterns.tsv``  whole-phrase patterns such as ``研发在京津、智造在德州``.

:func:`extract_ties`, the relation stage of the pipeline, runs these rules combined with a statistical
pair classifier trained on FinRE (``kg.relations.pairclf.v1``, :mod:`kg.nlp.relations_pairclf`): rule
ties are kept, and the classifier decides pairs of organisations the rules leave open.

How a sentence is read
----------------------
The text is cut into sentences (:func:`kg.nlp.split_sentences`) and clauses (at ，；：).
Mentions next to each other joined by coordinators form a *group* (``中科院、清华大学、北京大学等``)
and a tie is made with every member.  The *topic* of a sentence is the subject of its last clause
that had one; a clause without a subject of its own (``…，引进了X``) borrows it.  The passive
(``A被B收购``, ``A获B注资``) swaps the roles.  Negation words before the trigger give
:attr:`TieStatus.NEGATED`, future/plan words :attr:`TieStatus.PLANNED`.  The date of a tie is the
date expression of the sentence nearest before the trigger (``2018年`` -> ``"2018"``,
``2019年3月`` -> ``"2019-03"``; ``今年6月2日`` uses the article's year), else ``None``.
Relations have type constraints (``locatedIn`` needs a place or park as object, ``holdsPosition`` a
person as subject, two places never "cooperate"...), and ``locatedIn``/``hosts`` are oriented by type
(a park *hosts* a firm, a firm is *locatedIn* a park).

Frames (column ``frame`` of ``triggers.tsv``): ``sym`` (``A与B牵手``, ``A牵手B``), ``symw`` (partner only
through 与/和 or joint coordination: what follows 共建 is a product), ``svo`` (with the passive),
``zai`` (``A在X建设``), ``xiang`` (``A向/为/对B供应``), ``de`` (``X是Y的供货商``), ``poss``
(``A旗下B``, ``A控股股东B``), ``stake`` (``A持有B 5%的股权``), ``visit``/``visitm`` (``A赴X调研``),
``yiwei`` (``以X、Y为标杆``), ``yituo`` (``依托X``: cooperation, or technology transfer when the
sentence speaks of 成果转化). Partner and object lists count each item by its head mention
(``…、重庆成都联合建设的西部科学城、…`` -> 西部科学城). Whole-phrase patterns (``patterns.tsv``) read
``研发在京津、智造在德州`` and split 京津 into 北京 and 天津. Anaphors (``我市``) and local titles
(``市委书记田卫东``) refer to the article's most mentioned place. Defensive clean-up of mentions:
nested mentions keep the longest, a Place right before an organisation head (``鞍山热能院``) is a
modifier, and a Place mention that swallowed a trigger (``北京西城区迁至``) is trimmed.

Status: ``TieStatus.NEGATED`` when a negation word (未, 没有, 停止…; not 不断, 没有一人…) stands in the
8 non-name characters before the trigger; ``PLANNED`` when a plan word (将, 即将, 计划, 拟, 洽谈…)
stands between the clause start and the trigger. Confidence = trigger confidence x frame factor
(0.85 for a carried topic, 0.75 for a subject read after the trigger) x sqrt(min mention confidence).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.nlp.sentences import split_clauses, split_sentences
from kg.types import ORGANISATION_CLASSES, CleanArticle, EntityClass, Mention, MentionTie, Relation, TieStatus

__all__ = ["EXTRACTOR", "RelationResources", "RelationExtractor", "load_relation_resources", "extract_ties"]

EXTRACTOR = "kg.relations.trigger.v1"
RESOURCE_DIR = Path(__file__).resolve().parent.parent / "resources"

PLACE_LIKE = frozenset({EntityClass.PLACE, EntityClass.PARK})
ACTORS = ORGANISATION_CLASSES | PLACE_LIKE
# (subject classes, object classes) each relation accepts
SIGNATURES: dict[Relation, tuple[frozenset, frozenset]] = {
    Relation.COOPERATES_WITH: (ACTORS, ACTORS),
    Relation.LOCATED_IN: (ORGANISATION_CLASSES | {EntityClass.PROJECT, EntityClass.PARK}, PLACE_LIKE),
    Relation.HOSTS: (PLACE_LIKE, ORGANISATION_CLASSES | {EntityClass.PROJECT, EntityClass.PARK}),
    Relation.RELOCATED_TO: (ORGANISATION_CLASSES | {EntityClass.PROJECT}, PLACE_LIKE),
    Relation.INVESTS_IN: (ORGANISATION_CLASSES | {EntityClass.PARK}, ORGANISATION_CLASSES | {EntityClass.PROJECT, EntityClass.PARK}),
    Relation.TRANSFERS_TECHNOLOGY_TO: (ACTORS, ACTORS),
    Relation.SUPPLIES_TO: (ACTORS, ACTORS),
    Relation.SUB_ORGANIZATION_OF: (ORGANISATION_CLASSES, ORGANISATION_CLASSES),
    Relation.PARTICIPATES_IN: (ACTORS | {EntityClass.PERSON}, frozenset({EntityClass.EVENT, EntityClass.PROJECT})),
    Relation.VISITS: (ACTORS | {EntityClass.PERSON}, ACTORS),
    Relation.BENCHMARKS_AGAINST: (ACTORS, ACTORS),
    Relation.HOLDS_POSITION: (frozenset({EntityClass.PERSON}), ACTORS),
}
FRAME_ORDER = ("pattern", "stake", "yiwei", "de", "poss", "zai", "visit", "visitm", "xiang", "yituo", "sym", "symw", "svo")
MAX_OBJECT_GAP = 6  # characters allowed between a trigger and its object (了, 到, 了位于...)
MAX_COORD_GAP = 8  # characters allowed between coordinated mentions (must end with a coordinator)
MAX_PARTNER_GAP = 16  # characters allowed before the first partner: 与欧洲第二大酒店集团——法国卢浮酒店集团签约


@dataclass(frozen=True)
class Trigger:
    """One row of ``triggers.tsv``."""

    word: str
    relation: Relation
    frame: str
    reverse: bool
    confidence: float


@dataclass(frozen=True)
class Pattern:
    """One row of ``patterns.tsv``: a regex with ``src``/``dst`` groups."""

    name: str
    relation: Relation
    confidence: float
    regex: re.Pattern


@dataclass
class RelationResources:
    """Word lists of the extractor, read from ``kg/resources/relations`` (see :func:`load_relation_resources`)."""

    triggers: dict[str, list[Trigger]]
    modifiers: dict[str, frozenset[str]]
    titles: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    region_names: dict[str, str] = field(default_factory=dict)  # alias -> official name (for 京津 -> 京, 津)
    trigger_regex: re.Pattern | None = None
    title_regex: re.Pattern | None = None

    def words(self, kind: str) -> frozenset[str]:
        """Modifier words of one kind (``negation``, ``planned``, ``preposition``...)."""
        return self.modifiers.get(kind, frozenset())


def _read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a TSV with a header line; ``#`` lines are comments. Errors name the file and line."""
    if not path.is_file():
        raise FileNotFoundError(f"relation resource missing: {path}")
    with path.open(encoding="utf-8") as fh:
        lines = [(i, line) for i, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]
    if not lines:
        return []
    header = lines[0][1].rstrip("\n").split("\t")
    rows = []
    for lineno, line in lines[1:]:
        cells = line.rstrip("\n").split("\t")
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        row = dict(zip(header, cells))
        row["__where__"] = f"{path}:{lineno}"
        rows.append(row)
    return rows


def load_relation_resources(directory: str | Path | None = None) -> RelationResources:
    """Read the extractor's word lists.

    Parameters
    ----------
    directory : str or Path, optional
        The resources directory (holding ``relations/`` and ``regions.tsv``); defaults to ``kg/resources``.

    Returns
    -------
    RelationResources

    Raises
    ------
    FileNotFoundError, ValueError
        When a file is missing or a row is malformed (the message names file and line).
    """
    base = Path(directory) if directory is not None else RESOURCE_DIR
    rel_dir = base / "relations"
    triggers: dict[str, list[Trigger]] = {}
    for row in _read_tsv(rel_dir / "triggers.tsv"):
        try:
            trig = Trigger(
                word=row["trigger"].strip(),
                relation=Relation(row["relation"].strip()),
                frame=row["frame"].strip(),
                reverse=row["direction"].strip() == "reverse",
                confidence=float(row["confidence"]),
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{row['__where__']}: bad trigger row: {exc}") from exc
        if trig.frame not in FRAME_ORDER:
            raise ValueError(f"{row['__where__']}: unknown frame {trig.frame!r}")
        triggers.setdefault(trig.word, []).append(trig)
    for word in triggers:
        triggers[word].sort(key=lambda t: FRAME_ORDER.index(t.frame))

    modifiers: dict[str, set[str]] = {}
    for row in _read_tsv(rel_dir / "modifiers.tsv"):
        modifiers.setdefault(row["kind"].strip(), set()).add(row["word"].strip())

    titles = tuple(sorted({r["title"].strip() for r in _read_tsv(rel_dir / "titles.tsv") if r["title"].strip()}, key=len, reverse=True))

    patterns = []
    for row in _read_tsv(rel_dir / "patterns.tsv"):
        try:
            patterns.append(Pattern(row["name"], Relation(row["relation"]), float(row["confidence"]), re.compile(row["regex"])))
        except (KeyError, ValueError, re.error) as exc:
            raise ValueError(f"{row['__where__']}: bad pattern row: {exc}") from exc

    region_names: dict[str, str] = {}
    regions = base / "regions.tsv"
    if regions.is_file():
        for row in _read_tsv(regions):
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                if row.get("level") in ("province", "city") or len(alias) >= 2:
                    region_names.setdefault(alias, row["name"])

    res = RelationResources(
        triggers=triggers,
        modifiers={k: frozenset(v) for k, v in modifiers.items()},
        titles=titles,
        patterns=tuple(patterns),
        region_names=region_names,
    )
    words = sorted(triggers, key=len, reverse=True)
    res.trigger_regex = re.compile("|".join(map(re.escape, words))) if words else None
    title_alt = "|".join(map(re.escape, titles))
    # a run of titles, each optionally preceded by a short unit name: 党工委委员、管委会总工程师
    res.title_regex = re.compile(rf"(?:[^\s，,。；;：:、“”\"（）()]{{0,6}}?(?:{title_alt})、?)+$") if titles else None
    return res


@dataclass
class _Group:
    """Coordinated mentions (``A、B和C``) standing in one syntactic slot."""

    members: list[Mention]

    @property
    def start(self) -> int:
        return self.members[0].start

    @property
    def end(self) -> int:
        return self.members[-1].end


class RelationExtractor:
    """The trigger-and-frame relation extractor; build once, call :meth:`extract` per article.

    Parameters
    ----------
    resources : RelationResources or str or Path, optional
        Loaded word lists, or the resources directory to read them from (default ``kg/resources``).
    """

    name = EXTRACTOR

    def __init__(self, resources: RelationResources | str | Path | None = None):
        if not isinstance(resources, RelationResources):
            resources = load_relation_resources(resources)
        self.res = resources
        self._preps = sorted(resources.words("preposition"), key=len, reverse=True)
        self._glued: dict[int, int] = {}

    # ------------------------------------------------------------------ public
    def extract(self, clean: CleanArticle, mentions: Sequence[Mention]) -> list[MentionTie]:
        """Return the ties the sentences of ``clean`` state between ``mentions``.

        Parameters
        ----------
        clean : CleanArticle
            The article (its ``text`` is what mention offsets index).
        mentions : sequence of Mention
            Mentions in clean offsets; nested mentions are reduced to the longest.

        Returns
        -------
        list of MentionTie
            One tie per (subject, relation, object) and sentence, best confidence kept.
        """
        text = clean.text
        mentions = [self._trim_place(clean, m) for m in mentions if 0 <= m.start < m.end <= len(text)]
        mentions = _outermost(mentions)
        ends = {m.end: m.start for m in mentions}
        self._glued = {m.start: ends[m.start] for m in mentions if m.start in ends}
        home = _home_place(mentions)
        org_starts = {m.start for m in mentions if m.cls in ORGANISATION_CLASSES}
        year = clean.article.date[:4] if clean.article.date and clean.article.date[:4].isdigit() else None
        ties: dict[tuple, MentionTie] = {}
        starts = [m.start for m in mentions]
        for s, e in split_sentences(text):
            lo, hi = bisect_left(starts, s), bisect_left(starts, e)
            sent_mentions = [m for m in mentions[lo:hi] if m.end <= e]
            sent_mentions = self._with_anaphors(clean, s, e, sent_mentions, home)
            sent_mentions = [m for m in sent_mentions if not self._place_modifier(text, m, e, org_starts)]
            for tie in self._sentence_ties(clean, s, e, sent_mentions, year, home):
                if _same_actor(tie.subject, tie.object):
                    continue
                a, b = (tie.subject.start, tie.subject.end), (tie.object.start, tie.object.end)
                if tie.relation.symmetric:
                    a, b = min(a, b), max(a, b)
                key = (s, a, b, tie.relation)
                if key not in ties or ties[key].confidence < tie.confidence:
                    ties[key] = tie
        return sorted(ties.values(), key=lambda t: (t.sentence_start, t.subject.start, t.object.start, t.relation.value))

    # --------------------------------------------------------------- sentences
    def _sentence_ties(self, clean: CleanArticle, s: int, e: int, mentions: list[Mention], year: str | None,
                       home: Mention | None = None):
        text = clean.text
        clauses = split_clauses(text, s, e)
        dates = _dates(text, s, e, year)
        topic: _Group | None = None
        out: list[MentionTie] = []

        def emit(subj: Mention, rel: Relation, obj: Mention, conf: float, trigger: str, pos: int, clause_start: int, attrs=None):
            subj, rel, obj = _orient(subj, rel, obj)
            if subj is None or not _fits(rel, subj, obj):
                return
            status = self._status(text, clause_start, pos, mentions)
            conf *= min(subj.confidence, obj.confidence) ** 0.5
            out.append(
                MentionTie(
                    subject=subj, relation=rel, object=obj, sentence_start=s, sentence_end=e,
                    confidence=round(min(conf, 1.0), 3), extractor=EXTRACTOR, status=status,
                    trigger=trigger, date=_date_for(dates, pos), attrs=dict(attrs or {}),
                )
            )

        out.extend(self._pattern_ties(clean, s, e, mentions, dates))
        out.extend(self._position_ties(clean, s, e, mentions, dates, home))
        event: Mention | None = None
        for ci, (cs, ce) in enumerate(clauses):
            cm = [m for m in mentions if m.start >= cs and m.end <= ce]
            own = self._clause_subject(text, cs, cm)
            if own is not None:
                topic = own
                if event is not None:  # 在第三届…大会上，A、B、C等15家企业… -> each participates
                    for m in own.members:
                        emit(m, Relation.PARTICIPATES_IN, event, 0.75, "在…上", event.start, cs)
            event = None
            if text.startswith("在", cs):
                evs = [m for m in cm if m.cls is EntityClass.EVENT and re.fullmatch(r"[上中期间时]{0,2}", text[m.end:ce])]
                event = evs[-1] if evs else None
            if not self.res.trigger_regex:
                continue
            for match in self.res.trigger_regex.finditer(text, cs, ce):
                t0, t1 = match.span()
                if any(m.start < t1 and t0 < m.end for m in cm):
                    continue  # the word is part of a name (京津冀协同产业转化基地)
                later = [m for m in mentions if m.start >= ce]  # the sentence's mentions after this clause
                for trig in self.res.triggers[match.group()]:
                    found = self._apply_frame(trig, text, cs, ce, t0, t1, cm, topic, later)
                    if not found:
                        continue
                    relation = trig.relation
                    if relation is Relation.COOPERATES_WITH and trig.frame == "symw" and any(
                        w in text[max(cs, t0 - 10):min(ce, t1 + 12)] for w in self.res.words("not_cooperation")
                    ):
                        continue  # 签署股份转让协议 / 收购协议: a deal between the two, not a cooperation
                    if trig.frame == "yituo" and _TRANSFER_CUES.search(text, s, e):
                        # 依托X的技术…实施成果转化项目: X's technology goes to the subject
                        relation = Relation.TRANSFERS_TECHNOLOGY_TO
                    for subj, obj, factor in found:
                        if trig.reverse:
                            subj, obj = obj, subj
                        if relation is Relation.TRANSFERS_TECHNOLOGY_TO and trig.frame == "yituo":
                            subj, obj = obj, subj
                        emit(subj, relation, obj, trig.confidence * factor, trig.word, t0, cs)
                    break
        return out

    # ------------------------------------------------------------------ frames
    def _apply_frame(self, trig: Trigger, text: str, cs: int, ce: int, t0: int, t1: int,
                     cm: list[Mention], topic: _Group | None, later: list[Mention]):
        """Return ``[(subject, object, confidence factor)]`` for one trigger occurrence, or ``[]``."""
        frame = trig.frame
        sym = frame in ("sym", "symw")
        left = [m for m in cm if m.end <= t0]
        right = [m for m in cm if m.start >= t1]
        groups_left = self._groups(text, left, partners=not sym)
        pairs: list[tuple[Mention, Mention, float]] = []

        def subject_before(pos: int) -> tuple[_Group | None, float]:
            cands = [g for g in groups_left if g.end <= pos and not self._governed(text, cs, g)]
            if cands:
                plain = [g for g in cands if not text.startswith("的", g.end)]
                return (plain or cands)[-1], 1.0
            if topic is not None and topic.end <= t0 or topic is not None and topic.start >= t1:
                return topic, 0.85
            return None, 0.0

        def cross(a: _Group | None, b: _Group | None, factor: float):
            if a is None or b is None:
                return []
            return [(x, y, factor) for x in a.members for y in b.members]

        def object_after(pos: int, max_gap: int = MAX_OBJECT_GAP) -> _Group | None:
            groups = self._groups(text, [m for m in right if m.start >= pos], partners=not sym)
            if not groups or groups[0].start - pos > max_gap or "的" in text[pos:groups[0].start]:
                return None
            # later list items count by their first mention: 集聚西门子、爱立信等领军企业以及同方知网、天辰礼达等
            members = list(groups[0].members)
            for a, b in _split_items(text, groups[0].end, ce)[1:] if text[groups[0].end:groups[0].end + 1] else []:
                inside = [m for m in right if m.start >= a and m.end <= b and m not in members]
                if not inside:
                    break
                members.append(inside[0])
            return _Group(members)

        if sym:
            # A与B合作 / A、B与C签约: partner word with a group after it, before the trigger
            # the partner list runs from the partner word to the trigger; each item counts by its head
            # (last) mention: 与鞍山热能院、天津大学、青岛中科院生物研究所等知名院校合作
            partner_words = sorted(self.res.words("partner"), key=len, reverse=True)
            for pw in sorted({m.start() for w in partner_words for m in re.finditer(re.escape(w), text[cs:t0])}, reverse=True):
                at = cs + pw
                word = next(w for w in partner_words if text.startswith(w, at))
                if any(m.start <= at < m.end for m in cm):
                    continue  # inside a name
                heads = []
                for a, b in _split_items(text, at + len(word), t0):
                    inside = [m for m in left if m.start >= a and m.end <= b]
                    if inside:
                        heads.append(inside[-1])
                if not heads or heads[0].start - (at + len(word)) > MAX_PARTNER_GAP:
                    continue
                actor, factor = subject_before(at)
                if actor is not None:
                    actor = _Group([m for m in actor.members if m not in heads]) if set(actor.members) - set(heads) else None
                pairs = cross(actor, _Group(heads), factor)
                if pairs:
                    return pairs
            actor, factor = subject_before(t0)
            obj = object_after(t1) if frame == "sym" else None
            if actor is not None and obj is not None:
                return cross(actor, obj, factor)
            if actor is None or len(actor.members) < 2:
                # 宝钢集团和江苏沙钢集团…达成合作意向: partners joined by 和 before the trigger
                coordinated = [g for g in self._groups(text, [m for m in left if m.end <= t0], partners=True)
                               if len(g.members) > 1 and not self._governed(text, cs, g)]
                if coordinated:
                    actor, factor = coordinated[-1], 1.0
                elif topic is not None and len(topic.members) > 1:
                    actor, factor = topic, 0.85
            partner_between = actor is not None and any(w in text[actor.end:t0] for w in self.res.words("partner"))
            joint = actor is not None and (
                t0 - actor.end <= 8 or any(w in text[actor.end:t0] for w in self.res.words("joint"))
            )
            if actor is not None and len(actor.members) > 1 and not partner_between and joint:
                ms = actor.members
                return [(ms[i], ms[j], 0.9 * factor) for i in range(len(ms)) for j in range(i + 1, len(ms))]
            return []

        if frame in ("svo", "visit", "visitm"):
            # passive: A被B收购 / A获B注资 -> B is the agent
            for g in groups_left:
                pre = text[max(cs, g.start - 2):g.start]
                if any(pre.endswith(w) for w in self.res.words("passive")) and g.end <= t0 and t0 - g.end <= 4:
                    patient, factor = subject_before(g.start)
                    if patient is not None and patient is not g:
                        return cross(g, patient, factor * 0.95)
            obj = None
            motion_at = None
            if frame in ("visit", "visitm"):
                for g in reversed(groups_left):
                    pre = text[max(cs, g.start - 2):g.start]
                    word = next((w for w in self.res.words("motion") if pre.endswith(w)), None)
                    if word and "的" not in text[g.end:t0] and t0 - g.end <= 6:
                        obj, motion_at = g, g.start - len(word)
                        break
            if obj is None and frame != "visitm":
                obj = object_after(t1)
            if obj is None:
                return []
            actor, factor = subject_before(motion_at if motion_at is not None else t0)
            if actor is None and text.startswith("的", obj.end):
                nxt = [m for m in right if m.start >= obj.end + 1]
                if nxt and nxt[0].start - obj.end <= 2:  # 位于X的Y: Y is the subject
                    actor, factor = _Group([nxt[0]]), 0.9
            if actor is None and frame in ("visit", "visitm") and later:
                g = self._groups(text, later, partners=True)
                actor, factor = (g[0], 0.75) if g else (None, 0.0)
            return cross(actor, obj, factor)

        if frame == "zai":
            for g in reversed(groups_left):
                if text[max(cs, g.start - 1):g.start] == "在" and t0 - g.end <= 4 and "的" not in text[g.end:t0]:
                    actor, factor = subject_before(g.start - 1)
                    return cross(actor, g, factor)
            return []

        if frame == "xiang":
            for g in reversed(groups_left):
                pre = text[max(cs, g.start - 1):g.start]
                if pre in ("向", "为", "给", "对") and t0 - g.end <= 4:
                    actor, factor = subject_before(g.start - 1)
                    return cross(actor, g, factor)
            return []

        if frame == "de":
            # X是Y的供货商 / X为Y的子公司
            for g in reversed(groups_left):
                if t0 - g.end > 4 or not re.fullmatch(r"的?(?:第[一二三四五]|控股)?[“‘\"]?", text[g.end:t0]):
                    continue
                pre = text[max(cs, g.start - 2):g.start]
                if pre.endswith(("是", "为", "作为", "成为")):
                    actor, factor = subject_before(g.start - 1)
                    return cross(actor, g, factor)
            return []

        if frame == "poss":
            # A旗下B / A大股东B -> relation(B, A) with direction reverse
            owner = next((g for g in reversed(groups_left) if t0 - g.end <= 1), None)
            owned = object_after(t1, max_gap=2)
            if owner is None or owned is None:
                return []
            return cross(owner, owned, 1.0)

        if frame == "stake":
            # A持有B<N>%的股权 / A获得B 5%股份 / A所持B股份: B right before the stake word, a stake verb before B
            owned = next((g for g in reversed(groups_left)
                          if re.fullmatch(r"(?:[\s\d.%％万亿股的约近逾超过余]|<N>)*", text[g.end:t0])), None)
            if owned is None:
                return []
            head = text[max(cs, owned.start - 8):owned.start]
            verb = max((head.rfind(v) for v in self.res.words("stake_verb")), default=-1)
            if verb < 0:
                return []
            actor, factor = subject_before(owned.start - (len(head) - verb))
            if actor is owned:
                return []
            return cross(actor, _Group([owned.members[-1]]), factor)

        if frame == "yiwei":
            # 以X、Y为标杆 -> relation(subject, X); every item of the list counts by its head (last) mention:
            # 以…、重庆成都联合建设的西部科学城、…为目标 -> 西部科学城
            wei = re.search(r"为[“‘\"]?[^，,。为]{0,4}$", text[max(cs, t0 - 6):t0])
            if not wei:
                return []
            wei_at = max(cs, t0 - 6) + wei.start()
            yi_at = text.rfind("以", cs, wei_at)
            if yi_at < 0:
                return []
            items = _split_items(text, yi_at + 1, wei_at)
            heads = []
            for a, b in items:
                inside = [m for m in cm if m.start >= a and m.end <= b]
                if inside:
                    heads.append(inside[-1])
            if not heads:
                return []
            actor, factor = subject_before(yi_at)
            if actor is None and later:
                lg = self._groups(text, later, partners=True)
                actor, factor = (lg[0], 0.75) if lg else (None, 0.0)
            return cross(actor, _Group(heads), factor)

        if frame == "yituo":
            # 依托X…, S… : S cooperates with X, or X transfers technology to S when results are converted
            obj = object_after(t1, max_gap=0)
            if obj is None:
                return []
            actor, factor = subject_before(t0)
            if actor is None:
                nxt = [m for m in cm if m.start >= obj.end] + later
                ng = [g for g in self._groups(text, nxt, partners=True) if not self._governed(text, cs, g)]
                actor, factor = (ng[0], 0.8) if ng else (None, 0.0)
            return cross(actor, obj, factor)
        return []

    def _pattern_ties(self, clean: CleanArticle, s: int, e: int, mentions: list[Mention], dates):
        text = clean.text
        out = []
        for pat in self.res.patterns:
            for match in pat.regex.finditer(text, s, e):
                src = self._span_mentions(clean, match.span("src"), mentions)
                dst = self._span_mentions(clean, match.span("dst"), mentions)
                for a in src:
                    for b in dst:
                        if _fits(pat.relation, a, b) and not _same_actor(a, b):
                            out.append(
                                MentionTie(
                                    subject=a, relation=pat.relation, object=b, sentence_start=s, sentence_end=e,
                                    confidence=pat.confidence, extractor=EXTRACTOR,
                                    status=self._status(text, s, match.start(), mentions),
                                    trigger=match.group(), date=_date_for(dates, match.start()),
                                    attrs={"pattern": pat.name},
                                )
                            )
        return out

    def _position_ties(self, clean: CleanArticle, s: int, e: int, mentions: list[Mention], dates, home: Mention | None = None):
        """Organisation + title + person (山东有研半导体材料有限公司总工程师肖清华) -> holdsPosition.

        A person with a local-government title and no organisation before it (市委书记田卫东) holds the
        position in the article's home place.
        """
        text = clean.text
        out = []
        if self.res.title_regex is None:
            return out
        for p in mentions:
            if p.cls is not EntityClass.PERSON:
                continue
            window_start = max(s, p.start - 24)
            orgs = [m for m in mentions if m.cls in ACTORS and window_start <= m.start and m.end <= p.start]
            for org in reversed(orgs):
                between = text[org.end:p.start]
                if between and self.res.title_regex.fullmatch(between) and not re.search(r"[，,。；;]", between):
                    position = between.rstrip("、")
                    out.append(
                        MentionTie(
                            subject=p, relation=Relation.HOLDS_POSITION, object=org, sentence_start=s, sentence_end=e,
                            confidence=round(0.85 * min(p.confidence, org.confidence) ** 0.5, 3), extractor=EXTRACTOR,
                            status=TieStatus.REPORTED, trigger=position, date=_date_for(dates, p.start, after=0),
                            attrs={"position": position},
                        )
                    )
                    break
            else:
                if home is None:
                    continue
                before = text[max(s, p.start - 12):p.start]
                title = p.attrs.get("position") if p.attrs else None
                found = self.res.title_regex.search(before)
                if found and (not title or len(found.group().rstrip("、")) > len(title)):
                    title = found.group().rstrip("、")
                if not title or not before.endswith(title) or not title.startswith(tuple(self.res.words("place_title"))):
                    continue
                t0 = p.start - len(title)
                if any(m.end == t0 for m in mentions):
                    continue
                o0, o1 = clean.to_original(t0, p.start)
                place = Mention(title, home.cls, t0, p.start, o0, o1, source="anaphora", confidence=0.6,
                                canonical=home.canonical or home.text)
                out.append(
                    MentionTie(
                        subject=p, relation=Relation.HOLDS_POSITION, object=place, sentence_start=s, sentence_end=e,
                        confidence=round(0.7 * p.confidence ** 0.5, 3), extractor=EXTRACTOR, status=TieStatus.REPORTED,
                        trigger=title, date=_date_for(dates, p.start, after=0), attrs={"position": title},
                    )
                )
        return out

    # ----------------------------------------------------------------- helpers
    def _span_mentions(self, clean: CleanArticle, span: tuple[int, int], mentions: list[Mention]) -> list[Mention]:
        """Mentions overlapping ``span``, or region names read from its text (京津 -> 京, 津)."""
        a, b = span
        hits = [m for m in mentions if m.start < b and a < m.end]
        out: list[Mention] = []
        for m in hits:
            # a place the NER read as one name but that is several regions (京津) is split
            pieces = self._region_pieces(clean, m.start, m.end) if m.cls is EntityClass.PLACE and m.text not in self.res.region_names else []
            out.extend(pieces if len(pieces) > 1 else [m])
        if out:
            return out
        return self._region_pieces(clean, a, b)

    def _trim_place(self, clean: CleanArticle, m: Mention) -> Mention:
        """A place name never ends in a trigger word: 北京西城区迁至 (a mention swallowing the verb) -> 北京西城区."""
        if m.cls is not EntityClass.PLACE or self.res.trigger_regex is None:
            return m
        for word in self.res.triggers:
            if len(m.text) > len(word) + 1 and m.text.endswith(word) and clean.text[m.start:m.end] == m.text:
                end = m.end - len(word)
                o0, o1 = clean.to_original(m.start, end)
                return Mention(m.text[: -len(word)], m.cls, m.start, end, o0, o1, m.source, m.confidence, m.canonical, dict(m.attrs))
        return m

    def _place_modifier(self, text: str, m: Mention, sentence_end: int, org_starts: set[int]) -> bool:
        """A Place right before an organisation head (鞍山热能院, 京津高校院所) or glued to an organisation's
        name (邢台 in 邢台河北省煤化工工程技术研究中心) only says where that is."""
        if m.cls is not EntityClass.PLACE:
            return False
        if m.end in org_starts:
            return True
        after = text[m.end:min(sentence_end, m.end + 5)]
        after = re.split(r"[，,。；;：:、和与及“”\s]", after, maxsplit=1)[0]
        return any(after[i:].startswith(w) for w in self.res.words("org_head") for i in range(0, min(3, len(after))))

    def _region_pieces(self, clean: CleanArticle, a: int, b: int) -> list[Mention]:
        """Place mentions for a span made only of region names (京津 -> 京, 津), else []."""
        out, pos = [], a
        names = self.res.region_names
        while pos < b:
            for size in range(min(6, b - pos), 0, -1):
                piece = clean.text[pos:pos + size]
                if piece in names:
                    o0, o1 = clean.to_original(pos, pos + size)
                    out.append(Mention(piece, EntityClass.PLACE, pos, pos + size, o0, o1, source="relations",
                                       confidence=0.8, canonical=names[piece]))
                    pos += size
                    break
            else:
                return []
        return out

    def _with_anaphors(self, clean: CleanArticle, s: int, e: int, mentions: list[Mention], home: Mention | None):
        """Add mentions for 我市/本市/该区… pointing at the article's home place."""
        if home is None:
            return mentions
        extra = []
        for word in self.res.words("anaphor"):
            for match in re.finditer(re.escape(word), clean.text[s:e]):
                a, b = s + match.start(), s + match.end()
                if any(m.start < b and a < m.end for m in mentions):
                    continue
                o0, o1 = clean.to_original(a, b)
                extra.append(Mention(word, home.cls, a, b, o0, o1, source="anaphora", confidence=0.7,
                                     canonical=home.canonical or home.text))
        return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions

    def _groups(self, text: str, mentions: list[Mention], partners: bool) -> list[_Group]:
        """Join mentions separated only by coordinators into groups (with 与/和 too when ``partners``)."""
        coords = set(self.res.words("coordinator"))
        if not partners:
            coords -= self.res.words("partner")
        groups: list[_Group] = []
        for m in sorted(mentions, key=lambda m: m.start):
            if groups:
                # a place glued before m and left out as its modifier (、邢台|河北省…中心) is part of m here
                gap = text[groups[-1].end:self._glued_start(m.start, floor=groups[-1].end)]
                short = gap.rstrip("等")
                if short in coords or (
                    0 < len(gap) <= MAX_COORD_GAP and gap[-1] in ("、",) and not re.search(r"[，,。；;：:的]", gap)
                ):
                    groups[-1].members.append(m)
                    continue
            groups.append(_Group([m]))
        return groups

    def _glued_start(self, start: int, floor: int = 0) -> int:
        """Where the run of mentions glued before the one at ``start`` begins (北京|西城区), not before ``floor``."""
        while (glued := self._glued.get(start)) is not None and glued >= floor:
            start = glued
        return start

    def _governed(self, text: str, clause_start: int, group: _Group) -> bool:
        """True when a preposition (在, 从, 与, 向…) stands right before the group: not a subject.

        A mention glued to a previous one (北京|西城区) is governed when the first one is.
        """
        start = self._glued_start(group.start)
        pre = text[max(clause_start, start - 4):start]
        pre = re.sub(r"[\d年月日号]+$", "", pre)
        return any(pre.endswith(p) for p in self._preps) or pre.endswith("作为")

    def _clause_subject(self, text: str, cs: int, cm: list[Mention]) -> _Group | None:
        """The group opening a clause (after a short adverbial such as 今年/5年来), if any."""
        if not cm:
            return None
        groups = self._groups(text, cm, partners=False)
        first = groups[0]
        prefix = text[cs:first.start]
        prefix = re.sub(r"\d+年\d*月?\d*[日号]?|\d+月\d+[日号]|今年|去年|近年来|近年|目前|同时|此外|另外|其中|日前|近日|[\d]+|[“”‘’\"'（）()\s]", "", prefix)
        if not prefix and not self._governed(text, cs, first) and not text.startswith("的", first.end):
            return first
        return None

    def _status(self, text: str, window_start: int, trigger_start: int, mentions: Sequence[Mention] = ()) -> TieStatus:
        """NEGATED / PLANNED when such a word stands between the clause start and the trigger."""
        chars = list(text[window_start:trigger_start])
        for m in mentions:  # names do not count towards the distance to the trigger
            for i in range(max(m.start, window_start), min(m.end, trigger_start)):
                chars[i - window_start] = ""
        window = "".join(chars)
        for ex in self.res.words("negation_exception"):
            window = window.replace(ex, "□" * len(ex))
        near = window[-8:]
        if any(w in near for w in self.res.words("negation")):
            return TieStatus.NEGATED
        if any(w in window for w in self.res.words("planned")):
            return TieStatus.PLANNED
        return TieStatus.REPORTED


# --------------------------------------------------------------------- module helpers
def _split_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the items of a list ``X、Y和Z等`` in ``text[start:end]``."""
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


def _outermost(mentions: Iterable[Mention]) -> list[Mention]:
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


def _home_place(mentions: list[Mention]) -> Mention | None:
    """The place the article is about: the most often mentioned Place (first one on ties)."""
    counts: dict[str, list] = {}
    for m in mentions:
        if m.cls is EntityClass.PLACE:
            key = m.canonical or m.text
            counts.setdefault(key, [0, m])[0] += 1
    if not counts:
        return None
    return max(counts.values(), key=lambda c: c[0])[1]


def _same_actor(a: Mention, b: Mention) -> bool:
    return (a.start, a.end) == (b.start, b.end) or (a.canonical or a.text) == (b.canonical or b.text)


def _fits(rel: Relation, subj: Mention, obj: Mention) -> bool:
    sig = SIGNATURES.get(rel)
    if rel is Relation.COOPERATES_WITH and subj.cls is EntityClass.PLACE and obj.cls is EntityClass.PLACE:
        return False  # 对接京津冀、鲁北…: two places "cooperating" is a slogan, not a tie
    return sig is None or (subj.cls in sig[0] and obj.cls in sig[1])


def _orient(subj: Mention, rel: Relation, obj: Mention):
    """locatedIn/hosts follow the types: an organisation is locatedIn a place, a place hosts it."""
    if rel in (Relation.LOCATED_IN, Relation.HOSTS):
        if subj.cls in PLACE_LIKE and obj.cls not in PLACE_LIKE:
            return subj, Relation.HOSTS, obj
        if subj.cls not in PLACE_LIKE and obj.cls in PLACE_LIKE:
            return subj, Relation.LOCATED_IN, obj
    return subj, rel, obj


_TRANSFER_CUES = re.compile(r"成果转化|技术转移|技术转化|转化基地|转化项目|产业化")
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


def _dates(text: str, s: int, e: int, year: str | None) -> list[tuple[int, str, int]]:
    """``(position, ISO date, clause start)`` of the date expressions of a sentence (partial dates allowed)."""
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
            if not 1900 <= y <= 2100 or (len(parts) > 1 and not 1 <= int(parts[1]) <= 12) or (len(parts) > 2 and not 1 <= int(parts[2]) <= 31):
                continue
            found.append((m.start(), m.end(), "-".join(parts)))
    # each date also records where its clause starts, so a trigger can tell whether it shares the clause
    clause_starts = [a for a, _ in split_clauses(text, s, e)]
    return sorted((a, iso, clause_starts[bisect_left(clause_starts, a + 1) - 1] if clause_starts else s) for a, _, iso in found)


def _date_for(dates: list[tuple[int, str, bool]], pos: int, after: int = 12) -> str | None:
    """The date nearest before ``pos``, else one at most ``after`` characters after it in the same clause.

    A date in a later clause (签约，2019年建成投产 / 他说，2020年…) dates another event of the sentence.
    """
    before = [d for d in dates if d[0] <= pos]
    if before:
        return before[-1][1]
    later = [d for d in dates if pos < d[0] <= pos + after and d[2] <= pos]
    return later[0][1] if later else None


@lru_cache(maxsize=1)
def _default_extractor():
    # the rules plus the pair classifier (kg.nlp.relations_pairclf), imported here: it imports this module
    from kg.nlp.relations_pairclf import CombinedRelationExtractor

    return CombinedRelationExtractor()


def extract_ties(clean: CleanArticle, mentions: list[Mention], extractor: RelationExtractor | None = None) -> list[MentionTie]:
    """Return the ties the sentences of ``clean`` state between ``mentions``.

    Parameters
    ----------
    clean : CleanArticle
        The cleaned article.
    mentions : list of Mention
        Its mentions (clean offsets), e.g. from :func:`kg.nlp.find_mentions`.
    extractor : RelationExtractor or CombinedRelationExtractor, optional
        A configured extractor; by default the rules combined with the pair classifier
        (:class:`kg.nlp.relations_pairclf.CombinedRelationExtractor`), built from ``kg/resources`` on first use.

    Returns
    -------
    list of MentionTie

    Examples
    --------
    >>> from kg.types import Article, CleanArticle, EntityClass, Mention
    >>> text = "2018年德州市与有研集团正式牵手。"
    >>> clean = CleanArticle(Article("a", text), text, tuple(range(len(text) + 1)))
    >>> ms = [Mention("德州市", EntityClass.PLACE, 5, 8, 5, 8), Mention("有研集团", EntityClass.ENTERPRISE, 9, 13, 9, 13)]
    >>> [(t.subject.text, t.relation.value, t.object.text, t.date) for t in extract_ties(clean, ms)]
    [('德州市', 'cooperatesWith', '有研集团', '2018')]
    """
    return (extractor or _default_extractor()).extract(clean, mentions)
