"""What a person sees in the chat window: Debian's Chromium, driven by Playwright, against `python app.py`.

Each test opens its own page on the one session server. The PhD tests save a screenshot, desktop and
phone, to tmp_path; `make screenshot` sets GUIDE_SCREENSHOTS=docs to update the README's pictures.
"""

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import BOT, ROOT, USER, ChatPage, RunningServer
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from assistant.cli import main
from assistant.feedback_store import SQLiteFeedbackStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def screenshots(tmp_path: Path) -> Path:
    """Where screenshots go: tmp_path, or the folder `make screenshot` names (relative to the project)."""
    chosen = os.environ.get("GUIDE_SCREENSHOTS")
    return ROOT / chosen if chosen else tmp_path


@pytest.fixture
def chat(browser, server):
    page = ChatPage(browser, server.url)
    yield page
    page.close()


def test_a_question_is_answered_with_cited_sources_and_nothing_leaves_the_machine(chat, tmp_path):
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

    page.screenshot(path=str(screenshots(tmp_path) / "screenshot.png"))

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


def exported_feedback(server, capsys, question: str, done) -> list[dict]:
    """The entries for `question` that `python -m assistant feedback export` prints, as an operator reads
    them, once `done(entries)` holds (each thumb is stored by an event of its own) or after 10 s."""
    deadline = time.monotonic() + 10
    while True:
        entries: list[dict] = []
        if server.feedback_db.exists():
            assert main(["feedback", "export", "--db", str(server.feedback_db)]) == 0
            entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        entries = [e for e in entries if e["question"] == question]
        if done(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.2)


def test_up_then_down_on_one_answer_stores_one_entry_down_with_what_was_wrong(chat, server, capsys):
    page = chat.page
    question = "What does a data scientist do?"
    chat.ask(question)
    page.locator('#chat button[aria-label="Like"]').last.click()
    page.locator('#chat button[aria-label="Dislike"]').last.click()  # changed their mind
    wrong = page.get_by_label("What was wrong? (optional)")
    wrong.wait_for(timeout=10_000)  # offered on a thumb down only
    note = "It lists duties but not the tools a data scientist uses"
    wrong.fill(note)
    page.locator("#what-was-wrong").get_by_role("button", name="Send").click()
    page.get_by_text("Thank you: your note is stored with the answer.").wait_for(timeout=10_000)
    assert not wrong.is_visible()

    entries = exported_feedback(server, capsys, question, lambda found: any(e["comment"] for e in found))
    assert [(e["verdict"], e["comment"]) for e in entries] == [("down", note)]  # one entry: the last verdict
    assert "Data Scientist" in json.dumps(entries[0]["citations"])


def test_markup_in_a_question_is_shown_as_text_and_never_runs(chat):
    payload = '<img src=x onerror="window.__xss=1">'
    chat.ask(payload)
    assert chat.page.locator(USER).last.inner_text() == payload
    assert chat.page.locator("#chat img[src='x']").count() == 0
    chat.page.wait_for_timeout(500)  # give a broken image time to fire onerror, if one had been made
    assert chat.page.evaluate("typeof window.__xss") == "undefined"


def in_viewport(locator) -> bool:
    """The whole element is inside the browser's window, nothing above or below the fold."""
    where = locator.bounding_box()
    height = locator.page.viewport_size["height"]
    return where is not None and where["y"] >= 0 and where["y"] + where["height"] <= height


def test_empty_and_oversized_questions_get_a_message_under_the_box(chat):
    page = chat.page
    page.fill("#question textarea", "")
    # A page just loaded under load may not have bound its keys yet: Enter again, up to three times (an
    # empty box sends nothing else).
    for _ in range(3):
        page.keyboard.press("Enter")
        try:
            page.wait_for_selector("#notice .guide-notice-info", timeout=10_000)
            break
        except PlaywrightTimeoutError:
            page.focus("#question textarea")
    assert "Please type a question" in page.locator("#notice").inner_text()
    assert in_viewport(page.locator("#notice .guide-notice-info"))

    # The count shows from 1,600 characters on, as the 2,000 limit nears.
    count = page.locator("#guide-count")
    page.fill("#question textarea", "a" * 1_599)
    assert count.count() == 0 or count.inner_text() == ""
    page.fill("#question textarea", "a" * 1_700)
    assert count.inner_text() == "1,700 / 2,000" and count.is_visible() and in_viewport(count)
    assert count.get_attribute("class") != "guide-count-over"

    long_question = "why " * 600
    page.fill("#question textarea", long_question)
    assert count.inner_text() == "2,399 / 2,000" and count.get_attribute("class") == "guide-count-over"
    page.keyboard.press("Enter")
    page.wait_for_selector("#notice .guide-notice-error")
    assert "2,000" in page.locator("#notice").inner_text()
    assert in_viewport(page.locator("#notice .guide-notice-error"))  # next to the box, not below the fold
    assert page.locator("#question textarea").input_value() == long_question
    assert page.locator(BOT).count() == 0


def test_what_the_guide_never_mentions_is_named_in_a_note_on_the_answer(chat):
    answer = chat.ask("How much does a mid-level ML engineer earn in Toronto, in Canadian dollars?")
    note = answer.locator(".guide-not-covered")
    assert note.is_visible()
    assert "Not in the guide:" in note.inner_text() and "Toronto" in note.inner_text()


def test_a_thanks_gets_a_short_reply_without_sources(chat):
    chat.ask("Do I need a PhD?")
    reply = chat.ask("thanks!")
    assert "welcome" in reply.inner_text().lower()
    assert reply.locator("details.guide-source").count() == 0
    assert reply.locator(".guide-not-covered").count() == 0


def test_related_questions_under_an_answer_ask_when_clicked(chat):
    chat.ask("Do I need a PhD?")
    options = chat.page.locator("#chat .options button")
    assert 2 <= options.count() <= 3
    related = options.last.inner_text()
    before = chat.page.locator(BOT).count()
    options.last.click()
    answer = chat.next_answer(before)
    assert chat.page.locator(USER).last.inner_text() == related
    assert answer.locator("details.guide-source").count() >= 1


def test_on_a_phone_the_box_is_in_view_on_load_and_an_answer_starts_in_view(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server.url)
        box = page.locator("#question textarea")
        box.wait_for()
        assert box.bounding_box()["y"] + box.bounding_box()["height"] <= 844  # not cut off
        title = page.locator("#intro h1")
        assert title.bounding_box()["height"] < 80  # a compact header, not three lines
        box.fill("Do I need a PhD?")
        box.press("Enter")
        page.wait_for_function(f"document.querySelectorAll('{BOT}').length > 0", timeout=30_000)
        page.locator(f"{BOT} details.guide-source").first.wait_for()
        page.wait_for_timeout(500)
        lead = page.locator(BOT).last.locator("p").first
        top = lead.bounding_box()["y"]
        assert 0 <= top < 844, top  # the start of the answer, not its source cards
        page.screenshot(path=str(screenshots(tmp_path) / "screenshot-phone.png"))
    finally:
        context.close()


def test_a_marker_opens_its_source_card_and_an_answer_is_read_from_its_content(chat):
    answer = chat.ask("Do I need a PhD?")
    cards = answer.locator("details.guide-source")
    assert cards.count() >= 2 and cards.nth(1).get_attribute("open") is None
    answer.locator("sup.guide-marker a").filter(has_text="[2]").first.click()
    chat.page.wait_for_function("el => el.open", arg=cards.nth(1).element_handle(), timeout=5_000)
    assert cards.nth(1).is_visible()
    assert answer.get_attribute("aria-label") is None  # not its Markdown and HTML source


def test_copy_puts_plain_text_on_the_clipboard_the_answer_then_its_sources(browser, server):
    chat = ChatPage(browser, server.url, permissions=("clipboard-read", "clipboard-write"))
    try:
        page = chat.page
        question = "What's an ML engineer's pay (in USD) & <b>bonus</b>?"
        chat.ask("Do I need a PhD?")
        chat.ask(question)
        # Each message's buttons follow it; Gradio's own copy would give its Markdown and HTML.
        copies = page.locator('#chat .message-buttons button[title^="Cop"]')
        assert copies.count() == 4

        def copied(i: int) -> str:
            page.evaluate("navigator.clipboard.writeText('')")
            copies.nth(i).click()
            page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", timeout=5_000)
            return page.evaluate("navigator.clipboard.readText()")

        phd = copied(1)
        lead, _, sources = phd.partition("\n\n[1] ")
        assert lead.startswith("Graduate: PhD (for research roles) [1]"), phd
        first = page.locator(BOT).first.locator("details.guide-source").first
        span = re.search(r"lines (\d+)–(\d+)", first.locator(".guide-where").inner_text()).groups()
        assert sources.startswith('Educational Paths > Degree Programs > Graduate: "#### Graduate\n\n- '), phd
        assert f'PhD (for research roles)" (corpus/ai-ml-career-guide-2026.md, lines {span[0]}-{span[1]})' in sources
        assert "\n[2] " in sources
        for markup in ("<", "**", "&amp;", "&#", "\\", "›", "class="):
            assert markup not in phd, (markup, phd)

        assert copied(2) == question  # a question as typed, not its escaped Markdown
        pay = copied(3)
        assert pay != phd and "[1] Career Progression and Salaries > " in pay
    finally:
        chat.close()


def test_over_the_rate_limit_the_conversation_stays_and_a_notice_says_when_to_ask_again(browser, guide_index, tmp_path):
    limited = RunningServer(guide_index, tmp_path, "--rate-limit", "2", env={"GUIDE_RATE_WINDOW": "6"})
    try:
        chat = ChatPage(browser, limited.url)
        chat.ask("Do I need a PhD?")
        chat.ask("Which programming language is essential?")
        chat.page.fill("#question textarea", "Should I do a bootcamp or a degree?")
        chat.page.keyboard.press("Enter")
        notice = chat.page.locator("#notice .guide-notice-error")
        notice.wait_for(timeout=30_000)
        assert "You've asked a lot in the last 6 seconds; try again in" in notice.inner_text()
        assert notice.is_visible() and chat.page.locator(BOT).count() == 2  # the conversation stays
        assert chat.page.locator("#question textarea").input_value() == "Should I do a bootcamp or a degree?"
        assert chat.page.get_by_text("Error", exact=True).count() == 0
        time.sleep(6)
        chat.page.locator("#question textarea").press("Enter")
        answer = chat.next_answer(2)
        assert answer.locator("details.guide-source").count() >= 1
        chat.close()
    finally:
        limited.stop()
