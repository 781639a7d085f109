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
kind ("answer", "abstain", "greeting", "social", "language" or "empty"), not_covered, latency_ms, and
index_stale (null, or a notice that the guide changed since the index was built) as the JSON API has it.
An optional second argument is the conversation so far, a list of {"role", "content"} dicts where an
assistant turn may add "kind" and "citations" (the history of docs/api.md). A question over 2,000 characters is refused
with an error that says so. The UI's own events are private and not part of the API.

Not here: retrieval and answer wording (assistant/), the JSON API and widget (webapp/server.py).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import gradio as gr
import pydantic

from assistant import QuestionError, guide
from assistant.feedback_store import FIELD_CAPS
from assistant.guide import EXAMPLE_QUESTIONS
from assistant.live import LiveAssistant
from assistant.records import Answer
from assistant.store import IndexError_

from . import render
from .api import NOT_READY
from .api import Turn as HistoryTurn
from .feedback import FeedbackLog
from .security import Limiter, LimiterUnavailable, counted
from .settings import Settings
from .watch import IndexFreshness

log = logging.getLogger("webapp.chat")

GUIDE = guide.TITLE
TITLE = f"{GUIDE}: Assistant"
INTRO = (
    f"# {GUIDE} — Assistant\n"
    f"{guide.ASK_ABOUT} Every answer quotes the guide and numbers its sources; "
    "open a source to see the exact passage, file and lines. Nothing you type leaves this machine."
)
PLACEHOLDER = "Ask a question about the guide, or pick an example below."
FAILED = "Something went wrong while answering; the details are in the server log. Please try again."


def usable_turns(history: Any) -> list[dict[str, Any]]:
    """The /chat endpoint's history, turn by turn against the JSON API's model (the same fields, the same
    caps). Unlike the JSON API it refuses nothing: a turn that does not fit is left out, as it always was."""
    turns: list[dict[str, Any]] = []
    for turn in history if isinstance(history, list) else []:
        try:
            turns.append(HistoryTurn.model_validate(turn).model_dump(exclude_none=True))
        except pydantic.ValidationError:
            continue
    return turns


# Turns a conversation keeps: older ones are dropped, so a session's state (held on the server for each
# open page) stays bounded however long someone chats. Follow-ups only look a few turns back.
MAX_TURNS = 20


@dataclass(frozen=True)
class Turn:
    """One exchange: the question exactly as typed, the answer record it got, and an id for its feedback."""

    question: str
    answer: Answer
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


def chat_messages(turns: list[Turn]) -> list[dict[str, Any]]:
    """The Chatbot value for a conversation: escaped questions, answers with source cards.

    The last answer's suggestions become buttons (Gradio shows options only under the last message);
    earlier answers keep them as text, so the conversation still reads right when scrolled back.
    """
    messages: list[dict[str, Any]] = []
    for i, turn in enumerate(turns):
        last = i == len(turns) - 1
        buttons = last and bool(turn.answer.suggestions)
        question = render.question_markdown(turn.question) + render.copy_html(turn.question)
        messages.append({"role": "user", "content": question})
        reply: dict[str, Any] = {
            "role": "assistant",
            "content": render.answer_markdown(turn.answer, suggestions_as_buttons=buttons, anchor=f"t{i}"),
        }
        if buttons:
            reply["options"] = render.suggestion_options(turn.answer)
        messages.append(reply)
    return messages


def history_of(turns: list[Turn]) -> list[dict[str, Any]]:
    """The conversation as `Assistant.ask` takes it (docs/api.md): raw questions, and each answer's
    Markdown with its kind and its citations, so that "what is the fourth one for?" finds the items."""
    history: list[dict[str, Any]] = []
    for turn in turns:
        history.append({"role": "user", "content": turn.question})
        history.append(
            {
                "role": "assistant",
                "content": turn.answer.answer,
                "kind": turn.answer.kind,
                "citations": [{"section": c.section, "excerpt": c.excerpt} for c in turn.answer.citations],
            }
        )
    return history


def selected_text(value: Any) -> str:
    """The question behind a clicked example ({"text": ...}) or suggestion (a string)."""
    if isinstance(value, dict):
        return str(value.get("text") or value.get("value") or "")
    return str(value or "")


class ChatCallbacks:
    def __init__(
        self,
        live: LiveAssistant,
        feedback: FeedbackLog,
        limiter: Limiter | None = None,
        freshness: IndexFreshness | None = None,
    ):
        self.live = live
        self.feedback = feedback
        # The server's one rate limiter, shared with the JSON API (webapp/security.py): in this process,
        # or in Redis for every replica with GUIDE_REDIS_URL (webapp/shared_limit.py); None: no limit.
        self.limiter = limiter
        # Whether the guide changed since the index was built (webapp/watch.py); None: not looked at.
        self.freshness = freshness

    def stale_notice(self) -> str | None:
        return self.freshness.notice if self.freshness is not None else None

    def status(self) -> str:
        """The notice under the box when the page loads: that the index is stale, or nothing."""
        return render.notice_html(self.stale_notice() or "", "stale")

    def refusal(self, request: gr.Request | None) -> str | None:
        """Count one question from this client: None if it may be answered, else what to tell them (over
        the limit, or the shared count is down and the deployer chose to refuse then)."""
        if self.limiter is None or request is None:
            return None
        if request.request is not None and counted(request.request.scope):
            return None  # Gradio's call/ route: the Guard counted it on the way in (webapp/security.py)
        try:
            wait_s = self.limiter.hit(request.client.host if request.client else "unknown")
        except LimiterUnavailable as exc:
            return str(exc)
        return self.limiter.notice(wait_s) if wait_s > 0 else None

    def respond(
        self, message: str, turns: list[Turn] | None, request: gr.Request | None = None
    ) -> tuple[str, list[dict[str, Any]], list[Turn], str]:
        """Answer `message` in the conversation `turns`: (box text, chat messages, turns, notice HTML).

        Over the rate limit, the conversation and the box stay as they are and the notice says when to
        ask again: Gradio's own error would replace each of them with an error pill."""
        turns = list(turns or [])
        message = message or ""
        refusal = self.refusal(request)
        if refusal is not None:
            return message, chat_messages(turns), turns, render.notice_html(refusal, "error")
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
        return "", chat_messages(turns), turns, self.status()

    def pick(
        self, turns: list[Turn] | None, selected: gr.SelectData, request: gr.Request | None = None
    ) -> tuple[str, list[dict[str, Any]], list[Turn], str]:
        """A click on an example question or a suggestion asks it."""
        return self.respond(selected_text(selected.value), turns, request)

    def rate(self, turns: list[Turn] | None, liked: gr.LikeData) -> tuple[Any, str | None]:
        """A thumb on an answer: store it with the question and answer it belongs to (the last verdict on
        an answer counts). A thumb down opens the "what was wrong?" box: (its visibility, the answer id)."""
        index = liked.index[0] if isinstance(liked.index, (list, tuple)) else liked.index
        turns = list(turns or [])
        # Each turn is two messages, the question then the answer.
        position = int(index) // 2
        if not 0 <= position < len(turns):
            log.warning("feedback for message %s, which is not in this conversation", index)
            return gr.update(visible=False), None
        turn = turns[position]
        self.feedback.record(turn.answer, liked.liked, answer_id=turn.id)
        disliked = liked.liked is False
        return gr.update(visible=disliked), turn.id if disliked else None

    def explain(self, comment: str, answer_id: str | None, turns: list[Turn] | None) -> tuple[Any, str, str]:
        """The "what was wrong?" text, stored with the thumb down it explains: (box visibility, box text,
        notice HTML)."""
        turn = next((t for t in turns or [] if t.id == answer_id), None)
        if turn is None or not comment.strip():
            return gr.update(visible=False), "", ""
        self.feedback.record(turn.answer, False, answer_id=turn.id, comment=comment.strip())
        return gr.update(visible=False), "", render.notice_html("Thank you: your note is stored with the answer.")

    def api_chat(
        self, message: str, history: list[dict[str, Any]] | None = None, request: gr.Request | None = None
    ) -> dict[str, Any]:
        """Ask the guide a question; returns the answer record (see the module docstring)."""
        refusal = self.refusal(request)
        if refusal is not None:
            raise gr.Error(refusal)
        turns = usable_turns(history)
        try:
            answer = self.live.get().ask(message, turns)
        except QuestionError as exc:
            raise gr.Error(str(exc)) from exc
        return {**answer.to_dict(), "index_stale": self.stale_notice()}


def theme() -> gr.themes.Base:
    """Gradio's default look with only fonts that ship with Gradio or the system: nothing from the web."""
    from gradio.themes.utils.fonts import LocalFont

    return gr.themes.Default(
        font=(LocalFont("Source Sans Pro", weights=(400, 600, 700)), "ui-sans-serif", "system-ui", "sans-serif"),
        font_mono=(LocalFont("IBM Plex Mono"), "ui-monospace", "monospace"),
    )


# How many questions from the chat page and the /chat endpoint are answered at once. With batching (the
# default) as many as Gradio runs at all (its queue's 40 workers, which share anyio's 40 threads with the
# JSON API): each waiting question joins the next model call (assistant/batching.py), so a lower limit
# would cap the batch. With --no-batching the model calls take turns at a lock (assistant/live.py) and more
# than 8 slots only queue there. Measured by `make bench` (docs/performance.md, "Load" and "Many people
# at once").
ANSWERING_CONCURRENCY = 8
BATCHED_ANSWERING_CONCURRENCY = 40

# What mount_gradio_app needs besides the Blocks: in Gradio 6 theme and CSS are page options.
# head: the page's own script (webapp/static/chat.js: citation links, plain-text copy, a new answer scrolled
# to its start, the character count), served by webapp/server.py.
PAGE_OPTIONS: dict[str, Any] = {
    "theme": theme(),
    "css": render.CSS,
    "head": '<script src="/chat.js" defer></script>',
}


def build_blocks(
    live: LiveAssistant,
    settings: Settings,
    feedback: FeedbackLog,
    limiter: Limiter | None = None,
    freshness: IndexFreshness | None = None,
) -> gr.Blocks:
    callbacks = ChatCallbacks(live, feedback, limiter, freshness)
    with gr.Blocks(title=TITLE, fill_height=True, analytics_enabled=False) as blocks:
        gr.Markdown(INTRO, elem_id="intro")
        turns = gr.State([])
        chatbot = gr.Chatbot(
            elem_id="chat",
            label=f"Chat about the {GUIDE}",
            show_label=False,
            scale=1,
            height=560,  # render.CSS gives it the height the window leaves instead
            placeholder=PLACEHOLDER,
            examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
            # Questions and excerpts are escaped in render.py; these settings keep the browser strict too.
            sanitize_html=True,
            allow_tags=False,
            latex_delimiters=[],  # "$80K - $120K" is money, not maths
            feedback_options=("Like", "Dislike"),
            buttons=["copy"],
            # webapp/static/chat.js scrolls a new answer to its start; Gradio's would scroll to its end.
            autoscroll=False,
        )
        question = gr.Textbox(
            elem_id="question",
            show_label=False,
            placeholder=guide.BOX_PLACEHOLDER,
            lines=1,
            max_lines=6,
            submit_btn="Ask",
            autofocus=True,
        )
        notice = gr.HTML("", elem_id="notice")
        with gr.Group(visible=False, elem_id="what-was-wrong") as wrong_box:
            wrong_text = gr.Textbox(
                label="What was wrong? (optional)",
                placeholder="The wrong section, a missing part, an outdated figure…",
                max_length=FIELD_CAPS["comment"],
                lines=2,
            )
            wrong_send = gr.Button("Send", size="sm")
        disliked = gr.State(None)

        outputs = [question, chatbot, turns, notice]
        private: dict[str, Any] = {"api_visibility": "private"}
        # The events that answer share one pool of slots (Gradio's default is one call at a time per event).
        slots = BATCHED_ANSWERING_CONCURRENCY if settings.batching else ANSWERING_CONCURRENCY
        answering: dict[str, Any] = {"concurrency_limit": slots, "concurrency_id": "answer"}
        question.submit(callbacks.respond, [question, turns], outputs, **private, **answering)
        chatbot.example_select(callbacks.pick, [turns], outputs, **private, **answering)
        chatbot.option_select(callbacks.pick, [turns], outputs, **private, **answering)
        chatbot.like(callbacks.rate, [turns], [wrong_box, disliked], **private)
        wrong_send.click(callbacks.explain, [wrong_text, disliked, turns], [wrong_box, wrong_text, notice], **private)
        wrong_text.submit(callbacks.explain, [wrong_text, disliked, turns], [wrong_box, wrong_text, notice], **private)
        chatbot.clear(lambda: ([], callbacks.status()), None, [turns, notice], **private)
        blocks.load(callbacks.status, None, notice, **private)
        gr.api(callbacks.api_chat, api_name="chat", **answering)
    return blocks
