"""Splits a question in several parts into questions that can each be searched for.

"What do data scientists earn and what should they study?" is two questions: each part is retrieved on
its own so that the answer quotes a passage for each. A question splits where a new question starts:
after a question mark, or at "and" / "also" / "plus" / a comma when a question word follows ("and
what ...", ", how long ..."). A part that leans on the one before ("what should they study?") takes it
as context (assistant/conversation.py). A comparison splits into one question per thing compared: "how
long is a bootcamp vs a degree?" is "how long is a bootcamp?" and "how long is a degree?". Not split: a
list of topics in one question ("salary and skills of a data scientist"), which is searched whole.
"""

from __future__ import annotations

import re

from .text import STOPWORDS

MAX_PARTS = 3
_QUESTION_WORD = (
    r"(?:what|what's|whats|which|how|do|does|did|is|are|should|can|could|would|will|where|when|who|why|"
    r"tell me|give me|list|any)"
)
_SPLIT = re.compile(
    rf"\?\s+(?=\S)|(?:,\s*|\s+)(?:and|also|plus|&)\s+(?:also\s+)?(?={_QUESTION_WORD}\b)|,\s+(?={_QUESTION_WORD}\b)|;\s+",
    re.IGNORECASE,
)
MIN_PART_WORDS = 2


_VERSUS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "some"})
_WORD = re.compile(r"[\w/+#.'-]*\w")


def _is_name_word(token: str) -> bool:
    """A word that can be part of what is compared: not a stop word ("is", "which", "to")."""
    return bool(_WORD.fullmatch(token)) and token.lower() not in STOPWORDS


def compared(question: str) -> list[str] | None:
    """ "A vs B" (up to MAX_PARTS things, "versus" too): the question once per thing, or None. A thing is
    the run of words next to "vs" up to a stop word or punctuation, with a determiner before it."""
    pieces = _VERSUS.split(question)
    if len(pieces) < 2 or len(pieces) > MAX_PARTS:
        return None
    before = pieces[0].split(" ")
    start = len(before)
    while start > 0 and _is_name_word(before[start - 1]):
        start -= 1
    if start > 0 and before[start - 1].lower() in _DETERMINERS:
        start -= 1
    prefix, things = " ".join(before[:start]), [" ".join(before[start:])]
    suffix = ""
    for n, piece in enumerate(pieces[1:], start=1):
        tokens = re.findall(r"\S+", piece)
        end = 1 if tokens and tokens[0].lower() in _DETERMINERS else 0
        while (
            end < len(tokens)
            and _is_name_word(tokens[end].rstrip(",.;:?!-"))
            and tokens[end] == tokens[end].rstrip(",.;:?!-")
        ):
            end += 1
        if end < len(tokens) and _is_name_word(tokens[end].rstrip(",.;:?!-")):
            end += 1  # the last word of the thing, with the punctuation after it going to the suffix
            last = tokens[end - 1]
            tokens[end - 1] = last.rstrip(",.;:?!-")
            rest = last[len(tokens[end - 1]) :]
        else:
            rest = ""
        things.append(" ".join(tokens[:end]))
        if n == len(pieces) - 1:
            suffix = rest + (" " if rest or end < len(tokens) else "") + " ".join(tokens[end:])
        elif end < len(tokens):
            return None  # "A vs B which ... vs C": not a plain list of things
    if any(not t or t.lower() in _DETERMINERS for t in things):
        return None
    return [" ".join(f"{prefix} {t}".split()) + (suffix.rstrip() if suffix.strip() else "") for t in things]


def split_parts(question: str) -> list[str]:
    comparison = compared(question)
    if comparison:
        return comparison
    parts = [p.strip(" ,;") for p in _SPLIT.split(question)]
    parts = _with_prefaces([p for p in parts if p])
    if len(parts) < 2 or any(len(p.split()) < MIN_PART_WORDS for p in parts):
        return [question]
    return parts[:MAX_PARTS]


_ASKS = re.compile(rf"\?\s*$|\b{_QUESTION_WORD}\b|\b(?:explain|compare|recommend|suggest|need|want)\b", re.IGNORECASE)


def _with_prefaces(parts: list[str]) -> list[str]:
    """A piece that asks nothing ("long term", "total beginner here", "physics grad") is the preface of
    the question after it, not a part of its own."""
    merged: list[str] = []
    preface = ""
    for part in parts:
        if not _ASKS.search(part):
            preface = f"{preface}, {part}" if preface else part
            continue
        merged.append(f"{preface}, {part}" if preface else part)
        preface = ""
    if preface:
        if not merged:
            return [preface]
        merged[-1] = f"{merged[-1]}, {preface}"
    return merged
