"""Timing helpers shared by the benchmark scripts: repeated measurements, percentiles, ratios.

Every figure in docs/performance.md is a `Timing` (median and p95 over many runs) or a ratio of two
timings measured in the same run, side by side, so that the noise of a shared machine hits both alike.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# The questions every benchmark asks, in this order: mostly questions the guide answers, some it does not
# (abstentions take the same path through retrieval). No greeting: it skips retrieval and would flatter `ask`.
QUESTIONS = (
    "Do I need a PhD?",
    "What is the median salary in AI and machine learning?",
    "Which programming language is essential?",
    "What math do I need to learn for machine learning?",
    "What does a machine learning engineer do?",
    "How much does a junior ML engineer earn?",
    "Should I do a bootcamp or a degree?",
    "What projects should I put in my portfolio?",
    "What is MLOps about?",
    "Which unsupervised learning algorithms should I know?",
    "Where is computer vision used?",
    "What master's programs are there for ML?",
    "Which communities should I join?",
    "Which framework is used in production?",
    "How many years of experience does a senior ML engineer have?",
    "What does an AI product manager do?",
    "What's the weather like in Paris today?",
    "How do I bake sourdough bread?",
    "What is the capital of Australia?",
)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation, like numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Timing:
    """Many measurements of one thing, in milliseconds (or whatever unit the caller used)."""

    samples: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    def ratio(self, baseline: Timing) -> tuple[float, float]:
        """(p50 / baseline p50, p95 / baseline p95)."""
        return self.p50 / baseline.p50, self.p95 / baseline.p95


def time_calls(call: Callable[[], object], repeat: int) -> Timing:
    """Wall time of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(tuple(samples))


def interleaved(
    calls: dict[str, Callable[[object], object]], inputs: Sequence[object], rounds: int
) -> dict[str, Timing]:
    """Time each call on each input, alternating the calls input by input, `rounds` times over.

    Alternating (a, b, a, b, ...) rather than running all of a then all of b means a burst of load from
    another process on the machine slows both sides of a ratio, not one.
    """
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for value in inputs:
            for name, call in calls.items():
                started = time.perf_counter()
                call(value)
                samples[name].append((time.perf_counter() - started) * 1000)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident memory now, peak resident memory) in MiB of a process and its children (the server and
    its model's process, assistant/model_process.py), from /proc (Linux)."""
    now = peak = 0.0
    for process in [pid, *children(pid)]:
        fields = {}
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024  # kB -> MiB
        now += fields.get("VmRSS", math.nan)
        peak += fields.get("VmHWM", math.nan)
    return now, peak


def children(pid: int) -> list[int]:
    """Every descendant of a process (Linux: /proc/<pid>/task/<tid>/children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


def ms(value: float) -> str:
    """A latency for a table: 3 significant figures, at least one decimal below 10 ms."""
    if math.isnan(value):
        return "n/a"
    if value < 1:
        return f"{value:.3f}"
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def times(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}x"
