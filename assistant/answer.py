"""Writes the answer the user reads: the guide's own words, numbered markers, and the citations.

Nothing here invents content: the lead quotes the bullets or sentences that matched, each with the
marker of the citation that holds it, and every excerpt is verbatim corpus text of at most 600
characters. When the guide does not cover a question the answer says so, cites nothing and suggests
questions about the sections nearest to what was asked.
"""

from __future__ import annotations

import re

from .chunking import strip_marker
from .records import Answer, Citation, Hit

MAX_CITATIONS = 4
SCORE_GAP = 0.25  # a passage this far below the best one is not worth showing
EXAMPLE_QUESTIONS = (
    "Do I need a PhD?",
    "How much does a senior ML engineer earn?",
    "Which programming language is essential?",
    "Should I do a bootcamp or a degree?",
    "What projects should I put in my portfolio?",
)
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|thanks|thank you|thx|cheers|"
    r"who are you|what can you do|help)\b[\s!.?,]*(there|again|so much|a lot)?[\s!.?]*$",
    re.IGNORECASE,
)


def is_greeting(question: str) -> bool:
    return bool(_GREETING.match(question))


def quoted_lines(hit: Hit) -> list[str]:
    """What to quote from a hit, as it reads in the guide (list markers removed). When the whole list is
    quoted, the items that answer the question are in bold."""
    if not hit.quotes:
        return [strip_marker(hit.chunk.text.split("\n")[0])]
    emphasise = len(set(hit.quote_lines)) > len(hit.lines)
    return [
        f"**{quote}**" if emphasise and line in hit.lines else quote for quote, line in zip(hit.quotes, hit.quote_lines)
    ]


def select(hits: list[Hit]) -> list[Hit]:
    if not hits:
        return []
    top = hits[0].score
    return [h for h in hits if h.score >= top - SCORE_GAP][:MAX_CITATIONS]


def citations(hits: list[Hit]) -> tuple[Citation, ...]:
    return tuple(
        Citation(
            n=n,
            source=h.chunk.source,
            section=h.chunk.section,
            excerpt=h.chunk.text,
            start_line=h.chunk.start_line,
            end_line=h.chunk.end_line,
            score=round(h.score, 4),
            highlight=h.lines,
        )
        for n, h in enumerate(hits, start=1)
    )


def join_quotes(quotes: list[str]) -> str:
    """Bullets joined by "; ", sentences (which end in their own full stop) by a space."""
    text = ""
    for quote in quotes:
        ended = text.rstrip("*").endswith((".", "!", "?"))
        text = quote if not text else f"{text} {quote}" if ended else f"{text}; {quote}"
    return text


def compose(question: str, hits: list[Hit]) -> Answer:
    chosen = select(hits)
    cited = citations(chosen)
    lead = join_quotes(quoted_lines(chosen[0])) or chosen[0].chunk.text
    parts = [f"**{chosen[0].chunk.section_path[-1]}:** {lead} [1]"]
    for n, hit in enumerate(chosen[1:], start=2):
        quote = join_quotes(quoted_lines(hit)) or hit.chunk.text
        parts.append(f"- *{hit.chunk.section_path[-1]}:* {quote} [{n}]")
    if len(parts) > 1:
        parts.insert(1, "\nThe guide also says:")
    return Answer(question=question, answer="\n".join(parts), abstained=False, citations=cited)


def abstain(question: str, nearby_sections: list[str], title: str) -> Answer:
    suggestions = tuple(f"What does the guide say about {name}?" for name in nearby_sections[:3])
    if len(suggestions) < 2:
        suggestions = EXAMPLE_QUESTIONS[:3]
    lines = [
        f"The guide doesn't cover that. *{title}* is about careers in AI and machine learning "
        "(roles, skills, education, salaries and portfolios), and I only answer from what it says.",
        "",
        "You could ask:",
        *[f"- {s}" for s in suggestions],
    ]
    return Answer(
        question=question,
        answer="\n".join(lines),
        abstained=True,
        citations=(),
        suggestions=suggestions,
        kind="abstain",
    )


def greet(question: str, title: str) -> Answer:
    lines = [
        f"Hello! I answer questions about *{title}*, quoting the guide with numbered sources.",
        "",
        "For example:",
        *[f"- {q}" for q in EXAMPLE_QUESTIONS[:3]],
    ]
    return Answer(
        question=question,
        answer="\n".join(lines),
        abstained=False,
        citations=(),
        suggestions=EXAMPLE_QUESTIONS[:3],
        kind="greeting",
    )
