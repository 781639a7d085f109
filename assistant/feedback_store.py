"""The feedback store: one row per rated answer, in a SQLite file (standard library, WAL journal) on one
machine, or in a PostgreSQL table shared by every replica (`open_store("postgresql://...")`).

Each row holds the time (UTC, ISO 8601), the verdict ("up", "down", or "cleared" when a thumb is taken
back), the question, the answer's Markdown, its kind, its citations (JSON, as in `Answer.to_dict()`) and
what the person said was wrong (optional, with a thumb down). An entry given an `answer_id` (the chat
gives each answer one) is replaced by a later verdict on the same answer: the last verdict counts, so up
then down is one "down", not two contradictory entries. Entries without one are appended.
A database rather than an appended text file because a write either commits whole or not at all: a full
disk or a crash mid-write never leaves half a line that spoils the entries before or after it, and
concurrent writers are serialised by SQLite. Every field is capped (`FIELD_CAPS`) and the verdict must be
one of `VERDICTS`, so no request can make one entry large.

`FeedbackStore` is the interface both backends implement: `add`, `export` (the entries oldest first as
dicts; `python -m assistant feedback export` prints them as JSONL, for `jq`), `stats`, and `prepare`,
which creates the table if it is missing. A failure to reach or write the store is `StoreError` whichever
the backend, so callers need not know sqlite3 or psycopg. Left out on purpose: rotation (a row is a few KB
at most), any notion of who gave the feedback, and a connection pool for PostgreSQL (thumbs are rare; a
connection per write costs a few milliseconds on a worker thread).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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


class StoreError(RuntimeError):
    """The store cannot be reached, read or written; nothing was stored and earlier entries are untouched."""


def capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


# The columns an entry is written with, in the order of `entry_row`.
COLUMNS = "time, verdict, question, answer, kind, citations, answer_id, comment"


def entry_row(
    verdict: str,
    question: str,
    answer: str,
    kind: str,
    citations: list[dict[str, Any]],
    answer_id: str | None = None,
    comment: str = "",
) -> tuple:
    """The checked, capped values of one entry in the order of COLUMNS, time first; FeedbackError for a
    verdict not in VERDICTS or an answer id that is empty or longer than MAX_ANSWER_ID."""
    if verdict not in VERDICTS:
        raise FeedbackError(f"a verdict is one of {', '.join(VERDICTS)}, not {verdict[:40]!r}")
    if answer_id is not None and not 0 < len(answer_id) <= MAX_ANSWER_ID:
        raise FeedbackError(f"an answer id is 1 to {MAX_ANSWER_ID} characters")
    return (
        datetime.now(UTC),
        verdict,
        capped(question, FIELD_CAPS["question"]),
        capped(answer, FIELD_CAPS["answer"]),
        capped(kind, FIELD_CAPS["kind"]),
        json.dumps(citations, ensure_ascii=False)[: FIELD_CAPS["citations"]],
        answer_id,
        capped(comment, FIELD_CAPS["comment"]),
    )


def entry_dict(
    time: str, verdict: str, question: str, answer: str, kind: str, citations: str, comment: str
) -> dict[str, Any]:
    return {
        "time": time,
        "verdict": verdict,
        "question": question,
        "answer": answer,
        "kind": kind,
        "citations": _citations(citations),
        "comment": comment,
    }


def iso(moment: datetime) -> str:
    """The time as every backend exports it: UTC, to the second, `2026-11-30T15:15:02+00:00`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class FeedbackStore(ABC):
    """Where thumbs are kept. `where` names it for log lines and messages (never with a password)."""

    where: str

    @abstractmethod
    def prepare(self) -> None:
        """Create the table if it is missing; StoreError when the store cannot be reached."""

    @abstractmethod
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
        """Store one entry, or replace the entry of the same `answer_id` (the last verdict on an answer
        counts); FeedbackError for a verdict not in VERDICTS or a bad answer id, StoreError when it cannot
        be written (nothing is stored then, and earlier entries are untouched)."""

    @abstractmethod
    def export(self) -> Iterator[dict[str, Any]]:
        """Every entry, oldest first, as the dict a JSONL line holds."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Entries in all and per verdict, and the time of the first and the last."""


def open_store(target: str | Path) -> FeedbackStore:
    """`postgresql://user@host:port/db` (or `postgres://`) opens the shared table; anything else is a
    SQLite file path."""
    if str(target).startswith(("postgresql://", "postgres://")):
        return PostgresFeedbackStore(str(target))
    return SQLiteFeedbackStore(target)


def _stats(counts: dict[str, int], first: str | None, last: str | None) -> dict[str, Any]:
    return {
        "entries": sum(counts.values()),
        **{verdict: counts.get(verdict, 0) for verdict in VERDICTS},
        "first": first,
        "last": last,
    }


class SQLiteFeedbackStore(FeedbackStore):
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.where = str(self.path)
        self._lock = threading.Lock()

    def prepare(self) -> None:
        with self._lock:
            try:
                self._connect().close()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot open {self.path}: {exc}") from exc

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
        time, *fields = entry_row(verdict, question, answer, kind, citations, answer_id, comment)
        with self._lock:
            try:
                connection = self._connect()
                try:
                    with connection:  # one transaction: all of the row or none
                        # A new verdict on a rated answer replaces its row, and moves it to the end (a new id).
                        if answer_id is not None:
                            connection.execute("DELETE FROM feedback WHERE answer_id = ?", (answer_id,))
                        connection.execute(
                            f"INSERT INTO feedback ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (iso(time), *fields),
                        )
                finally:
                    connection.close()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot write to {self.path}: {exc}") from exc

    def export(self) -> Iterator[dict[str, Any]]:
        connection = self._open_existing()
        try:
            query = "SELECT time, verdict, question, answer, kind, citations, comment FROM feedback ORDER BY id"
            for row in self._read(connection, query):
                yield entry_dict(*row)
        finally:
            connection.close()

    def stats(self) -> dict[str, Any]:
        connection = self._open_existing()
        try:
            counts = dict(self._read(connection, "SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict"))
            [(first, last)] = self._read(connection, "SELECT MIN(time), MAX(time) FROM feedback")
        finally:
            connection.close()
        return _stats(counts, first, last)

    def _read(self, connection: sqlite3.Connection, query: str) -> list[tuple]:
        try:
            return connection.execute(query).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a feedback file the server wrote ({exc})") from exc

    def _open_existing(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise FileNotFoundError(f"no feedback yet: {self.path} does not exist")
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a feedback file the server wrote ({exc})") from exc


POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time TIMESTAMPTZ NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down', 'cleared')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    kind TEXT NOT NULL,
    citations TEXT NOT NULL,
    answer_id TEXT,
    comment TEXT NOT NULL DEFAULT ''
)
"""
# Tables created before answer ids and comments get the columns when a server prepares the store; NULLs
# are distinct in a UNIQUE index, so the entries without an answer id stay as they are.
POSTGRES_UPGRADES = (
    "ALTER TABLE feedback ADD COLUMN IF NOT EXISTS answer_id TEXT",
    "ALTER TABLE feedback ADD COLUMN IF NOT EXISTS comment TEXT NOT NULL DEFAULT ''",
    UNIQUE_ANSWER,
)
# Replicas starting together all run CREATE TABLE IF NOT EXISTS; PostgreSQL can still fail all but one
# of them on its catalog's unique index, so they take turns under this advisory lock ("guide" in hex).
SCHEMA_LOCK = 0x6775696465
# Two replicas replacing the verdict on the same answer at once would both delete the old row and then
# collide on the unique index: a transaction-scoped advisory lock per answer id (this class, the id's
# hash) makes the second wait for the first and then replace its row.
ANSWER_LOCK_CLASS = 0x67756964
# Seconds to wait for PostgreSQL before the write (and only the write) fails.
CONNECT_TIMEOUT_S = 5


class PostgresFeedbackStore(FeedbackStore):
    """The `feedback` table in PostgreSQL, shared by every replica (psycopg 3, the `postgres` extra).

    `citations` stays TEXT rather than JSONB: like the SQLite column it is cut at its cap, and cut JSON
    is not JSON. `time` is a TIMESTAMPTZ, exported in the same ISO form as the SQLite store's.
    """

    def __init__(self, url: str):
        self.url = url
        self.where = _without_password(url)
        self._prepared = False

    def _run(self, action: str, work):
        try:
            import psycopg
        except ImportError as exc:  # the extra is not installed: say which
            raise StoreError("PostgreSQL needs psycopg: pip install 'career-guide-assistant[postgres]'") from exc
        try:
            connection = psycopg.connect(
                self.url, connect_timeout=CONNECT_TIMEOUT_S, application_name="guide-assistant"
            )
            with connection:  # commits on success, rolls back on an error, closes
                return work(connection)
        except psycopg.Error as exc:
            raise StoreError(f"cannot {action} {self.where}: {str(exc).strip()}") from exc

    def prepare(self) -> None:
        def create(connection) -> None:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            connection.execute(POSTGRES_SCHEMA)
            for statement in POSTGRES_UPGRADES:
                connection.execute(statement)

        self._run("create the feedback table in", create)
        self._prepared = True

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
        row = entry_row(verdict, question, answer, kind, citations, answer_id, comment)
        if not self._prepared:  # the server prepares at start; this covers a database that was down then
            self.prepare()

        def write(connection) -> None:  # one transaction: the old row goes only if the new one is stored
            # A new verdict on a rated answer replaces its row, and moves it to the end (a new id).
            if answer_id is not None:
                connection.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (ANSWER_LOCK_CLASS, answer_id))
                connection.execute("DELETE FROM feedback WHERE answer_id = %s", (answer_id,))
            connection.execute(f"INSERT INTO feedback ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", row)

        self._run("write to", write)

    def export(self) -> Iterator[dict[str, Any]]:
        query = "SELECT time, verdict, question, answer, kind, citations, comment FROM feedback ORDER BY id"
        rows = self._run("read", lambda connection: connection.execute(query).fetchall())
        for time, *fields in rows:
            yield entry_dict(iso(time), *fields)

    def stats(self) -> dict[str, Any]:
        def read(connection):
            counts = dict(connection.execute("SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict").fetchall())
            first, last = connection.execute("SELECT MIN(time), MAX(time) FROM feedback").fetchone()
            return counts, first, last

        counts, first, last = self._run("read", read)
        return _stats(counts, first and iso(first), last and iso(last))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _citations(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:  # cut at the cap
        return text
