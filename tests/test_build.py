"""End-to-end builds through the public pipeline and the CLI: seeds, re-runs, changes, bad input, kills."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import build
from kg.rdf import KGStore

runner = CliRunner()
SEED_IDS = {
    "000_f8f169bc42fa4364", "001_0370ff87ac4d10de", "002_e572031f1e4f3aab",
    "003_e1396a31a0e51d86", "004_4f9f2cb257c74665",
}


def test_build_seeds_writes_one_graph_per_article(seeds_store):
    with KGStore(seeds_store) as store:
        assert set(store.article_ids()) == SEED_IDS
        rows = store.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a <https://w3id.org/kg-innovation/ontology#Article> } }")
        assert rows[0]["n"] == 5


def test_build_rerun_changes_nothing(seeds_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(seeds_store, store)
    with KGStore(store) as kgstore:
        before = kgstore.stats()
    report = build([Path(__file__).parent.parent / "seeds"], store, validate=False)
    assert (report.read, report.built, report.unchanged, report.failed) == (5, 0, 5, 0)
    with KGStore(store) as kgstore:
        assert kgstore.stats() == before


def test_build_changed_article_replaces_its_triples(tmp_path, seed_files):
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / "dz.txt"
    article.write_text("2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。", encoding="utf-8")
    store = tmp_path / "store"
    assert build([folder], store, validate=False).built == 1
    article.write_text("2020年定州市与清华大学签署产学研合作协议。", encoding="utf-8")
    report = build([folder], store, validate=False)
    assert (report.built, report.unchanged) == (1, 0)
    with KGStore(store) as kgstore:
        assert kgstore.article_ids() == ["dz"]
        labels = {r["l"] for r in kgstore.select(
            "SELECT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}
    assert "有研集团" not in labels
    assert "清华大学" in labels


def test_cli_build_then_export_gephi(seeds_store, tmp_path):
    out = tmp_path / "gephi"
    result = runner.invoke(app, ["export", "--store", str(seeds_store), "--format", "gephi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out / "nodes.csv", encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    with open(out / "edges.csv", encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert nodes and edges
    assert {"Id", "Label", "class", "province", "city", "aliases"} <= set(nodes[0])
    assert {"Source", "Target", "relation", "Weight", "evidence"} <= set(edges[0])
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)


def test_cli_clean_prints_simplified_body(seed_files):
    result = runner.invoke(app, ["clean", str(seed_files[4])])
    assert result.exit_code == 0
    assert "长治高新区" in result.output
    assert "(zhǎng)" not in result.output


def test_cli_query_table_csv_json(seeds_store):
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a <https://w3id.org/kg-innovation/ontology#Article> } }"
    for fmt, expected in (("csv", "n\n5"), ("json", '[{"n":5}]')):
        result = runner.invoke(app, ["query", "--store", str(seeds_store), "--format", fmt, q])
        assert result.exit_code == 0, result.output
        assert expected in result.output
    bad = runner.invoke(app, ["query", "--store", str(seeds_store), "SELEC nothing"])
    assert bad.exit_code == 2
    assert "malformed" in bad.output


def _write_bad_inputs(folder: Path) -> dict[str, str]:
    """A directory mixing good and bad inputs; returns name -> what must happen."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text("2018年德州市与有研集团正式牵手，合作建设集成电路生产基地。", encoding="utf-8")
    (folder / "gbk.txt").write_bytes("定州市与清华大学签署产学研合作协议，推动科技成果转化。".encode("gbk"))
    (folder / "big5.txt").write_bytes("長治高新區與山西立訊精密工業有限公司合作建設生產線。".encode("big5"))
    (folder / "utf16.txt").write_bytes("青岛市科技局赴西安高新区调研学习。".encode("utf-16"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)))
    (folder / "page.html").write_text(
        "<html><head><title>测试</title><style>.x{color:red}</style><script>var a='德州市与有研集团合作';</script></head>"
        "<body><p>北京大学与定州市签署合作协议。</p></body></html>", encoding="utf-8")
    (folder / "articles.jsonl").write_text(
        '{"id": "j1", "title": "t", "date": "2022-10-19", "source": "s", "url": "http://x", "text": "天津大学与定州市企业开展合作。"}\n'
        '{"id": "j2", "text": "北京理工大学与定州\n', encoding="utf-8")
    (folder / "huge.txt").write_text("德州" * 3_000_000, encoding="utf-8")
    return {"good.txt": "built", "gbk.txt": "built", "big5.txt": "built", "utf16.txt": "built",
            "empty.txt": "problem", "image.txt": "problem", "page.html": "built", "articles.jsonl:1": "built",
            "articles.jsonl:2": "problem", "huge.txt": "problem"}


def test_build_bad_inputs_reported_and_good_ones_built(tmp_path):
    expected = _write_bad_inputs(tmp_path / "mixed")
    missing = tmp_path / "does-not-exist.txt"
    report = build([tmp_path / "mixed", missing], tmp_path / "store", validate=False)
    problems = {Path(p.path).name: p for p in report.skipped}
    for name, outcome in expected.items():
        base = name.split(":")[0]
        if outcome == "problem":
            assert base in problems, f"{name} not reported: {[str(p) for p in report.skipped]}"
            assert problems[base].reason
    assert "does-not-exist.txt" in problems
    jsonl_problem = problems["articles.jsonl"]
    assert jsonl_problem.line == 2
    built = sum(1 for v in expected.values() if v == "built")
    assert report.built == built, [str(p) for p in report.skipped]
    assert report.accounted
    with KGStore(tmp_path / "store") as store:
        labels = {r["l"] for r in store.select("SELECT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}
    assert "山西立讯精密工业有限公司" in labels or "长治高新区" in labels  # the Big5 article was decoded and converted
    assert "清华大学" in labels  # the GBK article


def test_cli_build_prints_problems_with_file_and_line(tmp_path):
    _write_bad_inputs(tmp_path / "mixed")
    result = runner.invoke(app, ["build", str(tmp_path / "mixed"), "--store", str(tmp_path / "store"), "--no-validate"])
    assert result.exit_code == 0, result.output
    assert "articles.jsonl" in result.output and "image.txt" in result.output


def test_build_killed_midway_leaves_previous_store_usable(tmp_path):
    """SIGKILL a build of many articles: the store opens and holds only whole articles; a re-run finishes."""
    folder = tmp_path / "many"
    folder.mkdir()
    seeds = Path(__file__).parent.parent / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("00[0-2]*.txt"))]
    articles = 200  # enough that the kill lands midway on a fast machine (40 were all committed within 3 s)
    for i in range(articles):
        (folder / f"a{i:03d}.txt").write_text(texts[i % len(texts)] + f"\n编号{i}", encoding="utf-8")
    store = tmp_path / "store"
    cmd = [sys.executable, "-m", "kg.cli", "build", str(folder), "--store", str(store), "--no-validate"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    # wait until some articles are committed, then kill without warning
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.5)
        if (store / "CURRENT").exists() or any(store.rglob("CURRENT")):
            time.sleep(3)
            break
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with KGStore(store) as kgstore:
        ids = kgstore.article_ids()
        for article_id in ids:  # every committed article is whole: it has its metadata and its hash
            assert kgstore.article_hash(article_id)
    assert len(ids) < articles or proc.returncode == 0
    report = build([folder], store, validate=False)
    assert report.built + report.unchanged == articles
    with KGStore(store) as kgstore:
        assert len(kgstore.article_ids()) == articles


def test_parallel_analysis_reads_a_bounded_number_of_articles_ahead():
    """A parallel build must not queue the whole corpus: memory would grow with the number of articles."""
    import kg.pipeline as pipeline
    from kg.types import Article

    pulled = 0

    def articles():
        nonlocal pulled
        for i in range(60):
            pulled += 1
            yield Article(id=f"a{i}", text=f"德州市与清华大学签署合作协议{i}。")

    jobs = 2
    stream = pipeline._analysed(articles(), jobs)
    first = next(stream)
    assert first[0].id == "a0" and first[2] is None
    assert pulled <= pipeline.IN_FLIGHT_PER_JOB * jobs, pulled
    rest = list(stream)
    assert [a.id for a, _, _ in rest] == [f"a{i}" for i in range(1, 60)]  # in order, nothing lost
    assert all(error is None and analysed is not None for _, analysed, error in rest)


def test_parallel_analysis_shares_the_articles_between_this_process_and_the_workers(monkeypatch):
    """With 2 jobs, one worker process and this one analyse (3 busy processes on 2 cores would waste CPU)."""
    import os
    import time

    import kg.pipeline as pipeline
    from kg.types import Article

    real = pipeline.analyse_article

    def analyse_and_sign(article, nlp=None):
        time.sleep(0.02)  # long enough for the worker's queue to fill
        article.meta["pid"] = os.getpid()
        return real(article, nlp)

    monkeypatch.setattr(pipeline, "analyse_article", analyse_and_sign)  # before the fork: the worker has it too
    articles = [Article(id=f"a{i}", text=f"德州市与清华大学签署合作协议{i}。") for i in range(40)]
    results = list(pipeline._analysed(iter(articles), jobs=2))
    assert [a.id for a, _, _ in results] == [a.id for a in articles]  # in input order
    assert all(error is None for _, _, error in results)
    pids = {a.meta["pid"] for a, _, _ in results}
    assert os.getpid() in pids and len(pids) == 2, pids  # this process and exactly one worker
