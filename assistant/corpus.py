"""Reads the guide's text files from a corpus folder.

Only `.md` and `.txt` files, UTF-8, are read; other files are ignored. A file that cannot be read
(unreadable, binary, not UTF-8, empty) becomes a `CorpusProblem` naming it, and the other files are
still returned, so one bad file never stops a build. Hidden files and editor backups are skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".md", ".txt")


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
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
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


def load_corpus(corpus_dir: Path, project_root: Path | None = None) -> tuple[list[Document], list[CorpusProblem]]:
    """All readable documents of `corpus_dir`, and a problem for each file that could not be read."""
    documents: list[Document] = []
    problems: list[CorpusProblem] = []
    for path in corpus_files(corpus_dir):
        result = read_document(path, source_name(path, project_root))
        (documents if isinstance(result, Document) else problems).append(result)  # type: ignore[arg-type]
    return documents, problems
