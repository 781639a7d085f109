"""Serves the chat window and the JSON API: `python app.py [--host H] [--port P] [--watch]`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from webapp.settings import Settings

for _name, _value in (
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
):
    os.environ.setdefault(_name, _value)


def comma_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_settings(argv: list[str] | None = None) -> Settings:
    """The server's settings from its flags, falling back to GUIDE_* variables and the defaults."""
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=defaults.host, help="address to listen on (env GUIDE_HOST)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port (env GUIDE_PORT)")
    parser.add_argument("--index", default=str(defaults.index_dir), help="index folder (env GUIDE_INDEX_DIR)")
    parser.add_argument("--corpus", default=str(defaults.corpus_dir), help="corpus folder (env GUIDE_CORPUS_DIR)")
    parser.add_argument(
        "--watch",
        action="store_true",
        default=defaults.watch,
        help="rebuild the index when corpus files change (env GUIDE_WATCH=1)",
    )
    parser.add_argument(
        "--allowed-origins",
        default=",".join(defaults.allowed_origins),
        help="comma-separated origins that may embed the chat and call the API, besides this server's own and "
        "localhost; * for any (env GUIDE_ALLOWED_ORIGINS)",
    )
    parser.add_argument(
        "--allowed-hosts",
        default=",".join(defaults.allowed_hosts),
        help="comma-separated host names this server answers to, besides the --host address and localhost; "
        "the public name(s) of the site behind a proxy; * for any (env GUIDE_ALLOWED_HOSTS)",
    )
    parser.add_argument(
        "--trusted-proxies",
        default=",".join(defaults.trusted_proxies),
        help="comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; none by default "
        "(env GUIDE_TRUSTED_PROXIES)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=defaults.rate_limit,
        help="questions per client address in any GUIDE_RATE_WINDOW seconds (default 60), 0 for no limit "
        "(env GUIDE_RATE_LIMIT)",
    )
    parser.add_argument(
        "--rate-limit-fail-closed",
        action="store_true",
        default=defaults.rate_limit_fail_closed,
        help="with GUIDE_REDIS_URL: answer 503 while Redis is unreachable instead of counting in this process "
        "alone (env GUIDE_RATE_LIMIT_FAIL_CLOSED=1)",
    )
    parser.add_argument(
        "--no-batching",
        dest="batching",
        action="store_false",
        default=defaults.batching,
        help="encode each question on its own instead of gathering concurrent ones into one model call "
        "(env GUIDE_BATCHING=0); for comparison",
    )
    # GUIDE_REDIS_URL and GUIDE_DATABASE_URL have no flags on purpose: a password in argv shows in `ps`.
    args = parser.parse_args(argv)
    return replace(
        defaults,
        host=args.host,
        port=args.port,
        index_dir=Path(args.index),
        corpus_dir=Path(args.corpus),
        watch=args.watch,
        allowed_origins=comma_list(args.allowed_origins),
        allowed_hosts=comma_list(args.allowed_hosts),
        trusted_proxies=comma_list(args.trusted_proxies),
        rate_limit=args.rate_limit,
        rate_limit_fail_closed=args.rate_limit_fail_closed,
        batching=args.batching,
    )


def main(argv: list[str] | None = None) -> None:
    settings = parse_settings(argv)
    from webapp import temp

    try:
        temp.claim(settings.temp_dir)  # before gradio is imported: it reads GRADIO_TEMP_DIR then
    except (OSError, ValueError) as exc:
        raise SystemExit(f"GUIDE_TEMP_DIR: {exc}") from None
    from webapp.server import serve

    # uvicorn shuts down on SIGTERM and then raises it again; exiting from it (rather than dying of it)
    # lets atexit empty the temp folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(settings)


if __name__ == "__main__":
    main()
