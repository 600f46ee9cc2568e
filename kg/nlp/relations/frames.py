"""Trigger frames: how the subject and object of a trigger word sit around it, one function per frame.

A frame is registered under a short name (the ``frame`` column of ``triggers.tsv``) and a versioned
registry name (``kg.frames.sym.v1``); bump the version when a frame's behaviour changes.  A frame reads one
:class:`Hit` (a trigger occurrence in its clause) and returns ``[(subject, object, confidence factor)]``.

Arguments are bound inside the trigger's clause: the subject is the group opening the clause or the
sentence's carried topic (:meth:`SentenceContext.clause_subject`), never a name found by nearness across
"；"; objects are the group right after the trigger (lists count each item by its head mention).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.nlp.relations.constants import (
    CARRIED_TOPIC, JOINT, LATE_SUBJECT, LOCATED_DE, MAX_JOINT_GAP, MAX_OBJECT_GAP, MAX_PARTNER_GAP, PASSIVE, YITUO_LATE,
    ZAI_VENUE_GAP,
)
from kg.nlp.relations.context import Group, SentenceContext, split_items
from kg.nlp.relations.resources import Trigger
from kg.types import EntityClass, Mention, Relation

__all__ = ["Hit", "Frame", "FRAMES", "register_frame", "Slots"]

Pairs = list[tuple[Mention, Mention, float]]
_BUILT = frozenset({EntityClass.PROJECT, EntityClass.PARK, EntityClass.INNOVATION_PLATFORM, EntityClass.EVENT})


@dataclass(frozen=True)
class Hit:
    """One occurrence of a trigger word in a clause, with what the frame may bind."""

    trigger: Trigger
    start: int
    end: int
    clause_start: int
    clause_end: int
    clause_mentions: list[Mention]
    topic: Group | None  # the subject carried from an earlier clause of the sentence
    later: list[Mention]  # the sentence's mentions after this clause


@dataclass(frozen=True)
class Frame:
    """A registered frame: short name, versioned registry name, and the function."""

    name: str
    registry_name: str
    read: Callable[[SentenceContext, Hit], Pairs]


#: frames by short name, in the order a trigger's frames are tried
FRAMES: dict[str, Frame] = {}


def register_frame(name: str, version: int = 1):
    """Register a frame function under ``name`` and ``kg.frames.<name>.v<version>``."""

    def wrap(fn: Callable[[SentenceContext, Hit], Pairs]):
        FRAMES[name] = Frame(name, f"kg.frames.{name}.v{version}", fn)
        return fn

    return wrap


class Slots:
    """The argument finders a frame uses for one hit (subject before a position, object after one)."""

    def __init__(self, ctx: SentenceContext, hit: Hit, partners: bool):
        self.ctx, self.hit, self.partners = ctx, hit, partners
        self.left = [m for m in hit.clause_mentions if m.end <= hit.start]
        self.right = [m for m in hit.clause_mentions if m.start >= hit.end]
        self.groups_left = ctx.groups(self.left, partners=partners)

    def subject_before(self, pos: int) -> tuple[Group | None, float]:
        """The last ungoverned group before ``pos`` (one not followed by 的 first), else the carried topic."""
        hit = self.hit
        cands = [g for g in self.groups_left if g.end <= pos and not self.ctx.governed(hit.clause_start, g)]
        if cands:
            plain = [g for g in cands if not self.ctx.text.startswith("的", g.end)]
            return (plain or cands)[-1], 1.0
        topic = hit.topic
        if topic is not None and (topic.end <= hit.start or topic.start >= hit.end):
            return topic, CARRIED_TOPIC
        return None, 0.0

    def object_after(self, pos: int, max_gap: int = MAX_OBJECT_GAP) -> Group | None:
        """The group right after ``pos`` (at most ``max_gap`` characters, no 的 between unless after an amount:
        投资100亿元的精细化工项目); list items count by
        their first mention: 集聚西门子、爱立信等领军企业以及同方知网、天辰礼达等."""
        text = self.ctx.text
        groups = self.ctx.groups([m for m in self.right if m.start >= pos], partners=self.partners)
        if not groups or groups[0].start - pos > max_gap + 4:
            return None
        gap = text[pos:groups[0].start]
        if not _AMOUNT_OF.fullmatch(gap) and (len(gap) > max_gap or "的" in gap):
            return None
        members = list(groups[0].members)
        items = split_items(text, groups[0].end, self.hit.clause_end)
        if items and any(text.startswith(w, items[0][0]) for w in self.ctx.res.words("preposition")):
            items = []  # 会同B向河北、天津调运: the list after 向 is of the recipients, not of the objects
        items = items[1:] if text[groups[0].end:groups[0].end + 1] else []
        for a, b in items:
            inside = [m for m in self.right if m.start >= a and m.end <= b and m not in members]
            if not inside:
                break
            members.append(inside[0])
        return Group(members)

    def heads(self, start: int, end: int, mentions: list[Mention]) -> list[Mention]:
        """The head (last) mention of each list item in ``[start, end)``."""
        out = []
        for a, b in split_items(self.ctx.text, start, end):
            inside = [m for m in mentions if m.start >= a and m.end <= b]
            if inside:
                out.append(inside[-1])
        return out


def cross(a: Group | None, b: Group | None, factor: float) -> Pairs:
    """Every member of ``a`` with every member of ``b``."""
    if a is None or b is None:
        return []
    return [(x, y, factor) for x in a.members for y in b.members]


#: the session number of an event (第三届): 在海南举办的第三届消博会
_ORDINAL = re.compile(r"(?:第[一二三四五六七八九十百零〇\d]+[届次期])?")

#: a noun for units between a possession word and the unit's name (直属事业单位B, 下属企业B)
_UNIT_NOUN = re.compile(r"(?:的)?(?:事业单位|单位|企业|公司|机构|院所|高校)?")

#: an amount of money and 的 between an investment verb and its project (投资100亿元的, 投资约30亿元的)
_AMOUNT_OF = re.compile(r"(?:了|约|超|近|超过|逾)?[0-9０-９.]+(?:多|余)?[万亿]*(?:元|美元|欧元)的")

#: after a partner list, a count and a kind noun: the names modify the noun (三国企业, 等地企业, 的高校)
_MODIFIED_HEAD = re.compile(r"(?:等|的)?(?:[两三四五六七八九十几多]+(?:国|地|省|市|方))?(?:等地)?(?:企业|公司|机构|单位|高校|院所|代表|客商)")


def _unknown_actor_before(ctx: SentenceContext, hit: Hit, at: int) -> bool:
    """True when a partner word follows a noun for actors no mention names (内地与澳门, 企业与高校): the frame's
    actor is there, unnamed, and borrowing the sentence's topic would be a guess."""
    before = ctx.text[max(hit.clause_start, at - 4):at]
    if any(m.start < at and m.end > at - len(before) for m in hit.clause_mentions if m.end == at):
        return False
    return any(before.endswith(w) for w in ctx.res.words("unnamed_actor"))


def _symmetric(ctx: SentenceContext, hit: Hit, with_object: bool) -> Pairs:
    text, res = ctx.text, ctx.res
    slots = Slots(ctx, hit, partners=False)
    cs, t0, t1 = hit.clause_start, hit.start, hit.end
    # A与B合作 / A、B与C签约: the partner list runs from the partner word to the trigger; each item counts by
    # its head (last) mention: 与鞍山热能院、天津大学、青岛中科院生物研究所等知名院校合作
    partner_words = sorted(res.words("partner"), key=len, reverse=True)
    found = {m.start() for w in partner_words for m in re.finditer(re.escape(w), text[cs:t0])}
    for pw in sorted(found, reverse=True):
        at = cs + pw
        word = next(w for w in partner_words if text.startswith(w, at))
        if any(m.start <= at < m.end for m in hit.clause_mentions):
            continue  # inside a name
        heads = slots.heads(at + len(word), t0, slots.left)
        if not heads or heads[0].start - (at + len(word)) > MAX_PARTNER_GAP:
            continue
        if _MODIFIED_HEAD.match(text, heads[-1].end, t0):
            continue  # 与哈萨克斯坦、乌兹别克斯坦三国企业签署: the names say whose companies, they are not the partners
        if _unknown_actor_before(ctx, hit, at):
            continue  # 内地与澳门签署: the actor is a word the NER does not know, not the sentence's topic
        actor, factor = slots.subject_before(at)
        if actor is not None:
            rest = [m for m in actor.members if m not in heads]
            actor = Group(rest) if rest else None
        pairs = cross(actor, Group(heads), factor)
        if pairs:
            return pairs
    actor, factor = slots.subject_before(t0)
    obj = slots.object_after(t1) if with_object else None
    if actor is not None and obj is not None:
        return cross(actor, obj, factor)
    if actor is None or len(actor.members) < 2:
        # 宝钢集团和江苏沙钢集团…达成合作意向: partners joined by 和 before the trigger
        coordinated = [g for g in ctx.groups([m for m in slots.left if m.end <= t0], partners=True)
                       if len(g.members) > 1 and not ctx.governed(cs, g)]
        if coordinated:
            actor, factor = coordinated[-1], 1.0
        elif hit.topic is not None and len(hit.topic.members) > 1:
            actor, factor = hit.topic, CARRIED_TOPIC
    if actor is None or len(actor.members) < 2:
        return []
    partner_between = any(w in text[actor.end:t0] for w in res.words("partner"))
    joint = t0 - actor.end <= MAX_JOINT_GAP or any(w in text[actor.end:t0] for w in res.words("joint"))
    if partner_between or not joint:
        return []
    ms = actor.members
    return [(ms[i], ms[j], JOINT * factor) for i in range(len(ms)) for j in range(i + 1, len(ms))]


@register_frame("stake")
def stake(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``A持有B<N>%的股权`` / ``A获得B 5%股份`` / ``A所持B股份``: B right before the stake word, a stake verb before B."""
    slots = Slots(ctx, hit, partners=True)
    text, cs = ctx.text, hit.clause_start
    owned = next((g for g in reversed(slots.groups_left)
                  if re.fullmatch(r"(?:[\s\d.%％万亿股的约近逾超过余]|<N>)*", text[g.end:hit.start])), None)
    if owned is None:
        return []
    head = text[max(cs, owned.start - 8):owned.start]
    verb = max((head.rfind(v) for v in ctx.res.words("stake_verb")), default=-1)
    if verb < 0:
        return []
    actor, factor = slots.subject_before(owned.start - (len(head) - verb))
    if actor is owned:
        return []
    return cross(actor, Group([owned.members[-1]]), factor)


@register_frame("you")
def you(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``由X主导的Y`` / ``Y由X投资援建`` -> relation(X, Y): the agent follows 由, the thing is after 的 or is the
    clause's subject."""
    slots = Slots(ctx, hit, partners=True)
    text, cs, t0 = ctx.text, hit.clause_start, hit.start
    you_at = text.rfind("由", cs, t0)
    if you_at < 0:
        return []
    agents = next((g for g in slots.groups_left if g.start > you_at and g.start - you_at <= 2), None)
    if agents is None or t0 - agents.end > 4 or not re.fullmatch(r"(?:共同|联合|一起|牵头|负责)?", text[agents.end:t0]):
        return []
    thing = None
    if text.startswith("的", hit.end):
        after = [m for m in slots.right if m.start - hit.end <= 8 and "，" not in text[hit.end:m.start]]
        thing = Group(after[:1]) if after else None
    if thing is None:
        before = [g for g in slots.groups_left if g.end <= you_at]
        thing = before[-1] if before else (hit.topic if hit.topic is not None and hit.topic.end <= you_at else None)
    if thing is None:
        return []
    return cross(agents, thing, 1.0)


@register_frame("yiwei")
def yiwei(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``以X、Y为标杆`` -> relation(subject, X) for every item (counted by its head mention)."""
    slots = Slots(ctx, hit, partners=True)
    text, cs, t0 = ctx.text, hit.clause_start, hit.start
    wei = re.search(r"为[“‘\"]?[^，,。为]{0,4}$", text[max(cs, t0 - 6):t0])
    if not wei:
        return []
    wei_at = max(cs, t0 - 6) + wei.start()
    yi_at = text.rfind("以", cs, wei_at)
    if yi_at < 0:
        return []
    heads = slots.heads(yi_at + 1, wei_at, hit.clause_mentions)
    if not heads:
        return []
    actor, factor = slots.subject_before(yi_at)
    if actor is None and hit.later:
        lg = ctx.groups(hit.later, partners=True)
        actor, factor = (lg[0], LATE_SUBJECT) if lg else (None, 0.0)
    return cross(actor, Group(heads), factor)


@register_frame("de")
def de(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``X是Y的供货商`` / ``X为Y的子公司`` -> relation(X, Y)."""
    slots = Slots(ctx, hit, partners=True)
    text, cs = ctx.text, hit.clause_start
    for g in reversed(slots.groups_left):
        if hit.start - g.end > 4 or not re.fullmatch(r"的?(?:第[一二三四五]|控股)?[“‘\"]?", text[g.end:hit.start]):
            continue
        if text[max(cs, g.start - 2):g.start].endswith(("是", "为", "作为", "成为")):
            actor, factor = slots.subject_before(g.start - 1)
            return cross(actor, g, factor)
    return []


@register_frame("poss")
def poss(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``A旗下B`` / ``A大股东B``: the possessor right before the trigger (or the subject, for 其), the possessed
    right after it (after a unit noun: 直属事业单位B)."""
    slots = Slots(ctx, hit, partners=True)
    owner, factor = next((g for g in reversed(slots.groups_left) if hit.start - g.end <= 1), None), 1.0
    if owner is None and ctx.text[hit.start - 1:hit.start] == "其":
        owner, factor = slots.subject_before(hit.start - 1)  # A安排其直属事业单位B: 其 is the clause's subject
    unit_noun = _UNIT_NOUN.match(ctx.text, hit.end)
    owned = slots.object_after(hit.end, max_gap=max(2, unit_noun.end() - hit.end))
    if owner is None or owned is None:
        return []
    return cross(owner, owned, factor)


@register_frame("zai", version=2)
def zai(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``A在X建设`` / ``A在X举行`` -> relation(A, X): the object is the place after 在; in ``在X举行的Y`` the
    subject is Y, after 的."""
    slots = Slots(ctx, hit, partners=True)
    text, cs = ctx.text, hit.clause_start
    for g in reversed(slots.groups_left):
        gap = text[g.end:hit.start]
        if text[max(cs, g.start - 1):g.start] == "在" and "的" not in gap and (
                len(gap) <= 4 or len(gap) <= ZAI_VENUE_GAP and any(gap.endswith(w) for w in ctx.res.words("venue"))):
            actor, factor = slots.subject_before(g.start - 1)
            if text.startswith("的", hit.end):
                ordinal = _ORDINAL.match(text, hit.end + 1)  # 在海南举办的第三届消博会
                nxt = [m for m in slots.right if m.start in (hit.end + 1, ordinal.end())]
                if nxt:
                    actor, factor = Group(nxt), LOCATED_DE
            return cross(actor, g, factor)
    return []


def _visit_like(ctx: SentenceContext, hit: Hit, frame: str) -> Pairs:
    slots = Slots(ctx, hit, partners=True)
    text, res, cs, t0 = ctx.text, ctx.res, hit.clause_start, hit.start
    # passive: A被B收购 / A获B注资 -> B is the agent
    for g in slots.groups_left:
        pre = text[max(cs, g.start - 2):g.start]
        if any(pre.endswith(w) for w in res.words("passive")) and g.end <= t0 and t0 - g.end <= 4:
            patient, factor = slots.subject_before(g.start)
            if patient is not None and patient is not g:
                return cross(g, patient, factor * PASSIVE)
    obj, motion_at = None, None
    if frame in ("visit", "visitm"):
        for g in reversed(slots.groups_left):
            pre = text[max(cs, g.start - 2):g.start]
            word = next((w for w in res.words("motion") if pre.endswith(w)), None)
            if word and "的" not in text[g.end:t0] and t0 - g.end <= 6:
                obj, motion_at = g, g.start - len(word)
                break
    if obj is None and frame != "visitm":
        obj = slots.object_after(hit.end)
    if obj is None:
        return []
    actor, factor = slots.subject_before(motion_at if motion_at is not None else t0)
    if (actor is None or hit.trigger.relation is Relation.LOCATED_IN) and text.startswith("的", obj.end):
        nxt = [m for m in slots.right if m.start >= obj.end + 1]
        if nxt and nxt[0].start - obj.end <= 2:  # (来到)位于X的Y: Y is the subject, whoever came
            actor, factor = Group([nxt[0]]), LOCATED_DE
    if actor is None and frame in ("visit", "visitm") and hit.later:
        g = ctx.groups(hit.later, partners=True)
        actor, factor = (g[0], LATE_SUBJECT) if g else (None, 0.0)
    return cross(actor, obj, factor)


@register_frame("visit")
def visit(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``A赴/到/前往X<trigger>`` or ``A<trigger>X`` -> relation(A, X)."""
    return _visit_like(ctx, hit, "visit")


@register_frame("visitm")
def visitm(ctx: SentenceContext, hit: Hit) -> Pairs:
    """Only ``A赴/到/前往X<trigger>`` (对接京津 alone is not a visit)."""
    return _visit_like(ctx, hit, "visitm")


@register_frame("xiang")
def xiang(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``A向B<trigger>`` / ``A为B<trigger>`` / ``A对B<trigger>`` -> relation(A, B)."""
    slots = Slots(ctx, hit, partners=True)
    text, cs = ctx.text, hit.clause_start
    for g in reversed(slots.groups_left):
        if text[max(cs, g.start - 1):g.start] in ("向", "为", "给", "对") and hit.start - g.end <= 4:
            actor, factor = slots.subject_before(g.start - 1)
            return cross(actor, g, factor)
    return []


@register_frame("yituo")
def yituo(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``依托X…, S…``: S cooperates with X (or X transfers technology to S, decided by the extractor)."""
    slots = Slots(ctx, hit, partners=True)
    obj = slots.object_after(hit.end, max_gap=0)
    if obj is None:
        return []
    actor, factor = slots.subject_before(hit.start)
    if actor is None:
        nxt = [m for m in hit.clause_mentions if m.start >= obj.end] + hit.later
        ng = [g for g in ctx.groups(nxt, partners=True) if not ctx.governed(hit.clause_start, g)]
        actor, factor = (ng[0], YITUO_LATE) if ng else (None, 0.0)
    return cross(actor, obj, factor)


@register_frame("sym")
def sym(ctx: SentenceContext, hit: Hit) -> Pairs:
    """Symmetric: ``A与B<trigger>``, ``A<trigger>B``, ``A、B<trigger>`` (one tie per partner)."""
    return _symmetric(ctx, hit, with_object=True)


@register_frame("symw")
def symw(ctx: SentenceContext, hit: Hit) -> Pairs:
    """Symmetric, partner only through 与/和 or joint coordination (what follows 共建 is a product)."""
    return _symmetric(ctx, hit, with_object=False)


@register_frame("build")
def build(ctx: SentenceContext, hit: Hit) -> Pairs:
    """``X推进/建设/启动Y``: what a place builds or runs (a project, park, platform or event) is there; the
    universities it cooperates with (推进…与清华大学合作) are not."""
    return [(s, o, f) for s, o, f in _visit_like(ctx, hit, "svo") if o.cls in _BUILT]


@register_frame("svo")
def svo(ctx: SentenceContext, hit: Hit) -> Pairs:
    """Subject before, object after (``A<trigger>B``), with the passive (``A被B<trigger>``)."""
    return _visit_like(ctx, hit, "svo")
