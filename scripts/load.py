"""A bounded load on a running server: N concurrent users asking questions for S seconds.

    python scripts/load.py --url http://127.0.0.1:7860 --users 32 --seconds 60

Each user is an asyncio task with its own connection that asks the next question as soon as the
previous answer arrives (a closed loop, so the load is bounded by the number of users). Users alternate
between the JSON API (`POST /api/ask`) and the Gradio chat endpoint over Gradio's HTTP API
(`POST /gradio_api/call/chat`, then its event stream), or use one of them with --endpoint. A 429 is the
rate limit doing its job and is counted apart; any other status, a malformed answer or a connection
error is an error. Prints a summary, or JSON with --json; exits 1 when there was an error.

Left out on purpose: ramp-up profiles, think time and distributed workers (locust does those).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_stats import QUESTIONS, Timing, ms  # noqa: E402

ENDPOINTS = ("api", "gradio")


@dataclass
class LoadResult:
    users: int
    seconds: float  # wall time from the first request to the last answer
    latencies: dict[str, list[float]] = field(default_factory=dict)  # endpoint -> ms of each answered request
    statuses: Counter[str] = field(default_factory=Counter)  # "api 200", "gradio 429", "api error: ..."

    @property
    def answered(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def rate_limited(self) -> int:
        return sum(n for key, n in self.statuses.items() if key.endswith(" 429"))

    @property
    def errors(self) -> int:
        return sum(n for key, n in self.statuses.items() if not key.endswith((" 200", " 429")))

    @property
    def throughput(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def timing(self, endpoint: str | None = None) -> Timing:
        if endpoint is not None:
            return Timing(tuple(self.latencies.get(endpoint, [])))
        return Timing(tuple(x for values in self.latencies.values() for x in values))

    def to_dict(self) -> dict[str, Any]:
        total = self.timing()
        return {
            "users": self.users,
            "seconds": round(self.seconds, 2),
            "answered": self.answered,
            "throughput_per_s": round(self.throughput, 2),
            "rate_limited_429": self.rate_limited,
            "errors": self.errors,
            "statuses": dict(self.statuses),
            "latency_ms": {"p50": total.p50, "p95": total.p95, "p99": total.p99},
        }


async def ask_api(client: httpx.AsyncClient, question: str) -> tuple[int, str]:
    """(status, problem or ""): one question to POST /api/ask."""
    response = await client.post("/api/ask", json={"question": question, "history": []})
    if response.status_code == 200:
        record = response.json()
        if not isinstance(record.get("answer"), str) or not record["answer"]:
            return 200, "an answer record without answer text"
    return response.status_code, ""


async def ask_gradio(client: httpx.AsyncClient, question: str) -> tuple[int, str]:
    """(status, problem or ""): one question to the Gradio /chat endpoint over Gradio's HTTP API."""
    started = await client.post("/gradio_api/call/chat", json={"data": [question, None]})
    if started.status_code != 200:
        return started.status_code, ""
    event_id = started.json()["event_id"]
    stream = await client.get(f"/gradio_api/call/chat/{event_id}")
    event, data = parse_event_stream(stream.text)
    if event != "complete":
        return 200, f"gradio event {event!r}: {data[:200]!r}"
    record = json.loads(data)[0]
    if not isinstance(record, dict) or not record.get("answer"):
        return 200, "a Gradio result without answer text"
    return 200, ""


def parse_event_stream(text: str) -> tuple[str, str]:
    """The last (event, data) of a server-sent event stream such as Gradio's call/<event_id> answer."""
    event, data = "", ""
    for line in text.splitlines():
        if line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            data = line.partition(":")[2].strip()
    return event, data


async def user(
    url: str, endpoint: str, offset: int, deadline: float, per_user: int | None, result: LoadResult, timeout: float
) -> None:
    ask = ask_api if endpoint == "api" else ask_gradio
    latencies = result.latencies.setdefault(endpoint, [])
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
        n = 0
        while time.monotonic() < deadline and (per_user is None or n < per_user):
            question = QUESTIONS[(offset + n) % len(QUESTIONS)]
            n += 1
            started = time.perf_counter()
            try:
                status, problem = await ask(client, question)
            except (httpx.HTTPError, ValueError, KeyError, IndexError) as exc:
                result.statuses[f"{endpoint} error: {type(exc).__name__}"] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if problem:
                result.statuses[f"{endpoint} error: {problem}"] += 1
            elif status == 200:
                latencies.append(elapsed)
                result.statuses[f"{endpoint} 200"] += 1
            else:
                result.statuses[f"{endpoint} {status}"] += 1
                if status == 429:
                    await asyncio.sleep(0.5)  # what a polite client does; keeps the loop from spinning


async def drive(
    url: str,
    users: int,
    seconds: float | None = None,
    per_user: int | None = None,
    endpoints: tuple[str, ...] = ENDPOINTS,
    timeout: float = 60.0,
) -> LoadResult:
    """Run `users` closed-loop users for `seconds`, or for `per_user` questions each."""
    result = LoadResult(users=users, seconds=0.0)
    deadline = time.monotonic() + (seconds if seconds is not None else 10**9)
    started = time.perf_counter()
    await asyncio.gather(
        *(user(url, endpoints[i % len(endpoints)], i * 7, deadline, per_user, result, timeout) for i in range(users))
    )
    result.seconds = time.perf_counter() - started
    return result


def run(
    url: str,
    users: int,
    seconds: float | None = None,
    per_user: int | None = None,
    endpoints: tuple[str, ...] = ENDPOINTS,
) -> LoadResult:
    return asyncio.run(drive(url, users, seconds, per_user, endpoints))


def summary(result: LoadResult) -> str:
    lines = [
        f"{result.users} users, {result.seconds:.1f} s: {result.answered} answered "
        f"({result.throughput:.1f}/s), {result.rate_limited} rate-limited (429), {result.errors} errors"
    ]
    for endpoint in sorted(result.latencies):
        t = result.timing(endpoint)
        lines.append(f"  {endpoint:<7} n={t.n:<6} p50 {ms(t.p50)} ms  p95 {ms(t.p95)} ms  p99 {ms(t.p99)} ms")
    lines += [f"  {key}: {n}" for key, n in sorted(result.statuses.items()) if not key.endswith(" 200")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860", help="the running server")
    parser.add_argument("--users", type=int, default=32, help="concurrent users (default 32)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to keep asking (default 60)")
    parser.add_argument("--endpoint", choices=(*ENDPOINTS, "both"), default="both", help="what the users call")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    endpoints = ENDPOINTS if args.endpoint == "both" else (args.endpoint,)
    result = run(args.url.rstrip("/"), args.users, seconds=args.seconds, endpoints=endpoints)
    print(json.dumps(result.to_dict(), indent=2) if args.json else summary(result))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
