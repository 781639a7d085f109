"""Heading-aware chunking of Markdown (and plain text) into cited passages and retrieval units.

A chunk is the body of one section (the text under a heading, up to the next heading), cut on line
boundaries so that no chunk is longer than `max_chars`; it is what a citation quotes, verbatim, with its
section path and line span. Inside each chunk, every bullet and every sentence is a retrieval unit,
embedded together with its section path, so a question can match one bullet precisely while the
citation still shows the surrounding list. Questions a passage answers (guide.PASSAGE_QUESTIONS) are
added to it as units of their own (`with_questions`): they are matched, never quoted.

The first level-1 heading of a file is its title: it is left out of section paths (every passage of a
one-guide corpus would carry it) and names the passages that come before the first subheading.
A section's one-line tagline above its subsections is not a passage (see `_is_subtitle`).
Not handled on purpose: tables, code fences and HTML blocks are treated as ordinary lines.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from .corpus import Document
from .records import SECTION_SEPARATOR, Chunk, Unit

MAX_CHARS = 600
CHUNKING_VERSION = 3
SUBTITLE_CHARS = 80

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\"'(])")


@dataclass(frozen=True)
class ChunkingParams:
    max_chars: int = MAX_CHARS
    version: int = CHUNKING_VERSION

    def to_dict(self) -> dict[str, int | str]:
        return {
            "max_chars": self.max_chars,
            "version": self.version,
            "passage": "section body cut on line boundaries",
            "units": "each bullet and sentence, plus the whole passage, prefixed by its section path",
            "heading": "the heading line above a section's first passage, and the blank lines after it",
        }


def strip_marker(line: str) -> str:
    """A list item's text without its bullet or number."""
    return _LIST_MARKER.sub("", line, count=1).strip()


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def document_title(doc: Document) -> str:
    """The file's first level-1 heading, or its file name without the extension."""
    for line in doc.lines:
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2).strip()
    return PurePosixPath(doc.source).stem


def _sections(doc: Document) -> Iterator[tuple[tuple[str, ...], int, list[tuple[int, str]]]]:
    """(section path, line of its heading (0: none), [(line number, line)]) for each run of body lines
    between headings."""
    title: str | None = None
    stack: list[tuple[int, str]] = []
    body: list[tuple[int, str]] = []
    heading = 0

    def path() -> tuple[str, ...]:
        names = tuple(name for _, name in stack)
        return names or (title or PurePosixPath(doc.source).stem,)

    for number, line in enumerate(doc.lines, start=1):
        match = _HEADING.match(line)
        if match is None:
            body.append((number, line))
            continue
        if body:
            yield path(), heading, body
            body = []
        heading = number
        level, name = len(match.group(1)), match.group(2).strip()
        if level == 1 and title is None and not stack:
            title = name
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, name))
    if body:
        yield path(), heading, body


def _pieces(lines: list[tuple[int, str]], max_chars: int) -> Iterator[list[tuple[int, str]]]:
    """Groups of consecutive lines, each group at most `max_chars` long once joined.

    A single line longer than the limit is cut into sentences (and a sentence longer than the limit
    into words), each kept as a verbatim piece of that line.
    """
    group: list[tuple[int, str]] = []
    size = 0
    for number, line in lines:
        if len(line) > max_chars:
            if group:
                yield group
                group, size = [], 0
            for piece in _cut_long_line(line, max_chars):
                yield [(number, piece)]
            continue
        added = len(line) + (1 if group else 0)
        if group and size + added > max_chars:
            yield group
            group, size, added = [], 0, len(line)
        group.append((number, line))
        size += added
    if group:
        yield group


def _cut_long_line(line: str, max_chars: int) -> Iterator[str]:
    current = ""
    for sentence in split_sentences(line) or [line]:
        words = [sentence] if len(sentence) <= max_chars else sentence.split(" ")
        for word in words:
            while len(word) > max_chars:  # one enormous "word": cut it hard
                if current:
                    yield current
                    current = ""
                yield word[:max_chars]
                word = word[max_chars:]
            candidate = f"{current} {word}" if current else word
            if len(candidate) > max_chars:
                yield current
                current = word
            else:
                current = candidate
    if current:
        yield current


def _trim(group: list[tuple[int, str]]) -> list[tuple[int, str]]:
    while group and not group[0][1].strip():
        group = group[1:]
    while group and not group[-1][1].strip():
        group = group[:-1]
    return group


def _units(section: str, group: list[tuple[int, str]]) -> tuple[Unit, ...]:
    units: list[Unit] = []
    for number, line in group:
        if not line.strip():
            continue
        parts = [strip_marker(line)] if _LIST_MARKER.match(line) else split_sentences(line.strip())
        units.extend(Unit(text=f"{section}: {part}", line=number) for part in parts if part)
    if len(units) > 1:
        joined = "; ".join(u.text.split(": ", 1)[1] for u in units)
        units.insert(0, Unit(text=f"{section}: {joined}", line=group[0][0], whole=True))
    return tuple(units)


def chunk_document(doc: Document, params: ChunkingParams = ChunkingParams()) -> list[Chunk]:
    chunks: list[Chunk] = []
    ordinals: dict[str, int] = {}  # per section path across the file: a repeated heading keeps ids unique
    for section_path, heading, body in _sections(doc):
        section = SECTION_SEPARATOR.join(section_path)
        for group in _pieces(_trim(body), params.max_chars):
            group = _trim(group)
            if not group:
                continue
            ordinals[section] = ordinal = ordinals.get(section, 0) + 1
            # The first piece of a section is quoted with its heading when only blank lines lie between.
            above = doc.lines[heading - 1 : group[0][0] - 1] if heading else []
            headed = bool(above) and not any(line.strip() for line in above[1:])
            chunks.append(
                Chunk(
                    id=f"{doc.source}::{section}::{ordinal}",
                    source=doc.source,
                    section_path=section_path,
                    start_line=group[0][0],
                    end_line=group[-1][0],
                    text="\n".join(line for _, line in group),
                    units=_units(section, group),
                    heading_line=heading if headed else 0,
                    heading="\n".join(above) if headed else "",
                )
            )
    return [c for c in chunks if not _is_subtitle(c, chunks)]


def with_questions(chunks: list[Chunk], questions: Mapping[str, Sequence[str]]) -> list[Chunk]:
    """The chunks, each followed by question units for the questions its section answers (by section path,
    headings joined by " > "; every piece of a long section gets them). Sections not in `questions` are
    left as they are, and entries for sections the corpus no longer has are ignored."""
    out = []
    for chunk in chunks:
        asked = questions.get(SECTION_SEPARATOR.join(chunk.section_path), ())
        extra = tuple(Unit(text=q, line=chunk.start_line, question=True) for q in dict.fromkeys(asked) if q.strip())
        out.append(replace(chunk, units=chunk.units + extra) if extra else chunk)
    return out


def questions_hash(questions: Mapping[str, Sequence[str]]) -> str:
    """A fingerprint of the passage questions, recorded in the manifest: editing them makes the index stale."""
    return text_hash(json.dumps({k: list(v) for k, v in sorted(questions.items())}, ensure_ascii=False))


def is_tagline(line: str) -> bool:
    """A short line without a full stop that is not a list item: a heading's tagline ("Broad field",
    "Projects that impress: Recommended Projects"), which says nothing a reader could use as an answer."""
    line = line.strip()
    return len(line) <= SUBTITLE_CHARS and not line.endswith((".", "!", "?")) and not line.startswith(("-", "*"))


def _is_subtitle(chunk: Chunk, chunks: list[Chunk]) -> bool:
    """A section's one-line tagline above its subsections ("Formal education routes"): it says nothing
    a reader could use as an answer, so it is not a passage of its own (the corpus keeps it)."""
    line = chunk.text.strip()
    if "\n" in line or not is_tagline(line):
        return False
    depth = len(chunk.section_path)
    return any(len(c.section_path) > depth and c.section_path[:depth] == chunk.section_path for c in chunks)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
