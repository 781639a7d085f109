"""The Host and origin allow-lists, the headers, the rate limiter and the body limit, without a server; then
what an attacker on the network finds, against a running server over real HTTP (issue 12)."""

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from webapp.security import (
    AllowedHosts,
    AllowedOrigins,
    BodyLimit,
    Guard,
    RateLimiter,
    is_asking,
    normalise_origin,
    retry_after,
    security_headers,
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


def test_hosts_are_the_bound_address_localhost_and_the_listed_names():
    hosts = AllowedHosts.parse(["Guide.Example.org"], "127.0.0.1")
    assert hosts.allows("127.0.0.1:7860") and hosts.allows("localhost") and hosts.allows("[::1]:7860")
    assert hosts.allows("guide.example.org") and hosts.allows("GUIDE.example.org:443")
    assert not hosts.allows("attacker.example") and not hosts.allows("attacker.example:7860")
    assert not hosts.allows(None)  # HTTP/1.0 without Host
    assert not hosts.allows("127.0.0.1.attacker.example")


def test_bound_to_every_address_only_listed_names_and_localhost_are_answered():
    hosts = AllowedHosts.parse([], "0.0.0.0")
    assert hosts.names == ("localhost", "127.0.0.1", "[::1]")
    assert AllowedHosts.parse(["*"], "0.0.0.0").allows("anything.example")


def test_every_response_gets_a_content_policy_nosniff_and_a_referrer_policy():
    headers = dict(security_headers(AllowedOrigins.parse(["https://docs.example.org"])))
    csp = headers[b"content-security-policy"].decode()
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "connect-src 'self'" in csp
    assert csp.endswith("frame-ancestors 'self' http://localhost:* http://127.0.0.1:* https://docs.example.org")
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"referrer-policy"] == b"same-origin"


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


def test_the_client_table_is_bounded_and_a_request_costs_the_same_however_many_clients_are_tracked():
    import time

    clock = Clock()
    limiter = RateLimiter(2, window_s=60, clock=clock, max_clients=10_000)
    started = time.perf_counter()
    for i in range(50_000):  # a scan of every tracked client per request made this take minutes
        limiter.hit(f"10.0.{i // 250}.{i % 250}")
    assert time.perf_counter() - started < 5
    assert limiter.tracked == 10_000
    limiter.hit("a"), limiter.hit("a")
    assert limiter.hit("a") > 0  # the newest clients are still limited


def test_idle_clients_are_forgotten_first():
    clock = Clock()
    limiter = RateLimiter(1, window_s=10, clock=clock, max_clients=3)
    limiter.hit("old")
    clock.now += 11
    limiter.hit("b"), limiter.hit("c"), limiter.hit("d")
    assert limiter.tracked == 3 and limiter.hit("d") > 0


def test_zero_turns_the_limit_off():
    limiter = RateLimiter(0)
    assert all(limiter.hit("a") == 0 for _ in range(1000))


def test_a_refused_origin_is_named_in_the_log_once_and_the_memory_of_them_is_bounded(caplog, monkeypatch):
    monkeypatch.setattr("webapp.security.REFUSED_ORIGINS_KEPT", 2)
    guard = Guard(None, AllowedOrigins.parse([]), RateLimiter(0), AllowedHosts.parse([], "127.0.0.1"))
    with caplog.at_level(logging.WARNING, logger="webapp.security"):
        for origin in ["https://a.example", "https://a.example", "https://b.example", "https://a.example"]:
            guard.log_refused(origin, "POST", "/api/ask")
        assert [r.getMessage().split(" which")[0] for r in caplog.records] == [
            "refused POST /api/ask from the origin https://a.example,",
            "refused POST /api/ask from the origin https://b.example,",
        ]
        assert "--allowed-origins https://a.example" in caplog.records[0].getMessage()
        guard.log_refused("https://c.example", "POST", "/api/ask")  # b is forgotten: a was seen more recently
        guard.log_refused("https://b.example", "POST", "/api/ask")
    assert len(caplog.records) == 4


def test_retry_after_is_whole_seconds_never_zero():
    assert retry_after(0.2) == 1
    assert retry_after(2.01) == 3


def test_only_the_routes_that_ask_are_counted():
    assert is_asking("POST", "/api/ask")
    assert not is_asking("POST", "/gradio_api/queue/join")  # counted by the chat's answering callbacks
    assert is_asking("POST", "/gradio_api/run/chat")
    assert not is_asking("GET", "/gradio_api/queue/data")
    assert is_asking("POST", "/gradio_api/call/chat")
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


# -- what an attacker on the network finds, against a running server (issue 12) ---------------------

HOSTILE = "http://attacker.example"


@pytest.fixture(scope="module")
def exposed(tmp_path_factory):
    """A server as an attacker would meet it, with short connection timeouts and a small connection cap.

    No index (nothing here asks a question that needs one), so it starts without loading the model; its
    temp folder already holds a file left by a previous run, which start-up must remove.
    """
    from conftest import RunningServer

    tmp = tmp_path_factory.mktemp("exposed")
    temp_dir = tmp / "gradio-tmp"
    temp_dir.mkdir()
    (temp_dir / ".guide-assistant-temp").write_text("ours\n")
    (temp_dir / "left-over-upload.txt").write_text("from a run that was killed")
    env = {
        "GUIDE_TEMP_DIR": str(temp_dir),
        "GUIDE_RATE_LIMIT": "0",
        "GUIDE_HEADER_TIMEOUT": "1",
        "GUIDE_IDLE_TIMEOUT": "1",
        "GUIDE_MAX_CONNECTIONS": "6",
    }
    running = RunningServer(tmp_path_factory.mktemp("no-index"), tmp, env=env)
    running.temp_dir = temp_dir
    yield running
    running.stop()


def temp_files(server) -> list[str]:
    return sorted(str(p.relative_to(server.temp_dir)) for p in server.temp_dir.rglob("*") if p.is_file())


@pytest.mark.slow
def test_uploads_are_refused_and_leave_nothing_on_disk(exposed):
    import httpx

    assert temp_files(exposed) == [".guide-assistant-temp"]  # the left-over file was removed at start
    files = {"files": ("notes.txt", b"x" * 1024, "text/plain")}
    response = httpx.post(exposed.url + "/gradio_api/upload", files=files, timeout=30)
    assert response.status_code == 404 and "takes no file uploads" in response.json()["message"]
    big = {"files": ("big.bin", b"x" * (20 * 1024 * 1024), "application/octet-stream")}
    assert httpx.post(exposed.url + "/gradio_api/upload", files=big, timeout=30).status_code in (404, 413)
    chunked = (b"x" * (1024 * 1024) for _ in range(20))  # 20 MB without a Content-Length
    response = httpx.post(exposed.url + "/gradio_api/upload", content=chunked, headers={"Content-Type": "text/plain"})
    assert response.status_code == 404
    assert temp_files(exposed) == [".guide-assistant-temp"]


@pytest.mark.slow
def test_the_file_route_serves_nothing_of_the_host(exposed, tmp_path):
    import httpx

    secret = tmp_path / "secret.txt"
    secret.write_text("another app's upload")
    for path in ("/etc/passwd", str(secret), str(exposed.temp_dir / ".guide-assistant-temp"), "http://127.0.0.1/"):
        for route in ("/gradio_api/file=", "/gradio_api/file/"):
            response = httpx.get(exposed.url + route + path, timeout=30)
            assert response.status_code == 404 and "another app" not in response.text and "root:" not in response.text


@pytest.mark.slow
def test_the_temp_folder_is_emptied_on_exit(tmp_path):
    from conftest import RunningServer

    running = RunningServer(tmp_path / "no-index", tmp_path, env={"GUIDE_TEMP_DIR": str(tmp_path / "t")})
    (tmp_path / "t" / "made-while-serving.txt").write_text("x")
    running.stop()
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [".guide-assistant-temp"]


@pytest.mark.slow
def test_a_host_name_not_on_the_list_is_refused(exposed):
    import httpx

    response = httpx.get(exposed.url + "/", headers={"Host": "attacker.example", "Origin": HOSTILE})
    assert response.status_code == 400 and response.json()["error"] == "host_not_allowed"
    assert "--allowed-hosts" in response.json()["message"]
    assert httpx.get(exposed.url + "/", headers={"Host": f"localhost:{exposed.port}"}).status_code == 200


@pytest.mark.slow
def test_a_foreign_origin_is_refused_on_every_route_not_only_the_asking_ones(exposed):
    import httpx

    for method, path in (("GET", "/gradio_api/info"), ("POST", "/gradio_api/reset"), ("GET", "/config")):
        response = httpx.request(method, exposed.url + path, headers={"Origin": HOSTILE}, json={})
        assert response.status_code == 403 and response.json()["error"] == "origin_not_allowed", (path, response.text)
    assert httpx.get(exposed.url + "/gradio_api/info", headers={"Origin": exposed.url}).status_code == 200


@pytest.mark.slow
def test_private_events_dev_routes_and_unknown_events_are_4xx_without_a_traceback(exposed):
    import httpx

    calls = [
        ("GET", "/gradio_api/dev/reload", None, 404),
        ("POST", "/gradio_api/run/respond", {"data": ["Do I need a PhD?", []]}, 404),
        ("POST", "/gradio_api/api/chat", {"data": ["Do I need a PhD?", []]}, 404),
        ("POST", "/gradio_api/call/respond", {"data": ["Do I need a PhD?", []]}, 404),
        ("POST", "/gradio_api/call/v2/respond", {"message": "Do I need a PhD?"}, 404),
        ("POST", "/gradio_api/queue/join", {"data": [], "fn_index": 9999, "session_hash": "abc"}, 422),
        ("POST", "/gradio_api/queue/join", {"data": [], "fn_index": "0; drop", "session_hash": "abc"}, 422),
        ("POST", "/gradio_api/queue/join", {"data": [], "session_hash": "abc"}, 422),
        ("GET", "/monitoring", None, 404),
    ]
    for method, path, body, status in calls:
        response = httpx.request(method, exposed.url + path, json=body, timeout=30)
        assert response.status_code == status, (path, response.text)
        assert response.json()["message"], path
    assert "Traceback" not in exposed.log()
    # The public endpoint still takes calls (no index here, so the call itself ends in an error event).
    assert httpx.post(exposed.url + "/gradio_api/call/chat", json={"data": ["hi", []]}).status_code == 200


@pytest.mark.slow
def test_pages_and_refusals_carry_the_security_headers(exposed):
    import httpx

    for response in (httpx.get(exposed.url + "/"), httpx.post(exposed.url + "/gradio_api/upload")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert "server" not in httpx.get(exposed.url + "/").headers


@pytest.mark.slow
def test_slow_and_idle_connections_are_closed_and_the_cap_recovers(exposed):
    import socket
    import time

    import httpx

    # Headers sent a byte at a time: the connection is closed once the 1 s header deadline passes.
    with socket.create_connection(("127.0.0.1", exposed.port), timeout=10) as slow:
        started = time.monotonic()
        try:
            for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
                slow.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass  # closed by the server, as it should be
        assert slow.recv(1024) == b"" and time.monotonic() - started < 8

    # Idle after a response: closed after the 1 s idle timeout.
    with socket.create_connection(("127.0.0.1", exposed.port), timeout=10) as idle:
        idle.sendall(f"GET /embed.js HTTP/1.1\r\nHost: 127.0.0.1:{exposed.port}\r\n\r\n".encode())
        started = time.monotonic()
        while idle.recv(65536):
            pass
        assert time.monotonic() - started < 5

    # Silent connections up to the cap: a new request gets 503 until the deadline drops them.
    silent = [socket.create_connection(("127.0.0.1", exposed.port)) for _ in range(6)]
    try:
        assert httpx.get(exposed.url + "/embed.js").status_code == 503
        time.sleep(1.5)
        assert httpx.get(exposed.url + "/embed.js").status_code == 200
    finally:
        for sock in silent:
            sock.close()


def forwarded_statuses(server, count: int) -> list[int]:
    import httpx

    statuses = []
    for i in range(count):
        headers = {"X-Forwarded-For": f"203.0.113.{i}"}
        statuses.append(httpx.post(server.url + "/api/ask", json={"question": "hi"}, headers=headers).status_code)
    return statuses


@pytest.mark.slow
def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(tmp_path):
    from conftest import RunningServer

    limited = {"GUIDE_RATE_LIMIT": "3", "GUIDE_RATE_WINDOW": "60"}
    for folder in ("direct", "proxied"):
        (tmp_path / folder).mkdir()
    direct = RunningServer(tmp_path / "no-index", tmp_path / "direct", env=limited)
    try:  # a client on 127.0.0.1 rotating the header is still one client
        assert forwarded_statuses(direct, 6) == [503, 503, 503, 429, 429, 429]
    finally:
        direct.stop()
    proxied = RunningServer(tmp_path / "no-index", tmp_path / "proxied", "--trusted-proxies", "127.0.0.1", env=limited)
    try:  # behind a trusted proxy each forwarded address has its own budget
        assert forwarded_statuses(proxied, 6) == [503] * 6
    finally:
        proxied.stop()
