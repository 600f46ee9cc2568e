"""Analysis: hub actors, transfer paths between actors or regions, and region-to-region flows.

The endpoints are thin: the work is ``kg.algorithms`` (``actor_graph``, ``region_graph``, and ``hubs`` /
``hubs``, ``transfer_paths``, ``transfer_graph``); the response says which method was used.
"""

from __future__ import annotations

import itertools
from typing import Annotated

import networkx as nx
from fastapi import APIRouter, HTTPException, Query

import kg.algorithms as algorithms
from api.deps import ViewsDep
from api.presenters import entity_summary
from api.schemas import Flow, FlowList, Hub, HubList, PathList, PathOut, PathStep
from api.views import ActorSnapshot

__all__ = ["router", "resolve_endpoint", "find_paths"]

router = APIRouter(prefix="/api/analysis", tags=["analysis"])

_SOURCE, _TARGET = "\x00source", "\x00target"


@router.get("/hubs", response_model=HubList, summary="The most connected actors")
def get_hubs(
    views: ViewsDep,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    by: Annotated[str, Query(pattern="^(hub|degree|weighted_degree|pagerank|betweenness)$")] = "hub",
    cls: Annotated[list[str] | None, Query(description="Keep only these classes")] = None,
    region: Annotated[str | None, Query(max_length=200, description="Only actors in this region or group (京津冀)")] = None,
) -> HubList:
    """Actors ranked by ``kg.algorithms.hubs`` (combined hub score, or one centrality)."""
    snapshot = views.actors()
    try:
        ranked = algorithms.hubs(snapshot.graph, top=top, by=by, cls=cls, region=region)
    except ValueError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    score_key = "hub_score" if by == "hub" else by
    return HubList(by=f"kg.algorithms.hubs(by={by!r})", results=[
        Hub(rank=int(h["rank"]), score=round(float(h.get(score_key) or 0.0), 4), entity=entity_summary(snapshot, h["node"]))
        for h in ranked if h["node"] in snapshot.graph])


def resolve_endpoint(snapshot: ActorSnapshot, spec: str) -> tuple[set, str]:
    """Actor nodes named by ``spec``: an entity key, an entity name, or a region / region group name or code.

    Returns the nodes and what ``spec`` was read as; raises ValueError naming what is unknown.
    """
    text = spec.strip()
    if not text:
        raise ValueError("empty source or target")
    node = snapshot.node_for_key(text)
    if node is not None:
        return {node}, "entity"
    by_name = {n for n, d in snapshot.graph.nodes(data=True) if d.get("label") == text}
    if by_name:
        return by_name, "entity"
    hierarchy = snapshot.hierarchy
    if hierarchy is None:
        raise ValueError(f"{spec!r} is neither an entity nor a known region (the store has no regions)")
    codes = hierarchy.resolve(text)
    nodes = {n for n, d in snapshot.graph.nodes(data=True) if hierarchy.within(d.get("region"), codes)}
    if not nodes:
        raise ValueError(f"no actor is located in {spec!r}")
    return nodes, "region"


def find_paths(H: nx.Graph, sources: set, targets: set, k: int, max_length: int) -> list[list]:
    """Up to ``k`` cheapest simple paths (edge attribute ``cost``) from any source node to any target node."""
    if sources & targets:
        sources = sources - targets or sources
    H = H.copy()
    H.add_node(_SOURCE)
    H.add_node(_TARGET)
    H.add_edges_from(((_SOURCE, s, {"cost": 0.0}) for s in sources if s in H))
    H.add_edges_from(((t, _TARGET, {"cost": 0.0}) for t in targets if t in H))
    paths = []
    try:
        for path in itertools.islice(nx.shortest_simple_paths(H, _SOURCE, _TARGET, weight="cost"), k * 4):
            inner = path[1:-1]
            if len(inner) - 1 > max_length or len(inner) < 2:
                continue
            paths.append(inner)
            if len(paths) >= k:
                break
    except nx.NetworkXNoPath:
        return []
    return paths


def any_tie_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Undirected graph of all ties; a hop costs 1 plus a little less for stronger ties (fewest hops first)."""
    H = algorithms.undirected_weighted(G)
    for _, _, data in H.edges(data=True):
        data["cost"] = 1.0 + 1.0 / (1.0 + data.get("weight", 1))
    return H


@router.get("/paths", response_model=PathList, summary="Transfer paths between two actors or regions")
def get_paths(
    views: ViewsDep,
    source: Annotated[str, Query(min_length=1, max_length=200, description="Entity key or name, or a region (北京, 京津冀, 110000)")],
    target: Annotated[str, Query(min_length=1, max_length=200, description="Entity key or name, or a region (定州)")],
    k: Annotated[int, Query(ge=1, le=20)] = 3,
    max_length: Annotated[int, Query(ge=1, le=10, description="Most hops per path")] = 6,
    mode: Annotated[str, Query(pattern="^(transfer|any)$", description="transfer: kg.algorithms.transfer_paths "
                               "(directed transfer rules); any: shortest chains of ties of any kind")] = "transfer",
) -> PathList:
    """The ``k`` shortest paths of ties between actors of ``source`` and actors of ``target``."""
    snapshot = views.actors()
    try:
        sources, source_kind = resolve_endpoint(snapshot, source)
        targets, target_kind = resolve_endpoint(snapshot, target)
    except ValueError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    if mode == "transfer" and source_kind == target_kind == "region":
        found = algorithms.transfer_paths(snapshot.graph, source=source, target=target, k=k, max_hops=max_length)
        raw = [list(p["nodes"]) for p in found]
        method = "kg.algorithms.transfer_paths (directed transfer rules)"
    elif mode == "transfer":
        raw = find_paths(algorithms.transfer_graph(snapshot.graph), sources, targets, k, max_length)
        method = "k cheapest paths on kg.algorithms.transfer_graph (directed transfer rules)"
    else:
        raw = find_paths(any_tie_graph(snapshot.graph), sources, targets, k, max_length)
        method = "k shortest simple paths over any tie (undirected)"
    G = snapshot.graph
    paths = []
    for nodes in raw:
        if not all(n in G for n in nodes):
            continue
        steps = []
        for u, v in zip(nodes, nodes[1:]):
            rels = sorted({d.get("relation") or key for a, b in ((u, v), (v, u)) if G.has_edge(a, b)
                           for key, d in G[a][b].items()})
            steps.append(PathStep(source=u, target=v, relations=rels))
        paths.append(PathOut(nodes=[entity_summary(snapshot, n) for n in nodes], steps=steps, length=len(steps)))
    return PathList(source=source, target=target, method=method, paths=paths)


@router.get("/flows", response_model=FlowList, summary="Ties aggregated between cities or provinces")
def get_flows(
    views: ViewsDep,
    level: Annotated[str, Query(pattern="^(city|province)$")] = "city",
    top: Annotated[int, Query(ge=1, le=5000)] = 100,
) -> FlowList:
    """Region-to-region flows from ``kg.algorithms.region_graph`` (ties inside one region left out)."""
    R, _ = views.cities(level)
    flows = sorted(((u, v, d) for u, v, d in R.edges(data=True) if u != v), key=lambda e: (-e[2].get("weight", 0), e[0], e[1]))
    return FlowList(level=level, results=[
        Flow(source=u, source_label=R.nodes[u].get("label"), target=v, target_label=R.nodes[v].get("label"),
             weight=int(d.get("weight", 0)), relations=dict(d.get("relations") or {}))
        for u, v, d in flows[:top]])
