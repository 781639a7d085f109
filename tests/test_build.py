"""Incremental builds on the mini corpus with the counting fake embedder: what is embedded again, and why."""

import json
import threading
import time
from pathlib import Path

import pytest
from conftest import FakeEmbedder

from assistant import Assistant
from assistant.build import build_index, stale_reason
from assistant.store import LOCK, IndexError_, load_store, read_manifest


def build(corpus: Path, index: Path, embedder: FakeEmbedder, **kwargs):
    embedder.calls.clear()
    return build_index(corpus, index, embedder, project_root=corpus.parent, **kwargs)


def chunk_ids(index: Path) -> list[str]:
    return [c.id for c in load_store(index).chunks]


def test_a_first_build_embeds_every_unit_once(mini_corpus, tmp_path, fake_embedder):
    report = build(mini_corpus, tmp_path / "index", fake_embedder)
    store = load_store(tmp_path / "index")
    assert report.files_scanned == 3 and report.problems == []
    assert report.chunks_added == len(store.chunks) and report.chunks_reused == report.chunks_changed == 0
    assert report.units_embedded == len({u.text for u in store.units}) == len(fake_embedder.calls)
    assert report.embedded_chunks == [c.id for c in store.chunks]


def test_editing_one_section_embeds_only_that_section_again(mini_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    first = build(mini_corpus, index, fake_embedder)
    guide = mini_corpus / "guide.md"
    guide.write_text(guide.read_text().replace("- Publish papers", "- Publish papers at top venues"))

    report = build(mini_corpus, index, fake_embedder)

    scientist = "corpus/guide.md::Roles > Scientist::1"
    assert report.embedded_chunks == [scientist]
    assert (report.chunks_changed, report.chunks_added, report.chunks_removed) == (1, 0, 0)
    assert report.chunks_reused == first.chunks_added - 1
    # The edited bullet and the whole-passage unit; the other two bullets keep their vectors.
    assert sorted(fake_embedder.calls) == [
        "Roles > Scientist: Develop new algorithms; Publish papers at top venues; Advanced degree required",
        "Roles > Scientist: Publish papers at top venues",
    ]
    assert report.units_embedded == 2
    answer = Assistant.load(index, embedder=fake_embedder).ask("publish papers at top venues")
    assert "Publish papers at top venues" in answer.citations[0].excerpt


def test_adding_a_bullet_changes_its_passage_and_no_other(mini_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(mini_corpus, index, fake_embedder)
    study = mini_corpus / "study.md"
    study.write_text(
        study.read_text().replace("- MS in Data Science\n", "- MS in Data Science\n- Bootcamp certificate\n")
    )

    report = build(mini_corpus, index, fake_embedder)

    assert report.embedded_chunks == ["corpus/study.md::Degrees::1"]
    assert (report.chunks_added, report.chunks_changed, report.chunks_removed) == (0, 1, 0)
    assert "Degrees: Bootcamp certificate" in fake_embedder.calls


def test_a_rebuild_of_an_unchanged_corpus_embeds_nothing(mini_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    first = build(mini_corpus, index, fake_embedder)
    report = build(mini_corpus, index, fake_embedder)
    assert fake_embedder.calls == [] and report.units_embedded == 0 and report.embedded_chunks == []
    assert report.chunks_reused == first.chunks_added and report.index != first.index


def test_a_new_file_is_indexed_and_cited_and_a_deleted_files_chunks_go(mini_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(mini_corpus, index, fake_embedder)
    (mini_corpus / "interviews.md").write_text(
        "# Interviews\n\n## Take-home tasks\n\n- Timebox the take-home exercise to four hours\n"
    )

    added = build(mini_corpus, index, fake_embedder)
    assert added.chunks_added == 1 and added.embedded_chunks == ["corpus/interviews.md::Take-home tasks::1"]
    answer = Assistant.load(index, embedder=fake_embedder).ask("timebox take-home exercise")
    assert answer.citations[0].source == "corpus/interviews.md"
    # Quoted with its heading, verbatim lines 3-5 of the new file.
    assert answer.citations[0].excerpt == "## Take-home tasks\n\n- Timebox the take-home exercise to four hours"
    assert (answer.citations[0].start_line, answer.citations[0].end_line) == (3, 5)

    notes_chunks = [i for i in chunk_ids(index) if i.startswith("corpus/notes.txt")]
    (mini_corpus / "notes.txt").unlink()
    removed = build(mini_corpus, index, fake_embedder)
    assert removed.chunks_removed == len(notes_chunks) > 0 and removed.units_embedded == 0
    assert not any(i.startswith("corpus/notes.txt") for i in chunk_ids(index))
    assert "corpus/notes.txt" not in read_manifest(index)["corpus"]["files"]
    sources = {
        c.source for c in Assistant.load(index, embedder=fake_embedder).ask("Kaggle competitions ranking").citations
    }
    assert "corpus/notes.txt" not in sources


def test_bad_files_are_named_and_the_others_still_indexed(mini_corpus, tmp_path, fake_embedder):
    (mini_corpus / "scan.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (mini_corpus / "latin1.txt").write_bytes("Caf\xe9 notes".encode("latin-1"))
    (mini_corpus / "draft.md").write_text("\n  \n")

    report = build(mini_corpus, tmp_path / "index", fake_embedder)

    assert report.files_scanned == 6
    assert [p.split(":")[0] for p in report.problems] == ["corpus/draft.md", "corpus/latin1.txt", "corpus/scan.md"]
    assert "binary" in report.problems[2] and "UTF-8" in report.problems[1] and "empty" in report.problems[0]
    assert "skipped corpus/scan.md: looks binary" in report.summary()
    assert {c.source for c in load_store(tmp_path / "index").chunks} == {
        "corpus/guide.md",
        "corpus/study.md",
        "corpus/notes.txt",
    }
    files = read_manifest(tmp_path / "index")["corpus"]["files"]
    assert files["corpus/scan.md"]["indexed"] is False and "binary" in files["corpus/scan.md"]["problem"]
    # Recorded with its hash, so an unchanged bad file does not make the index look stale forever.
    assert stale_reason(mini_corpus, tmp_path / "index", mini_corpus.parent) is None


def test_a_corpus_with_no_readable_file_fails_and_keeps_the_live_index(mini_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(mini_corpus, index, fake_embedder)
    live = read_manifest(index)["built_at"], chunk_ids(index)
    for path in mini_corpus.iterdir():
        path.write_bytes(b"\xff\xfe broken")
    with pytest.raises(IndexError_, match="nothing to index .*corpus/guide.md: is not valid UTF-8"):
        build(mini_corpus, index, fake_embedder)
    assert (read_manifest(index)["built_at"], chunk_ids(index)) == live


def test_a_repeated_heading_is_counted_once_per_passage(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "faq.md"
    doc.write_text("# FAQ\n\n## Tips\n\n- Start small\n\n## Tips\n\n- Ship often\n")
    first = build(corpus, tmp_path / "index", fake_embedder)
    assert first.chunks_added == 2
    doc.write_text("# FAQ\n\n## Tips\n\n- Start small\n\n## Tips\n\n- Ship weekly\n")
    report = build(corpus, tmp_path / "index", fake_embedder)
    assert (report.chunks_reused, report.chunks_changed, report.chunks_added, report.chunks_removed) == (1, 1, 0, 0)


def test_stale_reason_names_what_changed(mini_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    root = mini_corpus.parent
    assert "python -m assistant build" in stale_reason(mini_corpus, index, root)
    build(mini_corpus, index, fake_embedder)
    assert stale_reason(mini_corpus, index, root) is None
    assert "model" in stale_reason(mini_corpus, index, root, model_name="all-MiniLM-L6-v2")

    (mini_corpus / "guide.md").write_text((mini_corpus / "guide.md").read_text() + "\nOne more line.\n")
    (mini_corpus / "new.md").write_text("# New\n\nText.\n")
    (mini_corpus / "notes.txt").unlink()
    assert (
        stale_reason(mini_corpus, index, root)
        == "corpus changed: corpus/guide.md; new: corpus/new.md; deleted: corpus/notes.txt"
    )


def test_a_progress_callback_sees_every_unit(mini_corpus, tmp_path, fake_embedder):
    seen: list[tuple[int, int]] = []
    report = build(
        mini_corpus, tmp_path / "index", fake_embedder, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[0] == (0, report.units_embedded) and seen[-1] == (report.units_embedded, report.units_embedded)


class SlowEmbedder(FakeEmbedder):
    def embed(self, texts):
        time.sleep(0.3)  # long enough that the second build finds the lock taken
        return super().embed(texts)


def test_two_builds_at_once_run_one_after_the_other(mini_corpus, tmp_path):
    index = tmp_path / "index"
    waits: list[str] = []
    reports = []

    def run():
        reports.append(build_index(mini_corpus, index, SlowEmbedder(), project_root=tmp_path, on_wait=waits.append))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(reports) == 2 and len(waits) == 1 and "another build is writing" in waits[0]
    # The second ran after the first had finished: it found the first's vectors and embedded nothing.
    assert sorted(r.units_embedded for r in reports)[0] == 0
    store = load_store(index, "fake-hash-64", 64)
    assert len(store.chunks) == reports[0].chunks_added + reports[0].chunks_reused
    assert sorted(p.name for p in (index / "builds").iterdir()) == sorted(Path(r.index).name for r in reports)


def test_a_build_that_cannot_get_the_lock_says_why_and_leaves_leftovers_alone(mini_corpus, tmp_path, fake_embedder):
    from filelock import FileLock

    index = tmp_path / "index"
    build(mini_corpus, index, fake_embedder)
    leftover = index / "builds" / "20000101T000000-1-000001.tmp"  # what a killed build leaves
    leftover.mkdir()
    (leftover / "chunks.jsonl").write_text("{half")

    with FileLock(str(index / LOCK)), pytest.raises(IndexError_, match=r"another build has held .*\.build\.lock"):
        build(mini_corpus, index, fake_embedder, lock_timeout=0.2)
    assert leftover.exists(), "only a build holding the lock may clean up"

    build(mini_corpus, index, fake_embedder)
    assert not leftover.exists()
    assert len(list((index / "builds").iterdir())) == 2  # the live build and the one before it


def test_the_report_reads_as_text_and_as_json_with_the_same_names(mini_corpus, tmp_path, fake_embedder):
    report = build(mini_corpus, tmp_path / "index", fake_embedder)
    record = json.loads(json.dumps(report.to_dict()))
    for name in ("files_scanned", "chunks_added", "chunks_changed", "chunks_removed", "chunks_reused", "seconds"):
        assert name in record
    text = report.summary()
    assert f"{report.chunks_added} added, 0 changed, 0 removed, 0 reused" in text
    assert "Indexed 3 of 3 file(s)" in text and f"took {report.seconds:.2f} s" in text


QUESTIONS = {"Roles > Scientist": ("who writes the papers?", "which job needs grad school?")}


def test_passage_questions_are_units_that_are_never_quoted_and_editing_them_makes_the_index_stale(
    mini_corpus, tmp_path, fake_embedder
):
    index = tmp_path / "index"
    report = build(mini_corpus, index, fake_embedder, questions=QUESTIONS)
    store = load_store(index)
    scientist = next(c for c in store.chunks if c.section_path[-1] == "Scientist")
    assert [u.text for u in scientist.units if u.question] == list(QUESTIONS["Roles > Scientist"])
    assert all(not u.question for c in store.chunks if c is not scientist for u in c.units)
    assert "Roles > Engineer" in report.without_questions and "Roles > Scientist" not in report.without_questions
    assert "have no example questions" in report.summary()
    assert read_manifest(index)["questions"]["units"] == 2
    root = mini_corpus.parent
    assert stale_reason(mini_corpus, index, root, questions=QUESTIONS) is None
    changed = {"Roles > Scientist": ("who writes the papers?",)}
    assert "passage questions" in stale_reason(mini_corpus, index, root, questions=changed)
    # A rebuild with one question fewer embeds nothing: the other question's vector is reused.
    assert build(mini_corpus, index, fake_embedder, questions=changed).units_embedded == 0


def test_a_question_worded_like_a_passage_question_finds_that_passage_and_quotes_the_guide(
    mini_corpus, tmp_path, fake_embedder
):
    index = tmp_path / "index"
    asked = "which job needs grad school?"  # no word of it is in the Scientist passage
    build(mini_corpus, index, fake_embedder)
    without = Assistant.load(index, embedder=fake_embedder).retriever
    first_without = without.search(without.prepare(asked), k=3)[0].chunk.section_path[-1]
    build(mini_corpus, index, fake_embedder, questions=QUESTIONS)
    retriever = Assistant.load(index, embedder=fake_embedder).retriever
    hits = retriever.search(retriever.prepare(asked), k=3)
    assert first_without != "Scientist" and hits[0].chunk.section_path[-1] == "Scientist"
    quoted = [m.quote for h in hits for m in h.matches]
    assert quoted and all(q and q in h.chunk.text for h in hits for q in (m.quote for m in h.matches))
    assert not any(q in QUESTIONS["Roles > Scientist"] for q in quoted)  # questions are never quoted


def test_the_work_for_one_question_is_bounded_whatever_is_sent(mini_corpus, tmp_path, fake_embedder, monkeypatch):
    import difflib

    build(mini_corpus, tmp_path / "index", fake_embedder)
    retriever = Assistant.load(tmp_path / "index", embedder=fake_embedder).retriever
    lookups: list[str] = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda word, *a, **k: lookups.append(word) or real(word, *a, **k))
    junk = " ".join(f"qx{chr(97 + i % 26)}{chr(97 + i // 26)}zvrt" for i in range(300))  # 2,700 characters
    query = retriever.prepare(junk)
    assert len(query.text) < 150 and junk.startswith(query.text)
    assert 0 < len(lookups) <= retriever.config.max_repairs
    ordinary = "what should a junior engineer with a degree study to become a senior scientist " * 2
    assert retriever.prepare(ordinary.strip()).text == ordinary.strip()  # 160 characters of words: kept whole
