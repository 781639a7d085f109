"""Questions that ask what kinds there are: answered with every passage under one heading.

"What roles are there?", "what are the career levels?", "list the specializations": the guide answers
these with a heading and the passages under it (four roles, four levels), not with any one of them.
When a question asks for the kinds of something (its form: "are there", "what are the ...s?", "kinds
of", "list ...") and its best passages are siblings under one heading that its words do not narrow to
one ("what are the statistics topics?" is about Statistics), the answer lists every passage under that
heading, in the guide's order, each with its own citation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import KIND_QUALIFIERS, KIND_WORDS, STOPWORDS
from .records import Chunk, Hit
from .text import GENERIC_TERMS, content_terms, in_dictionary, term, words

MAX_SIBLINGS = 6  # a heading with more passages than this is not listed whole
_LOOK_AT = 4  # the best passages looked at for siblings

_THERE = re.compile(r"^\s*(?:what|which|wat|wht)\b.*\b(?:are there|r there|exist|do you have|can i choose)\b")
_WHAT_ARE = re.compile(
    r"^\s*(?:what|which|wat|wht)\s+(?:are|r|were)\s+(?:all\s+)?(?:the\s+)?(?:(?:"
    + "|".join(KIND_QUALIFIERS)
    + r")\s+)?(?:(?!(?:for|of|in|at|to|with|by|on|from|after|before)\b)[\w/-]+\s+){0,2}[\w-]+s\s*(?:\?|$|in\b|of\b|there\b|available\b|out there\b|for me\b)"
)
_KINDS_OF = re.compile(r"\b(?:" + "|".join(KIND_WORDS) + r")\s+of\b")
_LIST = re.compile(r"^\s*(?:list|name|enumerate|give me (?:a list|all)|show me (?:a list|all))\b")
_GUIDE_LISTS = re.compile(r"\bdoes (?:the guide|it|this guide) (?:list|mention|describe|cover|name|outline)\b")


def asks_for_kinds(question: str) -> bool:
    """Whether a question asks what kinds of something there are (its form, not its topic)."""
    text = question.lower().replace("’", "'").strip()
    return any(p.search(text) for p in (_THERE, _WHAT_ARE, _KINDS_OF, _LIST, _GUIDE_LISTS))


def parent_of(hit: Hit) -> tuple[str, tuple[str, ...]]:
    return hit.chunk.source, hit.chunk.section_path[:-1]


def listed_heading(question: str, hits: list[Hit], gap: float = float("inf")) -> tuple[str, tuple[str, ...]] | None:
    """The heading (its file and path) whose passages may answer a question that asks for kinds, or None:
    the parent of the best passage when another of the best few shares it, or of three of the best few
    that score within `gap` of the best ("does it mention GANs?" is about the one passage far ahead, not
    the three under another heading behind it)."""
    if not hits or not asks_for_kinds(question):
        return None
    best = [h for h in hits[: _LOOK_AT + 1] if len(h.chunk.section_path) >= 2]
    counts = {parent_of(h): sum(parent_of(g) == parent_of(h) for g in best) for h in best}
    close = {parent_of(h) for h in best if h.score >= hits[0].score - gap}
    for parent, count in sorted(counts.items(), key=lambda item: -item[1]):
        # Two of the best few with the best one among them, or three of them ("what are the four roles in
        # the guide?" finds the TL;DR's "research roles" first, then three roles).
        if (count >= 2 and parent_of(hits[0]) == parent) or (count >= 3 and parent in close):
            return parent
    return None


_JOINS = re.compile(r"\b(?:and|or|vs|versus|plus)\b|&", re.IGNORECASE)


def named_siblings(question: str, hits: list[Hit], broad: frozenset[str]) -> list[Hit] | None:
    """Passages under one heading that a question names each by its own heading, joined ("what books and
    courses does the guide recommend?", "supervised and unsupervised algorithms?"): all of them answer it,
    best first, although the second scores well below the first. None unless two or more of the best
    few are named so and share the heading of the best named one, or when the question's other words
    single one out ("is anomaly detection supervised or unsupervised?": `narrows`). A heading of
    alternatives ("Bootcamps/Self-Taught") is named by any of them."""
    if not _JOINS.search(question):
        return None
    asked = set(content_terms(question)) - GENERIC_TERMS
    naming: list[tuple[Hit, set[str]]] = []
    for h in hits[: _LOOK_AT + 2]:
        if len(h.chunk.section_path) < 2:
            continue
        alternatives = h.chunk.section_path[-1].split("/")
        # Not by the guide's title words alone ("how can I learn AI and ML?" names no section).
        said = [t for a in alternatives if (t := set(content_terms(a)) - GENERIC_TERMS) and t <= asked and t - broad]
        if said:
            naming.append((h, set().union(*said)))
    if not naming:
        return None
    together = [(h, said) for h, said in naming if parent_of(h) == parent_of(naming[0][0])]
    # Each must be named by words that do not name another of them too: "data scientist" names both
    # "Junior ML Engineer / Data Scientist" and "ML Engineer / Data Scientist", so neither is singled out.
    headings = {h.chunk.id: set(content_terms(h.chunk.section_path[-1])) for h, _ in together}
    if len(together) < 2 or any(
        said <= headings[g.chunk.id] for h, said in together for g, _ in together if g is not h
    ):
        return None
    named = [h for h, _ in together]
    names: set[str] = set().union(*(said for _, said in together))
    rest = " ".join(w for w in words(question) if term(w) not in names)
    return None if narrows(rest, named, broad) else named


def narrows(question: str, passages: list[Hit], broad: frozenset[str]) -> bool:
    """Whether the question's own words single out one of the passages under a heading: its whole heading
    ("what are the main types of machine learning?"), a word of one passage's heading alone ("what are
    the statistics topics?"), or a word, not the plural of the kinds asked for, that only one passage
    uses ("what master's programs are there?": "ms" is Graduate's)."""
    said = [w for w in words(question) if w not in STOPWORDS]
    named = {term(w) for w in said} - GENERIC_TERMS
    topic = named - broad
    singular = {term(w) for w in said if not (w.endswith("s") and term(w) != w)} & topic
    headings = [set(content_terms(h.chunk.section_path[-1])) for h in passages]
    texts = [set(content_terms(h.chunk.text)) | heading for h, heading in zip(passages, headings)]
    for i, heading in enumerate(headings):
        others = set().union(*(h for j, h in enumerate(headings) if j != i))
        other_texts = set().union(*(t for j, t in enumerate(texts) if j != i))
        if topic & (heading - others) or singular & (texts[i] - other_texts) or heading <= named:
            return True
    return False


_PICK = (
    # "which bootcamp is the best?", "which specific bootcamp would you recommend?"
    re.compile(
        r"\bwhich\s+(?:specific\s+|particular\s+)?([a-z][\w-]+)\s+(?:is|are|would|should|do|does|to|for|i|you)\b"
    ),
    # "the best bootcamp for beginners", "recommend a good bootcamp"
    re.compile(
        r"\b(?:best|top)\s+([a-z][\w-]+)\s+(?:for|to|in|out there|around|right now)\b"
        r"|\b(?:best|top)\s+([a-z][\w-]+)\s*[?!.]*$"
    ),
    re.compile(r"\brecommend\s+(?:a|an|any|some|one)?\s*(?:specific|particular|good)?\s*([a-z][\w-]+)"),
)


def named_pick(question: str) -> str | None:
    """The word for what a question asks to be named one of ("which specific bootcamp would you recommend?"
    -> bootcamp), or None."""
    text = question.lower().replace("’", "'")
    for pattern in _PICK:
        if found := pattern.search(text):
            word = next(g for g in found.groups() if g)
            return None if word in STOPWORDS else word
    return None


_ITEM = re.compile(r"^\s*[-*]\s+(.*)$", re.MULTILINE)


def names_instances(text: str, kind: str = "") -> bool:
    """Whether a passage's list names things ("Coursera ML by Andrew Ng", "PyTorch", '"Deep Learning"',
    "Computer Science") rather than saying what one kind is like ("Faster entry (3-6 months)", "Lower
    cost"): a word written with a capital after the item's first, one with capitals or signs inside, a
    quoted title, a first word no dictionary knows, or the word for the `kind` itself. A passage without a
    list may name anything."""
    items = _ITEM.findall(text)
    if not items:
        return True
    for item in items:
        said = re.sub(r"\([^)]*\)", " ", item).split()
        if not said:
            continue
        first = said[0]
        if kind and kind in content_terms(item):
            return True  # "Descriptive statistics" is one of the statistics
        # a later word in Title case ("Computer Science", "Andrew Ng"), not an acronym ("applied ML roles")
        if '"' in item or "“" in item or any(w[:1].isupper() and not w.isupper() for w in said[1:]):
            return True
        letters = any(c.isalpha() for c in first)
        if any(c.isupper() for c in first[1:]) or (letters and not first.isalpha()):
            return True  # "PyTorch", "SVM", "C++", "Fast.ai"; not "2-4 years"
        if first.isalpha() and not in_dictionary(first.lower()):
            return True  # "Kaggle", "Coursera"
    return False


def lacks_instances(pick: str, lead: Hit, chunks: Sequence[Chunk]) -> bool:
    """Whether the guide answers "which <pick> ...?" with no instance of it: the lead is about that kind
    as a whole (its own heading names it: "Bootcamps/Self-Taught" for a bootcamp), and no passage under
    a heading that names it names one ("Computer Science" under "Degree Programs") or has an item that
    says the word ("Descriptive statistics")."""
    said = term(pick)
    if said not in content_terms(lead.chunk.section_path[-1]):
        return False
    under = [c for c in chunks if said in {t for name in c.section_path for t in content_terms(name)}]
    return not any(names_instances(c.text, said) for c in under)
