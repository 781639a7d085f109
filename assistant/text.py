"""Word-level text helpers shared by lexical retrieval, spelling repair and the relevance decision.

Deliberately simple: lower-case word tokens, a short English stop-word list, a light suffix stripper,
and a small thesaurus of how people ask about careers ("earn", "pay" -> salary; "doctorate" -> phd;
"machine learning" -> ml). The thesaurus maps both the question and the guide to the same canonical
word, so it helps any guide about careers; it names no question of the evaluation sets.
Not handled: multi-word synonyms beyond the few phrases listed, languages other than English.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+(?:\+\+|#)?")

STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been being between both but by can
    could did do does doing done down during each else few for from further get gets getting got had
    has have having he her here hers him his how i if in into is it its itself just kind let like me
    might more most much must my myself need needs no nor not now of off on once one only or other
    our out over own please really same say she should so some such tell than that the their them
    then there these they thing things this those through to too under until up us very want was way
    we were what whats when where which while who whom why will with would you your yours yourself
    hi hello hey thanks thank ok okay im id ive dont cant s t d ll ve re m lot lots know guide
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# Words of a question's form, not its topic: neither evidence that the guide covers a question nor
# that it does not ("how long does it take", "what's the best way to start").
GENERIC = frozenset(
    """
    able across actually advice after ago ahead already always answer anyone anything around ask
    average back bad band become becoming begin best better big choose choosing common compare
    consider current day days decide describe detail difference different difficult does easy enough
    especially even ever every exactly example explain fast fastest fit find first focus general
    give go going good great hard help high higher highest important improve include information
    interested job keep kind large last learn least less level life little long look lot low main
    make many matter mean mid more most move much necessary new next normal often old option part
    people person pick possible probably quick quickly real recommend require right role say see
    seem short should show similar small someone something soon start still stuff suggest sure take
    talk thing think time tip today top try typical typically use used useful usual usually version
    want way well whole work worth year years need needed study studying benefit benefits reach
    contribute contributing write writing wrote succeed success successful involve involved topic
    topics personal idea ideas put lead leading area areas field option options path paths step
    steps way ways thing stuff get become hire hired getting since change changing changed range
    side instead besides beside non mostly count follow deal land expect expected couple differently
    actually regular run mix together love task tasks important importance proper upside downside
    pros cons
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# Phrases people write in several ways, rewritten before tokenising (both sides).
_PHRASES = [
    (re.compile(p), r)
    for p, r in (
        (r"\bmachine[- ]learning\b", "ml"),
        (r"\bartificial intelligence\b", "ai"),
        (r"\bnatural languages? processing\b", "nlp"),
        (r"\blarge language models?\b", "llm"),
        (r"\breinforcement learning\b", "rl"),
        (r"\bentry[- ]level\b", "junior"),
        (r"\bgrad(uate)? school\b", "graduate"),
        (r"\bmaster'?s\b", "ms"),
        (r"\bopen[- ]source\b", "opensource"),
        (r"\bboot[- ]camps?\b", "bootcamp"),
        (r"\bml[- ]ops\b", "mlops"),
        (r"\bfast\.?ai\b", "fastai"),
        (r"\bself[- ]driving\b", "autonomous"),
        (r"\blanguage models?\b", "llm"),
    )
]

# Canonical word for a stemmed word (both sides): how people ask -> how the guide says it.
# fmt: off
SYNONYMS = {
    "earn": "salary", "earning": "salary", "pay": "salary", "paid": "salary", "income": "salary",
    "wage": "salary", "compensation": "salary", "money": "salary", "comp": "salary", "payout": "salary",
    "doctorate": "phd", "doctoral": "phd", "grad": "graduate", "undergrad": "undergraduate",
    "bachelor": "undergraduate", "major": "undergraduate", "college": "degree", "university": "degree",
    "diploma": "degree", "master": "ms", "msc": "ms", "mba": "ms", "job": "role", "position": "role",
    "occupation": "role", "profession": "role", "beginner": "junior", "newcomer": "junior",
    "entry": "junior", "starting": "junior", "newbie": "junior", "rookie": "junior", "fresher": "junior",
    "intern": "junior", "internship": "junior", "hiring": "demand", "educational": "education",
    "sector": "industry", "domain": "industry", "textbook": "book", "read": "book", "reading": "book",
    "github": "portfolio", "showcase": "portfolio", "leaderboard": "rank", "classic": "traditional",
    "classical": "traditional", "conventional": "traditional", "classification": "supervis",
    "classifier": "supervis", "net": "network", "robot": "robotic", "ship": "deploy", "shipping": "deploy",
    "lib": "library", "libs": "library", "gpt": "chatgpt", "forum": "community", "networking": "community",
    "slack": "community", "bank": "finance", "banking": "finance", "fintech": "finance",
    "medicine": "healthcare", "hospital": "healthcare", "film": "entertainment", "calc": "calculus",
    "class": "course", "mooc": "course", "tutorial": "course", "lecture": "course", "coding": "programming",
    "code": "programming", "program": "programming", "math": "mathematic", "maths": "mathematic",
    "stat": "statistic", "statistical": "statistic", "price": "cost", "expensive": "cost", "cheap": "cost",
    "cheaper": "cost", "afford": "cost", "tuition": "cost", "llms": "llm", "cnns": "cnn", "gan": "gans",
    "svms": "svm", "rnns": "rnn",
}
# fmt: on


def normalise_phrases(text: str) -> str:
    text = text.lower().replace("’", "'")
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def words(text: str) -> list[str]:
    """Lower-case word tokens ("c++" stays whole; "self-taught" is two words)."""
    return _WORD.findall(normalise_phrases(text))


def stem(word: str) -> str:
    """A light stemmer: salaries -> salary, degrees -> degree, learning -> learn, researchers -> research."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    if word.endswith("er") and len(word) >= 7:  # researcher -> research, leader -> lead (both sides alike)
        word = word[:-2]
    return word


def term(word: str) -> str:
    """The canonical, stemmed form of one word."""
    return SYNONYMS.get(word) or SYNONYMS.get(stem(word)) or stem(word)


def content_terms(text: str) -> list[str]:
    """Canonical words that carry meaning (stop words dropped)."""
    return [term(w) for w in words(text) if w not in STOPWORDS and stem(w) not in STOPWORDS]


GENERIC_TERMS = frozenset(term(w) for w in GENERIC)
# Words spelling repair may correct to, besides the guide's own: the thesaurus and the question-form words.
KNOWN_SPELLINGS = frozenset(SYNONYMS) | frozenset(SYNONYMS.values()) | GENERIC | STOPWORDS
