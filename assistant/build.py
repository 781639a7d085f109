"""Builds the index from the corpus, re-embedding only what changed.

Vectors are keyed by the hash of the unit text they embed: a unit whose text is already in the live
index (same model, same format) reuses its stored vector, so editing one section re-embeds only that
section's units. The new index is written beside the old one and switched by an atomic rename
(see store.py); a lock file makes a second build wait for the first instead of interleaving.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from . import __version__
from .chunking import ChunkingParams, chunk_document, document_title, text_hash
from .corpus import corpus_files, load_corpus, source_name
from .embedding import Embedder
from .records import Chunk
from .store import (
    FORMAT,
    FORMAT_VERSION,
    LOCK,
    IndexError_,
    activate,
    load_store,
    read_manifest,
    write_build,
)

Progress = Callable[[int, int], None]  # (units embedded so far, units to embed)


@dataclass
class BuildReport:
    files_scanned: int = 0
    chunks_added: int = 0
    chunks_changed: int = 0
    chunks_removed: int = 0
    chunks_reused: int = 0
    units_embedded: int = 0
    units_reused: int = 0
    seconds: float = 0.0
    index: str = ""
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"Indexed {self.files_scanned} file(s) into {self.index}",
            f"  chunks: {self.chunks_added} added, {self.chunks_changed} changed, "
            f"{self.chunks_removed} removed, {self.chunks_reused} reused",
            f"  units embedded: {self.units_embedded} (reused {self.units_reused})",
            f"  took {self.seconds:.2f} s",
        ]
        lines += [f"  skipped {problem}" for problem in self.problems]
        return "\n".join(lines)


def _previous(index_dir: Path, embedder: Embedder) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """Chunk text hashes by chunk id, and vectors by unit text hash, from the live index if usable."""
    try:
        store = load_store(index_dir, embedder.name, embedder.dimension)
    except IndexError_:
        return {}, {}
    vectors = store.vectors()
    by_unit = {text_hash(u.text): vectors[row] for row, u in enumerate(store.units)}
    return {c.id: text_hash(c.text) for c in store.chunks}, by_unit


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    project_root: Path | None = None,
    params: ChunkingParams = ChunkingParams(),
    progress: Progress | None = None,
    lock_timeout: float = 600.0,
    reuse: bool = True,
) -> BuildReport:
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        lock = FileLock(str(index_dir / LOCK), timeout=lock_timeout)
        lock.acquire()
    except Timeout as exc:
        raise IndexError_(f"another build has held {index_dir / LOCK} for {lock_timeout:.0f} s; try again later") from exc
    try:
        documents, problems = load_corpus(corpus_dir, project_root)
        hashes_on_disk = _safe_hashes(corpus_dir, project_root)
        if not documents:
            reasons = "; ".join(map(str, problems)) or "no .md or .txt files"
            raise IndexError_(f"nothing to index in {corpus_dir} ({reasons})")
        chunks: list[Chunk] = [c for doc in documents for c in chunk_document(doc, params)]
        old_chunks, old_vectors = _previous(index_dir, embedder) if reuse else ({}, {})

        report = BuildReport(files_scanned=len(documents) + len(problems), problems=[str(p) for p in problems])
        for chunk in chunks:
            old = old_chunks.get(chunk.id)
            if old is None:
                report.chunks_added += 1
            elif old != text_hash(chunk.text):
                report.chunks_changed += 1
            else:
                report.chunks_reused += 1
        report.chunks_removed = len(set(old_chunks) - {c.id for c in chunks})

        units = [u for c in chunks for u in c.units]
        hashes = [text_hash(u.text) for u in units]
        missing = sorted({h: u.text for h, u in zip(hashes, units) if h not in old_vectors}.items())
        fresh = _embed_in_batches([text for _, text in missing], embedder, progress)
        known = {**old_vectors, **{h: fresh[i] for i, (h, _) in enumerate(missing)}}
        vectors = np.stack([known[h] for h in hashes]).astype(np.float32) if units else np.zeros((0, embedder.dimension), np.float32)
        embedded = {h for h, _ in missing}
        report.units_embedded = len(missing)
        report.units_reused = sum(1 for h in hashes if h not in embedded)

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "package_version": __version__,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "model": {"name": embedder.name, "dimension": embedder.dimension, "normalized": True},
            "metric": "inner_product",
            "metric_note": "inner product of unit-length vectors, i.e. cosine similarity",
            "chunking": params.to_dict(),
            "corpus": {
                "root": corpus_dir.as_posix(),
                "files": {
                    **{d.source: {"sha256": d.sha256, "indexed": True, "title": document_title(d)} for d in documents},
                    **{p.source: {"sha256": hashes_on_disk.get(p.source), "indexed": False, "problem": p.reason} for p in problems},
                },
            },
            "counts": {"files": len(documents), "chunks": len(chunks), "units": len(units)},
        }
        build = write_build(index_dir, manifest, chunks, vectors)
        activate(index_dir, build)
        report.index = str(build)
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    finally:
        lock.release()


def _embed_in_batches(texts: list[str], embedder: Embedder, progress: Progress | None, batch: int = 256) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.embed(texts[start : start + batch]))
        if progress is not None:
            progress(min(start + batch, len(texts)), len(texts))
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)


def stale_reason(corpus_dir: Path, index_dir: Path, project_root: Path | None = None) -> str | None:
    """Why the index does not match the corpus (missing, other format, files changed), or None."""
    try:
        manifest = read_manifest(index_dir)
    except IndexError_ as exc:
        return str(exc)
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        return "the index was written in another format version"
    recorded = {s: f.get("sha256") for s, f in manifest.get("corpus", {}).get("files", {}).items()}
    present = _safe_hashes(corpus_dir, project_root)
    changed = sorted(s for s in present.keys() & recorded.keys() if present[s] != recorded[s])
    added = sorted(present.keys() - recorded.keys())
    removed = sorted(recorded.keys() - present.keys())
    parts = [f"{label}: {', '.join(names)}" for label, names in (("changed", changed), ("new", added), ("deleted", removed)) if names]
    return "corpus " + "; ".join(parts) if parts else None


def _safe_hashes(corpus_dir: Path, project_root: Path | None) -> dict[str, str | None]:
    """Hashes of the corpus files; None for a file that cannot be read (its problem is reported elsewhere)."""
    hashes: dict[str, str | None] = {}
    for path in corpus_files(corpus_dir) if corpus_dir.is_dir() else []:
        try:
            hashes[source_name(path, project_root)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            hashes[source_name(path, project_root)] = None
    return hashes
