"""Server settings, from command-line flags first, then GUIDE_* environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _flag(name: str, default: str = "0") -> bool:
    return _env(name, default) not in ("0", "", "false", "False")


def _env_float(name: str) -> float | None:
    value = os.environ.get(name, "").strip()
    return float(value) if value else None


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in _env(name, "").split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: _env("GUIDE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("GUIDE_PORT", "7860")))
    index_dir: Path = field(default_factory=lambda: Path(_env("GUIDE_INDEX_DIR", "index")))
    corpus_dir: Path = field(default_factory=lambda: Path(_env("GUIDE_CORPUS_DIR", "corpus")))
    model: str | None = field(default_factory=lambda: os.environ.get("GUIDE_MODEL") or None)
    # Thumbs up and down, in SQLite (assistant/feedback_store.py); `python -m assistant feedback` reads it.
    feedback_db: Path = field(default_factory=lambda: Path(_env("GUIDE_FEEDBACK_DB", "feedback/feedback.db")))
    # postgresql://user:password@host:port/db: feedback goes to this shared table instead (docs/deploy.md).
    database_url: str | None = field(default_factory=lambda: os.environ.get("GUIDE_DATABASE_URL") or None)
    # redis://host:port/db: the rate limit is counted in Redis, shared by every replica (webapp/shared_limit.py).
    redis_url: str | None = field(default_factory=lambda: os.environ.get("GUIDE_REDIS_URL") or None)
    # With Redis unreachable, answer anyway (the default: the limit is a courtesy) or refuse with 503.
    rate_limit_fail_closed: bool = field(default_factory=lambda: _flag("GUIDE_RATE_LIMIT_FAIL_CLOSED"))
    # Gradio's temp folder, the app's own: emptied at start and on exit (webapp/temp.py).
    temp_dir: Path = field(default_factory=lambda: Path(_env("GUIDE_TEMP_DIR", "build/gradio-tmp")))
    # Extra origins allowed to embed the chat and call the API, besides the server's own and localhost.
    allowed_origins: tuple[str, ...] = field(default_factory=lambda: _env_list("GUIDE_ALLOWED_ORIGINS"))
    # Host names the server answers to besides the address it is bound to and localhost; * for any.
    allowed_hosts: tuple[str, ...] = field(default_factory=lambda: _env_list("GUIDE_ALLOWED_HOSTS"))
    # Addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed; none by default.
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _env_list("GUIDE_TRUSTED_PROXIES"))
    # Questions per client address in any `rate_window_s` seconds (JSON API and chat together); 0 turns it off.
    rate_limit: int = field(default_factory=lambda: int(_env("GUIDE_RATE_LIMIT", "60")))
    rate_window_s: float = field(default_factory=lambda: float(_env("GUIDE_RATE_WINDOW", "60")))
    # Connections: seconds to send a request's headers, seconds idle between requests, and how many at once.
    header_timeout_s: float = field(default_factory=lambda: float(_env("GUIDE_HEADER_TIMEOUT", "10")))
    idle_timeout_s: int = field(default_factory=lambda: int(_env("GUIDE_IDLE_TIMEOUT", "5")))
    max_connections: int = field(default_factory=lambda: int(_env("GUIDE_MAX_CONNECTIONS", "200")))
    # Corpus files larger than this are skipped by --watch builds (`build --max-file-mb` for the CLI).
    max_file_mb: float = field(default_factory=lambda: float(_env("GUIDE_MAX_FILE_MB", "4")))
    watch: bool = field(default_factory=lambda: _flag("GUIDE_WATCH"))
    # Concurrent questions share model calls (assistant/batching.py), gathered for at most batch_wait_ms
    # while people ask at once; GUIDE_BATCHING=0 or --no-batching encodes one call at a time, for comparison.
    batching: bool = field(default_factory=lambda: _flag("GUIDE_BATCHING", "1"))
    # The model runs in a child process of its own (assistant/model_process.py); GUIDE_MODEL_PROCESS=0 runs
    # it in the server's process, for comparison.
    model_process: bool = field(default_factory=lambda: _flag("GUIDE_MODEL_PROCESS", "1"))
    batch_wait_ms: float | None = field(default_factory=lambda: _env_float("GUIDE_BATCH_WAIT_MS"))  # None: its default

    @property
    def feedback_target(self) -> str | Path:
        """Where thumbs go: the PostgreSQL URL when there is one, else the SQLite file."""
        return self.database_url or self.feedback_db
