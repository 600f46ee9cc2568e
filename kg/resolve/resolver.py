"""The resolver: one canonical entity per real-world actor, linked to its most specific region.

Entity resolution
-----------------
A mention's name is ``Mention.canonical`` when the NER knew a full name for it (declared
``以下简称``, known short forms), else its text; names are compared after NFKC, whitespace removal and
traditional -> simplified conversion. Within the organisation classes a mention joins a known entity
when, in order:

1. its name (or the full name of a known short form from ``lexicons/short_forms.tsv``) equals the
   entity's name or one of its aliases;
2. its *core* equals the entity's core: the core drops the legal form (``legal_forms.tsv``:
   有限公司…) and the region prefix (山东有研半导体材料有限公司 -> 有研半导体材料), and the two
   region prefixes do not contradict each other;
3. its core is the beginning of exactly one known core and the rest is made of descriptor words
   (``descriptors.tsv``: 材料, 科技, 集团…), so 山东有研半导体 = 山东有研半导体材料有限公司 while
   有研集团 and 有研半导体 stay apart (their parent/child link is a ``subOrganizationOf`` tie).

Within an article, matches 2 and 3 need the two names' region prefixes to agree (北京旭阳科技 is not
河北旭阳), and no match joins a mention to the other end of one of the article's ``subOrganizationOf``
ties: in 红宝丽子公司南京红宝丽新材料有限公司, 红宝丽 is the parent, not the subsidiary's short form.

Places are keyed by region: ``place-<GB/T 2260 code>`` (``德州``, ``德州市``, ``我市`` in a 德州 article ->
``place-371400``); a place entity also answers to the region's other names (杭州市: 杭州). Bodies of the
registries (``kg/resources/registries/``: parks, universities, institutes, central enterprises, government
bodies, platforms) take their official name and every registered form as aliases (长治高新区 ->
长治高新技术产业开发区; 北大 -> 北京大学).

Keys
----
``Entity.key`` is the canonical name itself (normalised as above) for every class except places,
``place-<code>`` for places with a known region. The canonical name of a new entity is the longest
name among the mentions it gathers in its first article; a known entity keeps its key, name and
region for ever (new names become aliases; a region is only filled in when it was missing), so
rebuilding the store does not rename anything and the store holds one label and one region per entity.

Regions
-------
The region of an entity is, in order: the region its name starts with (``region_in_name``) or its
registry row's seat when that lies inside it, made more specific by a ``locatedIn``/``hosts``/``relocatedTo``
tie of the article when the tie's region lies inside it (a tie wins outright when the name has no region);
else, for every class but University, Person, Event and Place, the article's *home place* (its most
mentioned Place) as a low-confidence fallback (universities excepted: those named in a local article are
mostly elsewhere). ``Entity.attrs["region_source"]`` says which: ``name`` (a place inside the name),
``registry`` (a registry row), ``text`` (a tie of the article's text), ``article`` (the article's place: a guess).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path

from kg.registries import RegistryRow, read_registries
from kg.resolve.regions import RESOURCE_DIR, RegionTable, _rows, normalise_name
from kg.types import (
    ORGANISATION_CLASSES,
    CleanArticle,
    Entity,
    EntityClass,
    Evidence,
    Extraction,
    Mention,
    MentionTie,
    Relation,
    Tie,
    TieStatus,
)

__all__ = ["Resolver", "entity_key"]

#: classes whose seat a name can imply (a provincial or national body); companies and parks may be anywhere
SEATED_CLASSES = frozenset({EntityClass.GOVERNMENT_AGENCY, EntityClass.ORGANIZATION, EntityClass.RESEARCH_INSTITUTE})
#: where national bodies sit when the text does not say (ANNOTATION.md: 国家发展改革委 -> 北京市)
NATIONAL_SEAT = "110000"
FALLBACK_CLASSES = frozenset(
    {EntityClass.ENTERPRISE, EntityClass.PARK, EntityClass.INNOVATION_PLATFORM, EntityClass.PROJECT, EntityClass.GOVERNMENT_AGENCY,
     EntityClass.ORGANIZATION, EntityClass.RESEARCH_INSTITUTE}
)
LOCATING = (Relation.RELOCATED_TO, Relation.LOCATED_IN, Relation.HOSTS)


def entity_key(name: str, cls: EntityClass, region: str | None = None) -> str:
    """The stable key of an entity: ``place-<code>`` for a place with a region, else the normalised name.

    Examples
    --------
    >>> entity_key("德州市", EntityClass.PLACE, "371400")
    'place-371400'
    >>> entity_key("山东有研半导体材料有限公司", EntityClass.ENTERPRISE)
    '山东有研半导体材料有限公司'
    """
    if cls is EntityClass.PLACE and region:
        return f"place-{region}"
    return normalise_name(name)


#: 本届中国艺术节, 此次峰会: "this session of" a recurring event the article named in full before
_THIS_SESSION = re.compile(r"^(?:本届|这届|该届|此届|本次|此次|这次)")
#: what a full name of one session opens with: 第十三届, 2025年, 首届
_SESSION_MARK = re.compile(r"(?:第[一二三四五六七八九十百零〇\d]+[届次期]|\d{4}年|首届)")


def _family(cls: EntityClass) -> str:
    if cls in ORGANISATION_CLASSES:
        return "org"
    return cls.value


class Resolver:
    """Resolve mentions against known entities (e.g. those already in the store) and the region tables.

    Parameters
    ----------
    known : iterable of Entity
        Entities resolved before (e.g. ``KGStore.known_entities()``); new mentions link to them.
    resources : str or Path, optional
        The resources directory (default ``kg/resources``).

    Attributes
    ----------
    entities : tuple of Entity
        Everything the resolver knows; updated by every :meth:`resolve` (``Resolver(known=r.entities)``
        continues where ``r`` stopped).
    regions : RegionTable
    """

    def __init__(self, known: Iterable[Entity] = (), resources: str | Path | None = None):
        base = Path(resources) if resources is not None else RESOURCE_DIR
        self.regions = RegionTable(base)
        self.legal_forms = sorted(self._column(base / "resolve" / "legal_forms.tsv"), key=len, reverse=True)
        self.descriptors = sorted(self._column(base / "resolve" / "descriptors.tsv"), key=len, reverse=True)
        self.institution_heads = tuple(self._column(base / "resolve" / "institution_heads.tsv"))
        self.known_regions: dict[str, str] = {}
        # registry bodies by every form of their name (a form two bodies share is left out)
        self.registry: dict[str, RegistryRow] = {}
        shared: set[str] = set()
        for row in read_registries(base):
            for form in {normalise_name(n) for n in (row.name, *row.aliases)}:
                if form in self.registry and self.registry[form].name != row.name:
                    shared.add(form)
                self.registry.setdefault(form, row)
        for form in shared:
            del self.registry[form]
        self.capitals = {c[0]: c[1] for _, c in self._rows_of(base / "provincial_capitals.tsv")
                         if len(c) >= 2 and c[0] in self.regions and c[1] in self.regions}
        self.national_prefixes = tuple(
            normalise_name(c[0]) for _, c in self._rows_of(base / "resolve" / "national_prefixes.tsv") if c and c[0])
        for form, row in self.registry.items():
            if row.region in self.regions:
                self.known_regions[form] = row.region
        self.short_forms: dict[str, str] = {}
        for _, cells in self._rows_of(base / "lexicons" / "short_forms.tsv", header=False):
            if len(cells) >= 2 and cells[0] != "short":
                self.short_forms[normalise_name(cells[0])] = normalise_name(cells[1])
        self._by_key: dict[str, Entity] = {}
        self._core_cache: dict[str, str] = {}
        self._names: dict[tuple[str, str], str] = {}  # (family, normalised name) -> key
        self._cores: dict[tuple[str, str], set[str]] = {}  # (family, core) -> keys
        self._core_prefixes: dict[tuple[str, str], set[str]] = {}  # (family, proper prefix) -> longer cores
        for entity in known:
            self._remember(entity)

    @property
    def entities(self) -> tuple[Entity, ...]:
        """Every entity the resolver knows (given as ``known`` or resolved since), in key order."""
        return tuple(self._by_key[k] for k in sorted(self._by_key))

    def entity(self, key: str) -> Entity | None:
        """The known entity with ``key``, or None."""
        return self._by_key.get(key)

    # ------------------------------------------------------------ resources
    @staticmethod
    def _rows_of(path: Path, header: bool = True):
        if not path.is_file():
            return []
        if header:
            return list(_rows(path))
        with path.open(encoding="utf-8") as fh:
            return [(i, line.rstrip("\n").split("\t")) for i, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]

    def _column(self, path: Path) -> list[str]:
        return [normalise_name(c[0]) for _, c in self._rows_of(path) if c and c[0].strip()]

    # --------------------------------------------------------------- names
    def core(self, name: str) -> str:
        """The name without legal form and region prefix (山东有研半导体材料有限公司 -> 有研半导体材料)."""
        text = normalise_name(name)
        core = self._core_cache.get(text)
        if core is None:
            core = self._core(text)
            if len(self._core_cache) < 200_000:  # a pure function of the name and the fixed tables
                self._core_cache[text] = core
        return core

    def _core(self, text: str) -> str:
        for suffix in self.legal_forms:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                break
        prefix_code = self.regions.region_in_name(text)
        # 天津大学 and 北京大学 are different actors: only firm-like names lose their region prefix
        if prefix_code and not text.endswith(self.institution_heads):
            stripped = self._strip_region_prefix(text)
            if len(stripped) >= 2:
                text = stripped
        return text

    def _strip_region_prefix(self, text: str) -> str:
        pos = 0
        names = self.regions._prefix_set
        while True:
            for size in range(min(8, len(text) - pos), 1, -1):
                if text[pos:pos + size] in names and self.regions.park(text[pos:pos + size]) is None:
                    pos += size
                    break
            else:
                return text[pos:]

    def _descriptor_rest(self, rest: str) -> bool:
        """True when ``rest`` is a run of descriptor words (材料, 科技集团…)."""
        while rest:
            for word in self.descriptors:
                if rest.startswith(word):
                    rest = rest[len(word):]
                    break
            else:
                return False
        return True

    # ------------------------------------------------------------- memory
    def _remember(self, entity: Entity) -> None:
        self._by_key[entity.key] = entity
        fam = _family(entity.cls)
        for name in (entity.name, *entity.aliases):
            norm = normalise_name(name)
            self._names.setdefault((fam, norm), entity.key)
            if fam == "org":
                core = self.core(norm)
                self._cores.setdefault((fam, core), set()).add(entity.key)
                for size in range(2, len(core)):
                    self._core_prefixes.setdefault((fam, core[:size]), set()).add(core)

    def _find(self, fam: str, name: str) -> str | None:
        """Key of the known entity ``name`` refers to (rules 1-3 of the module doc), or None."""
        key = self._names.get((fam, name))
        if key is None and name in self.short_forms:
            key = self._names.get((fam, self.short_forms[name]))
        if key is not None or fam != "org":
            return key
        core = self.core(name)
        region = self.regions.region_in_name(name)
        exact = [k for k in self._cores.get((fam, core), ()) if self._regions_agree(region, k)]
        if len(exact) == 1:
            return exact[0]
        if len(core) < 2:
            return None
        # known longer cores starting with this one, and known shorter cores this one starts with
        longer = [c for c in self._core_prefixes.get((fam, core), ()) if self._descriptor_rest(c[len(core):])]
        shorter = [core[:size] for size in range(2, len(core))
                   if (fam, core[:size]) in self._cores and self._descriptor_rest(core[size:])]
        prefixed = {k for c in longer + shorter for k in self._cores[(fam, c)] if self._regions_agree(region, k)}
        return next(iter(prefixed)) if len(prefixed) == 1 else None

    def _regions_agree(self, region: str | None, key: str) -> bool:
        return self._codes_agree(region, self.regions.region_in_name(self._by_key[key].name))

    def _codes_agree(self, region: str | None, other: str | None) -> bool:
        """True unless two name regions contradict each other (河北 vs 北京; 德州 inside 山东 agrees)."""
        if region is None or other is None:
            return True
        return self.regions.is_within(region, other) or self.regions.is_within(other, region)

    # ------------------------------------------------------------ resolve
    def resolve(self, clean: CleanArticle, mentions: list[Mention], ties: list[MentionTie]) -> Extraction:
        """Return the article's entities and ties (with evidence in original offsets).

        Parameters
        ----------
        clean : CleanArticle
        mentions : list of Mention
            Mentions of the article (tie mentions not in the list are resolved too).
        ties : list of MentionTie

        Returns
        -------
        Extraction
            Entities referenced by the article's mentions and ties; ties between distinct entities,
            deduplicated (one per subject, relation, object and status: the most confident).
        """
        article = clean.article
        all_mentions = list(mentions) + [m for t in ties for m in (t.subject, t.object)]
        home = self._home_region(all_mentions)
        # longest names first, so full names found entities before their short forms look them up
        order = sorted(set(all_mentions), key=lambda m: (-len(self._name_of(m)), m.start, m.end))
        key_of: dict[Mention, str] = {}
        fresh: dict[str, dict] = {}  # key -> {"names": set, "cls": cls, "region": ..., "source": ...}
        # the two ends of a subOrganizationOf tie are two actors even when they share a brand
        # (红宝丽子公司南京红宝丽新材料有限公司: 红宝丽 is the parent, not the subsidiary's short form)
        apart: dict[Mention, list[Mention]] = {}
        for t in ties:
            if t.relation is Relation.SUB_ORGANIZATION_OF:
                apart.setdefault(t.subject, []).append(t.object)
                apart.setdefault(t.object, []).append(t.subject)
        for m in order:
            not_keys = {key_of[o] for o in apart.get(m, ()) if o in key_of}
            key_of[m] = self._link(m, fresh, home, not_keys)

        self._locate(ties, key_of, fresh)
        nearby = self._nearby_places(clean.text, all_mentions, key_of)
        for key, info in fresh.items():
            self._commit(key, info, nearby.get(key, home))
        touched = {key_of[m] for m in all_mentions}
        out_ties = self._ties(clean, ties, key_of)
        entities = tuple(self._by_key[k] for k in sorted(touched))
        return Extraction(article=article, entities=entities, ties=out_ties, mentions=tuple(mentions))

    @staticmethod
    def _nearby_places(text: str, mentions: list[Mention], key_of: dict[Mention, str]) -> dict[str, str]:
        """For each entity, the region of the nearest place named before its first mention in the same paragraph
        (the fallback guess, better than the article's most mentioned place: 在林芝，… 米林水电站)."""
        places = sorted((m.start, key_of[m][6:]) for m in mentions
                        if m.cls is EntityClass.PLACE and key_of.get(m, "").startswith("place-"))
        first: dict[str, int] = {}
        for m in mentions:
            first[key_of[m]] = min(first.get(key_of[m], m.start), m.start)
        out = {}
        for key, start in first.items():
            before = [(s, code) for s, code in places if s < start and "\n" not in text[s:start]]
            if before:
                out[key] = before[-1][1]
        return out

    def _name_of(self, m: Mention) -> str:
        """The mention's canonical name when plausible, else its text.

        A canonical is kept only when the mention's characters appear in it in order (中科院 -> 中国科学院,
        山西立讯 -> 山西立讯精密工业有限公司); 有研半导体 -> 中国有研科技集团有限公司 is a parent, not a
        short form, and is refused so the two actors are not merged.
        """
        text = normalise_name(m.text)
        if m.canonical and m.source in ("anaphora", "relations"):
            return normalise_name(m.canonical)  # 我市 / 京 made by the relation stage point at a place by design
        if m.canonical:
            canonical = normalise_name(m.canonical)
            rest = iter(canonical)
            if all(ch in rest for ch in text):
                return canonical
        return text

    def _home_region(self, mentions: list[Mention]) -> str | None:
        """Region of the article's most mentioned Place (the fallback region), or None."""
        counts: dict[str, int] = {}
        for m in mentions:
            if m.cls is EntityClass.PLACE:
                code = self.regions.code_for(self._name_of(m))
                if code:
                    counts[code] = counts.get(code, 0) + 1
        return max(counts, key=lambda c: (counts[c], -len(c))) if counts else None

    def _link(self, m: Mention, fresh: dict[str, dict], home: str | None, not_keys: Collection[str] = ()) -> str:
        """Key of the entity ``m`` refers to, creating an entry in ``fresh`` for new names.

        ``not_keys`` are entities ``m`` cannot be (the other end of its subOrganizationOf tie): a name
        match to one of them does not count.
        """
        name = self._name_of(m)
        fam = _family(m.cls)
        display, region, source = name, None, None
        extra_names: set[str] = set()
        if m.cls is EntityClass.PLACE:
            region = self.regions.code_for(name)
            if region is None and (park := self.regions.park(name)) is not None:
                region = park.region
            if region is None:
                # 湖南花垣县十八洞村: a village or street is below the places the graph keeps; its county is the place
                region, used = self.regions.region_prefix(name)
                if region is not None and used < len(name):
                    extra_names.add(name[:used])
            if region:
                display, source = self.regions.name_of(region), "name"
        elif m.cls is EntityClass.PARK:
            park = self.regions.park(name)
            if park is not None:
                display, region, source = normalise_name(park.name), park.region, "registry"
            else:
                region = self.regions.code_for(name) or self.regions.region_in_name(name)
                source = "name" if region else None
        else:
            row = self.registry.get(name) or self.registry.get(self.short_forms.get(name, ""))
            if row is not None and _family(EntityClass(row.cls)) == fam:
                display = normalise_name(row.name)  # the official name: one entity whatever form an article uses
                # the registry knows the seat; a body it lists without one (一带一路, 上海合作组织) has none, whatever
                # place its name holds (平陆运河 is in 广西, not in 平陆县)
                region, source = (row.region, "registry") if row.region in self.regions else (None, None)
            else:
                region, source = self._place_after_owner(name)
                if region is None:
                    region = self._seat_from_name(name, m.cls)
                    source = "name" if region else None
        key = None
        if m.cls is not EntityClass.PLACE or not region:
            # the name the article writes first (a known entity may carry it), then the official one
            key = self._find(fam, name) or (self._find(fam, normalise_name(display)) if display != name else None)
        if key is None and m.cls is EntityClass.PLACE and region:
            key = entity_key(display, m.cls, region)
        if key is None or key in not_keys:
            key = self._find_fresh(fam, display, fresh)
        if key is None or key in not_keys:
            key = entity_key(display, m.cls, region)
        info = fresh.setdefault(key, {"names": set(), "cls": m.cls, "region": None, "source": None, "display": display})
        info["names"].update({name, normalise_name(m.text), display, *extra_names})
        if info["cls"] is EntityClass.ORGANIZATION and m.cls in ORGANISATION_CLASSES:
            info["cls"] = m.cls  # a more specific kind seen for the same actor
        if region and (info["region"] is None or self.regions.is_within(region, info["region"])):
            info["region"], info["source"] = region, source
        return key

    def _place_after_owner(self, name: str) -> tuple[str | None, str | None]:
        """Where a unit named after a registry body is, as ``(region, source)``: the place its name states after
        the body's (中国农业银行 + 北京市分行: 北京市), else, for a part of a registry project or park, the seat of
        that project or park (平陆运河 + 青年枢纽一期工程: 广西, not the county 平陆 the name begins with).  An
        organisation's seat is no evidence for its unit (中国铁建重工 is in 长沙), so then ``(None, None)``."""
        for size in range(len(name) - 1, 2, -1):
            row = self.registry.get(name[:size])
            if row is None:
                continue
            if (place := self.regions.region_in_name(name[size:])) is not None:
                return place, "name"
            if row.cls in (EntityClass.PROJECT.value, EntityClass.PARK.value) and row.region in self.regions:
                return row.region, "registry"
            return None, None
        return None, None

    def _seat_from_name(self, name: str, cls: EntityClass) -> str | None:
        """The region a name states: its place prefix (``region_in_name``); a provincial body (湖北省文化和旅游厅)
        sits in the provincial capital (``provincial_capitals.tsv``), a national one (国家…, 中央…, 全国…) in 北京.
        """
        region = self.regions.region_in_name(name)
        if cls not in SEATED_CLASSES:
            return region
        if region is None:
            return NATIONAL_SEAT if name.startswith(self.national_prefixes) and NATIONAL_SEAT in self.regions else None
        capital = self.capitals.get(region)
        province = self.regions.name_of(region) or ""
        if capital and name.startswith(province):
            return capital
        return region

    def _find_fresh(self, fam: str, name: str, fresh: dict[str, dict]) -> str | None:
        """Match against entities first seen in this article (not yet remembered)."""
        if fam != "org":
            for key, info in fresh.items():
                if _family(info["cls"]) == fam and name in info["names"]:
                    return key
            if (this := _THIS_SESSION.match(name)) and len(name) - this.end() >= 3:
                # 本届中国艺术节 is the 第十三届中国艺术节 named before it (only when one session is named)
                bare = name[this.end():]
                hits = {key for key, info in fresh.items() if _family(info["cls"]) == fam and any(
                    other.endswith(bare) and _SESSION_MARK.fullmatch(other[:-len(bare)]) for other in info["names"])}
                if len(hits) == 1:
                    return hits.pop()
            if fam == EntityClass.PARK.value:
                # 天衢新区 is 德州天衢新区 of the same article: a park's name without its place prefix
                bare = self._strip_region_prefix(name)
                hits = {key for key, info in fresh.items() if _family(info["cls"]) == fam and len(bare) >= 3
                        and any(self._strip_region_prefix(other) == bare for other in info["names"])}
                return next(iter(hits)) if len(hits) == 1 else None
            return None
        core = self.core(name)
        region = self.regions.region_in_name(name)
        hits = set()
        for key, info in fresh.items():
            if _family(info["cls"]) != "org":
                continue
            for other in info["names"]:
                if other == name:
                    hits.add(key)
                    continue
                # 北京旭阳科技 is not 河北旭阳(能源): same brand, contradicting regions
                if not self._codes_agree(region, self.regions.region_in_name(other)):
                    continue
                oc = self.core(other)
                if oc == core or (
                    len(core) >= 2 and oc.startswith(core) and self._descriptor_rest(oc[len(core):])
                ) or (len(oc) >= 2 and core.startswith(oc) and self._descriptor_rest(core[len(oc):])):
                    hits.add(key)
        return next(iter(hits)) if len(hits) == 1 else None

    def _locate(self, ties: list[MentionTie], key_of: dict[Mention, str], fresh: dict[str, dict]) -> None:
        """Make regions more specific from locatedIn / hosts / relocatedTo ties of the article."""
        for rank, relation in enumerate(LOCATING):
            for t in ties:
                if t.relation is not relation or t.status is TieStatus.NEGATED:
                    continue
                thing, place = (t.object, t.subject) if relation is Relation.HOSTS else (t.subject, t.object)
                pkey, tkey = key_of.get(place), key_of.get(thing)
                if pkey is None or tkey is None or tkey not in fresh:
                    continue
                pinfo = fresh.get(pkey) or {}
                where = pinfo.get("region") or (self._by_key[pkey].region if pkey in self._by_key else None)
                if not where:
                    continue
                info = fresh[tkey]
                current = info["region"]
                if current is None or info["source"] == "article" or self.regions.is_within(where, current) or (
                    relation is Relation.RELOCATED_TO and info["source"] == "text"
                ):
                    info["region"], info["source"] = where, "text"

    def _commit(self, key: str, info: dict, home: str | None) -> None:
        """Create or update the entity ``key`` from what this article said about it."""
        names = {n for n in info["names"] if n}
        row = self.registry.get(info["display"])
        if row is not None and info["cls"] is not EntityClass.PLACE:
            names |= {normalise_name(n) for n in (row.name, *row.aliases)}  # its known forms, for search and matching
        elif info["cls"] is EntityClass.PLACE and key.startswith("place-") and (region := self.regions.region(key[6:])):
            names |= {normalise_name(n) for n in (region.name, *region.aliases) if len(n) >= 2}
        old = self._by_key.get(key)
        if old is not None:
            region = old.region
            attrs = dict(old.attrs)
            # a known region is kept (earlier articles wrote it to the store); only a missing one is filled
            if info["region"] and region is None:
                region = info["region"]
                attrs["region_source"] = info["source"]
            # name and key never change once given (the store has one label per entity, written by
            # earlier articles); names seen now become aliases
            entity = replace(old, aliases=frozenset((set(old.aliases) | names) - {old.name}), region=region, attrs=attrs)
        else:
            if info["cls"] is EntityClass.PLACE and key.startswith("place-"):
                canonical = info["display"]
            else:
                canonical = key
            region, source = info["region"], info["source"]
            if region is None:
                known = next((self.known_regions[n] for n in sorted(names) if n in self.known_regions), None)
                if known:
                    region, source = known, "registry"
                elif info["cls"] in FALLBACK_CLASSES and home:
                    region, source = home, "article"
            attrs = {"region_source": source} if region else {}
            entity = Entity(key=key, name=canonical, cls=info["cls"], aliases=frozenset(names - {canonical}),
                            region=region, attrs=attrs)
        self._remember(entity)

    def _ties(self, clean: CleanArticle, ties: list[MentionTie], key_of: dict[Mention, str]) -> tuple[Tie, ...]:
        article = clean.article
        best: dict[tuple, Tie] = {}
        for t in ties:
            s_key, o_key = key_of[t.subject], key_of[t.object]
            if s_key == o_key:
                continue  # a self-tie (有研半导体 cooperates with 山东有研半导体…)
            o0, o1 = clean.to_original(t.sentence_start, t.sentence_end)
            evidence = Evidence(
                article_id=article.id,
                sentence=article.text[o0:o1],
                start=o0,
                end=o1,
                date=t.date or article.date,
                confidence=t.confidence,
                extractor=t.extractor,
                trigger=t.trigger,
            )
            subject, obj = self._by_key[s_key], self._by_key[o_key]
            pair = (s_key, o_key)
            if t.relation.symmetric:
                pair = tuple(sorted(pair))
                subject, obj = self._by_key[pair[0]], self._by_key[pair[1]]
            tie = Tie(subject=subject, relation=t.relation, object=obj, evidence=evidence, status=t.status, attrs=dict(t.attrs))
            dkey = (pair, t.relation, t.status)
            if dkey not in best or best[dkey].evidence.confidence < t.confidence:
                best[dkey] = tie
        return tuple(sorted(best.values(), key=lambda t: (t.evidence.start, t.subject.key, t.relation.value, t.object.key)))
