"""Thumbs up and down from the chat, stored with the question and answer they rate.

`verdict_of` turns Gradio's LikeData.liked into a verdict and refuses anything else: the value comes
from the browser, and only True, False and "taken back" are verdicts. `FeedbackLog.record` stores the
entry in the store (assistant/feedback_store.py: a SQLite file, or PostgreSQL with GUIDE_DATABASE_URL),
keyed by the answer's id so that the last verdict on an answer replaces the earlier ones, with what the
person said was wrong, if anything. It is best effort on purpose: a store that cannot be written (missing
permissions, a folder in the way, a full disk, a database that is down) is reported in the server log and
the chat carries on. Reading it back is `python -m assistant feedback export | stats`.
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.feedback_store import FeedbackError, FeedbackStore, StoreError
from assistant.records import Answer

log = logging.getLogger("webapp.feedback")


def verdict_of(liked: Any) -> str | None:
    """Gradio's LikeData.liked: True for a thumbs up, False for down, "" or None when the thumb is taken
    back; None for anything else (the browser sent something no thumb sends)."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    if liked is None or liked == "":
        return "cleared"
    return None


class FeedbackLog:
    def __init__(self, store: FeedbackStore):
        self.store = store

    def record(self, answer: Answer, liked: Any, answer_id: str | None = None, comment: str = "") -> bool:
        """Store one thumb on `answer` (replacing an earlier one on the same `answer_id`); returns False
        (and logs why) when it is refused or cannot be written."""
        verdict = verdict_of(liked)
        if verdict is None:
            log.warning("feedback refused: %r is not a thumb up or down", str(liked)[:80])
            return False
        record = answer.to_dict()
        try:
            self.store.add(
                verdict,
                record["question"],
                record["answer"],
                record["kind"],
                record["citations"],
                answer_id=answer_id,
                comment=comment if verdict == "down" else "",
            )
        except (FeedbackError, StoreError) as exc:
            log.error("could not write feedback to %s: %s", self.store.where, exc)
            return False
        return True
