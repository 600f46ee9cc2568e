"""Train the relation pair classifier (kg.relations.pairclf.v1) on FinRE and write it as JSON + .npz.

Usage::

    nice -n 10 .venv/bin/python scripts/train_relations.py --data /work/shared/data/finre \
        --out kg/resources/relation_model

Data: ``train.txt`` minus its held-out tenth (``kg.evaluate.relations.read_finre(path, "dev")``) to fit;
``valid.txt`` to choose the regularisation strength and the decision thresholds. The held-out tenth of
``train.txt`` is never read. Each FinRE instance becomes one ordered pair (first name in the text, second
name) labelled with our relation and its direction (:data:`kg.nlp.relations.pairclf.LABELS`); the two mirror
instances of a pair (``持股``/``被持股``) are one example. The rules' decision on the pair is a feature.

Needs scikit-learn (training only; the shipped model is read with numpy).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.evaluate.relations import BOTH, FINRE_MAPPING, FORWARD, _spans, finre_instance, read_finre  # noqa: E402
from kg.nlp.relations import RelationExtractor  # noqa: E402
from kg.nlp.relations.pairclf import (  # noqa: E402
    LABELS,
    PAIRCLF,
    combine,
    pair_candidates,
    pair_context,
    pair_features,
)

TARGETS = ("cooperatesWith", "investsIn", "subOrganizationOf")


def gold_label(label: str, head_first: bool) -> str:
    """Our position-ordered label of a FinRE label (``head_first``: the head name comes first in the text)."""
    mapped = FINRE_MAPPING.get(label)
    if mapped is None:
        return "none"
    rel, direction = mapped
    if direction == BOTH:
        return rel.value
    forward = (direction == FORWARD) == head_first
    return rel.value + (">" if forward else "<")


def examples(path: Path, part: str | None, rules: RelationExtractor) -> list[dict]:
    """One example per (sentence, first name, second name) with every instance's gold label.

    A pair can carry several FinRE labels (the two mirror instances, and the same pair labelled twice:
    ``持股`` and ``减持``); each instance counts once in training (as weight) and in scoring.
    """
    out: dict[tuple, dict] = {}
    for head, tail, label, sentence in read_finre(path, part):
        spans = _spans(sentence, head, tail)
        instance = finre_instance(head, tail, sentence)
        if spans is None or instance is None:
            continue
        clean, mentions, _, _ = instance
        (h0, _), (t0, _) = spans
        head_first = h0 < t0
        a0, b0 = (h0, t0) if head_first else (t0, h0)
        key = (sentence, a0, b0)
        if key not in out:
            cand = next((c for c in pair_candidates(clean, mentions, rules.extract(clean, mentions))
                         if (c.first.start, c.second.start) == (a0, b0)), None)
            if cand is None:
                continue
            out[key] = {"feats": pair_features(sentence, cand, mentions), "cand": cand, "golds": [],
                        "sentence": sentence, "mentions": mentions,
                        "context": pair_context(sentence, cand, mentions, rules.res)}
        out[key]["golds"].append(gold_label(label, head_first))
    return list(out.values())


def matrix(rows: list[dict], vocab: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF-IDF, L2-normalised rows (the same weighting as PairClassifier.vectorise)."""
    indptr, indices, data = [0], [], []
    for row in rows:
        idx, val = [], []
        for f, count in row["feats"].items():
            i = vocab.get(f)
            if i is not None:
                idx.append(i)
                val.append((1.0 + math.log(count)) * idf[i])
        norm = math.sqrt(sum(v * v for v in val)) or 1.0
        indices.extend(idx)
        data.extend(v / norm for v in val)
        indptr.append(len(indices))
    return sparse.csr_matrix((np.asarray(data, np.float32), np.asarray(indices), np.asarray(indptr)), shape=(len(rows), len(vocab)))


def decide(row: dict, probs: dict[str, float], thresholds: dict[str, float], veto: float, max_gap: int) -> str:
    """The combined extractor's decision on one example (kg.nlp.relations.pairclf.combine)."""
    return combine(row["cand"], probs, thresholds=thresholds, veto=veto, max_gap=max_gap, context=row["context"])


def score(rows: list[dict], preds: list[str]) -> dict:
    """Per-relation precision/recall/F1 as kg.evaluate.relations.evaluate counts them."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for row, pred in zip(rows, preds):
        for gold in row["golds"]:
            prel, grel = pred.rstrip("<>"), gold.rstrip("<>")
            if pred != "none" and pred == gold:
                tp[prel] += 1
                continue
            if pred != "none":
                fp[prel] += 1
            if gold != "none":
                fn[grel] += 1
    out = {}
    for rel in TARGETS:
        p = tp[rel] / (tp[rel] + fp[rel]) if tp[rel] + fp[rel] else 0.0
        r = tp[rel] / (tp[rel] + fn[rel]) if tp[rel] + fn[rel] else 0.0
        out[rel] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    return out


def tune(rows: list[dict], probs: list[dict], max_gap: int) -> tuple[dict[str, float], float, dict]:
    """Per-relation thresholds, then the veto level, each maximising that relation's F1 on ``rows``."""
    grid = [round(float(x), 2) for x in np.arange(0.2, 0.96, 0.05)]
    thresholds = {rel: 0.5 for rel in TARGETS}
    for _ in range(2):
        for rel in TARGETS:
            best = max(grid, key=lambda t: (score(rows, [decide(r, p, {**thresholds, rel: t}, 1.01, max_gap)
                                                         for r, p in zip(rows, probs)])[rel]["f1"], t))
            thresholds[rel] = best

    def veto_value(v: float) -> float:
        s = score(rows, [decide(r, p, thresholds, v, max_gap) for r, p in zip(rows, probs)])
        return s["cooperatesWith"]["f1"] + s["investsIn"]["f1"]

    veto = max([1.01] + [round(float(x), 2) for x in np.arange(0.5, 1.0, 0.05)], key=lambda v: (veto_value(v), v))
    final = score(rows, [decide(r, p, thresholds, veto, max_gap) for r, p in zip(rows, probs)])
    return thresholds, veto, final


def main(argv: list[str] | None = None) -> int:
    """Train, tune on valid, write ``model.json`` and ``coef.npz`` into ``--out``."""
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="FinRE directory (train.txt, valid.txt)")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "resources" / "relation_model")
    ap.add_argument("--min-df", type=int, default=2, help="features seen in fewer training examples are dropped")
    ap.add_argument("--c", type=float, nargs="+", default=[0.3, 1.0, 3.0], help="regularisation strengths tried")
    ap.add_argument("--class-weight", choices=("balanced", "none"), default="balanced",
                    help="balanced: each label weighs as much in total (the rare relations are not drowned by none)")
    ap.add_argument("--max-gap", type=int, default=80, help="longest gap (characters) between a pair the classifier reads")
    args = ap.parse_args(argv)
    for name in ("train.txt", "valid.txt"):
        if not (args.data / name).is_file():
            ap.error(f"{args.data / name} not found")

    t0 = time.time()
    rules = RelationExtractor()
    train = examples(args.data / "train.txt", "dev", rules)
    valid = examples(args.data / "valid.txt", None, rules)
    print(f"{len(train)} training pairs, {len(valid)} valid pairs ({time.time() - t0:.0f}s);"
          f" train labels {dict(Counter(g for r in train for g in r['golds']))}")

    df = Counter(f for row in train for f in row["feats"])
    features = sorted(f for f, n in df.items() if n >= args.min_df)
    vocab = {f: i for i, f in enumerate(features)}
    n = len(train)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in features], dtype=np.float32)
    x_train, x_valid = matrix(train, vocab, idf), matrix(valid, vocab, idf)
    weights = [Counter(r["golds"]) for r in train]
    train_rows = [i for i, w in enumerate(weights) for _ in w]
    y_train = np.array([LABELS.index(g) for w in weights for g in w])
    w_train = np.array([n for w in weights for n in w.values()], dtype=np.float64)
    print(f"{len(features)} features")

    best = None
    for c in args.c:
        clf = LogisticRegression(C=c, max_iter=3000, class_weight=None if args.class_weight == "none" else "balanced")
        clf.fit(x_train[train_rows], y_train, sample_weight=w_train)
        proba = clf.predict_proba(x_valid)
        probs = [{LABELS[k]: float(p[j]) for j, k in enumerate(clf.classes_)} for p in proba]
        for lab in LABELS:
            for p in probs:
                p.setdefault(lab, 0.0)
        thresholds, veto, result = tune(valid, probs, args.max_gap)
        objective = result["cooperatesWith"]["f1"] + result["investsIn"]["f1"]
        print(f"C={c}: valid {json.dumps(result)} thresholds {thresholds} veto {veto} ({time.time() - t0:.0f}s)")
        if best is None or objective > best[0]:
            best = (objective, c, clf, thresholds, veto, result)
    _, c, clf, thresholds, veto, result = best
    rules_only = score(valid, [r["cand"].rule for r in valid])

    coef = np.zeros((len(LABELS), len(features)), dtype=np.float32)
    intercept = np.full(len(LABELS), -30.0, dtype=np.float32)  # a label never seen in training is never predicted
    for j, k in enumerate(clf.classes_):
        coef[k], intercept[k] = clf.coef_[j], clf.intercept_[j]
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "coef.npz", coef=coef.astype(np.float16), intercept=intercept)
    meta = {
        "extractor": PAIRCLF,
        "labels": list(LABELS),
        "features": features,
        "idf": [round(float(v), 4) for v in idf],
        "thresholds": thresholds,
        "veto": veto,
        "max_gap": args.max_gap,
        "training": {
            "data": "FinRE train.txt minus its held-out tenth (sha256(sentence) % 10 == 0); tuned on valid.txt",
            "pairs": len(train), "valid_pairs": len(valid), "C": c, "min_df": args.min_df, "class_weight": args.class_weight,
            "valid_combined": result, "valid_rules_only": rules_only,
            "script": "scripts/train_relations.py",
        },
    }
    (args.out / "model.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"C={c} chosen; rules only on valid {json.dumps(rules_only)}")
    print(f"wrote {args.out} ({sum(p.stat().st_size for p in args.out.iterdir()) / 1e6:.1f} MB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
