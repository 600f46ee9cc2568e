"""The build benchmark's bookkeeping: interleaved parts and the rates summed over them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_build import _BuildTotals, _segments, _tree_cpu_seconds, _Variant


def test_segments_cover_the_shards_in_order():
    shards = [Path(f"part-{i}.jsonl") for i in range(7)]
    groups = _segments(shards, 3)
    assert [len(g) for g in groups] == [3, 2, 2]
    assert [s for g in groups for s in g] == shards
    assert _segments(shards, 20) == [[s] for s in shards]  # never an empty part
    assert _segments(shards, 0) == [shards]


def test_rates_are_summed_over_parts_without_each_parts_start():
    totals = _BuildTotals()
    # part 1: 100 articles, the first written 5 s after start (model loading), the last at 15 s
    totals.add({"built": 100, "done": 100, "at_first": 1, "first": 5.0, "last": 15.0}, wall=16.0, peak=300)
    # part 2: 50 articles in 4.9 s of steady state
    totals.add({"built": 50, "done": 50, "at_first": 1, "first": 4.0, "last": 8.9, "cpu": [9.0, 4.5]}, wall=9.5, peak=200)
    assert totals.built == 150
    assert totals.wall == pytest.approx(25.5)
    assert totals.first == 5.0 and totals.peak == 300
    assert totals.articles_per_s == pytest.approx((99 + 49) / (10.0 + 4.9))
    assert totals.cores_busy == pytest.approx(2.0)  # only the part whose CPU was sampled


def test_a_part_with_one_write_falls_back_to_wall_time():
    totals = _BuildTotals()
    totals.add({"built": 1, "done": 1, "at_first": 1, "first": 3.0, "last": 3.0}, wall=4.0, peak=1)
    assert totals.articles_per_s == pytest.approx(1 / 4.0)


def test_a_variant_held_to_one_cpu_is_judged_on_one_core():
    one_core, two_jobs = _Variant(1, cpus=1), _Variant(2)
    assert (one_core.label, one_core.cores) == ("jobs=1 on 1 core", 1)
    assert (two_jobs.label, two_jobs.cores) == ("jobs=2", 2)
    assert one_core != _Variant(1)  # the unpinned one-job build is a variant of its own


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux CPU affinity and two CPUs")
def test_holding_to_one_cpu_also_holds_the_threads_started_afterwards():
    # RocksDB's compaction threads start inside the build: they must inherit the one CPU
    script = (
        "import os, threading\n"
        "from bench.bench_build import _hold_to_cpus\n"
        "_hold_to_cpus(1)\n"
        "seen = []\n"
        "t = threading.Thread(target=lambda: seen.append(len(os.sched_getaffinity(0)))); t.start(); t.join()\n"
        "print(len(os.sched_getaffinity(0)), seen[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.split() == ["1", "1"]


def test_tree_cpu_counts_the_children_too():
    before = _tree_cpu_seconds()
    busy = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
    subprocess.run([sys.executable, "-c", busy], check=True)  # waited for: counted as a reaped child
    assert _tree_cpu_seconds() - before >= 0.25
