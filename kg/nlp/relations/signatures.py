"""Which classes each relation accepts, and the orientation of locatedIn / hosts by type."""

from __future__ import annotations

from kg.types import ORGANISATION_CLASSES, EntityClass, Mention, Relation

__all__ = ["PLACE_LIKE", "ACTORS", "SIGNATURES", "fits", "orient"]

PLACE_LIKE = frozenset({EntityClass.PLACE, EntityClass.PARK})
ACTORS = ORGANISATION_CLASSES | PLACE_LIKE
_HOSTED = ORGANISATION_CLASSES | {EntityClass.PROJECT, EntityClass.PARK, EntityClass.EVENT}
#: (subject classes, object classes) each relation accepts; a place is located in a place only when a frame
#: says so (位于), an actor in an organisation only a project or event (a project in a laboratory)
SIGNATURES: dict[Relation, tuple[frozenset, frozenset]] = {
    Relation.COOPERATES_WITH: (ACTORS, ACTORS),
    Relation.LOCATED_IN: (_HOSTED | {EntityClass.PLACE}, PLACE_LIKE | ORGANISATION_CLASSES),
    Relation.HOSTS: (PLACE_LIKE, _HOSTED),
    Relation.RELOCATED_TO: (ORGANISATION_CLASSES | {EntityClass.PROJECT}, PLACE_LIKE),
    Relation.INVESTS_IN: (ORGANISATION_CLASSES | {EntityClass.PARK}, ORGANISATION_CLASSES | {EntityClass.PROJECT, EntityClass.PARK}),
    Relation.TRANSFERS_TECHNOLOGY_TO: (ACTORS, ACTORS),
    Relation.SUPPLIES_TO: (ACTORS, ACTORS),
    Relation.SUB_ORGANIZATION_OF: (ORGANISATION_CLASSES | {EntityClass.PROJECT}, ORGANISATION_CLASSES | {EntityClass.PROJECT}),
    Relation.PARTICIPATES_IN: (ACTORS | {EntityClass.PERSON},
                               frozenset({EntityClass.EVENT, EntityClass.PROJECT, EntityClass.INNOVATION_PLATFORM})),
    Relation.VISITS: (ACTORS | {EntityClass.PERSON}, ACTORS),
    Relation.BENCHMARKS_AGAINST: (ACTORS, ACTORS),
    Relation.HOLDS_POSITION: (frozenset({EntityClass.PERSON}), ACTORS),
}


def fits(rel: Relation, subj: Mention, obj: Mention, explicit: bool = False) -> bool:
    """True when ``rel`` accepts a subject of ``subj``'s class and an object of ``obj``'s.

    Two places never "cooperate" through a slogan (对接京津冀、鲁北…): only when the caller read an ``explicit``
    partner structure (重庆与四川紧密协作).
    """
    sig = SIGNATURES.get(rel)
    if rel is Relation.COOPERATES_WITH and subj.cls is EntityClass.PLACE and obj.cls is EntityClass.PLACE \
            and not explicit:
        return False
    if rel is Relation.LOCATED_IN and obj.cls in ORGANISATION_CLASSES and subj.cls not in (EntityClass.PROJECT,
                                                                                           EntityClass.EVENT):
        return False
    if rel is Relation.SUB_ORGANIZATION_OF and EntityClass.PROJECT in (subj.cls, obj.cls) and subj.cls is not obj.cls:
        return False  # a project is part of a project (平陆运河 of 西部陆海新通道), an organisation of an organisation
    return sig is None or (subj.cls in sig[0] and obj.cls in sig[1])


def orient(subj: Mention, rel: Relation, obj: Mention) -> tuple[Mention, Relation, Mention]:
    """locatedIn/hosts follow the types: an organisation is locatedIn a place, a place hosts it."""
    if rel in (Relation.LOCATED_IN, Relation.HOSTS):
        if subj.cls in PLACE_LIKE and obj.cls not in PLACE_LIKE:
            return subj, Relation.HOSTS, obj
        if subj.cls not in PLACE_LIKE and obj.cls in PLACE_LIKE:
            return subj, Relation.LOCATED_IN, obj
    return subj, rel, obj
