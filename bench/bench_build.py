"""End-to-end builds: ``kg.pipeline.build`` on 1 and 2 cores, the Dask path, peak memory, and big corpora.

Every build runs in its own (niced) process whose whole process tree is sampled for resident memory.
Baseline: stock ``jieba.posseg.lcut`` over the cleaned text of the same articles, one core, measured in
this run (``bench.bench_extraction`` explains the choice).

Run::

    nice -n 10 .venv/bin/python -m bench.bench_build [--articles 400] [--data /work/shared/data]
    nice -n 10 .venv/bin/python -m bench.bench_build --articles 10000 --only-jobs 2     # the 10k memory figure
    nice -n 10 .venv/bin/python -m bench.bench_build --articles 1000 --segments 4 --one-core --data …   # 2 cores vs 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import PYTHON, Result, print_result, run_with_peak_memory, tree_rss, tree_sum

__all__ = ["run", "main"]

GiB = 2**30
BATCH = 64  # articles per transaction in the batched variant
CEILING_SECONDS = 15.0  # one measuring window of the two-process ceiling


@dataclass(frozen=True)
class _Variant:
    """One way to run ``kg build``: ``jobs`` processes, and, when ``cpus`` is set, the whole process tree
    (RocksDB's background threads included) held to that many CPUs.

    Examples
    --------
    >>> _Variant(1, cpus=1).label, _Variant(1, cpus=1).cores, _Variant(2).label, _Variant(2).cores
    ('jobs=1 on 1 core', 1, 'jobs=2', 2)
    """

    jobs: int
    cpus: int | None = None

    @property
    def label(self) -> str:
        """The variant's name in the results table."""
        if self.cpus is None:
            return f"jobs={self.jobs}"
        return f"jobs={self.jobs} on {self.cpus} core" + ("s" if self.cpus > 1 else "")

    @property
    def cores(self) -> int:
        """The cores the variant is judged on (per-core throughput)."""
        return self.cpus or self.jobs


def _hold_to_cpus(count: int) -> None:
    """Restrict this process, and every thread or process it starts later, to ``count`` of its CPUs."""
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, allowed[:count])


def _tree_cpu_seconds() -> float:
    """CPU seconds (user + system, every thread) used so far by this process and its children, live or reaped."""
    import psutil

    me = psutil.Process()
    reaped = me.cpu_times()
    return reaped.children_user + reaped.children_system + tree_sum(me, lambda p: sum(p.cpu_times()[:2]))


def _child_build(store: str, jobs: int, paths: list[str], batched: bool = False, cpus: int | None = None) -> None:
    """In a child process: run kg.pipeline.build (or kg.scale.build_batched) and print its counts as JSON."""
    if cpus:
        _hold_to_cpus(cpus)  # before kg (and RocksDB's threads) start
    if batched:
        from kg.scale import build_batched as build
    else:
        from kg.pipeline import build

    started = time.perf_counter()
    stamps: list[float] = []
    cpu: dict[str, tuple[float, float]] = {}  # "first"/"last" article sampled: (seconds since start, tree CPU seconds)
    progress = os.environ.get("KG_BENCH_PROGRESS")  # a file: one line per 1000 articles (long runs)

    def on_article(article, outcome):
        stamps.append(time.perf_counter() - started)
        if len(stamps) == 1 or len(stamps) % 100 == 0:  # psutil on every article would cost a few per cent
            cpu["last" if cpu else "first"] = (stamps[-1], _tree_cpu_seconds())
        if progress and len(stamps) % 1000 == 0:
            import psutil

            rss = tree_rss(psutil.Process())
            with open(progress, "a", encoding="utf-8") as fh:
                fh.write(f"{len(stamps)}\t{stamps[-1]:.1f} s\t{rss / GiB:.2f} GiB\n")

    options = {"batch": BATCH} if batched else {}
    report = build(paths, store, jobs=jobs, validate=False, on_article=on_article, **options)
    print(json.dumps({"read": report.read, "built": report.built, "failed": report.failed,
                      "seconds": report.seconds, "first": stamps[0] if stamps else None,
                      "last": stamps[-1] if stamps else None, "done": len(stamps),
                      # articles written by the first commit: a whole batch when writes are batched
                      "at_first": min(len(stamps), BATCH if batched else 1),
                      # cores busy in the steady state (threads and workers included), when measured
                      "cpu": ([cpu["last"][1] - cpu["first"][1], cpu["last"][0] - cpu["first"][0]]
                              if "last" in cpu else None)}))


def _child_dask(out: str, store: str, workers: int, paths: list[str]) -> None:
    """In a child process: extract_shards on a LocalCluster, then load_shards (bulk) into a new store."""
    from kg.distributed import extract_shards, load_shards

    t = time.perf_counter()
    report = extract_shards(paths, out, n_workers=workers)
    extract_s = time.perf_counter() - t
    loaded = load_shards(report.outputs, store, bulk=True)
    print(json.dumps({"read": report.read, "built": report.built, "failed": report.failed,
                      "extract_seconds": extract_s, "driver_seconds": report.driver_seconds,
                      "load_seconds": loaded.seconds, "quads": loaded.quads}))


def _last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"child printed no result: {text[-1500:]}")


def _posseg_texts(paths) -> list[str]:
    """The cleaned text of every article under ``paths``, with stock jieba initialised for posseg."""
    import jieba

    from kg.ingest import clean, read_inputs

    texts = [clean(a).text for a in read_inputs(paths) if not hasattr(a, "reason")]
    jieba.setLogLevel(60)
    jieba.initialize()
    return texts


def _posseg_baseline(shards: list[Path]) -> tuple[float, int]:
    """Seconds of jieba.posseg.lcut over the cleaned text of every article, one core; and the char count."""
    import jieba.posseg

    texts = _posseg_texts(shards)
    chars = sum(map(len, texts))
    t = time.perf_counter()
    for text in texts:
        jieba.posseg.lcut(text)
    return time.perf_counter() - t, chars


def _child_posseg(start: float, seconds: float, paths: list[str]) -> None:
    """In a child process: from wall-clock ``start`` on, run jieba.posseg.lcut for ``seconds``; print chars/s."""
    import jieba.posseg

    texts = _posseg_texts(paths)
    chars = 0
    while time.time() < start:
        time.sleep(0.01)
    while time.time() < start + seconds:
        for text in texts:
            jieba.posseg.lcut(text)
            chars += len(text)
            if time.time() >= start + seconds:
                break
    print(json.dumps({"chars_per_s": chars / (time.time() - start)}))


def _two_process_ceiling(shard: Path, seconds: float = CEILING_SECONDS, rounds: int = 5) -> list[float]:
    """What this machine gives two independent CPU-bound processes: (sum of two concurrent posseg rates) / (one alone).

    No build can scale better than this on two cores; each round runs one process alone, then two at once.
    """
    import subprocess

    def together(count: int) -> float:
        start = time.time() + 5.0  # after the children have loaded jieba
        procs = [subprocess.Popen([PYTHON, "-m", "bench.bench_build", "--child-posseg", str(start), str(seconds),
                                   str(shard)], stdout=subprocess.PIPE, text=True) for _ in range(count)]
        return sum(_last_json(proc.communicate()[0])["chars_per_s"] for proc in procs)

    return [together(2) / together(1) for _ in range(rounds)]


@dataclass
class _BuildTotals:
    """One build variant, summed over the parts of an interleaved run (or one contiguous build)."""

    wall: float = 0.0
    steady_articles: int = 0  # articles written after each part's first write (article or batch)
    steady_seconds: float = 0.0  # from each part's first write to its last
    built: int = 0
    failed: int = 0  # articles read but not built (kg.pipeline.BuildReport.failed)
    done: int = 0  # articles finished (built, unchanged or failed)
    first: float = 0.0  # seconds to the first article, first segment
    peak: int = 0
    cpu_seconds: float = 0.0  # CPU of the process tree over the sampled steady-state windows
    cpu_window: float = 0.0  # wall seconds of those windows

    def add(self, child: dict, wall: float, peak: int) -> None:
        if not self.built:
            self.first = child.get("first") or 0.0
        self.wall += wall
        self.built += child["built"]
        self.failed += child.get("failed", 0)
        self.done += child.get("done", 0)
        self.peak = max(self.peak, peak)
        after_first = child.get("done", 0) - child.get("at_first", 1)
        if after_first > 0:
            self.steady_articles += after_first
            self.steady_seconds += child["last"] - child["first"]
        if child.get("cpu"):
            self.cpu_seconds += child["cpu"][0]
            self.cpu_window += child["cpu"][1]

    @property
    def articles_per_s(self) -> float:
        """Articles/s from each part's first write to its last: process start and model loading left out.

        With one write per part (a single batch) there is no interval to measure, and the wall time is used.
        """
        if self.steady_seconds > 0:
            return self.steady_articles / self.steady_seconds
        return self.done / self.wall if self.wall else 0.0

    @property
    def cores_busy(self) -> float | None:
        """CPU seconds of the build's processes and threads per wall second, steady state (None: not sampled)."""
        return self.cpu_seconds / self.cpu_window if self.cpu_window > 0 else None

    @classmethod
    def of(cls, child: dict, wall: float, peak: int = 0) -> "_BuildTotals":
        """The totals of one build."""
        totals = cls()
        totals.add(child, wall, peak)
        return totals


def _segments(shards: list[Path], count: int) -> list[list[Path]]:
    """``shards`` in ``count`` consecutive groups of (nearly) equal size.

    Examples
    --------
    >>> [len(g) for g in _segments([Path(str(i)) for i in range(10)], 3)]
    [4, 3, 3]
    """
    count = max(1, min(count, len(shards)))
    size, extra = divmod(len(shards), count)
    groups, at = [], 0
    for i in range(count):
        step = size + (i < extra)
        groups.append(shards[at:at + step])
        at += step
    return groups


def run(articles: int = 400, data: Path | None = None, jobs: tuple[int, ...] = (1, 2), dask: bool = True,
        batched: bool = True, baseline: bool = True, seed: int = 0, work: Path | None = None,
        timeout: float | None = None, segments: int = 1, one_core: bool = False) -> list[Result]:
    """Build a generated corpus of ``articles`` articles with each number of ``jobs`` (and with Dask).

    Parameters
    ----------
    articles : int
        Corpus size (10,000 for the memory target; 100,000 for the big timing).
    data : Path, optional
        Shared data directory for the corpus generator.
    jobs : tuple of int
        Worker counts to build with.
    dask : bool
        Also run extract_shards + load_shards with ``max(jobs)`` workers.
    baseline : bool
        Measure jieba.posseg over the same text (skip it for very big corpora: it takes as long as a build).
    work : Path, optional
        Scratch directory (kept when given).
    timeout : float, optional
        Give up a build after this many seconds.
    segments : int
        Interleave the variants: the corpus is cut into this many consecutive parts, and part by part the
        posseg baseline and every build (each adding the part to its own growing store, like a resumed
        build) run one after the other, in alternating order. The machine's speed drifts by tens of per
        cent over minutes; interleaving gives every variant the same mix of fast and slow periods. Rates
        are summed over the parts; peak memory is then the largest part's (each part is a new process),
        so the memory target is only judged on a contiguous run (``segments=1``).
    one_core : bool
        Also build with one job held to one CPU (``os.sched_setaffinity``, RocksDB's threads included):
        "1 core" taken literally, the baseline of the 2-core speed-up target. An unpinned one-job build
        runs the store's compaction threads on the idle core.
    """
    from bench.corpus import write_corpus

    own = work is None
    work = Path(work or tempfile.mkdtemp(prefix="kg-bench-build-"))
    results: list[Result] = []
    try:
        shards = write_corpus(work / "corpus", articles, data=data, seed=seed, shard_size=max(1, min(1000, articles // 4)))
        parts = _segments(shards, segments)
        contiguous = len(parts) == 1
        variants = ([_Variant(1, cpus=1)] if one_core else []) + [_Variant(n) for n in jobs]
        totals = {v: _BuildTotals() for v in variants}
        failed: set[_Variant] = set()
        posseg_seconds, chars = 0.0, 0

        def store_of(v: _Variant) -> Path:
            return work / f"store-{v.label.replace(' ', '-')}"

        for v in variants:
            shutil.rmtree(store_of(v), ignore_errors=True)
        for index, part in enumerate(parts):
            if baseline:
                seconds, part_chars = _posseg_baseline(part)
                posseg_seconds += seconds
                chars += part_chars
            for v in (variants if index % 2 == 0 else variants[::-1]):
                if v in failed:
                    continue
                code, secs, peak, tail = run_with_peak_memory(
                    [PYTHON, "-m", "bench.bench_build", "--child-build", str(store_of(v)),
                     f"{v.jobs}@{v.cpus}" if v.cpus else str(v.jobs), *map(str, part)], timeout=timeout)
                if code != 0:
                    print(f"[build] {v.label} failed (exit {code}): {tail}")
                    failed.add(v)
                    continue
                totals[v].add(_last_json(tail), secs, peak)
            if not contiguous:
                print(f"[build] part {index + 1}/{len(parts)}: "
                      + ", ".join(f"{v.label} {t.articles_per_s:.1f} articles/s" for v, t in totals.items()), flush=True)
        base = chars / posseg_seconds if baseline and posseg_seconds else None
        note = f"{articles:,} articles" + (f", {chars:,} clean chars" if chars else "")
        if not contiguous:
            note += f"; {len(parts)} interleaved parts"
        if base:
            results.append(Result("build", "jieba.posseg.lcut, 1 core (baseline)", base, "chars/s", note=note))
        ceiling = _two_process_ceiling(shards[0]) if baseline and 2 in jobs and not contiguous else None
        if ceiling:
            results.append(Result("build", "two posseg processes at once vs one (this machine's 2-core ceiling)",
                                   sorted(ceiling)[len(ceiling) // 2], "x",
                                   note="median of " + ", ".join(f"{c:.2f}" for c in ceiling) + f"; {CEILING_SECONDS:.0f} s each"))
        rates: dict[_Variant, float] = {}
        for v in variants:
            if v in failed:
                continue
            total = totals[v]
            rates[v] = articles_per_s = total.articles_per_s
            rate = (chars or 0) * articles_per_s / articles if chars else None
            per_core = rate / v.cores if rate else None
            results.append(Result("build", f"kg build {v.label}: wall time", total.wall, "s",
                                  note=f"{note}; built {total.built}, failed {total.failed}; first article after {total.first:.1f} s"))
            results.append(Result("build", f"kg build {v.label}: articles/s", articles_per_s, "articles/s",
                                  note="steady state (first to last article" + ("" if contiguous else ", every part") + ")"))
            if base and rate:
                results.append(Result("build", f"kg build {v.label}: per-core throughput", per_core, "chars/s",
                                      "jieba.posseg.lcut, 1 core", base, target="≥ 0.5x posseg",
                                      passed=per_core >= 0.5 * base, note="end to end, store writes included"))
            if total.cores_busy is not None:
                results.append(Result("build", f"kg build {v.label}: cores busy", total.cores_busy, "cores",
                                      note="CPU seconds of its processes and threads per second, steady state"))
            judged = contiguous and articles >= 10_000
            results.append(Result("build", f"kg build {v.label}: peak memory", total.peak / GiB, "GiB",
                                  target="< 4 GiB at 10k articles" if judged else "",
                                  passed=(total.peak < 4 * GiB) if judged else None,
                                  note="RSS of the process tree" + ("" if contiguous else "; largest part")))
        # the target compares 2 cores with 1: the pinned one-core build when measured (an unpinned one-job
        # build also gets RocksDB's compaction threads run on the idle core), else jobs=1
        singles = [v for v in (_Variant(1, cpus=1), _Variant(1)) if v in rates]
        for v in variants:
            if v.jobs < 2 or v not in rates:
                continue
            for single in singles:
                judged = v.jobs == 2 and single is singles[0]
                results.append(Result("build", f"kg build {v.label} speed-up", rates[v], "articles/s",
                                      f"kg build {single.label}", rates[single],
                                      target="≥ 1.7x on 2 cores" if judged else "",
                                      passed=(rates[v] >= 1.7 * rates[single]) if judged else None))
        n = max(jobs)
        if batched:
            store = work / f"store-j{n}-batched"
            shutil.rmtree(store, ignore_errors=True)
            code, secs, peak, tail = run_with_peak_memory(
                [PYTHON, "-m", "bench.bench_build", "--child-batched", str(store), str(n), *map(str, shards)],
                timeout=timeout)
            if code == 0:
                base_rate = rates.get(_Variant(n))
                results.append(Result("build", f"kg.scale.build_batched jobs={n} (batch {BATCH}): articles/s",
                                      _BuildTotals.of(_last_json(tail), secs).articles_per_s, "articles/s",
                                      f"kg build jobs={n}",
                                      base_rate, note=f"wall {secs:.0f} s, peak {peak / GiB:.2f} GiB"))
            else:
                print(f"[build] batched jobs={n} failed (exit {code}): {tail}")
        if dask:
            code, secs, peak, tail = run_with_peak_memory(
                [PYTHON, "-m", "bench.bench_build", "--child-dask", str(work / "nq"), str(work / "store-dask"), str(n),
                 *map(str, shards)], timeout=timeout)
            if code == 0:
                child = _last_json(tail)
                wall = totals[_Variant(n)].wall if _Variant(n) in rates else None
                results.append(Result("build", f"Dask extract_shards ({n} workers) + load_shards", articles / secs,
                                      "articles/s", f"kg build jobs={n} (wall)", articles / wall if wall else None,
                                      note=f"extract {child['extract_seconds']:.0f} s (driver busy "
                                           f"{child['driver_seconds']:.0f} s), load {child['load_seconds']:.1f} s; "
                                           f"peak {peak / GiB:.2f} GiB incl. cluster start"))
            else:
                print(f"[build] Dask run failed (exit {code}): {tail}")
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    for r in results:
        print_result(r)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line (``--child-*`` are the per-build child processes)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-build":  # --child-build STORE JOBS[@CPUS] PATH...
        jobs, _, cpus = argv[2].partition("@")
        _child_build(argv[1], int(jobs), argv[3:], cpus=int(cpus) if cpus else None)
        return 0
    if argv and argv[0] == "--child-batched":
        _child_build(argv[1], int(argv[2]), argv[3:], batched=True)
        return 0
    if argv and argv[0] == "--child-posseg":
        _child_posseg(float(argv[1]), float(argv[2]), argv[3:])
        return 0
    if argv and argv[0] == "--child-dask":
        _child_dask(argv[1], argv[2], int(argv[3]), argv[4:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.bench_build", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--only-jobs", type=int, default=None, help="build with this many jobs only (no Dask, no batched variant)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--segments", type=int, default=1,
                        help="interleave the builds (and the baseline) over this many parts of the corpus")
    parser.add_argument("--one-core", action="store_true",
                        help="also build with one job held to one CPU (the baseline of the 2-core speed-up)")
    args = parser.parse_args(argv)
    jobs = (args.only_jobs,) if args.only_jobs else (1, 2)
    run(args.articles, args.data, jobs=jobs, dask=args.only_jobs is None, batched=args.only_jobs is None,
        baseline=not args.no_baseline, work=args.work, segments=args.segments, one_core=args.one_core)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
