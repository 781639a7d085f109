"""Keeps the served index in step with corpus/: a stale-index notice, and `app.py --watch`.

Without --watch the index is never rebuilt by the server: `IndexFreshness` compares it with the corpus
(the sha256s in its manifest) at start and then every couple of seconds, cheaply (a stat of each file;
the hashes only when one moved). While they differ the log says so once, with the command that fixes it,
and the page and the API record carry a notice (`index_stale`); the server keeps answering from what it
has. A missing index is reported at start. With --watch a daemon thread rebuilds it at once, then
watches the corpus folder (watchfiles: inotify on Linux), waits for edits to settle, and rebuilds again.
Builds reuse the model the server already loaded (`LiveAssistant.embedder()`), and the LiveAssistant
picks up the new build on its next request. A failed build is logged; the server keeps the previous
index. A build overtaken by a newer change or a deletion (a file's size or time differs from when it
started) is abandoned between embedding batches and started again on the corpus as it now is. Files
over GUIDE_MAX_FILE_MB are skipped with a reason, like unreadable ones.

Left out on purpose: the build itself (assistant/build.py) and following index/current
(assistant/live.py). Events are only a hint: whether to build is decided by `stale_reason`, so saving
a file unchanged, or editor swap files, cost a hash of the corpus and no build.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from watchfiles import watch

from assistant.build import BuildAbandoned, BuildReport, build_index, stale_reason
from assistant.corpus import MAX_FILE_BYTES, corpus_snapshot
from assistant.live import LiveAssistant
from assistant.store import REBUILD_HINT, current_build

from .settings import Settings

log = logging.getLogger("webapp.watch")

# watchfiles yields once no event has come for STEP_MS (an editor saves in several steps), and at the
# latest after DEBOUNCE_MS of continuous events.
STEP_MS = 400
DEBOUNCE_MS = 3000
# How long watchfiles waits for an event before it yields an empty set anyway: the watcher's first yield,
# either way, says the folder is being watched (`CorpusWatcher.ready`). Idle, the thread wakes this often.
IDLE_YIELD_MS = 1000


class Keeper:
    """What both ways of keeping up share: the corpus and the index they compare, and a daemon thread
    (`_run`) that `stop()` ends."""

    thread_name = "keeper"

    def __init__(
        self, corpus_dir: Path, index_dir: Path, project_root: Path | None, max_file_bytes: int = MAX_FILE_BYTES
    ):
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.project_root = project_root
        self.max_file_bytes = max_file_bytes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)

    def stale_reason(self) -> str | None:
        """Why the index does not match the corpus (the manifest's hashes against the files), or None."""
        return stale_reason(self.corpus_dir, self.index_dir, self.project_root, max_file_bytes=self.max_file_bytes)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        raise NotImplementedError


class CorpusWatcher(Keeper):
    thread_name = "corpus-watcher"

    def __init__(
        self,
        live: LiveAssistant,
        corpus_dir: Path,
        index_dir: Path,
        *,
        project_root: Path | None = None,
        step_ms: int = STEP_MS,
        debounce_ms: int = DEBOUNCE_MS,
        max_file_bytes: int = MAX_FILE_BYTES,
    ):
        super().__init__(corpus_dir, index_dir, project_root, max_file_bytes)
        self.live = live
        self.step_ms = step_ms
        self.debounce_ms = debounce_ms
        self.reports: list[BuildReport] = []  # every successful build, newest last
        self.abandoned = 0  # builds given up because the corpus changed under them
        # Set once the folder is watched (after the start's own rebuild): an edit from then on is seen.
        self.ready = threading.Event()

    def start(self) -> CorpusWatcher:
        self._thread.start()
        return self

    def rebuild_if_stale(self) -> BuildReport | None:
        """Build when the index does not match the corpus; log what happened; never raise.

        A build overtaken by an edit is abandoned and, once the corpus has been still for a step, tried again.
        """
        while not self._stop.is_set():
            try:
                return self._build_if_stale()
            except BuildAbandoned:
                self.abandoned += 1
                log.info("abandoned the build: the corpus changed while it ran; building again")
                self._stop.wait(self.step_ms / 1000)
        return None

    def _build_if_stale(self) -> BuildReport | None:
        try:
            reason = self.stale_reason()
            if reason is None:
                return None
            log.info("rebuilding the index: %s", reason)
            started = corpus_snapshot(self.corpus_dir)
            report = build_index(
                self.corpus_dir,
                self.index_dir,
                self.live.embedder(),
                project_root=self.project_root,
                on_wait=log.info,
                max_file_bytes=self.max_file_bytes,
                abandon=lambda: self._stop.is_set() or corpus_snapshot(self.corpus_dir) != started,
            )
        except BuildAbandoned:
            raise
        except Exception:  # a bad edit or a full disk must not take the server down
            log.exception("the index was not rebuilt; still serving the previous one")
            return None
        log.info("%s", report.summary())
        for problem in report.problems:
            log.warning("skipped %s", problem)
        self.reports.append(report)
        return report

    def _run(self) -> None:
        self.rebuild_if_stale()  # edits made while the server was down
        try:
            for changes in watch(
                self.corpus_dir,
                step=self.step_ms,
                debounce=self.debounce_ms,
                stop_event=self._stop,
                raise_interrupt=False,
                rust_timeout=IDLE_YIELD_MS,
                yield_on_timeout=True,
            ):
                self.ready.set()  # watchfiles registers the folder before it first waits
                if changes:
                    self.rebuild_if_stale()
        except Exception:
            log.exception("stopped watching %s; restart the server to watch again", self.corpus_dir)


# Without --watch, how often the app looks whether the corpus changed: a stat of each file and one readlink
# of index/current; only when one of them moved are the files hashed (`stale_reason`) to decide.
STALE_CHECK_S = 2.0
# What the page and the API record say while the index is stale. Fixed words: the reason, which names
# files, goes to the log.
STALE_NOTICE = (
    "The guide changed since the index was built; run `python -m assistant build` to answer from the new text."
)


class IndexFreshness(Keeper):
    """Without --watch: notices within STALE_CHECK_S that the corpus no longer matches the index, logs it
    once (and once more when they match again), and holds the notice the page and the API show meanwhile.

    A daemon thread looks every `every` seconds; requests only read `notice`. The first look is made by
    `start()` itself, so the state is known before the first request.
    """

    thread_name = "index-freshness"

    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        *,
        project_root: Path | None = None,
        max_file_bytes: int = MAX_FILE_BYTES,
        every: float = STALE_CHECK_S,
    ):
        super().__init__(corpus_dir, index_dir, project_root, max_file_bytes)
        self.every = every
        self.reason: str | None = None  # why the index does not match the corpus, as last seen
        self._seen: object = None

    @property
    def notice(self) -> str | None:
        """What to tell people while answers come from an index older than the corpus; None otherwise."""
        return STALE_NOTICE if self.reason is not None else None

    def check(self) -> None:
        """Look once: hash the corpus only when a file's size or time, or the live build, moved."""
        build = current_build(self.index_dir)
        seen = (build, corpus_snapshot(self.corpus_dir))
        if seen == self._seen:
            return
        self._seen = seen
        # No index at all: the API answers 503 and start_upkeep says so.
        reason = self.stale_reason() if build is not None else None
        if reason is not None and self.reason is None:
            log.warning(
                "the index in %s does not match %s (%s); answers use the old index until you run `%s` "
                "(or `make run`, or start with --watch)",
                self.index_dir,
                self.corpus_dir,
                reason,
                REBUILD_HINT,
            )
        elif reason is None and self.reason is not None:
            log.info("the index in %s matches %s again", self.index_dir, self.corpus_dir)
        self.reason = reason

    def start(self) -> IndexFreshness:
        self.check()
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.check()
            except Exception:  # a corpus folder being replaced, a file vanishing mid-hash: look again later
                log.exception("could not compare the index with %s; trying again", self.corpus_dir)


def start_upkeep(
    live: LiveAssistant, settings: Settings, freshness: IndexFreshness | None = None
) -> CorpusWatcher | IndexFreshness | None:
    """With settings.watch, start the watcher that rebuilds the index; else report a missing index, and
    start `freshness` (when given) to notice a stale one."""
    max_file_bytes = int(settings.max_file_mb * 1024 * 1024)
    if settings.watch:
        log.info("watching %s: the index is rebuilt when its files change", settings.corpus_dir)
        return CorpusWatcher(live, settings.corpus_dir, settings.index_dir, max_file_bytes=max_file_bytes).start()
    if current_build(settings.index_dir) is None:
        log.warning("no index in %s: build it with `%s` (or start with --watch)", settings.index_dir, REBUILD_HINT)
    return freshness.start() if freshness is not None else None
