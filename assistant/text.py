"""Word-level text helpers shared by lexical retrieval, spelling tolerance and the answer's emphasis.

Deliberately simple: lower-case word tokens, a short English stop-word list, and a light suffix
stripper (plural and -ing/-ed forms), which is enough for a guide of bullets and short sentences.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9][a-z0-9+#/.'-]*[a-z0-9+#]|[a-z0-9]", re.IGNORECASE)

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been being between both but by
    can could did do does doing done down during each else few for from further get gets getting got
    had has have having he her here hers him his how i if in into is it its itself just kind let like
    me might more most much must my myself need needs no nor not now of off on once one only or other
    our out over own please really same say she should so some such tell than that the their them then
    there these they thing things this those through to too under until up us very want was way we
    were what whats when where which while who whom why will with would you your yours yourself
    hi hello hey thanks thank ok okay i'm im i'd id i've ive don't dont can't cant
    lot lots know""".split()
)


def words(text: str) -> list[str]:
    """Lower-case word tokens; keeps tokens such as c++, ci/cd, 3-6, $160,000 pieces."""
    tokens = []
    for token in _WORD.findall(text.lower().replace("’", "'")):
        token = token.strip(".'-/")
        if token.endswith("'s"):
            token = token[:-2]
        if token:
            tokens.append(token)
    return tokens


def stem(word: str) -> str:
    """A light stemmer: salaries -> salary, degrees -> degree, learning -> learn, earned -> earn."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + replacement
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed words that carry meaning (stop words dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
