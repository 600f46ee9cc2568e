"""Running the SPARQL files of ``kg/algorithms/queries`` against any store with ``.query(sparql)``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["KG", "KGR", "load_query", "run_select", "term_value", "local_name"]

KG = "https://w3id.org/kg-innovation/ontology#"
KGR = "https://w3id.org/kg-innovation/id/"

_QUERY_DIR = Path(__file__).with_name("queries")


@cache
def load_query(name: str) -> str:
    """Text of ``kg/algorithms/queries/<name>.rq``."""
    path = _QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise FileNotFoundError(f"SPARQL query {name!r} not found at {path}")
    return path.read_text(encoding="utf-8")


def run_select(store, sparql: str) -> list[dict]:
    """Run a SELECT query and return rows as ``{variable: python value or None}``.

    ``store`` is anything with a ``.query(sparql)`` method returning pyoxigraph-style
    solutions (``kg.rdf.KGStore`` or a ``pyoxigraph.Store``). A bare ``pyoxigraph.Store``
    is asked to use the union of all graphs as default graph, as ``KGStore`` does.
    """
    if not hasattr(store, "query"):
        raise TypeError(f"expected a store with a .query(sparql) method, got {type(store).__name__}")
    try:
        import pyoxigraph

        is_raw = isinstance(store, pyoxigraph.Store)
    except ImportError:  # pragma: no cover - pyoxigraph is a core dependency
        is_raw = False
    result = store.query(sparql, use_default_graph_as_union=True) if is_raw else store.query(sparql)
    names = [v.value for v in result.variables]
    return [{name: term_value(solution[name]) for name in names} for solution in result]


def term_value(term):
    """Python value of an RDF term: IRIs and strings as ``str``, numbers as numbers, None stays None."""
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    value = term.value
    if datatype is None:
        return value
    dt = datatype.value
    if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger", "#short")):
        return int(value)
    if dt.endswith(("#decimal", "#double", "#float")):
        return float(value)
    return value


def local_name(iri: str, family: str) -> str:
    """The part of ``iri`` after ``kgr:<family>/`` (e.g. the code of a region IRI)."""
    prefix = f"{KGR}{family}/"
    return iri[len(prefix):] if iri.startswith(prefix) else iri
