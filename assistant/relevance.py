"""Decides whether the guide covers a question, from several signals rather than one threshold.

A cosine threshold alone cannot separate "How much does a plumber earn?" (it looks like a salary
question) from real questions phrased loosely. So the decision combines:

- `dense`: the best cosine similarity between the question and any unit of the guide;
- `coverage`: the share of the question's content words that the guide itself uses (after spelling
  repair), and `unknown`: the content words it never uses ("plumber", "sourdough", "Paris");
- `lexical`: the normalised BM25 score of the best passage.

A question whose every content word is foreign to the guide is out of scope unless the model finds a
close passage anyway (a paraphrase: "doctorate" for "PhD"); a question that shares words with the guide
must also reach a dense floor. The constants were calibrated on the questions in
tests/data/calibration.jsonl (written for this purpose; not the evaluation set).
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import Hit

# Calibrated with `python scripts/calibrate.py` on tests/data/calibration.jsonl.
DENSE_FLOOR = 0.30  # below this, nothing in the guide is about the question
DENSE_ALONE = 0.55  # at or above this, the model's match is trusted even with no shared word
COVERAGE_FLOOR = 0.5


@dataclass(frozen=True)
class Relevance:
    dense: float
    lexical: float
    coverage: float
    unknown: tuple[str, ...]
    covered: bool
    reason: str


def judge(hits: list[Hit], terms: tuple[str, ...], vocabulary: frozenset[str]) -> Relevance:
    dense = max((h.dense for h in hits), default=0.0)
    lexical = max((h.lexical for h in hits), default=0.0)
    unknown = tuple(t for t in terms if t not in vocabulary)
    coverage = 1.0 - len(unknown) / len(terms) if terms else 0.0
    if not hits:
        return Relevance(dense, lexical, coverage, unknown, False, "the index is empty")
    if dense >= DENSE_ALONE:
        return Relevance(dense, lexical, coverage, unknown, True, "a passage closely matches")
    if dense < DENSE_FLOOR:
        return Relevance(dense, lexical, coverage, unknown, False, "no passage is close to the question")
    if coverage < COVERAGE_FLOOR:
        return Relevance(dense, lexical, coverage, unknown, False, "the question is mostly about things the guide never mentions")
    return Relevance(dense, lexical, coverage, unknown, True, "passages match in meaning and words")
