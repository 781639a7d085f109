"""The Gradio chat window: a question box, the conversation with cited answers, thumbs up and down.

`build_blocks(live, feedback)` returns the Blocks that webapp/server.py mounts at "/". The callbacks
are methods of `ChatCallbacks` and are plain functions of plain values, so tests call them directly:
`respond(message, turns)` returns the new question-box text, the chat messages, the conversation
(a list of `Turn`) and a notice to show under the box.

The conversation is kept as the raw questions and the answer records (`turns`, a gr.State) and the
chat messages are rendered from it, so what the assistant sees as history is what the user typed,
while what the browser shows is escaped (webapp/render.py). Follow-ups send that history to
`Assistant.ask`.

Public API endpoint, for scripts and benchmarks:
`gradio_client.Client(url).predict("Do I need a PhD?", api_name="/chat")` returns the answer record,
a dict shaped like `Answer.to_dict()`: question, abstained, answer (Markdown with [n] markers),
citations (each n, source, section, excerpt, start_line, end_line, score, highlight), suggestions,
kind ("answer", "abstain", "greeting" or "empty") and latency_ms. An optional second argument is the
conversation so far, a list of {"role", "content"} dicts. A question over 2,000 characters is refused
with an error that says so. The UI's own events are private and not part of the API.

Not here: retrieval and answer wording (assistant/), the JSON API and widget (webapp/server.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant import QuestionError
from assistant.answer import EXAMPLE_QUESTIONS
from assistant.live import LiveAssistant
from assistant.records import Answer
from assistant.store import IndexError_

from . import render
from .api import NOT_READY
from .feedback import FeedbackLog

log = logging.getLogger("webapp.chat")

GUIDE = "AI and Machine Learning Career Guide 2026"
TITLE = f"{GUIDE}: Assistant"
INTRO = (
    f"# {GUIDE} — Assistant\n"
    "Ask about AI and ML careers. Every answer quotes the guide and numbers its sources; "
    "open a source to see the exact passage, file and lines. Nothing you type leaves this machine."
)
PLACEHOLDER = "Ask a question about the guide, or pick an example below."
FAILED = "Something went wrong while answering; the details are in the server log. Please try again."
# Turns a conversation keeps: older ones are dropped, so a session's state (held on the server for each
# open page) stays bounded however long someone chats. Follow-ups only look a few turns back.
MAX_TURNS = 20


@dataclass(frozen=True)
class Turn:
    """One exchange: the question exactly as typed and the answer record it got."""

    question: str
    answer: Answer


def chat_messages(turns: list[Turn]) -> list[dict[str, Any]]:
    """The Chatbot value for a conversation: escaped questions, answers with source cards.

    The last answer's suggestions become buttons (Gradio shows options only under the last message);
    earlier answers keep them as text, so the conversation still reads right when scrolled back.
    """
    messages: list[dict[str, Any]] = []
    for i, turn in enumerate(turns):
        last = i == len(turns) - 1
        buttons = last and bool(turn.answer.suggestions)
        messages.append({"role": "user", "content": render.question_markdown(turn.question)})
        reply: dict[str, Any] = {
            "role": "assistant",
            "content": render.answer_markdown(turn.answer, suggestions_as_buttons=buttons),
        }
        if buttons:
            reply["options"] = render.suggestion_options(turn.answer)
        messages.append(reply)
    return messages


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    """The conversation as `Assistant.ask` takes it: raw questions and the answers' Markdown."""
    history: list[dict[str, str]] = []
    for turn in turns:
        history.append({"role": "user", "content": turn.question})
        history.append({"role": "assistant", "content": turn.answer.answer})
    return history


def selected_text(value: Any) -> str:
    """The question behind a clicked example ({"text": ...}) or suggestion (a string)."""
    if isinstance(value, dict):
        return str(value.get("text") or value.get("value") or "")
    return str(value or "")


class ChatCallbacks:
    def __init__(self, live: LiveAssistant, feedback: FeedbackLog):
        self.live = live
        self.feedback = feedback

    def respond(self, message: str, turns: list[Turn] | None) -> tuple[str, list[dict[str, Any]], list[Turn], str]:
        """Answer `message` in the conversation `turns`: (box text, chat messages, turns, notice HTML)."""
        turns = list(turns or [])
        message = message or ""
        try:
            answer = self.live.get().ask(message, history_of(turns))
        except QuestionError as exc:
            # Keep the text in the box so the user can shorten it rather than retype it.
            return message, chat_messages(turns), turns, render.notice_html(str(exc), "error")
        except IndexError_ as exc:
            log.error("no index to answer from: %s", exc)
            return (
                message,
                chat_messages(turns),
                turns,
                render.notice_html(NOT_READY, "error"),
            )
        except Exception:
            log.exception("answering %r failed", message[:200])
            return message, chat_messages(turns), turns, render.notice_html(FAILED, "error")
        if answer.kind == "empty":
            return "", chat_messages(turns), turns, render.notice_html(answer.answer, "info")
        turns = [*turns, Turn(message, answer)][-MAX_TURNS:]
        return "", chat_messages(turns), turns, ""

    def pick(
        self, turns: list[Turn] | None, selected: gr.SelectData
    ) -> tuple[str, list[dict[str, Any]], list[Turn], str]:
        """A click on an example question or a suggestion asks it."""
        return self.respond(selected_text(selected.value), turns)

    def rate(self, turns: list[Turn] | None, liked: gr.LikeData) -> None:
        """A thumb on an answer: log it with the question and answer it belongs to."""
        index = liked.index[0] if isinstance(liked.index, (list, tuple)) else liked.index
        turns = list(turns or [])
        # Each turn is two messages, the question then the answer.
        position = int(index) // 2
        if not 0 <= position < len(turns):
            log.warning("feedback for message %s, which is not in this conversation", index)
            return
        self.feedback.record(turns[position].answer, liked.liked)

    def api_chat(self, message: str, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Ask the guide a question; returns the answer record (see the module docstring)."""
        try:
            return self.live.get().ask(message, history or []).to_dict()
        except QuestionError as exc:
            raise gr.Error(str(exc)) from exc


def theme() -> gr.themes.Base:
    """Gradio's default look with only fonts that ship with Gradio or the system: nothing from the web."""
    from gradio.themes.utils.fonts import LocalFont

    return gr.themes.Default(
        font=(LocalFont("Source Sans Pro", weights=(400, 600, 700)), "ui-sans-serif", "system-ui", "sans-serif"),
        font_mono=(LocalFont("IBM Plex Mono"), "ui-monospace", "monospace"),
    )


# How many questions from the chat page and the /chat endpoint are answered at once. Retrieval and
# rendering run in parallel; the model calls are serialized by a lock (assistant/live.py), so more slots
# only queue there. Measured by `make bench` (docs/performance.md, "Load").
ANSWERING_CONCURRENCY = 8

# What mount_gradio_app needs besides the Blocks: in Gradio 6 theme and CSS are page options.
PAGE_OPTIONS: dict[str, Any] = {"theme": theme(), "css": render.CSS}


def build_blocks(live: LiveAssistant, feedback: FeedbackLog) -> gr.Blocks:
    callbacks = ChatCallbacks(live, feedback)
    with gr.Blocks(title=TITLE, fill_height=True, analytics_enabled=False) as blocks:
        gr.Markdown(INTRO, elem_id="intro")
        turns = gr.State([])
        chatbot = gr.Chatbot(
            elem_id="chat",
            label=f"Chat about the {GUIDE}",
            show_label=False,
            scale=1,
            height=560,
            placeholder=PLACEHOLDER,
            examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
            # Questions and excerpts are escaped in render.py; these settings keep the browser strict too.
            sanitize_html=True,
            allow_tags=False,
            latex_delimiters=[],  # "$80K - $120K" is money, not maths
            feedback_options=("Like", "Dislike"),
            buttons=["copy"],
        )
        question = gr.Textbox(
            elem_id="question",
            show_label=False,
            placeholder="Ask about roles, skills, degrees, salaries, portfolios…",
            lines=1,
            max_lines=6,
            submit_btn="Ask",
            autofocus=True,
        )
        notice = gr.HTML("", elem_id="notice")

        outputs = [question, chatbot, turns, notice]
        private: dict[str, Any] = {"api_visibility": "private"}
        # The events that answer share one pool of ANSWERING_CONCURRENCY slots (Gradio's default is one call
        # at a time per event); the model itself still runs one encode at a time (assistant/live.py).
        answering: dict[str, Any] = {"concurrency_limit": ANSWERING_CONCURRENCY, "concurrency_id": "answer"}
        question.submit(callbacks.respond, [question, turns], outputs, **private, **answering)
        chatbot.example_select(callbacks.pick, [turns], outputs, **private, **answering)
        chatbot.option_select(callbacks.pick, [turns], outputs, **private, **answering)
        chatbot.like(callbacks.rate, [turns], None, **private)
        chatbot.clear(lambda: ([], ""), None, [turns, notice], **private)
        gr.api(callbacks.api_chat, api_name="chat", **answering)
    return blocks
