"""Title each exchange with a short phrase a reader would use for it.

Pure functions, no database.

Contract of `exchange_titles(prepared, groups, pairs, options)`:

- `groups` are lists of row indices into `prepared.items`; one title per group,
  in order, all distinct (case-insensitive) within the story.
- The title is taken *as written* from the group's most central passage: the
  sentence whose tf-idf vector is closest to the rest of its group, preferred
  when pairs tie it to passages of several other outlets in the group (the
  claim every outlet carried names the topic best).
- Inside that passage, the title is the shortest window of at most
  `max_words` words that covers the most weight of the group's distinctive
  terms (idf times how many of the group's outlets use the term times the share
  of the term's story-wide uses that fall in the group), trimmed at both ends of
  stopwords, reporting verbs and words naming the story's actors (speakers,
  titles, voices), then cut to `max_chars` at a word boundary.
- When the best phrase is already taken, the next best window or the next
  most central passage gives the title; a group with no usable words gets
  "Exchange N".
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np

from .score import Options, Prepared, ScoredPair
from .text import Normaliser, is_content

MAX_WORDS = 8
MAX_CHARS = 60
WORD_COST = 0.1  # of the group's strongest term's weight, per word of a title
CANDIDATE_PASSAGES = 3  # the most central passages a title may come from
# A word as written, with inner apostrophes and hyphens ("Russia's", "face-to-face", "U.S.").
_QUOTE_MARKS = re.compile(r"[“”\"«»‘]|(?<!\w)'|'(?!\w)|(?<!\w)’")
_BREAK = re.compile(r"[.…—–;:()\[\]!?]|\s-\s")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9’'.\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def exchange_titles(prepared: Prepared, groups: list[list[int]], pairs: list[ScoredPair] = (),
                    options: Options = Options(), max_words: int = MAX_WORDS,
                    max_chars: int = MAX_CHARS) -> list[str]:
    norm = Normaliser(options.aliases)
    actors = {w for phrase in options.actor_words for w in norm.words(phrase)}
    story_count = Counter(t for ts in prepared.terms for t in set(ts))
    row_of = {item.id: r for r, item in enumerate(prepared.items)}
    partners = defaultdict(set)  # row -> rows it is paired with
    for p in pairs:
        if p.a in row_of and p.b in row_of:
            partners[row_of[p.a]].add(row_of[p.b])
            partners[row_of[p.b]].add(row_of[p.a])
    used: set[str] = set()
    titles = []
    for number, rows in enumerate(groups, start=1):
        weights = _distinctive(prepared, rows, story_count)
        candidates = [phrase for r in _central(prepared, rows, partners)[:CANDIDATE_PASSAGES]
                      for phrase in _phrases(prepared.items[r].text, weights, norm, actors, options.prefix,
                                             max_words, max_chars)
                      if phrase[0].lower() not in used]
        # One word rarely names a topic: a phrase of two distinctive words or more wins if there is one.
        title = next((p for p, strong in candidates if strong >= 2), next((p for p, _ in candidates), ""))
        title = title or f"Exchange {number}"
        used.add(title.lower())
        titles.append(title)
    return titles


def _distinctive(prepared: Prepared, rows: list[int], story_count: Counter) -> dict[str, float]:
    """Term -> weight: rare in the story, used by several of the group's outlets, mostly inside the group."""
    in_group = Counter(t for r in rows for t in set(prepared.terms[r]))
    outlets = defaultdict(set)
    for r in rows:
        for t in prepared.terms[r]:
            outlets[t].add(prepared.items[r].article)
    # A word only one outlet uses is its own wording, not the topic's (unless the group has one outlet).
    shared = 2 if len({prepared.items[r].article for r in rows}) > 1 else 1
    return {t: prepared.idf.get(t, 0.0) * len(outlets[t]) * (c / story_count[t])
            for t, c in in_group.items() if not t.isdigit() and len(outlets[t]) >= shared}


def _central(prepared: Prepared, rows: list[int], partners: dict[int, set]) -> list[int]:
    """The group's rows, most central first: sentences before headlines, then by similarity to the rest."""
    matrix = prepared.matrix[rows].astype(np.float64)  # sparse: a group may hold thousands of passages
    total = np.asarray(matrix.sum(axis=0)).ravel()
    dots = matrix @ total  # each row against the whole group, itself included
    own = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
    rest_norms = np.sqrt(np.maximum(total @ total - 2 * dots + own, 0.0))
    members = set(rows)
    scored = []
    for k, r in enumerate(rows):
        # closeness to the rest of the group: m . (total - m) / |total - m|
        closeness = float((dots[k] - own[k]) / rest_norms[k]) if rest_norms[k] > 1e-9 else 0.0
        outlets = {prepared.items[x].article for x in partners.get(r, ()) if x in members}
        # Each further outlet carrying the passage counts like a little more closeness.
        score = closeness * (1 + 0.5 * min(len(outlets), 4))
        scored.append((prepared.items[r].kind != "sentence", -score, prepared.items[r].id, r))
    return [r for *_, r in sorted(scored)]


def _phrases(text: str, weights: dict[str, float], norm: Normaliser, actors: set[str], prefix: int,
             max_words: int, max_chars: int) -> list[tuple[str, int]]:
    """Candidate titles from one passage, best first (weight covered less the cost of their words, then
    shorter), each with how many of its words are distinctive."""
    spans = [m.span() for m in _WORD.finditer(text)]
    words = [text[a:b] for a, b in spans]
    terms = [_terms_of(w, norm, actors, prefix) for w in words]
    # A title starts and ends on a word that says something, never on a stopword, a reporting verb or a name.
    # Each word costs a share of the group's strongest term: a window grows only over words that earn it,
    # and starts and ends on words that weigh at least that.
    cost = WORD_COST * max(weights.values(), default=0.0)
    keep = [bool(ts) and max(weights.get(t, 0.0) for t in ts) >= cost for ts in terms]
    windows = []
    for i in range(len(words)):
        if not keep[i]:
            continue
        for j in range(i, min(len(words), i + max_words)):
            if j > i and _BREAK.search(text[spans[j - 1][1]:spans[j][0]]):
                break  # a title does not run across a clause break
            if not keep[j]:
                continue
            covered = {t for ts in terms[i:j + 1] for t in ts}
            weight = sum(weights.get(t, 0.0) for t in covered)
            if weight > 0:
                windows.append((-round(weight - cost * (j - i + 1), 6), j - i, i, j))
    out, seen = [], set()
    for _, _, i, j in sorted(windows):
        phrase = _fit(text, spans[i:j + 1], keep[i:j + 1], max_chars)
        if phrase and phrase not in seen:
            seen.add(phrase)
            out.append((phrase, sum(keep[i:j + 1])))
    return out


def _terms_of(word: str, norm: Normaliser, actors: set[str], prefix: int) -> list[str]:
    """The prepared terms a written word stands for (none for stopwords, reporting verbs, actors)."""
    out = []
    for _, stem in norm.tokens(word):
        if stem in actors or not is_content(stem):
            continue
        out.append(stem if stem[0].isdigit() or not prefix else stem[:prefix])
    return out


def _fit(text: str, spans: list[tuple[int, int]], keep: list[bool], max_chars: int) -> str:
    """The text from the first to the last word, as written (quotation marks dropped: a title quotes nobody),
    losing words from the end until it fits `max_chars` and ends on a kept word."""
    spans, keep = list(spans), list(keep)
    while spans:
        phrase = " ".join(_QUOTE_MARKS.sub("", text[spans[0][0]:spans[-1][1]]).split()).rstrip(".,;:")
        if keep[-1] and len(phrase) <= max_chars:
            return phrase
        spans.pop()
        keep.pop()
    return ""
