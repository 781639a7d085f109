"""Composes the web server: the FastAPI app with the Gradio chat mounted at "/"."""

from __future__ import annotations

import logging

import fastapi
import gradio as gr
import uvicorn

from assistant.live import LiveAssistant

from .chat import PAGE_OPTIONS, build_blocks
from .settings import Settings

log = logging.getLogger("webapp")


def create_app(settings: Settings, live: LiveAssistant | None = None) -> fastapi.FastAPI:
    live = live or LiveAssistant(settings.index_dir, model=settings.model)
    app = fastapi.FastAPI(title="Career Guide Assistant", docs_url="/api/docs", openapi_url="/api/openapi.json")
    app.state.live = live
    app.state.settings = settings
    blocks = build_blocks(live, settings)
    return gr.mount_gradio_app(app, blocks, path="/", show_error=False, **PAGE_OPTIONS)


def serve(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    app.state.live.get()  # load the model and index before the first request, and fail early if missing
    log.info("serving the chat on http://%s:%d", settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
