"""The graph explorer (``/``), the SPARQL query page (``/query``) and the JSON they fetch (``/api/graph``...)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse, Response

import kg.rdf
from api.deps import ViewsDep
from api.presenters import entity_summary, ties_between
from api.schemas import EdgeEvidence, GraphOut, NamedQuery
from kg.viz import STATIC_DIR, city_view, ego_nodes, entity_view, filter_actor_graph

__all__ = ["router", "page_router", "named_queries", "opening_view"]

router = APIRouter(prefix="/api", tags=["explorer"])
page_router = APIRouter(tags=["pages"])

#: Security headers of the HTML pages: everything comes from this server, no inline script runs.
PAGE_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_NAMED_QUERY_DIRS = (Path(kg.rdf.__file__).with_name("queries"),
                     Path(__file__).resolve().parents[1] / "queries" / "examples")


@page_router.get("/", include_in_schema=False)
@page_router.get("/explorer", include_in_schema=False)
def explorer_page() -> FileResponse:
    """The graph explorer."""
    return FileResponse(STATIC_DIR / "explorer.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@page_router.get("/query", include_in_schema=False)
def query_page() -> FileResponse:
    """The SPARQL query page."""
    return FileResponse(STATIC_DIR / "query.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


def named_queries() -> list[NamedQuery]:
    """Example queries: the named-query library ``kg/rdf/queries/*.rq`` and the API's own examples.

    The title is the first comment line of the file (``# ...``), else the file name.
    """
    out, seen = [], set()
    for folder in _NAMED_QUERY_DIRS:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.rq")):
            if path.stem in seen:
                continue
            seen.add(path.stem)
            text = path.read_text(encoding="utf-8")
            first = next((line for line in text.splitlines() if line.strip()), "")
            title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
            out.append(NamedQuery(name=path.stem, title=title, query=text))
    return out


@router.get("/queries", response_model=list[NamedQuery], summary="Example SPARQL queries for the query page")
def list_named_queries() -> list[NamedQuery]:
    """Named queries with a title and their text."""
    return named_queries()


@router.get("/graph", response_model=GraphOut, response_model_by_alias=True,
            summary="Nodes and edges for the explorer (entity or city level, filtered, ego networks)")
def get_graph(
    views: ViewsDep,
    level: Annotated[str, Query(pattern="^(entity|city|province)$")] = "entity",
    cls: Annotated[list[str] | None, Query(description="Keep only these classes")] = None,
    relation: Annotated[list[str] | None, Query(description="Keep only these relations")] = None,
    region: Annotated[str | None, Query(max_length=200, description="Region or region group (北京, 京津冀, 130682)")] = None,
    start: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = None,
    end: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = None,
    ego: Annotated[str | None, Query(max_length=500, description="Entity key: show only its neighbourhood")] = None,
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    limit: Annotated[int, Query(ge=1, le=20000, description="Most nodes; the strongest hubs are kept")] = 5000,
) -> Response:
    """The graph as the explorer draws it, with precomputed positions (physics only for small graphs)."""
    snapshot = views.actors()
    if level != "entity":
        R, positions = views.cities(level)
        view = city_view(R, positions=positions)
        view.update(total_nodes=R.number_of_nodes(), truncated=False, hub_method="tie weight")
        return _json(view)
    if not (cls or relation or region or start or end or ego) and limit >= snapshot.graph.number_of_nodes():
        return opening_view(views)
    G = snapshot.graph
    region_codes = None
    if region:
        if snapshot.hierarchy is None:
            raise HTTPException(status_code=422, detail="the store has no regions to filter by")
        try:
            region_codes = snapshot.hierarchy.resolve(region)
        except ValueError as error:
            raise HTTPException(status_code=422, detail=str(error)) from error
    if cls or relation or region_codes or start or end:
        G = filter_actor_graph(G, classes=cls, relations=relation, regions=region_codes, start=start, end=end,
                               hierarchy=snapshot.hierarchy)
    if ego:
        centre = snapshot.node_for_key(ego)
        if centre is None or centre not in G:
            raise HTTPException(status_code=404, detail=f"no entity with key {ego!r} in this view")
        G = G.subgraph(ego_nodes(G, centre, depth)).copy()
    total = G.number_of_nodes()
    truncated = total > limit
    if truncated:
        keep = sorted(G.nodes, key=lambda n: -snapshot.hub_scores.get(n, 0.0))[:limit]
        G = G.subgraph(keep).copy()
    return _json(_entity_view(snapshot, G, truncated))


def opening_view(views) -> Response:
    """The explorer's opening view (the whole actor graph), built and serialised once per store state."""
    snapshot = views.actors()
    return views.memo(("entity-view", id(snapshot)), lambda: _json(_entity_view(snapshot, snapshot.graph, False)))


def _entity_view(snapshot, G, truncated: bool) -> dict:
    view = entity_view(G, positions=snapshot.positions, hub_scores=snapshot.hub_scores, key_of=snapshot.keys.get)
    view.update(total_nodes=snapshot.graph.number_of_nodes(), truncated=truncated, hub_method=snapshot.hub_method)
    return view


def _json(view: dict) -> Response:
    # Returned as bytes: validating thousands of nodes through the response model costs seconds; the
    # model still documents the shape in /docs and test_api checks the fields.
    return Response(json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                    media_type="application/json")


@router.get("/graph/edge", response_model=EdgeEvidence, summary="Ties and evidence between two entities",
            responses={404: {"description": "No such entity"}})
def get_edge(
    views: ViewsDep,
    source: Annotated[str, Query(max_length=500, description="Entity key")],
    target: Annotated[str, Query(max_length=500, description="Entity key")],
    relation: Annotated[str | None, Query(max_length=100)] = None,
) -> EdgeEvidence:
    """Every tie between two entities (both directions) with all its evidence sentences and articles."""
    snapshot = views.actors()
    a, b = snapshot.node_for_key(source), snapshot.node_for_key(target)
    for key, node in ((source, a), (target, b)):
        if node is None:
            raise HTTPException(status_code=404, detail=f"no entity with key {key!r}")
    return EdgeEvidence(source=entity_summary(snapshot, a), target=entity_summary(snapshot, b),
                        ties=ties_between(snapshot, a, b, views.articles(), relation))
