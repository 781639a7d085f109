"""What a person sees in the chat window: Debian's Chromium, driven by Playwright, against `python app.py`.

Each test opens its own page on the one session server. The PhD test also saves docs/screenshot.png,
the picture in the README: the one file a test writes outside tmp_path, on purpose.
"""

import json
import time
from urllib.parse import urlparse

import pytest
from conftest import ROOT

from assistant.feedback_store import SQLiteFeedbackStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = ROOT / "docs" / "screenshot.png"
BOT = '#chat [data-testid="bot"]'
USER = '#chat [data-testid="user"]'


class ChatPage:
    """One browser tab on the chat, with every URL it requested."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1100, "height": 1000})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def ask(self, question: str):
        """Type a question, press Enter, and return the new answer's element once it is there."""
        before = self.page.locator(BOT).count()
        self.page.fill("#question textarea", question)
        self.page.keyboard.press("Enter")
        return self.next_answer(before)

    def next_answer(self, before: int):
        self.page.wait_for_function(f"document.querySelectorAll('{BOT}').length > {before}", timeout=30_000)
        return self.page.locator(BOT).last

    def close(self):
        self.context.close()


@pytest.fixture
def chat(browser, server):
    page = ChatPage(browser, server.url)
    yield page
    page.close()


def test_a_question_is_answered_with_cited_sources_and_nothing_leaves_the_machine(chat):
    page = chat.page
    assert "AI and Machine Learning Career Guide 2026" in page.title()
    assert "AI and Machine Learning Career Guide 2026" in page.locator("#intro h1").inner_text()
    assert page.get_by_text("Do I need a PhD?", exact=True).is_visible()  # an example on the empty chat

    answer = chat.ask("Do I need a PhD?")
    assert "[1]" in answer.locator("sup.guide-marker").first.inner_text()
    cards = answer.locator("details.guide-source")
    sections = " | ".join(cards.locator("summary").all_inner_texts())
    assert "Graduate" in sections or "Research Scientist" in sections
    first = cards.first
    assert first.get_attribute("open") is not None
    assert first.locator("mark").first.is_visible()
    assert "PhD" in first.locator("mark").first.inner_text()
    assert "corpus/ai-ml-career-guide-2026.md" in first.locator(".guide-file").inner_text()
    assert "lines" in first.locator(".guide-where").inner_text()

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    hosts = {urlparse(u).hostname for u in chat.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, chat.requests


def test_an_off_topic_question_gets_an_honest_reply_and_clickable_suggestions(chat):
    answer = chat.ask("How do I bake sourdough bread?")
    assert "doesn't cover" in answer.inner_text()
    assert answer.locator("details.guide-source").count() == 0
    options = chat.page.locator("#chat .options button")
    assert 2 <= options.count() <= 3
    suggestion = options.first.inner_text()
    before = chat.page.locator(BOT).count()
    options.first.click()
    chat.next_answer(before)
    assert chat.page.locator(USER).last.inner_text() == suggestion


def test_a_follow_up_uses_the_conversation(chat):
    chat.ask("What does a senior ML engineer do?")
    answer = chat.ask("and how much do they earn?")
    assert "$180K - $280K" in answer.locator("details.guide-source").first.inner_text()


def test_thumbs_up_is_stored_as_feedback(chat, server):
    question = "Which programming language is essential?"
    chat.ask(question)
    chat.page.locator('#chat button[aria-label="Like"]').last.click()  # the thumb under the newest answer
    deadline = time.monotonic() + 10
    entries: list[dict] = []
    while time.monotonic() < deadline:
        if server.feedback_db.exists():
            entries = list(SQLiteFeedbackStore(server.feedback_db).export())
            if any(e["question"] == question for e in entries):
                break
        time.sleep(0.2)
    entry = next(e for e in entries if e["question"] == question)
    assert entry["verdict"] == "up"
    assert entry["citations"] and "Python" in entry["answer"] + json.dumps(entry["citations"])


def test_markup_in_a_question_is_shown_as_text_and_never_runs(chat):
    payload = '<img src=x onerror="window.__xss=1">'
    chat.ask(payload)
    assert chat.page.locator(USER).last.inner_text() == payload
    assert chat.page.locator("#chat img[src='x']").count() == 0
    chat.page.wait_for_timeout(500)  # give a broken image time to fire onerror, if one had been made
    assert chat.page.evaluate("typeof window.__xss") == "undefined"


def test_empty_and_oversized_questions_get_a_message_under_the_box(chat):
    chat.page.fill("#question textarea", "")
    chat.page.keyboard.press("Enter")
    chat.page.wait_for_selector("#notice .guide-notice-info")
    assert "Please type a question" in chat.page.locator("#notice").inner_text()

    long_question = "why " * 600
    chat.page.fill("#question textarea", long_question)
    chat.page.keyboard.press("Enter")
    chat.page.wait_for_selector("#notice .guide-notice-error")
    assert "2,000" in chat.page.locator("#notice").inner_text()
    assert chat.page.locator("#question textarea").input_value() == long_question
    assert chat.page.locator(BOT).count() == 0
