"""Writes the answer the user reads: the guide's own words, numbered markers, and the citations.

Nothing here invents content. The lead quotes what answers the question: the bullet or sentence that
stands out from its passage, or the whole list when none does (a list question gets the list, as
bullets, in the answer itself; a one-line tagline above a list is not quoted). Each quote carries the
marker of the citation that holds it, and every excerpt is verbatim corpus text of at most 600
characters: the passage, with the heading right above it when that fits ("### Data Scientist" over its
duties), so that the excerpt says what its lines are about. Other passages close to the best one are listed under "The guide also says"; passages
further down are cited as sources only.

A question in several parts gets one lead per part, and the citations put each part's best passage
first. When the question asks for something the guide never mentions, the answer's first line names it
(and `not_covered` lists it). A refusal says so, names what is missing, and suggests questions about
the nearest sections, phrased as people ask them (guide.SECTION_QUESTIONS). Social turns get a short
reply without citations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .chunking import MAX_CHARS, is_tagline, strip_marker
from .config import Config
from .guide import EXAMPLE_QUESTIONS, NOT_GUIDANCE, SECTION_QUESTIONS, SUBJECT
from .records import Answer, Citation, Hit


@dataclass(frozen=True)
class Lead:
    """What an answer quotes from one passage: lines in reading order, and which of them answer."""

    quotes: tuple[str, ...]
    lines: tuple[int, ...]  # corpus line of each quote
    marked: tuple[int, ...]  # the lines that match the question best (highlighted in the card)
    emphasised: tuple[int, ...]  # items in bold in the answer: the few of a quoted list that answer
    is_list: bool  # the quotes are items of a list


def _is_item(hit: Hit, line: int) -> bool:
    text = hit.chunk.text.split("\n")
    index = line - hit.chunk.start_line
    return 0 <= index < len(text) and strip_marker(text[index]) != text[index].strip()


def lead_of(hit: Hit, config: Config = Config(), keep: frozenset[int] = frozenset()) -> Lead:
    """The lines of a passage to quote: the matched ones, or the whole list when no line stands out; and
    the lines at the positions in `keep` (Match.position: what an earlier answer quoted of a passage
    like this one, "$80K - $120K" of the junior level, is what "and senior?" wants of the senior one)."""
    if not hit.matches:
        first = hit.chunk.text.split("\n")[0]
        line = hit.chunk.start_line
        return Lead((strip_marker(first),), (line,), (line,), (), False)
    best = hit.matches[0]
    matched = [m for m in hit.matches if m.score >= best.score - config.match_margin][:3]
    matched += [m for m in hit.matches if m.position in keep and m not in matched]
    items = [m for m in hit.matches if _is_item(hit, m.line)]
    taglines = [m for m in hit.matches if not _is_item(hit, m.line) and is_tagline(m.quote)]
    # A list question gets the list: when no line stands out from the passage as a whole, or when what
    # matched best is only the tagline above the list ("Projects that impress: Recommended Projects").
    whole_list = len(items) >= 2 and (
        (hit.whole_dense is not None and best.dense - hit.whole_dense < config.stands_out) or best in taglines
    )
    chosen = [m for m in hit.matches if m not in taglines or len(items) < 2] if whole_list else matched
    if not items and len(hit.chunk.text) <= config.whole_prose:
        chosen = list(hit.matches)  # a short passage of prose is quoted whole: its lines answer together
    chosen.sort(key=lambda m: m.position)  # reading order
    # Bold marks items that answer: those that share a word of the question the heading does not (for
    # "which books?" no book of the Books list is in bold), when they are a few of many.
    marked = [m for m in matched if m.specific]
    return Lead(
        quotes=tuple(m.quote for m in chosen),
        lines=tuple(m.line for m in chosen),
        marked=tuple(dict.fromkeys(m.line for m in (marked or matched))),
        emphasised=tuple(m.line for m in marked) if whole_list and 0 < len(marked) <= len(chosen) // 2 else (),
        is_list=sum(_is_item(hit, m.line) for m in chosen) >= 2,
    )


def join_quotes(quotes: list[str]) -> str:
    """Bullets joined by "; ", sentences (which end in their own full stop) by a space."""
    text = ""
    for quote in quotes:
        ended = text.rstrip("*").endswith((".", "!", "?"))
        text = quote if not text else f"{text} {quote}" if ended else f"{text}; {quote}"
    return text


def lead_markdown(hit: Hit, n: int, config: Config, keep: frozenset[int] = frozenset()) -> str:
    """One passage's lead: "**Section:** quote [n]", or the section then its list as bullets, with
    the items that answer in bold when only some of them do."""
    lead = lead_of(hit, config, keep)
    name = hit.chunk.section_path[-1]
    if lead.is_list and len(lead.quotes) > 2:
        bullets = [f"- **{q}**" if line in lead.emphasised else f"- {q}" for q, line in zip(lead.quotes, lead.lines)]
        return f"**{name}** [{n}]\n" + "\n".join(bullets)
    return f"**{name}:** {join_quotes(list(lead.quotes))} [{n}]"


def also_markdown(hit: Hit, n: int, config: Config) -> str:
    lead = lead_of(hit, config)
    return f"- *{hit.chunk.section_path[-1]}:* {join_quotes(list(lead.quotes))} [{n}]"


def select(hits: list[Hit], config: Config = Config(), most: int | None = None) -> list[Hit]:
    if not hits:
        return []
    top = hits[0].score
    return [h for h in hits if h.score >= top - config.score_gap][: most or config.max_citations]


def citation(hit: Hit, n: int, config: Config) -> Citation:
    first, excerpt = hit.chunk.quoted(MAX_CHARS)
    return Citation(
        n=n,
        source=hit.chunk.source,
        section=hit.chunk.section,
        excerpt=excerpt,
        start_line=first,
        end_line=hit.chunk.end_line,
        score=round(hit.score, 4),
        highlight=lead_of(hit, config).marked,
    )


def missing_line(missing: tuple[str, ...]) -> str:
    names = list(missing)
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"The guide doesn't mention {listed}; here is what it does say."


def related(hits: list[Hit], exclude: set[str], most: int = 3) -> tuple[str, ...]:
    """Questions a reader may ask next: those of the other sections found, phrased as people ask them."""
    questions = []
    for hit in hits:
        name = hit.chunk.section_path[-1]
        question = SECTION_QUESTIONS.get(name)
        if question and name not in exclude and name not in NOT_GUIDANCE and question not in questions:
            questions.append(question)
    return tuple(questions[:most])


def compose(
    question: str,
    hits: list[Hit],
    config: Config = Config(),
    missing: tuple[str, ...] = (),
    keep: frozenset[int] = frozenset(),
) -> Answer:
    chosen = select(hits, config)
    top = chosen[0].score
    parts = [missing_line(missing), ""] if missing else []
    parts.append(lead_markdown(chosen[0], 1, config, keep))
    # With the question's subject missing, other passages are further still from what it asks: the lead
    # says what the guide does say, the rest are only sources.
    also_gap = config.also_gap if not missing else -1.0
    also = [also_markdown(h, n, config) for n, h in enumerate(chosen[1:], start=2) if h.score >= top - also_gap]
    if also:
        parts += ["", "The guide also says:", *also]
    cited = tuple(citation(h, n, config) for n, h in enumerate(chosen, start=1))
    return Answer(
        question=question,
        answer="\n".join(parts),
        abstained=False,
        citations=cited,
        suggestions=related(hits, {h.chunk.section_path[-1] for h in chosen[:1]}),
        not_covered=missing,
    )


def compose_overview(
    question: str, heading: str, hits: list[Hit], config: Config = Config(), missing: tuple[str, ...] = ()
) -> Answer:
    """Every passage under one heading, in the guide's order, each with its own citation: the answer to
    "what roles are there?" (assistant/overview.py)."""
    lines = [missing_line(missing), ""] if missing else []
    lines.append(f"**{heading}**")
    for n, hit in enumerate(hits, start=1):
        quotes = [strip_marker(line) for line in hit.chunk.text.split("\n") if line.strip()]
        lines.append(f"- **{hit.chunk.section_path[-1]}** [{n}]: {join_quotes(quotes)}")
    return Answer(
        question=question,
        answer="\n".join(lines),
        abstained=False,
        citations=tuple(citation(h, n, config) for n, h in enumerate(hits, start=1)),
        not_covered=missing,
    )


def compose_parts(
    question: str,
    parts: list[tuple[str, list[Hit] | None]],
    config: Config = Config(),
    missing: tuple[str, ...] = (),
) -> Answer:
    """One lead per part; `None` hits for a part the guide does not cover. Citations put each part's best
    passage first, then each part's second, so every part is among the first few sources."""
    chosen = [select(hits, config, most=config.per_part) if hits else [] for _, hits in parts]
    order: list[tuple[int, Hit]] = []
    for rank in range(config.per_part):
        for p, hits in enumerate(chosen):
            if rank < len(hits) and all(h.chunk.id != hits[rank].chunk.id for _, h in order):
                order.append((p, hits[rank]))
    number = {id(h): n for n, (_, h) in enumerate(order, start=1)}
    lines = [missing_line(missing), ""] if missing else []
    for (part, _), hits in zip(parts, chosen):
        lines.append(f"*{part.rstrip('?')}?*")
        if not hits:
            lines.append("The guide doesn't cover that part.")
        else:
            first = hits[0]
            n = number.get(id(first)) or next(number[id(h)] for _, h in order if h.chunk.id == first.chunk.id)
            lines.append(lead_markdown(first, n, config))
        lines.append("")
    cited = tuple(citation(h, n, config) for n, (_, h) in enumerate(order, start=1))
    return Answer(
        question=question,
        answer="\n".join(lines).rstrip(),
        abstained=False,
        citations=cited,
        not_covered=missing,
    )


def abstain(question: str, nearby_sections: list[str], title: str, missing: tuple[str, ...] = ()) -> Answer:
    suggestions = tuple(
        dict.fromkeys(SECTION_QUESTIONS[s] for s in nearby_sections if s in SECTION_QUESTIONS and s not in NOT_GUIDANCE)
    )[:3]
    if len(suggestions) < 2:
        suggestions = EXAMPLE_QUESTIONS[:3]
    opening = "The guide doesn't cover that."
    if missing:
        names = list(missing)
        opening = f"The guide doesn't cover that: it never mentions {' or '.join(names) if len(names) < 3 else ', '.join(names)}."
    lines = [
        f"{opening} *{title}* is about {SUBJECT}, and I only answer from what it says.",
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
        not_covered=missing,
    )


SOCIAL_REPLIES = {
    "thanks": "You're welcome! Ask me anything else about the guide.",
    "bye": "Goodbye, and good luck with your career in AI and ML!",
    "ack": "Glad that helps. What else would you like to know from the guide?",
    "language": "I answer questions in English only, from the guide's English text. Could you ask in English?",
}


def social(question: str, kind: str, title: str) -> Answer:
    if kind == "greeting":
        return greet(question, title)
    return Answer(
        question=question,
        answer=SOCIAL_REPLIES[kind],
        abstained=False,
        citations=(),
        suggestions=EXAMPLE_QUESTIONS[:3] if kind == "language" else (),
        kind="language" if kind == "language" else "social",
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
