"""Build kg/resources/registries/platforms.tsv (class InnovationPlatform): national laboratories (national_lab),
provincial laboratories news names (provincial_lab), national technology innovation centres
(national_tech_innovation_centre, 科技部), national manufacturing innovation centres
(national_manufacturing_innovation_centre, 工信部), a national industry innovation centre (发改委), the
comprehensive national science centres (national_science_centre) and big-science facilities
(big_science_facility). Region = the host city (district where a source states it).

No public machine-readable list of these platforms was found, so every row is hand-kept in
platforms_extra.tsv next to this script, each with the URL of a page that states it. This script validates
the rows (class, region code in regions.tsv, URL in every source, unique names, parents that are rows of
the table, no generic, too short or shared alias) and writes the table sorted by name.

Regenerate the shipped table (from the repository root):

    python3 scripts/registries/build_platforms.py --regions kg/resources/regions.tsv \
        --out kg/resources/registries/platforms.tsv

Python 3.11 standard library only; no network access.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["name", "aliases", "class", "region", "kind", "parent", "source"]
CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform",
           "GovernmentAgency", "Organization", "Park"}
GENERIC = {"实验室", "国家实验室", "省实验室", "中心", "创新中心", "技术创新中心", "研究院", "研究所", "研究中心",
           "大学", "国创中心", "国家中心", "科学中心", "装置", "大科学装置", "平台"}
URL_RE = re.compile(r"https?://\S+")


def read_regions(path: Path) -> set[str]:
    codes = set()
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            cols = line.rstrip("\n").split("\t")
            if i == 0 and cols[0] == "code":
                continue
            if cols and cols[0]:
                codes.add(cols[0])
    return codes


def read_tsv(path: Path) -> list[dict]:
    rows = []
    header = None
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                if header != COLUMNS:
                    sys.exit(f"{path}:{n}: header must be {COLUMNS}, got {cols}")
                continue
            if len(cols) != len(COLUMNS):
                sys.exit(f"{path}:{n}: {len(cols)} columns, expected {len(COLUMNS)}")
            row = dict(zip(COLUMNS, (c.strip() for c in cols)))
            row["_where"] = f"{path.name}:{n}"
            rows.append(row)
    return rows


def split_aliases(value: str) -> list[str]:
    return [a.strip() for a in value.split("|") if a.strip()]


def validate(rows: list[dict], regions: set[str]) -> tuple[list[dict], list[str]]:
    errors, notes = [], []
    names = Counter(r["name"] for r in rows)
    for n, c in names.items():
        if c > 1:
            errors.append(f"duplicate name {n}")
    all_names = set(names)
    for r in rows:
        w = r["_where"]
        if r["class"] not in CLASSES:
            errors.append(f"{w}: class {r['class']!r} not allowed")
        if r["region"] and r["region"] not in regions:
            errors.append(f"{w}: region {r['region']} of {r['name']} not in regions.tsv")
        if not URL_RE.search(r["source"]):
            errors.append(f"{w}: source of {r['name']} has no URL")
        if not r["kind"] or r["kind"] != r["kind"].lower():
            errors.append(f"{w}: kind {r['kind']!r} must be a lowercase tag")
        if r["parent"] and r["parent"] not in all_names:
            notes.append(f"{r['name']}: parent {r['parent']} is not a row of this table")
        kept = []
        for a in split_aliases(r["aliases"]):
            if len(a) < 2 or a in GENERIC:
                notes.append(f"{r['name']}: alias {a!r} dropped (generic or too short)")
            elif a == r["name"] or a in kept:
                continue
            elif a in all_names:
                notes.append(f"{r['name']}: alias {a!r} dropped (it is another row's name)")
            else:
                kept.append(a)
        r["_aliases"] = kept
    owners: dict[str, set[str]] = {}
    for r in rows:
        for a in r["_aliases"]:
            owners.setdefault(a, set()).add(r["name"])
    shared = {a for a, o in owners.items() if len(o) > 1}
    for a in sorted(shared):
        notes.append(f"alias {a!r} shared by {sorted(owners[a])}: dropped from all")
    for r in rows:
        r["aliases"] = "|".join(a for a in r["_aliases"] if a not in shared)
    if errors:
        sys.exit("\n".join(["validation failed:"] + errors))
    return rows, notes


HEADER = """# Innovation platforms -> host region (GB/T 2260 code in kg/resources/regions.tsv): national and provincial laboratories,
# national technology innovation centres (科技部), national manufacturing innovation centres (工信部), comprehensive
# national science centres and big-science facilities. Only platforms whose status and host city a cited page states.
# Shenzhen's 光明区/龙华区 (2018) are not in the 2021-era regions.tsv: such rows use 440300 (深圳市).
# Hand-kept rows: scripts/registries/platforms_extra.tsv. Built by scripts/registries/build_platforms.py.
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", type=Path, required=True, help="kg/resources/regions.tsv")
    ap.add_argument("--extra", type=Path, default=HERE / "platforms_extra.tsv",
                    help="the hand-kept rows (default: platforms_extra.tsv next to this script)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)

    regions = read_regions(args.regions)
    rows = read_tsv(args.extra)
    if not rows:
        sys.exit(f"{args.extra}: no rows")
    rows, notes = validate(rows, regions)
    dangling = [n for n in notes if "is not a row of this table" in n]
    if dangling:
        sys.exit("\n".join(["validation failed: parents must be rows of this table:"] + dangling))

    rows.sort(key=lambda r: r["name"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER)
        fh.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            fh.write("\t".join(r[c].replace("\t", " ") for c in COLUMNS) + "\n")

    for n in notes:
        print("note:", n, file=sys.stderr)
    kinds = Counter(r["kind"] for r in rows)
    print(f"wrote {len(rows)} rows to {args.out}")
    for k, c in sorted(kinds.items()):
        print(f"  {k}: {c}")
    print(f"  with region: {sum(1 for r in rows if r['region'])}, "
          f"with aliases: {sum(1 for r in rows if r['aliases'])}, "
          f"with parent: {sum(1 for r in rows if r['parent'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
