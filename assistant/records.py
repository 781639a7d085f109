"""The records that flow through the pipeline: chunks, retrieval hits, citations and answers.

They are frozen dataclasses so a stage cannot quietly change what an earlier stage produced, and a
citation keeps its source path, section and line span from the corpus all the way to the screen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class Unit:
    """One retrieval unit: a bullet, a sentence or a whole chunk, embedded with its section path.

    `line` is the corpus line the unit comes from (the chunk's first line for a whole-chunk unit),
    so the answer can emphasise the part of an excerpt that matched.
    """

    text: str
    line: int
    whole: bool = False


@dataclass(frozen=True)
class Chunk:
    """A passage of the corpus, cited as one excerpt: verbatim lines `start_line..end_line` of `source`."""

    id: str
    source: str
    section_path: tuple[str, ...]
    start_line: int
    end_line: int
    text: str
    units: tuple[Unit, ...] = field(default=(), compare=False)

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)


@dataclass(frozen=True)
class Hit:
    """A chunk found for a question: the fused score of its best unit, and the lines that matched."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float
    lines: tuple[int, ...]  # corpus lines of the best-matching bullets or sentences, best first
    quotes: tuple[str, ...] = ()  # what the answer quotes, verbatim, in reading order: those lines, or the whole list
    quote_lines: tuple[int, ...] = ()  # the corpus line of each quote


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    section: str
    excerpt: str
    start_line: int
    end_line: int
    score: float
    highlight: tuple[int, ...] = ()  # corpus lines inside the excerpt that answer the question

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["highlight"] = list(self.highlight)
        return record


@dataclass(frozen=True)
class Answer:
    """What `Assistant.ask` returns; `to_dict()` is the results-file record of the eval README."""

    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    suggestions: tuple[str, ...] = ()
    kind: str = "answer"  # "answer", "abstain", "greeting" or "empty"
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "kind": self.kind,
            "latency_ms": round(self.latency_ms, 2),
        }
