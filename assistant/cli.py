"""Command line: `python -m assistant build | ask | eval | feedback` (also installed as `guide-assistant`).

Parses arguments and hands off to the pipeline; prints readable text, or JSON with --json. Each command
imports only the stages it uses, so that `build --if-stale` on an up-to-date index, or `ask ""`, does not
pay for the answering stack. Exit status: 0 done, 2 refused input or an error (the message says which).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .corpus import MAX_FILE_BYTES
from .version import __version__

# The dev set, kept in the repository so that `make eval` works in a clone of it alone.
DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev.jsonl"


def _build(args: argparse.Namespace) -> int:
    from .build import build_index, model_for_build, stale_reason
    from .embedding import resolve_model

    corpus, index = Path(args.corpus), Path(args.index)
    max_file_bytes = int(args.max_file_mb * 1024 * 1024)
    if args.if_stale:
        reason = stale_reason(corpus, index, model_name=resolve_model(args.model)[0], max_file_bytes=max_file_bytes)
        notes = sys.stderr if args.json else sys.stdout  # with --json, stdout holds only the report
        if reason is None:
            print(f"index is up to date with {args.corpus}/", file=notes)
            return 0
        print(f"rebuilding the index: {reason}", file=notes)

    report = build_index(
        corpus,
        index,
        model_for_build(args.model, index),  # loaded only if something is to be embedded
        progress=_progress_bar() if sys.stderr.isatty() else None,
        on_wait=lambda message: print(message, file=sys.stderr),
        max_file_bytes=max_file_bytes,
    )
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.summary())
    if args.json:  # the readable summary lists them already
        for problem in report.problems:
            print(f"warning: skipped {problem}", file=sys.stderr)
    return 0


def _progress_bar() -> Callable[[int, int], None]:
    """A tqdm bar on stderr that shows only once embedding has taken more than a moment."""
    from tqdm import tqdm

    bar: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit="unit", desc="embedding", file=sys.stderr, delay=0.5, leave=False))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return progress


def _ask(args: argparse.Namespace) -> int:
    from .assistant import Assistant, validate_question

    question = validate_question(" ".join(args.question))  # an empty question fails before the model loads
    assistant = Assistant.load(args.index, model=args.model)
    result = assistant.ask(question)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(result.answer)
    for c in result.citations:
        print(f"\n[{c.n}] {c.section} ({c.source}, lines {c.start_line}-{c.end_line}, score {c.score:.2f})")
        print("    " + c.excerpt.replace("\n", "\n    "))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from . import evaluation
    from .assistant import Assistant

    cases = evaluation.read_cases(Path(args.questions))
    if args.url:  # through the server's JSON API, the path users take
        results = evaluation.run(cases, evaluation.ask_over_http(args.url))
    else:
        assistant = Assistant.load(args.index, model=args.model)
        results = evaluation.run(cases, lambda q, h: assistant.ask(q, h).to_dict())
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as handle:
            for record in results:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    metrics = evaluation.score(cases, results)
    if args.verbose:
        for line in evaluation.misses(cases, results):
            print(f"miss  {line}")
    for name, value in metrics.items():
        print(f"{name:14s} {value:.3f}" if isinstance(value, float) else f"{name:14s} {value}")
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from .feedback_store import open_store

    store = open_store(args.db)  # StoreError is a RuntimeError: main() prints it
    if args.action == "export":
        for entry in store.export():
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    stats = store.stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for name, value in stats.items():
            print(f"{name:8s} {value if value is not None else '-'}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="guide-assistant", description="Answers questions about a guide, citing it.")
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", default="index", help="index folder (default: index)")
        p.add_argument(
            "--model",
            default=None,
            help="embedding model: a local folder or a model name (default: the bundled all-MiniLM-L6-v2, or $GUIDE_MODEL)",
        )

    build = sub.add_parser("build", help="build or update the index from the corpus")
    common(build)
    build.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus)")
    build.add_argument("--json", action="store_true", help="print the build report as JSON")
    build.add_argument(
        "--if-stale", action="store_true", help="only build when the index is missing or the corpus changed"
    )
    build.add_argument(
        "--max-file-mb",
        type=float,
        default=float(os.environ.get("GUIDE_MAX_FILE_MB", MAX_FILE_BYTES / 1024 / 1024)),
        help="skip corpus files larger than this, with a reason (default: 4, or $GUIDE_MAX_FILE_MB)",
    )
    build.set_defaults(run=_build)

    ask = sub.add_parser("ask", help="answer one question")
    common(ask)
    ask.add_argument("question", nargs="+")
    ask.add_argument("--json", action="store_true", help="print the answer record as JSON")
    ask.set_defaults(run=_ask)

    ev = sub.add_parser("eval", help="answer every case of a questions file and print the metrics")
    common(ev)
    ev.add_argument(
        "questions",
        nargs="?",
        default=str(DEV_SET),
        help="JSONL file of cases (see shared/eval/README.md; default: the dev set, tests/data/dev.jsonl)",
    )
    ev.add_argument("--out", help="write the results file here")
    ev.add_argument(
        "--url",
        help="ask a running server (POST URL/api/ask) instead of loading the index in-process, "
        "e.g. http://127.0.0.1:7860; start it with --rate-limit 0 or the run waits out the limit",
    )
    ev.add_argument("-v", "--verbose", action="store_true", help="list the cases that missed")
    ev.set_defaults(run=_eval)

    fb = sub.add_parser("feedback", help="read the chat's thumbs up and down: export (JSONL) or stats")
    fb.add_argument("action", choices=["export", "stats"], help="export: one JSON line per entry; stats: counts")
    fb.add_argument(
        "--db",
        default=os.environ.get("GUIDE_DATABASE_URL") or os.environ.get("GUIDE_FEEDBACK_DB", "feedback/feedback.db"),
        help="the server's feedback file, or a postgresql://user@host:port/db URL "
        "(default: $GUIDE_DATABASE_URL, else $GUIDE_FEEDBACK_DB, else feedback/feedback.db)",
    )
    fb.add_argument("--json", action="store_true", help="stats as a JSON object")
    fb.set_defaults(run=_feedback)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    # The store's IndexError_ is a RuntimeError and the assistant's QuestionError a ValueError: caught here
    # by their bases, so that importing this module does not import the stages that define them.
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
