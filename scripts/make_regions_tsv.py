"""Generate ``kg/resources/regions.tsv`` (GB/T 2260 regions) from cpca's adcodes table.

cpca is a development-time tool only (``.venv/bin/pip install cpca``); the runtime reads the
committed TSV, which is data a researcher may edit by hand.  Re-run with::

    .venv/bin/python scripts/make_regions_tsv.py [--adcodes PATH] [--out kg/resources/regions.tsv]

Output columns: ``code  name  aliases  level  parent`` (tab separated, one header line).

* ``code``: 6-digit GB/T 2260 code; ``level``: province / city / district (district covers
  municipal districts, counties, county-level cities and new areas such as 雄安新区);
  ``parent``: the code of the containing region (empty for provinces).  Districts of the four
  municipalities hang directly under the municipality (the ``110100 市辖区`` rows are dropped), and
  provincially administered county-level units (``419001 济源市``) hang under their province.
* ``aliases``: ``|``-separated other names.  Provinces get their short name and one-character
  abbreviation (北京市 → 北京|京); cities their name without 市/地区/盟/自治州 (德州市 → 德州);
  districts the city-prefixed forms (北京西城区, 北京西城) and, for county-level cities and
  municipal districts, the bare short name when no other region uses it (定州, 西城).  Short
  forms that are ordinary words (合作) are never emitted.

Known defects of cpca's 2021 table fixed here (see FIXES):
定州 139001 → 130682 (under 保定 130600), 辛集 139002 → 130181 (under 石家庄 130100),
莱芜市 371200 abolished in 2019 (莱城区 → 370116, 钢城区 → 370117 under 济南),
那曲地区 542400 → 那曲市 540600 (2017) with its counties renumbered,
雄安新区 133100 added (inside 河北 130000).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

PROVINCE_ABBREVIATIONS = {
    "110000": "京", "120000": "津", "130000": "冀", "140000": "晋", "150000": "蒙",
    "210000": "辽", "220000": "吉", "230000": "黑", "310000": "沪", "320000": "苏",
    "330000": "浙", "340000": "皖", "350000": "闽", "360000": "赣", "370000": "鲁",
    "410000": "豫", "420000": "鄂", "430000": "湘", "440000": "粤", "450000": "桂",
    "460000": "琼", "500000": "渝", "510000": "川|蜀", "520000": "黔|贵", "530000": "滇|云",
    "540000": "藏", "610000": "陕|秦", "620000": "甘|陇", "630000": "青", "640000": "宁",
    "650000": "新", "710000": "台", "810000": "港", "820000": "澳",
}

# old code -> (new code, new name or None to keep, new parent or None to derive)
FIXES = {
    "139001": ("130682", None, "130600"),
    "139002": ("130181", None, "130100"),
    "371202": ("370116", None, "370100"),
    "371203": ("370117", None, "370100"),
    "542400": ("540600", "那曲市", None),
    "542421": ("540602", "色尼区", "540600"),
    "542422": ("540621", None, "540600"),
    "542423": ("540622", None, "540600"),
    "542424": ("540623", None, "540600"),
    "542425": ("540624", None, "540600"),
    "542426": ("540625", None, "540600"),
    "542427": ("540626", None, "540600"),
    "542428": ("540627", None, "540600"),
    "542429": ("540628", None, "540600"),
    "542430": ("540629", None, "540600"),
    "542431": ("540630", None, "540600"),
}
DROPPED = {"371200"}  # 莱芜市, merged into 济南市 in 2019
ADDED = [  # code, name, extra aliases, level, parent
    ("133100", "雄安新区", ["河北雄安新区", "雄安"], "city", "130000"),
]
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
# Short forms that are ordinary words in news text: never emitted as aliases.
UNSAFE_SHORT_FORMS = {"合作", "开发", "和平", "新华", "城区", "郊区", "矿区", "市中", "市北", "市南", "长安"}

ETHNIC = (
    "蒙古族|藏族|回族|维吾尔族|苗族|彝族|壮族|布依族|朝鲜族|满族|侗族|瑶族|白族|土家族|哈尼族|哈萨克族|傣族|黎族|傈僳族|"
    "佤族|畲族|拉祜族|水族|东乡族|纳西族|景颇族|柯尔克孜族|土族|达斡尔族|仫佬族|羌族|布朗族|撒拉族|毛南族|仡佬族|锡伯族|"
    "阿昌族|普米族|塔吉克族|怒族|鄂温克族|德昂族|保安族|裕固族|京族|独龙族|鄂伦春族|赫哲族|门巴族|珞巴族|基诺族|各族"
)


def province_short(name: str) -> str:
    """北京市 → 北京, 广西壮族自治区 → 广西, 香港特别行政区 → 香港."""
    for suffix in ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def city_short(name: str) -> str:
    """德州市 → 德州, 延边朝鲜族自治州 → 延边, 大兴安岭地区 → 大兴安岭, 兴安盟 → 兴安."""
    m = re.match(rf"^(.+?)(?:(?:{ETHNIC})+)?自治州$", name)
    if m:
        return m.group(1)
    for suffix in ("地区", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def district_short(name: str) -> str:
    """西城区 → 西城, 定州市 → 定州, 正定县 → 正定, 长阳土家族自治县 → 长阳."""
    m = re.match(rf"^(.+?)(?:(?:{ETHNIC})+)?自治[县旗]$", name)
    if m:
        return m.group(1)
    for suffix in ("新区", "林区", "特区", "区", "县", "市", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def read_cpca(path: Path) -> dict[str, str]:
    """Return ``{6-digit code: name}`` from cpca's adcodes.csv, fixes applied, placeholders dropped."""
    rows: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code, name = rec["adcode"][:6], rec["name"].strip()
            if name in PLACEHOLDER_NAMES or code in DROPPED:
                continue
            if code in FIXES:
                new_code, new_name, _ = FIXES[code]
                code, name = new_code, new_name or name
            rows[code] = name
    return rows


def level_of(code: str) -> str:
    """province for ``xx0000``, city for ``xxxx00`` (except placeholders), else district."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district"


def build(rows: dict[str, str]) -> list[tuple[str, str, list[str], str, str]]:
    """Return ``(code, name, aliases, level, parent)`` rows, sorted by code."""
    fixed_parents = {new: parent for _, (new, _, parent) in FIXES.items() if parent}
    out = []
    for code, name in rows.items():
        level = level_of(code)
        if level == "province":
            parent = ""
        elif level == "city":
            parent = code[:2] + "0000"
        else:
            parent = fixed_parents.get(code) or code[:4] + "00"
            if parent not in rows:  # municipal districts, 省直辖县级行政区划
                parent = code[:2] + "0000"
        out.append([code, name, [], level, parent])
    for code, name, aliases, level, parent in ADDED:
        out.append([code, name, list(aliases), level, parent])

    by_code = {r[0]: r for r in out}
    # count bare short forms so ambiguous district short names are not emitted
    short_counts = Counter()
    for code, name, _, level, _ in out:
        short_counts[{"province": province_short, "city": city_short, "district": district_short}[level](name)] += 1

    for row in out:
        code, name, aliases, level, parent = row
        if level == "province":
            short = province_short(name)
            aliases += [short] + PROVINCE_ABBREVIATIONS.get(code, "").split("|")
        elif level == "city":
            aliases.append(city_short(name))
        else:
            short = district_short(name)
            up = by_code.get(parent)
            up_short = ""
            if up is not None:
                up_short = province_short(up[1]) if up[3] == "province" else city_short(up[1])
            if up_short and not name.startswith(up_short):
                aliases.append(up_short + name)
                if short != name:
                    aliases.append(up_short + short)
            bare_ok = (
                short != name
                and len(short) >= 2
                and short_counts[short] == 1
                and short not in UNSAFE_SHORT_FORMS
                and (name.endswith("市") or parent in MUNICIPALITIES)
            )
            if bare_ok:
                aliases.append(short)
        seen, clean_aliases = {name}, []
        for a in aliases:
            if a and a not in seen:
                seen.add(a)
                clean_aliases.append(a)
        row[2] = clean_aliases
    return sorted((tuple(r) for r in out), key=lambda r: r[0])


def main(argv: list[str] | None = None) -> int:
    """Write the regions TSV; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adcodes", type=Path, default=None, help="cpca adcodes.csv (default: the installed cpca's)")
    parser.add_argument("--out", type=Path, default=Path("kg/resources/regions.tsv"))
    args = parser.parse_args(argv)
    adcodes = args.adcodes
    if adcodes is None:
        try:
            import cpca  # dev-time only
        except ImportError:
            print("cpca is not installed: `.venv/bin/pip install cpca` or pass --adcodes", file=sys.stderr)
            return 2
        adcodes = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    rows = build(read_cpca(adcodes))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("code\tname\taliases\tlevel\tparent\n")
        for code, name, aliases, level, parent in rows:
            fh.write(f"{code}\t{name}\t{'|'.join(aliases)}\t{level}\t{parent}\n")
    counts = Counter(r[3] for r in rows)
    print(f"wrote {len(rows)} regions to {args.out}: {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
