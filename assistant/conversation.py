"""Follow-up questions: turn "and how much do they earn?" into a question that stands on its own.

A question that leans on the conversation (a pronoun without a subject, "and ...", "what about ...",
"what else ...", or just a few words) is searched together with the user's previous question, which
carries the subject: the assistant averages the question's embedding with that of both questions
joined, so the new question keeps its own weight ("and for statistics?" after a maths question). Answers of the assistant are not used: they quote the guide, and would pull the
search back to the passage already shown. Not done: resolving references further back than the last
user question that stands on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .text import content_terms

_LEANS_ON_CONTEXT = re.compile(
    r"^\s*(and|also|but|so|then|what about|how about|and what|what else|anything else|same for|"
    r"ok(ay)?|what if)\b|\b(they|them|their|theirs|it|its|this|that|these|those|he|she|his|her|one|ones|"
    r"there|else|such|the same|this role|that role|that job|this job|the role|the job)\b",
    re.IGNORECASE,
)
MAX_HISTORY_TURNS = 50  # only the most recent turns are looked at; older ones cannot change the answer


def user_turns(history: Sequence[Any] | None) -> list[str]:
    """The user's earlier questions, oldest first, from a list of {"role", "content"} dicts."""
    turns: list[str] = []
    for turn in list(history or [])[-MAX_HISTORY_TURNS:]:
        if isinstance(turn, dict) and turn.get("role") == "user" and isinstance(turn.get("content"), str):
            turns.append(turn["content"].strip())
    return [t for t in turns if t]


def is_follow_up(question: str) -> bool:
    return bool(_LEANS_ON_CONTEXT.search(question)) or len(content_terms(question)) <= 1


def earlier_question(question: str, history: Sequence[Any] | None) -> str | None:
    """The previous user question a follow-up depends on, or None when the question stands alone."""
    previous = user_turns(history)
    if not previous or not is_follow_up(question):
        return None
    # The nearest earlier question that stands on its own names the subject.
    for earlier in reversed(previous):
        if not is_follow_up(earlier):
            return earlier
    return previous[-1]
