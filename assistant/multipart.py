"""Splits a question in several parts into questions that can each be searched for.

"What do data scientists earn and what should they study?" is two questions: each part is retrieved on
its own so that the answer quotes a passage for each. A question splits where a new question starts:
after a question mark, or at "and" / "also" / "plus" / a comma when a question word follows ("and
what ...", ", how long ..."). A part that leans on the one before ("what should they study?") takes it
as context (assistant/conversation.py). A comparison splits into one question per thing compared: "how
long is a bootcamp vs a degree?" is "how long is a bootcamp?" and "how long is a degree?". Not split: a
list of topics in one question ("salary and skills of a data scientist"), which is searched whole, nor
a part that only asks what the one before names costs, pays or takes ("... and what does it pay?").
"""

from __future__ import annotations

import re

from .measures import asked_measure, without_measure
from .text import GENERIC_TERMS, STOPWORDS, content_terms

MAX_PARTS = 3
_QUESTION_WORD = (
    r"(?:what|what's|whats|which|how|do|does|did|is|are|should|can|could|would|will|where|when|who|why|"
    r"tell me|give me|list|any)"
)
_SPLIT = re.compile(
    # "can't" starts no question ("... and can't quit work")
    rf"\?\s+(?=\S)|(?:,\s*|\s+)(?:and|also|plus|&)\s+(?:also\s+)?(?={_QUESTION_WORD}\b(?!['’]t))"
    rf"|,\s+(?={_QUESTION_WORD}\b(?!['’]t))|;\s+",
    re.IGNORECASE,
)
MIN_PART_WORDS = 2


_VERSUS = frozenset({"vs", "versus"})
_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "some"})
_TOKEN = re.compile(r"[\w/+#'-]*\w|[^\w\s]+")  # a word, or a run of punctuation


def compared(question: str) -> list[str] | None:
    """ "A vs B" (up to MAX_PARTS things, "versus" too): the question once per thing, or None. A thing is
    the run of words next to "vs" up to a stop word or punctuation, with a determiner before it."""
    tokens = [(t.group(), t.start(), t.end()) for t in _TOKEN.finditer(question)]
    marks = [i for i, (text, _, _) in enumerate(tokens) if text.lower() in _VERSUS]
    if not marks or len(marks) >= MAX_PARTS:
        return None

    def named(i: int) -> bool:
        word = tokens[i][0].lower().replace("'", "") if 0 <= i < len(tokens) else ""
        return word[:1].isalnum() and word not in STOPWORDS  # "what's" is "whats", a stop word

    def determiner(i: int) -> bool:
        return 0 <= i < len(tokens) and tokens[i][0].lower() in _DETERMINERS

    start = marks[0]
    while named(start - 1):
        start -= 1
    if start == marks[0]:
        return None
    start -= determiner(start - 1)
    things = [question[tokens[start][1] : tokens[marks[0] - 1][2]]]
    for n, mark in enumerate(marks):
        begin = mark + 1 + (mark + 1 < len(tokens) and tokens[mark + 1][0] == ".")  # "vs."
        begin += determiner(begin)
        end = begin
        while named(end):
            end += 1
        if end == begin or (n + 1 < len(marks) and end != marks[n + 1]):
            return None  # nothing after "vs", or "A vs B which ... vs C": not a plain list of things
        things.append(question[tokens[begin - determiner(begin - 1)][1] : tokens[end - 1][2]])
    prefix, suffix = question[: tokens[start][1]], question[tokens[end - 1][2] :]
    return [" ".join(f"{prefix}{thing}{suffix}".split()) for thing in things]


def split_parts(question: str) -> list[str]:
    comparison = compared(question)
    if comparison:
        return comparison
    parts, joined, start = [], [], 0
    for cut in _SPLIT.finditer(question):
        parts.append(question[start : cut.start()].strip(" ,;"))
        joined.append(bool(_JOINED.search(cut.group())))
        start = cut.end()
    parts.append(question[start:].strip(" ,;"))
    kept = [(p, j) for p, j in zip(parts, [*joined, False]) if p]
    parts = _measures_of_the_last(_with_prefaces([p for p, _ in kept], [j for _, j in kept]))
    if len(parts) < 2 or any(len(p.split()) < MIN_PART_WORDS for p in parts):
        return [question]
    return parts[:MAX_PARTS]


_ASKS = re.compile(rf"\?\s*$|\b{_QUESTION_WORD}\b|\b(?:explain|compare|recommend|suggest|need|want)\b", re.IGNORECASE)


_JOINED = re.compile(r"\b(?:and|also|plus)\b|&|\?", re.IGNORECASE)


def _with_prefaces(parts: list[str], joined: list[bool]) -> list[str]:
    """A piece that asks nothing ("long term", "total beginner here", "physics grad") is the preface of
    the question after it, not a part of its own; unless "and" (or a question mark) joins it to the next
    one: "most common undergrad major, and what masters options are there?" asks two things."""
    merged: list[str] = []
    preface = ""
    for part, and_next in zip(parts, joined):
        if not _ASKS.search(part) and not and_next:
            preface = f"{preface}, {part}" if preface else part
            continue
        merged.append(f"{preface}, {part}" if preface else part)
        preface = ""
    if preface:
        if not merged:
            return [preface]
        merged[-1] = f"{merged[-1]}, {preface}"
    return merged


_BACK = re.compile(r"\b(?:it|that|this|they|them|those|these|there)\b", re.IGNORECASE)


def _measures_of_the_last(parts: list[str]) -> list[str]:
    """A part that only asks a measure of what the part before named ("what's the next step up and what
    does it pay?", "... and how long does that take?") is one question with it, not a part of its own."""
    merged: list[str] = []
    for part in parts:
        own = [t for t in content_terms(without_measure(part)) if t not in GENERIC_TERMS]
        # Not when the part before asks a measure itself: "how long is a bootcamp and how much does it cost?"
        if merged and asked_measure(part) and not asked_measure(merged[-1]) and _BACK.search(part) and not own:
            merged[-1] = f"{merged[-1]} and {part}"
        else:
            merged.append(part)
    return merged
