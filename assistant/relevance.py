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
  the likeliest off-topic question that shares the guide's words asks about another job;
- the word class (text.word_class, an English dictionary): a word that can only name something (a noun,
  or a name the dictionary does not know: "bonus", "hours", "langchain") may be the question's subject;
  one with a verb, adjective or adverb reading ("pivot", "remote", "mainly") is how people talk, as are
  the words of a clause about the person asking ("I'm an accountant, ...": about_asker).

An unknown word is a subject (what the answer must name as missing) when it is a name written with a
capital or an acronym ("Toronto", "SQL"), close to a topic the guide says it lacks (guide.OUT_OF_SCOPE),
a noun or name that reads as a thing to the model (`thing_floor`), or a noun or name whose deletion
brings the question closer to the guide (`pull_floor`).

Rules (thresholds in config.Config):
- no unknown word: answered unless nothing is even loosely close (`dense_floor`, or `dense_no_topic`
  for a question with no topic word at all);
- unknown words that are not its subject (pull <= pull_floor, not a job, not a proper noun written
  with a capital, like "Toronto"): answered when
  `dense - max(pull, 0) >= evidence_floor` (how close the question is, less what the foreign words take
  away from it: "what is hugging face?" keeps nothing), refused otherwise;
- unknown words that are its subject: refused when they name another job, or when what is left of the
  question has fewer than two topic words of the guide's or is not close to any passage
  (`residual_floor`); otherwise
  answered from what the guide does say, with those words in `missing` (the answer's `not_covered`).
A refusal also names the words in `missing`, so the reply can say what the guide lacks.
Not handled: a question about a foreign subject phrased entirely in the guide's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .config import Config
from .lexicon import AGE_WORDS, ASKER_OPENINGS, AUDIENCE_VERBS, QUESTION_OPENINGS, SOCIAL
from .records import Chunk, Hit
from .text import GENERIC_TERMS, STOPWORDS, can_be_noun, content_terms, stem, term, without_fillers, words

MAX_PHRASE_WORDS = 3
MAX_MISSING = 3
NAMES_LOOKED_AT = 3  # the best passages that may mention a name the question uses (naming_names)
NAMING = ("noun", "name", "short")  # text.word_class: the classes of words that may name a subject
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
    # `missing` are merely the words the guide does not use, none of them a subject ("how long is it
    # supposed to take?"): a refusal may name them; an answer to another part of the question does not.
    talk: bool = False


def unknown_terms(
    terms: tuple[str, ...],
    vocabulary: frozenset[str],
    aliased: frozenset[str] = frozenset(),
    asking: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            t
            for t in terms
            if t not in vocabulary
            and t not in GENERIC_TERMS
            and t not in aliased
            and t not in asking
            and not t.isdigit()
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
    they move its meaning; so are acronyms the guide never uses ("SQL", "UX", "AWS", "H-1B")."""
    drop = set(unknown)
    names = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        tokens = re.findall(r"[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]", sentence)
        for token in tokens[1:]:
            # "SQL", and with digits or a hyphen, "H-1B", "GPT-4"
            letters = re.sub(r"[^A-Za-z0-9]", "", token)
            acronym = token.isupper() and (len(letters) >= 3 or (token.isalpha() and len(token) >= 2))
            if token[0].isupper() and (acronym or not token.isupper()) and any(term(w) in drop for w in words(token)):
                names.append(token)
    return tuple(names)


_CLAUSE = re.compile(r"([,.;:!?()]+|\s[-–—]+\s|\s(?:and|but|so)\s)")
_AS_A = re.compile(r"^\s*as an? (.*)")
_INTERJECTIONS = SOCIAL["ack"] | SOCIAL["hello"] | {"so", "well", "anyway", "hmm"}
# A clause that introduces the asker as "<a few words> here" ("backend dev here, ...").
_HERE = re.compile(r"^\s*(?:[a-z][\w/+&-]*\s+){1,4}here\s*$")
_ASKER = re.compile(r"^\s*(?:" + "|".join(re.escape(o) for o in ASKER_OPENINGS) + r")\b")


def about_asker(text: str) -> frozenset[str]:
    """Terms of the clauses that speak of the person asking ("I'm a 35 yo accountant, ...", "my cousin is a
    data scientist at a bank, what does ..."), and of the statements that follow one until a question
    starts ("I'm a career changer, 10 yrs in accounting. where do I start?"), and a description that opens
    a clause ("as a nurse, can I ...?") or says who is here ("backend dev here, ..."): who asks, not what is
    asked."""
    background: set[str] = set()
    # A word the question itself uses is what it asks about too ("I'm a nurse, what do nurses earn?").
    asked: set[str] = set()
    speaking_of_asker = False
    pieces = _CLAUSE.split(without_fillers(text.lower().replace("’", "'")))
    for clause, end in zip(pieces[::2], [*pieces[1::2], ""]):
        # "ok im convinced": a word of chat before the asker speaks is no part of what is said.
        said = clause.split()
        while len(said) > 1 and said[0] in _INTERJECTIONS:
            said = said[1:]
        clause = " ".join(said)
        first = said[:1]
        if _ASKER.match(clause) or (_HERE.match(clause) and first and first[0] not in QUESTION_OPENINGS):
            speaking_of_asker = True
        elif "?" in end or (first and first[0] in QUESTION_OPENINGS):
            speaking_of_asker = False
        if speaking_of_asker:
            background.update(term(w) for w in words(clause))
            continue
        if described := _AS_A.match(clause):
            # "as a nurse, can I ...?", "as a 40 year old career changer should I ...": the words up to the question
            for word in described.group(1).split()[:MAX_PHRASE_WORDS]:
                if word in QUESTION_OPENINGS or word in STOPWORDS:
                    break
                background.update(term(w) for w in words(word))
            clause = clause[described.end(1) :]
        asked.update(term(w) for w in words(clause))
    return frozenset(background - asked)


_OWNED = re.compile(
    r"\b(?:my|our)\s+((?:[a-z][\w'-]*\s+){0,2}?[a-z][\w'-]*)\b(?=\s*(?:[,.;:!?]|$|\s(?:and|or|but|so|comes?|is|are|was)\b))"
)


def owned_by_asker(text: str) -> frozenset[str]:
    """Terms of what a question calls the asker's own ("my resume objective", "before my interviews"): up
    to three words after "my" or "our", to the end of the clause."""
    return frozenset(term(w) for m in _OWNED.finditer(text.lower()) for w in words(m.group(1)))


_AUDIENCE = re.compile(
    r"\b(?:" + "|".join(re.escape(v) for v in AUDIENCE_VERBS) + r")\s+(?:(?:the|a|an|my|potential|future|most)\s+)?"
    r"((?:[a-z][\w-]*\s+)?[a-z][\w-]*)",
    re.IGNORECASE,
)


def audience(text: str) -> frozenset[str]:
    """Terms of who the answer is for ("projects that impress recruiters", "what to show hiring managers"):
    people the question wants to reach, not an occupation it asks about."""
    return frozenset(term(w) for m in _AUDIENCE.finditer(text) for w in words(m.group(1)))


_BEFORE_A_VERB = re.compile(
    r"\b(?:to|can|could|will|would|should|shall|must|might|may|i|you|we|they"
    # ... or after "does" and a subject that opens with a determiner: "does the guide group them"
    r"|(?:do|does|did)\s+(?:the|this|that|a|an|my|your|their|our|its)\s+[a-z]+)\s+"
    r"(?=(?:not\s+|just\s+|really\s+|still\s+|even\s+)?([a-z]+))",
    re.IGNORECASE,
)


def verbs_by_position(text: str) -> frozenset[str]:
    """Words a question uses as verbs, by where they stand: after "to", a modal or a subject pronoun ("I
    need to place on kaggle", "can I tax"), or after "does the <noun>" ("does the guide group them"). A
    word that is both a noun and a verb ("tax", "place") is a subject only as a noun ("is that before tax?")."""
    return frozenset(term(m.group(1).lower()) for m in _BEFORE_A_VERB.finditer(text))


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
            pair = " ".join(tokens[i : i + 2])
            alone = {term(w) for token in tokens[i : i + 2] for w in words(token)}
            if i + 1 < len(tokens) and {term(w) for w in words(pair)} - alone & drop:
                phrases.append(pair)  # two words the thesaurus reads as one ("laid off", "part time")
                i += 2
            else:
                i += 1
            continue
        phrase = [tokens[i]]
        before = tokens[i - 1] if i >= 1 else ""
        plain_word = before.lower() in STOPWORDS or before.lower() in QUESTION_OPENINGS  # "What Toronto ..."
        if tokens[i][0].isupper() and before[:1].isupper() and not before.isupper() and not plain_word:
            phrase.insert(0, before)  # a name of two capitalised words, one of them the guide's: "New York"
        i += 1
        while i < len(tokens) and len(phrase) < MAX_PHRASE_WORDS:
            token_words = words(tokens[i])
            if not token_words or any(w in STOPWORDS for w in token_words):
                break
            if all(term(w) in drop for w in token_words):
                phrase.append(tokens[i])
                i += 1
            elif len(phrase) == 1 and not any(
                (stem(w) if phrase[0][:1].isupper() else term(w)) in vocabulary for w in token_words
            ):
                # one word the guide does not use either: "stock options"; after a name, one it does not
                # write, however the thesaurus reads it ("Canadian dollars": its sums are in $)
                phrase.append(tokens[i])
                i += 1
                break
            else:
                break
        phrases.append(" ".join(phrase).strip(".'"))
    # Named once: "plumber" in "I'm a plumber, what do plumbers earn?" is the first of two of one term.
    kept: list[str] = []
    for written in phrases:
        said = {term(w) for w in words(written)}
        if not any(said <= {term(w) for w in words(k)} for k in kept):
            kept.append(written)
    return tuple(kept)[:MAX_MISSING]


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
    classes: dict[str, str] | None = None,
    nouns: frozenset[str] | None = None,
    text: str = "",
    asked: float | None = None,
    anchored: bool = False,
    asks_sum: bool = False,
    config: Config = Config(),
) -> Relevance:
    """`probe(unknown)` gives (best cosine of the question with those words deleted, their occupation
    score); `things[term]` how much an unknown word reads as a thing rather than talk, `scope[term]` how
    close it is to a topic the guide says it does not cover, `jobs[term]` how much it reads as a job
    (Retriever.senses; a word without an entry, like "u" or "45", is talk), `classes[term]` what a
    dictionary makes of it (text.word_class; no entry: "other"), `nouns` the terms whose word as
    written may be a noun (a refusal naming only words that cannot is one of talk: Relevance.talk; None: all
    may). `asked` is the best cosine of a question that stands on its own to a question the guide's
    passages answer (None: not judged so);
    `anchored` whether the question and its lead share a word the guide uses in one or two passages only
    ("is the goodfellow book on the list?": the model barely knows the name, the guide's Books list has it);
    `asks_sum` whether it asks for a salary or a price (measures.asked_measure), on which where the asker
    lives bears."""
    dense = max((h.dense for h in hits), default=0.0)
    unknown = unknown_terms(terms, vocabulary, aliased, asking)

    def nouns_of(found: tuple[str, ...]) -> bool:
        return any(t in nouns for t in found) if nouns is not None else bool(found)

    if not hits:
        return Relevance(False, "the index is empty", dense, unknown)
    rest = {t for t in terms if t not in GENERIC_TERMS and t not in unknown and t not in asking}
    # The subjects the guide lacks: words that read as things one could look up, and names written with a
    # capital ("Toronto"). The other unknown words are how people talk ("tho", "bother", "mainly").
    # A word that may name something (no verb, adjective or adverb reading) and reads as a thing to the
    # model is a subject, as is one close to a topic the guide lacks, unless it tells who asks ("I'm an
    # accountant, ...").
    named = {term(w) for name in proper_nouns(text, unknown) for w in words(name)}
    asker = about_asker(text) | audience(text)
    # Where the asker lives or studies ("I'm a nurse in Manila", "in my city") bears on a sum only.
    if not asks_sum:
        if rest:
            # With a topic of the guide's left, the asker's own things are where the question comes from
            # ("before my interviews", "for my spreadsheet"); alone they are its subject ("how do I format
            # my resume?").
            asker |= owned_by_asker(text)
        named -= asker
    used_as_verb = verbs_by_position(text)
    kind = classes or {}
    subjects = tuple(
        t
        for t in unknown
        if t in named
        or (
            t not in asker
            and (
                (kind.get(t) in NAMING and (things or {}).get(t, -1.0) >= config.thing_floor)
                or (can_be_noun(t) and t not in used_as_verb and (things or {}).get(t, -1.0) >= config.verb_thing_floor)
                or (scope or {}).get(t, 0.0) >= config.scope_floor
            )
        )
    )
    # Nouns and names are the subject too when deleting them brings the question closer to the guide
    # ("signing bonus" of a senior engineer's salary, "langchain" of what to learn).
    nameable = tuple(t for t in unknown if kind.get(t) in ("noun", "name") and t not in subjects and t not in asker)
    if asked is not None and asked < config.question_floor:
        # Nothing the guide answers is asked like this ("how do I learn to play the guitar?" shares "learn"
        # with it, but no question its passages answer is near it).
        lacking = subjects or unknown
        missing = missing_phrases(text, lacking, vocabulary) if text and lacking else lacking
        reason = "no question the guide answers is like this one"
        return Relevance(False, reason, dense, unknown, missing, talk=not subjects and not nouns_of(unknown))
    # Asked almost word for word like a question a passage answers ("what's RL used for irl?", "who wrote
    # this?"): that passage answers it, however few of its words the question shares.
    asked_like = asked is not None and asked >= config.asked_clear
    if not unknown:
        if dense >= (config.dense_floor if rest else config.dense_no_topic):
            return Relevance(True, "a passage matches the question's words", dense)
        if asked_like or (not rest and asked is not None and asked >= config.asked_no_topic):
            return Relevance(True, "it is asked like a question a passage answers", dense)
        if anchored:
            return Relevance(True, "the lead has a word of the question's that the guide rarely uses", dense)
        return Relevance(False, "no passage is close to the question", dense)
    probed = probe(unknown) if nameable and probe is not None else None
    if probed is not None and probed[0] - dense > config.pull_floor:
        subjects += nameable
    if not rest:
        # Every topic word is foreign. Words of talk only ("ok im convinced, what first?"): judged as a
        # question without a topic. Foreign things: answered only when a passage is clearly close anyway
        # ("what is dimensionality reduction?"). Probed only for words that can name something: a question
        # of junk costs at most one second encode.
        if not subjects and dense >= config.dense_no_topic:
            return Relevance(True, "a question without a topic of its own, close to a passage", dense, unknown)
        if subjects and dense >= config.dense_clear:
            return Relevance(True, "a passage is close although every topic word is foreign", dense, unknown)
        missing = missing_phrases(text, subjects or unknown, vocabulary) if text else unknown
        reason = f"the guide never mentions {', '.join(missing[:3])}"
        return Relevance(False, reason, dense, unknown, missing, talk=not subjects and not nouns_of(unknown))
    residual, occupation = probed or (probe(unknown) if probe is not None else (dense, 0.0))
    pull = residual - dense

    def verdict(covered: bool, reason: str, missing: tuple[str, ...] = ()) -> Relevance:
        return Relevance(covered, reason, dense, unknown, missing, pull, occupation)

    # The asker's own job ("I'm an accountant, ...") is not another occupation asked about.
    # A job is named by a noun: "formal" (of "formal education") may read like one, but is no job.
    is_job = (occupation >= config.occupation_floor and not asker.intersection(unknown)) or any(
        (jobs or {}).get(t, 0.0) >= config.occupation_floor for t in unknown if t not in asker and can_be_noun(t)
    )
    if pull > config.pull_floor and is_job:
        missing = missing_phrases(text, unknown, vocabulary) if text else unknown
        return verdict(False, f"the question is about another occupation ({', '.join(missing[:2])})", missing)
    if pull >= config.carrying_pull and len(rest) == 1:
        # The foreign words carry the question and one guide word is left ("python", of a pet snake).
        missing = missing_phrases(text, unknown, vocabulary) if text else unknown
        return verdict(False, f"the question is about {', '.join(missing[:2])}", missing)
    if not subjects:
        # Foreign words that only say who asks ("I'm a 38 yo nurse, ...") take nothing from the question.
        taken = 0.0 if asker.issuperset(unknown) else max(pull, 0.0)
        if dense - taken >= config.evidence_floor or asked_like:
            return verdict(True, "the words the guide does not use are how people talk, not a subject")
        return verdict(False, "no passage is close to the question")
    missing = missing_phrases(text, subjects, vocabulary) if text else subjects
    # What is left must still be a question of the guide's: close to a passage without the foreign words.
    if residual < config.residual_floor:
        return verdict(False, f"the guide never mentions {', '.join(missing[:3])}", missing)
    return verdict(True, "the guide covers the rest of the question", missing)


_AT_AN_AGE = re.compile(
    r"\b(?:at|aged?)\s+(?:1[6-9]|[2-9]\d)\b(?!\s*(?:%|k\b|years? of))|\bin my (?:[2-9]0)'?s\b", re.I
)


def asks_about_age(text: str) -> bool:
    """Whether a question asks about the asker's age ("am I too old at 45 to switch?", "is 22 too young?"),
    which no career guide word stands for: an age word with "too" or a number, outside a clause that
    only says who asks ("as a 40 year old, should I ...?")."""
    if _AT_AN_AGE.search(text) and "too" in words(text):
        return True  # "is it too late to get into AI at 50?", "too late in my 40s?"
    found = [w for w in words(text) if w in AGE_WORDS]
    if not found or any(term(w) in about_asker(text) for w in found):
        return False
    return "too" in words(text) or any(w.isdigit() and 16 <= int(w) <= 99 for w in words(text))


def naming_age(verdict: Relevance, text: str, vocabulary: frozenset[str]) -> Relevance:
    """An answered question about the asker's age gets "age" named as missing: the guide says nothing
    about it, however close the rest of the question is to a passage."""
    if verdict.covered and "age" not in vocabulary and "age" not in verdict.missing and asks_about_age(text):
        return replace(verdict, missing=("age", *verdict.missing), reason="the guide says nothing about age")
    return verdict


@dataclass(frozen=True)
class JobTitles:
    """The guide's job titles, read from the headings of its sections of jobs (guide.OCCUPATION_SECTIONS):
    for the last word of each title (its head: "engineer", "scientist"), the words that stand right before
    it in a title ("ml"; "data", "research"); and the words that may come before any head: the other
    words of titles ("junior", "senior", "ai"), one-word titles ("principal", "staff") and the words of
    every other heading ("nlp", "vision"): "senior data scientist", "nlp engineer" are the guide's jobs."""

    kinds: dict[str, frozenset[str]]
    free: frozenset[str]

    @classmethod
    def from_headings(cls, paths: Iterable[tuple[str, ...]], sections: frozenset[str]) -> JobTitles:
        kinds: dict[str, set[str]] = {}
        free: set[str] = set()
        for path in paths:
            for depth, heading in enumerate(path):
                if depth == 0 or path[depth - 1] not in sections:
                    free.update(content_terms(heading))
                    continue
                for title in heading.split("/"):
                    found = content_terms(title)
                    if len(found) >= 2:
                        kinds.setdefault(found[-1], set()).add(found[-2])
                    free.update(found[:-2] if len(found) >= 2 else found)
        free -= set(kinds)
        return cls({head: frozenset(before) for head, before in kinds.items()}, frozenset(free))


def foreign_titles(text: str, titles: JobTitles) -> tuple[str, ...]:
    """Jobs the question names with one of the guide's heads but a word before it that no title of the
    guide has there ("data engineer", "prompt engineers", "UX engineer"): another occupation, although
    every word is the guide's. Not the asker's own job ("I'm a software engineer, ..."), nor a head after
    a word that cannot be a noun ("hiring manager", "good engineer")."""
    tokens = words(text)
    asker = about_asker(text)
    found = []
    for before, head in zip(tokens, tokens[1:]):
        kind = titles.kinds.get(term(head))
        if kind is None or before in STOPWORDS or before.isdigit():
            continue
        t = term(before)
        if t in kind or t in titles.free or t in titles.kinds or t in GENERIC_TERMS or t in asker:
            continue
        if not can_be_noun(before):
            continue
        written = re.search(rf"(?i)\b{re.escape(before)}\W+{re.escape(head)}\b", text)
        found.append(written.group() if written else f"{before} {head}")
    return tuple(dict.fromkeys(found))[:MAX_MISSING]


def naming_titles(verdict: Relevance, text: str, titles: JobTitles) -> Relevance:
    """An answered question about a job the guide has no title for gets that job named as missing: "The
    guide says nothing about data engineers" before what it says of its own jobs."""
    if not verdict.covered:
        return verdict
    jobs = tuple(j for j in foreign_titles(text, titles) if j not in verdict.missing)
    if not jobs:
        return verdict
    return replace(verdict, missing=(*jobs, *verdict.missing)[:MAX_MISSING], reason="the guide has no such job title")


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+#'-]*")


@dataclass(frozen=True)
class GuideNames:
    """Names the guide mentions in passing, in one or two passages: a word it always writes with a capital,
    after a lower-case word or inside a list in parentheses ("JAX (Google research)", "(Reddit, Discord,
    local meetups)"), never in a heading, not an acronym. Each with its written form and its passages."""

    passages: dict[str, frozenset[str]]
    forms: dict[str, str]

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk], most: int) -> GuideNames:
        found: dict[str, set[str]] = {}
        forms: dict[str, str] = {}
        lower: set[str] = set()
        headings: set[str] = set()
        for chunk in chunks:
            headings.update(term(w.lower()) for part in chunk.section_path for w in _NAME.findall(part))
            for line in chunk.text.splitlines():
                for m in _NAME.finditer(line):
                    word = m.group()
                    t = term(word.lower())
                    if not word[0].isupper():
                        lower.add(t)
                        continue
                    before = line[: m.start()].rstrip()
                    previous = re.search(r"([A-Za-z][\w'-]*)\W*$", before)
                    inside = bool(before) and (
                        before[-1] in "(,"
                        or (before[-1].isalpha() and previous is not None and previous.group(1)[0].islower())
                    )
                    if inside and not word.isupper():
                        found.setdefault(t, set()).add(chunk.id)
                        forms.setdefault(t, word)
        keep = {
            t: frozenset(ids) for t, ids in found.items() if t not in lower and t not in headings and len(ids) <= most
        }
        return cls(keep, {t: forms[t] for t in keep})


def naming_names(verdict: Relevance, terms: Iterable[str], hits: list[Hit], names: GuideNames) -> Relevance:
    """An answered question that names one of the guide's names in passing, when none of its best
    passages mentions it, gets it named as missing: "how much does Google pay ML engineers?" is answered
    from the salary bands, but the guide mentions Google only as the maker of JAX."""
    if not verdict.covered:
        return verdict
    shown = {h.chunk.id for h in hits[:NAMES_LOOKED_AT]}
    absent = tuple(
        names.forms[t] for t in dict.fromkeys(terms) if t in names.passages and not names.passages[t] & shown
    )
    absent = tuple(a for a in absent if a not in verdict.missing)
    if not absent:
        return verdict
    return replace(
        verdict, missing=(*absent, *verdict.missing)[:MAX_MISSING], reason="the guide names it elsewhere only"
    )
