"""Checks over the graph: SHACL validation (pyshacl, ``ontology/shapes.ttl``) and OWL RL reasoning (owlrl)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib

from kg.rdf.iris import ONTOLOGY_GRAPH, REGIONS_GRAPH
from kg.rdf.store import ontology_dir

if TYPE_CHECKING:
    from kg.rdf.store import KGStore

__all__ = ["Violation", "ValidationReport", "ReasoningReport", "store_graph", "validate", "validate_graph", "reason"]


@dataclass(frozen=True)
class Violation:
    """One SHACL result: ``severity`` (Violation/Warning/Info), the focus node, its label, path and message."""

    severity: str
    focus: str
    label: str
    path: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>"
        return f"{self.severity}: {where} {self.path}: {self.message}" + (f" (value {self.value})" if self.value else "")


@dataclass
class ValidationReport:
    """Outcome of :func:`validate`: ``conforms`` (no Violation-severity result) and every result."""

    conforms: bool
    results: list[Violation] = field(default_factory=list)
    text: str = ""

    @property
    def violations(self) -> list[Violation]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        """Results of severity Warning."""
        return [r for r in self.results if r.severity == "Warning"]


@dataclass
class ReasoningReport:
    """Outcome of :func:`reason`: ``consistent``, the inconsistency messages, and the expanded graph."""

    consistent: bool
    errors: list[str]
    inferred: int
    graph: rdflib.Graph

    def __str__(self) -> str:
        return ("consistent" if self.consistent else "INCONSISTENT: " + "; ".join(self.errors)) + \
            f" ({self.inferred} triples inferred)"


def store_graph(store: "KGStore", *, include_ontology: bool = False, include_regions: bool = True) -> rdflib.Graph:
    """Every triple of the store (all graphs merged; the ontology and regions graphs as asked) as an rdflib Graph."""
    from kg.rdf.store import PREFIXES

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    skipped = set() if include_ontology else {ONTOLOGY_GRAPH}
    if not include_regions:
        skipped.add(REGIONS_GRAPH)

    def keep(quad) -> bool:
        return getattr(quad.graph_name, "value", None) not in skipped
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in store.oxigraph if keep(q)),
                        format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data, format="nt")
    return graph


RDF = rdflib.RDF
RDFS = rdflib.RDFS
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def _short(graph: rdflib.Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - any IRI rdflib cannot shorten stays as it is
            return str(term)
    return str(term)


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph against ``ontology/shapes.ttl`` (or ``shapes``), with the ontology mixed in.

    Parameters
    ----------
    data : rdflib.Graph
        The data (articles, and the regions graph so that ``kg:region`` targets are known regions).
    shapes : rdflib.Graph, optional
        Shapes to use instead of ``ontology/shapes.ttl``.

    Returns
    -------
    ValidationReport
    """
    import pyshacl

    shapes = shapes if shapes is not None else rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    conforms, results_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=_ontology(), inference="none", advanced=False, allow_warnings=True)
    results = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(result, SH.focusNode)
        label = data.value(focus, RDFS.label) if focus is not None else None
        messages = [str(m) for m in results_graph.objects(result, SH.resultMessage)]
        severity = results_graph.value(result, SH.resultSeverity)
        results.append(Violation(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=str(focus), label=str(label) if label is not None else "",
            path=_short(data, results_graph.value(result, SH.resultPath)),
            message="; ".join(sorted(messages)) or "constraint not met",
            value=str(results_graph.value(result, SH.value) or "")))
    results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message))
    return ValidationReport(conforms=bool(conforms), results=results, text=text)


def validate(store: "KGStore") -> ValidationReport:
    """Validate every article graph (and the regions graph) of ``store`` against ``ontology/shapes.ttl``.

    Returns
    -------
    ValidationReport
        ``conforms`` is False when any result has severity Violation; ``results`` lists each one with
        the focus node's label, the path and the message (warnings included).
    """
    return validate_graph(_data_with_used_regions(store))


def _data_with_used_regions(store: "KGStore") -> rdflib.Graph:
    """Article graphs plus the regions they point at and those regions' ancestors (types, labels,
    ``kg:within``/``skos:broader``): leaving the other ~3,000 regions out keeps pyshacl/owlrl fast."""
    data = store_graph(store, include_regions=False)
    rows = store.select("""SELECT DISTINCT ?r ?p ?o WHERE {
            { SELECT DISTINCT ?x WHERE { GRAPH ?g { ?e kg:region ?x } } }
            GRAPH <https://w3id.org/kg-innovation/id/graph/regions> {
              ?x skos:broader* ?r . ?r ?p ?o . FILTER(?p IN (rdf:type, rdfs:label, kg:within, skos:broader)) } }""")
    for row in rows:
        obj = rdflib.Literal(row["o"], lang="zh") if row["p"] == str(RDFS.label) else rdflib.URIRef(row["o"])
        data.add((rdflib.URIRef(row["r"]), rdflib.URIRef(row["p"]), obj))
    return data


def reason(data: "KGStore | rdflib.Graph") -> ReasoningReport:
    """Expand a *copy* of ontology + data with OWL 2 RL (owlrl) and report inconsistencies.

    Parameters
    ----------
    data : KGStore or rdflib.Graph
        A store (its article graphs, with the regions they use and their ancestors) or a graph;
        it is not modified.

    Returns
    -------
    ReasoningReport
        ``consistent`` is False when owlrl found a clash (e.g. a node in two disjoint classes);
        ``graph`` holds the closure (inverse ``kg:hosts``, transitive ``kg:within``, superclasses ...).
    """
    import owlrl
    from owlrl.Namespaces import ERRNS

    graph = rdflib.Graph()
    source = data if isinstance(data, rdflib.Graph) else _data_with_used_regions(data)
    for triple in source:
        graph.add(triple)
    for triple in _ontology():
        graph.add(triple)
    before = len(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    errors = sorted(str(graph.value(node, ERRNS.error)) for node in graph.subjects(RDF.type, ERRNS.ErrorMessage))
    return ReasoningReport(consistent=not errors, errors=errors, inferred=len(graph) - before, graph=graph)
