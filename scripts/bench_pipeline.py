"""In-process benchmarks of the pipeline, each against the bare part it is built on.

- `ask_vs_encode`: `Assistant.ask` against the model's own `encode` of the same questions.
- `build_vs_encode`: `build_index` on a synthetic corpus against `encode` of the same retrieval units.
- `search_tier`: the store's choice of faiss index at n vectors against exact search, with recall@10.

Synthetic data is generated here with fixed seeds, so two runs measure the same work. Nothing here
starts a server (see bench_server.py) or writes outside the temporary folders it is given.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_stats import QUESTIONS, Timing, interleaved

ROOT = Path(__file__).resolve().parent.parent


# -- ask ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskFigures:
    ask: Timing
    encode: Timing
    embed: Timing  # the pipeline's embedder (normalised float32 vectors): encode plus a little
    encode_main_thread: Timing  # bare encode called from the main thread, for the note on threads
    ask_batched: Timing  # `ask` with the server's micro-batching embedder (assistant/batching.py), one user
    cpu_normal: Timing  # CPU time (all threads) of `ask` on the benchmark's questions
    cpu_worst: Timing  # ... on a worst case: a new question of 2,000 characters of made-up words each time


def made_up_words(chars: int, seed: int) -> str:
    """A question of distinct made-up words (each several tokens, none the guide's or English): the
    costliest input found for spelling repair, word senses and the model."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append("".join(rng.choice(letters, int(rng.integers(4, 10)))))
    return " ".join(words)[:chars]


def cpu_ms(call: Callable[[], object]) -> float:
    started = time.process_time()
    call()
    return (time.process_time() - started) * 1000


def ask_vs_encode(index_dir: Path, rounds: int) -> AskFigures:
    """Each question asked in-process, interleaved with the bare `model.encode` of the same question.

    The calls run on a worker thread, as the server runs them (FastAPI and Gradio answer in a thread
    pool); `encode_main_thread` is the same encode from the main thread, which differs only when torch's
    OpenMP threads spin (OMP_WAIT_POLICY, see assistant/embedding.py).
    """
    from assistant import Assistant
    from assistant.batching import BatchingEmbedder

    assistant = Assistant.load(index_dir)
    model = assistant.embedder._model  # type: ignore[attr-defined]
    batched = Assistant(assistant.store, BatchingEmbedder(assistant.embedder))
    with ThreadPoolExecutor(1) as worker:
        for question in QUESTIONS:  # warm-up: first calls allocate and fill caches
            worker.submit(assistant.ask, question).result()
            worker.submit(batched.ask, question).result()
            model.encode([question])
        timings = interleaved(
            {
                "encode": on(worker, lambda q: model.encode([q])),
                "embed": on(worker, lambda q: assistant.embedder.embed([q])),
                "ask": on(worker, assistant.ask),
                "encode_main_thread": lambda q: model.encode([q]),
                "ask_batched": on(worker, batched.ask),
            },
            QUESTIONS,
            rounds,
        )
        normal: list[float] = []
        worst: list[float] = []
        for round_ in range(rounds):  # alternating, like the wall-time figures; a new worst case each time
            for i, question in enumerate(QUESTIONS):
                normal.append(cpu_ms(lambda q=question: worker.submit(assistant.ask, q).result()))
                junk = made_up_words(2000, seed=round_ * len(QUESTIONS) + i)
                worst.append(cpu_ms(lambda q=junk: worker.submit(assistant.ask, q).result()))
    return AskFigures(**timings, cpu_normal=Timing(tuple(normal)), cpu_worst=Timing(tuple(worst)))


def on(worker: ThreadPoolExecutor, call: Callable[[Any], object]) -> Callable[[Any], object]:
    """`call`, run on `worker` (the caller waits for it)."""
    return lambda value: worker.submit(call, value).result()


# -- build -------------------------------------------------------------------------------------------


def guide_words() -> list[str]:
    """The guide's own vocabulary, so synthetic text looks like the guide to the tokenizer and model."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.md")))
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if len(w) > 2})


def synthetic_corpus(folder: Path, chunks: int, per_file: int = 500, seed: int = 7) -> Path:
    """Markdown files with `chunks` sections of one sentence each: one passage and one unit per section.

    One sentence per section keeps the number of units equal to the number of chunks, so 20,000
    chunks cost 20,000 forward passes of the model and not four times as many.
    """
    rng = np.random.default_rng(seed)
    vocabulary = guide_words()
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, chunks, per_file):
        lines = [f"# Synthetic guide part {start // per_file + 1}", ""]
        for i in range(start, min(start + per_file, chunks)):
            heading = " ".join(rng.choice(vocabulary, 2)).capitalize()
            sentence = " ".join(rng.choice(vocabulary, int(rng.integers(6, 15)))).capitalize() + "."
            lines += [f"## {heading} {i}", "", sentence, ""]
        (folder / f"part-{start // per_file + 1:04d}.md").write_text("\n".join(lines), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class BuildFigures:
    chunks: int
    units: int
    build_s: float
    build_cpu_s: float
    encode_s: float
    encode_cpu_s: float
    vectors: np.ndarray  # the index's vectors, reused as a reference distribution by search_tier

    @property
    def build_per_s(self) -> float:
        return self.units / self.build_s

    @property
    def encode_per_s(self) -> float:
        return self.units / self.encode_s

    @property
    def ratio(self) -> float:
        """Build throughput over bare encode throughput, wall clock (1.0: the build adds nothing)."""
        return self.encode_s / self.build_s

    @property
    def cpu_ratio(self) -> float:
        """The same in CPU seconds of this process, which other processes on the machine disturb less."""
        return self.encode_cpu_s / self.build_cpu_s


def build_vs_encode(workdir: Path, chunks: int) -> BuildFigures:
    """Build an index of a synthetic corpus of `chunks` passages, and encode the same unit texts bare."""
    import faiss

    from assistant.build import build_index
    from assistant.chunking import chunk_document
    from assistant.corpus import load_corpus
    from assistant.embedding import SentenceTransformerEmbedder

    corpus = synthetic_corpus(workdir / "corpus", chunks)
    embedder = SentenceTransformerEmbedder()
    documents, _ = load_corpus(corpus, workdir)
    texts = [u.text for doc in documents for c in chunk_document(doc) for u in c.units]
    embedder._model.encode(texts[:64])  # warm-up

    started, cpu = time.perf_counter(), time.process_time()
    embedder._model.encode(texts)
    encode_s, encode_cpu_s = time.perf_counter() - started, time.process_time() - cpu

    started, cpu = time.perf_counter(), time.process_time()
    report = build_index(corpus, workdir / "index", embedder, project_root=workdir, reuse=False)
    build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - cpu

    index = faiss.read_index(str(Path(report.index) / "vectors.faiss"))
    return BuildFigures(
        chunks=report.chunks_added,
        units=len(texts),
        build_s=build_s,
        build_cpu_s=build_cpu_s,
        encode_s=encode_s,
        encode_cpu_s=encode_cpu_s,
        vectors=index.reconstruct_n(0, index.ntotal),
    )


# -- search at scale ---------------------------------------------------------------------------------


class EmbeddingLike:
    """Random unit vectors with the mean and covariance of real model output.

    Uniform random vectors in 384 dimensions are the worst case for any approximate index (every point
    is about equally far from every other); sentence embeddings are not like that: they share a common
    direction and most of their variance lies in a few dozen directions. Sampling a Gaussian fitted to
    real embeddings keeps that shape at any size.
    """

    def __init__(self, reference: np.ndarray, seed: int = 11):
        self.mean = reference.mean(axis=0)
        self.factor = np.linalg.cholesky(np.cov(reference, rowvar=False) + 1e-6 * np.eye(reference.shape[1]))
        self.rng = np.random.default_rng(seed)

    def sample(self, n: int, batch: int = 100_000) -> np.ndarray:
        out = np.empty((n, len(self.mean)), dtype=np.float32)
        for start in range(0, n, batch):
            z = self.rng.standard_normal((min(batch, n - start), len(self.mean)), dtype=np.float32)
            out[start : start + len(z)] = z @ self.factor.T.astype(np.float32) + self.mean
        return normalised(out)


def uniform_vectors(n: int, dimension: int, seed: int = 13, batch: int = 100_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, dimension), dtype=np.float32)
    for start in range(0, n, batch):
        out[start : start + batch] = rng.standard_normal((min(batch, n - start), dimension), dtype=np.float32)
    return normalised(out)


def normalised(vectors: np.ndarray) -> np.ndarray:
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


@dataclass(frozen=True)
class SearchFigures:
    n: int
    distribution: str
    index_type: str  # what assistant.store.make_faiss_index chose for n vectors
    index_build_s: float
    exact: Timing  # IndexFlatIP, one query at a time, k=10
    approximate: Timing  # the store's index, one query at a time, k=10
    approximate_k256: Timing  # the store's index at the k the retriever asks for (DENSE_CANDIDATES)
    recall_at_10: float
    settings: str  # e.g. "M=32, efConstruction=40, efSearch=256"
    sweep: tuple[tuple[int, Timing, float], ...] = ()  # HNSW only: (efSearch, latency at k=10, recall@10)


def search_tier(vectors: np.ndarray, queries: np.ndarray, distribution: str, repeat_exact: int) -> SearchFigures:
    """Exact search against the store's own index choice on the same vectors; `vectors` is consumed."""
    import faiss

    from assistant.config import Config
    from assistant.store import hnsw_of, make_faiss_index

    DENSE_CANDIDATES = Config().dense_candidates  # the k the retriever asks for

    n, dimension = vectors.shape
    exact = faiss.IndexFlatIP(dimension)
    exact.add(vectors)
    del vectors  # the flat index holds a copy; read it back as a view instead of keeping two
    stored = faiss.rev_swig_ptr(exact.get_xb(), n * dimension).reshape(n, dimension)

    _, truth = exact.search(queries, 10)
    exact_samples = []
    for i in range(repeat_exact):  # exact search at 1,000,000 vectors is slow: fewer queries
        started = time.perf_counter()
        exact.search(queries[i : i + 1], 10)
        exact_samples.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    approximate = make_faiss_index(stored)
    index_build_s = time.perf_counter() - started

    found, approx_samples, wide_samples = [], [], []
    for i in range(len(queries)):
        query = queries[i : i + 1]
        started = time.perf_counter()
        _, rows = approximate.search(query, 10)
        approx_samples.append((time.perf_counter() - started) * 1000)
        found.append(rows[0])
        started = time.perf_counter()
        approximate.search(query, DENSE_CANDIDATES)
        wide_samples.append((time.perf_counter() - started) * 1000)
    recall = recall_at_10(found, truth)
    sweep = []
    hnsw = hnsw_of(approximate)
    if hnsw is not None:  # the recall and latency other efSearch settings would give on the same graph
        chosen = hnsw.efSearch
        for ef in EF_SWEEP:
            hnsw.efSearch = ef
            samples, rows_found = [], []
            for i in range(len(queries)):
                started = time.perf_counter()
                _, rows = approximate.search(queries[i : i + 1], 10)
                samples.append((time.perf_counter() - started) * 1000)
                rows_found.append(rows[0])
            sweep.append((ef, Timing(tuple(samples)), recall_at_10(rows_found, truth)))
        hnsw.efSearch = chosen
    return SearchFigures(
        n=n,
        distribution=distribution,
        index_type=index_type(approximate),
        index_build_s=index_build_s,
        exact=Timing(tuple(exact_samples)),
        approximate=Timing(tuple(approx_samples)),
        approximate_k256=Timing(tuple(wide_samples)),
        recall_at_10=recall,
        settings=index_settings(approximate),
        sweep=tuple(sweep),
    )


EF_SWEEP = (256, 512, 768, 1024, 1536)


def recall_at_10(found: list[np.ndarray], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))


def index_type(index: object) -> str:
    """The faiss class, with the index a refining index wraps: `IndexRefineFlat(IndexHNSWSQ)`."""
    import faiss

    base = getattr(index, "base_index", None)
    inner = f"({type(faiss.downcast_index(base)).__name__})" if base is not None else ""
    return type(index).__name__ + inner


def index_settings(index: object) -> str:
    from assistant.store import hnsw_of

    hnsw = hnsw_of(index)
    if hnsw is not None:
        refine = getattr(index, "k_factor", None)
        return f"M={hnsw.nb_neighbors(1)}, efConstruction={hnsw.efConstruction}, efSearch={hnsw.efSearch}" + (
            f", re-rank {refine:g}k" if refine is not None else ""
        )
    nprobe = getattr(index, "nprobe", None)
    if nprobe is not None:
        return f"nlist={index.nlist}, nprobe={nprobe}"  # type: ignore[attr-defined]
    return "exact"
