"""Decide whose framing each passage of an article carries, and who speaks.

`attribute(passages, roster)` takes an article's passages in order
(`PassageText`: text, paragraph index, kind) and the story's `Roster` (its
voices with their institutions, and the speakers the story file or editors
named) and returns one `Attribution` per passage: the voice slug, the speaker's
name or None, and the rule that decided it. No database, no state kept
between calls.

How a passage is decided, in order:

1. **Speech frames.** Every reporting verb outside quotation marks (`said`,
   `told`, `stressed`, `asked`, `offered`, `according to`, `quoted X as
   saying`...; `cues.SPEECH_VERBS`) opens a frame; its subject is the noun
   phrase before the verb (or after it: `," said X, the former minister`).
   The subject resolves to a voice through, in order: former/retired
   descriptors and analysts (press); both sides at once (press); roster
   speakers (full name, surname, spelling variants) and institutions; a
   country linked to a voice ("Russian officials", "the US embassy"); a third
   country (press); a pronoun or "the adviser"/"the statement" (the last person
   or institution that spoke); a media source ("Reuters reported"), which is
   transparent: the frame inside it decides. A sentence-final attribution
   (`..., Ushakov said.`) outranks the frames before it; otherwise the first
   frame wins, so a narrator's frame outranks the speech it narrates
   (`X's aide said the other leader told him...` carries the aide's voice).
   Cues that report no speech by their subject open no frame: passive
   (`X is expected to`, `charges denied by Y`), negated (`did not confirm`),
   inside a subordinate clause (`when X said`), `recalled its ambassador`,
   `X, asked about Y, ...`; a sentence whose only cues are such is narration
   (default voice, not carried over). `Asked about Y, X said` is X's. "He" is
   the previous sentence's speaker or, failing one, the first person it names;
   "the aide" the latest person the text called an aide; a bare surname the
   latest full person named with it.
2. **Carry-over** for a sentence with no frame: a quotation that continues
   from the previous passage keeps its speaker; otherwise the sentence takes
   the voice of the nearest framed sentence before it in its paragraph (never
   one after it: "They met on Tuesday. X said ..." sets a scene, it is not X's).
   A paragraph opening with an unattributed quotation right after a quoted
   speaker's passage goes on quoting them.
3. Otherwise the default voice (the outlet's narration), rule `none`.

People the rules find but the roster does not list come back with
`new_speaker=True` and `speaker_voice`: the voice their description implies
(a titled official of a linked country), else the default.

>>> roster = Roster(voices=(VoiceEntry("east", "East", ("East Ministry",)),
...                         VoiceEntry("press", "Press", default=True)),
...                 speakers=(SpeakerEntry("Anna Petrova", "east"),))
>>> [a.voice for a in attribute([PassageText("Petrova warned of a long winter.", 0),
...                               PassageText("Analysts doubted it.", 1)], roster)]
['east', 'press']
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import cues


@dataclass(frozen=True)
class VoiceEntry:
    slug: str
    name: str
    institutions: tuple[str, ...] = ()
    default: bool = False


@dataclass(frozen=True)
class SpeakerEntry:
    name: str
    voice: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roster:
    voices: tuple[VoiceEntry, ...]
    speakers: tuple[SpeakerEntry, ...] = ()

    @property
    def default(self) -> str:
        return next(v.slug for v in self.voices if v.default)


@dataclass(frozen=True)
class PassageText:
    text: str
    paragraph: int
    kind: str = "sentence"  # sentence, heading or caption


@dataclass(frozen=True)
class Attribution:
    voice: str
    speaker: str | None = None
    rule: str = "none"
    speaker_voice: str | None = None
    new_speaker: bool = False


# ---------------------------------------------------------------- lexicon


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def _term(words, flags=0) -> re.Pattern:
    """Whole-word match of any of `words` (dots allowed inside: U.S.)."""
    return re.compile(rf"(?<![\w.])(?:{_alternation(words)})(?![\w])", flags)


_CUE = re.compile(
    rf"(?<![\w’'-])(?:{_alternation(cues.SPEECH_VERBS + cues.RELAY_VERBS)})(?![\w’'-])", re.IGNORECASE
)
_TRAILING_VERBS = {w.lower() for w in cues.TRAILING_VERBS}
_NAMING_CUE = re.compile(
    rf"(?<![\w’'-])(?:{_alternation(cues.NAMING_VERBS)})(?=\s+(?:[\w'’.-]+\s+){{0,4}}?[“\"])", re.IGNORECASE
)
_QUOTED_CUE = re.compile(rf"[“\"](?:{_alternation(cues.SPEECH_VERBS)})(?![\w’'-])", re.IGNORECASE)
_FRAME_BREAK = re.compile(r"[,;:“”\"()\[\]—]|\s–\s|--")
_RELAY = {w.lower() for w in cues.RELAY_VERBS}
_FORMER = re.compile(rf"(?<![\w])(?:{_alternation(cues.FORMER_WORDS)})(?:-|\s)", re.IGNORECASE)
_ANALYST = _term(cues.ANALYST_WORDS, re.IGNORECASE)
_MEDIA_LOWER = _term([w for w in cues.MEDIA_WORDS if w.islower()], re.IGNORECASE)
_MEDIA_NAMED = _term([w for w in cues.MEDIA_WORDS if not w.islower()])
_BOTH = re.compile(rf"^(?:{_alternation(cues.BOTH_SIDES)})$", re.IGNORECASE)
_NON_EXECUTIVE = _term(cues.NON_EXECUTIVE, re.IGNORECASE)
_PERSON_ROLE = re.compile(rf"^the\s+(?:\w+\s+)?(?:{_alternation(cues.PERSON_ROLES)})$", re.IGNORECASE)
_INSTITUTION_NOUN = re.compile(rf"^the\s+(?:\w+\s+)?(?:{_alternation(cues.INSTITUTION_NOUNS)})$", re.IGNORECASE)
_PERSON_ROLE_WORD = _term(cues.PERSON_ROLES, re.IGNORECASE)
_PREPOSITION = re.compile(rf"\s(?:{_alternation(cues.SUBJECT_PREPOSITIONS)})\s", re.IGNORECASE)
_CLAUSE = re.compile(rf"(?<![\w])(?:{_alternation(cues.CLAUSE_WORDS)})(?![\w])", re.IGNORECASE)
_STRONG_BOUNDARY = re.compile(r"[;:()\[\]“”\"—]|\s–\s|--")
_NAME = re.compile(r"(?:[A-Z][a-z]?['’]?)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,},[^-–—]{0,40}?(?:--|—|–)\s*")
_QUOTED_AS = re.compile(r"^\s+(?P<subject>.{1,120}?)\s+as\s+(?:saying|telling|stating|writing)\b")
_PARTICIPLE_AFTER_COMMA = re.compile(r",\s*(?:\w+ly\s+|instead\s+|also\s+|while\s+)?$")
# What may follow a sentence-final attribution: nothing, a few words ("told reporters"), or an
# adverbial ("in a statement after the call", ", quoted by TASS") -- not a clause of content.
_ADVERBIAL_TAIL = re.compile(
    rf"^\s*(?:[.!?]?\s*$|(?:\S+\s+){{0,2}}\S+[.!?]\s*$|[,;]|(?:{_alternation(cues.SUBJECT_PREPOSITIONS)}|"
    rf"late|earlier|later|today|yesterday|while|as|after|before|during)\b(?:\s+\S+){{0,12}}\s*[.!?]?\s*$)",
    re.IGNORECASE,
)
_APPOSITION = re.compile(r"^\s*(?:\w+ing\b|\w+ed\b|an?\s|the\s|who\s|now\s)", re.IGNORECASE)
_PASSIVE = re.compile(rf"(?<![\w’'-])(?:{_alternation(cues.BE_FORMS)})\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_NEGATED = re.compile(
    rf"(?:(?<![\w’'-])(?:{_alternation(cues.NEGATIONS)})|n[’']t)"
    r"\s+(?:(?:\w+ly|yet|publicly)\s+)?$",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(rf"(?<![\w])(?:{_alternation(cues.SUBORDINATORS)})\s+(?:\S+\s+){{0,5}}$", re.IGNORECASE)
_ASIDE = re.compile(rf"^\s*(?:{_alternation(cues.ASIDE_WORDS)})\s*$", re.IGNORECASE)
_PASSIVE_PARTICIPLES = set(cues.PASSIVE_PARTICIPLES)
_WITHDRAW = {w.lower() for w in cues.WITHDRAW_VERBS}
_WITHDRAWN = re.compile(rf"^\s+(?:\S+\s+){{0,3}}?(?:{_alternation(cues.WITHDRAWN_PEOPLE)})(?![\w])", re.IGNORECASE)
_PARTICIPLE_QUESTION = re.compile(r"^\s+(?:about|whether|if|how|what|why|when|on|for|by|to|again)\b", re.IGNORECASE)
_TRAILING_ADVERBS = re.compile(rf"(?:\s+(?:[a-z]+ly|{_alternation(cues.AUXILIARIES)}))+$")
_GAZETTEER = {country: _term(names) for country, names in cues.GAZETTEER.items()}
_NEUTRAL_BLOCS = {"european_union", "nato", "united_nations"}
_PRONOUN = {p: "person" for p in cues.PRONOUNS_PERSON} | {p: "institution" for p in cues.PRONOUNS_INSTITUTION}


@dataclass(frozen=True)
class _Lexicon:
    speakers: tuple[tuple[re.Pattern, SpeakerEntry, bool], ...]  # (pattern, speaker, is one word)
    institutions: tuple[tuple[re.Pattern, str], ...]
    voice_of_country: dict[str, str]
    default: str


@functools.lru_cache(maxsize=32)
def _lexicon(roster: Roster) -> _Lexicon:
    variants: dict[str, list[SpeakerEntry]] = {}
    for s in roster.speakers:
        names = {s.name, *s.aliases}
        for name in list(names):
            words = name.split()
            if len(words) > 1:
                # "Biden" for Joe Biden, and "Xi" or "Wang" where the family name comes first.
                names.update({words[0], words[-1]})
        for name in names:
            variants.setdefault(name, []).append(s)
    speakers = tuple(
        (_term([name]), entries[0], " " not in name)
        for name, entries in sorted(variants.items(), key=lambda kv: -len(kv[0]))
        if len({e.voice for e in entries}) == 1  # a short name two sides share names nobody
    )
    institutions = []
    voice_of_country: dict[str, str] = {}
    for v in roster.voices:
        if v.default:
            continue
        names = [*v.institutions, v.name]
        institutions += [(_term([n]), v.slug) for n in names if n]
        for country, pattern in _GAZETTEER.items():
            if any(pattern.search(n) for n in names):
                voice_of_country.setdefault(country, v.slug)
    return _Lexicon(speakers, tuple(institutions), voice_of_country, roster.default)


# ---------------------------------------------------------------- quotes

_OPEN, _CLOSE = "“«", "”»"


def mask_quotes(text: str, inside: bool = False) -> tuple[str, bool]:
    """Text with quoted words blanked (quote marks kept), and whether a quote is still open at the end.

    `inside` says the text starts within a quotation that began earlier.
    >>> mask_quotes('He said "we go" now.')
    ('He said "     " now.', False)
    """
    out = []
    for ch in text:
        if ch in _OPEN or (ch == '"' and not inside):
            inside = True
            out.append(ch)
        elif ch in _CLOSE or (ch == '"' and inside):
            inside = False
            out.append(ch)
        else:
            out.append(" " if inside and not ch.isspace() else ch)
    return "".join(out), inside


# ---------------------------------------------------------------- subjects


@dataclass(frozen=True)
class _Resolution:
    kind: str  # voice, press, transparent, person-ref, institution-ref
    voice: str | None = None
    speaker: str | None = None
    rule: str = ""
    new_speaker: bool = False
    speaker_voice: str | None = None
    role: str | None = None  # for person-ref: the role noun that names them ("the aide")


@dataclass
class _Context:
    last_person: tuple[str | None, str] | None = None  # (speaker, voice) of the last frame with a person
    antecedent: tuple[str | None, str] | None = None  # (speaker, voice) a "he" or "she" points back to
    recent: list[tuple[str, str]] = field(default_factory=list)  # (name, voice) of people named, latest last
    roles: dict[str, set[str]] = field(default_factory=dict)  # name -> role nouns the text gave them
    namesakes: dict[str, str] = field(default_factory=dict)  # surname -> the latest full name with it
    last_institution: str | None = None
    detected: dict[str, str] = field(default_factory=dict)  # name -> voice
    surnames: dict[str, str] = field(default_factory=dict)  # surname -> name
    article_surnames: dict[str, str] = field(default_factory=dict)  # surname -> a full name in the article


def _person_name(segment: str, lex: _Lexicon) -> str | None:
    """The last run of two or more capitalised words that is not a title, place or outlet."""
    best = None
    for run in re.finditer(r"(?:[A-Z][\w'’.-]*\s+){1,5}[A-Z][\w'’-]*", segment):
        words = run.group().split()
        orgs = [k for k, w in enumerate(words) if w.lower().strip(".,") in cues.ORGANISATION_WORDS]
        if orgs:  # "Brookings Institution Michael Doe": the person follows the organisation
            words = words[orgs[-1] + 1:]
        words = [w for w in words if w.lower().strip(".") not in cues.TITLE_WORDS]
        while words and (any(p.fullmatch(words[0]) for p in _GAZETTEER.values())
                         or any(p.fullmatch(words[0]) for p, _ in lex.institutions)):
            words.pop(0)  # "Russian ...", "East ...": the side, not the name
        if len(words) < 2 or not all(_NAME.fullmatch(re.sub(r"['’]s$", "", w)) for w in words):
            continue
        name = " ".join(words)
        if _MEDIA_NAMED.search(name) or any(p.search(name) for p, _ in lex.institutions):
            continue
        if any(p.fullmatch(w) for w in words for p in _GAZETTEER.values()):
            continue
        best = name
    return best


def _resolve(segment: str, context_text: str, lex: _Lexicon, ctx: _Context) -> _Resolution | None:
    """What voice the subject `segment` speaks for; `context_text` adds its appositions.

    A bare surname may be swapped for the namesake's full name and resolved again, once: the full
    name carries given names, and `_namesake` never swaps those (two people sharing a surname
    once sent each to the other forever).
    """
    s = segment.strip(" ,.'\"’‘")
    s = re.sub(r"^(?:and|but|so|then|however|moreover|meanwhile|later|also)\s+", "", s, flags=re.IGNORECASE)
    s = _TRAILING_ADVERBS.sub("", s)  # "he initially said", "he has also said"
    if not s:
        return None
    lower = s.lower()
    person = _known_speaker(s, lex) or _detected_speaker(s, ctx)
    if person and _names_someone_else(s, person[0]):
        person = None  # "Tom Blinken" is not Li Blinken, whom the surname alone found
    if person and (namesake := _namesake(s, person[0], ctx)):
        return _resolve(namesake, context_text.replace(s, namesake), lex, ctx)
    name = person[0] if person else _person_name(s, lex) or _person_name(context_text, lex)
    if _FORMER.search(context_text + " "):
        return _new_person(name, lex.default, "former", lex, ctx, press=True)
    if _ANALYST.search(context_text):
        return _new_person(name, lex.default, "analyst", lex, ctx, press=True)
    if _BOTH.match(s):
        return _Resolution("press", lex.default, rule="both-sides")
    if lower in _PRONOUN:
        return _Resolution(f"{_PRONOUN[lower]}-ref", rule=f"pronoun:{lower}")

    voices: dict[str, str] = {}  # voice -> rule
    speaker = None
    for entry in _speakers_in(s, lex):
        voices.setdefault(entry.voice, "speaker")
        speaker = speaker or entry.name
    if person and not speaker:
        if person[1] == lex.default:  # someone found earlier whose description made them press
            return _Resolution("press", lex.default, person[0], "unlisted-person", speaker_voice=lex.default)
        speaker = person[0]
        voices.setdefault(person[1], "speaker")
    for pattern, voice in lex.institutions:
        if pattern.search(s):
            voices.setdefault(voice, "institution")
    third = []
    for country, pattern in _GAZETTEER.items():
        if pattern.search(s):
            if country in lex.voice_of_country:
                voices.setdefault(lex.voice_of_country[country], "country")
            elif country not in _NEUTRAL_BLOCS:
                third.append(country)
    if _NON_EXECUTIVE.search(s):
        return _Resolution("press", lex.default, rule="legislature")
    if (_MEDIA_LOWER.search(s) or _MEDIA_NAMED.search(s)) and all(r == "country" for r in voices.values()):
        return _Resolution("transparent", rule="media")  # "Russian television reported": a source, not a side
    if len(voices) > 1 or (voices and third):
        return _Resolution("press", lex.default, rule="both-sides")
    if voices:
        voice, rule = next(iter(voices.items()))
        if rule in ("country", "institution") and not speaker and name and not person:
            return _new_person(name, voice, "title", lex, ctx)  # "East Deputy Minister Olga Serova"
        definite_one = lower.startswith("the ") and not lower.endswith("s")
        if rule == "country" and not speaker and definite_one and (role := _PERSON_ROLE_WORD.search(s)):
            # "the Russian presidential aide": the latest person of that side the text called an aide
            speaker = _recent_person(ctx, voice, role.group().lower().split()[-1])
        return _Resolution("voice", voice, speaker, rule, speaker_voice=voice)
    if third or any(p.search(s) for c, p in _GAZETTEER.items() if c in _NEUTRAL_BLOCS):
        return _new_person(name, lex.default, "third-party", lex, ctx, press=True)
    if _MEDIA_LOWER.search(s) or _MEDIA_NAMED.search(s):
        return _Resolution("transparent", rule="media")
    if _PERSON_ROLE.match(s):
        return _Resolution("person-ref", rule="role", role=s.lower().split()[-1])
    if _INSTITUTION_NOUN.match(s):
        return _Resolution("institution-ref", rule="document")
    if name:
        return _new_person(name, lex.default, "unlisted-person", lex, ctx, press=True)
    if _NAME.fullmatch(s) and s.lower() not in cues.TITLE_WORDS and s in ctx.article_surnames:
        return _new_person(ctx.article_surnames[s], lex.default, "unlisted-person", lex, ctx, press=True)
    return None


def _namesake(s: str, name: str, ctx: _Context) -> str | None:
    """Another person's full name, if `s` names `name` by a bare surname and the latest full name
    the article gave that surname is someone else's ("Sullivan" after "ambassador John Sullivan")."""
    surname = name.split()[-1]
    given = _given_names_before(s, surname)
    if name in s or given is None or given:  # not named here, or named with given names
        return None
    latest = ctx.namesakes.get(surname)
    return latest if latest and latest != name else None


def _given_names_before(s: str, surname: str) -> list[str] | None:
    """The capitalised words right before `surname` in `s` (titles, sides and "'s" left out): []
    when it stands bare ("Minister Petrova"), None when `s` does not name it."""
    found = None
    for m in re.finditer(rf"(?<![\w]){re.escape(surname)}(?![\w])", s):
        words = []
        for word in reversed(s[: m.start()].split()[-3:]):
            bare = word.strip(".,;:()\"'“”‘’")
            if not bare[:1].isupper() or bare.lower() in cues.TITLE_WORDS \
                    or any(p.fullmatch(bare) for p in _GAZETTEER.values()):
                break
            words.insert(0, bare)
        if found is None or not words:
            found = words
    return found


def _names_someone_else(s: str, name: str) -> bool:
    """Whether `s` gives `name`'s surname only with other given names ("Tom Blinken" for Li Blinken):
    then the surname found them, but `s` names another person. "Anna K. Petrova" is Anna Petrova."""
    parts = name.split()
    given = _given_names_before(s, parts[-1])
    if not given or len(parts) < 2 or name in s:
        return False
    return not set(w.rstrip(".") for w in given) & set(parts[:-1])


def _speakers_in(s: str, lex: _Lexicon) -> list[SpeakerEntry]:
    """Roster speakers named in `s`. A one-word name counts only where it is not part of
    another full name: "Smith" is not Jane Smith inside "Tom Smith", nor "John" inside "John Roe"."""
    found = []
    for pattern, entry, one_word in lex.speakers:
        for m in pattern.finditer(s):
            if one_word:
                before = s[: m.start()].split()[-1:]
                after = s[m.end():].split()[:1]
                if before and before[0][:1].isupper() and before[0].lower().strip(".,") not in cues.TITLE_WORDS \
                        and not any(p.fullmatch(before[0]) for p in _GAZETTEER.values()):
                    continue
                if after and _NAME.fullmatch(after[0].strip(".,;:’'")) and after[0].lower() not in cues.TITLE_WORDS:
                    continue
            found.append(entry)
            break
    return found


def _known_speaker(s: str, lex: _Lexicon) -> tuple[str, str] | None:
    found = _speakers_in(s, lex)
    return (found[0].name, found[0].voice) if found else None


def _detected_speaker(s: str, ctx: _Context) -> tuple[str, str] | None:
    for surname, name in ctx.surnames.items():
        if re.search(rf"(?<![\w]){re.escape(surname)}(?![\w])", s):
            return name, ctx.detected[name]
    return None


def _new_person(name, voice, rule, lex, ctx, press=False) -> _Resolution:
    if name is None:
        return _Resolution("press" if press else "voice", voice, rule=rule)
    if name in ctx.detected or _known_speaker(name, lex):
        known = _known_speaker(name, lex)
        speaker_voice = known[1] if known else ctx.detected[name]
        return _Resolution("press" if press else "voice", voice, known[0] if known else name, rule,
                           speaker_voice=speaker_voice)
    ctx.detected[name] = voice
    ctx.surnames[name.split()[-1]] = name
    return _Resolution("press" if press else "voice", voice, name, rule, new_speaker=True, speaker_voice=voice)


def _subject_before(masked: str, cue_start: int) -> list[str]:
    """The comma-separated pieces of the clause before a cue, nearest first (at most three)."""
    left = masked[:cue_start]
    cut = max((m.end() for m in _STRONG_BOUNDARY.finditer(left)), default=0)
    clause = left[cut:]
    while clauses := list(_CLAUSE.finditer(clause)):
        last = clauses[-1]
        if last.group().lower() in ("who", "which") and clause[: last.start()].rstrip().endswith(",") \
                and "," in clause[last.end():] and not clause.rsplit(",", 1)[1].strip():
            clause = clause[: last.start()]  # "X, who had arrived late, said": X speaks
            continue
        clause = clause[last.end():]
        break
    pieces = [p for p in clause.split(",")[::-1] if not _ASIDE.match(p)]  # "X, meanwhile, said"
    if len(pieces) > 1 and not pieces[0].strip():
        pieces = pieces[1:]  # "the adviser, Jane Doe, said": the comma closes an apposition
    out = []
    for piece in pieces[:3]:
        head = piece.strip()
        m = _PREPOSITION.search(" " + head + " ")
        if m and m.start() > 0:
            head = head[: m.start()].strip()
        out.append(head)
    return out


def _subject_after(masked: str, cue_end: int) -> tuple[str, str]:
    """For `said X, the former minister, who...`: the subject and its appositions."""
    right = masked[cue_end:]
    stop = re.search(r"[.;:!?“”\"]|(?<![\w])(?:who|which|that|as|in|at|on|after|before|ahead)(?![\w])", right)
    text = right[: stop.start()] if stop else right
    return text.split(",")[0], text


def _cues(text: str, masked: str):
    """Reporting verbs outside quotes, one a quotation opens with ('The envoy “reiterated ...”'), and
    naming verbs whose object is given a quoted label ('X called Y “a statesman”')."""
    found = list(_CUE.finditer(masked)) + list(_NAMING_CUE.finditer(masked))
    for m in re.finditer(r"[“\"]", text):
        if (quoted := _QUOTED_CUE.match(text, m.start())) and masked[: m.start()].strip():
            found.append(quoted)
    return sorted(found, key=lambda m: m.start())


@dataclass(frozen=True)
class _Frame:
    start: int
    resolution: _Resolution
    trailing: bool


def _not_speech(verb: str, before: str, rest: str) -> bool:
    """Whether a reporting verb, in this position, reports no speech by its subject."""
    if verb in ("according to", "quoted by"):
        return False
    if _NEGATED.search(before):
        return True  # "the ministry did not confirm": nothing was said
    if verb in _WITHDRAW and _WITHDRAWN.match(rest):
        return True  # "recalled its ambassador"
    participle = not verb.endswith("ing") and not re.fullmatch(r"\w+s", verb)
    if participle and _PASSIVE.search(before) and not (verb in _RELAY and re.match(r"\s+as\b", rest)):
        return True  # "X is expected to", "X was told" -- but "X was quoted as saying" is X's
    if participle and re.match(r"\s+by\b", rest) and verb not in _RELAY:
        return True  # "charges denied by Moscow"
    if verb in _PASSIVE_PARTICIPLES and before.rstrip().endswith(",") and _PARTICIPLE_QUESTION.match(rest):
        return True  # "X, asked about Y, would not ...": X was asked, did not speak
    return False


def _frames(text: str, masked: str, lex: _Lexicon, ctx: _Context) -> tuple[list[_Frame], bool]:
    """The sentence's speech frames, and whether it had cues that turned out to report no speech
    (a negated, passive or subordinate verb): such a sentence is narration, not carried over."""
    frames = []
    narration = False
    previous_end = None
    relay_start = None  # where the last frame that was kept starts
    cue_list = _cues(text, masked)
    for n, cue in enumerate(cue_list):
        verb = " ".join(cue.group().lower().strip("“\"").split())
        before = masked[: cue.start()]
        rest = masked[cue.end():]
        nested = previous_end is not None and not _FRAME_BREAK.search(masked, previous_end, cue.start())
        if frames and frames[-1].resolution.kind == "transparent" and frames[-1].start == relay_start:
            nested = False  # "state television reported that the premier warned": the premier speaks
        previous_end = cue.end()
        if nested and verb not in ("according to", "quoted by"):
            continue  # "X said Y told Z": the first frame speaks; a later cue is in its content
        if verb.endswith("ing") and _PARTICIPLE_AFTER_COMMA.search(before) and verb != "according to":
            continue  # "..., adding that": the frame before it speaks
        if verb.endswith("ing") and not before.strip() and verb != "according to":
            continue  # "Calling her “a friend”, X said": the main clause's subject speaks
        opening = before.strip().lower()
        if verb in _PASSIVE_PARTICIPLES and (not opening or opening in cues.SUBORDINATORS) \
                and "," in rest:
            # "Asked about X, Biden said ...": the main clause's subject speaks. A cue after the
            # comma frames it; a sentence cut off before its verb still names the speaker.
            if any(c.start() > cue.end() for c in cue_list):
                continue
            subject = " ".join(rest.split(",", 1)[1].split()[:4])
            resolution = _resolve(subject, subject, lex, ctx)
            if resolution is not None:
                frames.append(_Frame(cue.start(), resolution, False))
            continue
        if _not_speech(verb, before, rest):
            narration = True
            continue
        clause = re.split(r",", re.split(_STRONG_BOUNDARY, before)[-1])[-1]
        if verb not in ("according to", "quoted by") and _SUBORDINATE.search(clause) \
                and not _CLAUSE.search(clause[_SUBORDINATE.search(clause).end():]):
            narration = True
            continue  # "when X said ...": background to the main clause
        resolution = None
        inverted = False
        if verb in ("according to", "quoted by"):
            subject, _ = _subject_after(masked, cue.end())
            resolution = _resolve(subject, subject, lex, ctx)  # the source only, not the sentence after it
            if verb == "quoted by" and (resolution is None or resolution.kind != "voice"):
                resolution = _Resolution("transparent", rule="media")
        elif verb in _RELAY and (quoted := _QUOTED_AS.match(masked[cue.end():])):
            resolution = _resolve(quoted["subject"], quoted["subject"], lex, ctx)
        else:
            pieces = _subject_before(masked, cue.start())
            if not pieces or not pieces[0]:
                subject, apposition = _subject_after(masked, cue.end())
                resolution = _resolve(subject, apposition, lex, ctx)
                inverted = bool(re.search(r"[,”\"]\s*$", before))  # '"...," said X': closes the quote
            else:
                for piece in pieces:
                    resolution = _resolve(piece, " ".join(reversed(pieces)), lex, ctx)
                    if resolution is not None or not _APPOSITION.match(piece):
                        break  # look past a piece only when it is an aside: "X, using examples, explained"
            if verb in _RELAY and resolution is None:
                resolution = _Resolution("transparent", rule="media")
        if resolution is None:
            continue
        trailing = verb in _TRAILING_VERBS and (inverted or (
            bool(re.search(r"[,”\"]\s*[^,”\"]{0,80}$", before)) and _ADVERBIAL_TAIL.match(rest) is not None
        ))
        frames.append(_Frame(cue.start(), resolution, trailing))
        relay_start = cue.start()
    return frames, narration


def _recent_person(ctx: _Context, voice: str | None, role: str | None) -> str | None:
    """The latest person named of `voice` (any voice if None) whom the text gave `role`, else
    the latest of that voice whatever their role; None if nobody fits."""
    people = [(n, v) for n, v in reversed(ctx.recent) if voice is None or v == voice]
    if role:
        for name, _ in people:
            if any(r == role or r.rstrip("s") == role.rstrip("s") for r in ctx.roles.get(name, ())):
                return name
    return people[0][0] if people and voice is not None else None


def _settle(resolution: _Resolution, ctx: _Context, lex: _Lexicon) -> tuple[str, str | None, str] | None:
    """(voice, speaker, rule) for a resolution, following references to earlier speakers.

    "he"/"she" point to the antecedent (the previous sentence's speaker or, failing one, the first
    person it names); "the aide" to the latest person the text called an aide, else as "he" does."""
    if resolution.kind == "person-ref":
        target = ctx.antecedent or ctx.last_person
        known_roles = ctx.roles.get(target[0], set()) if target and target[0] else set()
        if resolution.role and not any(r.rstrip("s") == resolution.role.rstrip("s") for r in known_roles):
            # "the aide" is not the leader the last sentence named: the latest person called an aide.
            # If the text gave the antecedent no role at all, only a namesake on its own side may
            # replace it ("the president" after an untitled leader stays that leader).
            if name := _recent_person(ctx, None if known_roles else (target or (None, None))[1],
                                      resolution.role):
                if name in ctx.roles and any(r.rstrip("s") == resolution.role.rstrip("s")
                                             for r in ctx.roles[name]):
                    target = (name, next(v for n, v in reversed(ctx.recent) if n == name))
        if target is None:
            return None
        speaker, voice = target
        return voice, speaker, resolution.rule
    if resolution.kind == "institution-ref":
        if ctx.last_institution is not None:
            return ctx.last_institution, None, resolution.rule
        if ctx.last_person is not None:
            return ctx.last_person[1], None, resolution.rule
        return None
    if resolution.kind == "transparent":
        return None
    return resolution.voice or lex.default, resolution.speaker, f"cue:{resolution.rule}"


def _decide(text: str, masked: str, lex: _Lexicon, ctx: _Context):
    frames, narration = _frames(text, masked, lex, ctx)
    settled = [(f, s) for f in frames if (s := _settle(f.resolution, ctx, lex)) is not None]
    if not settled:
        if narration:
            return lex.default, None, "narration", _Resolution("press", lex.default, rule="narration")
        return None
    trailing = [fs for fs in settled if fs[0].trailing]
    frame, (voice, speaker, rule) = trailing[-1] if trailing else settled[0]
    res = frame.resolution
    if res.kind in ("voice", "press") and speaker:
        ctx.last_person = (speaker, voice)
    elif res.kind == "voice" and res.rule in ("institution", "country"):
        ctx.last_institution = voice
    elif res.kind == "voice" and res.rule == "title":
        ctx.last_person = (None, voice)
    return voice, speaker, rule, res


# ---------------------------------------------------------------- people named

_ROLES = _alternation(cues.PERSON_ROLES)
_PROPER = r"[A-Z][\w'’-]+"
_TITLE_BEFORE = re.compile(rf"(?<![\w])(?i:{_ROLES})\s+({_PROPER}(?:\s+{_PROPER}){{0,2}})")
_TITLE_AFTER = re.compile(
    rf"({_PROPER}(?:\s+{_PROPER})+),\s+(?:the\s+|an?\s+|{_PROPER}['’]s\s+)?(?:[\w-]+\s+){{0,3}}?((?i:{_ROLES}))(?![\w])"
)


def _country_role(lex: _Lexicon) -> re.Pattern | None:
    """'the Russian president', 'the Chinese leader': a person named by side and role."""
    names = [n for c, v in lex.voice_of_country.items() for n in cues.GAZETTEER[c]]
    if not names:
        return None
    return re.compile(rf"(?<![\w])[Tt]he\s+({_alternation(names)})\s+(?:[a-z]+\s+)?((?i:{_ROLES}))(?![\w])")


def _canonical(name: str, lex: _Lexicon, ctx: _Context) -> tuple[str, str] | None:
    """(name, voice) of a run of capitalised words naming a roster or already detected person."""
    known = _known_speaker(name, lex) or _detected_speaker(name, ctx)
    if known:
        return known
    return None


def _note_people(text: str, masked: str, lex: _Lexicon, ctx: _Context) -> tuple[str | None, str] | None:
    """Record who `text` names (in order) and the roles it gives them; return the first person
    named outside quotation marks, the likely subject a pronoun in the next sentence points to."""
    for m in _TITLE_BEFORE.finditer(text):
        if person := _canonical(m.group(1), lex, ctx):
            ctx.roles.setdefault(person[0], set()).add(re.split(r"\s+", m.group().lower())[0])
    for m in _TITLE_AFTER.finditer(text):
        if person := _canonical(m.group(1), lex, ctx):
            ctx.roles.setdefault(person[0], set()).add(m.group(2).lower().split()[-1])
    for entry in {e for _, e, _ in lex.speakers}:
        surname = entry.name.split()[-1]
        for m in re.finditer(rf"(?:(?:{_PROPER}|[A-Z]\.)\s+)+{re.escape(surname)}(?![\w])", text):
            full = " ".join(w for w in m.group().split() if w.lower().strip(".") not in cues.TITLE_WORDS)
            # The given name nearest the surname, past middle initials: "Anna K. Petrova".
            given = next((w for w in reversed(full.split()[:-1]) if _NAME.fullmatch(w)), "")
            if _NAME.fullmatch(given) and not given.endswith(("ing", "ed")) \
                    and not any(p.fullmatch(given) for p in _GAZETTEER.values()):  # not "Calling X", "Russian X"
                known = _known_speaker(full, lex)
                ctx.namesakes[surname] = known[0] if known else full
    found: list[tuple[int, str | None, str]] = []
    for pattern, entry, _ in lex.speakers:
        for m in pattern.finditer(masked):
            if entry in _speakers_in(masked[max(0, m.start() - 40): m.end() + 40], lex):
                found.append((m.start(), entry.name, entry.voice))
                break
    for name, voice in ctx.detected.items():
        if m := re.search(rf"(?<![\w]){re.escape(name.split()[-1])}(?![\w])", masked):
            found.append((m.start(), name, voice))
    if (pattern := _country_role(lex)) and (m := pattern.search(masked)):
        country = next(c for c, p in _GAZETTEER.items() if c in lex.voice_of_country and p.fullmatch(m.group(1)))
        voice = lex.voice_of_country[country]
        found.append((m.start(), _recent_person(ctx, voice, m.group(2).lower().split()[-1]), voice))
    found.sort(key=lambda f: f[0])
    for _, name, voice in found:
        if name:
            if (name, voice) in ctx.recent:
                ctx.recent.remove((name, voice))
            ctx.recent.append((name, voice))
    return (found[0][1], found[0][2]) if found else None


# ---------------------------------------------------------------- articles


def attribute(passages: list[PassageText] | tuple[PassageText, ...], roster: Roster) -> list[Attribution]:
    lex = _lexicon(roster)
    ctx = _Context()
    for p in passages:
        if name := _person_name(p.text, lex):
            ctx.article_surnames.setdefault(name.split()[-1], name)
    out: list[Attribution | None] = [None] * len(passages)
    quote_open = False
    quote_speaker: tuple[str, str | None] | None = None  # (voice, speaker) of the open quotation
    framed: dict[int, tuple[str, str | None]] = {}  # passage index -> (voice, speaker) decided by a frame

    for i, p in enumerate(passages):
        text = _DATELINE.sub(lambda m: " " * len(m.group()), p.text) if i < 3 else p.text
        continues_quote = quote_open and text.lstrip()[:1] in _OPEN + '"'
        masked, quote_open_after = mask_quotes(text, inside=quote_open and not continues_quote)
        decided = _decide(text, masked, lex, ctx)
        subject = _note_people(text, masked, lex, ctx)
        if decided is not None:
            voice, speaker, rule, res = decided
            out[i] = Attribution(voice, speaker, rule, res.speaker_voice, res.new_speaker)
            if p.kind == "sentence":
                framed[i] = (voice, speaker)
        if decided is not None and decided[1]:
            ctx.antecedent = (decided[1], decided[0])
            if (decided[1], decided[0]) in ctx.recent:
                ctx.recent.remove((decided[1], decided[0]))
            ctx.recent.append((decided[1], decided[0]))
        elif subject is not None:
            ctx.antecedent = subject
        elif quote_open and quote_speaker and p.kind == "sentence":
            out[i] = Attribution(quote_speaker[0], quote_speaker[1], "carry:quote")
            framed[i] = quote_speaker
        quote_open = quote_open_after
        if out[i] is not None and (quote_open or '"' in p.text or "”" in p.text):
            quote_speaker = (out[i].voice, out[i].speaker)
        if not quote_open and out[i] is None:
            quote_speaker = None

    for i, p in enumerate(passages):
        if out[i] is not None:
            continue
        if _opens_quote(i, passages) and (i - 1) in framed and framed[i - 1][1]:
            # A paragraph that opens with an unattributed quotation, right after a quoted speaker's
            # passage, goes on quoting them (news style names the speaker once).
            out[i] = Attribution(*framed[i - 1], "carry:quote")
            framed[i] = framed[i - 1]
            continue
        if p.kind == "sentence":
            source = _nearest_framed(i, passages, framed)
            if source is not None:
                voice, speaker = framed[source]
                out[i] = Attribution(voice, speaker, "carry:paragraph")
                continue
        out[i] = Attribution(lex.default, None, "none")
    return out


def detections_of(attributions, roster: Roster) -> dict:
    """What one article's `attribute(...)` result (made with `roster`) says of people the roster does
    not list: {"sides": {name: [voice slugs its titles give them]}, "doubted": [names it calls a
    former official or an analyst]}, sorted, JSON-ready."""
    listed = {s.name for s in roster.speakers}
    sides: dict[str, set[str]] = {}
    doubted: set[str] = set()
    for a in attributions:
        if not a.speaker or a.speaker in listed:
            continue
        if a.rule in ("cue:former", "cue:analyst"):
            doubted.add(a.speaker)
        elif a.speaker_voice and a.speaker_voice != roster.default:
            sides.setdefault(a.speaker, set()).add(a.speaker_voice)
    return {"sides": {name: sorted(v) for name, v in sorted(sides.items())}, "doubted": sorted(doubted)}


def officials_from(detections) -> dict[str, str]:
    """People the articles introduce in an official's role ("East Deputy Minister Olga Orlova"):
    name -> the voice of the side their title names, from each article's `detections_of`.

    A person counts when every description that gives them a side gives the same one, and no
    article calls them a former official or an analyst: the story cannot tell which is true of
    them, so they stay for an editor to map. Independent of the order of the articles.
    """
    sides: dict[str, set[str]] = {}
    doubted: set[str] = set()
    for found in detections:
        for name, voices in found.get("sides", {}).items():
            sides.setdefault(name, set()).update(voices)
        doubted.update(found.get("doubted", ()))
    return {name: next(iter(voices)) for name, voices in sorted(sides.items())
            if len(voices) == 1 and name not in doubted}


def _opens_quote(i: int, passages) -> bool:
    """Whether passage `i` starts with a quotation mark and follows the article's first body sentence
    (a cut-off last line may have been taken for a heading; the headline at the top may not)."""
    p = passages[i]
    return (p.kind != "caption" and p.text.lstrip()[:1] in _OPEN + '"'
            and any(q.kind == "sentence" for q in passages[:i]))


def _nearest_framed(i: int, passages, framed) -> int | None:
    paragraph = passages[i].paragraph
    for j in range(i - 1, -1, -1):
        if passages[j].paragraph != paragraph:
            break
        if j in framed:
            return j
    # Not forwards: "The ministers met on Tuesday. X said ..." sets a scene; it is not X's claim.
    return None
