"""Builds or updates the index: the same as `python -m assistant build`, for those who look in scripts/.

    python scripts/build_index.py [--corpus corpus] [--index index] [--json] [--if-stale] [--model M]

All options and all the work belong to the CLI's `build` subcommand (assistant/cli.py); this only hands off.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from assistant.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
