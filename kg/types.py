"""Plain data types handed from stage to stage (ingest -> nlp -> resolve -> rdf).

These carry no behaviour that depends on spaCy or rdflib, so ``kg.nlp`` and
``kg.rdf`` can both import them without importing each other.

Offsets
-------
Two coordinate systems exist and every type says which one it uses:

* *clean* offsets index :attr:`CleanArticle.text` (simplified, normalised text
  the NLP stage sees);
* *original* offsets index :attr:`Article.text` (the decoded source text, as
  read from the file).  Evidence always carries original offsets so that
  ``article.text[start:end]`` is the proof a user can check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "Article",
    "CleanArticle",
    "EntityClass",
    "ORGANISATION_CLASSES",
    "Relation",
    "TieStatus",
    "Mention",
    "Entity",
    "Evidence",
    "Tie",
    "MentionTie",
    "Extraction",
    "Problem",
]


class EntityClass(str, Enum):
    """Entity classes; each value is the local name of an ontology class in ``ontology/kg.ttl``."""

    ENTERPRISE = "Enterprise"
    UNIVERSITY = "University"
    RESEARCH_INSTITUTE = "ResearchInstitute"
    GOVERNMENT_AGENCY = "GovernmentAgency"
    ORGANIZATION = "Organization"  # organisation of unknown kind (association, alliance, media...)
    PARK = "Park"
    INNOVATION_PLATFORM = "InnovationPlatform"
    PROJECT = "Project"
    EVENT = "Event"
    PERSON = "Person"
    PLACE = "Place"


#: The classes of organisations: the actors that cooperate, invest, own and are located somewhere.
ORGANISATION_CLASSES = frozenset(
    {
        EntityClass.ENTERPRISE,
        EntityClass.UNIVERSITY,
        EntityClass.RESEARCH_INSTITUTE,
        EntityClass.GOVERNMENT_AGENCY,
        EntityClass.ORGANIZATION,
        EntityClass.INNOVATION_PLATFORM,
    }
)


class Relation(str, Enum):
    """Tie types; each value is the local name of an object property in ``ontology/kg.ttl``."""

    COOPERATES_WITH = "cooperatesWith"
    LOCATED_IN = "locatedIn"
    HOSTS = "hosts"
    TRANSFERS_TECHNOLOGY_TO = "transfersTechnologyTo"
    RELOCATED_TO = "relocatedTo"
    INVESTS_IN = "investsIn"
    SUPPLIES_TO = "suppliesTo"
    SUB_ORGANIZATION_OF = "subOrganizationOf"
    PARTICIPATES_IN = "participatesIn"
    VISITS = "visits"
    BENCHMARKS_AGAINST = "benchmarksAgainst"
    HOLDS_POSITION = "holdsPosition"

    @property
    def symmetric(self) -> bool:
        """True when ``A rel B`` implies ``B rel A`` (cooperation)."""
        return self is Relation.COOPERATES_WITH


class TieStatus(str, Enum):
    """Whether the text reports a tie as done, planned, or explicitly denied."""

    REPORTED = "reported"
    PLANNED = "planned"
    NEGATED = "negated"


@dataclass(frozen=True)
class Article:
    """One source article as read from disk, before cleaning.

    Attributes
    ----------
    id : str
        Stable identifier: given by the input (JSONL ``id``) or derived from the content hash.
    text : str
        The decoded original text (for HTML: the visible text of the page). Evidence offsets index this.
    title, date, source, url : str or None
        Metadata found in the input or on the page. ``date`` is ISO ``YYYY-MM-DD`` when known.
    path : str or None
        Where the article was read from (file path, with ``:line`` for JSONL).
    encoding : str or None
        The detected encoding of the source file.
    meta : dict
        Any further fields the input carried (kept, not interpreted).
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    encoding: str | None = None
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the original text; a changed article gets a new hash."""
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CleanArticle:
    """The cleaned, simplified, normalised text of an article, with the way back.

    ``offsets[i]`` is the index in ``article.text`` of the character ``text[i]``
    came from; ``offsets`` has ``len(text) + 1`` entries, the last one being the
    original end, so a clean span ``[s, e)`` maps to ``[offsets[s], offsets[e-1] + 1)``.
    """

    article: Article
    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean span ``[start, end)`` to the original span it came from."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Mention:
    """An entity mention found in one article (clean offsets, plus original ones)."""

    text: str
    cls: EntityClass
    start: int
    end: int
    orig_start: int
    orig_end: int
    source: str = "ner"  # which component proposed it: "gazetteer", "grammar", "ner", "alias"
    confidence: float = 1.0
    canonical: str | None = None  # full name when this mention is a declared or known short form
    attrs: dict = field(default_factory=dict, compare=False, hash=False)  # e.g. {"position": "市委书记"}


@dataclass(frozen=True)
class Entity:
    """A resolved, real-world actor or place: one per canonical name and class.

    ``key`` is the stable identifier the RDF layer turns into an IRI; it does
    not change when the entity is seen again in another article.
    """

    key: str
    name: str
    cls: EntityClass
    aliases: frozenset[str] = frozenset()
    region: str | None = None  # GB/T 2260 code of the most specific known region
    attrs: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Evidence:
    """Where and how a tie was found. Offsets are *original* offsets."""

    article_id: str
    sentence: str  # the original text of the sentence: article.text[start:end]
    start: int
    end: int
    date: str | None
    confidence: float
    extractor: str  # registry-style versioned name, e.g. "kg.relations.trigger.v1"
    trigger: str | None = None


@dataclass(frozen=True)
class Tie:
    """A typed, directed tie between two resolved entities, with its evidence."""

    subject: Entity
    relation: Relation
    object: Entity
    evidence: Evidence
    status: TieStatus = TieStatus.REPORTED
    attrs: dict = field(default_factory=dict, compare=False, hash=False)  # e.g. {"position": "总工程师"}


@dataclass(frozen=True)
class MentionTie:
    """A tie between two mentions, as the relation stage finds it (before entity resolution).

    ``sentence_start``/``sentence_end`` are *clean* offsets of the sentence that
    proves the tie; the resolver maps them to original offsets for :class:`Evidence`.
    """

    subject: Mention
    relation: Relation
    object: Mention
    sentence_start: int
    sentence_end: int
    confidence: float
    extractor: str
    status: TieStatus = TieStatus.REPORTED
    trigger: str | None = None
    date: str | None = None  # ISO date found in the sentence, else None (the resolver falls back to the article date)
    attrs: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article: what the RDF layer writes as one named graph."""

    article: Article
    entities: tuple[Entity, ...]
    ties: tuple[Tie, ...]
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A reported, non-fatal problem with one input (skipped file, bad line...)."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"
