"""The Assistant: loads an index and answers questions with cited excerpts of the guide.

This is the one entry point the shells (CLI, chat window, JSON API) call. It validates the question,
recognises greetings, rewrites follow-ups with the conversation, retrieves, decides whether the guide
covers the question, and composes the answer record.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import answer as compose
from .build import BuildReport, Progress, build_index
from .conversation import earlier_question
from .embedding import Embedder, SentenceTransformerEmbedder
from .records import Answer, Hit
from .relevance import OCCUPATION_ANCHORS, judge, without_terms
from .retrieval import Query, RetrievalConfig, Retriever
from .store import Store, load_store, read_manifest
from .text import term, words

MAX_QUESTION_CHARS = 2000
DEFAULT_K = 5


class QuestionError(ValueError):
    """A question that cannot be answered as given; the message is meant for the user."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind  # "empty", "too_long" or "invalid"


def validate_question(question: Any) -> str:
    if not isinstance(question, str):
        raise QuestionError("The question must be text.", "invalid")
    if "\x00" in question:
        raise QuestionError("The question contains a NUL character; please send plain text.", "invalid")
    if not question.isascii():
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON): the tokenizer would fail on it
            raise QuestionError(
                "The question contains text that is not valid Unicode; please send plain text.", "invalid"
            ) from None
    cleaned = " ".join(question.split())
    if not cleaned:
        raise QuestionError("Please type a question about the guide, for example: Do I need a PhD?", "empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"That question is {len(cleaned):,} characters long; please keep it under {MAX_QUESTION_CHARS:,}.",
            "too_long",
        )
    return cleaned


class Assistant:
    def __init__(self, store: Store, embedder: Embedder, config: RetrievalConfig = RetrievalConfig()):
        self.store = store
        self.embedder = embedder
        self.config = config
        self.retriever = Retriever(store, embedder, config)
        self._anchors: np.ndarray | None = None
        self.title = _title(store)

    @classmethod
    def load(
        cls, index_dir: str | Path = "index", embedder: Embedder | None = None, model: str | None = None
    ) -> Assistant:
        """Open a built index; the model must be the one recorded in its manifest."""
        index_dir = Path(index_dir)
        if embedder is None:
            recorded = read_manifest(index_dir).get("model", {}).get("name")
            embedder = SentenceTransformerEmbedder(model or recorded)
        return cls(load_store(index_dir, embedder.name, embedder.dimension), embedder)

    @staticmethod
    def build(
        corpus_dir: str | Path = "corpus",
        index_dir: str | Path = "index",
        embedder: Embedder | None = None,
        *,
        model: str | None = None,
        project_root: str | Path | None = None,
        progress: Progress | None = None,
    ) -> BuildReport:
        return build_index(
            Path(corpus_dir),
            Path(index_dir),
            embedder or SentenceTransformerEmbedder(model),
            project_root=Path(project_root) if project_root is not None else None,
            progress=progress,
        )

    def ask(self, question: str, history: Sequence[dict[str, Any]] | None = None, k: int = DEFAULT_K) -> Answer:
        started = time.perf_counter()
        try:
            question = validate_question(question)
        except QuestionError as exc:
            if exc.kind != "empty":
                raise
            return Answer(question="", answer=str(exc), abstained=False, citations=(), kind="empty")
        if compose.is_greeting(question):
            result = compose.greet(question, self.title)
        else:
            query, vector = self._understand(question, history)
            hits = self.retriever.search(query, k=k, vector=vector)
            if self._covered(query, hits):
                result = compose.compose(question, hits)
            else:
                nearby = list(dict.fromkeys(h.chunk.section_path[-1] for h in hits if h.dense > 0.2))
                result = compose.abstain(question, nearby, self.title)
        return _with_latency(result, started)

    def _covered(self, query: Query, hits: list[Hit]) -> bool:
        """Whether to answer: the multi-signal judgement, or the simpler rules kept for the quality report."""
        if self.config.abstention == "none":
            return bool(hits)
        if self.config.abstention == "cosine":
            return bool(hits) and max(h.dense for h in hits) >= self.config.cosine_floor

        def probe(unknown: tuple[str, ...]) -> tuple[float, float]:
            foreign = " ".join(w for w in words(query.text) if term(w) in unknown)
            rest, named = self.embedder.embed([without_terms(query.text, unknown) or "?", foreign])
            return float(self.retriever.dense_scores(rest).max()), float((self._occupation_anchors() @ named).mean())

        return judge(hits, query.terms, self.retriever.vocabulary, probe).covered

    def _occupation_anchors(self) -> np.ndarray:
        if self._anchors is None:
            self._anchors = self.embedder.embed(list(OCCUPATION_ANCHORS))
        return self._anchors

    def _understand(self, question: str, history: Sequence[dict[str, Any]] | None) -> tuple[Query, np.ndarray]:
        """The query to search with, and its vector: for a follow-up, the mean of the question's vector
        and that of the question joined to the earlier one (cosine is linear, so this averages scores)."""
        query = self.retriever.prepare(question)
        earlier = earlier_question(question, history) if self.config.follow_ups else None
        if earlier is not None:
            # An earlier "question" that could not have been asked (too long, not Unicode) is not context:
            # spelling repair on 200 KB of history would cost seconds, a denial of service in one request.
            try:
                earlier = validate_question(earlier)
            except QuestionError:
                earlier = None
        if earlier is None:
            return query, self.embedder.embed([query.text])[0]
        context = self.retriever.prepare(earlier)
        joined_text = f"{context.text} {query.text}"
        alone, joined = self.embedder.embed([query.text, joined_text])
        # The question's own words count twice: "and for statistics?" is about statistics first.
        terms = query.terms * 2 + tuple(t for t in context.terms if t not in query.terms)
        return Query(text=joined_text, terms=terms, corrections=query.corrections), (alone + joined) / 2


def _with_latency(result: Answer, started: float) -> Answer:
    return replace(result, latency_ms=(time.perf_counter() - started) * 1000)


def _title(store: Store) -> str:
    titles = [f.get("title") for f in store.manifest.get("corpus", {}).get("files", {}).values() if f.get("title")]
    return str(titles[0]) if len(titles) == 1 else "the guide"
