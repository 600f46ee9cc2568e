"""GB/T 2260 region table, park gazetteer and region groups: name -> code lookups and the hierarchy.

Data (read when a :class:`RegionTable` is built, never at import):

* ``kg/resources/regions.tsv``  ``code  name  aliases  level  parent`` (made by ``scripts/make_regions_tsv.py``);
* ``kg/resources/registries/*.tsv``  the Park rows of the registries (national high-tech zones, development
  zones, new areas, free-trade zones ...: not GB/T 2260 units) with the region containing each, and an
  optional ``kg/resources/parks.tsv`` (``name  aliases  region  kind  note``) of further parks;
* ``kg/resources/region_groups.tsv``  ``group  member  note`` (京津冀 = 110000, 120000, 130000); a member stands
  for itself and every region under it;
* ``kg/resources/resolve/region_prefix_exceptions.tsv``  name beginnings that look like a region but are not
  one (中山大学 is in 广州, 东方航空 is not in 东方市).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.region_tables import RegionRow, read_region_groups, read_regions
from kg.registries import read_registries

__all__ = ["Region", "Park", "RegionTable", "normalise_name"]

RESOURCE_DIR = Path(__file__).resolve().parent.parent / "resources"
LEVEL_RANK = {"province": 0, "city": 1, "district": 2}
Region = RegionRow  # one row of ``regions.tsv``


@lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """NFKC, no whitespace, traditional -> simplified (OpenCC t2s): the form names are compared in.

    Examples
    --------
    >>> normalise_name(" 長治高新區 ")
    '长治高新区'
    """
    text = "".join(unicodedata.normalize("NFKC", name).split())
    return _t2s(text)


_converter = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


@dataclass(frozen=True)
class Park:
    """One row of ``parks.tsv``: a park/zone/new area and the region containing it."""

    name: str
    aliases: tuple[str, ...]
    region: str
    kind: str


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Data rows of a TSV (header and ``#`` comment lines skipped) with their line numbers."""
    with path.open(encoding="utf-8") as fh:
        header_seen = False
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield lineno, line.rstrip("\n").split("\t")


def _refuse(problems: list[str]) -> None:
    """Resolution needs a consistent table: the first problem of a region file is an error."""
    if problems:
        raise ValueError(problems[0] + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""))


class RegionTable:
    """Lookups over the GB/T 2260 regions, the park gazetteer and the region groups.

    Parameters
    ----------
    resources : str or Path, optional
        Directory holding ``regions.tsv``, ``parks.tsv``, ``region_groups.tsv`` and ``resolve/``;
        defaults to ``kg/resources``. Missing optional files (parks, groups, exceptions) give empty tables.

    Examples
    --------
    >>> table = RegionTable()
    >>> table.code_for("北京西城区"), table.code_for("德州"), table.code_for("定州市")
    ('110102', '371400', '130682')
    >>> table.province_of("130682"), table.city_of("130682")
    ('130000', '130600')
    >>> table.in_group("133100", "京津冀"), table.in_group("371400", "京津冀")
    (True, False)
    >>> table.region_in_name("山东有研半导体材料有限公司"), table.region_in_name("德州天衢新区")
    ('370000', '371400')
    """

    def __init__(self, resources: str | Path | None = None):
        base = Path(resources) if resources is not None else RESOURCE_DIR
        self.regions: dict[str, Region] = {}
        self._by_name: dict[str, list[str]] = {}
        path = base / "regions.tsv"
        if not path.is_file():
            raise FileNotFoundError(f"region table missing: {path}")
        problems: list[str] = []
        self.regions = {row.code: row for row in read_regions(path, problems)}
        _refuse(problems)
        for region in self.regions.values():
            for alias in (region.name, *region.aliases):
                self._by_name.setdefault(normalise_name(alias), []).append(region.code)

        self.parks: dict[str, Park] = {}
        self._park_by_name: dict[str, Park] = {}
        for row in read_registries(base):
            if row.cls == "Park" and row.region in self.regions:
                self._add_park(Park(row.name, row.aliases, row.region, row.kind))
        path = base / "parks.tsv"
        if path.is_file():
            for lineno, cells in _rows(path):
                cells += [""] * (5 - len(cells))
                name, aliases, region = cells[0], cells[1], cells[2]
                if region not in self.regions:
                    raise ValueError(f"{path}:{lineno}: park {name!r} has unknown region code {region!r}")
                self._add_park(Park(name, tuple(a for a in aliases.split("|") if a), region, cells[3]))

        self.groups: dict[str, set[str]] = {}
        path = base / "region_groups.tsv"
        if path.is_file():
            self.groups = {g.name: set(g.members) for g in read_region_groups(path, set(self.regions), problems)}
            _refuse(problems)

        self.prefix_exceptions: tuple[str, ...] = ()
        path = base / "resolve" / "region_prefix_exceptions.tsv"
        if path.is_file():
            self.prefix_exceptions = tuple(normalise_name(c[0]) for _, c in _rows(path) if c and c[0])
        # names usable as the region prefix of an organisation name: two characters or more
        self._prefix_names = sorted({n for n in self._by_name if len(n) >= 2} | {n for n in self._park_by_name if len(n) >= 2}, key=len, reverse=True)
        self._region_in_name_cache: dict[str, str | None] = {}
        self._max_prefix = max((len(n) for n in self._prefix_names), default=0)
        self._prefix_set = set(self._prefix_names)

    def _add_park(self, park: Park) -> None:
        self.parks[park.name] = park
        for alias in (park.name, *park.aliases):
            self._park_by_name.setdefault(normalise_name(alias), park)

    # ------------------------------------------------------------- lookups
    def __contains__(self, code: str) -> bool:
        return code in self.regions

    def __len__(self) -> int:
        return len(self.regions)

    def region(self, code: str) -> Region | None:
        """The :class:`Region` of ``code``, or None."""
        return self.regions.get(code)

    def name_of(self, code: str) -> str | None:
        """Official name of ``code`` (``"371400"`` -> ``"德州市"``)."""
        region = self.regions.get(code)
        return region.name if region else None

    def level(self, code: str) -> str | None:
        """``province``, ``city`` or ``district``."""
        region = self.regions.get(code)
        return region.level if region else None

    def codes_for(self, name: str) -> list[str]:
        """Every code whose name or alias is ``name`` (exact, after :func:`normalise_name`)."""
        return list(self._by_name.get(normalise_name(name), ()))

    def code_for(self, name: str, within: str | None = None) -> str | None:
        """The code of a region named ``name`` (official name or alias), or None.

        When several regions share the name, the one under ``within`` wins, else the one of
        highest level (吉林 -> the province); a tie at the same level gives None (ambiguous).
        """
        codes = self.codes_for(name)
        if within is not None:
            inside = [c for c in codes if c == within or within in self.ancestors(c)]
            if inside:
                codes = inside
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0]
        best = min(LEVEL_RANK[self.regions[c].level] for c in codes)
        top = [c for c in codes if LEVEL_RANK[self.regions[c].level] == best]
        return top[0] if len(top) == 1 else None

    def park(self, name: str) -> Park | None:
        """The :class:`Park` named ``name`` (name or alias), or None."""
        return self._park_by_name.get(normalise_name(name))

    def parent(self, code: str) -> str | None:
        """The code of the region directly containing ``code`` (None for a province or unknown code)."""
        region = self.regions.get(code)
        return region.parent if region else None

    def ancestors(self, code: str) -> list[str]:
        """Codes containing ``code``, nearest first (``130682`` -> ``['130600', '130000']``)."""
        out: list[str] = []
        parent = self.parent(code)
        while parent and parent not in out:
            out.append(parent)
            parent = self.parent(parent)
        return out

    def province_of(self, code: str) -> str | None:
        """The province-level code containing (or equal to) ``code``."""
        chain = [code, *self.ancestors(code)] if code in self.regions else []
        return next((c for c in chain if self.regions[c].level == "province"), None)

    def city_of(self, code: str) -> str | None:
        """The prefecture-level code containing (or equal to) ``code``; None for a province."""
        chain = [code, *self.ancestors(code)] if code in self.regions else []
        return next((c for c in chain if self.regions[c].level == "city"), None)

    def is_within(self, code: str, container: str) -> bool:
        """True when ``code`` equals ``container`` or lies inside it."""
        return code == container or container in self.ancestors(code)

    def in_group(self, code: str, group: str) -> bool:
        """True when ``code`` is a member of region group ``group`` or lies inside one."""
        return any(self.is_within(code, member) for member in self.groups.get(group, ()))

    def groups_of(self, code: str) -> list[str]:
        """Names of the region groups ``code`` belongs to."""
        return sorted(g for g in self.groups if self.in_group(code, g))

    def region_in_name(self, name: str) -> str | None:
        """Most specific region named at the start of an organisation or park name, or None.

        Reads successive region prefixes (山东省德州市… -> 371400) and park names (德州天衢新区… -> 371400);
        a later prefix is taken only when it lies inside the earlier one. One-character
        abbreviations never count (京东方 is not in Beijing), nor do the listed exceptions (中山大学).
        """
        text = normalise_name(name)
        if text in self._region_in_name_cache:
            return self._region_in_name_cache[text]
        code = None if text.startswith(self.prefix_exceptions) else self._read_region_prefixes(text)
        if len(self._region_in_name_cache) < 200_000:  # names repeat across articles; the tables are fixed
            self._region_in_name_cache[text] = code
        return code

    def _read_region_prefixes(self, text: str) -> str | None:
        return self.region_prefix(text)[0]

    def region_prefix(self, name: str) -> tuple[str | None, int]:
        """The most specific region the successive region names opening ``name`` give, and how many characters
        they take (湖南花垣县十八洞村 -> ('433124', 5)); ``(None, 0)`` when it opens with none.

        Examples
        --------
        >>> RegionTable().region_prefix("湖南花垣县十八洞村")
        ('433124', 5)
        """
        text = normalise_name(name)
        code: str | None = None
        pos = used = 0
        while pos < len(text):
            hit = None
            for size in range(min(self._max_prefix, len(text) - pos), 1, -1):
                piece = text[pos:pos + size]
                if piece in self._prefix_set:
                    hit = piece
                    break
            if hit is None:
                break
            park = self._park_by_name.get(hit)
            found = park.region if park is not None else self.code_for(hit, within=code)
            if found is None or (code is not None and not self.is_within(found, code)):
                break
            code = found
            pos += len(hit)
            used = pos
        return code, used

    def most_specific(self, codes) -> str | None:
        """The deepest of ``codes`` when they lie on one chain (370000, 371400 -> 371400), else the first."""
        codes = [c for c in codes if c in self.regions]
        if not codes:
            return None
        best = codes[0]
        for c in codes[1:]:
            if self.is_within(c, best):
                best = c
        return best
