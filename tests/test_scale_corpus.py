"""The scale-benchmark corpus generator: shape, determinism, sharding, seeds-only mode."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import generate_articles, load_pools, write_corpus

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"id", "title", "date", "source", "url", "text"}


def _digest(paths):
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def _records(paths):
    return [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines()]


def test_corpus_shape_seeds_only(tmp_path):
    shards = write_corpus(tmp_path / "c", 25, shard_size=10, seed=3)
    assert [p.name for p in shards] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    records = _records(shards)
    assert len(records) == 25
    assert all(set(r) == FIELDS for r in records)
    assert len({r["id"] for r in records}) == 25
    seeds_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt"))
    for r in records:
        assert r["text"] and r["title"]
        assert r["date"][:2] == "20" and len(r["date"]) == 10
    # built from real seed sentences: unless converted to traditional script (about 10%),
    # an article's first 15 chars occur in the seeds
    plain = [r for r in records if r["text"][:15] in seeds_text]
    assert len(plain) >= 15  # about 90% are left in their original script


def test_corpus_is_deterministic_and_independent_of_sharding(tmp_path):
    a = write_corpus(tmp_path / "a", 30, shard_size=7, seed=11)
    b = write_corpus(tmp_path / "b", 30, shard_size=7, seed=11)
    assert _digest(a) == _digest(b)
    c = write_corpus(tmp_path / "c", 30, shard_size=30, seed=11)
    assert _records(a) == _records(c)  # sharding does not change the articles
    d = write_corpus(tmp_path / "d", 30, shard_size=7, seed=12)
    assert _records(a) != _records(d)  # the seed does
    pools = load_pools()
    prefix = list(generate_articles(pools, 10, seed=11))
    assert prefix == _records(a)[:10]  # a small corpus is the prefix of a bigger one
    assert list(generate_articles(pools, 5, seed=11, start=10)) == _records(a)[10:15]


def test_corpus_length_tracks_mean_chars(tmp_path):
    pools = load_pools()
    short = [len(r["text"]) for r in generate_articles(pools, 60, mean_chars=300, traditional=0)]
    long = [len(r["text"]) for r in generate_articles(pools, 60, mean_chars=3000, traditional=0)]
    assert 150 < sum(short) / 60 < 600
    assert 2000 < sum(long) / 60 < 4500


def test_corpus_rejects_bad_parameters(tmp_path):
    with pytest.raises(ValueError, match="shard_size"):
        write_corpus(tmp_path, 5, shard_size=0)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        load_pools(tmp_path / "missing")


def test_corpus_reads_finre_and_cluener_fixture(tmp_path):
    data = tmp_path / "data"
    (data / "finre").mkdir(parents=True)
    (data / "cluener2020").mkdir()
    (data / "finre" / "train.txt").write_text(
        "甲公司\t乙公司\t合作\t甲公司与乙公司签署战略合作协议共同开发新能源电池\n\nbroken line\n", encoding="utf-8")
    (data / "cluener2020" / "train.json").write_text(
        json.dumps({"text": "浙商银行企业信贷部叶老桂博士则从另一个角度进行了解读", "label": {}}, ensure_ascii=False)
        + "\n{not json\n", encoding="utf-8")
    pools = load_pools(data)
    assert pools.pools["finre"] == ("甲公司与乙公司签署战略合作协议共同开发新能源电池",)
    assert pools.pools["cluener"] == ("浙商银行企业信贷部叶老桂博士则从另一个角度进行了解读",)
    assert abs(sum(pools.weights.values()) - 1) < 1e-9
    texts = "".join(r["text"] for r in generate_articles(pools, 40, traditional=0))
    assert "签署战略合作协议" in texts and "叶老桂" in texts


def test_corpus_command_line(tmp_path):
    out = tmp_path / "cli"
    done = subprocess.run([sys.executable, "-m", "bench.corpus", "--n", "12", "--out", str(out), "--shard-size", "5"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(_records(sorted(out.glob("part-*.jsonl")))) == 12
    bad = subprocess.run([sys.executable, "-m", "bench.corpus", "--n", "3", "--out", str(out), "--data", str(tmp_path / "nope")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "not a directory" in bad.stderr
