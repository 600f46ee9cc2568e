"""Build kg/resources/registries/central_enterprises.tsv (class Enterprise).

Rows:
  * kind central_soe            - the enterprises for which SASAC (国务院国资委) performs the investor's duties,
                                  as listed on SASAC's 央企名录 page (published 2025-07-29, 100 enterprises);
  * kind central_soe_mof        - the 4 enterprises for which the Ministry of Finance performs them
                                  (国铁集团, 中国邮政, 中国烟草, 北大荒);
  * kind central_financial_soe  - the central financial enterprises (中央金融企业, 26).
The names come from a public transcription of those official lists (GitHub gdvzz/logd,
docs/jobs/list-soe.md); the central cultural enterprises listed in the same file are NOT taken (news
rarely names them and the file's 主管部门 column has evident errors).

Headquarters (region) and the short names used in news are hand-kept in central_enterprises_extra.tsv
next to this script: an extra row whose name equals a listed enterprise annotates it (aliases, region,
and its own source are added to the list's source); an extra row with any other name is a stand-alone
row and must be complete.

Regenerate the shipped table (from the repository root):

    git --git-dir=/work/.mirror/gdvzz+logd/repo show \
        86282f4df3337aca20ec63da6423f0f0f02de40f:docs/jobs/list-soe.md > /tmp/list-soe.md
    python3 scripts/registries/build_central_enterprises.py /tmp/list-soe.md \
        --regions kg/resources/regions.tsv \
        --out kg/resources/registries/central_enterprises.tsv

Python 3.11 standard library only; no network access.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, OrderedDict
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["name", "aliases", "class", "region", "kind", "parent", "source"]
CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform",
           "GovernmentAgency", "Organization", "Park"}
GENERIC = {"大学", "学院", "研究所", "研究院", "集团", "公司", "有限公司", "集团公司", "总公司",
           "高新区", "开发区", "园区", "中心", "实验室", "银行", "政府", "委员会", "管理局", "总局",
           "中国", "国家", "中央", "电网", "石油", "石化", "电信", "移动", "联通", "航空", "汽车",
           "能源", "建筑", "物流", "黄金", "稀土", "电子", "化学", "建材", "医药", "保险"}
URL_RE = re.compile(r"https?://\S+")

DEFAULT_LIST_URL = ("https://github.com/gdvzz/logd/blob/86282f4df3337aca20ec63da6423f0f0f02de40f/"
                    "docs/jobs/list-soe.md")

# section heading of the list file -> kind of its rows (sections not named here are skipped)
SECTIONS = {
    "国务院国资委履行出资人职责的企业名单": ("central_soe", "国务院国资委 央企名录"),
    "国务院授权财政部履行出资人职责的企业": ("central_soe_mof", "财政部履行出资人职责的中央企业名录"),
    "中央金融企业": ("central_financial_soe", "财政部 中央金融企业名录"),
}


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


def parse_list(path: Path, list_url: str) -> list[dict]:
    """Rows of the three wanted sections of the list markdown, in list order."""
    rows = []
    section = None
    doc_url = doc_date = None
    table_row = re.compile(r"^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|(?:\s*([^|]*?)\s*\|)?")
    link = re.compile(r"\((https?://[^)\s]+)\)")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = SECTIONS.get(line[3:].strip())
            doc_url = doc_date = None
            continue
        if section is None:
            continue
        if line.startswith("- 正文链接"):
            m = link.search(line)
            doc_url = m.group(1) if m else None
            continue
        if line.startswith("- 发布日期"):
            doc_date = line.split("：", 1)[-1].strip()
            continue
        m = table_row.match(line)
        if not m:
            continue
        kind, title = section
        raw = m.group(2).replace("\u3000", " ").strip()
        aliases = []
        b = re.match(r"^(.+?)\[(.+)\]$", raw)  # 中国旅游集团有限公司[香港中旅（集团）有限公司]
        if b:
            raw, other = b.group(1).strip(), b.group(2).strip()
            aliases.append(other)
        site = link.search(m.group(3) or "")
        source = f"{title} ({doc_date}) {doc_url} via {list_url}"
        if site:
            source += f"; company site {site.group(1)}"
        rows.append({"name": raw, "aliases": "|".join(aliases), "class": "Enterprise", "region": "",
                     "kind": kind, "parent": "", "source": source, "_where": f"list #{m.group(1)}",
                     "_site": site.group(1) if site else ""})
    return rows


def split_aliases(value: str) -> list[str]:
    return [a.strip() for a in value.split("|") if a.strip()]


def merge(listed: list[dict], extra: list[dict]) -> tuple[list[dict], list[str]]:
    notes = []
    by_name = OrderedDict()
    for row in listed:
        if row["name"] in by_name:
            notes.append(f"duplicate list entry {row['name']} ({row['_where']}) skipped")
            continue
        by_name[row["name"]] = row
    for ex in extra:
        base = by_name.get(ex["name"])
        if base is None:
            by_name[ex["name"]] = dict(ex)
            continue
        aliases = split_aliases(base["aliases"])
        for a in split_aliases(ex["aliases"]):
            if a not in aliases:
                aliases.append(a)
        base["aliases"] = "|".join(aliases)
        for col in ("class", "region", "kind", "parent"):
            if ex[col]:
                base[col] = ex[col]
        if ex["source"]:
            if base.get("_site") and base["_site"] in ex["source"]:  # the extra row cites the same site
                base["source"] = base["source"].replace(f"; company site {base['_site']}", "")
            base["source"] = f"{base['source']}; {ex['source']}"
        base["_annotated"] = True
    for row in by_name.values():
        if row["_where"].startswith("list") and not row.get("_annotated"):
            notes.append(f"no extra row annotates {row['name']} (region left empty)")
    return list(by_name.values()), notes


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


HEADER = """# Central state-owned enterprises (中央企业) -> headquarters region (GB/T 2260 code in kg/resources/regions.tsv).
# kind central_soe: SASAC's 国务院国资委履行出资人职责的企业名单 (央企名录, published 2025-07-29, 100 enterprises);
# kind central_soe_mof: enterprises for which the Ministry of Finance performs the investor's duties;
# kind central_financial_soe: 中央金融企业 (MOF list). Names transcribed from a public copy of those lists
# (https://github.com/gdvzz/logd/blob/86282f4df3337aca20ec63da6423f0f0f02de40f/docs/jobs/list-soe.md);
# headquarters and news short names hand-kept in scripts/registries/central_enterprises_extra.tsv, each with its source.
# Region is the headquarters' city (110000 for Beijing headquarters; district only where a source states it);
# 雄安新区 is 133100 as in regions.tsv; an empty region means the headquarters has not been made public.
# Built by scripts/registries/build_central_enterprises.py (see its docstring for the exact command).
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("soe_list", type=Path, help="docs/jobs/list-soe.md extracted from the gdvzz/logd snapshot")
    ap.add_argument("--regions", type=Path, required=True, help="kg/resources/regions.tsv")
    ap.add_argument("--extra", type=Path, default=HERE / "central_enterprises_extra.tsv")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--list-url", default=DEFAULT_LIST_URL,
                    help="GitHub blob URL (with commit) of the list file, cited in every row's source")
    args = ap.parse_args(argv)

    regions = read_regions(args.regions)
    listed = parse_list(args.soe_list, args.list_url)
    if not listed:
        sys.exit(f"{args.soe_list}: no list rows found")
    extra = read_tsv(args.extra) if args.extra.exists() else []
    rows, notes = merge(listed, extra)
    rows, vnotes = validate(rows, regions)
    notes += vnotes

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
          f"with aliases: {sum(1 for r in rows if r['aliases'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
