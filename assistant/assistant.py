"""The Assistant: loads an index and answers questions with cited excerpts of the guide.

This is the one entry point the shells (CLI, chat window, JSON API) call. It validates the question,
recognises social turns (assistant/social.py), resolves what a follow-up leans on
(assistant/conversation.py), splits a question in several parts (assistant/multipart.py), retrieves
for each part, decides whether the guide covers it and what it lacks (assistant/relevance.py), and
composes the answer record (assistant/answer.py).
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import answer as compose
from . import social
from .config import Config
from .conversation import Resolved, anchored_step, keeps_subject, leans_on_context, points_back, resolve
from .embedding import Embedder, SentenceTransformerEmbedder
from .guide import LEVEL_PHRASES, OCCUPATION_ANCHORS, TITLE
from .measures import (
    SUMS,
    Measure,
    asked_extreme,
    asked_forecast,
    asked_measure,
    by_experience,
    by_extreme,
    by_measure,
    without_measure,
    years_of_experience,
)
from .multipart import split_parts
from .overview import MAX_SIBLINGS, lacks_instances, listed_heading, named_pick, named_siblings, narrows, parent_of
from .records import Answer, Hit
from .relevance import Relevance, judge, naming_age, naming_names, naming_titles, without_terms
from .retrieval import Query, Retriever
from .store import Store, load_store, read_manifest
from .text import GENERIC_TERMS, spelled_in_full, term, words

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
    if not "".join(ch for ch in cleaned if unicodedata.category(ch) != "Cf").strip():  # zero-width only
        raise QuestionError("Please type a question about the guide, for example: Do I need a PhD?", "empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"That question is {len(cleaned):,} characters long; please keep it under {MAX_QUESTION_CHARS:,}.",
            "too_long",
        )
    return cleaned


@dataclass(frozen=True)
class Found:
    """What one search gives: the hits, whether the guide covers the question, the question as prepared
    and its own vector (for a wider search over the same question), and the passage its context found."""

    hits: list[Hit]
    relevance: Relevance
    query: Query
    vector: np.ndarray
    earlier: list[Hit]


class Assistant:
    def __init__(self, store: Store, embedder: Embedder, config: Config = Config()):
        self.store = store
        self.embedder = embedder
        self.config = config
        self.retriever = Retriever(store, embedder, config)
        self._anchors: np.ndarray | None = None
        self.title = _title(store)

    @classmethod
    def load(
        cls,
        index_dir: str | Path = "index",
        embedder: Embedder | None = None,
        model: str | None = None,
        config: Config = Config(),
    ) -> Assistant:
        """Open a built index; the model must be the one recorded in its manifest."""
        index_dir = Path(index_dir)
        if embedder is None:
            recorded = read_manifest(index_dir).get("model", {}).get("name")
            embedder = SentenceTransformerEmbedder(model or recorded)
        return cls(load_store(index_dir, embedder.name, embedder.dimension), embedder, config)

    def ask(self, question: str, history: Sequence[dict[str, Any]] | None = None, k: int = DEFAULT_K) -> Answer:
        started = time.perf_counter()
        try:
            question = validate_question(question)
        except QuestionError as exc:
            if exc.kind != "empty":
                raise
            return Answer(question="", answer=str(exc), abstained=False, citations=(), kind="empty")
        turn = social.classify(question, self.retriever.vocabulary)
        if turn is not None:
            return _with_latency(compose.social(question, turn, self.title), started)
        asked = rung_named(question)
        resolved = _usable(resolve(asked, history), asked) if self.config.follow_ups else Resolved(asked)
        parts = split_parts(resolved.text)
        if len(parts) == 1:
            result = self._answer_whole(question, resolved.text, resolved.context, k, resolved.step)
        else:
            # A part is shown as asked ("mid level - what's the pay?"), not as rewritten for the search.
            said = split_parts(question)
            labels = said if asked != question and len(said) == len(parts) else parts
            result = self._answer_parts(question, resolved.text, parts, resolved.context, k, labels)
        return _with_latency(result, started)

    def _answer_whole(self, question: str, text: str, context: str | None, k: int, step: int = 0) -> Answer:
        found = self._search(text, context, k)
        hits, relevance, earlier = found.hits, found.relevance, found.earlier
        stepped = self._step_from(earlier, step, hits, text) if step and earlier else None
        if stepped is not None:
            # "what's the next one?" asks for the passage after the one just answered, whatever it says.
            missing = relevance.missing if relevance.covered else ()
            return compose.compose(question, stepped, self.config, missing, _parallel(earlier, stepped, self.config))
        if relevance.covered:
            heading = listed_heading(text, hits, self.config.list_gap)
            listed = self._under(heading, found) if heading else None
            if heading and listed:
                return compose.compose_overview(question, heading[1][-1], listed, self.config, relevance.missing)
            both = named_siblings(text, hits, self.retriever.broad_terms)
            if both:
                return compose.compose_overview(
                    question, both[0].chunk.section_path[-2], both, self.config, relevance.missing
                )
            return compose.compose(
                question, hits, self.config, relevance.missing, _parallel(earlier, hits, self.config)
            )
        return compose.abstain(question, _nearby(hits), self.title, relevance.missing)

    def _answer_parts(
        self, question: str, text: str, parts: list[str], context: str | None, k: int, labels: list[str]
    ) -> Answer:
        answered: list[tuple[str, list[Hit] | None]] = []
        missing: list[str] = []
        led: set[str] = set()
        for i, part in enumerate(parts):
            leans = bool(i) and leans_on_context(part)
            part_context = without_measure(parts[i - 1]) if leans else context
            found = self._search(part, part_context, k, whole=False)
            hits, relevance = found.hits, found.relevance
            # A part that leans on the one before must not just find that part's passage again; two things
            # compared may well be in one passage ("pytorch vs tensorflow").
            fresh = ([h for h in hits if h.chunk.id not in led] or hits) if leans else hits
            if (step := anchored_step(part)) and relevance.covered:
                # "the level after junior - what's the pay?": from the passage the part names, one step on.
                fresh = self._step_from(fresh, step, fresh, part) or fresh
            answered.append((labels[i], fresh if relevance.covered else None))
            # A refused part names what it asks that the guide lacks, not its words of talk.
            missing += () if relevance.talk else relevance.missing
            if relevance.covered:
                led.add(fresh[0].chunk.id)
        if all(hits is None for _, hits in answered):
            nearby = _nearby(self._search(question, context, k).hits)
            return compose.abstain(question, nearby, self.title, tuple(dict.fromkeys(missing)))
        if len(led) == 1 and all(hits is not None for _, hits in answered):
            # Every part found the same passage ("AWS vs GCP vs Azure"): one answer, not the same one thrice.
            return self._answer_whole(question, text, context, k, anchored_step(text))
        return compose.compose_parts(question, answered, self.config, tuple(dict.fromkeys(missing)))

    def _under(self, heading: tuple[str, tuple[str, ...]], found: Found) -> list[Hit] | None:
        """Every passage under a heading (its file, then its path), as found for the question on its own,
        in the guide's order; None when there are more than overview.MAX_SIBLINGS of them (not a list to
        quote whole) or when the question's words single one out."""
        chunks = self.retriever.store.chunks
        wide = self.retriever.search(found.query, k=len(chunks), vector=found.vector)
        under = [h for h in wide if parent_of(h) == heading]
        if not 2 <= len(under) <= MAX_SIBLINGS or narrows(found.query.text, under, self.retriever.broad_terms):
            return None
        return sorted(under, key=lambda h: h.chunk.start_line)

    def _step_from(self, earlier: list[Hit], step: int, hits: list[Hit], text: str) -> list[Hit] | None:
        """Hits led by the passage next to (step +1) or before (-1) the one the earlier turn found: "and
        the level after that?" after the mid-level salary is the senior one. None without such a one."""
        target = self.retriever.neighbour(earlier[0].chunk.id, step) if earlier else None
        if target is None:
            return None
        found = [h for h in hits if h.chunk.id == target]
        if not found:
            # Not among the question's own hits: found by its heading, quoted as for the question.
            heading = next(c.section for c in self.retriever.store.chunks if c.id == target)
            wide = self.retriever.search(
                self.retriever.prepare(f"{heading} {text}"), k=len(self.retriever.store.chunks)
            )
            found = [h for h in wide if h.chunk.id == target]
        return found + [h for h in hits if h.chunk.id != target] if found else None

    def _search(self, text: str, context: str | None, k: int, whole: bool = True) -> Found:
        """Hits for a question (with the earlier text it leans on) and whether the guide covers it.

        With a context, the vector is the mean of the question's own and that of the two joined (cosine
        is linear, so this averages scores): "and for statistics?" stays about statistics first. The
        context of a whole question is embedded in the same batch, for the passage it found (`Found.earlier`)."""
        query = self.retriever.prepare(text)
        earlier_hits: list[Hit] = []
        if context:
            earlier = self.retriever.prepare(context)
            joined = f"{earlier.text} {query.text}"
            texts = [query.text, joined, earlier.text] if whole else [query.text, joined]
            alone, with_context, *before = self.embedder.embed([spelled_in_full(t) for t in texts])
            earlier_hits = self.retriever.search(earlier, k=1, vector=before[0]) if before else []
            vector = (1 - self.config.context_weight) * alone + self.config.context_weight * with_context
            # The question's own words count twice, and only they earn the heading bonus (focus): "and
            # for statistics?" after a maths question is about the Statistics section first.
            # The earlier subject's words count too, unless the question swaps in a subject of its own:
            # "what about statistics?" after a maths question wants Statistics, not a line naming both.
            kept = tuple(t for t in earlier.terms if t not in query.terms) if keeps_subject(text) else ()
            terms = query.terms * 2 + kept
            search = Query(
                joined, terms, query.corrections, query.aliases + earlier.aliases, focus=query.terms, kind=query.kind
            )
        else:
            alone = vector = self.embedder.embed([spelled_in_full(query.text)])[0]
            search = query
        hits = self.retriever.search(search, k=k, vector=vector)
        if earlier_hits:
            hits = self._moving_on(text, earlier, earlier_hits[0], hits)
            if not keeps_subject(text):
                hits = alongside(hits, earlier_hits[0], self.config.sibling_gap)
        measure = asked_measure(text)
        relevance = self._judge(query, search, hits, not context and whole, measure)
        # "why?" after "python or R first?": no word of its own, about what the last answer quoted.
        about_last = bool(earlier_hits and hits) and hits[0].chunk.id == earlier_hits[0].chunk.id
        if about_last and not relevance.covered and not relevance.missing and not query.terms:
            relevance = replace(relevance, covered=True, reason="a follow-up about the passage the last answer quoted")
        if measure is not None and relevance.covered:
            # "how long is a masters?" is led by the passage that gives a span of time; without one the
            # answer says the guide gives none.
            # What the time (or the maker) is of: the question's own words the guide uses, but none when it
            # asks for years of experience, which the career levels' spans are.
            subject = (
                frozenset(t for t in query.topic_terms if t in self.retriever.vocabulary and t not in GENERIC_TERMS)
                - self.retriever.broad_terms
            )
            if term("experience") in subject:
                subject = frozenset()
            hits, stated = by_measure(hits, measure, self.config.measure_gap, subject)
            if not stated and measure.label not in relevance.missing:
                relevance = replace(relevance, missing=(measure.label, *relevance.missing))
        extreme = asked_extreme(text)
        if extreme is not None and relevance.covered:
            # "which of those is quickest?": the passage with the least time of those that state one; with
            # none ("is JAX faster than PyTorch?"), the answer says the guide gives no such figure.
            hits, stated = by_extreme(hits, extreme, self.config.measure_gap)
            label = extreme.measure.label
            if not stated and label not in relevance.missing:
                relevance = replace(relevance, missing=(label, *relevance.missing))
        years = years_of_experience(text)
        if years is not None and relevance.covered:
            hits = by_experience(hits, years, self.config.measure_gap)
        pick = named_pick(text)
        if pick and relevance.covered and hits and lacks_instances(pick, hits[0], self.retriever.store.chunks):
            # "which specific bootcamp would you recommend?": the guide speaks of bootcamps, names none.
            relevance = replace(relevance, missing=(*relevance.missing, f"a specific {pick}"))
        forecast = asked_forecast(text)
        if forecast is not None and relevance.covered and forecast not in relevance.missing:
            relevance = replace(relevance, missing=(forecast, *relevance.missing))
        return Found(hits, relevance, query, alone, earlier_hits)

    def _moving_on(self, text: str, earlier: Query, before: Hit, hits: list[Hit]) -> list[Hit]:
        """A follow-up that swaps in a subject of its own ("and the supervised ones?" after the unsupervised
        algorithms, "and mid-level?" after the junior pay) is not answered by the passage that answered
        the earlier turn, unless that passage names it too: the next passage leads. One that points back
        ("how much experience is that?") keeps it."""
        if len(hits) < 2 or hits[0].chunk.id != before.chunk.id or points_back(text):
            return hits
        asked = self.retriever.prepare(without_measure(text)).terms
        new = {t for t in asked if t not in GENERIC_TERMS and t not in earlier.terms}
        if not new or new & self.retriever.own_terms(hits[0].chunk.id):
            return hits
        return [hits[1], hits[0], *hits[2:]]

    def _judge(self, query: Query, search: Query, hits: list[Hit], alone: bool, measure: Measure | None) -> Relevance:
        """Whether to answer: the multi-signal judgement, or the simpler rules kept for the quality report.
        Only the question's own words can be foreign to the guide; the context was answered before."""
        if self.config.abstention == "none":
            return Relevance(bool(hits), "abstention is off", 0.0)
        if self.config.abstention == "cosine":
            best = max((h.dense for h in hits), default=0.0)
            return Relevance(bool(hits) and best >= self.config.cosine_floor, "cosine floor", best)

        def probe(unknown: tuple[str, ...]) -> tuple[float, float]:
            foreign = " ".join(w for w in words(query.text) if term(w) in unknown)
            # Measured like the search: with a context, the mean of the question's own vector and the joined one's.
            texts = dict.fromkeys(spelled_in_full(without_terms(t, unknown) or "?") for t in (query.text, search.text))
            *rests, named = self.embedder.embed([*texts, foreign])
            return self.retriever.closest(sum(rests) / len(rests)), float((self._occupation_anchors() @ named).mean())

        verdict = judge(
            hits,
            query.terms,
            self.retriever.vocabulary,
            probe,
            aliased=frozenset(t for t, _ in query.aliases),
            asking=self.retriever.asking_terms,
            things={t: sense.thing for t, sense in query.senses},
            scope={t: sense.scope for t, sense in query.senses},
            jobs={t: sense.job for t, sense in query.senses},
            classes={t: sense.word_class for t, sense in query.senses},
            nouns=frozenset(t for t, sense in query.senses if sense.noun),
            text=query.text,
            # Only a whole question that stands alone is compared with the passages' questions: a part
            # ("and what should they study?") or a follow-up ("and for seniors?") is not asked like one.
            asked=max((h.asked for h in hits if h.asked is not None), default=None) if alone else None,
            anchored=bool(hits) and self._anchored(query, hits[0]),
            asks_sum=measure is not None and measure.name in SUMS,
            config=self.config,
        )
        verdict = naming_age(verdict, query.text, self.retriever.vocabulary)
        verdict = naming_titles(verdict, query.text, self.retriever.job_titles)
        return naming_names(verdict, query.topic_terms, hits, self.retriever.guide_names)

    def _anchored(self, query: Query, lead: Hit) -> bool:
        return bool(self.retriever.rare_terms & set(query.topic_terms) & self.retriever.passage_terms(lead.chunk.id))

    def _occupation_anchors(self) -> np.ndarray:
        if self._anchors is None:
            self._anchors = self.embedder.embed(list(OCCUPATION_ANCHORS))
        return self._anchors


def rung_named(question: str) -> str:
    """The question with a level the guide does not name ("mid-level") said as where it stands."""
    for pattern, replacement in LEVEL_PHRASES:
        question = pattern.sub(replacement, question)
    return question


def _usable(resolved: Resolved, question: str) -> Resolved:
    """What history lent a question, if it could have been asked itself: text from a turn that is not
    Unicode ("\\udc00") is dropped (the question stands alone, or keeps no context), and a long turn is
    cut, so that a 200 KB history costs no more than a question."""
    try:
        text = validate_question(resolved.text[:MAX_QUESTION_CHARS])
    except QuestionError:
        return Resolved(question)
    try:
        context = validate_question(resolved.context[:MAX_QUESTION_CHARS]) if resolved.context else None
    except QuestionError:
        context = None
    return replace(resolved, text=text, context=context)


def _parallel(earlier: list[Hit], hits: list[Hit], config: Config) -> frozenset[int]:
    """What a follow-up wants quoted of its lead, besides what matches it: when the earlier turn's passage
    and the lead are two passages under one heading ("and senior?" after the junior salary), the lines
    at the positions the earlier answer quoted."""
    if (
        not earlier
        or not hits
        or earlier[0].chunk.id == hits[0].chunk.id
        or parent_of(earlier[0]) != parent_of(hits[0])
    ):
        return frozenset()
    quoted = set(compose.lead_of(earlier[0], config).lines)
    return frozenset(m.position for m in earlier[0].matches if m.line in quoted)


def alongside(hits: list[Hit], before: Hit, gap: float) -> list[Hit]:
    """A follow-up that swaps in a subject of its own ("what about the image side instead?" after the NLP
    specialization, "and the research one?" after a role) asks for the passage beside the one the earlier
    turn found: the best hit under the same heading leads when it is within `gap` of the best."""
    if not hits or len(before.chunk.section_path) < 2 or parent_of(hits[0]) == parent_of(before):
        return hits
    top = hits[0].score
    beside = next(
        (
            h
            for h in hits
            if h.score >= top - gap and parent_of(h) == parent_of(before) and h.chunk.id != before.chunk.id
        ),
        None,
    )
    return hits if beside is None else [beside, *(h for h in hits if h is not beside)]


def _nearby(hits: list[Hit]) -> list[str]:
    return list(dict.fromkeys(h.chunk.section_path[-1] for h in hits if h.dense > 0.2))


def _with_latency(result: Answer, started: float) -> Answer:
    return replace(result, latency_ms=(time.perf_counter() - started) * 1000)


def _title(store: Store) -> str:
    titles = [f.get("title") for f in store.manifest.get("corpus", {}).get("files", {}).values() if f.get("title")]
    return str(titles[0]) if len(titles) == 1 else TITLE
