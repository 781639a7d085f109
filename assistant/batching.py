"""Micro-batching: the `embed` calls of concurrent questions share one model call.

`BatchingEmbedder` wraps an embedder and owns it: a single worker thread takes the calls waiting in a
queue, in arrival order, runs them as one `embed` and hands each caller its own rows. The model
encodes 16 short questions in a fraction of the time of 16 one at a time; a server with many people
asking at once (the JSON API and the Gradio chat share one batcher) then answers more of them per
second, each sooner.

When a batch closes:

- at `max_batch` texts;
- as soon as the model is free, when the batcher is quiet: a lone question, or the first after `idle_ms`
  without calls, runs at once and never waits for company;
- otherwise (the previous batch served several callers and ended just before) after at most
  `max_wait_ms` from its first call: people are asking at once, and a few milliseconds gather the next
  ones, whose threads are still between two model calls of their questions.

A call of more than `max_batch` texts (a rebuild's documents, webapp/watch.py) goes through the same
queue in chunks of `max_batch`, one chunk at a time: a question asked during a rebuild waits for at most
the chunk being encoded, and the rebuild's next chunk queues behind the questions that came first, so
neither starves the other. One thread calls the model, which also keeps the fast tokenizer from being
used by two threads at once (huggingface/tokenizers#537, "Already borrowed").

The rows of a batch can differ from the same texts encoded alone by float rounding (at most 2.3e-7 on
the dev set's questions: padding to the batch's longest text changes the order of the sums);
tests/test_batching.py checks that the answers do not.

Left out on purpose: priorities, several model replicas, batching the FAISS searches (at the guide's few
hundred vectors a search takes microseconds).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .embedding import Embedder

# Texts per model call. 64 is sentence-transformers' batch size here (SentenceTransformerEmbedder) and
# more than the users one server on two cores answers at once.
MAX_BATCH = 64
# How long a batch waits for more callers once people are asking at once; a lone question never waits.
MAX_WAIT_MS = 2.0
# A batcher that has served no call for this long is idle: its next call runs without waiting.
IDLE_MS = 50.0


@dataclass
class _Call:
    texts: list[str]
    arrived: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    vectors: np.ndarray | None = None
    error: BaseException | None = None


@dataclass(frozen=True)
class BatchStats:
    batches: int  # model calls made
    calls: int  # embed calls (or chunks of them) served
    texts: int
    largest: int  # most calls served by one model call


class BatchingEmbedder:
    """An embedder whose concurrent `embed` calls are gathered into one call of `inner`."""

    def __init__(
        self, inner: Embedder, max_batch: int = MAX_BATCH, max_wait_ms: float = MAX_WAIT_MS, idle_ms: float = IDLE_MS
    ):
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_batch = max_batch
        self.max_wait = max(0.0, max_wait_ms) / 1000
        self.idle = idle_ms / 1000
        self._queue: deque[_Call] = deque()
        self._changed = threading.Condition()
        self._worker: threading.Thread | None = None
        self._last_batch_calls = 0
        self._last_end = 0.0
        self._batches = self._calls = self._texts = self._largest = 0

    def known_words(self) -> frozenset[str]:
        return self.inner.known_words()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        texts = list(texts)
        chunks = [self._submit(texts[i : i + self.max_batch]) for i in range(0, len(texts), self.max_batch)]
        return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)

    def stats(self) -> BatchStats:
        with self._changed:
            return BatchStats(self._batches, self._calls, self._texts, self._largest)

    def _submit(self, texts: list[str]) -> np.ndarray:
        call = _Call(texts)
        with self._changed:
            if self._worker is None:
                self._worker = threading.Thread(target=self._serve, name="embed-batcher", daemon=True)
                self._worker.start()
            self._queue.append(call)
            self._changed.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        assert call.vectors is not None
        return call.vectors

    def _serve(self) -> None:
        while True:
            batch = self._next_batch()
            texts = [text for call in batch for text in call.texts]
            try:
                vectors = self.inner.embed(texts)
            except BaseException as exc:  # noqa: BLE001 - every caller of the batch gets the model's error
                for call in batch:
                    call.error = exc
            else:
                start = 0
                for call in batch:
                    call.vectors = vectors[start : start + len(call.texts)]
                    start += len(call.texts)
            with self._changed:
                self._last_end = time.monotonic()
            for call in batch:
                call.done.set()

    def _next_batch(self) -> list[_Call]:
        with self._changed:
            while not self._queue:
                self._changed.wait()
            batch: list[_Call] = []
            size = self._take(batch, 0)
            # Wait for company only while people are asking at once: the last batch served several calls
            # and ended just before this one's first call came. A lone question, or the first after a
            # quiet spell, runs at once.
            busy = self._last_batch_calls > 1 and batch[0].arrived - self._last_end < self.idle
            deadline = batch[0].arrived + self.max_wait
            while busy and size < self.max_batch and not self._queue:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
                size = self._take(batch, size)
            self._last_batch_calls = len(batch)
            self._batches += 1
            self._calls += len(batch)
            self._texts += size
            self._largest = max(self._largest, len(batch))
            return batch

    def _take(self, batch: list[_Call], size: int) -> int:
        """Move waiting calls into `batch` in arrival order while they fit; the new size in texts."""
        while self._queue and size + len(self._queue[0].texts) <= self.max_batch:
            call = self._queue.popleft()
            batch.append(call)
            size += len(call.texts)
        return size
