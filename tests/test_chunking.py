from assistant.chunking import ChunkingParams, chunk_document
from assistant.corpus import Document


def doc(text: str, source: str = "corpus/t.md") -> Document:
    return Document(source=source, text=text, sha256="x")


GUIDE = """# The Guide

Intro sentence one. Intro sentence two.

## Roles

### Scientist

- Develop new algorithms
- Advanced degree required

## Education

### Degree Programs

Formal routes

#### Graduate

- MS in Data Science
- PhD (for research roles)
"""


def test_section_paths_leave_out_the_title_and_follow_heading_levels():
    chunks = chunk_document(doc(GUIDE))
    assert [c.section for c in chunks] == [
        "The Guide",
        "Roles > Scientist",
        "Education > Degree Programs > Graduate",
    ]


def test_a_one_line_tagline_above_subsections_is_not_a_passage():
    texts = [c.text for c in chunk_document(doc(GUIDE))]
    assert "Formal routes" not in texts
    # ...but a short line that is the whole content of a leaf section is kept
    leaf = chunk_document(doc("# T\n\n## Salary\n\n$80K - $120K\n"))
    assert [c.text for c in leaf] == ["$80K - $120K"]


def test_a_repeated_heading_keeps_passage_ids_unique():
    chunks = chunk_document(doc("# T\n\n## Notes\n\nOne.\n\n## Other\n\nTwo.\n\n## Notes\n\nThree.\n"))
    assert len({c.id for c in chunks}) == 3


def test_line_spans_point_at_the_verbatim_text():
    text = GUIDE
    lines = text.split("\n")
    for chunk in chunk_document(doc(text)):
        assert "\n".join(lines[chunk.start_line - 1 : chunk.end_line]) == chunk.text
    graduate = chunk_document(doc(text))[-1]
    assert graduate.text == "- MS in Data Science\n- PhD (for research roles)"


def test_units_are_bullets_and_sentences_with_their_section_path():
    chunks = chunk_document(doc(GUIDE))
    intro, scientist = chunks[0], chunks[1]
    assert [u.text for u in intro.units if not u.whole] == [
        "The Guide: Intro sentence one.",
        "The Guide: Intro sentence two.",
    ]
    bullet = [u for u in scientist.units if not u.whole and "Advanced" in u.text][0]
    assert bullet.text == "Roles > Scientist: Advanced degree required"
    assert bullet.line == GUIDE.split("\n").index("- Advanced degree required") + 1
    assert sum(u.whole for u in scientist.units) == 1


def test_long_sections_are_cut_on_line_boundaries_within_the_limit():
    items = "\n".join(f"- item number {i} with some words to make it longer" for i in range(60))
    chunks = chunk_document(doc(f"# T\n\n## Long\n\n{items}\n"), ChunkingParams(max_chars=300))
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(c.section == "Long" for c in chunks)
    assert "\n".join(c.text for c in chunks) == items
    assert len({c.id for c in chunks}) == len(chunks)


def test_an_enormous_line_is_cut_into_verbatim_pieces():
    line = "word " * 400 + "x" * 1500
    chunks = chunk_document(doc(f"# T\n\n{line}\n"))
    assert all(len(c.text) <= 600 for c in chunks)
    assert all(c.text in line for c in chunks)
    assert all(c.start_line == c.end_line == 3 for c in chunks)


def test_plain_text_without_headings_is_named_after_the_file():
    chunks = chunk_document(doc("First paragraph.\n\nSecond one.\n", source="corpus/notes.txt"))
    assert chunks[0].section == "notes"
    assert chunks[0].start_line == 1 and chunks[0].end_line == 3


def test_a_section_s_first_passage_keeps_its_heading_to_quote_with_it():
    text = "# Guide\n\n## Roles\n\n### Data Scientist\n\n- Analyze and model data\n- Business insights\n"
    (chunk,) = chunk_document(doc(text))
    lines = text.split("\n")
    assert chunk.heading == "### Data Scientist\n" and chunk.heading_line == 5
    first, excerpt = chunk.quoted(600)
    assert excerpt == "\n".join(lines[first - 1 : chunk.end_line]) and excerpt.startswith("### Data Scientist\n\n- ")
    assert chunk.quoted(len(chunk.text) + 5) == (chunk.start_line, chunk.text)  # no room: the passage alone
    long = "# Guide\n\n## Notes\n\n" + "\n".join(f"- note number {i} " + "x" * 40 for i in range(30))
    pieces = chunk_document(doc(long))
    assert pieces[0].heading == "## Notes\n" and all(p.heading == "" and p.heading_line == 0 for p in pieces[1:])
