"""Retrieval's scoring on the mini corpus, with the fake embedder: exact outcomes for small examples."""

from dataclasses import replace

from assistant import Assistant
from assistant.build import build_index
from assistant.config import Config


def test_a_line_matching_one_of_several_question_words_gets_only_part_of_the_lexical_weight(
    mini_corpus, tmp_path, fake_embedder
):
    index = tmp_path / "index"
    build_index(mini_corpus, index, fake_embedder, project_root=tmp_path)
    retriever = Assistant.load(index, embedder=fake_embedder).retriever
    both = retriever.lexical_scores(("architecture", "leadership"))
    assert both.max() == 1.0  # "Architecture decisions, cross-team leadership." has both words
    # "architecture" and "papers": no line has both, so the best has only about half the evidence
    apart = retriever.lexical_scores(("architecture", "paper"))
    assert 0.3 < apart.max() < 1.0
    # divided by the best line alone, as before lexical_share, the best has all of it
    alone = replace(Config(), lexical_share=0.0)
    assert (
        Assistant.load(index, embedder=fake_embedder, config=alone)
        .retriever.lexical_scores(("architecture", "paper"))
        .max()
        == 1.0
    )


def test_which_names_what_the_answer_is_one_of():
    from assistant.retrieval import asked_kind

    assert asked_kind("which of the job roles mentions MLOps?") == ("role",)
    assert asked_kind("what kind of network do ppl use for image stuff") == ("network",)
    assert asked_kind("which ai specialties are in demand") == ("ai", "specialty")
    assert asked_kind("which is better, pytorch or tensorflow?") == ()  # no kind asked
    assert asked_kind("how do I start?") == ()
