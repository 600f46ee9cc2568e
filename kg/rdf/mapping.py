"""Map one :class:`kg.types.Extraction` to the quads of its article's named graph (ARCHITECTURE "RDF shape")."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf.iris import article_iri, entity_iri, evidence_iri, graph_iri, region_iri, tie_iri
from kg.rdf.namespace import KG
from kg.types import Entity, Extraction, Tie, TieStatus

__all__ = ["extraction_to_quads", "date_literal", "decimal_literal", "TIE_ATTRIBUTES"]

SCHEMA_URL = "https://schema.org/url"


class _Vocabulary:
    """IRIs of the external terms used here, as plain strings (no rdflib namespace objects at module level)."""

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> str:
        return self._base + name


RDF = _Vocabulary("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = _Vocabulary("http://www.w3.org/2000/01/rdf-schema#")
SKOS = _Vocabulary("http://www.w3.org/2004/02/skos/core#")
XSD = _Vocabulary("http://www.w3.org/2001/XMLSchema#")
DCTERMS = _Vocabulary("http://purl.org/dc/terms/")
PROV = _Vocabulary("http://www.w3.org/ns/prov#")

#: Tie attributes written on the Tie node, attribute name -> ontology property.
TIE_ATTRIBUTES = {"position": KG.position}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


_NODES: dict[str, NamedNode] = {}


def _n(term) -> NamedNode:
    """A NamedNode for an IRI, memoised (the vocabulary is small and used for every quad)."""
    key = str(term)
    node = _NODES.get(key)
    if node is None:
        node = _NODES[key] = NamedNode(key)
    return node


def date_literal(text: str | None) -> Literal | None:
    """Typed literal for an ISO date: ``xsd:date`` (YYYY-MM-DD), ``xsd:gYearMonth`` (YYYY-MM), ``xsd:gYear`` (YYYY).

    Returns None for a missing or invalid date (e.g. ``2023-02-30``), which is then left out.

    Examples
    --------
    >>> str(date_literal("2023-07-18"))
    '"2023-07-18"^^<http://www.w3.org/2001/XMLSchema#date>'
    >>> date_literal("2023-02-30") is None
    True
    """
    if not text:
        return None
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            _dt.date(int(year), int(month), int(day))
            return Literal(match.group(0), datatype=_n(XSD.date))
        if month:
            _dt.date(int(year), int(month), 1)
            return Literal(match.group(0), datatype=_n(XSD.gYearMonth))
    except ValueError:
        return None
    return Literal(year, datatype=_n(XSD.gYear))


def decimal_literal(value: float) -> Literal:
    """``xsd:decimal`` literal of a confidence, rounded to 4 places (``0.9`` -> ``"0.9"^^xsd:decimal``)."""
    try:
        number = Decimal(str(round(float(value), 4))).normalize()
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValueError(f"confidence {value!r} is not a number") from error
    text = format(number, "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=_n(XSD.decimal))


def _string(text: str) -> Literal:
    return Literal(str(text))


def _zh(text: str) -> Literal:
    return Literal(str(text), language="zh")


def _url(url: str):
    """A URL as an IRI when it parses as one, else an ``xsd:anyURI`` literal (nothing dropped)."""
    try:
        return NamedNode(url.strip())
    except ValueError:
        return Literal(url, datatype=_n(XSD.anyURI))


def _entity_triples(entity: Entity) -> list[tuple]:
    node = NamedNode(entity_iri(entity))
    triples = [(node, _n(RDF.type), _n(KG[getattr(entity.cls, "value", entity.cls)])),
               (node, _n(RDFS.label), _zh(entity.name))]
    for alias in sorted(set(entity.aliases) - {entity.name}):
        triples.append((node, _n(SKOS.altLabel), _zh(alias)))
    if entity.region:
        triples.append((node, _n(KG.region), NamedNode(region_iri(entity.region))))
        source = (entity.attrs or {}).get("region_source")
        if source:
            triples.append((node, _n(KG.regionSource), Literal(str(source))))
    return triples


def _tie_triples(tie: Tie, article_node: NamedNode) -> list[tuple]:
    subject = NamedNode(entity_iri(tie.subject))
    obj = NamedNode(entity_iri(tie.object))
    relation = _n(KG[getattr(tie.relation, "value", tie.relation)])
    status = TieStatus(tie.status)
    evidence = tie.evidence
    ev_iri = evidence_iri(evidence)
    tie_node = NamedNode(tie_iri(tie, ev_iri))
    ev_node = NamedNode(ev_iri)
    triples = []
    if status is not TieStatus.NEGATED:
        triples.append((subject, relation, obj))
    triples += [
        (tie_node, _n(RDF.type), _n(KG.Tie)),
        (tie_node, _n(KG.subject), subject),
        (tie_node, _n(KG.predicate), relation),
        (tie_node, _n(KG.object), obj),
        (tie_node, _n(KG.status), _string(status.value)),
        (tie_node, _n(KG.confidence), decimal_literal(evidence.confidence)),
        (tie_node, _n(KG.evidence), ev_node),
        (ev_node, _n(RDF.type), _n(KG.Evidence)),
        (ev_node, _n(KG.sentence), _string(evidence.sentence)),
        (ev_node, _n(KG.startOffset), Literal(str(int(evidence.start)), datatype=_n(XSD.integer))),
        (ev_node, _n(KG.endOffset), Literal(str(int(evidence.end)), datatype=_n(XSD.integer))),
        (ev_node, _n(PROV.wasDerivedFrom), article_node),
        (ev_node, _n(KG.extractor), _string(evidence.extractor)),
        (ev_node, _n(KG.confidence), decimal_literal(evidence.confidence)),
    ]
    date = date_literal(evidence.date)
    if date is not None:
        triples += [(tie_node, _n(DCTERMS.date), date), (ev_node, _n(DCTERMS.date), date)]
    if evidence.trigger:
        triples.append((ev_node, _n(KG.trigger), _string(evidence.trigger)))
    for name, prop in TIE_ATTRIBUTES.items():
        value = (tie.attrs or {}).get(name)
        if value:
            triples.append((tie_node, _n(prop), _string(value)))
    return triples


def extraction_to_quads(extraction: Extraction) -> list[Quad]:
    """All quads of one article's named graph ``kgr:graph/<article-id>``, in the documented shape.

    Parameters
    ----------
    extraction : kg.types.Extraction
        The article, its resolved entities and ties.

    Returns
    -------
    list of pyoxigraph.Quad
        Article metadata (``kg:contentHash``, ``dcterms:title/date/source``, ``schema:url``,
        ``kg:sourcePath``), one description per entity (class, ``rdfs:label``\\@zh, ``skos:altLabel``\\@zh,
        ``kg:region``; entities only referenced by a tie are described too), a plain triple per
        non-negated tie, and a ``kg:Tie`` + ``kg:Evidence`` node per tie. No duplicates; order is stable.

    Raises
    ------
    ValueError
        When a tie's evidence belongs to another article or an entity region is not a six-digit code.
    """
    article = extraction.article
    graph = NamedNode(graph_iri(article.id))
    node = NamedNode(article_iri(article.id))
    triples: list[tuple] = [
        (node, _n(RDF.type), _n(KG.Article)),
        (node, _n(KG.contentHash), _string(article.content_hash)),
    ]
    if article.title:
        triples.append((node, _n(DCTERMS.title), _zh(article.title)))
    date = date_literal(article.date)
    if date is not None:
        triples.append((node, _n(DCTERMS.date), date))
    if article.source:
        triples.append((node, _n(DCTERMS.source), _string(article.source)))
    if article.url:
        triples.append((node, NamedNode(SCHEMA_URL), _url(article.url)))
    if article.path:
        triples.append((node, _n(KG.sourcePath), _string(article.path)))
    if article.encoding:
        triples.append((node, _n(KG.encoding), _string(article.encoding)))

    entities: dict[str, Entity] = {}
    for entity in list(extraction.entities) + [e for t in extraction.ties for e in (t.subject, t.object)]:
        entities.setdefault(entity.key, entity)
    for entity in entities.values():
        triples += _entity_triples(entity)
    for tie in extraction.ties:
        if tie.evidence.article_id != article.id:
            raise ValueError(f"tie {tie.subject.key} {tie.relation} {tie.object.key}: evidence names article "
                             f"{tie.evidence.article_id!r}, not {article.id!r}")
        triples += _tie_triples(tie, node)
    # dict.fromkeys drops repeated triples (an entity described twice, equal ties) and keeps the order.
    return [Quad(s, p, o, graph) for s, p, o in dict.fromkeys(triples)]
