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
    so the answer can emphasise the part of an excerpt that matched. A `question` unit is not the guide's
    text but a question the passage answers (guide.PASSAGE_QUESTIONS, embedded as asked): it helps find the
    passage and is never quoted; its `line` is the passage's first.
    """

    text: str
    line: int
    whole: bool = False
    question: bool = False


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
    # The heading right above the passage, verbatim with the blank lines after it (lines heading_line..
    # start_line - 1); "" and 0 for a passage that does not start its section. Quoted with the passage, so
    # that an excerpt says what its lines are about ("### Data Scientist" over "- Analyze and model data").
    heading_line: int = 0
    heading: str = ""

    def quoted(self, most: int) -> tuple[int, str]:
        """(first line, verbatim text) of the excerpt: the passage with its heading when that fits in `most`
        characters, else the passage alone."""
        if self.heading and len(self.heading) + 1 + len(self.text) <= most:
            return self.heading_line, f"{self.heading}\n{self.text}"
        return self.start_line, self.text

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)


@dataclass(frozen=True)
class Match:
    """How well one bullet or sentence of a passage matches the question."""

    line: int  # its corpus line
    quote: str  # its verbatim text, without the list marker
    score: float  # fused score (cosine + weighted BM25)
    dense: float  # cosine alone
    lexical: float  # BM25, divided by the question's best (0: no word of the question in it)
    position: int  # reading order within the passage (several sentences can share a line)
    specific: bool = False  # it has a word of the question that the passage's heading does not


@dataclass(frozen=True)
class Hit:
    """A chunk found for a question: the fused score of its best unit, and how each of its lines matched.

    What to quote and which lines to mark is the answer's decision (assistant/answer.py)."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float
    matches: tuple[Match, ...] = ()  # the passage's bullets and sentences, best first
    whole_dense: float | None = None  # cosine of the passage as a whole (None: a one-line passage)
    asked: float | None = None  # cosine to the closest question it answers (None: the index lists none)


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
    kind: str = "answer"  # "answer", "abstain", "greeting", "social", "language" or "empty"
    latency_ms: float = 0.0
    not_covered: tuple[str, ...] = ()  # what the question asks that the guide never mentions ("Toronto")

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "kind": self.kind,
            "not_covered": list(self.not_covered),
            "latency_ms": round(self.latency_ms, 2),
        }
