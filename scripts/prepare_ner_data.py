"""Convert CLUENER 2020 and People's Daily (BIO) into deterministic train/dev/test splits for scripts/train_ner.py.

Usage::

    python scripts/prepare_ner_data.py --cluener /path/cluener2020/train.json \
        --peoples-daily /path/peoples_daily_ner/example.dev --out .kg/ner_data

Writes, in ``--out``:

* ``train.jsonl`` / ``dev.jsonl``: ``{"text", "spans": [[start, end_exclusive, label], ...], "dataset"}``
  in the training label scheme (CLUENER labels; People's Daily PER/LOC/ORG mapped onto name/address and
  company/government/organization by the name's suffix);
* ``cluener_test.json`` / ``cluener_dev.json``: the held-out CLUENER lines, byte-for-byte, for
  ``kg.evaluate.ner.evaluate(..., fmt="cluener")``;
* ``pd_test.bio`` / ``pd_dev.bio``: the held-out People's Daily sentences in BIO, for ``fmt="bio"``.

The split is a function of each sentence's text (MD5 bucket), so it never changes between runs and a
sentence never lands in two splits.  The test portions are never used for training or tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

# People's Daily ORG names are split onto the CLUENER organisation labels by suffix; why: the
# statistical model keeps one label scheme (CLUENER's), which is finer than People's Daily's ORG.
_COMPANY_SUFFIXES = ("公司", "集团", "银行", "厂", "商店", "酒店", "宾馆", "饭店", "商场", "报", "社", "台")
_GOVERNMENT_SUFFIXES = (
    "政府", "部", "局", "委", "委员会", "厅", "署", "办", "办公室", "法院", "检察院", "国务院",
    "中央", "人大", "政协", "党委", "市委", "省委", "县委", "军区", "公安", "海关", "使馆", "大使馆",
)


def bucket(text: str) -> int:
    """Return a stable 0..99 bucket for ``text`` (the split key)."""
    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:8], 16) % 100


def split_of(text: str, test_pct: int, dev_pct: int) -> str:
    """Return ``"test"``, ``"dev"`` or ``"train"`` for ``text``."""
    b = bucket(text)
    if b < test_pct:
        return "test"
    if b < test_pct + dev_pct:
        return "dev"
    return "train"


def peoples_daily_org_label(name: str) -> str:
    """Map a People's Daily ORG name onto company / government / organization by its suffix."""
    if name.endswith(_COMPANY_SUFFIXES):
        return "company"
    if name.endswith(_GOVERNMENT_SUFFIXES) or name.startswith(("中共", "中国共产党")):
        return "government"
    return "organization"


def read_cluener(path: Path):
    """Yield ``(raw_line, text, spans)`` from a CLUENER JSONL file (end offsets made exclusive)."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                print(f"{path}:{n}: skipped, not JSON ({err})", file=sys.stderr)
                continue
            spans = []
            for label, surfaces in (record.get("label") or {}).items():
                for surface, positions in surfaces.items():
                    for start, end in positions:
                        spans.append([start, end + 1, label])
            yield line.rstrip("\n"), record["text"], sorted(spans)


def read_bio(path: Path):
    """Yield ``(raw_block, text, spans)`` from a "char tag" BIO file with blank lines between sentences."""
    block: list[str] = []
    with path.open(encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    for line in lines + [""]:
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        chars, tags = [], []
        for row in block:
            parts = row.split()
            if len(parts) == 1:  # a space character carries only its tag
                chars.append(" ")
                tags.append(parts[0])
            else:
                chars.append(parts[0])
                tags.append(parts[-1])
        spans, start, label = [], None, None
        for i, tag in enumerate(tags + ["O"]):
            if start is not None and not tag.startswith("I-"):
                spans.append([start, i, label])
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                start, label = i, tag[2:]
        yield "\n".join(block), "".join(chars), spans
        block = []


def main(argv=None) -> int:
    """Write the splits; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluener", type=Path, required=True, help="CLUENER train.json")
    parser.add_argument("--peoples-daily", type=Path, help="People's Daily BIO file (example.dev)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = {"train": [], "dev": []}
    raw = {"cluener": {"test": [], "dev": []}, "pd": {"test": [], "dev": []}}
    counts = {}
    for line, text, spans in read_cluener(args.cluener):
        part = split_of(text, test_pct=10, dev_pct=10)
        counts[("cluener", part)] = counts.get(("cluener", part), 0) + 1
        if part in raw["cluener"]:
            raw["cluener"][part].append(line)
        if part != "test":
            rows[part].append({"text": text, "spans": spans, "dataset": "cluener"})
    if args.peoples_daily:
        label_map = {"PER": "name", "LOC": "address"}
        for block, text, spans in read_bio(args.peoples_daily):
            # People's Daily dev is small: hold out more of it (20 %) for a stabler test figure.
            part = split_of(text, test_pct=20, dev_pct=10)
            counts[("pd", part)] = counts.get(("pd", part), 0) + 1
            if part in raw["pd"]:
                raw["pd"][part].append(block)
            if part != "test":
                mapped = [
                    [s, e, label_map.get(lab) or peoples_daily_org_label(text[s:e])] for s, e, lab in spans
                ]
                rows[part].append({"text": text, "spans": mapped, "dataset": "pd"})
    for part, items in rows.items():
        with (args.out / f"{part}.jsonl").open("w", encoding="utf-8") as fh:
            for item in items:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    for part in ("test", "dev"):
        (args.out / f"cluener_{part}.json").write_text("\n".join(raw["cluener"][part]) + "\n", encoding="utf-8")
        if args.peoples_daily:
            (args.out / f"pd_{part}.bio").write_text("\n\n".join(raw["pd"][part]) + "\n", encoding="utf-8")
    for key in sorted(counts):
        print(f"{key[0]:8s} {key[1]:5s} {counts[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
