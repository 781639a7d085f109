"""The chat window's callbacks as plain functions, on the mini corpus with the fake embedder."""

import logging
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.build import build_index
from assistant.feedback_store import SQLiteFeedbackStore
from assistant.live import LiveAssistant
from webapp.chat import ChatCallbacks, history_of, usable_turns
from webapp.feedback import FeedbackLog


@pytest.fixture
def chat(mini_corpus, tmp_path, fake_embedder) -> ChatCallbacks:
    index = tmp_path / "index"
    build_index(mini_corpus, index, fake_embedder, project_root=tmp_path)
    return ChatCallbacks(
        LiveAssistant(index, embedder=fake_embedder),
        FeedbackLog(SQLiteFeedbackStore(tmp_path / "logs" / "feedback.db")),
    )


def ask(chat: ChatCallbacks, *questions: str):
    turns: list = []
    box = messages = notice = None
    for question in questions:
        box, messages, turns, notice = chat.respond(question, turns)
    return box, messages, turns, notice


def test_an_answer_shows_the_question_then_the_lead_and_an_open_source_card(chat):
    box, messages, turns, notice = ask(chat, "Do I need a PhD?")
    assert box == "" and notice == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    reply = messages[1]["content"]
    assert "PhD (for research roles)" in reply and "guide-marker" in reply
    assert (
        "<details" in reply
        and "Degrees" in reply
        and "study.md, lines 3–6" in reply
        and "<code>corpus/study.md</code>" in reply
    )
    assert "<mark>- PhD (for research roles)</mark>" in reply
    assert turns[0].question == "Do I need a PhD?" and not turns[0].answer.abstained


def test_a_follow_up_is_answered_from_the_conversation(chat):
    # (The fake embedder matches words: "junior roles" would lead with the Roles section, whose opening
    # then joins the follow-up's context; tests/test_answers.py asks that one of the real model.)
    _, _, junior, _ = ask(chat, "Tell me about the junior level", "what about their salary?")
    _, _, senior, _ = ask(chat, "Tell me about the senior level", "what about their salary?")
    assert junior[1].answer.citations[0].section == "Salaries > Junior"
    assert senior[1].answer.citations[0].section == "Salaries > Senior"
    assert history_of(junior)[0] == {"role": "user", "content": "Tell me about the junior level"}


def test_off_topic_says_so_cites_nothing_and_offers_clickable_questions(chat):
    _, messages, turns, _ = ask(chat, "How do I bake sourdough bread?")
    reply = messages[-1]
    assert "doesn't cover" in reply["content"] and "<details" not in reply["content"]
    assert 2 <= len(reply["options"]) <= 3
    # Clicking a suggestion asks it.
    picked = SimpleNamespace(value=reply["options"][0]["value"])
    _, messages, turns, _ = chat.pick(turns, picked)
    assert len(turns) == 2 and turns[1].question == reply["options"][0]["value"]
    # Once it is no longer the last message, its suggestions read as text instead of buttons.
    assert "options" not in messages[1] and reply["options"][0]["value"] in messages[1]["content"]


def test_an_example_click_asks_the_example(chat):
    _, _, turns, _ = chat.pick([], SimpleNamespace(value={"text": "Do I need a PhD?"}))
    assert turns[0].question == "Do I need a PhD?" and turns[0].answer.citations


def test_a_greeting_gets_a_friendly_reply_and_examples(chat):
    _, messages, _, _ = ask(chat, "hello")
    assert messages[-1]["content"].startswith("Hello!")
    assert "Do I need a PhD?" in [o["value"] for o in messages[-1]["options"]]


def test_an_empty_question_gets_a_prompt_and_changes_nothing(chat):
    box, messages, turns, notice = ask(chat, "   ")
    assert messages == [] and turns == [] and box == ""
    assert 'role="status"' in notice and "Do I need a PhD?" in notice


def test_an_oversized_question_is_refused_clearly_and_kept_in_the_box(chat):
    question = "why " * 600
    box, messages, turns, notice = ask(chat, question)
    assert box == question and messages == [] and turns == []
    assert 'role="alert"' in notice and "2,000" in notice


def test_markup_in_a_question_reaches_the_chat_as_text(chat):
    _, messages, turns, _ = ask(chat, '<img src=x onerror="window.__xss=1">')
    assert "<img" not in messages[0]["content"] and "&lt;img" in messages[0]["content"]
    assert turns[0].question == '<img src=x onerror="window.__xss=1">'  # the assistant sees what was typed


def test_thumbs_are_stored_as_feedback_and_the_last_verdict_on_an_answer_counts(chat):
    _, _, turns, _ = ask(chat, "hello", "Do I need a PhD?")
    chat.rate(turns, SimpleNamespace(index=3, liked=True, value=None))
    entries = list(chat.feedback.store.export())
    assert [(e["question"], e["verdict"]) for e in entries] == [("Do I need a PhD?", "up")]
    first = entries[0]
    assert "PhD (for research roles)" in first["answer"] and first["time"].endswith("+00:00")
    assert first["citations"][0]["source"] == "corpus/study.md" and first["citations"][0]["excerpt"]

    chat.rate(turns, SimpleNamespace(index=1, liked=False, value=None))
    chat.rate(turns, SimpleNamespace(index=3, liked=False, value=None))  # changed their mind
    entries = list(chat.feedback.store.export())
    assert [(e["question"], e["verdict"]) for e in entries] == [("hello", "down"), ("Do I need a PhD?", "down")]


def test_a_thumb_down_opens_what_was_wrong_and_the_note_is_stored_with_it(chat):
    _, _, turns, _ = ask(chat, "Do I need a PhD?")
    box, answer_id = chat.rate(turns, SimpleNamespace(index=1, liked=False, value=None))
    assert box["visible"] is True and answer_id == turns[0].id
    box, text, notice = chat.explain("It quotes the wrong degree", answer_id, turns)
    assert box["visible"] is False and text == "" and "Thank you" in notice
    entry = next(chat.feedback.store.export())
    assert (entry["verdict"], entry["comment"]) == ("down", "It quotes the wrong degree")
    box, _ = chat.rate(turns, SimpleNamespace(index=1, liked=True, value=None))
    assert box["visible"] is False
    assert [(e["verdict"], e["comment"]) for e in chat.feedback.store.export()] == [("up", "")]


def test_a_thumb_that_is_not_up_or_down_is_refused_and_stores_nothing(chat, caplog):
    _, _, turns, _ = ask(chat, "Do I need a PhD?")
    chat.rate(turns, SimpleNamespace(index=1, liked=True, value=None))
    with caplog.at_level(logging.WARNING, logger="webapp.feedback"):
        chat.rate(turns, SimpleNamespace(index=1, liked="A" * 256 * 1024, value=None))  # was stored as the verdict
        chat.rate(turns, SimpleNamespace(index=1, liked={"verdict": "up"}, value=None))
    assert caplog.text.count("feedback refused") == 2
    assert [e["verdict"] for e in chat.feedback.store.export()] == ["up"]


def test_an_unwritable_feedback_log_is_reported_and_the_chat_goes_on(chat, tmp_path, caplog):
    (tmp_path / "blocked").write_text("a file where the log's folder should be")
    chat.feedback = FeedbackLog(SQLiteFeedbackStore(tmp_path / "blocked" / "feedback.db"))
    _, _, turns, _ = ask(chat, "Do I need a PhD?")
    with caplog.at_level(logging.ERROR, logger="webapp.feedback"):
        chat.rate(turns, SimpleNamespace(index=1, liked=True, value=None))
    assert "could not write feedback" in caplog.text
    _, messages, turns, notice = chat.respond("What does a senior earn?", turns)
    assert len(turns) == 2 and notice == ""


def test_the_api_endpoint_returns_the_answer_record(chat):
    record = chat.api_chat("Do I need a PhD?")
    assert record["kind"] == "answer" and record["citations"][0]["section"] == "Degrees"
    follow_up = chat.api_chat("what about their salary?", [{"role": "user", "content": "Tell me about junior roles"}])
    assert follow_up["citations"][0]["section"] == "Salaries > Junior"
    with pytest.raises(gr.Error, match="2,000"):
        chat.api_chat("why " * 600)


def test_a_failure_inside_the_assistant_is_a_message_not_a_broken_chat(chat, caplog):
    _, _, turns, _ = ask(chat, "Do I need a PhD?")

    class Broken:
        def ask(self, question, history):
            raise RuntimeError("disk on fire")

    chat.live = SimpleNamespace(get=lambda: Broken())
    with caplog.at_level(logging.ERROR, logger="webapp.chat"):
        box, messages, after, notice = chat.respond("What does a senior earn?", turns)
    assert box == "What does a senior earn?" and after == turns and len(messages) == 2
    assert "went wrong" in notice and "disk on fire" not in notice
    assert "disk on fire" in caplog.text


def test_a_long_conversation_keeps_only_the_last_turns(chat):
    from webapp.chat import MAX_TURNS

    questions = [f"Do I need a PhD? ({i})" for i in range(MAX_TURNS + 5)]
    _, messages, turns, _ = ask(chat, *questions)
    assert len(turns) == MAX_TURNS and len(messages) == 2 * MAX_TURNS
    assert turns[0].question == questions[5] and turns[-1].question == questions[-1]


def test_a_missing_index_is_a_plain_message_and_the_detail_goes_to_the_log(chat, caplog):
    from assistant.store import IndexError_

    def unavailable():
        raise IndexError_("the index in /srv/guide/index/builds/x is damaged (faiss/impl/index_read.cpp:42)")

    chat.live = SimpleNamespace(get=unavailable)
    with caplog.at_level(logging.ERROR, logger="webapp.chat"):
        _, _, _, notice = chat.respond("Do I need a PhD?", [])
    assert "not ready" in notice and "/srv/guide" not in notice and ".cpp" not in notice
    assert "index_read.cpp" in caplog.text


def test_the_history_sent_back_carries_each_answers_kind_and_citations(chat):
    _, _, turns, _ = ask(chat, "How do I bake sourdough bread?", "Do I need a PhD?")
    history = history_of(turns)
    assert [t["role"] for t in history] == ["user", "assistant", "user", "assistant"]
    assert history[1]["kind"] == "abstain" and history[1]["citations"] == []
    assert history[3]["kind"] == "answer"
    first = history[3]["citations"][0]
    assert set(first) == {"section", "excerpt"} and "PhD (for research roles)" in first["excerpt"]


def test_the_chat_endpoint_takes_that_history_and_leaves_out_a_turn_over_the_caps(chat):
    _, _, turns, _ = ask(chat, "Tell me about the junior level")
    record = chat.api_chat("what about their salary?", history_of(turns))
    assert record["citations"][0]["section"] == "Salaries > Junior"
    too_many = {"role": "assistant", "content": "x", "citations": [{"section": "s", "excerpt": "e"}] * 21}
    history = [*history_of(turns)[:1], too_many]
    assert usable_turns(history) == history_of(turns)[:1]
    assert chat.api_chat("Do I need a PhD?", history)["citations"]
