"""Structural rules: ties that the shape of a sentence or a name states without a trigger word.

Each rule is a function registered under a short name and a versioned registry name
(``kg.structure.setting.v1``), reading one :class:`~kg.nlp.relations.context.SentenceContext` and returning
candidate ties ``(subject, relation, object, confidence, cue, position)``:

* ``setting``  -- a clause that is only a place (``在长治高新区，…``, ``在湖南南县的智慧农服产业园内，…``) sets where
  the actors of the rest of the sentence are: each is ``locatedIn`` it (the ``X的Y`` of the clause too);
* ``of_phrase`` -- ``X的Y``: a place or park before 的 hosts the actor after it (曲阜的孔子研究院, 武汉光谷的北斗大厦);
  an organisation before 的 owns the unit after it (西安交通大学的西迁博物馆: ``subOrganizationOf``);
* ``glued``    -- a park written right before an organisation hosts it (中原科技城河南省科学院);
* ``joint``    -- actors listed before a joint verb act together (``A、B、C共同主办D``, ``A会同B``, ``D由A、B
  联合发起``): each pair cooperates, and each participates in what they found, host or run;
* ``apposition`` -- ``X重点工程——Y``: Y is a project in place X, or a part of project X;
* ``names``    -- a name that begins with another actor's name of the article is its unit
  (国务院新闻办公室 -> 国务院, 北京安贞医院通州院区 -> 北京安贞医院), a project named after its owner is the
  owner's investment (鞍钢集团新材料钢材项目).

A rule never binds across "；", and a place list (visited places) is never an actor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.nlp.relations.constants import FROM_NAME, JOINT_ACTION, JOINT_FOUNDING, OF_PHRASE, SETTING_SAME_SENTENCE, VENUE
from kg.nlp.relations.context import SentenceContext
from kg.nlp.relations.signatures import PLACE_LIKE
from kg.types import ORGANISATION_CLASSES, EntityClass, Mention, Relation

__all__ = ["Candidate", "Rule", "RULES", "register_rule"]

E = EntityClass
#: classes an actor of a sentence may have to be placed by its setting
LOCATABLE = frozenset({E.ENTERPRISE, E.UNIVERSITY, E.RESEARCH_INSTITUTE, E.INNOVATION_PLATFORM, E.ORGANIZATION,
                       E.PARK, E.PROJECT, E.EVENT})
#: organisations that own units (a government body's 的 is rarely ownership: 国务院的决定)
OWNERS = ORGANISATION_CLASSES - {E.GOVERNMENT_AGENCY}
#: a short modifier between a place and 的 that still says the thing is there: 邵东新建的打火机产业园
_PLACE_MODIFIER = re.compile(r"(?:正在|新|在|已)?(?:建设|建成|新建成|新建|落成|打造|投用|建)?(?:中|起来)?")
#: what may close a setting clause after its place: 里, 内, 现场, and unnamed smaller places (槎水镇中畈村)
_SETTING_TAIL = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?(?:镇|乡|村|街道|社区|园区|沙漠|沙地|草原|山区|林区|湖区|海域|流域|戈壁|腹地))*"
                           r"(?:里|内|中|上|现场|一带|境内|当地|腹地|深处)?")
#: a works project that spans provinces is still built where the setting says (在河南，引江济淮工程…正在穿越…);
#: an initiative or a service (一带一路, 中欧班列) is not in one of them
_WORKS = re.compile(r"(?:工程|项目|铁路|高铁|运河|通道|高速|管道|水库|枢纽)(?:[一二三四五六七八九十]+期)?$")
#: what may stand between investors and their investment verb (等联合投资, 计划投资)
_INVESTMENT_LEAD = re.compile(r"(?:等)?(?:企业)?(?:联合|共同|累计|计划|拟|将|已)?")
_SETTING_HEAD = re.compile(r"(?:[^，,。；;在]{0,8}?)(?:在|走进|来到)")


@dataclass(frozen=True)
class Candidate:
    """A tie a structural rule reads (before orientation and type checks)."""

    subject: Mention
    relation: Relation
    object: Mention
    confidence: float
    cue: str
    position: int
    window: tuple[int, int] | None = None  # where the status is read (default: clause start -> position)
    explicit: bool = False  # the text states the places act together (so two places may cooperate)


@dataclass(frozen=True)
class Rule:
    """A registered structural rule."""

    name: str
    registry_name: str
    read: Callable[[SentenceContext], Iterator[Candidate]]


RULES: dict[str, Rule] = {}


def register_rule(name: str, version: int = 1):
    """Register a structural rule under ``name`` and ``kg.structure.<name>.v<version>``."""

    def wrap(fn: Callable[[SentenceContext], Iterator[Candidate]]):
        RULES[name] = Rule(name, f"kg.structure.{name}.v{version}", fn)
        return fn

    return wrap


def _glued_run(ctx: SentenceContext, mentions: list[Mention], start: int) -> list[Mention]:
    """The mentions written one right after the other from ``start`` (湖南|郴州)."""
    run, pos = [], start
    for m in mentions:
        if m.start == pos:
            run.append(m)
            pos = m.end
        elif m.start > pos:
            break
    return run


def _setting_of(ctx: SentenceContext, cs: int, ce: int) -> tuple[Mention, Mention | None] | None:
    """``(place, unit)`` when the clause ``[cs, ce)`` is only a setting: 在X / 在X的Y / 在X新建的Y (+ 里/内), or a
    park and 内 / 里 (X园区内，…)."""
    text = ctx.text
    head = _SETTING_HEAD.match(text, cs, ce)
    cm = ctx.clause_mentions(cs, ce)
    if head is None:
        # 安徽芜湖航空产业园内，…: a park and 内 / 里 alone are a setting without 在
        run = _glued_run(ctx, cm, cs)
        if run and run[-1].cls is E.PARK and text[run[-1].end:ce] in ("内", "里"):
            return run[-1], None
        return None
    if any(m.start < head.end() for m in cm):
        return None
    run = _glued_run(ctx, cm, head.end())
    if not run or run[-1].cls not in PLACE_LIKE | OWNERS:
        return None
    where, pos, unit = run[-1], run[-1].end, None
    de = _PLACE_MODIFIER.match(text, pos, ce)
    after = de.end() if de else pos
    if text.startswith("的", after):
        nxt = [m for m in cm if m.start == after + 1]
        if not nxt:
            return None
        unit, pos = nxt[0], nxt[0].end
    elif where.cls not in PLACE_LIKE:
        return None
    tail = _SETTING_TAIL.match(text, pos, ce)
    if tail is None or tail.end() != ce:
        return None
    return where, unit


def _placed_by(host: Mention, m: Mention) -> bool:
    """A place or park hosts actors of every locatable class; an organisation only projects and events."""
    return m.cls in LOCATABLE if host.cls in PLACE_LIKE else m.cls in (E.PROJECT, E.EVENT)


def _of_relation(owner: Mention, unit: Mention) -> Relation | None:
    """What ``owner的unit`` states: a place or park hosts it, an organisation owns it."""
    if owner.cls is E.PLACE:
        return Relation.LOCATED_IN if unit.cls in LOCATABLE else None
    if owner.cls is E.PARK:
        if unit.cls is E.PARK:
            return Relation.SUB_ORGANIZATION_OF
        return Relation.LOCATED_IN if unit.cls in LOCATABLE else None
    if owner.cls in OWNERS:
        if unit.cls in ORGANISATION_CLASSES | {E.PARK}:
            return Relation.SUB_ORGANIZATION_OF
        if unit.cls is E.PROJECT and owner.cls is E.ENTERPRISE:
            return Relation.INVESTS_IN
    return None


def _unit_tie(owner: Mention, unit: Mention, confidence: float, cue: str) -> Candidate | None:
    rel = _of_relation(owner, unit)
    if rel is None:
        return None
    if rel is Relation.INVESTS_IN:
        return Candidate(owner, rel, unit, confidence, cue, unit.start)
    return Candidate(unit, rel, owner, confidence, cue, unit.start)


@register_rule("setting")
def setting(ctx: SentenceContext) -> Iterator[Candidate]:
    """``在X，…``: the actors of the later clauses (up to "；") are in X; ``在X的Y，…``: Y is X's, and in it."""
    text = ctx.text
    for i, (cs, ce) in enumerate(ctx.clauses):
        found = _setting_of(ctx, cs, ce)
        if found is None:
            continue
        where, unit = found
        host = where
        if unit is not None:
            tie = _unit_tie(where, unit, OF_PHRASE, "在…的")
            if tie is not None:
                yield tie
            host = unit
        for cs2, ce2 in ctx.clauses[i + 1:]:
            if text[cs2 - 1] in "；;" or _setting_of(ctx, cs2, ce2) is not None:
                break
            investors = _investors(ctx, ctx.clause_mentions(cs2, ce2))
            for m in ctx.clause_mentions(cs2, ce2):
                if text.startswith("在", m.start - 1) or (m.text in ctx.res.spanning and not _WORKS.search(m.text)):
                    continue  # 在X… is a setting of its own; 中欧班列, 一带一路 span provinces
                if m in investors and m.cls is E.ENTERPRISE:
                    continue  # 在葫芦岛，中国中化投资…的项目: the project is there, the investing company need not be
                if _placed_by(host, m):
                    yield Candidate(m, Relation.LOCATED_IN, host, SETTING_SAME_SENTENCE, "在…，", cs, (cs2, ce2))


def _investors(ctx: SentenceContext, mentions: list[Mention]) -> set[Mention]:
    """The mentions (with the names coordinated with them) written right before an investment trigger
    (中国中化投资, 北方集团、沙特阿美公司等联合投资)."""
    text, out = ctx.text, set()
    words = ctx.res.investment_words
    for g in ctx.groups(mentions, partners=False):
        at = _INVESTMENT_LEAD.match(text, g.end).end()
        if any(text.startswith(w, at) for w in words):
            out.update(g.members)
    return out


@register_rule("of_phrase")
def of_phrase(ctx: SentenceContext) -> Iterator[Candidate]:
    """``X的Y`` (and ``X的Y和Z``): Y is in place or park X, or a unit of organisation X."""
    text = ctx.text
    by_end = {m.end: m for m in ctx.mentions}
    for unit in ctx.mentions:
        if not text.startswith("的", unit.start - 1) or unit.start in ctx.article.titled:
            continue
        owner = by_end.get(unit.start - 1)
        if owner is None:  # 邵东新建的打火机产业园: a short modifier between a place and 的
            for m in ctx.mentions:
                if m.cls in PLACE_LIKE and m.end < unit.start - 1 and unit.start - 1 - m.end <= 4:
                    gap = _PLACE_MODIFIER.fullmatch(text, m.end, unit.start - 1)
                    if gap is not None and gap.end() > m.end:
                        owner = m
        if owner is None or text[owner.start - 1:owner.start] == "在" and _setting_of_any(ctx, owner):
            continue  # the setting rule reads 在X的Y
        if text[owner.start - 1:owner.start] in ("和", "与", "及", "、"):
            continue  # 连接北京和雄安新区的京雄高速: the 的 ends a clause about a list, not an owner
        group = next(g for g in ctx.groups([m for m in ctx.mentions if m.start >= unit.start], partners=True)
                     if g.start == unit.start)
        for member in group.members:
            tie = _unit_tie(owner, member, OF_PHRASE, "的")
            if tie is not None:
                yield tie


def _setting_of_any(ctx: SentenceContext, m: Mention) -> bool:
    return any(cs <= m.start < ce and _setting_of(ctx, cs, ce) is not None for cs, ce in ctx.clauses)


@register_rule("glued")
def glued(ctx: SentenceContext) -> Iterator[Candidate]:
    """A park written right before an organisation or project hosts it (中原科技城河南省科学院)."""
    by_end = {m.end: m for m in ctx.mentions}
    for m in ctx.mentions:
        park = by_end.get(m.start)
        if park is not None and park.cls is E.PARK and m.cls in LOCATABLE - {E.PARK}:
            yield Candidate(m, Relation.LOCATED_IN, park, OF_PHRASE, "", m.start)


@register_rule("names")
def names(ctx: SentenceContext) -> Iterator[Candidate]:
    """A name beginning with another actor's name of the article (after a place prefix) is that actor's unit,
    and so is a body whose parent a registry gives (中国科学院自动化研究所 -> 中国科学院).

    国务院新闻办公室 -> 国务院, 长沙比亚迪汽车 -> 比亚迪; a project named so is the owner's investment
    (鞍钢集团新材料钢材项目, 江铃汽车集团有限公司富山工厂 -> the company investsIn it), one named after a project
    is its part (川藏铁路色季拉山隧道
    -> 川藏铁路). A rest that only repeats a type or legal form
    (清华 / 清华大学, 有研集团 / 有研集团有限公司) is the same actor, not a unit.
    """
    article = ctx.article
    for m in ctx.mentions:
        if m.cls not in ORGANISATION_CLASSES | {E.PARK, E.PROJECT} or m.start in article.titled:
            continue
        parent = article.name_parent(m) or article.registry_parent(m)
        if parent is None:
            continue
        if m.cls is E.PROJECT:
            if parent.cls is E.ENTERPRISE:  # a plant or project named after its company: ANNOTATION's investsIn
                yield Candidate(parent, Relation.INVESTS_IN, m, FROM_NAME, "", m.start)
            elif parent.cls is E.PROJECT:  # 川藏铁路色季拉山隧道: a part of the project it is named after
                yield Candidate(m, Relation.SUB_ORGANIZATION_OF, parent, FROM_NAME, "", m.start)
        elif parent.cls in ORGANISATION_CLASSES:
            yield Candidate(m, Relation.SUB_ORGANIZATION_OF, parent, FROM_NAME, "", m.start)


_KIND_BEFORE_DASH = re.compile(r"(?:的)?(?:[\u4e00-\u9fff“”\"]{0,8}?(?:工程|项目|通道|枢纽|节点))?——")


@register_rule("apposition")
def apposition(ctx: SentenceContext) -> Iterator[Candidate]:
    """``在粤港澳大湾区重点工程——黄茅海跨海通道``, ``西部陆海新通道骨干工程——平陆运河青年枢纽一期工程``: the
    project after the dash is in the place, or part of the project, named before the kind word."""
    text = ctx.text
    for i, x in enumerate(ctx.mentions):
        if x.cls not in PLACE_LIKE | {E.PROJECT}:
            continue
        gap = _KIND_BEFORE_DASH.match(text, x.end)
        if gap is None:
            continue
        y = next((m for m in ctx.mentions[i + 1:] if m.start == gap.end()), None)
        if y is None or y.cls not in (E.PROJECT, E.PARK):
            continue
        if x.cls in PLACE_LIKE:  # 海南自贸港重点项目——海口新海枢纽项目
            yield Candidate(y, Relation.LOCATED_IN, x, OF_PHRASE, "——", y.start)
        else:
            yield Candidate(y, Relation.SUB_ORGANIZATION_OF, x, OF_PHRASE, "——", y.start)


#: what a joint verb's actors found, host or run (a place hosts, it does not take part)
_JOINT_OBJECTS = frozenset({E.PROJECT, E.EVENT, E.INNOVATION_PLATFORM, E.PARK, E.ORGANIZATION})


@register_rule("joint")
def joint(ctx: SentenceContext) -> Iterator[Candidate]:
    """``A、B、C共同主办D`` / ``D由A、B联合发起`` / ``A会同B…``: the actors cooperate pairwise and take part in D."""
    text, res = ctx.text, ctx.res
    verbs = sorted(res.words("joint_verb"), key=len, reverse=True)
    if not verbs:
        return
    pattern = re.compile("|".join(map(re.escape, verbs)))
    for cs, ce in ctx.clauses:
        cm = ctx.clause_mentions(cs, ce)
        for match in pattern.finditer(text, cs, ce):
            v0, v1 = match.span()
            if any(m.start < v1 and v0 < m.end for m in cm):
                continue
            before = [g for g in ctx.groups([m for m in cm if m.end <= v0], partners=True)
                      if v0 - g.end <= 4 and not re.search(r"[，,、]", text[g.end:v0])]
            actors = [m for m in (before[-1].members if before else []) if m.cls is not E.PERSON]
            if len(actors) < 2:
                continue
            for a_i, a in enumerate(actors):  # a joint verb is explicit: places acting together cooperate too
                for b in actors[a_i + 1:]:
                    yield Candidate(a, Relation.COOPERATES_WITH, b, JOINT_FOUNDING, match.group(), v0, explicit=True)
            # what they found: the group after the verb, or (passive 由…) the clause's subject before 由
            after = [m for m in cm if m.start >= v1 and m.start - v1 <= 8 and "的" not in text[v1:m.start]]
            target = after[0] if after else None
            if target is None and text.startswith("的", v1):  # 由A、B联合主办的Y
                target = next((m for m in cm if m.start == v1 + 1), None)
            if target is None:
                you = text.rfind("由", cs, before[-1].start)
                subject = ctx.clause_subject(cs, cm) if you >= 0 else None
                target = subject.members[0] if subject is not None and subject.end <= you else None
            if target is not None and target.cls in _JOINT_OBJECTS and target not in actors:
                for a in actors:
                    yield Candidate(a, Relation.PARTICIPATES_IN, target, JOINT_FOUNDING, match.group(), v0)


#: adverbs between coordinated bodies and the act they do together (财政部、应急管理部紧急预拨)
_JOINT_ADVERBS = re.compile(r"(?:今天|日前|近日|当天|再次|又|紧急|联合|共同|已|先后)*")


@register_rule("joint_action")
def joint_action(ctx: SentenceContext) -> Iterator[Candidate]:
    """``财政部、应急管理部紧急预拨…``: organisations named together as the subject of an act of a kind bodies do
    jointly (``joint_action`` in modifiers.tsv: 预拨, 印发, 会同) cooperate with each other."""
    text = ctx.text
    acts = sorted(ctx.res.words("joint_action"), key=len, reverse=True)
    if not acts:
        return
    for cs, ce in ctx.clauses:
        cm = ctx.clause_mentions(cs, ce)
        subject = ctx.clause_subject(cs, cm)
        if subject is None or len(subject.members) < 2 or any(m.cls not in ORGANISATION_CLASSES for m in subject.members):
            continue
        if any(w in text[subject.start:subject.end] for w in ctx.res.words("partner")):
            continue  # A与B…: the partner frames read it
        at = _JOINT_ADVERBS.match(text, subject.end).end()
        act = next((w for w in acts if text.startswith(w, at)), None)
        if act is None:
            continue
        ms = subject.members
        for i, a in enumerate(ms):
            for b in ms[i + 1:]:
                yield Candidate(a, Relation.COOPERATES_WITH, b, JOINT_ACTION, act, at)


_VISIT = re.compile(r"(?:来到|走进|前往|到)$")


@register_rule("visit_site")
def visit_site(ctx: SentenceContext) -> Iterator[Candidate]:
    """``来到江苏盐城市参观新四军纪念馆``, ``在天津出席2025年夏季达沃斯论坛``: the site visited or the event
    attended is in the place gone to (a person's visit is no tie; where the site is, is one)."""
    text, res = ctx.text, ctx.res
    verbs = tuple(res.words("site_verb"))
    for i, place in enumerate(ctx.mentions):
        if place.cls not in PLACE_LIKE:
            continue
        before = text[max(ctx.start, place.start - 2):place.start]
        if not (_VISIT.search(before) or before.endswith("在")):
            continue
        verb = next((v for v in verbs if text.startswith(v, place.end)), None)
        if verb is None:
            continue
        site = next((m for m in ctx.mentions[i + 1:] if m.start - (place.end + len(verb)) <= 2), None)
        if site is not None and site.start >= place.end + len(verb) and _placed_by(place, site):
            yield Candidate(site, Relation.LOCATED_IN, place, VENUE, verb, site.start)


#: a count of the places (两地, 三省市) and a joint word, or a joint verb proper; 京津冀协同发展 is a strategy's name
_JOINT_AFTER_PLACES = re.compile(r"(?:[两三四五]地|[两三四五]省市?|[两三四五]市|双方)(?:首次|持续|共同|联合|携手|协同|联动|合力|紧密)"
                                 r"|(?:共同|联合|携手|合力)")


@register_rule("abbreviated_partners")
def abbreviated_partners(ctx: SentenceContext) -> Iterator[Candidate]:
    """``粤澳两地携手合作``, ``沪苏浙皖共同发布``, ``京津冀三地协同``: the places abbreviated in a run right before a
    joint word act together, so each pair cooperates."""
    text, article = ctx.text, ctx.article
    for match in _JOINT_AFTER_PLACES.finditer(text, ctx.start, ctx.end):
        b = match.start()
        for a in range(max(ctx.start, b - 6), b - 1):
            inside = [m for m in ctx.mentions if m.start < b and a < m.end]
            if any(m.cls is not E.PLACE or m.start < a or m.end > b for m in inside):
                continue  # part of another name, or a name reaching past the run
            pieces = article.region_pieces(a, b)
            if len(pieces) >= 2 and len({p.canonical for p in pieces}) == len(pieces):
                for i, x in enumerate(pieces):
                    for y in pieces[i + 1:]:
                        yield Candidate(x, Relation.COOPERATES_WITH, y, JOINT_FOUNDING, match.group(), a, explicit=True)
                break
