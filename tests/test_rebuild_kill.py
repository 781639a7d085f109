"""A build killed with SIGKILL at any stage leaves a whole index that loads and answers."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from conftest import FakeEmbedder

from assistant import Assistant
from assistant.build import build_index
from assistant.store import load_store

HELPER = Path(__file__).resolve().parent / "build_until_killed.py"
POINTS = ("embedding", "writing", "renamed", "linking", "pruning")
# (finished build folders, half-written build folders, half-made `current` links) after each kill
TRACES = {
    "embedding": (1, 0, 0),
    "writing": (1, 1, 0),
    "renamed": (2, 0, 0),
    "linking": (2, 0, 1),
    "pruning": (2, 0, 0),
}
OLD, NEW = "- Publish papers", "- Publish papers in journals"


def test_a_build_killed_at_any_stage_leaves_an_index_that_loads_and_answers(mini_corpus, tmp_path):
    first = tmp_path / "first"
    build_index(mini_corpus, first, FakeEmbedder(), project_root=tmp_path)
    guide = mini_corpus / "guide.md"
    guide.write_text(guide.read_text().replace(OLD, NEW))

    indexes = {point: tmp_path / point for point in POINTS}
    running = {}
    for point, index in indexes.items():  # all at once: each waits at its own point, on its own index
        shutil.copytree(first, index, symlinks=True)
        running[point] = subprocess.Popen(
            [sys.executable, str(HELPER), str(mini_corpus), str(index), point],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for point, process in running.items():
        reached = process.stdout.readline().strip()
        assert reached == point, f"{point}: {reached!r} {process.stderr.read()}"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL

    for point, index in indexes.items():
        embedder = FakeEmbedder()
        store = load_store(index, embedder.name, embedder.dimension)  # whole: loads without error
        answer = Assistant.load(index, embedder=embedder).ask("Which roles publish papers?")
        assert not answer.abstained, point
        excerpts = " ".join(c.excerpt for c in answer.citations)
        switched = point == "pruning"  # killed after the switch: the new build is live, and whole
        assert (NEW in excerpts) == switched and OLD in excerpts, point
        assert len(store.chunks) == 8
        # The kill really came part-way: each stage leaves its own trace behind.
        builds = [p.name for p in (index / "builds").iterdir()]
        trace = (
            sum(not b.endswith(".tmp") for b in builds),
            sum(b.endswith(".tmp") for b in builds),
            len(list(index.glob("current.*.tmp"))),
        )
        assert trace == TRACES[point], point

        # The next build finishes the job and clears what the killed one left behind.
        report = build_index(mini_corpus, index, embedder, project_root=tmp_path)
        assert (
            report.problems == []
            and NEW in Assistant.load(index, embedder=embedder).ask("publish papers").citations[0].excerpt
        )
        leftovers = [p.name for p in [*(index / "builds").iterdir(), *index.iterdir()] if p.name.endswith(".tmp")]
        assert leftovers == [], point
        assert len(list((index / "builds").iterdir())) == 2, point
