"""Entity and region resolution: mentions -> canonical, geo-located entities; MentionTies -> Ties with Evidence."""

from kg.resolve.regions import Park, Region, RegionTable, normalise_name
from kg.resolve.resolver import Resolver

__all__ = ["Resolver", "RegionTable", "Region", "Park", "normalise_name"]
