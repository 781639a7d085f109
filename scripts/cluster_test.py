"""`make cluster-test`: start the cluster of `make cluster` in a temp folder, check what several replicas
must do, stop it, and print one JSON line.

    python scripts/cluster_test.py [--replicas 3] [--users 32] [--seconds 20]

The checks, in order (issue 14), all through nginx as users reach it:
  load      `--users` users ask for `--seconds` (half the JSON API, half the Gradio chat endpoint): every
            answer is 200 (a 429 would be counted apart; none is expected) -> `requests`, `errors`
  limit     one client address asks 1.5 times the limit, spread over the replicas: exactly `limit`
            answers, then 429 with Retry-After -> `limit_shared` (one count for all replicas, not one each)
  feedback  a chat session pinned to each replica asks and gives a thumb up; PostgreSQL then holds one
            row per replica, read back with `python -m assistant feedback export` -> `feedback_rows_ok`
  swap      a rebuild of the shared index while users ask: seconds from the `current` switch until
            every replica's /healthz names the new build (at most 2), no failed request -> `swap_seconds`
  failover  users ask while one replica is killed with SIGKILL: requests that fail must have been in
            flight on it when it died -> `failover_failed_requests` (and `failover_in_flight`)
Users are told apart by their address: each binds its own loopback address (127.0.0.0/8 is all local),
as distinct clients behind nginx would be. Progress goes to stderr; the last line on stdout is the JSON.
Exits 1 when a check fails; the folder with every service's log is then kept and named.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_stats import QUESTIONS  # noqa: E402
from cluster_services import ROOT, Cluster, build_index  # noqa: E402
from load import ask_gradio  # noqa: E402

RATE_LIMIT = 60  # the default (GUIDE_RATE_LIMIT), per 60 s
SWAP_LIMIT_S = 2.0
# The client notes the time just before it sends SIGKILL; the replica's sockets close a little later, when
# the kernel has torn the process down. A request sent in that gap can still reach it, and one of Gradio's
# two-step calls whose event stream it held cannot be finished elsewhere: such requests count as in
# flight on it, not as sent after the kill.
KILL_GRACE_S = 0.25
# Each phase's users come from their own loopback range, so no phase spends another's rate budget.
LOAD, SWAP, FAILOVER, LIMIT, FEEDBACK = "127.0.1.", "127.0.2.", "127.0.3.", "127.0.4.", "127.0.5."


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Request:
    address: str
    endpoint: str
    started: float
    ended: float
    outcome: str  # "ok", "limited" or "error: ..."
    upstreams: str = ""  # nginx's X-Upstream: the replica(s) tried, "127.0.0.1:P1, 127.0.0.1:P2"


def client(url: str, address: str, timeout: float = 60) -> httpx.AsyncClient:
    """An HTTP client whose connections come from `address`, the client address nginx sees."""
    return httpx.AsyncClient(base_url=url, timeout=timeout, transport=httpx.AsyncHTTPTransport(local_address=address))


def sync_client(url: str, address: str, timeout: float = 60) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=timeout, transport=httpx.HTTPTransport(local_address=address))


async def ask_api(http: httpx.AsyncClient, question: str) -> tuple[int, str, str]:
    """(status, problem or "", upstreams) of one POST /api/ask."""
    response = await http.post("/api/ask", json={"question": question, "history": []})
    problem = ""
    if response.status_code == 200 and not response.json().get("answer"):
        problem = "an answer record without answer text"
    return response.status_code, problem, response.headers.get("x-upstream", "")


async def pinned_replica(http: httpx.AsyncClient) -> str:
    """The replica nginx keeps this client's chat on (the page's config comes from it)."""
    return (await http.get("/config")).headers.get("x-upstream", "")


async def user(url: str, address: str, endpoint: str, offset: int, stop: asyncio.Event, log: list[Request]) -> None:
    async with client(url, address) as http:
        pinned = await pinned_replica(http) if endpoint == "gradio" else ""
        n = 0
        while not stop.is_set():
            question = QUESTIONS[(offset + n) % len(QUESTIONS)]
            n += 1
            started = time.monotonic()
            upstreams = pinned
            try:
                if endpoint == "api":
                    status, problem, upstreams = await ask_api(http, question)
                else:
                    status, problem = await ask_gradio(http, question)
            except (httpx.HTTPError, ValueError, KeyError, IndexError) as exc:
                status, problem = 0, type(exc).__name__
            outcome = (
                "ok" if status == 200 and not problem else "limited" if status == 429 else f"error: {status} {problem}"
            )
            log.append(Request(address, endpoint, started, time.monotonic(), outcome, upstreams))
            if status == 429:
                await asyncio.sleep(0.5)


async def users_while(url: str, prefix: str, users: int, during) -> list[Request]:
    """`users` users ask until the coroutine `during` returns; the requests they made."""
    stop, log = asyncio.Event(), []
    tasks = [
        asyncio.create_task(user(url, f"{prefix}{10 + i}", ("api", "gradio")[i % 2], i * 7, stop, log))
        for i in range(users)
    ]
    try:
        await during
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    return log


def failures(log: list[Request]) -> list[Request]:
    return [r for r in log if r.outcome.startswith("error")]


def check_limit(url: str) -> tuple[bool, str]:
    """One address asks 1.5 x the limit through nginx, which spreads the questions over the replicas."""

    async def run() -> list[tuple[int, str, str]]:
        async with client(url, f"{LIMIT}1") as http:
            results = []
            for _ in range(RATE_LIMIT * 3 // 2):
                response = await http.post("/api/ask", json={"question": "Hello", "history": []})
                results.append(
                    (response.status_code, response.headers.get("x-upstream", ""), response.headers.get("retry-after"))
                )
            return results

    results = asyncio.run(run())
    answered = [r for r in results if r[0] == 200]
    limited = [r for r in results if r[0] == 429]
    replicas = {r[1] for r in answered}
    shared = (
        len(answered) == RATE_LIMIT
        and len(limited) == len(results) - RATE_LIMIT
        and all(r[2] and int(r[2]) >= 1 for r in limited)
        and len(replicas) >= 2
    )
    return shared, f"{len(answered)} answered by {len(replicas)} replicas, {len(limited)} refused with 429"


def gradio_session(
    http: httpx.Client, dependencies: dict[tuple[str | None, str], tuple[int, int]], question: str
) -> bool:
    """Ask in a chat session and give the answer a thumb up, as the page does (Gradio's queue protocol)."""
    session = secrets.token_hex(8)

    def call(event: tuple[str, str], data: list, event_data: dict | None = None) -> bool:
        fn_index, trigger = dependencies[event]
        body = {"data": data, "event_data": event_data, "fn_index": fn_index, "trigger_id": trigger}
        if http.post("/gradio_api/queue/join", json={**body, "session_hash": session}).status_code != 200:
            return False
        with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                if message.get("msg") == "process_completed":
                    return bool(message.get("success"))
        return False

    # The conversation (a gr.State) is kept by the replica that answered: the thumb must reach it.
    liked = {"index": 1, "value": "", "liked": True}
    return call(("question", "submit"), [question, None]) and call(("chat", "like"), [None], liked)


def check_feedback(url: str, cluster: Cluster) -> tuple[bool, str]:
    """A session on each replica (found by trying client addresses) rates an answer; PostgreSQL then has
    one row per replica, each with its own question."""
    wanted = {f"127.0.0.1:{r.port}" for r in cluster.replicas}
    addresses: dict[str, str] = {}  # replica -> a client address nginx pins to it
    for i in range(1, 200):
        if set(addresses) == wanted:
            break
        with sync_client(url, f"{FEEDBACK}{i}") as http:
            replica = http.get("/config").headers.get("x-upstream", "")
        addresses.setdefault(replica, f"{FEEDBACK}{i}")
    config = httpx.get(url + "/config").json()
    # Events are told apart by their component as well: the "what was wrong?" box has a submit event too.
    elem_ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    dependencies = {
        (elem_ids.get(d["targets"][0][0]), d["targets"][0][1]): (n, d["targets"][0][0])
        for n, d in enumerate(config["dependencies"])
        if d["targets"]
    }
    asked = {}
    for n, replica in enumerate(sorted(wanted)):
        question = QUESTIONS[n]
        with sync_client(url, addresses.get(replica, f"{FEEDBACK}250")) as http:
            if gradio_session(http, dependencies, question):
                asked[replica] = question
    export = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export", "--db", cluster.postgres.url],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    rows = [json.loads(line) for line in export.stdout.splitlines()]
    stored = sorted((r["question"], r["verdict"]) for r in rows)
    ok = len(asked) == len(wanted) and stored == sorted((q, "up") for q in asked.values())
    return ok, f"{len(asked)} replicas rated an answer, {len(rows)} rows in PostgreSQL: {stored}"


def check_swap(url: str, cluster: Cluster, corpus: Path, users: int) -> tuple[float, list[Request]]:
    """Rebuild the shared index while users ask; seconds from the switch until every replica serves it."""
    index = cluster.index_dir
    old = os.readlink(index / "current")
    guide = next(corpus.glob("*.md"))
    guide.write_text(guide.read_text() + "\n## Cluster check\n\nEvery replica serves this build.\n")
    # The build runs in a thread; polling starts the moment `current` switches, not when the build
    # process has finished exiting (that takes a second or two more, and would be counted otherwise).
    builder = threading.Thread(target=build_index, args=(corpus, index))

    async def swap() -> float:
        builder.start()
        while builder.is_alive() and os.readlink(index / "current") == old:  # the switch, as replicas see it
            await asyncio.sleep(0.01)
        switched_at = time.monotonic()
        new = Path(os.readlink(index / "current")).name  # builds/<id>; /healthz names the <id>
        if os.readlink(index / "current") == old:
            raise RuntimeError("the rebuild did not switch `current`")
        seen: dict[int, float] = {}

        async def serves_new(http: httpx.AsyncClient, replica) -> None:
            response = await http.get(replica.url + "/healthz")
            if replica.port not in seen and response.json().get("build") == new:
                seen[replica.port] = time.monotonic()

        async with httpx.AsyncClient(timeout=5) as http:  # every replica at once: a slow one delays no other
            while len(seen) < len(cluster.replicas) and time.monotonic() - switched_at < 30:
                await asyncio.gather(*(serves_new(http, r) for r in cluster.replicas if r.port not in seen))
                await asyncio.sleep(0.05)
        await asyncio.to_thread(builder.join)
        return max(seen.values(), default=switched_at + 99) - switched_at

    async def run() -> tuple[float, list[Request]]:
        swap_task = asyncio.ensure_future(swap())
        log = await users_while(url, SWAP, users, asyncio.shield(swap_task))
        return swap_task.result(), log

    return asyncio.run(run())


def check_failover(url: str, cluster: Cluster, users: int) -> tuple[list[Request], int, float, str]:
    """Users ask; after 3 s one replica is killed with SIGKILL; they go on for 5 s more."""
    victim = cluster.replicas[1]
    address = f"127.0.0.1:{victim.port}"
    killed_at: list[float] = []

    async def kill_midway() -> None:
        await asyncio.sleep(3)
        killed_at.append(time.monotonic())
        victim.kill()
        await asyncio.sleep(5)

    log = asyncio.run(users_while(url, FAILOVER, users, kill_midway()))
    at = killed_at[0]
    in_flight = [r for r in log if r.started <= at + KILL_GRACE_S and at <= r.ended and address in r.upstreams]
    return log, len(in_flight), at, address


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=3, help="app processes behind nginx (default 3)")
    parser.add_argument("--users", type=int, default=32, help="concurrent users of the load check (default 32)")
    parser.add_argument("--seconds", type=float, default=20, help="length of the load check (default 20)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="guide-cluster-test-"))
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    result: dict = {"replicas": args.replicas}
    ok = False
    started = time.monotonic()
    try:
        say(f"building the index in {folder / 'index'}")
        build_index(corpus, folder / "index")
        with Cluster(folder, folder / "index", corpus, replicas=args.replicas).start(say=say) as cluster:
            url = cluster.nginx.url
            say(f"load: {args.users} users for {args.seconds:g} s")
            load = asyncio.run(users_while(url, LOAD, args.users, asyncio.sleep(args.seconds)))
            errors = failures(load)
            result["requests"] = len(load)
            say(f"  {len(load)} requests, {len(errors)} errors {[e.outcome for e in errors[:5]]}")

            result["limit_shared"], detail = check_limit(url)
            say(f"limit: {detail}")
            result["feedback_rows_ok"], detail = check_feedback(url, cluster)
            say(f"feedback: {detail}")

            swap_seconds, swap_log = check_swap(url, cluster, corpus, users=8)
            result["swap_seconds"] = round(swap_seconds, 2)
            errors += failures(swap_log)
            say(
                f"swap: every replica on the new build {swap_seconds:.2f} s after the switch; {len(swap_log)} requests meanwhile, {len(failures(swap_log))} failed"
            )
            result["errors"] = len(errors)

            log, in_flight, killed_at, victim = check_failover(url, cluster, users=16)
            failed = failures(log)
            result["failover_failed_requests"] = len(failed)
            result["failover_in_flight"] = in_flight
            # Sent after the kill (and its grace): nginx should avoid the dead replica.
            late = [r for r in failed if r.started > killed_at + KILL_GRACE_S]
            say(
                f"failover: killed {victim}; {len(log)} requests, {len(failed)} failed ({len(late)} sent after the kill), "
                f"{in_flight} were in flight on it; failed ones sent at "
                f"{[round(r.started - killed_at, 3) for r in failed]} s from the kill"
            )
        ok = (
            result["errors"] == 0
            and result["limit_shared"]
            and result["feedback_rows_ok"]
            and result["swap_seconds"] <= SWAP_LIMIT_S
            and len(failed) <= in_flight
            and not late
        )
    finally:
        say(f"took {time.monotonic() - started:.0f} s; " + ("all checks passed" if ok else f"logs kept in {folder}"))
        if ok:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
