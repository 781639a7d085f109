"""Benchmarks of the running server over loopback HTTP, each against a baseline measured alongside.

- `cold_starts`: process launch to first answered question, against a bare import of the heavy libraries.
- `http_latency`: /api/ask and the Gradio /chat endpoint (gradio_client, and Gradio's HTTP API), 1 and
  16 concurrent clients.
- `memory`: resident memory of the serving process, against a process holding only the libraries and model.

Servers are `tests/conftest.py`'s RunningServer (`python app.py` on a free loopback port), so the
benchmark starts the product exactly as the tests and a user do.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import load
from bench_pipeline import on
from bench_stats import QUESTIONS, Timing, interleaved

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import RunningServer  # noqa: E402

HEAVY_IMPORTS = "import torch, sentence_transformers, faiss, gradio"
NO_RATE_LIMIT = {"GUIDE_RATE_LIMIT": "100000000"}  # benchmarks measure the server, not the limiter


class ColdServer(RunningServer):
    """A RunningServer that is ready when it has answered a question, timed from its launch."""

    def __init__(self, index_dir: Path, tmp: Path, env: dict[str, str] | None = None):
        self.launched = time.perf_counter()
        self.first_answer_s = float("nan")
        super().__init__(index_dir, tmp, env={**NO_RATE_LIMIT, **(env or {})})

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited early:\n{self.log()}")
                try:
                    response = client.post(self.url + "/api/ask", json={"question": QUESTIONS[0]})
                    if response.status_code == 200 and response.json().get("citations"):
                        self.first_answer_s = time.perf_counter() - self.launched
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
        raise RuntimeError(f"server did not answer within {timeout} s:\n{self.log()}")


def bare_import_s() -> float:
    """Seconds from launching a Python process to it having imported the heavy libraries.

    Timed to a line it prints once the imports are done, not to its exit: tearing torch and gradio down
    takes a second of its own, which a server never pays before its first answer.
    """
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", f"{HEAVY_IMPORTS}; print('imported', flush=True)"], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
    if line.strip() != "imported" or process.returncode != 0:
        raise RuntimeError(f"the bare import failed: {line!r}")
    return elapsed


@dataclass(frozen=True)
class ColdStartFigures:
    cold_start: Timing  # seconds, launch -> first answered question
    bare_import: Timing  # seconds, launch -> libraries imported


def cold_starts(index_dir: Path, tmp: Path, runs: int) -> tuple[ColdStartFigures, ColdServer]:
    """`runs` cold starts alternating with bare imports; the last server is returned still running."""
    cold, bare = [], []
    server: ColdServer | None = None
    for run in range(runs):
        bare.append(bare_import_s())
        server = ColdServer(index_dir, tmp)
        cold.append(server.first_answer_s)
        if run < runs - 1:
            server.stop()
    assert server is not None
    return ColdStartFigures(Timing(tuple(cold)), Timing(tuple(bare))), server


# -- HTTP latency and throughput ---------------------------------------------------------------------


@dataclass(frozen=True)
class HttpFigures:
    route: str  # what was called, as the report names it
    clients: int
    latency: Timing  # ms per answered request
    answered: int
    errors: int
    seconds: float

    @property
    def throughput(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


def over_http(url: str, endpoint: str, clients: int, per_client: int) -> HttpFigures:
    """`clients` concurrent closed-loop clients, `per_client` questions each, through scripts/load.py."""
    result = load.run(url, clients, per_user=per_client, endpoints=(endpoint,))
    route = {"api": "POST /api/ask (httpx)", "gradio": "Gradio /chat (HTTP API: call + event stream)"}[endpoint]
    return HttpFigures(
        route, clients, result.timing(), result.answered, result.errors + result.rate_limited, result.seconds
    )


def gradio_clients(url: str, n: int) -> list[Any]:
    """`n` connected gradio_client Clients; their heartbeat stream is off, as in tests/test_chat_client.py
    (it only keeps session state alive, which /chat does not use, and would delay the server's shutdown)."""
    from gradio_client import Client

    Client._stream_heartbeat = staticmethod(lambda *args: None)  # type: ignore[method-assign]
    return [Client(url, verbose=False) for _ in range(n)]


def over_gradio_client(url: str, clients: int, per_client: int) -> HttpFigures:
    """The Gradio /chat endpoint through `gradio_client.Client.predict`, one Client per thread."""
    connected = gradio_clients(url, clients)  # connecting is not timed
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one_client(i: int) -> None:
        nonlocal errors
        for n in range(per_client):
            question = QUESTIONS[(i * 7 + n) % len(QUESTIONS)]
            started = time.perf_counter()
            ok = predict_ok(connected[i], question)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    samples.append(elapsed)
                else:
                    errors += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one_client, range(clients)))
    seconds = time.perf_counter() - started
    for client in connected:
        client.close()
    return HttpFigures("Gradio /chat (gradio_client)", clients, Timing(tuple(samples)), len(samples), errors, seconds)


def predict_ok(client: Any, question: str) -> bool:
    try:
        record = client.predict(question, api_name="/chat")
    except Exception:  # noqa: BLE001 - any failure of the call is an error to count
        return False
    return isinstance(record, dict) and bool(record.get("answer"))


ROUTES = {
    "api": "POST /api/ask (httpx)",
    "gradio_client": "Gradio /chat (gradio_client)",
    "gradio": "Gradio /chat (HTTP API: call + event stream)",
}


def single_client(url: str, index_dir: Path, rounds: int) -> tuple[Timing, list[HttpFigures]]:
    """One client on each route, interleaved question by question with in-process `ask` of the same
    question, so that the baseline and the routes see the same moment of a shared machine."""
    from assistant import Assistant

    assistant = Assistant.load(index_dir)
    http = httpx.Client(base_url=url, timeout=60)
    (gradio,) = gradio_clients(url, 1)
    errors: dict[str, int] = dict.fromkeys(ROUTES, 0)

    def count(route: str, ok: bool) -> None:
        errors[route] += 0 if ok else 1

    def api(question: object) -> None:
        response = http.post("/api/ask", json={"question": question})
        count("api", response.status_code == 200 and bool(response.json().get("answer")))

    def gradio_http(question: object) -> None:
        started = http.post("/gradio_api/call/chat", json={"data": [question, None]})
        ok = started.status_code == 200
        if ok:
            event, _ = load.parse_event_stream(http.get(f"/gradio_api/call/chat/{started.json()['event_id']}").text)
            ok = event == "complete"
        count("gradio", ok)

    worker = ThreadPoolExecutor(1)  # the pipeline on a worker thread, as in the server (bench_pipeline.ask_vs_encode)
    calls = {
        "ask": on(worker, assistant.ask),
        "api": api,
        "gradio_client": lambda q: count("gradio_client", predict_ok(gradio, q)),  # type: ignore[arg-type]
        "gradio": gradio_http,
    }
    for question in QUESTIONS[:3]:  # warm-up: connections, caches
        for call in calls.values():
            call(question)
    errors.update(dict.fromkeys(ROUTES, 0))
    timings = interleaved(calls, QUESTIONS, rounds)
    http.close()
    gradio.close()
    worker.shutdown()
    # Throughput of one client is what it sustains: requests over the time spent waiting for them.
    rows = [
        HttpFigures(ROUTES[route], 1, t, t.n - errors[route], errors[route], sum(t.samples) / 1000)
        for route, t in ((r, timings[r]) for r in ROUTES)
    ]
    return timings["ask"], rows


def concurrent_clients(url: str, clients: int, per_client: int) -> list[HttpFigures]:
    return [
        over_http(url, "api", clients, per_client),
        over_gradio_client(url, clients, max(1, per_client // 2)),
        over_http(url, "gradio", clients, per_client),
    ]


# -- memory ------------------------------------------------------------------------------------------


PARTS_RSS = f"""
{HEAVY_IMPORTS}
from assistant.embedding import SentenceTransformerEmbedder
SentenceTransformerEmbedder().embed(["Do I need a PhD?"])
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]) / 1024)
"""


def parts_rss_mb() -> float:
    """Resident memory of a process holding only the libraries and the loaded model, in MiB."""
    output = subprocess.run(
        [sys.executable, "-c", PARTS_RSS],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return float(output.stdout.split()[-1])
