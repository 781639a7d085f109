"""The origin allow-list, the CSP it produces, the rate limiter and the body limit, without a server."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from webapp.security import (
    MAX_UPLOAD_BYTES,
    AllowedOrigins,
    BodyLimit,
    RateLimiter,
    is_asking,
    normalise_origin,
    retry_after,
)


def test_localhost_on_any_port_and_the_servers_own_origin_are_allowed_by_default():
    origins = AllowedOrigins.parse([])
    assert origins.allows("http://localhost:8000")
    assert origins.allows("http://127.0.0.1:5173")
    assert origins.allows("https://localhost")
    assert origins.allows("http://guide.internal:7860", host="guide.internal:7860")  # same origin
    assert not origins.allows("https://example.org")
    assert not origins.allows("http://127.0.0.2:8000")
    assert not origins.allows("http://localhost.example.org")  # a suffix is not localhost


def test_extra_origins_are_allowed_exactly():
    origins = AllowedOrigins.parse(["https://Docs.Example.org/", " http://intranet:8080 "])
    assert origins.extra == ("https://docs.example.org", "http://intranet:8080")
    assert origins.allows("https://docs.example.org")
    assert not origins.allows("https://docs.example.org.evil.com")
    assert not origins.allows("http://docs.example.org")  # another scheme is another origin
    assert not origins.allows("https://docsxexample.org")  # dots are literal


def test_frame_ancestors_lists_the_same_origins():
    csp = AllowedOrigins.parse(["https://docs.example.org"]).frame_ancestors()
    assert csp == "frame-ancestors 'self' http://localhost:* http://127.0.0.1:* https://docs.example.org"


def test_star_allows_every_origin():
    origins = AllowedOrigins.parse(["*"])
    assert origins.allows("https://anyone.example")
    assert origins.frame_ancestors() == "frame-ancestors *"


@pytest.mark.parametrize("bad", ["example.org", "ftp://example.org", "https://"])
def test_a_malformed_origin_is_refused_with_the_value_in_the_message(bad):
    with pytest.raises(ValueError, match="not an origin"):
        normalise_origin(bad)


def test_normalise_drops_default_ports_only():
    assert normalise_origin("https://example.org:443") == "https://example.org"
    assert normalise_origin("http://example.org:8080/path") == "http://example.org:8080"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_limit_trips_after_the_burst_and_recovers_when_the_window_slides():
    clock = Clock()
    limiter = RateLimiter(3, window_s=10, clock=clock)
    assert [limiter.hit("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.hit("a") == pytest.approx(10)
    assert limiter.hit("b") == 0  # per client
    clock.now += 4
    assert limiter.hit("a") == pytest.approx(6)
    clock.now += 6
    assert limiter.hit("a") == 0
    assert "at most 3 every 10 seconds" in limiter.message(6)


def test_refused_requests_do_not_extend_the_wait():
    clock = Clock()
    limiter = RateLimiter(1, window_s=5, clock=clock)
    limiter.hit("a")
    for _ in range(20):
        limiter.hit("a")
    clock.now += 5
    assert limiter.hit("a") == 0


def test_zero_turns_the_limit_off():
    limiter = RateLimiter(0)
    assert all(limiter.hit("a") == 0 for _ in range(1000))


def test_retry_after_is_whole_seconds_never_zero():
    assert retry_after(0.2) == 1
    assert retry_after(2.01) == 3


def test_only_the_routes_that_ask_are_counted():
    assert is_asking("POST", "/api/ask")
    assert is_asking("POST", "/gradio_api/queue/join")
    assert is_asking("POST", "/gradio_api/run/chat")
    assert not is_asking("GET", "/gradio_api/queue/data")
    assert not is_asking("POST", "/gradio_api/upload")
    assert not is_asking("GET", "/")


# -- the body limit, driven as an ASGI app -----------------------------------------------------------


def drive(limit: BodyLimit, path: str, pieces: list[bytes], headers=()) -> tuple[list[dict], list[dict], int]:
    """Run `limit` around an app that reads the whole body and echoes its size: (sent, app saw, pieces read)."""
    incoming = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1} for i, p in enumerate(pieces)]
    read, sent, seen = [], [], []

    async def receive():
        read.append(1)
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    async def app(scope, receive, send):
        size = 0
        while True:
            message = await receive()
            seen.append(message)
            if message["type"] == "http.disconnect":
                raise OSError("client went away")  # as Starlette's ClientDisconnect would
            size += len(message["body"])
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})

    limit.app = app
    scope = {"type": "http", "method": "POST", "path": path, "headers": list(headers)}
    # A thread of its own: Playwright's sync API (the session's browser fixture) may already run an event
    # loop in this thread, and asyncio.run refuses to start a second one there.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, limit(scope, receive, send)).result()
    return sent, seen, len(read)


def test_a_body_under_the_limit_reaches_the_app_whole():
    sent, seen, _ = drive(BodyLimit(None, limit=100), "/api/ask", [b"a" * 60, b"a" * 40])
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"100"


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit_and_the_rest_is_not_read():
    sent, seen, read = drive(BodyLimit(None, limit=100), "/api/ask", [b"a" * 60, b"a" * 60, b"a" * 60, b"a" * 60])
    assert read == 2  # the third and fourth pieces were never asked for
    assert seen[-1] == {"type": "http.disconnect"}
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]  # the app's reply dropped
    assert sent[0]["status"] == 413
    body = json.loads(sent[1]["body"])
    assert body == {"error": "too_large", "message": "The request body is over the limit of 100 bytes."}


def test_a_declared_content_length_over_the_limit_is_refused_before_the_app_runs():
    headers = [(b"content-length", b"1000")]
    sent, seen, read = drive(BodyLimit(None, limit=100), "/gradio_api/queue/join", [b"a" * 1000], headers)
    assert (read, seen, sent[0]["status"]) == (0, [], 413)
    body = json.loads(sent[1]["body"])
    assert body["error"] == "too_large" and body["detail"] == body["message"]  # Gradio's front end shows detail
    assert "1,000 bytes" in body["message"]


def test_uploads_have_their_own_larger_limit():
    limit = BodyLimit(None, limit=100)
    assert limit.limit_for("/gradio_api/upload") == MAX_UPLOAD_BYTES > limit.limit_for("/api/ask") == 100
    sent, _, _ = drive(limit, "/gradio_api/upload", [b"a" * 60, b"a" * 60])
    assert sent[0]["status"] == 200
