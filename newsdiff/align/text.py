"""Normalise passages into the terms the aligner compares.

`Normaliser(aliases).terms(text)` -> content terms: lower-cased, curly quotes
straightened, possessives and punctuation dropped, numbers kept as written
("2015", "94,000" -> "94000"), stopwords and reporting verbs removed, each word
stemmed (Snowball English), and spellings the story lists as aliases folded to
one ("Kiev"/"Kyiv" -> "kiev").

`quoted_spans(text)` -> the quoted stretches of a passage.

>>> Normaliser([("Kiev", "Kyiv")]).terms("Kyiv’s leaders said they were “ready to talk” in 2015.")
['kiev', 'leader', 'readi', 'talk', '2015']
"""
from __future__ import annotations

import functools
import re

import snowballstemmer

from ..text.cues import SPEECH_VERBS

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each even ever every few for from further
had has have having he her here hers herself him himself his how however i if in into is it its itself
just least less let like made make many may me might more most much must my myself no nor not now of
off on once only or other our ours ourselves out over own per same several shall she should since so
some such than that the their theirs them themselves then there these they this those though through
thus to too under until up upon us very via was we were what when where whether which while who whom
whose why will with within without would yet you your yours yourself yourselves one two three its
mr ms mrs dr s t don didn doesn isn wasn weren won wouldn shouldn couldn ll ve re d m today yesterday
tuesday monday wednesday thursday friday saturday sunday earlier later according reported quoted
""".split())

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"', "–": "-", "—": "-"})
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d[\d,.]*\d|\d")
_QUOTED = re.compile(r"[“\"«]([^“”\"«»]{3,})[”\"»]")


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("english")


@functools.cache
def _speech_stems() -> frozenset[str]:
    words = {w for phrase in SPEECH_VERBS for w in phrase.lower().split()}
    return frozenset(_stemmer().stemWords(sorted(words)))


class Normaliser:
    def __init__(self, aliases=()):
        self._alias = {}
        for group in aliases:
            canonical = _stem_word(group[0].lower())
            for spelling in group:
                for word in spelling.lower().translate(_QUOTES).split():
                    self._alias[_stem_word(word)] = canonical

    def tokens(self, text: str) -> list[tuple[str, str]]:
        """(word as written, lower-cased; its stem, alias-folded) for every word of a text."""
        text = text.translate(_QUOTES).lower().replace("'s ", " ").replace("-", " ")
        out = []
        for w in _WORD.findall(text):
            if w[0].isdigit():
                out.append((w, w.replace(",", "").rstrip(".")))
            else:
                w = w.split("'")[0]
                stem = _stem_word(w)
                out.append((w, self._alias.get(stem, stem)))
        return out

    def words(self, text: str) -> list[str]:
        """Every word, stemmed and alias-folded, stopwords kept (for wording comparisons)."""
        return [stem for _, stem in self.tokens(text)]

    def terms(self, text: str) -> list[str]:
        """Content terms: words() without stopwords and reporting verbs."""
        return [w for w in self.words(text) if is_content(w)]


def is_content(stem: str) -> bool:
    return stem not in _stopword_stems() and stem not in _speech_stems()


@functools.cache
def _stopword_stems() -> frozenset[str]:
    return frozenset(STOPWORDS) | frozenset(_stemmer().stemWords(sorted(STOPWORDS)))


@functools.lru_cache(maxsize=65536)
def _stem_word(word: str) -> str:
    return _stemmer().stemWord(word)


def quoted_spans(text: str) -> list[str]:
    return [m.group(1) for m in _QUOTED.finditer(text)]
