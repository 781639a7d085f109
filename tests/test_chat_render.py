"""How answers are turned into what the chat shows: escaped text, markers, source cards."""

import html
import re

from assistant.records import Answer, Citation
from webapp import render

PHD = Citation(
    n=1,
    source="corpus/guide.md",
    section="Educational Paths > Degree Programs > Graduate",
    excerpt="- MS in Data Science\n\n- PhD (for research roles)",
    start_line=156,
    end_line=158,
    score=0.8,
    highlight=(158,),
)
ANSWER = Answer(
    question="Do I need a PhD?", answer="**Graduate:** PhD (for research roles) [1]", abstained=False, citations=(PHD,)
)


def visible_text(fragment: str) -> str:
    """Roughly what a person reads: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_a_card_shows_section_excerpt_file_and_lines_with_the_matched_line_marked():
    card = render.citation_card(PHD, open_=True)
    assert card.startswith("<details") and " open" in card.split(">")[0]
    text = visible_text(card)
    assert "Educational Paths › Degree Programs › Graduate" in text
    assert "corpus/guide.md, lines 156–158" in text
    assert "<mark>- PhD (for research roles)</mark>" in card
    assert "<mark>- MS in Data Science</mark>" not in card
    # Line numbers run with the excerpt, blank line included, so each line can be found in the file.
    assert re.findall(r'guide-ln">(\d+)<', card) == ["156", "157", "158"]
    assert "\n\n" not in card  # a blank line would end the HTML block inside the Markdown


def test_markers_become_superscripts_named_after_their_section():
    lead = render.lead_markdown(ANSWER)
    assert '<sup class="guide-marker" title="Educational Paths &gt; Degree Programs &gt; Graduate">[1]</sup>' in lead
    assert render.lead_markdown(Answer("q", "No sources here [3]", False, ())) == "No sources here [3]"


def test_only_the_first_card_is_open():
    second = Citation(2, "corpus/guide.md", "Salaries > Senior", "$180K - $280K", 28, 28, 0.7, (28,))
    answer = Answer("q", "x [1]\n- y [2]", False, (PHD, second))
    message = render.answer_markdown(answer)
    assert message.count("<details") == 2 and message.count(" open>") == 1
    assert "2 sources from the guide" in visible_text(message)
    assert "line 28" in visible_text(message)


def test_markup_in_the_corpus_is_escaped_everywhere_it_appears():
    evil = Citation(
        1,
        "corpus/<b>x</b>.md",
        "Tips > <script>alert(1)</script>",
        '<img src=x onerror="alert(1)">\nplain & simple',
        1,
        2,
        0.5,
        (1,),
    )
    answer = Answer("q", '<img src=x onerror="alert(1)"> said the guide [1]', False, (evil,))
    message = render.answer_markdown(answer)
    assert "<img" not in message and "<script" not in message and "<b>x" not in message
    assert "&lt;img src=x onerror=" in message and "plain &amp; simple" in message


def test_a_question_is_shown_as_typed_never_as_markup():
    shown = render.question_markdown('<img src=x onerror="window.__xss=1"> **bold** [link](javascript:x)')
    assert "<" not in shown and ">" not in shown
    assert "\\*\\*bold\\*\\*" in shown and "\\[link\\]\\(javascript" in shown


def test_suggestions_shown_as_buttons_are_not_repeated_as_text():
    answer = Answer(
        "bread?",
        "The guide doesn't cover that.\n\nYou could ask:\n- Do I need a PhD?\n- What about salaries?",
        True,
        (),
        suggestions=("Do I need a PhD?", "What about salaries?"),
        kind="abstain",
    )
    as_buttons = render.answer_markdown(answer, suggestions_as_buttons=True)
    assert "Do I need a PhD?" not in visible_text(as_buttons) and "doesn't cover" in visible_text(as_buttons)
    assert "- Do I need a PhD?" in render.answer_markdown(answer, suggestions_as_buttons=False)
    assert render.suggestion_options(answer)[0] == {"value": "Do I need a PhD?", "label": "Do I need a PhD?"}
    assert "<details" not in as_buttons


def test_notices_are_escaped_and_errors_are_alerts():
    assert render.notice_html("") == ""
    error = render.notice_html("Too long <b>", "error")
    assert 'role="alert"' in error and "&lt;b&gt;" in error


def test_what_the_guide_never_mentions_is_named_in_an_escaped_note_above_the_answer():
    answer = Answer(
        question="How much in Toronto?",
        answer="The guide doesn't mention Toronto or <b>CAD</b>; here is what it does say.\n\n**Mid:** $120K [1]",
        abstained=False,
        citations=(PHD,),
        not_covered=("Toronto", "<b>CAD</b>"),
    )
    message = render.answer_markdown(answer)
    assert "<b>CAD</b>" not in message
    note = message.split("\n\n")[0]
    assert visible_text(note) == "Not in the guide: Toronto, <b>CAD</b>"
    assert "guide-not-covered" not in render.answer_markdown(ANSWER)  # nothing missing, no note


def test_a_social_reply_is_the_short_reply_alone():
    thanks = Answer(question="thanks!", answer="You're welcome!", abstained=False, citations=(PHD,), kind="social")
    shown = render.answer_markdown(thanks)
    assert visible_text(shown) == "You're welcome!"  # no card, even had the record one
    assert shown.endswith(render.copy_html("You're welcome!"))  # and copy gives the reply alone
    language = Answer(
        question="¿Necesito un doctorado?",
        answer="I answer in English.",
        abstained=False,
        citations=(),
        kind="language",
        not_covered=("doctorado",),
    )
    assert visible_text(render.answer_markdown(language)) == "I answer in English."


def test_with_an_anchor_each_marker_links_to_its_card():
    message = render.answer_markdown(ANSWER, anchor="t3")
    assert '<a href="#guide-t3-source-1">[1]</a>' in message
    assert '<details class="guide-source" id="guide-t3-source-1"' in message


def test_copy_gives_the_answer_then_its_sources_as_plain_text():
    message = render.answer_markdown(ANSWER, anchor="t0")
    copied = html.unescape(re.search(r'<input type="hidden" class="guide-copy" value="([^"]*)">', message).group(1))
    assert copied == (
        "Graduate: PhD (for research roles) [1]\n\n"
        '[1] Educational Paths > Degree Programs > Graduate: "- MS in Data Science\n\n- PhD (for research roles)" '
        "(corpus/guide.md, lines 156-158)"
    )
    assert "\n\n" not in message.split("\n\n")[-1]  # the copy text stays inside the last HTML block
