"""Views of the knowledge graph for people: the graph explorer's data (layouts, city and ego views) and its static page."""

from kg.viz.explorer import (
    PHYSICS_NODE_LIMIT,
    STATIC_DIR,
    city_view,
    degree_hub_scores,
    edge_evidence,
    ego_nodes,
    entity_view,
    filter_actor_graph,
    layout_positions,
)

__all__ = [
    "PHYSICS_NODE_LIMIT",
    "STATIC_DIR",
    "city_view",
    "degree_hub_scores",
    "edge_evidence",
    "ego_nodes",
    "entity_view",
    "filter_actor_graph",
    "layout_positions",
]
