"""Statistical pair classifier for the relation stage, and the extractor combining it with the rules.

The rule extractor (:class:`kg.nlp.relations.extractor.RelationExtractor`, ``kg.relations.trigger.v1``) reads ties
from trigger words and frames. It is precise but misses ties the frames do not cover (``A公司已持有B
公司股份``, ``A向B注资`` in unusual wording...). :class:`PairClassifier` (``kg.relations.pairclf.v1``) is a
multinomial logistic regression, trained on FinRE (``scripts/train_relations.py``), that reads one *pair*
of organisation mentions in one sentence and says which of our relations the sentence states between
them, with direction, or none:

``none``, ``cooperatesWith``, ``investsIn>``/``investsIn<`` and ``subOrganizationOf>``/``subOrganizationOf<``
(``>``: from the mention that comes first in the text to the second one; ``<``: the other way).

Features (:func:`pair_features`): character 1-3-grams of a window around the pair with the two names
replaced by markers (Ⓐ first, Ⓑ second; every occurrence of the same names too; digits as 0),
1-2-grams of the text between the two names, of the few characters before the first and after the
second, the size of the gap between them, and the decision of the rules on that pair (``rule=investsIn>``).
Weights are sublinear TF-IDF, L2-normalised.

The artefact in ``kg/resources/relation_model/`` is plain data, never a pickle: ``model.json`` (labels,
feature vocabulary, IDF, decision thresholds, training record) and ``coef.npz`` (coefficients and
intercepts). It is read when a :class:`PairClassifier` is built, never at import, and needs no
network and no scikit-learn.

How the two combine (:class:`CombinedRelationExtractor`)
--------------------------------------------------------
Every rule tie is kept (rules decide when a frame fires), except that a rule ``cooperatesWith`` or
``investsIn`` tie between two organisations is dropped when the classifier gives ``none`` a probability
of at least ``veto`` (tuned on FinRE valid; the shipped model never vetoes: vetoing did not help there).
For a pair of organisation mentions the rules leave without a tie (and at most ``max_gap`` characters
apart), the classifier's best label becomes a tie when its probability reaches that relation's
threshold (tuned on FinRE valid); its confidence is that probability and its extractor
``kg.relations.pairclf.v1``. Only enterprises are paired: FinRE, the training data, is about
companies (on the seeds, pairs of universities and institutes read as cooperating were wrong). The
classifier adds nothing where the rules read a negated tie, where the sentence says the two are
unrelated (``no_relation`` in ``modifiers.tsv``: 无关) or where the two are items of one list
(``A、B、C``); no cooperation where a takeover word stands around the pair (``not_cooperation``:
收购协议), and no cooperation or investment between nested names (京津冀创新中心 / 京津冀创新中心德州分中心).
"""

from __future__ import annotations

from bisect import bisect_left

import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.nlp.relations.context import outermost, same_actor, tie_status
from kg.nlp.relations.dates import date_for, sentence_dates
from kg.nlp.relations.extractor import RelationExtractor
from kg.nlp.relations.resources import RelationResources
from kg.nlp.sentences import split_clauses, split_sentences
from kg.types import CleanArticle, EntityClass, Mention, MentionTie, Relation, TieStatus

__all__ = [
    "PAIRCLF",
    "LABELS",
    "MODEL_DIR",
    "PairCandidate",
    "PairClassifier",
    "CombinedRelationExtractor",
    "pair_features",
    "pair_candidates",
    "combine",
    "words_near",
    "pair_context",
    "rule_label",
    "label_relation",
]

PAIRCLF = "kg.relations.pairclf.v1"
MODEL_DIR = Path(__file__).resolve().parents[2] / "resources" / "relation_model"
LABELS = ("none", "cooperatesWith", "investsIn>", "investsIn<", "subOrganizationOf>", "subOrganizationOf<")
MARK_A, MARK_B = "Ⓐ", "Ⓑ"
WINDOW = 40  # characters of context kept before the first and after the second name
SIDE = 6  # characters before the first / after the second name read as their own features
MAX_MENTION_CHARS = 64  # a mention starting this far before the window cannot reach into it (longer names are junk)
_DIGITS = re.compile(r"\d")
# FinRE, the training data, pairs companies: universities, institutes, agencies and places are left to the rules
PAIR_CLASSES = frozenset({EntityClass.ENTERPRISE})


@dataclass(frozen=True)
class PairCandidate:
    """One ordered pair of mentions in one sentence: ``first`` comes before ``second`` in the text.

    ``rule`` is the rules' decision on the pair (a label of :data:`LABELS` style such as
    ``investsIn>``, any other relation as ``suppliesTo>``…, or ``none``); ``rule_negated`` says a
    negated rule tie exists between them.
    """

    sentence_start: int
    sentence_end: int
    first: Mention
    second: Mention
    rule: str = "none"
    rule_negated: bool = False


def label_relation(label: str) -> tuple[Relation | None, bool]:
    """``(relation, reversed)`` of a label: ``investsIn<`` -> ``(INVESTS_IN, True)``; ``none`` -> ``(None, False)``."""
    if label == "none":
        return None, False
    return Relation(label.rstrip("<>")), label.endswith("<")


def rule_label(tie: MentionTie, first: Mention) -> str:
    """The label of a rule tie seen from a pair whose first mention is ``first``."""
    if tie.relation.symmetric:
        return tie.relation.value
    forward = (tie.subject.start, tie.subject.end) == (first.start, first.end)
    return tie.relation.value + (">" if forward else "<")


def _marked(text: str, start: int, end: int, spans: Sequence[tuple[int, int, str]]) -> str:
    """``text[start:end]`` with each span replaced by its marker and digits by 0."""
    out, pos = [], start
    for a, b, mark in sorted(spans):
        if b <= start or a >= end or a < pos:
            continue
        out.append(text[pos:a])
        out.append(mark)
        pos = b
    out.append(text[pos:end])
    return _DIGITS.sub("0", "".join(out))


def _grams(s: str, lo: int, hi: int, prefix: str, into: Counter) -> None:
    for n in range(lo, hi + 1):
        for i in range(len(s) - n + 1):
            into[prefix + s[i:i + n]] += 1


def _gap_bucket(gap: int) -> str:
    for limit in (0, 1, 3, 7, 15, 31, 63):
        if gap <= limit:
            return str(limit)
    return "64+"


def pair_features(text: str, cand: PairCandidate, mentions: Sequence[Mention] = ()) -> Counter:
    """The raw feature counts of one candidate pair (see the module docstring).

    Parameters
    ----------
    text : str
        The clean article text (offsets of ``cand`` and ``mentions`` index it).
    cand : PairCandidate
        The pair.
    mentions : sequence of Mention
        The sentence's mentions: further occurrences of the two names are marked as well.

    Returns
    -------
    collections.Counter
        ``{feature name: count}``.
    """
    a, b = cand.first, cand.second
    s, e = cand.sentence_start, cand.sentence_end
    spans = {(a.start, a.end, MARK_A), (b.start, b.end, MARK_B)}
    for m in mentions:
        if m.text == a.text and (m.start, m.end) != (b.start, b.end):
            spans.add((m.start, m.end, MARK_A))
        elif m.text == b.text and (m.start, m.end) != (a.start, a.end):
            spans.add((m.start, m.end, MARK_B))
    # overlapping spans (one name inside the other's occurrence) keep the first, longest
    clean_spans: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if not clean_spans or span[0] >= clean_spans[-1][1]:
            clean_spans.append(span)
    feats: Counter = Counter()
    ws, we = max(s, a.start - WINDOW), min(e, b.end + WINDOW)
    window = _marked(text, ws, we, clean_spans)
    _grams("^" + window + "$" if (ws == s and we == e) else window, 1, 3, "w:", feats)
    between = _marked(text, a.end, b.start, clean_spans) if b.start >= a.end else ""
    _grams(MARK_A + between + MARK_B, 1, 2, "b:", feats)
    left = _marked(text, max(s, a.start - SIDE), a.start, clean_spans)
    right = _marked(text, b.end, min(e, b.end + SIDE), clean_spans)
    _grams(left, 1, 2, "l:", feats)
    _grams(right, 1, 2, "r:", feats)
    feats["gap:" + _gap_bucket(max(0, b.start - a.end))] += 1
    feats["rule=" + cand.rule] += 1
    if cand.rule_negated:
        feats["rule:negated"] += 1
    return feats


def combine(cand: PairCandidate, probs: dict[str, float], *, thresholds: dict[str, float], veto: float, max_gap: int,
            context: frozenset[str] | set[str] = frozenset()) -> str:
    """The combined decision on one pair: a label of :data:`LABELS` (or the rules' own label).

    Parameters
    ----------
    cand : PairCandidate
        The pair, with the rules' decision.
    probs : dict
        The classifier's ``{label: probability}``.
    thresholds : dict
        ``{relation value: minimum probability}`` for a tie the classifier adds.
    veto : float
        ``P(none)`` from which a rule cooperatesWith/investsIn tie is dropped (above 1: never).
    max_gap : int
        Pairs further apart than this many characters get no classifier tie.
    context : set of str
        What :func:`pair_context` found around the pair: ``no_relation`` (无关: no classifier tie),
        ``listed`` (only 、 and other names between them: items of one list, no classifier tie),
        ``no_cue`` (no relation cue between them, nor a partner word with a cue right after: no classifier tie),
        ``nested`` (one name inside the other: no classifier cooperation or investment),
        ``not_cooperation`` (收购协议: no classifier cooperation, as the rules do).

    Returns
    -------
    str
        ``"none"``, the rules' label, or the classifier's label.
    """
    if cand.rule != "none":
        if cand.rule.startswith((Relation.COOPERATES_WITH.value, Relation.INVESTS_IN.value)) and probs["none"] >= veto:
            return "none"
        return cand.rule
    if cand.rule_negated or cand.second.start - cand.first.end > max_gap or context & {"no_relation", "listed", "no_cue"}:
        return "none"  # a denied tie is the rules' to read; no cue or a list: no evidence of a tie
    label = max(probs, key=probs.get)
    rel, _ = label_relation(label)
    if rel is None or probs[label] < thresholds.get(rel.value, 1.01):
        return "none"
    if rel is Relation.COOPERATES_WITH and "not_cooperation" in context:
        return "none"
    if rel in (Relation.COOPERATES_WITH, Relation.INVESTS_IN) and "nested" in context:
        return "none"  # 京津冀创新中心 / 京津冀创新中心德州分中心: one is a part or a name of the other
    return label


def pair_context(text: str, cand: PairCandidate, mentions: Sequence[Mention], res: RelationResources) -> frozenset[str]:
    """Flags of the text around a pair that restrict what the classifier may add (see :func:`combine`)."""
    a, b = cand.first, cand.second
    flags = set()
    if words_near(text, cand, res.words("no_relation")):
        flags.add("no_relation")
    if words_near(text, cand, res.words("not_cooperation")):
        flags.add("not_cooperation")
    if a.text in b.text or b.text in a.text:
        flags.add("nested")
    between = list(text[a.end:b.start])
    for m in mentions:
        for i in range(max(m.start, a.end), min(m.end, b.start)):
            between[i - a.end] = ""
    if set("".join(between)) <= set("、等"):
        flags.add("listed")
    if not _cue_between(text, cand, "".join(between), res):
        flags.add("no_cue")
    return frozenset(flags)


def _cue_between(text: str, cand: PairCandidate, between: str, res: RelationResources) -> bool:
    """A relation cue stands between the two names (A收购B, A持有B), or a partner word does and a cue follows
    the second name closely (A与B签约): two names merely in one sentence are no evidence of a tie."""
    def cue(span: str) -> bool:
        return bool(res.trigger_regex and res.trigger_regex.search(span)) or any(w in span for w in res.words("pair_cue"))

    if cue(between):
        return True
    after = text[cand.second.end:min(cand.sentence_end, cand.second.end + 8)]
    return any(w in between for w in res.words("partner")) and cue(after)


def words_near(text: str, cand: PairCandidate, words: frozenset[str] | set[str]) -> bool:
    """True when one of ``words`` (收购, 并购…; 无关…) stands from the first name to 12 characters after the second."""
    window = text[cand.first.start:min(cand.sentence_end, cand.second.end + 12)]
    return any(w in window for w in words)


def pair_candidates(clean: CleanArticle, mentions: Sequence[Mention], rule_ties: Sequence[MentionTie],
                    *, max_gap: int | None = None) -> list[PairCandidate]:
    """Ordered pairs of enterprise mentions sharing a sentence, with the rules' decision on each.

    Parameters
    ----------
    clean : CleanArticle
    mentions : sequence of Mention
        Clean offsets; nested mentions are reduced to the longest.
    rule_ties : sequence of MentionTie
        What the rules found in ``clean`` (their best non-negated tie per pair is the ``rule`` field).
    max_gap : int, optional
        Pairs whose names are further apart (characters between them) are left out, unless the rules
        tied them; bounds the pairs per sentence so a long run of names stays linear.

    Returns
    -------
    list of PairCandidate
    """
    text = clean.text
    kept = outermost(m for m in mentions if 0 <= m.start < m.end <= len(text))
    by_pair: dict[tuple[int, int], list[MentionTie]] = {}
    for tie in rule_ties:
        key = tuple(sorted((tie.subject.start, tie.object.start)))
        by_pair.setdefault(key, []).append(tie)
    furthest_tied: dict[int, int] = {}  # first name's start -> start of its furthest rule-tied partner
    for first, second in by_pair:
        furthest_tied[first] = max(furthest_tied.get(first, -1), second)
    out = []
    for s, e in split_sentences(text):
        orgs = [m for m in kept if s <= m.start and m.end <= e and m.cls in PAIR_CLASSES]
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                if max_gap is not None and b.start - a.end > max_gap:
                    if b.start > furthest_tied.get(a.start, -1):
                        break  # sorted by start: every later name is further away, and none is rule-tied
                    if (a.start, b.start) not in by_pair:
                        continue
                if same_actor(a, b):
                    continue
                ties = [t for t in by_pair.get((a.start, b.start), ()) if t.sentence_start == s]
                live = [t for t in ties if t.status is not TieStatus.NEGATED]
                best = max(live, key=lambda t: t.confidence) if live else None
                out.append(PairCandidate(s, e, a, b, rule_label(best, a) if best else "none",
                                         any(t.status is TieStatus.NEGATED for t in ties)))
    return out


class PairClassifier:
    """The trained pair classifier, read from ``kg/resources/relation_model`` (JSON + ``.npz``).

    Parameters
    ----------
    directory : str or Path, optional
        The model directory (``model.json`` and ``coef.npz``); defaults to ``kg/resources/relation_model``.

    Raises
    ------
    FileNotFoundError
        When a model file is missing (the message names it).
    ValueError
        When the files do not fit together (labels, vocabulary and coefficient shapes).
    """

    name = PAIRCLF

    def __init__(self, directory: str | Path | None = None):
        directory = Path(directory) if directory is not None else MODEL_DIR
        meta_path, coef_path = directory / "model.json", directory / "coef.npz"
        for path in (meta_path, coef_path):
            if not path.is_file():
                raise FileNotFoundError(f"relation model file missing: {path} (train it with scripts/train_relations.py)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        with np.load(coef_path, allow_pickle=False) as arrays:
            self.coef = arrays["coef"].astype(np.float32)  # (n_labels, n_features)
            self.intercept = arrays["intercept"].astype(np.float32)
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.vocabulary: dict[str, int] = {f: i for i, f in enumerate(meta["features"])}
        self.idf = np.asarray(meta["idf"], dtype=np.float32)
        self.thresholds: dict[str, float] = dict(meta.get("thresholds", {}))
        self.veto: float = float(meta.get("veto", 1.01))
        self.max_gap: int = int(meta.get("max_gap", 80))
        self.meta = meta
        if meta.get("extractor", PAIRCLF) != PAIRCLF:
            raise ValueError(f"{meta_path}: model is {meta.get('extractor')!r}, this code reads {PAIRCLF!r}")
        if self.coef.shape != (len(self.labels), len(self.vocabulary)) or self.idf.shape != (len(self.vocabulary),):
            raise ValueError(f"{directory}: coefficients {self.coef.shape} do not fit {len(self.labels)} labels x "
                             f"{len(self.vocabulary)} features")
        if set(self.labels) != set(LABELS):
            raise ValueError(f"{meta_path}: labels {self.labels} differ from {LABELS}")

    def vectorise(self, feats: Counter) -> tuple[np.ndarray, np.ndarray]:
        """Indices and (sublinear TF-IDF, L2-normalised) values of the known features."""
        idx, val = [], []
        for f, count in feats.items():
            i = self.vocabulary.get(f)
            if i is not None:
                idx.append(i)
                val.append((1.0 + math.log(count)) * float(self.idf[i]))
        ids = np.asarray(idx, dtype=np.int64)
        vals = np.asarray(val, dtype=np.float32)
        norm = float(np.sqrt((vals * vals).sum())) if len(vals) else 0.0
        return ids, (vals / norm if norm else vals)

    def predict_proba(self, text: str, cand: PairCandidate, mentions: Sequence[Mention] = ()) -> dict[str, float]:
        """``{label: probability}`` for one candidate pair (see :func:`pair_features`)."""
        ids, vals = self.vectorise(pair_features(text, cand, mentions))
        scores = self.intercept + (self.coef[:, ids] @ vals if len(ids) else 0.0)
        scores = scores - scores.max()
        probs = np.exp(scores)
        probs /= probs.sum()
        return {label: float(p) for label, p in zip(self.labels, probs)}


class CombinedRelationExtractor:
    """Rules plus pair classifier; same interface as :class:`kg.nlp.relations.extractor.RelationExtractor`.

    Parameters
    ----------
    resources : RelationResources or str or Path, optional
        As for :class:`RelationExtractor`.
    model : PairClassifier or str or Path, optional
        The classifier or its directory (default ``kg/resources/relation_model``). When the default model
        is missing, a warning says so and only the rules run.
    thresholds : dict, optional
        ``{relation value: minimum probability}`` overriding the model's tuned thresholds.
    veto : float, optional
        Probability of ``none`` above which a rule cooperatesWith/investsIn tie between organisations is
        dropped (default: the model's tuned value; above 1 never).
    """

    name = f"kg.relations.trigger.v1+{PAIRCLF}"

    def __init__(self, resources: RelationResources | str | Path | None = None, model: PairClassifier | str | Path | None = None,
                 *, thresholds: dict[str, float] | None = None, veto: float | None = None):
        self.rules = RelationExtractor(resources)
        if isinstance(model, PairClassifier):
            self.model: PairClassifier | None = model
        else:
            try:
                self.model = PairClassifier(model)
            except FileNotFoundError as exc:
                if model is not None:
                    raise
                warnings.warn(f"{exc}; relation stage runs the rules only", stacklevel=2)
                self.model = None
        base = dict(self.model.thresholds) if self.model else {}
        self.thresholds = {**base, **(thresholds or {})}
        self.veto = veto if veto is not None else (self.model.veto if self.model else 1.01)

    # ------------------------------------------------------------------ public
    def candidates(self, clean: CleanArticle, mentions: Sequence[Mention], rule_ties: Sequence[MentionTie]) -> list[PairCandidate]:
        """The pairs the classifier reads (see :func:`pair_candidates`)."""
        return pair_candidates(clean, mentions, rule_ties)

    def extract(self, clean: CleanArticle, mentions: Sequence[Mention]) -> list[MentionTie]:
        """Return the ties of ``clean`` between ``mentions`` (rules, then the classifier on open pairs).

        Parameters
        ----------
        clean : CleanArticle
        mentions : sequence of Mention

        Returns
        -------
        list of MentionTie
            Rule ties carry ``kg.relations.trigger.v1``, classifier ties ``kg.relations.pairclf.v1``.
        """
        rule_ties = self.rules.extract(clean, mentions)
        if self.model is None:
            return rule_ties
        text = clean.text
        cands = pair_candidates(clean, mentions, rule_ties, max_gap=self.model.max_gap)
        ordered = sorted(mentions, key=lambda m: m.start)
        starts = [m.start for m in ordered]
        dropped: set[tuple[int, int, Relation]] = set()
        added: dict[tuple, MentionTie] = {}
        year = clean.article.date[:4] if clean.article.date and clean.article.date[:4].isdigit() else None
        for cand in cands:
            a, b = cand.first, cand.second
            if cand.rule == "none" and (cand.rule_negated or b.start - a.end > self.model.max_gap):
                continue
            if cand.rule != "none" and not cand.rule.startswith((Relation.COOPERATES_WITH.value, Relation.INVESTS_IN.value)):
                continue  # other relations: the rules alone decide
            # only the mentions near the pair matter to its features: a bounded slice, not the whole sentence
            lo = max(cand.sentence_start, a.start - WINDOW - MAX_MENTION_CHARS)
            hi = min(cand.sentence_end, b.end + WINDOW)
            ms = ordered[bisect_left(starts, lo):bisect_left(starts, hi)]
            probs = self.model.predict_proba(text, cand, ms)
            label = combine(cand, probs, thresholds=self.thresholds, veto=self.veto, max_gap=self.model.max_gap,
                            context=pair_context(text, cand, ms, self.rules.res))
            if cand.rule != "none":
                if label == "none":
                    dropped.add((a.start, b.start, label_relation(cand.rule)[0]))
                continue
            rel, reverse = label_relation(label)
            if rel is None:
                continue
            subj, obj = (b, a) if reverse else (a, b)
            status = self._status(text, cand, ordered[bisect_left(starts, cand.sentence_start):bisect_left(starts, b.end + 6)])
            key = (cand.sentence_start, subj.canonical or subj.text, obj.canonical or obj.text, rel)
            tie = MentionTie(
                subject=subj, relation=rel, object=obj, sentence_start=cand.sentence_start, sentence_end=cand.sentence_end,
                confidence=round(probs[label] * min(subj.confidence, obj.confidence) ** 0.5, 3), extractor=PAIRCLF,
                status=status, trigger=None,
                date=date_for(sentence_dates(text, cand.sentence_start, cand.sentence_end, year), b.start),
                attrs={"probability": round(probs[label], 3)},
            )
            if key not in added or added[key].confidence < tie.confidence:
                added[key] = tie
        kept = [t for t in rule_ties
                if (min(t.subject.start, t.object.start), max(t.subject.start, t.object.start), t.relation) not in dropped]
        return sorted(kept + list(added.values()), key=lambda t: (t.sentence_start, t.subject.start, t.object.start, t.relation.value))

    def _status(self, text: str, cand: PairCandidate, mentions: Sequence[Mention]) -> TieStatus:
        """Negation/plan words in the clause of the first name up to a few characters after the second."""
        clause_start = cand.sentence_start
        for cs, _ in split_clauses(text, cand.sentence_start, cand.sentence_end):
            if cs <= cand.first.start:
                clause_start = cs
        until = min(cand.sentence_end, cand.second.end + 6)
        return tie_status(self.rules.res, text, clause_start, until, mentions)
