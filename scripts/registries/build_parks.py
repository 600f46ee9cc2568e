"""Build ``kg/resources/registries/parks.tsv``: China's national-level parks and zones (class Park).

No public machine-readable list of these zones was found in a public repository (the 2018
《中国开发区审核公告目录》 with its ~2,000 provincial zones included), so every row is hand-kept in
``parks_extra.tsv`` next to this script, transcribed from the official lists and approvals named
in its ``source`` column:

* national high-tech zones (国家高新技术产业开发区, MOST/火炬中心; 169 in 2019, 178 in Nov 2023:
  176 are listed -- 175 here plus 苏州工业园区, which MOST counts but which is kept once, as an ETDZ),
* national economic and technological development zones (国家级经济技术开发区, MOFCOM; 230 in 2021
  after 酒泉 and 石嘴山 left the list, plus the 4 upgraded by 国办函〔2024〕83号),
* the 19 national new areas (国家级新区), the 22 pilot free-trade zones (自由贸易试验区) with their
  片区 and 海南自由贸易港, the 23 national independent innovation demonstration zones
  (国家自主创新示范区), and a few other national-level zones news names often (science cities,
  京津冀 / 粤港澳 cooperation zones).

The shipped table was regenerated, from the repository root, with::

    python3 scripts/registries/build_parks.py --regions kg/resources/regions.tsv \
        --extra scripts/registries/parks_extra.tsv --out kg/resources/registries/parks.tsv

What the script adds to the hand-kept rows: the regular short forms news uses, by the shape of the
official name --

* ``X高新技术产业开发区`` / ``X高新技术产业园区`` / ``X高技术产业开发区`` -> ``X高新区``, ``X国家高新区``;
* ``X经济技术开发区`` -> ``X经开区``, ``X经济开发区``; ``X经济开发区`` -> ``X经开区``;
* ``中国（P）自由贸易试验区[片区]`` -> ``P自贸试验区[片区]``, ``P自贸区[片区]``, ``P自由贸易试验区[片区]``
  and the half-width ``中国(P)...`` spelling;
* ``X国家自主创新示范区`` -> ``X自创区``, ``X国家自创区``, ``X自主创新示范区``;
* ``X高新区`` / ``X经开区`` of a high-tech zone or ETDZ also prefixed with the province's short name
  (``湖南常德高新区`` for 常德高新技术产业开发区) when X does not already start with it.

Checks (any failure exits non-zero): class is one of the registry classes; region is empty or a
code of regions.tsv; source contains a URL; no duplicate name; parent names a row of the table.
Aliases shorter than 2 characters, bare generic words (高新区, 经开区, 新区, ...), an alias equal to
the row's own name, and any alias shared by two rows or equal to another row's name are dropped
(the dropped ambiguous forms are printed).  Output is sorted by name.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["name", "aliases", "class", "region", "kind", "parent", "source"]
CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform",
           "GovernmentAgency", "Organization", "Park"}
GENERIC = {"高新区", "国家高新区", "经开区", "国家级经开区", "开发区", "经济开发区", "经济技术开发区",
           "高新技术产业开发区", "新区", "国家级新区", "自贸区", "自贸试验区", "自由贸易试验区", "片区",
           "自贸片区", "园区", "工业园区", "产业园区", "科技园", "科技园区", "科学城", "示范区", "自创区",
           "合作区", "台商投资区", "自贸港", "自由贸易港", "中国"}
URL_RE = re.compile(r"https?://\S+")
FTZ_RE = re.compile(r"^中国（(.+?)）自由贸易试验区(.*)$")
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a registry-format TSV: '#' lines are comments, then one header line."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if header != COLUMNS:
                    sys.exit(f"{path}:{lineno}: header {header} is not {COLUMNS}")
                continue
            if len(cells) != len(COLUMNS):
                sys.exit(f"{path}:{lineno}: {len(cells)} columns, expected {len(COLUMNS)}")
            row = dict(zip(COLUMNS, (c.strip() for c in cells)))
            row["_line"] = f"{path.name}:{lineno}"
            rows.append(row)
    return rows


def load_regions(path: Path) -> tuple[set[str], dict[str, str]]:
    """(all codes, province code prefix -> short name such as 山西 / 内蒙古 / 广西)."""
    codes: set[str] = set()
    short: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        for r in reader:
            codes.add(r["code"])
            if r["level"] == "province":
                aliases = [a for a in r["aliases"].split("|") if len(a) >= 2]
                short[r["code"][:2]] = aliases[0] if aliases else r["name"]
    return codes, short


def derived_aliases(row: dict[str, str], prov_short: dict[str, str]) -> list[str]:
    """The regular short forms of an official name (see the module docstring)."""
    name, kind, region = row["name"], row["kind"], row["region"]
    prov = prov_short.get(region[:2], "") if region else ""
    out: list[str] = []
    stem_forms: list[tuple[str, list[str]]] = []  # (stem, suffixes) that also get a province prefix
    for suffix in ("高新技术产业开发区", "高新技术产业园区", "高技术产业开发区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem_forms.append((name[: -len(suffix)], ["高新区", "国家高新区"]))
            break
    if name.endswith("经济技术开发区") and len(name) > 8:
        stem_forms.append((name[:-7], ["经开区", "经济开发区"]))
    elif name.endswith("经济开发区") and len(name) > 6:
        stem_forms.append((name[:-5], ["经开区"]))
    for stem, suffixes in stem_forms:
        for suf in suffixes:
            out.append(stem + suf)
            if (prov and kind in ("national_hitech_zone", "national_etdz", "provincial_hitech_zone",
                                  "provincial_etdz", "provincial_zone")
                    and not stem.startswith(prov) and not stem.startswith(MUNICIPALITIES)
                    and suf in ("高新区", "经开区")):
                out.append(prov + stem + suf)
    m = FTZ_RE.match(name)
    if m:
        p, area = m.groups()
        out += [f"{p}自贸试验区{area}", f"{p}自贸区{area}", f"{p}自由贸易试验区{area}",
                f"中国({p})自由贸易试验区{area}"]
    if name.endswith("国家自主创新示范区") and len(name) > 9:
        stem = name[:-9]
        out += [stem + "自创区", stem + "国家自创区", stem + "自主创新示范区"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--regions", type=Path, required=True, help="kg/resources/regions.tsv")
    ap.add_argument("--extra", type=Path, default=HERE / "parks_extra.tsv",
                    help="hand-kept rows (default: parks_extra.tsv next to this script)")
    ap.add_argument("--out", type=Path, required=True, help="output TSV")
    args = ap.parse_args()

    codes, prov_short = load_regions(args.regions)
    rows = read_tsv(args.extra)
    errors: list[str] = []

    seen: dict[str, str] = {}
    for r in rows:
        where = r["_line"]
        if r["name"] in seen:
            errors.append(f"{where}: duplicate name {r['name']} (first at {seen[r['name']]})")
        seen.setdefault(r["name"], where)
        if r["class"] not in CLASSES:
            errors.append(f"{where}: class {r['class']!r} not in {sorted(CLASSES)}")
        if r["region"] and r["region"] not in codes:
            errors.append(f"{where}: region {r['region']} not in {args.regions}")
        if not URL_RE.search(r["source"]):
            errors.append(f"{where}: source has no URL")
        if not re.fullmatch(r"[a-z][a-z_]*", r["kind"]):
            errors.append(f"{where}: kind {r['kind']!r} is not a lowercase tag")
    names = set(seen)
    for r in rows:
        if r["parent"] and r["parent"] not in names:
            errors.append(f"{r['_line']}: parent {r['parent']} is not a row of the table")
    if errors:
        sys.exit("\n".join(errors))

    # candidate aliases per row: hand-kept first, then derived; basic hygiene
    cand: dict[str, list[str]] = {}
    for r in rows:
        seq = [a.strip() for a in r["aliases"].split("|") if a.strip()] + derived_aliases(r, prov_short)
        keep: list[str] = []
        for a in seq:
            if len(a) < 2 or a in GENERIC or a == r["name"] or a in keep:
                continue
            keep.append(a)
        cand[r["name"]] = keep
    owners: dict[str, set[str]] = defaultdict(set)
    for n, al in cand.items():
        for a in al:
            owners[a].add(n)
    ambiguous = sorted(a for a, o in owners.items() if len(o) > 1 or a in names)
    for a in ambiguous:
        print(f"dropped ambiguous alias {a}: {' / '.join(sorted(owners[a] | ({a} & names)))}")
    amb = set(ambiguous)
    for r in rows:
        r["aliases"] = "|".join(a for a in cand[r["name"]] if a not in amb)

    rows.sort(key=lambda r: r["name"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Chinese parks and zones (class Park): national high-tech zones, national ETDZs, national new\n")
        fh.write("# areas, pilot free-trade zones and their areas, Hainan FTP, national independent innovation\n")
        fh.write("# demonstration zones, science cities and cooperation zones. Facts hand-transcribed from the\n")
        fh.write("# official lists/approvals named in each row's source (MOST, MOFCOM, State Council, gov.cn).\n")
        fh.write("# region: GB/T 2260 code of kg/resources/regions.tsv (city, or district/county when the zone lies in one).\n")
        fh.write("# Built by scripts/registries/build_parks.py from scripts/registries/parks_extra.tsv.\n")
        fh.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            fh.write("\t".join(r[c] for c in COLUMNS) + "\n")

    by_kind = Counter(r["kind"] for r in rows)
    print(f"wrote {len(rows)} rows to {args.out}")
    for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        print(f"  {k}: {n}")
    print(f"  aliases: {sum(len(r['aliases'].split('|')) for r in rows if r['aliases'])}"
          f" ({len(ambiguous)} ambiguous forms dropped)")
    print(f"  regions: {sum(1 for r in rows if r['region'])} with a code, "
          f"{sum(1 for r in rows if r['region'] and not r['region'].endswith('00'))} at district/county level")


if __name__ == "__main__":
    main()
