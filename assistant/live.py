"""An assistant that follows index/current: a rebuilt index is picked up without a restart.

`LiveAssistant.get()` returns the assistant for the live build. At most every `check_every` seconds it
reads the `index/current` symlink (one readlink); when the build changed it loads the new one, reusing
the embedding model, and swaps the reference. Requests already running keep the assistant they got,
and a build that fails to load leaves the previous one serving (the error is kept in `last_error`).

Every caller shares one embedder: request threads of the JSON API and the chat, and rebuilds
(webapp/watch.py). By default it is a `BatchingEmbedder` (assistant/batching.py), which gathers
concurrent questions into one model call; with `batching=False` (the server's --no-batching) a
`SerializedEmbedder`, which runs one call at a time. With `model_process=True` (the server's default)
the model itself runs in a child process (assistant/model_process.py), out of the way of the GIL.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path

import numpy as np

from .assistant import Assistant
from .batching import MAX_WAIT_MS, BatchingEmbedder
from .embedding import Embedder, SentenceTransformerEmbedder
from .model_process import ModelProcess
from .store import IndexError_, current_build, load_store, read_manifest

log = logging.getLogger(__name__)
RELOAD_ATTEMPTS = 3


class SerializedEmbedder:
    """An embedder that runs one `embed` at a time.

    A server embeds questions on request threads while webapp/watch.py rebuilds with the same model on
    another; a Hugging Face fast tokenizer used from two threads at once can fail with "Already
    borrowed" (huggingface/tokenizers#537), which would fail a request during a rebuild.
    """

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self.inner.embed(texts)

    def known_words(self) -> frozenset[str]:
        return self.inner.known_words()


class LiveAssistant:
    def __init__(
        self,
        index_dir: str | Path = "index",
        embedder: Embedder | None = None,
        model: str | None = None,
        check_every: float = 1.0,
        batching: bool = True,
        batch_wait_ms: float | None = None,
        model_process: bool = False,
    ):
        self.index_dir = Path(index_dir)
        self.check_every = check_every
        self.batching = batching
        self.batch_wait_ms = MAX_WAIT_MS if batch_wait_ms is None else batch_wait_ms
        self.model_process = model_process
        self._embedder = self._shared(embedder) if embedder is not None else None
        self._model = model
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._build: str | None = None
        self._checked = 0.0
        self.last_error: str | None = None

    def embedder(self) -> Embedder:
        """The model, loaded once and shared by every reload and by rebuilds (webapp/watch.py)."""
        with self._model_lock:  # the watcher thread and the first request may both ask first
            if self._embedder is None:
                recorded = None
                with contextlib.suppress(IndexError_):
                    recorded = read_manifest(self.index_dir).get("model", {}).get("name")
                spec = self._model or recorded
                model = ModelProcess(spec) if self.model_process else SentenceTransformerEmbedder(spec)
                self._embedder = self._shared(model)
            return self._embedder

    def _shared(self, model: Embedder) -> Embedder:
        return BatchingEmbedder(model, max_wait_ms=self.batch_wait_ms) if self.batching else SerializedEmbedder(model)

    def get(self) -> Assistant:
        """The assistant for the live index; raises IndexError_ (with the command to run) if there is none."""
        now = time.monotonic()
        if self._assistant is not None and now - self._checked < self.check_every:
            return self._assistant
        with self._lock:
            self._checked = time.monotonic()
            build = current_build(self.index_dir)
            if self._assistant is None or build != self._build:
                self._reload(build)
            if self._assistant is None:
                raise IndexError_(
                    self.last_error or f"no index in {self.index_dir}: build it with `python -m assistant build`"
                )
            return self._assistant

    def _reload(self, build: str | None) -> None:
        for _ in range(RELOAD_ATTEMPTS):
            try:
                embedder = self.embedder()
                store = load_store(self.index_dir, embedder.name, embedder.dimension)
            except (IndexError_, RuntimeError, OSError) as exc:
                self.last_error = str(exc)
                # A second build may have switched `current` and pruned the folder being read; that is
                # not a broken index, so follow the link again instead of reporting it.
                now_live = current_build(self.index_dir)
                if now_live is not None and now_live != build:
                    build = now_live
                    continue
                break
            self._assistant = Assistant(store, embedder)
            # In the background: the first question with a word the guide never uses would wait for it.
            threading.Thread(target=self._assistant.retriever.warm, name="warm-index", daemon=True).start()
            self._build = build
            self.last_error = None
            log.info("serving index %s (%d passages)", store.directory, len(store.chunks))
            return
        if self._assistant is not None:
            log.error("kept the previous index; the new one failed to load: %s", self.last_error)
        else:
            log.error("no usable index: %s", self.last_error)

    @property
    def ready(self) -> bool:
        try:
            self.get()
        except IndexError_:
            return False
        return True
