"""Helper for test_rebuild_kill.py: runs a build that stops at a named point and waits there to be killed.

    python tests/build_until_killed.py CORPUS INDEX POINT

POINT is where the build pauses, printing POINT on stdout once it gets there:
  embedding  while embedding the changed units (nothing written yet)
  writing    chunks.jsonl written into builds/<id>.tmp, vectors not yet
  renamed    the build folder renamed into place, `current` not yet switched
  linking    the new `current` symlink made beside the old one, not yet renamed over it
  pruning    `current` switched, old builds not yet removed
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import FakeEmbedder  # noqa: E402

from assistant import build, store  # noqa: E402


def pause(point: str) -> None:
    print(point, flush=True)
    time.sleep(120)  # the test kills us here; if it does not, fail loudly rather than finish
    sys.exit(f"not killed at {point}")


def main(corpus: str, index: str, point: str) -> None:
    class PausingEmbedder(FakeEmbedder):
        def embed(self, texts):
            if point == "embedding":
                pause(point)
            return super().embed(texts)

    def wrap(module, name, when):
        original = getattr(module, name)

        def paused(*args, **kwargs):
            if when(*args):
                pause(point)
            return original(*args, **kwargs)

        setattr(module, name, paused)

    if point == "writing":
        wrap(store, "make_faiss_index", lambda *a: True)
    elif point == "renamed":
        wrap(build, "activate", lambda *a: True)
    elif point == "linking":
        wrap(os, "replace", lambda src, dst, *a: Path(dst).name == store.CURRENT)
    elif point == "pruning":
        wrap(store, "prune", lambda *a: True)
    build.build_index(Path(corpus), Path(index), PausingEmbedder(), project_root=Path(corpus).parent)
    sys.exit(f"finished without reaching {point}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
