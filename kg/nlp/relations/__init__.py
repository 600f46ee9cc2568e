"""Relation extraction: typed, directed, dated ties between mentions, with their sentence.

The stage is a package, one concern a module:

* :mod:`~kg.nlp.relations.resources` -- the editable word lists in ``kg/resources/relations/`` (trigger words
  with their relation and frame, structure and status words, trigger senses, titles, whole-phrase patterns);
* :mod:`~kg.nlp.relations.context` -- an article's mentions prepared once (:class:`ArticleContext`) and each
  sentence's clauses, coordinated groups, subjects and status (:class:`SentenceContext`): no per-call state
  lives on an extractor;
* :mod:`~kg.nlp.relations.frames` -- the trigger frames (``A与B合作``, ``A入驻B``, ``A在X建设``, ``A旗下B``...)
  in a registry with versioned names (``kg.frames.sym.v1``);
* :mod:`~kg.nlp.relations.extractor` -- :class:`RelationExtractor` (``kg.relations.trigger.v1``), which
  runs them per sentence;
* :mod:`~kg.nlp.relations.pairclf` -- the statistical pair classifier and :class:`CombinedRelationExtractor`,
  the default of :func:`extract_ties`;
* :mod:`~kg.nlp.relations.signatures`, :mod:`~kg.nlp.relations.dates`, :mod:`~kg.nlp.relations.constants`
  -- which classes a relation accepts, tie dates, and the tuned numbers.
"""

from __future__ import annotations

from functools import lru_cache

from kg.nlp.relations.extractor import EXTRACTOR, RelationExtractor
from kg.nlp.relations.frames import FRAMES
from kg.nlp.relations.resources import RESOURCE_DIR, RelationResources, load_relation_resources
from kg.types import CleanArticle, Mention, MentionTie

__all__ = ["EXTRACTOR", "FRAMES", "RESOURCE_DIR", "RelationResources", "RelationExtractor",
           "load_relation_resources", "extract_ties"]


@lru_cache(maxsize=1)
def _default_extractor():
    from kg.nlp.relations.pairclf import CombinedRelationExtractor

    return CombinedRelationExtractor()


def extract_ties(clean: CleanArticle, mentions: list[Mention], extractor=None) -> list[MentionTie]:
    """Return the ties the sentences of ``clean`` state between ``mentions``.

    Parameters
    ----------
    clean : CleanArticle
        The cleaned article.
    mentions : list of Mention
        Its mentions (clean offsets), e.g. from :func:`kg.nlp.find_mentions`.
    extractor : RelationExtractor or CombinedRelationExtractor, optional
        A configured extractor; by default the rules combined with the pair classifier
        (:class:`kg.nlp.relations.pairclf.CombinedRelationExtractor`), built from ``kg/resources`` on first use.

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
