"""SPARQL results as pandas DataFrames, from the embedded store or a remote SPARQL 1.1 endpoint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd

__all__ = ["sparql", "results_to_frame", "json_results_to_frame"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{_XSD}{t}" for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "unsignedInt", "unsignedLong", "nonPositiveInteger", "negativeInteger")}
_FLOAT_TYPES = {f"{_XSD}{t}" for t in ("decimal", "double", "float")}


def _python_value(kind: str, value: str, datatype: str | None):
    """Turn one RDF term (kind, lexical value, datatype) into the natural Python value."""
    if kind != "literal" or datatype is None:
        return value
    try:
        if datatype in _INTEGER_TYPES:
            return int(value)
        if datatype in _FLOAT_TYPES:
            return float(Decimal(value))
        if datatype == f"{_XSD}boolean":
            return value in ("true", "1")
        if datatype == f"{_XSD}date":
            return dt.date.fromisoformat(value)
    except ValueError:
        return value
    return value


def _term_value(term):
    """Python value of a pyoxigraph term (None for unbound)."""
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        return _python_value("literal", term.value, term.datatype.value if term.datatype else None)
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def results_to_frame(results) -> pd.DataFrame:
    """Convert pyoxigraph query results to a DataFrame.

    SELECT gives one column per variable (integers, floats, booleans and dates
    typed); ASK gives one row with the boolean column ``ask``; CONSTRUCT and
    DESCRIBE give ``subject, predicate, object`` columns.
    """
    import pyoxigraph as ox

    if isinstance(results, ox.QueryBoolean):
        return pd.DataFrame({"ask": [bool(results)]})
    if isinstance(results, ox.QuerySolutions):
        names = [v.value for v in results.variables]
        rows = [[_term_value(solution[name]) for name in names] for solution in results]
        return pd.DataFrame(rows, columns=names)
    rows = [(_term_value(t.subject), _term_value(t.predicate), _term_value(t.object)) for t in results]
    return pd.DataFrame(rows, columns=["subject", "predicate", "object"])


def json_results_to_frame(data: dict) -> pd.DataFrame:
    """Convert SPARQL 1.1 JSON results (``application/sparql-results+json``) to a DataFrame."""
    if "boolean" in data:
        return pd.DataFrame({"ask": [bool(data["boolean"])]})
    names = data["head"].get("vars", [])
    rows = []
    for binding in data["results"]["bindings"]:
        row = []
        for name in names:
            term = binding.get(name)
            row.append(None if term is None else _python_value(
                "literal" if term["type"] in ("literal", "typed-literal") else term["type"],
                term["value"], term.get("datatype")))
        rows.append(row)
    return pd.DataFrame(rows, columns=names)


def sparql(query: str, *, store=None, endpoint: str | None = None, timeout: float = 60.0) -> pd.DataFrame:
    """Run a SPARQL query and return a DataFrame.

    Parameters
    ----------
    query : str
        SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).
    store : KGStore or path, optional
        The embedded store (an open :class:`kg.rdf.KGStore`, or its directory).
    endpoint : str, optional
        URL of a SPARQL 1.1 endpoint to query instead (Fuseki, GraphDB, Virtuoso, ``kg serve``...).
    timeout : float
        Seconds to wait for a remote endpoint.

    Raises
    ------
    ValueError
        When the query is malformed (with the parser's message) or the endpoint refuses it.
    """
    if endpoint is not None:
        return _remote(query, endpoint, timeout)
    from kg.rdf import KGStore

    if isinstance(store, (str, Path)):
        with KGStore(store) as opened:
            return _local(query, opened)
    return _local(query, store)


def _local(query: str, store) -> pd.DataFrame:
    try:
        results = store.query(query)
    except SyntaxError as exc:
        raise ValueError(f"malformed SPARQL query: {exc}") from None
    return results_to_frame(results)


def _remote(query: str, endpoint: str, timeout: float) -> pd.DataFrame:
    import httpx

    response = httpx.post(
        endpoint,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
        timeout=timeout,
    )
    if response.status_code >= 400:
        raise ValueError(f"{endpoint} answered {response.status_code}: {response.text[:500]}")
    ctype = response.headers.get("content-type", "")
    if "json" in ctype:
        return json_results_to_frame(response.json())
    import pyoxigraph as ox

    triples = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
    return results_to_frame(triples)
