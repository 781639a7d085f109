"""End to end on the real guide and the real bundled model: what a user notices in the answers."""

import re

import pytest

from assistant import QuestionError

pytestmark = pytest.mark.slow


def sections(answer) -> list[str]:
    return [c.section for c in answer.citations]


def test_do_i_need_a_phd_cites_a_phd_passage_first(guide_assistant):
    answer = guide_assistant.ask("Do I need a PhD?")
    assert not answer.abstained
    assert re.search(r"PhD \(for research roles\)|Advanced degree required|PhD common", answer.citations[0].excerpt)
    assert "[1]" in answer.answer


@pytest.mark.parametrize(
    "question",
    ["What's the weather in Paris?", "How do I bake sourdough bread?", "How do I become a registered nurse?", "asdf qwerty zxcv"],
)
def test_off_topic_questions_abstain_without_citations(guide_assistant, question):
    answer = guide_assistant.ask(question)
    assert answer.abstained
    assert answer.citations == ()
    assert "doesn't cover" in answer.answer
    assert 2 <= len(answer.suggestions) <= 3


def test_citations_are_verbatim_short_and_located(guide_assistant):
    from conftest import ROOT

    answer = guide_assistant.ask("How much does a senior machine learning engineer earn?")
    assert "$180K - $280K" in answer.citations[0].excerpt
    for c in answer.citations:
        lines = (ROOT / c.source).read_text(encoding="utf-8").split("\n")
        assert "\n".join(lines[c.start_line - 1 : c.end_line]) == c.excerpt
        assert len(c.excerpt) <= 600
        assert c.section and c.n >= 1


def test_a_follow_up_uses_the_conversation(guide_assistant):
    history = [
        {"role": "user", "content": "What does a senior ML engineer do?"},
        {"role": "assistant", "content": "Architecture decisions, complex problem solving, cross-team leadership. [1]"},
    ]
    answer = guide_assistant.ask("and how much do they earn?", history)
    assert "$180K - $280K" in answer.citations[0].excerpt


def test_misspelled_questions_still_find_the_passage(guide_assistant):
    answer = guide_assistant.ask("whats the salery of a junior ml enginer")
    assert "$80K - $120K" in answer.citations[0].excerpt


def test_greeting_gets_a_friendly_reply_with_examples(guide_assistant):
    answer = guide_assistant.ask("hello!")
    assert answer.kind == "greeting" and not answer.abstained
    assert "Do I need a PhD?" in answer.answer


def test_empty_and_oversized_questions(guide_assistant):
    assert guide_assistant.ask("   ").kind == "empty"
    with pytest.raises(QuestionError, match="2,000"):
        guide_assistant.ask("why " * 600)


def test_answer_record_has_the_results_file_shape(guide_assistant):
    record = guide_assistant.ask("Which programming language is essential?").to_dict()
    assert {"answer", "abstained", "citations", "latency_ms"} <= set(record)
    assert {"n", "source", "section", "excerpt", "start_line", "end_line", "score"} <= set(record["citations"][0])
