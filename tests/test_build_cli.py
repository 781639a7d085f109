"""`python -m assistant build` in-process, with the fake embedder standing in for the model."""

import json

import pytest
from conftest import FakeEmbedder

from assistant.cli import main


@pytest.fixture
def corpus_here(mini_corpus, monkeypatch):
    """Run from the mini corpus's parent, as a user runs from the project folder, with the fake model."""
    monkeypatch.chdir(mini_corpus.parent)
    monkeypatch.setattr("assistant.build.model_for_build", lambda model, index: FakeEmbedder())
    monkeypatch.setattr("assistant.embedding.resolve_model", lambda model=None: ("fake-hash-64", ""))
    return mini_corpus


def test_build_prints_a_readable_report_and_json_with_the_same_names(corpus_here, capsys):
    assert main(["build"]) == 0
    text = capsys.readouterr()
    assert "Indexed 3 of 3 file(s) into index/builds/" in text.out
    assert "chunks: 8 added, 0 changed, 0 removed, 0 reused" in text.out
    assert text.err == ""  # not a terminal: no progress bar, nothing else
    assert "embedded again" not in text.out  # a first build embeds everything; no list

    (corpus_here / "notes.txt").write_text(
        "Plain notes.\n\nKaggle competitions: Top 5% ranking demonstrates competence.\n"
    )
    assert main(["build", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {
        k: report[k] for k in ("files_scanned", "chunks_added", "chunks_changed", "chunks_removed", "chunks_reused")
    } == {
        "files_scanned": 3,
        "chunks_added": 0,
        "chunks_changed": 1,
        "chunks_removed": 0,
        "chunks_reused": 7,
    }
    assert report["embedded_chunks"] == ["corpus/notes.txt::notes::1"] and report["seconds"] >= 0

    (corpus_here / "notes.txt").write_text(
        "Plain notes.\n\nKaggle competitions: Top 1% ranking demonstrates competence.\n"
    )
    assert main(["build"]) == 0
    assert "embedded again: corpus/notes.txt::notes::1" in capsys.readouterr().out


def test_if_stale_builds_only_when_the_corpus_changed(corpus_here, capsys):
    assert main(["build", "--if-stale"]) == 0
    assert "rebuilding the index: no index in index" in capsys.readouterr().out
    assert main(["build", "--if-stale"]) == 0
    assert capsys.readouterr().out == "index is up to date with corpus/\n"
    (corpus_here / "study.md").unlink()
    assert main(["build", "--if-stale"]) == 0
    out = capsys.readouterr().out
    assert "rebuilding the index: corpus deleted: corpus/study.md" in out and "removed" in out


def test_bad_files_are_warned_about_by_name_and_the_build_succeeds(corpus_here, capsys):
    (corpus_here / "scan.md").write_bytes(b"\x00\x01\x02")
    assert main(["build", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["chunks_added"] == 8
    assert "warning: skipped corpus/scan.md: looks binary" in captured.err


def test_a_missing_corpus_folder_is_an_error_naming_it(corpus_here, capsys):
    assert main(["build", "--corpus", "nowhere"]) == 2
    assert "corpus folder not found: nowhere" in capsys.readouterr().err
