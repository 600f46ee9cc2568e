"""The researcher's entry point: a knowledge graph you open or build, and question with DataFrames.

:func:`open` and :func:`build` give a :class:`KnowledgeGraph`: an open :class:`kg.rdf.KGStore`
plus the questions researchers ask of it, each answered as a pandas DataFrame with Chinese labels
(SPARQL, articles, entities, ties with evidence, hubs, brokers, communities, transfer paths, region
flows), a networkx graph, or an interactive drawing for Jupyter (:meth:`KnowledgeGraph.show`).

The store is RocksDB: one process at a time may open it for writing, any number read-only.
:func:`open` opens read-only by default, so a notebook can read a store that ``kg serve`` is
serving (the server opens read-only too unless SPARQL updates are enabled). A read-only handle
sees the store as it was when opened; open it again to see a later build.

Examples
--------
>>> import kg
>>> g = kg.demo()                      # the five seed articles, built once per process
>>> g.stats()["articles"]
5
>>> "德州天衢新区" in set(g.hubs(top=None).label)
True
"""

from __future__ import annotations

import atexit
import datetime as _dt
import shutil
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

__all__ = ["KnowledgeGraph", "open", "build", "query", "demo"]

_KG_NS = "https://w3id.org/kg-innovation/ontology#"
_KGR_NS = "https://w3id.org/kg-innovation/id/"
_ROOT = Path(__file__).resolve().parent.parent
# Every KnowledgeGraph this process has open, so a build can release the readers of its store first.
_OPEN_GRAPHS: weakref.WeakSet = weakref.WeakSet()


def _local(iri, kind: str | None = None):
    """``https://…/ontology#cooperatesWith`` -> ``cooperatesWith``; ``…/id/article/x`` -> ``x``."""
    if not isinstance(iri, str):
        return iri
    if iri.startswith(_KG_NS):
        return iri[len(_KG_NS):]
    if kind and iri.startswith(f"{_KGR_NS}{kind}/"):
        from kg.rdf.iris import key_from_iri

        return key_from_iri(iri, kind)
    return iri


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give object columns a proper dtype: nullable integers, floats, booleans, datetimes.

    SPARQL leaves values unbound, so a column of integers with a gap arrives as Python objects;
    here it becomes ``Int64`` (with ``<NA>``), a column of ``xsd:date`` becomes ``datetime64``.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype != object:
            continue
        values = [v for v in out[column] if v is not None and not (isinstance(v, float) and pd.isna(v))]
        if not values:
            continue
        kinds = {type(v) for v in values}
        if kinds == {bool}:
            out[column] = out[column].astype("boolean")
        elif kinds == {int}:
            out[column] = out[column].astype("Int64")
        elif kinds <= {int, float} and kinds != {int}:
            out[column] = out[column].astype("float64")
        elif kinds == {_dt.date}:
            out[column] = pd.to_datetime(out[column])
        elif kinds == {str}:
            out[column] = out[column].astype("string")
    return out


def _run_sparql(store, query: str) -> pd.DataFrame:
    """Run ``query`` on a :class:`kg.rdf.KGStore` and return a typed DataFrame."""
    from kg.sparql import results_to_frame

    try:
        results = store.query(query)
    except SyntaxError as exc:
        raise ValueError(f"malformed SPARQL query: {exc}") from None
    return _typed(results_to_frame(results))


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (in order) even when ``rows`` is empty."""
    return pd.DataFrame(rows, columns=columns)


class KnowledgeGraph:
    """An open store plus the questions researchers ask of it, answered as DataFrames.

    Get one with :func:`kg.open` or :func:`kg.build`; close it (or use ``with``) to release the store.

    Parameters
    ----------
    store : kg.rdf.KGStore
        The open store.
    report : kg.pipeline.BuildReport, optional
        What the build that produced the graph did (set by :func:`kg.build`).

    Attributes
    ----------
    store : kg.rdf.KGStore
        The store, for the full RDF API (``store.query``, ``store.named_query``, ``store.dataset()``).
    report : kg.pipeline.BuildReport or None
        The build report when the graph came from :func:`kg.build`.

    Examples
    --------
    >>> import kg
    >>> with kg.demo() as g:
    ...     g.store.read_only
    True
    """

    def __init__(self, store, *, report=None):
        self.store = store
        self.report = report
        self._cache: dict = {}
        _OPEN_GRAPHS.add(self)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The store directory (None for an in-memory store)."""
        return self.store.path

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran (or a later :func:`kg.build` on the same store closed it)."""
        return getattr(self.store, "_store", None) is None

    def close(self) -> None:
        """Release the store (other processes may then open it for writing)."""
        if not self.closed:
            self.store.close()
        self._cache.clear()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.path if self.path is not None else "in memory"
        mode = "closed" if self.closed else ("read-only" if self.store.read_only else "read-write")
        return f"<KnowledgeGraph {where} ({mode})>"

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError(f"this KnowledgeGraph ({self.path}) is closed; open it again with kg.open(...) "
                               "(a kg.build on the same store closes the graphs opened before it)")

    # -- querying ----------------------------------------------------------------------------
    def sparql(self, query: str) -> pd.DataFrame:
        """Run a SPARQL query and return a DataFrame.

        The prefixes ``kg: kgr: rdf: rdfs: owl: xsd: skos: dcterms: prov: org: schema: foaf:`` are
        predeclared and the default graph is the union of all graphs.

        Parameters
        ----------
        query : str
            SELECT (one column per variable), ASK (one boolean column ``ask``), CONSTRUCT or
            DESCRIBE (columns ``subject``, ``predicate``, ``object``).

        Returns
        -------
        pandas.DataFrame
            Typed columns: integers (``Int64``), floats, booleans, ``xsd:date`` as ``datetime64``,
            IRIs and (Chinese) labels as strings; unbound values are missing.

        Raises
        ------
        ValueError
            When the query is malformed (with the parser's message).

        Examples
        --------
        >>> import kg
        >>> g = kg.demo()
        >>> frame = g.sparql("SELECT ?title ?date WHERE { ?a a kg:Article ; dcterms:title ?title ;"
        ...                  " dcterms:date ?date } ORDER BY ?date")
        >>> str(frame.dtypes["date"]).startswith("datetime64"), frame.title.iloc[0]
        (True, '定州产学研合作让科技成果“落地生金”')
        >>> bool(g.sparql("ASK { ?e rdfs:label '德州天衢新区'@zh }").ask[0])
        True
        """
        self._check_open()
        return _run_sparql(self.store, query)

    def stats(self) -> dict:
        """Counts: ``articles``, ``entities`` (by class), ``ties`` (by relation), ``graphs``, ``triples``."""
        self._check_open()
        return self.store.stats()

    def articles(self) -> pd.DataFrame:
        """One row per article in the store.

        Returns
        -------
        pandas.DataFrame
            ``id``, ``title``, ``date``, ``source``, ``url``, ``path`` (where it was read from),
            ``entities``, ``ties`` (how many the article contributed), ``article`` (IRI); oldest first.

        Examples
        --------
        >>> import kg
        >>> articles = kg.demo().articles()
        >>> list(articles.columns)
        ['id', 'title', 'date', 'source', 'url', 'path', 'entities', 'ties', 'article']
        >>> sorted(articles.id)[0]
        '000_f8f169bc42fa4364'
        """
        self._check_open()
        rows = [{**r, "id": _local(r["article"], "article")} for r in self.store.named_query("articles")]
        columns = ["id", "title", "date", "source", "url", "path", "entities", "ties", "article"]
        return _typed(_frame(rows, columns))

    def article_text(self, article: str) -> str:
        """The original text of an article, read again from the file it was built from.

        This is the text evidence offsets index: ``article_text(a)[start:end] == sentence``.

        Parameters
        ----------
        article : str
            The article id (``000_f8f169bc42fa4364``) or IRI.

        Raises
        ------
        KeyError
            When the store has no such article.
        FileNotFoundError
            When its source file is not where it was (paths are stored as given to the build).
        ValueError
            When the file changed since the build (its content hash differs).

        Examples
        --------
        >>> import kg
        >>> g = kg.demo()
        >>> tie = g.ties("德州天衢新区").iloc[0]
        >>> g.article_text(tie.article)[tie.start:tie.end] == tie.sentence
        True
        """
        self._check_open()
        from kg.ingest import read_inputs
        from kg.types import Article

        article_id = _local(article, "article")
        row = self.articles().set_index("id").to_dict("index").get(article_id)
        if row is None:
            raise KeyError(f"no article {article_id!r} in {self.path}")
        source = row["path"]
        if source is None or pd.isna(source):
            raise FileNotFoundError(f"article {article_id!r} has no recorded source path")
        path = Path(source)
        if not path.exists() and ":" in source:  # a JSONL line: "file.jsonl:12"
            path = Path(source.rsplit(":", 1)[0])
        if not path.exists():
            raise FileNotFoundError(f"article {article_id!r} was read from {source!r}, which is not there now "
                                    f"(relative paths are relative to the directory the build ran in)")
        stored_hash = self.store.article_hash(article_id)
        for item in read_inputs([path]):
            if isinstance(item, Article) and item.id == article_id:
                if item.content_hash != stored_hash:
                    raise ValueError(f"{source} changed since the store was built (content hash differs)")
                return item.text
        raise KeyError(f"article {article_id!r} is no longer in {path}")

    def _entity_table(self) -> list[dict]:
        if "entities" not in self._cache:
            self._check_open()
            self._cache["entities"] = self.store.entity_table()
        return self._cache["entities"]

    def entities(self, search: str | None = None, *, cls: str | None = None) -> pd.DataFrame:
        """Entities with class, region and aliases; ``search`` keeps those whose name or an alias contains it.

        Parameters
        ----------
        search : str, optional
            A substring of the name or of an alias (case-insensitive), e.g. ``"有研"``.
        cls : str, optional
            Only this class (``"Enterprise"``, ``"University"``, ``"Park"``...).

        Returns
        -------
        pandas.DataFrame
            ``label``, ``cls``, ``aliases`` (list), ``region`` (GB/T 2260 code), ``region_source`` (how
            the region was obtained: ``name``, ``text``, ``registry`` or ``article`` -- a guess from the
            article's place), ``region_label``, ``city``, ``province`` (names), ``ties`` (tie mentions in
            the store), ``key``, ``entity`` (IRI). With ``search``: exact matches first, then shorter names; else most ties first.

        Examples
        --------
        >>> import kg
        >>> found = kg.demo().entities("有研集团")
        >>> found.label.iloc[0], found.cls.iloc[0]
        ('中国有研科技集团有限公司', 'Enterprise')
        """
        self._check_open()
        if cls is not None:
            from kg.types import EntityClass

            known = [c.value for c in EntityClass]
            if cls not in known:
                raise ValueError(f"unknown class {cls!r}; expected one of {known}")
        hierarchy = self._hierarchy()
        counts = self._cache.get("tie_counts")
        if counts is None:
            counts = {r["e"]: r["n"] for r in self.store.select(
                "SELECT ?e (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kg:Tie ; kg:subject|kg:object ?e } GROUP BY ?e")}
            self._cache["tie_counts"] = counts
        needle = search.lower() if search else None
        rows = []
        for e in self._entity_table():
            if cls is not None and e["class"] != cls:
                continue
            names = [e["label"], *e["aliases"]]
            if needle is not None and not any(needle in n.lower() for n in names):
                continue
            exact = needle is not None and any(needle == n.lower() for n in names)
            region = e["region"] or None
            rows.append({
                "label": e["label"], "cls": e["class"], "aliases": e["aliases"], "region": region,
                "region_source": e.get("region_source") or None,
                "region_label": hierarchy.label(region) if region else None,
                "city": hierarchy.label(hierarchy.city_of(region)) if region else None,
                "province": hierarchy.label(hierarchy.province_of(region)) if region else None,
                "ties": counts.get(e["id"], 0), "key": e["key"],
                "entity": e["id"], "_exact": exact,
            })
        if needle is not None:
            rows.sort(key=lambda r: (not r["_exact"], len(r["label"]), r["label"]))
        else:
            rows.sort(key=lambda r: (-r["ties"], r["label"]))
        for r in rows:
            del r["_exact"]
        columns = ["label", "cls", "aliases", "region", "region_source", "region_label", "city", "province", "ties",
                   "key", "entity"]
        return _typed(_frame(rows, columns))

    def _hierarchy(self):
        """The region hierarchy of the store (municipalities such as 北京市 count as cities)."""
        if "regions" not in self._cache:
            from kg.algorithms import region_hierarchy

            self._check_open()
            self._cache["regions"] = region_hierarchy(self.store)
        return self._cache["regions"]

    def resolve(self, entity: str) -> list[str]:
        """The entity IRI(s) a name, alias, key or IRI stands for.

        An exact name or alias wins (several entities may share it, e.g. a place and a park);
        otherwise a substring that matches exactly one entity.

        Raises
        ------
        KeyError
            When nothing matches, or a substring matches several entities (they are listed).

        Examples
        --------
        >>> import kg
        >>> kg.demo().resolve("有研集团")
        ['https://w3id.org/kg-innovation/id/entity/中国有研科技集团有限公司']
        """
        if entity.startswith(("http://", "https://")):
            return [entity]
        table = self._entity_table()
        wanted = entity.strip().lower()
        exact = [e["id"] for e in table
                 if e["key"] == entity or wanted in (n.lower() for n in (e["label"], *e["aliases"]))]
        if exact:
            return exact
        partial = [e for e in table if any(wanted in n.lower() for n in (e["label"], *e["aliases"]))]
        if len(partial) == 1:
            return [partial[0]["id"]]
        if not partial:
            raise KeyError(f"no entity named {entity!r} in {self.path}; try g.entities({entity[:2]!r})")
        names = ", ".join(sorted(e["label"] for e in partial)[:12])
        raise KeyError(f"{entity!r} matches {len(partial)} entities ({names}); give the full name or the IRI")

    def ties(self, entity: str, *, relation: str | None = None, status: str | None = None) -> pd.DataFrame:
        """Every tie of an entity, one row per piece of evidence.

        Parameters
        ----------
        entity : str
            A name, alias, key or IRI (see :meth:`resolve`).
        relation : str, optional
            Only this tie type (``"cooperatesWith"``, ``"transfersTechnologyTo"``...).
        status : {"reported", "planned", "negated"}, optional
            Only ties with this status.

        Returns
        -------
        pandas.DataFrame
            ``subject``, ``relation``, ``object`` (labels), ``status``, ``confidence``, ``date``,
            ``sentence`` (the evidence), ``article`` (id), ``start``, ``end`` (offsets in the
            article's original text: ``g.article_text(article)[start:end] == sentence``),
            ``trigger``, ``position``, ``extractor``, ``subject_iri``, ``object_iri``, ``tie``.

        Examples
        --------
        >>> import kg
        >>> ties = kg.demo().ties("有研集团")
        >>> "德州天衢新区" in set(ties.subject) | set(ties.object)
        True
        >>> list(ties.columns)[:7]
        ['subject', 'relation', 'object', 'status', 'confidence', 'date', 'sentence']
        """
        self._check_open()
        rows = []
        for iri in self.resolve(entity):
            for r in self.store.named_query("entity_ties", entity=iri, relation=relation, status=status):
                rows.append({
                    "subject": r["subjectLabel"] or _local(r["subject"], "entity"),
                    "relation": _local(r["relation"]),
                    "object": r["objectLabel"] or _local(r["object"], "entity"),
                    "status": r["status"], "confidence": r["confidence"], "date": r["date"],
                    "sentence": r["sentence"], "article": _local(r["article"], "article"),
                    "start": r["start"], "end": r["end"], "trigger": r["trigger"], "position": r["position"],
                    "extractor": r["extractor"], "subject_iri": r["subject"], "object_iri": r["object"],
                    "tie": r["tie"],
                })
        columns = ["subject", "relation", "object", "status", "confidence", "date", "sentence", "article",
                   "start", "end", "trigger", "position", "extractor", "subject_iri", "object_iri", "tie"]
        frame = _frame(rows, columns).drop_duplicates(subset=["tie", "article", "start"]).reset_index(drop=True)
        return _typed(frame)

    # -- analysis ------------------------------------------------------------------------------
    def _actor_graph(self, relations=None, classes=None, region_group=None, start=None, end=None,
                     include_planned: bool = True):
        """The (cached) actor graph for these filters; callers must not modify it."""
        from kg import algorithms

        def frozen(value):
            if value is None or isinstance(value, str):
                return value
            return tuple(sorted(map(str, value)))

        key = ("actor", frozen(relations), frozen(classes), frozen(region_group), str(start), str(end),
               include_planned)
        if key not in self._cache:
            self._check_open()
            self._cache[key] = algorithms.actor_graph(self.store, relations=relations, classes=classes,
                                                      region_group=region_group, start=start, end=end,
                                                      include_planned=include_planned)
        return self._cache[key]

    def to_networkx(self, kind: str = "actor", *, relations=None, classes=None, region_group=None,
                    start=None, end=None, include_planned: bool = True):
        """The graph as networkx: actors, or the regions they are in.

        Parameters
        ----------
        kind : {"actor", "city", "province", "region"}
            ``"actor"``: :func:`kg.algorithms.actor_graph` (a MultiDiGraph, one edge per subject,
            relation and object, with ``weight`` = supporting articles and the ``evidence``);
            otherwise :func:`kg.algorithms.region_graph` at that level (a DiGraph of region codes).
        relations, classes : iterable of str, optional
            Keep only these tie types / actor classes.
        region_group : str or iterable, optional
            Keep only actors in these regions or groups (``"京津冀"``, ``"德州"``).
        start, end : str, optional
            Keep only ties dated in ``[start, end]`` (``"2020"``, ``"2022-10"``...).
        include_planned : bool
            Keep ties reported as planned (negated ties are always left out).

        Returns
        -------
        networkx.MultiDiGraph or networkx.DiGraph
            A copy: change it freely.

        Examples
        --------
        >>> import kg
        >>> G = kg.demo().to_networkx()
        >>> any(d["label"] == "德州天衢新区" for _, d in G.nodes(data=True))
        True
        >>> R = kg.demo().to_networkx("province")
        >>> R.nodes["370000"]["label"]
        '山东省'
        """
        from kg import algorithms

        G = self._actor_graph(relations, classes, region_group, start, end, include_planned)
        if kind == "actor":
            return G.copy()
        if kind not in ("city", "province", "region"):
            raise ValueError(f"kind must be 'actor', 'city', 'province' or 'region', not {kind!r}")
        return algorithms.region_graph(G, level=kind)

    def _labels(self, G):
        hierarchy = G.graph.get("regions")
        return (lambda code: hierarchy.label(code) if (hierarchy is not None and code) else None)

    def hubs(self, top: int | None = 10, *, by: str = "hub", cls=None, region=None, relations=None,
             start=None, end=None) -> pd.DataFrame:
        """Collaboration hubs: actors many others work with, often, through important partners.

        Measured on the collaboration network (cooperation, hosting, location and transfer ties,
        weighted by supporting articles): ``hub_score`` is the mean of the percentile ranks of
        weighted degree and PageRank (see :func:`kg.algorithms.hubs`).

        Parameters
        ----------
        top : int or None
            How many (None: every actor with a tie).
        by : {"hub", "degree", "weighted_degree", "pagerank", "betweenness"}
            Ranking key.
        cls : str or iterable, optional
            Only list actors of these classes (ranked within the whole network).
        region : str or iterable, optional
            Only list actors in these regions or groups (``"河北"``, ``"京津冀"``).
        relations : iterable of str, optional
            Tie types of the collaboration network (default :data:`kg.algorithms.HUB_RELATIONS`).
        start, end : str, optional
            Only ties dated in this period.

        Returns
        -------
        pandas.DataFrame
            ``rank``, ``label``, ``cls``, ``city``, ``province`` (names), ``degree``,
            ``weighted_degree``, ``pagerank``, ``betweenness``, ``hub_score``, ``region`` (code),
            ``entity`` (IRI).

        Examples
        --------
        >>> import kg
        >>> hubs = kg.demo().hubs(top=5)
        >>> list(hubs.columns)[:5], len(hubs)
        (['rank', 'label', 'cls', 'city', 'province'], 5)
        >>> bool(hubs.hub_score.is_monotonic_decreasing)
        True
        """
        from kg import algorithms

        G = self._actor_graph(start=start, end=end)
        kwargs = {"relations": relations} if relations is not None else {}
        found = algorithms.hubs(G, top=top, by=by, cls=cls, region=region, **kwargs)
        label = self._labels(G)
        rows = [{
            "rank": h["rank"], "label": h["label"], "cls": h["cls"], "city": label(h["city"]),
            "province": label(h["province"]), "degree": h["degree"], "weighted_degree": h["weighted_degree"],
            "pagerank": h["pagerank"], "betweenness": h["betweenness"], "hub_score": h["hub_score"],
            "region": h["region"], "entity": h["node"],
        } for h in found]
        columns = ["rank", "label", "cls", "city", "province", "degree", "weighted_degree", "pagerank",
                   "betweenness", "hub_score", "region", "entity"]
        return _typed(_frame(rows, columns))

    def brokers(self, top: int | None = 10, *, method: str = "louvain", seed: int = 0, start=None,
                end=None) -> pd.DataFrame:
        """Brokers: actors on many shortest paths of the collaboration network, bridging communities.

        Parameters
        ----------
        top : int or None
            How many (None: all actors with a tie).
        method : {"louvain", "leiden"}
            How communities are found (on the same collaboration network).
        seed : int
            Seed of the community detection.
        start, end : str, optional
            Only ties dated in this period.

        Returns
        -------
        pandas.DataFrame
            ``rank``, ``label``, ``cls``, ``city``, ``betweenness``, ``communities_bridged`` (how many
            communities the actor and its partners belong to), ``community`` (its own),
            ``degree``, ``entity``; highest betweenness first.

        Examples
        --------
        >>> import kg
        >>> brokers = kg.demo().brokers(top=3)
        >>> bool(brokers.betweenness.is_monotonic_decreasing), int(brokers.communities_bridged.min()) >= 1
        (True, True)
        """
        from kg import algorithms

        G = self._actor_graph(start=start, end=end)
        H = algorithms.hub_graph(G)
        found = algorithms.communities(H, method=method, seed=seed)
        community = {node: i for i, members in enumerate(found) for node in members}
        label = self._labels(G)
        rows = []
        for h in algorithms.hubs(G, top=top, by="betweenness", seed=seed):
            node = h["node"]
            bridged = {community[n] for n in [node, *H.neighbors(node)] if n in community}
            rows.append({"rank": h["rank"], "label": h["label"], "cls": h["cls"], "city": label(h["city"]),
                         "betweenness": h["betweenness"], "communities_bridged": len(bridged),
                         "community": community.get(node), "degree": h["degree"], "entity": node})
        columns = ["rank", "label", "cls", "city", "betweenness", "communities_bridged", "community", "degree",
                   "entity"]
        return _typed(_frame(rows, columns))

    def communities(self, method: str = "louvain", *, seed: int = 0, resolution: float = 1.0, relations=None,
                    top_members: int = 10, start=None, end=None) -> pd.DataFrame:
        """Communities of the actor graph: groups of actors tied more to each other than to the rest.

        Parameters
        ----------
        method : {"louvain", "leiden"}
            Modularity optimisation method.
        seed : int
            Seed (the same seed gives the same communities).
        resolution : float
            Above 1: smaller communities.
        relations : iterable of str, optional
            Tie types to use (default: all).
        top_members : int
            How many member names to list per community.
        start, end : str, optional
            Only ties dated in this period.

        Returns
        -------
        pandas.DataFrame
            One row per community, largest first: ``community``, ``size``, ``members`` (names of the
            most connected members), ``city``, ``city_share``, ``province``, ``province_share``
            (the most common and the share of members there), ``cls``, ``cls_share``,
            ``internal_weight`` (articles supporting ties inside), ``nodes`` (all member IRIs).

        Examples
        --------
        >>> import kg
        >>> found = kg.demo().communities()
        >>> bool(found["size"].is_monotonic_decreasing), list(found.columns)[:3]
        (True, ['community', 'size', 'members'])
        """
        from kg import algorithms

        G = self._actor_graph(start=start, end=end)
        found = algorithms.communities(G, method=method, seed=seed, resolution=resolution, relations=relations)
        rows = [{
            "community": s["community"], "size": s["size"], "members": s["labels"][:top_members],
            "city": s["city_label"], "city_share": s["city_share"], "province": s["province_label"],
            "province_share": s["province_share"], "cls": s["cls"], "cls_share": s["cls_share"],
            "internal_weight": s["internal_weight"], "nodes": s["members"],
        } for s in algorithms.community_summaries(G, found, top_members=top_members)]
        columns = ["community", "size", "members", "city", "city_share", "province", "province_share", "cls",
                   "cls_share", "internal_weight", "nodes"]
        return _typed(_frame(rows, columns))

    def paths(self, source="京津", target="河北", k: int = 5, *, cost: str = "inverse_weight",
              max_hops: int | None = None, start=None, end=None, include_guessed_regions: bool = False) -> pd.DataFrame:
        """The ``k`` best technology-transfer paths from actors in one region (group) to another.

        A path walks transfer, relocation, investment and supply ties in their direction, and
        cooperation, hosting, location and group-membership ties both ways
        (:data:`kg.algorithms.TRAVERSAL`).

        Parameters
        ----------
        source, target : str or iterable
            Regions, region groups, names or codes (``"京津"`` = 北京 + 天津, ``"河北"``, ``"德州"``).
        k : int
            Number of paths.
        cost : {"inverse_weight", "neg_log_confidence", "hops"}
            How paths are ranked: best-supported, most certain, or shortest first.
        max_hops : int, optional
            Leave out longer paths.
        start, end : str, optional
            Only ties dated in this period.
        include_guessed_regions : bool
            Let actors whose region is only a guess (the article's place, ``region_source`` ``article``)
            start or end a path; by default no path rests on a guessed region.

        Returns
        -------
        pandas.DataFrame
            One row per hop: ``path`` (1 = best), ``hop``, ``route`` (the whole path, names joined
            by →), ``from``, ``relation``, ``to``, ``direction`` (``reverse`` when a both-ways tie is
            walked backwards), ``weight`` (articles), ``confidence``, ``date``, ``sentence``,
            ``article``, ``start``, ``end`` (the best evidence), ``path_cost``, ``from_iri``, ``to_iri``.

        Examples
        --------
        >>> import kg
        >>> paths = kg.demo().paths("京津", "德州", k=3)
        >>> list(paths.columns)[:6]
        ['path', 'hop', 'route', 'from', 'relation', 'to']
        >>> int(paths.path.min()), bool(paths.route.str.len().gt(0).all())
        (1, True)
        """
        from kg import algorithms

        G = self._actor_graph(start=start, end=end)
        rows = []
        for number, found in enumerate(algorithms.transfer_paths(G, source=source, target=target, k=k, cost=cost,
                                                                max_hops=max_hops,
                                                                include_guessed_regions=include_guessed_regions), 1):
            route = " → ".join(map(str, found["labels"]))
            for hop_number, hop in enumerate(found["hops"], 1):
                rows.append({
                    "path": number, "hop": hop_number, "route": route, "from": hop["source_label"],
                    "relation": hop["relation"], "to": hop["target_label"], "direction": hop["direction"],
                    "weight": hop["weight"], "confidence": hop["confidence"], "date": hop["date"],
                    "sentence": hop["sentence"], "article": hop["article"], "start": hop["start"],
                    "end": hop["end"], "path_cost": found["cost"], "from_iri": hop["source"], "to_iri": hop["target"],
                })
        columns = ["path", "hop", "route", "from", "relation", "to", "direction", "weight", "confidence", "date",
                   "sentence", "article", "start", "end", "path_cost", "from_iri", "to_iri"]
        return _typed(_frame(rows, columns))

    def flows(self, level: str = "city", *, net: bool = False, year=None, relations=None, count: str = "ties",
              drop_empty: bool = True, start=None, end=None, include_guessed_regions: bool = False) -> pd.DataFrame:
        """The region × region flow matrix: rows are where ties come from, columns where they go.

        Direction rules: cooperation counts once each way, ``hosts`` from the hosted actor's region
        to the host's, every other tie from subject to object (:data:`kg.algorithms.FLOW_DIRECTIONS`).

        Parameters
        ----------
        level : {"city", "province", "region"}
            Aggregation level (北京 and 天津 are cities).
        net : bool
            Net flows ``M - M.T`` (positive: more from the row to the column than back).
        year : str or int, optional
            Only ties supported by evidence of that year.
        relations : iterable of str, optional
            Tie types to count (default: all).
        count : {"ties", "articles"}
            Count distinct actor ties, or tie-article supports.
        drop_empty : bool
            Leave out regions with no flow at all (in, out or inside).
        start, end : str, optional
            Only ties dated in this period.
        include_guessed_regions : bool
            Count actors whose region is only a guess (``region_source`` ``article``); by default they
            count as of unknown region, so no flow rests on a guess.

        Returns
        -------
        pandas.DataFrame
            Square integer matrix indexed by region names (``from`` × ``to``); the diagonal holds
            ties inside a region.

        Examples
        --------
        >>> import kg
        >>> M = kg.demo().flows("province")
        >>> list(M.index) == list(M.columns), int(M.loc["北京市", "山东省"]) > 0
        (True, True)
        """
        from kg import algorithms

        G = self._actor_graph(start=start, end=end)
        gross = algorithms.flow_matrix(G, level=level, year=year, relations=relations, count=count,
                                       include_guessed_regions=include_guessed_regions)
        matrix = algorithms.net_flow(gross) if net else gross
        if drop_empty:
            active = (gross.sum(axis=0) + gross.sum(axis=1)) > 0
            keep = [name for name in gross.index if active[name]]
            matrix = matrix.loc[keep, keep]
        return matrix

    def strength(self, level: str = "city", *, relations=None, start=None, end=None,
                 include_guessed_regions: bool = False) -> pd.DataFrame:
        """Out-, in- and net flow of each region with other regions, and its internal ties.

        Returns
        -------
        pandas.DataFrame
            ``out``, ``in``, ``net``, ``internal`` by region name, busiest first
            (:func:`kg.algorithms.strength` of :meth:`flows`).

        Examples
        --------
        >>> import kg
        >>> list(kg.demo().strength("province").columns)
        ['out', 'in', 'net', 'internal']
        """
        from kg import algorithms

        return algorithms.strength(self.flows(level, relations=relations, start=start, end=end,
                                              include_guessed_regions=include_guessed_regions))

    def corridors(self, corridors=None, *, by_year: bool = False, relations=None, start=None,
                  end=None, include_guessed_regions: bool = False) -> pd.DataFrame:
        """Tie counts along corridors between regions, both ways (default 京→冀, 津→冀, 京→津).

        Parameters
        ----------
        corridors : iterable of (from, to), optional
            Region or group names/codes, e.g. ``[("北京", "德州"), ("京津", "定州")]``.
        by_year : bool
            One row per corridor and year.
        relations : iterable of str, optional
            Tie types to count.
        start, end : str, optional
            Only ties dated in this period.

        Returns
        -------
        pandas.DataFrame
            ``corridor``, ``from``, ``to``, (``year``,) ``forward``, ``back``, ``net``.

        Examples
        --------
        >>> import kg
        >>> kg.demo().corridors().corridor.tolist()
        ['北京→河北', '天津→河北', '北京→天津']
        """
        from kg import algorithms

        G = self._actor_graph(start=start, end=end)
        return algorithms.corridor_flows(G, corridors if corridors is not None else algorithms.DEFAULT_CORRIDORS,
                                         by_year=by_year, relations=relations,
                                         include_guessed_regions=include_guessed_regions)

    # -- seeing --------------------------------------------------------------------------------
    def show(self, kind: str = "actor", *, focus: str | None = None, depth: int = 1, highlight=None,
             isolated: bool = False, limit: int | None = 2000, height: str | int = "600px", relations=None,
             classes=None,
             region_group=None, start=None, end=None):
        """An interactive drawing of the graph, inline in Jupyter and offline (vis-network inlined).

        Node size is the hub score, colour the class; hover a node or tie for its details and the
        evidence sentence; dashed ties are planned.

        Parameters
        ----------
        kind : {"actor", "city"}
            Actors and their ties, or cities and the flows between them.
        focus : str, optional
            Draw only this actor (name, alias or IRI) and its neighbours up to ``depth`` hops.
        depth : int
            Neighbourhood size around ``focus``.
        highlight : iterable of str or DataFrame, optional
            Actors to outline in red (names or IRIs), or a :meth:`paths` result (its hops turn red).
        isolated : bool
            Also draw actors without ties.
        limit : int or None
            Draw at most this many actors, the most connected ones (and every highlighted one): a
            browser stays responsive up to a few thousand. None: no limit.
        height : str or int
            Height in the notebook.
        relations, classes, region_group, start, end
            Filters, as in :meth:`to_networkx`.

        Returns
        -------
        kg.GraphView
            Renders itself in Jupyter; ``.save("graph.html")`` writes a standalone page.

        Examples
        --------
        >>> import kg
        >>> view = kg.demo().show(focus="德州天衢新区")
        >>> "德州天衢新区" in [n["label"] for n in view.nodes]
        True
        """
        from kg import algorithms
        from kg.notebook import GraphView
        from kg.viz import city_view, degree_hub_scores, ego_nodes, entity_view, layout_positions

        if kind == "city":
            R = algorithms.region_graph(self._actor_graph(relations, classes, region_group, start, end), level="city")
            return GraphView(city_view(R), height=height, title="cities: ties between actors, by city")
        if kind != "actor":
            raise ValueError(f"kind must be 'actor' or 'city', not {kind!r}")
        G = self._actor_graph(relations, classes, region_group, start, end)
        marked: set = set()
        marked_edges: set = set()
        if isinstance(highlight, pd.DataFrame):
            for a, b in zip(highlight["from_iri"], highlight["to_iri"]):
                marked.update((a, b))
                marked_edges.update(((a, b), (b, a)))
        elif highlight is not None:
            for name in [highlight] if isinstance(highlight, str) else highlight:
                marked.update(self.resolve(name))
        keep = set(G.nodes) if isolated else {n for n in G.nodes if G.degree(n) > 0}
        if focus is not None:
            around: set = set()
            for iri in self.resolve(focus):
                if iri in G:
                    around |= ego_nodes(G, iri, depth=depth)
            keep &= around | set(self.resolve(focus))
        keep |= {n for n in marked if n in G}
        total = len(keep)
        if limit is not None and total > limit:
            strength = dict(G.degree(keep, weight="weight"))
            ranked = sorted(keep, key=lambda n: (n not in marked, -strength[n], str(n)))
            keep = set(ranked[:max(limit, len(marked & keep))])
        H = G.subgraph(keep)
        view = entity_view(H, positions=layout_positions(H), hub_scores=degree_hub_scores(H), highlight=marked)
        evidence = {(u, v, k): d.get("evidence") or [] for u, v, k, d in H.edges(keys=True, data=True)}
        for node in view["nodes"]:
            aliases = H.nodes[node["id"]].get("aliases") or []
            node["aliases"] = ("又名 " + "、".join(aliases[:5])) if aliases else None
        for edge in view["edges"]:
            found = evidence.get((edge["from"], edge["to"], edge["relation"])) or []
            if found:
                article, sentence, *_ = found[0]
                edge["sentence"] = sentence if len(sentence) <= 200 else sentence[:199] + "…"
                edge["article"] = article
            edge["directed"] = edge["relation"] != "cooperatesWith"
            edge["highlight"] = (edge["from"], edge["to"]) in marked_edges
        title = f"{len(view['nodes'])} actors, {len(view['edges'])} ties"
        if len(keep) < total:
            title += f" (the {len(keep)} most connected of {total} actors)"
        return GraphView(view, height=height, title=title)

    # -- checking and sharing -------------------------------------------------------------------
    def validate(self):
        """SHACL validation of the store against ``ontology/shapes.ttl``.

        Returns
        -------
        kg.rdf.ValidationReport
            ``.conforms`` and ``.violations``.
        """
        self._check_open()
        from kg.rdf import validate

        return validate(self.store)

    def export(self, path: str | Path, format: str = "trig") -> Path:
        """Export the graph: ``ttl``, ``trig``, ``nquads``, ``jsonld``, ``graphml``, ``gexf`` or ``gephi``.

        ``gephi`` writes a directory with ``nodes.csv`` and ``edges.csv`` for Gephi's spreadsheet
        import (Chinese labels, evidence sentences on the edges).

        Returns
        -------
        Path
            What was written.
        """
        self._check_open()
        return self.store.export(path, format)


def open(path: str | Path | None = None, *, read_only: bool = True) -> KnowledgeGraph:  # noqa: A001 - kg.open
    """Open an existing store.

    Parameters
    ----------
    path : str or Path, optional
        The store directory; default ``$KG_STORE`` or ``.kg/store``.
    read_only : bool
        Open without taking the write lock (the default): any number of readers, including a
        running ``kg serve``, can share the store. ``False`` takes the write lock (one process only).

    Returns
    -------
    KnowledgeGraph

    Raises
    ------
    FileNotFoundError
        When there is no store at ``path``.

    Examples
    --------
    >>> import kg
    >>> kg.open("/nonexistent/store")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no store at /nonexistent/store: build one with kg.build([...], store='/nonexistent/store')
    """
    import os

    from kg.rdf import KGStore

    path = Path(path if path is not None else os.environ.get("KG_STORE", ".kg/store"))
    if not path.exists():
        raise FileNotFoundError(f"no store at {path}: build one with kg.build([...], store={str(path)!r})")
    return KnowledgeGraph(KGStore(path, read_only=read_only))


def build(paths: str | Path | Iterable[str | Path], store: str | Path | None = None, *, jobs: int = 1,
          validate: bool = True, read_only: bool = True) -> KnowledgeGraph:
    """Build (or update) a store from articles, then open it.

    Articles already in the store with the same text are skipped, so building again is cheap.
    Graphs of this process still open on ``store`` are closed first (a reader must not watch a
    store being written).

    Parameters
    ----------
    paths : str, Path or iterable of them
        Files, folders (recursive) or globs: ``.txt``, ``.html``, ``.jsonl`` (one article per line,
        with ``text`` and optional ``id``, ``title``, ``date``, ``source``, ``url``).
    store : str or Path, optional
        Store directory (created if missing); default ``$KG_STORE`` or ``.kg/store``.
    jobs : int
        Worker processes for the language processing.
    validate : bool
        Check the store against the SHACL shapes afterwards (``graph.report.validation``).
    read_only : bool
        Open the built store read-only (the default), so ``kg serve`` can serve it at the same time.

    Returns
    -------
    KnowledgeGraph
        With ``.report``: counts of articles read, built, unchanged and failed, and every problem
        (file, line, reason).

    Examples
    --------
    >>> import kg, pathlib, shutil, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "news.txt").write_text("清华大学与德州天衢新区签署合作协议。", encoding="utf-8")
    >>> g = kg.build([folder], store=folder / "store", validate=False)
    >>> g.report.built, sorted(g.entities().label)
    (1, ['德州天衢新区', '清华大学'])
    >>> tie = g.ties("清华大学").iloc[0]
    >>> tie.relation, sorted([tie.subject, tie.object]), tie.sentence
    ('cooperatesWith', ['德州天衢新区', '清华大学'], '清华大学与德州天衢新区签署合作协议。')
    >>> g.close(); shutil.rmtree(folder)
    """
    import os

    from kg.pipeline import build as run_build

    if isinstance(paths, (str, Path)):
        paths = [paths]
    store = Path(store if store is not None else os.environ.get("KG_STORE", ".kg/store"))
    target = store.resolve()
    for graph in list(_OPEN_GRAPHS):
        if graph.path is not None and not graph.closed and Path(graph.path).resolve() == target:
            graph.close()
    report = run_build(list(paths), store, jobs=jobs, validate=validate)
    graph = open(store, read_only=read_only)
    graph.report = report
    return graph


def query(sparql: str, *, store=None, endpoint: str | None = None, timeout: float = 60.0) -> pd.DataFrame:
    """Run one SPARQL query on a store or a remote SPARQL endpoint and return a DataFrame.

    Parameters
    ----------
    sparql : str
        The query (prefixes ``kg: kgr: rdfs: skos: dcterms:``... predeclared on a store).
    store : str, Path, KnowledgeGraph or kg.rdf.KGStore, optional
        A store directory (opened read-only for this query), or an open graph/store.
    endpoint : str, optional
        URL of a SPARQL 1.1 endpoint instead (``kg serve``'s ``/sparql``, Fuseki, GraphDB...).
    timeout : float
        Seconds to wait for the endpoint.

    Returns
    -------
    pandas.DataFrame
        As :meth:`KnowledgeGraph.sparql`.

    Examples
    --------
    >>> import kg
    >>> int(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a a kg:Article }", store=kg.demo()).n[0])
    5
    """
    if (store is None) == (endpoint is None):
        raise ValueError("give exactly one of store= (a store directory or an open graph) or endpoint= (a URL)")
    if endpoint is not None:
        from kg.sparql import sparql as remote_sparql

        return _typed(remote_sparql(sparql, endpoint=endpoint, timeout=timeout))
    if isinstance(store, KnowledgeGraph):
        return store.sparql(sparql)
    if isinstance(store, (str, Path)):
        with open(store) as graph:
            return graph.sparql(sparql)
    return _run_sparql(store, sparql)


_DEMO_STORE: list[Path] = []


def demo() -> KnowledgeGraph:
    """The knowledge graph of the five seed articles in ``seeds/``: for trying the API and for examples.

    Built the first time it is asked for in a process (about 10-30 s, with the language models), into
    a temporary directory removed at exit; each call opens that store read-only again.

    Raises
    ------
    FileNotFoundError
        Outside a source checkout (``seeds/`` is not installed with the package).

    Examples
    --------
    >>> import kg
    >>> sorted(kg.demo().articles().id)[:2]
    ['000_f8f169bc42fa4364', '001_0370ff87ac4d10de']
    """
    if not _DEMO_STORE:
        seeds = _ROOT / "seeds"
        if not seeds.is_dir():
            raise FileNotFoundError(f"no seeds/ folder next to the kg package ({seeds}): demo() needs a source checkout")
        from kg.pipeline import build as run_build

        directory = Path(tempfile.mkdtemp(prefix="kg-demo-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        report = run_build([seeds], directory / "store", validate=False)
        if report.built == 0:
            raise RuntimeError(f"the demo build failed: {[str(p) for p in report.skipped]}")
        _DEMO_STORE.append(directory / "store")
    return open(_DEMO_STORE[0])
