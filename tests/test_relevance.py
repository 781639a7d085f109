"""The refusal judge and not_covered, with stubbed inputs: exact outcomes for small worked examples."""

from assistant.config import Config
from assistant.records import Chunk, Hit
from assistant.relevance import (
    GuideNames,
    JobTitles,
    about_asker,
    asks_about_age,
    foreign_titles,
    judge,
    missing_phrases,
    naming_age,
    naming_names,
    naming_titles,
    proper_nouns,
    verbs_by_position,
)
from assistant.text import word_class

VOCABULARY = frozenset({"ml", "engine", "salary", "python", "phd", "research"})


def hits(dense: float) -> list[Hit]:
    chunk = Chunk("c", "corpus/g.md", ("Salaries",), 1, 2, "$120K - $180K")
    return [Hit(chunk, dense, dense, 0.0)]


def probe(residual: float, occupation: float = 0.1):
    return lambda unknown: (residual, occupation)


def test_a_question_in_the_guides_words_is_answered_when_anything_is_close():
    assert judge(hits(0.4), ("ml", "salary"), VOCABULARY).covered
    assert not judge(hits(0.05), ("ml", "salary"), VOCABULARY).covered


def test_a_rare_word_of_the_guides_shared_with_the_lead_answers_although_the_model_is_far():
    # "is the goodfellow book on the list?": the model barely knows the name (cosine 0.12), the Books
    # passage, one of the two the word stands in, has it.
    assert not judge(hits(0.12), ("goodfellow", "book"), VOCABULARY | {"goodfellow", "book"}).covered
    assert judge(hits(0.12), ("goodfellow", "book"), VOCABULARY | {"goodfellow", "book"}, anchored=True).covered


def test_a_foreign_subject_with_the_rest_in_the_guides_words_is_answered_with_it_named():
    # "what does an ML engineer earn in Toronto?": deleting Toronto brings it closer to the guide
    verdict = judge(
        hits(0.55),
        ("ml", "engine", "salary", "toronto"),
        VOCABULARY,
        probe(0.65),
        text="what does an ML engineer earn in Toronto?",
    )
    assert verdict.covered and verdict.missing == ("Toronto",)


def test_a_word_people_ask_with_is_not_named_as_missing():
    # "is python on the list?": "list" is not the guide's word, but its passages' questions use it for
    # several passages (Retriever.asking_terms), so it is how people ask, not a subject the guide lacks.
    asked = dict(text="is python on the list?", things={"list": 0.06}, classes={"list": "noun"})
    flagged = judge(hits(0.55), ("python", "list"), VOCABULARY, probe(0.6), **asked)
    assert flagged.covered and flagged.missing == ("list",)  # without the asking words: a caveat
    verdict = judge(hits(0.55), ("python", "list"), VOCABULARY, probe(0.6), asking=frozenset({"list"}), **asked)
    assert verdict.covered and verdict.unknown == () and verdict.missing == ()


def test_a_noun_that_pulls_the_question_away_from_the_guide_is_named():
    # "what's a typical signing bonus for a senior ML engineer?": "bonus" reads as talk to the model's
    # anchors, but it can only name something and deleting it brings the question closer to the guide.
    terms = ("ml", "engine", "salary", "bonus")
    text = "what's a typical bonus for an ML engineer's salary?"
    named = judge(
        hits(0.6), terms, VOCABULARY, probe(0.7), things={"bonus": -0.06}, classes={"bonus": "noun"}, text=text
    )
    assert named.covered and named.missing == ("bonus",)
    # The same word with a verb reading ("pivot") is how people talk; a noun that moves the question away
    # from the guide was a paraphrase of its topic.
    talk = judge(
        hits(0.6), terms, VOCABULARY, probe(0.7), things={"bonus": -0.06}, classes={"bonus": "other"}, text=text
    )
    assert talk.covered and talk.missing == ()
    near = judge(
        hits(0.6), terms, VOCABULARY, probe(0.55), things={"bonus": -0.06}, classes={"bonus": "noun"}, text=text
    )
    assert near.covered and near.missing == ()


def test_a_word_that_is_also_a_verb_is_named_when_it_reads_strongly_as_a_thing_and_stands_as_a_noun():
    # "what do they make? -- is that before tax?": "tax" is also a verb (dictionary class "other"), but
    # reads as a thing well beyond the floor for such words; "place" in "do I need to place" stands as a verb.
    def missing(word: str, thing: float, text: str) -> tuple[str, ...]:
        terms = ("ml", "salary", word)
        verdict = judge(
            hits(0.6), terms, VOCABULARY, probe(0.62), things={word: thing}, classes={word: "other"}, text=text
        )
        assert verdict.covered
        return verdict.missing

    assert missing("tax", 0.10, "is an ML salary before tax?") == ("tax",)
    assert missing("tax", 0.07, "is an ML salary before tax?") == ()
    assert missing("place", 0.10, "do I need to place high for an ML salary?") == ()
    assert verbs_by_position("how can I place well on kaggle") == {"i", "place"}
    assert "stock" not in verbs_by_position("do stock options matter?")
    # after "does" and a subject opened by a determiner, the next word is its verb
    assert "group" in verbs_by_position("what types does the guide group things into?")


def test_words_of_talk_do_not_carry_a_question_the_guide_barely_matches():
    # "what is hugging face?": neither word names a thing to the model, but the guide's best line is far
    # (0.19), and deleting them brings the question closer still: nothing of the guide's is asked.
    terms = ("hugg", "face", "ml")
    faint = judge(hits(0.19), terms, VOCABULARY | {"face"}, probe(0.38), things={"hugg": -0.2}, text="hugging face?")
    assert not faint.covered
    close = judge(hits(0.45), terms, VOCABULARY | {"face"}, probe(0.5), things={"hugg": -0.2}, text="hugging ML?")
    assert close.covered


def test_words_about_the_person_asking_are_not_what_is_asked():
    assert {"accountant", "mortgage"} <= about_asker("I'm a 35 yo accountant with a mortgage, can't quit for years")
    # the statements that follow, until a question starts
    persona = about_asker("I'm a 35 yo accountant, can't quit for years. Degree or bootcamp for data science?")
    assert {"accountant", "quit"} <= persona and not {"degree", "bootcamp", "data"} & persona
    assert "account" in about_asker("i'm a career changer, 10 yrs in accounting. where do i start with the math?")
    assert {"cousin", "bank"} <= about_asker("my cousin is a ds at a bank, what does that job involve")
    assert about_asker("what do accountants earn?") == frozenset()
    assert "nurse" not in about_asker("I'm a nurse, what do nurses earn?")  # the question asks about it too
    assert "analyst" in about_asker("I run A/B tests at work as a marketing analyst, does that count for ML?")
    assert about_asker("as a nurse can I get into AI?") == {"nurse"}
    assert about_asker("as a 40 year old career changer, should I do a bootcamp?") == {"40", "year", "old"}
    text = "I'm an accountant, what salary can an ML engineer expect?"
    verdict = judge(
        hits(0.6), ("accountant", "salary", "ml", "engine"), VOCABULARY, probe(0.7),
        things={"accountant": 0.19}, classes={"accountant": "noun"}, text=text,
    )  # fmt: skip
    assert verdict.covered and verdict.missing == ()
    # Words that only say who asks take nothing from how close the question is, however far they pull.
    text = "I'm a 38 yo nurse with two kids. is a bootcamp the quicker way in?"
    verdict = judge(
        hits(0.29), ("nurse", "kid", "bootcamp"), VOCABULARY | {"bootcamp"}, probe(0.40),
        things={"nurse": 0.19, "kid": 0.02}, classes={"nurse": "noun", "kid": "other"}, text=text,
    )  # fmt: skip
    assert verdict.covered and verdict.missing == ()


def test_a_dictionary_tells_words_that_name_things_from_words_of_talk():
    assert [word_class(w) for w in ("dentist", "hours", "mainly", "pivot", "remote")] == [
        "noun", "noun", "other", "other", "other",
    ]  # fmt: skip
    assert [word_class(w) for w in ("langchain", "udacity", "tho", "sql", "2025")] == [
        "name", "name", "short", "short", "other",
    ]  # fmt: skip


def test_another_occupation_is_refused_and_named():
    verdict = judge(
        hits(0.45), ("salary", "plumb"), VOCABULARY, probe(0.55, occupation=0.4), text="How much does a plumber earn?"
    )
    assert not verdict.covered and verdict.missing == ("plumber",)
    # one word that reads like a job, but is no noun ("formal" of "formal education"), names no occupation
    formal = judge(hits(0.5), ("phd", "formal"), VOCABULARY, probe(0.56), jobs={"formal": 0.37}, text="a formal PhD?")
    assert formal.covered
    plumber = judge(hits(0.5), ("phd", "plumb"), VOCABULARY, probe(0.56), jobs={"plumb": 0.37}, text="a plumber PhD?")
    assert not plumber.covered


def test_a_foreign_subject_with_one_borrowed_guide_word_is_refused():
    verdict = judge(
        hits(0.3), ("python", "snake", "pet"), VOCABULARY, probe(0.6), text="Which python snake is best as a pet?"
    )
    assert not verdict.covered and "snake" in verdict.missing


def test_foreign_words_that_paraphrase_the_guide_are_not_named():
    # deleting them moves the question away from the guide: they were about its topic
    verdict = judge(hits(0.5), ("ml", "dimensionality"), VOCABULARY, probe(0.4), text="ML dimensionality reduction?")
    assert verdict.covered and verdict.missing == ()


def test_a_capitalised_name_is_named_even_when_it_barely_moves_the_question():
    verdict = judge(
        hits(0.68),
        ("salary", "ml", "engine", "london"),
        VOCABULARY,
        probe(0.69),
        text="what's the salary of an ML engineer in London?",
        config=Config(),
    )
    assert verdict.covered and verdict.missing == ("London",)
    assert proper_nouns("London pays well?", ("london",)) == ()  # the first word of a sentence says nothing
    assert proper_nouns("do data scientists need SQL?", ("sql",)) == ("SQL",)  # an acronym the guide lacks
    assert proper_nouns("are A-B tests part of it?", ("b",)) == ()
    assert proper_nouns("are A-B tests part of it?", ("a", "b")) == ()
    # with digits or a hyphen: a visa, a model
    assert proper_nouns("can I get an H-1B sponsored?", ("h", "1b")) == ("H-1B",)
    assert proper_nouns("is GPT-4 better?", ("gpt", "4")) == ("GPT-4",)


def test_a_name_of_two_capitalised_words_is_named_whole():
    vocabulary = frozenset({"new", "ml", "salary"})
    assert missing_phrases("What is the ML salary in New York?", ("york",), vocabulary) == ("New York",)
    assert missing_phrases("What ML salary in Toronto?", ("toronto",), vocabulary) == ("Toronto",)


def test_missing_phrases_keep_the_users_words_and_skip_markup():
    unknown = ("canadian", "dollar", "toronto")
    assert missing_phrases("in Toronto, in Canadian dollars", unknown, VOCABULARY) == ("Toronto", "Canadian dollars")
    # "dollars" is the guide's currency (the thesaurus reads it as salary), but after a name it is named with it
    known = ("canadian", "toronto")
    assert missing_phrases("in Toronto, in Canadian dollars", known, VOCABULARY) == ("Toronto", "Canadian dollars")
    assert missing_phrases("what do plumbers earn?", ("plumb",), VOCABULARY) == ("plumbers",)
    assert missing_phrases("do ML engineers get stock options?", ("stock",), VOCABULARY) == ("stock options",)
    assert missing_phrases("<img onerror=x> Toronto?", ("onerror", "toronto"), VOCABULARY) == ("Toronto",)
    # two words the thesaurus reads as one (guide.PHRASES) are named as written
    assert missing_phrases("how many got laid off in 2025?", ("layoff",), VOCABULARY) == ("laid off",)
    assert missing_phrases("a part time masters?", ("parttime",), VOCABULARY) == ("part time",)


def test_a_question_unlike_any_the_guide_answers_is_refused_even_when_it_shares_its_words():
    # "recommend a good python book for kids?": guide words only, but no passage question is near it.
    terms = ("python", "book", "kid")
    words = VOCABULARY | {"book"}
    text = "recommend a good python book for kids?"
    far = judge(hits(0.45), terms, words, probe(0.5), things={"kid": 0.1}, text=text, asked=0.2)
    assert not far.covered and far.missing == ("kids",)
    assert judge(hits(0.45), ("python", "book"), words, asked=0.6).covered
    assert judge(hits(0.45), ("python", "book"), words, asked=None).covered  # not judged so: a follow-up
    assert judge(hits(0.45), ("python", "book"), words, asked=0.2, config=Config(question_floor=0.0)).covered


def test_a_question_about_the_askers_age_names_age_as_missing():
    assert asks_about_age("am I too old at 45 to switch into AI?")
    assert asks_about_age("im 47, am i too old to switch into ml")
    assert asks_about_age("is 22 too young to start?")
    assert asks_about_age("is it too late to get into AI at 50?") and asks_about_age("too late in my 40s?")
    assert not asks_about_age("too much math at 50% of the course?")
    assert not asks_about_age("as a 40 year old, should I do a bootcamp?")  # who asks, not what is asked
    assert not asks_about_age("how old is the field?") and not asks_about_age("I'm 35, bootcamp or degree?")
    answered = judge(hits(0.5), ("switch", "ml"), VOCABULARY | {"switch"}, text="am I too old at 45 to switch into ML?")
    assert naming_age(answered, "am I too old at 45 to switch into ML?", VOCABULARY).missing == ("age",)
    assert naming_age(answered, "should I switch into ML?", VOCABULARY).missing == ()


def test_a_job_the_guide_has_no_title_for_is_named_although_its_words_are_the_guides():
    roles = ("Guide", "Career Roles")
    titles = JobTitles.from_headings(
        [
            (*roles, "Machine Learning Engineer"),
            (*roles, "Data Scientist"),
            ("Guide", "Levels", "Senior ML Engineer"),
            ("Guide", "Specializations", "Computer Vision"),
        ],
        frozenset({"Career Roles", "Levels"}),
    )
    assert foreign_titles("how much do data engineers make?", titles) == ("data engineers",)
    assert foreign_titles("is a UX engineer paid well?", titles) == ("UX engineer",)
    for own in (
        "senior data scientist pay",
        "what does a computer vision engineer do?",
        "ML engineer salary",
        "what do hiring managers want?",
        "I'm a software engineer, how do I move into ML?",
    ):
        assert foreign_titles(own, titles) == (), own
    answered = judge(hits(0.5), ("data", "engine", "salary"), VOCABULARY | {"data"}, text="data engineer salary?")
    assert naming_titles(answered, "data engineer salary?", titles).missing == ("data engineer",)


def test_a_name_the_guide_mentions_in_passing_is_missing_when_no_passage_shown_has_it():
    frameworks = Chunk("fw", "corpus/g.md", ("Skills", "Frameworks"), 1, 2, "- JAX (Google research)\n- PyTorch")
    pay = Chunk("pay", "corpus/g.md", ("Salaries", "Senior"), 3, 4, "$180K - $280K")
    communities = Chunk(
        "c", "corpus/g.md", ("Next Steps",), 5, 6, "- Join ML communities (Reddit, Discord, local meetups)"
    )
    names = GuideNames.from_chunks([frameworks, pay, communities], most=2)
    # Written with a capital after a lower-case word or inside parentheses; a line's first word, an
    # acronym or a heading's word is no such name.
    assert names.forms == {"google": "Google", "reddit": "Reddit", "discord": "Discord"}
    answered = judge([Hit(pay, 0.6, 0.6, 0.0)], ("google", "salary"), VOCABULARY | {"google"})
    named = naming_names(answered, ("google", "salary"), [Hit(pay, 0.6, 0.6, 0.0)], names)
    assert named.covered and named.missing == ("Google",)
    shown = naming_names(answered, ("google",), [Hit(pay, 0.6, 0.6, 0.0), Hit(frameworks, 0.5, 0.5, 0.0)], names)
    assert shown.missing == ()


def test_a_question_asked_like_one_a_passage_answers_is_answered_though_it_shares_few_words():
    # "what's RL used for irl?": little of it is the guide's words, but a passage answers just that question.
    assert not judge(hits(0.05), ("rl", "used"), VOCABULARY | {"rl", "used"}, asked=0.6).covered
    assert judge(hits(0.05), ("rl", "used"), VOCABULARY | {"rl", "used"}, asked=0.91).covered
    talk = judge(hits(0.1), ("rl", "irl"), VOCABULARY | {"rl"}, probe(0.15), things={"irl": -0.2}, asked=0.91)
    assert talk.covered and talk.missing == ()


def test_a_few_words_followed_by_here_say_who_asks():
    from assistant.relevance import about_asker

    assert {"backend", "dev"} <= about_asker("backend dev here, where do i fit in ML?")
    assert about_asker("what is here?") == frozenset()


def test_a_number_is_no_subject_and_chat_before_the_asker_speaks_is_no_part_of_it():
    from assistant.relevance import about_asker, unknown_terms

    assert unknown_terms(("1", "help", "coach"), frozenset({"help"})) == ("coach",)
    assert "convinc" in about_asker("ok im convinced. what do i do first, step by step")


def test_the_askers_own_things_and_home_are_background_unless_a_sum_is_asked():
    from assistant.relevance import owned_by_asker

    assert owned_by_asker("which algorithms should I know before my interviews?") == {"interview"}
    words = VOCABULARY | {"algorithm", "know"}
    asked = judge(
        hits(0.5),
        ("algorithm", "know", "interview"),
        words,
        probe(0.5),
        things={"interview": 0.3},
        classes={"interview": "noun"},
        text="which algorithms should I know before my interviews?",
    )
    assert asked.covered and asked.missing == ()
    alone = judge(
        hits(0.3),
        ("format", "resume"),
        VOCABULARY,
        probe(0.5),
        things={"resume": 0.3, "format": 0.2},
        classes={"resume": "noun", "format": "noun"},
        text="how do I format my resume?",
    )
    assert alone.missing  # with no topic of the guide's left, the resume is the subject
    home = "what do ML engineers do? I'm a nurse in Manila"
    there = judge(hits(0.5), ("ml", "engine", "manila"), VOCABULARY, probe(0.5), text=home)
    assert there.covered and there.missing == ()
    pay = "what do ML engineers earn? I'm a nurse in Manila"
    assert (
        "Manila"
        in judge(
            hits(0.5), ("ml", "engine", "salary", "manila"), VOCABULARY, probe(0.5), text=pay, asks_sum=True
        ).missing
    )


def test_who_an_answer_is_for_is_no_occupation_asked_about():
    from assistant.relevance import audience

    assert audience("what projects impress recruiters") == {"recruit"}
    assert audience("what do recruiters earn?") == frozenset()


def test_a_refusal_without_a_subject_names_its_words_of_talk_as_talk():
    # "how long is it supposed to take to read?": no word names a thing, nothing is close; the refusal
    # may say "supposed", but marks it as talk, so an answer to another part does not list it as missing.
    talk = judge(
        hits(0.2),
        ("suppos", "read"),
        VOCABULARY | {"read"},
        probe(0.2),
        things={"suppos": -0.07},
        classes={"suppos": "other"},
        nouns=frozenset(),
        text="how long is it supposed to take to read?",
    )
    assert not talk.covered and talk.missing == ("supposed",) and talk.talk
    # "which edition should I buy?": "edition" can be a noun, so the refusal names a subject, not talk
    edition = judge(
        hits(0.2),
        ("edition", "buy"),
        VOCABULARY,
        probe(0.2),
        things={"edition": 0.0, "buy": -0.1},
        classes={"edition": "other", "buy": "other"},
        nouns=frozenset({"edition"}),
        text="which edition should I buy?",
    )
    assert not edition.covered and not edition.talk
    # "what's the salary of a plumber?": a subject the guide lacks is named, and not as talk.
    subject = judge(
        hits(0.2),
        ("plumb",),
        VOCABULARY,
        probe(0.2),
        things={"plumb": 0.2},
        classes={"plumb": "noun"},
        text="a plumber?",
    )
    assert not subject.covered and subject.missing == ("plumber",) and not subject.talk


def test_a_question_without_a_topic_word_is_answered_when_asked_like_a_passages_question():
    # "who wrote this?": every word is one of asking, nothing is close in the guide's text, but the title
    # passage answers "who wrote this guide?"; "tell me a joke" is like no question the guide answers.
    assert judge(hits(0.2), (), VOCABULARY, asked=0.59).covered
    assert not judge(hits(0.2), (), VOCABULARY, asked=0.3).covered
    assert not judge(hits(0.2), (), VOCABULARY, asked=0.59, config=Config(asked_no_topic=1.0)).covered
