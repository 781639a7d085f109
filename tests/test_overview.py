"""Questions that ask what kinds there are (assistant/overview.py), with stubbed passages."""

from assistant.overview import asks_for_kinds, listed_heading, named_siblings, narrows
from assistant.records import Chunk, Hit

ROLES = ("Guide", "Career Roles")


def hit(path: tuple[str, ...], text: str, score: float = 1.0) -> Hit:
    return Hit(Chunk(path[-1], "corpus/g.md", path, 1, 2, text), score, score, 0.0)


PASSAGES = [
    hit((*ROLES, "Machine Learning Engineer"), "- Build and deploy ML models"),
    hit((*ROLES, "Data Scientist"), "- Analyze and model data\n- Statistical analysis"),
    hit((*ROLES, "AI Product Manager"), "- Strategy for AI products"),
]


def test_the_form_of_a_question_for_kinds():
    for question in (
        "what roles are there?",
        "What are the career levels?",
        "what are the different paths in AI",
        "what kinds of jobs does the guide describe?",
        "list the specializations",
        "which books does the guide mention?",
    ):
        assert asks_for_kinds(question), question
    for question in ("what are the salaries for seniors?", "which role pays best?", "what does a data scientist do?"):
        assert not asks_for_kinds(question), question


def test_a_heading_is_listed_when_its_passages_lead_and_the_question_asks_for_kinds():
    assert listed_heading("what roles are there?", PASSAGES) == ("corpus/g.md", ROLES)
    assert listed_heading("what does an ML engineer do?", PASSAGES) is None  # not a question for kinds
    lone = [PASSAGES[0], hit(("Guide", "TL;DR"), "- Master Python")]
    assert listed_heading("what roles are there?", lone) is None  # one passage of the heading among the best


def test_words_that_single_out_one_passage_narrow_the_question_to_it():
    broad = frozenset({"ai", "ml"})
    assert not narrows("what roles are there in AI?", PASSAGES, broad)
    assert not narrows("what are the roles and their salaries?", PASSAGES, broad)
    assert narrows("what are the data scientist's tasks?", PASSAGES, broad)  # a word of one heading
    assert narrows("what product roles are there?", PASSAGES, broad)
    assert narrows("what statistical roles are there?", PASSAGES, broad)  # a word only one passage uses


LEARNING = ("Guide", "Self-Learning")
BOOKS = hit((*LEARNING, "Books"), '- "Deep Learning" (Goodfellow et al)', 1.9)
COURSES = hit((*LEARNING, "Courses"), "- Coursera ML by Andrew Ng", 1.4)


def test_siblings_a_question_names_by_their_headings_are_answered_together():
    found = named_siblings("what books and courses are recommended?", [BOOKS, PASSAGES[0], COURSES], frozenset())
    assert found == [BOOKS, COURSES]
    assert named_siblings("what books are recommended?", [BOOKS, COURSES], frozenset()) is None  # one named
    assert named_siblings("books, courses", [BOOKS, COURSES], frozenset()) is None  # not joined
    # Words that name both ("data scientist") single neither out; the guide's title words name no section.
    levels = [
        hit(("Guide", "Pay", "Junior Engineer / Data Scientist"), "$80K"),
        hit(("Guide", "Pay", "Engineer / Data Scientist"), "$120K"),
    ]
    assert named_siblings("junior or data scientist pay", levels, frozenset()) is None
    assert named_siblings("how do I learn books and courses", [BOOKS, COURSES], frozenset({"book"})) is None


def test_three_passages_under_another_heading_far_behind_the_best_are_not_listed():
    algorithms = hit(("Guide", "Algorithms", "Deep Learning"), "- CNN\n- GANs", 1.44)
    behind = [hit(("Guide", "AI vs ML", name), "- a line", 0.65) for name in ("AI", "ML", "DL")]
    assert listed_heading("does it mention generative adversarial networks", [algorithms, *behind], 0.4) is None
    close = [hit(("Guide", "AI vs ML", name), "- a line", 1.3) for name in ("AI", "ML", "DL")]
    assert listed_heading("does it mention the kinds of AI", [algorithms, *close], 0.4) == (
        "corpus/g.md",
        ("Guide", "AI vs ML"),
    )


def test_a_question_for_a_named_one_of_a_kind_the_guide_names_none_of():
    from assistant.overview import lacks_instances, named_pick, names_instances
    from assistant.records import Chunk, Hit

    assert named_pick("which specific bootcamp would you recommend?") == "bootcamp"
    assert named_pick("can you recommend a good bootcamp?") == "bootcamp"
    assert named_pick("which is better?") is None and named_pick("how do I start?") is None
    bootcamps = Chunk(
        "b",
        "g.md",
        ("Paths", "Bootcamps vs Degrees", "Bootcamps"),
        1,
        3,
        "- Faster entry (3-6 months)\n- Lower cost\n- Good for applied ML roles",
    )
    programs = Chunk(
        "p", "g.md", ("Paths", "Degree Programs", "Graduate"), 5, 6, "- MS in CS\n- PhD (for research roles)"
    )
    stats = Chunk("s", "g.md", ("Skills", "Statistics"), 8, 9, "- Descriptive statistics\n- Hypothesis testing")
    assert not names_instances(bootcamps.text)  # what bootcamps are like, no bootcamp named
    assert names_instances(programs.text) and names_instances(stats.text, "statistic")
    chunks = [bootcamps, programs, stats]
    assert lacks_instances("bootcamp", Hit(bootcamps, 1.0, 0.5, 0.0), chunks)
    assert not lacks_instances("degree", Hit(bootcamps, 1.0, 0.5, 0.0), chunks + [programs])  # not its heading
    assert not lacks_instances("statistics", Hit(stats, 1.0, 0.5, 0.0), chunks)
