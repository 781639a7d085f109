"""The running app through gradio_client: the public /chat endpoint that scripts and benchmarks call."""

import pytest
from conftest import chat_client

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server):
    with chat_client(server.url) as client:
        yield client


def test_chat_endpoint_returns_the_cited_answer_record(client):
    record = client.predict("Do I need a PhD?", api_name="/chat")
    assert record["kind"] == "answer" and not record["abstained"]
    assert "[1]" in record["answer"]
    top = record["citations"][0]
    assert top["source"] == "corpus/ai-ml-career-guide-2026.md"
    assert "PhD" in top["excerpt"] and top["start_line"] <= top["highlight"][0] <= top["end_line"]


def test_chat_endpoint_takes_the_conversation_and_refuses_oversized_questions(client):
    from gradio_client.exceptions import AppError

    history = [{"role": "user", "content": "What does a senior ML engineer do?"}]
    record = client.predict("and how much do they earn?", history, api_name="/chat")
    assert "$180K - $280K" in record["citations"][0]["excerpt"]
    off_topic = client.predict("How do I bake sourdough bread?", api_name="/chat")
    assert off_topic["abstained"] and off_topic["citations"] == [] and 2 <= len(off_topic["suggestions"]) <= 3
    with pytest.raises(AppError, match="2,000"):
        client.predict("why " * 600, api_name="/chat")


def test_only_the_chat_endpoint_is_public(client):
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/chat"]
