"""Property-based tests (hypothesis) over cleaning, offsets, NER, relations, resolution and re-builds.

Strategies: arbitrary Unicode (every category, lone surrogates included where the stage must cope),
and CJK-heavy text built from the seed sentences with noise spliced in (traditional characters,
zero-width and bidi controls, full-width forms, entities, ruby, odd line breaks). Examples are bounded
(``max_examples`` 40-80, no deadline) so the module runs in well under a minute after the pipeline loads.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import clean
from kg.nlp import extract_ties, find_mentions, load_nlp, split_sentences
from kg.pipeline import analyse_article, build
from kg.rdf import KGStore
from kg.resolve import Resolver
from kg.types import Article

ROOT = Path(__file__).resolve().parent.parent

SEED_SENTENCES = sorted({
    s.strip()
    for path in sorted((ROOT / "seeds").glob("*.txt"))
    for s in re.split(r"(?<=[。！？\n])", path.read_text(encoding="utf-8"))
    if 8 <= len(s.strip()) <= 160
})
NOISE = ["\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u2069", "\u00ad", "\x07", "\r\n", "\r", "\u2028",
         "\u3000", "\xa0", "&nbsp;", "&amp;", "&#24503;", "２０２３", "ＡＩ", "（", "）", "長(zhǎng)", "園區", "陜西",
         "😀", "🚀", "\ufffd", "<p>", "?/p>", "。。", "……", "\n\n", " ", "，", "与", "和", "、", "合作", "有限公司"]

# every Unicode category, lone surrogates included (the cleaner must remove them)
ANY_CHAR = st.characters(codec=None, categories=None)
ANY_TEXT = st.text(ANY_CHAR, max_size=200)
# valid Unicode text (what ingest hands on: surrogates are refused there)
VALID_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)


@st.composite
def cjk_text(draw) -> str:
    """Seed sentences, cut at random points, with noise spliced in."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        sentence = draw(st.sampled_from(SEED_SENTENCES))
        if draw(st.booleans()):
            a = draw(st.integers(0, len(sentence)))
            b = draw(st.integers(a, len(sentence)))
            sentence = sentence[a:b] or sentence
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(sentence)))
            sentence = sentence[:at] + draw(st.sampled_from(NOISE)) + sentence[at:]
        parts.append(sentence)
        parts.append(draw(st.sampled_from(["", "\n", "。", "，", "\r\n", " "])))
    return "".join(parts)


MIXED_TEXT = st.one_of(cjk_text(), VALID_TEXT, st.builds(lambda a, b: a + b, cjk_text(), VALID_TEXT))


@pytest.fixture(scope="module")
def nlp():
    """The spaCy pipeline, loaded once for the module."""
    return load_nlp()


def _article(text: str) -> Article:
    return Article(id="fuzz", text=text, path="fuzz.txt")


def _check_clean(article: Article):
    cleaned = clean(article)
    n = len(article.text)
    assert len(cleaned.offsets) == len(cleaned.text) + 1
    assert all(0 <= o <= n for o in cleaned.offsets)
    assert all(0 <= o < n for o in cleaned.offsets[:-1])
    assert list(cleaned.offsets[:-1]) == sorted(cleaned.offsets[:-1]), "offset map not monotone"
    assert not re.search("[\ud800-\udfff\u200b\u202e\ufeff\ufffd]", cleaned.text)
    return cleaned


@settings(max_examples=80, deadline=None)
@given(ANY_TEXT)
def test_clean_never_raises_and_offsets_are_valid_on_any_unicode(text):
    _check_clean(_article(text))


@settings(max_examples=80, deadline=None)
@given(cjk_text())
def test_clean_offsets_map_every_character_back_on_cjk_text(text):
    article = _article(text)
    cleaned = _check_clean(article)
    for start, end in split_sentences(cleaned.text):
        o_start, o_end = cleaned.to_original(start, end)
        assert 0 <= o_start <= o_end <= len(text)
    # a Han character that survives cleaning comes from a Han character (maybe traditional) of the original,
    # or from an HTML entity (&#24503; -> 德 maps to its "&", as kg.ingest.clean documents)
    for i, ch in enumerate(cleaned.text):
        if "\u4e00" <= ch <= "\u9fff":
            source = text[cleaned.offsets[i]]
            from_entity = source == "&" and re.match(r"&(#\d+|#[xX][0-9a-fA-F]+|\w+);", text[cleaned.offsets[i]:])
            assert "\u3400" <= source <= "\u9fff" or "\uf900" <= source <= "\ufaff" or from_entity, (ch, source)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MIXED_TEXT)
def test_mentions_have_valid_clean_and_original_offsets(nlp, text):
    article = _article(text)
    cleaned = clean(article)
    for m in find_mentions(nlp, cleaned):
        assert 0 <= m.start < m.end <= len(cleaned.text)
        assert m.text == cleaned.text[m.start:m.end]
        assert 0 <= m.orig_start < m.orig_end <= len(text), m
        assert (m.orig_start, m.orig_end) == cleaned.to_original(m.start, m.end)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MIXED_TEXT)
def test_ties_join_known_mentions_inside_their_sentence(nlp, text):
    cleaned = clean(_article(text))
    mentions = find_mentions(nlp, cleaned)
    for tie in extract_ties(cleaned, mentions):
        assert 0 <= tie.sentence_start < tie.sentence_end <= len(cleaned.text)
        for m in (tie.subject, tie.object):
            assert cleaned.text[m.start:m.end] == m.text
            assert 0 <= m.orig_start < m.orig_end <= len(text)
        assert 0.0 <= tie.confidence <= 1.0
        assert tie.date is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", tie.date), tie.date


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MIXED_TEXT, date=st.one_of(st.none(), st.sampled_from(["2023-07-18", "2018-01-01"])))
def test_analyse_and_resolve_give_evidence_that_is_the_original_text(nlp, text, date):
    article = Article(id="fuzz", text=text, date=date, path="fuzz.txt")
    extraction = Resolver().resolve(*analyse_article(article, nlp))
    keys = {e.key for e in extraction.entities}
    for tie in extraction.ties:
        ev = tie.evidence
        assert 0 <= ev.start < ev.end <= len(text)
        assert ev.sentence == text[ev.start:ev.end]
        assert ev.article_id == "fuzz"
        assert tie.subject.key in keys and tie.object.key in keys
        assert tie.subject.key != tie.object.key
        assert ev.date is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", ev.date), ev.date
    for m in extraction.mentions:
        assert 0 <= m.orig_start < m.orig_end <= len(text)


def _corpus(folder: Path, count: int, seed: int) -> None:
    """``count`` articles of seed sentences and noise, reproducibly."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(count):
        sentences = rng.sample(SEED_SENTENCES, 6)
        text = "".join(s + rng.choice(["", "\n", "\r\n"]) + (rng.choice(NOISE) if rng.random() < 0.3 else "")
                       for s in sentences)
        (folder / f"r{i:02d}.txt").write_text(text, encoding="utf-8")


def test_rebuild_is_idempotent_and_deterministic(tmp_path):
    """Build twice into one store: the second run changes nothing; a fresh build holds exactly the same quads."""
    folder = tmp_path / "in"
    _corpus(folder, 10, seed=7)
    first = tmp_path / "one"
    report = build([folder], first, validate=False)
    assert report.built == 10, [str(p) for p in report.skipped]
    with KGStore(first) as store:
        stats = store.stats()
        quads = {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None)}
    again = build([folder], first, validate=False)
    assert (again.built, again.unchanged, again.failed) == (0, 10, 0)
    with KGStore(first) as store:
        assert store.stats() == stats
        assert {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None)} == quads
    second = tmp_path / "two"
    build([folder], second, validate=False)
    with KGStore(second) as store:
        assert store.stats() == stats
        assert {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None)} == quads
    shutil.rmtree(second)
