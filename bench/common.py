"""Shared helpers of the benchmarks: results with their baseline ratio, machine description, memory sampling."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Result", "machine_info", "percentile", "PeakMemory", "run_with_peak_memory", "results_markdown",
           "ROOT", "PYTHON", "print_result"]

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Result:
    """One measured figure and the baseline it is compared with (measured in the same run).

    ``ratio`` is ``value / baseline_value`` (so > 1 means "more than the baseline"; for
    latencies and times that is *slower*); ``target`` says what is wanted, in words, and
    ``passed`` whether it was met (None when there is no target).
    """

    bench: str
    metric: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """``value / baseline_value``, or None without a baseline."""
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value

    def as_dict(self) -> dict:
        """Plain dict (for JSON), with the ratio."""
        return {**asdict(self), "ratio": self.ratio}


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def print_result(result: Result) -> None:
    """Print one result line as soon as it is measured (benchmarks take long)."""
    ratio = f"  ratio {result.ratio:.2f}x vs {result.baseline} ({_fmt(result.baseline_value)} {result.unit})" \
        if result.ratio is not None else ""
    verdict = {True: "  [target met]", False: "  [TARGET MISSED]", None: ""}[result.passed]
    target = f"  target: {result.target}" if result.target else ""
    note = f"  ({result.note})" if result.note else ""  # counts such as built/failed live in the note
    print(f"[{result.bench}] {result.metric}: {_fmt(result.value)} {result.unit}{ratio}{target}{verdict}{note}", flush=True)


def machine_info() -> dict:
    """CPU model, cores, memory, OS, Python, load average and the UTC date of the run."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        memory = "?"
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu or "unknown",
        "cores": os.cpu_count() or 1,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?",
    }


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation (``statistics.quantiles`` semantics)."""
    if not values:
        raise ValueError("no values")
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    if q <= 0:
        return min(values)
    if q >= 100:
        return max(values)
    return cuts[int(q) - 1]


def tree_sum(process, measure) -> float:
    """Sum ``measure(p)`` over the psutil ``process`` and its live descendants (one that vanishes counts 0)."""
    import psutil

    try:
        procs = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += measure(proc)
        except psutil.Error:
            pass
    return total


def tree_rss(process) -> int:
    """Resident memory, in bytes, of the psutil ``process`` and its live descendants together."""
    return tree_sum(process, lambda proc: proc.memory_info().rss)


class PeakMemory:
    """Sample the summed RSS of a process and all its children every ``interval`` seconds.

    Use as a context manager around work done by ``pid`` (default: this process).
    ``peak`` is in bytes.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.2):
        import psutil

        self._process = psutil.Process(pid or os.getpid())
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        return tree_rss(self._process)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def run_with_peak_memory(cmd: list[str], *, env: dict | None = None, timeout: float | None = None,
                         nice: int = 10) -> tuple[int, float, int, str]:
    """Run ``cmd`` (niced) and return ``(exit code, seconds, peak RSS bytes of its process tree, stderr tail)``."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(["nice", "-n", str(nice), *cmd], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        peak = max(peak, tree_rss(ps))
        elapsed = time.perf_counter() - started
        if timeout is not None and elapsed > timeout:
            proc.kill()
            break
        # psutil walks /proc for every sample: polling 4x a second cost 17 % of a core, stolen from a
        # 2-job build on 2 cores. Sample often while the child starts, then once every 2 s.
        time.sleep(0.25 if elapsed < 10 else 2.0)
    out, err = proc.communicate()
    return proc.returncode, time.perf_counter() - started, peak, (out[-2000:] + err[-2000:])


def results_markdown(results: list[Result], machine: dict, commands: list[str], extra: list[str] = ()) -> str:
    """The ``bench/RESULTS.md`` page: machine, date, one table row per result, commands, other output."""
    lines = ["# Benchmark results", "",
             "Written by `python -m bench` (do not edit by hand). Each figure is compared with a baseline",
             "measured in the same run on the same machine; `ratio` = value / baseline.", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine.items()]
    lines += ["", "| bench | metric | value | unit | baseline | baseline value | ratio | target | met | note |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        met = {True: "yes", False: "**no**", None: ""}[r.passed]
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        lines.append(f"| {r.bench} | {r.metric} | {_fmt(r.value)} | {r.unit} | {r.baseline} | {_fmt(r.baseline_value)} "
                     f"| {ratio} | {r.target} | {met} | {r.note} |")
    if commands:
        lines += ["", "Commands:", ""] + [f"    {c}" for c in commands]
    lines += list(extra)
    return "\n".join(lines) + "\n"
