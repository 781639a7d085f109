"""The Gradio chat window (minimal first version: answers with the assistant's Markdown)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.live import LiveAssistant

from .settings import Settings

TITLE = "AI and Machine Learning Career Guide 2026: Assistant"


def build_blocks(live: LiveAssistant, settings: Settings) -> gr.Blocks:
    def respond(message: str, history: list[dict[str, Any]]) -> str:
        answer = live.get().ask(message, history)
        return answer.answer

    return gr.ChatInterface(respond, title=TITLE, examples=["Do I need a PhD?"], api_name="chat")
