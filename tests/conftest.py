"""Shared fixtures: a deterministic fake embedder for fast tests, and the real model for end-to-end ones."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

for _name, _value in (
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
):
    os.environ.setdefault(_name, _value)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI_CORPUS = DATA / "mini-corpus"
SEED = DATA / "seed" / "ai-ml-career-guide-2026.txt"  # a copy of shared/seed: CI clones the repo alone


class FakeEmbedder:
    """Bag of hashed words, unit length: same text, same vector; shared words, similar vectors."""

    name = "fake-hash-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[str] = []

    # Real English words of the off-topic questions the fast tests ask: a real model knows them, so
    # spelling repair must leave them alone ("bread" is not a misspelt "breadth").
    KNOWN = frozenset(
        ["bake", "baking", "bread", "sourdough", "weather", "paris", "plumber", "lawyer", "recipe", "cooking", "hour"]
    )

    def known_words(self) -> frozenset[str]:
        return self.KNOWN

    def embed(self, texts: list[str]) -> np.ndarray:
        from assistant.text import content_terms

        self.calls.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in content_terms(text) or ["<empty>"]:
                # Four signed buckets a word: two different words are near-orthogonal (cosine 0 or
                # +-0.25), never the same vector, so word-level similarity behaves like a model's.
                digest = hashlib.md5(term.encode()).digest()
                for j in range(4):
                    sign = 1.0 if digest[8 + j] & 1 else -1.0
                    out[i, int.from_bytes(digest[2 * j : 2 * j + 2], "big") % self.dimension] += sign
        out[~out.any(axis=1), 0] = 1.0  # signs that cancel out: still a unit vector
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    """A writable copy of the three-file mini corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def real_embedder():
    from assistant.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def guide_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """The real guide indexed with the real bundled model, once per test session."""
    from assistant.build import build_index

    index_dir = tmp_path_factory.mktemp("guide-index")
    build_index(ROOT / "corpus", index_dir, real_embedder, project_root=ROOT)
    return index_dir


@pytest.fixture(scope="session")
def guide_assistant(guide_index: Path, real_embedder):
    from assistant import Assistant

    return Assistant.load(guide_index, embedder=real_embedder)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningServer:
    """`python app.py` in a subprocess on a free loopback port; `url` is its base address."""

    def __init__(self, index_dir: Path, tmp: Path, *extra_args: str, env: dict[str, str] | None = None):
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.feedback_db = tmp / "feedback.db"
        self.temp_dir = tmp / f"gradio-tmp-{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        full_env = {
            **os.environ,
            "GUIDE_FEEDBACK_DB": str(self.feedback_db),
            "GUIDE_TEMP_DIR": str(self.temp_dir),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop(), outlives this method
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(self.port), "--index", str(index_dir), *extra_args],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 120.0) -> None:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except Exception:
            self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def server(guide_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """One running app for the session, on the real guide index. Its rate limit is out of the way: the
    tests of one module may ask more than the default 60 questions a minute (the limit has its own servers)."""
    running = RunningServer(guide_index, tmp_path_factory.mktemp("server"), "--rate-limit", "100000")
    yield running
    running.stop()


def api_ask(server: RunningServer, question: str, history: list | None = None) -> dict:
    """The answer record from POST /api/ask on a running server; any other status fails the test."""
    import httpx

    response = httpx.post(server.url + "/api/ask", json={"question": question, "history": history or []}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def api_turn(question: str, record: dict) -> list[dict]:
    """One exchange as the history of the next question: the question, then its record (docs/api.md)."""
    return [
        {"role": "user", "content": question},
        {"role": "assistant", "content": record["answer"], "kind": record["kind"], "citations": record["citations"]},
    ]


@contextmanager
def chat_client(url: str) -> Iterator[Any]:
    """A gradio_client `Client` for the app at `url`, closed on exit, with its heartbeat stream off.

    The heartbeat stream only keeps session state alive, which the /chat endpoint does not use; left open
    it holds the server's shutdown for up to 15 s after the tests are done.
    """
    from gradio_client import Client

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "_stream_heartbeat", staticmethod(lambda *args: None))
        client = Client(url, verbose=False)
        try:
            yield client
        finally:
            client.close()


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


# The chat window in a browser (tests/test_browser_chat.py, tests/test_suggestions.py).
BOT = '#chat [data-testid="bot"]'
USER = '#chat [data-testid="user"]'


class ChatPage:
    """One browser tab on the chat, with every URL it requested."""

    def __init__(self, browser, url: str, permissions: tuple[str, ...] = ()):
        self.context = browser.new_context(viewport={"width": 1100, "height": 1000})
        if permissions:
            self.context.grant_permissions(list(permissions), origin=url)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def ask(self, question: str):
        """Type a question, press Enter, and return the new answer's element once it is there."""
        before = self.page.locator(BOT).count()
        self.page.fill("#question textarea", question)
        self.page.keyboard.press("Enter")
        return self.next_answer(before)

    def next_answer(self, before: int):
        self.page.wait_for_function(f"document.querySelectorAll('{BOT}').length > {before}", timeout=30_000)
        return self.page.locator(BOT).last

    def clear(self):
        """Gradio's Clear button: an empty chat, which shows the example questions again."""
        self.page.locator('#chat button[aria-label="Clear"]').click()
        self.page.wait_for_function(f"document.querySelectorAll('{BOT}').length === 0", timeout=10_000)

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`: it downloads a browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


# Real Redis and PostgreSQL from Debian's packages (`make services` installs them), one of each per test
# session, on loopback ports in a temp folder; scripts/cluster_services.py starts them as `make cluster` does.
def _cluster_services():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import cluster_services

    return cluster_services


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory):
    service = _cluster_services().start_redis(tmp_path_factory.mktemp("redis"))
    yield service
    service.stop()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory):
    service = _cluster_services().start_postgres(tmp_path_factory.mktemp("postgres"))
    yield service
    service.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database of its own for one test."""
    import secrets

    import psycopg

    name = f"test_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_server.url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.url.rsplit("/", 1)[0] + "/" + name
