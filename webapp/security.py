"""Who may reach the server, embed the chat and call the API, how often and how much: the Host and
origin allow-lists, the response headers (CSP and friends), a rate limiter and a body size limit.

`AllowedOrigins` is the one policy behind three things: the CSP `frame-ancestors` sent with every page,
the CORS answers (`origin_regex` feeds Starlette's CORSMiddleware), and the refusal of any request that
carries a foreign `Origin` header. `AllowedHosts` refuses a `Host` header the deployer did not list, which
stops DNS rebinding. `RateLimiter` counts the requests that ask a question (the JSON API and Gradio's
queue/call routes), per client address, in a sliding window, in O(1) per request with a bounded table;
it is one process's count. `Limiter` is the interface it shares with webapp/shared_limit.py's
`RedisRateLimiter`, which counts for every replica at once; the chat's answering callbacks count into the
same limiter object as the API (webapp/chat.py). `Guard` is the thin ASGI shell that applies all of them;
everything above it is plain logic, tested without a server. `BodyLimit` caps every request body, counting bytes as they arrive.
`ReadableRefusal` lets a page on a refused origin read the Guard's 403 on the widget's route, so the
widget can say the site is not allowed instead of reporting a network error; the Guard logs each
refused origin once.

The client address is the socket's, or the one uvicorn takes from X-Forwarded-For when the request comes
from an address in `--trusted-proxies` (webapp/server.py); no proxy is trusted by default, as the header
is trivially forged. Left out on purpose: cookies and authentication, and rate limits on Gradio's other
routes (heartbeats, static assets). Which Gradio routes are closed is webapp/gradio_routes.py.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.responses import Response

from .api import MAX_BODY_BYTES, error_response

log = logging.getLogger("webapp.security")

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


# Hosts a browser on this machine uses to reach a server bound to loopback.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def host_name(host_header: str) -> str:
    """`Example.org:7860` -> `example.org`; `[::1]:7860` -> `[::1]`: the Host header without its port."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


@dataclass(frozen=True)
class AllowedHosts:
    """Host names the server answers to: the address it is bound to, localhost, and `extra`; `*` for any.

    A page on attacker.example whose DNS name is switched to this machine's address (DNS rebinding) sends
    `Host: attacker.example`, which is refused.
    """

    names: tuple[str, ...]

    @classmethod
    def parse(cls, values: Iterable[str], bound_host: str) -> AllowedHosts:
        extra = [host_name(v) if v.strip() != "*" else "*" for v in values if v.strip()]
        bound = [host_name(f"[{bound_host}]" if ":" in bound_host else bound_host)]
        unspecified = ("0.0.0.0", "[::]")  # bound to every address: no name to infer, the deployer lists them
        names = [n for n in (*bound, *LOCAL_HOSTS, *extra) if n not in unspecified]
        return cls(tuple(dict.fromkeys(names)))

    def allows(self, host_header: str | None) -> bool:
        if "*" in self.names:
            return True
        return host_header is not None and host_name(host_header) in self.names


class LimiterUnavailable(RuntimeError):
    """The shared count cannot be reached and the limiter is set to refuse rather than answer uncounted."""


class Limiter(ABC):
    """At most `limit` requests per client in any `window_s` seconds; `limit <= 0` turns it off."""

    limit: int
    window_s: float

    @abstractmethod
    async def check(self, client: str) -> float:
        """Count one request; 0 if it may go ahead, else the seconds until the client may try again.
        LimiterUnavailable when the count cannot be kept and the deployer chose to refuse then."""

    @abstractmethod
    def hit(self, client: str) -> float:
        """`check` for callers in a worker thread rather than the event loop: the chat's answering
        callbacks (webapp/chat.py), which count into the same limit as the API."""

    def notice(self, wait_s: float) -> str:
        """What the chat window says instead of answering: plain words, and when to ask again."""
        window = "minute" if self.window_s == 60 else f"{self.window_s:g} seconds"
        return f"You've asked a lot in the last {window}; try again in {retry_after(wait_s)} s."

    def message(self, wait_s: float) -> str:
        return (
            f"Too many questions from your address: at most {self.limit} every {self.window_s:g} seconds. "
            f"Please try again in {retry_after(wait_s)} seconds."
        )


class RateLimiter(Limiter):
    """One process's count: at most `limit` requests per client in any `window_s` seconds.

    Clients are kept least recently seen first, so a request touches only its own entry and, when the
    table is full, the oldest ones: O(1) per request however many addresses are tracked. A client
    forgotten to make room for `max_clients` newer ones starts afresh; with the default that takes
    100,000 other addresses within one window.
    """

    def __init__(self, limit: int, window_s: float = 60.0, clock=time.monotonic, max_clients: int = 100_000):
        self.limit = limit
        self.window_s = window_s
        self.max_clients = max_clients
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, client: str) -> float:
        """Count one request; 0 if it may go ahead, else the seconds until the client may try again."""
        if self.limit <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            hits = self._hits.get(client)
            if hits is None:
                self._make_room(now)
                hits = self._hits[client] = deque(maxlen=self.limit)
            self._hits.move_to_end(client)
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window_s - now
            hits.append(now)
            return 0.0

    async def check(self, client: str) -> float:
        return self.hit(client)  # a dict and a deque under a lock: nothing to wait for

    @property
    def tracked(self) -> int:
        return len(self._hits)

    def _make_room(self, now: float) -> None:
        # The least recently seen come first: drop those idle for a whole window (nothing left to count),
        # then, if the table is still full, the oldest regardless.
        while self._hits:
            oldest, hits = next(iter(self._hits.items()))
            if len(self._hits) < self.max_clients and hits and hits[-1] > now - self.window_s:
                return
            del self._hits[oldest]


# What a client is told to wait when the shared count is down and the limiter refuses (fail closed).
UNAVAILABLE_RETRY_S = 5


def retry_after(wait_s: float) -> int:
    return max(1, math.ceil(wait_s))


# The routes that ask the assistant something, counted here. Gradio's chat page and gradio_client ask
# through queue/join, which is not counted here but in the answering callbacks themselves (webapp/chat.py,
# the same limiter): a 429 there would replace the page's conversation, box and notice with error pills,
# and the same route carries thumbs and clears, which ask nothing. Scripts call/: counted here, once (the
# callback behind it sees `COUNTED` and does not count it again). Everything else (pages,
# assets, heartbeats, the event stream) is not counted. Gradio's direct run/ and api/ routes are closed
# (webapp/gradio_routes.py) but still counted, should one be reopened.
ASKING_PATHS = ("/api/ask", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/")


def is_asking(method: str, path: str) -> bool:
    return method == "POST" and path.rstrip("/").startswith(tuple(p.rstrip("/") for p in ASKING_PATHS))


# The key the Guard sets in a request's ASGI state once it has counted the request, so that the chat's
# answering callback behind Gradio's call/ route does not count the same question a second time.
COUNTED = "guide_rate_counted"


def counted(scope: dict) -> bool:
    """Whether the Guard has already counted this request against the rate limit."""
    return bool(scope.get("state", {}).get(COUNTED))


# Everything Gradio's page needs, and no more (docs/security.md). Gradio writes its config and start-up
# code into the page as inline <script>s and Svelte sets inline styles, hence 'unsafe-inline' for both;
# Gradio 6's gr.HTML (the notice under the question box) compiles its template with `new Function`, hence
# 'unsafe-eval'; images may be data: or blob: URLs (Gradio's icons); everything else comes from this server.
CONTENT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def security_headers(origins: AllowedOrigins) -> list[tuple[bytes, bytes]]:
    """The headers added to every response."""
    return [
        (b"content-security-policy", f"{CONTENT_POLICY}; {origins.frame_ancestors()}".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


class Guard:
    """ASGI middleware: security headers on every response; Host and origin checks on every request;
    the rate limit on the asking routes.

    Mount it inside Starlette's CORSMiddleware so its refusals still carry CORS headers and a widget on
    an allowed page can read the 429 instead of seeing a network error.
    """

    def __init__(self, app, origins: AllowedOrigins, limiter: Limiter, hosts: AllowedHosts):
        self.app = app
        self.origins = origins
        self.limiter = limiter
        self.hosts = hosts
        self.headers = security_headers(origins)
        self.refused_origins: OrderedDict[str, None] = OrderedDict()  # logged already, most recent last

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = await self._refusal(scope)
        if refusal is not None:
            await refuse(scope, receive, send, *refusal, extra_headers=self.headers)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refusal(self, scope) -> tuple[int, str, str, dict[str, str]] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host")
        if not self.hosts.allows(host):
            message = (
                f"This server does not answer to the host name {host!r}; its operator can add it with --allowed-hosts."
            )
            return 400, "host_not_allowed", message, {}
        origin = headers.get("origin")
        if origin and not self.origins.allows(origin, host):
            self.log_refused(origin, scope["method"], scope["path"])
            message = (
                f"Requests from {origin} are not allowed; the server's operator can add it with --allowed-origins."
            )
            return 403, "origin_not_allowed", message, {}
        if not is_asking(scope["method"], scope["path"]):
            return None
        client = (scope.get("client") or ("unknown", 0))[0]
        try:
            wait_s = await self.limiter.check(client)
        except LimiterUnavailable as exc:
            return 503, "rate_limit_unavailable", str(exc), {"Retry-After": str(UNAVAILABLE_RETRY_S)}
        if wait_s > 0:
            return 429, "rate_limited", self.limiter.message(wait_s), {"Retry-After": str(retry_after(wait_s))}
        scope.setdefault("state", {})[COUNTED] = True
        return None

    def log_refused(self, origin: str, method: str, path: str) -> None:
        """Name a refused origin in the log, once per origin: a page embedding the widget sends many requests,
        and a site owner looking for why it fails needs the one line. The last REFUSED_ORIGINS_KEPT are kept."""
        if origin in self.refused_origins:
            self.refused_origins.move_to_end(origin)
            return
        self.refused_origins[origin] = None
        if len(self.refused_origins) > REFUSED_ORIGINS_KEPT:
            self.refused_origins.popitem(last=False)
        log.warning(
            "refused %s %s from the origin %s, which is not allowed; if that site should use the assistant, "
            "start the server with --allowed-origins %s (or GUIDE_ALLOWED_ORIGINS)",
            method,
            path,
            origin,
            origin,
        )


REFUSED_ORIGINS_KEPT = 1000

# The route pages on other sites call: the widget's (webapp/static/embed.js).
WIDGET_ROUTE = "/api/ask"


class ReadableRefusal:
    """ASGI middleware, outside CORS: a page on an origin that is not allowed can read that it is refused.

    CORS alone answers such a page's preflight with a bare 400, so the browser reports a network error and
    the widget could only say it could not reach the assistant. On the widget's route this layer passes
    the preflight of any origin; the Guard then refuses the request itself, 403 `origin_not_allowed`
    (and logs the origin), and this layer adds `Access-Control-Allow-Origin` to that refusal so the page
    can read it. Nothing else is readable: any other status, and every other route, is left to CORS. The
    page learns only that it is refused; nothing is answered or counted for it.
    """

    def __init__(self, app, origins: AllowedOrigins, hosts: AllowedHosts):
        self.app = app
        self.origins = origins
        self.hosts = hosts
        self.headers = security_headers(origins)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != WIDGET_ROUTE:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin, host = headers.get("origin"), headers.get("host")
        if not origin or self.origins.allows(origin, host) or not self.hosts.allows(host):
            await self.app(scope, receive, send)
            return
        readable = [(b"access-control-allow-origin", origin.encode("latin-1"))]  # CORS inside adds Vary: Origin
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            preflight = Response(
                status_code=204,
                headers={
                    "Access-Control-Allow-Methods": "POST",
                    "Access-Control-Allow-Headers": "Content-Type",
                    "Access-Control-Max-Age": "600",
                },
            )
            preflight.raw_headers.extend([*readable, (b"vary", b"Origin"), *self.headers])
            await preflight(scope, receive, send)
            return

        async def send_readable_refusal(message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 403:
                message = {**message, "headers": [*message.get("headers", []), *readable]}
            await send(message)

        await self.app(scope, receive, send_readable_refusal)


async def refuse(
    scope,
    receive,
    send,
    status: int,
    kind: str,
    message: str,
    headers: dict | None = None,
    extra_headers: list[tuple[bytes, bytes]] = [],  # noqa: B006 - read only
) -> None:
    """Send the error body; Gradio's front end shows `detail` of a failed request, the API keeps two keys."""
    extra = {"detail": message} if scope["path"].startswith("/gradio_api/") else {}
    response = error_response(status, kind, message, **extra)
    response.headers.update(headers or {})
    response.raw_headers.extend(extra_headers)
    await response(scope, receive, send)


class BodyLimit:
    """ASGI middleware: 413 for a request body over `limit` bytes, counted as the body arrives.

    A declared Content-Length over the limit is refused before the app runs. Otherwise (chunked bodies,
    or a Content-Length that lies) the `http.request` messages are counted as the app reads them; once
    the count passes the limit the 413 is sent, the app is told the client went away, whatever it answers
    to that is dropped, and the rest of the body is never read (the server discards it). Gradio's
    upload routes are closed (webapp/gradio_routes.py), so one limit holds for every route.
    """

    def __init__(self, app, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
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
