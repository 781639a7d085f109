"""`make cluster`: Redis, PostgreSQL, three replicas and nginx on this machine, until Ctrl-C.

    python scripts/cluster.py [--replicas 3] [--port 8080]

Everything runs on loopback in a temp folder that is removed on exit: the index is built there from
corpus/, the replicas share it, feedback goes to the PostgreSQL table and the rate limit is counted in
Redis. Ctrl-C (or SIGTERM) stops every process by its PID. What each piece does: docs/deploy.md.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_services import ROOT, Cluster, build_index  # noqa: E402


def interrupt(*_) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=3, help="app processes behind nginx (default 3)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (default 8080)")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="the guide to index (default corpus/)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="guide-cluster-"))
    # SIGTERM ends the wait below like Ctrl-C does, so the `finally` stops everything.
    signal.signal(signal.SIGTERM, interrupt)
    cluster = Cluster(folder, folder / "index", Path(args.corpus), replicas=args.replicas, port=args.port)
    try:
        print(f"building the index in {folder / 'index'}", flush=True)
        build_index(Path(args.corpus), folder / "index")
        cluster.start(say=lambda line: print(line, flush=True))
        print(f"\nthe chat: {cluster.nginx.url}  (logs in {folder}; Ctrl-C stops everything)", flush=True)
        signal.pause()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
