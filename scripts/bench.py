"""Measures the assistant against the bare parts it is built on and writes docs/performance.md.

    python scripts/bench.py --out docs/performance.md          # everything (what `make bench` runs)
    python scripts/bench.py --quick --out /tmp/performance.md  # smaller sizes, a few minutes
    python scripts/bench.py --only ask,search                  # some sections, printed

Every figure is a median (p50) and p95 over many runs, next to a baseline measured in the same run and
as a ratio to it: on a shared machine absolute times drift with other people's work, ratios much less.
The measuring lives in bench_pipeline.py (in-process), bench_server.py (over HTTP) and load.py (the
bounded load); this file chooses sizes, runs the sections and writes the report.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batching as batching  # noqa: E402
import bench_pipeline as pipeline  # noqa: E402
import bench_server as served  # noqa: E402
import load  # noqa: E402
from bench_stats import QUESTIONS, Timing, ms, rss_mb, times  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("ask", "http", "cold", "memory", "load", "batch", "build", "search")
SERVER_SECTIONS = {"http", "cold", "memory", "load"}
T = TypeVar("T")


@dataclass(frozen=True)
class Sizes:
    ask_rounds: int  # times over the question list, in-process
    cold_runs: int
    single_rounds: int  # times over the question list, one client over HTTP
    concurrent_per_client: int  # each of 16 clients
    load_users: int
    load_seconds: float
    build_chunks: int
    vectors: tuple[int, ...]  # search tiers, embedding-like vectors
    uniform_vectors: tuple[int, ...]  # search tiers, uniform random vectors (the worst case)
    queries: int  # search queries per tier
    batch_seconds: float  # per level of the many-users curve, each server

    @classmethod
    def full(cls) -> Sizes:
        return cls(10, 3, 5, 10, 32, 60.0, 20_000, (100_000, 1_000_000), (100_000,), 200, 10.0)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(2, 1, 1, 2, 32, 5.0, 1_000, (60_000,), (), 50, 2.0)


@dataclass
class Report:
    """Markdown sections in SECTIONS order, and the summary rows the targets produce."""

    command: str
    sections: dict[str, str] = field(default_factory=dict)
    targets: list[tuple[str, str, str, bool | None]] = field(default_factory=list)  # what, result, target, met

    def target(self, what: str, result: str, target: str, met: bool | None) -> None:
        self.targets.append((what, result, target, met))

    def markdown(self, started: float, load_before: tuple[float, ...]) -> str:
        lines = [
            "# Performance",
            "",
            f"Written by `{self.command}` (`make bench` runs the full version). "
            f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} at commit {commit()}, in {time.perf_counter() - started:,.0f} s, on "
            f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}, Python {platform.python_version()}), "
            f"load average {load_before[0]:.1f} before and {os.getloadavg()[0]:.1f} after.",
            "",
            "The machine is shared with other work, so absolute times move from run to run; each figure is "
            "therefore shown beside a baseline measured in the same run (alternating with it where the two "
            "are short), and the ratio between them is the figure to compare across runs. p50 is the median, "
            "p95 and p99 the 95th and 99th percentiles, n the number of measurements.",
            "",
        ]
        if self.targets:
            lines += ["## Targets", "", "| Figure | Result | Target | Met |", "|---|---|---|---|"]
            for what, result, target, met in self.targets:
                mark = {True: "yes", False: "**no**", None: "n/a"}[met]
                lines.append(f"| {what} | {result} | {target} | {mark} |")
            lines.append("")
        lines += [self.sections[name] for name in SECTIONS if name in self.sections]
        return "\n".join(lines).rstrip() + "\n"


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        return f"`{head}`" + (" (with uncommitted changes)" if dirty.strip() else "")
    except OSError:
        return "unknown"


def timing_row(name: str, timing: Timing, baseline: Timing | None = None, unit: str = "ms") -> str:
    ratio = f" | {times(timing.p50 / baseline.p50)} | {times(timing.p95 / baseline.p95)}" if baseline else " | | "
    return f"| {name} | {timing.n} | {ms(timing.p50)} {unit} | {ms(timing.p95)} {unit}{ratio} |"


TIMING_HEADER = ["| Measured | n | p50 | p95 | p50 ratio | p95 ratio |", "|---|---|---|---|---|---|"]


# -- sections ----------------------------------------------------------------------------------------


def section_ask(report: Report, index_dir: Path, sizes: Sizes) -> pipeline.AskFigures:
    figures = pipeline.ask_vs_encode(index_dir, sizes.ask_rounds)
    ratio = figures.ask.p50 / figures.encode.p50
    report.target("`ask` in-process vs bare `model.encode`, p50", times(ratio), "<= 1.3", ratio <= 1.3)
    batched = figures.ask_batched.p50 / figures.encode.p50
    report.target(
        "`ask` in-process through the batching embedder, one user, vs bare `model.encode`, p50",
        times(batched),
        "<= 1.3",
        batched <= 1.3,
    )
    worst = figures.cpu_worst.p50 / figures.cpu_normal.p50
    report.target(
        "worst-case question (2,000 characters of made-up words) vs a normal one, CPU time, p50",
        times(worst),
        "<= 5",
        worst <= 5,
    )
    report.sections["ask"] = "\n".join(
        [
            "## Asking in-process",
            "",
            f"`Assistant.ask(question)` on the guide's index against the embedding model's bare "
            f"`SentenceTransformer.encode([question])` of the same question: {len(QUESTIONS)} questions "
            f"(scripts/bench_stats.py: ones the guide answers and off-topic ones) x {sizes.ask_rounds} rounds, the "
            "calls alternating question by question. Ratios are against `model.encode`.",
            "",
            f"Command: `python scripts/bench.py --only ask{' --quick' if sizes.ask_rounds < 10 else ''}`",
            "",
            *TIMING_HEADER,
            timing_row("bare `model.encode([q])` (baseline)", figures.encode),
            timing_row("`embedder.embed([q])` (normalised float32)", figures.embed, figures.encode),
            timing_row("`assistant.ask(q)`", figures.ask, figures.encode),
            timing_row("bare `model.encode([q])` from the main thread", figures.encode_main_thread, figures.encode),
            timing_row(
                "`assistant.ask(q)` through the batching embedder, one user", figures.ask_batched, figures.encode
            ),
            "",
            "The last row is `ask` as the server runs it (assistant/batching.py): its model calls go to the "
            "batcher's own thread, and a lone question runs at once instead of waiting for others to share "
            "its model call. The other rows but the one before it run on a worker thread, as the server runs "
            "them; that one is the same encode from the process's main thread. They are equal because assistant/embedding.py sets "
            "`OMP_WAIT_POLICY=PASSIVE` before torch loads: with OpenMP's default spinning, while other "
            "processes kept both cores busy, one encode took 470 ms instead of 8 ms (rerun with "
            "`OMP_WAIT_POLICY=ACTIVE python scripts/bench.py --only ask` on a busy machine to see it).",
            "",
            "What one question can cost, in CPU time of the whole process (torch's threads included): each "
            "question of the list above, alternating with a worst case, a new question each time of 2,000 "
            "characters (the longest accepted) of made-up words, the costliest input found (each word is "
            "several tokens for the model and a candidate for spelling repair). The work per question is "
            "bounded (assistant/config.py: the model reads about the first `max_query_tokens` of a question, and at most "
            "`max_repairs` words are looked up for a spelling repair).",
            "",
            *TIMING_HEADER,
            timing_row("`assistant.ask(q)`, CPU, the questions above (baseline)", figures.cpu_normal),
            timing_row(
                "`assistant.ask(q)`, CPU, 2,000 characters of made-up words", figures.cpu_worst, figures.cpu_normal
            ),
            "",
        ]
    )
    return figures


def section_cold(report: Report, index_dir: Path, tmp: Path, sizes: Sizes, quick: bool) -> served.ColdServer:
    figures, server = served.cold_starts(index_dir, tmp, sizes.cold_runs)
    ratio = figures.cold_start.p50 / figures.bare_import.p50
    report.target(
        "cold start vs bare import of torch, sentence-transformers, faiss, gradio, p50",
        times(ratio),
        "<= 1.3",
        ratio <= 1.3,
    )
    report.sections["cold"] = "\n".join(
        [
            "## Cold start",
            "",
            "From launching `python app.py --index <guide index> --port <free port>` to its first answered "
            "question (`POST /api/ask` polled every 20 ms until it answers with citations), against launching "
            f"`python -c \"{served.HEAVY_IMPORTS}; print('imported')\"` to that line (not to its exit: tearing "
            f"the libraries down takes a second a server does not pay). The two alternate, {sizes.cold_runs} of each.",
            "",
            f"Command: `python scripts/bench.py --only cold{' --quick' if quick else ''}`",
            "",
            *TIMING_HEADER,
            timing_row("bare imports (baseline)", figures.bare_import, unit="s"),
            timing_row("launch to first answer", figures.cold_start, figures.bare_import, unit="s"),
            "",
        ]
    )
    return server


def section_http(report: Report, url: str, index_dir: Path, sizes: Sizes, quick: bool) -> None:
    from webapp.chat import BATCHED_ANSWERING_CONCURRENCY  # the server's setting, read from its source

    baseline, single = served.single_client(url, index_dir, sizes.single_rounds)
    crowd = served.concurrent_clients(url, 16, sizes.concurrent_per_client)
    lines = [
        "## Over HTTP on loopback",
        "",
        "The server from the cold start (`python app.py`, its rate limit raised with GUIDE_RATE_LIMIT so that "
        "it does not interfere). One client: for each question in turn, in-process `ask` (the baseline, in the "
        "benchmark's own process), then `POST /api/ask`, then the Gradio `/chat` endpoint through "
        "`gradio_client` (its official Python client) and through Gradio's HTTP API (`POST "
        "/gradio_api/call/chat`, then the event stream), "
        f"{len(QUESTIONS)} questions x {sizes.single_rounds} rounds. Sixteen clients: closed loops, each sending "
        "its next question when the previous answer arrives (scripts/load.py for httpx, one thread per "
        "gradio_client). Latency is per request; throughput is answered requests per second (for one client, "
        "per second spent waiting); errors are any other outcome. Ratios are against the in-process `ask` p50.",
        "",
        f"Command: `python scripts/bench.py --only http{' --quick' if quick else ''}`",
        "",
        "| Route | Clients | n | p50 | p95 | p50 vs in-process `ask` | Throughput | Errors |",
        "|---|---|---|---|---|---|---|---|",
        f"| in-process `assistant.ask` (baseline) | 1 | {baseline.n} | {ms(baseline.p50)} ms | {ms(baseline.p95)} ms "
        f"| | {1000 * baseline.n / sum(baseline.samples):.1f}/s | |",
    ]
    for row in [*single, *crowd]:
        lines.append(
            f"| {row.route} | {row.clients} | {row.latency.n} | {ms(row.latency.p50)} ms | {ms(row.latency.p95)} ms "
            f"| {times(row.latency.p50 / baseline.p50)} | {row.throughput:.1f}/s | {row.errors} |"
        )
    for row in single:
        value = row.latency.p50 / baseline.p50
        report.target(f"{row.route}, one client, p50 vs in-process `ask` p50", times(value), "<= 2", value <= 2)
    errors = sum(row.errors for row in [*single, *crowd])
    report.target("errors over HTTP (1 and 16 clients, all routes)", str(errors), "0", errors == 0)
    lines += [
        "",
        "`gradio_client` and Gradio's HTTP API call the same server endpoint; the difference between their "
        "rows is the client: gradio_client runs each call in a thread and waits for its answer in 50 ms "
        "sleeps (gradio_client/utils.py). Gradio runs at most `webapp.chat.BATCHED_ANSWERING_CONCURRENCY` "
        f"({BATCHED_ANSWERING_CONCURRENCY}) answering calls at once (its default `concurrency_limit` is 1); "
        "more clients wait in its queue, while `/api/ask` runs in FastAPI's thread pool. Both hand their "
        'model calls to one micro-batcher (assistant/batching.py; see "Many people at once").',
    ]
    report.sections["http"] = "\n".join([*lines, ""])


def section_memory(report: Report, pid: int, phase: str) -> None:
    now, peak = rss_mb(pid)
    parts = served.parts_rss_mb()
    report.target("server resident memory vs libraries + model alone", times(now / parts), "(no target)", None)
    report.sections["memory"] = "\n".join(
        [
            "## Memory",
            "",
            f"Resident memory (VmRSS, and the peak VmHWM, from /proc) of the serving process and its model's "
            f"process (assistant/model_process.py) together {phase}, against a process that only imports torch, "
            "sentence-transformers, faiss and gradio and loads the model (`scripts/bench_server.py: PARTS_RSS`); "
            "the model's process holds a second copy of torch and the model. One measurement each: memory "
            "does not jitter like time.",
            "",
            "Command: `python scripts/bench.py --only cold,memory`",
            "",
            "| Process | RSS | Peak RSS | Ratio |",
            "|---|---|---|---|",
            f"| libraries + model (baseline) | {parts:,.0f} MiB | | |",
            f"| `python app.py` serving the guide | {now:,.0f} MiB | {peak:,.0f} MiB | {times(now / parts)} |",
            "",
        ]
    )


def section_load(report: Report, url: str, index_dir: Path, tmp: Path, sizes: Sizes, quick: bool) -> None:
    from webapp.chat import BATCHED_ANSWERING_CONCURRENCY  # the server's setting, read from its source

    result = load.run(url, sizes.load_users, seconds=sizes.load_seconds)
    total = result.timing()
    report.target(
        f"load: {sizes.load_users} users for {sizes.load_seconds:.0f} s, errors (429s apart)",
        str(result.errors),
        "0",
        result.errors == 0,
    )
    lines = [
        "## Load",
        "",
        f"{sizes.load_users} concurrent closed-loop users for {sizes.load_seconds:.0f} s against the running server, "
        "half on `POST /api/ask`, half on the Gradio `/chat` endpoint through Gradio's HTTP API "
        "(scripts/load.py: asyncio and httpx). A 429 is the rate limit working and is counted apart; any "
        "other status, a malformed answer or a connection error is an error.",
        "",
        f"Command: `python app.py --port 7860` with `GUIDE_RATE_LIMIT=100000000`, then "
        f"`python scripts/load.py --url http://127.0.0.1:7860 --users {sizes.load_users} --seconds {sizes.load_seconds:.0f}`",
        "",
        "| Route | n | p50 | p95 | p99 |",
        "|---|---|---|---|---|",
    ]
    for endpoint in sorted(result.latencies):
        t = result.timing(endpoint)
        lines.append(f"| {endpoint} | {t.n} | {ms(t.p50)} ms | {ms(t.p95)} ms | {ms(t.p99)} ms |")
    lines += [
        f"| all | {total.n} | {ms(total.p50)} ms | {ms(total.p95)} ms | {ms(total.p99)} ms |",
        "",
        f"Answered {result.answered} in {result.seconds:.1f} s ({result.throughput:.1f}/s); "
        f"{result.rate_limited} rate-limited (429); {result.errors} errors."
        + (f" Outcomes: {dict(result.statuses)}." if result.errors else ""),
        "",
        f"The Gradio users' calls run up to {BATCHED_ANSWERING_CONCURRENCY} at a time (webapp/chat.py: "
        "`BATCHED_ANSWERING_CONCURRENCY`; Gradio's default is 1, with which these users once waited about "
        "3.9 s at p50 against 0.22 s on the API); the API users share FastAPI's thread pool; the model calls "
        "of both are gathered into shared batches (assistant/batching.py).",
        "",
    ]
    if not quick:
        limited = served.ColdServer(index_dir, tmp, env={"GUIDE_RATE_LIMIT": "60"})
        try:
            capped = load.run(limited.url, sizes.load_users, seconds=10)
        finally:
            limited.stop()
        report.target(
            "load against the default rate limit (60/min): errors other than 429",
            str(capped.errors),
            "0",
            capped.errors == 0,
        )
        lines += [
            f"With the default rate limit (`GUIDE_RATE_LIMIT=60` a minute per client address) the same "
            f"{sizes.load_users} users for 10 s from one address: {capped.answered} answered, "
            f"{capped.rate_limited} refused with 429 and `Retry-After`, {capped.errors} errors.",
            "",
        ]
    report.sections["load"] = "\n".join(lines)


def section_batch(report: Report, index_dir: Path, tmp: Path, sizes: Sizes, quick: bool) -> None:
    from assistant.batching import MAX_BATCH, MAX_WAIT_MS

    figures = batching.user_curve(index_dir, tmp, sizes.batch_seconds)
    at32 = figures.level("batched", "api", 32)
    report.target(
        "32 users on POST /api/ask, batched: answered/s vs the bare model on batches of 16",
        times(at32.ratio),
        ">= 0.5",
        at32.ratio >= 0.5,
    )
    p50 = at32.result.timing().p50
    report.target("32 users on POST /api/ask, batched: p50", f"{ms(p50)} ms", "<= 300 ms", p50 <= 300)
    errors = sum(x.errors for x in figures.levels)
    report.target("errors of the many-users curve (both servers, all levels)", str(errors), "0", errors == 0)
    lines = [
        "## Many people at once",
        "",
        f"Closed-loop users (scripts/load.py: each asks its next question when the previous answer arrives) on "
        f"`POST /api/ask` for {figures.seconds:.0f} s a level, against two servers started side by side from "
        "the guide's index with the rate limit off: one with micro-batching (the default: concurrent questions "
        f"share model calls of up to {MAX_BATCH} texts, gathered for at most {MAX_WAIT_MS:g} ms while people ask "
        "at once, assistant/batching.py), one with `--no-batching` (one model call at a time, under a lock). "
        f"The baseline is the bare `SentenceTransformer.encode` of batches of {batching.BATCH} of the same "
        "questions in the benchmark's process, in questions per second (p50 over batches), measured for a few "
        "seconds right after each level: the ratio compares answered questions per second with what the "
        "model alone sustains at that moment. The load generator runs on the same machine. Errors are any "
        "outcome but an answer (no 429 is expected with the limit off).",
        "",
        f"Command: `python scripts/bench.py --only batch{' --quick' if quick else ''}`",
        "",
        "| Endpoint | Users | Server | Answered | Answered/s | p50 | p95 | Bare model, batches of 16 | "
        "Answered/s vs bare | Errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    route = {"api": "POST /api/ask", "gradio": "Gradio /chat (HTTP API)"}
    for x in figures.levels:
        t = x.result.timing()
        lines.append(
            f"| {route[x.endpoint]} | {x.users} | {x.server} | {x.result.answered} | {x.result.throughput:.1f}/s "
            f"| {ms(t.p50)} ms | {ms(t.p95)} ms | {x.bare:.0f}/s | {times(x.ratio)} | {x.errors} |"
        )
    unbatched = figures.level("unbatched", "api", 32)
    in_process = figures.level(batching.IN_PROCESS, "api", 32)
    lines += [
        "",
        f"At 32 users the batched server answered {at32.result.throughput / unbatched.result.throughput:.1f} times "
        "as many questions a second as the unbatched one. A question makes one to three model calls (the "
        "question, with a follow-up's context, and a probe of two texts when it names words the guide does "
        "not use), so one answered question costs more than one encoded question of the baseline. Gradio "
        "runs the chat's answers 40 at a time when batching (webapp/chat.py: "
        "`BATCHED_ANSWERING_CONCURRENCY`; 8 without), and FastAPI runs `/api/ask` in anyio's 40 worker "
        "threads: beyond 40 users the others wait for a thread, not for the model. Both servers run with "
        "CPython's GIL switch interval at 0.5 ms (webapp/server.py: `GIL_SWITCH_INTERVAL_S`), the rest "
        "being equal, and with the model in a child process of its own (assistant/model_process.py: one "
        "torch thread per core but one, so one on two cores): in the server's process the model's Python "
        "shares the GIL with the event loop and the request threads, and the server used about 1.2 of the "
        f"2 cores. The third server at 32 users keeps the model in the server's own process: {in_process.result.throughput:.1f}/s "
        f"at p50 {ms(in_process.result.timing().p50)} ms against {at32.result.throughput:.1f}/s at p50 "
        f"{ms(at32.result.timing().p50)} ms.",
        "",
    ]
    report.sections["batch"] = "\n".join(lines)


def section_build(report: Report, tmp: Path, sizes: Sizes, quick: bool) -> pipeline.BuildFigures:
    figures = pipeline.build_vs_encode(tmp / "scale-build", sizes.build_chunks)
    report.target(
        f"build throughput vs bare `model.encode`, {figures.chunks:,} chunks",
        times(figures.ratio),
        ">= 0.9",
        figures.ratio >= 0.9,
    )
    report.sections["build"] = "\n".join(
        [
            "## Scale: building an index",
            "",
            f"A synthetic corpus of {figures.chunks:,} passages (scripts/bench_pipeline.py: `synthetic_corpus`, "
            "Markdown sections of one sentence drawn from the guide's vocabulary, so one retrieval unit per "
            f"passage) built with `assistant.build.build_index` into a fresh folder, against bare "
            f"`SentenceTransformer.encode` of the same {figures.units:,} unit texts (default batch size). One "
            "run of each, since each is long; the CPU-time ratio (this process's CPU seconds) is the one other "
            "processes on the machine disturb least.",
            "",
            f"Command: `python scripts/bench.py --only build{' --quick' if quick else ''}`",
            "",
            "| Measured | Units | Wall | Units/s | CPU | Throughput ratio (wall) | Throughput ratio (CPU) |",
            "|---|---|---|---|---|---|---|",
            f"| bare `model.encode(texts)` (baseline) | {figures.units:,} | {figures.encode_s:.1f} s | "
            f"{figures.encode_per_s:,.0f} | {figures.encode_cpu_s:.1f} s | | |",
            f"| `build_index` (chunk, embed, write, activate) | {figures.units:,} | {figures.build_s:.1f} s | "
            f"{figures.build_per_s:,.0f} | {figures.build_cpu_s:.1f} s | {times(figures.ratio)} | {times(figures.cpu_ratio)} |",
            "",
        ]
    )
    return figures


def section_search(report: Report, sizes: Sizes, reference, quick: bool) -> None:
    from assistant.store import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_FROM, HNSW_M, HNSW_REFINE_FACTOR

    if reference is None:  # no build section in this run: embed a smaller synthetic corpus for the shape
        with tempfile.TemporaryDirectory(prefix="bench-reference-") as folder:
            reference = pipeline.build_vs_encode(Path(folder), min(sizes.build_chunks, 4_000)).vectors
    like = pipeline.EmbeddingLike(reference)
    queries = like.sample(sizes.queries)
    tiers: list[pipeline.SearchFigures] = []
    for n in sizes.vectors:
        tiers.append(pipeline.search_tier(like.sample(n), queries, "embedding-like", min(sizes.queries, 30)))
    for n in sizes.uniform_vectors:
        uniform_queries = pipeline.uniform_vectors(sizes.queries, reference.shape[1], seed=17)
        tiers.append(
            pipeline.search_tier(
                pipeline.uniform_vectors(n, reference.shape[1]),
                uniform_queries,
                "uniform random",
                min(sizes.queries, 30),
            )
        )
    lines = [
        "## Scale: search",
        "",
        f"Search alone, without the model: 384-dimensional unit vectors, {sizes.queries} queries one at a time, "
        "k=10. Exact search is faiss `IndexFlatIP`; the approximate index is whatever "
        f"`assistant.store.make_faiss_index` chooses for that many vectors (from {HNSW_FROM:,} vectors an HNSW "
        f"graph over 8-bit codes, M={HNSW_M}, efConstruction={HNSW_EF_CONSTRUCTION}, efSearch={HNSW_EF_SEARCH}, "
        f"whose top {HNSW_REFINE_FACTOR}k are re-ranked on the full vectors). Recall@10 is the share of the exact top 10 that the approximate "
        "index returns. The retriever asks for 256 candidates, not 10: that latency is the last column (HNSW's "
        "beam is still efSearch wide; the extra results are what it passed on the way).",
        "",
        "Two kinds of vectors. *Embedding-like*: a Gaussian with the mean and covariance of the model's real "
        "output (the vectors of the synthetic build above), normalised, so they share the anisotropy and the "
        "few dozen dominant directions of sentence embeddings. *Uniform random*: normalised Gaussian noise, the "
        "worst case for any approximate index (all points nearly equidistant), shown for contrast.",
        "",
        f"Command: `python scripts/bench.py --only build,search{' --quick' if quick else ''}`",
        "",
        "| Vectors | Kind | Exact p50 | Exact p95 | Index (settings) | Index build | Approx. p50 | Approx. p95 "
        "| Speed-up (p50) | Recall@10 | Approx. p50 at k=256 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for tier in tiers:
        lines.append(
            f"| {tier.n:,} | {tier.distribution} | {ms(tier.exact.p50)} ms | {ms(tier.exact.p95)} ms | "
            f"{tier.index_type} ({tier.settings}) | {tier.index_build_s:.0f} s | {ms(tier.approximate.p50)} ms | "
            f"{ms(tier.approximate.p95)} ms | {tier.exact.p50 / tier.approximate.p50:,.0f}x | {tier.recall_at_10:.3f} | "
            f"{ms(tier.approximate_k256.p50)} ms |"
        )
        if tier.distribution == "embedding-like":
            report.target(
                f"recall@10 of the store's index at {tier.n:,} vectors",
                f"{tier.recall_at_10:.3f}",
                ">= 0.95",
                tier.recall_at_10 >= 0.95,
            )
        if tier.n >= 1_000_000 and tier.distribution == "embedding-like":
            report.target(
                f"search p50 at {tier.n:,} vectors, no model",
                f"{ms(tier.approximate.p50)} ms",
                "< 5 ms",
                tier.approximate.p50 < 5,
            )
    lines += [
        "",
        "Recall falls with size at a fixed efSearch. Issue 7's sweep at 1,000,000 embedding-like vectors: a "
        "graph over full float vectors (M=32, efConstruction 40) gave recall@10 0.942 at efSearch 1024 in "
        "5.4 ms, IVF4096 with an HNSW quantizer 0.872 at nprobe 256 in 4.9 ms; the graph over 8-bit codes "
        "reads a quarter of the bytes per distance, so the same efSearch costs less, and "
        f"efConstruction {HNSW_EF_CONSTRUCTION} builds a better graph, for a longer build (the Index build "
        "column). The Gaussian is a pessimistic model (its variance is spread over a hundred-odd "
        "directions, with none of the topical clusters of real passages, which graph search exploits), and "
        "the guide itself is a few hundred vectors, searched exactly.",
    ]
    swept = [tier for tier in tiers if tier.sweep]
    if swept:
        lines += [
            "",
            "The same HNSW graphs searched with other efSearch settings (k=10): the trade the store's "
            "`HNSW_EF_SEARCH` makes between recall and latency (with the same re-ranking).",
            "",
            "| Vectors | Kind | efSearch | p50 | p95 | Recall@10 |",
            "|---|---|---|---|---|---|",
        ]
        for tier in swept:
            for ef, timing, recall in tier.sweep:
                mark = " (store)" if f"efSearch={ef}" in tier.settings else ""
                lines.append(
                    f"| {tier.n:,} | {tier.distribution} | {ef}{mark} | {ms(timing.p50)} ms | {ms(timing.p95)} ms "
                    f"| {recall:.3f} |"
                )
    report.sections["search"] = "\n".join([*lines, ""])


# -- main --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the report here (default: print it)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a few minutes instead of about fifteen")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {','.join(SECTIONS)}")
    parser.add_argument("--index", type=Path, default=ROOT / "index", help="the guide's index (make index builds it)")
    parser.add_argument("--vectors", help="search tiers, e.g. 100000,1000000 (overrides the size of the mode)")
    parser.add_argument("--chunks", type=int, help="synthetic passages to build (overrides the size of the mode)")
    args = parser.parse_args(argv)

    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    sizes = Sizes.quick() if args.quick else Sizes.full()
    if args.vectors:
        sizes = _replace(sizes, vectors=tuple(int(v) for v in args.vectors.split(",")), uniform_vectors=())
    if args.chunks:
        sizes = _replace(sizes, build_chunks=args.chunks)

    command = "python scripts/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report = Report(command.strip())
    started, load_before = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        server: served.ColdServer | None = None
        build = None
        try:
            if "ask" in only:
                timed("ask", lambda: section_ask(report, args.index, sizes))
            if SERVER_SECTIONS & set(only):
                server = timed("cold", lambda: section_cold(report, args.index, tmp, sizes, args.quick))
                url = server.url
                if "http" in only:
                    timed("http", lambda: section_http(report, url, args.index, sizes, args.quick))
                if "load" in only:
                    timed("load", lambda: section_load(report, url, args.index, tmp, sizes, args.quick))
                if "memory" in only:
                    served_before = [name for name in ("http", "load") if name in only]
                    phase = (
                        f"after the {' and '.join(served_before)} sections"
                        if served_before
                        else "after its first answer"
                    )
                    pid = server.process.pid
                    timed("memory", lambda: section_memory(report, pid, phase))
            if "batch" in only:
                timed("batch", lambda: section_batch(report, args.index, tmp, sizes, args.quick))
            if "build" in only:
                build = timed("build", lambda: section_build(report, tmp, sizes, args.quick))
            if "search" in only:
                vectors = build.vectors if build is not None else None
                timed("search", lambda: section_search(report, sizes, vectors, args.quick))
        finally:
            if server is not None:
                server.stop()
        if "cold" not in only:
            report.sections.pop("cold", None)
            report.targets = [t for t in report.targets if not t[0].startswith("cold start")]

    text = report.markdown(started, load_before)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"bench: wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


def timed(name: str, step: Callable[[], T]) -> T:
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    result = step()
    print(f"bench: {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return result


def _replace(sizes: Sizes, **changes: object) -> Sizes:
    from dataclasses import replace

    return replace(sizes, **changes)  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
