"""What a question asks to be measured, and whether a passage states it.

"How much does a bootcamp cost?" asks for a sum: "Lower cost" is about cost but does not answer it, and
"how long is a masters?" wants a span of time ("2-4 years, higher cost"), not the masters programmes. A
question of such a form (lexicon.MEASURES) is led by a passage close to it that states the measure; when
none does, the answer names the measure as what the guide does not give ("how long it takes").
Pure functions over text and hits: no model, no index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .lexicon import EXPERIENCE, FORECASTS, MEASURES
from .records import Hit


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
    return replace(found, units=frozenset(m.group(1).lower() for m in found.unit.finditer(text)))


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


def by_measure(hits: list[Hit], measure: Measure, gap: float) -> tuple[list[Hit], bool]:
    """The hits led by the best one that states the measure, if it scores within `gap` of the best of all
    (its lines that state it ranked first, so that they are what the answer quotes); and whether one did.
    The other hits keep their order."""
    if not hits:
        return hits, False
    top = hits[0].score
    stating = next((h for h in hits if h.score >= top - gap and states(measure, h)), None)
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
    return int(found.group(1) or found.group(2)) if found else None


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
