"""Everything the assistant knows about the guide it serves that is not in the corpus: one home, so that
another guide is an edit of this data, not of the pipeline.

- the title shown before an index exists, and a one-line description of the subject (used in refusals);
- example questions, and the question people would ask about each section (suggestions are built from
  it, so every suggestion the app shows reads as a person asks, and is answerable);
- the sections that are not guidance (a closing advertisement: never the lead of an answer) and the
  summary sections that answer broad questions ("how do I get started?");
- occupation anchors, for recognising a question about another job;
- the career thesaurus: how people ask about careers, mapped to the guide's own words.
"""

from __future__ import annotations

import re

TITLE = "AI and Machine Learning Career Guide 2026"
SUBJECT = "careers in AI and machine learning (roles, skills, education, salaries and portfolios)"
ASK_ABOUT = "Ask about AI and ML careers."  # the chat window's one-line invitation
BOX_PLACEHOLDER = "Ask about roles, skills, degrees, salaries, portfolios…"

EXAMPLE_QUESTIONS = (
    "Do I need a PhD?",
    "How much does a senior ML engineer earn?",
    "Which programming language is essential?",
    "Should I do a bootcamp or a degree?",
    "What projects should I put in my portfolio?",
)

# The question a person would ask to get each section (by its heading). Suggestions after a refusal and
# "related questions" under an answer come from here; tests/test_suggestions.py asks every one, in each
# place it can be offered, and clicks each the page can show. A heading with no text of its own (a parent
# such as "Foundation Skills") is never found, so its question is offered only if the guide gains text there.
SECTION_QUESTIONS = {
    "TL;DR": "What matters most to break into AI and ML?",
    "Key Insight": "Why is AI and ML a good field to go into?",
    "AI vs Machine Learning vs Deep Learning": "What is the difference between AI, machine learning and deep learning?",
    "Artificial Intelligence": "What counts as artificial intelligence?",
    "Machine Learning": "What is machine learning?",
    "Machine Learning Engineer": "What does a machine learning engineer do?",
    "Data Scientist": "What does a data scientist do?",
    "AI Research Scientist": "What does an AI research scientist do?",
    "AI Product Manager": "What does an AI product manager do?",
    "Foundation Skills": "What foundation skills do I need?",
    "Mathematics": "What math do I need for machine learning?",
    "Statistics": "Which statistics topics should I learn?",
    "Programming and Tools": "Which programming tools should I learn?",
    "Languages": "Which programming language is essential?",
    "ML Frameworks": "Which ML framework should I learn?",
    "ML Algorithms and Concepts": "Which ML algorithms should I know?",
    "Supervised": "Which supervised learning methods should I know?",
    "Unsupervised": "Which unsupervised learning methods should I know?",
    "Deep Learning": "What is deep learning used for?",
    "Educational Paths": "How can I learn AI and ML?",
    "Degree Programs": "Which degrees lead to an AI or ML career?",
    "Undergraduate": "Which undergraduate degree is best for AI and ML?",
    "Graduate": "Do I need a PhD or a master's?",
    "Self-Learning and Online Courses": "Can I learn machine learning on my own?",
    "Courses": "Which online courses does the guide recommend?",
    "Books": "Which books does the guide recommend?",
    "Bootcamps vs Degrees": "Should I do a bootcamp or a degree?",
    "Degrees": "What are the advantages of a degree?",
    "Bootcamps/Self-Taught": "How long does a bootcamp take?",
    "Career Progression and Salaries": "How much do ML engineers earn at each level?",
    "Junior ML Engineer / Data Scientist": "How much does a junior ML engineer earn?",
    "ML Engineer / Data Scientist": "How much does a mid-level data scientist earn?",
    "Senior ML Engineer / Staff Scientist": "How much does a senior ML engineer earn?",
    "Principal / Staff / Research Scientist": "How much does a principal scientist earn?",
    "Industry Specializations": "Which AI specializations are in demand?",
    "Computer Vision": "What is computer vision used for?",
    "Natural Language Processing": "What is NLP used for?",
    "Reinforcement Learning": "What is reinforcement learning used for?",
    "MLOps": "What does MLOps involve?",
    "Building Your Portfolio": "What projects should I put in my portfolio?",
    "Conclusion": "What does it take to succeed in AI and ML?",
    "Next Steps": "How do I get started in machine learning?",
    "Need AI/ML Career Guidance?": "Does the guide offer career coaching?",
}

# Sections that advertise rather than guide: cited only when the question is about them, never a lead.
NOT_GUIDANCE = frozenset({"Need AI/ML Career Guidance?"})
# Sections that sum the guide up: the lead for a broad question that names no topic of its own.
SUMMARIES = ("TL;DR", "Next Steps", "Bootcamps vs Degrees")

# What readers of a careers guide ask about that this guide does not cover at all: a question's word close
# to one of these (by the model, Retriever.senses) is a subject the answer must name as missing. The
# guide's own scope statement, one line a topic; a new guide lists its own.
OUT_OF_SCOPE = (
    "a job interview or a hiring process",
    "negotiating a salary or a job offer",
    "a visa, immigration or a work permit",
    "remote or hybrid work",
    "stock options, equity or bonuses",
    "a resume, a CV or a cover letter",
    "an internship",
    "layoffs or job security",
    "job boards and job postings",
    "a person's age",
    "part-time work or study",
    "a certification or certificate",
    "freelancing or consulting",
)

# What a question about another job reads like, to the model (assistant/relevance.py).
OCCUPATION_ANCHORS = (
    "a person's job or occupation",
    "profession",
    "occupation",
    "job title",
    "what someone does for a living",
)

# The career thesaurus. Phrases people write in several ways, rewritten before tokenising (both sides).
PHRASES = [
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
        (r"\b(?:ai )?pms?\b", "ai product manager"),
        (r"\bmles?\b", "ml engineer"),
        (r"\blin(?:ear)?\.? ?alg(?:ebra)?\b", "linear algebra"),
        (r"\bds\b", "data scientist"),
        (r"\b(how much (?:do|does|did|would|will|can|could|should) [\w /-]{0,40}?)\bmake\b", r"\1 earn"),
    )
]

# Canonical word for a stemmed word (both sides): how people ask about careers -> how the guide says it.
# Words a question uses that the guide does not are also matched to the guide's words by the model
# (retrieval.Retriever.aliases), so this list holds only what the model gets wrong or misses.
# fmt: off
SYNONYMS = {
    # pay
    "earn": "salary", "earning": "salary", "pay": "salary", "paid": "salary", "income": "salary",
    "wage": "salary", "compensation": "salary", "money": "salary", "comp": "salary",
    # degrees and schooling
    "doctorate": "phd", "doctoral": "phd", "grad": "graduate", "undergrad": "undergraduate",
    "bachelor": "undergraduate", "major": "undergraduate", "college": "degree", "university": "degree",
    "diploma": "degree", "master": "ms", "msc": "ms", "uni": "degree", "unis": "degree",
    # roles and seniority
    "job": "role", "position": "role", "occupation": "role", "profession": "role",
    "beginner": "junior", "newcomer": "junior", "entry": "junior", "starting": "junior", "newbie": "junior",
    "fresher": "junior",
    # learning material
    "textbook": "book", "class": "course", "mooc": "course", "tutorial": "course", "github": "portfolio",
    # skills
    "coding": "programming", "code": "programming", "program": "programming", "math": "mathematic",
    "maths": "mathematic", "stat": "statistic", "statistical": "statistic",
    # cost
    "price": "cost", "expensive": "cost", "cheap": "cost", "cheaper": "cost", "afford": "cost", "tuition": "cost",
    # colloquial and short forms of the guide's words
    "ship": "deploy", "shipping": "deploy", "prod": "production", "lib": "library", "libs": "library",
    "sector": "industry", "domain": "industry", "classic": "traditional", "classical": "traditional",
    "conventional": "traditional", "calc": "calculus",
    # plurals the stemmer leaves alone
    "algo": "algorithm", "algos": "algorithm", "eng": "engine", "infra": "infrastructure", "llms": "llm", "cnns": "cnn", "gan": "gans", "svms": "svm", "rnns": "rnn",
}
# fmt: on
