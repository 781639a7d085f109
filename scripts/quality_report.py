"""Measures what each retrieval step buys, in one run, and writes docs/quality.md.

    python scripts/quality_report.py [--index index] [--out docs/quality.md]

Rows, each adding one step to the one above: the tutorial setup (500-character chunks, dense only),
one passage per section with its path, bullets and sentences as units, BM25 fused in, the heading bonus,
spelling repair, follow-ups with the conversation, and the multi-signal abstention. Each row is scored
on the dev set (shared/eval/dev.jsonl) and on our own questions (tests/data/calibration.jsonl, written
for tuning; not the dev strings). The tutorial row is built here, in memory, from the corpus files.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant, evaluation  # noqa: E402
from assistant.corpus import load_corpus  # noqa: E402
from assistant.embedding import SentenceTransformerEmbedder  # noqa: E402
from assistant.records import Answer, Citation  # noqa: E402
from assistant.retrieval import RetrievalConfig  # noqa: E402
from assistant.store import load_store  # noqa: E402

SETS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev.jsonl",
    "own": ROOT / "tests" / "data" / "calibration.jsonl",
    "blind": ROOT / "tests" / "data" / "blind.jsonl",
}
TUTORIAL_CHARS = 500


def tutorial_chunks(corpus: Path) -> list[str]:
    """What a tutorial does: the file cut into ~500-character pieces on paragraph boundaries."""
    documents, _ = load_corpus(corpus, ROOT)
    pieces: list[str] = []
    for doc in documents:
        current = ""
        for paragraph in doc.text.split("\n\n"):
            if current and len(current) + len(paragraph) + 2 > TUTORIAL_CHARS:
                pieces.append(current)
                current = ""
            current = f"{current}\n\n{paragraph}" if current else paragraph
        if current:
            pieces.append(current)
    return pieces


def tutorial_ask(embedder: SentenceTransformerEmbedder, corpus: Path):
    import faiss

    pieces = tutorial_chunks(corpus)
    index = faiss.IndexFlatIP(embedder.dimension)
    index.add(embedder.embed(pieces))

    def ask(question: str, history=None) -> Answer:
        scores, rows = index.search(embedder.embed([question]), 5)
        cites = tuple(
            Citation(n + 1, "", "", pieces[r][:600], 0, 0, float(s)) for n, (s, r) in enumerate(zip(scores[0], rows[0]))
        )
        return Answer(question, "", False, cites)

    return ask


STEPS: list[tuple[str, RetrievalConfig]] = []


def steps() -> list[tuple[str, RetrievalConfig]]:
    base = RetrievalConfig(
        whole_units_only=True,
        lexical_weight=0.0,
        heading_weight=0.0,
        spelling=False,
        follow_ups=False,
        abstention="none",
    )
    rows = [("one passage per section, section path prepended, dense only", base)]
    rows.append(("+ bullets and sentences as retrieval units", replace(rows[-1][1], whole_units_only=False)))
    rows.append(
        ("+ BM25 fused with the dense score", replace(rows[-1][1], lexical_weight=RetrievalConfig.lexical_weight))
    )
    rows.append(("+ heading bonus", replace(rows[-1][1], heading_weight=RetrievalConfig.heading_weight)))
    rows.append(("+ spelling repair", replace(rows[-1][1], spelling=True)))
    rows.append(("+ follow-ups searched with the earlier question", replace(rows[-1][1], follow_ups=True)))
    rows.append(("  (same, abstaining below a plain cosine of 0.30)", replace(rows[-1][1], abstention="cosine")))
    rows.append(("+ multi-signal abstention (the product)", RetrievalConfig()))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(ROOT / "index"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "quality.md"))
    args = parser.parse_args(argv)

    embedder = SentenceTransformerEmbedder()
    store = load_store(Path(args.index), embedder.name, embedder.dimension)
    cases = {name: evaluation.read_cases(path) for name, path in SETS.items()}
    table = []
    runs = [("500-character chunks, dense only (the tutorial setup)", tutorial_ask(embedder, Path(args.corpus)))]
    runs += [(label, Assistant(store, embedder, config).ask) for label, config in steps()]
    for label, ask in runs:
        row = [label]
        for name in SETS:
            m = evaluation.score(cases[name], evaluation.run(cases[name], ask))
            row += [
                f"{m['hit@1']:.2f}",
                f"{m['hit@3']:.2f}",
                f"{m['mrr@5']:.2f}",
                f"{m['false_abstain']:.2f}",
                f"{m['oos_abstain']:.2f}",
            ]
        table.append(row)
        print(" | ".join(row), flush=True)

    counts = {
        n: (sum(c["expect"] == "answer" for c in cs), sum(c["expect"] == "abstain" for c in cs))
        for n, cs in cases.items()
    }
    lines = [
        "# Answer quality, step by step",
        "",
        "Made by `make quality-report` (`python scripts/quality_report.py`), all rows in one run with the",
        f"bundled all-MiniLM-L6-v2. **dev**: `shared/eval/dev.jsonl` ({counts['dev'][0]} answerable, {counts['dev'][1]} off-topic);",
        f"**own**: `tests/data/calibration.jsonl` ({counts['own'][0]} answerable, {counts['own'][1]} off-topic), questions we wrote",
        "for tuning: paraphrases, casual and misspelled wording, follow-ups, and off-topic questions that share",
        'words with the guide ("How much does a plumber earn?"). Metrics as defined in `shared/eval/README.md`;',
        "rows without abstention never abstain, so their `oos` is 0. Each row adds one step to the row above.",
        "",
        "| setup | "
        + " | ".join(f"{n} {m}" for n in SETS for m in ("hit@1", "hit@3", "mrr@5", "false_abstain", "oos_abstain"))
        + " |",
        "| --- | " + " | ".join(["---"] * 5 * len(SETS)) + " |",
        *["| " + " | ".join(row) + " |" for row in table],
        "",
        "## What each step is",
        "",
        "- **Passages**: the body of one section (bullets or paragraphs), cut at 600 characters on line",
        "  boundaries; the citation quotes it verbatim with its section path and lines.",
        "- **Units**: every bullet and sentence of a passage is embedded on its own, prefixed by its section",
        "  path, next to the whole passage; a passage scores as its best unit. A question matches the one",
        "  bullet that answers it instead of the average of a list.",
        "- **BM25** (`bm25s`) over the same units, divided by the question's best BM25 score and added with",
        "  weight 0.35. Words are normalised by a small career thesaurus (earn/pay -> salary, doctorate -> PhD,",
        "  machine learning -> ML) on both sides.",
        "- **Heading bonus**: +0.1 times the share of the question's topic words that the passage's own heading",
        '  contains ("statistics topics" -> Statistics).',
        "- **Spelling repair**: a word that neither the guide nor the model's vocabulary knows is replaced by",
        "  the closest word of the guide (difflib ratio >= 0.8); real words are never changed.",
        "- **Follow-ups**: a question that leans on the conversation is embedded alone and joined to the",
        "  earlier question; the two vectors are averaged.",
        "- **Abstention** (`assistant/relevance.py`): a question whose topic words are all the guide's is",
        "  answered unless nothing is even loosely close (cosine < 0.15). One with words the guide never uses",
        "  is answered if a unit is close (>= 0.56); otherwise the question is embedded again without those",
        "  words: if that brings it closer to the guide (the foreign words are its subject) and they read as an",
        '  occupation to the model, it is refused ("How much does a plumber earn?"); else it is answered when',
        "  cosine minus that pull is >= 0.38. A plain cosine threshold cannot do this: the row above it shows",
        "  the trade-off between answering real questions and refusing off-topic ones.",
        "",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
