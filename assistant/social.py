"""Turns that are not questions about the guide: greetings, thanks, goodbyes, and messages not in English.

`classify(message)` returns "greeting", "thanks", "bye", "ack" (ok, great, got it), "language" (not in
English) or None for a question. A message is social when every word is a social word of one group or a
stop word (lexicon.SOCIAL), or when it asks nothing, names no topic and has such a word ("perfect, that's
all I needed, bye!"); "who are you" and "what can you do" are greetings. A message that asks for more
("tell me more about it", "and after that?") is a question, whatever its words. A message is not in
English when it is written in another script, or when words of other languages' grammar
(lexicon.FOREIGN_FUNCTION_WORDS) outnumber English ones. Pure functions: nothing here needs the model.
"""

from __future__ import annotations

import re

from .conversation import step_of
from .lexicon import FOREIGN_FUNCTION_WORDS, GENERIC, REQUEST_WORDS, SOCIAL, STOPWORDS
from .text import term

_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_WH = re.compile(r"\b(what|how|which|why|when|where|who|whats|hows)\b", re.I)
_ASKS = re.compile(r"\?|\b(what|how|which|why|when|where|who|whats|hows)\b", re.I)
_ABOUT_ME = re.compile(
    r"^\s*(who are you|what are you|what can you do|what do you do|help( me)?|what can you help( me)? with|"
    r"how can you help( me)?|what do you know( about)?|what can i ask( you)?)\s*[?!.]*\s*$",
    re.I,
)
# Asking after someone is a greeting: "how are you today?", "hey, how's it going?".
_HOW_ARE_YOU = re.compile(
    r"^\s*(?:(?:hi|hello|hey|hiya)\W+)?(?:how are (?:you|u|ya)(?: doing)?(?: today| tonight| this (?:morning|evening))?|"
    r"how(?:'s| is) it going|how(?:'s| is) your day(?: going)?|what'?s up|how do you do)\s*[?!.]*\s*$",
    re.I,
)
ENGLISH = STOPWORDS - FOREIGN_FUNCTION_WORDS


def _not_latin(token: str) -> bool:
    return any(ch.isalpha() and ord(ch) > 0x24F for ch in token)


def is_foreign(message: str) -> bool:
    tokens = [t.lower() for t in _TOKEN.findall(message)]
    if not tokens:
        return False
    if sum(_not_latin(t) for t in tokens) * 2 >= len(tokens):
        return True
    foreign = sum(1 for t in tokens if t in FOREIGN_FUNCTION_WORDS and t not in STOPWORDS)
    english = sum(1 for t in tokens if t in ENGLISH)
    accented = any(not t.isascii() for t in tokens)
    return foreign >= 2 and foreign > english or (accented and foreign >= 1 and english == 0)


def classify(message: str, topic_words: frozenset[str] = frozenset()) -> str | None:
    if _ABOUT_ME.match(message) or _HOW_ARE_YOU.match(message):
        return "greeting"
    if is_foreign(message):
        return "language"
    tokens = [t.lower() for t in _TOKEN.findall(message)]
    if not tokens:
        return None
    if len(tokens) > 8:
        return None
    if step_of(message) or any(t in REQUEST_WORDS for t in tokens):
        return None  # "and after that?", "tell me more about it" ask for more of the last answer
    asks_what = bool(_WH.search(message))
    for kind in ("thanks", "bye", "hello", "ack"):
        group = SOCIAL[kind]
        if asks_what and kind != "hello":
            continue  # "what is that?", "what should I do after that?" ask something; "hi, how are you?" does not
        if any(t in group for t in tokens) and all(t in group or t in STOPWORDS or _any_social(t) for t in tokens):
            return "greeting" if kind == "hello" else kind
    # A closing turn that asks nothing and names no topic: "perfect. that's all I needed, bye!", "ok that
    # makes sense now, thanks": words of a question's form may be in it; a goodbye or thanks decides. With
    # a thanks or a goodbye, so may words that are no topic of the guide's (`topic_words`, when given):
    # "thanks, that clears it up".
    if len(tokens) <= 12 and not _ASKS.search(message):
        closing = any(t in SOCIAL["thanks"] or t in SOCIAL["bye"] for t in tokens)
        if all(
            t in STOPWORDS
            or t in GENERIC
            or _any_social(t)
            or (closing and bool(topic_words) and term(t) not in topic_words)
            for t in tokens
        ):
            for kind in ("bye", "thanks", "hello", "ack"):
                if any(t in SOCIAL[kind] for t in tokens):
                    return "greeting" if kind == "hello" else kind
    return None


def _any_social(token: str) -> bool:
    return any(token in group for group in SOCIAL.values())
