"""Pydantic models of the REST API (what /docs shows)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "EntitySummary", "EntitySearch", "Evidence", "TieOut", "EntityDetail", "ArticleSummary", "ArticleList",
    "ArticleTie", "ArticleDetail", "Hub", "HubList", "PathStep", "PathOut", "PathList", "Flow", "FlowList",
    "GraphNode", "GraphEdge", "GraphOut", "EdgeEvidence", "NamedQuery",
]


class EntitySummary(BaseModel):
    """An entity as listed by search."""

    key: str = Field(description="Entity key (the last path segment of its IRI, unescaped); use it in /api/entities/{key}")
    iri: str
    label: str
    cls: str | None = Field(None, description="Ontology class local name (Enterprise, University, ...)")
    aliases: list[str] = []
    region: str | None = Field(None, description="GB/T 2260 code")
    region_label: str | None = None
    hub: float = Field(0.0, description="Hub score, 0..1")


class EntitySearch(BaseModel):
    """Search results."""

    query: str
    total: int
    results: list[EntitySummary]


class Evidence(BaseModel):
    """A sentence that proves a tie, with the article it comes from."""

    sentence: str
    article_id: str | None = None
    article_iri: str | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    start: int | None = None
    end: int | None = None


class TieOut(BaseModel):
    """A tie of an entity to another actor (direction from the entity's point of view)."""

    relation: str
    direction: str = Field(description="'out' when the entity is the subject, 'in' when it is the object")
    other: EntitySummary
    status: str | None = None
    weight: int = Field(1, description="Number of supporting articles")
    confidence: float | None = None
    dates: list[str] = []
    evidence: list[Evidence] = []


class EntityDetail(EntitySummary):
    """An entity with its ties and their evidence."""

    ties: list[TieOut] = []


class ArticleSummary(BaseModel):
    """An article's metadata."""

    id: str
    iri: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    ties: int = 0


class ArticleList(BaseModel):
    """A page of articles."""

    total: int
    offset: int
    limit: int
    results: list[ArticleSummary]


class ArticleTie(BaseModel):
    """A tie read from an article."""

    subject: str
    subject_label: str | None = None
    relation: str
    object: str
    object_label: str | None = None
    status: str | None = None
    confidence: float | None = None
    date: str | None = None
    sentence: str
    start: int | None = None
    end: int | None = None


class ArticleDetail(ArticleSummary):
    """An article with the entities and ties read from it."""

    entities: list[EntitySummary] = []
    tie_list: list[ArticleTie] = []


class Hub(BaseModel):
    """A hub actor."""

    rank: int
    score: float
    entity: EntitySummary


class HubList(BaseModel):
    """The top hubs and how they were scored."""

    by: str
    results: list[Hub]


class PathStep(BaseModel):
    """One hop of a path."""

    source: str
    target: str
    relations: list[str]


class PathOut(BaseModel):
    """A path between two actors."""

    nodes: list[EntitySummary]
    steps: list[PathStep]
    length: int


class PathList(BaseModel):
    """Transfer paths between a source and a target (entities or regions)."""

    source: str
    target: str
    method: str
    paths: list[PathOut]


class Flow(BaseModel):
    """Aggregated ties from one region to another."""

    source: str
    source_label: str | None = None
    target: str
    target_label: str | None = None
    weight: int
    relations: dict[str, int] = {}


class FlowList(BaseModel):
    """Region-to-region flows."""

    level: str
    results: list[Flow]


class GraphNode(BaseModel):
    """A node as the explorer draws it."""

    id: str
    key: str
    label: str
    cls: str
    region: str | None = None
    regionLabel: str | None = None
    city: str | None = None
    cityLabel: str | None = None
    hub: float = 0.0
    size: float = 10.0
    x: float = 0.0
    y: float = 0.0
    highlight: bool = False
    internal: int | None = None


class GraphEdge(BaseModel):
    """An edge as the explorer draws it."""

    id: str
    from_: str = Field(alias="from")
    to: str
    relation: str
    status: str | None = None
    weight: int = 1
    dates: list[str] = []
    relations: dict[str, int] | None = None

    model_config = {"populate_by_name": True}


class GraphOut(BaseModel):
    """Nodes and edges for the explorer."""

    level: str
    physics: bool
    total_nodes: int = Field(description="Nodes in the whole (unfiltered) graph at this level")
    truncated: bool = False
    hub_method: str | None = None
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class EdgeEvidence(BaseModel):
    """Evidence for the ties between two actors."""

    source: EntitySummary
    target: EntitySummary
    ties: list[TieOut]


class NamedQuery(BaseModel):
    """An example query for the query page."""

    name: str
    title: str
    query: str
