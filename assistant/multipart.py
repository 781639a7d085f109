"""Splits a question in several parts into questions that can each be searched for.

"What do data scientists earn and what should they study?" is two questions: each part is retrieved on
its own so that the answer quotes a passage for each. A question splits where a new question starts:
after a question mark, or at "and" / "also" / "plus" / a comma when a question word follows ("and
what ...", ", how long ..."). A part that leans on the one before ("what should they study?") takes it
as context (assistant/conversation.py). Not split: a list of topics in one question ("salary and skills
of a data scientist"), which is searched whole.
"""

from __future__ import annotations

import re

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


def split_parts(question: str) -> list[str]:
    parts = [p.strip(" ,;") for p in _SPLIT.split(question)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(len(p.split()) < MIN_PART_WORDS for p in parts):
        return [question]
    return parts[:MAX_PARTS]
