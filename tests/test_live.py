"""LiveAssistant follows index/current: rebuilt indexes are picked up in-process, requests never fail."""

import threading

from conftest import FakeEmbedder

from assistant.build import build_index
from assistant.live import LiveAssistant
from assistant.store import resolve

QUESTION = "Which roles publish papers?"


def edit(corpus, old, new):
    guide = corpus / "guide.md"
    guide.write_text(guide.read_text().replace(old, new))


def top_excerpt(live):
    return live.get().ask(QUESTION).citations[0].excerpt


def test_a_rebuilt_index_is_served_without_a_restart_and_with_the_same_model(mini_corpus, tmp_path):
    embedder = FakeEmbedder()
    index = tmp_path / "index"
    build_index(mini_corpus, index, embedder, project_root=tmp_path)
    live = LiveAssistant(index, embedder=embedder, check_every=0)
    assert "- Publish papers\n" in top_excerpt(live) + "\n"

    edit(mini_corpus, "- Publish papers", "- Publish papers in journals")
    build_index(mini_corpus, index, live.embedder(), project_root=tmp_path)

    assert "- Publish papers in journals" in top_excerpt(live)
    assert live.get().embedder.inner is embedder  # the model was not loaded again


def test_a_new_build_that_does_not_load_leaves_the_previous_one_serving(mini_corpus, tmp_path):
    embedder = FakeEmbedder()
    index = tmp_path / "index"
    build_index(mini_corpus, index, embedder, project_root=tmp_path)
    live = LiveAssistant(index, embedder=embedder, check_every=0)
    before = top_excerpt(live)

    edit(mini_corpus, "- Publish papers", "- Publish papers in journals")
    build_index(mini_corpus, index, embedder, project_root=tmp_path)
    (resolve(index) / "vectors.faiss").write_bytes(b"damaged after the switch")

    assert top_excerpt(live) == before
    assert "damaged" in live.last_error and "python -m assistant build" in live.last_error


def test_questions_asked_during_repeated_rebuilds_all_succeed(mini_corpus, tmp_path):
    embedder = FakeEmbedder()
    index = tmp_path / "index"
    build_index(mini_corpus, index, embedder, project_root=tmp_path)
    live = LiveAssistant(index, embedder=embedder, check_every=0)
    failures: list[BaseException] = []
    answered = [0]
    done = threading.Event()

    def ask_until_done():
        while not done.is_set():
            try:
                assert not live.get().ask(QUESTION).abstained
                answered[0] += 1
            except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(exc)

    askers = [threading.Thread(target=ask_until_done) for _ in range(3)]
    for t in askers:
        t.start()
    text = "- Publish papers"
    for n in range(6):
        edit(mini_corpus, text, f"- Publish papers, draft {n}")
        text = f"- Publish papers, draft {n}"
        build_index(mini_corpus, index, live.embedder(), project_root=tmp_path)
    done.set()
    for t in askers:
        t.join()

    assert failures == [] and answered[0] > 6
    assert "- Publish papers, draft 5" in top_excerpt(live)


def test_a_loaded_index_embeds_the_guides_words_before_the_first_question_with_a_foreign_word(mini_corpus, tmp_path):
    embedder = FakeEmbedder()
    index = tmp_path / "index"
    build_index(mini_corpus, index, embedder, project_root=tmp_path)
    live = LiveAssistant(index, embedder=embedder, check_every=0)
    retriever = live.get().retriever
    for _ in range(200):  # the warm-up runs in the background: no question has been asked
        if retriever._alias_vectors is not None:
            break
        threading.Event().wait(0.05)
    guide_words = set(retriever._alias_words)
    assert guide_words and guide_words <= set(embedder.calls)
    embedder.calls.clear()
    live.get().ask("how much does a plumber earn in Toronto?")
    assert not guide_words & set(embedder.calls)  # the question did not wait for them
