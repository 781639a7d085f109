"""The corpus watcher behind `app.py --watch`, in-process with the fake embedder, and the stale-index warning."""

import logging
import time

from conftest import FakeEmbedder

from assistant.build import build_index
from assistant.live import LiveAssistant
from webapp.settings import Settings
from webapp.watch import CorpusWatcher, start_upkeep

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
        time.sleep(0.3)  # let the watch begin
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
    with caplog.at_level(logging.WARNING, logger="webapp.watch"):
        assert start_upkeep(live, settings) is None
    assert caplog.text == ""

    (mini_corpus / "study.md").write_text("# Studying\n\n- Read papers\n")
    with caplog.at_level(logging.WARNING, logger="webapp.watch"):
        start_upkeep(live, settings)
    assert "(corpus changed: corpus/study.md)" in caplog.text and "`python -m assistant build`" in caplog.text
