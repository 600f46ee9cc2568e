"""Precision/recall/F1 of the relation stage on a dataset whose entity pairs are given (FinRE).

FinRE (THUNLP, ACL 2019; Sina Finance news) gives ``head<TAB>tail<TAB>label<TAB>sentence`` with 44 labels.
Each instance is run through the relation stage (by default
:class:`kg.nlp.relations.pairclf.CombinedRelationExtractor`: rules plus pair classifier) with the two entities as
the only mentions (both as organisations, as the dataset is meant to be used: the pair is given, the
relation is to be found); the most confident non-negated tie between them is the prediction.

Label mapping (FinRE -> ours, ``(head, tail)`` order):

============================================  ===============================================
合作, 签约, 合资                               cooperatesWith (symmetric)
入股, 注资, 持股, 增持, 买资                   investsIn(head, tail)
被入股, 被注资, 被持股, 被增持, 被买资         investsIn(tail, head)
拥有 / 被拥有                                  subOrganizationOf(tail, head) / (head, tail)
everything else (收购, 减持, 成立, 转让, 交易,  none: no relation of ours states it (an acquisition,
订单, 合并, 重组, 竞争, 纠纷, 分析, 帮助, 发行, a sale or a dispute is not a tie we model), so any
借壳, 欠款, 商讨, 拟收购, 自己, unknown…)        prediction there is a false positive
============================================  ===============================================

Splits: FinRE ships train/valid(/test). ``part="heldout"`` keeps the instances whose sentence hash
falls in one tenth (``sha256(sentence) % 10 == 0``) and ``part="dev"`` the other nine tenths, so a
file can be split into a development part and a part never looked at.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from kg.nlp.relations import RelationExtractor
from kg.types import Article, CleanArticle, EntityClass, Mention, Relation, TieStatus

__all__ = ["FINRE_MAPPING", "read_finre", "evaluate", "format_table"]

FORWARD, REVERSE, BOTH = "forward", "reverse", "symmetric"
FINRE_MAPPING: dict[str, tuple[Relation, str]] = {
    "合作": (Relation.COOPERATES_WITH, BOTH),
    "签约": (Relation.COOPERATES_WITH, BOTH),
    "合资": (Relation.COOPERATES_WITH, BOTH),
    "入股": (Relation.INVESTS_IN, FORWARD),
    "注资": (Relation.INVESTS_IN, FORWARD),
    "持股": (Relation.INVESTS_IN, FORWARD),
    "增持": (Relation.INVESTS_IN, FORWARD),
    "买资": (Relation.INVESTS_IN, FORWARD),
    "被入股": (Relation.INVESTS_IN, REVERSE),
    "被注资": (Relation.INVESTS_IN, REVERSE),
    "被持股": (Relation.INVESTS_IN, REVERSE),
    "被增持": (Relation.INVESTS_IN, REVERSE),
    "被买资": (Relation.INVESTS_IN, REVERSE),
    "拥有": (Relation.SUB_ORGANIZATION_OF, REVERSE),
    "被拥有": (Relation.SUB_ORGANIZATION_OF, FORWARD),
}
REPORTED_RELATIONS = (Relation.COOPERATES_WITH, Relation.INVESTS_IN, Relation.SUB_ORGANIZATION_OF)


def read_finre(path: str | Path, part: str | None = None) -> list[tuple[str, str, str, str]]:
    """Read FinRE instances ``(head, tail, label, sentence)``; malformed lines are skipped with a count.

    Parameters
    ----------
    path : str or Path
        A FinRE file (``train.txt``, ``valid.txt``, ``test.txt``).
    part : {None, "dev", "heldout"}
        None for every instance, else the development nine tenths or the held-out tenth (by sentence hash).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"FinRE file not found: {path}")
    if part not in (None, "dev", "heldout"):
        raise ValueError(f"part must be None, 'dev' or 'heldout', not {part!r}")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            if len(cells) < 4 or not cells[0] or not cells[1]:
                continue
            head, tail, label, sentence = cells[0], cells[1], cells[2], "\t".join(cells[3:])
            if part is not None:
                held = int(hashlib.sha256(sentence.encode("utf-8")).hexdigest(), 16) % 10 == 0
                if held != (part == "heldout"):
                    continue
            out.append((head, tail, label, sentence))
    return out


def _spans(sentence: str, head: str, tail: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """First non-overlapping occurrences of head and tail in the sentence."""
    h = sentence.find(head)
    if h < 0:
        return None
    t = sentence.find(tail)
    while t >= 0 and t < h + len(head) and h < t + len(tail):
        t = sentence.find(tail, t + 1)
    if t < 0:
        # tail only inside head (or overlapping): try another head occurrence
        h2 = sentence.find(head, h + 1)
        t = sentence.find(tail)
        if h2 < 0 or (t < h2 + len(head) and h2 < t + len(tail)):
            return None
        h = h2
    return (h, h + len(head)), (t, t + len(tail))


def _occurrences(sentence: str, name: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, pos = [], sentence.find(name)
    while pos >= 0:
        span = (pos, pos + len(name))
        if all(span[1] <= a or span[0] >= b for a, b in taken + out):
            out.append(span)
        pos = sentence.find(name, pos + 1)
    return out


def finre_instance(head: str, tail: str, sentence: str):
    """The article and mentions one FinRE instance gives: every occurrence of the two names, as enterprises.

    The longer name claims its spans first.

    Returns
    -------
    tuple or None
        ``(clean, mentions, head_spans, tail_spans)``, or None when the two names are not both in the sentence.
    """
    if _spans(sentence, head, tail) is None:
        return None
    first, second = (head, tail) if len(head) >= len(tail) else (tail, head)
    spans_first = _occurrences(sentence, first, [])
    spans_second = _occurrences(sentence, second, spans_first)
    h_spans, t_spans = (spans_first, spans_second) if first == head else (spans_second, spans_first)
    clean = CleanArticle(Article("finre", sentence), sentence, tuple(range(len(sentence) + 1)))
    mentions = [Mention(head, EntityClass.ENTERPRISE, a, b, a, b, source="dataset") for a, b in h_spans]
    mentions += [Mention(tail, EntityClass.ENTERPRISE, a, b, a, b, source="dataset") for a, b in t_spans]
    return clean, sorted(mentions, key=lambda m: m.start), h_spans, t_spans


def predict(extractor, head: str, tail: str, sentence: str) -> tuple[Relation, str] | None:
    """Our relation between ``head`` and ``tail`` in ``sentence`` as ``(relation, direction)``, or None.

    Every occurrence of the two names is a mention (the longer name claims its spans first); the most
    confident non-negated tie between an occurrence of each is the answer.
    """
    instance = finre_instance(head, tail, sentence)
    if instance is None:
        return None
    clean, mentions, h_spans, t_spans = instance
    h_starts, t_starts = {a for a, _ in h_spans}, {a for a, _ in t_spans}
    best = None
    for tie in extractor.extract(clean, mentions):
        if tie.status is TieStatus.NEGATED:
            continue
        s0, o0 = tie.subject.start, tie.object.start
        if s0 in h_starts and o0 in t_starts:
            direction = FORWARD
        elif s0 in t_starts and o0 in h_starts:
            direction = REVERSE
        else:
            continue
        if tie.relation.symmetric:
            direction = BOTH
        if best is None or tie.confidence > best[0]:
            best = (tie.confidence, tie.relation, direction)
    return None if best is None else (best[1], best[2])


def evaluate(path: str | Path, fmt: str = "finre", *, part: str | None = None, extractor: RelationExtractor | None = None) -> dict:
    """Run the relation stage on every instance of ``path`` and score it per relation.

    Parameters
    ----------
    path : str or Path
        The dataset file.
    fmt : str
        Only ``"finre"``.
    part : {None, "dev", "heldout"}
        Which part of the file (see :func:`read_finre`).
    extractor : RelationExtractor or CombinedRelationExtractor, optional
        Defaults to the rules combined with the pair classifier, built from ``kg/resources``
        (pass ``RelationExtractor()`` to score the rules alone).

    Returns
    -------
    dict
        ``{relation: {"precision", "recall", "f1", "tp", "fp", "fn", "support"}}`` for cooperatesWith,
        investsIn, subOrganizationOf, plus ``"micro"`` over them and ``"_meta"`` (instances, skipped, file, part).
    """
    if fmt != "finre":
        raise ValueError(f"unknown relation dataset format {fmt!r} (supported: finre)")
    if extractor is None:
        from kg.nlp.relations.pairclf import CombinedRelationExtractor

        extractor = CombinedRelationExtractor()
    instances = read_finre(path, part)
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    skipped = 0
    for head, tail, label, sentence in instances:
        gold = FINRE_MAPPING.get(label)
        if _spans(sentence, head, tail) is None:
            skipped += 1
            continue
        pred = predict(extractor, head, tail, sentence)
        if gold is not None:
            support[gold[0]] += 1
        if pred is not None and pred == gold:
            tp[pred[0]] += 1
            continue
        if pred is not None:
            fp[pred[0]] += 1
        if gold is not None:
            fn[gold[0]] += 1
    result: dict = {}
    for rel in REPORTED_RELATIONS:
        result[rel.value] = _scores(tp[rel], fp[rel], fn[rel], support[rel])
    result["micro"] = _scores(sum(tp.values()), sum(fp.values()), sum(fn.values()), sum(support.values()))
    result["_meta"] = {"file": str(path), "part": part or "all", "instances": len(instances), "skipped": skipped,
                       "extractor": extractor.name}
    return result


def _scores(tp: int, fp: int, fn: int, support: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn, "support": support}


def format_table(result: dict) -> str:
    """A plain-text table of :func:`evaluate`'s result.

    Examples
    --------
    >>> print(format_table({"investsIn": {"precision": 0.5, "recall": 0.25, "f1": 0.3333, "support": 4}}))
    relation             precision  recall      f1  support
    investsIn                0.500   0.250   0.333        4
    """
    lines = [f"{'relation':<20} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}"]
    for name, row in result.items():
        if name.startswith("_"):
            continue
        lines.append(f"{name:<20} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>7.3f} {row['support']:>8}")
    meta = result.get("_meta")
    if meta:
        lines.append(f"({meta['instances']} instances of {meta['file']} [{meta['part']}], {meta['skipped']} skipped: pair not found)")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- seeds gold
def read_gold_ties(path: str | Path) -> list[dict]:
    """Rows of a gold-ties TSV (``article subject relation object fragment status``; ``#`` comments).

    Raises
    ------
    ValueError
        On an unknown relation or a short row (the message names file and line).
    """
    path = Path(path)
    rows = []
    with path.open(encoding="utf-8") as fh:
        lines = [(i, line.rstrip("\n")) for i, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]
    header = lines[0][1].split("\t")
    for lineno, line in lines[1:]:
        cells = line.split("\t")
        if len(cells) < 4:
            raise ValueError(f"{path}:{lineno}: expected at least article, subject, relation, object")
        row = dict(zip(header, cells))
        try:
            row["relation"] = Relation(row["relation"])
        except ValueError as exc:
            raise ValueError(f"{path}:{lineno}: {exc}") from exc
        row["status"] = TieStatus(row.get("status") or "reported")
        row["line"] = lineno
        rows.append(row)
    return rows


def _canonical_triple(subject, relation: Relation, obj):
    """hosts(B, A) is locatedIn(A, B); cooperatesWith is unordered."""
    if relation is Relation.HOSTS:
        return obj, Relation.LOCATED_IN, subject
    return subject, relation, obj


def evaluate_seed_ties(gold_path: str | Path, extractions: dict) -> dict:
    """Score extracted ties against a gold-ties file.

    Parameters
    ----------
    gold_path : str or Path
        ``tests/data/seed_ties.tsv``-style file.
    extractions : dict
        ``{article prefix: Extraction}`` (e.g. ``{"000": extraction of seeds/000_….txt}``).

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1``, ``tp``, ``fp``, ``fn``, ``status_agreement`` (share of matched ties
        with the gold status), ``missed`` (gold rows not found) and ``spurious`` (extracted ties matching no row).
        A gold row matches an extracted tie of its article when the relation agrees (hosts/locatedIn
        inverted, cooperatesWith in either order) and each gold name is the entity's name or alias,
        or names the same region (德州 = the Place 371400) or park (天衢新区 = 德州天衢新区).
    """
    from kg.resolve.regions import RegionTable, normalise_name

    table = RegionTable()

    def names_entity(name: str, entity) -> bool:
        if "|" in name:
            return any(names_entity(alt, entity) for alt in name.split("|"))
        norm = normalise_name(name)
        if norm == normalise_name(entity.name) or norm in {normalise_name(a) for a in entity.aliases}:
            return True
        code = table.code_for(norm)
        if code and entity.cls.value == "Place" and entity.region == code:
            return True
        park = table.park(norm)
        return park is not None and normalise_name(park.name) == normalise_name(entity.name)

    gold = read_gold_ties(gold_path)
    matched_ties: set[tuple[str, int]] = set()
    tp, status_ok, missed = 0, 0, []
    for row in gold:
        ex = extractions.get(row["article"])
        g_subj, g_rel, g_obj = _canonical_triple(row["subject"], row["relation"], row["object"])
        hit = None
        for i, tie in enumerate(ex.ties if ex is not None else ()):
            t_subj, t_rel, t_obj = _canonical_triple(tie.subject, tie.relation, tie.object)
            if t_rel is not g_rel:
                continue
            forward = names_entity(g_subj, t_subj) and names_entity(g_obj, t_obj)
            backward = g_rel.symmetric and names_entity(g_subj, t_obj) and names_entity(g_obj, t_subj)
            if forward or backward:
                hit = (row["article"], i, tie)
                break
        if hit is None:
            missed.append(f"{row['article']} {row['subject']} {row['relation'].value} {row['object']}")
            continue
        tp += 1
        matched_ties.add(hit[:2])
        status_ok += hit[2].status is row["status"]
    spurious = []
    for article, ex in sorted(extractions.items()):
        for i, tie in enumerate(ex.ties):
            if not tie.evidence.extractor.startswith("kg.relations."):
                continue  # background-knowledge ties (known_parents.tsv) are not read from the text
            if (article, i) not in matched_ties:
                spurious.append(f"{article} {tie.subject.name} {tie.relation.value} {tie.object.name} [{tie.evidence.trigger}]")
    fp, fn = len(spurious), len(missed)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "status_agreement": round(status_ok / tp, 4) if tp else 0.0,
        "missed": missed, "spurious": spurious,
    }
