"""Decides whether the guide covers a question, and names what it asks that the guide never mentions.

A cosine threshold alone cannot separate "How much does a plumber earn?" (it looks like a salary
question: its best cosine is higher than that of many real questions) from real questions phrased
loosely, nor notice that "What does an ML engineer earn in Toronto?" asks for something the guide does
not give. The decision combines:

- `unknown`: the question's topic words that the guide never uses, after spelling repair, the career
  thesaurus and the model's aliases ("hospital" -> medical); words of a question's form ("how long
  does it take", "best", "worth") are neither known nor unknown (lexicon.GENERIC), nor are words of
  asking: words the passages' own questions use for several passages ("list", "mentioned"; Retriever.
  asking_terms);
- `dense`: the best cosine similarity between the question and any unit of the guide;
- `residual`: the best cosine of the question with the unknown words deleted, and `pull` = residual -
  dense: how much those words pull the question away from the guide. Deleting "Toronto" from a salary
  question brings it closer to the guide's salary bands (pull > 0: the foreign word is a subject of the
  question); deleting "dimensionality reduction" from "dimensionality reduction like pca?" moves it
  away (pull < 0: the words were a paraphrase of the guide's topic);
- `occupation`: how much the unknown words read as a job (mean cosine to guide.OCCUPATION_ANCHORS):
  the likeliest off-topic question that shares the guide's words asks about another job.

Rules (thresholds in config.Config):
- no unknown word: answered unless nothing is even loosely close (`dense_floor`, or `dense_no_topic`
  for a question with no topic word at all);
- unknown words that are not its subject (pull <= pull_floor, not a job, not a proper noun written
  with a capital, like "Toronto"): answered when
  `dense - pull >= evidence_floor`, refused otherwise;
- unknown words that are its subject: refused when they name another job, or when what is left of the
  question has fewer than two topic words of the guide's or is not close to any passage
  (`residual_floor`); otherwise
  answered from what the guide does say, with those words in `missing` (the answer's `not_covered`).
A refusal also names the words in `missing`, so the reply can say what the guide lacks.
Not handled: a question about a foreign subject phrased entirely in the guide's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .config import Config
from .records import Hit
from .text import GENERIC_TERMS, STOPWORDS, term, words

MAX_PHRASE_WORDS = 3
MAX_MISSING = 3
_NOT_PROSE = re.compile(r"<[^>]*>?|\]\([^)]*\)?|\b\w+:\S*|\S+\.[a-z]{2,}\S*|`[^`]*`")


@dataclass(frozen=True)
class Relevance:
    covered: bool
    reason: str
    dense: float
    unknown: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # the question's own words for what the guide never mentions
    pull: float = 0.0
    occupation: float = 0.0


def unknown_terms(
    terms: tuple[str, ...],
    vocabulary: frozenset[str],
    aliased: frozenset[str] = frozenset(),
    asking: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            t for t in terms if t not in vocabulary and t not in GENERIC_TERMS and t not in aliased and t not in asking
        )
    )


def without_terms(text: str, unknown: tuple[str, ...]) -> str:
    """The question with every word whose term is in `unknown` deleted."""
    drop = set(unknown)
    kept = [token for token in re.findall(r"\S+", text) if not any(term(w) in drop for w in words(token))]
    return " ".join(kept)


def proper_nouns(text: str, unknown: tuple[str, ...]) -> tuple[str, ...]:
    """Unknown terms written with a capital inside a sentence ("in Toronto", "Google's"): names of places,
    companies or products the guide never mentions are what the question is about, however little
    they move its meaning. A word written all in capitals counts only when longer than four letters
    (acronyms like "UX" are judged by meaning)."""
    drop = set(unknown)
    names = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        tokens = re.findall(r"[A-Za-z][A-Za-z'-]*", sentence)
        for token in tokens[1:]:
            if token[0].isupper() and not token.isupper() and any(term(w) in drop for w in words(token)):
                names.append(token)
    return tuple(names)


def missing_phrases(text: str, unknown: tuple[str, ...], vocabulary: frozenset[str]) -> tuple[str, ...]:
    """The question's own words for its unknown terms, as written, with a following word that is not the
    guide's joined on ("Canadian dollars", "stock options"; but "plumber", not "plumber earn")."""
    drop = set(unknown)
    # Markup and addresses are not what anyone asks about: "<img onerror=...>" is not a topic to name.
    text = _NOT_PROSE.sub(" ", text)
    tokens = re.findall(r"[A-Za-z][\w+#'-]*[\w+#]", text)
    phrases: list[str] = []
    i = 0
    while i < len(tokens):
        if not any(term(w) in drop for w in words(tokens[i])):
            i += 1
            continue
        phrase = [tokens[i]]
        i += 1
        while i < len(tokens) and len(phrase) < MAX_PHRASE_WORDS:
            token_words = words(tokens[i])
            if not token_words or any(w in STOPWORDS for w in token_words):
                break
            if all(term(w) in drop for w in token_words):
                phrase.append(tokens[i])
                i += 1
            elif len(phrase) == 1 and not any(term(w) in vocabulary for w in token_words):
                phrase.append(tokens[i])  # one word the guide does not use either: "stock options"
                i += 1
                break
            else:
                break
        phrases.append(" ".join(phrase).strip(".'"))
    return tuple(dict.fromkeys(phrases))[:MAX_MISSING]


def judge(
    hits: list[Hit],
    terms: tuple[str, ...],
    vocabulary: frozenset[str],
    probe: Callable[[tuple[str, ...]], tuple[float, float]] | None = None,
    *,
    aliased: frozenset[str] = frozenset(),
    asking: frozenset[str] = frozenset(),
    things: dict[str, float] | None = None,
    scope: dict[str, float] | None = None,
    jobs: dict[str, float] | None = None,
    text: str = "",
    asked: float | None = None,
    config: Config = Config(),
) -> Relevance:
    """`probe(unknown)` gives (best cosine of the question with those words deleted, their occupation
    score); `things[term]` how much an unknown word reads as a thing rather than talk, `scope[term]` how
    close it is to a topic the guide says it does not cover, `jobs[term]` how much it reads as a job
    (Retriever.senses; a word without an entry, like "u" or "45", is talk). `asked` is the best cosine of
    a question that stands on its own to a question the guide's passages answer (None: not judged so)."""
    dense = max((h.dense for h in hits), default=0.0)
    unknown = unknown_terms(terms, vocabulary, aliased, asking)
    if not hits:
        return Relevance(False, "the index is empty", dense, unknown)
    rest = {t for t in terms if t not in GENERIC_TERMS and t not in unknown and t not in asking}
    # The subjects the guide lacks: words that read as things one could look up, and names written with a
    # capital ("Toronto"). The other unknown words are how people talk ("tho", "bother", "mainly").
    named = {term(w) for name in proper_nouns(text, unknown) for w in words(name)}
    subjects = tuple(
        t
        for t in unknown
        if t in named
        or (things or {}).get(t, -1.0) >= config.thing_floor
        or (scope or {}).get(t, 0.0) >= config.scope_floor
    )
    if asked is not None and asked < config.question_floor:
        # Nothing the guide answers is asked like this ("how do I learn to play the guitar?" shares "learn"
        # with it, but no question its passages answer is near it).
        lacking = subjects or unknown
        missing = missing_phrases(text, lacking, vocabulary) if text and lacking else lacking
        return Relevance(False, "no question the guide answers is like this one", dense, unknown, missing)
    if not unknown:
        if dense >= (config.dense_floor if rest else config.dense_no_topic):
            return Relevance(True, "a passage matches the question's words", dense)
        return Relevance(False, "no passage is close to the question", dense)
    if not rest:
        # Every topic word is foreign. Words of talk only ("ok im convinced, what first?"): judged as a
        # question without a topic. Foreign things: answered only when a passage is clearly close anyway
        # ("what is dimensionality reduction?"). No probe: a question of junk costs no second encode.
        if not subjects and dense >= config.dense_no_topic:
            return Relevance(True, "a question without a topic of its own, close to a passage", dense, unknown)
        if subjects and dense >= config.dense_clear:
            return Relevance(True, "a passage is close although every topic word is foreign", dense, unknown)
        missing = missing_phrases(text, subjects or unknown, vocabulary) if text else unknown
        return Relevance(False, f"the guide never mentions {', '.join(missing[:3])}", dense, unknown, missing)
    residual, occupation = probe(unknown) if probe is not None else (dense, 0.0)
    pull = residual - dense

    def verdict(covered: bool, reason: str, missing: tuple[str, ...] = ()) -> Relevance:
        return Relevance(covered, reason, dense, unknown, missing, pull, occupation)

    is_job = occupation >= config.occupation_floor or any(
        (jobs or {}).get(t, 0.0) >= config.occupation_floor for t in unknown
    )
    if pull > config.pull_floor and is_job:
        missing = missing_phrases(text, unknown, vocabulary) if text else unknown
        return verdict(False, f"the question is about another occupation ({', '.join(missing[:2])})", missing)
    if pull >= config.carrying_pull and len(rest) == 1:
        # The foreign words carry the question and one guide word is left ("python", of a pet snake).
        missing = missing_phrases(text, unknown, vocabulary) if text else unknown
        return verdict(False, f"the question is about {', '.join(missing[:2])}", missing)
    if not subjects:
        if dense >= config.dense_floor:
            return verdict(True, "the words the guide does not use are how people talk, not a subject")
        return verdict(False, "no passage is close to the question")
    missing = missing_phrases(text, subjects, vocabulary) if text else subjects
    # What is left must still be a question of the guide's: close to a passage without the foreign words.
    if residual < config.residual_floor:
        return verdict(False, f"the guide never mentions {', '.join(missing[:3])}", missing)
    return verdict(True, "the guide covers the rest of the question", missing)
