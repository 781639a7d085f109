"""Scores the assistant on a questions file, as defined in the eval README (shared/eval/README.md).

A citation is a hit when its excerpt contains one of the case's evidence strings, both compared after
lower-casing and dropping every character that is not a letter or a digit. Cases come in kinds, each
scored on its own: answerable questions (`hit@1`, `hit@3`, `mrr@5`, `false_abstain`,
`caveat_on_answerable`), the follow-ups among them again (`follow_up_hit@1`, `follow_up_hit@3`: cases
with a `history`), multi-part questions (`multipart@3`: every part has a hit among the first three
citations), questions the guide does not answer (`oos_abstain`: refused, or what is missing named in
`not_covered`) and social turns (`social_ok`: no citations, not refused).

`run` takes any function that returns an answer record (`Answer.to_dict()`'s shape), so the same scoring
reads answers made in-process or fetched from a running server over HTTP (`ask_over_http`).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

_NOT_ALNUM = re.compile(r"[^a-z0-9]")
AskRecord = Callable[[str, Any], dict[str, Any]]


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


def case_kind(case: dict[str, Any]) -> str:
    """ "answer", "multipart", "abstain" or "social" (how the case is scored)."""
    expect = case.get("expect", "answer")
    if expect == "answer" and case.get("groups"):
        return "multipart"
    return str(expect)


def handled(case: dict[str, Any], result: dict[str, Any]) -> bool:
    """Whether the case got what it expects: the bar of `misses` and of the per-kind counts."""
    kind = case_kind(case)
    if kind == "abstain":
        return bool(result["abstained"] or result.get("not_covered"))
    if kind == "social":
        return not result["citations"] and not result["abstained"]
    if kind == "multipart":
        return all(_rank_ok(first_hit_rank(result["citations"], group), 3) for group in case["groups"])
    return _rank_ok(first_hit_rank(result["citations"], case.get("evidence", [])), 1)


def _rank_ok(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def score(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, float | int]:
    pairs = list(zip(cases, results))
    answerable = [(c, r) for c, r in pairs if case_kind(c) == "answer"]
    follow_ups = [(c, r) for c, r in answerable if c.get("history")]
    multipart = [(c, r) for c, r in pairs if case_kind(c) == "multipart"]
    out_of_scope = [(c, r) for c, r in pairs if case_kind(c) == "abstain"]
    social = [(c, r) for c, r in pairs if case_kind(c) == "social"]

    def share(items: list, test: Callable[[dict[str, Any], dict[str, Any]], bool]) -> float:
        return sum(1 for c, r in items if test(c, r)) / max(len(items), 1)

    def hit(k: int) -> Callable[[dict[str, Any], dict[str, Any]], bool]:
        return lambda c, r: _rank_ok(first_hit_rank(r["citations"], c.get("evidence", [])), k)

    ranks = [first_hit_rank(r["citations"], c.get("evidence", [])) for c, r in answerable]
    metrics: dict[str, float | int] = {
        "cases": len(cases),
        "hit@1": share(answerable, hit(1)),
        "hit@3": share(answerable, hit(3)),
        "mrr@5": sum(1 / k for k in ranks if k is not None and k <= 5) / max(len(answerable), 1),
        "false_abstain": share(answerable, lambda c, r: bool(r["abstained"])),
        "caveat_on_answerable": share(answerable, lambda c, r: bool(r.get("not_covered"))),
        "oos_abstain": share(out_of_scope, handled),
    }
    if follow_ups:
        metrics["follow_up_hit@1"] = share(follow_ups, hit(1))
        metrics["follow_up_hit@3"] = share(follow_ups, hit(3))
    if multipart:
        metrics["multipart@3"] = share(multipart, handled)
    if social:
        metrics["social_ok"] = share(social, handled)
    for name, items in (
        ("n_answer", answerable),
        ("n_follow_up", follow_ups),
        ("n_multipart", multipart),
        ("n_abstain", out_of_scope),
        ("n_social", social),
    ):
        metrics[name] = len(items)
    return metrics


def run(cases: list[dict[str, Any]], ask: AskRecord) -> list[dict[str, Any]]:
    """Ask every case; `ask(question, history)` returns an answer record (`Answer.to_dict()`'s shape)."""
    results = []
    for case in cases:
        record = ask(case["question"], case.get("history"))
        results.append(
            {
                "id": case["id"],
                "question": case["question"],
                "abstained": record["abstained"],
                "kind": record.get("kind", "answer"),
                "answer": record["answer"],
                "citations": record["citations"],
                "not_covered": record.get("not_covered", []),
                "latency_ms": record["latency_ms"],
            }
        )
    return results


def ask_over_http(url: str, timeout: float = 30.0, max_waits: int = 20) -> AskRecord:
    """An `ask` that posts to a running server's `POST /api/ask`: the path users take.

    A 429 (rate limit) is waited out as its Retry-After says; any other error stops the run with the
    server's message, since a figure that silently skipped cases would be wrong."""
    endpoint = url.rstrip("/") + "/api/ask"

    def ask(question: str, history: Any) -> dict[str, Any]:
        body = json.dumps({"question": question, "history": history or []}).encode("utf-8")
        for _ in range(max_waits):
            request = urllib.request.Request(
                endpoint, data=body, headers={"Content-Type": "application/json"}, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return dict(json.loads(response.read().decode("utf-8")))
            except urllib.error.HTTPError as exc:
                if exc.code != 429:
                    detail = exc.read().decode("utf-8", "replace")[:300]
                    raise RuntimeError(f"{endpoint} answered {exc.code} to {question!r}: {detail}") from None
                time.sleep(float(exc.headers.get("Retry-After") or 1))
            except urllib.error.URLError as exc:
                raise RuntimeError(f"cannot reach {endpoint}: {exc.reason}") from None
        raise RuntimeError(f"{endpoint} kept answering 429 (rate limited); start it with --rate-limit 0")

    return ask


def misses(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[str]:
    """One line per case that did not get what it expects, for reading failures."""
    lines = []
    for case, result in zip(cases, results):
        if handled(case, result):
            continue
        kind = case_kind(case)
        top = result["citations"][0]["section"] if result["citations"] else "-"
        if kind == "abstain":
            lines.append(f"{case['id']}: answered (top: {top}) but should abstain or name what is missing")
        elif kind == "social":
            lines.append(
                f"{case['id']}: social turn got kind {result.get('kind')} with {len(result['citations'])} citation(s)"
            )
        elif result["abstained"]:
            lines.append(f"{case['id']}: abstained but the guide covers it")
        elif kind == "multipart":
            ranks = [first_hit_rank(result["citations"], g) for g in case["groups"]]
            lines.append(f"{case['id']}: parts found at ranks {ranks}")
        else:
            rank = first_hit_rank(result["citations"], case.get("evidence", []))
            lines.append(f"{case['id']}: evidence at rank {rank} (top: {top})")
    return lines
