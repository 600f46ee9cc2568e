"""Build ``kg/resources/registries/universities.tsv``: China's higher-education institutions.

Facts come from the Ministry of Education's national list of regular higher-education institutions
(教育部《全国普通高等学校名单》, 截至2025年6月20日, 2,919 schools: 1,365 本科, 1,554 专科/高职),
as transcribed to JSON in the public repository lzy201314/Universities, plus a small hand-kept
``universities_extra.tsv`` next to this script (curated news short forms, district seats of a few
well-known universities in the four municipalities, and bodies outside the MoE list: military
universities, Hong Kong and Macau universities), each of its rows with its own source URL.

The shipped table was regenerated, from the repository root, with::

    git --git-dir=/work/.mirror/lzy201314+Universities/repo show \
        57894f960fee33e505078e925069c0a769436d3b:W020250627301230138068.json > /tmp/moe_2025.json
    python3 scripts/registries/build_universities.py /tmp/moe_2025.json \
        --regions kg/resources/regions.tsv --out kg/resources/registries/universities.tsv

(any checkout of that file works; its SHA-256 is checked against MOE_JSON_SHA256 below and a
mismatch is reported, since the source column names that exact file).

Rows of the MoE list: ``name`` = 学校名称; ``class`` = University; ``kind`` = ``university`` for
办学层次 本科, ``college`` for 专科; ``region`` = the GB/T 2260 code of 所在地 (a prefecture-level
city, or a county-level city such as 昆山市 when the list gives one), looked up by exact name
*inside the school's province*.  The JSON carries no province column (the MoE sheet gives the
province as section headings), so the province is taken from 主管部门 when that names a province
(四川省教育厅 -> 四川; this is what places 吉利学院, whose 学校标识码 4111012802 still has
Beijing's digits, in 四川), else from digits 3-4 of the 10-digit 学校标识码; the list is ordered
by province, so a province that is not one contiguous run of rows is reported.  The MoE sheet
lists a school under the province that runs it: a 所在地 not found in that province but naming
exactly one region elsewhere is taken as is (河北工业大学, 河北省, 所在地 天津市 -> 120000).

regions.tsv (a 2021-era table) lacks the newer 兵团 cities (双河市 2014, 可克达拉市 2015, 昆玉市 2016,
胡杨河市 2019, 新星市 2021; it has 石河子 ... 铁门关), and schools seated there get the code
of the unit that contains them administratively there, 新疆维吾尔自治区 650000 (they are
区直辖县级市, not part of any prefecture).  ``临夏州`` is the list's short form of
临夏回族自治州 622900.

Extra rows (``universities_extra.tsv``, same columns as the table): a row whose name is in the
MoE list adds its aliases to that row, may set a finer region (which must lie inside the MoE
city) and appends its source; any other row is a new body and must be complete.

Validation: class in the allowed list, region in regions.tsv, source with a URL, no duplicate
name, aliases >= 2 characters, not a generic word, not another row's name, not shared by two rows
and not a name or alias of a region in regions.tsv (all such aliases are dropped and reported).
Python 3.11 standard library only; no network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGIONS = REPO_ROOT / "kg" / "resources" / "regions.tsv"
DEFAULT_OUT = REPO_ROOT / "kg" / "resources" / "registries" / "universities.tsv"
DEFAULT_EXTRA = Path(__file__).resolve().with_name("universities_extra.tsv")

MOE_JSON_SHA256 = "8cf65965e734c2603d12f8a6da42dfb7f2757c5cf4f31e5685c91002f64c0ab6"
MOE_SOURCE = (
    "教育部 全国普通高等学校名单 (截至2025年6月20日; 2025-06-27) "
    "http://www.moe.gov.cn/jyb_xxgk/s5743/s5744/A03/202506/t20250627_1195683.html via "
    "https://github.com/lzy201314/Universities/blob/57894f960fee33e505078e925069c0a769436d3b/"
    "W020250627301230138068.json"
)

COLUMNS = ["name", "aliases", "class", "region", "kind", "parent", "source"]
CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform",
           "GovernmentAgency", "Organization", "Park"}
LEVEL_KIND = {"本科": "university", "专科": "college"}

# Location names of the list that are not a region name of regions.tsv.
LOCATION_FIXES = {"临夏州": "临夏回族自治州"}
# 兵团 cities missing from the 2021-era regions.tsv: placed at 新疆 (650000), see the docstring.
LATER_XINJIANG_CITIES = {"双河市", "可克达拉市", "昆玉市", "胡杨河市", "新星市"}

# Words that never name one body on their own.
GENERIC = {
    "大学", "学院", "学校", "高校", "大专", "高职", "职院", "职大", "研究所", "研究院", "集团",
    "高新区", "本科", "专科", "师范", "师大", "医大", "理工", "工大", "农大", "财大", "科大",
    "民大", "交大", "政法", "外国语", "职业学院", "职业大学", "师范大学", "师范学院", "医科大学",
    "理工大学", "工业大学", "科技大学", "农业大学", "财经大学", "交通大学", "中医药大学",
    "技术学院", "职业技术学院", "职业技术大学", "医学院", "商学院", "党校",
}

URL_RE = re.compile(r"https?://\S+")


def die(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


def load_regions(path: Path):
    codes: dict[str, dict] = {}
    with path.open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:5] != ["code", "name", "aliases", "level", "parent"]:
            die(f"{path}: unexpected header {header}")
        for line in f:
            if not line.strip():
                continue
            code, name, aliases, level, parent = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            codes[code] = {"name": name, "aliases": [a for a in aliases.split("|") if a],
                           "level": level, "parent": parent}
    return codes


def province_of(code: str, regions: dict) -> str:
    while regions[code]["parent"]:
        code = regions[code]["parent"]
    return code


def is_within(code: str, ancestor: str, regions: dict) -> bool:
    while code:
        if code == ancestor:
            return True
        code = regions[code]["parent"]
    return False


def split_aliases(text: str) -> list[str]:
    return [a.strip() for a in text.split("|") if a.strip()]


def read_extra(path: Path) -> list[dict]:
    rows = []
    if not path.exists():
        return rows
    header = None
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if header != COLUMNS:
                    die(f"{path}:{lineno}: header must be {COLUMNS}, got {header}")
                continue
            if len(cells) != len(COLUMNS):
                die(f"{path}:{lineno}: {len(cells)} columns, expected {len(COLUMNS)}")
            row = dict(zip(COLUMNS, (c.strip() for c in cells)))
            row["_line"] = f"{path.name}:{lineno}"
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("moe_json", type=Path, help="the MoE list as JSON (W020250627301230138068.json)")
    ap.add_argument("--regions", type=Path, default=DEFAULT_REGIONS)
    ap.add_argument("--extra", type=Path, default=DEFAULT_EXTRA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--source", default=MOE_SOURCE, help="source text for rows of the MoE list")
    args = ap.parse_args(argv)

    regions = load_regions(args.regions)
    prov_by_short: dict[str, str] = {}
    for code, r in regions.items():
        if r["level"] == "province":
            prov_by_short[r["name"]] = code
            for a in r["aliases"]:
                if len(a) >= 2:
                    prov_by_short[a] = code
    # Region names by province, for the 所在地 look-up.
    by_prov_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, r in regions.items():
        by_prov_name[(province_of(code, regions)[:2], r["name"])].append(code)
    region_words = set()
    for r in regions.values():
        region_words.add(r["name"])
        region_words.update(r["aliases"])

    raw = args.moe_json.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != MOE_JSON_SHA256:
        print(f"warning: {args.moe_json} has SHA-256 {digest}, not the file named in the source "
              f"column ({MOE_JSON_SHA256}); pass --source for another file", file=sys.stderr)
    records = json.loads(raw.decode("utf-8"))

    rows: dict[str, dict] = {}
    prov_runs: list[str] = []
    unplaced: list[str] = []
    province_only: list[str] = []
    outside: list[str] = []
    for rec in records:
        name = str(rec["name"]).strip()
        school_code = str(rec["code"]).strip()
        dept = str(rec.get("department", "")).strip()
        loc = str(rec.get("location", "")).strip()
        level = str(rec.get("level", "")).strip()
        if not re.fullmatch(r"[34]\d{9}", school_code):  # a few keep a predecessor's 36/42 code
            die(f"{name}: odd 学校标识码 {school_code!r}")
        if level not in LEVEL_KIND:
            die(f"{name}: odd 办学层次 {level!r}")
        if name in rows:
            die(f"duplicate name in the MoE list: {name}")
        prov = None
        for key in sorted(prov_by_short, key=len, reverse=True):
            if dept.startswith(key):
                prov = prov_by_short[key]
                break
        if dept.startswith("新疆生产建设兵团"):
            prov = "650000"
        if prov is None:
            prov = school_code[2:4] + "0000"
            if prov not in regions:
                die(f"{name}: no province for 学校标识码 {school_code}")
        if not prov_runs or prov_runs[-1] != prov:
            prov_runs.append(prov)

        loc_name = LOCATION_FIXES.get(loc, loc)
        if loc_name == regions[prov]["name"]:
            region = prov
        elif loc_name in LATER_XINJIANG_CITIES and prov == "650000":
            region = prov
            province_only.append(f"{name} ({loc}: not in the 2021 table -> 650000)")
        else:
            hits = by_prov_name.get((prov[:2], loc_name), [])
            elsewhere = [c for (p, n), cs in by_prov_name.items() if n == loc_name for c in cs]
            if len(hits) == 1:
                region = hits[0]
            elif not hits and len(elsewhere) == 1:
                # Listed under the province that runs it, seated in another one
                # (河北工业大学 in 天津, 西藏民族大学 in 咸阳): the 所在地 is unique nationally.
                region = elsewhere[0]
                outside.append(f"{name} (listed under {regions[prov]['name']}, 所在地 {loc} "
                               f"-> {region})")
            else:
                why = f"{len(hits)} matches in the province" if hits else (
                    f"{len(elsewhere)} matches outside the province" if elsewhere
                    else "no such region")
                unplaced.append(f"{name} (所在地 {loc!r}, {regions[prov]['name']}: {why})")
                region = prov
        rows[name] = {
            "name": name, "aliases": [], "class": "University", "region": region,
            "kind": LEVEL_KIND[level], "parent": "", "source": [args.source],
            "_moe_region": region,
        }
    repeated = [regions[p]["name"] for p, n in Counter(prov_runs).items() if n > 1]
    if repeated:
        print(f"warning: provinces not in one run of the list: {repeated}", file=sys.stderr)

    # Extra rows.
    n_supplemented = n_new = n_refined = 0
    for ex in read_extra(args.extra):
        where = ex["_line"]
        if not URL_RE.search(ex["source"]):
            die(f"{where}: source has no URL")
        if ex["region"] and ex["region"] not in regions:
            die(f"{where}: region {ex['region']} not in regions.tsv")
        if ex["class"] and ex["class"] not in CLASSES:
            die(f"{where}: class {ex['class']!r}")
        row = rows.get(ex["name"])
        if row is not None:
            n_supplemented += 1
            if ex["class"] and ex["class"] != row["class"]:
                die(f"{where}: class differs from the MoE row")
            if ex["kind"] and ex["kind"] != row["kind"]:
                die(f"{where}: kind {ex['kind']} differs from the MoE row ({row['kind']})")
            if ex["region"] and ex["region"] != row["region"]:
                if not is_within(ex["region"], row["_moe_region"], regions):
                    die(f"{where}: region {ex['region']} is not inside the MoE city "
                        f"{row['_moe_region']} of {ex['name']}")
                row["region"] = ex["region"]
                n_refined += 1
            if ex["parent"]:
                row["parent"] = ex["parent"]
            row["aliases"].extend(split_aliases(ex["aliases"]))
            row["source"].append(ex["source"])
        else:
            if ex["name"] in rows:
                die(f"{where}: duplicate name {ex['name']}")
            for col in ("name", "class", "kind"):
                if not ex[col]:
                    die(f"{where}: a new row needs {col}")
            n_new += 1
            rows[ex["name"]] = {
                "name": ex["name"], "aliases": split_aliases(ex["aliases"]), "class": ex["class"],
                "region": ex["region"], "kind": ex["kind"], "parent": ex["parent"],
                "source": [ex["source"]], "_moe_region": None,
            }

    # Alias checks.
    dropped: list[str] = []
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows.values():
        clean = []
        for a in dict.fromkeys(row["aliases"]):
            if a == row["name"]:
                continue
            if len(a) < 2 or a in GENERIC:
                dropped.append(f"{a} ({row['name']}: too short or generic)")
                continue
            if a in rows:
                dropped.append(f"{a} ({row['name']}: the name of another row)")
                continue
            if a in region_words:
                dropped.append(f"{a} ({row['name']}: a region name or alias in regions.tsv)")
                continue
            clean.append(a)
        row["aliases"] = clean
        for a in clean:
            owners[a].add(row["name"])
    for a, names in owners.items():
        if len(names) > 1:
            dropped.append(f"{a} (shared by {sorted(names)})")
            for n in names:
                rows[n]["aliases"].remove(a)

    # Not an error: a longer alias that also occurs inside another row's name (南理工 in 河南理工大学);
    # a longest-match recogniser prefers the full name, but it is worth a look.
    inside = []
    for row in rows.values():
        for a in row["aliases"]:
            if len(a) >= 3:
                others = [n for n in rows if a in n and n != row["name"] and row["name"] not in n]
                if others:
                    inside.append(f"{a} ({row['name']}) inside {others[:3]}"
                                  + (f" and {len(others) - 3} more" if len(others) > 3 else ""))

    # Final validation.
    for row in rows.values():
        if row["class"] not in CLASSES:
            die(f"{row['name']}: class {row['class']}")
        if row["region"] and row["region"] not in regions:
            die(f"{row['name']}: region {row['region']} not in regions.tsv")
        src = "; ".join(row["source"])
        if not URL_RE.search(src):
            die(f"{row['name']}: source without URL")
        for col in ("name", "kind", "parent", "region"):
            if "\t" in row[col] or "\n" in row[col]:
                die(f"{row['name']}: tab/newline in {col}")
        if row["parent"] and row["parent"] not in rows:
            print(f"note: parent {row['parent']!r} of {row['name']} is not a row of this table",
                  file=sys.stderr)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write("# Chinese universities and colleges: the Ministry of Education's national list of regular\n")
        f.write("# higher-education institutions (全国普通高等学校名单, 截至2025年6月20日), kind university (本科)\n")
        f.write("# or college (专科/高职), region = the list's 所在地 city (GB/T 2260, 2021-era table; the newer 兵团\n")
        f.write("# cities it lacks, 双河/可克达拉/昆玉/新星市 -> 650000), plus curated news short forms, district seats and\n")
        f.write("# bodies outside the list (military, Hong Kong, Macau) from scripts/registries/universities_extra.tsv.\n")
        f.write("# Built by scripts/registries/build_universities.py (see its docstring for the command).\n")
        f.write("\t".join(COLUMNS) + "\n")
        for name in sorted(rows):
            row = rows[name]
            f.write("\t".join([row["name"], "|".join(row["aliases"]), row["class"], row["region"],
                               row["kind"], row["parent"], "; ".join(row["source"])]) + "\n")

    kinds = Counter(r["kind"] for r in rows.values())
    level_of = {c: regions[c]["level"] for c in regions}
    fine = sum(1 for r in rows.values() if r["region"] and level_of[r["region"]] != "province")
    muni = {"110000", "120000", "310000", "500000"}
    muni_rows = sum(1 for r in rows.values() if r["region"] in muni)
    print(f"wrote {args.out}: {len(rows)} rows ({len(records)} from the MoE list, {n_new} extra, "
          f"{n_supplemented} supplemented, {n_refined} given a finer region)")
    print("by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"region city-or-finer: {fine}; province-level: {len(rows) - fine} "
          f"(of which {muni_rows} in the four municipalities, whose list 所在地 is the municipality)")
    print(f"rows with aliases: {sum(1 for r in rows.values() if r['aliases'])}, "
          f"aliases: {sum(len(r['aliases']) for r in rows.values())}")
    for title, items in (("placed at 新疆 650000 (city not in the 2021 table)", province_only),
                         ("seated outside the province they are listed under", outside),
                         ("could not be placed below the province", unplaced),
                         ("aliases dropped", dropped),
                         ("aliases (3+ characters) that occur inside another row's name", inside)):
        print(f"{title}: {len(items)}")
        for it in items:
            print(f"  {it}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
