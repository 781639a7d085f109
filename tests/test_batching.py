"""The micro-batching embedder: concurrent questions share model calls, nobody waits or starves for it,
and the answers are the ones the unbatched pipeline gives."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from conftest import DATA, FakeEmbedder

from assistant import Assistant
from assistant.batching import BatchingEmbedder
from assistant.live import LiveAssistant, SerializedEmbedder


class GatedEmbedder(FakeEmbedder):
    """The fake model, recording the texts of each model call; calls block while `gate` is closed."""

    def __init__(self, seconds: float = 0.0):
        super().__init__()
        self.batches: list[list[str]] = []
        self.seconds = seconds
        self.gate = threading.Event()
        self.gate.set()
        self.running = threading.Event()  # set while a model call is in progress

    def embed(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        self.running.set()
        self.gate.wait()
        time.sleep(self.seconds)
        self.running.clear()
        if "boom" in texts:
            raise RuntimeError("the model failed")
        return super().embed(texts)


def alone(text: str) -> np.ndarray:
    return FakeEmbedder().embed([text])[0]


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def burst(batcher: BatchingEmbedder, model: GatedEmbedder, texts: list[str]) -> dict[str, np.ndarray]:
    """Hold the model busy with one call while `texts` arrive one per thread, then let everything run."""
    model.gate.clear()
    first = threading.Thread(target=batcher.embed, args=(["busy"],))
    first.start()
    wait_for(model.running.is_set)
    results: dict[str, np.ndarray] = {}
    threads = [threading.Thread(target=lambda t=t: results.update({t: batcher.embed([t])[0]})) for t in texts]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(batcher._queue) == len(texts))  # all queued behind the busy model
    model.gate.set()
    for thread in [first, *threads]:
        thread.join()
    return results


def test_concurrent_questions_share_one_model_call_and_each_gets_its_own_vector():
    model = GatedEmbedder()
    batcher = BatchingEmbedder(model)
    questions = [f"question number {i} about salaries" for i in range(16)]

    results = burst(batcher, model, questions)

    assert model.batches == [["busy"], questions]  # in arrival order, one call for all sixteen
    for question in questions:
        assert np.array_equal(results[question], alone(question))
    assert batcher.stats().largest == 16


def test_a_lone_question_does_not_wait_for_company():
    model = GatedEmbedder()
    batcher = BatchingEmbedder(model, max_wait_ms=5_000, idle_ms=50)
    started = time.perf_counter()
    batcher.embed(["Do I need a PhD?"])
    assert time.perf_counter() - started < 2  # not the 5 s a batch may wait while people ask at once

    burst(batcher, model, [f"q{i}" for i in range(8)])  # several people asked at once...
    time.sleep(0.2)  # ...and then nobody for a while
    started = time.perf_counter()
    batcher.embed(["Do I need a PhD?"])
    assert time.perf_counter() - started < 2


def test_while_people_ask_at_once_a_batch_waits_for_the_next_caller_and_closes_when_full():
    model = GatedEmbedder()
    batcher = BatchingEmbedder(model, max_batch=2, max_wait_ms=5_000, idle_ms=60_000)
    burst(batcher, model, ["a", "b"])  # the last batch served two callers: people are asking at once
    model.batches.clear()

    results: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    first = threading.Thread(target=lambda: results.update(first=batcher.embed(["first"])[0]))
    first.start()
    time.sleep(0.1)
    second = batcher.embed(["second"])[0]
    first.join()

    assert model.batches == [["first", "second"]]
    assert time.perf_counter() - started < 2.5  # closed at its size limit, not after the 5 s wait
    assert np.array_equal(results["first"], alone("first")) and np.array_equal(second, alone("second"))


def test_a_rebuild_goes_through_in_chunks_and_a_question_asked_meanwhile_is_not_held_behind_it():
    model = GatedEmbedder(seconds=0.02)
    batcher = BatchingEmbedder(model, max_batch=8)
    documents = [f"passage {i} on portfolios and interviews" for i in range(200)]
    rebuilt: list[np.ndarray] = []
    rebuild = threading.Thread(target=lambda: rebuilt.append(batcher.embed(documents)))
    rebuild.start()
    wait_for(lambda: len(model.batches) >= 3)

    answered = batcher.embed(["Do I need a PhD?"])[0]
    still_rebuilding = rebuild.is_alive()
    rebuild.join()

    assert still_rebuilding  # the question did not wait for the whole rebuild (25 chunks)
    assert max(len(b) for b in model.batches) <= 8
    assert np.array_equal(answered, alone("Do I need a PhD?"))
    assert np.array_equal(rebuilt[0], FakeEmbedder().embed(documents))  # every row, in order


def test_a_model_error_reaches_every_caller_of_its_batch_and_the_batcher_keeps_serving():
    model = GatedEmbedder()
    batcher = BatchingEmbedder(model)
    with pytest.raises(RuntimeError, match="the model failed"):
        batcher.embed(["boom"])
    assert np.array_equal(batcher.embed(["Do I need a PhD?"])[0], alone("Do I need a PhD?"))


def test_the_batcher_passes_on_the_models_known_words():
    # Without them, spelling repair turns ordinary words into guide words (lawyer -> layers).
    assert BatchingEmbedder(FakeEmbedder()).known_words() == FakeEmbedder.KNOWN


@pytest.mark.parametrize("batching, wrapper", [(True, BatchingEmbedder), (False, SerializedEmbedder)])
def test_the_live_assistant_batches_unless_told_not_to(batching, wrapper, mini_corpus, tmp_path):
    from assistant.build import build_index

    model = GatedEmbedder()
    build_index(mini_corpus, tmp_path / "index", model, project_root=tmp_path)
    live = LiveAssistant(tmp_path / "index", embedder=model, check_every=0, batching=batching)
    assert isinstance(live.embedder(), wrapper) and live.embedder().inner is model

    model.batches.clear()
    model.gate.clear()
    with ThreadPoolExecutor(8) as pool:
        calls = [pool.submit(live.embedder().embed, [f"question {i}"]) for i in range(8)]
        wait_for(model.running.is_set)
        time.sleep(0.5)  # the other seven are waiting, at the lock or in the queue
        model.gate.set()
        for call in calls:
            call.result()
    assert len(model.batches) == (2 if batching else 8)


def dev_cases() -> list[dict]:
    return [json.loads(line) for line in (DATA / "dev.jsonl").read_text().splitlines() if line.strip()]


def seen(answer) -> dict:
    """What a user sees of an answer: its text, kind, suggestions and each citation's place and excerpt."""
    record = answer.to_dict()
    return {
        "answer": record["answer"],
        "kind": record["kind"],
        "abstained": record["abstained"],
        "suggestions": record["suggestions"],
        "citations": [
            (c["source"], c["section"], c["start_line"], c["end_line"], c["excerpt"]) for c in record["citations"]
        ],
    }


@pytest.mark.slow
def test_batched_answers_on_the_dev_set_are_the_unbatched_ones(guide_index, real_embedder):
    cases = dev_cases()
    single = Assistant.load(guide_index, embedder=real_embedder)
    expected = [seen(single.ask(c["question"], c.get("history"))) for c in cases]

    batcher = BatchingEmbedder(real_embedder)
    batched = Assistant.load(guide_index, embedder=batcher)
    with ThreadPoolExecutor(16) as pool:  # sixteen people at once, so batches mix questions
        got = list(pool.map(lambda c: seen(batched.ask(c["question"], c.get("history"))), cases))

    assert batcher.stats().largest > 1  # the questions did share model calls
    for case, want, have in zip(cases, expected, got, strict=True):
        assert have == want, case["id"]


def test_no_batching_is_a_flag_and_an_environment_variable(monkeypatch):
    import app

    assert app.parse_settings([]).batching is True
    assert app.parse_settings(["--no-batching"]).batching is False
    monkeypatch.setenv("GUIDE_BATCHING", "0")
    assert app.parse_settings([]).batching is False


def ask_over(client, route: str, question: str) -> dict:
    """The answer record from POST /api/ask or from the Gradio chat endpoint over its HTTP API."""
    if route == "api":
        response = client.post("/api/ask", json={"question": question})
        assert response.status_code == 200, response.text
        return response.json()
    started = client.post("/gradio_api/call/chat", json={"data": [question, None]})
    assert started.status_code == 200, started.text
    stream = client.get(f"/gradio_api/call/chat/{started.json()['event_id']}").text
    data = [line.partition(":")[2] for line in stream.splitlines() if line.startswith("data:")]
    return json.loads(data[-1])[0]


@pytest.mark.slow
def test_people_asking_at_once_on_the_api_and_the_chat_get_the_answers_one_person_gets(guide_index, tmp_path):
    import httpx
    from conftest import RunningServer

    questions = [c["question"] for c in dev_cases() if "history" not in c][:12]
    server = RunningServer(guide_index, tmp_path, env={"GUIDE_RATE_LIMIT": "0"})
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            alone = {q: ask_over(client, "api", q) for q in questions}
            jobs = [(route, q) for q in questions for route in ("api", "chat")]
            with ThreadPoolExecutor(len(jobs)) as pool:
                together = list(pool.map(lambda job: (job, ask_over(client, *job)), jobs))
    finally:
        server.stop()

    def shown(record: dict) -> tuple:
        return record["answer"], [(c["section"], c["start_line"], c["end_line"]) for c in record["citations"]]

    for (route, question), record in together:
        assert shown(record) == shown(alone[question]), (route, question)
