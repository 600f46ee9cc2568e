"""Resume of an interrupted build: finished articles are skipped by their content hash, the rest is built,
and the result is the graph an uninterrupted build gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.pipeline import build
from kg.rdf import KGStore

pytestmark = pytest.mark.slow  # builds the seeds (several seconds each)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHARED = {"https://w3id.org/kg-innovation/id/graph/ontology", "https://w3id.org/kg-innovation/id/graph/regions"}


class Interrupted(Exception):
    """Raised from the progress callback to stop a build midway (as Ctrl-C would)."""


def _article_graphs(path: Path) -> dict[str, rdflib.Graph]:
    graphs: dict[str, rdflib.Graph] = {}
    with KGStore(path) as store:
        for q in store.oxigraph:
            name = getattr(q.graph_name, "value", None)
            if name in SHARED:
                continue
            graphs.setdefault(name, rdflib.Graph()).parse(data=f"{q.subject} {q.predicate} {q.object} .", format="nt")
    return graphs


def _interrupted_build(store: Path, after: int, jobs: int) -> None:
    built = []

    def on_article(article, outcome):
        built.append(article.id)
        if len(built) == after:
            raise Interrupted(article.id)

    with pytest.raises(Interrupted):
        build([SEEDS], store, jobs=jobs, validate=False, on_article=on_article)


@pytest.mark.parametrize("jobs", [1, 2])
def test_resumed_build_skips_finished_articles_and_equals_an_uninterrupted_one(seeds_store, tmp_path, jobs):
    store = tmp_path / "store"
    _interrupted_build(store, after=2, jobs=jobs)
    with KGStore(store) as kg:
        done = kg.article_ids()
    assert len(done) == 2  # the two finished articles were committed, nothing of the third
    report = build([SEEDS], store, jobs=jobs, validate=False)
    assert (report.read, report.unchanged, report.built, report.failed) == (5, 2, 3, 0), [str(p) for p in report.skipped]
    reference = _article_graphs(seeds_store)
    resumed = _article_graphs(store)
    assert sorted(resumed) == sorted(reference)
    for name in reference:
        assert isomorphic(resumed[name], reference[name]), name


def test_resume_after_every_article_is_done_does_nothing(seeds_store, tmp_path):
    import shutil

    store = tmp_path / "store"
    shutil.copytree(seeds_store, store)
    report = build([SEEDS], store, jobs=2, validate=False)
    assert (report.read, report.unchanged, report.built) == (5, 5, 0)
