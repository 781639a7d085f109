"""Server settings, from command-line flags first, then GUIDE_* environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: _env("GUIDE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("GUIDE_PORT", "7860")))
    index_dir: Path = field(default_factory=lambda: Path(_env("GUIDE_INDEX_DIR", "index")))
    corpus_dir: Path = field(default_factory=lambda: Path(_env("GUIDE_CORPUS_DIR", "corpus")))
    model: str | None = field(default_factory=lambda: os.environ.get("GUIDE_MODEL") or None)
    feedback_log: Path = field(default_factory=lambda: Path(_env("GUIDE_FEEDBACK_LOG", "feedback/feedback.jsonl")))
    # Extra origins allowed to embed the chat and call the API, besides the server's own and localhost.
    allowed_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(o.strip() for o in _env("GUIDE_ALLOWED_ORIGINS", "").split(",") if o.strip())
    )
    # Questions per client address in any `rate_window_s` seconds (JSON API and chat together); 0 turns it off.
    rate_limit: int = field(default_factory=lambda: int(_env("GUIDE_RATE_LIMIT", "60")))
    rate_window_s: float = field(default_factory=lambda: float(_env("GUIDE_RATE_WINDOW", "60")))
    watch: bool = field(default_factory=lambda: _env("GUIDE_WATCH", "0") not in ("0", "", "false", "False"))
