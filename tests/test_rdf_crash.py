"""Crash safety: a writer killed with SIGKILL in the middle of replace_article calls leaves a store that
opens and holds exactly the committed articles, each complete (one transaction per article)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import KGStore
from kg.rdf.iris import graph_iri
from kg.rdf.mapping import extraction_to_quads
from kg.types import Article, Entity, EntityClass, Evidence, Extraction, Relation, Tie

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

CHILD = """
import sys
from kg.rdf import KGStore
from test_rdf_crash import make_extraction
store = KGStore(sys.argv[1])
i = 0
while True:
    store.replace_article(make_extraction(f"c{i}", 0))      # a new article
    store.replace_article(make_extraction("r", i))           # and a new version of the same article
    print(i, flush=True)
    i += 1
"""


def make_extraction(article_id: str, version: int, ties: int = 80) -> Extraction:
    """An article with many ties (so that one write takes a while); ``version`` changes every triple's content."""
    sentences = [f"企业{article_id}_{version}_{k}与高校{k}签署合作协议。" for k in range(ties)]
    text = "".join(sentences)
    article = Article(article_id, text, title=f"{article_id} v{version}", date="2024-01-01")
    entities, tie_list, offset = [], [], 0
    for k, sentence in enumerate(sentences):
        a = Entity(f"企业{article_id}_{version}_{k}", f"企业{article_id}_{version}_{k}", EntityClass.ENTERPRISE,
                   region="110102")
        b = Entity(f"高校{k}", f"高校{k}", EntityClass.UNIVERSITY)
        evidence = Evidence(article_id, sentence, offset, offset + len(sentence), None, 0.8, "test.v1", "合作")
        tie_list.append(Tie(a, Relation.COOPERATES_WITH, b, evidence))
        entities += [a, b]
        offset += len(sentence)
    return Extraction(article, tuple(entities), tuple(tie_list))


def _quads(store: KGStore, article_id: str) -> set[str]:
    return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(article_id)))}


def test_rdf_crash_sigkill_mid_write_leaves_committed_articles_only(tmp_path):
    path = tmp_path / "store"
    KGStore(path).close()  # create it (ontology and regions loaded) before the writer starts
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(ROOT)]))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    committed = -1
    deadline = time.monotonic() + 120
    try:
        while committed < 3 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            committed = int(line)
        time.sleep(0.05)  # land somewhere inside a later write
    finally:
        child.send_signal(signal.SIGKILL)
        rest, errors = child.communicate(timeout=30)
    assert committed >= 3, errors
    committed = max([committed] + [int(x) for x in rest.split()])  # lines printed before the kill

    with KGStore(path) as store:
        ids = store.article_ids()
        news = sorted(int(i[1:]) for i in ids if i.startswith("c"))
        # every acknowledged write is there; at most one more (committed but not yet acknowledged)
        assert news[: committed + 1] == list(range(committed + 1))
        assert len(news) in (committed + 1, committed + 2)
        assert "r" in ids
        for i in news:
            assert _quads(store, f"c{i}") == {str(q) for q in extraction_to_quads(make_extraction(f"c{i}", 0))}
        # "r" is exactly one whole version: the last acknowledged one or the one being written
        versions = [v for v in (committed, committed + 1)
                    if _quads(store, "r") == {str(q) for q in extraction_to_quads(make_extraction("r", v))}]
        assert len(versions) == 1, "article r is a mix of versions"
