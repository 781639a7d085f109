"""The JSON API over real HTTP: answers with citations, each error status with its JSON body, CORS, CSP."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from conftest import ROOT, RunningServer, chat_client

pytestmark = pytest.mark.slow


def ask(server, body, **kwargs) -> httpx.Response:
    return httpx.post(server.url + "/api/ask", json=body, timeout=60, **kwargs)


def assert_error(response: httpx.Response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"}
    assert body["error"] == kind
    assert body["message"].endswith((".", "?")) and len(body["message"]) > 20  # a sentence, not a code
    return body["message"]


def test_a_question_gets_the_answer_record_with_verbatim_citations(server):
    response = ask(server, {"question": "Do I need a PhD?", "history": []})
    assert response.status_code == 200
    record = response.json()
    assert record["question"] == "Do I need a PhD?"
    assert record["abstained"] is False and record["kind"] == "answer"
    assert "PhD" in record["answer"] and "[1]" in record["answer"]
    assert record["citations"], "an answer without its sources"
    for citation in record["citations"]:
        lines = (ROOT / citation["source"]).read_text().splitlines()
        assert citation["excerpt"] == "\n".join(lines[citation["start_line"] - 1 : citation["end_line"]])
        assert citation["section"]


def test_history_turns_a_follow_up_into_a_question_about_the_same_role(server):
    history = [
        {"role": "user", "content": "What does a senior ML engineer do?"},
        {"role": "assistant", "content": "..."},
    ]
    record = ask(server, {"question": "and what about them?", "history": history}).json()
    assert not record["abstained"]
    assert any("Senior ML Engineer" in c["section"] for c in record["citations"])


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"question": ""}, "empty"),
        ({"question": "   "}, "empty"),
        ({}, "invalid"),
        ({"question": 42}, "invalid"),
        ({"question": "hi", "history": [{"role": "system", "content": "x"}]}, "invalid"),
    ],
    ids=["empty", "blank", "missing", "not-text", "bad-history"],
)
def test_invalid_input_is_422_with_a_message(server, body, kind):
    message = assert_error(ask(server, body), 422, kind)
    assert "question" in message.lower() or "history" in message.lower()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"Do I need a PhD?", "Expecting value"),
        (b'{"question": "Do I need a \xff PhD?"}', "UTF-8"),
        (b'{"question": "Do I need a PhD?", "history": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nested"),
        (b'{"question": ' + b"9" * 5000 + b"}", "digits"),
    ],
    ids=["not-json", "invalid-utf8", "deeply-nested", "5000-digit-number"],
)
def test_a_body_that_is_not_json_is_422(server, content, reason):
    response = httpx.post(server.url + "/api/ask", content=content, headers={"Content-Type": "application/json"})
    message = assert_error(response, 422, "invalid_json")
    assert message.startswith("The request body is not valid JSON: ") and reason in message, message


def test_a_question_over_2000_characters_is_413(server):
    message = assert_error(ask(server, {"question": "Do I need a PhD? " * 150}), 413, "too_long")
    assert "2,000" in message


def test_a_huge_body_is_413_before_it_is_read(server):
    history = [{"role": "user", "content": "x" * 1000}] * 300
    assert_error(ask(server, {"question": "Do I need a PhD?", "history": history}), 413, "too_large")


def test_a_chunked_body_over_the_limit_is_413_too(server):
    """Without a Content-Length the limit is counted while reading (httpx sends a generator chunked)."""
    history = [{"role": "user", "content": "x" * 1000}] * 300
    body = json.dumps({"question": "Do I need a PhD?", "history": history}).encode()
    pieces = (body[i : i + 16384] for i in range(0, len(body), 16384))
    response = httpx.post(server.url + "/api/ask", content=pieces, headers={"Content-Type": "application/json"})
    assert "transfer-encoding" in response.request.headers and "content-length" not in response.request.headers
    assert "262,144" in assert_error(response, 413, "too_large")
    assert ask(server, {"question": "Do I need a PhD?"}).status_code == 200


def test_an_unknown_api_path_is_a_json_404(server):
    assert "POST /api/ask" in assert_error(httpx.get(server.url + "/api/ask"), 404, "not_found")


def test_cors_answers_only_allowed_origins_and_a_refused_page_reads_only_its_refusal(server):
    allowed = ask(server, {"question": "Do I need a PhD?"}, headers={"Origin": "http://localhost:8000"})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:8000"

    def preflight(path: str) -> httpx.Response:
        headers = {
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        return httpx.options(server.url + path, headers=headers)

    # The widget's route lets the browser send the request, so that the page can read why it is refused.
    assert preflight("/api/ask").headers["access-control-allow-origin"] == "https://evil.example"
    foreign = ask(server, {"question": "Do I need a PhD?"}, headers={"Origin": "https://evil.example"})
    assert "--allowed-origins" in assert_error(foreign, 403, "origin_not_allowed")
    assert foreign.headers["access-control-allow-origin"] == "https://evil.example"
    assert foreign.headers["vary"] == "Origin"
    # Every other route gives a refused page nothing to read.
    assert "access-control-allow-origin" not in preflight("/gradio_api/queue/join").headers
    info = httpx.get(server.url + "/gradio_api/info", headers={"Origin": "https://evil.example"})
    assert info.status_code == 403 and "access-control-allow-origin" not in info.headers


def test_the_chat_page_may_be_framed_only_by_allowed_origins(server):
    csp = httpx.get(server.url + "/").headers["content-security-policy"]
    assert csp.endswith("; frame-ancestors 'self' http://localhost:* http://127.0.0.1:*")


def test_openapi_documents_the_answer_and_error_shapes(server):
    spec = httpx.get(server.url + "/api/openapi.json").json()
    operation = spec["paths"]["/api/ask"]["post"]
    assert {"200", "403", "413", "422", "429", "503"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    assert {"question", "abstained", "answer", "citations", "suggestions", "kind", "latency_ms"} <= set(
        schemas["AnswerRecord"]["properties"]
    )
    assert set(schemas["ErrorBody"]["properties"]) == {"error", "message"}


def test_the_widget_script_is_served(server):
    response = httpx.get(server.url + "/embed.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "/api/ask" in response.text and "innerHTML" not in response.text


@pytest.fixture(scope="module")
def unready_server(tmp_path_factory):
    """No index at all, and a limit of 5 questions in any 2 seconds so the burst test stays fast."""
    empty = tmp_path_factory.mktemp("no-index")
    running = RunningServer(
        empty, tmp_path_factory.mktemp("unready"), env={"GUIDE_RATE_LIMIT": "5", "GUIDE_RATE_WINDOW": "2"}
    )
    yield running
    running.stop()


def test_without_an_index_the_app_keeps_serving_and_answers_503(unready_server):
    assert httpx.get(unready_server.url + "/").status_code == 200
    message = assert_error(ask(unready_server, {"question": "Do I need a PhD?"}), 503, "index_not_ready")
    assert "python -m assistant build" in message
    assert "/" not in message.replace("python -m", "")  # no server paths: those go to the log
    assert "no index in" in unready_server.log()
    health = httpx.get(unready_server.url + "/healthz")  # a load balancer sends no one here
    assert health.status_code == 503 and health.json()["status"] == "not_ready"


def test_a_burst_trips_the_rate_limit_and_then_recovers(unready_server):
    statuses = []
    for _ in range(8):
        response = ask(unready_server, {"question": "Do I need a PhD?"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429 and len(statuses) <= 6, statuses  # at most 5 went through
    assert "at most 5 every 2 seconds" in assert_error(response, 429, "rate_limited")
    # The chat window's questions share the budget: counted by its answering callbacks, which say when to
    # ask again instead of failing Gradio's request (tests/test_browser_chat.py shows the page).
    with chat_client(unready_server.url) as client, pytest.raises(Exception, match="try again in"):
        client.predict("Do I need a PhD?", api_name="/chat")
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= 2
    time.sleep(wait)
    assert ask(unready_server, {"question": "Do I need a PhD?"}).status_code == 503  # served again, not limited


def test_a_script_on_gradios_call_route_spends_one_count_per_question(unready_server):
    """POST /gradio_api/call/chat is counted by the Guard (a 429 a script can read); the answering callback
    behind it must not count the same question again, or scripts get half the budget."""
    time.sleep(2.1)  # a fresh window: earlier tests spent this address's budget
    events = []
    for _ in range(5):
        started = httpx.post(unready_server.url + "/gradio_api/call/chat", json={"data": ["Do I need a PhD?", []]})
        assert started.status_code == 200, started.text
        stream = httpx.get(unready_server.url + f"/gradio_api/call/chat/{started.json()['event_id']}", timeout=30)
        events.append(stream.text)
    assert not [e for e in events if "asked a lot" in e], events
    refused = httpx.post(unready_server.url + "/gradio_api/call/chat", json={"data": ["Do I need a PhD?", []]})
    assert refused.status_code == 429 and refused.headers["retry-after"]


def test_history_with_kinds_and_citations_resolves_the_fourth_item_of_the_previous_answer(server):
    question = "Which programming languages should I learn?"
    listing = ask(server, {"question": question}).json()
    assert listing["citations"][0]["section"].endswith("Languages"), listing
    history = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": listing["answer"], "kind": listing["kind"], "citations": listing["citations"]},
    ]
    response = ask(server, {"question": "what is the fourth one for?", "history": history})
    assert response.status_code == 200, response.text
    record = response.json()
    assert not record["abstained"]
    first = record["citations"][0]
    excerpt_lines = first["excerpt"].split("\n")
    marked = [excerpt_lines[line - first["start_line"]] for line in first["highlight"]]
    assert marked == ["- C++ (performance)"], first  # the guide's fourth language, and only it


def test_history_citations_beyond_the_caps_are_refused(server):
    turn = {"role": "assistant", "content": "x", "kind": "answer"}
    many = {**turn, "citations": [{"section": "s", "excerpt": "e"}] * 21}
    assert_error(ask(server, {"question": "Do I need a PhD?", "history": [many]}), 422, "invalid")
    long_kind = {**turn, "kind": "k" * 21}
    assert_error(ask(server, {"question": "Do I need a PhD?", "history": [long_kind]}), 422, "invalid")
