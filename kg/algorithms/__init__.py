"""Network analysis of the knowledge graph with networkx: projection, hubs, communities, transfer paths, flows.

Every function takes the graph first, names edge attributes with ``weight=``, controls randomness
with ``seed=`` and returns plain dicts, lists or pandas DataFrames. Large graphs run on igraph
behind the same functions (``backend="auto"``).
"""

from kg.algorithms.communities import communities, community_summaries, leiden_communities, louvain_communities
from kg.algorithms.flows import (
    DEFAULT_CORRIDORS,
    corridor_flows,
    flow_matrix,
    net_flow,
    read_corridors,
    region_pairs,
    strength,
    ties_between,
    ties_between_sparql,
    write_csv,
)
from kg.algorithms.hubs import (
    HUB_RELATIONS,
    betweenness,
    degree,
    hub_graph,
    hubs,
    hubs_by,
    pagerank,
    weighted_degree,
)
from kg.algorithms.projection import FLOW_DIRECTIONS, actor_graph, region_graph, undirected_weighted
from kg.algorithms.regions import RegionHierarchy, region_hierarchy
from kg.algorithms.transfer import TRAVERSAL, transfer_graph, transfer_paths

__all__ = [
    "DEFAULT_CORRIDORS",
    "FLOW_DIRECTIONS",
    "HUB_RELATIONS",
    "TRAVERSAL",
    "RegionHierarchy",
    "actor_graph",
    "betweenness",
    "communities",
    "community_summaries",
    "corridor_flows",
    "degree",
    "flow_matrix",
    "hub_graph",
    "hubs",
    "hubs_by",
    "leiden_communities",
    "louvain_communities",
    "net_flow",
    "pagerank",
    "read_corridors",
    "region_graph",
    "region_pairs",
    "region_hierarchy",
    "strength",
    "ties_between",
    "ties_between_sparql",
    "transfer_graph",
    "transfer_paths",
    "undirected_weighted",
    "weighted_degree",
    "write_csv",
]
