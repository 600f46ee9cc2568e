"""Build kg/resources/registries/companies.tsv (class Enterprise): Chinese companies.

Rows:
  * kind listed_company  - the A-share companies of the Shenzhen and Shanghai stock exchanges, each with its
                           full registered name (公司全称), its distinctive stock short name (股票简称) as an alias
                           and the GB/T 2260 code of its seat;
  * kind private_company - hand-kept rows (companies_extra.tsv next to this script) for the best-known large
                           private companies that are not listed in mainland China (华为, 腾讯, 阿里巴巴 ...).

Inputs (all public snapshots, transcribed as facts, no code taken from them):
  * SZSE "A股列表" download (深圳证券交易所 股票列表, workbook created 2025-10-22), snapshot
    github marszhongx/stock-data: full name, registered address, A-share code and short name, province, city.
    The district is read from the registered address when it names the listed city followed by one of that
    city's districts/counties in regions.tsv (or starts, after the province, with one of them: 江苏省江阴市);
    otherwise the row keeps the city.  When the exchange's city and Tushare's differ and the address names
    only the latter (or a third city of the province by its full name), the address wins (the city column
    is sometimes read off a place name such as 杭州湾).  A unit younger than the 2021-era regions.tsv
    (双河市, 可克达拉市) or a Hong Kong seat falls back to the province code.
  * SSE stock list (上海证券交易所 股票列表, sse.com.cn/assortment/stock/list/share, fetched 2026-05-16) as kept
    in github adanos-software/free-ticker-database, data/stock_verification/run-20260516-source-refresh/
    chunk-*.csv (column official_reference_name = the SSE FULL_NAME); the same files also carry the SZSE list
    of 2026-05-16, used only for Shenzhen companies listed after the workbook above.
  * Tushare stock_basic / stock_company (snapshot of 2024-05-13, github wp19991/gp, data/*.json): stock short
    name of Shanghai companies and province + city of every company (used for Shanghai rows; for Shenzhen
    rows only when the SZSE workbook has no city).
  Beijing Stock Exchange companies are NOT included: no public snapshot with their full names was found.

Aliases: the short name (spaces removed, NFKC-normalised, a trailing A/B share letter stripped) is kept only
when it names the company unambiguously: never for ST/*ST/退/N/C-prefixed names; never when it is a place
(regions.tsv, kg/resources/lexicons/places.tsv), a place + generic industry word (上海机场, 深圳能源), a
generic word, a common dictionary word (jieba's dict.txt: a common-noun/verb/adjective/idiom entry unless it
is a rare entry of four or more characters, person or place entries with frequency >= 20/10), a word or
phrase judged by hand (the DROP set below), shorter than 2 characters, a name or alias of another registry
table or of the gazetteer lexicons, or shared by two rows.  STAR/ChiNext markers (-U, -W, -WD) are stripped.
For a full name "X集团股份有限公司" / "X（集团）股份有限公司" the form "X集团" is added when X alone passes the
same tests.  Names are written with full-width parentheses（）as registered.  Rows whose body is already a
row of another registry (e.g. the central financial enterprises 中国工商银行 ...) are skipped.

Regenerate the shipped table (from the repository root):

    git --git-dir=/work/.mirror/marszhongx+stock-data/repo show \\
        073b749252ccfe7f4005cffbe52bb6f23ceed4a1:A股列表.xlsx > /tmp/szse_a.xlsx
    mkdir -p /tmp/ftd && for i in 01 02 03 04 05 06 07 08 09 10; do \\
      git --git-dir=/work/.mirror/adanos-software+free-ticker-database/repo show \\
        b176584c85113a9043697beeefc9bebd88abe631:data/stock_verification/run-20260516-source-refresh/chunk-$i-of-10.csv \\
        > /tmp/ftd/chunk-$i-of-10.csv; done
    git --git-dir=/work/.mirror/wp19991+gp/repo show \\
        cd8042251c85e55742e6386a007d3fa8de200f35:data/stock_company.json > /tmp/ts_stock_company.json
    git --git-dir=/work/.mirror/wp19991+gp/repo show \\
        18b5ae133608b1cbe35f3c83989d90072f414938:data/stock_basic.json > /tmp/ts_stock_basic.json
    python3 scripts/registries/build_companies.py \\
        --szse /tmp/szse_a.xlsx --sse-chunks /tmp/ftd/chunk-*-of-10.csv \\
        --ts-company /tmp/ts_stock_company.json --ts-basic /tmp/ts_stock_basic.json \\
        --regions kg/resources/regions.tsv --places kg/resources/lexicons/places.tsv \\
        --generic kg/resources/lexicons/generic_words.tsv kg/resources/lexicons/industry_words.tsv \\
        --dictionary .venv/lib/python3.11/site-packages/jieba/dict.txt \\
        --registries kg/resources/registries \\
        --lexicon-names kg/resources/lexicons/gazetteer.tsv kg/resources/lexicons/short_forms.tsv \\
        --out kg/resources/registries/companies.tsv

Python 3.11 standard library only; no network access.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
COLUMNS = ["name", "aliases", "class", "region", "kind", "parent", "source"]
CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform",
           "GovernmentAgency", "Organization", "Park"}
URL_RE = re.compile(r"https?://\S+")
CJK = "\u4e00-\u9fff"

# ---- the snapshots (cited in every row's source) ---------------------------------------------------------
SZSE_LIST = ("深圳证券交易所 A股列表 (workbook created 2025-10-22) "
             "https://www.szse.cn/market/product/stock/list/index.html via "
             "https://github.com/marszhongx/stock-data/blob/073b749252ccfe7f4005cffbe52bb6f23ceed4a1/"
             + quote("A股列表.xlsx"))
FTD_BLOB = ("https://github.com/adanos-software/free-ticker-database/blob/"
            "b176584c85113a9043697beeefc9bebd88abe631/data/stock_verification/run-20260516-source-refresh/")
SSE_LIST = ("上海证券交易所 股票列表 (fetched 2026-05-16) https://www.sse.com.cn/assortment/stock/list/share/ via "
            + FTD_BLOB + "{file}")
SZSE_LIST_2026 = ("深圳证券交易所 A股列表 (fetched 2026-05-16) "
                  "https://www.szse.cn/market/product/stock/list/index.html via " + FTD_BLOB + "{file}")
TS_COMPANY = ("Tushare stock_company (2024-05-13) https://tushare.pro/document/2?doc_id=112 via "
              "https://github.com/wp19991/gp/blob/cd8042251c85e55742e6386a007d3fa8de200f35/data/stock_company.json")
TS_BASIC = ("Tushare stock_basic (2024-05-13) https://tushare.pro/document/2?doc_id=25 via "
            "https://github.com/wp19991/gp/blob/18b5ae133608b1cbe35f3c83989d90072f414938/data/stock_basic.json")

# ---- alias judgement --------------------------------------------------------------------------------------
# After a place (a province or prefecture-level city, its short form, 中国 or a macro-region) these words make
# a short name read as "that place's <industry>" or a facility or public utility of the place (上海机场,
# 深圳能源, 重庆水务, 山东高速, 中国建筑).
PLACE_GENERIC = set("""
机场 空港 港 港务 港口 高速 电力 发展 实业 投资 建设 交通 燃气 水务 城投 路桥 传媒 文化 农业 矿业 电网 煤电
热电 百货 商业 物产 外运 城建 地产 置业 房地产 食品 医药 医疗 健康 机械 广电 出版 航运 海运 公路 铁路 水利
天然气 石油 中药 种业 林业 渔业 糖业 国际 国资 资本 资产 租赁 保险 核电 卫星 动力 船舶 建筑 软件 电影 教育
体育 科技 科学 技术 化学 环境 生态 环保 新能 水电 风电 光伏 储能 汽车 能源 新能源 电子 信息 智能 通信 网络
物流 旅游 文旅 酒业 国贸 贸易 商贸 交运 运输 控股 集团 材料 新材料 工业 制造 装备 生物 半导体 互联网 数字
金融 航空 航天 电器 纺织 服装 城乡 开发 园区 高新 新区 经开 市政 环卫 公交 地铁 轨道 文投 旅投 产投 交投
""".split())
# words after a place that still name one company: banks and brokers, and the trade names of industrial
# groups (北京银行, 西部证券, 江西铜业, 上海电气, 安阳钢铁, 上海建工, 东北制药)
PLACE_SAFE = set("""
银行 证券 农商行 农商银行 信托 期货 股份 铜业 铝业 钢铁 有色 黄金 重工 机床 机电 电气 制药 药业 水泥 纸业 轮胎
化工 石化 建工 客车 电缆
""".split())
# hand judgement: short names the mechanical tests drop although news uses them for this company only
KEEP = {"五粮液", "长江电力", "华北制药", "华东医药", "青岛啤酒", "南方航空", "东方航空", "全聚德", "同仁堂",
        "雅戈尔", "泸天化", "康佳", "孚日", "中国外运"}
# hand judgement: short names the tests keep although they are ordinary words or phrases (新世界, 智慧农业,
# 美丽生态), a sector rather than a firm (航天科技, 出版传媒), an abbreviation several bodies use (建科院,
# 电科院), the name of a website the gazetteer types otherwise (人民网, 新华网), or a name news uses for the
# parent group rather than for the listed company (中国石油, 东风汽车, 中国银河)
DROP = set("""
国际实业 中国中期 太阳能 农产品 电子城 金融街 新大陆 好想你 大众交通 国新能源 中国医药 中国软件 中国卫星 中国电影
中国出版 中国动力 中国黄金 中国长城 中国稀土 中国核电 中国化学 中国船舶 中国建筑 中国高科 中国铝业 中国石油
中国石化 中国电信 中国移动 中国联通 中国银河 东风汽车 蒙娜丽莎 三人行 信息发展 创新医疗 北京人力 数字认证 清新环境
出版传媒 中央商场 国民技术 完美世界 地铁设计 建设工业 智慧农业 无线传媒 美好医疗 美丽生态 现代投资 绿色动力
第一创业 未来电器 联合动力 国际医学 标准股份 通用股份 统一股份 城市传媒 生物股份 今天国际 可靠股份 航天科技
航天发展 航天工程 航天信息 航天电子 航天电器 航天动力 航天软件 航天机电 长江投资 长江材料 北方国际 北方股份
东方材料 东方生物 东方海洋 东方创业 东方电子 东南电子 西部建设 西部创业 西部材料 西部黄金 中南文化 中南股份
中原高速 大地海洋 园林股份 密封科技 超越科技 龙头股份 合金投资 建设机械 高新发展 天地在线 先锋电子 新世界
新天地 新希望 新产业 新城市 新里程 新经典 新风光 新坐标 新乳业 新开源 新华网 人民网 金太阳 创世纪 天下秀
大智慧 值得买 欢乐家 好上好 好太太 日月明 全新好 大东方 阿拉丁 汤姆猫 西上海 数据港 金银河 山外山 清水源
黑牡丹 深科技 建科院 建研院 电科院 设研院 东风科技
""".split())
ST_RE = re.compile(rf"^(\*?S?\*?ST|S(?=[{CJK}])|退市)|退$")
NEW_RE = re.compile(rf"^[NC](?=[{CJK}])")
SHARE_LETTER_RE = re.compile(rf"(?<=[{CJK}])[AB]$")


def nfkc(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def official_name(s: str) -> str:
    """A registered name as written in Chinese (full-width parentheses, no spaces)."""
    s = re.sub(r"\s+", "", (s or "").strip())
    return s.replace("(", "（").replace(")", "）")


# ---- readers ----------------------------------------------------------------------------------------------
def read_regions(path: Path) -> dict[str, dict]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            cols = line.rstrip("\n").split("\t")
            if i == 0 and cols[0] == "code":
                continue
            cols += [""] * (5 - len(cols))
            code, name, aliases, level, parent = cols[:5]
            if code:
                out[code] = {"name": name, "aliases": [a for a in aliases.split("|") if a],
                             "level": level, "parent": parent}
    return out


def read_xlsx(path: Path) -> list[dict]:
    """The first sheet of an .xlsx as a list of dicts keyed by the header (whitespace removed)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(ns + "si"):
                shared.append("".join(t.text or "" for t in si.iter(ns + "t")))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    table = []
    for row in sheet.iter(ns + "row"):
        cells = {}
        for c in row.iter(ns + "c"):
            col = "".join(ch for ch in c.get("r", "") if ch.isalpha())
            v, t = c.find(ns + "v"), c.get("t")
            if t == "s" and v is not None:
                val = shared[int(v.text)]
            elif t == "inlineStr":
                val = "".join(x.text or "" for x in c.iter(ns + "t"))
            else:
                val = v.text if v is not None and v.text else ""
            cells[col] = val.strip()
        table.append(cells)
    if not table:
        return []
    header = {k: "".join(v.split()) for k, v in table[0].items()}
    return [{header[k]: v for k, v in r.items() if k in header} for r in table[1:]]


def read_pandas_json(path: Path) -> list[dict]:
    """A pandas DataFrame.to_dict() dump ({column: {row: value}})."""
    d = json.loads(path.read_text(encoding="utf-8"))
    cols = list(d)
    idx = sorted(d[cols[0]], key=int)
    return [{c: d[c].get(i) for c in cols} for i in idx]


def read_word_column(paths: list[Path]) -> set[str]:
    words = set()
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                words.add(line.split("\t")[0].strip())
    return words


def read_dictionary(path: Path | None) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    if path is None:
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            out.setdefault(parts[0], (int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return out


def read_tsv(path: Path) -> list[dict]:
    rows, header = [], None
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                if header[:len(COLUMNS)] != COLUMNS:
                    sys.exit(f"{path}:{n}: header must be {COLUMNS}, got {cols}")
                continue
            cols += [""] * (len(COLUMNS) - len(cols))
            row = dict(zip(COLUMNS, (c.strip() for c in cols)))
            row["_where"] = f"{path.name}:{n}"
            rows.append(row)
    return rows


# ---- regions ----------------------------------------------------------------------------------------------
class Regions:
    def __init__(self, table: dict[str, dict]):
        self.t = table
        self.children = defaultdict(list)
        for code, r in table.items():
            if r["parent"]:
                self.children[r["parent"]].append(code)
        self.provinces = {c: r for c, r in table.items() if r["level"] == "province"}

    def province(self, name: str) -> str | None:
        name = (name or "").strip()
        if not name:
            return None
        hits = [c for c, r in self.provinces.items()
                if r["name"] == name or r["name"].startswith(name) or name in r["aliases"]]
        return hits[0] if len(hits) == 1 else None

    def city(self, prov: str, name: str) -> str | None:
        name = (name or "").strip()
        if not name:
            return None
        if name == self.t[prov]["name"] or name.startswith(self.t[prov]["name"][:2]) and name.endswith("市辖区"):
            return prov
        kids = [c for c in self.children[prov] if self.t[c]["name"] == name]
        return kids[0] if len(kids) == 1 else None

    def district_in(self, parent: str, text: str, bare: bool = False) -> str | None:
        """The child of ``parent`` whose name (or, with ``bare``, its short form) starts ``text``."""
        best, best_len = None, 0
        for c in self.children[parent]:
            forms = [self.t[c]["name"]] + ([a for a in self.t[c]["aliases"] if len(a) >= 2] if bare else [])
            for n in forms:
                if text.startswith(n) and len(n) > best_len:
                    best, best_len = c, len(n)
        return best

    def named_in(self, city: str, address: str) -> bool:
        """Does ``address`` name ``city`` (full name) or one of its districts (full or short name)?"""
        address = nfkc(address)
        if self.t[city]["name"] in address:
            return True
        def forms(c):
            n = self.t[c]["name"]
            yield n
            yield from (a for a in self.t[c]["aliases"] if len(a) >= 2)
            if len(n) >= 3 and n[-1] in "区县市":
                yield n[:-1]  # 上虞区 -> 上虞
        return any(f in address for c in self.children[city] for f in forms(c))

    def choose_city(self, prov: str, listed: str, other: str | None, address: str) -> tuple[str, str]:
        """The exchange's city unless the registered address names only the other source's city, or a third
        city of the province by its full name (the exchange's city column is sometimes read off a place name
        such as 杭州湾 in the address)."""
        if not other or other == listed or self.named_in(listed, address):
            return listed, ""
        if self.named_in(other, address):
            return other, "tushare city named in address"
        third = [c for c in self.children[prov] if self.t[c]["level"] == "city" and self.t[c]["name"] in nfkc(address)]
        if len(third) == 1:
            return third[0], "city named in address"
        return listed, ""

    def district_from_address(self, city: str, address: str) -> str | None:
        """A district/county of ``city`` named right after the city in ``address``."""
        address = nfkc(address)
        r = self.t[city]
        for form in [r["name"]] + [a for a in r["aliases"] if len(a) >= 2]:
            i = address.find(form)
            if i >= 0:
                d = self.district_in(city, address[i + len(form):])
                if d:
                    return d
        if r["level"] == "city" and r["parent"]:  # 江苏省江阴市...: a county-level city of the city, no city name
            return self.district_in(city, self._after_province(r["parent"], address))
        return None

    def resolve(self, prov_name: str, city_name: str, address: str = "") -> tuple[str, str]:
        """(code, how) for a province + city (+ registered address)."""
        prov = self.province(prov_name)
        if prov is None:
            return "", f"province {prov_name!r} not found"
        if city_name and "直辖县级" in city_name:  # 湖北省直辖县级行政区划: the county-level city is in the address
            d = self.district_in(prov, self._after_province(prov, address), bare=True)
            if d:
                return d, "district from address"
            return prov, "province (county-level city not in address)"
        city = self.city(prov, city_name)
        if city is None:  # a unit younger than the 2021 table (双河市, 可克达拉市) or none (香港): the province
            return prov, f"province (city {city_name!r} not in {self.t[prov]['name']} of regions.tsv)"
        if address and self.t[city]["level"] in ("city", "province"):
            d = self.district_from_address(city, address)
            if d:
                return d, "district from address"
        return city, "city"

    def _after_province(self, prov: str, address: str) -> str:
        address = nfkc(address)
        for form in [self.t[prov]["name"]] + self.t[prov]["aliases"]:
            if form and address.startswith(form):
                return address[len(form):]
            if form and address.startswith("中国" + form):
                return address[len(form) + 2:]
        return address


# ---- alias judgement --------------------------------------------------------------------------------------
class AliasJudge:
    def __init__(self, regions: Regions, places: set[str], generic: set[str], dictionary: dict,
                 foreign: set[str]):
        self.places = set(places)
        self.prefixes = {"中国"}
        for c, r in regions.t.items():
            self.places.add(r["name"])
            self.places.update(r["aliases"])
            if r["level"] in ("province", "city"):
                self.prefixes.update(f for f in [r["name"]] + r["aliases"] if len(f) >= 2)
        for macro in ("华北", "华东", "华南", "华中", "西南", "西北", "东北", "京津冀", "长三角", "珠三角", "大湾区"):
            self.prefixes.add(macro)
        self.generic = generic
        self.dictionary = dictionary
        self.foreign = foreign  # names and aliases of the other registry tables

    def verdict(self, alias: str) -> str | None:
        """None when ``alias`` may be kept, else the reason to drop it."""
        if len(alias) < 2:
            return "too short"
        if alias in self.foreign:
            return "other registry"
        if alias in KEEP:
            return None
        if alias in DROP:
            return "judgement"
        if alias in self.generic:
            return "generic word"
        if alias in self.places:
            return "place name"
        for p in sorted(self.prefixes, key=len, reverse=True):
            if alias.startswith(p):
                rest = alias[len(p):]
                if not rest or (rest in PLACE_GENERIC and rest not in PLACE_SAFE) or rest in self.generic:
                    return "place + generic word"
                break
        entry = self.dictionary.get(alias)
        if entry:
            freq, pos = entry
            if pos in ("nz", "nt", "j"):  # proper names and abbreviations of organisations
                return None
            if pos == "nr" and freq < 20 or pos == "ns" and freq < 10:
                return None
            if len(alias) >= 4 and freq < 40:  # a rare four-character entry is a trade name (乐凯胶片, 分众传媒)
                return None
            return f"dictionary word ({pos} {freq})"
        return None


def short_name_candidate(raw: str) -> tuple[str | None, str | None]:
    """(alias, reason-dropped) from a stock short name."""
    s = nfkc(raw)
    if not s:
        return None, None
    if ST_RE.search(s):
        return None, "ST/delisting name"
    if NEW_RE.match(s):
        return None, "new-listing marker"
    s = re.sub(r"-[A-Z]{1,3}$", "", s)  # STAR/ChiNext markers: -U (not yet profitable), -W (weighted votes), -WD
    s = SHARE_LETTER_RE.sub("", s)
    return s, None


def group_form(name: str) -> str | None:
    m = re.match(r"^(.+?)(?:集团|（集团）|\(集团\))股份有限公司$", name)
    return m.group(1) if m else None


# ---- build ------------------------------------------------------------------------------------------------
def build(args) -> int:
    regions = Regions(read_regions(args.regions))
    notes: list[str] = []
    stats = Counter()

    # other registries: names (to skip duplicates) and names+aliases (to drop colliding aliases)
    foreign_names, foreign_forms, foreign_enterprises = set(), set(), set()
    if args.registries:
        for p in sorted(Path(args.registries).glob("*.tsv")):
            if p.name == "companies.tsv" or p.resolve() == args.out.resolve():  # this table itself
                continue
            for r in read_tsv(p):
                foreign_names.add(r["name"])
                if r["class"] == "Enterprise":
                    foreign_enterprises.add(r["name"])
                foreign_forms.add(r["name"])
                foreign_forms.update(a for a in r["aliases"].split("|") if a)
    for p in args.lexicon_names or []:  # gazetteer / short-form lexicons: a form they type as another class
        for line in p.read_text(encoding="utf-8").splitlines():
            cols = [c.strip() for c in line.split("\t")]
            if line.startswith("#") or not cols[0]:
                continue
            cls = next((c for c in reversed(cols[1:]) if c in CLASSES), "")
            if cls and cls != "Enterprise":
                foreign_forms.add(cols[0])
    judge = AliasJudge(regions, read_word_column([args.places]) if args.places else set(),
                       read_word_column(args.generic or []), read_dictionary(args.dictionary), foreign_forms)

    ts_company = {r["ts_code"]: r for r in read_pandas_json(args.ts_company)}
    ts_basic = {r["ts_code"]: r for r in read_pandas_json(args.ts_basic)}

    listed: dict[str, dict] = {}  # code -> row

    # Shenzhen: the SZSE workbook
    for r in read_xlsx(args.szse):
        code, name = r.get("A股代码", "").zfill(6), official_name(r.get("公司全称", ""))
        if not re.fullmatch(r"\d{6}", code) or not name:
            continue
        src = [SZSE_LIST]
        address = r.get("注册地址", "")
        region, how = regions.resolve(r.get("省份", ""), r.get("城市", ""), address)
        tsc = ts_company.get(code + ".SZ")
        ts_city = regions.resolve(tsc.get("province") or "", tsc.get("city") or "")[0] if tsc else ""
        if region and how == "city" and regions.t[region]["level"] == "city":
            prov = regions.t[region]["parent"]
            other = ts_city if ts_city and regions.t[ts_city]["parent"] == prov else None
            chosen, why = regions.choose_city(prov, region, other, address)
            if chosen != region:
                notes.append(f"{code} {name}: SZSE city {regions.t[region]['name']} -> "
                             f"{regions.t[chosen]['name']} ({why}: {address})")
                stats["szse city corrected by address"] += 1
                if why.startswith("tushare"):
                    src.append(TS_COMPANY)
                region = chosen
                d = regions.district_from_address(region, address)
                region, how = (d, "district from address") if d else (region, "city")
        if not region and ts_city:
            region, how = ts_city, "city"
            src.append(TS_COMPANY)
        if not region:
            notes.append(f"{code} {name}: no region ({how})")
        stats[f"region: {how.split(' (')[0]}" if region else "region: none"] += 1
        listed[code] = {"code": code, "name": name, "short": r.get("A股简称", ""), "region": region,
                        "sources": src, "exchange": "SZ"}

    # Shanghai (and Shenzhen listings newer than the workbook): the 2026-05-16 exchange lists
    for path in args.sse_chunks:
        with open(path, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                src_key = r.get("official_reference_source", "")
                if r.get("status") != "verified" or r.get("asset_type") != "Stock":
                    continue
                code, name = r.get("ticker", ""), official_name(r.get("official_reference_name", ""))
                if not re.fullmatch(r"\d{6}", code) or not name:
                    continue
                if src_key == "sse_a_share_list" and code[:3] in ("600", "601", "603", "605", "688", "689"):
                    suffix, list_src = ".SH", SSE_LIST.format(file=Path(path).name)
                elif src_key == "szse_a_share_list" and code not in listed and code[:2] in ("00", "30"):
                    suffix, list_src = ".SZ", SZSE_LIST_2026.format(file=Path(path).name)
                else:
                    continue
                ts_code = code + suffix
                src = [list_src]
                short = ""
                if ts_code in ts_basic and ts_basic[ts_code].get("name"):
                    short = ts_basic[ts_code]["name"]
                    src.append(TS_BASIC)
                region, how = "", "not in tushare snapshot"
                tsc = ts_company.get(ts_code)
                if tsc:
                    region, how = regions.resolve(tsc.get("province") or "", tsc.get("city") or "")
                    if region:
                        src.append(TS_COMPANY)
                if not region:
                    notes.append(f"{code} {name}: no region ({how})")
                stats[f"region: {how.split(' (')[0]}" if region else "region: none"] += 1
                listed[code] = {"code": code, "name": name, "short": short, "region": region,
                                "sources": src, "exchange": suffix[1:]}

    # one row per company (an A share and a second A-share line of one company are rare; keep the first code)
    rows: dict[str, dict] = {}
    for code in sorted(listed):
        item = listed[code]
        name = item["name"]
        bare = re.sub(r"(股份有限公司|有限责任公司|有限公司)$", "", name)
        if name in foreign_names or name in foreign_forms or bare in foreign_enterprises:
            notes.append(f"{code} {name}: already a row of another registry, skipped")
            stats["skipped: in another registry"] += 1
            continue
        if name in rows:
            notes.append(f"{code} {name}: second code of {rows[name]['_code']}, merged")
            continue
        cands, dropped = [], []
        alias, why = short_name_candidate(item["short"])
        if why:
            dropped.append((nfkc(item["short"]), why))
        if alias:
            cands.append(alias)
        g = group_form(name)
        if g:
            cands.append(g + "集团")
        kept = []
        for a in cands:
            v = judge.verdict(a)
            if v is None and g and a == g + "集团" and a != alias:
                v = judge.verdict(g)  # "X集团" only when X alone is unambiguous
                v = f"X of X集团: {v}" if v else None
            if v:
                dropped.append((a, v))
            elif a != name and a not in kept:
                kept.append(a)
        rows[name] = {"name": name, "_aliases": kept, "_dropped": dropped, "class": "Enterprise",
                      "region": item["region"], "kind": "listed_company", "parent": "",
                      "source": f"{'上交所' if item['exchange'] == 'SH' else '深交所'} {code}: " + "; ".join(item["sources"]),
                      "_code": code, "_where": f"{item['exchange']} {code}"}

    # hand-kept rows
    extra = read_tsv(args.extra) if args.extra and args.extra.exists() else []
    for ex in extra:
        aliases = [a for a in ex["aliases"].split("|") if a]
        base = rows.get(ex["name"])
        if base is not None:  # annotate a listed row
            for a in aliases:
                if a not in base["_aliases"]:
                    base["_aliases"].append(a)
            for col in ("region", "kind", "parent"):
                if ex[col]:
                    base[col] = ex[col]
            if ex["source"]:
                base["source"] += "; " + ex["source"]
            continue
        if ex["name"] in foreign_names:
            notes.append(f"extra {ex['name']}: already a row of another registry, skipped")
            continue
        # hand-written aliases are judged by hand; only collisions with other tables are enforced here
        kept = [a for a in aliases if a not in judge.foreign]
        dropped = [(a, "other registry") for a in aliases if a in judge.foreign]
        rows[ex["name"]] = {"name": ex["name"], "_aliases": kept, "_dropped": dropped, "class": ex["class"],
                            "region": ex["region"], "kind": ex["kind"], "parent": ex["parent"],
                            "source": ex["source"], "_where": ex["_where"]}

    out_rows = validate(list(rows.values()), set(regions.t), notes, stats)
    write(out_rows, args.out)

    for n in notes:
        print("note:", n, file=sys.stderr)
    if args.dropped:
        with open(args.dropped, "w", encoding="utf-8") as fh:
            for r in out_rows:
                for a, why in r["_dropped"]:
                    fh.write(f"{r['name']}\t{a}\t{why}\n")
    kinds = Counter(r["kind"] for r in out_rows)
    print(f"wrote {len(out_rows)} rows to {args.out}")
    for k, c in sorted(kinds.items()):
        print(f"  {k}: {c}")
    n_alias = sum(len(r["aliases"].split("|")) for r in out_rows if r["aliases"])
    print(f"  with region: {sum(1 for r in out_rows if r['region'])}, with aliases: "
          f"{sum(1 for r in out_rows if r['aliases'])}, aliases kept: {n_alias}, "
          f"dropped: {sum(len(r['_dropped']) for r in out_rows)}")
    for k, c in sorted(stats.items()):
        print(f"  {k}: {c}")
    reasons = Counter(why.split(" (")[0] for r in out_rows for _, why in r["_dropped"])
    for k, c in reasons.most_common():
        print(f"  alias dropped, {k}: {c}")
    return 0


def validate(rows: list[dict], regions: set[str], notes: list[str], stats: Counter) -> list[dict]:
    errors = []
    names = Counter(r["name"] for r in rows)
    errors += [f"duplicate name {n}" for n, c in names.items() if c > 1]
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
        kept = []
        for a in r["_aliases"]:
            if len(a) < 2:
                r["_dropped"].append((a, "too short"))
            elif a in names and a != r["name"]:
                r["_dropped"].append((a, "another row's name"))
            elif a != r["name"] and a not in kept:
                kept.append(a)
        r["_aliases"] = kept
    owners = defaultdict(set)
    for r in rows:
        for a in r["_aliases"]:
            owners[a].add(r["name"])
    shared = {a for a, o in owners.items() if len(o) > 1}
    for a in sorted(shared):
        notes.append(f"alias {a!r} shared by {sorted(owners[a])}: dropped from all")
    for r in rows:
        r["_dropped"] += [(a, "shared by two rows") for a in r["_aliases"] if a in shared]
        r["aliases"] = "|".join(a for a in r["_aliases"] if a not in shared)
    if errors:
        sys.exit("\n".join(["validation failed:"] + errors))
    rows.sort(key=lambda r: r["name"])
    return rows


HEADER = """# Chinese companies (class Enterprise) -> seat region (GB/T 2260 code in kg/resources/regions.tsv).
# kind listed_company: A-share companies of the Shenzhen (SZSE A股列表, 2025-10-22; newer listings from the
# 2026-05-16 list) and Shanghai (SSE 股票列表, 2026-05-16) stock exchanges, full registered names; alias = the
# stock short name when it names the company unambiguously (ST names, places, place + industry word, common
# words and short names shared by two bodies are left out), plus "X集团" for X集团股份有限公司.
# Region: Shenzhen rows from the SZSE province/city columns, refined to the district/county named in the
# registered address; Shanghai rows from Tushare stock_company province/city (2024-05-13 snapshot), city level
# (a municipality's province code when only the municipality is known); empty when the snapshot lacks the company.
# Units younger than the 2021-era regions.tsv (新疆 双河市, 可克达拉市) get the province code 650000; seats in
# Hong Kong get 810000.
# Names with full-width parentheses as registered. Beijing Stock Exchange companies are not included (no
# public list with their full names was found); B-share-only companies are not included either.
# kind private_company: hand-kept rows (scripts/registries/companies_extra.tsv), each with its source.
# Bodies already in another registry table (central SOEs and central financial enterprises such as
# 中国工商银行, in central_enterprises.tsv) are not repeated here, and the names/aliases of other tables are
# never aliases here.
# Built by scripts/registries/build_companies.py (see its docstring for the exact command).
"""


def write(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER)
        fh.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            fh.write("\t".join(str(r[c]).replace("\t", " ").replace("\n", " ") for c in COLUMNS) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--szse", type=Path, required=True, help="SZSE A股列表 .xlsx")
    ap.add_argument("--sse-chunks", type=Path, nargs="+", required=True,
                    help="free-ticker-database stock_verification chunk-*.csv (SSE and SZSE lists of 2026-05-16)")
    ap.add_argument("--ts-company", type=Path, required=True, help="Tushare stock_company dump (pandas JSON)")
    ap.add_argument("--ts-basic", type=Path, required=True, help="Tushare stock_basic dump (pandas JSON)")
    ap.add_argument("--regions", type=Path, required=True, help="kg/resources/regions.tsv")
    ap.add_argument("--places", type=Path, help="kg/resources/lexicons/places.tsv")
    ap.add_argument("--generic", type=Path, nargs="*", help="word lists (first column) of generic words")
    ap.add_argument("--dictionary", type=Path, help="jieba dict.txt (word freq pos) to find common words")
    ap.add_argument("--registries", type=Path, help="folder of the other registry tables")
    ap.add_argument("--lexicon-names", type=Path, nargs="*",
                    help="lexicons (name ... class): a name they type as a class other than Enterprise is not an alias")
    ap.add_argument("--extra", type=Path, default=HERE / "companies_extra.tsv")
    ap.add_argument("--dropped", type=Path, help="write the dropped aliases (name, alias, reason) here")
    ap.add_argument("--out", type=Path, required=True)
    return build(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
