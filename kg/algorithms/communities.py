"""Communities of actors: Louvain (networkx, or igraph on large graphs), Leiden (leidenalg), and summaries.

Both methods run on the actor graph collapsed to an undirected simple graph whose edge weight is
the number of supporting articles summed over relations and directions
(:func:`kg.algorithms.undirected_weighted`); actors without ties are left out (each would be a
community of one). Communities are returned largest first, as sets of nodes.
"""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx

from kg.algorithms._igraph import to_igraph, use_compiled
from kg.algorithms.hubs import weighted_degree
from kg.algorithms.projection import undirected_weighted
from kg.algorithms.regions import RegionHierarchy

__all__ = ["communities", "community_summaries", "leiden_communities", "louvain_communities"]


def _collapsed(G, weight, relations) -> tuple[nx.Graph, str]:
    """The undirected weighted graph communities are sought in, without isolated nodes, and the
    name of its weight attribute. A simple undirected graph is used as it is (no copy)."""
    if not G.is_directed() and not G.is_multigraph() and relations is None:
        isolated = [n for n, nbrs in G.adj.items() if all(m == n for m in nbrs)]
        return (G.subgraph(set(G) - set(isolated)) if isolated else G), weight
    H = undirected_weighted(G, weight=weight, relations=relations)
    H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    return H, "weight"


def _ordered(parts) -> list[set]:
    return sorted((set(p) for p in parts if p), key=lambda p: (-len(p), min(map(str, p))))


def louvain_communities(
    G,
    *,
    weight: str = "weight",
    resolution: float = 1.0,
    seed=0,
    relations=None,
    backend: str = "auto",
) -> list[set]:
    """Louvain modularity communities.

    Parameters
    ----------
    G : networkx graph
        Usually :func:`kg.algorithms.actor_graph` (collapsed to an undirected weighted graph).
    weight : str
        Edge attribute with the tie strength.
    resolution : float
        Modularity resolution (above 1: smaller communities).
    seed : int, optional
        Controls the order nodes are visited in.
    relations : iterable of str, optional
        Only use these tie types.
    backend : {"auto", "networkx", "igraph"}
        ``"auto"`` uses igraph's multilevel algorithm above ``LARGE_GRAPH_NODES`` nodes
        (same method, a different random stream: partitions may differ from networkx's).

    Returns
    -------
    list of set
        Communities, largest first.

    Examples
    --------
    >>> B = nx.barbell_graph(4, 0)     # two 4-cliques joined by one edge
    >>> louvain_communities(B, seed=1)
    [{0, 1, 2, 3}, {4, 5, 6, 7}]
    >>> louvain_communities(B, seed=1, backend="igraph")
    [{0, 1, 2, 3}, {4, 5, 6, 7}]
    """
    H, weight = _collapsed(G, weight, relations)
    if len(H) == 0:
        return []
    if not use_compiled(H, backend):
        return _ordered(nx.community.louvain_communities(H, weight=weight, resolution=resolution, seed=seed))
    import igraph as ig

    g, nodes = to_igraph(H, weight)
    # igraph draws from a Python RNG object: give it one seeded for this call only.
    ig.set_random_number_generator(random.Random(seed))
    try:
        membership = g.community_multilevel(weights="weight", resolution=resolution).membership
    finally:
        ig.set_random_number_generator(random)
    parts: dict[int, set] = {}
    for node, m in zip(nodes, membership):
        parts.setdefault(m, set()).add(node)
    return _ordered(parts.values())


def leiden_communities(
    G,
    *,
    weight: str = "weight",
    resolution: float = 1.0,
    seed=0,
    relations=None,
    n_iterations: int = 2,
) -> list[set]:
    """Leiden communities (leidenalg on igraph), optimising modularity (RB configuration model).

    Parameters
    ----------
    G : networkx graph
    weight, resolution, seed, relations
        As in :func:`louvain_communities`.
    n_iterations : int
        Leiden iterations (leidenalg's default 2; negative: until no improvement, which on the
        1M-tie bench graph took 38 s instead of 29 s CPU for the same modularity, 0.691).

    Returns
    -------
    list of set
        Communities, largest first; each is connected (a Leiden guarantee).

    Examples
    --------
    >>> B = nx.barbell_graph(4, 0)
    >>> leiden_communities(B, seed=1)
    [{0, 1, 2, 3}, {4, 5, 6, 7}]
    """
    import leidenalg

    H, weight = _collapsed(G, weight, relations)
    if len(H) == 0:
        return []
    g, nodes = to_igraph(H, weight)
    partition = leidenalg.find_partition(
        g,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        n_iterations=n_iterations,
        seed=seed if isinstance(seed, int) else None,
    )
    return _ordered([{nodes[i] for i in part} for part in partition])


def communities(G, method: str = "louvain", **kwargs) -> list[set]:
    """Communities by ``method`` (``"louvain"`` or ``"leiden"``); keyword arguments are passed on.

    Examples
    --------
    >>> communities(nx.barbell_graph(3, 0), method="leiden", seed=0)
    [{0, 1, 2}, {3, 4, 5}]
    """
    if method == "louvain":
        return louvain_communities(G, **kwargs)
    if method == "leiden":
        return leiden_communities(G, **kwargs)
    raise ValueError(f"method must be 'louvain' or 'leiden', not {method!r}")


def _dominant(values: list):
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None, 0.0
    value, count = min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return value, count / len(values)


def community_summaries(G, communities, *, weight: str = "weight", top_members: int = 10) -> list[dict]:
    """Describe each community: size, main members, dominant province, city, class and industry.

    Parameters
    ----------
    G : networkx graph
        The graph the communities were found in (node attributes ``label``, ``cls``, ``city``,
        ``province``, optional ``industry``).
    communities : iterable of sets
        As returned by :func:`louvain_communities` / :func:`leiden_communities`.
    weight : str
        Edge attribute used to order members (by weighted degree inside the community).
    top_members : int
        How many members to list in ``labels``.

    Returns
    -------
    list of dict
        Per community, in the given order: ``community`` (0-based), ``size``, ``members`` (all
        nodes, strongest first), ``labels`` (of the ``top_members`` strongest), ``internal_weight``
        (sum of tie weights inside), ``province``/``province_label``/``province_share``,
        ``city``/``city_label``/``city_share``, ``cls``/``cls_share``, ``industry``/``industry_share``
        (the most common value and the share of members having it; None when unknown).

    Examples
    --------
    >>> B = nx.barbell_graph(3, 0)
    >>> nx.set_node_attributes(B, {0: "Park", 1: "Enterprise", 2: "Enterprise",
    ...                            3: "University", 4: "University", 5: "Park"}, "cls")
    >>> found = louvain_communities(B, seed=0)
    >>> [(s["size"], s["cls"], round(s["cls_share"], 2)) for s in community_summaries(B, found)]
    [(3, 'Enterprise', 0.67), (3, 'University', 0.67)]
    """
    hierarchy: RegionHierarchy = G.graph.get("regions") or RegionHierarchy()
    out = []
    for i, members in enumerate(communities):
        members = [m for m in members if m in G]
        sub = G.subgraph(members)
        strength = weighted_degree(sub, weight=weight)
        ordered = sorted(members, key=lambda n: (-strength.get(n, 0.0), str(G.nodes[n].get("label", n)), str(n)))
        data = [G.nodes[n] for n in ordered]
        province, province_share = _dominant([d.get("province") for d in data])
        city, city_share = _dominant([d.get("city") for d in data])
        cls, cls_share = _dominant([d.get("cls") for d in data])
        industry, industry_share = _dominant([d.get("industry") for d in data])
        out.append(
            {
                "community": i,
                "size": len(members),
                "members": ordered,
                "labels": [d.get("label", n) for n, d in zip(ordered[:top_members], data)],
                "internal_weight": sum(w for _, _, w in sub.edges(data=weight, default=1)),
                "province": province,
                "province_label": hierarchy.label(province),
                "province_share": province_share,
                "city": city,
                "city_label": hierarchy.label(city),
                "city_share": city_share,
                "cls": cls,
                "cls_share": cls_share,
                "industry": industry,
                "industry_share": industry_share,
            }
        )
    return out
