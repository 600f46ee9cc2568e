"""The Dask path (kg.distributed) gives the same graph as the local build, resumes, and loads into the store."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pyproject: add it to the test extras)")

from kg.distributed import extract_shards, input_shards, load_shards  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.rdf import KGStore  # noqa: E402

pytestmark = pytest.mark.slow  # builds the seeds (several seconds each)

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"https://w3id.org/kg-innovation/id/graph/ontology", "https://w3id.org/kg-innovation/id/graph/regions"}


def _seed_shards(folder: Path) -> list[Path]:
    """The five seeds as three JSONL shards (2 + 2 + 1 articles), plus one bad line and one duplicate id."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    records = [{"id": p.stem, "title": p.stem, "date": "2023-07-18", "source": "seeds",
                "text": p.read_text(encoding="utf-8")} for p in seeds]
    shards = []
    for i, chunk in enumerate((records[0:2], records[2:4], records[4:5])):
        path = folder / f"part-{i:05d}.jsonl"
        lines = [json.dumps(r, ensure_ascii=False) for r in chunk]
        if i == 1:
            lines.append('{"id": "broken", "text": "unterminated')
        if i == 2:
            lines.append(json.dumps(records[0], ensure_ascii=False))  # an id already built: reported, skipped
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        shards.append(path)
    return shards


def _graphs(quads) -> dict[str, rdflib.Graph]:
    """Article graphs (shared graphs left out) as rdflib Graphs keyed by graph IRI."""
    graphs: dict[str, rdflib.Graph] = {}
    for q in quads:
        name = getattr(q.graph_name, "value", None)
        if name in SHARED:
            continue
        text = f"{q.subject} {q.predicate} {q.object} ."
        graphs.setdefault(name, rdflib.Graph()).parse(data=text, format="nt")
    return graphs


def _store_graphs(path: Path) -> dict[str, rdflib.Graph]:
    with KGStore(path) as store:
        return _graphs(list(store.oxigraph))


def _assert_same_dataset(a: dict[str, rdflib.Graph], b: dict[str, rdflib.Graph]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        if not isomorphic(a[name], b[name]):
            only_a = sorted(str(t) for t in set(a[name]) - set(b[name]))[:5]
            only_b = sorted(str(t) for t in set(b[name]) - set(a[name]))[:5]
            raise AssertionError(f"graph {name} differs: only in the first {only_a}, only in the second {only_b}")


@pytest.fixture(scope="module")
def client():
    """One 2-process LocalCluster for the module (workers keep their NLP pipeline between tests)."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40)
    with Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def local_and_dask(tmp_path_factory, client):
    """Build the seed shards locally, and extract them on a 2-worker LocalCluster and load them."""
    tmp = tmp_path_factory.mktemp("dist")
    shards = _seed_shards(tmp / "in")
    local = build(shards, tmp / "local", validate=False)
    dask = extract_shards(shards, tmp / "nq", client)
    loaded = load_shards(dask.outputs, tmp / "dask")
    return tmp, shards, local, dask, loaded


def test_dask_path_is_isomorphic_to_local_build(local_and_dask):
    tmp, shards, local, dask, loaded = local_and_dask
    assert (local.read, local.built, local.failed) == (6, 5, 1), [str(p) for p in local.skipped]
    assert (dask.read, dask.built, dask.failed) == (6, 5, 1), [str(p) for p in dask.skipped]
    assert dask.accounted
    assert [p.name for p in dask.outputs] == ["part-00000.nq", "part-00001.nq", "part-00002.nq"]
    assert loaded.quads == dask.quads > 0 and not loaded.skipped
    local_graphs = _store_graphs(tmp / "local")
    assert len([g for g in local_graphs if "/graph/0" in g]) == 5  # the article graphs (+ the summary graph)
    _assert_same_dataset(local_graphs, _store_graphs(tmp / "dask"))
    assert dask.entities_by_class == local.entities_by_class
    assert dask.ties_by_relation == local.ties_by_relation


def test_dask_path_reports_bad_lines_like_the_local_build(local_and_dask):
    _, _, local, dask, _ = local_and_dask
    where = lambda report: sorted((Path(p.path).name, p.line) for p in report.skipped)  # noqa: E731
    assert where(dask) == where(local) == [("part-00001.jsonl", 3), ("part-00002.jsonl", 2)]
    assert "duplicate id" in dask.skipped[-1].reason


def test_dask_shards_are_one_graph_per_article_and_valid_nquads(local_and_dask):
    _, _, _, dask, _ = local_and_dask
    graphs = set()
    for path in dask.outputs:
        graphs |= {getattr(q.graph_name, "value", None) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}
    assert len(graphs) == 5 and all(g.startswith("https://w3id.org/kg-innovation/id/graph/") for g in graphs)


def test_dask_resume_skips_finished_shards_and_gives_the_same_graph(local_and_dask, client, tmp_path):
    tmp, shards, _, first, _ = local_and_dask
    out = tmp_path / "nq"
    out.mkdir()
    # an interrupted run: the first two shards finished, the third not (its output is missing)
    for path in first.outputs[:2]:
        (out / path.name).write_bytes(path.read_bytes())
        done = path.with_name(path.name + ".done.json")
        (out / done.name).write_bytes(done.read_bytes())
    (out / "part-00002.nq.partial").write_text("<http://half> <http://written> ", encoding="utf-8")
    again = extract_shards(shards, out, client)
    # the third shard: one new article, and the copy of an article of a finished shard (its id is remembered)
    assert (again.resumed_shards, again.read, again.built, again.failed) == (2, 2, 1, 1)
    assert not (out / "part-00002.nq.partial").exists()
    load_shards(again.outputs, tmp_path / "store")
    _assert_same_dataset(_store_graphs(tmp / "dask"), _store_graphs(tmp_path / "store"))


def test_dask_rerun_redoes_a_changed_input_shard(client, tmp_path):
    def write(path, article_id, text):
        path.write_text(json.dumps({"id": article_id, "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")

    inputs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    write(inputs[0], "dz", "2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。")
    write(inputs[1], "old", "长治高新区与山西立讯精密工业有限公司合作建设生产线。")
    out = tmp_path / "nq"
    first = extract_shards(inputs, out, client)
    assert (first.built, first.resumed_shards) == (2, 0)
    write(inputs[1], "new", "2020年定州市与清华大学签署产学研合作协议。")
    again = extract_shards(inputs, out, client)
    assert (again.resumed_shards, again.read, again.built) == (1, 1, 1)
    graphs = {getattr(q.graph_name, "value", None) for q in ox.parse(path=str(out / "b.nq"))}
    assert graphs == {"https://w3id.org/kg-innovation/id/graph/new"}


def test_a_mapping_error_fails_its_article_only_and_says_so(client, tmp_path, monkeypatch):
    import kg.rdf.mapping as mapping

    real = mapping.extraction_to_quads

    def failing(extraction):
        if extraction.article.id == "bad":
            raise ValueError("an unmappable literal")
        return real(extraction)

    monkeypatch.setattr(mapping, "extraction_to_quads", failing)
    shard = tmp_path / "two.jsonl"
    shard.write_text("".join(json.dumps({"id": i, "text": "2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。"},
                                        ensure_ascii=False) + "\n" for i in ("good", "bad")), encoding="utf-8")
    report = extract_shards([shard], tmp_path / "nq", client)
    assert (report.read, report.built) == (2, 1)
    assert (report.failed, [p.reason for p in report.skipped]) == (1, ["RDF mapping failed: ValueError: an unmappable literal"])
    graphs = {getattr(q.graph_name, "value", None) for q in ox.parse(path=str(tmp_path / "nq" / "two.nq"))}
    assert graphs == {"https://w3id.org/kg-innovation/id/graph/good"}


def test_load_shards_twice_changes_nothing(local_and_dask, tmp_path):
    _, _, _, dask, _ = local_and_dask
    store = tmp_path / "store"
    load_shards(dask.outputs, store)
    with KGStore(store) as kg:
        before = len(kg.oxigraph)
    report = load_shards(dask.outputs, store)
    assert report.graphs_replaced == 5
    with KGStore(store) as kg:
        assert len(kg.oxigraph) == before


def test_missing_inputs_are_problems(tmp_path):
    files, problems = input_shards([tmp_path / "nope.jsonl", str(tmp_path / "*.jsonl")])
    assert files == []
    assert [p.reason for p in problems] == ["no such file or directory", "no file matches this pattern"]


def test_extract_shards_starts_and_stops_its_own_local_cluster(tmp_path):
    shard = tmp_path / "one.jsonl"
    shard.write_text(json.dumps({"id": "dz", "text": "2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。"},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    report = extract_shards([shard], tmp_path / "nq", n_workers=1)
    assert (report.read, report.built) == (1, 1)
    assert "有研集团" in (tmp_path / "nq" / "one.nq").read_text(encoding="utf-8")
