"""The feedback store: one row per rated answer, in a SQLite file (standard library, WAL journal).

Each row holds the time (UTC, ISO 8601), the verdict ("up", "down", or "cleared" when a thumb is taken
back), the question, the answer's Markdown, its kind, its citations (JSON, as in `Answer.to_dict()`) and
what the person said was wrong (optional, with a thumb down). An entry given an `answer_id` (the chat
gives each answer one) is replaced by a later verdict on the same answer: the last verdict counts, so up
then down is one "down", not two contradictory entries. Entries without one are appended.
A database rather than an appended text file because a write either commits whole or not at all: a full
disk or a crash mid-write never leaves half a line that spoils the entries before or after it, and
concurrent writers are serialised by SQLite. Every field is capped (`FIELD_CAPS`) and the verdict must be
one of `VERDICTS`, so no request can make one entry large.

`export` yields the entries oldest first as dicts (`python -m assistant feedback export` prints them as
JSONL, for `jq`); `stats` counts them. Left out on purpose: rotation (a row is a few KB at most) and any
notion of who gave the feedback.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

VERDICTS = ("up", "down", "cleared")
# Characters kept of each field; longer text is cut and marked. A question is at most 2,000 characters
# (assistant.MAX_QUESTION_CHARS); answers and excerpts are the guide's, a few thousand at most.
FIELD_CAPS = {"question": 2_000, "answer": 20_000, "kind": 20, "citations": 100_000, "comment": 2_000}
MAX_ANSWER_ID = 64
CUT = " [cut]"

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down', 'cleared')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    kind TEXT NOT NULL,
    citations TEXT NOT NULL
)
"""
# Added after the first release: files written before them get the columns on first open. NULLs are
# distinct in a UNIQUE index, so the entries without an answer id stay as they are.
UPGRADES = (
    ("answer_id", "ALTER TABLE feedback ADD COLUMN answer_id TEXT"),
    ("comment", "ALTER TABLE feedback ADD COLUMN comment TEXT NOT NULL DEFAULT ''"),
)
UNIQUE_ANSWER = "CREATE UNIQUE INDEX IF NOT EXISTS feedback_answer ON feedback (answer_id)"


class FeedbackError(ValueError):
    """A verdict that is not one of VERDICTS."""


def capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


class FeedbackStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        # WAL once per file (it is persistent): readers never block the writer, nor it them.
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(SCHEMA)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(feedback)")}
        if any(column not in columns for column, _ in UPGRADES):
            # Another process (the server, a reader) may upgrade the same file at the same moment: look
            # again inside a write transaction, which SQLite gives to one connection at a time.
            connection.execute("BEGIN IMMEDIATE")
            columns = {row[1] for row in connection.execute("PRAGMA table_info(feedback)")}
            for column, statement in UPGRADES:
                if column not in columns:
                    connection.execute(statement)
            connection.execute("COMMIT")
        connection.execute(UNIQUE_ANSWER)
        return connection

    def add(
        self,
        verdict: str,
        question: str,
        answer: str,
        kind: str,
        citations: list[dict[str, Any]],
        answer_id: str | None = None,
        comment: str = "",
    ) -> None:
        """Store one entry, or replace the entry of the same `answer_id`; FeedbackError for a verdict not in
        VERDICTS, sqlite3.Error or OSError when the file cannot be written (nothing is stored then, and
        earlier entries are untouched)."""
        if verdict not in VERDICTS:
            raise FeedbackError(f"a verdict is one of {', '.join(VERDICTS)}, not {verdict[:40]!r}")
        if answer_id is not None and not 0 < len(answer_id) <= MAX_ANSWER_ID:
            raise FeedbackError(f"an answer id is 1 to {MAX_ANSWER_ID} characters")
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            verdict,
            capped(question, FIELD_CAPS["question"]),
            capped(answer, FIELD_CAPS["answer"]),
            capped(kind, FIELD_CAPS["kind"]),
            json.dumps(citations, ensure_ascii=False)[: FIELD_CAPS["citations"]],
            answer_id,
            capped(comment, FIELD_CAPS["comment"]),
        )
        with self._lock:
            connection = self._connect()
            try:
                with connection:  # one transaction: all of the row or none
                    # A new verdict on a rated answer replaces its row, and moves it to the end (a new id).
                    if answer_id is not None:
                        connection.execute("DELETE FROM feedback WHERE answer_id = ?", (answer_id,))
                    connection.execute(
                        "INSERT INTO feedback (time, verdict, question, answer, kind, citations, answer_id, comment) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )
            finally:
                connection.close()

    def export(self) -> Iterator[dict[str, Any]]:
        """Every entry, oldest first, as the dict a JSONL line holds."""
        connection = self._open_existing()
        try:
            query = "SELECT time, verdict, question, answer, kind, citations, comment FROM feedback ORDER BY id"
            for time, verdict, question, answer, kind, citations, comment in connection.execute(query):
                yield {
                    "time": time,
                    "verdict": verdict,
                    "question": question,
                    "answer": answer,
                    "kind": kind,
                    "citations": _citations(citations),
                    "comment": comment,
                }
        finally:
            connection.close()

    def stats(self) -> dict[str, Any]:
        """Entries in all and per verdict, and the time of the first and the last."""
        connection = self._open_existing()
        try:
            counts = dict(connection.execute("SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict").fetchall())
            first, last = connection.execute("SELECT MIN(time), MAX(time) FROM feedback").fetchone()
        finally:
            connection.close()
        return {
            "entries": sum(counts.values()),
            **{verdict: counts.get(verdict, 0) for verdict in VERDICTS},
            "first": first,
            "last": last,
        }

    def _open_existing(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise FileNotFoundError(f"no feedback yet: {self.path} does not exist")
        return self._connect()


def _citations(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:  # cut at the cap
        return text
