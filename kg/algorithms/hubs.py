"""Hubs and brokers: degree, weighted degree, PageRank, betweenness, and the collaboration-hub ranking.

A **collaboration hub** is an actor that many others work with, often and through important
partners. It is measured on the *hub graph*: the actor graph restricted to cooperation, hosting,
location and transfer ties (:data:`HUB_RELATIONS`), collapsed to an undirected simple graph whose
edge weight is the number of supporting articles (summed over relations and directions).
The hub score is the mean of two percentile ranks on that graph, weighted degree and weighted
PageRank: ``hub_score = (pct(weighted_degree) + pct(pagerank)) / 2`` where ``pct(x)`` is the
share of the other ranked actors with a strictly smaller value. A score of 1.0 means first on
both. Only actors with at least one hub tie are ranked; ties in score are broken by weighted
degree, PageRank, then label.

Betweenness (brokerage) counts shortest paths in hops (weights are strengths, not distances);
it is exact on small graphs and sampled from ``k`` sources (with ``seed``) on large ones, running
on igraph above ``LARGE_GRAPH_NODES`` nodes with the same estimator as networkx.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

from kg.algorithms._igraph import LARGE_GRAPH_NODES, to_igraph, use_compiled
from kg.algorithms.projection import undirected_weighted
from kg.algorithms.regions import RegionHierarchy
from kg.types import Relation

__all__ = [
    "HUB_RELATIONS",
    "betweenness",
    "degree",
    "hub_graph",
    "hubs",
    "hubs_by",
    "pagerank",
    "weighted_degree",
]

#: The ties that make an actor a collaboration hub.
HUB_RELATIONS = (
    Relation.COOPERATES_WITH.value,
    Relation.HOSTS.value,
    Relation.LOCATED_IN.value,
    Relation.TRANSFERS_TECHNOLOGY_TO.value,
    Relation.RELOCATED_TO.value,
)

_METRICS = ("hub", "degree", "weighted_degree", "pagerank", "betweenness")


def degree(G) -> dict:
    """Number of distinct neighbours of each node, ignoring direction, parallel edges and self-loops.

    Parameters
    ----------
    G : networkx graph (any kind)

    Returns
    -------
    dict
        ``node -> int``.

    Examples
    --------
    >>> M = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "a"), ("c", "a"), ("c", "c")])
    >>> degree(M)
    {'a': 2, 'b': 1, 'c': 1}
    """
    if G.is_directed():
        return {n: len((G.succ[n].keys() | G.pred[n].keys()) - {n}) for n in G}
    return {n: len(nbrs) - (n in nbrs) for n, nbrs in G.adj.items()}


def weighted_degree(G, weight: str = "weight") -> dict:
    """Sum of ``weight`` over the edges at each node, in or out; self-loops ignored.

    Parameters
    ----------
    G : networkx graph (any kind)
    weight : str
        Edge attribute; a missing value counts 1.

    Returns
    -------
    dict
        ``node -> float``.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edges_from([("a", "b", {"weight": 2}), ("b", "a", {"weight": 1}), ("a", "c", {})])
    [0, 0, 0]
    >>> weighted_degree(M)
    {'a': 4.0, 'b': 3.0, 'c': 1.0}
    """
    if not G.is_directed() and not G.is_multigraph() and nx.number_of_selfloops(G) == 0:
        return {n: float(d) for n, d in G.degree(weight=weight)}  # networkx's own loop, faster
    out = dict.fromkeys(G, 0.0)
    for u, v, w in G.edges(data=weight, default=1):
        if u != v:
            out[u] += w
            out[v] += w
    return out


def pagerank(G, alpha: float = 0.85, *, weight: str | None = "weight", backend: str = "auto") -> dict:
    """PageRank of each node (networkx semantics: parallel edge weights add up, dangling nodes
    spread uniformly).

    Parameters
    ----------
    G : networkx graph
    alpha : float
        Damping factor.
    weight : str or None
        Edge attribute used as weight (None: every edge 1).
    backend : {"auto", "networkx", "igraph"}
        ``"auto"`` and ``"networkx"`` run networkx (scipy); ``"igraph"`` runs igraph's ARPACK
        solver (machine precision; networkx's power iteration stops at ``tol=1e-6``, so values
        differ by up to about 1e-5 on large graphs). :func:`hubs` uses igraph when it converts
        the graph anyway for betweenness.

    Returns
    -------
    dict
        ``node -> float``, summing to 1.

    Examples
    --------
    >>> S = nx.star_graph(3)     # centre 0 and leaves 1, 2, 3
    >>> {n: round(p, 4) for n, p in pagerank(S).items()}
    {0: 0.4797, 1: 0.1734, 2: 0.1734, 3: 0.1734}
    >>> {n: round(p, 4) for n, p in pagerank(S, backend="igraph").items()}
    {0: 0.4797, 1: 0.1734, 2: 0.1734, 3: 0.1734}
    """
    if len(G) == 0:
        return {}
    use_compiled(G, backend)  # checks the name
    if backend != "igraph":
        # networkx's PageRank is already scipy (compiled) once the graph is converted, and the
        # conversion to igraph costs as much: measured x0.7-0.9 on 1M ties (bench_algorithms.py).
        return nx.pagerank(G, alpha=alpha, weight=weight)
    return _pagerank_igraph(to_igraph(G, weight, parallel="sum"), alpha, G.is_directed())


def _pagerank_igraph(converted, alpha: float, directed: bool) -> dict:
    g, nodes = converted
    # ARPACK measured faster than PRPACK here (bench/bench_algorithms.py), same values to 1e-12.
    values = g.pagerank(damping=alpha, weights="weight", directed=directed, implementation="arpack")
    return dict(zip(nodes, values))


def betweenness(
    G,
    k: int | None = None,
    *,
    normalized: bool = True,
    weight: str | None = None,
    seed=None,
    backend: str = "auto",
) -> dict:
    """Betweenness centrality (the share of shortest paths through a node): brokers score high.

    Same semantics as :func:`networkx.betweenness_centrality` (endpoints excluded). With ``k``,
    the estimate uses ``k`` source nodes drawn exactly as networkx draws them with ``seed``, so
    both backends give the same numbers.

    Parameters
    ----------
    G : networkx graph
    k : int, optional
        Number of sampled source nodes (None: exact, all sources).
    normalized : bool
        Divide by the number of node pairs.
    weight : str or None
        Edge attribute used as *distance* (None: hops).
    seed : int or random.Random, optional
        Controls the sample of sources.
    backend : {"auto", "networkx", "igraph"}
        ``"auto"`` runs on igraph above ``LARGE_GRAPH_NODES`` nodes.

    Returns
    -------
    dict
        ``node -> float``.

    Examples
    --------
    >>> P = nx.path_graph(4)    # 0 - 1 - 2 - 3
    >>> betweenness(P)
    {0: 0.0, 1: 0.6666666666666666, 2: 0.6666666666666666, 3: 0.0}
    >>> betweenness(P, backend="igraph") == betweenness(P)
    True
    >>> betweenness(P, k=2, seed=1, normalized=False) == betweenness(P, k=2, seed=1, normalized=False, backend="igraph")
    True
    """
    if not use_compiled(G, backend):
        return nx.betweenness_centrality(G, k=k, normalized=normalized, weight=weight, seed=seed)
    return _betweenness_igraph(to_igraph(G, weight, parallel="min"), G, k, normalized, weight is not None, seed)


def _betweenness_igraph(converted, G, k, normalized: bool, weighted: bool, seed) -> dict:
    g, nodes = converted
    n = len(nodes)
    if k is not None and k > n:
        raise ValueError(f"sample k={k} is larger than the number of nodes {n}")
    if k == n:
        k = None
    index = {node: i for i, node in enumerate(nodes)}
    if k is None:
        sources = None
        raw = g.betweenness(directed=G.is_directed(), weights="weight" if weighted else None)
    else:
        rng = nx.utils.create_py_random_state(seed)
        sources = rng.sample(list(G.nodes()), k)  # the very draw networkx makes
        raw = g.betweenness(
            directed=G.is_directed(),
            weights="weight" if weighted else None,
            sources=[index[s] for s in sources],
        )
    # networkx accumulates ordered (s, t) pairs; igraph counts an undirected pair once.
    factor = 1.0 if G.is_directed() else 2.0
    values = {node: raw[i] * factor for i, node in enumerate(nodes)}
    return _rescale_like_networkx(values, n, normalized=normalized, directed=G.is_directed(), sampled=sources)


def _rescale_like_networkx(values: dict, n: int, *, normalized: bool, directed: bool, sampled) -> dict:
    """networkx's rescaling of betweenness (endpoints excluded), incl. its sampling correction."""
    N = n - 1
    if N < 2:
        return values
    correction = 1 if directed else 2
    if sampled is None:
        scale = 1 / (N * (N - 1)) if normalized else 1 / correction
        return {v: b * scale for v, b in values.items()}
    k = len(sampled)
    if normalized:
        scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        scale_other = 1 / (k * (N - 1))
    else:
        scale_source = N / ((k - 1) * correction) if k > 1 else math.nan
        scale_other = N / (k * correction)
    sampled = set(sampled)
    return {v: b * (scale_source if v in sampled else scale_other) for v, b in values.items()}


def hub_graph(G, *, relations=HUB_RELATIONS, weight: str = "weight") -> nx.Graph:
    """The undirected, weighted graph hubs are measured on (see the module docstring).

    Parameters
    ----------
    G : networkx graph
        Usually :func:`kg.algorithms.actor_graph`.
    relations : iterable of str or None
        Tie types kept (None: all). Edges without a ``relation`` attribute (a plain networkx
        graph) are always kept.
    weight : str
        Edge attribute summed into the hub graph's ``weight``.

    Returns
    -------
    networkx.Graph

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edges_from([("a", "b", {"relation": "cooperatesWith", "weight": 2}),
    ...                   ("a", "c", {"relation": "visits", "weight": 5})])
    [0, 0]
    >>> list(hub_graph(M).edges(data="weight"))
    [('a', 'b', 2)]
    >>> hub_graph(nx.path_graph(3)).number_of_edges()    # untyped edges are kept
    2
    """
    return undirected_weighted(G, weight=weight, relations=relations)


def _percentiles(values: dict) -> dict:
    """Share of the other entries with a strictly smaller value (1.0 = above all others)."""
    n = len(values)
    if n <= 1:
        return dict.fromkeys(values, 1.0)
    ordered = sorted(values.values())
    out = {}
    import bisect

    for node, value in values.items():
        out[node] = bisect.bisect_left(ordered, value) / (n - 1)
    return out


def _filter(G, nodes, cls, region):
    classes = None
    if cls is not None:
        classes = {cls} if isinstance(cls, str) or hasattr(cls, "value") else set(cls)
        classes = {getattr(c, "value", c) for c in classes}
    codes = None
    hierarchy: RegionHierarchy = G.graph.get("regions") or RegionHierarchy()
    if region is not None:
        codes = hierarchy.resolve(region)
    for n in nodes:
        data = G.nodes[n]
        if classes is not None and data.get("cls") not in classes:
            continue
        if codes is not None and not hierarchy.within(data.get("region"), codes):
            continue
        yield n


def hubs(
    G,
    *,
    top: int | None = 10,
    by: str = "hub",
    cls=None,
    region=None,
    relations=HUB_RELATIONS,
    weight: str = "weight",
    k: int | None = None,
    seed=0,
    backend: str = "auto",
) -> list[dict]:
    """Rank actors as collaboration hubs (or by one centrality).

    Metrics are computed on the whole :func:`hub_graph`; ``cls`` and ``region`` only select
    which actors are listed (a Beijing actor's rank among Beijing actors, measured in the whole
    network).

    Parameters
    ----------
    G : networkx graph
        Usually :func:`kg.algorithms.actor_graph`.
    top : int or None
        How many to return (None: all ranked actors).
    by : {"hub", "degree", "weighted_degree", "pagerank", "betweenness"}
        Ranking key. ``"hub"`` is the combined rank defined in the module docstring.
    cls : str or iterable, optional
        Only list actors of these classes (``"Park"``, ``"Enterprise"``...).
    region : str or iterable, optional
        Only list actors inside these regions/groups (``"河北"``, ``"京津冀"``, ``"371400"``).
    relations : iterable of str
        Tie types of the hub graph (default :data:`HUB_RELATIONS`).
    weight : str
        Edge attribute with the tie strength (number of articles).
    k, seed : int, optional
        Betweenness sampling: ``k`` sources drawn with ``seed``. Betweenness is computed exactly
        on graphs of at most ``LARGE_GRAPH_NODES`` ranked actors; on larger ones only when
        ``by="betweenness"``, sampled with ``k`` (default 50) sources.
    backend : {"auto", "networkx", "igraph"}
        Where PageRank and betweenness run.

    Returns
    -------
    list of dict
        One dict per actor, best first: ``rank``, ``node``, ``label``, ``cls``, ``region``,
        ``city``, ``province``, ``degree``, ``weighted_degree``, ``pagerank``, ``betweenness``
        (None when not computed), ``hub_score``.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_nodes_from([("park", {"label": "园区", "cls": "Park"}), ("a", {"label": "甲", "cls": "Enterprise"}),
    ...                   ("b", {"label": "乙", "cls": "Enterprise"}), ("u", {"label": "大学", "cls": "University"})])
    >>> M.add_edges_from([("park", "a", {"relation": "hosts", "weight": 1}),
    ...                   ("park", "b", {"relation": "hosts", "weight": 1}),
    ...                   ("u", "park", {"relation": "cooperatesWith", "weight": 2})])
    [0, 0, 0]
    >>> [(h["label"], h["degree"], h["weighted_degree"], h["hub_score"]) for h in hubs(M, top=2)]
    [('园区', 3, 4.0, 1.0), ('大学', 1, 2.0, 0.6666666666666666)]
    >>> [h["label"] for h in hubs(M, by="betweenness", top=1)]
    ['园区']
    >>> [h["label"] for h in hubs(M, cls="Enterprise")]     # a tie: by label (code point order)
    ['乙', '甲']
    """
    if by not in _METRICS:
        raise ValueError(f"by must be one of {_METRICS}, not {by!r}")
    H = hub_graph(G, relations=relations, weight=weight)
    deg = degree(H)
    ranked = [n for n in H if deg[n] > 0]
    H.remove_nodes_from([n for n in list(H) if deg[n] == 0])  # H is our own copy
    H_ranked = H
    wdeg = weighted_degree(H_ranked, weight="weight")
    small = len(ranked) <= LARGE_GRAPH_NODES
    want_btw = by == "betweenness" or (small and k is None)
    kk = k if k is not None or small else min(50, len(ranked))
    btw = None
    if not ranked:
        pr, btw = {}, ({} if want_btw else None)
    elif use_compiled(H_ranked, backend) and (want_btw or backend == "igraph"):
        converted = to_igraph(H_ranked, "weight")  # once for both measures (a simple graph)
        pr = _pagerank_igraph(converted, 0.85, False)
        if want_btw:
            btw = _betweenness_igraph(converted, H_ranked, kk, True, False, seed)
    else:
        pr = pagerank(H_ranked, weight="weight", backend="networkx")
        if want_btw:
            btw = betweenness(H_ranked, k=kk, seed=seed, backend="networkx")
    pct_w, pct_p = _percentiles(wdeg), _percentiles(pr)
    score = {n: (pct_w[n] + pct_p[n]) / 2 for n in ranked}
    value = {"hub": score, "degree": deg, "weighted_degree": wdeg, "pagerank": pr, "betweenness": btw}[by]

    def label(n):
        return str(G.nodes[n].get("label", n)) if n in G else str(n)

    order = sorted(
        _filter(G, ranked, cls, region),
        key=lambda n: (-value[n], -wdeg[n], -pr[n], label(n), str(n)),
    )
    out = []
    for i, n in enumerate(order[:top] if top is not None else order, start=1):
        data = G.nodes[n]
        out.append(
            {
                "rank": i,
                "node": n,
                "label": data.get("label", n),
                "cls": data.get("cls"),
                "region": data.get("region"),
                "city": data.get("city"),
                "province": data.get("province"),
                "degree": deg[n],
                "weighted_degree": wdeg[n],
                "pagerank": pr[n],
                "betweenness": btw[n] if btw is not None else None,
                "hub_score": score[n],
            }
        )
    return out


def hubs_by(G, key: str = "cls", *, top: int = 3, **kwargs) -> dict:
    """The top hubs within each class, city or province.

    Parameters
    ----------
    G : networkx graph
    key : {"cls", "city", "province", "region"}
        Node attribute to group by (actors without it are left out).
    top : int
        Hubs per group.
    **kwargs
        Passed to :func:`hubs` (``by``, ``relations``, ``weight``...).

    Returns
    -------
    dict
        ``group value -> list of hub dicts`` (each ranked within its group), groups sorted.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_nodes_from([("p", {"label": "园区", "cls": "Park"}), ("a", {"label": "甲", "cls": "Enterprise"}),
    ...                   ("b", {"label": "乙", "cls": "Enterprise"})])
    >>> M.add_edges_from([("p", "a", {"relation": "hosts", "weight": 2}), ("p", "b", {"relation": "hosts"}),
    ...                   ("a", "b", {"relation": "cooperatesWith", "weight": 3})])
    [0, 0, 0]
    >>> {cls: [h["label"] for h in found] for cls, found in hubs_by(M, "cls", top=1).items()}
    {'Enterprise': ['甲'], 'Park': ['园区']}
    """
    everyone = hubs(G, top=None, **kwargs)
    groups: dict = defaultdict(list)
    for h in everyone:
        value = G.nodes[h["node"]].get(key)
        if value is not None and len(groups[value]) < top:
            groups[value].append({**h, "rank": len(groups[value]) + 1})
    return dict(sorted(groups.items()))
