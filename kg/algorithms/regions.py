"""The administrative-region hierarchy and region groups, read from the store (or a TSV table).

Regions are ``kgr:region/<GB/T 2260 code>`` with ``skos:broader`` links in ``kgr:graph/regions``;
region groups (京津冀 ...) are ``kgr:regiongroup/...`` with members. The analysis needs only the
store: :func:`region_hierarchy` reads both with SPARQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.algorithms._sparql import KG, load_query, local_name, run_select

__all__ = ["RegionHierarchy", "region_hierarchy"]

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SEPARATORS = re.compile(r"[\s,，、+/;；和与及]+")


def _level_from_code(code: str) -> str | None:
    """GB/T 2260 structure: ``XX0000`` province, ``XXXX00`` city, otherwise district."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district"


@dataclass
class RegionHierarchy:
    """Regions (by GB/T 2260 code) with their parents, names, levels and the region groups.

    Attributes
    ----------
    labels : dict
        ``code -> name`` (e.g. ``"371400" -> "德州市"``).
    aliases : dict
        ``code -> list of other names`` (``["德州"]``).
    levels : dict
        ``code -> "province" | "city" | "district"`` (anything below a city).
    parents : dict
        ``code -> parent code`` (from ``skos:broader``).
    groups : dict
        ``group name -> frozenset of member codes`` (``"京津冀" -> {"110000", "120000", "130000"}``).

    Examples
    --------
    >>> h = RegionHierarchy(
    ...     labels={"130000": "河北省", "130600": "保定市", "130682": "定州市"},
    ...     aliases={"130000": ["河北", "冀"], "130682": ["定州"]},
    ...     parents={"130600": "130000", "130682": "130600"},
    ... )
    >>> h.lineage("130682")
    ['130682', '130600', '130000']
    >>> h.province_of("130682"), h.city_of("130682")
    ('130000', '130600')
    >>> sorted(h.resolve("冀"))
    ['130000']
    >>> h.within("130682", h.resolve("河北"))
    True
    """

    labels: dict = field(default_factory=dict)
    aliases: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    parents: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)

    def __post_init__(self):
        for code in set(self.labels) | set(self.parents) | set(self.parents.values()):
            if code not in self.levels:
                level = _level_from_code(code)
                if level:
                    self.levels[code] = level
        self._names: dict[str, set[str]] = {}
        for code, label in self.labels.items():
            self._names.setdefault(label, set()).add(code)
        for code, names in self.aliases.items():
            for name in names:
                self._names.setdefault(name, set()).add(code)
        has_city = {parent for child, parent in self.parents.items() if self.levels.get(child) == "city"}
        # A province-level region without cities under it (北京, 天津, 香港...) is a municipality:
        # it plays the role of the city for everything inside it.
        self._municipalities = {
            code for code, level in self.levels.items() if level == "province" and code not in has_city
        }

    # -- hierarchy -------------------------------------------------------------------------
    def level_of(self, code: str | None) -> str | None:
        """``"province"``, ``"city"`` or ``"district"`` (from the table, else from the code's structure)."""
        if code is None:
            return None
        return self.levels.get(code) or _level_from_code(code)

    def lineage(self, code: str | None) -> list[str]:
        """``code`` followed by its ancestors, nearest first (``[]`` for None)."""
        out: list[str] = []
        while code is not None and code not in out:
            out.append(code)
            parent = self.parents.get(code)
            if parent is None and self.level_of(code) != "province":
                parent = self._guess_parent(code)
            code = parent
        return out

    def _guess_parent(self, code: str) -> str | None:
        # The table may lack the parent link: fall back on the GB/T 2260 code structure.
        if not (len(code) == 6 and code.isdigit()):
            return None
        for guess in (code[:4] + "00", code[:2] + "0000"):
            if guess != code and (guess in self.labels or not self.labels):
                return guess
        return None

    def province_of(self, code: str | None) -> str | None:
        """Province-level code containing ``code`` (itself when it is a province)."""
        for c in self.lineage(code):
            if self.level_of(c) == "province":
                return c
        return None

    def city_of(self, code: str | None) -> str | None:
        """City-level code containing ``code``; a municipality (北京市) is its own city."""
        for c in self.lineage(code):
            level = self.level_of(c)
            if level == "city":
                return c
            if level == "province":
                return c if c in self._municipalities else None
        return None

    def at_level(self, code: str | None, level: str) -> str | None:
        """The region containing ``code`` at ``level`` (``"province"``, ``"city"`` or ``"region"`` = itself)."""
        if level == "province":
            return self.province_of(code)
        if level == "city":
            return self.city_of(code)
        if level in ("region", "district"):
            return code
        raise ValueError(f"unknown region level {level!r}: use 'province', 'city' or 'region'")

    def label(self, code: str | None) -> str | None:
        """Name of a region code (the code itself when unnamed)."""
        if code is None:
            return None
        return self.labels.get(code, code)

    def short_label(self, code: str | None) -> str | None:
        """Shortest name of a region longer than one character (德州 for 德州市), for tables."""
        if code is None:
            return None
        names = [n for n in [self.labels.get(code), *self.aliases.get(code, [])] if n and len(n) > 1]
        return min(names, key=lambda n: (len(n), n)) if names else code

    # -- groups and names ----------------------------------------------------------------------
    def resolve(self, spec) -> frozenset[str]:
        """Region codes named by ``spec``.

        ``spec`` may be a code (``"130682"``), a region name or alias (``"河北"``, ``"冀"``),
        a region-group name (``"京津冀"``), a run of names (``"京津"``, ``"北京、天津"``),
        or an iterable of any of these. Raises ``ValueError`` naming what is unknown.
        """
        if spec is None:
            raise ValueError("no region given")
        if isinstance(spec, str):
            return self._resolve_text(spec.strip())
        if isinstance(spec, Iterable):
            out: set[str] = set()
            for item in spec:
                out |= self.resolve(item)
            return frozenset(out)
        raise TypeError(f"cannot read a region from {spec!r}")

    def _resolve_text(self, text: str) -> frozenset[str]:
        if not text:
            raise ValueError("empty region name")
        if text.isdigit():
            return frozenset([text])
        if text in self.groups:
            return frozenset(self.groups[text])
        if text in self._names:
            return frozenset(self._names[text])
        parts = [p for p in _SEPARATORS.split(text) if p]
        if len(parts) > 1:
            return self.resolve(parts)
        # A run of names without separators (京津, 北京天津): longest match first.
        out: set[str] = set()
        i = 0
        while i < len(text):
            for j in range(len(text), i, -1):
                piece = text[i:j]
                if piece in self.groups or piece in self._names:
                    out |= self.resolve(piece)
                    i = j
                    break
            else:
                raise ValueError(
                    f"unknown region or region group {text!r} (no region named {text[i:]!r}); "
                    f"known groups: {sorted(self.groups)}"
                )
        return frozenset(out)

    def within(self, code: str | None, codes: Iterable[str]) -> bool:
        """True when region ``code`` is one of ``codes`` or lies inside one of them."""
        codes = codes if isinstance(codes, (set, frozenset)) else set(codes)
        return any(c in codes for c in self.lineage(code))

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def from_store(cls, store) -> RegionHierarchy:
        """Read regions and region groups from a store (see ``queries/regions.rq``)."""
        labels, aliases, levels, parents, groups = {}, {}, {}, {}, {}
        for row in run_select(store, load_query("regions")):
            code = local_name(row["region"], "region")
            p, o = row["p"], row["o"]
            if p in (_RDFS_LABEL, _SKOS + "prefLabel"):
                if code in labels and labels[code] != o:
                    aliases.setdefault(code, []).append(o)
                else:
                    labels[code] = o
            elif p == _SKOS + "altLabel":
                aliases.setdefault(code, []).append(o)
            elif p == _SKOS + "broader":
                parents[code] = local_name(o, "region")
            elif p in (KG + "adminLevel", KG + "level"):
                levels[code] = str(o)
        for code in aliases:
            aliases[code] = sorted(set(aliases[code]) - {labels.get(code)})
        for row in run_select(store, load_query("region_groups")):
            names = {local_name(row["group"], "regiongroup")}
            if row["name"]:
                names.add(row["name"])
            for name in names:
                members = groups.setdefault(name, set())
                if row["member"]:
                    members.add(local_name(row["member"], "region"))
        groups = {k: frozenset(v) for k, v in groups.items() if v}
        return cls(labels=labels, aliases=aliases, levels=levels, parents=parents, groups=groups)

    @classmethod
    def from_tsv(cls, regions_tsv: str | Path, groups_tsv: str | Path | None = None) -> RegionHierarchy:
        """Read ``regions.tsv`` and ``region_groups.tsv`` as in ``kg/resources/`` (the one reader,
        :mod:`kg.region_tables`; rows it reports as malformed are left out)."""
        from kg.region_tables import read_region_groups, read_regions

        rows = read_regions(regions_tsv, [])
        groups = read_region_groups(groups_tsv, None, []) if groups_tsv is not None and Path(groups_tsv).is_file() else []
        return cls(
            labels={r.code: r.name for r in rows},
            aliases={r.code: list(r.aliases) for r in rows},
            levels={r.code: r.level for r in rows},
            parents={r.code: r.parent for r in rows if r.parent},
            groups={g.name: frozenset(g.members) for g in groups if g.members},
        )


def region_hierarchy(store) -> RegionHierarchy:
    """The region hierarchy of a store; falls back on ``kg/resources/regions.tsv`` when the
    store holds no regions graph.

    Parameters
    ----------
    store : object with ``.query(sparql)``
        ``kg.rdf.KGStore`` or a ``pyoxigraph.Store``.

    Returns
    -------
    RegionHierarchy

    Examples
    --------
    >>> import pyoxigraph
    >>> h = region_hierarchy(pyoxigraph.Store())   # an empty store: the resource table, if any
    >>> isinstance(h, RegionHierarchy)
    True
    """
    hierarchy = RegionHierarchy.from_store(store)
    if hierarchy.labels:
        return hierarchy
    resources = Path(__file__).resolve().parent.parent / "resources"
    table = resources / "regions.tsv"
    if table.is_file():
        return RegionHierarchy.from_tsv(table, resources / "region_groups.tsv")
    return hierarchy
