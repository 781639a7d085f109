"""The feedback store and `python -m assistant feedback`: what the thumbs leave behind, and reading it back."""

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.cli import main
from assistant.feedback_store import CUT, FIELD_CAPS, FeedbackError, FeedbackStore

CITATION = {"n": 1, "source": "corpus/guide.md", "section": "Study", "excerpt": "- PhD", "start_line": 3}


def add(store: FeedbackStore, verdict: str = "up", question: str = "Do I need a PhD?") -> None:
    store.add(verdict, question, "**Graduate:** PhD [1]", "answer", [CITATION])


def test_entries_come_back_oldest_first_with_their_citations(tmp_path):
    store = FeedbackStore(tmp_path / "feedback" / "feedback.db")
    add(store, "up")
    add(store, "down", "What does a data scientist do?")
    add(store, "cleared")
    entries = list(store.export())
    assert [(e["verdict"], e["question"]) for e in entries] == [
        ("up", "Do I need a PhD?"),
        ("down", "What does a data scientist do?"),
        ("cleared", "Do I need a PhD?"),
    ]
    assert entries[0]["citations"] == [CITATION] and entries[0]["time"].endswith("+00:00")
    assert store.stats() == {
        "entries": 3,
        "up": 1,
        "down": 1,
        "cleared": 1,
        "first": entries[0]["time"],
        "last": entries[2]["time"],
    }


def test_a_verdict_that_is_not_a_thumb_is_refused_and_nothing_is_stored(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.db")
    add(store)
    with pytest.raises(FeedbackError, match="up, down, cleared"):
        add(store, "A" * 256 * 1024)
    assert [e["verdict"] for e in store.export()] == ["up"]


def test_every_field_is_capped(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.db")
    store.add("up", "q" * 100_000, "a" * 1_000_000, "k" * 500, [{"excerpt": "e" * 1_000_000}])
    entry = next(store.export())
    assert len(entry["question"]) == FIELD_CAPS["question"] and entry["question"].endswith(CUT)
    assert len(entry["answer"]) == FIELD_CAPS["answer"] and len(entry["kind"]) == FIELD_CAPS["kind"]
    assert len(entry["citations"]) == FIELD_CAPS["citations"]  # cut JSON comes back as its text
    assert (tmp_path / "feedback.db").stat().st_size < 1_000_000


class FullDisk(FeedbackStore):
    """A store whose file cannot grow: SQLite answers as it does when the disk is full."""

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection


def test_a_write_that_fails_on_a_full_disk_damages_no_earlier_or_later_entry(tmp_path):
    path = tmp_path / "feedback.db"
    add(FeedbackStore(path), "up", "before")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        FullDisk(path).add("down", "x" * 2_000, "y" * 20_000, "answer", [{"excerpt": "z" * 90_000}])
    add(FeedbackStore(path), "down", "after")
    assert [(e["verdict"], e["question"]) for e in FeedbackStore(path).export()] == [
        ("up", "before"),
        ("down", "after"),
    ]


def test_concurrent_thumbs_from_32_clients_are_all_stored(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.db")  # one store for every session, as the server has
    add(store, "up", "first")
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda i: add(store, "up", f"question {i}"), range(320)))
    assert main(["feedback", "stats", "--json", "--db", str(store.path)]) == 0  # a reader meanwhile is fine
    questions = [e["question"] for e in store.export()]
    assert questions[0] == "first" and sorted(questions[1:]) == sorted(f"question {i}" for i in range(320))


def test_the_cli_exports_jsonl_and_prints_stats(tmp_path, capsys):
    path = tmp_path / "feedback.db"
    add(FeedbackStore(path), "up")
    add(FeedbackStore(path), "down")
    assert main(["feedback", "export", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["verdict"] for line in lines] == ["up", "down"]

    assert main(["feedback", "stats", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "entries  2" in out and "up       1" in out and "down     1" in out
    assert main(["feedback", "stats", "--json", "--db", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 2


def test_the_cli_says_when_there_is_no_feedback_file_or_it_is_not_one(tmp_path, capsys):
    assert main(["feedback", "export", "--db", str(tmp_path / "missing.db")]) == 2
    assert "no feedback yet" in capsys.readouterr().err
    (tmp_path / "notes.db").write_text("not a database, just text " * 100)
    assert main(["feedback", "stats", "--db", str(tmp_path / "notes.db")]) == 2
    assert "is not a feedback file" in capsys.readouterr().err


def test_the_last_verdict_on_an_answer_counts_and_a_thumb_down_keeps_what_was_wrong(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.db")
    store.add("up", "Do I need a PhD?", "**Graduate:** PhD [1]", "answer", [CITATION], answer_id="a1")
    store.add("up", "What does a data scientist do?", "...", "answer", [], answer_id="a2")
    store.add("down", "Do I need a PhD?", "**Graduate:** PhD [1]", "answer", [CITATION], answer_id="a1")
    store.add("down", "Do I need a PhD?", "**Graduate:** PhD [1]", "answer", [CITATION], "a1", "It cites a heading")
    entries = list(store.export())
    assert [(e["question"], e["verdict"], e["comment"]) for e in entries] == [
        ("What does a data scientist do?", "up", ""),
        ("Do I need a PhD?", "down", "It cites a heading"),
    ]
    assert store.stats()["up"] == 1 and store.stats()["down"] == 1


def test_a_file_written_before_answer_ids_is_upgraded_and_keeps_its_entries(tmp_path):
    path = tmp_path / "feedback.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE feedback (id INTEGER PRIMARY KEY, time TEXT NOT NULL, verdict TEXT NOT NULL, "
        "question TEXT NOT NULL, answer TEXT NOT NULL, kind TEXT NOT NULL, citations TEXT NOT NULL)"
    )
    old.execute("INSERT INTO feedback VALUES (1, '2026-11-30T10:00:00+00:00', 'up', 'q', 'a', 'answer', '[]')")
    old.commit()
    old.close()
    store = FeedbackStore(path)
    store.add("down", "Do I need a PhD?", "a", "answer", [], answer_id="a1", comment="wrong section")
    assert [(e["question"], e["verdict"], e["comment"]) for e in store.export()] == [
        ("q", "up", ""),
        ("Do I need a PhD?", "down", "wrong section"),
    ]
