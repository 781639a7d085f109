"""Decides whether the guide covers a question, from several signals rather than one threshold.

A cosine threshold alone cannot separate "How much does a plumber earn?" (it looks like a salary
question: its best cosine is higher than that of many real questions) from real questions phrased
loosely. The decision combines:

- `unknown`: the question's topic words that the guide never uses, after spelling repair and the
  career thesaurus ("plumber", "nurse", "sourdough"); words of a question's form ("how long does it
  take", "best", "worth") are neither known nor unknown (text.GENERIC);
- `known`: topic words the guide does use;
- `dense`: the best cosine similarity between the question and any unit of the guide.

Rules, in order: a question with a topic word foreign to the guide is answered only when the model
finds a close passage anyway (`dense >= DENSE_WITH_UNKNOWN`: a paraphrase); a question whose topic
words are all the guide's is answered unless nothing is even loosely close (`dense < DENSE_FLOOR`); a
question with no topic words at all ("give me the short version") is answered if a passage is close.
The thresholds sit between the in-scope and off-topic questions of tests/data/calibration.jsonl
(written for this; `python scripts/quality_report.py` prints how they separate), not the dev set.
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import Hit
from .text import GENERIC_TERMS

DENSE_WITH_UNKNOWN = 0.56  # off-topic questions sharing words with the guide reach ~0.48 on calibration
DENSE_FLOOR = 0.15  # in-scope questions whose words are all the guide's go as low as ~0.18 ("LLMs")
DENSE_NO_TOPIC = 0.30


@dataclass(frozen=True)
class Relevance:
    covered: bool
    reason: str
    dense: float
    known: tuple[str, ...]
    unknown: tuple[str, ...]


def judge(hits: list[Hit], terms: tuple[str, ...], vocabulary: frozenset[str]) -> Relevance:
    dense = max((h.dense for h in hits), default=0.0)
    known = tuple(t for t in terms if t in vocabulary)
    unknown = tuple(dict.fromkeys(t for t in terms if t not in vocabulary and t not in GENERIC_TERMS))

    def verdict(covered: bool, reason: str) -> Relevance:
        return Relevance(covered, reason, dense, known, unknown)

    if not hits:
        return verdict(False, "the index is empty")
    if unknown:
        if dense >= DENSE_WITH_UNKNOWN:
            return verdict(True, "a passage matches closely although some words are not the guide's")
        return verdict(False, f"the guide never mentions {', '.join(unknown[:3])}")
    if known:
        if dense >= DENSE_FLOOR:
            return verdict(True, "the question's words are the guide's and a passage matches")
        return verdict(False, "no passage is close to the question")
    if dense >= DENSE_NO_TOPIC:
        return verdict(True, "a passage matches the question")
    return verdict(False, "the question names no topic of the guide")
