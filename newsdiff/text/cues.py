"""Word lists for attribution: conventions of English news writing, as data.

Nothing here names a story's people or sides: those come from the story file.
The gazetteer lets a voice whose institutions say "Kremlin" or "White House"
be recognised in "Russian officials" or "the US embassy".
"""


def _forms(*stems: str) -> list[str]:
    """'stress|es|ed|ing' -> stress, stresses, stressed, stressing."""
    out = []
    for stem in stems:
        base, *endings = stem.split("|")
        out.append(base)
        out.extend(base + e for e in endings)
    return out


# Verbs (and verb phrases) that report what someone said, asked, warned, offered or wants.
SPEECH_VERBS = _forms(
    "say|s|ing", "said", "tell|s|ing", "told", "add|s|ed|ing", "stress|es|ed|ing", "note|s|d", "noting",
    "warn|s|ed|ing", "ask|s|ed|ing", "urge|s|d", "urging", "offer|s|ed|ing", "propose|s|d", "proposing",
    "demand|s|ed|ing", "insist|s|ed|ing", "claim|s|ed|ing", "argue|s|d", "arguing", "explain|s|ed|ing",
    "reiterate|s|d", "reiterating", "reaffirm|s|ed|ing", "voice|s|d", "voicing", "express|es|ed|ing",
    "convey|s|ed|ing", "highlight|s|ed|ing", "emphasise|s|d", "emphasising", "emphasize|s|d", "emphasizing",
    "underscore|s|d", "underscoring", "underline|s|d", "underlining", "announce|s|d", "announcing",
    "confirm|s|ed|ing", "deny", "denies", "denied", "denying", "reject|s|ed|ing", "dismiss|es|ed|ing",
    "accuse|s|d", "accusing", "outline|s|d", "outlining", "inform|s|ed|ing", "assure|s|d", "assuring",
    "acknowledge|s|d", "acknowledging", "admit|s|ted|ting", "believe|s|d", "suggest|s|ed|ing",
    "promise|s|d", "promising", "pledge|s|d", "pledging", "vow|s|ed|ing", "threaten|s|ed|ing",
    "welcome|s|d", "welcoming", "complain|s|ed|ing", "criticise|s|d", "criticize|s|d", "condemn|s|ed|ing",
    "reply", "replies", "replied", "replying", "respond|s|ed|ing", "write|s", "wrote", "writing",
    "tweet|s|ed|ing", "report|s|ed|ing", "seek|s|ing", "sought", "brief|s|ed|ing", "hint|s|ed|ing",
    "predict|s|ed|ing", "indicate|s|d", "indicating", "caution|s|ed|ing", "request|s|ed|ing",
    "demand|s|ed", "recall|s|ed|ing", "describe|s|d", "describing", "declare|s|d", "declaring",
    "illustrate|s|d", "illustrating", "signal|s|led|ed|ling", "expect|s|ed", "want|s|ed",
    "stated", "stating", "observe|s|d", "remark|s|ed", "estimate|s|d", "agree|s|d",
    # Praise and disclosure are said out loud: "X hailed the ties", "the ministry revealed that".
    "hail|s|ed|ing", "laud|s|ed|ing", "praise|s|d", "praising", "reveal|s|ed|ing",
) + [
    "pointed out", "points out", "point out", "made clear", "makes clear", "make clear", "making clear",
    # Inflected forms only: a bare "call for"/"call on" is as often the noun ("a phone call on trade").
    "laid out", "lays out", "lay out", "called for", "calls for", "calling for", "called on",
    "calls on", "summed up", "sums up", "raised concerns", "raises concerns", "raised concern",
    "went on to", "goes on to", "spoke clearly", "according to", "quoted by",
    "referred to", "refers to", "referring to", "pointed to", "points to", "pointing to",
]

# Verbs that only pass on what someone else said: their subject is a source, not a speaker.
RELAY_VERBS = _forms("report|s|ed|ing", "quote|s|d", "quoting", "recall|s|ed|ing", "cite|s|d", "citing")

# Verbs that close a sentence-final attribution ("..., the ministry said."): such a frame
# outranks the frames before it.
TRAILING_VERBS = _forms(
    "say|s", "said", "add|s|ed", "told", "tell|s", "note|s|d", "stress|es|ed", "report|s|ed", "recall|s|ed",
    "write|s", "wrote", "explain|s|ed", "confirm|s|ed", "claim|s|ed", "insist|s|ed", "warn|s|ed", "tweet|s|ed",
    "conclude|s|d", "announce|s|d",
) + ["summed up", "sums up", "according to", "quoted by"]

# A press source: its frame is transparent, the speaker is inside it.
MEDIA_WORDS = [
    "media", "world media", "state media", "local media", "reports", "report", "press reports",
    "agency", "news agency", "newspaper", "paper", "television", "tv", "broadcaster", "channel", "outlet",
    "magazine", "wire", "daily", "radio", "website", "sources", "source", "reporters", "journalists",
    "Associated Press", "AP", "Reuters", "AFP", "Agence France-Presse", "TASS", "Interfax", "RIA Novosti",
    "RIA", "Sputnik", "Xinhua", "CNN", "BBC", "Bloomberg", "BTA", "Al Jazeera", "Guardian", "New York Times",
    "Washington Post", "Wall Street Journal", "Financial Times", "Kyodo", "Yonhap", "dpa", "ANSA", "EFE",
    "NPR", "ABC", "CBS", "NBC", "Fox News", "Politico", "Axios", "RT", "Kommersant", "Izvestia",
    "Global Times", "People's Daily", "CGTN", "Anadolu", "PTI", "IRNA",
]

# Descriptors that take a person out of any government voice.
FORMER_WORDS = ["former", "ex", "retired", "onetime", "one-time", "erstwhile", "late"]
ANALYST_WORDS = [
    "analyst", "analysts", "expert", "experts", "fellow", "professor", "scholar", "scholars", "researcher",
    "researchers", "observer", "observers", "commentator", "commentators", "think tank", "think-tank",
    "academic", "academics", "historian", "economist", "economists", "columnist", "critics", "critic",
    "pundit", "pundits", "strategist", "consultant", "lecturer",
]

# Nouns naming a person by role: with a country ("Russian presidential aide") they carry its voice;
# alone and definite ("the adviser") they point back to the last person who spoke.
PERSON_ROLES = [
    "president", "prime minister", "premier", "minister", "foreign minister", "secretary", "press secretary",
    "adviser", "advisor", "aide", "spokesman", "spokeswoman", "spokesperson", "diplomat", "ambassador",
    "envoy", "official", "officials", "chancellor", "leader", "counterpart", "director", "chief", "head",
    "general", "commander", "negotiator", "representative", "deputy", "senator", "lawmaker", "lawmakers",
    "lawmakers", "legislator", "legislators", "mp", "governor", "mayor", "king", "queen", "emir", "sheikh",
    "administration official", "administration officials", "officer", "officers", "vice president",
    "national security adviser", "head of state",
]
# Nouns naming an institution or a document that speaks for one ("the statement said").
INSTITUTION_NOUNS = [
    "government", "administration", "ministry", "foreign ministry", "embassy", "department", "office",
    "press service", "presidency", "cabinet", "military", "army", "authorities", "side", "delegation",
    "statement", "readout", "communique", "communiqué", "spokesperson's office", "mission", "consulate",
    "leadership", "regime", "state department", "foreign office", "defence ministry", "defense ministry",
]
# Legislatures are not the executive voice of their country.
NON_EXECUTIVE = ["lawmakers", "lawmaker", "legislators", "legislator", "senator", "congress", "parliament",
                 "opposition", "mp", "mps"]

PRONOUNS_PERSON = ["he", "she"]
PRONOUNS_INSTITUTION = ["it"]

# Groups that name both sides at once.
BOTH_SIDES = [
    "the two leaders", "both leaders", "the two presidents", "both presidents", "the two sides",
    "both sides", "the leaders", "the two", "the pair", "the two men", "both countries", "the two countries",
    "both governments", "the two governments", "both capitals", "the two capitals",
]

# Words that make a run of capitalised words an organisation or a thing, not a person.
ORGANISATION_WORDS = {
    "institute", "institution", "university", "college", "center", "centre", "foundation", "council",
    "endowment", "corporation", "company", "agency", "ministry", "department", "committee", "party",
    "times", "news", "post", "press", "group", "bank", "fund", "forum", "association", "union", "office",
    "service", "war", "treaty", "agreement", "agreements", "organization", "organisation", "alliance",
    "house", "street", "square", "sea", "ocean", "river", "airport", "program", "programme", "summit",
}

# Title words stripped from a detected name ("French President Emmanuel Macron" -> "Emmanuel Macron").
TITLE_WORDS = {
    "president", "premier", "prime", "minister", "foreign", "secretary", "press", "senior", "adviser", "advisor",
    "national", "security", "aide", "spokesman", "spokeswoman", "spokesperson", "diplomat", "ambassador",
    "envoy", "official", "chancellor", "leader", "director", "chief", "head", "general", "gen", "commander",
    "deputy", "senator", "sen", "rep", "governor", "mayor", "former", "retired", "mr", "mrs", "ms", "dr",
    "prof", "professor", "analyst", "expert", "fellow", "state", "defense", "defence", "vice", "the",
    "kremlin", "white", "house", "presidential", "top", "lt", "col", "colonel", "adm", "admiral", "king",
    "queen", "his", "her", "its", "their", "our", "in", "a", "an", "and", "of", "by", "on", "at", "for",
    "with", "ahead", "before", "after", "during", "later", "earlier", "today", "tuesday", "monday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "according", "moreover", "however", "meanwhile",
    "also", "but", "when", "while", "asked", "said", "told", "intelligence", "service",
}

# Prepositions that end a subject's head: "Sullivan during a briefing on Tuesday said".
SUBJECT_PREPOSITIONS = [
    "during", "with", "in", "at", "on", "after", "before", "amid", "from", "for", "via", "over", "ahead",
    "following", "since", "until", "into", "at", "by", "to",
]
# Words that end a subject window going backwards: what precedes them is another clause.
CLAUSE_WORDS = ["that", "but", "while", "because", "although", "though", "whereas", "if", "when", "as",
                "which", "who", "so", "where", "and that", "yet"]

# Countries, their demonyms, capitals and seats of government.
GAZETTEER = {
    "united_states": ["United States", "US", "U.S.", "USA", "U.S.A.", "America", "American", "Americans",
                      "Washington", "White House", "Pentagon", "State Department"],
    "russia": ["Russia", "Russian", "Russians", "Moscow", "Kremlin", "Russian Federation"],
    "china": ["China", "Chinese", "Beijing", "PRC", "People's Republic", "Zhongnanhai"],
    "ukraine": ["Ukraine", "Ukrainian", "Ukrainians", "Kyiv", "Kiev"],
    "france": ["France", "French", "Paris", "Elysee", "Élysée"],
    "germany": ["Germany", "German", "Germans", "Berlin"],
    "united_kingdom": ["United Kingdom", "UK", "U.K.", "Britain", "British", "London", "Downing Street"],
    "italy": ["Italy", "Italian", "Rome"],
    "latvia": ["Latvia", "Latvian", "Riga"],
    "lithuania": ["Lithuania", "Lithuanian", "Vilnius"],
    "estonia": ["Estonia", "Estonian", "Tallinn"],
    "poland": ["Poland", "Polish", "Warsaw"],
    "belarus": ["Belarus", "Belarusian"],
    "japan": ["Japan", "Japanese", "Tokyo"],
    "south_korea": ["South Korea", "South Korean", "Seoul"],
    "north_korea": ["North Korea", "North Korean", "Pyongyang"],
    "india": ["India", "Indian", "New Delhi"],
    "pakistan": ["Pakistan", "Pakistani", "Islamabad"],
    "iran": ["Iran", "Iranian", "Tehran"],
    "israel": ["Israel", "Israeli", "Jerusalem"],
    "turkey": ["Turkey", "Turkish", "Ankara", "Türkiye"],
    "saudi_arabia": ["Saudi Arabia", "Saudi", "Riyadh"],
    "canada": ["Canada", "Canadian", "Ottawa"],
    "mexico": ["Mexico", "Mexican"],
    "brazil": ["Brazil", "Brazilian", "Brasilia"],
    "taiwan": ["Taiwan", "Taiwanese", "Taipei"],
    "australia": ["Australia", "Australian", "Canberra"],
    "european_union": ["European Union", "EU", "Brussels", "European", "Europeans", "Europe"],
    "nato": ["NATO", "Nato", "North Atlantic Treaty Organization", "Alliance"],
    "united_nations": ["United Nations", "UN", "U.N."],
    "georgia": ["Georgia", "Georgian", "Tbilisi"],
    "hungary": ["Hungary", "Hungarian", "Budapest"],
    "spain": ["Spain", "Spanish", "Madrid"],
    "netherlands": ["Netherlands", "Dutch", "The Hague"],
    "sweden": ["Sweden", "Swedish", "Stockholm"],
    "finland": ["Finland", "Finnish", "Helsinki"],
    "norway": ["Norway", "Norwegian", "Oslo"],
    "syria": ["Syria", "Syrian", "Damascus"],
    "egypt": ["Egypt", "Egyptian", "Cairo"],
    "qatar": ["Qatar", "Qatari", "Doha"],
    "vietnam": ["Vietnam", "Vietnamese", "Hanoi"],
    "philippines": ["Philippines", "Philippine", "Filipino", "Manila"],
    "venezuela": ["Venezuela", "Venezuelan", "Caracas"],
    "cuba": ["Cuba", "Cuban", "Havana"],
    "south_africa": ["South Africa", "South African", "Pretoria"],
    "kazakhstan": ["Kazakhstan", "Kazakh", "Astana"],
}

# A reporting verb after one of these is passive ("Biden is expected to", "the envoy was told"):
# its subject is not the speaker.
BE_FORMS = ["is", "are", "was", "were", "be", "been", "being", "is not", "was not", "isn't", "wasn't",
            "get", "gets", "got"]
# A reporting verb after one of these (or a contracted "n't") says nothing was said ("did not confirm").
NEGATIONS = ["not", "never", "declined to", "declines to", "refused to", "refuses to", "failed to",
             "fails to"]
# A frame inside a clause opened by one of these is background to the main clause
# ("when X said ...", "although X had said ..."); "as" is left out ("as X said" endorses).
SUBORDINATORS = ["when", "although", "though", "even though", "while", "whilst", "after", "before", "since",
                 "because", "until", "once", "whereas", "if", "unless"]
# Words set off by commas between a subject and its verb: "X, meanwhile, demanded".
ASIDE_WORDS = ["meanwhile", "however", "also", "too", "in turn", "for his part", "for her part",
               "for its part", "for their part", "in response", "in return", "instead", "again",
               "separately", "later", "earlier", "then", "though", "therefore", "nonetheless",
               "nevertheless", "by contrast", "in contrast", "for example", "for instance"]
# Objects that give a reporting verb another sense: "recalled its ambassador" withdraws a person.
WITHDRAWN_PEOPLE = ["ambassador", "ambassadors", "envoy", "envoys", "diplomat", "diplomats", "troops",
                    "forces", "staff", "delegation", "mission", "representative", "representatives"]
WITHDRAW_VERBS = _forms("recall|s|ed|ing")
# Participles that, set off by commas or opening a sentence, make their subject the one spoken to:
# "X, asked about Y, would not ...", "Asked about Y, X said ...".
PASSIVE_PARTICIPLES = ["asked", "told", "informed", "briefed", "pressed", "urged", "questioned"]
# Auxiliaries and adverbs between a subject and its verb: "he has also said", "she then told".
AUXILIARIES = ["also", "then", "later", "again", "too", "first", "further", "still", "once", "had", "has",
               "have", "would", "will", "did", "does", "do", "could", "may", "might", "must", "should", "can"]
# Verbs that are speech when their object gets a quoted label: "X called Y “a statesman”" (but
# "X called Y on Tuesday" is a phone call).
NAMING_VERBS = _forms("call|s|ed|ing", "dub|s|bed|bing", "brand|s|ed|ing", "label|s|led|ed|ling")
