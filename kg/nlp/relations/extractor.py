"""The rule-based relation extractor (``kg.relations.trigger.v1``): compute the ties of each sentence, then keep
the best one per (sentence, subject, relation, object)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from kg.nlp.relations.constants import LOCAL_TITLE_WINDOW, POSITION_WINDOW, TOUR
from kg.nlp.relations.context import ArticleContext, SentenceContext, same_actor
from kg.nlp.relations.dates import date_for
from kg.nlp.relations.frames import FRAMES, Hit
from kg.nlp.relations.resources import RelationResources, load_relation_resources
from kg.nlp.relations.signatures import ACTORS, fits, orient
from kg.nlp.relations.structure import RULES
from kg.nlp.relations.tour import RULE as TOUR_RULE
from kg.nlp.relations.tour import tour_place, visited_sites
from kg.nlp.sentences import split_sentences
from kg.types import CleanArticle, EntityClass, Mention, MentionTie, Relation, TieStatus

__all__ = ["EXTRACTOR", "RelationExtractor"]

EXTRACTOR = "kg.relations.trigger.v1"
_TRANSFER_CUES = re.compile(r"成果转化|技术转移|技术转化|转化基地|转化项目|产业化")


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
        article = ArticleContext.build(clean, mentions, self.res)
        ties: dict[tuple, MentionTie] = {}
        sentences = split_sentences(clean.text)
        for s, e in sentences:
            for tie in self.sentence_ties(article.sentence(s, e)):
                self._keep(ties, tie)
        for tie in self._tour_ties(article, sentences, ties.values()):
            self._keep(ties, tie)
        return sorted(ties.values(), key=lambda t: (t.sentence_start, t.subject.start, t.object.start, t.relation.value))

    @staticmethod
    def _keep(ties: dict[tuple, MentionTie], tie: MentionTie) -> None:
        """Keep ``tie`` unless its ends are one actor or a better tie of the same sentence, ends and relation is kept."""
        if same_actor(tie.subject, tie.object):
            return
        a, b = (tie.subject.start, tie.subject.end), (tie.object.start, tie.object.end)
        if tie.relation.symmetric:
            a, b = min(a, b), max(a, b)
        key = (tie.sentence_start, a, b, tie.relation)
        if key not in ties or ties[key].confidence < tie.confidence:
            ties[key] = tie

    def _tour_ties(self, article: ArticleContext, sentences, found) -> list[MentionTie]:
        """Sites visited on the lead's tour, in the tour's place (:mod:`kg.nlp.relations.tour`), where nothing
        else in the article places them."""
        place = tour_place(article)
        if place is None:
            return []
        placed = {t.subject.canonical or t.subject.text for t in found if t.relation is Relation.LOCATED_IN}
        out = []
        for site, cue in visited_sites(article):
            name = site.canonical or site.text
            if site.start < place.end or name in placed or self.res.strip_places(site.text) != site.text:
                continue  # placed already, or its name holds its own place (河南省科学院)
            s, e = next((s, e) for s, e in sentences if s <= site.start < e)
            tie = self._tie(article.sentence(s, e), site, Relation.LOCATED_IN, place, TOUR, cue, site.start, s,
                            {"rule": TOUR_RULE})
            if tie is not None:
                placed.add(name)
                out.append(tie)
        return out

    # ------------------------------------------------------------------ sentences
    def sentence_ties(self, ctx: SentenceContext) -> list[MentionTie]:
        """Every candidate tie of one sentence (before per-sentence deduplication)."""
        out = self._pattern_ties(ctx)
        out += self._position_ties(ctx)
        out += self._trigger_ties(ctx)
        out += self._structure_ties(ctx)
        return out

    def _structure_ties(self, ctx: SentenceContext) -> list[MentionTie]:
        """Ties of the structural rules (:data:`kg.nlp.relations.structure.RULES`)."""
        out = []
        for rule in RULES.values():
            for c in rule.read(ctx):
                if c.window is not None:
                    window_start, window_end = c.window
                else:
                    window_start = next((cs for cs, ce in ctx.clauses if cs <= c.position < ce), ctx.start)
                    window_end = c.position
                tie = self._tie(ctx, c.subject, c.relation, c.object, c.confidence, c.cue or None, c.position,
                                window_start, {"rule": rule.registry_name}, status_end=window_end,
                                explicit=c.explicit)
                if tie:
                    out.append(tie)
        return out

    def _tie(self, ctx: SentenceContext, subj: Mention, rel: Relation, obj: Mention, conf: float, trigger: str | None,
             pos: int, clause_start: int, attrs=None, *, status_end: int | None = None,
             explicit: bool = False) -> MentionTie | None:
        """A tie of the sentence (oriented, type-checked, with status, date and confidence), or None.

        The status is read from ``clause_start`` to the trigger at ``pos`` (or to ``status_end``).
        """
        subj, rel, obj = orient(subj, rel, obj)
        if not fits(rel, subj, obj, explicit) or self._meeting(subj) or self._meeting(obj):
            return None  # a meeting (…会议在京召开) is no actor of the graph
        if rel in (Relation.LOCATED_IN, Relation.RELOCATED_TO) and obj.cls is EntityClass.PLACE and not self._administrative(obj):
            return None  # 黄河流域, 西北, 金沙江: not a place the graph locates actors in
        if rel is Relation.LOCATED_IN and subj.cls is EntityClass.PLACE and not (
                trigger in self.res.words("place_location") and self._administrative(obj)):
            return None  # a place lies in a place only where the text says so (正定位于石家庄), not 西安 in 西北
        conf *= min(subj.confidence, obj.confidence) ** 0.5
        return MentionTie(
            subject=subj, relation=rel, object=obj, sentence_start=ctx.start, sentence_end=ctx.end,
            confidence=round(min(conf, 1.0), 3), extractor=EXTRACTOR,
            status=ctx.status(clause_start, pos if status_end is None else status_end),
            trigger=trigger, date=date_for(ctx.dates, pos),
            attrs=dict(attrs or {}),
        )

    def _trigger_ties(self, ctx: SentenceContext) -> list[MentionTie]:
        text, res = ctx.text, self.res
        out: list[MentionTie] = []
        topic = None
        event: Mention | None = None
        for cs, ce in ctx.clauses:
            cm = ctx.clause_mentions(cs, ce)
            own = ctx.clause_subject(cs, cm)
            if own is not None:
                topic = own
                if event is not None:  # 在第三届…大会上，A、B、C等15家企业… -> each participates
                    for m in own.members:
                        tie = self._tie(ctx, m, Relation.PARTICIPATES_IN, event, 0.75, "在…上", event.start, cs)
                        if tie:
                            out.append(tie)
            event = None
            if text.startswith("在", cs):
                evs = [m for m in cm if m.cls is EntityClass.EVENT and re.fullmatch(r"[上中期间时]{0,2}", text[m.end:ce])]
                event = evs[-1] if evs else None
            if not res.trigger_regex:
                continue
            later = [m for m in ctx.mentions if m.start >= ce]
            for match in res.trigger_regex.finditer(text, cs, ce):
                t0, t1 = match.span()
                if any(m.start < t1 and t0 < m.end for m in cm):
                    continue  # the word is part of a name (京津冀协同产业转化基地)
                word = match.group()
                if res.other_sense(word, text, t0, t1):
                    continue  # 学习贯彻, 集体学习: not the relation's sense
                for trig in res.triggers[word]:
                    found = FRAMES[trig.frame].read(ctx, Hit(trig, t0, t1, cs, ce, cm, topic, later))
                    if not found:
                        continue
                    relation = trig.relation
                    if relation is Relation.COOPERATES_WITH and trig.frame == "symw" and any(
                        w in text[max(cs, t0 - 10):min(ce, t1 + 12)] for w in res.words("not_cooperation")
                    ):
                        continue  # 签署股份转让协议 / 收购协议: a deal between the two, not a cooperation
                    yituo_transfer = trig.frame == "yituo" and _TRANSFER_CUES.search(text, ctx.start, ctx.end)
                    if yituo_transfer:  # 依托X的技术…实施成果转化项目: X's technology goes to the subject
                        relation = Relation.TRANSFERS_TECHNOLOGY_TO
                    for subj, obj, factor in found:
                        if trig.reverse:
                            subj, obj = obj, subj
                        if yituo_transfer:
                            subj, obj = obj, subj
                        tie = self._tie(ctx, subj, relation, obj, trig.confidence * factor, trig.word, t0, cs,
                                        explicit=self._explicit_partners(ctx, word, subj, obj))
                        if tie:
                            out.append(tie)
                    break
        return out

    def _administrative(self, m: Mention) -> bool:
        """A place mention naming a GB/T 2260 unit (or opening with one's name), a region group (京津冀) or a
        foreign country the NER knows (its canonical)."""
        names, text = self.res.region_names, m.canonical or m.text
        if text in names or m.text in names or m.text in self.res.region_groups or m.source in ("anaphora", "relations"):
            return True
        return any(m.text[:n] in names or m.text[:n] in self.res.region_groups for n in range(2, min(7, len(m.text))))

    def _meeting(self, m: Mention) -> bool:
        """A meeting (…会议, …座谈会: no tie end); a conference joined to one (X大会暨Y会议) is named by its first part."""
        return m.cls is EntityClass.EVENT and m.text.split("暨")[0].endswith(tuple(self.res.words("meeting_head")))

    def _explicit_partners(self, ctx: SentenceContext, word: str, a: Mention, b: Mention) -> bool:
        """Places cooperate only through a cooperation word of ``place_cooperation`` with a partner word (与, 和,
        携手, 会同) between them: 重庆与四川紧密协作, not 对接京津冀、鲁北."""
        if word not in self.res.words("place_cooperation"):
            return False
        first, second = sorted((a, b), key=lambda m: m.start)
        between = ctx.text[first.end:second.start]
        return any(w in between for w in self.res.words("partner") | {"会同"}) or word in between

    def _pattern_ties(self, ctx: SentenceContext) -> list[MentionTie]:
        """Ties of the whole-phrase patterns (``patterns.tsv``)."""
        out = []
        for pat in self.res.patterns:
            for match in pat.regex.finditer(ctx.text, ctx.start, ctx.end):
                src = self._span_mentions(ctx, match.span("src"))
                dst = self._span_mentions(ctx, match.span("dst"))
                for a in src:
                    for b in dst:
                        if fits(pat.relation, a, b) and not same_actor(a, b):
                            out.append(MentionTie(
                                subject=a, relation=pat.relation, object=b, sentence_start=ctx.start,
                                sentence_end=ctx.end, confidence=pat.confidence, extractor=EXTRACTOR,
                                status=ctx.status(ctx.start, match.start()), trigger=match.group(),
                                date=date_for(ctx.dates, match.start()), attrs={"pattern": pat.name},
                            ))
        return out

    def _position_ties(self, ctx: SentenceContext) -> list[MentionTie]:
        """Organisation + title + person (山东有研半导体材料有限公司总工程师肖清华) -> holdsPosition.

        A person with a local-government title and no organisation before it (市委书记田卫东) holds the
        position in the article's home place.
        """
        text, res, home = ctx.text, self.res, ctx.article.home
        out = []
        if res.title_regex is None:
            return out
        for p in ctx.mentions:
            if p.cls is not EntityClass.PERSON:
                continue
            window_start = max(ctx.start, p.start - POSITION_WINDOW)
            orgs = [m for m in ctx.mentions if m.cls in ACTORS and window_start <= m.start and m.end <= p.start]
            for org in reversed(orgs):
                between = text[org.end:p.start]
                if between and res.title_regex.fullmatch(between) and not re.search(r"[，,。；;]", between):
                    position = between.rstrip("、")
                    out.append(MentionTie(
                        subject=p, relation=Relation.HOLDS_POSITION, object=org, sentence_start=ctx.start,
                        sentence_end=ctx.end, confidence=round(0.85 * min(p.confidence, org.confidence) ** 0.5, 3),
                        extractor=EXTRACTOR, status=TieStatus.REPORTED, trigger=position,
                        date=date_for(ctx.dates, p.start, after=0), attrs={"position": position},
                    ))
                    break
            else:
                if home is None:
                    continue
                before = text[max(ctx.start, p.start - LOCAL_TITLE_WINDOW):p.start]
                title = p.attrs.get("position") if p.attrs else None
                found = res.title_regex.search(before)
                if found and (not title or len(found.group().rstrip("、")) > len(title)):
                    title = found.group().rstrip("、")
                if not title or not before.endswith(title) or not title.startswith(tuple(res.words("place_title"))):
                    continue
                t0 = p.start - len(title)
                if any(m.end == t0 for m in ctx.mentions):
                    continue
                o0, o1 = ctx.article.clean.to_original(t0, p.start)
                place = Mention(title, home.cls, t0, p.start, o0, o1, source="anaphora", confidence=0.6,
                                canonical=home.canonical or home.text)
                out.append(MentionTie(
                    subject=p, relation=Relation.HOLDS_POSITION, object=place, sentence_start=ctx.start,
                    sentence_end=ctx.end, confidence=round(0.7 * p.confidence ** 0.5, 3), extractor=EXTRACTOR,
                    status=TieStatus.REPORTED, trigger=title, date=date_for(ctx.dates, p.start, after=0),
                    attrs={"position": title},
                ))
        return out

    # ----------------------------------------------------------------- helpers
    def _span_mentions(self, ctx: SentenceContext, span: tuple[int, int]) -> list[Mention]:
        """Mentions overlapping ``span``, or region names read from its text (京津 -> 京, 津)."""
        a, b = span
        out: list[Mention] = []
        for m in (m for m in ctx.mentions if m.start < b and a < m.end):
            # a place the NER read as one name but that is several regions (京津) is split
            pieces = (ctx.article.region_pieces(m.start, m.end)
                      if m.cls is EntityClass.PLACE and m.text not in self.res.region_names else [])
            out.extend(pieces if len(pieces) > 1 else [m])
        return out or ctx.article.region_pieces(a, b)

