"""Readers of the editable region tables, shared by resolution (:mod:`kg.resolve.regions`) and the RDF export
(:mod:`kg.rdf.regions`): ``regions.tsv`` (GB/T 2260 ``code name aliases level parent``) and
``region_groups.tsv`` (``group member note``).

Both readers check every row and report problems as ``path:line: reason`` instead of raising, so the caller
decides: the Turtle generator prints them, :class:`kg.resolve.RegionTable` refuses a table that has any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RegionRow", "RegionGroupRow", "read_regions", "read_region_groups", "LEVELS"]

LEVELS = {"province": "Province", "city": "City", "district": "District"}
_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class RegionRow:
    """One GB/T 2260 region: six-digit ``code``, ``name``, ``aliases``, ``level`` and ``parent`` code."""

    code: str
    name: str
    aliases: tuple[str, ...]
    level: str
    parent: str | None


@dataclass(frozen=True)
class RegionGroupRow:
    """One named region group and the codes of its member regions."""

    name: str
    members: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


def _rows(path: Path, expected: list[str]):
    """Yield ``(line_number, fields)`` of a TSV with a header line, skipping comments and blank lines."""
    header_seen = False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if not header_seen:
                header_seen = True
                if [f.strip() for f in fields[: len(expected)]] != expected:
                    raise ValueError(f"{path}:{number}: header must start with {' '.join(expected)!r}, got {line!r}")
                continue
            yield number, fields + [""] * (len(expected) - len(fields))


def read_regions(path: str | Path, problems: list[str] | None = None) -> list[RegionRow]:
    """Read the region table (``code name aliases level parent``; aliases ``|``-separated).

    Parameters
    ----------
    path : str or Path
        The TSV file.
    problems : list of str, optional
        Receives one message per skipped or doubtful row (``path:line: reason``); rows with a bad code,
        level or duplicate code are skipped, a missing parent is reported and dropped.

    Returns
    -------
    list of RegionRow
        Valid rows, in file order.
    """
    path = Path(path)
    problems = problems if problems is not None else []
    rows: list[RegionRow] = []
    seen: set[str] = set()
    for number, fields in _rows(path, ["code", "name", "aliases", "level", "parent"]):
        code, name, aliases, level, parent = (f.strip() for f in fields[:5])
        where = f"{path}:{number}"
        if not _CODE.match(code):
            problems.append(f"{where}: code {code!r} is not six digits; row skipped")
            continue
        if code in seen:
            problems.append(f"{where}: duplicate code {code}; row skipped")
            continue
        if level not in LEVELS:
            problems.append(f"{where}: level {level!r} not in {sorted(LEVELS)}; row skipped")
            continue
        if not name:
            problems.append(f"{where}: empty name; row skipped")
            continue
        if parent and not _CODE.match(parent):
            problems.append(f"{where}: parent {parent!r} is not six digits; parent dropped")
            parent = ""
        seen.add(code)
        alias_list = tuple(dict.fromkeys(a.strip() for a in aliases.split("|") if a.strip() and a.strip() != name))
        rows.append(RegionRow(code, name, alias_list, level, parent or None))
    for row in rows:
        if row.parent and row.parent not in seen:
            problems.append(f"{path}: region {row.code} {row.name}: parent {row.parent} is not in the table")
    return rows


def read_region_groups(path: str | Path, known_codes: set[str] | None = None,
                       problems: list[str] | None = None) -> list[RegionGroupRow]:
    """Read the region-group table (``group member note``, one member per line).

    Parameters
    ----------
    path : str or Path
        The TSV file.
    known_codes : set of str, optional
        Codes of the region table; a member not in it is reported in ``problems`` and skipped.
    problems : list of str, optional
        Receives one message per skipped row.

    Returns
    -------
    list of RegionGroupRow
        Groups in order of first appearance.
    """
    path = Path(path)
    problems = problems if problems is not None else []
    members: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    for number, fields in _rows(path, ["group", "member", "note"]):
        group, member, note = (f.strip() for f in fields[:3])
        where = f"{path}:{number}"
        if not group or not _CODE.match(member):
            problems.append(f"{where}: need a group name and a six-digit member code, got {group!r} {member!r}")
            continue
        if known_codes is not None and member not in known_codes:
            problems.append(f"{where}: member {member} of {group} is not in the region table; skipped")
            continue
        members.setdefault(group, []).append(member)
        if note:
            notes.setdefault(group, []).append(note)
    return [RegionGroupRow(g, tuple(dict.fromkeys(m)), tuple(notes.get(g, ()))) for g, m in members.items()]
