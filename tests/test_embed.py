"""Embedding in another site, in a real Chromium: the widget, the origin allow-list, the web component, the docs.

Host pages are served by a small http.server on another port: 127.0.0.1:P is another origin that the
default allow-list admits (localhost on any port), 127.0.0.2:Q one that it does not.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT, RunningServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]

EXAMPLE_SERVER = "http://127.0.0.1:7860"  # the address examples/embed/host.html points at


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class HostSite:
    """A static site on `bind`, on a free port: the "other origin" a site owner would embed from."""

    def __init__(self, directory: Path, bind: str):
        handler = functools.partial(QuietHandler, directory=str(directory))
        self.httpd = ThreadingHTTPServer((bind, 0), handler)
        self.url = f"http://{bind}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def write_host_page(pages: Path, server_url: str) -> None:
    """examples/embed/host.html as `pages/host.html`, its widget loaded from `server_url`."""
    example = (ROOT / "examples" / "embed" / "host.html").read_text()
    assert EXAMPLE_SERVER in example
    (pages / "host.html").write_text(example.replace(EXAMPLE_SERVER, server_url))


@pytest.fixture(scope="module")
def host_pages(server, tmp_path_factory) -> Path:
    pages = tmp_path_factory.mktemp("host-pages")
    write_host_page(pages, server.url)
    (pages / "options.html").write_text(
        f'<!doctype html><title>Options</title><p>A page.</p><script src="{server.url}/embed.js" defer'
        ' data-position="bottom-left" data-label="Questions?" data-title="Careers helper" data-open="true"'
        ' data-theme="dark" data-width="300" data-height="420"></script>'
    )
    (pages / "frame.html").write_text(f'<!doctype html><title>Frame</title><iframe src="{server.url}/"></iframe>')
    snippet = re.search(r'<iframe src="http://127\.0\.0\.1:7860/"[^>]*></iframe>', (ROOT / "README.md").read_text())
    assert snippet, "the README's iframe snippet"
    (pages / "readme-frame.html").write_text(
        "<!doctype html><title>README frame</title><body style='margin:0'>"
        + snippet.group(0).replace(EXAMPLE_SERVER, server.url)
    )
    (pages / "component.html").write_text(
        f'<!doctype html><title>Component</title><script type="module" src="{server.url}/gradio.js"></script>'
        f'<gradio-app src="{server.url}"></gradio-app>'
    )
    return pages


@pytest.fixture(scope="module")
def allowed_site(host_pages):
    site = HostSite(host_pages, "127.0.0.1")
    yield site
    site.close()


@pytest.fixture(scope="module")
def foreign_site(host_pages):
    site = HostSite(host_pages, "127.0.0.2")
    yield site
    site.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    yield context.new_page()
    context.close()


def open_widget_and_ask(page, question: str) -> None:
    page.get_by_role("button", name="Ask the guide").click()
    page.get_by_label("Your question").fill(question)
    page.keyboard.press("Enter")


def test_the_widget_answers_with_citations_inside_the_host_page(page, server, allowed_site):
    page.goto(allowed_site.url + "/host.html")
    open_widget_and_ask(page, "Do I need a PhD?")
    citations = page.locator("#guide-assistant-widget .citation")
    citations.first.wait_for(timeout=60_000)
    assert page.url.startswith(allowed_site.url)  # still the host page, not a redirect to the chat
    answer = page.locator("#guide-assistant-widget .msg.bot").last
    assert "PhD" in answer.locator("p").first.inner_text()
    first = citations.first.inner_text()
    assert "Graduate" in first and "corpus/ai-ml-career-guide-2026.md, lines" in first
    assert "PhD (for research roles)" in citations.first.locator("mark").inner_text()  # the line that answers


def test_the_widget_follows_its_data_attributes(page, server, allowed_site):
    page.goto(allowed_site.url + "/options.html")
    panel = page.get_by_role("dialog", name="Careers helper")
    panel.wait_for()  # data-open: open without a click
    launcher = page.get_by_role("button", name="Questions?")
    assert launcher.bounding_box()["x"] < 100  # bottom-left
    assert panel.bounding_box()["width"] == pytest.approx(300, abs=1)
    assert panel.bounding_box()["height"] == pytest.approx(420, abs=1)
    assert panel.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(13, 17, 23)"  # dark
    page.keyboard.press("Escape")
    assert not panel.is_visible()


def test_the_widget_shows_markup_from_the_server_as_text(page, server, allowed_site):
    hostile = '<img src=x onerror="window.__pwned=1">'
    record = {
        "question": "q",
        "abstained": False,
        "answer": f"**Bold** {hostile} [1]",
        "citations": [
            {
                "n": 1,
                "source": "corpus/x.md",
                "section": f"A > {hostile}",
                "excerpt": f"<script>window.__pwned=1</script>\n{hostile}",
                "start_line": 1,
                "end_line": 2,
                "score": 1.0,
                "highlight": [2],
            },
        ],
        "suggestions": [hostile],
        "kind": "answer",
        "latency_ms": 1.0,
    }
    cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type"}
    page.route(
        server.url + "/api/ask",
        lambda route: route.fulfill(status=200, headers=cors, body=json.dumps(record), content_type="application/json"),
    )
    page.goto(allowed_site.url + "/host.html")
    open_widget_and_ask(page, f"Do I need a PhD? {hostile}")
    widget = page.locator("#guide-assistant-widget")
    widget.locator(".citation").wait_for()
    assert hostile in widget.locator(".msg.user").inner_text()
    assert hostile in widget.locator(".msg.bot p").inner_text()
    assert widget.locator(".msg.bot strong").inner_text() == "Bold"  # the Markdown that is meant
    assert widget.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_the_widget_names_what_the_guide_lacks_and_sends_the_answer_back_as_history(page, server, allowed_site):
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/ask") else None)
    page.goto(allowed_site.url + "/host.html")
    open_widget_and_ask(page, "How much does a mid-level ML engineer earn in Toronto, in Canadian dollars?")
    widget = page.locator("#guide-assistant-widget")
    note = widget.locator(".msg.bot .not-covered")
    note.wait_for(timeout=60_000)
    assert note.inner_text().startswith("Not in the guide:") and "Toronto" in note.inner_text()

    page.get_by_label("Your question").fill("Which programming languages should I learn?")
    page.keyboard.press("Enter")
    widget.locator(".msg.bot").nth(1).locator(".citation").first.wait_for(timeout=60_000)
    page.get_by_label("Your question").fill("what is the fourth one for?")
    page.keyboard.press("Enter")
    fourth = widget.locator(".msg.bot").nth(2).locator(".citation").first
    fourth.wait_for(timeout=60_000)
    assert fourth.locator("mark").all_inner_texts() == ["- C++ (performance)"]
    earlier = sent[-1]["history"][-1]
    assert earlier["role"] == "assistant" and earlier["kind"] == "answer"
    assert earlier["citations"][0]["section"].endswith("Languages") and "C++" in earlier["citations"][0]["excerpt"]


def test_widget_chips_under_an_answer_ask_related_questions_and_a_refusal_lists_them_once(page, server, allowed_site):
    page.goto(allowed_site.url + "/host.html")
    open_widget_and_ask(page, "Do I need a PhD?")
    widget = page.locator("#guide-assistant-widget")
    chips = widget.locator(".msg.bot").first.locator(".suggestions button")
    chips.first.wait_for(timeout=60_000)
    assert 2 <= chips.count() <= 3
    related = chips.first.inner_text()
    chips.first.click()
    assert widget.locator(".msg.user").last.inner_text() == related
    widget.locator(".msg.bot").nth(1).locator(".citation").first.wait_for(timeout=60_000)

    page.get_by_label("Your question").fill("How do I bake sourdough bread?")
    page.keyboard.press("Enter")
    refusal = widget.locator(".msg.bot").nth(2)
    refusal.locator(".suggestions button").first.wait_for(timeout=60_000)
    for suggestion in refusal.locator(".suggestions button").all_inner_texts():
        assert refusal.inner_text().count(suggestion) == 1  # a chip, not also a line of text


IN_VIEW = """el => {
  const box = el.getBoundingClientRect();
  const log = el.closest(".log").getBoundingClientRect();  // the panel's scrolling conversation
  return box.top >= log.top - 1 && box.bottom <= log.bottom + 1 && box.bottom <= window.innerHeight;
}"""


def test_a_citation_marker_in_the_widget_brings_its_source_into_view(page, server, allowed_site):
    page.goto(allowed_site.url + "/host.html")
    open_widget_and_ask(page, "How do I become an ML engineer?")
    answer = page.locator("#guide-assistant-widget .msg.bot").last
    answer.locator(".citation").first.wait_for(timeout=60_000)
    markers = answer.get_by_role("button", name=re.compile(r"^\[\d+\]$"))
    assert markers.count() >= 2  # buttons: reached with Tab, pressed with Enter or a click
    last = markers.last
    n = int(last.inner_text().strip("[]"))
    source = answer.locator(".citation").nth(n - 1)
    assert source.locator(".citation-head").inner_text().startswith(f"[{n}] ")

    answer.evaluate("el => el.closest('.log').scrollTop = 0")  # reading the answer from its start
    assert last.evaluate(IN_VIEW) and not source.evaluate(IN_VIEW)
    last.click()
    assert "flash" in source.get_attribute("class")  # highlighted for a moment (1.6 s)
    page.wait_for_function(IN_VIEW, arg=source.element_handle(), timeout=5_000)
    assert source.is_visible()
    assert source.evaluate("el => el.getRootNode().activeElement === el")  # Tab goes on from the source

    first = markers.first
    first.focus()
    page.keyboard.press("Enter")
    opened = answer.locator(".citation").nth(int(first.inner_text().strip("[]")) - 1)
    page.wait_for_function(IN_VIEW, arg=opened.element_handle(), timeout=5_000)
    assert opened.evaluate("el => el.getRootNode().activeElement === el")


def test_rate_limited_the_widget_keeps_the_conversation_and_says_when_to_ask_again(browser, guide_index, tmp_path):
    limited = RunningServer(guide_index, tmp_path, "--rate-limit", "2", env={"GUIDE_RATE_WINDOW": "6"})
    pages = tmp_path / "pages"
    pages.mkdir()
    write_host_page(pages, limited.url)
    site = HostSite(pages, "127.0.0.1")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        sent: list[dict] = []
        page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/ask") else None)
        page.goto(site.url + "/host.html")
        widget = page.locator("#guide-assistant-widget")
        open_widget_and_ask(page, "Do I need a PhD?")
        widget.locator(".msg.bot").nth(0).locator(".citation").first.wait_for(timeout=60_000)
        page.get_by_label("Your question").fill("Which programming languages should I learn?")
        page.keyboard.press("Enter")
        widget.locator(".msg.bot").nth(1).locator(".citation").first.wait_for(timeout=60_000)

        third = "Should I do a bootcamp or a degree?"
        with page.expect_response(lambda r: r.url.endswith("/api/ask")) as refused:
            page.get_by_label("Your question").fill(third)
            page.keyboard.press("Enter")
        assert refused.value.status == 429
        wait = int(refused.value.headers["retry-after"])
        notice = widget.locator(".msg.notice")
        notice.wait_for(timeout=10_000)
        unit = "second" if wait == 1 else "seconds"
        assert notice.inner_text() == f"You've asked a lot in a short time; you can ask again in {wait} {unit}."
        assert notice.is_visible()
        assert page.get_by_label("Your question").input_value() == third  # back in the box
        assert widget.locator(".msg.user").all_inner_texts() == [
            "Do I need a PhD?",
            "Which programming languages should I learn?",
        ]
        assert widget.locator(".msg.bot").count() == 2 and widget.locator(".msg.bot.error").count() == 0

        time.sleep(wait)
        page.get_by_label("Your question").press("Enter")
        widget.locator(".msg.bot").nth(2).locator(".citation").first.wait_for(timeout=60_000)
        assert widget.locator(".msg.user").last.inner_text() == third
        assert [turn["role"] for turn in sent[-1]["history"]] == ["user", "assistant"] * 2  # nothing lost
        assert page.get_by_label("Your question").input_value() == ""
    finally:
        context.close()
        site.close()
        limited.stop()


def child_frame_is_the_chat(page, site) -> bool:
    page.goto(site.url + "/frame.html", wait_until="load")
    frame = page.frames[1]
    try:
        return frame.evaluate("() => document.querySelector('meta[property=\"og:title\"]') !== null")
    except Exception:  # the error page Chromium shows in a refused frame
        return False


def test_only_allowed_origins_can_frame_the_chat(page, server, allowed_site, foreign_site):
    assert child_frame_is_the_chat(page, allowed_site)
    assert not child_frame_is_the_chat(page, foreign_site)


FETCH_ASK = """async (url) => {
  try {
    const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                       body: JSON.stringify({question: "Do I need a PhD?"})});
    const body = await response.json();
    return "status " + response.status + " " + (body.error || body.citations.length + " citations");
  } catch (error) { return "failed: " + error.message; }
}"""


def test_only_allowed_origins_can_call_the_api(page, server, allowed_site, foreign_site):
    page.goto(allowed_site.url + "/frame.html")
    assert page.evaluate(FETCH_ASK, server.url + "/api/ask").startswith("status 200 ")
    page.goto(foreign_site.url + "/frame.html")
    # Refused, and told so in a response it can read (rather than a network error), on the widget's route only.
    assert page.evaluate(FETCH_ASK, server.url + "/api/ask") == "status 403 origin_not_allowed"
    assert page.evaluate(FETCH_ASK, server.url + "/gradio_api/info") == "failed: Failed to fetch"


def test_the_widget_on_a_site_that_is_not_allowed_says_so_and_the_server_logs_the_origin(page, server, foreign_site):
    page.goto(foreign_site.url + "/host.html")
    open_widget_and_ask(page, "Do I need a PhD?")
    error = page.locator("#guide-assistant-widget .msg.bot.error")
    error.wait_for(timeout=30_000)
    assert error.inner_text() == (
        f"This site is not allowed to use the assistant. Its operator can allow {foreign_site.url} "
        "with --allowed-origins."
    )
    page.get_by_label("Your question").fill("Which programming language is essential?")
    page.keyboard.press("Enter")
    error.nth(1).wait_for(timeout=30_000)
    assert "Could not reach" not in page.locator("#guide-assistant-widget").inner_text()
    # Named in the server's log once, however often the page asks.
    assert server.log().count(f"from the origin {foreign_site.url}, which is not allowed") == 1


def test_the_readmes_iframe_shows_the_whole_chat_question_box_included(page, server, allowed_site):
    page.goto(allowed_site.url + "/readme-frame.html")
    frame_box = page.locator("iframe").bounding_box()
    chat = page.frame_locator("iframe")
    box = chat.locator("#question textarea")
    box.wait_for(timeout=30_000)

    def in_view(locator) -> bool:
        where = locator.bounding_box()  # in the host page's coordinates
        return frame_box["y"] <= where["y"] and where["y"] + where["height"] <= frame_box["y"] + frame_box["height"]

    assert frame_box["height"] == 720
    assert in_view(box) and in_view(chat.get_by_role("button", name="Ask"))
    box.fill("Do I need a PhD?")
    box.press("Enter")
    chat.locator('[data-testid="bot"] details.guide-source').first.wait_for(timeout=30_000)
    assert in_view(box) and in_view(chat.get_by_role("button", name="Ask"))


def test_the_gradio_web_component_works_offline_from_another_origin(page, server, allowed_site):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(allowed_site.url + "/component.html")
    box = page.locator("gradio-app textarea").first
    box.fill("Do I need a PhD?")
    box.press("Enter")
    page.get_by_text("ai-ml-career-guide-2026.md").first.wait_for(timeout=60_000)  # a cited source
    assert [u for u in requested if not u.startswith((server.url, allowed_site.url, "data:", "blob:"))] == []


def test_the_api_docs_load_without_a_cdn(page, server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.url + "/api/docs")
    page.get_by_text("/api/ask").first.wait_for(timeout=30_000)
    assert [u for u in requested if not u.startswith((server.url, "data:"))] == []
