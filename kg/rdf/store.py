"""The embedded, persistent, transactional store (pyoxigraph), with an rdflib view.

Why pyoxigraph directly: on this machine it loads 1M triples ~3x faster than rdflib on Oxigraph
(oxrdflib) and ~3x faster than rdflib in memory, and its SPARQL engine is 10-20x faster than rdflib's
(see /work/shared/NOTES.md and ``bench/bench_store.py``). Writes and queries go through pyoxigraph;
:meth:`KGStore.dataset` offers the same store through the rdflib API for those who want it.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

import kg
from kg.rdf.iris import (
    ONTOLOGY_GRAPH,
    REGIONS_GRAPH,
    SUMMARY_GRAPH,
    article_iri,
    entity_iri,
    graph_iri,
    key_from_iri,
    region_group_iri,
    region_iri,
)
from kg.rdf.mapping import extraction_to_quads
from kg.rdf.namespace import KG_NS, KGR_NS
from kg.types import Entity, EntityClass, Extraction, Relation, TieStatus

__all__ = ["KGStore", "PREFIXES", "EXPORT_FORMATS", "ontology_dir", "QUERIES_DIR"]

#: Prefixes every query and update may use without declaring them.
PREFIXES = {
    "kg": KG_NS,
    "kgr": KGR_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

#: Formats :meth:`KGStore.export` writes (``gephi`` writes a directory).
EXPORT_FORMATS = ("ttl", "trig", "nquads", "jsonld", "graphml", "gexf", "gephi")
_RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "nq": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
}
_QUAD_FORMATS = {ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD}

QUERIES_DIR = Path(__file__).parent / "queries"
#: Quads written between two flushes of RocksDB's memtables (bounds a long build's memory).
FLUSH_EVERY_QUADS = 100_000
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                     "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                     "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_ALT_LABEL = ox.NamedNode(PREFIXES["skos"] + "altLabel")
_KG_REGION = ox.NamedNode(KG_NS + "region")
_KG_REGION_SOURCE = ox.NamedNode(KG_NS + "regionSource")
_KG_HASH = ox.NamedNode(KG_NS + "contentHash")
_ENTITY_PREFIX = KGR_NS + "entity/"
_ENTITY_CLASSES = {KG_NS + c.value: c for c in EntityClass}
_PARAM_LINE = re.compile(r"^#@param\s+(\w+)\s+(\w+)\s+(required|optional)\b")
_VALUES_LINE = re.compile(r"^(\s*)#@values\s+(.+?)\s*$")
_IF_SUFFIX = re.compile(r"\s*#@if\s+(\w+)\s*$")


def ontology_dir() -> Path:
    """Directory of ``kg.ttl``/``regions.ttl``/``shapes.ttl``: ``$KG_ONTOLOGY_DIR`` or ``<repo>/ontology``."""
    override = os.environ.get("KG_ONTOLOGY_DIR")
    return Path(override) if override else Path(kg.__file__).resolve().parent.parent / "ontology"


def _to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (IRI -> str, typed literal -> int/float/bool/date/str)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype is not None else None
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
            if datatype == _XSD + "boolean":
                return term.value in ("true", "1")
            if datatype == _XSD + "date":
                return _dt.date.fromisoformat(term.value)
        except ValueError:
            return term.value
        return term.value
    return str(term)


def _param_term(kind: str, value: Any) -> Any:
    """Turn a Python binding for a named-query parameter of ``kind`` into a pyoxigraph term."""
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    text = str(getattr(value, "value", value))
    is_iri = text.startswith(("http://", "https://", "urn:"))
    if kind == "entity":
        return ox.NamedNode(text if is_iri else entity_iri(text))
    if kind == "relation":
        if not is_iri and text not in {r.value for r in Relation}:
            raise ValueError(f"unknown relation {text!r}; expected one of {[r.value for r in Relation]}")
        return ox.NamedNode(text if is_iri else KG_NS + text)
    if kind == "class":
        if not is_iri and text not in {c.value for c in EntityClass}:
            raise ValueError(f"unknown class {text!r}; expected one of {[c.value for c in EntityClass]}")
        return ox.NamedNode(text if is_iri else KG_NS + text)
    if kind == "group":
        return ox.NamedNode(text if is_iri else region_group_iri(text))
    if kind == "region":
        return ox.NamedNode(text if is_iri else region_iri(text))
    if kind == "status":
        return ox.Literal(TieStatus(text).value)
    if kind == "iri":
        return ox.NamedNode(text)
    if kind == "integer":
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
    return ox.Literal(text)


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class KGStore:
    """A persistent Oxigraph store holding one named graph per article, plus ontology and regions.

    Parameters
    ----------
    path : str or Path, optional
        Directory of the RocksDB store (created if missing); ``None`` keeps the store in memory.
    read_only : bool
        Open an existing store read-only (no ontology refresh, no writes).

    Notes
    -----
    On a writable open, ``ontology/kg.ttl`` is loaded into ``kgr:graph/ontology`` and
    ``ontology/regions.ttl`` into ``kgr:graph/regions`` when missing or when their file hash changed
    (the hash is stored in the graph itself and written last, so an interrupted load is redone).
    One process opens a store read-write at a time.

    Examples
    --------
    >>> with KGStore() as store:
    ...     store.article_ids()
    []
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._written_since_flush = 0
        if self.path is None:
            if read_only:
                raise ValueError("an in-memory store cannot be read-only")
            self._store = ox.Store()
        elif read_only:
            if not self.path.exists():
                raise FileNotFoundError(f"no store at {self.path}")
            self._store = ox.Store.read_only(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        if not read_only:
            self._ensure_shared_graphs()

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Flush and release the store (the object must not be used afterwards)."""
        store = getattr(self, "_store", None)
        if store is not None:
            self._store = None  # released even when the final flush fails (e.g. a full disk)
            try:
                if not self.read_only:
                    store.flush()
            finally:
                del store

    def __enter__(self) -> "KGStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store` (for callers needing its full API)."""
        if self._store is None:
            raise RuntimeError("the store is closed")
        return self._store

    def dataset(self):
        """An rdflib ``Dataset`` over the same Oxigraph store (via oxrdflib): the rdflib API, same data.

        Returns
        -------
        rdflib.Dataset
            Writes through it go to this store (outside :meth:`replace_article`'s transaction).
        """
        import oxrdflib
        import rdflib

        return rdflib.Dataset(store=oxrdflib.OxigraphStore(store=self.oxigraph))

    def _ensure_shared_graphs(self) -> None:
        """Load or refresh the ontology and regions graphs when their source file changed."""
        directory = ontology_dir()
        for graph, name in ((ONTOLOGY_GRAPH, "kg.ttl"), (REGIONS_GRAPH, "regions.ttl")):
            source = directory / name
            if not source.exists():
                raise FileNotFoundError(f"{source} is missing (set KG_ONTOLOGY_DIR to the ontology directory)")
            digest = _file_hash(source)
            graph_node = ox.NamedNode(graph)
            stored = [q.object.value for q in self.oxigraph.quads_for_pattern(graph_node, _KG_HASH, None, graph_node)]
            if stored == [digest]:
                continue
            self.oxigraph.remove_graph(graph_node) if self.oxigraph.contains_named_graph(graph_node) else None
            # bulk_load is ~2x faster than load and need not be atomic: see the hash below.
            self.oxigraph.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE, to_graph=graph_node)
            # Written last: a crash before this line leaves no hash, so the next open reloads.
            self.oxigraph.add(ox.Quad(graph_node, _KG_HASH, ox.Literal(digest), graph_node))

    # -- articles ------------------------------------------------------------------------------

    def article_hash(self, article_id: str) -> str | None:
        """Content hash stored for ``article_id``, or None if the article is not in the store."""
        graph = ox.NamedNode(graph_iri(article_id))
        node = ox.NamedNode(article_iri(article_id))
        for quad in self.oxigraph.quads_for_pattern(node, _KG_HASH, None, graph):
            return quad.object.value
        return None

    def article_ids(self) -> list[str]:
        """Ids of every article in the store, sorted."""
        article_class = ox.NamedNode(KG_NS + "Article")
        ids = {key_from_iri(q.subject.value, "article")
               for q in self.oxigraph.quads_for_pattern(None, _RDF_TYPE, article_class, None)
               if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(KGR_NS + "article/")}
        return sorted(ids)

    def replace_article(self, extraction: Extraction) -> None:
        """Atomically replace everything the store holds for this article with ``extraction``.

        One Oxigraph transaction (see :meth:`replace_article_quads`): a crash or error mid-write leaves the
        previous state of the article. Calling it twice with the same extraction leaves the store unchanged.
        """
        self.replace_articles([extraction])

    def replace_articles(self, extractions: Iterable[Extraction]) -> None:
        """Replace several articles in ONE transaction (all or none): fewer, larger commits for bulk builds.

        Raises ``ValueError`` when two extractions share an article id.
        """
        self._writable()
        quads_by_article: dict[str, list[ox.Quad]] = {}
        for extraction in extractions:
            article_id = extraction.article.id
            if article_id in quads_by_article:
                raise ValueError(f"article {article_id!r} appears twice in one replace_articles call")
            quads_by_article[article_id] = extraction_to_quads(extraction)
        self.replace_article_quads(quads_by_article)

    def replace_article_quads(self, quads_by_article: dict[str, list[ox.Quad]]) -> None:
        """Replace the named graphs of several articles with the given quads, in ONE transaction.

        ``quads_by_article`` maps an article id to the quads of its graph (from
        :func:`kg.rdf.mapping.extraction_to_quads`). When none of the articles is in the store yet, the
        quads are added with ``Store.extend`` (one transaction, no SPARQL text to build and parse); otherwise
        one ``DROP SILENT GRAPH … ; INSERT DATA …`` update replaces them all.
        """
        self._writable()
        if not quads_by_article:
            return
        store = self.oxigraph
        graphs = {article_id: graph_iri(article_id) for article_id in quads_by_article}
        if not any(store.contains_named_graph(ox.NamedNode(g)) for g in graphs.values()):
            store.extend(q for quads in quads_by_article.values() for q in quads)
        else:
            operations = []
            for article_id, quads in quads_by_article.items():
                graph = graphs[article_id]
                body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
                operations.append(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
            store.update(" ;\n".join(operations))
        self._written_since_flush += sum(map(len, quads_by_article.values()))
        if self._written_since_flush >= FLUSH_EVERY_QUADS:
            self.flush()

    def flush(self) -> None:
        """Write RocksDB's in-memory tables to disk (committed data is durable without it).

        Called by :meth:`replace_articles` every ``FLUSH_EVERY_QUADS`` quads: without it the
        memtables of Oxigraph's eleven column families grow to several GiB during a long build.
        """
        self._written_since_flush = 0
        if self.path is not None and not self.read_only:
            self.oxigraph.flush()

    def delete_article(self, article_id: str) -> bool:
        """Remove an article's named graph (one transaction); True if the article was there."""
        self._writable()
        present = self.article_hash(article_id) is not None
        self.oxigraph.update(f"DROP SILENT GRAPH <{graph_iri(article_id)}>")
        return present

    def known_entities(self) -> list[Entity]:
        """Entities already in the store (key, name, class, aliases, region), for cross-article linking.

        When articles disagree, the most frequent class/name/region wins (ties broken by sort order)
        and aliases are united.
        """
        classes: dict[str, Counter] = defaultdict(Counter)
        names: dict[str, Counter] = defaultdict(Counter)
        regions: dict[str, Counter] = defaultdict(Counter)
        sources: dict[str, Counter] = defaultdict(Counter)
        aliases: dict[str, set] = defaultdict(set)
        store = self.oxigraph
        for quad in store.quads_for_pattern(None, _RDF_TYPE, None, None):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(_ENTITY_PREFIX):
                cls = _ENTITY_CLASSES.get(getattr(quad.object, "value", ""))
                if cls is not None:
                    classes[subject.value][cls] += 1
        for predicate, target in ((_RDFS_LABEL, names), (_KG_REGION, regions), (_KG_REGION_SOURCE, sources)):
            for quad in store.quads_for_pattern(None, predicate, None, None):
                if quad.subject.value in classes:
                    value = quad.object.value
                    if predicate == _KG_REGION:
                        value = value.rsplit("/", 1)[-1]
                    target[quad.subject.value][value] += 1
        for quad in store.quads_for_pattern(None, _ALT_LABEL, None, None):
            if quad.subject.value in classes:
                aliases[quad.subject.value].add(quad.object.value)

        def best(counter: Counter):
            return min(counter.items(), key=lambda item: (-item[1], str(item[0])))[0] if counter else None

        entities = []
        for iri, counter in classes.items():
            key = key_from_iri(iri, "entity")
            name = best(names[iri]) or key
            region, source = best(regions[iri]), best(sources[iri])
            entities.append(Entity(key=key, name=name, cls=best(counter), aliases=frozenset(aliases[iri] - {name}),
                                   region=region, attrs={"region_source": source} if region and source else {}))
        return sorted(entities, key=lambda e: e.key)

    # -- SPARQL --------------------------------------------------------------------------------

    def query(self, sparql: str, *, default_graph: Any = None, named_graphs: Iterable[Any] | None = None,
              use_union: bool = True, substitutions: dict | None = None, base_iri: str | None = None):
        """Run a SPARQL query; the ``PREFIXES`` are predeclared.

        Parameters
        ----------
        sparql : str
            The query.
        default_graph : str, NamedNode or list, optional
            Graph(s) forming the default graph; when given, ``use_union`` is ignored.
        named_graphs : iterable of str or NamedNode, optional
            Graphs visible to ``GRAPH`` clauses (default: all).
        use_union : bool
            Query the union of all graphs as the default graph (default True).
        substitutions : dict, optional
            ``{variable name: pyoxigraph term}`` values for projected variables (SEP-0007).
        base_iri : str, optional
            Base IRI resolving relative IRIs in the query.

        Returns
        -------
        pyoxigraph.QuerySolutions, pyoxigraph.QueryTriples or pyoxigraph.QueryBoolean
            Serialise with ``result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)``.
        """
        kwargs: dict[str, Any] = {"prefixes": PREFIXES}
        if base_iri is not None:
            kwargs["base_iri"] = base_iri
        if default_graph is not None:
            graphs = default_graph if isinstance(default_graph, (list, tuple)) else [default_graph]
            kwargs["default_graph"] = [g if isinstance(g, (ox.NamedNode, ox.DefaultGraph)) else ox.NamedNode(str(g))
                                       for g in graphs]
        else:
            kwargs["use_default_graph_as_union"] = use_union
        if named_graphs is not None:
            kwargs["named_graphs"] = [g if isinstance(g, ox.NamedNode) else ox.NamedNode(str(g)) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        return self.oxigraph.query(sparql, **kwargs)

    def select(self, sparql: str, **query_options: Any) -> list[dict[str, Any]]:
        """Run a SELECT query and return rows as ``{variable: Python value}`` dicts (unbound -> None).

        ``query_options`` are passed to :meth:`query`.
        """
        solutions = self.query(sparql, **query_options)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("select() needs a SELECT query; use query() for ASK/CONSTRUCT/DESCRIBE")
        names = [v.value for v in solutions.variables]
        return [{name: _to_python(row[name]) for name in names} for row in solutions]

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (one transaction); the ``PREFIXES`` are predeclared."""
        self._writable()
        self.oxigraph.update(sparql, prefixes=PREFIXES, base_iri=base_iri)

    def refresh_summary(self) -> int:
        """Rebuild the materialised tie summary (graph ``kgr:graph/summary``) in one transaction.

        The named query ``summary`` reads it (same columns as ``ties_summary``, which computes the
        view live and gets slow on large stores). Call after a build; returns the number of summary rows.
        """
        self._writable()
        self.oxigraph.update((QUERIES_DIR / "refresh_summary.ru").read_text(encoding="utf-8"), prefixes=PREFIXES)
        node_type = ox.NamedNode(KG_NS + "TieSummary")
        return sum(1 for _ in self.oxigraph.quads_for_pattern(None, _RDF_TYPE, node_type, ox.NamedNode(SUMMARY_GRAPH)))

    @staticmethod
    def named_queries() -> dict[str, dict[str, tuple[str, bool]]]:
        """The query library: ``{name: {param: (kind, required)}}`` from ``kg/rdf/queries/*.rq``."""
        library = {}
        for path in sorted(QUERIES_DIR.glob("*.rq")):
            params = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                match = _PARAM_LINE.match(line)
                if match:
                    params[match.group(1)] = (match.group(2), match.group(3) == "required")
            library[path.stem] = params
        return library

    def named_query_text(self, name: str, **bindings: Any) -> str:
        """The text of ``queries/<name>.rq`` with ``bindings`` injected as a ``VALUES`` block.

        A parameter left out stays a free variable (it matches anything), which is how optional
        parameters work. Raises ``KeyError`` for an unknown query, ``ValueError`` for an unknown or
        missing parameter or a bad value.
        """
        library = self.named_queries()
        if name not in library:
            raise KeyError(f"no named query {name!r}; known: {sorted(library)}")
        params = library[name]
        unknown = sorted(set(bindings) - set(params))
        if unknown:
            raise ValueError(f"query {name!r} has no parameter {unknown}; parameters: {sorted(params)}")
        given = {k: v for k, v in bindings.items() if v is not None}
        missing = [p for p, (_, required) in params.items() if required and p not in given]
        if missing:
            raise ValueError(f"query {name!r} needs parameter(s) {missing}")
        text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
        terms = {p: str(_param_term(params[p][0], v)) for p, v in given.items()}

        def values(names: list[str]) -> str:
            bound = [p for p in names if p in terms]
            if not bound:
                return ""
            return f"VALUES ({' '.join('?' + p for p in bound)}) {{ ({' '.join(terms[p] for p in bound)}) }}"

        # A "#@values a b" line marks where parameters a and b are bound (inside the right group or
        # subquery, so that the engine starts from them); parameters without a marker are bound at
        # the start of the first WHERE block. A line ending in "#@if p" is dropped unless p is given.
        placed: set[str] = set()
        lines = []
        for line in text.splitlines():
            condition = _IF_SUFFIX.search(line)
            if condition:  # "pattern  #@if p": the pattern only matters when p is given
                if condition.group(1) not in terms:
                    continue
                line = line[:condition.start()]
            marker = _VALUES_LINE.match(line)
            if marker:
                names = marker.group(2).split()
                placed.update(names)
                clause = values(names)
                line = f"{marker.group(1)}{clause}" if clause else ""
            lines.append(line)
        text = "\n".join(lines) + "\n"
        rest = [p for p in terms if p not in placed]
        if rest:
            match = re.search(r"\bWHERE\s*\{", text, flags=re.IGNORECASE)
            if match is None:
                raise ValueError(f"query {name!r} has no WHERE clause to bind parameters in")
            text = f"{text[:match.end()]}\n  {values(rest)}{text[match.end():]}"
        return text

    def named_query(self, name: str, *, limit: int | None = None, raw: bool = False, **bindings: Any):
        """Run the library query ``kg/rdf/queries/<name>.rq`` with parameters.

        Parameters
        ----------
        name : str
            One of :meth:`named_queries` (``hubs``, ``entity_ties``, ``transfers_between_groups``,
            ``transfers_from_group``, ``tie_articles``, ``search_entities``, ``ties_summary``, ``summary``,
            ``articles``,
            ``class_counts``, ``relation_counts``, ``entities_in_region``).
        limit : int, optional
            Keep only the first ``limit`` rows.
        raw : bool
            Return pyoxigraph ``QuerySolutions`` (for result serialisers) instead of dicts; ``limit``
            is then ignored.
        **bindings
            Parameter values: entities as keys or IRIs, relations/classes as local names
            (``"cooperatesWith"``, ``"Enterprise"``), groups as names (``"京津冀"``), regions as codes.

        Returns
        -------
        list of dict or pyoxigraph.QuerySolutions
        """
        text = self.named_query_text(name, **bindings)
        if raw:
            return self.query(text)
        rows = self.select(text)
        return rows[:limit] if limit is not None else rows

    # -- import / export -----------------------------------------------------------------------

    def export(self, path: str | Path, format: str = "trig", *, include_shared: bool = True) -> Path:
        """Write the graph to ``path``.

        Parameters
        ----------
        path : str or Path
            Output file (a directory for ``gephi``).
        format : str
            ``ttl`` (all graphs merged into one), ``trig``/``nquads``/``jsonld`` (named graphs kept),
            ``graphml``/``gexf`` (the tie graph via networkx), ``gephi`` (``nodes.csv`` + ``edges.csv``).
        include_shared : bool
            Also write the ontology, regions and (derived) summary graphs (RDF formats only).

        Returns
        -------
        Path
            The path written.
        """
        path = Path(path)
        fmt = format.lower()
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {format!r}; expected one of {EXPORT_FORMATS}")
        if fmt in ("graphml", "gexf"):
            import networkx as nx

            graph = self.to_networkx()
            path.parent.mkdir(parents=True, exist_ok=True)
            (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, path)
            return path
        if fmt == "gephi":
            return self._export_gephi(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rdf_format = _RDF_FORMATS[fmt]
        shared = {ONTOLOGY_GRAPH, REGIONS_GRAPH, SUMMARY_GRAPH}
        if rdf_format in _QUAD_FORMATS:
            quads = (q for q in self.oxigraph
                     if include_shared or getattr(q.graph_name, "value", None) not in shared)
            with open(path, "wb") as handle:
                ox.serialize(quads, handle, format=rdf_format, prefixes=PREFIXES)
            return path
        seen: set[str] = set()

        def triples():
            # The union of all graphs, each triple once.
            for q in self.oxigraph:
                if not include_shared and getattr(q.graph_name, "value", None) in shared:
                    continue
                triple = ox.Triple(q.subject, q.predicate, q.object)
                key = str(triple)
                if key not in seen:
                    seen.add(key)
                    yield triple

        with open(path, "wb") as handle:
            ox.serialize(triples(), handle, format=rdf_format, prefixes=PREFIXES)
        return path

    def load(self, path: str | Path, format: str | None = None, *, graph: str | None = None) -> int:
        """Import an RDF dump (ttl, trig, nquads, nt, jsonld) into the store in one transaction.

        Quads keep their graphs; triples go to ``graph`` (an IRI) or the default graph.
        Returns the number of quads in the store afterwards minus before (new quads).
        """
        self._writable()
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no dump at {path}")
        fmt = (format or path.suffix.lstrip(".")).lower()
        if fmt not in _RDF_FORMATS:
            raise ValueError(f"{path}: unknown RDF format {fmt!r}; expected one of {sorted(_RDF_FORMATS)}")
        before = len(self.oxigraph)
        options: dict[str, Any] = {"path": str(path), "format": _RDF_FORMATS[fmt]}
        if graph is not None:
            options["to_graph"] = ox.NamedNode(graph)
        try:
            self.oxigraph.load(**options)
        except SyntaxError as error:
            raise ValueError(f"{path}: not valid {fmt}: {error}") from error
        return len(self.oxigraph) - before

    def stats(self) -> dict[str, Any]:
        """Counts: ``articles``, ``entities`` (by class), ``ties`` (Tie nodes by relation),
        ``plain_ties`` (distinct non-negated entity pairs by relation), ``graphs``, ``triples`` (quads)."""
        entities = {r["cls"].rsplit("#", 1)[-1]: r["entities"] for r in self.named_query("class_counts")}
        relations = self.named_query("relation_counts")
        plain = self.select("""
            SELECT ?relation (COUNT(*) AS ?pairs) WHERE {
              { SELECT DISTINCT ?s ?relation ?o WHERE { ?relation rdfs:subPropertyOf kg:relation . ?s ?relation ?o } }
            } GROUP BY ?relation""")
        return {
            "articles": len(self.article_ids()),
            "entities": entities,
            "ties": {r["relation"].rsplit("#", 1)[-1]: r["mentions"] for r in relations},
            "plain_ties": {r["relation"].rsplit("#", 1)[-1]: r["pairs"] for r in plain},
            "graphs": sum(1 for _ in self.oxigraph.named_graphs()),
            "triples": len(self.oxigraph),
        }

    # -- the tie graph (networkx, Gephi) -------------------------------------------------------

    def regions(self) -> dict[str, dict[str, Any]]:
        """The region table from the regions graph: ``{code: {"name", "level", "parent"}}``."""
        rows = self.select("""
            SELECT ?code ?name ?level ?parentCode WHERE { GRAPH <https://w3id.org/kg-innovation/id/graph/regions> {
              ?r kg:adminCode ?code ; skos:prefLabel ?name ; kg:adminLevel ?level .
              OPTIONAL { ?r skos:broader/kg:adminCode ?parentCode } } }""")
        return {r["code"]: {"name": r["name"], "level": r["level"], "parent": r["parentCode"]} for r in rows}

    def entity_table(self) -> list[dict[str, Any]]:
        """One row per entity: ``id`` (IRI), ``key``, ``label``, ``class``, ``aliases`` (list), ``region``
        (code), ``region_source`` (name, text, registry or article), ``province`` and ``city`` (names of the
        enclosing province/prefecture, when known)."""
        regions = self.regions()

        def ancestor(code: str | None, level: str) -> str:
            seen = set()
            while code and code in regions and code not in seen:
                seen.add(code)
                if regions[code]["level"] == level:
                    return regions[code]["name"]
                code = regions[code]["parent"]
            return ""

        rows = []
        for entity in self.known_entities():
            rows.append({
                "id": entity_iri(entity), "key": entity.key, "label": entity.name, "class": entity.cls.value,
                "aliases": sorted(entity.aliases), "region": entity.region or "",
                "region_source": (entity.attrs or {}).get("region_source") or "",
                "province": ancestor(entity.region, "province"), "city": ancestor(entity.region, "city"),
            })
        return rows

    def tie_table(self, *, include_negated: bool = False) -> list[dict[str, Any]]:
        """Ties aggregated per (subject, relation, object): ``weight`` = supporting articles, ``mentions``,
        ``statuses``, ``confidence`` (max), ``first_date``, ``evidence`` (distinct sentences, `` | ``-joined).

        A symmetric tie read both ways round is one row (subject = the smaller IRI).
        """
        negated = "" if include_negated else 'FILTER(?status != "negated")'
        rows = self.select(f"""
            SELECT ?s ?p ?o (COUNT(DISTINCT ?article) AS ?weight) (COUNT(DISTINCT ?tie) AS ?mentions)
                   (GROUP_CONCAT(DISTINCT ?status; separator="|") AS ?statuses) (MAX(?conf) AS ?confidence)
                   (MIN(COALESCE(STR(?date), "~")) AS ?first) (GROUP_CONCAT(DISTINCT ?sentence; separator=" | ") AS ?evidence)
            WHERE {{
              ?tie a kg:Tie ; kg:subject ?s0 ; kg:predicate ?p ; kg:object ?o0 ; kg:status ?status ;
                   kg:confidence ?conf ; kg:evidence ?ev .
              BIND(EXISTS {{ ?p a owl:SymmetricProperty }} && STR(?s0) > STR(?o0) AS ?swap)
              BIND(IF(?swap, ?o0, ?s0) AS ?s)
              BIND(IF(?swap, ?s0, ?o0) AS ?o)
              ?ev prov:wasDerivedFrom ?article ; kg:sentence ?sentence .
              OPTIONAL {{ ?tie dcterms:date ?date }}
              {negated}
            }} GROUP BY ?s ?p ?o ORDER BY ?s ?p ?o""")
        return [{"source": r["s"], "target": r["o"], "relation": r["p"].rsplit("#", 1)[-1],
                 "weight": r["weight"], "mentions": r["mentions"], "statuses": r["statuses"],
                 "confidence": r["confidence"], "first_date": "" if r["first"] in (None, "~") else r["first"], "evidence": r["evidence"]}
                for r in rows]

    def to_networkx(self, *, include_negated: bool = False):
        """The tie graph as a ``networkx.MultiDiGraph``: nodes = entities (IRI ids), one edge per
        (subject, relation, object) keyed by relation, attributes as in :meth:`entity_table` and
        :meth:`tie_table` (lists joined with ``|`` so GraphML/GEXF can hold them).
        Symmetric ties (cooperatesWith) appear once, in the direction they were read.
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for row in self.entity_table():
            graph.add_node(row["id"], **{k: ("|".join(v) if isinstance(v, list) else v)
                                          for k, v in row.items() if k != "id"})
        for row in self.tie_table(include_negated=include_negated):
            attrs = {k: v for k, v in row.items() if k not in ("source", "target")}
            attrs["symmetric"] = Relation(row["relation"]).symmetric
            graph.add_edge(row["source"], row["target"], key=row["relation"], **attrs)
        return graph

    def _export_gephi(self, directory: Path) -> Path:
        """Write Gephi's spreadsheet import: ``nodes.csv`` (Id, Label, class, province, city, aliases, region,
        region_source, key) and ``edges.csv`` (Source, Target, Type, relation, Weight, evidence, ...)."""
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / "nodes.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Id", "Label", "class", "province", "city", "aliases", "region", "region_source", "key"])
            for row in self.entity_table():
                writer.writerow([row["id"], row["label"], row["class"], row["province"], row["city"],
                                 "|".join(row["aliases"]), row["region"], row["region_source"], row["key"]])
        with open(directory / "edges.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Source", "Target", "Type", "relation", "Weight", "evidence", "mentions",
                             "status", "confidence", "first_date"])
            for row in self.tie_table():
                kind = "Undirected" if Relation(row["relation"]).symmetric else "Directed"
                writer.writerow([row["source"], row["target"], kind, row["relation"], row["weight"],
                                 row["evidence"], row["mentions"], row["statuses"], row["confidence"],
                                 row["first_date"]])
        return directory

    def _writable(self) -> None:
        if self.read_only:
            raise PermissionError(f"the store at {self.path} is open read-only")
