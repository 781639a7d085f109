"""Hybrid retrieval: dense (sentence-transformers + FAISS) and lexical (BM25) scores over the same units.

Each retrieval unit is a bullet, a sentence or a whole passage with its section path. A question is
matched against every unit both ways; a unit's score is its cosine similarity plus a weighted BM25
score (divided by the best BM25 score of the question), and a passage takes the score of its best unit,
plus a small bonus when its own heading names the question's topic ("statistics" -> Statistics).

Before matching, words neither the guide nor the model's vocabulary knows are corrected to a close
word of the guide ("salery" -> "salary"); real words are left alone, so "start" never becomes "stats".
BM25 is rebuilt from chunks.jsonl when an index is loaded (milliseconds for a guide), so the on-disk
format needs no second index file. `RetrievalConfig` switches each step off, for the quality report.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import bm25s
import numpy as np

from .embedding import Embedder
from .records import Hit
from .store import Store
from .text import GENERIC_TERMS, KNOWN_SPELLINGS, STOPWORDS, content_terms, term, words

DENSE_CANDIDATES = 256
MAX_REPAIRS = 40
STANDS_OUT = 0.08  # cosine by which one bullet must beat its whole passage to be quoted alone


@dataclass(frozen=True)
class RetrievalConfig:
    whole_units_only: bool = False  # True: one vector per passage (the "one chunk per section" setup)
    lexical_weight: float = 0.35  # 0 turns BM25 off
    heading_weight: float = 0.1  # bonus for a passage whose own heading names the question's topic
    spelling: bool = True
    follow_ups: bool = True
    abstention: str = "signals"  # "signals" (relevance.judge), "cosine" (best cosine < cosine_floor), "none"
    cosine_floor: float = 0.30


@dataclass(frozen=True)
class Query:
    """A question as retrieval sees it: the text to embed, and its lexical terms after spelling repair."""

    text: str
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, config: RetrievalConfig = RetrievalConfig()):
        self.store = store
        self.embedder = embedder
        self.config = config
        units = store.units
        self._unit_line = np.array([u.line for u in units], dtype=np.int64)
        self._unit_whole = np.array([u.whole for u in units], dtype=bool)
        # What a unit says without its "section path: " prefix: verbatim corpus text, quoted in the answer.
        self._unit_quote = [u.text[len(c.section) + 2 :] for c in store.chunks for u in c.units]
        # A passage with a single unit has no separate whole-passage unit: that unit stands for it.
        singles = {int(p) for p, n in zip(*np.unique(store.unit_chunk, return_counts=True)) if n == 1}
        self._active = (
            self._unit_whole | np.isin(store.unit_chunk, list(singles))
            if config.whole_units_only
            else np.ones(len(units), bool)
        )
        self._chunk_rows: list[list[int]] = [[] for _ in store.chunks]
        for row, pos in enumerate(store.unit_chunk):
            self._chunk_rows[int(pos)].append(row)
        # Units are stored passage by passage, so each passage's rows are one contiguous run.
        self._chunk_starts = np.array([rows[0] for rows in self._chunk_rows if rows], dtype=np.int64)
        self._whole_rows = np.flatnonzero(self._unit_whole)
        self._heading_index: dict[str, list[int]] = {}
        for pos, chunk in enumerate(store.chunks):
            for t in set(content_terms(chunk.section_path[-1])):
                self._heading_index.setdefault(t, []).append(pos)
        unit_terms = [content_terms(u.text) for u in units]
        self.vocabulary = frozenset(t for terms in unit_terms for t in terms)
        self._guide_words = sorted(
            {w for u in units for w in words(u.text) if w.isalpha() and len(w) > 2} | KNOWN_SPELLINGS
        )
        known = getattr(embedder, "known_words", None)
        self._english: frozenset[str] = known() if callable(known) else frozenset()
        self._corrections: dict[str, str] = {}
        self._bm25 = bm25s.BM25()
        if units:
            self._bm25.index(unit_terms, show_progress=False)

    # -- query understanding -------------------------------------------------------------------------

    def correct(self, word: str) -> str:
        """The guide's spelling of a word it nearly uses, or the word itself."""
        if len(word) < 4 or not word.isalpha() or term(word) in self.vocabulary or word in self._english:
            return word
        if word not in self._corrections:
            if len(self._corrections) > 50_000:  # bounded: a stream of random words must not grow it forever
                self._corrections.clear()
            match = difflib.get_close_matches(word, self._guide_words, n=1, cutoff=0.8)
            self._corrections[word] = match[0] if match else word
        return self._corrections[word]

    def prepare(self, question: str) -> Query:
        corrections = []
        # At most MAX_REPAIRS distinct words are looked up: a 2,000-character question of made-up words
        # would otherwise cost a second of fuzzy matching.
        for word in list(dict.fromkeys(words(question)))[:MAX_REPAIRS] if self.config.spelling else []:
            fixed = self.correct(word) if word not in STOPWORDS else word
            if fixed != word:
                corrections.append((word, fixed))
        text = question
        for wrong, right in corrections:
            text = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, text)
        # Terms come from the repaired text, so "machine lerning" becomes the phrase "ml" like the guide's.
        return Query(text=text, terms=tuple(content_terms(text)), corrections=tuple(corrections))

    # -- scoring ---------------------------------------------------------------------------------------

    def lexical_scores(self, terms: tuple[str, ...]) -> np.ndarray:
        """BM25 score of every unit, divided by the best one (0..1)."""
        n = self.store.index.ntotal
        known = [t for t in terms if t in self.vocabulary]
        if not known or n == 0 or self.config.lexical_weight == 0:
            return np.zeros(n, dtype=np.float32)
        scores = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        # A whole-passage unit holds every word of its passage, so its own BM25 would outrank the bullet
        # that actually says it; it takes the score of its best line instead.
        if len(self._whole_rows):
            best_line = np.maximum.reduceat(np.where(self._unit_whole, 0.0, scores), self._chunk_starts)
            scores[self._whole_rows] = best_line[self.store.unit_chunk[self._whole_rows]]
        top = float(scores.max())
        return scores / top if top > 0 else scores

    def _heading_match(self, terms: tuple[str, ...]) -> np.ndarray:
        """Per passage: the share of the question's topic words that its own heading contains."""
        topic = set(terms) - GENERIC_TERMS
        match = np.zeros(len(self.store.chunks), dtype=np.float32)
        for t in topic:
            match[self._heading_index.get(t, [])] += 1.0 / len(topic)
        return match

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to the DENSE_CANDIDATES nearest units (others get -1)."""
        n = self.store.index.ntotal
        scores = np.full(n, -1.0, dtype=np.float32)
        if n:
            found, rows = self.store.search(vector[None, :], DENSE_CANDIDATES)
            valid = rows[0] >= 0
            scores[rows[0][valid]] = found[0][valid]
        return scores

    def search(self, query: Query, k: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        if vector is None:
            vector = self.embedder.embed([query.text])[0]
        dense = self.dense_scores(vector)
        lexical = self.lexical_scores(query.terms)
        combined = np.where(self._active, dense + self.config.lexical_weight * lexical, -np.inf)
        if self.config.heading_weight:
            combined = combined + self.config.heading_weight * self._heading_match(query.terms)[self.store.unit_chunk]
        best: dict[int, int] = {}
        for row in np.argsort(-combined):
            if not self._active[row]:
                break
            chunk_pos = int(self.store.unit_chunk[row])
            if chunk_pos not in best:
                best[chunk_pos] = int(row)
                if len(best) >= k:
                    break
        return [
            Hit(
                chunk=self.store.chunks[pos],
                score=float(combined[row]),
                dense=float(dense[row]),
                lexical=float(lexical[row]),
                **self._matched(pos, dense + self.config.lexical_weight * lexical, dense),
            )
            for pos, row in best.items()
        ]

    def _matched(
        self, chunk_pos: int, combined: np.ndarray, dense: np.ndarray, margin: float = 0.06, most: int = 3
    ) -> dict[str, tuple]:
        """The passage's lines that match (within `margin` of its best), and what the answer quotes.

        The answer quotes the matched lines, or the whole list when no line stands out from the passage
        as a whole (the best line is less than STANDS_OUT closer in meaning than the whole): "What books
        do you recommend?" asks for the list, "Do I need a PhD?" for the one PhD bullet of its list."""
        rows = self._chunk_rows[chunk_pos]
        line_rows = sorted((r for r in rows if not self._unit_whole[r]), key=lambda r: -combined[r])
        if not line_rows:
            return {"lines": (self.store.chunks[chunk_pos].start_line,)}
        matched = [r for r in line_rows if combined[r] >= combined[line_rows[0]] - margin][:most]
        whole = [r for r in rows if self._unit_whole[r]]
        quoted = line_rows if whole and max(dense[r] for r in line_rows) - dense[whole[0]] < STANDS_OUT else matched
        quoted = sorted(quoted)  # reading order, so a lead of several quotes reads as the guide does
        return {
            "lines": tuple(dict.fromkeys(int(self._unit_line[r]) for r in matched)),
            "quotes": tuple(self._unit_quote[r] for r in quoted),
            "quote_lines": tuple(int(self._unit_line[r]) for r in quoted),
        }
