"""regions.tsv, parks.tsv and RegionTable lookups."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.resolve import RegionTable

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def table():
    return RegionTable()


def test_regions_tsv_shape_and_hierarchy(table):
    with (ROOT / "kg/resources/regions.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert list(rows[0]) == ["code", "name", "aliases", "level", "parent"]
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows)
    levels = {r["level"] for r in rows}
    assert levels == {"province", "city", "district"}
    assert sum(r["level"] == "province" for r in rows) == 34
    assert sum(r["level"] == "city" for r in rows) >= 330
    for r in rows:
        assert len(r["code"]) == 6 and r["code"].isdigit()
        if r["level"] == "province":
            assert r["parent"] == ""
        else:
            assert r["parent"] in codes, r
            # a city hangs under a province, a district under a city or province
            parent_level = table.level(r["parent"])
            assert parent_level in ({"province"} if r["level"] == "city" else {"province", "city"}), r


@pytest.mark.parametrize(
    "name, code",
    [
        ("北京市", "110000"), ("北京", "110000"), ("京", "110000"), ("河北", "130000"), ("冀", "130000"),
        ("德州", "371400"), ("德州市", "371400"), ("北京西城区", "110102"), ("西城区", "110102"),
        ("定州市", "130682"), ("定州", "130682"), ("雄安新区", "133100"), ("长治", "140400"), ("青岛", "370200"),
        ("西安", "610100"), ("南京", "320100"), ("成都", "510100"), ("重庆", "500000"), ("杭州", "330100"),
        ("宁波", "330200"), ("济南", "370100"), ("天津滨海新区", "120116"), ("吉林", "220000"), ("長治", "140400"),
    ],
)
def test_regions_code_for(table, name, code):
    assert table.code_for(name) == code


def test_regions_known_fixes(table):
    assert "139001" not in table and table.parent("130682") == "130600"  # cpca's non-standard 定州 code
    assert "371200" not in table  # 莱芜 merged into 济南 in 2019
    assert table.code_for("合作") is None  # 甘肃合作市 must not be read from the verb 合作
    assert table.code_for("桥西区") is None  # several cities have one: ambiguous
    assert table.code_for("桥西区", within="130100") == "130104"


def test_regions_hierarchy_lookups(table):
    assert table.ancestors("130682") == ["130600", "130000"]
    assert table.province_of("110102") == "110000" and table.city_of("110102") is None
    assert table.city_of("371400") == "371400" and table.province_of("371400") == "370000"
    assert table.parent("110000") is None and table.ancestors("999999") == []


def test_regions_groups(table):
    assert table.in_group("110102", "京津冀") and table.in_group("133100", "京津冀") and table.in_group("130682", "京津冀")
    assert not table.in_group("371400", "京津冀") and not table.in_group("110102", "no-such-group")
    assert "京津冀" in table.groups_of("120116")


@pytest.mark.parametrize(
    "name, code",
    [
        ("长治高新区", "140400"), ("西安高新区", "610100"), ("雄安新区", "133100"), ("青岛高新区", "370200"),
        ("中关村", "110108"), ("天津滨海新区", "120116"), ("湖南常德高新区", "430700"),
    ],
)
def test_regions_parks(table, name, code):
    park = table.park(name)
    assert park is not None and park.region == code


@pytest.mark.parametrize(
    "name, code",
    [
        ("山东有研半导体材料有限公司", "370000"), ("北京西城区某公司", "110102"), ("山东省德州市工信局", "371400"),
        ("德州天衢新区管委会", "371400"), ("邢台河北省煤化工工程技术研究中心", "130500"), ("青岛市科技局", "370200"),
        ("京东方", None), ("中山大学", None), ("东方航空", None), ("有研集团", None),
    ],
)
def test_regions_region_in_name(table, name, code):
    assert table.region_in_name(name) == code


def test_regions_every_park_region_exists(table):
    assert table.parks and all(p.region in table for p in table.parks.values())


def test_regions_bad_row_names_file_and_line(tmp_path):
    (tmp_path / "regions.tsv").write_text("code\tname\taliases\tlevel\tparent\n110000\t北京市\t北京\tprovince\t\n12\t坏\t\tcity\t110000\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"regions.tsv:3"):
        RegionTable(tmp_path)


def test_regions_make_script_reproduces_committed_table(tmp_path):
    """The generator fixes are data-checked: regenerate from a tiny cpca-like CSV."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_regions_tsv", ROOT / "scripts/make_regions_tsv.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    csv_path = tmp_path / "adcodes.csv"
    csv_path.write_text(
        "adcode,name,longitude,latitude\n130000000000,河北省,,\n130600000000,保定市,,\n139000000000,省直辖县级行政区划,,\n"
        "139001000000,定州市,,\n110000000000,北京市,,\n110100000000,市辖区,,\n110102000000,西城区,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "regions.tsv"
    assert mod.main(["--adcodes", str(csv_path), "--out", str(out)]) == 0
    rows = {line.split("\t")[0]: line.rstrip("\n").split("\t") for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert rows["130682"][1:] == ["定州市", "保定定州市|保定定州|定州", "district", "130600"]
    assert rows["110102"][4] == "110000" and "北京西城区" in rows["110102"][2].split("|")
    assert rows["133100"][3:] == ["district", "130600"] and "110100" not in rows
