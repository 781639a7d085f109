"""Word-level text helpers shared by lexical retrieval, spelling repair and the relevance decision.

Deliberately simple: lower-case word tokens, a short English stop-word list, a light suffix stripper,
and the guide's career thesaurus ("earn", "pay" -> salary; "machine learning" -> ml), applied to the
question and the guide alike. The word lists are data: English ones in `lexicon.py`, the guide's in
`guide.py`. Not handled: languages other than English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lemminflect import getAllLemmas

from .guide import PHRASES as _PHRASES
from .guide import SYNONYMS
from .lexicon import FILLERS, GENERIC, STOPWORDS, TEXTING

_WORD = re.compile(r"[a-z0-9]+(?:\+\+|#)?")
_TEXTING = [(re.compile(p), r) for p, r in TEXTING]
_FILLERS = re.compile(FILLERS, re.IGNORECASE)


def normalise_phrases(text: str) -> str:
    return _rewritten(text, lambda replacement: replacement)


def spelled_in_full(text: str) -> str:
    """The text with the shorthand the thesaurus spells out written in full ("lin alg" -> "linear algebra",
    "ds" -> "data scientist"), for the model, which knows the full words better; the contractions ("machine
    learning" -> "ml") are left as written. Lower-cased, as the model reads it."""

    def longer(replacement: str) -> Callable[[re.Match[str]], str]:
        return lambda m: expanded if len(expanded := m.expand(replacement)) > len(m.group(0)) else m.group(0)

    return _rewritten(text, longer)


def _rewritten(text: str, how: Callable[[str], str | Callable[[re.Match[str]], str]]) -> str:
    text = text.lower().replace("’", "'")
    for pattern, replacement in (*_TEXTING, *_PHRASES):
        text = pattern.sub(how(replacement), text)
    return text


def without_fillers(text: str) -> str:
    """The text with phrases of chat taken out ("in a nutshell", "you guys", "pay wise"; lexicon.FILLERS)."""
    return _FILLERS.sub(" ", text)


def words(text: str) -> list[str]:
    """Lower-case word tokens ("c++" stays whole; "self-taught" is two words)."""
    return _WORD.findall(normalise_phrases(text))


def stem(word: str) -> str:
    """A light stemmer: salaries -> salary, degrees -> degree, learning -> learn, researchers -> research."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    if word.endswith("er") and len(word) >= 7:  # researcher -> research, leader -> lead (both sides alike)
        word = word[:-2]
    return word


def term(word: str) -> str:
    """The canonical, stemmed form of one word."""
    return SYNONYMS.get(word) or SYNONYMS.get(stem(word)) or stem(word)


@lru_cache(maxsize=65536)
def word_class(word: str) -> str:
    """What an English dictionary (lemminflect's) makes of a word: "noun" when it reads it only as a noun
    ("dentist", "bonus", "hours"); "other" when it has a verb, adjective or adverb reading ("pivot",
    "remote", "mainly"), which may be how people talk; for a word it does not know, "name" when it is
    long enough to be one ("langchain", "udacity") and "short" otherwise ("sql", "gpu", but also chat
    shorthand: "tho", "nah"). Cached (bounded): a stream of made-up words costs a look-up each."""
    lemmas = getAllLemmas(word)
    if lemmas:
        return "noun" if set(lemmas) <= {"NOUN", "PROPN"} else "other"
    if not word.isalpha():
        return "other"
    return "name" if len(word) >= 5 else "short"


def in_dictionary(word: str) -> bool:
    """Whether the English dictionary knows a word ("recurrent"): then it is no misspelling to repair."""
    return bool(getAllLemmas(word))


def can_be_noun(word: str) -> bool:
    """Whether a word may be read as a noun ("data", "prompt", "ux"), not only as a verb or an adjective
    ("hiring", "civil")."""
    lemmas = getAllLemmas(word)
    return not lemmas or "NOUN" in lemmas or "PROPN" in lemmas


def content_terms(text: str) -> list[str]:
    """Canonical words that carry meaning (stop words dropped)."""
    return [term(w) for w in words(text) if w not in STOPWORDS and stem(w) not in STOPWORDS]


GENERIC_TERMS = frozenset(term(w) for w in GENERIC)
# Words spelling repair may correct to, besides the guide's own: the thesaurus and the question-form words.
KNOWN_SPELLINGS = frozenset(SYNONYMS) | frozenset(SYNONYMS.values()) | GENERIC | STOPWORDS
