"""Generate ``kg/resources/regions.tsv`` (GB/T 2260 regions) from a county-level code table.

The runtime reads the committed TSV, which is data a researcher may edit by hand; this script is a
development-time tool (stdlib only, plus the dictionary file of the ``jieba`` package installed in ``.venv``).

Source of the shipped table
---------------------------
``yescallop/areacodes`` (CC0 1.0), commit ``eed219a0678d36bacaa717f62443b10e869f0291`` (2025-11-04), file
``data/2024.txt``: the Ministry of Civil Affairs' 中华人民共和国县级以上行政区划代码 as of 2024-12-31 (one
``code name`` line per unit, 34 provinces, 333 prefecture-level and 2846 county-level units; no placeholder
rows).  Only its facts (codes and names) are used.  Cross-checked against the 国家统计局 2023 statistical
codes (``modood/Administrative-divisions-of-China`` commit 57a0aa9c, ``dist/{provinces,cities,areas}.csv``,
cut-off 2023-06-30): the same units and names apart from statistical-only rows and the 2023-2024 changes
(西沙区/南沙区, 和康县/和安县).  The shipped table was regenerated with::

    git --git-dir=<clone of yescallop/areacodes>/.git show \\
        eed219a0678d36bacaa717f62443b10e869f0291:data/2024.txt > /tmp/areacodes-2024.txt
    .venv/bin/python scripts/make_regions_tsv.py /tmp/areacodes-2024.txt --out kg/resources/regions.tsv
    .venv/bin/python scripts/make_places_tsv.py      # then regenerate the places lexicon from it

Accepted inputs (``SOURCE`` positional, or ``--adcodes``/``--source``): that ``code name`` text format, or a
CSV whose header has an ``adcode`` or ``code`` column and a ``name`` column (cpca's ``adcodes.csv`` with
12-digit codes, or a statistical-code table such as the 国家统计局 ``areas.csv``).  Statistical tables carry
rows GB/T 2260 has not: placeholders (``市辖区``, ``省直辖县级行政区划``) and development zones numbered x71-x79
(``130171 石家庄高新技术产业开发区``); both are dropped.

Output columns: ``code  name  aliases  level  parent`` (tab separated, one header line).

* ``code``: 6-digit GB/T 2260 code; ``level``: province / city / district (district covers
  municipal districts, counties, county-level cities and new areas); ``parent``: the code of the
  containing region (empty for provinces).  Districts of the four municipalities hang directly under the
  municipality (there are no ``110100 市辖区`` rows), and provincially administered county-level units
  (``419001 济源市``, ``429004 仙桃市``, the 兵团 cities ``6590xx``) hang under their province.
* ``aliases``: ``|``-separated other names, each naming one region only (a form two regions would share
  goes to the one of higher level, else to neither).
  - Provinces: short name and one-character abbreviation (北京市 → 北京|京, 广西壮族自治区 → 广西|桂,
    内蒙古自治区 → 内蒙古|蒙).
  - Cities: the name without 市/地区/盟 (德州市 → 德州, 兴安盟 → 兴安); an autonomous prefecture its name
    without the nationalities and 自治州 plus the 'X州' form (果洛藏族自治州 → 果洛|果洛州, 伊犁哈萨克自治州 →
    伊犁|伊犁州), unless the bare form is an ordinary word (see below).
  - Districts and counties: the forms prefixed with the containing city's (municipality's, province's)
    short name (北京西城区, 北京西城; 六安霍山县, 六安霍山) and the bare short name without
    区/县/市/旗/新区/林区/特区, or without the nationalities and 自治县/自治旗 (西城, 霍山, 安吉, 定州, 长阳),
    when no other region of the whole table has that short name and it is not an ordinary word.  An
    autonomous county (banner) also answers to 'X县' ('X旗'): 本溪满族自治县 → 本溪县, 鄂温克族自治旗 → 鄂温克旗.
  - Ordinary words: a bare short name is dropped when jieba's dictionary gives it a frequency of 1000 or
    more (长安, 平原, 公安), or tags it as no proper name (common noun, verb, adjective, numeral ...: 工农/n,
    合作/vn, 复兴/a) with frequency 100 or more (rarer entries are jieba's guesses: 正定/d, 辛集/v); it is a
    nationality (鄂温克); or it is in ``UNSAFE_SHORT_FORMS``.  ``KEEP_SHORT_FORMS`` overrides the dictionary
    for place names it over-rates (武昌, 天门, 仙桃).

Fixes kept (see ``LEGACY_CODES``, ``ADDED``): the statistical/cpca placeholders 139001 定州 → 130682 (under
保定 130600) and 139002 辛集 → 130181 (under 石家庄 130100), for inputs that still carry them; 雄安新区
133100 (not a GB/T 2260 unit, absent from the MCA table) added as a county-level unit inside 保定 130600, where
its counties 雄县, 容城, 安新 are (ANNOTATION.md scores 雄安 actors at city level as 河北省保定市).  The old fixes
of cpca's 2021 table (莱芜 371200 merged into 济南, 那曲地区 542400 → 那曲市 540600) are in the source.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from collections import Counter, defaultdict
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

# Non-standard codes of statistical / cpca tables: old code -> (GB/T 2260 code, new name or None, parent)
LEGACY_CODES = {
    "139001": ("130682", None, "130600"),  # 定州市, 省直辖县级行政区划 placeholder in cpca's table
    "139002": ("130181", None, "130100"),  # 辛集市
}
ADDED = [  # code, name, extra aliases, level, parent: units the source lacks
    ("133100", "雄安新区", ["河北雄安新区", "雄安"], "district", "130600"),
]
# Usual short forms the rules cannot derive (each must stay unique in the table).
EXTRA_ALIASES = {
    "150000": ["内蒙"],
    "652700": ["博州"],  # 博尔塔拉蒙古自治州
    "652800": ["巴州"],  # 巴音郭楞蒙古自治州 (巴中's 巴州区 keeps its prefixed forms)
    "653000": ["克州"],  # 克孜勒苏柯尔克孜自治州
    "150722": ["莫旗"],  # 莫力达瓦达斡尔族自治旗
    "211324": ["喀左"],  # 喀喇沁左翼蒙古族自治县
    "220721": ["前郭"],  # 前郭尔罗斯蒙古族自治县
}
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}

# Bare short forms that are ordinary words in news text although jieba's dictionary does not say so
# strongly enough: never emitted.
UNSAFE_SHORT_FORMS = {
    # words and phrases: 合作 (合作市), 互助 (互助土族自治县), 会同, 大关 ...
    "合作", "和平", "新华", "长安", "城关", "市中", "市北", "市南", "路南", "路北", "城东", "城西", "城北",
    "通道", "互助", "沿河", "大厂", "青龙", "满城", "海港", "兴隆", "七星", "石柱", "建华", "永和", "大化",
    "长寿", "上街", "山城", "天桥", "路桥", "大城", "故城", "南城", "高明", "江海", "博爱", "和顺", "延寿",
    "天台", "临海", "临江", "江口", "湖滨", "滨湖", "平川", "白水", "民乐", "新星", "白杨", "阳春", "磐石",
    "元宝", "双塔", "白塔", "古塔", "宝塔", "钟楼", "龙凤", "龙潭", "榆树", "樟树", "铜鼓", "盐湖", "盐池",
    "温泉", "大田", "嘉禾", "祥云", "无极", "新安", "小金", "石龙", "卧龙", "马尾", "龙门", "天柱", "白玉",
    # better known as something else: lakes, seas, mountains, firms, people
    "东海", "太湖", "泰山", "恒山", "天山", "西山", "黄龙", "九龙", "龙江", "龙井", "牡丹", "木兰", "东坡",
    "阳明", "弥勒", "方正", "兴业", "金沙", "金牛", "南华", "同仁", "威信", "和硕", "海伦", "碑林",
}
# Place names jieba's dictionary over-rates (frequency >= 1000 or a non-name tag): emitted all the same.
KEEP_SHORT_FORMS = {
    "武昌", "汉阳", "江夏", "黄陂", "郧阳", "安陆", "沙市", "江陵", "黄州", "天门", "仙桃", "神农架",
    "石首", "麻城", "洪湖", "监利", "洪山", "应城", "常熟", "高密", "保康", "镇远", "平遥", "三门",
    "定远", "永新", "当阳", "大兴", "临清", "大冶", "无为", "河间", "上党", "宝应", "金门", "龙口",
    "新野", "赤壁", "民和", "库车", "五峰", "融水", "恩施", "大理",
}
# jieba tags of proper names (possibly places); other tags mark ordinary words (n common noun, v, vn, a, d, m ...).
NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
COMMON_FREQUENCY = 1000
NON_NAME_FREQUENCY = 100

# Nationalities as they appear in autonomous-unit names; the multi-character ones also without 族
# (伊犁哈萨克自治州, 察布查尔锡伯自治县).
NATIONALITIES = (
    "蒙古 藏 回 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 "
    "裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_NATIONALITY_FORMS = sorted(
    {n + "族" for n in NATIONALITIES} | {n for n in NATIONALITIES if len(n) >= 2} | {"各族"}, key=len, reverse=True
)


def province_short(name: str) -> str:
    """北京市 → 北京, 广西壮族自治区 → 广西, 香港特别行政区 → 香港."""
    for suffix in ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def autonomous_core(name: str) -> tuple[str, str, bool] | None:
    """``(core, unit word, core is a nationality)`` of an autonomous prefecture/county/banner name, else None.

    >>> autonomous_core("海西蒙古族藏族自治州"), autonomous_core("伊犁哈萨克自治州")
    (('海西', '州', False), ('伊犁', '州', False))
    >>> autonomous_core("鄂温克族自治旗"), autonomous_core("积石山保安族东乡族撒拉族自治县")
    (('鄂温克', '旗', True), ('积石山', '县', False))
    """
    for suffix, unit in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            break
    else:
        return None
    core = name[: -len(suffix)]
    while True:
        for form in _NATIONALITY_FORMS:
            if core.endswith(form) and len(core) - len(form) >= 2:
                core = core[: -len(form)]
                break
        else:
            break
    for form in _NATIONALITY_FORMS:  # the whole name is a nationality: 鄂温克族自治旗, 东乡族自治县
        if core == form:
            return (core[:-1] if core.endswith("族") else core), unit, True
    return core, unit, False


def city_short(name: str) -> str:
    """德州市 → 德州, 延边朝鲜族自治州 → 延边, 大兴安岭地区 → 大兴安岭, 兴安盟 → 兴安."""
    auto = autonomous_core(name)
    if auto:
        return auto[0]
    for suffix in ("地区", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def district_short(name: str) -> str:
    """西城区 → 西城, 定州市 → 定州, 正定县 → 正定, 长阳土家族自治县 → 长阳, 神农架林区 → 神农架."""
    auto = autonomous_core(name)
    if auto:
        return auto[0]
    for suffix in ("新区", "林区", "特区", "区", "县", "市", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def short_of(name: str, level: str) -> str:
    return {"province": province_short, "city": city_short, "district": district_short}[level](name)


def read_source(path: Path) -> dict[str, str]:
    """``{6-digit code: name}`` from the code table, legacy codes mapped, placeholders and zones dropped."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip()]
    pairs: list[tuple[str, str]] = []
    if lines and "," in lines[0] and not lines[0][:6].isdigit():
        reader = csv.DictReader(lines)
        code_col = "adcode" if "adcode" in (reader.fieldnames or []) else "code"
        for rec in reader:
            pairs.append((rec[code_col].strip(), rec["name"].strip().strip('"')))
    else:
        for line in lines:
            parts = line.split(None, 1)
            if len(parts) == 2:
                pairs.append((parts[0], parts[1].strip()))
    rows: dict[str, str] = {}
    for code, name in pairs:
        if len(code) > 6 and set(code[6:]) <= {"0"}:
            code = code[:6]  # cpca / statistical 12-digit codes
        elif len(code) in (2, 4) and code.isdigit():
            code = code.ljust(6, "0")  # statistical provinces.csv / cities.csv: 13, 1301
        if len(code) != 6 or not code.isdigit() or name in PLACEHOLDER_NAMES:
            continue
        if not code.endswith("00") and "71" <= code[4:] <= "79":
            continue  # statistical-only development zones (GB/T 2260 numbers counties 21-80 but uses no 7x)
        if code in LEGACY_CODES:
            new_code, new_name, _ = LEGACY_CODES[code]
            code, name = new_code, new_name or name
        rows[code] = name
    return rows


def level_of(code: str) -> str:
    """province for ``xx0000``, city for ``xxxx00``, else district."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district"


def jieba_dictionary(path: Path | None = None) -> dict[str, tuple[int, str]]:
    """``{word: (frequency, tag)}`` from jieba's ``dict.txt`` (the installed package's unless ``path``)."""
    if path is None:
        spec = importlib.util.find_spec("jieba")
        if spec is None or not spec.origin:
            raise FileNotFoundError("jieba is not installed: pass --jieba-dict PATH")
        path = Path(spec.origin).parent / "dict.txt"
    words: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


def ordinary_word(short: str, words: dict[str, tuple[int, str]]) -> str | None:
    """Why ``short`` is an ordinary word (a reason string), or None when it may stand alone as a place name."""
    if short in KEEP_SHORT_FORMS:
        return None
    if short in UNSAFE_SHORT_FORMS:
        return "hand list"
    if short in words:
        freq, tag = words[short]
        if freq >= COMMON_FREQUENCY:
            return f"jieba {freq} {tag}"
        if tag not in NAME_TAGS and freq >= NON_NAME_FREQUENCY:
            return f"jieba {freq} {tag}"
    return None


def build(rows: dict[str, str], words: dict[str, tuple[int, str]], stats: dict | None = None):
    """Return ``(code, name, aliases, level, parent)`` rows, sorted by code.

    ``stats`` (optional dict) receives ``bare_added`` / ``bare_shared`` / ``bare_common`` lists of
    ``(code, short)`` for districts and ``dropped_shared`` for aliases two regions would have shared.
    """
    stats = stats if stats is not None else {}
    fixed_parents = {new: parent for new, _, parent in LEGACY_CODES.values() if parent}
    out: dict[str, list] = {}
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
        out[code] = [code, name, [], level, parent]
    for code, name, aliases, level, parent in ADDED:
        if code not in out:
            out[code] = [code, name, list(aliases), level, parent]

    # every region's bare short form, counted over the whole table
    short_counts = Counter()
    for code, name, _, level, _ in out.values():
        short = short_of(name, level)
        if short != name:
            short_counts[short] += 1

    for key in ("bare_added", "bare_shared", "bare_common", "dropped_shared"):
        stats.setdefault(key, [])
    for row in out.values():
        code, name, aliases, level, parent = row
        auto = autonomous_core(name)
        if level == "province":
            aliases += [province_short(name)] + PROVINCE_ABBREVIATIONS.get(code, "").split("|")
        elif level == "city":
            short = city_short(name)
            if auto:
                if not ordinary_word(short, words) and not auto[2]:
                    aliases.append(short)
                aliases.append(short + "州")
            else:
                aliases.append(short)
        else:
            short = district_short(name)
            up = out.get(parent)
            up_short = short_of(up[1], up[3]) if up is not None else ""
            if up_short and not name.startswith(up_short):
                aliases.append(up_short + name)
                if short != name:
                    aliases.append(up_short + short)
            if short != name and len(short) >= 2:
                if auto and auto[2]:
                    stats["bare_common"].append((code, short, "nationality"))
                elif short_counts[short] > 1:
                    stats["bare_shared"].append((code, short))
                elif reason := ordinary_word(short, words):
                    stats["bare_common"].append((code, short, reason))
                else:
                    aliases.append(short)
                    stats["bare_added"].append((code, short))
            if auto:
                aliases.append(short + auto[1])  # 本溪县, 鄂温克旗
        aliases += EXTRA_ALIASES.get(code, [])

    # one region per alias: a form several regions would share goes to the one of highest level, else to none
    rank = {"province": 0, "city": 1, "district": 2}
    official = {r[1] for r in out.values()}
    holders: dict[str, list[str]] = defaultdict(list)
    for code, name, aliases, _, _ in out.values():
        for a in dict.fromkeys(aliases):
            if a and a != name:
                holders[a].append(code)
    for row in out.values():
        code, name, aliases, level, _ = row
        clean, seen = [], {name}
        for a in aliases:
            if not a or a in seen:
                continue
            seen.add(a)
            codes = holders[a]
            if a in official:
                stats["dropped_shared"].append((code, a))
                continue
            if len(codes) > 1:
                best = min(rank[out[c][3]] for c in codes)
                top = [c for c in codes if rank[out[c][3]] == best]
                if top != [code]:
                    stats["dropped_shared"].append((code, a))
                    continue
            clean.append(a)
        row[2] = clean
    final = {(code, a) for code, _, aliases, _, _ in out.values() for a in aliases}
    stats["bare_added"] = [item for item in stats["bare_added"] if item in final]
    return [tuple(out[c]) for c in sorted(out)]


def main(argv: list[str] | None = None) -> int:
    """Write the regions TSV; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="code table: areacodes data/YYYY.txt or a CSV")
    parser.add_argument("--adcodes", "--source", dest="source_opt", type=Path, default=None,
                        help="the code table (same as SOURCE)")
    parser.add_argument("--out", type=Path, default=Path("kg/resources/regions.tsv"))
    parser.add_argument("--jieba-dict", type=Path, default=None, help="jieba dict.txt (default: the installed jieba's)")
    parser.add_argument("--report", action="store_true", help="print the short names added and rejected")
    args = parser.parse_args(argv)
    source = args.source_opt or args.source
    if source is None:
        parser.print_usage(sys.stderr)
        print("give the code table (see the docstring for the source of the shipped table)", file=sys.stderr)
        return 2
    try:
        words = jieba_dictionary(args.jieba_dict)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    stats: dict = {}
    rows = build(read_source(source), words, stats)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("code\tname\taliases\tlevel\tparent\n")
        for code, name, aliases, level, parent in rows:
            fh.write(f"{code}\t{name}\t{'|'.join(aliases)}\t{level}\t{parent}\n")
    counts = Counter(r[3] for r in rows)
    print(f"wrote {len(rows)} regions to {args.out}: {dict(counts)}; district short names: "
          f"{len(stats['bare_added'])} added, {len(stats['bare_shared'])} shared, "
          f"{len(stats['bare_common'])} ordinary words; {len(stats['dropped_shared'])} shared aliases dropped")
    if args.report:
        for key in ("bare_common", "bare_shared", "dropped_shared"):
            print(f"{key}: " + " ".join("/".join(map(str, item)) for item in stats[key]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
