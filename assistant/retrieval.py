"""Hybrid retrieval: dense (sentence-transformers + FAISS) and lexical (BM25) scores over the same units.

Each retrieval unit is a bullet, a sentence or a whole passage with its section path. A question is
matched against every unit both ways; a unit's score is its cosine similarity plus a weighted BM25
score (divided by the best BM25 score of the question), and a passage takes the score of its best unit,
plus a small bonus when its own heading names the question's topic ("statistics" -> Statistics), or,
for a question that names no topic at all ("how do I get started?"), when it is one of the guide's
summaries (guide.SUMMARIES). A passage that is not guidance (guide.NOT_GUIDANCE: a closing
advertisement) is found only by a question that names what only it offers ("coaching").

Before matching, the question's words are brought to the guide's vocabulary: a word neither the guide nor
the model knows is corrected to a close word of the guide ("salery" -> "salary"; real words are left
alone, so "start" never becomes "stats"), and a real word the guide never uses stands for the guide word
the model finds closest in meaning, when it is close enough ("hospital" -> medical). Those aliases feed
BM25 and the relevance decision; the dense side needs none.

BM25 is rebuilt from chunks.jsonl when an index is loaded (milliseconds for a guide), so the on-disk
format needs no second index file. Left out on purpose: choosing what to quote (assistant/answer.py).
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, replace

import bm25s
import numpy as np

from .config import Config
from .embedding import Embedder
from .guide import NOT_GUIDANCE, OCCUPATION_ANCHORS, OCCUPATION_SECTIONS, OUT_OF_SCOPE, SUMMARIES
from .lexicon import TALK_ANCHORS, THING_ANCHORS
from .records import Hit, Match
from .relevance import GuideNames, JobTitles
from .store import Store
from .text import (
    GENERIC_TERMS,
    KNOWN_SPELLINGS,
    STOPWORDS,
    can_be_noun,
    content_terms,
    in_dictionary,
    spelled_in_full,
    term,
    without_fillers,
    word_class,
    words,
)

_WHICH = re.compile(
    r"\b(?:which(?:\s+of\s+(?:the|these|those))?|what\s+(?:kind|kinds|type|types|sort|sorts)\s+of)\s+"
    r"((?:[a-z][\w/-]*\s+)?[a-z][\w/-]*)",
    re.IGNORECASE,
)


def asked_kind(question: str) -> tuple[str, ...]:
    """The terms of what a "which ...?" question asks for, up to two words after "which" ("which role handles
    the infra side?" -> role; "which ai specialties are in demand?" -> ai, specialty): the answer is one of
    those, so a passage under a heading that names it fits."""
    found = _WHICH.search(question)
    said = words(found.group(1)) if found else []
    if not said or said[0] in STOPWORDS:  # "which is better?" asks for no kind
        return ()
    return tuple(dict.fromkeys(term(w) for w in said if w not in STOPWORDS))


SAME_ROOT = 5  # letters two forms of one word share at least ("specializ-e", "specializ-ation")
MAX_EDITS = 2  # letters a misspelling changes, adds or drops at most


def edits(a: str, b: str) -> int:
    """Slips of the keys between two words: letters changed, added or dropped, and two neighbouring letters
    typed the wrong way round ("langauge"), each one slip (the optimal string alignment distance)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


_JOINED = re.compile(r"\b[A-Za-z]+(?:[;/&-][A-Za-z]+)+\b")
# A name of several capitalised words, small joining words allowed between them ("Pattern Recognition and ML").
_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:-[A-Za-z]+)*(?:\s+(?:(?:and|of|the|for|&)\s+)?[A-Z][A-Za-z]*(?:-[A-Za-z]+)*)+")
_ABBREVIATION = re.compile(r"\b([A-Z]{2,5})s?\b")
_JOINING = frozenset({"and", "of", "the", "for", "&"})
MIN_INITIALS = 3  # shorter initials ("ML", "CV") are words of their own or too ambiguous


def initials(name: str) -> str:
    """The letters a name is shortened to: each word's first, all of a word in capitals, none of a joining
    word ("Pattern Recognition and ML" -> "prml", "Hands-On Machine Learning" -> "homl")."""
    letters = []
    for word in re.split(r"[\s-]+", name):
        if word.lower() in _JOINING:
            continue
        letters.append(word if word.isupper() and len(word) > 1 else word[:1])
    return "".join(letters).lower()


@dataclass(frozen=True)
class Sense:
    """What the model makes of a word the guide never uses: the guide's closest word (and the cosine),
    and how much more it reads as a thing one could look up than as a word of talk (lexicon anchors)."""

    closest: str
    cosine: float
    thing: float
    scope: float = 0.0  # cosine to the closest topic the guide says it does not cover (guide.OUT_OF_SCOPE)
    job: float = 0.0  # mean cosine to guide.OCCUPATION_ANCHORS: how much it reads as a job
    word_class: str = "other"  # text.word_class: "noun", "name", "short" (words that may name a subject) or "other"
    noun: bool = True  # text.can_be_noun of the word as written ("edition", "request"; not "supposed", "eat")


@dataclass(frozen=True)
class Query:
    """A question as retrieval sees it: the text to embed, and its lexical terms after spelling repair.

    `aliases` maps a term the guide never uses to the guide's term it stands for (cosine >= alias_floor)."""

    text: str
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    senses: tuple[tuple[str, Sense], ...] = ()  # per unknown term: what the model makes of it
    focus: tuple[str, ...] | None = None  # the question's own terms, when `terms` also hold its context
    kind: tuple[str, ...] = ()  # the terms of what "which ...?" asks for (asked_kind): "which role ..." -> role

    @property
    def topic_terms(self) -> tuple[str, ...]:
        return self.terms if self.focus is None else self.focus

    @property
    def lexical_terms(self) -> tuple[str, ...]:
        return self.terms + tuple(guide for _, guide in self.aliases)


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, config: Config = Config()):
        self.store = store
        self.embedder = embedder
        self.config = config
        units = store.units
        self._unit_line = np.array([u.line for u in units], dtype=np.int64)
        self._unit_whole = np.array([u.whole for u in units], dtype=bool)
        # Questions a passage answers (units marked `question`): matched, never quoted nor counted as words.
        self._question = np.array([u.question for u in units], dtype=bool)
        self._text_rows = np.flatnonzero(~self._question)
        # What a unit says without its "section path: " prefix: verbatim corpus text, quoted in the answer.
        self._unit_quote = ["" if u.question else u.text[len(c.section) + 2 :] for c in store.chunks for u in c.units]
        # A passage with a single unit has no separate whole-passage unit: that unit stands for it.
        text_chunks = store.unit_chunk[self._text_rows]
        singles = {int(p) for p, n in zip(*np.unique(text_chunks, return_counts=True)) if n == 1}
        self._active = (
            (self._unit_whole | np.isin(store.unit_chunk, list(singles))) & ~self._question
            if config.whole_units_only
            else ~self._question
        )
        self._chunk_rows: list[list[int]] = [[] for _ in store.chunks]
        for row in self._text_rows:
            self._chunk_rows[int(store.unit_chunk[row])].append(int(row))
        self._has_questions = np.zeros(len(store.chunks), dtype=bool)
        self._has_questions[store.unit_chunk[self._question]] = True
        self._whole_rows = np.flatnonzero(self._unit_whole)
        # The guide's own lines, passage by passage (one contiguous run each), for scoring whole passages.
        present = [pos for pos, rows in enumerate(self._chunk_rows) if rows]
        self._text_starts = np.searchsorted(text_chunks, present).astype(np.int64)
        self._text_passage = np.searchsorted(present, text_chunks).astype(np.int64)
        self._heading_index: dict[str, list[int]] = {}
        self._parent_index: dict[str, list[int]] = {}
        for pos, chunk in enumerate(store.chunks):
            own = set(content_terms(chunk.section_path[-1]))
            for t in own:
                self._heading_index.setdefault(t, []).append(pos)
            # The headings above it: "which role handles the infra side?" is a question for a passage
            # under "AI/ML Career Roles".
            for t in {t for name in chunk.section_path[:-1] for t in content_terms(name)} - own:
                self._parent_index.setdefault(t, []).append(pos)
        self.job_titles = JobTitles.from_headings((c.section_path for c in store.chunks), OCCUPATION_SECTIONS)
        self.guide_names = GuideNames.from_chunks(store.chunks, config.rare_passages)
        self._summary = np.array([c.section_path[-1] in SUMMARIES for c in store.chunks], dtype=bool)
        self._not_guidance = np.array([c.section_path[-1] in NOT_GUIDANCE for c in store.chunks], dtype=bool)
        unit_terms = [[] if u.question else content_terms(u.text) for u in units]
        self._unit_terms = [frozenset(terms) for terms in unit_terms]
        self._heading_terms = [frozenset(content_terms(c.section)) for c in store.chunks]
        self.vocabulary = frozenset(t for terms in unit_terms for t in terms)
        # Each passage's words (its lines' and its headings'), for what a question shares with a hit.
        self._passage_terms: dict[str, frozenset[str]] = {}
        for terms, pos in zip(unit_terms, store.unit_chunk):
            chunk = store.chunks[int(pos)]
            self._passage_terms[chunk.id] = self._passage_terms.get(chunk.id, self._heading_terms[int(pos)]) | set(
                terms
            )
        # ... and only its own: its lines' and its own heading's, not the headings above it.
        self._own_terms: dict[str, frozenset[str]] = {}
        for unit, pos in zip(units, store.unit_chunk):
            chunk = store.chunks[int(pos)]
            if not unit.question:
                said = frozenset(content_terms(unit.text[len(chunk.section) + 2 :]))
                heading = self._own_terms.get(chunk.id, frozenset(content_terms(chunk.section_path[-1])))
                self._own_terms[chunk.id] = heading | said
        # In how many passages each of the guide's words stands: a word of one or two ("goodfellow") that a
        # question shares with its lead is evidence the model's cosine may miss (a name it barely knows).
        used_in: dict[str, set[int]] = {}
        for terms, pos in zip(unit_terms, store.unit_chunk):
            for t in terms:
                used_in.setdefault(t, set()).add(int(pos))
        self.rare_terms = frozenset(t for t, passages in used_in.items() if len(passages) <= config.rare_passages)
        # Words of asking: the guide never uses them, but its passages' questions do, for at least
        # asking_passages different passages ("list", "mentioned", "interviews"). People ask about what the
        # guide covers with them, so they are neither its words nor a subject it lacks.
        asked_for: dict[str, set[int]] = {}
        for unit, pos in zip(units, store.unit_chunk):
            for t in content_terms(unit.text) if unit.question else ():
                asked_for.setdefault(t, set()).add(int(pos))
        self.asking_terms = frozenset(
            t
            for t, passages in asked_for.items()
            if config.asking_passages and len(passages) >= config.asking_passages and t not in self.vocabulary
        )
        # What the whole guide is about (its titles' words: "ai", "ml", "career"): naming only these, a
        # question is broad ("how do I get into ML?") and its lead is a summary.
        titles = [f.get("title", "") for f in store.manifest.get("corpus", {}).get("files", {}).values()]
        self.broad_terms = frozenset(t for title in titles for t in content_terms(str(title)))
        # Words only a passage that is not guidance uses ("coaching"): a question must name one to find it.
        owner = [int(c) for c in store.unit_chunk]
        guidance = {t for c, terms in zip(owner, unit_terms) if not self._not_guidance[c] for t in terms}
        advert = {t for c, terms in zip(owner, unit_terms) if self._not_guidance[c] for t in terms}
        self._advert_terms = frozenset(advert - guidance)
        guide_words = {w for u in units if not u.question for w in words(u.text) if w.isalpha() and len(w) > 2}
        # The guide's words joined by punctuation, as people type them run together: "tldr" is "TL;DR",
        # "selftaught" is "Self-Taught".
        self._joined = {
            re.sub(r"[^a-z0-9]", "", form.lower()): form
            for u in units
            if not u.question
            for found in _JOINED.findall(u.text)
            for form in {found, *(piece for piece in found.split("/") if _JOINED.fullmatch(piece))}
        }
        # The guide's names of several words by their initials, as people shorten them: "PRML" is "Pattern
        # Recognition and ML", "HOML" "Hands-On Machine Learning".
        self._initials = {
            short: name
            for u in units
            if not u.question
            for name in _NAME.findall(u.text.split(": ", 1)[-1])
            if len(short := initials(name)) >= MIN_INITIALS
        }
        # The guide's abbreviations in capitals ("QC", "GANs"), by their letters: a question may spell them out.
        self._abbreviations = {
            m.group(1).lower(): m.group(0) for u in units if not u.question for m in _ABBREVIATION.finditer(u.text)
        }
        self._guide_words = sorted(guide_words | KNOWN_SPELLINGS)
        self._by_prefix: dict[str, list[str]] = {}
        for v in sorted(self.vocabulary):
            if len(v) >= SAME_ROOT and v.isalpha():
                self._by_prefix.setdefault(v[:SAME_ROOT], []).append(v)
        self._roots: dict[str, str] = {}
        self._words_by_length: dict[int, list[str]] = {}
        for w in self._guide_words:
            self._words_by_length.setdefault(len(w), []).append(w)
        # The guide's own words (one per term) that an unknown word may stand for; embedded on first use.
        self._alias_words = sorted({w for w in guide_words if w not in STOPWORDS and term(w) not in GENERIC_TERMS})
        self._alias_vectors: np.ndarray | None = None
        self._senses: dict[str, Sense] = {}
        self._anchor_vectors: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._english = embedder.known_words()
        self._corrections: dict[str, str] = {}
        self._bm25 = bm25s.BM25()  # over the guide's own lines only: questions do not shift its statistics
        if len(self._text_rows):
            self._bm25.index([unit_terms[int(r)] for r in self._text_rows], show_progress=False)

    # -- query understanding -------------------------------------------------------------------------

    def clip(self, question: str) -> str:
        """The question up to about max_query_tokens of the model's tokens: a word the model or the guide
        knows counts one, any other a token per two letters (what WordPiece makes of a made-up word).
        A question of ordinary words is kept whole up to about 250 characters."""
        budget = self.config.max_query_tokens
        for match in re.finditer(r"\S+", question):
            for word in words(match.group()) or [match.group()]:
                known = word in self._english or term(word) in self.vocabulary
                budget -= 1 if known else -(-len(word) // 2)
            if budget < 0:
                return question[: match.start()].rstrip()
        return question

    def own_terms(self, chunk_id: str) -> frozenset[str]:
        """The words of a passage's lines and its own heading ("Bootcamps/Self-Taught" names no degrees,
        though the heading above it, "Bootcamps vs Degrees", does)."""
        return self._own_terms.get(chunk_id, frozenset())

    def passage_terms(self, chunk_id: str) -> frozenset[str]:
        """The words of a passage's lines and headings (content terms)."""
        return self._passage_terms.get(chunk_id, frozenset())

    def spelled_out(self, text: str) -> list[tuple[str, str]]:
        """(phrase, the guide's initials for it) for each run of two to four words of a question whose first
        letters spell an abbreviation the guide uses ("quality control" -> "QC"), one word at least not
        the guide's ("natural language processing" it writes out itself), and of two words neither."""
        tokens = re.findall(r"[A-Za-z]+", text)
        found: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            for n in (4, 3, 2):
                run = tokens[i : i + n]
                if len(run) < n or any(w.lower() in STOPWORDS for w in run):
                    continue
                short = self._abbreviations.get("".join(w[0] for w in run).lower())
                foreign = [term(w.lower()) not in self.vocabulary for w in run]
                # Two letters spell too much ("team lead" is no "TL"): then none of the words may be the guide's.
                if short and (all(foreign) if n == 2 else any(foreign)):
                    found.append((" ".join(run), short))
                    i += n - 1
                    break
            i += 1
        return found

    def root_form(self, t: str) -> str:
        """The guide's term of the same root for a term it does not use, when just one of its terms begins
        with it ("succeed", stemmed "succe", -> success); else itself. Not the other way: "statistician"
        is a job, not statistics."""
        if t in self.vocabulary or len(t) < SAME_ROOT or not t.isalpha():
            return t
        if t not in self._roots:
            found = [v for v in self._by_prefix.get(t[:SAME_ROOT], ()) if v.startswith(t)]
            self._roots[t] = found[0] if len(found) == 1 else t
        return self._roots[t]

    def needs_repair(self, word: str) -> bool:
        """Whether a word is neither the guide's nor English the model knows: a candidate for repair."""
        return len(word) >= 4 and word.isalpha() and term(word) not in self.vocabulary and word not in self._english

    def correct(self, word: str) -> str:
        """The guide's spelling of a word it nearly uses, or the word itself."""
        if not self.needs_repair(word):
            return word
        if word in self._joined:
            return self._joined[word]
        if word in self._initials:
            return self._initials[word]
        if word.startswith("re") and len(word) > 6 and term(word[2:]) in self.vocabulary and not in_dictionary(word):
            return word[2:]  # doing the guide's thing again: "reimplementing" a paper is implementing it
        if word not in self._corrections:
            if len(self._corrections) > 50_000:  # bounded: a stream of random words must not grow it forever
                self._corrections.clear()
            # A ratio of 0.8 needs the shorter word to be at least 2/3 of the longer: only those are compared.
            low, high = -(-2 * len(word) // 3), 3 * len(word) // 2
            candidates = [w for n in range(low, high + 1) for w in self._words_by_length.get(n, ())]
            match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
            # Unless it is a form of the guide's word ("specialize" -> "specialized"), a word is repaired
            # only when the dictionary does not know it ("recurrent" is not "current" misspelt) and a slip of
            # the keys, a letter or two ("salery", "reccomend"), makes it the guide's ("convolutional" is
            # three from "conventional").
            same_root = bool(match) and len(os.path.commonprefix([word, match[0]])) >= SAME_ROOT
            if match and not same_root and (in_dictionary(word) or edits(word, match[0]) > MAX_EDITS):
                match = []
            self._corrections[word] = match[0] if match else word
        return self._corrections[word]

    def warm(self) -> None:
        """Embed the guide's words and the anchors that word senses compare with (about a second of model
        time), if not done yet: the server does it when it loads an index, so that the first question
        with a word the guide never uses does not wait for it."""
        if self._alias_words and (self._alias_vectors is None or self._anchor_vectors is None):
            embed = self.embedder.embed
            anchors = (
                embed(list(THING_ANCHORS)),
                embed(list(TALK_ANCHORS)),
                embed(list(OUT_OF_SCOPE)),
                embed(list(OCCUPATION_ANCHORS)),
            )
            self._alias_vectors = self.embedder.embed(self._alias_words)
            self._anchor_vectors = anchors
            word_class("guide")  # the dictionary loads on its first look-up (a third of a second)

    def senses(self, unknown: list[str]) -> dict[str, Sense]:
        """For words the guide never uses, what the model makes of each (at most max_aliases words a
        question; cached): "hospital" -> medical 0.67, "toronto" -> a thing, "tho" -> talk."""
        todo = [w for w in dict.fromkeys(unknown) if w not in self._senses][: self.config.max_aliases]
        if todo and self._alias_words:
            self.warm()
            assert self._alias_vectors is not None and self._anchor_vectors is not None
            if len(self._senses) > 50_000:  # bounded: a stream of random words must not grow it forever
                self._senses.clear()
            vectors = self.embedder.embed(todo)
            things, talk, scope, jobs = (vectors @ anchors.T for anchors in self._anchor_vectors)
            for i, (word, row) in enumerate(zip(todo, vectors @ self._alias_vectors.T)):
                best = int(np.argmax(row))
                thing = float(things[i].max() - talk[i].max())
                self._senses[word] = Sense(
                    term(self._alias_words[best]),
                    float(row[best]),
                    thing,
                    float(scope[i].max()),
                    float(jobs[i].mean()),
                    word_class(word),
                    can_be_noun(word),
                )
        return {w: self._senses[w] for w in unknown if w in self._senses}

    def prepare(self, question: str) -> Query:
        corrections = []
        # Bounded work per question, whatever is sent: the model reads about max_query_tokens of it (a
        # made-up word is several tokens, and 2,000 characters of them cost ten normal questions to
        # embed), and at most max_repairs words are looked up for a spelling repair (a question of
        # made-up words would otherwise cost a quarter of a second of fuzzy matching).
        question = self.clip(question)
        lookups = 0
        for word in dict.fromkeys(words(question)) if self.config.spelling else ():
            if word in STOPWORDS or (word not in self._corrections and not self.needs_repair(word)):
                continue
            if word not in self._corrections:
                lookups += 1
                if lookups > self.config.max_repairs:
                    continue
            fixed = self.correct(word)
            if fixed != word:
                corrections.append((word, fixed))
        text = question
        for wrong, right in corrections:
            text = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, text)
        # A phrase the guide writes by its initials ("quality control": QC, "generative adversarial networks":
        # GANs) is shown with them to the model and counts as them.
        said = text
        for phrase, short in self.spelled_out(text):
            text = re.sub(rf"(?i)\b{re.escape(phrase)}\b", f"{phrase} ({short})", text, count=1)
            said = re.sub(rf"(?i)\b{re.escape(phrase)}\b", short, said, count=1)
        # Terms come from the repaired text, so "machine lerning" becomes the phrase "ml" like the guide's;
        # phrases of chat ("in a nutshell", "pay wise") give none.
        terms = tuple(self.root_form(t) for t in content_terms(without_fillers(said)))
        foreign = {w: term(w) for w in words(text) if w.isalpha() and len(w) >= 2}
        unknown = [
            w
            for w, t in foreign.items()
            if t in terms and t not in self.vocabulary and t not in GENERIC_TERMS and t not in self.asking_terms
        ]
        senses = self.senses(unknown)
        aliases = tuple((term(w), s.closest) for w, s in senses.items() if s.cosine >= self.config.alias_floor)
        return Query(
            kind=asked_kind(said),
            text=text,
            terms=terms,
            corrections=tuple(corrections),
            aliases=aliases,
            senses=tuple((term(w), s) for w, s in senses.items()),
        )

    # -- scoring ---------------------------------------------------------------------------------------

    def lexical_scores(self, terms: tuple[str, ...]) -> np.ndarray:
        """BM25 score of every unit, divided by the best one (0..1).

        A whole-passage unit holds every word of its passage, so its own BM25 would outrank the bullet
        that actually says it; it scores each of the question's words by the best line that has it, so
        a list that names "pytorch" and "tensorflow" on two lines ranks with a line that names both."""
        n = self.store.index.ntotal
        known = list(dict.fromkeys(t for t in terms if t in self.vocabulary))
        if not known or n == 0 or self.config.lexical_weight == 0:
            return np.zeros(n, dtype=np.float32)
        weights = {t: terms.count(t) for t in known}  # a word the question repeats counts again
        text_whole = self._unit_whole[self._text_rows]
        scores = np.zeros(len(self._text_rows), dtype=np.float32)
        whole = np.zeros(len(self._text_starts), dtype=np.float32)
        ideal = 0.0
        for t in known:
            per_term = np.asarray(self._bm25.get_scores([t]), dtype=np.float32) * weights[t]
            lines = np.where(text_whole, 0.0, per_term)
            scores += lines
            ideal += float(lines.max())
            if len(self._whole_rows):
                whole += np.maximum.reduceat(lines, self._text_starts)
        if len(self._whole_rows):
            scores[text_whole] = whole[self._text_passage[text_whole]]
        top = max(float(scores.max()), self.config.lexical_share * ideal)
        full = np.zeros(n, dtype=np.float32)
        full[self._text_rows] = scores / top if top > 0 else scores
        return full

    def _passage_bonus(self, terms: tuple[str, ...]) -> np.ndarray:
        """Per passage: the heading bonus (share of the question's topic words its own heading contains),
        or the summary bonus when the question has no topic word."""
        topic = set(terms) - GENERIC_TERMS
        bonus = np.zeros(len(self.store.chunks), dtype=np.float32)
        if not topic - self.broad_terms:
            bonus[self._summary] = self.config.summary_weight
            return bonus
        for t in topic - self.broad_terms:
            bonus[self._heading_index.get(t, [])] += self.config.heading_weight / len(topic - self.broad_terms)
            bonus[self._parent_index.get(t, [])] += self.config.parent_weight / len(topic - self.broad_terms)
        return bonus

    def neighbour(self, chunk_id: str, step: int) -> str | None:
        """The passage `step` places after (or before, step < 0) a passage in the guide's order, among the
        passages under the same heading ("Senior ML Engineer" after "ML Engineer / Data Scientist"); None
        at either end, for a passage without a parent heading, or for one that advertises."""
        chunks = self.store.chunks
        pos = next((i for i, c in enumerate(chunks) if c.id == chunk_id), None)
        if pos is None or len(chunks[pos].section_path) < 2:
            return None
        parent, source = chunks[pos].section_path[:-1], chunks[pos].source
        siblings = sorted(
            (c.start_line, i)
            for i, c in enumerate(chunks)
            if c.source == source and c.section_path[:-1] == parent and not self._not_guidance[i]
        )
        order = [i for _, i in siblings]
        at = order.index(pos) + step if pos in order else -1
        return chunks[order[at]].id if 0 <= at < len(order) else None

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to every unit of a small index, or to the dense_candidates nearest
        units of a large one (others get -1). Question units included: see `closest` for the guide's text."""
        n = self.store.index.ntotal
        scores = np.full(n, -1.0, dtype=np.float32)
        if n:
            wanted = n if n < self.config.exhaustive_below else self.config.dense_candidates
            found, rows = self.store.search(vector[None, :], wanted)
            valid = rows[0] >= 0
            scores[rows[0][valid]] = found[0][valid]
        return scores

    def closest(self, vector: np.ndarray) -> float:
        """The best cosine of a vector to a line or passage of the guide itself (not to its questions)."""
        text = self.dense_scores(vector)[self._text_rows]
        return float(text.max()) if len(text) else -1.0

    def question_scores(self, dense: np.ndarray) -> np.ndarray:
        """Per passage: the cosine to the closest question it answers; for a passage with none listed
        (a section added since guide.PASSAGE_QUESTIONS was written), its closest line's cosine instead."""
        best = np.full(len(self.store.chunks), -1.0, dtype=np.float32)
        np.maximum.at(best, self.store.unit_chunk, np.where(self._question, dense, -1.0))
        lines = np.full(len(self.store.chunks), -1.0, dtype=np.float32)
        np.maximum.at(lines, self.store.unit_chunk, np.where(self._question, -1.0, dense))
        return np.where(self._has_questions, best, lines)

    def search(self, query: Query, k: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        if vector is None:
            vector = self.embedder.embed([spelled_in_full(query.text)])[0]
        dense = self.dense_scores(vector)
        lexical = self.lexical_scores(query.lexical_terms)
        fused = dense + self.config.lexical_weight * lexical
        asked = self.question_scores(dense)
        passage = self._passage_bonus(query.topic_terms) + self.config.question_weight * asked
        kind = [t for t in query.kind if t not in self.broad_terms]
        for t in kind:
            # "which role handles the infra side?": a passage under a heading naming what is asked for
            passage[self._heading_index.get(t, []) + self._parent_index.get(t, [])] += self.config.kind_weight / len(
                kind
            )
        bonus = passage[self.store.unit_chunk]
        combined = np.where(self._active, fused + bonus, -np.inf)
        best: dict[int, int] = {}
        # An advertisement is found only by a question about it: one that names what only it offers
        # ("coaching", "help") and means it: asked most like the questions it answers ("can I get
        # coaching?"), or, where no passage lists questions, with its closest line by meaning the
        # advertisement's. "I'm mid-career, should I switch to ML?" is asked like "help planning my career
        # switch", but asks for no help.
        names_advert = bool(self._advert_terms.intersection(query.lexical_terms))
        if names_advert and self._has_questions.any():
            names_advert = bool(self._not_guidance[int(np.argmax(np.where(self._has_questions, asked, -np.inf)))])
        elif names_advert:
            names_advert = bool(self._not_guidance[int(self.store.unit_chunk[int(np.argmax(dense))])])
        for row in np.argsort(-combined):
            if not self._active[row]:
                break
            chunk_pos = int(self.store.unit_chunk[row])
            if chunk_pos in best:
                continue
            if self._not_guidance[chunk_pos] and not names_advert:
                continue
            best[chunk_pos] = int(row)
            if len(best) >= k:
                break
        topic = frozenset(query.topic_terms) - GENERIC_TERMS
        return [
            replace(
                self._hit(pos, row, combined, fused, dense, lexical, topic),
                asked=float(asked[pos]) if self._has_questions[pos] else None,
            )
            for pos, row in best.items()
        ]

    def _hit(
        self,
        pos: int,
        row: int,
        combined: np.ndarray,
        fused: np.ndarray,
        dense: np.ndarray,
        lexical: np.ndarray,
        asked: frozenset[str],
    ) -> Hit:
        rows = self._chunk_rows[pos]
        lines = sorted((r for r in rows if not self._unit_whole[r]), key=lambda r: -fused[r])
        whole = [r for r in rows if self._unit_whole[r]]
        first = rows[0]
        return Hit(
            chunk=self.store.chunks[pos],
            score=float(combined[row]),
            dense=float(dense[row]),
            lexical=float(lexical[row]),
            matches=tuple(
                Match(
                    int(self._unit_line[r]),
                    self._unit_quote[r],
                    float(fused[r]),
                    float(dense[r]),
                    float(lexical[r]),
                    int(r - first),
                    bool((self._unit_terms[r] - self._heading_terms[pos]) & asked),
                )
                for r in lines
            ),
            whole_dense=float(dense[whole[0]]) if whole else None,
        )
