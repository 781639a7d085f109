"""Word-level helpers: how a question's words are read before they are matched."""

import pytest

from assistant.text import words


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("what kinds of machine learning r there", ["what", "kinds", "of", "ml", "are", "there"]),
        ("r the jobs growing", ["are", "the", "jobs", "growing"]),
        # the language stays the language
        ("should i learn r", ["should", "i", "learn", "r"]),
        ("R or python?", ["r", "or", "python"]),
    ],
)
def test_texting_r_is_read_as_are_and_the_r_language_is_kept(question, read):
    assert words(question) == read


def test_a_name_of_several_words_is_shortened_to_its_initials():
    from assistant.retrieval import initials

    assert initials("Pattern Recognition and ML") == "prml"
    assert initials("Hands-On Machine Learning") == "homl"
    assert initials("Large Language Models") == "llm"


def test_shorthand_is_spelled_in_full_for_the_model_and_contractions_are_left_alone():
    from assistant.text import spelled_in_full

    assert spelled_in_full("which parts of lin alg matter") == "which parts of linear algebra matter"
    assert spelled_in_full("what do ds earn") == "what do data scientist earn"
    assert spelled_in_full("Machine learning jobs") == "machine learning jobs"  # not "ml jobs"


def test_two_letters_typed_the_wrong_way_round_are_one_slip():
    from assistant.retrieval import edits

    assert edits("langauge", "languages") == 2  # a swap and a dropped "s", not three changes
    assert edits("salery", "salary") == 1
    assert edits("kitten", "sitting") == 3


def test_a_contraction_typed_without_its_apostrophe_and_a_month_are_no_topic():
    from assistant.text import GENERIC_TERMS, content_terms, term

    assert content_terms("arent they the same thing, isnt it") == []
    assert content_terms("gimme the tldr") == ["tldr"]
    assert {term("may"), term("September".lower())} <= GENERIC_TERMS
    # "half a million", "the three flavours of ML": numbers and words for kinds are form, not topic
    assert {term("million"), term("half"), term("flavours"), term("branches")} <= GENERIC_TERMS
    assert {term("legit"), term("overrated")} <= GENERIC_TERMS  # "is a bootcamp legit?": a judgement asked
