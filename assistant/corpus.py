"""Reads the guide's text files from a corpus folder.

Only `.md` and `.txt` files, UTF-8, are read; other files are ignored. A file that cannot be read
(unreadable, binary, not UTF-8, empty) becomes a `CorpusProblem` naming it, and the other files are
still returned, so one bad file never stops a build. Hidden files and editor backups are skipped.

Two kinds of file are refused before they are read (`refusal`): a link that resolves outside the corpus
folder (a link to /etc/passwd would otherwise be indexed and quoted to anyone who asks), and a file over
`max_file_bytes` (default MAX_FILE_BYTES; a guide is tens of KB, and embedding 50 MB takes hours).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".md", ".txt")
MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    source: str  # path shown in citations, relative to the project (e.g. "corpus/guide.md")
    text: str
    sha256: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class CorpusProblem:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def source_name(path: Path, project_root: Path | None) -> str:
    """The path a citation shows: relative to the project root when the file is inside it."""
    root = project_root if project_root is not None else Path.cwd()
    # The link's own name, not its target's: a refused link is reported as the file in the corpus.
    for inside, outside in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return inside.relative_to(outside).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
        and not p.name.endswith("~")
    )


def corpus_snapshot(corpus_dir: Path) -> list[tuple[str, int, int]]:
    """Each corpus file's path, size and modification time: what changes when a file is edited, added or
    deleted, read without opening a file (a stat each). Empty when the folder is missing."""
    stats = []
    for path in corpus_files(corpus_dir) if corpus_dir.is_dir() else []:
        try:
            stat = path.stat()
        except OSError:  # deleted between the listing and the stat
            continue
        stats.append((str(path), stat.st_size, stat.st_mtime_ns))
    return stats


def refusal(path: Path, corpus_dir: Path, max_file_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why `path` is not read at all, or None: a link out of the corpus folder, or a file too large."""
    try:
        target = path.resolve(strict=True)
        size = target.stat().st_size
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not target.is_relative_to(corpus_dir.resolve()):
        return "is a link to a file outside the corpus folder; only files inside it are indexed"
    if size > max_file_bytes:
        return (
            f"is {size / 1e6:.1f} MB, over the limit of {max_file_bytes / 1e6:g} MB for one file; "
            "split it, or raise the limit (build --max-file-mb, GUIDE_MAX_FILE_MB)"
        )
    return None


def read_document(path: Path, source: str) -> Document | CorpusProblem:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return CorpusProblem(source, f"cannot be read ({exc.strerror or exc})")
    if b"\x00" in raw:
        return CorpusProblem(source, "looks binary (contains NUL bytes); expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return CorpusProblem(source, f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return CorpusProblem(source, "is empty")
    return Document(source=source, text=text, sha256=hashlib.sha256(raw).hexdigest())


def load_corpus(
    corpus_dir: Path, project_root: Path | None = None, max_file_bytes: int = MAX_FILE_BYTES
) -> tuple[list[Document], list[CorpusProblem]]:
    """All readable documents of `corpus_dir`, and a problem for each file that could not be read."""
    documents: list[Document] = []
    problems: list[CorpusProblem] = []
    for path in corpus_files(corpus_dir):
        source = source_name(path, project_root)
        reason = refusal(path, corpus_dir, max_file_bytes)
        result = CorpusProblem(source, reason) if reason else read_document(path, source)
        (documents if isinstance(result, Document) else problems).append(result)  # type: ignore[arg-type]
    return documents, problems
