"""Every question the app offers as a button is answered with citations when asked, whatever came before
(issue 11, item 7): over the JSON API in every context it can be offered in, and clicked in a real Chromium.

The app offers the example questions on the empty chat and after a greeting or a refusal that finds nothing
near, and the question of a section found near a refused question or near an answer (assistant/answer.py,
from assistant/guide.py's SECTION_QUESTIONS). A section heading with no text of its own (a parent such as
"Foundation Skills") is never found, so its question is never offered; the API test asks those too.

A server of its own without a rate limit: these tests ask a few hundred questions in a minute or two.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BOT, DATA, USER, ChatPage, RunningServer, api_ask, api_turn

from assistant.guide import EXAMPLE_QUESTIONS, NOT_GUIDANCE, SECTION_QUESTIONS
from assistant.store import load_store

pytestmark = pytest.mark.slow

# Questions that are refused, each with buttons that lead back into the guide.
REFUSED = ("How do I bake sourdough bread?", "How do I become a nurse?")
SECTION_OF = {question: section for section, question in SECTION_QUESTIONS.items()}


@pytest.fixture(scope="module")
def unlimited(guide_index: Path, tmp_path_factory):
    running = RunningServer(guide_index, tmp_path_factory.mktemp("suggestions"), "--rate-limit", "0")
    yield running
    running.stop()


def every_suggestion() -> list[str]:
    """Every question the app may put on a button: the examples and each section's question."""
    sections = [q for s, q in SECTION_QUESTIONS.items() if s not in NOT_GUIDANCE]
    return list(dict.fromkeys([*EXAMPLE_QUESTIONS, *sections]))


def offered(index: Path) -> list[str]:
    """The ones the app can offer: the examples, and the questions of sections that hold passages."""
    found = {chunk.section_path[-1] for chunk in load_store(index).chunks}
    return [q for q in every_suggestion() if q in EXAMPLE_QUESTIONS or SECTION_OF.get(q) in found]


def answered(record: dict) -> bool:
    return record["kind"] == "answer" and not record["abstained"] and bool(record["citations"])


def test_every_suggestion_is_answered_with_citations_whatever_came_before(unlimited):
    questions = every_suggestion()
    fresh = {q: api_ask(unlimited, q) for q in questions}
    contexts = {q: [] for q in questions}  # (what came before, its history), in every place q is offered
    for before in [*REFUSED, "hello", *questions]:
        record = fresh.get(before) or api_ask(unlimited, before)
        for suggestion in record["suggestions"]:
            assert suggestion in contexts, f"{before!r} offers {suggestion!r}, which is not in assistant/guide.py"
            contexts[suggestion].append((before, api_turn(before, record)))
    elsewhere = [(before, api_turn(before, api_ask(unlimited, before))) for before in (REFUSED[0], "thanks!")]
    for q in questions:  # and after a refusal and a thanks, whether or not they offer it
        contexts[q] += elsewhere

    failures = [f"{q!r} on its own: {fresh[q]['kind']}" for q in questions if not answered(fresh[q])]
    for q, places in contexts.items():
        for before, history in places:
            record = api_ask(unlimited, q, history)
            if not answered(record):
                failures.append(f"{q!r} after {before!r}: {record['kind']}, {len(record['citations'])} citations")
    assert failures == []
    assert sum(len(places) for places in contexts.values()) > 3 * len(questions)  # the related ones were asked


# The pipeline's misses, reported with issue 11 rather than patched with words for one question
# (assistant/retrieval.py, relevance.py and answer.py are another change's): the answer has citations,
# but none from the section the question was offered for. Strict: once one is fixed, its entry goes.
NOT_FROM_ITS_SECTION: dict[str, str] = {}


@pytest.mark.parametrize(
    "section",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=NOT_FROM_ITS_SECTION[s]))
        if s in NOT_FROM_ITS_SECTION
        else s
        for s in SECTION_QUESTIONS
        if s not in NOT_GUIDANCE
    ],
)
def test_a_sections_question_is_answered_from_that_section(unlimited, section):
    record = api_ask(unlimited, SECTION_QUESTIONS[section])
    assert any(section in c["section"].split(" > ") for c in record["citations"]), [
        c["section"] for c in record["citations"]
    ]


def door_questions(server: RunningServer, wanted: list[str]) -> dict[str, str]:
    """For each suggestion, a question asked on an empty chat whose answer offers it: from the suggestions
    themselves, then from the dev sets (questions people ask)."""
    dev = [
        json.loads(line)["question"]
        for name in ("dev.jsonl", "dev2-2026-11-30.jsonl")
        for line in (DATA / name).read_text().splitlines()
        if line.strip()
    ]
    doors: dict[str, str] = {}
    for question in dict.fromkeys([*wanted, *dev]):
        for suggestion in api_ask(server, question)["suggestions"]:
            doors.setdefault(suggestion, question)
        if all(w in doors for w in wanted):
            break
    return doors


@pytest.mark.browser
def test_every_suggestion_button_the_app_can_show_is_answered_with_citations_when_clicked(
    browser, unlimited, guide_index
):
    todo = offered(guide_index)
    chat = ChatPage(browser, unlimited.url)
    page = chat.page
    clicked: dict[str, list[str]] = {}  # each question clicked, and what came before each time
    failures: list[str] = []

    def click(button, label: str) -> None:
        before = page.locator(BOT).count()
        came_before = page.locator(USER).last.inner_text() if before else "the empty chat"
        button.click()
        answer = chat.next_answer(before)
        assert page.locator(USER).last.inner_text() == label  # the click asked the button's question
        clicked.setdefault(label, []).append(came_before)
        if answer.locator("details.guide-source").count() == 0 or "doesn't cover" in answer.inner_text():
            failures.append(f"{label!r} after {came_before!r}: {answer.inner_text()[:120]!r}")

    def buttons() -> dict[str, object]:
        options = page.locator("#chat .options button")
        return {options.nth(i).inner_text(): options.nth(i) for i in range(options.count())}

    def follow_related() -> None:
        """Click the related questions under each new answer, as long as one has not been clicked yet."""
        while True:
            fresh = {label: b for label, b in buttons().items() if label not in clicked}
            if not fresh:
                return
            label = sorted(fresh)[0]
            click(fresh[label], label)

    try:
        for example in EXAMPLE_QUESTIONS:  # on the empty chat
            if page.locator(BOT).count():
                chat.clear()
            click(page.locator("#chat .examples button").filter(has_text=example).first, example)
            follow_related()
        for refused in REFUSED:  # every button under a refusal, each right after it
            chat.clear()
            chat.ask(refused)
            labels = list(buttons())
            assert labels, f"no suggestions after {refused!r}"
            for i, label in enumerate(labels):
                if i:
                    chat.ask(refused)
                click(buttons()[label], label)
        left = [q for q in todo if q not in clicked]
        doors = door_questions(unlimited, left)
        assert [q for q in left if q not in doors] == [], "no question found that makes the app offer these"
        for suggestion in left:
            if suggestion in clicked:  # reached from an earlier door
                continue
            chat.clear()
            chat.ask(doors[suggestion])
            assert suggestion in buttons(), f"{doors[suggestion]!r} no longer offers {suggestion!r}"
            click(buttons()[suggestion], suggestion)
            follow_related()
    finally:
        chat.close()
    assert failures == []
    assert sorted(q for q in todo if q not in clicked) == []
