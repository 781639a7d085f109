"""Composes the web server: the JSON API, the embed widget and its docs, and the Gradio chat at "/".

Order matters: CORS is the outermost layer so that the refusals (403, 413, 429) still carry CORS headers
a permitted page can read; the Guard adds the CSP `frame-ancestors`, the origin check and the rate limit;
inside it BodyLimit caps every body, the API's and Gradio's alike, as it is read; the app's own routes
come before the Gradio mount, which takes every path left.
"""

from __future__ import annotations

import logging
from pathlib import Path

import fastapi
import gradio as gr
import uvicorn
from fastapi.responses import FileResponse
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware

from assistant.live import LiveAssistant
from assistant.store import IndexError_

from . import api
from .chat import PAGE_OPTIONS, build_blocks
from .security import AllowedOrigins, BodyLimit, Guard, RateLimiter
from .settings import Settings
from .watch import start_upkeep

log = logging.getLogger("webapp")
STATIC = Path(__file__).parent / "static"
# Gradio's web component loader, shipped in the wheel; it imports ./assets/..., which Gradio serves.
GRADIO_JS = Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js"


def create_app(settings: Settings, live: LiveAssistant | None = None) -> fastapi.FastAPI:
    live = live or LiveAssistant(settings.index_dir, model=settings.model)
    origins = AllowedOrigins.parse(settings.allowed_origins)
    # FastAPIOffline serves Swagger UI from its wheel: FastAPI's default docs page loads it from a CDN.
    app = FastAPIOffline(
        title="Career Guide Assistant",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        static_url="/api/docs-assets",
        description="Answers about the AI and Machine Learning Career Guide 2026, with verbatim citations. See docs/api.md.",
    )
    app.state.live = live
    app.state.settings = settings
    api.install(app)
    app.add_api_route(
        "/embed.js", lambda: FileResponse(STATIC / "embed.js", media_type="text/javascript"), include_in_schema=False
    )
    app.add_api_route(
        "/gradio.js", lambda: FileResponse(GRADIO_JS, media_type="text/javascript"), include_in_schema=False
    )
    app.add_middleware(BodyLimit)  # added first, so it runs inside the Guard
    app.add_middleware(Guard, origins=origins, limiter=RateLimiter(settings.rate_limit, settings.rate_window_s))
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=origins.origin_regex,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Gradio-User"],  # Gradio's client sends the latter from <gradio-app>
        expose_headers=["Retry-After"],
        max_age=600,
    )
    blocks = build_blocks(live, settings)
    return gr.mount_gradio_app(app, blocks, path="/", show_error=False, **PAGE_OPTIONS)


def serve(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    try:
        AllowedOrigins.parse(settings.allowed_origins)
    except ValueError as exc:  # say which entry is malformed, without a traceback
        raise SystemExit(f"--allowed-origins / GUIDE_ALLOWED_ORIGINS: {exc}") from None
    app = create_app(settings)
    try:
        app.state.live.get()  # load the model and index before the first request
    except IndexError_ as exc:
        # Keep serving: the page loads, the API answers 503, and a build appearing later is picked up.
        log.error("no usable index yet, answering 503 until there is one: %s", exc)
    start_upkeep(app.state.live, settings)  # warns when the index is stale; with --watch, rebuilds it
    log.info("serving the chat on http://%s:%d", settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
