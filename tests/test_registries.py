"""The registries of real-world bodies: well-formed rows, each with a public source and a known region."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kg.region_tables import read_regions
from kg.registries import REGISTRY_COLUMNS, read_registries, read_registry

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "kg" / "resources"


@pytest.fixture(scope="module")
def rows():
    problems: list[str] = []
    found = read_registries(RESOURCES, problems)
    assert problems == []
    return found


def test_registries_every_row_has_a_source_with_a_url(rows):
    missing = [(r.table, r.line, r.name) for r in rows if "http://" not in r.source and "https://" not in r.source]
    assert missing == []


def test_registries_regions_are_codes_of_the_region_table(rows):
    codes = {r.code for r in read_regions(RESOURCES / "regions.tsv")}
    unknown = [(r.table, r.line, r.name, r.region) for r in rows if r.region and r.region not in codes]
    assert unknown == []


def test_registries_hold_the_national_lists(rows):
    kinds = Counter((r.table, r.kind) for r in rows)
    assert kinds[("parks", "national_hitech_zone")] >= 170 and kinds[("parks", "national_etdz")] >= 220
    assert kinds[("parks", "national_new_area")] == 19 and kinds[("parks", "pilot_ftz")] >= 21
    assert kinds[("parks", "national_innovation_demo_zone")] >= 20
    assert sum(n for (table, _k), n in kinds.items() if table == "universities") >= 2800
    assert kinds[("research_institutes", "cas_institute")] >= 100
    assert kinds[("central_enterprises", "central_soe")] >= 95
    names = {r.name for r in rows}
    assert {"中国科学院", "北京大学", "国务院", "雄安新区"} <= names | {a for r in rows for a in r.aliases}


def test_registries_names_are_unique_within_a_table(rows):
    counts = Counter((r.table, r.name) for r in rows)
    assert [key for key, n in counts.items() if n > 1] == []


def test_registries_reader_reports_bad_rows(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("\t".join(REGISTRY_COLUMNS) + "\n某大学\t\tUniversity\t1100\tuniversity\t\thttps://x\n"
                    "某公司\t\tCompany\t\t\t\thttps://x\n", encoding="utf-8")
    problems: list[str] = []
    rows = read_registry(path, problems)
    assert [r.name for r in rows] == ["某大学"] and rows[0].region is None
    assert len(problems) == 2 and all("bad.tsv:" in p for p in problems)
