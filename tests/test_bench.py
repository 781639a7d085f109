"""The benchmark script runs end to end at tiny sizes and writes a report that names its commands.

Only the shape of the report is checked: its figures are timings, which belong in docs/performance.md
and never in assertions.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
from bench_stats import percentile  # noqa: E402


def test_percentile_matches_numpy():
    values = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0]
    for q in (0, 50, 95, 99, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))


@pytest.mark.slow
def test_bench_writes_every_in_process_section_with_its_command(tmp_path, guide_index):
    out = tmp_path / "performance.md"
    argv = [
        "--quick",
        "--only",
        "ask,build,search",
        "--chunks",
        "120",
        "--vectors",
        "2000",
        "--index",
        str(guide_index),
    ]
    assert bench.main([*argv, "--out", str(out)]) == 0
    report = out.read_text()
    for heading in ("## Targets", "## Asking in-process", "## Scale: building an index", "## Scale: search"):
        assert heading in report
    assert report.count("Command: `python scripts/bench.py --only") == 3
    assert "| `assistant.ask(q)` |" in report and "| 2,000 | embedding-like |" in report
    assert "## Cold start" not in report  # sections not asked for are not written


@pytest.mark.slow
def test_bench_writes_the_many_users_curve_for_both_servers_with_its_command(tmp_path, guide_index):
    out = tmp_path / "performance.md"
    assert bench.main(["--quick", "--only", "batch", "--index", str(guide_index), "--out", str(out)]) == 0
    report = out.read_text()
    assert "## Many people at once" in report
    assert "Command: `python scripts/bench.py --only batch --quick`" in report
    for users in (1, 4, 16, 32, 64):
        for server in ("batched", "unbatched"):
            assert f"| POST /api/ask | {users} | {server} |" in report
    assert "| Gradio /chat (HTTP API) | 32 | batched |" in report
    assert "32 users on POST /api/ask, batched: p50" in report  # the targets are in the summary
