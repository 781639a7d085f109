"""What a question asks to be measured, and whether a passage states it, as pure logic."""

import pytest

from assistant.measures import (
    asked_forecast,
    asked_measure,
    by_experience,
    by_measure,
    holds,
    without_measure,
    years_of_experience,
)
from assistant.records import Chunk, Hit, Match


def hit(name: str, lines: list[str], score: float) -> Hit:
    matches = tuple(
        Match(line=10 + i, quote=line, score=score - 0.01 * i, dense=0.5, lexical=0.0, position=i)
        for i, line in enumerate(lines)
    )
    chunk = Chunk(name, "guide.md", ("Paths", name), 10, 10 + len(lines) - 1, "\n".join(lines))
    return Hit(chunk, score, 0.5, 0.0, matches)


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("how much does a bootcamp cost?", "cost"),
        ("what's the price of a masters", "cost"),
        ("what do they earn?", "pay"),
        ("how much do senior ML engineers make", "pay"),
        ("how long is a masters?", "time"),
        ("how quickly can I get a job", "time"),
        ("how many months is a bootcamp", "time"),
        ("what does a data scientist do?", None),
        ("how much math do I need?", None),
        ("is a bootcamp cheaper than a degree?", None),
    ],
)
def test_a_question_asks_for_a_sum_or_a_span_of_time_by_its_form(question, measure):
    found = asked_measure(question)
    assert (found.name if found else None) == measure


DEGREES = hit("Degrees", ["Deeper theoretical foundation", "2-4 years, higher cost"], 1.2)
GRADUATE = hit("Graduate", ["MS in Data Science", "PhD (for research roles)"], 1.3)
BOOTCAMPS = hit("Bootcamps", ["Lower cost", "Practical focus"], 1.25)


def test_the_passage_that_states_the_measure_leads_and_quotes_that_line_first():
    hits, stated = by_measure([GRADUATE, BOOTCAMPS, DEGREES], asked_measure("how long is a degree?"), gap=0.3)
    assert stated
    assert [h.chunk.id for h in hits] == ["Degrees", "Graduate", "Bootcamps"]
    assert hits[0].matches[0].quote == "2-4 years, higher cost"


def test_a_passage_far_below_the_best_does_not_lead_and_none_stating_it_is_said():
    hits, stated = by_measure([GRADUATE, BOOTCAMPS, DEGREES], asked_measure("how long is a degree?"), gap=0.05)
    assert not stated and hits[0] is GRADUATE
    hits, stated = by_measure([BOOTCAMPS, GRADUATE], asked_measure("how much does a bootcamp cost?"), gap=0.3)
    assert not stated and hits[0] is BOOTCAMPS  # "Lower cost" speaks of cost but gives no sum


def test_what_a_later_part_leans_on_is_the_subject_not_the_measure():
    assert without_measure("what do ML engineers earn") == "what do ML engineers"
    assert without_measure("how long is a masters") == "is a masters"


def test_a_salary_is_no_price_and_a_price_no_salary():
    title = hit("Guide", ["Roles have grown 75% with median salaries exceeding $160,000"], 1.4)
    hits, stated = by_measure([title, BOOTCAMPS], asked_measure("how much does the coaching cost?"), gap=0.3)
    assert not stated and hits[0] is title
    fee = hit("Fees", ["Tuition costs $20K"], 1.3)
    assert not by_measure([fee], asked_measure("what do they earn?"), gap=0.3)[1]
    assert by_measure([fee], asked_measure("how much does it cost?"), gap=0.3)[1]


def test_a_question_that_names_a_unit_is_not_answered_by_a_span_in_another():
    levels = hit("Levels", ["$120K - $180K", "2-5 years. Own projects end-to-end"], 1.3)
    camps = hit("Camps", ["Faster entry (3-6 months)"], 1.2)
    assert not by_measure([levels], asked_measure("how many hours a week do data scientists work?"), gap=0.3)[1]
    assert by_measure([levels], asked_measure("how many years until I am mid-level?"), gap=0.3)[1]
    hits, stated = by_measure([levels, camps], asked_measure("how many months is a bootcamp?"), gap=0.3)
    assert stated and hits[0].chunk.id == "Camps"


@pytest.mark.parametrize(
    ("question", "forecast"),
    [
        ("will AI replace ML engineers by 2030?", True),
        ("is data science going to disappear?", True),
        ("will AI automate away data science jobs?", True),
        ("can ML replace traditional programming?", False),  # what ML is, not what will be
        ("what should I learn to replace my current job?", False),
        ("will MLOps automate deployment?", False),
        ("will I be able to get a job after a bootcamp?", False),
    ],
)
def test_a_question_that_asks_for_a_forecast_is_told_by_its_form(question, forecast):
    assert (asked_forecast(question) == "forecasts") is forecast


def test_a_sum_under_a_section_of_salaries_is_no_price():
    band = Hit(
        Chunk("Junior", "guide.md", ("Career Progression and Salaries", "Junior"), 1, 1, "$80K - $120K"), 1.5, 0.5, 0.0
    )
    hits, stated = by_measure([band, GRADUATE], asked_measure("how much does tuition for an MS cost?"), gap=0.3)
    assert not stated
    assert by_measure([band], asked_measure("what do juniors earn?"), gap=0.3)[1]


def test_years_of_experience_lead_to_the_band_whose_span_holds_them():
    assert years_of_experience("how much does a ds with like 3 yoe make") == 3
    assert years_of_experience("salary for an ML engineer with 3 years experience") == 3
    assert years_of_experience("career changer, 10 yrs in accounting") is None  # not experience in the field
    assert years_of_experience("how many years of experience does a senior have?") is None
    assert years_of_experience("and once im like 6 yrs in?") == 6  # how far into a career
    assert years_of_experience("and after 6 years?") == 6
    assert years_of_experience("what to learn in 2 years in college") is None
    assert holds("2-5 years. Own projects", 3) and holds("8+ years.", 12)
    assert not holds("0-2 years", 2) and not holds("3-6 months", 4)
    junior = hit("Junior", ["$80K - $120K", "0-2 years. Implement models"], 1.5)
    mid = hit("Mid", ["$120K - $180K", "2-5 years. Own projects"], 1.4)
    led = by_experience([junior, mid], 3, gap=0.3)
    assert led[0].chunk.id == "Mid" and led[0].matches[0].quote == "2-5 years. Own projects"
    assert by_experience([junior, mid], 3, gap=0.05)[0].chunk.id == "Junior"  # too far below to lead


def test_which_is_quickest_or_pays_most_is_led_by_the_passage_with_that_figure():
    from assistant.measures import asked_extreme, by_extreme

    degree = hit("Degrees", ["Stronger for research roles", "2-4 years, higher cost"], 1.30)
    bootcamp = hit("Bootcamps", ["Faster entry (3-6 months)", "Lower cost"], 1.24)
    quickest = asked_extreme("which of those is quickest?")
    assert quickest is not None and not quickest.most
    led, stated = by_extreme([degree, bootcamp], quickest, 0.3)
    assert stated and led[0].chunk.id == "Bootcamps" and led[0].matches[0].quote == "Faster entry (3-6 months)"
    longer = asked_extreme("bootcamp or degree, which takes longer?")
    assert longer is not None and by_extreme([bootcamp, degree], longer, 0.3)[0][0].chunk.id == "Degrees"
    junior, principal = hit("Junior", ["$80K - $120K"], 1.2), hit("Principal", ["$250K - $500K+"], 1.1)
    most = asked_extreme("which level pays the most?")
    assert most is not None and by_extreme([junior, principal], most, 0.3)[0][0].chunk.id == "Principal"
    # A comparative asks for a choice only where one is offered.
    assert asked_extreme("does a degree help you climb faster") is None
    assert asked_extreme("what's the quicker way in?") is not None
    # "is JAX faster than PyTorch?": a comparison the guide states no figure for
    faster = asked_extreme("is JAX faster than PyTorch?")
    frameworks = hit("Frameworks", ["PyTorch (research standard)", "JAX (Google research)"], 1.3)
    assert faster is not None and by_extreme([frameworks], faster, 0.3) == ([frameworks], False)
    cheaper = asked_extreme("are bootcamps cheaper than a degree?")
    assert cheaper is not None and by_extreme([bootcamp], cheaper, 0.3)[1]  # "Lower cost": said in words


def test_the_units_asked_for_are_those_of_the_asking_phrase():
    measure = asked_measure("how many hours a week should I study to learn ML in a year?")
    assert measure is not None and measure.units == {"hour", "week"}


def test_years_in_a_job_are_years_of_experience():
    assert years_of_experience("i've been an ml eng for 3 yrs, what am i supposed to be doing") == 3
    assert years_of_experience("I have been working as a data scientist for about 6 years") == 6
    assert years_of_experience("I studied for 2 years") is None


def test_how_fast_something_grows_is_a_rate_not_a_span_of_time():
    assert asked_measure("how fast is the field growing") is None
    assert asked_measure("how quickly does the field change?") is None
    measure = asked_measure("how fast can I get a job?")
    assert measure is not None and measure.name == "time"


def test_how_many_of_a_thing_is_stated_by_a_line_with_a_number_and_that_thing():
    from assistant.measures import states

    papers = asked_measure("How many papers do I need to publish before applying?")
    assert papers is not None and papers.name == "count" and papers.label == "how many papers"
    assert not states(papers, hit("Research", ["Develop new algorithms", "Publish papers"], 1.0))
    projects = asked_measure("how many portfolio projects should I build")
    assert projects is not None and states(projects, hit("Next", ["Build 3-4 portfolio projects"], 1.0))
    assert asked_measure("how many roles are there?") is None  # the list itself answers it
    years = asked_measure("how many yrs until senior level")
    assert years is not None and years.name == "time"


def test_a_span_of_time_answers_how_long_only_for_the_subject_it_is_given_for():
    from assistant.measures import asked_measure, by_measure, of_subject

    time = asked_measure("how long does a PhD take?")
    assert time is not None and time.name == "time"
    principal = Hit(
        Chunk(
            "P", "guide.md", ("Salaries", "Principal"), 1, 2, "$250K - $500K+\n8+ years. Publish research. PhD common."
        ),
        1.5,
        0.5,
        0.0,
    )
    degrees = hit("Degrees", ["Deeper theoretical foundation", "2-4 years, higher cost"], 1.4)
    assert not of_subject(principal, time, frozenset({"phd"}))  # the years are another sentence's
    assert of_subject(degrees, time, frozenset({"degree"}))  # its heading names the subject
    assert of_subject(principal, time, frozenset())  # a question without a subject of its own
    led, stated = by_measure([principal], time, 0.3, frozenset({"phd"}))
    assert not stated and led == [principal]


def test_who_made_a_thing_is_stated_only_by_a_name_beside_it():
    from assistant.measures import asked_measure, by_measure, of_subject

    who = asked_measure("Who wrote The Hundred-Page ML Book?")
    assert who is not None and who.name == "who"
    assert asked_measure("which company built AlphaGo?").name == "who"
    books = hit("Books", ['"Hands-On Machine Learning" (Aurelien Geron)', '"The Hundred-Page ML Book"'], 1.5)
    apps = hit("NLP", ["Large Language Models (ChatGPT)", "Chatbots and assistants"], 1.4)
    assert of_subject(books, who, frozenset({"hand", "ml"}))  # Geron, beside the book's title
    assert not of_subject(books, who, frozenset({"hundr", "page"}))  # that line names no one
    assert not of_subject(apps, who, frozenset({"chatgpt", "made"}))  # ChatGPT is the thing, not its maker
    assert by_measure([apps], who, 0.3, frozenset())[1]  # "who wrote this?": the guide's own opening says


def test_how_much_is_a_thing_asks_its_price():
    assert asked_measure("how much r bootcamps lol").name == "cost"
    assert asked_measure("how much is a bootcamp?").name == "cost"
    assert asked_measure("how much is a junior salary?").name == "pay"
    assert asked_measure("how much is enough?") is None and asked_measure("how much is too much?") is None
