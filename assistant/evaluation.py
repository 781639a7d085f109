"""Scores the assistant on a questions file, as defined in the eval README (shared/eval/README.md).

A citation is a hit when its excerpt contains one of the case's evidence strings, both compared after
lower-casing and dropping every character that is not a letter or a digit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .records import Answer

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalise(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def read_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc})") from exc
            if not isinstance(case, dict) or "question" not in case:
                raise ValueError(f'{path}:{number}: a case needs at least a "question"')
            case.setdefault("id", f"case-{number}")
            case.setdefault("expect", "answer")
            cases.append(case)
    return cases


def first_hit_rank(citations: Iterable[dict[str, Any]], evidence: Iterable[str]) -> int | None:
    wanted = [normalise(e) for e in evidence if normalise(e)]
    for rank, citation in enumerate(citations, start=1):
        excerpt = normalise(citation.get("excerpt", ""))
        if any(w in excerpt for w in wanted):
            return rank
    return None


def score(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, float]:
    answerable = [(c, r) for c, r in zip(cases, results) if c.get("expect") == "answer"]
    out_of_scope = [(c, r) for c, r in zip(cases, results) if c.get("expect") == "abstain"]
    ranks = [first_hit_rank(r["citations"], c.get("evidence", [])) for c, r in answerable]
    n = max(len(answerable), 1)
    return {
        "cases": len(cases),
        "hit@1": sum(1 for k in ranks if k is not None and k <= 1) / n,
        "hit@3": sum(1 for k in ranks if k is not None and k <= 3) / n,
        "mrr@5": sum(1 / k for k in ranks if k is not None and k <= 5) / n,
        "false_abstain": sum(1 for _, r in answerable if r["abstained"]) / n,
        "oos_abstain": sum(1 for _, r in out_of_scope if r["abstained"]) / max(len(out_of_scope), 1),
    }


def run(cases: list[dict[str, Any]], ask: Callable[[str, Any], Answer]) -> list[dict[str, Any]]:
    results = []
    for case in cases:
        answer = ask(case["question"], case.get("history"))
        record = answer.to_dict()
        results.append(
            {
                "id": case["id"],
                "question": case["question"],
                "abstained": record["abstained"],
                "answer": record["answer"],
                "citations": record["citations"],
                "latency_ms": record["latency_ms"],
            }
        )
    return results


def misses(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[str]:
    """One line per case that was not a hit@1 or not abstained as expected, for reading failures."""
    lines = []
    for case, result in zip(cases, results):
        if case.get("expect") == "abstain":
            if not result["abstained"]:
                top = result["citations"][0]["section"] if result["citations"] else "-"
                lines.append(f"{case['id']}: answered (top: {top}) but should abstain")
        elif result["abstained"]:
            lines.append(f"{case['id']}: abstained but the guide covers it")
        else:
            rank = first_hit_rank(result["citations"], case.get("evidence", []))
            if rank != 1:
                top = result["citations"][0]["section"] if result["citations"] else "-"
                lines.append(f"{case['id']}: evidence at rank {rank} (top: {top})")
    return lines
