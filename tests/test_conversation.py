"""Follow-up resolution as pure logic: which turn a question leans on and what "the fourth one" is."""

from assistant.conversation import (
    Exchange,
    Resolved,
    anchored_step,
    exchanges,
    items_of,
    keeps_subject,
    leans_on_context,
    points_back,
    resolve,
    resolve_items,
    step_of,
)

PROJECTS = (
    "**Building Your Portfolio** [1]\n"
    "- Kaggle competitions: Top 10% ranking demonstrates competence\n"
    "- End-to-end application: Deployed model with web interface\n"
    "- Research replication: Implement paper from scratch\n"
    "- Open source contribution: To PyTorch, TensorFlow, or scikit-learn\n"
    "- Technical blog: Explain complex concepts clearly\n\n"
    "The guide also says:\n- *Next Steps:* Build 3-4 portfolio projects showing different techniques [2]"
)
REFUSAL = (
    "The guide doesn't cover that. *The guide* is about careers in AI and ML.\n\nYou could ask:\n- Do I need a PhD?"
)


def history(*pairs: tuple[str, str], **extra) -> list[dict]:
    turns: list[dict] = []
    for question, answer in pairs:
        turns += [{"role": "user", "content": question}, {"role": "assistant", "content": answer, **extra}]
    return turns


def test_the_items_of_an_answer_are_its_first_list_not_the_also_says_lines():
    items = items_of(Exchange("what projects impress?", PROJECTS))
    assert items[3] == "Open source contribution: To PyTorch, TensorFlow, or scikit-learn"
    assert len(items) == 5


def test_items_come_from_a_numbered_list_an_inline_list_or_a_list_in_prose():
    numbered = "Levels:\n1. Junior: $80K - $120K\n2. Mid: $120K - $180K\n3. Senior: $180K - $280K"
    assert items_of(Exchange("levels?", numbered))[2] == "Senior: $180K - $280K"
    inline = "**Books:** Hands-On ML; Deep Learning; The Hundred-Page ML Book [1]"
    assert items_of(Exchange("books?", inline)) == ["Hands-On ML", "Deep Learning", "The Hundred-Page ML Book"]
    prose = "The guide names four specializations: Computer Vision, NLP, Reinforcement Learning and MLOps."
    assert items_of(Exchange("specializations?", prose))[2] == "Reinforcement Learning"
    # passages listed under their heading: each item is the passage's name, not its lines
    listed = "**Bootcamps vs Degrees**\n- **Degrees** [1]: Stronger for research roles; 2-4 years\n- **Bootcamps** [2]: Faster"
    assert items_of(Exchange("bootcamp or degree?", listed)) == ["Degrees", "Bootcamps"]
    history = [{"role": "user", "content": "bootcamp or degree?"}, {"role": "assistant", "content": listed}]
    assert resolve("which of the two takes longer?", history).text == "which of Degrees or Bootcamps takes longer?"


def test_items_come_from_the_first_citation_when_the_answer_text_has_none():
    cited = Exchange(
        "what math?",
        "See the list [1]",
        "answer",
        ({"section": "Mathematics", "excerpt": "- Calculus\n- Optimization"},),
    )
    assert items_of(cited) == ["Calculus", "Optimization"]


def test_an_ordinal_pointer_is_replaced_by_that_item():
    items = ["Kaggle competitions", "End-to-end application", "Research replication", "Open source contribution"]
    assert resolve_items("what is the fourth one for?", items) == "what is Open source contribution for?"
    assert resolve_items("tell me more about the first of those", items) == "tell me more about Kaggle competitions"
    assert resolve_items("and the last one?", items) == "and Open source contribution?"
    assert (
        resolve_items("which of the two takes longer?", ["Degrees", "Bootcamps"])
        == "which of Degrees or Bootcamps takes longer?"
    )
    assert resolve_items("what is the ninth one?", items) is None  # no such item: not guessed


def test_ordinal_words_that_point_at_nothing_are_left_alone():
    items = ["A", "B"]
    assert resolve_items("what should I learn first?", items) is None
    assert resolve_items("what is the first year salary?", items) is None


def test_a_question_that_stands_on_its_own_ignores_the_history():
    turns = history(("what do data scientists earn?", "**ML Engineer / Data Scientist:** $120K - $180K [1]"))
    assert resolve("Do I need a PhD?", turns).context is None
    assert not leans_on_context("Do I need a PhD?")


def test_a_refused_turn_lends_no_topic_so_the_suggested_question_stands_alone():
    turns = history(("how do I get a work visa?", REFUSAL))
    assert resolve("and how long does it take?", turns).context is None
    # ... but an earlier answered turn still does
    turns = history(("how long is a bootcamp?", "**Bootcamps/Self-Taught:** Faster entry (3-6 months) [1]")) + turns
    context = resolve("and how much does it cost?", turns).context
    assert context == "how long is a bootcamp? Bootcamps/Self-Taught: Faster entry (3-6 months)"


def test_a_greeting_or_a_thanks_lends_no_topic_when_the_client_sends_the_kind():
    turns = history(("hi", "Hello! I answer questions about the guide."), kind="greeting")
    assert resolve("what about salaries?", turns).context is None


def test_a_pronoun_follow_up_leans_on_the_last_answered_question_and_what_its_answer_was_about():
    # "they" may be what the answer named rather than the question ("the pay past junior?" -> the level).
    turns = history(("What does a senior ML engineer do?", "Architecture decisions [1]"))
    resolved = resolve("and how much do they earn?", turns)
    assert resolved.text == "and how much do they earn?"
    assert resolved.context == "What does a senior ML engineer do? Architecture decisions"


def test_a_question_with_no_topic_of_its_own_also_takes_the_opening_of_the_answer():
    turns = history(
        ("how much does a senior ML engineer make?", "**Senior ML Engineer / Staff Scientist:** $180K - $280K [1]")
    )
    context = resolve("how many years at that level?", turns).context
    assert context is not None and "Senior ML Engineer / Staff Scientist" in context


def test_a_follow_up_with_a_topic_of_its_own_takes_only_the_first_line_of_the_answer():
    # The list under "**Data Scientist**" would outweigh "earn": the role's description, not its salary.
    turns = history(
        ("what does a data scientist do?", "**Data Scientist** [1]\n- Analyze and model data\n- Business insights")
    )
    context = resolve("what do they earn?", turns).context
    assert context == "what does a data scientist do? Data Scientist"


def test_a_question_that_names_the_passage_it_steps_from_stands_alone():
    assert anchored_step("What comes after senior?") == 1 and anchored_step("what's the level below principal?") == -1
    assert anchored_step("what comes after that?") == 0 and anchored_step("what should I learn after python?") == 0
    resolved = resolve("What comes after senior?", history(("Do I need a PhD?", "**Graduate:** PhD [1]")))
    assert resolved == Resolved("What comes after senior?", "What comes after senior?", step=1)


def test_malformed_turns_are_skipped():
    turns = [{"role": "user"}, "x", {"role": "assistant", "content": 3}, {"role": "user", "content": "What is MLOps?"}]
    assert [e.question for e in exchanges(turns)] == ["What is MLOps?"]


def test_an_answer_that_is_just_a_list_in_prose_has_items():
    answer = Exchange(
        "list the specializations", "Computer Vision, Natural Language Processing, Reinforcement Learning, and MLOps."
    )
    assert items_of(answer) == ["Computer Vision", "Natural Language Processing", "Reinforcement Learning", "MLOps"]
    history = [{"role": "user", "content": answer.question}, {"role": "assistant", "content": answer.answer}]
    assert resolve("and what's the last one about?", history).text == "and what's MLOps about?"


def test_a_follow_up_that_points_back_keeps_the_subject_and_one_that_names_its_own_swaps_it():
    assert keeps_subject("how much do they make?")
    assert keeps_subject("how long does that take?")
    assert not keeps_subject("what about statistics?")
    assert not keeps_subject("and for python?")


def test_a_pronoun_points_back_but_a_kind_of_the_earlier_subject_does_not():
    assert points_back("how much experience is that?")
    assert points_back("what do they do at that stage?")
    assert not points_back("and the supervised ones?")
    assert not points_back("anything else?")


def test_a_question_pointing_before_or_after_what_was_answered_steps_through_the_guide():
    mid = [
        {"role": "user", "content": "What does a mid-level ML engineer earn?"},
        {"role": "assistant", "content": "ML Engineer / Data Scientist: $120K - $180K, 2-5 years."},
    ]
    assert [step_of(q) for q in ("and the level after that?", "the next one up?", "what's the level below that?")] == [
        1, 1, -1,
    ]  # fmt: skip
    # "next step" is what to do next, not the passage after this one; no pointer at all is no step
    assert [step_of(q) for q in ("what's my next step?", "what should I learn first?")] == [0, 0]
    resolved = resolve("and the level after that?", mid)
    assert resolved.step == 1 and resolved.context is not None and "mid-level" in resolved.context
    assert resolve("and the level after that?", None).step == 0  # nothing to step from


def test_a_few_words_that_pick_up_the_last_answer_lean_on_it():
    turns = history(("what's reinforcement learning used for?", "Robotics, game playing, resource optimization."))
    assert resolve("which game?", turns).context == "what's reinforcement learning used for?"
    assert resolve("which language?", turns).context is None  # not a word of that answer
    assert resolve("which game should I build for my portfolio?", turns).context is None  # a question of its own


def test_a_question_that_swaps_in_its_own_subject_first_does_not_point_back():
    assert not points_back("what about the degree side, how long does that take?")
    assert points_back("how much experience is that?") and points_back("what about that one?")
    # a subject set off before the question that points at it: "it" is ML, not the last answer's subject
    assert not points_back("and ML itself - how does the guide define it?")
    assert not points_back("and for seniors, what do they earn?")
    assert points_back("and then, what does it pay?") and points_back("and that one - how long does it take?")
    assert step_of("what's the next step up?") == 1 and step_of("what's the next step?") == 0


def test_a_follow_up_with_its_own_subject_is_led_by_the_passage_beside_the_last_one():
    from assistant.assistant import alongside
    from assistant.records import Chunk, Hit

    def hit(path: tuple[str, ...], score: float) -> Hit:
        return Hit(Chunk(" > ".join(path), "g.md", path, 1, 2, "text"), score, score, 0.0)

    nlp = hit(("Specializations", "NLP"), 0.9)
    deep = hit(("Overview", "Deep Learning"), 0.87)
    vision = hit(("Specializations", "Computer Vision"), 0.78)
    # "what about the image side instead?" after NLP: Computer Vision, beside NLP, leads.
    assert alongside([deep, vision, nlp], nlp, gap=0.15)[0] is vision
    # not when it is far behind, nor when the lead is already beside the last passage
    assert alongside([deep, vision, nlp], nlp, gap=0.05)[0] is deep
    assert alongside([vision, deep], nlp, gap=0.15) == [vision, deep]
