"""Conversation: which earlier turn a question leans on, and what "the fourth one" points at.

A question that stands on its own ("Do I need a PhD?") is answered on its own, whatever came before.
History is used only when the question needs it: a pronoun or a pointer without its subject ("how
much do they earn?", "at that level?"), ellipsis ("and for seniors?", "what about salaries?"), or no
topic word at all ("how long does that take?"), or a few words that pick up the last answer's ("which
game?" after "Robotics, game playing, ..."). The turn it leans on is the latest exchange that
answered something: a refused question, a greeting or a "thanks" lends no topic.

A question that points before or after what was just answered ("and the level after that?") is answered
from the passage next to the one the earlier turn found, in the guide's order, among those under the same
heading (step_of); so is one that names the passage it steps from ("what comes after senior?": anchored_step).

A reference to an item of the previous answer ("what is the fourth one for?", "the first of those",
"which of the two takes longer?") is replaced by that item's text: the items are the previous answer's
first list (as sent back in `history`: Markdown bullets or numbers), else the bullets of its first
citation, when the client sends citations (docs/api.md).

History turns are {"role": "user"|"assistant", "content": str}, oldest first; an assistant turn may
also carry "kind" (the answer record's) and "citations" (a list of {"section", "excerpt"}).
Not done: references further back than the last answered exchange.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .lexicon import ANCHORED_STEPS, ORDINALS, RELATIVE_STEPS
from .text import GENERIC_TERMS, content_terms

MAX_HISTORY_TURNS = 50  # only the most recent turns are looked at; older ones cannot change the answer
ECHO_WORDS = 3  # a question this short whose topic words the earlier answer has is about that answer
MAX_CONTEXT_CHARS = 300  # of an earlier answer, as context: its opening names the subject
NO_TOPIC_KINDS = frozenset({"abstain", "greeting", "social", "language", "empty"})
# How an assistant reply that refused begins (assistant/answer.py), for clients that send no "kind".
REFUSAL_OPENINGS = ("The guide doesn't cover", "The guide does not cover")

_REFERS_BACK = (
    r"\b(they|them|their|theirs|it|its|this|that|these|those|he|she|his|her|one|ones|there|else|such|"
    r"the same|the two|both|former|latter|above)\b"
)
_LEANS_ON_CONTEXT = re.compile(
    r"^\s*(and|also|but|so|then|what about|how about|what else|anything else|same for|what if|"
    r"is that|are they|for (the )?(juniors?|seniors?|them|that))\b|" + _REFERS_BACK,
    re.IGNORECASE,
)
_POINTS_BACK = re.compile(_REFERS_BACK, re.IGNORECASE)
# Words that carry a conversation on, not a subject: "and then, what does it pay?"
_DISCOURSE = r"(?:then|also|now|so|ok|okay|well|yeah|yes|right|again|anyway)\b"
_SWAPS_IN = re.compile(
    r"^\s*(?:and\s+|but\s+|so\s+|ok\s+)?(?:what|how)\s+about\s+(?!" + _REFERS_BACK + r")\w"
    # "and ML itself - how does the guide define it?", "and for seniors, what do they earn?": a subject of
    # its own, set off before the question that points at it
    r"|^\s*(?:and|but|so|ok|now)\s+(?!" + _REFERS_BACK + "|" + _DISCOURSE + r")(?:for\s+|with\s+)?"
    r"[\w/+-]+(?:\s+[\w/+-]+){0,2}?(?:\s+(?:itself|themselves))?\s*(?:\s[-–—]|,|:)\s*\w",
    re.IGNORECASE,
)
_NAMED_ITEM = re.compile(r"^\*\*([^*]+)\*\*\s*(?:\[\d+\])?:\s")
_PRONOUN = re.compile(r"\b(?!(?:one|ones|else)\b)" + _REFERS_BACK, re.IGNORECASE)
_ORDINAL_WORDS = "|".join(sorted(ORDINALS, key=len, reverse=True))
# A pointer ends in a noun of the list, "of those", or where the sentence goes on with a verb: "the first
# one", "the 2nd of those", "what is the fourth for?"; not "the first year" or "what should I learn first".
_LIST_NOUN = (
    r"(?:one|ones|item|option|path|role|level|book|course|project|skill|language|framework|entry|bullet|point|choice)s?"
)
_OF_THOSE = r"(?:of\s+)?(?:those|these|them|the\s+list|that\s+list|you\s+listed|you\s+mentioned)"
_GOES_ON = r"(?=\s*(?:[?.!,]|$)|\s+(?:is|are|was|for|do|does|mean|means|take|takes|cost|costs|pay|pays|about|involve|involves|require|requires)\b)"
_ITEM_REFERENCE = re.compile(
    rf"\bthe\s+(?P<ord>{_ORDINAL_WORDS})(?:\s+{_LIST_NOUN}(?:\s+{_OF_THOSE})?\b|\s+{_OF_THOSE}\b|{_GOES_ON})"
    r"|\b(?:number|no\.|#)\s*(?P<num>\d{1,2})\b",
    re.IGNORECASE,
)
_PAIR_REFERENCE = re.compile(
    rf"\b(?:(?:the|these|those)\s+two(?:\s+{_LIST_NOUN})?(?:\s+{_OF_THOSE})?\b(?!\s+(?!{_LIST_NOUN})[a-z]+\s+(?:are|is))"
    r"|both(?:\s+of\s+(?:them|those))?\b)",
    re.IGNORECASE,
)
_PROSE_LIST = re.compile(r"(?:^|:)\s*([^.:;]+?,[^.:;]+?\s(?:and|or)\s[^.:;]+?)(?:\.|$)")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(.+?)\s*$")
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)|\s*\[\d{1,2}\]|`")


@dataclass(frozen=True)
class Exchange:
    """One earlier question and the reply it got."""

    question: str
    answer: str = ""
    kind: str | None = None
    citations: tuple[dict[str, Any], ...] = ()

    @property
    def lends_topic(self) -> bool:
        if self.kind in NO_TOPIC_KINDS:
            return False
        return not self.answer.lstrip().startswith(REFUSAL_OPENINGS)


@dataclass(frozen=True)
class Resolved:
    """The question to search with, and the earlier text that gives it its subject (None: stands alone)."""

    text: str
    context: str | None = None
    item_reference: bool = False
    step: int = 0  # +1: the passage after the one the earlier turn found, -1: the one before (step_of)


def exchanges(history: Sequence[Any] | None) -> list[Exchange]:
    """The conversation as question/answer pairs, oldest first; malformed turns are skipped."""
    pairs: list[Exchange] = []
    for turn in list(history or [])[-MAX_HISTORY_TURNS:]:
        if not isinstance(turn, dict) or not isinstance(turn.get("content"), str):
            continue
        content = turn["content"].strip()
        if turn.get("role") == "user" and content:
            pairs.append(Exchange(content))
        elif turn.get("role") == "assistant" and pairs and not pairs[-1].answer:
            kind = turn.get("kind") if isinstance(turn.get("kind"), str) else None
            cited = turn.get("citations")
            citations = tuple(c for c in cited if isinstance(c, dict)) if isinstance(cited, list) else ()
            pairs[-1] = Exchange(pairs[-1].question, content, kind, citations)
    return pairs


def has_topic(question: str) -> bool:
    return any(t not in GENERIC_TERMS for t in content_terms(question))


def keeps_subject(question: str) -> bool:
    """Whether a follow-up keeps the earlier subject ("how much do they make?": a pronoun points back, or
    it names no topic) rather than swapping in its own ("what about statistics?", "and for seniors?")."""
    return bool(_POINTS_BACK.search(question)) or not has_topic(question)


def points_back(question: str) -> bool:
    """Whether a question points back at the earlier subject with a pronoun ("how much experience is
    that?"), not just at a kind of it ("and the supervised ones?"), nor at what it swaps in itself first
    ("what about the degree side, how long does that take?")."""
    return bool(_PRONOUN.search(question)) and not _SWAPS_IN.search(question)


def leans_on_context(question: str) -> bool:
    if _LEANS_ON_CONTEXT.search(question) or _ITEM_REFERENCE.search(question) or step_of(question):
        return True
    return not has_topic(question)


def echoes(question: str, exchange: Exchange) -> bool:
    """Whether a question of a few words only picks up what the earlier answer said ("which game?" after
    "Robotics, game playing, ..."): every topic word of it is in that answer."""
    topic = {t for t in content_terms(question) if t not in GENERIC_TERMS}
    return len(question.split()) <= ECHO_WORDS and bool(topic) and topic <= set(content_terms(exchange.answer))


def plain(text: str) -> str:
    """An answer line without Markdown emphasis and citation markers."""
    return " ".join(_MARKUP.sub("", text).split()).strip(" :;")


def items_of(exchange: Exchange) -> list[str]:
    """The items of an answer: its first list, else the bullets of its first citation."""
    items: list[str] = []
    for line in exchange.answer.split("\n"):
        match = _LIST_ITEM.match(line)
        if match:
            # A passage listed under its heading ("- **Degrees** [1]: Stronger for research roles; ...") is
            # the item its name says.
            named = _NAMED_ITEM.match(match.group(1))
            items.append(plain(named.group(1) if named else match.group(1)))
        elif items and line.strip():
            break  # the first list ends where other text starts
    if not items:
        lead = exchange.answer.split("\n", 1)[0]
        if lead.count(";") >= 1:  # a list quoted inline: "**Books:** a; b; c [1]"
            items = [plain(p) for p in re.sub(r"^\*\*[^*]+:\*\*", "", lead).split(";")]
    if not items:  # a list in prose: "... four specializations: Computer Vision, NLP, RL and MLOps.", or
        # one that is the whole first sentence: "Computer Vision, NLP, RL, and MLOps."
        match = _PROSE_LIST.search(plain(exchange.answer))
        if match:
            items = [p.strip() for p in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", match.group(1))]
    if not items and exchange.citations:
        excerpt = str(exchange.citations[0].get("excerpt", ""))
        items = [plain(m.group(1)) for line in excerpt.split("\n") if (m := _LIST_ITEM.match(line))]
    return [i for i in items if i]


def subject_of(exchange: Exchange, with_answer: bool, with_opening: bool = True) -> str:
    """What an earlier exchange was about: its question, and, for a question with no topic of its own
    ("at that level?") or one that points back ("they", "that"), the section its answer quoted first and
    the opening of that answer, which name what the answer was about. A question with a topic of its own
    ("what do they earn?") takes the answer's first line only ("**Data Scientist** [1]", not the list
    under it): the answer's words would outweigh its own."""
    if not with_answer:
        return exchange.question
    first = exchange.answer.split("\n\n", 1)[0] if with_opening else exchange.answer.split("\n", 1)[0]
    opening = plain(first)[:MAX_CONTEXT_CHARS]
    sections = [str(c.get("section", "")).split(" > ")[-1] for c in exchange.citations[:1]]
    return " ".join(p for p in (exchange.question, *sections, opening) if p)


def resolve_items(question: str, items: list[str]) -> str | None:
    """The question with "the fourth one" / "the two" replaced by the items' text, or None."""
    if not items:
        return None
    match = _ITEM_REFERENCE.search(question)
    if match:
        position = int(match.group("num")) if match.group("num") else ORDINALS[match.group("ord").lower()]
        index = position - 1 if position > 0 else len(items) + position
        if 0 <= index < len(items):
            return f"{question[: match.start()]}{items[index]}{question[match.end() :]}".strip()
        return None
    match = _PAIR_REFERENCE.search(question)
    if match and len(items) >= 2:
        both = f"{items[0]} or {items[1]}"
        return f"{question[: match.start()]}{both}{question[match.end() :]}".strip()
    return None


_STEPS = [(re.compile(pattern, re.IGNORECASE), step) for pattern, step in RELATIVE_STEPS]


def step_of(question: str) -> int:
    """+1 when a question points at what comes after the passage just answered ("and the level after
    that?", "the next one up"), -1 at what comes before it, 0 otherwise."""
    return next((step for pattern, step in _STEPS if pattern.search(question)), 0)


_ANCHORED = [(re.compile(pattern, re.IGNORECASE), step) for pattern, step in ANCHORED_STEPS]


def anchored_step(question: str) -> int:
    """+1 when a question asks what comes after a passage it names itself ("what comes after senior?"),
    -1 for what comes before one ("the level below principal"), 0 otherwise."""
    return next((step for pattern, step in _ANCHORED if pattern.search(question)), 0)


def resolve(question: str, history: Sequence[Any] | None) -> Resolved:
    """The question as it stands on its own, with the earlier turn's subject when it leans on one."""
    if anchored := anchored_step(question):
        return Resolved(question, question, step=anchored)  # its own passage is where it steps from
    earlier = next((e for e in reversed(exchanges(history)) if e.lends_topic), None)
    if earlier is None or not (leans_on_context(question) or echoes(question, earlier)):
        return Resolved(question)
    resolved = resolve_items(question, items_of(earlier))
    if resolved is not None:
        return Resolved(resolved, earlier.question, item_reference=True)
    # A question without a topic of its own ("at that level?") or one that points back ("what do they do at
    # that stage?") may mean what the answer named rather than what was asked: the answer's opening joins.
    with_answer = not has_topic(question) or bool(_POINTS_BACK.search(question))
    context = subject_of(earlier, with_answer=with_answer, with_opening=not has_topic(question))
    return Resolved(question, context, step=step_of(question))
