"""The relation stage's editable word lists (``kg/resources/relations/*.tsv``), read when an extractor is built.

* ``triggers.tsv``  trigger word -> relation, frame (a name in :data:`kg.nlp.relations.frames.FRAMES`),
  direction and base confidence;
* ``modifiers.tsv`` structure and status words by kind (negation, planned, preposition, coordinator...);
* ``senses.tsv``    contexts in which a trigger word has another sense (学习贯彻 is not benchmarking);
* ``titles.tsv``    position titles for ``holdsPosition``;
* ``patterns.tsv``  whole-phrase regular expressions (研发在京津、智造在德州).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.region_tables import read_region_groups, read_regions
from kg.registries import read_registries
from kg.types import EntityClass, Relation

__all__ = ["RESOURCE_DIR", "Trigger", "Pattern", "Sense", "RelationResources", "load_relation_resources", "read_tsv"]

#: characters before a trigger, and after it (up to the clause's end), searched for another sense (senses.tsv)
SENSE_BEFORE, SENSE_AFTER = 6, 16
RESOURCE_DIR = Path(__file__).resolve().parents[2] / "resources"
_OWNER_CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform", "GovernmentAgency",
                  "Organization"}


@dataclass(frozen=True)
class Trigger:
    """One row of ``triggers.tsv``."""

    word: str
    relation: Relation
    frame: str
    reverse: bool
    confidence: float


@dataclass(frozen=True)
class Pattern:
    """One row of ``patterns.tsv``: a regex with ``src``/``dst`` groups."""

    name: str
    relation: Relation
    confidence: float
    regex: re.Pattern


@dataclass(frozen=True)
class Sense:
    """One row of ``senses.tsv``: around ``trigger``, ``context`` (a regex over the text from a few characters
    before to a few after the trigger) means the word is used in another sense."""

    trigger: str
    context: re.Pattern
    note: str = ""


@dataclass
class RelationResources:
    """Word lists of the extractor (see :func:`load_relation_resources`)."""

    triggers: dict[str, list[Trigger]]
    modifiers: dict[str, frozenset[str]]
    titles: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    senses: dict[str, tuple[Sense, ...]] = field(default_factory=dict)
    parents: dict[str, tuple[str, EntityClass]] = field(default_factory=dict)  # registry: name or alias -> parent
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # registry: name -> every form of it
    bodies: dict[str, tuple[str, EntityClass]] = field(default_factory=dict)  # registry: form -> (name, class)
    spanning: frozenset[str] = frozenset()  # registry projects without one seat (一带一路, 中欧班列): every form
    region_groups: frozenset[str] = frozenset()  # 京津冀, 长三角 ... (region_groups.tsv)
    owner_suffixes: dict[str, EntityClass] = field(default_factory=dict)  # 集团, 医院, 大学 ... -> class (NER's table)
    region_names: dict[str, str] = field(default_factory=dict)  # alias -> official name (for 京津 -> 京, 津)
    trigger_regex: re.Pattern | None = None
    title_regex: re.Pattern | None = None

    @functools.cached_property
    def investment_words(self) -> tuple[str, ...]:
        """The trigger words of ``investsIn`` (投资, 投建, 出资...), longest first."""
        return tuple(sorted({w for w, rows in self.triggers.items()
                             if any(t.relation is Relation.INVESTS_IN for t in rows)}, key=len, reverse=True))

    def words(self, kind: str) -> frozenset[str]:
        """Modifier words of one kind (``negation``, ``planned``, ``preposition``...)."""
        return self.modifiers.get(kind, frozenset())

    def same_actor_rest(self, rest: str) -> bool:
        """True when ``rest`` (what a longer name adds to a shorter one) only repeats type, legal form or
        descriptor words (有限公司, 集团, 科技, 大学): the two names are one actor.

        Examples
        --------
        >>> res = RelationResources({}, {"same_actor_rest": frozenset({"大学", "有限公司", "集团"})}, (), ())
        >>> res.same_actor_rest("集团有限公司"), res.same_actor_rest("通州院区")
        (True, False)
        """
        words = sorted(self.words("same_actor_rest"), key=len, reverse=True)
        while rest:
            word = next((w for w in words if rest.startswith(w)), None)
            if word is None:
                return False
            rest = rest[len(word):]
        return True

    def strip_places(self, name: str) -> str:
        """``name`` without the region names it begins with (长沙比亚迪汽车 -> 比亚迪汽车); at least 2 characters kept."""
        pos = 0
        while True:
            size = next((n for n in range(min(6, len(name) - pos - 2), 1, -1) if name[pos:pos + n] in self.region_names), 0)
            if not size:
                return name[pos:]
            pos += size

    def other_sense(self, word: str, text: str, start: int, end: int) -> bool:
        """True when the trigger ``word`` at ``text[start:end]`` is used in another sense (``senses.tsv``)."""
        after = text[end:end + SENSE_AFTER]
        cut = min((i for i in (after.find(p) for p in "，。；,;") if i >= 0), default=len(after))
        window = text[max(0, start - SENSE_BEFORE):end] + after[:max(cut, 6)]
        return any(sense.context.search(window) for sense in self.senses.get(word, ()))


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a TSV with a header line; ``#`` lines are comments. Each row records ``__where__`` (file:line)."""
    if not path.is_file():
        raise FileNotFoundError(f"relation resource missing: {path}")
    with path.open(encoding="utf-8") as fh:
        lines = [(i, line) for i, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]
    if not lines:
        return []
    header = lines[0][1].rstrip("\n").split("\t")
    rows = []
    for lineno, line in lines[1:]:
        cells = line.rstrip("\n").split("\t")
        cells += [""] * (len(header) - len(cells))
        row = dict(zip(header, cells))
        row["__where__"] = f"{path}:{lineno}"
        rows.append(row)
    return rows


def load_relation_resources(directory: str | Path | None = None) -> RelationResources:
    """Read the extractor's word lists.

    Parameters
    ----------
    directory : str or Path, optional
        The resources directory (holding ``relations/`` and ``regions.tsv``); defaults to ``kg/resources``.

    Returns
    -------
    RelationResources

    Raises
    ------
    FileNotFoundError, ValueError
        When a file is missing or a row is malformed (the message names file and line).
    """
    from kg.nlp.relations.frames import FRAMES

    base = Path(directory) if directory is not None else RESOURCE_DIR
    rel_dir = base / "relations"
    triggers: dict[str, list[Trigger]] = {}
    for row in read_tsv(rel_dir / "triggers.tsv"):
        try:
            trig = Trigger(
                word=row["trigger"].strip(),
                relation=Relation(row["relation"].strip()),
                frame=row["frame"].strip(),
                reverse=row["direction"].strip() == "reverse",
                confidence=float(row["confidence"]),
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{row['__where__']}: bad trigger row: {exc}") from exc
        if trig.frame not in FRAMES:
            raise ValueError(f"{row['__where__']}: unknown frame {trig.frame!r} (known: {', '.join(FRAMES)})")
        triggers.setdefault(trig.word, []).append(trig)
    order = list(FRAMES)
    for word in triggers:
        triggers[word].sort(key=lambda t: order.index(t.frame))

    modifiers: dict[str, set[str]] = {}
    for row in read_tsv(rel_dir / "modifiers.tsv"):
        modifiers.setdefault(row["kind"].strip(), set()).add(row["word"].strip())
    # the words a short name may leave out of a full one are the resolver's (one list, resolve/)
    for name, column in (("legal_forms.tsv", "suffix"), ("descriptors.tsv", "word")):
        if (base / "resolve" / name).is_file():
            modifiers.setdefault("same_actor_rest", set()).update(
                r[column].strip() for r in read_tsv(base / "resolve" / name) if r.get(column, "").strip())

    titles = tuple(sorted({r["title"].strip() for r in read_tsv(rel_dir / "titles.tsv") if r["title"].strip()},
                          key=len, reverse=True))

    patterns = []
    for row in read_tsv(rel_dir / "patterns.tsv"):
        try:
            patterns.append(Pattern(row["name"], Relation(row["relation"]), float(row["confidence"]), re.compile(row["regex"])))
        except (KeyError, ValueError, re.error) as exc:
            raise ValueError(f"{row['__where__']}: bad pattern row: {exc}") from exc

    senses: dict[str, list[Sense]] = {}
    if (rel_dir / "senses.tsv").is_file():
        for row in read_tsv(rel_dir / "senses.tsv"):
            try:
                sense = Sense(row["trigger"].strip(), re.compile(row["context"]), row.get("note", ""))
            except (KeyError, re.error) as exc:
                raise ValueError(f"{row['__where__']}: bad sense row: {exc}") from exc
            senses.setdefault(sense.trigger, []).append(sense)

    region_names: dict[str, str] = {}
    regions = base / "regions.tsv"
    if regions.is_file():
        for region in read_regions(regions, []):
            for alias in (region.name, *region.aliases):
                if region.level in ("province", "city") or len(alias) >= 2:
                    region_names.setdefault(alias, region.name)

    owner_suffixes: dict[str, EntityClass] = {}
    suffix_file = base / "lexicons" / "name_suffixes.tsv"
    if suffix_file.is_file():  # the NER's type suffixes: a name ending in one inside a longer name is its owner
        with suffix_file.open(encoding="utf-8") as fh:
            for line in fh:
                cells = line.rstrip("\n").split("\t")
                if len(cells) >= 2 and not line.startswith("#") and cells[1] in _OWNER_CLASSES:
                    owner_suffixes[cells[0]] = EntityClass(cells[1])
                    if len(cells) > 3 and "descriptive" in cells[3]:
                        modifiers.setdefault("descriptive_suffix", set()).add(cells[0])
    rows = read_registries(base)
    classes = {r.name: EntityClass(r.cls) for r in rows}
    parents: dict[str, tuple[str, EntityClass]] = {}
    for row in rows:
        if row.parent and row.parent != row.name:
            for form in (row.name, *row.aliases):
                parents.setdefault(form, (row.parent, classes.get(row.parent, EntityClass(row.cls))))

    res = RelationResources(
        triggers=triggers,
        owner_suffixes=owner_suffixes,
        parents=parents,
        forms={r.name: (r.name, *r.aliases) for r in rows},
        bodies={form: (r.name, EntityClass(r.cls)) for r in reversed(rows) for form in (r.name, *r.aliases) if len(form) >= 2},
        spanning=frozenset(f for r in rows if r.cls == "Project" and not r.region for f in (r.name, *r.aliases)),
        region_groups=frozenset(g.name for g in read_region_groups(base / "region_groups.tsv", None, []))
        if (base / "region_groups.tsv").is_file() else frozenset(),
        modifiers={k: frozenset(v) for k, v in modifiers.items()},
        titles=titles,
        patterns=tuple(patterns),
        senses={k: tuple(v) for k, v in senses.items()},
        region_names=region_names,
    )
    words = sorted(triggers, key=len, reverse=True)
    res.trigger_regex = re.compile("|".join(map(re.escape, words))) if words else None
    title_alt = "|".join(map(re.escape, titles))
    # a run of titles, each optionally preceded by a short unit name: 党工委委员、管委会总工程师
    res.title_regex = re.compile(rf"(?:[^\s，,。；;：:、“”\"（）()]{{0,6}}?(?:{title_alt})、?)+$") if titles else None
    return res
