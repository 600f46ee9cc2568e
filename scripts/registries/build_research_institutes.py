"""Build kg/resources/registries/research_institutes.tsv: national research academies and their institutes.

The shipped table was regenerated (from the repository root) with:

    python3 scripts/registries/build_research_institutes.py \
        --regions kg/resources/regions.tsv \
        --extra scripts/registries/research_institutes_extra.tsv \
        --out kg/resources/registries/research_institutes.tsv

Input: the hand-kept rows of research_institutes_extra.tsv (columns name, aliases, class, region, kind, parent,
source; each row names the official or encyclopaedic page it was transcribed from) and the GB/T 2260 table
regions.tsv (to check region codes and to keep place names out of the aliases). No network access.

What the script does to the rows:
- alias twins: for a row whose parent is 中国科学院 (CAS institutes and branches) every alias gets its twin with
  the other prefix (中科院X <-> 中国科学院X) and a bare short form X also yields 中科院X and 中国科学院X; the
  name itself yields its 中科院 form. Rows whose parent is 中国农业科学院 or 中国社会科学院 get the same
  treatment for the prefixed aliases only (中国农科院X <-> 中国农业科学院X, 中国社科院X <-> 中国社会科学院X);
  their bare aliases are kept as written.
- validation: class in the allowed list, region a code of regions.tsv (or empty), source has a URL, no duplicate
  names, aliases at least 2 characters, not a bare generic word, not a place name of regions.tsv, not another
  row's name; an alias claimed by two rows is dropped from both (reported on stdout).
- output: comment header, one header line, rows sorted by name; counts by kind printed.
"""
from __future__ import annotations

import argparse
import collections
import csv
import re
import sys
from pathlib import Path

COLUMNS = ["name", "aliases", "class", "region", "kind", "parent", "source"]
CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform", "GovernmentAgency",
           "Organization", "Park"}
# bare kind words that never name one body
GENERIC = {
    "大学", "学院", "研究所", "研究院", "科学院", "工程院", "研究中心", "中心", "实验室", "集团", "公司", "高新区",
    "分院", "天文台", "植物园", "农科院", "社科院", "医科院", "林科院", "农林科学院", "农业科学院", "科学技术研究院",
    "研究站", "所", "院", "中科院分院", "创新研究院", "卓越创新中心", "技术研究院", "设计院", "研究设计院",
}
URL = re.compile(r"https?://\S+")

# parent name -> (full prefix, short prefixes, expand bare aliases too)
PREFIXES = {
    "中国科学院": ("中国科学院", ("中科院",), True),
    "中国农业科学院": ("中国农业科学院", ("中国农科院",), False),
    "中国社会科学院": ("中国社会科学院", ("中国社科院",), False),
}


def read_tsv(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    out = []
    for n, fields in enumerate(reader, 2):
        if len(fields) != len(header):
            sys.exit(f"{path}: data line {n}: {len(fields)} fields, expected {len(header)}")
        out.append(dict(zip(header, fields)))
    return out


def read_regions(path: Path) -> tuple[set[str], set[str]]:
    codes, places = set(), set()
    for row in read_tsv(path):
        codes.add(row["code"])
        places.add(row["name"])
        places.update(a for a in row["aliases"].split("|") if a)
    return codes, places


def twins(row: dict[str, str]) -> list[str]:
    """The row's aliases with the prefix twins described in the module docstring."""
    aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
    rule = PREFIXES.get(row["parent"])
    if not rule:
        return aliases
    full, shorts, bare = rule
    out = list(aliases)
    if row["name"].startswith(full):
        out += [s + row["name"][len(full):] for s in shorts]
    for a in aliases:
        if a.startswith(full):
            out += [s + a[len(full):] for s in shorts]
        elif any(a.startswith(s) for s in shorts):
            s = next(s for s in shorts if a.startswith(s))
            out.append(full + a[len(s):])
            out += [t + a[len(s):] for t in shorts if t != s]
        elif bare:
            out += [full + a] + [s + a for s in shorts]
    return out


def build(rows: list[dict[str, str]], codes: set[str], places: set[str]) -> tuple[list[dict[str, str]], list[str]]:
    errors, notes = [], []
    names = collections.Counter(r["name"] for r in rows)
    for name, n in names.items():
        if n > 1:
            errors.append(f"duplicate name {name} ({n} rows)")
    for r in rows:
        where = r["name"] or "<empty name>"
        if not r["name"]:
            errors.append("row with empty name")
        if r["class"] not in CLASSES:
            errors.append(f"{where}: class {r['class']!r} not allowed")
        if r["region"] and r["region"] not in codes:
            errors.append(f"{where}: region {r['region']} not in regions.tsv")
        if not URL.search(r["source"]):
            errors.append(f"{where}: source has no URL")
        if r["kind"] != r["kind"].lower() or " " in r["kind"]:
            errors.append(f"{where}: kind {r['kind']!r} is not a lowercase tag")
    if errors:
        sys.exit("\n".join(errors))

    # aliases per row, cleaned
    claimed: dict[str, set[str]] = collections.defaultdict(set)
    per_row: dict[str, list[str]] = {}
    for r in rows:
        kept = []
        for a in twins(r):
            if a == r["name"] or a in kept:
                continue
            if len(a) < 2 or a in GENERIC:
                notes.append(f"dropped generic/short alias {a} of {r['name']}")
                continue
            if a in places:
                notes.append(f"dropped place-name alias {a} of {r['name']}")
                continue
            if a in names:
                notes.append(f"dropped alias {a} of {r['name']}: it is another row's name")
                continue
            kept.append(a)
            claimed[a].add(r["name"])
        per_row[r["name"]] = kept
    shared = {a for a, owners in claimed.items() if len(owners) > 1}
    for a in sorted(shared):
        notes.append(f"dropped ambiguous alias {a} (claimed by {', '.join(sorted(claimed[a]))})")
    out = []
    for r in sorted(rows, key=lambda r: r["name"]):
        row = dict(r)
        row["aliases"] = "|".join(a for a in per_row[r["name"]] if a not in shared)
        out.append(row)
    external = collections.Counter(r["parent"] for r in out if r["parent"] and r["parent"] not in names)
    if external:
        notes.append("parents kept in other registries: "
                     + ", ".join(f"{p} ({n})" for p, n in sorted(external.items())))
    return out, notes


HEADER = """\
# research_institutes: national research academies (中国科学院, 中国工程院, 中国社会科学院, 中国农业科学院 ...),
# the institutes and branches of 中国科学院 / 中国农业科学院 / 中国社会科学院, the research academies of the
# aerospace groups and the research institutes of 中国电子科技集团, the provincial academies of sciences and of
# agricultural sciences, and a few new-type R&D institutes. Laboratories and universities are in other tables.
# Facts are hand-transcribed from the official or encyclopaedic pages named in each row's source column
# (scripts/registries/research_institutes_extra.tsv); region = GB/T 2260 code of the seat (kg/resources/regions.tsv).
# Built by scripts/registries/build_research_institutes.py (see its docstring for the command); do not edit by hand.
"""


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--regions", required=True, type=Path, help="kg/resources/regions.tsv")
    ap.add_argument("--extra", type=Path, default=here / "research_institutes_extra.tsv",
                    help="hand-kept rows (default: research_institutes_extra.tsv next to this script)")
    ap.add_argument("--out", required=True, type=Path, help="output TSV")
    args = ap.parse_args(argv)

    codes, places = read_regions(args.regions)
    rows = read_tsv(args.extra)
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if missing:
        sys.exit(f"{args.extra}: missing columns {missing}")
    rows = [{c: r[c].strip() for c in COLUMNS} for r in rows]
    out, notes = build(rows, codes, places)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        f.write("\t".join(COLUMNS) + "\n")
        for r in out:
            f.write("\t".join(r[c] for c in COLUMNS) + "\n")

    for n in notes:
        print(n)
    by_kind = collections.Counter(r["kind"] for r in out)
    print(f"{len(out)} rows, {sum(len(r['aliases'].split('|')) for r in out if r['aliases'])} aliases -> {args.out}")
    for kind, n in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {kind}\t{n}")
    print(f"  with region: {sum(1 for r in out if r['region'])}/{len(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
