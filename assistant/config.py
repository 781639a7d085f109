"""Every knob of retrieval, refusal and answer composition, in one frozen record.

`Config()` is what the assistant runs with; docs/quality.md prints these values from here
(scripts/quality_report.py), so no figure is restated by hand. The thresholds were set on our own
tuning sets (tests/data/calibration.jsonl, tests/data/tuned-2026-11.jsonl, tests/data/conversations.jsonl),
never on the dev set or a blind set. Cosines are between unit-length vectors (inner product = cosine).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Config:
    # -- retrieval (assistant/retrieval.py) -----------------------------------------------------------
    whole_units_only: bool = False  # True: one vector per passage (the "one chunk per section" setup)
    dense_candidates: int = 256  # nearest units FAISS returns per question
    lexical_share: float = (
        0.65  # BM25 is divided by the larger of the best unit's and this share of every word's best summed
    )
    lexical_weight: float = 0.35  # BM25 (divided by the question's best) added to the cosine; 0 turns it off
    question_weight: float = 1.1  # times the cosine to the closest question a passage answers (guide.PASSAGE_QUESTIONS)
    exhaustive_below: int = 4096  # an index with fewer vectors is compared in full (every passage's questions)
    heading_weight: float = 0.1  # bonus for a passage whose own heading names the question's topic
    parent_weight: float = 0.05  # ... and for one under a heading further up that names it
    kind_weight: float = (
        0.15  # bonus for a passage under a heading naming what "which ...?" asks for (retrieval.asked_kind)
    )
    summary_weight: float = 0.12  # bonus for the guide's summary passages when a question names no topic
    spelling: bool = True  # repair words neither the guide nor the model knows ("salery" -> "salary")
    max_repairs: int = 4  # words looked up for a spelling repair per question: bounds the cost of junk
    max_query_tokens: int = 64  # about this many of a question's tokens are read (the longest we have seen: 55)
    asking_passages: int = 3  # a word the passages' questions use for this many passages is a word of asking; 0: off
    alias_floor: float = 0.66  # cosine at which a word the guide never uses stands for one of its words
    max_aliases: int = 8  # words looked up per question for an alias
    rare_passages: int = 2  # a guide word in at most this many passages, shared by a question and its lead, is evidence
    measure_gap: float = 0.3  # a passage stating what is asked for (a sum, a span of time) leads if this close
    # -- conversation (assistant/conversation.py) ----------------------------------------------------
    follow_ups: bool = True
    context_weight: float = 0.5  # a follow-up's vector: this much of the joined text's, the rest its own
    sibling_gap: float = (
        0.15  # a follow-up with a subject of its own: a passage beside the last one leads if this close
    )
    # -- refusal (assistant/relevance.py) ------------------------------------------------------------
    abstention: str = "signals"  # "signals" (relevance.judge), "cosine" (best cosine < cosine_floor), "none"
    cosine_floor: float = 0.30  # the "cosine" rule, kept for the quality report
    dense_floor: float = 0.15  # with every topic word the guide's: answered unless nothing is this close
    dense_no_topic: float = 0.30  # the same for a question with no topic word at all
    evidence_floor: float = 0.20  # with foreign words of talk: best cosine minus their pull (if > 0) must reach this
    dense_clear: float = 0.50  # ... and this, when every topic word of the question is foreign
    residual_floor: float = 0.30  # with the foreign words deleted, the rest must match the guide this well
    occupation_floor: float = 0.34  # job titles score 0.35-0.47 against the anchors; "hype", "prod" 0.12-0.30
    pull_floor: float = (
        0.04  # foreign words (jobs; nouns, names) pulling more than this away from the guide are its subject
    )
    carrying_pull: float = 0.25  # ... and with a pull this large and one guide word left, they carry it: refused
    thing_floor: float = 0.04  # a foreign noun or name reading this much more as a thing than as talk is a subject
    verb_thing_floor: float = 0.085  # ... and a word that is also a verb or adjective ("tax", "stock"), this much
    scope_floor: float = 0.38  # ... as is one this close to a topic the guide does not cover (guide.OUT_OF_SCOPE)
    asked_no_topic: float = 0.5  # ... or this, when it has no topic word at all and none foreign ("who wrote this?")
    asked_clear: float = 0.8  # answered when asked this like a question a passage answers (and naming nothing foreign)
    question_floor: float = 0.35  # refused when no question the guide answers (PASSAGE_QUESTIONS) is this close
    # -- the answer (assistant/answer.py) ------------------------------------------------------------
    max_citations: int = 4
    score_gap: float = 0.4  # a passage this far below the best one is not shown
    list_gap: float = 0.6  # passages under another heading this far behind the best are not listed as the answer
    also_gap: float = 0.25  # ... nor listed under "The guide also says" when this far below
    whole_prose: int = (
        160  # a passage of prose this short (characters) is quoted whole ("$80K - $120K; 0-2 years. ...")
    )
    stands_out: float = 0.08  # cosine by which one bullet must beat its whole passage to be quoted alone
    match_margin: float = 0.06  # lines within this of a passage's best line are marked as matching
    per_part: int = 2  # citations per part of a multi-part question

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
