"""Turns the assistant's answer records into what the chat window shows: Markdown with HTML citation cards.

Pure functions of the records in `assistant.records`; nothing here imports Gradio. Every piece of text
that comes from a person or from the corpus is escaped before it is put into Markdown or HTML, so a
question like `<img src=x onerror=...>` or markup inside the guide is shown as text and never runs.
The browser's sanitiser (Gradio's `sanitize_html`) is a second line of defence, not the first.

An answer is a note naming what the question asked that the guide never mentions (when it does), the
assistant's lead (its Markdown, with the numbered markers set as links to their cards), then one card per
citation: number, section path, the verbatim excerpt with its corpus line numbers and the lines that
matched the question marked, and the source file with its line span. A social reply ("thanks!") or the
reply to a question in another language is the short reply alone. The HTML is written on
one line per card with no blank lines, so the Markdown renderer passes it through as one HTML block.
Not done here: deciding what to quote or suggest; that is the assistant's job.
"""

from __future__ import annotations

import html
import re

from assistant.records import SECTION_SEPARATOR, Answer, Citation

# Characters that mean something to Markdown; a backslash before each makes the renderer show it as is.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_MARKER = re.compile(r"\[(\d{1,2})\]")
OPEN_CARDS = 1  # the first source is shown open; the others are one click away (the lead quotes them)
# Replies that are not about the guide: no note, no cards, whatever the record holds.
SHORT_KINDS = frozenset({"social", "language"})


def plain_text(text: str) -> str:
    """Markdown that displays `text` exactly as typed: no HTML, no emphasis, no links."""
    return html.escape(_MARKDOWN_PUNCTUATION.sub(r"\\\1", text), quote=True)


def question_markdown(question: str) -> str:
    return plain_text(question)


def lead_markdown(answer: Answer, drop_suggestion_lines: bool = False, anchor: str = "") -> str:
    """The assistant's Markdown with HTML escaped and each [n] marker set as a superscript.

    With `drop_suggestion_lines`, the bullet lines that repeat a suggestion are left out, because the
    chat shows the suggestions as buttons under the message instead. With an `anchor` (unique in the
    page), each marker is a link to its source card, which the browser opens and scrolls into view.
    """
    lines = answer.answer.split("\n")
    if drop_suggestion_lines and answer.suggestions:
        repeated = {f"- {s}" for s in answer.suggestions}
        lines = [line for line in lines if line.strip() not in repeated]
    text = html.escape("\n".join(lines).rstrip(), quote=False)
    if not answer.citations:
        return text
    cited = {c.n: c for c in answer.citations}

    def marker(match: re.Match[str]) -> str:
        citation = cited.get(int(match.group(1)))
        if citation is None:
            return match.group(0)
        title = html.escape(citation.section, quote=True)
        if anchor:
            return (
                f'<sup class="guide-marker" title="{title}">'
                f'<a href="#{card_id(anchor, citation.n)}">[{citation.n}]</a></sup>'
            )
        return f'<sup class="guide-marker" title="{title}">[{citation.n}]</sup>'

    return _MARKER.sub(marker, text)


def card_id(anchor: str, n: int) -> str:
    return f"guide-{anchor}-source-{n}"


def not_covered_html(answer: Answer) -> str:
    """A discreet note naming what the question asks that the guide never mentions ("" when nothing)."""
    if not answer.not_covered:
        return ""
    names = ", ".join(html.escape(name) for name in answer.not_covered)
    return f'<div class="guide-not-covered" role="note"><b>Not in the guide:</b> {names}</div>'


def section_html(section: str) -> str:
    """The section path as a breadcrumb, its last part (the one that holds the excerpt) in bold."""
    parts = [html.escape(p) for p in section.split(SECTION_SEPARATOR) if p] or ["(start of file)"]
    parts[-1] = f"<b>{parts[-1]}</b>"
    return ' <span class="guide-sep">›</span> '.join(parts)


def line_span(citation: Citation) -> str:
    if citation.start_line == citation.end_line:
        return f"line {citation.start_line}"
    return f"lines {citation.start_line}–{citation.end_line}"


def excerpt_html(citation: Citation) -> str:
    """The excerpt line by line, each with its corpus line number; the lines that matched in <mark>."""
    rows = []
    for i, line in enumerate(citation.excerpt.split("\n")):
        number = citation.start_line + i
        text = html.escape(line) if line.strip() else "&nbsp;"
        if number in citation.highlight:
            rows.append(
                f'<div class="guide-line guide-hit"><span class="guide-ln">{number}</span><mark>{text}</mark></div>'
            )
        else:
            rows.append(f'<div class="guide-line"><span class="guide-ln">{number}</span><span>{text}</span></div>')
    return f'<div class="guide-excerpt">{"".join(rows)}</div>'


def citation_card(citation: Citation, open_: bool = False, anchor: str = "") -> str:
    source = html.escape(citation.source)
    file_name = html.escape(citation.source.rsplit("/", 1)[-1])
    span = line_span(citation)
    id_ = f' id="{card_id(anchor, citation.n)}"' if anchor else ""
    return (
        f'<details class="guide-source"{id_} data-n="{citation.n}"{" open" if open_ else ""}>'
        f'<summary><span class="guide-n">{citation.n}</span>'
        f'<span class="guide-section">{section_html(citation.section)}</span>'
        f'<span class="guide-where">{file_name}, {span}</span></summary>'
        f"{excerpt_html(citation)}"
        f'<div class="guide-file">Quoted verbatim from <code>{source}</code>, {span}</div>'
        "</details>"
    )


def sources_html(citations: tuple[Citation, ...], anchor: str = "") -> str:
    if not citations:
        return ""
    cards = "".join(citation_card(c, open_=i < OPEN_CARDS, anchor=anchor) for i, c in enumerate(citations))
    count = f"{len(citations)} source{'s' if len(citations) != 1 else ''} from the guide"
    return f'<div class="guide-sources"><div class="guide-sources-title">{count}</div>{cards}</div>'


def answer_markdown(answer: Answer, suggestions_as_buttons: bool = True, anchor: str = "") -> str:
    """The whole assistant message: the not-covered note, the lead, then the source cards (none when the
    guide is silent). `anchor`, unique in the page, links the markers to their cards. The message ends
    with its plain text (`copy_html`), which the page's copy button puts on the clipboard."""
    lead = lead_markdown(answer, drop_suggestion_lines=suggestions_as_buttons, anchor=anchor)
    if answer.kind in SHORT_KINDS:
        return lead + copy_html(unemphasised(answer.answer))
    parts = [not_covered_html(answer), lead, sources_html(answer.citations, anchor)]
    # At the end of the last block, so that it adds no paragraph of its own.
    return "\n\n".join(part for part in parts if part) + copy_html(copy_text(answer))


def copy_html(text: str) -> str:
    """`text` carried in the message for the page's copy button (webapp/static/chat.js), which would
    otherwise copy the message's Markdown and HTML. A hidden input's value: neither shown nor read out, and
    one of the few places Gradio's sanitiser keeps (it drops data-* attributes). Newlines as &#10; keep the
    element on one line, inside the Markdown block it ends."""
    value = html.escape(text, quote=True).replace("\n", "&#10;")
    return f'<input type="hidden" class="guide-copy" value="{value}">'


_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def unemphasised(markdown: str) -> str:
    """The answer's Markdown without its `**bold**` and `*italic*` marks."""
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), markdown.strip())


def copy_text(answer: Answer) -> str:
    """The answer as plain text, then its sources as `[1] Section > Path: "excerpt" (file, lines a-b)`."""
    text = unemphasised(answer.answer)
    sources = [
        f'[{c.n}] {c.section}: "{c.excerpt.strip()}" ({c.source}, lines {c.start_line}-{c.end_line})'
        for c in answer.citations
    ]
    return "\n\n".join([text, "\n".join(sources)]) if sources else text


def suggestion_options(answer: Answer) -> list[dict[str, str]]:
    """The answer's suggested questions as Chatbot options (buttons under the message)."""
    return [{"value": s, "label": s} for s in answer.suggestions]


def notice_html(text: str, kind: str = "info") -> str:
    """A short message under the question box: a prompt ("info"), a refused question ("error"), or that the
    guide changed since the index was built ("stale", discreet)."""
    if not text:
        return ""
    role = "alert" if kind == "error" else "status"
    return f'<div class="guide-notice guide-notice-{kind}" role="{role}">{html.escape(text)}</div>'


CSS = """
#intro h1 { font-weight: 700; }  /* the bundled Source Sans Pro SemiBold lacks some capitals */
.guide-marker { color: var(--color-accent); font-weight: 600; font-size: 0.75em; margin-left: 1px; }
.guide-sources { margin-top: 0.75em; display: flex; flex-direction: column; gap: 0.5em; }
.guide-sources-title { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em;
  color: var(--body-text-color-subdued); }
details.guide-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  background: var(--background-fill-secondary); padding: 0; overflow: hidden; }
details.guide-source > summary { cursor: pointer; padding: 0.45em 0.7em; display: flex; gap: 0.6em;
  align-items: baseline; flex-wrap: wrap; list-style: none; }
details.guide-source > summary::-webkit-details-marker { display: none; }
details.guide-source > summary::before { content: "▸"; color: var(--body-text-color-subdued); }
details.guide-source[open] > summary::before { content: "▾"; }
.guide-n { display: inline-block; min-width: 1.5em; text-align: center; border-radius: 999px;
  background: var(--color-accent); color: white; font-size: 0.8em; font-weight: 700; padding: 0 0.4em; }
.guide-section { flex: 1 1 auto; }
.guide-sep { color: var(--body-text-color-subdued); }
.guide-where { font-size: 0.8em; color: var(--body-text-color-subdued); }
.guide-excerpt { border-top: 1px solid var(--border-color-primary); padding: 0.4em 0.7em;
  font-size: 0.92em; line-height: 1.45; }
.guide-line { display: flex; gap: 0.8em; white-space: pre-wrap; }
.guide-ln { flex: 0 0 2.5em; text-align: right; color: var(--body-text-color-subdued);
  font-family: var(--font-mono); font-size: 0.85em; user-select: none; }
.guide-hit mark { background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 2px; font-weight: 600; }
.guide-file { padding: 0.3em 0.7em 0.5em; font-size: 0.8em; color: var(--body-text-color-subdued); }
.guide-not-covered { display: inline-block; margin-bottom: 0.2em; padding: 0.1em 0.6em; border-radius: 999px;
  font-size: 0.85em; border: 1px solid var(--border-color-primary); color: var(--body-text-color-subdued); }
#guide-count { text-align: right; font-size: 0.8em; color: var(--body-text-color-subdued); padding: 0 0.5em; }
#guide-count.guide-count-over { color: #991b1b; font-weight: 600; }
/* The chat takes the height the window leaves (it scrolls inside), so the page fits its window or frame
   and the question box is in view on load: a phone, a short laptop screen, the README's 720 px iframe. */
#chat { height: auto !important; flex: 1 1 0 !important; min-height: 240px; }
/* On a phone: a one-line title. */
@media (max-width: 640px) {
  #intro h1 { font-size: 1.1em; margin: 0 0 0.2em; }
  #intro p { font-size: 0.85em; margin: 0; }
}
.guide-notice { padding: 0.4em 0.8em; border-radius: 6px; }
.guide-notice-info { background: var(--background-fill-secondary); }
.guide-notice-error { background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; }
.guide-notice-stale { font-size: 0.85em; color: var(--body-text-color-subdued); padding: 0.2em 0.8em; }
"""
