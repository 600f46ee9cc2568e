"""kg.algorithms on the hand-made store tests/data/algorithms/small.trig: exact numbers for every metric."""

from __future__ import annotations

import math
import random
from pathlib import Path

import networkx as nx
import pandas as pd
import pyoxigraph
import pytest

import kg.algorithms as A
from kg.algorithms.regions import RegionHierarchy

DATA = Path(__file__).parent / "data" / "algorithms"
ENTITY = "https://w3id.org/kg-innovation/id/entity/"
ROOT = Path(__file__).resolve().parent.parent


def e(key: str) -> str:
    return ENTITY + key


def short(nodes):
    return [n.rsplit("/", 1)[1] for n in nodes]


@pytest.fixture(scope="module")
def store():
    s = pyoxigraph.Store()
    s.load(path=str(DATA / "small.trig"), format=pyoxigraph.RdfFormat.TRIG)
    return s


@pytest.fixture(scope="module")
def G(store):
    return A.actor_graph(store)


class UnionQueryStore:
    """A store in the KGStore manner: ``.query(sparql)`` with the union of all graphs as default graph."""

    def __init__(self, store):
        self._store = store

    def query(self, sparql):
        return self._store.query(sparql, use_default_graph_as_union=True)


# -- projection ---------------------------------------------------------------------------------


def test_actor_graph_nodes_and_attributes(G):
    assert G.number_of_nodes() == 10
    assert G.number_of_edges() == 11
    assert G.nodes[e("youyan")] == {
        "label": "有研科技集团有限公司", "cls": "Enterprise", "region": "110108", "region_label": "海淀区",
        "province": "110000", "city": "110000", "aliases": ["有研集团"], "region_source": None,
    }
    # 定州 is a district of 保定 in GB/T 2260; 天津 (no cities under it) is its own city.
    assert (G.nodes[e("dingzhou")]["cls"], G.nodes[e("dingzhou")]["city"]) == ("Place", "130600")
    assert G.nodes[e("tju")]["city"] == "120000"
    assert G.nodes[e("fund")]["region"] is None
    # Aliases gathered across articles (天衢新区 is declared only in a3).
    assert G.nodes[e("tianqu")]["aliases"] == ["天衢新区"]


def test_actor_graph_edge_aggregates_articles(G):
    edge = G.edges[e("youyan"), e("sd-youyan"), "transfersTechnologyTo"]
    assert edge["relation"] == "transfersTechnologyTo"
    assert edge["weight"] == 2
    assert edge["confidence"] == 0.9
    assert edge["confidence_mean"] == pytest.approx(0.8)
    assert edge["status"] == "reported"
    assert edge["dates"] == ["2023-07-18", "2024-01-05"]
    assert edge["years"] == {"2023": 1, "2024": 1}
    assert edge["evidence"] == [
        ("a1", "有研集团将硅材料技术转移至山东有研半导体。", 10, 31),
        ("a3", "有研集团的成果在德州转化。", 0, 13),
    ]
    assert short(edge["ties"]) == ["t1", "t6"]


def test_actor_graph_leaves_out_negated_and_can_leave_out_planned(store, G):
    assert not G.has_edge(e("tsinghua"), e("tju"))
    assert G.edges[e("tsinghua"), e("dingyang"), "cooperatesWith"]["status"] == "planned"
    reported = A.actor_graph(store, include_planned=False)
    assert reported.number_of_edges() == 10
    assert not reported.has_edge(e("tsinghua"), e("dingyang"))


def test_actor_graph_undated_tie_takes_article_date(G):
    assert G.edges[e("youyan"), e("fund"), "investsIn"]["dates"] == ["2021-03-01"]


@pytest.mark.parametrize(
    "start, end, edges",
    [
        ("2024", None, 2),
        (None, "2019", 1),
        ("2021-03", "2021-03", 2),
        ("2020-01-01", "2022-12-31", 7),
    ],
)
def test_actor_graph_period(store, start, end, edges):
    assert A.actor_graph(store, start=start, end=end).number_of_edges() == edges


def test_actor_graph_period_counts_only_articles_inside(store):
    H = A.actor_graph(store, start="2024")
    edge = H.edges[e("youyan"), e("sd-youyan"), "transfersTechnologyTo"]
    assert (edge["weight"], edge["dates"]) == (1, ["2024-01-05"])


def test_actor_graph_filters(store):
    coop = A.actor_graph(store, relations=["cooperatesWith"])
    assert {d["relation"] for _, _, d in coop.edges(data=True)} == {"cooperatesWith"}
    assert coop.number_of_edges() == 5
    unis = A.actor_graph(store, classes=["University"])
    assert sorted(short(unis)) == ["cau", "tju", "tsinghua"]
    assert unis.number_of_edges() == 0  # their only mutual tie is negated
    jjj = A.actor_graph(store, region_group="京津冀")
    assert sorted(short(jjj)) == ["cau", "dingyang", "dingzhou", "tju", "tsinghua", "youyan"]
    assert jjj.number_of_edges() == 5


def test_actor_graph_bad_input(store):
    with pytest.raises(ValueError, match="unknown relation"):
        A.actor_graph(store, relations=["cooperates"])
    with pytest.raises(ValueError, match="start='sometime'"):
        A.actor_graph(store, start="sometime")
    with pytest.raises(ValueError, match="火星"):
        A.actor_graph(store, region_group="火星")
    with pytest.raises(TypeError, match="query"):
        A.actor_graph(object())


def test_projection_works_on_any_store_with_query(store, G):
    H = A.actor_graph(UnionQueryStore(store))
    assert nx.utils.edges_equal(H.edges(keys=True, data=True), G.edges(keys=True, data=True))
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))


def test_region_graph_province(store):
    R = A.region_graph(store, level="province")
    assert sorted(R.edges(data="weight")) == [
        ("110000", "110000", 1), ("110000", "130000", 2), ("110000", "140000", 1), ("110000", "370000", 1),
        ("120000", "130000", 1), ("120000", "370000", 1), ("130000", "110000", 2), ("130000", "130000", 1),
        ("140000", "110000", 1), ("370000", "120000", 1), ("370000", "370000", 1),
    ]
    assert R.nodes["130000"]["label"] == "河北省"
    # hosts counts from the hosted actor's region to the host's: 德州 -> 德州 here.
    assert R.edges["370000", "370000"]["relations"] == {"hosts": 1}
    assert R.edges["110000", "130000"]["relations"] == {"cooperatesWith": 2}


def test_region_graph_city_articles_and_years(store, G):
    R = A.region_graph(store, level="city", count="articles")
    assert R.edges["110000", "371400"]["weight"] == 2  # one tie, two articles
    assert R.edges["110000", "371400"]["ties"] == 1
    assert R.edges["110000", "130600"]["by_year"] == {"2022": 2}
    assert sorted(R) == ["110000", "120000", "130600", "140400", "371400"]
    # From an actor graph, the same.
    assert nx.utils.edges_equal(A.region_graph(G, level="city", count="articles").edges(data=True),
                                R.edges(data=True))


def test_undirected_weighted_sums_directions_and_relations(G):
    H = A.undirected_weighted(G)
    assert H[e("youyan")][e("sd-youyan")]["weight"] == 2
    assert H.number_of_edges() == 11
    assert H[e("tianqu")][e("sd-youyan")]["relations"] == ["hosts"]


# -- regions ------------------------------------------------------------------------------------


def test_region_hierarchy_from_store(store):
    h = A.region_hierarchy(store)
    assert h.groups == {"京津冀": frozenset({"110000", "120000", "130000"})}
    assert h.resolve("京津") == {"110000", "120000"}
    assert h.resolve("北京、德州") == {"110000", "371400"}
    assert h.resolve(["河北", "371400"]) == {"130000", "371400"}
    assert h.lineage("130682") == ["130682", "130600", "130000"]
    assert (h.city_of("110108"), h.province_of("110108")) == ("110000", "110000")
    assert h.city_of("130000") is None
    assert h.within("130682", h.resolve("冀"))
    assert not h.within("371400", h.resolve("京津冀"))
    with pytest.raises(ValueError, match="火星"):
        h.resolve("北京火星")


def test_region_hierarchy_from_resource_tables():
    regions = ROOT / "kg" / "resources" / "regions.tsv"
    if not regions.is_file():
        pytest.skip("kg/resources/regions.tsv not there")
    h = RegionHierarchy.from_tsv(regions, ROOT / "kg" / "resources" / "region_groups.tsv")
    assert h.resolve("京津冀") == {"110000", "120000", "130000"}
    assert h.resolve("京津") == {"110000", "120000"}
    assert (h.province_of("130682"), h.city_of("130682")) == ("130000", "130600")
    assert h.city_of("110105") == "110000"
    assert h.city_of("371400") == "371400"


def test_region_hierarchy_without_table_uses_code_structure():
    h = RegionHierarchy()
    assert h.lineage("371402") == ["371402", "371400", "370000"]
    assert (h.city_of("371402"), h.province_of("371402")) == ("371400", "370000")


# -- hubs ---------------------------------------------------------------------------------------

HUB_TABLE = [
    # node, degree, weighted degree, pagerank, betweenness, hub score
    ("dingyang", 4, 4.0, 0.203755, 0.589286, 1.0),
    ("tsinghua", 3, 3.0, 0.148048, 0.428571, 0.75),
    ("youyan", 2, 3.0, 0.135045, 0.160714, 0.6875),
    ("sd-youyan", 2, 3.0, 0.134876, 0.089286, 0.625),
    ("tju", 2, 2.0, 0.101649, 0.196429, 0.4375),
    ("tianqu", 2, 2.0, 0.098083, 0.107143, 0.375),
    ("cau", 1, 1.0, 0.059964, 0.0, 0.0625),
    ("dingzhou", 1, 1.0, 0.059964, 0.0, 0.0625),
    ("changzhi-hz", 1, 1.0, 0.058614, 0.0, 0.0),
]


def test_hubs_exact_numbers(G):
    found = A.hubs(G, top=None)
    got = [(short([h["node"]])[0], h["degree"], h["weighted_degree"], round(h["pagerank"], 6),
            round(h["betweenness"], 6), h["hub_score"]) for h in found]
    assert got == HUB_TABLE
    assert [h["rank"] for h in found] == list(range(1, 10))
    assert "fund" not in short(h["node"] for h in found)  # only investsIn ties: not a hub tie
    assert math.isclose(sum(h["pagerank"] for h in found), 1.0)


def test_hubs_hand_checked_values(G):
    # Betweenness of 中科定洋 by hand: the hub graph is the 6-cycle 定洋-清华-有研-山东有研-天衢-天大 with
    # 农大 and 定州 hanging on 定洋 and 长治 on 清华. 9 actors, 28 pairs without 定洋: 13 pairs involve
    # 农大 or 定州 (all through 定洋), 清华-天大 and 长治-天大 (1 each), 清华-天衢, 有研-天大, 长治-天衢 (half).
    top = A.hubs(G, top=1)[0]
    assert top["betweenness"] == pytest.approx(16.5 / 28)
    # Its hub score: highest weighted degree and PageRank of the 9 ranked actors.
    assert top["hub_score"] == 1.0


@pytest.mark.parametrize(
    "by, first",
    [("degree", "dingyang"), ("pagerank", "dingyang"), ("betweenness", "dingyang"), ("weighted_degree", "dingyang")],
)
def test_hubs_by_metric(G, by, first):
    found = A.hubs(G, by=by, top=3)
    assert short([found[0]["node"]]) == [first]
    values = [h[by] for h in found]
    assert values == sorted(values, reverse=True)


def test_hubs_filters(G):
    assert short(h["node"] for h in A.hubs(G, cls="Park")) == ["tianqu", "changzhi-hz"]
    assert short(h["node"] for h in A.hubs(G, region="德州")) == ["sd-youyan", "tianqu"]
    assert short(h["node"] for h in A.hubs(G, region="京津冀", top=3)) == ["dingyang", "tsinghua", "youyan"]
    with pytest.raises(ValueError, match="by must be"):
        A.hubs(G, by="fame")


def test_hubs_by_class_and_province(G):
    by_cls = A.hubs_by(G, "cls", top=1)
    assert {k: short([v[0]["node"]])[0] for k, v in by_cls.items()} == {
        "Enterprise": "dingyang", "Park": "tianqu", "Place": "dingzhou", "University": "tsinghua",
    }
    by_province = A.hubs_by(G, "province", top=2)
    assert short(h["node"] for h in by_province["110000"]) == ["tsinghua", "youyan"]
    assert [h["rank"] for h in by_province["110000"]] == [1, 2]


def test_degree_and_weighted_degree_on_multidigraph(G):
    assert A.degree(G)[e("youyan")] == 3  # sd-youyan, tsinghua, fund
    assert A.weighted_degree(G)[e("youyan")] == 4.0  # 2 + 1 + 1


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("k, weight", [(None, None), (7, None), (None, "w"), (5, "w")])
def test_betweenness_igraph_matches_networkx(directed, k, weight):
    rng = random.Random(3)
    H = nx.gnm_random_graph(40, 90, seed=5, directed=directed)
    for u, v in H.edges():
        H.edges[u, v]["w"] = rng.choice([1, 2, 3])
    for normalized in (True, False):
        ours = A.betweenness(H, k=k, seed=11, weight=weight, normalized=normalized, backend="igraph")
        ref = nx.betweenness_centrality(H, k=k, seed=11, weight=weight, normalized=normalized)
        assert ours == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("directed", [False, True])
def test_pagerank_igraph_matches_networkx(directed):
    H = nx.gnm_random_graph(60, 200, seed=2, directed=directed)
    for i, (u, v) in enumerate(H.edges()):
        H.edges[u, v]["weight"] = 1 + i % 3
    ours = A.pagerank(H, backend="igraph")
    ref = nx.pagerank(H, tol=1e-12)
    assert ours == pytest.approx(ref, abs=1e-8)


def test_backend_name_checked(G):
    with pytest.raises(ValueError, match="backend"):
        A.pagerank(G, backend="gpu")


# -- communities --------------------------------------------------------------------------------

FIXTURE_COMMUNITIES = [["cau", "dingyang", "dingzhou", "fund"], ["changzhi-hz", "tsinghua"],
                       ["sd-youyan", "youyan"], ["tianqu", "tju"]]


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_communities_on_fixture(G, method):
    found = A.communities(G, method=method, seed=0)
    assert [sorted(short(c)) for c in found] == FIXTURE_COMMUNITIES
    assert found == A.communities(G, method=method, seed=0)  # seeded: reproducible


def test_community_summaries(G):
    found = A.louvain_communities(G, seed=0)
    summary = A.community_summaries(G, found)
    first = summary[0]
    assert (first["size"], first["internal_weight"]) == (4, 3)
    assert short(first["members"][:1]) == ["dingyang"]
    assert (first["province"], first["province_label"], first["province_share"]) == ("130000", "河北省", 0.5)
    assert (first["city"], first["city_label"]) == ("130600", "保定市")
    assert (first["cls"], first["cls_share"]) == ("Enterprise", 0.25)
    assert first["industry"] is None
    youyan = summary[2]
    assert (youyan["cls"], youyan["cls_share"], youyan["internal_weight"]) == ("Enterprise", 1.0, 2)


def test_louvain_igraph_backend_finds_planted_partition():
    P = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=7)
    truth = sorted(sorted(c) for c in P.graph["partition"])
    for backend in ("networkx", "igraph"):
        assert sorted(sorted(c) for c in A.louvain_communities(P, seed=1, backend=backend)) == truth
    assert sorted(sorted(c) for c in A.leiden_communities(P, seed=1)) == truth


def test_communities_unknown_method(G):
    with pytest.raises(ValueError, match="method"):
        A.communities(G, method="spectral")


# -- transfer paths -----------------------------------------------------------------------------


def test_transfer_paths_beijing_tianjin_to_hebei(G):
    paths = A.transfer_paths(G)  # 京津 -> 河北
    assert [short(p["nodes"]) for p in paths] == [
        ["cau", "dingyang"], ["tju", "dingyang"], ["tsinghua", "dingyang"], ["youyan", "fund", "dingyang"],
    ]
    assert [p["cost"] for p in paths] == [1.0, 1.0, 1.0, 2.0]
    assert [p["strength"] for p in paths] == pytest.approx([0.9, 0.8, 0.6, 0.3])
    hop = paths[1]["hops"][0]
    assert hop == {
        "source": e("tju"), "target": e("dingyang"), "source_label": "天津大学",
        "target_label": "中科定洋农业集团有限公司", "relation": "transfersTechnologyTo", "direction": "forward",
        "weight": 1, "confidence": 0.8, "date": "2020-06-01", "article": "a5",
        "sentence": "天津大学向中科定洋转让专利。", "start": 0, "end": 14, "n_evidence": 1,
    }
    # A path never returns into the source group (youyan -> tsinghua -> dingyang is not listed).
    for p in paths:
        assert all(G.nodes[n]["province"] not in ("110000", "120000") for n in p["nodes"][1:])


def test_transfer_paths_to_partner_city(G):
    paths = A.transfer_paths(G, source="北京", target="德州")
    assert [short(p["nodes"]) for p in paths] == [["youyan", "sd-youyan"]]
    assert paths[0]["cost"] == 0.5 and paths[0]["min_weight"] == 2
    assert A.transfer_paths(G, source="京津", target="371400", k=1)[0]["labels"] == [
        "有研科技集团有限公司", "山东有研半导体材料有限公司"]


def test_transfer_directed_ties_are_walked_forward_only(G):
    # From 定州 to 德州: only through cooperation backwards and 有研's transfer forwards;
    # 天津大学's transfer to 中科定洋 cannot be walked back to 天津大学 (and on to 德州天衢新区).
    paths = A.transfer_paths(G, source="定州", target="德州", k=5)
    assert [short(p["nodes"]) for p in paths] == [["dingyang", "tsinghua", "youyan", "sd-youyan"]]
    assert [h["direction"] for h in paths[0]["hops"]] == ["reverse", "reverse", "forward"]
    open_rules = A.transfer_paths(G, source="定州", target="德州", rules={"transfersTechnologyTo": "both"})
    assert ["dingyang", "tju", "tianqu"] in [short(p["nodes"]) for p in open_rules]


def test_transfer_costs_and_rules(G):
    by_confidence = A.transfer_paths(G, cost="neg_log_confidence", k=2)
    assert [p["cost"] for p in by_confidence] == pytest.approx([-math.log(0.9), -math.log(0.8)])
    no_coop = A.transfer_paths(G, rules={"cooperatesWith": None})
    assert [short(p["nodes"]) for p in no_coop] == [["tju", "dingyang"], ["youyan", "fund", "dingyang"]]
    assert A.transfer_paths(G, max_hops=1, k=10)[-1]["length"] == 1
    assert A.transfer_paths(G, source="山西", target="长治") == []  # no actor outside the target there
    with pytest.raises(ValueError, match="cost"):
        A.transfer_paths(G, cost="fastest")


# -- flows --------------------------------------------------------------------------------------


def test_flow_matrix_city(store, G):
    M = A.flow_matrix(store, level="city")
    assert list(M.index) == ["北京市", "天津市", "保定市", "长治市", "德州市"]
    assert M.loc["北京市", "保定市"] == 2 and M.loc["保定市", "北京市"] == 2
    assert M.loc["天津市", "保定市"] == 1 and M.loc["保定市", "天津市"] == 0
    assert M.to_numpy().sum() == 13
    assert A.flow_matrix(G, level="city").equals(M)
    N = A.flow_matrix(store, level="city", net=True)
    assert N.equals(A.net_flow(M))
    assert (N + N.T == 0).all().all()
    assert N.loc["天津市", "德州市"] == 0  # cooperation nets to zero
    # 2020: 天津大学 -> 中科定洋 (one way) and 长治高新区 <-> 清华大学 (cooperation: both ways).
    assert A.flow_matrix(store, level="city", year=2020).to_numpy().sum() == 3
    only_transfers = A.flow_matrix(store, level="province", relations=["transfersTechnologyTo"], labels=False)
    assert only_transfers.to_numpy().sum() == 2
    assert only_transfers.loc["120000", "130000"] == 1


def test_strength(store):
    S = A.strength(A.flow_matrix(store, level="city"))
    assert S.to_dict("index") == {
        "北京市": {"out": 4, "in": 3, "net": 1, "internal": 1},
        "保定市": {"out": 2, "in": 3, "net": -1, "internal": 1},
        "天津市": {"out": 2, "in": 1, "net": 1, "internal": 0},
        "德州市": {"out": 1, "in": 2, "net": -1, "internal": 1},
        "长治市": {"out": 1, "in": 1, "net": 0, "internal": 0},
    }


def test_corridor_flows(store, G):
    totals = A.corridor_flows(store)
    assert totals.to_dict("records") == [
        {"corridor": "北京→河北", "from": "北京", "to": "河北", "forward": 2, "back": 2, "net": 0},
        {"corridor": "天津→河北", "from": "天津", "to": "河北", "forward": 1, "back": 0, "net": 1},
        {"corridor": "北京→天津", "from": "北京", "to": "天津", "forward": 0, "back": 0, "net": 0},
    ]
    yearly = A.corridor_flows(G, corridors=[("京津", "德州")], by_year=True)
    assert yearly.to_dict("records") == [
        {"corridor": "京津→德州", "from": "京津", "to": "德州", "year": "2023", "forward": 1, "back": 0, "net": 1},
        {"corridor": "京津→德州", "from": "京津", "to": "德州", "year": "2024", "forward": 2, "back": 1, "net": 1},
    ]


@pytest.mark.parametrize(
    "source, target, relations",
    [("京津", "河北", None), ("北京", "德州", None), ("京津冀", "京津冀", None), ("北京", "北京", None),
     ("天津", "山东", ["cooperatesWith"]), ("北京", "河北", ["transfersTechnologyTo", "cooperatesWith"])],
)
def test_ties_between_python_equals_sparql(store, G, source, target, relations):
    assert A.ties_between(G, source, target, relations=relations) == A.ties_between_sparql(
        store, source, target, relations=relations)


def test_ties_between_values(store):
    assert A.ties_between_sparql(store, "京津", "河北") == 3
    assert A.ties_between_sparql(store, "北京", "德州") == 1
    assert A.ties_between_sparql(UnionQueryStore(store), "京津冀", "京津冀") == 5


def test_write_csv_round_trip(store, tmp_path):
    M = A.flow_matrix(store, level="province")
    written = A.write_csv({"province_flows": M, "strength": A.strength(M)}, tmp_path / "out")
    assert [p.name for p in written] == ["province_flows.csv", "strength.csv"]
    back = pd.read_csv(written[0], index_col=0, encoding="utf-8-sig")
    assert back.loc["北京市", "河北省"] == 2
    with pytest.raises(TypeError, match="not a DataFrame"):
        A.write_csv({"x": [1, 2]}, tmp_path)


def test_public_names_exported():
    for name in A.__all__:
        assert getattr(A, name) is not None
    assert {"actor_graph", "region_graph", "hubs", "louvain_communities", "leiden_communities",
            "community_summaries", "transfer_paths", "flow_matrix"} <= set(A.__all__)


def test_actor_graph_edges_equal_sparql_count(store, G):
    # The same question in SPARQL: distinct (subject, relation, object) of non-negated ties.
    rows = list(store.query("""
        PREFIX kg: <https://w3id.org/kg-innovation/ontology#>
        SELECT (COUNT(DISTINCT CONCAT(STR(?s), " ", STR(?p), " ", STR(?o))) AS ?n) WHERE {
          ?t a kg:Tie ; kg:subject ?s ; kg:predicate ?p ; kg:object ?o .
          FILTER NOT EXISTS { ?t kg:status "negated" } }""", use_default_graph_as_union=True))
    assert int(rows[0]["n"].value) == G.number_of_edges() == 11
    # and the plain triples written for non-negated ties agree too
    plain = list(store.query("""
        PREFIX kg: <https://w3id.org/kg-innovation/ontology#>
        SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o .
          FILTER(STRSTARTS(STR(?s), "https://w3id.org/kg-innovation/id/entity/")
                 && STRSTARTS(STR(?o), "https://w3id.org/kg-innovation/id/entity/")) }""",
                         use_default_graph_as_union=True))
    assert {(r["s"].value, r["p"].value.rsplit("#", 1)[1], r["o"].value) for r in plain} == {
        (u, k, v) for u, v, k in G.edges(keys=True)}


def test_hubs_and_communities_on_a_plain_networkx_graph():
    K = nx.karate_club_graph()  # untyped edges with a "weight" attribute
    top = A.hubs(K, top=3)
    assert [(h["node"], h["degree"], h["weighted_degree"]) for h in top] == [(33, 17, 48.0), (0, 16, 42.0),
                                                                          (32, 12, 38.0)]
    assert top[0]["hub_score"] == 1.0 and top[1]["hub_score"] == pytest.approx(32 / 33)
    assert top[0]["betweenness"] == pytest.approx(nx.betweenness_centrality(K)[33])
    found = A.louvain_communities(K, seed=0)
    assert sorted(n for c in found for n in c) == list(range(34))
    assert nx.community.modularity(K, found) > 0.35


@pytest.mark.parametrize("source, target", [("京津", "河北"), ("北京", "德州"), ("定州", "德州"), ("京津冀", "山东")])
def test_transfer_paths_igraph_backend_agrees(G, source, target):
    # k above the number of paths: both backends enumerate all of them, in the same (stable) order.
    ours = A.transfer_paths(G, source=source, target=target, k=20, backend="igraph")
    ref = A.transfer_paths(G, source=source, target=target, k=20, backend="networkx")
    assert ours == ref and ours
