"""View models for the graph explorer: precomputed layouts, hub-sized nodes, city and ego views as plain JSON.

The explorer page (``kg/viz/static/explorer.html``) draws what these functions return with vis-network;
positions are computed here once so the browser never runs a physics simulation on a large graph.
All text (labels, sentences, titles) stays plain data: the page inserts it with ``textContent`` and
vis-network's text labels, never as HTML.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

__all__ = [
    "STATIC_DIR",
    "PHYSICS_NODE_LIMIT",
    "layout_positions",
    "degree_hub_scores",
    "entity_view",
    "city_view",
    "ego_nodes",
    "filter_actor_graph",
    "edge_evidence",
]

#: Folder of the explorer's own HTML/JS/CSS and the vendored vis-network (served by the API).
STATIC_DIR = Path(__file__).with_name("static")
#: Above this many nodes the page keeps physics off (a precomputed layout is drawn as is).
PHYSICS_NODE_LIMIT = 300
_SPAN = 1000.0  # layouts are scaled into [-_SPAN, _SPAN]^2 (vis-network canvas units)


def layout_positions(G: nx.Graph, *, seed: int = 0, iterations: int | None = None) -> dict:
    """A deterministic 2-D layout of ``G`` scaled to the explorer's canvas.

    Parameters
    ----------
    G : networkx graph
        Any graph; edge direction and multiplicity are ignored.
    seed : int
        Seed of the layout's random start; the same graph and seed give the same positions.
    iterations : int, optional
        Force-directed iterations (default: fewer for larger graphs).

    Returns
    -------
    dict
        ``node -> (x, y)`` with coordinates in ``[-1000, 1000]``.

    Examples
    --------
    >>> pos = layout_positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2] and all(abs(c) <= 1000 for xy in pos.values() for c in xy)
    True
    >>> layout_positions(nx.path_graph(3)) == pos
    True
    """
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    edges = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v}
    if iterations is None:
        iterations = 500 if n < 500 else 250 if n < 3000 else 150
    rng = random.Random(seed)
    start = [[rng.uniform(-1, 1) * math.sqrt(n), rng.uniform(-1, 1) * math.sqrt(n)] for _ in range(n)]
    import igraph

    graph = igraph.Graph(n=n, edges=sorted(edges))
    # igraph's force-directed layout draws random numbers from a global generator: seed it for
    # reproducible positions, then put the default back.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = graph.layout_fruchterman_reingold(seed=start, niter=iterations, grid="auto" if n > 1000 else "nogrid")
    finally:
        igraph.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    scale = _SPAN * min(1.0, math.sqrt(n) / 12) / half if n < 144 else _SPAN / half
    return {node: (round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for node, (x, y) in zip(nodes, coords)}


def degree_hub_scores(G: nx.Graph, *, weight: str = "weight") -> dict:
    """Weighted degree of each node divided by the largest one (``0..1``); the explorer's default size.

    Examples
    --------
    >>> degree_hub_scores(nx.star_graph(2))
    {0: 1.0, 1: 0.5, 2: 0.5}
    """
    if G.number_of_nodes() == 0:
        return {}
    degrees = dict(G.degree(weight=weight))
    top = max(degrees.values()) or 1
    return {node: degrees[node] / top for node in G.nodes}


def _size(score: float | None) -> float:
    return round(10 + 30 * math.sqrt(max(0.0, min(1.0, score or 0.0))), 1)


def filter_actor_graph(G: nx.MultiDiGraph, *, classes: Iterable[str] | None = None,
                       relations: Iterable[str] | None = None, regions: Iterable[str] | None = None,
                       start: str | None = None, end: str | None = None, hierarchy=None) -> nx.MultiDiGraph:
    """The part of an actor graph (``kg.algorithms.actor_graph``) that passes the explorer's filters.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Nodes with ``cls`` and ``region``; edges with ``relation`` and ``dates`` (ISO strings).
    classes, relations : iterable of str, optional
        Keep only these node classes / edge relations.
    regions : iterable of str, optional
        Region codes: keep nodes located in one of them or below (needs ``hierarchy``).
    start, end : str, optional
        ISO date bounds (a prefix such as ``"2020"`` works); an edge is kept when one of its dates is inside.
    hierarchy : kg.algorithms.RegionHierarchy, optional
        For ``regions``; defaults to ``G.graph["regions"]``.

    Returns
    -------
    networkx.MultiDiGraph
        A new graph; nodes left without edges by the relation/date filters are kept only when no
        relation/date filter was given.
    """
    classes = set(classes) if classes else None
    relations = set(relations) if relations else None
    hierarchy = hierarchy if hierarchy is not None else G.graph.get("regions")
    region_codes = set(regions) if regions else None

    def keep_node(data) -> bool:
        if classes is not None and data.get("cls") not in classes:
            return False
        if region_codes is not None:
            code = data.get("region")
            if hierarchy is not None:
                return hierarchy.within(code, region_codes)
            return code in region_codes
        return True

    def keep_edge(data) -> bool:
        if relations is not None and data.get("relation") not in relations:
            return False
        if start or end:
            dates = data.get("dates") or []
            lo = start or ""
            hi = (end or "") + "\uffff"
            return any(lo <= d <= hi for d in dates)
        return True

    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if keep_node(d))
    H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                     if u in H and v in H and keep_edge(d))
    if relations is not None or start or end:
        H.remove_nodes_from([n for n in list(H.nodes) if H.degree(n) == 0])
    return H


def ego_nodes(G: nx.Graph, centre, depth: int = 1) -> set:
    """``centre`` and every node within ``depth`` hops of it, ignoring edge direction.

    Examples
    --------
    >>> sorted(ego_nodes(nx.path_graph(5), 2, depth=1))
    [1, 2, 3]
    """
    if centre not in G:
        raise KeyError(centre)
    undirected = G.to_undirected(as_view=True) if G.is_directed() else G
    return set(nx.single_source_shortest_path_length(undirected, centre, cutoff=max(0, depth)))


def entity_view(G: nx.MultiDiGraph, *, positions: dict, hub_scores: dict, key_of=None,
                highlight: Iterable = ()) -> dict:
    """JSON-ready nodes and edges of an actor graph for vis-network.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An actor graph (``kg.algorithms.actor_graph``), possibly filtered.
    positions : dict
        ``node -> (x, y)`` (e.g. from :func:`layout_positions` on the whole graph, so filtering
        keeps nodes in place).
    hub_scores : dict
        ``node -> score in 0..1``; sets the node size.
    key_of : callable, optional
        ``node -> short key`` used by the page in API links (default: the node itself).
    highlight : iterable
        Nodes to mark as highlighted (e.g. a transfer path).

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...], "physics": bool, "level": "entity"}``. Nodes carry ``id``,
        ``key``, ``label``, ``cls``, ``region``, ``regionLabel``, ``city``, ``hub``, ``size``, ``x``, ``y``;
        edges carry ``id``, ``from``, ``to``, ``relation``, ``status``, ``weight``, ``dates`` (strongest first).
    """
    key_of = key_of or (lambda node: node)
    marked = set(highlight)
    hierarchy = G.graph.get("regions")
    nodes = []
    for node, data in G.nodes(data=True):
        x, y = positions.get(node, (0.0, 0.0))
        city = data.get("city")
        nodes.append({
            "id": node,
            "key": key_of(node),
            "label": data.get("label") or str(node),
            "cls": data.get("cls") or "Unknown",
            "region": data.get("region"),
            "regionLabel": data.get("region_label"),
            "city": city,
            "cityLabel": hierarchy.label(city) if (hierarchy is not None and city) else None,
            "hub": round(float(hub_scores.get(node, 0.0)), 4),
            "size": _size(hub_scores.get(node)),
            "x": x,
            "y": y,
            "highlight": node in marked,
        })
    edges = []
    for u, v, key, data in G.edges(keys=True, data=True):
        edges.append({
            "id": f"{u}|{key}|{v}",
            "from": u,
            "to": v,
            "relation": data.get("relation") or str(key),
            "status": data.get("status"),
            "weight": data.get("weight", 1),
            "dates": data.get("dates") or [],
        })
    # Strongest ties first: a page drawing a large graph progressively shows them first.
    edges.sort(key=lambda e: -e["weight"])
    return {"level": "entity", "nodes": nodes, "edges": edges, "physics": len(nodes) <= PHYSICS_NODE_LIMIT}


def city_view(R: nx.DiGraph, *, positions: dict | None = None) -> dict:
    """JSON-ready city-level view of a region graph (``kg.algorithms.region_graph(..., level="city")``).

    Nodes are cities sized by their total tie weight; edges are aggregated flows with ``weight`` and
    ``relations``. Self-loops (ties inside one city) become the node's ``internal`` count.

    Examples
    --------
    >>> R = nx.DiGraph()
    >>> R.add_node("110000", label="北京市"); R.add_node("130682", label="定州市")
    >>> R.add_edge("110000", "130682", weight=3, relations={"cooperatesWith": 3})
    >>> view = city_view(R)
    >>> [n["label"] for n in view["nodes"]], view["edges"][0]["weight"]
    (['北京市', '定州市'], 3)
    """
    positions = positions if positions is not None else layout_positions(R)
    strength = {n: 0 for n in R.nodes}
    internal = {n: 0 for n in R.nodes}
    for u, v, data in R.edges(data=True):
        w = data.get("weight", 1)
        if u == v:
            internal[u] += w
        strength[u] += w
        strength[v] += w
    top = max(strength.values(), default=0) or 1
    nodes = [{
        "id": n,
        "key": n,
        "label": data.get("label") or n,
        "cls": "City",
        "region": n,
        "regionLabel": data.get("label"),
        "city": n,
        "cityLabel": data.get("label"),
        "hub": round(strength[n] / top, 4),
        "size": _size(strength[n] / top),
        "internal": internal[n],
        "x": positions.get(n, (0.0, 0.0))[0],
        "y": positions.get(n, (0.0, 0.0))[1],
        "highlight": False,
    } for n, data in R.nodes(data=True)]
    edges = [{
        "id": f"{u}|flow|{v}",
        "from": u,
        "to": v,
        "relation": "flow",
        "status": None,
        "weight": data.get("weight", 1),
        "relations": data.get("relations", {}),
        "dates": sorted(data.get("by_year", {})),
    } for u, v, data in R.edges(data=True) if u != v]
    return {"level": "city", "nodes": nodes, "edges": edges, "physics": len(nodes) <= PHYSICS_NODE_LIMIT}


def edge_evidence(G: nx.MultiDiGraph, source, target, relation: str | None = None) -> list[dict]:
    """Evidence of the ties between two actors (both directions), most confident first.

    Returns
    -------
    list of dict
        ``{"source", "target", "relation", "status", "article", "sentence", "start", "end"}`` per
        evidence sentence; empty when the actors are not tied.
    """
    out = []
    for u, v in ((source, target), (target, source)):
        if not G.has_node(u) or not G.has_node(v) or not G.has_edge(u, v):
            continue
        for key, data in G[u][v].items():
            rel = data.get("relation") or key
            if relation is not None and rel != relation:
                continue
            for article, sentence, start, end in data.get("evidence") or []:
                out.append({"source": u, "target": v, "relation": rel, "status": data.get("status"),
                            "article": article, "sentence": sentence, "start": start, "end": end})
    return out
