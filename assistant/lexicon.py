"""English word lists the pipeline reads: data, not logic, grouped by what each list is for.

None of these names a guide or a question of any evaluation set; the guide's own vocabulary (its
career thesaurus, titles, example questions) lives in `assistant/guide.py`.
"""

from __future__ import annotations

# Function words: carry no topic, dropped before lexical matching and never "unknown" to the guide;
# the last two lines are contractions typed as one word ("arent they the same?", "gimme the tl;dr").
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been being between both but by can
    could did do does doing done down during each else few for from further get gets getting got had
    has have having he her here hers him his how i if in into is it its itself just kind let like me
    might more most much must my myself need needs no nor not now of off on once one only or other
    our out over own please really same say she should so some such tell than that the their them
    then there these they thing things this those through to too under until up us very want was way
    we were what whats when where which while who whom why will with would you your yours yourself
    hi hello hey thanks thank ok okay im id ive dont cant s t d ll ve re m lot lots know guide
    without within vs versus u ur etc
    arent isnt wasnt werent doesnt didnt wont wouldnt shouldnt couldnt hasnt havent hadnt youre
    theyre thats whos hows wheres gimme wanna gonna lemme gotta kinda sorta dunno
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# Words of a question's form, not its topic ("how long does it take", "what's the best way to start",
# "pros and cons"): neither evidence that the guide covers a question nor that it does not. The last two
# lines are when ("I'm graduating in May"), which the guide's figures do not depend on. Numbers, spelled
# ("half a million") or not, words for kinds ("the three flavours of ML") and of judging ("is it legit?",
# "overrated?") are form, not topic.
GENERIC = frozenset(
    """
    able across actually advice after ago ahead already always answer anyone anything around ask
    average back bad band become becoming begin best better big choose choosing common compare
    consider current day days decide describe detail difference different difficult does easy enough
    especially even ever every exactly example explain fast fastest fit find first focus general
    give go going good great hard help high higher highest important improve include information
    interested job kind large last learn least less level life little long look lot low main
    make many matter mean mid more most move much necessary new next normal often old option part
    people person pick possible probably quick quickly real recommend require right role say see
    seem short should show similar small someone something soon start still stuff suggest sure take
    talk thing think time tip today top try typical typically use used useful usual usually version
    want way well whole work worth year years need needed study studying benefit benefits
    topic topics personal idea ideas put area areas field option options path paths step steps
    ways get hire hired since change changing changed range instead mostly count follow land expect
    expected pros cons upside downside side besides beside differently non contribute contributing
    write writing wrote involve involved reach succeed success successful proper regular run mix
    together couple task tasks deal
    two three four five six seven eight nine ten second third fourth fifth sixth seventh eighth
    half dozen hundred hundreds thousand thousands million millions billion
    legit legitimate worthwhile overrated underrated viable realistic
    flavor flavors flavour flavours variety varieties branch branches sort sorts category categories
    former latter longer shorter harder easier faster slower bigger smaller read reading
    everything everyone everybody anybody somebody nothing nobody whatever whoever
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# How a clause that speaks of the person asking opens ("I'm a 35 yo accountant, ...", "my cousin works at
# a bank, ..."): its words are who asks, not what is asked (assistant/relevance.py, about_asker).
ASKER_OPENINGS = (
    *("i'm", "im", "i am", "i've", "ive", "i have", "i was", "i'd been", "my"),
    # what the asker does for a living: "I run A/B tests at work as a marketing analyst, ..."
    *("i work", "i run", "i manage", "i studied", "i teach", "i graduated"),
    # what the asker knows, saw, has or wants: "I only know JavaScript", "I want to pick one to impress recruiters"
    *("i know", "i only know", "i saw", "i live", "i want", "i only have", "i'll be", "i will be"),
)
# Verbs whose object is who a question's answer is for, not what it asks about: "projects that impress
# recruiters", "what to show hiring managers" (assistant/relevance.py, audience).
AUDIENCE_VERBS = (
    "impress",
    "impresses",
    "wow",
    "convince",
    "show",
    "attract",
    "appeal to",
    "stand out to",
    "stand out for",
)
# ... and the words a clause that asks opens with, which end such background.
QUESTION_OPENINGS = frozenset(
    [
        "what",
        "which",
        "how",
        "where",
        "when",
        "why",
        "who",
        "whom",
        "whose",
        "should",
        "can",
        "could",
        "is",
        "are",
        "am",
        "do",
        "does",
        "did",
        "will",
        "would",
        "was",
        "were",
        "has",
        "have",
        "any",
        "anything",
        "tell",
        "give",
        "list",
    ]
)

# How people point at the passage before or after the one just answered, in the guide's order ("and the
# level after that?", "the next one up", "the stage before that"): +1 is the next, -1 the one before.
RELATIVE_STEPS = (
    (r"\b(?:next|following)\s+(?:one|level|stage|tier|band|rung)\b", 1),
    (r"\b(?:one|level|stage|tier|band|rung)s?\s+(?:up|above|higher|after\s+(?:that|this|it))\b", 1),
    (r"\b(?:after|above)\s+(?:that|this|it)\b", 1),
    (r"\bsteps?\s+up\b", 1),  # "the next step up" (not "the next step": what to do next)
    (r"\b(?:previous|preceding)\s+(?:one|level|stage|tier|band|rung)\b", -1),
    (r"\b(?:one|level|stage|tier|band|rung)s?\s+(?:down|below|lower|before\s+(?:that|this|it))\b", -1),
    (r"\b(?:before|below)\s+(?:that|this|it)\b", -1),
    (r"\bsteps?\s+down\b", -1),
)

# How a question asks what kinds of something there are ("what kinds of jobs are there?", "what are the
# different roles?"): assistant/overview.py.
KIND_WORDS = ("kinds", "kind", "types", "type", "sorts", "categories", "list", "overview", "range")
KIND_QUALIFIERS = ("different", "main", "various", "possible", "available", "major", "key", "typical", "usual")

# ... and at the one before or after a passage the question names itself ("what comes after senior?", "the
# level below principal"): the passage found for the question, then its neighbour.
ANCHORED_STEPS = (
    (r"\b(?:comes?|is|are|goes?)\s+(?:after|above|beyond)\s+(?!(?:that|this|it|them|those)\b)\w", 1),
    (r"\b(?:comes?|is|are)\s+(?:before|below|under)\s+(?!(?:that|this|it|them|those)\b)\w", -1),
    (r"\b(?:level|stage|step|tier|band)\s+(?:after|above)\s+(?!(?:that|this|it|them|those)\b)\w", 1),
    (r"\b(?:level|stage|step|tier|band)\s+(?:before|below)\s+(?!(?:that|this|it|them|those)\b)\w", -1),
)

# Words that ask about a person's age ("am I too old at 45?", "is 22 too young to start?"), a subject
# no career guide's words stand for (assistant/relevance.py, asks_about_age).
AGE_WORDS = frozenset(["old", "older", "oldest", "age", "aged", "ageism", "young", "younger"])

# Ordinals people use to point at an item of the previous answer ("the fourth one", "the 2nd").
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "former": 1, "latter": -1, "last": -1,
}  # fmt: skip

# Social turns: a message made only of these words (and stop words) is small talk, not a question.
# Each group names the reply it gets (assistant/answer.py).
SOCIAL = {
    "thanks": frozenset(
        ["thanks", "thank", "thx", "ty", "cheers", "appreciate", "appreciated", "much", "lot", "lots", "ton", "tons"]
        + ["bunch", "helpful", "helped", "helps", "useful", "danke", "merci", "gracias", "grazie", "obrigado"]
    ),
    "bye": frozenset(["bye", "goodbye", "goodnight", "later", "see", "ya", "cya", "farewell", "night"]),
    "ack": frozenset(
        ["ok", "okay", "k", "great", "cool", "nice", "awesome", "perfect", "got", "it", "gotcha", "understood", "sounds", "good", "fine", "alright", "right", "sure", "yes", "yeah", "yep", "no", "nope", "wow", "interesting", "makes", "sense", "clear", "fair", "enough", "neat", "excellent", "brilliant", "amazing", "super", "lovely", "that", "lol", "haha", "rock", "rocks", "best", "legend"]
    ),
    "hello": frozenset(["hi", "hello", "hey", "hiya", "howdy", "morning", "afternoon", "evening", "greetings", "there", "yo", "sup", "hola", "bonjour", "hallo", "salut", "ciao"]),
}  # fmt: skip

# Words that ask for something ("tell me more about it", "can you explain?", "give me the short version"): a message with one
# is a question, never a social turn (assistant/social.py).
REQUEST_WORDS = frozenset(
    ["tell", "explain", "elaborate", "expand", "details", "describe", "continue", "why", "give", "show", "list"]
    + ["summarize", "summarise", "recap"]
)

# Frequent function words of other languages written in Latin script. A message with several of these
# and few English ones is not in English; the assistant answers in English only and says so.
FOREIGN_FUNCTION_WORDS = frozenset(
    """
    el la los las un una unos unas del al que qué es está son como cómo para por con sin pero más
    cuánto cuanto cuál cual dónde donde quiero puedo necesito tengo hay muy también porque sobre
    le les des du et est sont avec pour dans mais plus combien quel quelle quels comment je tu nous
    vous il elle ils faut dois être avoir suis une ce cette ces où
    der die das den dem des ein eine einen einem ist sind und oder mit für ohne aber wie was wieviel
    viel welche welcher wo ich du wir ihr sie brauche muss kann nicht auch werden verdient
    il lo gli della delle che è sono come per con ma più quanto quale dove io voglio posso
    o os as um uma é são como para com mas mais quanto qual onde eu quero posso preciso
    de het een en van ik je wij zijn hoeveel welke waar
    sehr bitte danke hallo muy gracias hola très merci bonjour grazie obrigado
    guten tag morgen abend tschüss ciao salut bonsoir beaucoup buenos buenas días dias tardes noches
    adiós adios buongiorno buonasera arrivederci olá obrigada bom dia tudo bem goedemorgen dank
    """.split()  # noqa: SIM905 - a word list reads best as words
)
ENGLISH_MARKERS = STOPWORDS - {"a", "i", "is", "me", "no", "on", "do", "die", "as", "an", "be", "so", "to", "in"}

# How people text, read as the words they stand for (English, any guide): "r" is "are" only before a
# pronoun, a determiner or "there" ("what kinds of ml r there"), so "should I learn r" keeps the language.
TEXTING = ((r"\br(?= (?:there|you|u|they|we|the|these|those|some|any|all|ur|your|my|most|more)\b)", "are"),)

# What a word the guide never uses reads as, to the model (assistant/retrieval.py, Retriever.senses):
# a thing one could look up and find missing from the guide ("Toronto", "equity", "Kubernetes"), or a
# word of how people talk ("mainly", "bother", "tho"), which is no subject of the question.
THING_ANCHORS = (
    "a place, a company, a product or a tool",
    "a city or country",
    "a company or organization",
    "a software product or technology",
    "money, currency or a financial asset",
    "a legal or administrative procedure",
)
TALK_ANCHORS = (
    "an adverb",
    "a feeling or opinion",
    "a verb, an action",
    "slang or an abbreviation in a chat message",
    "a filler word",
)

# Phrases of chat that say nothing about the topic ("in a nutshell", "you guys", "pay wise"): their words
# are neither the guide's nor a subject it lacks (assistant/retrieval.py leaves them out of a question's terms).
FILLERS = (
    r"\bin a nutshell\b|\blong story short\b|\bto be honest\b|\bbe honest\b|\bhonestly\b|\btbh\b|\bngl\b"
    r"|\byou guys\b|\ball of you\b|\basking for a friend\b|\bat the end of the day\b|\breal talk\b"
    r"|\bbottom line\b|\bin general\b|\bgenerally speaking\b|\bso to speak\b|\bi guess\b|\bi mean\b"
    r"|(?<=\w)[- ]wise\b"
)

# Forms of question that ask for a forecast, which a guide of what is does not make: "will AI replace data
# scientists?", "is ML engineering going to be automated by 2030?" (assistant/assistant.py names the label
# as what the guide does not give, whatever passage is close to the rest).
FORECASTS = (
    (
        r"\b(?:will|going to|gonna|end up|in the next \d+ years)\b.*\b(?:replac\w*|take over|taking over|"
        r"obsolete|disappear\w*|die out|dying out|wipe out)\b"
        r"|\b(?:automat\w*|kill\w*)\s+(?:away\s+)?(?:\w+\s+){0,3}(?:jobs?|roles?|engineers?|scientists?|people|"
        r"humans|workers|careers?)\b"
        r"|\b(?:replac\w*|take over|automat\w*)\b.*\b(?:by|in) 20[3-9]\d\b",
        "forecasts",
    ),
)

# A number of years of experience a question gives ("a ds with like 3 yoe", "I have 3 years of experience",
# "I've been an ML engineer for 3 yrs", "once I'm 6 yrs in?"),
# its number captured, and a span of years a line states ("2-5 years", "8+ years"): the passage whose span
# holds the number is the one about that asker (assistant/measures.py).
EXPERIENCE = (
    r"\b(\d{1,2})\s*\+?\s*(?:yoe|(?:years?|yrs?)\s+(?:of\s+)?(?:experience|experince|exp|xp)"
    r"|(?:years?|yrs?)\s+in\s+(?:the\s+field|ml|ai|data\s+science|industry))\b"
    r"|\bwith\s+(?:like\s+|about\s+|around\s+|roughly\s+)?(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b"
    r"|\b(?:i'?ve|i have|have|has)\s+been\b[^.?!]{0,40}?\bfor\s+(?:like\s+|about\s+|around\s+|roughly\s+)?"
    r"(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b"
    # "once I'm like 6 yrs in?", "8 years into my career", "after 3 years?"
    r"|\b(\d{1,2})\s*\+?\s*(?:years?|yrs?)\s+(?:in\s*(?=[?!.,]|$)|into\s+(?:my|the|a|your)\s+career)"
    r"|\bafter\s+(?:like\s+|about\s+|around\s+|roughly\s+)?(\d{1,2})\s*\+?\s*(?:years?|yrs?)\s*(?=[?!.,]|$)",
    r"\b(\d{1,2})\s*(?:[-–]\s*(\d{1,2})|(\+))\s*(?:years?|yrs?)\b",
)

# What a question asks to be measured, and how a passage states such a measure (assistant/measures.py):
# "how much does a bootcamp cost?" is answered by a passage with a sum in it, not by "Lower cost";
# "how long is a masters?" by one with a span of time. Each entry: the measure, the forms of question
# that ask for it, the form of text that states it, how an answer names it when no passage does, and
# its units, if a question may name one ("how many hours a week": a span in years does not answer it).
# "How fast is the field growing?" asks for a rate, not a span of time.
_SUM = r"[$€£]\s?\d|\b\d+(?:\.\d+)?\s?[kK]\b|\b\d[\d,.]*\s?(?:dollars|usd|euros?|eur|pounds|gbp)\b"
MEASURES = (
    (
        "pay",
        r"\bhow much\b(?:(?!\bhow\b).)*\b(?:pay|pays|paid|earn|earns|make|makes)\b"
        r"|\b(?:salary|salaries|pay|paid|earn|earns|earning|earnings|wage|wages|compensation|comp|income)\b",
        _SUM,
        "a salary figure",
        None,
    ),
    (
        "cost",
        r"\bhow much\b(?:(?!\bhow\b).)*\b(?:cost|costs|charge|charges|spend|price|money)\b"
        r"|\b(?:price|prices|priced|fee|fees|tuition)\b|\bcosts?\s+(?:of|for)\b|\bwhat\b.*\bcosts?\b"
        # "how much is a bootcamp?", "how much r bootcamps lol": a thing's price
        r"|\bhow much\s+(?:is|are|r)\s+(?:a\s+|an\s+|the\s+|one\s+)?(?!enough\b|too\b|it\b|that\b|this\b)"
        r"[a-z][\w-]*\s*(?:[?!.]|lol\b|tho\b|$)",
        _SUM,
        "a price",
        None,
    ),
    (
        "time",
        r"\bhow long\b|\bhow soon\b|\bhow (?:quickly|fast)\b(?!(?:\s+\w+){0,4}?\s+(?:grow|grows|growing|grown|"
        r"expand\w*|chang\w*|evolv\w*|increas\w*|ris(?:e|es|ing)|mov(?:e|es|ing))\b)|\bhow much time\b|\bhow many (?:years|yrs?|yoe|months|weeks|days|hours)\b"
        r"|\btime ?line\b|\btime ?frame\b",
        r"\b\d+\s*(?:[-–]\s*\d+\s*)?\+?\s*(?:years?|yrs?|months?|weeks?|days?|hours?)\b",
        "how long it takes",
        r"\b(hour|day|week|month|year)s?\b",
    ),
    # "how many papers should I publish?": a number of the things named, stated on a line that names them
    # ("Build 3-4 portfolio projects"); not "how many roles are there?", which the list itself answers.
    (
        "count",
        r"\bhow many\b(?!.*\b(?:are there|is there|exist|does (?:the guide|it|this guide) (?:list|mention|have|name)))",
        r"\d",
        "how many",
        r"\bhow many\s+([a-z][a-z-]*)",
    ),
    # "who wrote / made / maintains X?", "which company built X?": a maker, stated by a name in brackets or
    # after "by" on the line that names X ('"Hands-On Machine Learning" (Aurelien Geron)', "JAX (Google
    # research)", "Coursera ML by Andrew Ng"); measures.of_subject checks the line is X's.
    (
        "who",
        r"\bwho(?:'s|\s+is|\s+are)?\s+(?:wrote|writes|made|makes|created|creates|built|builds|developed|develops|"
        r"teach(?:es)?|taught|maintains?|owns?|founded|invented|behind|the (?:author|creator|maker|founder)s?)\b"
        r"|\bwhich\s+(?:company|companies|organi[sz]ation|person|lab|team)\s+(?:made|makes|built|builds|created|"
        r"creates|developed|develops|maintains?|owns?|is behind)\b",
        r"\((?-i:[A-Z])[\w.'-]*(?:\s+[\w.'-]+){0,3}\)|\bby\s+(?-i:[A-Z])[\w.'-]+",
        "who made it",
        None,
    ),
)

# Questions that ask which of several things has the most or least of a measure ("which of those is
# quickest?", "which level pays the most?", "what's the cheapest route?"): each entry the measure (a name
# in MEASURES), "least" or "most", the superlatives that ask it, and the comparatives that ask it in a
# question that offers a choice (CHOICE: "which takes longer?", "a bootcamp or a degree, which is
# cheaper?", "what's the quicker way in?"; not "does a degree help you climb faster?"). The passage stating the extreme leads
# (assistant/measures.py compares the figures the passages state).
# Words by which a line speaks of a measure without a figure ("Lower cost", "Faster entry"): a comparison
# the guide makes in words is answered (assistant/measures.py, by_extreme).
MEASURE_WORDS = {
    "time": r"\b(?:fast|faster|fastest|quick|quicker|quickest|slow|slower|short|shorter|long|longer|time)\b",
    "cost": r"\b(?:cost|costs|cheap|cheaper|cheapest|price|prices|expensive|afford\w*)\b",
    "pay": r"\b(?:pay|pays|paid|paying|salary|salaries|earn\w*|compensation)\b",
}
CHOICE = r"\bwhich\b|\bor\b|\bvs\.?\b|\bversus\b|\bcompared\b|\bthan\b|\bthe\s+(?:more\s+|less\s+)?[a-z]+er\b"
EXTREMES = (
    ("time", "least", r"\b(?:quickest|fastest|shortest|soonest|least time)\b", r"\b(?:quicker|faster|shorter|less time)\b"),
    ("time", "most", r"\b(?:longest|slowest|most time)\b", r"\b(?:longer|slower|more time)\b"),
    (
        "pay",
        "most",
        r"\b(?:highest|best|top)[- ](?:paid|paying)\b|\b(?:pays?|paid|earns?|makes?)\s+(?:the\s+)?(?:most|best|highest)\b"
        r"|\bmost money\b",
        r"\b(?:better|higher)[- ](?:paid|paying)\b|\b(?:pays?|paid|earns?|makes?)\s+more\b|\bmore money\b",
    ),
    (
        "pay",
        "least",
        r"\b(?:lowest|worst)[- ](?:paid|paying)\b|\b(?:pays?|paid|earns?|makes?)\s+(?:the\s+)?(?:least|lowest)\b",
        r"\blower[- ](?:paid|paying)\b|\b(?:pays?|paid|earns?|makes?)\s+less\b",
    ),
    ("cost", "least", r"\b(?:cheapest|least expensive|costs?\s+the\s+least)\b", r"\b(?:cheaper|less expensive|costs?\s+less)\b"),
    ("cost", "most", r"\b(?:priciest|most expensive|costs?\s+the\s+most)\b", r"\b(?:pricier|more expensive|costs?\s+more)\b"),
)  # fmt: skip
