"""The setting of a tour (``kg.structure.tour.v1``): "李强…在河南调研" places the sites visited later in the article.

``ANNOTATION.md``: a person's visit is never a tie, but the setting of a tour places the actors visited there.
News of an inspection tour names the tour's place once, in its lead (``在河南调研``, ``赴湖南考察``), and then
the sites one by one, sentences later and without the place (``在三全食品公司，李强察看…``,
``走进蚕桑产业园``).  This article-level rule reads the tour's place from the lead and ties each site visited
to it, unless the article already places that site (a setting, a 位于) or the site's name holds a place of its
own (长安大学 does not, 河南省科学院 does: its region comes from the name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.nlp.relations.context import ArticleContext
from kg.nlp.relations.structure import LOCATABLE
from kg.types import EntityClass, Mention

__all__ = ["LEAD_CHARS", "tour_place", "visited_sites"]

RULE = "kg.structure.tour.v1"
#: the tour's place is read from the lead, this many characters
LEAD_CHARS = 200
#: how a visit to a site is written right before the site (来到, 走进, 察看 …, or 在 opening a clause)
_BEFORE_SITE = re.compile(r"(?:来到|走进|前往|深入|步入|考察|调研|察看|参观|视察|走访)(?:了)?$")
_SITE_SEPARATOR = re.compile(r"[、和及与]")
_SITE_CLAUSE_TAIL = re.compile(r"(?:里|内|中|现场|一线)?[，,]")


def tour_place(article: ArticleContext) -> Mention | None:
    """The one administrative place of the lead's ``在/到/赴 X 调研|考察|视察`` (None if none, or several)."""
    text, res = article.text, article.res
    verbs = tuple(sorted(res.words("tour_verb"), key=len, reverse=True))
    found = []
    for m in article.mentions:
        if m.start >= LEAD_CHARS:
            break
        if m.cls is EntityClass.PLACE and text[m.start - 1:m.start] in ("在", "到", "赴") and text.startswith(verbs, m.end):
            found.append(m)
    places = {m.canonical or m.text for m in found}
    return found[0] if len(places) == 1 else None


def visited_sites(article: ArticleContext) -> Iterator[tuple[Mention, str]]:
    """Mentions of sites visited (``来到Y``, ``走进Y``, ``在Y，`` or ``在A、B和C，`` opening a clause) with the cue
    that shows it."""
    text = article.text
    mentions = article.mentions
    in_setting: set[int] = set()
    for i, m in enumerate(mentions):
        # 在Y，/ 在A、B和C，: a clause that is only the sites (a list of them) where what follows happens
        if text[m.start - 1:m.start] != "在" or not (m.start < 2 or text[m.start - 2] in "。！？\n，,；"):
            continue
        chain, k = [m], i
        while k + 1 < len(mentions) and _SITE_SEPARATOR.fullmatch(text, chain[-1].end, mentions[k + 1].start):
            k += 1
            chain.append(mentions[k])
        if _SITE_CLAUSE_TAIL.match(text, chain[-1].end):
            in_setting.update(x.start for x in chain)
    for m in mentions:
        if m.cls not in LOCATABLE or m.start in article.titled:
            continue
        cue = _BEFORE_SITE.search(text[max(0, m.start - 4):m.start])
        if cue is not None:
            yield m, cue.group()
        elif m.start in in_setting:
            yield m, "在…，"
