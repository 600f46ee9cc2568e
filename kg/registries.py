"""The registries of real-world bodies (``kg/resources/registries/*.tsv``): one reader for every stage.

Each table has the columns ``name aliases class region kind parent source`` (see
``kg/resources/registries/README.md``): one row per body (a university, a CAS institute, a central
state-owned enterprise, a ministry, a national laboratory, a park or zone), its other names, its class, the
GB/T 2260 code of its seat, a finer kind, the body it belongs to and the public source of the facts.  The
NER gazetteer (:mod:`kg.nlp.components.lexicons`), the mention resolver and the region resolver
(:mod:`kg.resolve`) all read them through :func:`read_registries`, so a registry name is found, typed and
placed in any article.

Examples
--------
>>> rows = read_registries()
>>> row = next(r for r in rows if r.name == "北京大学")
>>> row.cls, row.region, "北大" in row.aliases
('University', '110108', True)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REGISTRY_COLUMNS", "RegistryRow", "read_registry", "read_registries", "registry_dir"]

REGISTRY_COLUMNS = ("name", "aliases", "class", "region", "kind", "parent", "source")
_CLASSES = {"Enterprise", "University", "ResearchInstitute", "InnovationPlatform", "GovernmentAgency", "Organization",
            "Park", "Project"}


@dataclass(frozen=True)
class RegistryRow:
    """One body of a registry table."""

    name: str
    aliases: tuple[str, ...]
    cls: str  # an EntityClass value
    region: str | None  # GB/T 2260 code of the seat
    kind: str
    parent: str | None
    source: str
    table: str  # the file it came from (universities, parks ...)
    line: int


def registry_dir(resources: str | Path | None = None) -> Path:
    """The registries folder of a resources root (default: the shipped ``kg/resources``)."""
    root = Path(resources) if resources is not None else Path(__file__).resolve().parent / "resources"
    return root / "registries"


def read_registry(path: str | Path, problems: list[str] | None = None) -> list[RegistryRow]:
    """Read one registry table; malformed rows are reported (``path:line: reason``) and skipped.

    Parameters
    ----------
    path : str or Path
        A TSV with the header :data:`REGISTRY_COLUMNS`.
    problems : list of str, optional
        Receives the messages; when omitted, each becomes a warning.
    """
    path = Path(path)
    report = problems.append if problems is not None else (lambda msg: warnings.warn(msg, stacklevel=3))
    rows: list[RegistryRow] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if header is None:
                header = cells
                if tuple(header[:len(REGISTRY_COLUMNS)]) != REGISTRY_COLUMNS:
                    report(f"{path}:{number}: header must be {' '.join(REGISTRY_COLUMNS)}")
                    return []
                continue
            cells += [""] * (len(REGISTRY_COLUMNS) - len(cells))
            name, aliases, cls, region, kind, parent, source = cells[:7]
            if not name or cls not in _CLASSES:
                report(f"{path}:{number}: a row needs a name and a class of {sorted(_CLASSES)}, got {cls!r}")
                continue
            if region and not (len(region) == 6 and region.isdigit()):
                report(f"{path}:{number}: region {region!r} is not a six-digit GB/T 2260 code")
                region = ""
            rows.append(RegistryRow(name, tuple(a for a in aliases.split("|") if a.strip()), cls, region or None,
                                    kind, parent or None, source, path.stem, number))
    return rows


def read_registries(resources: str | Path | None = None, problems: list[str] | None = None) -> list[RegistryRow]:
    """Every row of every ``*.tsv`` under the resources root's ``registries/`` (sorted by file name)."""
    folder = registry_dir(resources)
    if not folder.is_dir():
        return []
    out: list[RegistryRow] = []
    for path in sorted(folder.glob("*.tsv")):
        out.extend(read_registry(path, problems))
    return out
