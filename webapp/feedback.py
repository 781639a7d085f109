"""The feedback log: one JSON line per thumbs up or down, appended to a file (Settings.feedback_log).

Each line holds the time (UTC, ISO 8601), the verdict ("up", "down", or "cleared" when a thumb is
taken back), the question, the answer's Markdown, its kind and its citations as in `Answer.to_dict()`.
Writing is best effort on purpose: a log that cannot be written (missing permissions, a folder in the
way, a full disk) is reported in the server log and the chat carries on. Not done: rotation, reading
the log back, or any aggregation; it is meant for `jq` and a person.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.records import Answer

log = logging.getLogger("webapp.feedback")


def verdict_of(liked: Any) -> str:
    """Gradio's LikeData.liked: True for a thumbs up, False for down, "" when the thumb is taken back."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return "cleared" if not liked else str(liked)


class FeedbackLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()  # one line per write, whole, even with concurrent sessions

    def entry(self, answer: Answer, verdict: str) -> dict[str, Any]:
        record = answer.to_dict()
        return {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "verdict": verdict,
            "question": record["question"],
            "answer": record["answer"],
            "kind": record["kind"],
            "citations": record["citations"],
        }

    def record(self, answer: Answer, verdict: str) -> bool:
        """Append one entry; returns False (and logs why) when the log cannot be written."""
        line = json.dumps(self.entry(answer, verdict), ensure_ascii=False) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
        except OSError as exc:
            log.error("could not write feedback to %s: %s", self.path, exc)
            return False
        return True
