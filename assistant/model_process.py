"""The embedding model in a process of its own, for a server.

In one process the model's Python (transformers calls a few hundred modules per forward pass) shares
CPython's GIL with everything else a server does: the event loop, the request threads' retrieval and
JSON. Under load the model thread then waits for the GIL between its torch operations and the server
uses about 1.2 of 2 cores (docs/performance.md, "Many people at once"). `ModelProcess` runs
`SentenceTransformerEmbedder` in a child process and is an `Embedder` like it: `embed` sends the texts
over a pipe and returns the vectors, one call at a time (the server's `BatchingEmbedder` is its one
caller and gathers concurrent questions first). The vectors are the model's own, bit for bit.

The child ends when the server does: it reads EOF when the parent's end of the pipe closes, also after
a SIGKILL of the parent; `close()` ends it at once. A child that dies (killed, out of memory) makes the
next `embed` raise RuntimeError and the one after that starts a new child.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection

import numpy as np

from .embedding import SentenceTransformerEmbedder

log = logging.getLogger(__name__)
START_TIMEOUT_S = 300.0


def model_threads() -> int:
    """Torch threads for the model's process: every core but one, which the server's own Python needs
    (on 2 cores, 32 users on /api/ask: about 120 answered/s with one thread, about 114/s with torch's
    default of two, whose second thread competes with the server for the other core)."""
    return max(
        1, (os.cpu_count() or 2) - 1
    )  # loading the model from disk; a cold disk on a small machine can take a minute


def _serve(conn: Connection, model: str | None, threads: int) -> None:
    """The child: load the model, report what it is, then embed what arrives until EOF or None."""
    import torch

    torch.set_num_threads(threads)
    try:
        embedder = SentenceTransformerEmbedder(model)
    except Exception as exc:  # noqa: BLE001 - the parent raises it with its message
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", (embedder.name, embedder.dimension, embedder.known_words())))
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return
        if texts is None:
            return
        try:
            conn.send(("ok", embedder.embed(texts)))
        except Exception as exc:  # noqa: BLE001 - a failed call fails that call, not the child
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class ModelProcess:
    """An `Embedder` whose model runs in a child process (see the module docstring)."""

    def __init__(self, model: str | None = None, threads: int | None = None):
        self._spec = model
        self._threads = threads or model_threads()
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self.name, self.dimension, self._known = self._start()

    def _start(self) -> tuple[str, int, frozenset[str]]:
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads and torch
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self._spec, self._threads), name="guide-model", daemon=True
        )
        process.start()
        child.close()
        if not parent.poll(START_TIMEOUT_S):
            process.kill()
            raise RuntimeError(f"the embedding model did not load within {START_TIMEOUT_S:g} s")
        try:
            status, value = parent.recv()
        except EOFError as exc:
            raise RuntimeError(f"the embedding model's process ended while loading (exit {process.exitcode})") from exc
        if status != "ready":
            process.join(5)
            raise RuntimeError(value)
        self._conn, self._process = parent, process
        name, dimension, known = value
        return str(name), int(dimension), frozenset(known)

    def known_words(self) -> frozenset[str]:
        return self._known

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            if self._conn is None:
                log.warning("starting the embedding model's process again")
                self._start()
            assert self._conn is not None
            try:
                self._conn.send(list(texts))
                status, value = self._conn.recv()
            except (EOFError, OSError) as exc:
                self._conn = None
                code = self._process.exitcode if self._process is not None else None
                raise RuntimeError(f"the embedding model's process ended (exit {code})") from exc
        if status != "ok":
            raise RuntimeError(f"the embedding model failed: {value}")
        return value

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(None)
                self._conn.close()
                self._conn = None
            if self._process is not None:
                self._process.join(5)
                if self._process.is_alive():
                    self._process.kill()
