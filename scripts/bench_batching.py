"""Many people at once: closed-loop users on a batched and an unbatched server, against the bare model.

- `bare_batched`: the embedding model's own `encode` on batches of 16 of the benchmark's questions, in
  questions per second: what the model sustains when it is always handed a full batch (the baseline).
- `user_curve`: 1, 4, 16, 32, 64 closed-loop users (scripts/load.py) on `POST /api/ask` of a server with
  micro-batching (the default) and one started with `--no-batching`, level by level, each level
  followed by a baseline measurement so that a ratio compares two moments of the shared machine that
  are seconds apart.
- the Gradio chat endpoint through its HTTP API with 32 users, both servers.
- at 32 users on `POST /api/ask`, a third server: batched, with the model in the server's own process
  (GUIDE_MODEL_PROCESS=0) rather than in a child process of its own (assistant/model_process.py).

Nothing here writes outside the temporary folder it is given.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import load
from bench_server import ColdServer
from bench_stats import QUESTIONS, Timing

BATCH = 16
USERS = (1, 4, 16, 32, 64)
IN_PROCESS = "batched, model in the server's process"


def bare_batched(model, seconds: float) -> Timing:
    """Questions per second of `model.encode` on batches of BATCH questions, one figure per batch."""
    batches = [[QUESTIONS[(start + i) % len(QUESTIONS)] for i in range(BATCH)] for start in range(len(QUESTIONS))]
    rates: list[float] = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline or len(rates) < 5:
        batch = batches[n % len(batches)]
        started = time.perf_counter()
        model.encode(batch)
        rates.append(BATCH / (time.perf_counter() - started))
        n += 1
    return Timing(tuple(rates))


@dataclass(frozen=True)
class Level:
    server: str  # "batched" or "unbatched"
    endpoint: str  # "api" or "gradio"
    users: int
    result: load.LoadResult
    bare: float  # questions/s of the bare model on batches of 16, measured right after (p50 over batches)

    @property
    def ratio(self) -> float:
        return self.result.throughput / self.bare if self.bare else float("nan")

    @property
    def errors(self) -> int:
        return self.result.errors + self.result.rate_limited


@dataclass(frozen=True)
class BatchingFigures:
    levels: list[Level]
    seconds: float  # per level

    def level(self, server: str, endpoint: str, users: int) -> Level:
        return next(x for x in self.levels if (x.server, x.endpoint, x.users) == (server, endpoint, users))


def user_curve(index_dir: Path, tmp: Path, seconds: float, users: tuple[int, ...] = USERS) -> BatchingFigures:
    """The curve for both servers, level by level, each load followed by a bare-model baseline."""
    from sentence_transformers import SentenceTransformer

    from assistant.embedding import resolve_model

    model = SentenceTransformer(resolve_model(None)[1], device="cpu", local_files_only=True)
    bare_batched(model, 1.0)  # warm-up
    servers = {
        "batched": ColdServer(index_dir, tmp),
        "unbatched": ColdServer(index_dir, tmp, env={"GUIDE_BATCHING": "0"}),
        IN_PROCESS: ColdServer(index_dir, tmp, env={"GUIDE_MODEL_PROCESS": "0"}),
    }
    levels: list[Level] = []
    try:
        for server in servers.values():  # warm-up: connections, caches, the first model calls
            load.run(server.url, 8, per_user=3, endpoints=("api", "gradio"))
        plan = [("api", n) for n in users] + [("gradio", 32)]
        for endpoint, n in plan:
            for name, server in servers.items():
                if name == IN_PROCESS and (endpoint, n) != ("api", 32):
                    continue
                result = load.run(server.url, n, seconds=seconds, endpoints=(endpoint,))
                bare = bare_batched(model, min(seconds / 2, 3.0)).p50
                levels.append(Level(name, endpoint, n, result, bare))
    finally:
        for server in servers.values():
            server.stop()
    return BatchingFigures(levels, seconds)
