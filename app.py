"""Serves the chat window and the JSON API: `python app.py [--host H] [--port P] [--watch]`."""

from __future__ import annotations

import argparse
import os

for _name, _value in (
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
):
    os.environ.setdefault(_name, _value)

from webapp.server import serve  # noqa: E402
from webapp.settings import Settings  # noqa: E402


def main(argv: list[str] | None = None) -> None:
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
        "--rate-limit",
        type=int,
        default=defaults.rate_limit,
        help="questions per client address in any GUIDE_RATE_WINDOW seconds (default 60), 0 for no limit "
        "(env GUIDE_RATE_LIMIT)",
    )
    args = parser.parse_args(argv)
    from dataclasses import replace
    from pathlib import Path

    origins = tuple(o.strip() for o in args.allowed_origins.split(",") if o.strip())
    serve(
        replace(
            defaults,
            host=args.host,
            port=args.port,
            index_dir=Path(args.index),
            corpus_dir=Path(args.corpus),
            watch=args.watch,
            allowed_origins=origins,
            rate_limit=args.rate_limit,
        )
    )


if __name__ == "__main__":
    main()
