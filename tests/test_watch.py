"""The corpus watcher behind `app.py --watch`, in-process with the fake embedder, and the stale-index warning."""

import logging
import threading
import time

from conftest import FakeEmbedder

from assistant.build import build_index
from assistant.build import stale_reason as real_stale_reason
from assistant.live import LiveAssistant
from webapp.settings import Settings
from webapp.watch import STALE_NOTICE, CorpusWatcher, IndexFreshness, start_upkeep

QUESTION = "Which roles publish papers?"


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def served(mini_corpus, tmp_path):
    index = tmp_path / "index"
    build_index(mini_corpus, index, FakeEmbedder(), project_root=tmp_path)
    return index, LiveAssistant(index, embedder=FakeEmbedder(), check_every=0)


def test_an_edit_in_the_corpus_is_rebuilt_and_served(mini_corpus, tmp_path):
    index, live = served(mini_corpus, tmp_path)
    watcher = CorpusWatcher(live, mini_corpus, index, project_root=tmp_path, step_ms=100, debounce_ms=1000).start()
    try:
        assert watcher.ready.wait(10)  # the folder is watched: the edit below cannot be missed
        guide = mini_corpus / "guide.md"
        guide.write_text(guide.read_text().replace("- Publish papers", "- Publish papers in journals"))
        assert wait_for(lambda: "in journals" in live.get().ask(QUESTION).citations[0].excerpt)
        assert [r.embedded_chunks for r in watcher.reports] == [["corpus/guide.md::Roles > Scientist::1"]]

        (mini_corpus / "extra.md").write_text("# Extra\n\n## Mentors\n\n- Find a mentor who ships models\n")
        assert wait_for(lambda: len(watcher.reports) == 2)
        assert live.get().ask("find a mentor").citations[0].source == "corpus/extra.md"
    finally:
        watcher.stop()


def test_a_build_that_fails_is_logged_and_the_previous_index_keeps_serving(mini_corpus, tmp_path, caplog):
    index, live = served(mini_corpus, tmp_path)
    before = live.get().ask(QUESTION).citations[0].excerpt
    for path in mini_corpus.iterdir():
        path.write_bytes(b"\x00 not text")
    watcher = CorpusWatcher(live, mini_corpus, index, project_root=tmp_path)

    with caplog.at_level(logging.ERROR, logger="webapp.watch"):
        assert watcher.rebuild_if_stale() is None

    assert "the index was not rebuilt; still serving the previous one" in caplog.text
    assert "nothing to index" in caplog.text
    assert live.get().ask(QUESTION).citations[0].excerpt == before


def test_a_stale_index_is_rebuilt_when_the_watcher_starts(mini_corpus, tmp_path):
    index, live = served(mini_corpus, tmp_path)
    (mini_corpus / "notes.txt").unlink()  # while the server was down
    watcher = CorpusWatcher(live, mini_corpus, index, project_root=tmp_path).start()
    try:
        assert wait_for(lambda: len(watcher.reports) == 1)
        assert watcher.reports[0].chunks_removed == 1 and watcher.reports[0].units_embedded == 0
    finally:
        watcher.stop()


def test_without_watch_a_stale_index_is_a_warning_naming_the_command(mini_corpus, tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)  # corpus paths in the manifest are relative to the project folder
    index, live = served(mini_corpus, tmp_path)
    settings = Settings(index_dir=index, corpus_dir=mini_corpus, watch=False)
    (mini_corpus / "study.md").write_text("# Studying\n\n- Read papers\n")
    freshness = IndexFreshness(mini_corpus, index)
    with caplog.at_level(logging.WARNING, logger="webapp.watch"):
        assert start_upkeep(live, settings, freshness) is freshness
    freshness.stop()
    assert "(corpus changed: corpus/study.md)" in caplog.text and "`python -m assistant build`" in caplog.text
    assert freshness.notice == STALE_NOTICE


def test_a_stale_index_is_noticed_logged_once_and_forgotten_after_a_rebuild(mini_corpus, tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    index, _ = served(mini_corpus, tmp_path)
    hashed = []
    monkeypatch.setattr("webapp.watch.stale_reason", lambda *a, **k: hashed.append(1) or real_stale_reason(*a, **k))
    freshness = IndexFreshness(mini_corpus, index)
    guide = mini_corpus / "guide.md"
    with caplog.at_level(logging.INFO, logger="webapp.watch"):
        freshness.check()
        assert freshness.notice is None
        freshness.check()
        freshness.check()
        assert len(hashed) == 1  # nothing moved: a stat of each file, no hashing

        guide.write_text(guide.read_text().replace("- Publish papers", "- Publish papers in journals"))
        freshness.check()
        assert freshness.notice == STALE_NOTICE and "corpus changed: corpus/guide.md" in freshness.reason
        guide.write_text(guide.read_text().replace("in journals", "at conferences"))  # edited again
        freshness.check()
        assert [r.levelname for r in caplog.records] == ["WARNING"]  # said once

        build_index(mini_corpus, index, FakeEmbedder(), project_root=tmp_path)
        freshness.check()
        assert freshness.notice is None
        assert caplog.records[-1].getMessage().endswith("matches " + str(mini_corpus) + " again")


def test_the_freshness_thread_notices_an_edit_within_its_interval(mini_corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    index, _ = served(mini_corpus, tmp_path)
    freshness = IndexFreshness(mini_corpus, index, every=0.05).start()
    try:
        assert freshness.notice is None
        (mini_corpus / "notes.txt").unlink()
        assert wait_for(lambda: freshness.notice is not None, timeout=2)
    finally:
        freshness.stop()


class SlowEmbedder(FakeEmbedder):
    """The fake embedder at a tenth of a second a batch, so that an edit can overtake a build."""

    def embed(self, texts):
        time.sleep(0.1)
        return super().embed(texts)


def test_a_build_overtaken_by_a_deletion_is_abandoned_and_the_index_follows_the_corpus(mini_corpus, tmp_path):
    index, live = served(mini_corpus, tmp_path)
    big = mini_corpus / "big.md"
    big.write_text(
        "# Big\n\n" + "".join(f"## Part {i}\n\n- Distinct fact number {i} about kettles\n\n" for i in range(2000))
    )
    live = LiveAssistant(index, embedder=SlowEmbedder(), check_every=0)
    watcher = CorpusWatcher(live, mini_corpus, index, project_root=tmp_path, step_ms=100, debounce_ms=1000)
    deleter = threading.Timer(1.0, big.unlink)  # while the build embeds the big file's units
    deleter.start()
    started = time.monotonic()
    report = watcher.rebuild_if_stale()
    deleter.join()
    assert watcher.abandoned >= 1
    assert time.monotonic() - started < 20  # not the whole big file
    assert report is None  # after the deletion the index already fits the corpus: nothing left to build
    assert "big.md" not in " ".join(c.source for c in live.get().ask("kettles").citations)


def test_a_file_over_the_limit_is_skipped_by_the_watcher_with_a_reason(mini_corpus, tmp_path, caplog):
    index, live = served(mini_corpus, tmp_path)
    (mini_corpus / "huge.md").write_text("# Huge\n\n" + "- kettles\n" * 20_000)
    watcher = CorpusWatcher(live, mini_corpus, index, project_root=tmp_path, max_file_bytes=100_000)
    with caplog.at_level(logging.WARNING, logger="webapp.watch"):
        report = watcher.rebuild_if_stale()
    assert report is not None and report.units_embedded == 0
    assert "skipped corpus/huge.md: is 0.2 MB, over the limit of 0.1 MB" in caplog.text
    assert watcher.rebuild_if_stale() is None  # the skipped file does not make the index stale again
