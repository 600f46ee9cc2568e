"""Run every benchmark and write ``bench/RESULTS.md`` (machine, date, one row per figure with its baseline ratio).

Run (two shared cores: be nice)::

    nice -n 10 .venv/bin/python -m bench                       # everything, default sizes
    nice -n 10 .venv/bin/python -m bench --quick               # small sizes, a few minutes
    nice -n 10 .venv/bin/python -m bench --only build,load     # some of them
    nice -n 10 .venv/bin/python -m bench --big 10000           # add the 10k-article build (1 core, jobs 1 and 2 interleaved, posseg, memory)

The benchmarks of other modules (``bench_store``, ``bench_ner``, ``bench_algorithms``, ``bench_explorer``)
run as child processes; their output is copied into RESULTS.md under their name.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, Result, machine_info, results_markdown

OURS = ("extraction", "build", "load", "sparql")
OTHERS = ("bench_store", "bench_ner", "bench_algorithms", "bench_explorer")
DEFAULT_DATA = Path("/work/shared/data")


def _others(names: list[str], quick: bool, timeout: float) -> list[str]:
    """Run other owners' benchmark modules as child processes; return Markdown sections with their output."""
    sections = []
    for name in names:
        if not (ROOT / "bench" / f"{name}.py").exists():
            continue
        cmd = ["nice", "-n", "10", PYTHON, "-m", f"bench.{name}"]
        print(f"== {' '.join(cmd[3:])}", flush=True)
        started = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
            output, status = done.stdout + done.stderr[-3000:], f"exit {done.returncode}"
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            status = f"stopped after {timeout:.0f} s"
        secs = time.perf_counter() - started
        print(output[-3000:], flush=True)
        sections += ["", f"## `python -m bench.{name}` ({status}, {secs:.0f} s)", "", "```", output.strip()[-6000:], "```"]
    return sections


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmarks, print each figure as it comes, write RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (minutes, not an hour)")
    parser.add_argument("--only", default=",".join(OURS + OTHERS),
                        help=f"comma-separated subset of {', '.join(OURS + OTHERS)}")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA if DEFAULT_DATA.is_dir() else None,
                        help="shared data directory (FinRE, CLUENER) for the generated corpus")
    parser.add_argument("--big", type=int, default=0, help="also build a corpus of this many articles (jobs=1 and 2)")
    parser.add_argument("--big-segments", type=int, default=10,
                        help="interleave the big builds over this many parts (the machine's speed drifts)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--other-timeout", type=float, default=1800.0)
    parser.add_argument("--sparql-quads", type=int, default=None, help="store size for the SPARQL benchmark")
    parser.add_argument("--sparql-reps", type=int, default=None, help="runs per query and side")
    parser.add_argument("--articles", type=int, default=None, help="corpus size for the build benchmark")
    parser.add_argument("--extraction-articles", type=int, default=None, help="corpus size for the extraction benchmark")
    args = parser.parse_args(argv)
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = sorted(set(wanted) - set(OURS + OTHERS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}")
    machine = machine_info()
    results: list[Result] = []
    commands = [f"nice -n 10 .venv/bin/python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}".strip()]

    def save(extra=()):
        # written after every benchmark, so a long run interrupted late still leaves its figures
        args.out.write_text(results_markdown(results, machine, commands, extra), encoding="utf-8")

    if "extraction" in wanted:
        from bench import bench_extraction

        results += bench_extraction.run(args.extraction_articles or (100 if args.quick else 400), args.data)
        save()
    if "build" in wanted:
        from bench import bench_build

        results += bench_build.run(args.articles or (60 if args.quick else 600), args.data)
        if args.big:
            # the issue's big measurement: per-core rate vs posseg and 2 cores vs 1 (interleaved parts; "1
            # core" both held to one CPU and unpinned), then the peak memory of one contiguous build
            results += bench_build.run(args.big, args.data, jobs=(1, 2), dask=False, batched=False, baseline=True,
                                       segments=args.big_segments, one_core=True)
            if args.big_segments > 1:
                results += bench_build.run(args.big, args.data, jobs=(2,), dask=False, batched=False, baseline=False)
        save()
    if "load" in wanted:
        from bench import bench_load

        results += bench_load.run(100_000 if args.quick else 1_000_000, rdflib_quads=50_000 if args.quick else 300_000)
        save()
    if "sparql" in wanted:
        from bench import bench_sparql_http

        results += bench_sparql_http.run(args.sparql_quads or (100_000 if args.quick else 1_000_000),
                                         reps=args.sparql_reps or (3 if args.quick else 7))
        save()
    machine["load average (end)"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    extra = _others([w for w in wanted if w in OTHERS], args.quick, args.other_timeout)
    save(extra)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
