"""Generate ``ontology/regions.ttl`` (SKOS regions + region groups) from the editable TSV tables.

Usage::

    python scripts/gen_regions_ttl.py [--regions kg/resources/regions.tsv]
        [--groups kg/resources/region_groups.tsv] [--out ontology/regions.ttl] [--check]

Rows that cannot be used are reported on stderr (``file:line: reason``) and skipped; the rest is written.
``--check`` writes nothing and exits 1 when ``--out`` is not what the tables give.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.rdf.regions import read_region_groups, read_regions, regions_turtle  # noqa: E402


def render(regions_path: Path, groups_path: Path, problems: list[str]) -> str:
    """Turtle text for the two tables; problems found are appended to ``problems``."""
    regions = read_regions(regions_path, problems)
    groups = read_region_groups(groups_path, {r.code for r in regions}, problems)
    source = " and ".join(_relative(p) for p in (regions_path, groups_path))
    return regions_turtle(regions, groups, source=source)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=Path, default=ROOT / "kg" / "resources" / "regions.tsv")
    parser.add_argument("--groups", type=Path, default=ROOT / "kg" / "resources" / "region_groups.tsv")
    parser.add_argument("--out", type=Path, default=ROOT / "ontology" / "regions.ttl")
    parser.add_argument("--check", action="store_true", help="only check that --out is up to date")
    args = parser.parse_args(argv)
    problems: list[str] = []
    text = render(args.regions, args.groups, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run scripts/gen_regions_ttl.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
