"""Deterministic IRIs for entities, articles, graphs, ties, evidence and regions.

IRIs are derived from stable keys only (``Entity.key``, ``Article.id``, GB/T 2260 codes, and the
content of a tie), so rebuilding the graph never renames a resource. IRIs may contain Chinese
characters (RFC 3987 ``ucschar``); only characters that are not allowed in an IRI path segment, and
``%``, ``/``, ``?``, ``#``, are percent-encoded, which keeps :func:`key_from_iri` an exact inverse.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

from kg.rdf.namespace import KGR_NS
from kg.types import Entity, Evidence, Tie

__all__ = [
    "iri_segment",
    "entity_iri",
    "article_iri",
    "graph_iri",
    "tie_iri",
    "evidence_iri",
    "region_iri",
    "region_group_iri",
    "key_from_iri",
    "ONTOLOGY_GRAPH",
    "REGIONS_GRAPH",
    "SUMMARY_GRAPH",
]

#: Named graph holding ``ontology/kg.ttl``.
ONTOLOGY_GRAPH = f"{KGR_NS}graph/ontology"
#: Named graph holding ``ontology/regions.ttl`` (regions and region groups).
REGIONS_GRAPH = f"{KGR_NS}graph/regions"
#: Named graph holding the materialised tie summary (``KGStore.refresh_summary``): derived data.
SUMMARY_GRAPH = f"{KGR_NS}graph/summary"

_ASCII_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@")


def _allowed(char: str) -> bool:
    """True when ``char`` may stand unencoded in an IRI path segment (RFC 3987 ``ipchar``, no ``/``)."""
    if char in _ASCII_SAFE:
        return True
    code = ord(char)
    if code < 0xA0:
        return False
    # ucschar ranges of RFC 3987 (private use and non-characters excluded); separators and
    # format/control characters are encoded too so that an IRI never hides invisible text.
    in_ucschar = (0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF
                  or (0x10000 <= code <= 0xEFFFD and (code & 0xFFFF) < 0xFFFE))
    return in_ucschar and unicodedata.category(char)[0] not in "ZC"


@lru_cache(maxsize=1 << 16)
def iri_segment(key: str) -> str:
    """Encode ``key`` as one IRI path segment, percent-encoding (UTF-8) only what must be.

    Examples
    --------
    >>> iri_segment("有研集团")
    '有研集团'
    >>> iri_segment("A/B 50%")
    'A%2FB%2050%25'
    """
    if not key:
        raise ValueError("an IRI key must not be empty")
    return "".join(c if _allowed(c) else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in key)


def key_from_iri(iri: str, kind: str = "entity") -> str:
    """Inverse of the IRI functions: the key of ``kgr:<kind>/<key>``.

    Examples
    --------
    >>> key_from_iri(entity_iri(Entity("A/B 有研", "A/B 有研", "Enterprise")))
    'A/B 有研'
    """
    prefix = f"{KGR_NS}{kind}/"
    iri = str(iri)
    if not iri.startswith(prefix):
        raise ValueError(f"{iri} is not a kgr:{kind}/… IRI")
    return unquote(iri[len(prefix):])


def _hash(*parts: object) -> str:
    """Short, stable hash of the parts (unit separator between them)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _enum_value(value: object) -> str:
    return str(getattr(value, "value", value))


def entity_iri(entity: Entity | str) -> str:
    """IRI of an entity: ``kgr:entity/<Entity.key>`` (``entity`` may be the key itself)."""
    key = entity if isinstance(entity, str) else entity.key
    return f"{KGR_NS}entity/{iri_segment(key)}"


def article_iri(article_id: str) -> str:
    """IRI of an article: ``kgr:article/<id>``."""
    return f"{KGR_NS}article/{iri_segment(article_id)}"


def graph_iri(article_id: str) -> str:
    """IRI of the named graph holding an article's triples: ``kgr:graph/<id>``."""
    return f"{KGR_NS}graph/{iri_segment(article_id)}"


def region_iri(code: str) -> str:
    """IRI of a GB/T 2260 region: ``kgr:region/<six-digit code>``."""
    code = str(code).strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ValueError(f"region code {code!r} is not a six-digit GB/T 2260 code")
    return f"{KGR_NS}region/{code}"


def region_group_iri(name: str) -> str:
    """IRI of a region group: ``kgr:regiongroup/<name>`` (e.g. ``京津冀``)."""
    return f"{KGR_NS}regiongroup/{iri_segment(name)}"


def evidence_iri(evidence: Evidence) -> str:
    """IRI of an evidence node: a hash of every field, so equal evidence gets the same IRI."""
    return f"{KGR_NS}evidence/" + _hash(
        evidence.article_id, evidence.start, evidence.end, evidence.sentence, evidence.date,
        evidence.confidence, evidence.extractor, evidence.trigger)


def tie_iri(tie: Tie, evidence: str | None = None) -> str:
    """IRI of a tie node: a hash of article, subject key, relation, object key, status, evidence and attributes.

    One :class:`kg.types.Tie` gives one Tie node; the same tie read in another article (or another
    sentence) is another node, so replacing one article never touches another article's ties.
    ``evidence`` may pass ``evidence_iri(tie.evidence)`` when the caller already has it.
    """
    attrs = sorted((str(k), str(v)) for k, v in (tie.attrs or {}).items())
    return f"{KGR_NS}tie/" + _hash(
        tie.evidence.article_id, tie.subject.key, _enum_value(tie.relation), tie.object.key,
        _enum_value(tie.status), evidence or evidence_iri(tie.evidence), attrs)
