"""An assistant that follows index/current: a rebuilt index is picked up without a restart.

`LiveAssistant.get()` returns the assistant for the live build. At most every `check_every` seconds it
reads the `index/current` symlink (one readlink); when the build changed it loads the new one, reusing
the embedding model, and swaps the reference. Requests already running keep the assistant they got,
and a build that fails to load leaves the previous one serving (the error is kept in `last_error`).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from .assistant import Assistant
from .embedding import Embedder, SentenceTransformerEmbedder
from .store import IndexError_, current_build, load_store, read_manifest

log = logging.getLogger(__name__)


class LiveAssistant:
    def __init__(self, index_dir: str | Path = "index", embedder: Embedder | None = None, model: str | None = None, check_every: float = 1.0):
        self.index_dir = Path(index_dir)
        self.check_every = check_every
        self._embedder = embedder
        self._model = model
        self._lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._build: str | None = None
        self._checked = 0.0
        self.last_error: str | None = None

    def embedder(self) -> Embedder:
        if self._embedder is None:
            recorded = None
            try:
                recorded = read_manifest(self.index_dir).get("model", {}).get("name")
            except IndexError_:
                pass
            self._embedder = SentenceTransformerEmbedder(self._model or recorded)
        return self._embedder

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
                raise IndexError_(self.last_error or f"no index in {self.index_dir}: build it with `python -m assistant build`")
            return self._assistant

    def _reload(self, build: str | None) -> None:
        try:
            embedder = self.embedder()
            store = load_store(self.index_dir, embedder.name, embedder.dimension)
            self._assistant = Assistant(store, embedder)
            self._build = build
            self.last_error = None
            log.info("serving index %s (%d passages)", store.directory, len(store.chunks))
        except (IndexError_, RuntimeError, OSError) as exc:
            self.last_error = str(exc)
            if self._assistant is not None:
                log.error("kept the previous index; the new one failed to load: %s", exc)
            else:
                log.error("no usable index: %s", exc)

    @property
    def ready(self) -> bool:
        try:
            self.get()
        except IndexError_:
            return False
        return True
