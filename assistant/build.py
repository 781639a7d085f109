"""Builds the index from the corpus, re-embedding only what changed.

Vectors are keyed by the hash of the unit text they embed: a unit whose text is already in the live
index (same model, same format) reuses its stored vector, so editing one section re-embeds only that
section's units. The new index is written beside the old one and switched by an atomic rename
(see store.py); a lock file makes a second build wait for the first instead of interleaving.

A build can be told to give up (`abandon`, asked between embedding batches and before the switch): the
watcher abandons one overtaken by a newer edit or a deletion rather than finish an index already stale.

Left out on purpose: watching the corpus (webapp/watch.py does it) and any printing (the CLI renders the
BuildReport and the progress callback).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import ChunkingParams, chunk_document, document_title, questions_hash, text_hash, with_questions
from .corpus import MAX_FILE_BYTES, corpus_files, load_corpus, refusal, source_name
from .embedding import DeferredEmbedder, Embedder, SentenceTransformerEmbedder, resolve_model
from .guide import PASSAGE_QUESTIONS
from .records import Chunk
from .store import (
    FORMAT,
    FORMAT_VERSION,
    IndexError_,
    activate,
    build_lock,
    load_store,
    read_manifest,
    write_build,
)
from .version import __version__

Progress = Callable[[int, int], None]  # (units embedded so far, units to embed); called with 0 first


class BuildAbandoned(RuntimeError):
    """The build's `abandon` callback said to stop; the live index is untouched."""


EMBED_BATCH = 64  # small enough that a progress bar moves, large enough to keep the model busy


@dataclass
class BuildReport:
    """What a build did. Chunk counts compare passages by id (`<source>::<section>::<n>`) and text."""

    files_scanned: int = 0
    chunks_added: int = 0
    chunks_changed: int = 0
    chunks_removed: int = 0
    chunks_reused: int = 0
    units_embedded: int = 0
    units_reused: int = 0
    seconds: float = 0.0
    index: str = ""
    embedded_chunks: list[str] = field(default_factory=list)  # ids of passages with a unit embedded again
    problems: list[str] = field(default_factory=list)
    # Sections with no entry in guide.PASSAGE_QUESTIONS (a heading added or renamed): found by their own
    # words only, so a question asked in other words finds them less often than the rest.
    without_questions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"Indexed {self.files_scanned - len(self.problems)} of {self.files_scanned} file(s) into {self.index}",
            f"  chunks: {self.chunks_added} added, {self.chunks_changed} changed, "
            f"{self.chunks_removed} removed, {self.chunks_reused} reused",
            f"  units embedded: {self.units_embedded} (reused {self.units_reused})",
            f"  took {self.seconds:.2f} s",
        ]
        if self.units_reused:  # an incremental build: say which passages the edit touched
            shown = self.embedded_chunks[:SUMMARY_IDS]
            lines += [f"  embedded again: {chunk_id}" for chunk_id in shown]
            if len(self.embedded_chunks) > len(shown):
                lines.append(f"  embedded again: ... {len(self.embedded_chunks) - len(shown)} more (--json lists all)")
        lines += [f"  skipped {problem}" for problem in self.problems]
        if self.without_questions:
            names = ", ".join(self.without_questions[:SUMMARY_IDS])
            more = (
                f" and {len(self.without_questions) - SUMMARY_IDS} more"
                if len(self.without_questions) > SUMMARY_IDS
                else ""
            )
            lines.append(
                f"  {len(self.without_questions)} section(s) have no example questions in "
                f"assistant/guide.py PASSAGE_QUESTIONS: {names}{more}"
            )
        return "\n".join(lines)


SUMMARY_IDS = 10


def model_for_build(model: str | None, index_dir: Path) -> Embedder:
    """The embedding model for a build from the command line: loaded only once there is text to embed when
    the index was built with the same model (so its dimension is known), else loaded now."""
    try:
        recorded = read_manifest(index_dir).get("model", {})
    except IndexError_:
        recorded = {}
    dimension = recorded.get("dimension")
    if recorded.get("name") == resolve_model(model)[0] and isinstance(dimension, int):
        return DeferredEmbedder(model, dimension)
    return SentenceTransformerEmbedder(model)


def _previous(index_dir: Path, embedder: Embedder) -> tuple[list[Chunk], dict[str, np.ndarray]]:
    """The live index's chunks, and its vectors by unit text hash, if it was made with this model."""
    try:
        store = load_store(index_dir, embedder.name, embedder.dimension)
    except IndexError_:
        return [], {}
    vectors = store.vectors()
    return list(store.chunks), {text_hash(u.text): vectors[row] for row, u in enumerate(store.units)}


def count_chunks(old: list[Chunk], new: list[Chunk], report: BuildReport) -> None:
    """Fill the chunk counts: reused (same id, same text), changed (same id, new text), added, removed.

    Multisets rather than dicts, so a heading repeated under the same parent (two passages with one
    id) is counted once per passage instead of hiding one of them.
    """
    before = Counter((c.id, text_hash(c.text)) for c in old)
    after = Counter((c.id, text_hash(c.text)) for c in new)
    same = before & after
    old_ids = Counter(chunk_id for (chunk_id, _), n in (before - same).items() for _ in range(n))
    new_ids = Counter(chunk_id for (chunk_id, _), n in (after - same).items() for _ in range(n))
    changed = old_ids & new_ids
    report.chunks_reused = same.total()
    report.chunks_changed = changed.total()
    report.chunks_added = (new_ids - changed).total()
    report.chunks_removed = (old_ids - changed).total()


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    project_root: Path | None = None,
    params: ChunkingParams = ChunkingParams(),
    progress: Progress | None = None,
    lock_timeout: float = 600.0,
    on_wait: Callable[[str], None] | None = None,
    reuse: bool = True,
    max_file_bytes: int = MAX_FILE_BYTES,
    abandon: Callable[[], bool] | None = None,
    questions: Mapping[str, Sequence[str]] = PASSAGE_QUESTIONS,
) -> BuildReport:
    """Index `corpus_dir` into a new build under `index_dir` and make it the live one.

    Raises IndexError_ when no file can be indexed or another build holds the lock too long,
    FileNotFoundError when the corpus folder does not exist, and BuildAbandoned when `abandon()` turns
    true; the live index is untouched then.
    """

    def check_abandon() -> None:
        if abandon is not None and abandon():
            raise BuildAbandoned("the build was abandoned: the corpus changed while it ran")

    with build_lock(index_dir, lock_timeout, on_wait):
        started = time.perf_counter()
        documents, problems = load_corpus(corpus_dir, project_root, max_file_bytes)
        if not documents:
            reasons = "; ".join(map(str, problems)) or "no .md or .txt files"
            raise IndexError_(f"nothing to index in {corpus_dir} ({reasons})")
        hashes_on_disk = _safe_hashes(corpus_dir, project_root, max_file_bytes)
        chunks: list[Chunk] = with_questions([c for doc in documents for c in chunk_document(doc, params)], questions)
        old_chunks, old_vectors = _previous(index_dir, embedder) if reuse else ([], {})

        report = BuildReport(files_scanned=len(documents) + len(problems), problems=[str(p) for p in problems])
        count_chunks(old_chunks, chunks, report)
        report.without_questions = list(
            dict.fromkeys(" > ".join(c.section_path) for c in chunks if not any(u.question for u in c.units))
        )

        units = [u for c in chunks for u in c.units]
        hashes = [text_hash(u.text) for u in units]
        missing = sorted({h: u.text for h, u in zip(hashes, units, strict=True) if h not in old_vectors}.items())
        fresh = _embed_in_batches([text for _, text in missing], embedder, progress, check_abandon)
        known = {**old_vectors, **{h: fresh[i] for i, (h, _) in enumerate(missing)}}
        vectors = (
            np.stack([known[h] for h in hashes]).astype(np.float32)
            if units
            else np.zeros((0, embedder.dimension), np.float32)
        )
        embedded = {h for h, _ in missing}
        report.units_embedded = len(missing)
        report.units_reused = sum(1 for h in hashes if h not in embedded)
        report.embedded_chunks = [c.id for c in chunks if any(text_hash(u.text) in embedded for u in c.units)]

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "package_version": __version__,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": {"name": embedder.name, "dimension": embedder.dimension, "normalized": True},
            "metric": "inner_product",
            "metric_note": "inner product of unit-length vectors, i.e. cosine similarity",
            "chunking": params.to_dict(),
            "corpus": {
                "root": corpus_dir.as_posix(),
                "files": {
                    **{d.source: {"sha256": d.sha256, "indexed": True, "title": document_title(d)} for d in documents},
                    **{
                        p.source: {"sha256": hashes_on_disk.get(p.source), "indexed": False, "problem": p.reason}
                        for p in problems
                    },
                },
            },
            "counts": {"files": len(documents), "chunks": len(chunks), "units": len(units)},
            "questions": {
                "sha256": questions_hash(questions),
                "units": sum(u.question for u in units),
                "sections_without": len(report.without_questions),
            },
        }
        check_abandon()
        build = write_build(index_dir, manifest, chunks, vectors)
        activate(index_dir, build)
        report.index = str(build)
        report.seconds = round(time.perf_counter() - started, 3)
        return report


def _embed_in_batches(
    texts: list[str],
    embedder: Embedder,
    progress: Progress | None,
    check_abandon: Callable[[], None],
    batch: int = EMBED_BATCH,
) -> np.ndarray:
    if progress is not None:
        progress(0, len(texts))
    parts = []
    for start in range(0, len(texts), batch):
        check_abandon()
        parts.append(embedder.embed(texts[start : start + batch]))
        if progress is not None:
            progress(min(start + batch, len(texts)), len(texts))
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)


def stale_reason(
    corpus_dir: Path,
    index_dir: Path,
    project_root: Path | None = None,
    model_name: str | None = None,
    params: ChunkingParams = ChunkingParams(),
    max_file_bytes: int = MAX_FILE_BYTES,
    questions: Mapping[str, Sequence[str]] = PASSAGE_QUESTIONS,
) -> str | None:
    """Why the index does not fit the corpus, or None when it does.

    Missing, damaged, another format version or model (when `model_name` is given), other chunking
    parameters or passage questions, or corpus files changed, new or deleted since the build (the manifest's sha256s).
    """
    try:
        manifest = load_store(index_dir, model_name).manifest
    except IndexError_ as exc:
        return str(exc)
    chunking = manifest.get("chunking", {})
    if (chunking.get("max_chars"), chunking.get("version")) != (params.max_chars, params.version):
        return "the index was chunked with other parameters"
    if manifest.get("questions", {}).get("sha256") != questions_hash(questions):
        return "the passage questions (assistant/guide.py) changed since the index was built"
    recorded = {s: f.get("sha256") for s, f in manifest.get("corpus", {}).get("files", {}).items()}
    present = _safe_hashes(corpus_dir, project_root, max_file_bytes)
    changed = sorted(s for s in present.keys() & recorded.keys() if present[s] != recorded[s])
    added = sorted(present.keys() - recorded.keys())
    removed = sorted(recorded.keys() - present.keys())
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (("changed", changed), ("new", added), ("deleted", removed))
        if names
    ]
    return "corpus " + "; ".join(parts) if parts else None


def _safe_hashes(corpus_dir: Path, project_root: Path | None, max_file_bytes: int) -> dict[str, str | None]:
    """Hashes of the corpus files; None for a file that is refused or cannot be read (its problem is
    reported elsewhere), without reading it: a huge file or a link out of the corpus is never read."""
    hashes: dict[str, str | None] = {}
    for path in corpus_files(corpus_dir) if corpus_dir.is_dir() else []:
        if refusal(path, corpus_dir, max_file_bytes) is not None:
            hashes[source_name(path, project_root)] = None
            continue
        try:
            hashes[source_name(path, project_root)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            hashes[source_name(path, project_root)] = None
    return hashes
