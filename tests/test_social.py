"""Social turns and languages, as pure logic."""

import pytest

from assistant.social import classify


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("thanks!", "thanks"),
        ("thank you so much, that helps", "thanks"),
        ("ok great", "ack"),
        ("cool", "ack"),
        ("bye", "bye"),
        ("hello there", "greeting"),
        ("who are you?", "greeting"),
        ("what can you help with?", "greeting"),
        ("how are you today?", "greeting"),
        ("hey, how's it going?", "greeting"),
        ("how's your day going?", "greeting"),
        ("¿Necesito un doctorado para trabajar en inteligencia artificial?", "language"),
        ("Wie viel verdient ein Data Scientist?", "language"),
        ("Was verdient ein Data Scientist in Deutschland?", "language"),
        ("Quel diplôme faut-il pour devenir data scientist ?", "language"),
        ("机器学习工程师的工资是多少", "language"),
        ("guten Tag, wie geht's?", "language"),
        ("merci beaucoup", "language"),
        ("ciao", "greeting"),
        ("you're the best", "ack"),
        ("lol ok", "ack"),
        ("thank u so much!!", "thanks"),
    ],
)
def test_social_turns_and_other_languages_are_recognised(message, kind):
    assert classify(message) == kind


@pytest.mark.parametrize(
    "message",
    [
        "Do I need a PhD?",
        "ok so what about salaries?",
        "thanks, and what about books?",
        "is python good",
        "de facto standard?",
        "what is that?",  # only stop words and "that", but it asks
        "how are you supposed to keep up with new papers?",
        "what was the salary for juniors?",
        "what should I do after that?",
        "and after that?",  # a step to the next passage
        "tell me more about it",
        "ok, can you explain?",
    ],
)
def test_questions_are_not_social(message):
    assert classify(message) is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("perfect. that's all i needed, bye!", "bye"),
        ("ok that makes sense now, thanks", "thanks"),
        ("great, how do i start", None),  # asks something
        ("great, do I need a PhD?", None),
        ("cool, what about salaries", None),
    ],
)
def test_a_closing_turn_with_words_of_a_questions_form_is_social_and_a_question_is_not(message, kind):
    assert classify(message) == kind


def test_a_thanks_with_words_that_are_no_topic_of_the_guide_is_social_and_other_words_are_not():
    topics = frozenset({"salary", "mlop", "python", "book"})
    assert classify("thanks, that clears it up", topics) == "thanks"
    assert classify("thanks, tell me about mlops", topics) is None
    # without a thanks or a goodbye, words the guide never uses are a question, however polite
    assert classify("should i buy bitcoin right now", topics) is None
    assert classify("Recommend a good thriller novel", topics) is None


def test_a_request_is_not_an_acknowledgement():
    assert classify("give me the short version of this guide") is None
    assert classify("show me the list") is None
    assert classify("this is great") == "ack"
