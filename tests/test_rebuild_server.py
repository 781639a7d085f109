"""The running app (real model, real HTTP) swaps to rebuilt indexes while a client keeps asking, and
without --watch tells its users when the guide changed since the index was built.

One server for two swaps, because starting it is most of the cost: first a rebuild run beside it (as
`python -m assistant build` would), then one the server makes itself because it runs with --watch.
"""

import threading
import time

import httpx
import pytest
from conftest import ROOT, RunningServer, api_ask

from assistant.build import build_index
from webapp.watch import STALE_CHECK_S, STALE_NOTICE

pytestmark = pytest.mark.slow

QUESTION = "Which roles publish papers?"
FIRST, SECOND, THIRD = "- Publish papers", "- Publish papers in journals", "- Publish papers at conferences"


class Asker:
    """A client asking the same question over and over from a thread, keeping every reply."""

    def __init__(self, url: str):
        self.url = url
        self.results: list[tuple[float, float, int, str]] = []  # (sent, answered, status, first excerpt)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self._stop.is_set():
                sent = time.monotonic()
                response = client.post("/api/ask", json={"question": QUESTION})
                body = response.json()
                excerpt = body["citations"][0]["excerpt"] if response.status_code == 200 and body["citations"] else ""
                self.results.append((sent, time.monotonic(), response.status_code, excerpt))

    def wait_for(self, condition, timeout: float = 40.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not condition(self.results):
            time.sleep(0.1)

    def excerpts(self, sent_after: float = 0.0, answered_before: float = float("inf")) -> list[str]:
        return [e for sent, answered, _, e in self.results if sent > sent_after and answered < answered_before]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)


def test_rebuilds_are_served_without_a_restart_and_no_request_fails(mini_corpus, tmp_path, real_embedder):
    index = tmp_path / "index"
    guide = mini_corpus / "guide.md"
    # project_root=ROOT: source names as the server (run from the project folder) computes them, so its
    # watcher sees this index as up to date.
    build_index(mini_corpus, index, real_embedder, project_root=ROOT)
    server = RunningServer(index, tmp_path, "--corpus", str(mini_corpus), "--watch", env={"GUIDE_RATE_LIMIT": "0"})
    try:
        with Asker(server.url) as asker:
            asker.wait_for(lambda results: len(results) >= 3)

            edited = time.monotonic()
            guide.write_text(guide.read_text().replace(FIRST, SECOND))
            report = build_index(mini_corpus, index, real_embedder, project_root=ROOT)
            built = time.monotonic()
            assert report.units_embedded == 2 and len(report.embedded_chunks) == 1
            # The LiveAssistant looks at index/current at most once a second.
            asker.wait_for(lambda results: sum(sent > built + 1.5 for sent, *_ in results) >= 3)
            before_first, after_first = asker.excerpts(answered_before=edited), asker.excerpts(sent_after=built + 1.5)

            edited = time.monotonic()
            guide.write_text(guide.read_text().replace(SECOND, THIRD))  # only the server's watcher rebuilds now
            asker.wait_for(lambda results: any(THIRD in e for *_, e in results))
            seen = time.monotonic()
            asker.wait_for(lambda results: sum(sent > seen for sent, *_ in results) >= 3)
            after_second = asker.excerpts(sent_after=seen)
    finally:
        server.stop()

    assert [status for _, _, status, _ in asker.results if status != 200] == [], server.log()
    assert before_first and all(SECOND not in e and FIRST in e for e in before_first)
    assert after_first and all(SECOND in e for e in after_first)
    assert after_second and all(THIRD in e for e in after_second), server.log()
    assert "rebuilding the index: corpus changed" in server.log()
    print(f"{len(asker.results)} requests; the watcher's rebuild was served {seen - edited:.1f} s after the edit")


@pytest.mark.browser
def test_without_watch_an_edit_is_noticed_within_seconds_in_the_api_and_the_page_and_logged_once(
    mini_corpus, tmp_path, real_embedder, browser
):
    index = tmp_path / "index"
    guide = mini_corpus / "guide.md"
    build_index(mini_corpus, index, real_embedder, project_root=ROOT)
    server = RunningServer(index, tmp_path, "--corpus", str(mini_corpus), env={"GUIDE_RATE_LIMIT": "0"})
    page = browser.new_page()
    notice = page.locator("#notice .guide-notice-stale")

    def until(condition, timeout: float = 15.0) -> float:
        """Seconds until `condition()` held; fails past `timeout`."""
        started = time.monotonic()
        while not condition():
            assert time.monotonic() - started < timeout, server.log()
            time.sleep(0.2)
        return time.monotonic() - started

    def ask_in_the_page() -> None:
        page.fill("#question textarea", QUESTION)
        page.keyboard.press("Enter")

    try:
        assert api_ask(server, QUESTION)["index_stale"] is None
        page.goto(server.url)
        ask_in_the_page()
        page.locator('#chat [data-testid="bot"] details.guide-source').first.wait_for(timeout=30_000)
        assert notice.count() == 0

        guide.write_text(guide.read_text().replace(FIRST, SECOND))
        noticed_after = until(lambda: api_ask(server, QUESTION)["index_stale"] is not None)
        assert noticed_after < STALE_CHECK_S + 2
        record = api_ask(server, QUESTION)
        assert record["index_stale"] == STALE_NOTICE
        assert SECOND not in record["citations"][0]["excerpt"]  # still the indexed text, hence the notice

        ask_in_the_page()  # shown under the box with the next answer, and on load
        notice.wait_for(timeout=30_000)
        assert "The guide changed since the index was built" in notice.inner_text()
        page.reload()
        notice.wait_for(timeout=30_000)

        guide.write_text(guide.read_text().replace(SECOND, THIRD))  # edited again while stale
        time.sleep(STALE_CHECK_S + 1)
        assert server.log().count("does not match") == 1

        build_index(mini_corpus, index, real_embedder, project_root=ROOT)
        until(lambda: api_ask(server, QUESTION)["index_stale"] is None)
        ask_in_the_page()  # the answer that clears the notice
        notice.wait_for(state="detached", timeout=30_000)
        assert f"the index in {index} matches {mini_corpus} again" in server.log()
    finally:
        page.close()
        server.stop()
    print(f"the edit was noticed {noticed_after:.1f} s after it was saved")
