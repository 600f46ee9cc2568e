"""Entities: search by Chinese substring (names and aliases) and detail with ties and evidence sentences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import ViewsDep
from api.presenters import entity_summary, ties_of
from api.schemas import EntityDetail, EntitySearch

__all__ = ["router"]

router = APIRouter(prefix="/api/entities", tags=["entities"])


def _rank(query: str, label: str, aliases: list[str]) -> int | None:
    """Smaller is better: exact name, name prefix, name substring, alias match; None when nothing matches."""
    q = query.casefold()
    name = label.casefold()
    if name == q:
        return 0
    if name.startswith(q):
        return 1
    if q in name:
        return 2
    folded = [a.casefold() for a in aliases]
    if q in folded:
        return 3
    if any(q in a for a in folded):
        return 4
    return None


@router.get("", response_model=EntitySearch, summary="Search entities by name or alias (substring)")
def search_entities(
    views: ViewsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Part of a name or alias, e.g. 有研")],
    cls: Annotated[list[str] | None, Query(description="Keep only these classes")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> EntitySearch:
    """Entities whose name or an alias contains ``q``; exact and prefix matches first, then by hub score."""
    snapshot = views.actors()
    query = q.strip()
    if not query:
        raise HTTPException(status_code=422, detail="q must contain a non-space character")
    wanted = set(cls) if cls else None
    hits = []
    for node, data in snapshot.graph.nodes(data=True):
        if wanted is not None and data.get("cls") not in wanted:
            continue
        rank = _rank(query, data.get("label") or "", list(data.get("aliases") or []))
        if rank is not None:
            hits.append((rank, -snapshot.hub_scores.get(node, 0.0), data.get("label") or "", node))
    hits.sort()
    return EntitySearch(query=query, total=len(hits),
                        results=[entity_summary(snapshot, node) for *_, node in hits[:limit]])


@router.get("/{key:path}", response_model=EntityDetail, summary="An entity with its ties and evidence sentences",
            responses={404: {"description": "No such entity"}})
def get_entity(
    views: ViewsDep,
    key: str,
    evidence: Annotated[int, Query(ge=0, le=100, description="Evidence sentences per tie")] = 5,
) -> EntityDetail:
    """Name, class, aliases, region, hub score and every tie (both directions) with its evidence."""
    snapshot = views.actors()
    node = snapshot.node_for_key(key)
    if node is None:
        raise HTTPException(status_code=404, detail=f"no entity with key {key!r}")
    summary = entity_summary(snapshot, node)
    return EntityDetail(**summary.model_dump(), ties=ties_of(snapshot, node, views.articles(), evidence))
