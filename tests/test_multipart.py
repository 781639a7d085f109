"""Splitting a question in several parts, as pure logic."""

import pytest

from assistant.multipart import split_parts


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "what do data scientists earn and what should they study?",
            ["what do data scientists earn", "what should they study?"],
        ),
        ("How long is a bootcamp and how much does it cost?", ["How long is a bootcamp", "how much does it cost?"]),
        ("do I need a PhD, and how much do seniors make", ["do I need a PhD", "how much do seniors make"]),
        (
            "which language should I learn? also which framework?",
            ["which language should I learn", "also which framework?"],
        ),
    ],
)
def test_a_question_splits_where_a_new_question_starts(question, parts):
    assert split_parts(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "What is the salary and skills for a data scientist?",  # topics of one question
        "Do I need maths and statistics?",
        "What's the difference between ML and deep learning?",
        "Do I need a PhD?",
        "I'm a nurse with two kids and can't quit work for years. what's the quicker way in?",  # "can't" asks nothing
    ],
)
def test_one_question_about_several_things_stays_whole(question):
    assert split_parts(question) == [question]


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("how long is a bootcamp vs a degree", ["how long is a bootcamp", "how long is a degree"]),
        ("senior pay vs principal pay?", ["senior pay?", "principal pay?"]),
        (
            "ds vs mle, whats the difference in what they do",
            ["ds, whats the difference in what they do", "mle, whats the difference in what they do"],
        ),
        ("Python versus R?", ["Python?", "R?"]),
        ("AWS vs GCP vs Azure?", ["AWS?", "GCP?", "Azure?"]),
    ],
)
def test_a_comparison_splits_into_one_question_per_thing_compared(question, parts):
    assert split_parts(question) == parts


@pytest.mark.parametrize("question", ["Bootcamps vs", "vs degree?", "is it a vs the?"])
def test_a_vs_without_two_things_stays_whole(question):
    assert split_parts(question) == [question]


@pytest.mark.parametrize(
    "question",
    [
        "long term, does a degree help you climb faster",
        "total beginner here, where do I even start",
        "physics grad, good at math, which language should i start with?",
    ],
)
def test_a_preface_that_asks_nothing_is_not_a_part_of_its_own(question):
    assert split_parts(question) == [question]


def test_a_topic_joined_by_and_to_a_question_is_a_part_of_its_own():
    assert split_parts("most common undergrad major, and what masters options are there?") == [
        "most common undergrad major",
        "what masters options are there?",
    ]


def test_a_part_that_only_asks_what_the_one_before_pays_or_takes_is_one_question_with_it():
    assert split_parts("what's the next step up and what does it pay?") == [
        "what's the next step up and what does it pay?"
    ]
    assert split_parts("what do data scientists earn and what should they study?") == [
        "what do data scientists earn",
        "what should they study?",
    ]
