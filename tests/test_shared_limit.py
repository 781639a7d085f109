"""The rate limit shared by replicas (webapp/shared_limit.py), against a real Redis: one count for every
process, the same waits as the in-process limiter, and what happens while Redis is down."""

import asyncio
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import free_port

from webapp import shared_limit
from webapp.security import AllowedHosts, AllowedOrigins, Guard, LimiterUnavailable, RateLimiter
from webapp.shared_limit import KEY_PREFIX, RETRY_REDIS_S, RedisRateLimiter, make_limiter


def run(coroutine):
    """asyncio.run in a thread of its own: a test before this one may have left this thread's loop running
    (Playwright's sync API does), and the server's limiter lives in one loop as it does here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def client() -> str:
    """A client address of its own, so tests sharing the session's Redis never share a count."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}-{secrets.token_hex(3)}"


def test_three_replicas_share_one_count(redis_server):
    replicas = [RedisRateLimiter(redis_server.url, 5, window_s=60) for _ in range(3)]
    address = client()

    async def ask_round_robin(n: int) -> list[float]:
        waits = [await replicas[i % 3].check(address) for i in range(n)]
        return [*waits, await replicas[0].check(client())]

    *waits, someone_else = run(ask_round_robin(9))
    assert waits[:5] == [0, 0, 0, 0, 0]  # 5 in all, not 5 per replica
    assert all(59 < w <= 60 for w in waits[5:])
    assert someone_else == 0  # per client


def test_the_window_slides_and_the_key_expires(redis_server):
    import redis

    limiter = RedisRateLimiter(redis_server.url, 2, window_s=0.5)
    address = client()

    async def scenario() -> list[float]:
        waits = [await limiter.check(address) for _ in range(3)]
        await asyncio.sleep(0.55)
        waits.append(await limiter.check(address))
        return waits

    waits = run(scenario())
    assert waits[:2] == [0, 0] and 0 < waits[2] <= 0.5 and waits[3] == 0
    ttl_ms = redis.Redis.from_url(redis_server.url).pttl(KEY_PREFIX + address)
    assert 0 < ttl_ms <= 500  # an idle client leaves nothing behind once its window has passed


def test_concurrent_requests_cannot_both_take_the_last_slot(redis_server, monkeypatch):
    # Atomicity, not the fall-back: on a loaded machine (CI's two cores) a round trip may pass the 0.25 s
    # timeout, and that request would be counted in-process instead (fail open, tested on its own).
    monkeypatch.setattr(shared_limit, "REDIS_TIMEOUT_S", 5.0)
    limiters = [RedisRateLimiter(redis_server.url, 10, window_s=60) for _ in range(4)]
    address = client()

    async def burst() -> list[float]:
        return await asyncio.gather(*(limiters[i % 4].check(address) for i in range(40)))

    waits = run(burst())
    assert sum(w == 0 for w in waits) == 10


def test_redis_down_fails_open_to_the_replicas_own_count_and_says_so_once(caplog):
    limiter = RedisRateLimiter(f"redis://:pw@127.0.0.1:{free_port()}/0", 2, window_s=60)

    async def five() -> list[float]:
        return [await limiter.check("a") for _ in range(5)]

    with caplog.at_level(logging.ERROR, logger="webapp.shared_limit"):
        waits = run(five())
    assert waits[:2] == [0, 0] and all(w > 0 for w in waits[2:])  # still answering, still limiting abusers
    assert caplog.text.count("is unreachable") == 1 and "counting in this replica only" in caplog.text
    assert ":pw@" not in caplog.text


def test_redis_down_with_fail_closed_refuses_with_503_and_retry_after():
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", 2, window_s=60, fail_closed=True)
    with pytest.raises(LimiterUnavailable):
        run(limiter.check("a"))

    sent = []

    async def app(scope, receive, send):  # never reached
        raise AssertionError("the request went through")

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    guard = Guard(app, AllowedOrigins(), limiter, AllowedHosts.parse([], "127.0.0.1"))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/ask",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("203.0.113.9", 5000),
    }
    run(guard(scope, receive, send))
    start = sent[0]
    headers = dict(start["headers"])
    assert start["status"] == 503 and headers[b"retry-after"] == b"5"
    assert b'"error":"rate_limit_unavailable"' in sent[1]["body"]


def test_counting_comes_back_to_redis_when_it_answers_again(tmp_path, caplog):
    from conftest import _cluster_services

    services = _cluster_services()
    port = free_port()
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    redis_server = services.start_redis(tmp_path / "first", port=port)
    limiter = RedisRateLimiter(redis_server.url, 3, window_s=60)
    other = RedisRateLimiter(redis_server.url, 3, window_s=60)

    started = [redis_server]

    async def scenario() -> list[float]:
        waits = [await limiter.check("a")]  # counted in Redis
        redis_server.stop()
        waits.append(await limiter.check("a"))  # counted here only
        started.append(services.start_redis(tmp_path / "second", port=port))  # empty: the count starts again
        await asyncio.sleep(RETRY_REDIS_S)
        waits += [await limiter.check("a"), await other.check("a"), await other.check("a")]
        waits.append(await limiter.check("a"))  # the 4th in Redis: refused, whichever replica asks
        return waits

    try:
        with caplog.at_level(logging.WARNING, logger="webapp.shared_limit"):
            waits = run(scenario())
    finally:  # whatever failed, no Redis outlives the test
        for service in started:
            service.stop()
    assert waits[:5] == [0, 0, 0, 0, 0] and waits[5] > 0
    assert "is unreachable" in caplog.text and "answers again" in caplog.text


def test_without_a_redis_url_the_limit_is_the_in_process_one():
    assert type(make_limiter(60, 60, None, False)) is RateLimiter
    assert isinstance(make_limiter(60, 60, "redis://127.0.0.1:6379/0", False), RedisRateLimiter)


def test_the_chat_callbacks_and_the_api_count_into_one_shared_limit(redis_server):
    """The chat counts in its answering callbacks (worker threads, no event loop), the API in the Guard:
    with Redis both count into the one window, across replicas, and the chat shows a notice."""
    import gradio as gr

    from webapp.chat import ChatCallbacks

    api_replica = RedisRateLimiter(redis_server.url, 3, window_s=60)
    chat_replica = RedisRateLimiter(redis_server.url, 3, window_s=60)
    address = client()
    assert run(api_replica.check(address)) == 0
    assert chat_replica.hit(address) == 0 and chat_replica.hit(address) == 0
    chat = ChatCallbacks(live=None, feedback=None, limiter=chat_replica)  # refused before either is used
    request = gr.Request(client={"host": address})  # a queued question, as Gradio passes it
    box, _, turns, notice = chat.respond("Do I need a PhD?", [], request)
    assert box == "Do I need a PhD?" and turns == [] and "try again in" in notice
    # A limiter of its own: the asyncio client is bound to the loop of its first `run`, now closed.
    assert run(RedisRateLimiter(redis_server.url, 3, window_s=60).check(address)) > 0


def test_the_chat_says_so_when_the_shared_count_is_down_and_the_limit_fails_closed():
    import gradio as gr

    from webapp.chat import ChatCallbacks

    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", 2, window_s=60, fail_closed=True)
    chat = ChatCallbacks(live=None, feedback=None, limiter=limiter)
    request = gr.Request(client={"host": "a"})
    box, _, _, notice = chat.respond("Do I need a PhD?", [], request)
    assert box == "Do I need a PhD?" and "cannot check its rate limit" in notice
