"""kg: Chinese news about regional innovation -> a knowledge graph to query, see and analyse.

The Python API in five lines::

    import kg
    g = kg.build(["seeds"], store=".kg/store")     # or: g = kg.open(".kg/store")
    g.hubs()                                        # DataFrames with Chinese labels
    g.ties("有研集团")                              # every tie, with its evidence sentence
    g.show()                                        # an interactive graph, inline in Jupyter, offline

Public names (imported lazily: ``import kg`` loads neither spaCy nor rdflib nor pandas):

* :func:`open` -- open an existing store (read-only by default) as a :class:`KnowledgeGraph`;
* :func:`build` -- build or update a store from files, folders, globs or JSONL, and open it;
* :class:`KnowledgeGraph` -- ``sparql``, ``articles``, ``entities``, ``ties``, ``hubs``, ``brokers``,
  ``communities``, ``paths``, ``flows``, ``corridors``, ``strength``, ``to_networkx``, ``show``,
  ``article_text``, ``validate``, ``export``, ``stats``;
* :func:`demo` -- the graph of the five seed articles (built once per process), to try things on;
* :func:`query` -- one SPARQL query on a store directory or a remote SPARQL endpoint, as a DataFrame;
* :class:`GraphView` -- what :meth:`KnowledgeGraph.show` returns (inline HTML, ``save(path)``);
* :class:`BuildReport` -- what a build did (``graph.report``);
* submodules ``kg.algorithms`` (networkx analysis), ``kg.rdf`` (the store, SHACL), ``kg.plots``
  (matplotlib charts with a CJK font) and ``kg.sparql`` (SPARQL results as DataFrames) load on first use.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# name -> (module, attribute): resolved on first access (PEP 562), so ``import kg`` stays light.
_LAZY = {
    "KnowledgeGraph": ("kg.graph", "KnowledgeGraph"),
    "open": ("kg.graph", "open"),
    "build": ("kg.graph", "build"),
    "query": ("kg.graph", "query"),
    "demo": ("kg.graph", "demo"),
    "GraphView": ("kg.notebook", "GraphView"),
    "BuildReport": ("kg.pipeline", "BuildReport"),
}
_SUBMODULES = ("algorithms", "plots", "rdf", "sparql")

__all__ = ["__version__", "KnowledgeGraph", "open", "build", "query", "demo", "GraphView", "BuildReport",
           *_SUBMODULES]


def __getattr__(name: str):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"kg.{name}")
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
