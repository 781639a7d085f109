"""Who may embed the chat and call the API, how often and how much: the origin allow-list, CSP, a rate
limiter and a body size limit.

`AllowedOrigins` is the one policy behind three things: the CSP `frame-ancestors` sent with every page,
the CORS answers (`origin_regex` feeds Starlette's CORSMiddleware), and the refusal of requests that
carry a foreign `Origin` header. `RateLimiter` counts the requests that ask a question (the JSON API and
Gradio's queue/run routes), per client address, in a sliding window. `Guard` is the thin ASGI shell that
applies both; everything above it is plain logic, tested without a server. `BodyLimit` caps every
request body (uploads to Gradio get a larger cap), counting bytes as they arrive.

Left out on purpose: client identity beyond the socket address (X-Forwarded-For is trivially forged, so
behind a reverse proxy every user shares the proxy's budget: rate-limit at the proxy there), cookies and
authentication, and rate limits on Gradio's other routes (heartbeats, uploads, static assets).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .api import MAX_BODY_BYTES, error_response

# Gradio's upload routes take files; the chat offers none, so this only bounds what a stray client can send.
UPLOAD_PATHS = ("/gradio_api/upload", "/gradio_api/process_recording")
MAX_UPLOAD_BYTES = 16 * 1024 * 1024

# localhost on any port is allowed by default: a page a developer serves from their own machine can embed
# the widget without configuration, while no page on the internet can (its origin is never localhost).
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
# CSP host-sources cannot express IPv6 literals, so [::1] embeds only through an explicit entry.
LOCAL_FRAME_SOURCES = ("http://localhost:*", "http://127.0.0.1:*")


def normalise_origin(origin: str) -> str:
    """`HTTPS://Example.org:443/` -> `https://example.org`: the form a browser sends in `Origin`."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an origin (expected scheme://host[:port]): {origin!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = "" if parts.port in (None, default_port) else f":{parts.port}"
    return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True)
class AllowedOrigins:
    """The server's own origin, localhost on any port, and `extra` origins; `*` in `extra` allows all."""

    extra: tuple[str, ...] = ()

    @classmethod
    def parse(cls, values: Iterable[str]) -> AllowedOrigins:
        cleaned = [v.strip() for v in values if v.strip()]
        return cls(tuple("*" if v == "*" else normalise_origin(v) for v in cleaned))

    @property
    def allow_all(self) -> bool:
        return "*" in self.extra

    @property
    def origin_regex(self) -> str:
        if self.allow_all:
            return r"https?://.+"
        return "|".join([LOCAL_ORIGINS, *(re.escape(o) for o in self.extra)])

    def allows(self, origin: str, host: str | None = None) -> bool:
        """Whether a request with this `Origin` header may call; `host` is its `Host` header (same origin)."""
        if host and urlsplit(origin).netloc.lower() == host.lower():
            return True
        return re.fullmatch(self.origin_regex, origin.lower()) is not None

    def frame_ancestors(self) -> str:
        """The CSP directive that lets exactly these origins put the chat in a frame."""
        if self.allow_all:
            return "frame-ancestors *"
        return " ".join(["frame-ancestors 'self'", *LOCAL_FRAME_SOURCES, *self.extra])


class RateLimiter:
    """At most `limit` requests per client in any `window_s` seconds; `limit <= 0` turns it off."""

    def __init__(self, limit: int, window_s: float = 60.0, clock=time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> float:
        """Count one request; 0 if it may go ahead, else the seconds until the client may try again."""
        if self.limit <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            if len(self._hits) > 10_000:
                self._forget_idle(now)
            hits = self._hits.setdefault(client, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window_s - now
            hits.append(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        # Bounds memory under many distinct addresses; an idle client has nothing left to count.
        for client in [c for c, hits in self._hits.items() if not hits or hits[-1] <= now - self.window_s]:
            del self._hits[client]

    def message(self, wait_s: float) -> str:
        return (
            f"Too many questions from your address: at most {self.limit} every {self.window_s:g} seconds. "
            f"Please try again in {retry_after(wait_s)} seconds."
        )


def retry_after(wait_s: float) -> int:
    return max(1, math.ceil(wait_s))


# The routes that ask the assistant something. Gradio's chat page uses queue/join; gradio_client and
# scripts use run/api/call. Everything else (pages, assets, heartbeats, the event stream) is not counted.
ASKING_PATHS = ("/api/ask", "/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/")


def is_asking(method: str, path: str) -> bool:
    return method == "POST" and path.rstrip("/").startswith(tuple(p.rstrip("/") for p in ASKING_PATHS))


class Guard:
    """ASGI middleware: CSP on every response; origin and rate limit checks on the asking routes.

    Mount it inside Starlette's CORSMiddleware so its refusals still carry CORS headers and a widget on
    an allowed page can read the 429 instead of seeing a network error.
    """

    def __init__(self, app, origins: AllowedOrigins, limiter: RateLimiter):
        self.app = app
        self.origins = origins
        self.limiter = limiter
        self.csp = origins.frame_ancestors().encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refuse(scope, receive, send, *refusal)
            return

        async def send_with_csp(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"content-security-policy", self.csp)]}
            await send(message)

        await self.app(scope, receive, send_with_csp)

    def _refusal(self, scope) -> tuple[int, str, str, dict[str, str]] | None:
        if not is_asking(scope["method"], scope["path"]):
            return None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if origin and not self.origins.allows(origin, headers.get("host")):
            message = (
                f"Requests from {origin} are not allowed; the server's operator can add it with --allowed-origins."
            )
            return 403, "origin_not_allowed", message, {}
        client = (scope.get("client") or ("unknown", 0))[0]
        wait_s = self.limiter.hit(client)
        if wait_s > 0:
            return 429, "rate_limited", self.limiter.message(wait_s), {"Retry-After": str(retry_after(wait_s))}
        return None


async def refuse(scope, receive, send, status: int, kind: str, message: str, headers: dict | None = None) -> None:
    """Send the error body; Gradio's front end shows `detail` of a failed request, the API keeps two keys."""
    extra = {"detail": message} if scope["path"].startswith("/gradio_api/") else {}
    response = error_response(status, kind, message, **extra)
    response.headers.update(headers or {})
    await response(scope, receive, send)


class BodyLimit:
    """ASGI middleware: 413 for a request body over `limit` bytes, counted as the body arrives.

    A declared Content-Length over the limit is refused before the app runs. Otherwise (chunked bodies,
    or a Content-Length that lies) the `http.request` messages are counted as the app reads them; once
    the count passes the limit the 413 is sent, the app is told the client went away, whatever it answers
    to that is dropped, and the rest of the body is never read (the server discards it). Gradio's
    upload routes get `upload_limit` instead.
    """

    def __init__(self, app, limit: int = MAX_BODY_BYTES, upload_limit: int = MAX_UPLOAD_BYTES):
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    def limit_for(self, path: str) -> int:
        return self.upload_limit if path.rstrip("/").startswith(UPLOAD_PATHS) else self.limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = next((v for k, v in scope.get("headers", []) if k.lower() == b"content-length"), b"")
        if declared.isdigit() and int(declared) > limit:
            message = f"The request body is {int(declared):,} bytes; the limit is {limit:,}."
            await refuse(scope, receive, send, 413, "too_large", message)
            return
        received = 0
        started = refused = answered = False

        async def counting_receive():
            nonlocal received, refused, answered
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:  # a response under way cannot become a 413; the app just stops reading
                        text = f"The request body is over the limit of {limit:,} bytes."
                        await refuse(scope, receive, send, 413, "too_large", text)
                        answered = True
                    return {"type": "http.disconnect"}
            return message

        async def send_unless_refused(message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, send_unless_refused)
        except Exception:
            if not refused:  # after a refusal, the app's complaint that the client went away is expected
                raise
