"""The origin allow-list, the CSP it produces, and the rate limiter, as plain logic (no server)."""

import pytest

from webapp.security import AllowedOrigins, RateLimiter, is_asking, normalise_origin, retry_after


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
