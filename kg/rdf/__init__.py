"""RDF layer: ontology namespace, IRIs, mapping of Extractions to quads, the Oxigraph store. Never imports spaCy."""

from kg.rdf.iris import article_iri, entity_iri, evidence_iri, graph_iri, region_group_iri, region_iri, tie_iri
from kg.rdf.mapping import extraction_to_quads
from kg.rdf.namespace import KG, KGR
from kg.rdf.store import KGStore
from kg.rdf.validate import ReasoningReport, ValidationReport, reason, validate

__all__ = [
    "KGStore",
    "KG",
    "KGR",
    "extraction_to_quads",
    "entity_iri",
    "article_iri",
    "graph_iri",
    "tie_iri",
    "evidence_iri",
    "region_iri",
    "region_group_iri",
    "validate",
    "ValidationReport",
    "reason",
    "ReasoningReport",
]
