"""The index on disk: a folder of plain files, written beside the old one and switched atomically.

Layout (documented for users in index/README.md):

    index/
      current -> builds/<build id>      symlink, replaced atomically by os.replace
      builds/<build id>/manifest.json   format version, model, dimension, metric, chunking, corpus hashes
      builds/<build id>/chunks.jsonl    one chunk a line, with its retrieval units in row order
      builds/<build id>/vectors.faiss   faiss.write_index output; row i is the i-th unit of chunks.jsonl
      .build.lock                       held while a build writes, activates and prunes (build_lock)

Vectors are unit length and the metric is inner product, which on unit vectors is cosine similarity.
Small stores use exact search (IndexFlatIP); from `HNSW_FROM` vectors up, an HNSW graph over 8-bit
scalar-quantized vectors whose candidates are re-ranked on the full vectors (IndexRefineFlat around
IndexHNSWSQ: approximate, recall checked by `make bench`). No pickle anywhere: a reader needs only json and faiss.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from filelock import FileLock, Timeout

from .records import Chunk, Unit

FORMAT = "guide-assistant-index"
FORMAT_VERSION = 2  # 2: question units (chunks.jsonl "question": true)
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.faiss"
CURRENT = "current"
BUILDS = "builds"
LOCK = ".build.lock"
HNSW_FROM = 50_000
HNSW_M = 32
# Measured by `make bench` (docs/performance.md, "Scale: search") and a sweep for issue 7: at 1,000,000
# embedding-like vectors the graph over full float vectors (efConstruction 40) reached recall@10 0.942 only at
# efSearch 1024 and 5.4 ms a search; IVF4096 with an HNSW quantizer reached 0.87 at nprobe 256 and ~5 ms.
# A graph over 8-bit codes is searched about a quarter faster at the same efSearch (a quarter of the bytes
# per distance), a larger efConstruction makes a better graph, and re-ranking the graph's top
# k x HNSW_REFINE_FACTOR on the full vectors undoes the quantization. With efConstruction 80, efSearch 1024
# gave 0.947 in 4.4 ms; with 128, 0.969 in 4.9 ms (efSearch 768: 0.953 in 3.7 ms), for a build of 379 s at
# 1,000,000 vectors on 2 cores (166 s before). (Asking faiss for k > efSearch results does not widen the
# search: the extra results are the leftovers of an efSearch-wide beam.)
HNSW_EF_CONSTRUCTION = 128
HNSW_EF_SEARCH = 1024
HNSW_REFINE_FACTOR = 4
HNSW_TRAIN_SAMPLE = 100_000  # vectors the scalar quantizer learns its per-dimension ranges from
REBUILD_HINT = "python -m assistant build"


class IndexError_(RuntimeError):
    """The index is missing, damaged or does not fit the running code; the message says what to run."""


@dataclass(frozen=True)
class Store:
    directory: Path
    manifest: dict[str, Any]
    chunks: tuple[Chunk, ...]
    unit_chunk: np.ndarray  # row -> position of its chunk in `chunks`
    index: Any  # a faiss index

    @property
    def units(self) -> list[Unit]:
        return [u for c in self.chunks for u in c.units]

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, self.index.ntotal))
        return self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)  # type: ignore[no-any-return]

    def vectors(self) -> np.ndarray:
        """All stored vectors in row order (used to reuse unchanged rows in an incremental build)."""
        return self.index.reconstruct_n(0, self.index.ntotal)  # type: ignore[no-any-return]


def make_faiss_index(vectors: np.ndarray) -> Any:
    """Exact inner-product search for small stores; from HNSW_FROM vectors up, HNSW over 8-bit codes with
    the candidates re-ranked on the full vectors (which also serve `Store.vectors`)."""
    dimension = vectors.shape[1]
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) < HNSW_FROM:
        flat = faiss.IndexFlatIP(dimension)
        if len(vectors):
            flat.add(vectors)
        return flat
    # faiss's type stubs take the quantizer type for a ScalarQuantizer; the C++ signature takes the enum.
    graph = faiss.IndexHNSWSQ(dimension, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    graph.hnsw.efSearch = HNSW_EF_SEARCH
    step = max(1, len(vectors) // HNSW_TRAIN_SAMPLE)
    graph.train(vectors[::step])
    index = faiss.IndexRefineFlat(graph)
    index.k_factor = HNSW_REFINE_FACTOR
    index.add(vectors)
    return index


def hnsw_of(index: Any) -> Any:
    """The HNSW graph inside a store's index (its efSearch is the search width), or None for exact search."""
    base = getattr(index, "base_index", None)
    index = faiss.downcast_index(base) if base is not None else index
    return getattr(index, "hnsw", None)


def chunk_to_record(chunk: Chunk) -> dict[str, Any]:
    return {
        "id": chunk.id,
        "source": chunk.source,
        "section_path": list(chunk.section_path),
        "start_line": chunk.start_line,
        "end_line": chunk.end_line,
        "text": chunk.text,
        **({"heading_line": chunk.heading_line, "heading": chunk.heading} if chunk.heading else {}),
        "units": [
            {"text": u.text, "line": u.line, "whole": u.whole, **({"question": True} if u.question else {})}
            for u in chunk.units
        ],
    }


def chunk_from_record(record: dict[str, Any]) -> Chunk:
    return Chunk(
        id=record["id"],
        source=record["source"],
        section_path=tuple(record["section_path"]),
        start_line=int(record["start_line"]),
        end_line=int(record["end_line"]),
        text=record["text"],
        heading_line=int(record.get("heading_line", 0)),
        heading=str(record.get("heading", "")),
        units=tuple(
            Unit(u["text"], int(u["line"]), bool(u.get("whole")), bool(u.get("question"))) for u in record["units"]
        ),
    )


def resolve(index_dir: Path) -> Path:
    """The build folder an index path means: `index/current`, or a build folder given directly."""
    if (index_dir / MANIFEST).is_file():
        return index_dir
    current = index_dir / CURRENT
    if current.exists():
        return current.resolve()
    raise IndexError_(f"no index in {index_dir}: build it with `{REBUILD_HINT}`")


def read_manifest(index_dir: Path) -> dict[str, Any]:
    folder = resolve(index_dir)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(
            f"the index manifest in {folder} is unreadable ({exc}); rebuild with `{REBUILD_HINT}`"
        ) from exc
    if not isinstance(manifest, dict):
        raise IndexError_(f"the index manifest in {folder} is not an object; rebuild with `{REBUILD_HINT}`")
    return manifest


def check_manifest(manifest: dict[str, Any], model_name: str | None, dimension: int | None) -> None:
    """Refuse an index the running code or model cannot use, naming the command that fixes it."""
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(
            f"the index has format {manifest.get('format')!r} version {manifest.get('format_version')!r}, "
            f"this code reads {FORMAT!r} version {FORMAT_VERSION}; rebuild with `{REBUILD_HINT}`"
        )
    model = manifest.get("model", {})
    if model_name is not None and model.get("name") != model_name:
        raise IndexError_(
            f"the index was built with the model {model.get('name')!r} but the assistant uses {model_name!r}; "
            f"rebuild with `{REBUILD_HINT}` (add --model to choose the model)"
        )
    if dimension is not None and model.get("dimension") != dimension:
        raise IndexError_(
            f"the index holds {model.get('dimension')}-dimensional vectors, the model makes {dimension}; "
            f"rebuild with `{REBUILD_HINT}`"
        )


def load_store(index_dir: Path, model_name: str | None = None, dimension: int | None = None) -> Store:
    # Resolve `current` once: a build switching it mid-load must not pair one build's manifest with
    # another's vectors.
    folder = resolve(index_dir)
    manifest = read_manifest(folder)
    check_manifest(manifest, model_name, dimension)
    try:
        with open(folder / CHUNKS, encoding="utf-8") as handle:
            chunks = tuple(chunk_from_record(json.loads(line)) for line in handle if line.strip())
        index = faiss.read_index(str(folder / VECTORS))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexError_(f"the index in {folder} is damaged ({exc}); rebuild with `{REBUILD_HINT}`") from exc
    rows = np.array([i for i, c in enumerate(chunks) for _ in c.units], dtype=np.int64)
    if index.ntotal != len(rows) or index.d != manifest.get("model", {}).get("dimension"):
        raise IndexError_(
            f"the index in {folder} is inconsistent ({index.ntotal} vectors for {len(rows)} units); "
            f"rebuild with `{REBUILD_HINT}`"
        )
    return Store(folder, manifest, chunks, rows, index)


def write_build(index_dir: Path, manifest: dict[str, Any], chunks: list[Chunk], vectors: np.ndarray) -> Path:
    """Write a complete build into a new folder under index/builds/ and return it (not yet live).

    Files are written under a temporary name and fsynced; the folder is renamed into place last, so a
    folder in builds/ without a `.tmp` suffix is always whole.
    """
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = builds / f"{build_id}.tmp"
    tmp.mkdir()
    with open(tmp / CHUNKS, "w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk_to_record(chunk), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    index = make_faiss_index(vectors)
    faiss.write_index(index, str(tmp / VECTORS))
    _fsync(tmp / VECTORS)
    manifest = {**manifest, "faiss": {"type": type(index).__name__, "file": VECTORS, "ntotal": int(index.ntotal)}}
    with open(tmp / MANIFEST, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    final = builds / build_id
    os.rename(tmp, final)
    _fsync(builds)
    return final


def activate(index_dir: Path, build: Path) -> None:
    """Point index/current at `build` with one atomic rename, then drop builds nobody needs.

    Call it only while holding the build lock (build.py does): prune() deletes every build folder but
    the live one and the one live before it, which is safe only when no other build is being written.
    """
    current = index_dir / CURRENT
    previous = current.resolve() if current.exists() else None
    link = index_dir / f"{CURRENT}.{os.getpid()}.tmp"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(build, index_dir), link)
    os.replace(link, current)
    _fsync(index_dir)
    prune(index_dir, keep=(previous,) if previous is not None else ())


def prune(index_dir: Path, keep: tuple[Path, ...] = ()) -> None:
    """Remove build folders other than the live one and `keep`, and what killed builds left behind.

    Only call it while holding the build lock: a `.tmp` folder is then a killed build's, never one a
    concurrent build is writing, and no other build can be between its rename and its activation.
    The previous build is worth keeping (activate passes it) because a server that resolved `current`
    just before the switch may still be reading it; older ones are not, as a server loads a build
    whole into memory.
    """
    builds = index_dir / BUILDS
    if not builds.is_dir():
        return
    live = (index_dir / CURRENT).resolve() if (index_dir / CURRENT).exists() else None
    kept = {p.resolve() for p in keep} | ({live} if live is not None else set())
    for folder in builds.iterdir():
        if folder.name.endswith(".tmp") or (folder.is_dir() and folder.resolve() not in kept):
            shutil.rmtree(folder, ignore_errors=True)
    for link in index_dir.glob(f"{CURRENT}.*.tmp"):  # a killed build's half-made `current` link
        link.unlink(missing_ok=True)


@contextmanager
def build_lock(index_dir: Path, timeout: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold index/.build.lock: one build at a time writes, activates and prunes.

    The lock is an OS file lock (flock), so the kernel releases it when its holder dies, even by kill -9:
    a killed build never blocks the next one. A second build waits up to `timeout` seconds, telling
    `on_wait` why, then gives up with a message naming the lock file.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(f"another build is writing {index_dir}; waiting for it to finish (up to {timeout:.0f} s)")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise IndexError_(
                f"another build has held {index_dir / LOCK} for {timeout:.0f} s; try again when it has finished"
            ) from exc
    try:
        yield
    finally:
        lock.release()


def current_build(index_dir: Path) -> str | None:
    """The live build's folder name, cheap enough to call on every request."""
    try:
        return os.readlink(index_dir / CURRENT)
    except OSError:
        return None


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename is durable once its folder is synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
