"""Composes the web server: the JSON API, the embed widget and its docs, and the Gradio chat at "/".

Order matters: CORS is outside the Guard so that the refusals (400, 403, 413, 429) still carry CORS
headers a permitted page can read, and outside CORS, ReadableRefusal lets a page that is not permitted
read its own 403 on the widget's route (so the widget can say the site is not allowed). The Guard adds
the security headers, the Host and origin checks and the rate limit; inside it BodyLimit caps every body,
the API's and Gradio's alike, as it is read; inside that GradioRoutes closes the Gradio routes the app
does not use. The app's own routes come before the Gradio mount, which takes every path left; among them
`/healthz`, for load balancers. The rate limit is counted in this process, or in Redis with
GUIDE_REDIS_URL (webapp/shared_limit.py), for the API and the chat alike; feedback goes to a SQLite file,
or to PostgreSQL with GUIDE_DATABASE_URL (assistant/feedback_store.py). uvicorn runs with a header
deadline, an idle timeout and a connection cap (webapp/connections.py), and believes X-Forwarded-For only
from --trusted-proxies.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import fastapi
import gradio as gr
import uvicorn
from fastapi.responses import FileResponse, JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware

from assistant.feedback_store import StoreError, open_store
from assistant.live import LiveAssistant
from assistant.store import IndexError_
from assistant.version import __version__

from . import api
from .chat import PAGE_OPTIONS, build_blocks
from .connections import with_header_timeout
from .feedback import FeedbackLog
from .gradio_routes import GradioRoutes
from .security import AllowedHosts, AllowedOrigins, BodyLimit, Guard, ReadableRefusal
from .settings import Settings
from .shared_limit import make_limiter
from .watch import IndexFreshness, start_upkeep

log = logging.getLogger("webapp")
# How often a request looks at index/current (one readlink). Replicas sharing an index promise to serve a
# new build within 2 s of the switch (docs/deploy.md); the default second would spend half of that waiting.
INDEX_CHECK_S = 0.25
# How often CPython offers the GIL to another thread (its default is 5 ms). A busy server runs Python on
# many threads at once: request threads, the event loop, and the batcher's thread (assistant/batching.py),
# which needs the GIL back between the model's torch operations. At 5 ms each of those handovers could
# wait a whole interval; at 0.5 ms, 32 users on /api/ask were answered about 1.8x as fast (27-29/s
# against 15/s, alternating runs on a busy machine: `scripts/load.py --users 32 --endpoint api`).
GIL_SWITCH_INTERVAL_S = 0.0005
STATIC = Path(__file__).parent / "static"
# Gradio's web component loader, shipped in the wheel; it imports ./assets/..., which Gradio serves.
GRADIO_JS = Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js"


def create_app(settings: Settings, live: LiveAssistant | None = None) -> fastapi.FastAPI:
    live = live or LiveAssistant(
        settings.index_dir,
        model=settings.model,
        check_every=INDEX_CHECK_S,
        batching=settings.batching,
        batch_wait_ms=settings.batch_wait_ms,
        model_process=settings.model_process,
    )
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
        "/chat.js", lambda: FileResponse(STATIC / "chat.js", media_type="text/javascript"), include_in_schema=False
    )
    app.add_api_route(
        "/gradio.js", lambda: FileResponse(GRADIO_JS, media_type="text/javascript"), include_in_schema=False
    )
    app.add_api_route("/healthz", lambda: health(live), include_in_schema=False)
    app.state.feedback = FeedbackLog(open_store(settings.feedback_target))
    # One limiter for the API (the Guard) and the chat's answering callbacks: in this process, or in Redis
    # for every replica with GUIDE_REDIS_URL.
    limiter = make_limiter(
        settings.rate_limit, settings.rate_window_s, settings.redis_url, settings.rate_limit_fail_closed
    )
    # Whether the corpus changed since the index was built; looked at only without --watch (start_upkeep).
    app.state.freshness = IndexFreshness(
        settings.corpus_dir, settings.index_dir, max_file_bytes=int(settings.max_file_mb * 1024 * 1024)
    )
    blocks = build_blocks(live, settings, app.state.feedback, limiter, app.state.freshness)
    public = [fn.api_name for fn in blocks.fns.values() if fn.api_visibility == "public" and fn.api_name]
    # Added first, so it runs innermost: GradioRoutes inside BodyLimit inside the Guard.
    app.add_middleware(GradioRoutes, public_names=public, fn_indexes=list(blocks.fns))
    app.add_middleware(BodyLimit)
    hosts = AllowedHosts.parse(settings.allowed_hosts, settings.host)
    app.add_middleware(Guard, origins=origins, limiter=limiter, hosts=hosts)
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=origins.origin_regex,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Gradio-User"],  # Gradio's client sends the latter from <gradio-app>
        expose_headers=["Retry-After"],
        max_age=600,
    )
    app.add_middleware(ReadableRefusal, origins=origins, hosts=hosts)  # outermost
    return gr.mount_gradio_app(app, blocks, path="/", show_error=False, **PAGE_OPTIONS)


def health(live: LiveAssistant) -> JSONResponse:
    """200 with the live build and model when this replica can answer, else 503: for load balancers and
    for checking that every replica serves the same build. Reads no database: it is polled often."""
    try:
        store = live.get().store
    except IndexError_:
        return JSONResponse({"status": "not_ready", "version": __version__}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "build": store.directory.name,
            "model": store.manifest.get("model", {}).get("name"),
            "passages": len(store.chunks),
            "version": __version__,
        }
    )


def serve(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    try:
        AllowedOrigins.parse(settings.allowed_origins)
    except ValueError as exc:  # say which entry is malformed, without a traceback
        raise SystemExit(f"--allowed-origins / GUIDE_ALLOWED_ORIGINS: {exc}") from None
    app = create_app(settings)
    store = app.state.feedback.store
    try:
        store.prepare()  # creates the table if it is missing
        log.info("feedback goes to %s", store.where)
    except StoreError as exc:  # the chat works without it; each thumb retries and logs
        log.error("feedback store unavailable, thumbs are not stored until it is: %s", exc)
    try:
        app.state.live.get()  # load the model and index before the first request
    except IndexError_ as exc:
        # Keep serving: the page loads, the API answers 503, and a build appearing later is picked up.
        log.error("no usable index yet, answering 503 until there is one: %s", exc)
    # Notices a stale index (the log, the page, the API record); with --watch, rebuilds it instead.
    start_upkeep(app.state.live, settings, app.state.freshness)
    log.info("serving the chat on http://%s:%d", settings.host, settings.port)
    if settings.host in ("0.0.0.0", "::") and not settings.allowed_hosts:
        log.warning("bound to every address: only localhost names are answered until you set --allowed-hosts")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        http=with_header_timeout(settings.header_timeout_s),
        timeout_keep_alive=settings.idle_timeout_s,
        limit_concurrency=settings.max_connections,
        # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default; here only from the listed proxies.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        server_header=False,
    )
