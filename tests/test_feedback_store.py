"""The feedback store and `python -m assistant feedback`: what the thumbs leave behind, and reading it back,
from the SQLite file of one machine and from the PostgreSQL table that replicas share (a real PostgreSQL)."""

import json
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.cli import main
from assistant.feedback_store import (
    CUT,
    FIELD_CAPS,
    FeedbackError,
    FeedbackStore,
    PostgresFeedbackStore,
    SQLiteFeedbackStore,
    StoreError,
    open_store,
)
from assistant.records import Answer
from webapp.feedback import FeedbackLog

CITATION = {"n": 1, "source": "corpus/guide.md", "section": "Study", "excerpt": "- PhD", "start_line": 3}


def add(store: FeedbackStore, verdict: str = "up", question: str = "Do I need a PhD?") -> None:
    store.add(verdict, question, "**Graduate:** PhD [1]", "answer", [CITATION])


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> FeedbackStore:
    """Each backend, empty and prepared as the server prepares it at start."""
    target = (
        tmp_path / "feedback" / "feedback.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    store = open_store(target)
    store.prepare()
    return store


def test_entries_come_back_oldest_first_with_their_citations(store):
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


def test_a_verdict_that_is_not_a_thumb_is_refused_and_nothing_is_stored(store):
    add(store)
    with pytest.raises(FeedbackError, match="up, down, cleared"):
        add(store, "A" * 256 * 1024)
    assert [e["verdict"] for e in store.export()] == ["up"]


def test_every_field_is_capped(store):
    store.add("up", "q" * 100_000, "a" * 1_000_000, "k" * 500, [{"excerpt": "e" * 1_000_000}])
    entry = next(store.export())
    assert len(entry["question"]) == FIELD_CAPS["question"] and entry["question"].endswith(CUT)
    assert len(entry["answer"]) == FIELD_CAPS["answer"] and len(entry["kind"]) == FIELD_CAPS["kind"]
    assert len(entry["citations"]) == FIELD_CAPS["citations"]  # cut JSON comes back as its text


def test_the_sqlite_file_stays_small_whatever_is_sent(tmp_path):
    store = SQLiteFeedbackStore(tmp_path / "feedback.db")
    store.add("up", "q" * 100_000, "a" * 1_000_000, "k" * 500, [{"excerpt": "e" * 1_000_000}])
    assert (tmp_path / "feedback.db").stat().st_size < 1_000_000


class FullDisk(SQLiteFeedbackStore):
    """A store whose file cannot grow: SQLite answers as it does when the disk is full."""

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection


def test_a_write_that_fails_on_a_full_disk_damages_no_earlier_or_later_entry(tmp_path):
    path = tmp_path / "feedback.db"
    add(SQLiteFeedbackStore(path), "up", "before")
    with pytest.raises(StoreError, match="full"):
        FullDisk(path).add("down", "x" * 2_000, "y" * 20_000, "answer", [{"excerpt": "z" * 90_000}])
    add(SQLiteFeedbackStore(path), "down", "after")
    assert [(e["verdict"], e["question"]) for e in SQLiteFeedbackStore(path).export()] == [
        ("up", "before"),
        ("down", "after"),
    ]


def test_concurrent_thumbs_from_32_clients_are_all_stored(store):
    add(store, "up", "first")
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda i: add(store, "up", f"question {i}"), range(320)))
    assert store.stats()["entries"] == 321
    questions = [e["question"] for e in store.export()]
    assert questions[0] == "first" and sorted(questions[1:]) == sorted(f"question {i}" for i in range(320))


def test_the_cli_exports_jsonl_and_prints_stats(tmp_path, capsys):
    path = tmp_path / "feedback.db"
    add(SQLiteFeedbackStore(path), "up")
    add(SQLiteFeedbackStore(path), "down")
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


def test_the_cli_reads_the_postgresql_table_given_its_url(postgres_url, capsys, monkeypatch):
    add(open_store(postgres_url), "up")
    add(open_store(postgres_url), "down", "What does a data scientist do?")
    assert main(["feedback", "export", "--db", postgres_url]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["verdict"], e["question"]) for e in lines] == [
        ("up", "Do I need a PhD?"),
        ("down", "What does a data scientist do?"),
    ]
    monkeypatch.setenv("GUIDE_DATABASE_URL", postgres_url)  # what the server uses is the default
    assert main(["feedback", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["entries"], stats["up"], stats["down"]) == (2, 1, 1) and stats["first"].endswith("+00:00")


def test_replicas_starting_together_all_find_the_table(postgres_url):
    """Three replicas run CREATE TABLE IF NOT EXISTS at the same moment; none may fail its start."""
    stores = [open_store(postgres_url) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda s: s.prepare(), stores))
    add(stores[3], "up", "from replica 3")
    assert [e["question"] for e in stores[6].export()] == ["from replica 3"]


def test_a_database_that_is_down_fails_the_thumb_not_the_chat_and_the_log_hides_the_password(caplog):
    from conftest import free_port

    url = f"postgresql://guide:s3cret@127.0.0.1:{free_port()}/guide"
    store = open_store(url)
    assert isinstance(store, PostgresFeedbackStore) and "s3cret" not in store.where
    with pytest.raises(StoreError, match="cannot"):
        store.prepare()
    answer = Answer(question="Do I need a PhD?", answer="**Graduate:** PhD [1]", citations=(), abstained=False)
    with caplog.at_level(logging.ERROR, logger="webapp.feedback"):
        assert FeedbackLog(store).record(answer, True) is False
    assert "could not write feedback to postgresql://guide:***@127.0.0.1" in caplog.text
    assert "s3cret" not in caplog.text


def test_the_last_verdict_on_an_answer_counts_and_a_thumb_down_keeps_what_was_wrong(store):
    store.add("up", "Do I need a PhD?", "**Graduate:** PhD [1]", "answer", [CITATION], answer_id="a1")
    store.add("up", "What does a data scientist do?", "...", "answer", [], answer_id="a2")
    store.add("down", "Do I need a PhD?", "**Graduate:** PhD [1]", "answer", [CITATION], answer_id="a1")
    store.add("down", "Do I need a PhD?", "**Graduate:** PhD [1]", "answer", [CITATION], "a1", "It cites a heading")
    entries = list(store.export())
    assert [(e["question"], e["verdict"], e["comment"]) for e in entries] == [
        ("What does a data scientist do?", "up", ""),
        ("Do I need a PhD?", "down", "It cites a heading"),
    ]
    assert store.stats()["up"] == 1 and store.stats()["down"] == 1 and store.stats()["entries"] == 2
    with pytest.raises(FeedbackError, match="answer id"):
        store.add("up", "q", "a", "answer", [], answer_id="x" * 65)


def test_concurrent_verdicts_on_one_answer_leave_one_entry(store):
    """Replicas (or threads) replacing the verdict on the same answer at once: one row remains."""
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: store.add(("up", "down")[i % 2], "q", "a", "answer", [], answer_id="a1"), range(64)))
    assert store.stats()["entries"] == 1


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
    store = SQLiteFeedbackStore(path)
    store.add("down", "Do I need a PhD?", "a", "answer", [], answer_id="a1", comment="wrong section")
    assert [(e["question"], e["verdict"], e["comment"]) for e in store.export()] == [
        ("q", "up", ""),
        ("Do I need a PhD?", "down", "wrong section"),
    ]


def test_a_postgresql_table_created_before_answer_ids_is_upgraded_and_keeps_its_entries(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url) as old:
        old.execute(
            "CREATE TABLE feedback (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time TIMESTAMPTZ NOT NULL, "
            "verdict TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, kind TEXT NOT NULL, "
            "citations TEXT NOT NULL)"
        )
        old.execute(
            "INSERT INTO feedback (time, verdict, question, answer, kind, citations) "
            "VALUES ('2026-11-30T10:00:00+00:00', 'up', 'q', 'a', 'answer', '[]')"
        )
    store = open_store(postgres_url)
    store.prepare()
    store.add("up", "Do I need a PhD?", "a", "answer", [], answer_id="a1")
    store.add("down", "Do I need a PhD?", "a", "answer", [], answer_id="a1", comment="wrong section")
    assert [(e["question"], e["verdict"], e["comment"]) for e in store.export()] == [
        ("q", "up", ""),
        ("Do I need a PhD?", "down", "wrong section"),
    ]
