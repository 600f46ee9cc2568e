"""Score the whole extraction (entities, ties, regions) against real news annotated to ``ANNOTATION.md``.

The gold file is JSONL, one annotated article a line::

    {"id": "...", "entities": [{"name", "class", "aliases", "region"}...],
     "ties": [{"s", "rel", "o", "status", "evidence"}...], "notes": "..."}

Scoring follows the standard's "How a system is scored":

* names are compared after 繁→简, NFKC and removing spaces and quotes (:func:`match_form`);
* a gold entity is *found* when a system entity of the same article has it (its name or an alias) among
  its labels (its name and aliases);
* a tie matches when both ends match and the relation is the same; ``hosts`` is the inverse of
  ``locatedIn``, ``cooperatesWith`` matches either way round; the other relations are scored both with
  their direction (*strict*) and without it (*undirected*);
* precision counts every system tie between non-person entities of the article (one per subject,
  relation and object), except a ``locatedIn`` whose place is written inside the located actor's name
  (上海张江科学城 in 上海), which the standard counts neither right nor wrong; recall counts every gold tie;
* regions are compared at city level (a province-only gold region at province level): the region of the
  found system entity against the gold entity's region, read as a GB/T 2260 code.

The articles are extracted in memory by the same stages ``kg build`` runs (:func:`kg.pipeline.analyse_article`
and a :class:`kg.resolve.Resolver`), one fresh resolver per article, so each article is scored on what it
says alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.resolve.regions import RegionTable, normalise_name
from kg.types import Article, Entity, EntityClass, Extraction, Relation

__all__ = [
    "GoldEntity",
    "GoldTie",
    "GoldArticle",
    "read_gold",
    "read_articles",
    "match_form",
    "extract_articles",
    "score",
    "evaluate",
    "format_report",
]

_QUOTES = re.compile(r"[\"'“”‘’「」『』＂＇]")


def match_form(name: str) -> str:
    """The form names are compared in: NFKC, 繁→简, no whitespace, no quotes.

    Examples
    --------
    >>> match_form(" “兩洋一海”觀測系統 ")
    '两洋一海观测系统'
    """
    return normalise_name(_QUOTES.sub("", name or ""))


@dataclass(frozen=True)
class GoldEntity:
    """One annotated actor: its name, class, other forms and region (as written, e.g. 河北省保定市定州市)."""

    name: str
    cls: str
    aliases: tuple[str, ...] = ()
    region: str | None = None

    @property
    def forms(self) -> frozenset[str]:
        """Every form of the entity, in :func:`match_form`."""
        return frozenset(match_form(n) for n in (self.name, *self.aliases) if n)


@dataclass(frozen=True)
class GoldTie:
    """One annotated tie, ends given by their entity name."""

    s: str
    rel: str
    o: str
    status: str = "reported"
    evidence: str = ""


@dataclass
class GoldArticle:
    """The annotation of one article."""

    id: str
    entities: list[GoldEntity] = field(default_factory=list)
    ties: list[GoldTie] = field(default_factory=list)
    notes: str = ""

    def entity(self, name: str) -> GoldEntity | None:
        """The gold entity named ``name`` (by name first, then by alias), or None."""
        form = match_form(name)
        return next((e for e in self.entities if match_form(e.name) == form), None) or next(
            (e for e in self.entities if form in e.forms), None)


def read_gold(path: str | Path) -> list[GoldArticle]:
    """Read a gold JSONL file.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    ValueError
        When a line is not a JSON object with an ``id`` or a tie names a relation that does not exist
        (the message gives file and line).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"gold file not found: {path}")
    relations = {r.value for r in Relation}
    out: list[GoldArticle] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            if not isinstance(record, dict) or not record.get("id"):
                raise ValueError(f"{path}:{number}: a gold record must be a JSON object with an 'id'")
            entities = [GoldEntity(e["name"], e.get("class", ""), tuple(e.get("aliases") or ()), e.get("region"))
                        for e in record.get("entities", ()) if e.get("name")]
            ties = []
            for t in record.get("ties", ()):
                if t.get("rel") not in relations:
                    raise ValueError(f"{path}:{number}: tie {t.get('s')!r} {t.get('rel')!r} {t.get('o')!r}: unknown relation")
                ties.append(GoldTie(t["s"], t["rel"], t["o"], t.get("status", "reported"), t.get("evidence", "")))
            out.append(GoldArticle(str(record["id"]), entities, ties, record.get("notes", "")))
    return out


def read_articles(path: str | Path, ids: Iterable[str]) -> tuple[list[Article], list[str]]:
    """The articles with the given ids from a JSONL (or any input ``kg build`` reads), and the ids not found."""
    from kg.ingest import read_inputs
    from kg.types import Problem

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"articles not found: {path}")
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Article] = {}
    for item in read_inputs([path]):
        if not isinstance(item, Problem) and item.id in wanted and item.id not in found:
            found[item.id] = item
    return [found[i] for i in wanted if i in found], [i for i in wanted if i not in found]


def extract_articles(articles: Iterable[Article], nlp=None, resources=None) -> Iterator[Extraction]:
    """Run the build's extraction stages on each article, with a fresh resolver per article."""
    from kg.nlp import load_nlp
    from kg.pipeline import analyse_article
    from kg.resolve import Resolver

    nlp = nlp or load_nlp(resources)
    for article in articles:
        cleaned, mentions, ties = analyse_article(article, nlp)
        yield Resolver(resources=resources).resolve(cleaned, mentions, ties)


# ------------------------------------------------------------------------------------------ scoring
def _labels(entity: Entity) -> frozenset[str]:
    return frozenset(match_form(n) for n in (entity.name, *entity.aliases) if n)


@dataclass(frozen=True)
class _SystemTie:
    subject: Entity
    relation: str  # hosts already turned into locatedIn
    object: Entity
    sentence: str
    status: str
    extractor: str


def _system_ties(extraction: Extraction) -> list[_SystemTie]:
    """The article's ties between non-person entities, hosts as inverse locatedIn, one per (s, rel, o)."""
    seen: dict[tuple, _SystemTie] = {}
    for tie in extraction.ties:
        if EntityClass.PERSON in (tie.subject.cls, tie.object.cls):
            continue
        s, rel, o = tie.subject, tie.relation.value, tie.object
        if tie.relation is Relation.HOSTS:
            s, rel, o = o, Relation.LOCATED_IN.value, s
        key = (s.key, rel, o.key) if rel != Relation.COOPERATES_WITH.value else (*sorted((s.key, o.key)), rel)
        if key not in seen:
            seen[key] = _SystemTie(s, rel, o, tie.evidence.sentence, tie.status.value, tie.evidence.extractor)
    return list(seen.values())


def _place_in_name(tie: _SystemTie) -> bool:
    """A locatedIn whose place is written inside the located actor's name (neither right nor wrong)."""
    if tie.relation != Relation.LOCATED_IN.value:
        return False
    return any(p in s for p in _labels(tie.object) for s in _labels(tie.subject) if len(p) >= 2 and p != s)


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def _region_code(table: RegionTable, region: str | None) -> str | None:
    """The GB/T 2260 code of a gold region string (河北省保定市定州市 -> 130682), or None."""
    if not region:
        return None
    text = match_form(region)
    return table.code_for(text) or table.region_in_name(text)


def _cut(table: RegionTable, code: str | None, depth: str) -> str | None:
    """``code`` at province or city depth (a municipality's district counts as the municipality)."""
    if code is None or code not in table:
        return None
    if depth == "province":
        return table.province_of(code)
    return table.city_of(code) or table.province_of(code)


def _depth(table: RegionTable, code: str) -> str:
    level = table.level(code)
    if level == "province" and not table.regions[code].name.endswith("市"):
        return "province"  # 山东省: the gold knows only the province
    return "city"


class _Matcher:
    """Gold entity <-> system entity matching within one article."""

    def __init__(self, gold: GoldArticle, entities: Sequence[Entity]):
        self.gold = gold
        self.entities = [e for e in entities if e.cls is not EntityClass.PERSON]
        self.labels = {e.key: _labels(e) for e in self.entities}

    def system_for(self, g: GoldEntity) -> list[Entity]:
        """System entities having one of the gold entity's forms among their labels, exact name first."""
        forms = g.forms
        hits = [e for e in self.entities if self.labels[e.key] & forms]
        return sorted(hits, key=lambda e: (match_form(e.name) != match_form(g.name), match_form(e.name) not in forms))

    def matches(self, e: Entity, gold_name: str) -> bool:
        g = self.gold.entity(gold_name)
        forms = g.forms if g is not None else frozenset({match_form(gold_name)})
        return bool(self.labels.get(e.key, _labels(e)) & forms)


def _tie_matches(m: _Matcher, gold: GoldTie, sys: _SystemTie, directed: bool) -> bool:
    gold_rel = gold.rel
    gs, go = gold.s, gold.o
    if gold_rel == Relation.HOSTS.value:
        gold_rel, gs, go = Relation.LOCATED_IN.value, go, gs
    if gold_rel != sys.relation:
        return False
    forward = m.matches(sys.subject, gs) and m.matches(sys.object, go)
    if forward:
        return True
    if not directed or gold_rel == Relation.COOPERATES_WITH.value:
        return m.matches(sys.subject, go) and m.matches(sys.object, gs)
    return False


def _match_ties(m: _Matcher, gold: Sequence[GoldTie], system: Sequence[_SystemTie], directed: bool):
    """Greedy one-to-one matching; returns (pairs, unmatched gold, unmatched system)."""
    used: set[int] = set()
    pairs, misses = [], []
    for g in gold:
        hit = next((i for i, s in enumerate(system) if i not in used and _tie_matches(m, g, s, directed)), None)
        if hit is None:
            misses.append(g)
        else:
            used.add(hit)
            pairs.append((g, system[hit]))
    return pairs, misses, [s for i, s in enumerate(system) if i not in used]


def score(gold: Sequence[GoldArticle], extractions: dict[str, Extraction], regions: RegionTable | None = None) -> dict:
    """Score extractions (by article id) against gold articles; see the module docstring for the rules.

    Returns
    -------
    dict
        ``entities`` (gold, found, recall, per class), ``ties`` (``strict`` and ``undirected`` P/R/F1,
        ``by_relation``, status agreement, place-in-name ties left out, ``missed_by_cause``: misses with an end
        not found (``entity``) or with both ends found (``tie``)), ``regions`` (scored, correct,
        accuracy, by region source), and ``misses`` / ``false_positives`` / ``missed_entities`` lists.
    """
    regions = regions or RegionTable()
    ent_total, ent_found = Counter(), Counter()
    counts = {mode: Counter() for mode in ("strict", "undirected")}
    by_rel = {mode: {} for mode in ("strict", "undirected")}
    status_agree = status_total = ignored = 0
    region_scored = region_correct = 0
    region_sources, region_wrong_sources = Counter(), Counter()
    misses, false_positives, missed_entities, region_errors = [], [], [], []
    miss_causes = Counter()
    for article in gold:
        extraction = extractions.get(article.id)
        entities = extraction.entities if extraction else ()
        m = _Matcher(article, entities)
        for g in article.entities:
            ent_total[g.cls] += 1
            found = m.system_for(g)
            if found:
                ent_found[g.cls] += 1
            else:
                missed_entities.append({"article": article.id, "name": g.name, "class": g.cls})
            gold_code = _region_code(regions, g.region)
            if gold_code is None or not found:
                continue
            depth = _depth(regions, gold_code)
            sys_entity = found[0]
            region_scored += 1
            source = (sys_entity.attrs or {}).get("region_source") or ("none" if sys_entity.region is None else "unknown")
            region_sources[source] += 1
            if _cut(regions, sys_entity.region, depth) == _cut(regions, gold_code, depth):
                region_correct += 1
            else:
                region_wrong_sources[source] += 1
                region_errors.append({"article": article.id, "name": g.name, "gold": g.region,
                                      "system": regions.name_of(sys_entity.region) if sys_entity.region else None,
                                      "source": source})
        system = _system_ties(extraction) if extraction else []
        kept = []
        for s in system:
            if _place_in_name(s) and not any(_tie_matches(m, g, s, False) for g in article.ties):
                ignored += 1
            else:
                kept.append(s)
        for mode in counts:
            pairs, gold_missed, sys_wrong = _match_ties(m, article.ties, kept, directed=mode == "strict")
            counts[mode].update(tp=len(pairs), fp=len(sys_wrong), fn=len(gold_missed))
            for rel_name in {t.rel for t in article.ties} | {s.relation for s in kept}:
                rel_name = Relation.LOCATED_IN.value if rel_name == Relation.HOSTS.value else rel_name
                c = by_rel[mode].setdefault(rel_name, Counter())
                c.update(tp=sum(1 for g, _ in pairs if g.rel == rel_name or (g.rel == "hosts" and rel_name == "locatedIn")),
                         fp=sum(1 for s in sys_wrong if s.relation == rel_name),
                         fn=sum(1 for g in gold_missed if g.rel == rel_name or (g.rel == "hosts" and rel_name == "locatedIn")))
            if mode == "strict":
                for g, s in pairs:
                    status_total += 1
                    status_agree += g.status == s.status
                for g in gold_missed:
                    # why the tie was missed: an end the NER did not find, or both found and no tie read
                    ends = [article.entity(name) for name in (g.s, g.o)]
                    cause = "tie" if all(x is not None and m.system_for(x) for x in ends) else "entity"
                    miss_causes[cause] += 1
                    misses.append({"article": article.id, "s": g.s, "rel": g.rel, "o": g.o, "status": g.status,
                                   "evidence": g.evidence, "cause": cause})
                false_positives += [{"article": article.id, "s": s.subject.name, "rel": s.relation, "o": s.object.name,
                                     "status": s.status, "extractor": s.extractor, "evidence": s.sentence}
                                    for s in sys_wrong]
    ent_gold, ent_hit = sum(ent_total.values()), sum(ent_found.values())
    return {
        "articles": len(gold),
        "entities": {
            "gold": ent_gold, "found": ent_hit, "recall": round(ent_hit / ent_gold, 3) if ent_gold else 0.0,
            "by_class": {c: {"gold": ent_total[c], "found": ent_found[c],
                             "recall": round(ent_found[c] / ent_total[c], 3)} for c in sorted(ent_total)},
        },
        "ties": {
            "strict": _prf(counts["strict"]["tp"], counts["strict"]["fp"], counts["strict"]["fn"]),
            "undirected": _prf(counts["undirected"]["tp"], counts["undirected"]["fp"], counts["undirected"]["fn"]),
            "by_relation": {rel: {mode: _prf(by_rel[mode][rel]["tp"], by_rel[mode][rel]["fp"], by_rel[mode][rel]["fn"])
                                  for mode in ("strict", "undirected")} for rel in sorted(by_rel["strict"])},
            "status_agreement": round(status_agree / status_total, 3) if status_total else None,
            "place_in_name_ignored": ignored,
            "missed_by_cause": {"entity": miss_causes["entity"], "tie": miss_causes["tie"]},
        },
        "regions": {
            "scored": region_scored, "correct": region_correct,
            "accuracy": round(region_correct / region_scored, 3) if region_scored else 0.0,
            "by_source": dict(region_sources), "wrong_by_source": dict(region_wrong_sources),
        },
        "misses": misses,
        "false_positives": false_positives,
        "missed_entities": missed_entities,
        "region_errors": region_errors,
    }


def evaluate(gold_path: str | Path, articles_path: str | Path | None = None, *, nlp=None, resources=None) -> dict:
    """Extract the articles a gold file names and score them (:func:`score`).

    Parameters
    ----------
    gold_path : str or Path
        The gold JSONL.
    articles_path : str or Path, optional
        Where the articles are (JSONL with the gold's ids); default ``articles.jsonl`` beside the gold file.
    nlp : spacy.Language, optional
        A pipeline from :func:`kg.nlp.load_nlp` (loaded when omitted).
    resources : str or Path, optional
        The resources directory (default ``kg/resources``).

    Returns
    -------
    dict
        :func:`score`'s result plus ``articles_missing`` (gold ids not found among the articles).
    """
    gold = read_gold(gold_path)
    articles_path = Path(articles_path) if articles_path else Path(gold_path).with_name("articles.jsonl")
    articles, missing = read_articles(articles_path, [g.id for g in gold])
    extractions = {x.article.id: x for x in extract_articles(articles, nlp, resources)}
    result = score([g for g in gold if g.id in extractions], extractions,
                   RegionTable(resources) if resources is not None else None)
    result["articles_missing"] = missing
    return result


def format_report(result: dict, show: int = 0) -> str:
    """A plain-text report of :func:`score`'s result, with ``show`` misses and false positives."""
    lines = []
    e, t, r = result["entities"], result["ties"], result["regions"]
    lines.append(f"articles {result['articles']}" + (f" (not found: {', '.join(result['articles_missing'])})"
                                                    if result.get("articles_missing") else ""))
    lines.append(f"entities: recall {e['recall']:.3f} ({e['found']}/{e['gold']})")
    for cls, c in e["by_class"].items():
        lines.append(f"  {cls:<20} {c['recall']:.3f} ({c['found']}/{c['gold']})")
    for mode in ("strict", "undirected"):
        c = t[mode]
        lines.append(f"ties ({mode}): P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}"
                     f"  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    lines.append(f"  {'relation':<22} {'P':>6} {'R':>6} {'F1':>6}  tp  fp  fn   (strict; undirected F1)")
    for rel, modes in t["by_relation"].items():
        c, u = modes["strict"], modes["undirected"]
        lines.append(f"  {rel:<22} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f} {c['tp']:3d} {c['fp']:3d} "
                     f"{c['fn']:3d}   {u['f1']:.3f}")
    lines.append(f"  status agreement on matched ties: {t['status_agreement']}; place-in-name ties left out: "
                 f"{t['place_in_name_ignored']}")
    causes = t["missed_by_cause"]
    lines.append(f"  missed ties (strict): {causes['entity']} with an end the NER did not find, {causes['tie']} with "
                 "both ends found")
    lines.append(f"regions (city level): accuracy {r['accuracy']:.3f} ({r['correct']}/{r['scored']}); "
                 f"by source {r['by_source']}; wrong by source {r['wrong_by_source']}")
    if show:
        for title, rows, fmt in (
            ("missed ties", result["misses"], "{s} -{rel}-> {o} [{status}; {cause}]  | {evidence}"),
            ("false positives", result["false_positives"], "{s} -{rel}-> {o} [{status}, {extractor}]  | {evidence}"),
            ("missed entities", result["missed_entities"], "{name} ({class})"),
            ("region errors", result["region_errors"], "{name}: gold {gold}, system {system} ({source})"),
        ):
            lines.append(f"\n{title} ({len(rows)}; first {min(show, len(rows))}):")
            lines += [f"  {row['article']}: " + fmt.format(**row) for row in rows[:show]]
    return "\n".join(lines)
