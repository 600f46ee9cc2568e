"""Turning cached graph data into the REST models (shared by the entity, analysis and explorer routers)."""

from __future__ import annotations

from api.schemas import EntitySummary, Evidence, TieOut
from api.views import ActorSnapshot
from kg.rdf.iris import article_iri

__all__ = ["entity_summary", "ties_of", "ties_between"]


def entity_summary(snapshot: ActorSnapshot, node: str) -> EntitySummary:
    """The summary of one actor node."""
    data = snapshot.graph.nodes[node]
    return EntitySummary(
        key=snapshot.keys.get(node, node),
        iri=node,
        label=data.get("label") or node,
        cls=data.get("cls"),
        aliases=sorted(a for a in (data.get("aliases") or []) if a != data.get("label")),
        region=data.get("region"),
        region_label=data.get("region_label"),
        hub=round(float(snapshot.hub_scores.get(node, 0.0)), 4),
    )


def _article_iri(article: str | None) -> str | None:
    """``kg.algorithms`` names articles by id (the IRI's last segment); the article table is keyed by IRI."""
    if not article:
        return None
    if article.startswith(("http://", "https://")):
        return article
    try:
        return article_iri(article)
    except ValueError:
        return None


def _evidence(items, articles: dict, limit: int | None) -> list[Evidence]:
    out = []
    for article, sentence, start, end in list(items or [])[:limit]:
        iri = _article_iri(article)
        meta = articles.get(iri, {}) if iri else {}
        out.append(Evidence(sentence=sentence, article_iri=iri, article_id=meta.get("id") or article,
                            title=meta.get("title"), url=meta.get("url"), date=meta.get("date"),
                            start=start, end=end))
    return out


def _tie(snapshot: ActorSnapshot, other: str, direction: str, key: str, data: dict, articles: dict,
         evidence_limit: int | None) -> TieOut:
    return TieOut(relation=data.get("relation") or key, direction=direction, other=entity_summary(snapshot, other),
                  status=data.get("status"), weight=int(data.get("weight", 1)), confidence=data.get("confidence"),
                  dates=list(data.get("dates") or []), evidence=_evidence(data.get("evidence"), articles, evidence_limit))


def ties_of(snapshot: ActorSnapshot, node: str, articles: dict, evidence_limit: int | None = 5) -> list[TieOut]:
    """Every tie of ``node`` (outgoing then incoming), strongest first."""
    G = snapshot.graph
    ties = [_tie(snapshot, v, "out", k, d, articles, evidence_limit) for _, v, k, d in G.out_edges(node, keys=True, data=True)]
    ties += [_tie(snapshot, u, "in", k, d, articles, evidence_limit) for u, _, k, d in G.in_edges(node, keys=True, data=True)]
    ties.sort(key=lambda t: (-t.weight, t.relation, t.other.label))
    return ties


def ties_between(snapshot: ActorSnapshot, a: str, b: str, articles: dict, relation: str | None = None) -> list[TieOut]:
    """Ties between ``a`` and ``b`` in both directions (seen from ``a``), with all their evidence."""
    G = snapshot.graph
    out = []
    for u, v, direction in ((a, b, "out"), (b, a, "in")):
        if G.has_edge(u, v):
            for key, data in G[u][v].items():
                if relation is None or (data.get("relation") or key) == relation:
                    out.append(_tie(snapshot, b, direction, key, data, articles, None))
    return out
