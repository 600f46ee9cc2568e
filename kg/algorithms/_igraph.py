"""Converting networkx graphs to igraph (the compiled backend used on large graphs)."""

from __future__ import annotations

__all__ = ["to_igraph", "use_compiled"]

#: Above this many nodes ``backend="auto"`` switches from networkx to igraph
#: (bench/bench_algorithms.py measures the gain; on small graphs networkx is exact and fast enough).
LARGE_GRAPH_NODES = 2000


def use_compiled(G, backend: str) -> bool:
    """Whether to run on igraph: ``backend`` is ``"auto"``, ``"networkx"`` or ``"igraph"``."""
    if backend not in ("auto", "networkx", "igraph"):
        raise ValueError(f"backend must be 'auto', 'networkx' or 'igraph', not {backend!r}")
    return backend == "igraph" or (backend == "auto" and G.number_of_nodes() > LARGE_GRAPH_NODES)


def to_igraph(G, weight: str | None = None, *, parallel: str = "sum"):
    """An ``igraph.Graph`` with the nodes of ``G`` in ``list(G)`` order and edge attribute ``"weight"``.

    Parallel edges of a multigraph are merged: weights summed (``parallel="sum"``, as networkx's
    PageRank does) or the smallest kept (``"min"``, as networkx's shortest paths do); self-loops kept.
    Returns ``(graph, nodes)``.
    """
    import igraph as ig

    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    directed = G.is_directed()
    if not G.is_multigraph():
        # A simple graph has no parallel edges to merge: one pass over the adjacency (measured
        # faster than the edges view), each undirected edge taken once.
        sources, targets, weights = [], [], []
        for u, nbrs in G.adj.items():
            iu = index[u]
            for v, data in nbrs.items():
                iv = index[v]
                if directed or iv >= iu:
                    sources.append(iu)
                    targets.append(iv)
                    weights.append(1.0 if weight is None else float(data.get(weight, 1.0)))
        edges = list(zip(sources, targets))
    else:
        merged: dict[tuple[int, int], float] = {}
        for u, v, w in G.edges(data=weight, default=1.0) if weight else ((u, v, 1.0) for u, v in G.edges()):
            a, b = index[u], index[v]
            if not directed and a > b:
                a, b = b, a
            w = float(w)
            if (a, b) in merged:
                merged[(a, b)] = merged[(a, b)] + w if parallel == "sum" else min(merged[(a, b)], w)
            else:
                merged[(a, b)] = w
        edges, weights = list(merged), list(merged.values())
    g = ig.Graph(n=len(nodes), edges=edges, directed=directed)
    g.es["weight"] = weights
    return g, nodes
