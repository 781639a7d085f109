"""Keeps the served index in step with corpus/: a stale-index warning at start, and `app.py --watch`.

At start, `start_upkeep` compares the index with the corpus (the sha256s in its manifest). Without
--watch a stale or missing index is only reported, with the command that fixes it; the server keeps
answering from what it has. With --watch a daemon thread rebuilds it at once, then watches the corpus
folder (watchfiles: inotify on Linux), waits for edits to settle, and rebuilds again. Builds reuse the
model the server already loaded (`LiveAssistant.embedder()`), and the LiveAssistant picks up the new
build on its next request. A failed build is logged; the server keeps the previous index. A build
overtaken by a newer change or a deletion (a file's size or time differs from when it started) is
abandoned between embedding batches and started again on the corpus as it now is. Files over
GUIDE_MAX_FILE_MB are skipped with a reason, like unreadable ones.

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
from assistant.corpus import MAX_FILE_BYTES, corpus_files
from assistant.live import LiveAssistant
from assistant.store import REBUILD_HINT, current_build

from .settings import Settings

log = logging.getLogger("webapp.watch")

# watchfiles yields once no event has come for STEP_MS (an editor saves in several steps), and at the
# latest after DEBOUNCE_MS of continuous events.
STEP_MS = 400
DEBOUNCE_MS = 3000


class CorpusWatcher:
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
        self.live = live
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.project_root = project_root
        self.step_ms = step_ms
        self.debounce_ms = debounce_ms
        self.max_file_bytes = max_file_bytes
        self.reports: list[BuildReport] = []  # every successful build, newest last
        self.abandoned = 0  # builds given up because the corpus changed under them
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="corpus-watcher", daemon=True)

    def start(self) -> CorpusWatcher:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

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
            reason = stale_reason(
                self.corpus_dir, self.index_dir, self.project_root, max_file_bytes=self.max_file_bytes
            )
            if reason is None:
                return None
            log.info("rebuilding the index: %s", reason)
            started = self.snapshot()
            report = build_index(
                self.corpus_dir,
                self.index_dir,
                self.live.embedder(),
                project_root=self.project_root,
                on_wait=log.info,
                max_file_bytes=self.max_file_bytes,
                abandon=lambda: self._stop.is_set() or self.snapshot() != started,
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

    def snapshot(self) -> list[tuple[str, int, int]]:
        """Each corpus file's path, size and modification time: what changes when it is edited or deleted."""
        stats = []
        for path in corpus_files(self.corpus_dir) if self.corpus_dir.is_dir() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            stats.append((str(path), stat.st_size, stat.st_mtime_ns))
        return stats

    def _run(self) -> None:
        self.rebuild_if_stale()  # edits made while the server was down
        try:
            for _changes in watch(
                self.corpus_dir,
                step=self.step_ms,
                debounce=self.debounce_ms,
                stop_event=self._stop,
                raise_interrupt=False,
            ):
                self.rebuild_if_stale()
        except Exception:
            log.exception("stopped watching %s; restart the server to watch again", self.corpus_dir)


def start_upkeep(live: LiveAssistant, settings: Settings) -> CorpusWatcher | None:
    """Report a stale index, or with settings.watch start the watcher that rebuilds it."""
    if settings.watch:
        log.info("watching %s: the index is rebuilt when its files change", settings.corpus_dir)
        max_file_bytes = int(settings.max_file_mb * 1024 * 1024)
        return CorpusWatcher(live, settings.corpus_dir, settings.index_dir, max_file_bytes=max_file_bytes).start()
    reason = stale_reason(
        settings.corpus_dir, settings.index_dir, max_file_bytes=int(settings.max_file_mb * 1024 * 1024)
    )
    if reason is not None and current_build(settings.index_dir) is None:
        log.warning("no index in %s: build it with `%s` (or start with --watch)", settings.index_dir, REBUILD_HINT)
    elif reason is not None:
        log.warning(
            "the index in %s does not match %s (%s); answers use the old index until you run `%s` "
            "(or `make run`, or start with --watch)",
            settings.index_dir,
            settings.corpus_dir,
            reason,
            REBUILD_HINT,
        )
    return None
