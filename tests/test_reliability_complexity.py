"""Work per article must grow about linearly with its mentions: a long run of names must not stall a build.

Found by the bad-input catalogue: a 100k-character "company name" made of a repeated place word
(``华夏光谷星辰智造`` × 12,500, about 9,000 mentions of 光谷 in one sentence) kept ``kg build`` busy for more than
25 minutes in the relation stage. Instead of timing (speed targets belong in bench/), these tests count the
work the stage does on a small input, which is deterministic and fast.
"""

from __future__ import annotations

import pytest

from kg.ingest import clean
from kg.nlp import extract_ties, find_mentions, load_nlp
from kg.types import Article


@pytest.fixture(scope="module")
def long_run():
    """A clean article with one sentence holding a few hundred mentions, and its mentions.

    The names come from the gazetteer, so the mention count does not depend on how the statistical
    model happens to split a long run of characters.
    """
    nlp = load_nlp()
    names = "清华大学、北京大学、天津大学、燕山大学、" * 60
    cleaned = clean(Article(id="run", text="德州市与" + names + "中国科学院签署合作协议。\n"))
    mentions = find_mentions(nlp, cleaned)
    assert len(mentions) > 150, len(mentions)
    return cleaned, mentions


def test_relation_features_scan_a_bounded_number_of_mentions_per_pair(long_run, monkeypatch):
    pairclf = pytest.importorskip("kg.nlp.relations.pairclf")
    if not hasattr(pairclf, "pair_features"):
        pytest.skip("kg.nlp.relations.pairclf.pair_features is gone: the stage changed, re-check the bound")
    cleaned, mentions = long_run
    scanned = {"calls": 0, "mentions": 0}
    real = pairclf.pair_features

    def counting(text, cand, sentence_mentions=()):
        scanned["calls"] += 1
        scanned["mentions"] += len(sentence_mentions)
        return real(text, cand, sentence_mentions)

    monkeypatch.setattr(pairclf, "pair_features", counting)
    extract_ties(cleaned, mentions)
    print(f"\nrelation stage on {len(mentions)} mentions in one sentence: {scanned['calls']} candidate pairs, "
          f"{scanned['mentions']} mentions scanned")
    # linear work: each candidate pair looks at a bounded neighbourhood, not at the whole sentence
    assert scanned["mentions"] <= 40 * len(mentions), scanned
