"""What a user of the JSON API sees, on the real guide and the real model, over real HTTP: one test per
kind of question that used to go wrong (issue 10). The server runs the same code path as the chat."""

from __future__ import annotations

import pytest
from conftest import DATA
from conftest import api_ask as ask
from conftest import api_turn as turn

from assistant import evaluation

pytestmark = pytest.mark.slow

PROJECTS_ANSWER = (
    "**Building Your Portfolio** [1]\n"
    "- Kaggle competitions: Top 10% ranking demonstrates competence\n"
    "- End-to-end application: Deployed model with web interface\n"
    "- Research replication: Implement paper from scratch\n"
    "- Open source contribution: To PyTorch, TensorFlow, or scikit-learn\n"
    "- Technical blog: Explain complex concepts clearly"
)


@pytest.mark.parametrize(
    "question",
    [
        "How much does a lawyer earn per hour?",
        "What's a good recipe for cooking rice?",
        "How do I become a nurse?",
        "what is hugging face and should I learn it",  # two parts; the first shares no meaning with the guide
    ],
)
def test_off_topic_questions_are_refused_through_the_server_too(server, question):
    # In the server, spelling repair once turned "lawyer" into "layers" and "cooking" into "choosing".
    record = ask(server, question)
    assert record["abstained"] and record["citations"] == []
    assert "doesn't cover" in record["answer"]


def test_after_a_refusal_the_suggested_question_is_answered(server):
    refused = ask(server, "How do I get a work visa for the US?")
    assert refused["abstained"] and refused["suggestions"]
    history = turn("How do I get a work visa for the US?", refused)
    for suggestion in [*refused["suggestions"], "Do I need a PhD?"]:
        record = ask(server, suggestion, history)
        assert not record["abstained"] and record["citations"], suggestion


def test_the_fourth_one_is_the_fourth_item_of_the_previous_answer(server):
    history = [
        {"role": "user", "content": "What projects impress employers?"},
        {"role": "assistant", "content": PROJECTS_ANSWER},
    ]
    record = ask(server, "what is the fourth one for?", history)
    assert "Open source contribution" in record["answer"].split("\n")[0]
    assert "Open source contribution" in record["citations"][0]["excerpt"]


@pytest.mark.parametrize(
    ("question", "heading", "named"),
    [
        (
            "what roles are there?",
            "AI/ML Career Roles",
            ["Machine Learning Engineer", "Data Scientist", "AI Product Manager"],
        ),
        ("What are the four roles in the guide?", "AI/ML Career Roles", ["AI Research Scientist"]),  # TL;DR first
        ("what are the career levels?", "Career Progression and Salaries", ["Junior ML Engineer", "Principal"]),
        ("list the industry specializations", "Industry Specializations", ["Computer Vision", "MLOps"]),
    ],
)
def test_a_question_for_the_kinds_there_are_lists_every_passage_under_the_heading(server, question, heading, named):
    record = ask(server, question)
    assert record["answer"].startswith(f"**{heading}**")
    assert all(f"**{name}" in record["answer"] for name in named)
    sections = [c["section"] for c in record["citations"]]
    assert len(sections) == 4 and all(s.startswith(heading) or f"> {heading} >" in s for s in sections)
    assert [c["start_line"] for c in record["citations"]] == sorted(c["start_line"] for c in record["citations"])


def test_an_item_of_a_listed_heading_is_answered_from_its_own_passage(server):
    levels = ask(server, "what are the career levels?")
    record = ask(server, "how much does the third one pay?", turn("what are the career levels?", levels))
    assert "$180K - $280K" in record["citations"][0]["excerpt"] and "$180K - $280K" in record["answer"]
    roles = ask(server, "what roles are there?")
    record = ask(server, "what does the last one do?", turn("what roles are there?", roles))
    assert record["citations"][0]["section"].endswith("AI Product Manager")


@pytest.mark.parametrize(
    ("question", "section"),
    [("What master's programs are there for ML?", "Graduate"), ("what are the statistics topics?", "Statistics")],
)
def test_a_question_for_kinds_that_names_one_passage_is_answered_from_it(server, question, section):
    record = ask(server, question)
    assert record["citations"][0]["section"].endswith(section) and record["answer"].startswith(f"**{section}")


def test_a_follow_up_on_a_passage_like_the_last_one_quotes_what_the_last_answer_quoted(server):
    question = "How much does a junior make?"
    record = ask(server, "And senior?", turn(question, ask(server, question)))
    assert record["citations"][0]["section"].endswith("Senior ML Engineer / Staff Scientist")
    assert "$180K - $280K" in record["answer"].split("\n")[0]


def test_what_comes_after_a_level_it_names_is_the_next_level(server):
    record = ask(server, "What comes after senior?")
    assert record["citations"][0]["section"].endswith("Principal / Staff / Research Scientist")


def test_a_follow_up_with_its_own_topic_is_answered_for_it_not_with_the_last_passage(server):
    question = "what does a data scientist do?"
    record = ask(server, "what do they earn?", turn(question, ask(server, question)))
    assert "$" in record["citations"][0]["excerpt"] and "Data Scientist" in record["citations"][0]["section"]
    roles = ask(server, "what roles are there?")
    second = ask(server, "what does the second one do?", turn("what roles are there?", roles))
    record = ask(
        server,
        "tell me more about it",
        [*turn("what roles are there?", roles), *turn("what does the second one do?", second)],
    )
    assert record["kind"] == "answer" and record["citations"][0]["section"].endswith("Data Scientist")


def test_a_short_passage_of_prose_is_quoted_whole(server):
    record = ask(server, "what do senior ML engineers do?")
    lead = record["answer"].split("\n")[0]
    assert "Architecture decisions" in lead and "$180K - $280K" in lead and "Deep specialization" in lead


def test_words_the_guide_joins_with_punctuation_are_its_words_when_typed_run_together(server):
    record = ask(server, "tldr")
    assert not record["abstained"] and record["not_covered"] == []
    assert record["citations"][0]["section"] == "TL;DR"


def test_an_answer_that_names_what_is_missing_lists_nothing_else_as_what_the_guide_says(server):
    record = ask(server, "What does a mid-level ML engineer earn in Toronto?")
    assert record["not_covered"] == ["Toronto"] and "The guide also says" not in record["answer"]


def test_which_of_the_two_is_answered_from_the_two_paths_just_named(server):
    for question in ("Should I do a bootcamp or a degree?", "bootcamp or degree?"):
        first = ask(server, question)
        record = ask(server, "which of the two takes longer?", turn(question, first))
        assert not record["abstained"] and not record["not_covered"]
        top = " ".join(c["excerpt"] for c in record["citations"][:2])
        assert "2-4 years" in top or "3-6 months" in top
        assert "Stronger for research roles?" not in record["answer"]  # no list line taken for a question


def test_at_that_level_refers_to_the_level_just_answered(server):
    question = "How much does a senior ML engineer earn?"
    record = ask(server, "how many years of experience at that level?", turn(question, ask(server, question)))
    assert "5-8 years" in record["citations"][0]["excerpt"]


def test_the_level_after_or_before_the_one_just_answered_is_the_next_band(server):
    question = "What does a mid-level ML engineer earn?"
    mid = turn(question, ask(server, question))
    above = ask(server, "and the level after that?", mid)
    assert above["citations"][0]["section"].endswith("Senior ML Engineer / Staff Scientist")
    assert "$180K - $280K" in above["answer"]
    below = ask(server, "what about the one below that?", mid)
    assert below["citations"][0]["section"].endswith("Junior ML Engineer / Data Scientist")


def test_a_question_in_two_parts_gets_a_source_and_a_lead_for_each(server):
    record = ask(server, "Do I need a PhD, and how much does a senior ML engineer earn?")
    top3 = " ".join(c["excerpt"] for c in record["citations"][:3])
    assert "PhD" in top3 and "$180K - $280K" in top3
    assert "Do I need a PhD?" in record["answer"] and "how much does a senior ML engineer earn?" in record["answer"]


def test_a_comparison_gets_a_lead_for_each_thing_compared(server):
    record = ask(server, "data scientist vs machine learning engineer, what's the difference?")
    sections = [c["section"] for c in record["citations"][:2]]
    assert sorted(s.rsplit(" > ", 1)[-1] for s in sections) == ["Data Scientist", "Machine Learning Engineer"]
    assert "Analyze and model data" in record["answer"] and "Build and deploy ML models" in record["answer"]
    # Three things the guide never names, each found nearest to the same passage: one answer, not three.
    clouds = ask(server, "AWS vs GCP vs Azure - which cloud is best for ML work?")
    assert clouds["abstained"] or set(clouds["not_covered"]) == {"AWS", "GCP", "Azure"}
    assert clouds["answer"].count("\n**") <= 1


def test_what_the_guide_never_mentions_is_named_first(server):
    record = ask(server, "What does a mid-level ML engineer earn in Toronto, in Canadian dollars?")
    assert record["not_covered"] == ["Toronto", "Canadian dollars"]
    assert record["answer"].startswith("The guide doesn't mention Toronto or Canadian dollars")
    assert any("$120K - $180K" in c["excerpt"] for c in record["citations"][:3])
    assert ask(server, "What does a mid-level ML engineer earn?")["not_covered"] == []


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("what signing bonus do senior ML engineers get?", "bonus"),  # a noun the model reads as talk
        ("should I learn langchain for NLP work?", "langchain"),  # a name no dictionary knows
        ("how many hours a week does an ML engineer work?", "hours"),
        ("am I too old at 50 to get into machine learning?", "age"),  # in no word of its own
        ("is the fast.ai course free?", "free"),  # close to a topic the guide lacks (guide.OUT_OF_SCOPE)
        ("can I study for a masters part time?", "part time"),  # two words the thesaurus joins
        ("how much do data engineers make?", "data engineers"),  # a job of the guide's words it never names
        ("is prompt engineer a real job and what does it pay", "prompt engineer"),
        ("which specific bootcamp would you recommend?", "bootcamp"),  # the guide names no bootcamp
        ("how long does a PhD take?", "how long"),  # "8+ years ... PhD common" are years of experience
        ("Who wrote The Hundred-Page ML Book?", "who made it"),  # the guide names no author beside it
    ],
)
def test_a_subject_the_guide_lacks_is_named_or_refused_however_it_is_written(server, question, named):
    record = ask(server, question)
    assert record["abstained"] or any(named in phrase for phrase in record["not_covered"])


@pytest.mark.parametrize(
    "question",
    ["what does a senior data scientist earn?", "what does an NLP engineer work on?", "how much do AI engineers make?"],
)
def test_the_guides_own_jobs_with_a_level_or_field_are_not_named_as_missing(server, question):
    record = ask(server, question)
    assert not record["abstained"] and record["not_covered"] == []


def test_who_asks_is_no_subject_of_the_question(server):
    record = ask(server, "I'm an accountant with a mortgage, can't quit my job. Bootcamp or degree for data science?")
    assert not record["abstained"] and record["not_covered"] == []
    assert any("Bootcamps vs Degrees" in c["section"] for c in record["citations"][:2])


@pytest.mark.parametrize("message", ["thanks!", "ok great", "bye"])
def test_social_turns_get_a_short_reply_not_a_refusal_nor_a_repeat(server, message):
    history = turn("Do I need a PhD?", ask(server, "Do I need a PhD?"))
    record = ask(server, message, history)
    assert record["kind"] == "social" and not record["abstained"] and record["citations"] == []
    assert "PhD" not in record["answer"] and "doesn't cover" not in record["answer"]


def test_a_question_in_another_language_is_told_the_assistant_answers_in_english(server):
    record = ask(server, "¿Necesito un doctorado para trabajar en inteligencia artificial?")
    assert record["kind"] == "language" and "English" in record["answer"] and not record["abstained"]


def test_broad_questions_lead_with_a_summary_and_never_with_the_advertisement(server):
    for question in ("How do I get started?", "What matters most to get hired?"):
        record = ask(server, question)
        assert record["citations"][0]["section"].split(" > ")[-1] in ("TL;DR", "Next Steps"), question
        assert all("Need AI/ML Career Guidance?" not in c["section"] for c in record["citations"])
    # Words only the advertisement uses ("break into") do not make a question about it.
    record = ask(server, "What matters most to break into AI and ML?")
    assert all("Need AI/ML Career Guidance?" not in c["section"] for c in record["citations"])
    coaching = ask(server, "Can I get personal career coaching?")
    assert any("personalized coaching" in c["excerpt"] for c in coaching["citations"])
    # Asked like the advertisement's own questions ("help planning my career switch"), but asking for no help.
    switch = ask(server, "I'm mid-career, should I switch to ML?")
    assert not switch["citations"][0]["section"].startswith("Need AI/ML Career Guidance?")


def test_a_list_question_shows_the_list_in_the_answer(server):
    record = ask(server, "What projects impress employers?")
    assert "- Kaggle competitions: Top 10% ranking demonstrates competence" in record["answer"]
    assert "Recommended Projects" not in record["answer"]


def test_eval_through_the_server_gives_the_same_figures_as_in_process(server, guide_assistant):
    cases = evaluation.read_cases(DATA / "conversations.jsonl")
    over_http = evaluation.score(cases, evaluation.run(cases, evaluation.ask_over_http(server.url)))
    in_process = evaluation.score(cases, evaluation.run(cases, lambda q, h: guide_assistant.ask(q, h).to_dict()))
    assert over_http == in_process


def test_a_question_for_a_sum_or_a_span_of_time_is_led_by_a_passage_that_gives_one(server):
    earned = ask(
        server,
        "what do they earn?",
        [
            {"role": "user", "content": "what does an AI research scientist do?"},
            {"role": "assistant", "content": "**AI Research Scientist:** Develop new algorithms; Publish papers [1]"},
        ],
    )
    assert "$250K - $500K+" in earned["answer"].split("\n")[0] and earned["not_covered"] == []
    degree = ask(server, "how long does a degree take?")
    assert "**2-4 years, higher cost**" in degree["answer"]


def test_a_sum_the_guide_does_not_give_is_named_as_missing(server):
    # "Lower cost" is about cost, but no price: the answer quotes it and says the guide gives none.
    record = ask(server, "how much does a bootcamp cost?")
    assert record["not_covered"] == ["a price"]
    assert record["answer"].startswith("The guide doesn't mention a price")
    assert "Lower cost" in record["answer"]
    pm = ask(server, "what's the salary for an AI product manager?")
    assert pm["abstained"] or pm["not_covered"] == ["a salary figure"]


def test_a_follow_up_that_swaps_in_its_own_kind_moves_on_from_the_last_passage(server):
    # "the supervised ones" after the unsupervised algorithms: the Unsupervised passage, which matched
    # the conversation best, does not name them; "how long is that?" points back and keeps it.
    question = "unsupervised algorithms I should know?"
    first = ask(server, question)
    assert first["citations"][0]["section"].endswith("Unsupervised")
    record = ask(server, "and the supervised ones?", turn(question, first))
    assert record["citations"][0]["section"].endswith("> Supervised")
    assert "Decision Trees" in record["answer"].split("\n\n")[0] + record["citations"][0]["excerpt"]


def test_a_follow_up_about_what_the_guide_never_gives_names_it(server):
    # "tax" is also a verb; asked as a noun after a salary band, it is what the guide does not give.
    question = "what do junior ML engineers make?"
    record = ask(server, "is that before tax?", turn(question, ask(server, question)))
    assert record["abstained"] or record["not_covered"]
    assert "tax" in " ".join(record["not_covered"])


def test_two_sections_a_question_names_are_both_answered_in_full(server):
    record = ask(server, "what books and courses does the guide recommend?")
    sections = [c["section"].split(" > ")[-1] for c in record["citations"][:2]]
    assert sorted(sections) == ["Books", "Courses"]
    assert "Coursera ML by Andrew Ng" in record["answer"] and "The Hundred-Page ML Book" in record["answer"]
    # The other words single one out: that one answers.
    anomaly = ask(server, "is anomaly detection supervised or unsupervised?")
    assert anomaly["citations"][0]["section"].endswith("Unsupervised")


def test_a_level_the_guide_does_not_name_is_the_rung_where_it_stands(server):
    # The guide's ladder has no "mid-level": it is the level after the junior one.
    for question in ("what's the mid-level pay?", "how much does a mid level data scientist make?"):
        record = ask(server, question)
        assert "$120K - $180K" in record["answer"].split("\n")[0], question
    parts = ask(server, "mid level - what's the pay and what are you responsible for?")
    assert parts["answer"].startswith("*mid level - what's the pay?*")
    assert "$120K - $180K" in parts["answer"].split("\n")[1]


def test_a_name_the_guide_mentions_only_elsewhere_is_named_as_missing(server):
    # The guide names Google once, as the maker of JAX: a question about its pay gets the bands with a caveat.
    record = ask(server, "how much does Google pay ML engineers?")
    assert record["abstained"] or record["not_covered"] == ["Google"]
    jax = ask(server, "what is JAX used for?")
    assert jax["not_covered"] == [] and "JAX (Google research)" in jax["answer"]


def test_a_forecast_the_guide_does_not_make_is_named_as_missing(server):
    record = ask(server, "is AI going to replace data scientists?")
    assert record["abstained"] or record["not_covered"] == ["forecasts"]
    assert record["abstained"] or record["answer"].startswith("The guide doesn't mention forecasts")


def test_years_of_experience_a_question_gives_find_the_band_that_holds_them(server):
    record = ask(server, "how much does a ds with like 3 yoe make")
    assert "$120K - $180K" in record["citations"][0]["excerpt"] and record["not_covered"] == []


def test_an_excerpt_quotes_the_heading_it_is_about_verbatim(server):
    # "Analyze and model data" alone does not say whose job it is; the card quotes the heading above it.
    record = ask(server, "what roles are there in AI?")
    excerpts = {c["section"].split(" > ")[-1]: c for c in record["citations"]}
    scientist = excerpts["Data Scientist"]
    assert scientist["excerpt"].startswith("### Data Scientist\n\n- Analyze and model data")
    lines = (DATA.parent.parent / scientist["source"]).read_text().split("\n")
    assert "\n".join(lines[scientist["start_line"] - 1 : scientist["end_line"]]) == scientist["excerpt"]


def test_which_of_those_is_quickest_is_led_by_the_shorter_span(server):
    question = "bootcamp vs degree?"
    first = ask(server, question)
    record = ask(server, "which of those is quickest?", turn(question, first))
    assert record["citations"][0]["section"].endswith("Bootcamps/Self-Taught")
    assert "**Faster entry (3-6 months)**" in record["answer"]
    assert ask(server, "which level pays the most?")["citations"][0]["section"].endswith(
        "Principal / Staff / Research Scientist"
    )


def test_a_few_words_picking_up_the_last_answer_are_about_it(server):
    question = "what's reinforcement learning used for?"
    first = ask(server, question)
    record = ask(server, "which game?", turn(question, first))
    assert not record["abstained"] and "Game playing (AlphaGo)" in record["citations"][0]["excerpt"]
    why = ask(server, "why?", turn("python or R first?", ask(server, "python or R first?")))
    assert not why["abstained"] and "Python (essential)" in why["citations"][0]["excerpt"]


def test_a_name_shortened_to_its_initials_is_the_guides_name(server):
    record = ask(server, "bishop PRML mentioned?")
    assert not record["abstained"] and record["not_covered"] == []
    assert '"Pattern Recognition and ML" (Bishop)' in record["answer"]


def test_a_request_in_the_imperative_is_no_thanks(server):
    record = ask(server, "give me the short version of this guide")
    assert record["citations"] and record["citations"][0]["section"] == "TL;DR"


def test_another_form_of_a_word_the_guide_uses_finds_its_line(server):
    # "succeed" is the guide's "Success requires ...", "3 yrs as an ML engineer" the 2-5 years band.
    record = ask(server, "what does it take to actually succeed in this field")
    assert "Success requires strong mathematical foundations" in record["citations"][0]["excerpt"]
    band = ask(server, "i've been an ml eng for 3 yrs, what am i supposed to be doing at this point")
    assert "2-5 years" in band["citations"][0]["excerpt"]


def test_a_phrase_the_guide_writes_by_its_initials_is_the_guides(server):
    qc = ask(server, "ai for quality control in factories?")
    assert not qc["abstained"] and qc["not_covered"] == [] and "Manufacturing QC" in qc["citations"][0]["excerpt"]
    gans = ask(server, "does it mention generative adversarial networks")
    assert "GANs" in gans["citations"][0]["excerpt"] and gans["citations"][0]["section"].endswith("Deep Learning")


def test_phrases_of_chat_are_not_named_as_missing(server):
    for question in ("what's a data scientist's job in a nutshell", "whats the top band pay wise, be honest"):
        record = ask(server, question)
        assert not record["abstained"] and record["not_covered"] == [], question


def test_where_the_asker_lives_is_no_subject_unless_a_sum_is_asked(server):
    record = ask(server, "Which industries is AI actually changing? I'm a nurse in Manila")
    assert not record["abstained"] and record["not_covered"] == []
    pay = ask(server, "What do ML engineers earn? I live in Manila")
    assert pay["abstained"] or "Manila" in pay["not_covered"]


def test_the_next_step_up_and_its_pay_is_the_band_after_the_last(server):
    question = "What does a mid-level ML engineer earn?"
    record = ask(server, "what's the next step up and what does it pay?", turn(question, ask(server, question)))
    assert "$180K - $280K" in record["citations"][0]["excerpt"]


def test_shorthand_the_guide_spells_out_finds_its_passage(server):
    record = ask(server, "which parts of lin alg matter")
    assert not record["abstained"] and "Linear Algebra (matrices, vectors)" in record["citations"][0]["excerpt"]


def test_how_many_of_a_thing_the_guide_never_counts_is_named(server):
    papers = ask(server, "How many papers do I need to publish before applying for a research scientist job?")
    assert papers["abstained"] or "how many papers" in papers["not_covered"]
    projects = ask(server, "how many portfolio projects should I build?")
    assert not projects["abstained"] and projects["not_covered"] == [] and "3-4" in projects["answer"]


def test_projects_that_impress_recruiters_are_the_portfolio(server):
    record = ask(server, "what projects impress recruiters")
    assert not record["abstained"] and record["not_covered"] == []
    assert record["citations"][0]["section"] == "Building Your Portfolio"


def test_the_guides_own_currency_and_numbers_in_words_are_not_named_as_missing(server):
    # its sums are in $: "dollars" is no currency it lacks, and "half a million" is a number
    record = ask(server, "can you actually make half a million dollars in ML?")
    assert not record["abstained"] and record["not_covered"] == []
    assert any("$250K - $500K+" in c["excerpt"] for c in record["citations"][:3])
