"""What a question asks to be measured, and whether a passage states it.

"How much does a bootcamp cost?" asks for a sum: "Lower cost" is about cost but does not answer it, and
"how long is a masters?" wants a span of time ("2-4 years, higher cost"), not the masters programmes. A
question of such a form (lexicon.MEASURES) is led by a passage close to it that states the measure; when
none does, the answer names the measure as what the guide does not give ("how long it takes").
Pure functions over text and hits: no model, no index.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .lexicon import CHOICE, EXPERIENCE, EXTREMES, FORECASTS, MEASURE_WORDS, MEASURES
from .records import Hit
from .text import STOPWORDS, content_terms, term, words

COUNT = "count"  # the measure of how many things (lexicon.MEASURES)
SUMS = frozenset({"pay", "cost"})  # the measures that are sums of money


@dataclass(frozen=True)
class Measure:
    name: str  # "pay", "cost", "time"
    asks: re.Pattern[str]  # a question of this form asks for it
    states: re.Pattern[str]  # a line of this form states it
    label: str  # how an answer names it when the guide does not give it
    unit: re.Pattern[str] | None = None  # its units, the singular captured ("hours" -> hour)
    units: frozenset[str] = frozenset()  # the units the question names: a line must state it in one of them


KINDS = tuple(
    Measure(
        name,
        re.compile(asks, re.IGNORECASE),
        re.compile(states, re.IGNORECASE),
        label,
        re.compile(unit, re.IGNORECASE) if unit else None,
    )
    for name, asks, states, label, unit in MEASURES
)


UNIT_WORDS = 3  # words after the asking phrase that may name its unit ("how many hours a week")
_FORECASTS = tuple((re.compile(form, re.IGNORECASE), label) for form, label in FORECASTS)


def asked_forecast(text: str) -> str | None:
    """How to name the forecast a question asks for ("will AI replace data scientists?"), or None: the
    guide says what is, never what will be, so no passage gives one."""
    return next((label for form, label in _FORECASTS if form.search(text)), None)


def asked_measure(text: str) -> Measure | None:
    """The measure a question asks for, or None ("what do ML engineers do?"), with the units it names
    ("how many hours a week": hour, week)."""
    found = next((m for m in KINDS if m.asks.search(text)), None)
    if found is None or found.unit is None:
        return found
    # The units of the asking phrase and the few words after it ("how many hours a week"), not those of
    # the rest ("... to learn ML in a year?": a span in years does not answer it).
    asking = found.asks.search(text)
    assert asking is not None
    near = " ".join([asking.group(0), *text[asking.end() :].split()[:UNIT_WORDS]])
    if found.name == COUNT:
        # Counted things are named by their words up to the next stop word ("how many leetcode problems
        # should I ...": a line with a number and "leetcode" or "problems").
        named = list(itertools.takewhile(lambda w: w not in STOPWORDS, words(text[asking.end() :])))[:UNIT_WORDS]
        if not named:
            return None
        return replace(found, units=frozenset(term(w) for w in named), label=f"{found.label} {' '.join(named)}")
    return replace(found, units=frozenset(m.group(1).lower() for m in found.unit.finditer(near)))


def without_measure(text: str) -> str:
    """The question with what it asks to be measured taken out: "what do ML engineers earn" is about ML
    engineers, which is what a later part ("and what should they study?") leans on, not their pay."""
    for measure in KINDS:
        text = measure.asks.sub(" ", text)
    return " ".join(text.split())


def states(measure: Measure, hit: Hit) -> bool:
    return any(_states_line(measure, line, hit.chunk.section) for line in hit.chunk.text.splitlines())


def _states_line(measure: Measure, line: str, section: str = "") -> bool:
    """Whether a line states the measure, and not another of the same form, by its words or its section's:
    "median salaries exceeding $160,000" states a sum, but a salary, not a price; so does "$80K - $120K"
    under "Career Progression and Salaries"."""
    if not measure.states.search(line):
        return False
    if measure.name == COUNT:
        return bool(measure.units & set(content_terms(line)))
    if (
        measure.units
        and measure.unit
        and not any(m.group(1).lower() in measure.units for m in measure.unit.finditer(line))
    ):
        return False
    return not any(
        other.asks.search(f"{section} {line}")
        for other in KINDS
        if other is not measure and other.states.pattern == measure.states.pattern
    )


def of_subject(hit: Hit, measure: Measure, subject: frozenset[str]) -> bool:
    """Whether what a passage states is of the question's subject. A span of time: the subject is named by
    its headings or in the sentence that gives the span ("How long does a PhD take?" is not answered by "8+
    years. ... PhD common at this level.", years of experience in another sentence; "how long is a
    bootcamp?" is by "Faster entry (3-6 months)" under "Bootcamps"). A maker: on a line that names the
    subject outside the brackets. Sums and counts, and a question without a subject of its own, are not
    checked."""
    if measure.name not in ("time", "who") or not subject:
        return True
    headings = {t for name in hit.chunk.section_path for t in content_terms(name)}
    if measure.name == "who":
        # The maker is on the line naming what is asked about, outside the brackets (by a word its headings
        # do not give): "Large Language Models (ChatGPT)" does not say who made ChatGPT.
        return any(
            measure.states.search(line) and (subject - headings) & set(content_terms(measure.states.sub(" ", line)))
            for line in hit.chunk.text.splitlines()
        )
    if subject & headings:
        return True
    sentences = (s for line in hit.chunk.text.splitlines() for s in re.split(r"[.;!?](?:\s|$)", line))
    return any(_SPAN_OF_TIME.search(s) and subject & set(content_terms(s)) for s in sentences)


def by_measure(
    hits: list[Hit], measure: Measure, gap: float, subject: frozenset[str] = frozenset()
) -> tuple[list[Hit], bool]:
    """The hits led by the best one that states the measure (of the question's `subject`: of_subject), if
    it scores within `gap` of the best of all (its lines that state it ranked first, so that they are what
    the answer quotes); and whether one did. The other hits keep their order."""
    if not hits:
        return hits, False
    if measure.name == "who" and not subject:
        return hits, True  # "who wrote this?": about the guide itself, which its opening lines say
    top = hits[0].score
    stating = next(
        (h for h in hits if h.score >= top - gap and states(measure, h) and of_subject(h, measure, subject)), None
    )
    if stating is None:
        return hits, False
    return [_stated_first(stating, measure)] + [h for h in hits if h is not stating], True


def _stated_first(hit: Hit, measure: Measure) -> Hit:
    return _first(hit, lambda line: _states_line(measure, line, hit.chunk.section))


def _first(hit: Hit, answers: Callable[[str], bool]) -> Hit:
    """The hit with the lines that answer first, scored as its best line and marked as specific to the
    question (they are what answers: in bold when the answer quotes the whole list)."""
    best = max((m.score for m in hit.matches), default=0.0)
    stating = [replace(m, score=best, specific=True) for m in hit.matches if answers(m.quote)]
    return replace(hit, matches=tuple(stating + [m for m in hit.matches if not answers(m.quote)]))


_EXPERIENCE, _SPAN = (re.compile(p, re.IGNORECASE) for p in EXPERIENCE)


def years_of_experience(text: str) -> int | None:
    """The years of experience a question gives ("a ds with like 3 yoe"), or None."""
    found = _EXPERIENCE.search(text)
    return int(next(g for g in found.groups() if g)) if found else None


def holds(line: str, years: int) -> bool:
    """Whether a line states a span of years that holds `years` ("2-5 years" holds 3; "8+ years" holds 10)."""
    for span in _SPAN.finditer(line):
        low = int(span.group(1))
        if span.group(3) and years >= low or span.group(2) and low <= years < int(span.group(2)):
            return True
    return False


def by_experience(hits: list[Hit], years: int, gap: float) -> list[Hit]:
    """The hits led by the best one within `gap` of the best whose span of years holds `years` (its line
    first), if any: "how much does a ds with 3 yoe make?" is the 2-5 years band's question."""
    if not hits:
        return hits
    top = hits[0].score
    holding = next(
        (h for h in hits if h.score >= top - gap and any(holds(line, years) for line in h.chunk.text.splitlines())),
        None,
    )
    if holding is None:
        return hits
    return [_first(holding, lambda line: holds(line, years))] + [h for h in hits if h is not holding]


@dataclass(frozen=True)
class Extreme:
    """A question asking which thing has the most or least of a measure ("which of those is quickest?")."""

    measure: Measure
    most: bool


_EXTREMES = tuple(
    (name, most == "most", re.compile(superlative, re.IGNORECASE), re.compile(comparative, re.IGNORECASE))
    for name, most, superlative, comparative in EXTREMES
)
_CHOICE = re.compile(CHOICE, re.IGNORECASE)
_MEASURE_WORDS = {name: re.compile(words, re.IGNORECASE) for name, words in MEASURE_WORDS.items()}
_AMOUNT = re.compile(r"[$€£]?\s?(\d[\d,]*(?:\.\d+)?)\s?([kKmM])?\b")
_SPAN_OF_TIME = re.compile(r"\b(\d+)\s*(?:[-–]\s*(\d+)\s*)?\+?\s*(year|yr|month|week|day|hour)s?\b", re.IGNORECASE)
_DAYS = {"year": 365.0, "yr": 365.0, "month": 30.0, "week": 7.0, "day": 1.0, "hour": 1 / 24}


def asked_extreme(text: str) -> Extreme | None:
    """The measure a question asks the most or least of ("which pays the most?"), or None."""
    choice = bool(_CHOICE.search(text))
    for name, most, superlative, comparative in _EXTREMES:
        if superlative.search(text) or (choice and comparative.search(text)):
            return Extreme(next(m for m in KINDS if m.name == name), most)
    return None


def amount(measure: Measure, line: str) -> float | None:
    """What a line states of a measure, as one number (the middle of a range): days for a span of time
    ("3-6 months": 135), the sum for pay and cost ("$80K - $120K": 100,000); None when it states none."""
    if not _states_line(measure, line):
        return None
    if measure.name == "time":
        spans = [
            (int(m.group(1)) + int(m.group(2) or m.group(1))) / 2 * _DAYS[m.group(3).lower()]
            for m in _SPAN_OF_TIME.finditer(line)
        ]
        return sum(spans) / len(spans) if spans else None
    sums = [
        float(m.group(1).replace(",", "")) * {"k": 1e3, "m": 1e6}.get((m.group(2) or "").lower(), 1.0)
        for m in _AMOUNT.finditer(line)
    ]
    return sum(sums) / len(sums) if sums else None


def by_extreme(hits: list[Hit], extreme: Extreme, gap: float) -> tuple[list[Hit], bool]:
    """The hits led by the one, among those within `gap` of the best that state the measure, whose figure
    is the largest (or smallest): "which of those is quickest?" after bootcamps and degrees is the
    bootcamp's "3-6 months", not the degree's "2-4 years". Fewer than two such passages: unchanged. And
    whether any states it, by a figure or in words ("Lower cost"): "is JAX faster than PyTorch?" is not."""
    if not hits:
        return hits, False
    top = hits[0].score
    figures: list[tuple[float, Hit]] = []
    for hit in hits:
        found = [a for line in hit.chunk.text.splitlines() if (a := amount(extreme.measure, line)) is not None]
        if hit.score >= top - gap and found:
            figures.append((sum(found) / len(found), hit))
    if len(figures) < 2:
        said = _MEASURE_WORDS.get(extreme.measure.name)
        in_words = said is not None and any(
            said.search(line) for h in hits if h.score >= top - gap for line in h.chunk.text.splitlines()
        )
        return hits, bool(figures) or in_words
    _, chosen = (max if extreme.most else min)(figures, key=lambda pair: pair[0])
    first = _first(chosen, lambda line: amount(extreme.measure, line) is not None)
    return [first] + [h for h in hits if h is not chosen], True
