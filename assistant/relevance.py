"""Decides whether the guide covers a question, from several signals rather than one threshold.

A cosine threshold alone cannot separate "How much does a plumber earn?" (it looks like a salary
question: its best cosine is higher than that of many real questions) from real questions phrased
loosely. The decision combines:

- `unknown`: the question's topic words that the guide never uses, after spelling repair and the
  career thesaurus ("plumber", "sourdough", but also "dimensionality"); words of a question's form
  ("how long does it take", "best", "worth") are neither known nor unknown (text.GENERIC);
- `dense`: the best cosine similarity between the question and any unit of the guide;
- `pull`: how much the unknown words pull the question away from the guide: the best cosine of the
  question with those words deleted, minus `dense`. Deleting "plumber" from "How much does a plumber
  earn?" brings it closer to the guide's salary bands (pull > 0: the foreign word is the subject);
  deleting "dimensionality reduction" from "dimensionality reduction like pca?" moves it away (pull < 0:
  the words were a paraphrase of the guide's topic).

- `occupation`: how much the unknown words read as an occupation (mean cosine to OCCUPATION_ANCHORS).
  The guide is about careers in AI and ML; the likeliest off-topic question that shares its words asks
  about another job ("What degree do I need to become a lawyer?"), and the model knows a job title
  when it sees one, where a word list never would.

Rules: with no unknown word, a question is answered unless nothing is even loosely close
(`dense < DENSE_FLOOR`; or, when it has no topic word at all, `dense < DENSE_NO_TOPIC`). With unknown
words it is answered when a passage is close anyway (`dense >= DENSE_CLEAR`); otherwise it is refused
when the unknown words pull away from the guide and name an occupation, and answered when
`dense - pull >= EVIDENCE_FLOOR`. The constants sit between the in-scope and off-topic questions we
wrote for calibration (tests/data/calibration.jsonl and tests/data/blind.jsonl), never the dev set;
`python scripts/quality_report.py` shows what the rule buys over a plain cosine threshold.
Not handled: a question about a foreign subject phrased entirely in the guide's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .records import Hit
from .text import GENERIC_TERMS, term, words

DENSE_FLOOR = 0.15  # in-scope questions whose words are all the guide's go as low as ~0.18 ("LLMs")
DENSE_NO_TOPIC = 0.30
DENSE_CLEAR = 0.56  # no off-topic calibration question came above ~0.48
EVIDENCE_FLOOR = 0.38  # dense - pull: in-scope questions with unknown words >= ~0.40, most off-topic ones below
OCCUPATION_FLOOR = 0.34  # job titles score 0.35-0.47; "dimensionality", "hype", "prod" 0.12-0.30
OCCUPATION_ANCHORS = (
    "a person's job or occupation",
    "profession",
    "occupation",
    "job title",
    "what someone does for a living",
)


@dataclass(frozen=True)
class Relevance:
    covered: bool
    reason: str
    dense: float
    unknown: tuple[str, ...]
    pull: float = 0.0
    occupation: float = 0.0


def unknown_terms(terms: tuple[str, ...], vocabulary: frozenset[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in terms if t not in vocabulary and t not in GENERIC_TERMS))


def without_terms(text: str, unknown: tuple[str, ...]) -> str:
    """The question with every word whose term is in `unknown` deleted."""
    drop = set(unknown)
    kept = [token for token in re.findall(r"\S+", text) if not any(term(w) in drop for w in words(token))]
    return " ".join(kept)


def judge(
    hits: list[Hit],
    terms: tuple[str, ...],
    vocabulary: frozenset[str],
    probe: Callable[[tuple[str, ...]], tuple[float, float]] | None = None,
) -> Relevance:
    """`probe(unknown)` gives (best cosine of the question with those words deleted, their occupation score)."""
    dense = max((h.dense for h in hits), default=0.0)
    unknown = unknown_terms(terms, vocabulary)
    if not hits:
        return Relevance(False, "the index is empty", dense, unknown)
    if not unknown:
        has_topic = any(t not in GENERIC_TERMS for t in terms)
        if dense >= (DENSE_FLOOR if has_topic else DENSE_NO_TOPIC):
            return Relevance(True, "a passage matches the question's words", dense, unknown)
        return Relevance(False, "no passage is close to the question", dense, unknown)
    if dense >= DENSE_CLEAR:
        return Relevance(True, "a passage matches closely although some words are not the guide's", dense, unknown)
    without, occupation = probe(unknown) if probe is not None else (dense, 0.0)
    pull = without - dense
    if pull > 0 and occupation >= OCCUPATION_FLOOR:
        return Relevance(
            False,
            f"the question is about another occupation ({', '.join(unknown[:2])})",
            dense,
            unknown,
            pull,
            occupation,
        )
    if dense - pull >= EVIDENCE_FLOOR:
        return Relevance(
            True,
            "the words the guide does not use are not what the question is about",
            dense,
            unknown,
            pull,
            occupation,
        )
    return Relevance(False, f"the guide never mentions {', '.join(unknown[:3])}", dense, unknown, pull, occupation)
