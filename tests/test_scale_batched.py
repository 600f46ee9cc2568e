"""kg.scale.build_batched: same graph as kg.pipeline.build, batched transactions, bounded window, failures isolated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.rdf import KGStore
from kg.scale import BatchWriter, build_batched

pytestmark = pytest.mark.slow  # builds the seeds (several seconds each)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHARED = {"https://w3id.org/kg-innovation/id/graph/ontology", "https://w3id.org/kg-innovation/id/graph/regions"}


def _article_graphs(path: Path) -> dict[str, rdflib.Graph]:
    graphs: dict[str, rdflib.Graph] = {}
    with KGStore(path) as store:
        for q in store.oxigraph:
            name = getattr(q.graph_name, "value", None)
            if name not in SHARED:
                graphs.setdefault(name, rdflib.Graph()).parse(data=f"{q.subject} {q.predicate} {q.object} .", format="nt")
    return graphs


@pytest.fixture(scope="module")
def batched_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("batched") / "store"
    outcomes = []
    report = build_batched([SEEDS], path, jobs=2, batch=2, window=3, validate=False,
                           on_article=lambda a, o: outcomes.append((a.id, o)))
    return path, report, outcomes


def test_build_batched_equals_pipeline_build(seeds_store, batched_store):
    path, report, outcomes = batched_store
    assert (report.read, report.built, report.failed) == (5, 5, 0) and report.accounted
    assert sorted(o for _, o in outcomes) == ["built"] * 5
    reference, batched = _article_graphs(seeds_store), _article_graphs(path)
    assert sorted(batched) == sorted(reference)
    for name in reference:
        assert isomorphic(batched[name], reference[name]), name


def test_build_batched_rerun_and_changed_article(batched_store, tmp_path):
    path, _, _ = batched_store
    store = tmp_path / "store"
    shutil.copytree(path, store)
    report = build_batched([SEEDS], store, jobs=1, validate=False)
    assert (report.read, report.unchanged, report.built) == (5, 5, 0)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dz.txt").write_text("2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。", encoding="utf-8")
    assert build_batched([folder], store, validate=False).built == 1
    (folder / "dz.txt").write_text("2020年定州市与清华大学签署产学研合作协议。", encoding="utf-8")
    report = build_batched([folder], store, validate=False)  # the changed article goes through the update path
    assert (report.built, report.unchanged) == (1, 0)
    with KGStore(store) as kg:
        text = " ".join(str(q.object) for q in kg.oxigraph.quads_for_pattern(
            None, None, None, ox.NamedNode("https://w3id.org/kg-innovation/id/graph/dz")))
    assert "清华大学" in text and "有研集团" not in text


class _FailingStore:
    """A store that refuses any transaction holding the article ``bad`` (to test failure isolation)."""

    def __init__(self, real: KGStore, bad: str):
        self.real, self.bad = real, bad

    def replace_article_quads(self, quads_by_article):
        if self.bad in quads_by_article:
            raise OSError("disk says no")
        self.real.replace_article_quads(quads_by_article)


def test_batch_writer_isolates_a_failing_article(seeds_store, tmp_path):
    from kg.types import Article, Extraction

    extractions = [Extraction(article=Article(id=f"a{i}", text=f"第{i}篇"), entities=(), ties=()) for i in range(5)]
    written, failed = [], []
    with KGStore(tmp_path / "s") as real:
        writer = BatchWriter(_FailingStore(real, "a3"), batch=4, on_written=lambda e: written.append(e.article.id),
                             on_failed=lambda e, err: failed.append((e.article.id, err)))
        with writer:
            for e in extractions:
                writer.add(e)
        assert sorted(real.article_ids()) == ["a0", "a1", "a2", "a4"]
    assert written == ["a0", "a1", "a2", "a4"]
    assert failed == [("a3", "OSError: disk says no")]


def test_batch_writer_commits_one_transaction_per_batch(tmp_path):
    from kg.types import Article, Extraction

    with KGStore(tmp_path / "s") as store:
        with BatchWriter(store, batch=4) as writer:
            for i in range(10):
                writer.add(Extraction(article=Article(id=f"a{i}", text=f"第{i}篇"), entities=(), ties=()))
        assert writer.transactions == 3  # 4 + 4 + 2
        assert len(store.article_ids()) == 10
    with pytest.raises(ValueError):
        BatchWriter(None, batch=0)
