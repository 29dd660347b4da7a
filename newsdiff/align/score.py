"""Score candidate pairs of passages that may report the same claim.

Pure functions: `Item`s in, `ScoredPair`s out; no database.

Contract of `score_pairs(items, options)`:

- Only items of kind "sentence" are paired (headlines, headings and captions
  go through `heading_pairs`, below), and never two items of one article. Each
  pair is returned once, with `a < b` by item id.
- Terms: `Normaliser.terms` (stems, stopwords and reporting verbs out, story
  aliases folded), cut to their first `options.prefix` letters so that
  "expand"/"expansion" meet; the words that name the story's *actors*
  (speakers, institutions, voice names, titles: `actor_words`) are removed,
  because "Sullivan said" or "the Russian president" is who speaks, not what
  is claimed.
- Evidence, each in [0, 1]:
  `cosine` — tf-idf cosine, idf = ln((N + 1) / df) over the story's sentences, so
  a word every outlet uses ("Ukraine") weighs little and a rare one
  ("ransomware") a lot;
  `rare` — the two rarest shared terms' idf over 2·ln N: two outlets quoting
  one readout share its unusual words even when the rest differs;
  `fuzzy` — rapidfuzz `token_set_ratio` of the term strings (batched through
  `process.cdist`), shifted so that 30 is zero: a set ratio rewards one
  passage containing the other.
  `semantic` — when a `SemanticSpace` is given (`align.semantic`): the
  BERTScore-style F1 of the two passages' story-centred token vectors, which
  sees paraphrase and re-translation that share few words; rescaled as
  `(F - semantic_floor) / (1 - semantic_floor)`, so the floor (what two
  unrelated passages of one story score) maps to 0.
- `lexical = (1 - w_fuzzy) * ((1 - w_rare) * cosine + w_rare * rare) + w_fuzzy * fuzzy`
  (both weights default to about a half and a third);
  `base = max(lexical, semantic)`: either kind of evidence alone can carry a
  pair. Then times `same_voice_bonus` when both passages carry one voice, or
  `opposing_voice_factor` when they carry two different official voices.
- Candidates: a pair is scored when the two passages share a content term, or
  (with a semantic space) when either is among the other's
  `semantic_candidates` nearest passages by idf-weighted mean token vector;
  the token matching, the costly part, runs for the latter only. Nothing needs
  every pair of passages: both lists can be blocked.
- `score = base + w_neighbour * max(base(prev_a, prev_b), base(next_a, next_b))`:
  outlets relay readouts in order, so a pair whose neighbours match is
  likelier to match too (the diagonal of parallel-text alignment).
- Pairs with `score >= options.threshold` are kept, best first.

`heading_pairs(items, options, semantic)` pairs the headlines (headings,
captions) that attribute a claim ("X says ...", "X: ...") with other articles'
passages, by the same evidence and threshold, without touching sentence pairs.

`relation_of(a_text, b_text)` names how two aligned passages differ:
"verbatim" (the same words), "variant" (they quote the same statement in
different words: quote drift), or "paraphrase".

>>> items = [Item(1, 10, "The envoy warned of “severe consequences” over the drills."),
...          Item(2, 20, "He warned of “severe consequences” over the naval drills."),
...          Item(3, 20, "Grain prices rose in Chicago.")]
>>> [(p.a, p.b) for p in score_pairs(items, Options(threshold=0.2))]
[(1, 2)]
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from threadpoolctl import threadpool_limits

from ..text import cues
from .semantic import SemanticSpace, bertscore
from .text import Normaliser, is_content, quoted_spans


@dataclass(frozen=True)
class Item:
    id: int
    article: int
    text: str
    voice: str = ""
    kind: str = "sentence"
    position: int = 0
    default_voice: bool = False
    commentary: bool = False  # said by an analyst, a former official or a third party


@dataclass(frozen=True)
class Options:
    threshold: float = 0.45
    prefix: int = 5
    w_rare: float = 0.5
    w_fuzzy: float = 0.35
    w_neighbour: float = 0.2
    same_voice_bonus: float = 1.25
    opposing_voice_factor: float = 0.7
    semantic_floor: float = 0.11
    semantic_candidates: int = 30
    aliases: tuple[tuple[str, ...], ...] = ()
    actor_words: tuple[str, ...] = ()
    workers: int = -1


@dataclass(frozen=True)
class ScoredPair:
    a: int
    b: int
    score: float
    features: dict = field(default_factory=dict, compare=False)


@dataclass
class Prepared:
    """Terms and weights of a story's sentences: computed once, used by pairs and exchanges."""

    items: list[Item]
    terms: list[list[str]]
    idf: dict[str, float]
    matrix: np.ndarray  # rows: l2-normalised tf-idf vectors
    vocabulary: dict[str, int]


def prepare(items: list[Item], options: Options) -> Prepared:
    norm = Normaliser(options.aliases)
    actors = {w for phrase in options.actor_words for w in norm.words(phrase)}
    terms = []
    for item in items:
        kept = []
        for _, stem in norm.tokens(item.text):
            if stem in actors or not is_content(stem):
                continue
            term = stem if stem[0].isdigit() or not options.prefix else stem[: options.prefix]
            kept.append(term)
        terms.append(kept)
    n = max(len(items), 1)
    df = Counter(t for ts in terms for t in set(ts))
    idf = {t: math.log((n + 1) / d) for t, d in df.items()}  # +1: a term in every item of a tiny story still counts
    vocabulary = {t: k for k, t in enumerate(sorted(t for t, d in df.items() if d >= 2))}
    matrix = np.zeros((len(items), len(vocabulary)), dtype=np.float32)
    for row, ts in enumerate(terms):
        for t in ts:
            if t in vocabulary:
                matrix[row, vocabulary[t]] += idf[t]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms > 0, norms, 1)
    return Prepared(items, terms, idf, matrix, vocabulary)


def score_pairs(items: list[Item], options: Options = Options(), prepared: Prepared | None = None,
                progress=None, base: dict | None = None, semantic: SemanticSpace | None = None) -> list[ScoredPair]:
    """Pairs of `items` (sentences only) scoring at least the threshold; `semantic` rows follow the sentences."""
    sentences = [i for i in items if i.kind == "sentence"]
    prepared = prepared or prepare(sentences, options)
    base = base if base is not None else base_scores(prepared, options, progress, semantic)
    neighbours = _neighbours(prepared.items)

    def supported():
        for (r, c), evidence in base.items():
            support = 0.0
            for step in (-1, 1):
                nr, nc = neighbours.get((r, step)), neighbours.get((c, step))
                if nr is not None and nc is not None:
                    other = base.get((min(nr, nc), max(nr, nc)))
                    support = max(support, other.value if other else 0.0)
            yield r, c, evidence, support

    return _kept(prepared.items, supported(), options)


def _kept(items: list[Item], scored, options: Options) -> list[ScoredPair]:
    """The pairs of `scored` ((row, row, Evidence, neighbour support) over `items`) whose score,
    base value plus `w_neighbour` times the support, reaches the threshold: best first."""
    pairs = []
    for r, c, evidence, support in scored:
        score = evidence.value + options.w_neighbour * support
        if score >= options.threshold:
            a, b = items[r].id, items[c].id
            pairs.append(ScoredPair(min(a, b), max(a, b), round(score, 4), {
                "base": round(evidence.value, 4), "lexical": round(evidence.lexical, 4),
                "semantic": round(evidence.semantic, 4), "neighbour": round(support, 4)}))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


@dataclass(frozen=True)
class Evidence:
    value: float  # max(lexical, rescaled semantic), times the voice factor
    lexical: float
    semantic: float  # the raw BERTScore F1 (0 without a semantic space)


def base_scores(prepared: Prepared, options: Options, progress=None,
                semantic: SemanticSpace | None = None, focus: np.ndarray | None = None) -> dict[tuple[int, int], Evidence]:
    """Evidence for every candidate cross-article pair (row indices r < c).

    Vectorised per row: cosine and rapidfuzz's `cdist` per block of one article against the
    later ones; the two rarest shared terms from an idf-weighted presence matrix; the semantic
    F1 for the candidates only. With `focus` (one bool per row), only pairs with a focus row on
    at least one side are scored (headlines against the story's sentences).
    """
    # Many small matrix products: OpenBLAS's threads cost far more than they save here
    # (measured: 0.4 s on one thread, 14 s on two, for 861 passages).
    with threadpool_limits(1, user_api="blas"):
        return _base_scores(prepared, options, progress, semantic, focus)


def _base_scores(prepared: Prepared, options: Options, progress, semantic: SemanticSpace | None,
                 focus: np.ndarray | None = None):
    items, terms = prepared.items, prepared.terms
    n = len(items)
    if n < 2:
        return {}
    log_n = math.log(n)
    strings = [" ".join(ts) for ts in terms]
    articles = np.array([i.article for i in items])
    weighted = (prepared.matrix > 0) * np.array(
        [prepared.idf[t] for t in sorted(prepared.vocabulary, key=prepared.vocabulary.get)], dtype=np.float32
    )
    columns = [np.array(sorted({prepared.vocabulary[t] for t in ts if t in prepared.vocabulary}), dtype=int)
               for ts in terms]
    voices = np.array([i.voice for i in items])
    official = np.array([bool(i.voice) and not i.default_voice for i in items])
    order = np.unique(articles)
    near = _semantic_candidates(semantic, articles, options.semantic_candidates) if semantic is not None else None
    out: dict[tuple[int, int], Evidence] = {}

    def score_block(rows: np.ndarray, later: np.ndarray) -> None:
        """Evidence for each row against the columns `later` (other articles), into `out`."""
        cosine = prepared.matrix[rows] @ prepared.matrix[later].T
        fuzzy = process.cdist([strings[r] for r in rows], [strings[c] for c in later],
                              scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=options.workers)
        fuzzy = np.maximum(0.0, fuzzy / 100.0 - 0.3)
        later_weighted = weighted[later]
        for ri, r in enumerate(rows):
            close = np.isin(later, near[r]) if near is not None else np.zeros(len(later), dtype=bool)
            hits = np.flatnonzero((cosine[ri] > 0) | close)
            if len(hits) == 0:
                continue
            if len(columns[r]):
                shared = later_weighted[np.ix_(hits, columns[r])]  # idf of r's terms present in each hit
                if shared.shape[1] > 2:
                    shared = -np.partition(-shared, 1, axis=1)[:, :2]
                rare = shared.sum(axis=1) / (2 * log_n)
            else:
                rare = np.zeros(len(hits))
            lexical = (1 - options.w_fuzzy) * ((1 - options.w_rare) * cosine[ri, hits] + options.w_rare * rare)
            lexical += options.w_fuzzy * fuzzy[ri, hits] * (cosine[ri, hits] > 0)
            c = later[hits]
            similar = np.zeros(len(c))
            semantic_hits = np.flatnonzero(close[hits])
            if len(semantic_hits):  # the token matching costs most: only for the nearest candidates
                similar[semantic_hits] = bertscore(semantic, int(r), c[semantic_hits])
            rescaled = np.maximum(0.0, (similar - options.semantic_floor) / (1 - options.semantic_floor))
            same = (voices[c] == voices[r]) & (voices[c] != "")
            opposed = ~same & official[c] & official[r]
            factor = np.where(same, options.same_voice_bonus, np.where(opposed, options.opposing_voice_factor, 1.0))
            value = np.maximum(lexical, rescaled) * factor
            for col, v, lex, sem in zip(c.tolist(), value.tolist(), lexical.tolist(), similar.tolist()):
                if v > 0:
                    out[(int(r), col)] = Evidence(v, lex, sem)

    for done, article in enumerate(order):
        rows = np.flatnonzero(articles == article)
        later = np.flatnonzero(articles > article)  # each article pair once
        blocks = [(rows, later)] if focus is None else [
            (rows[focus[rows]], later), (rows[~focus[rows]], later[focus[later]])]
        for block_rows, block_later in blocks:
            if len(block_rows) and len(block_later):
                score_block(block_rows, block_later)
        if progress:
            progress(done + 1, len(order))
    return out


def heading_pairs(items: list[Item], options: Options = Options(),
                  semantic: SemanticSpace | None = None) -> list[ScoredPair]:
    """Pairs that link a headline (or heading, caption) stating a claim to another article's passage of it.

    `items` are the story's sentences followed by its other passages (`semantic` rows in that
    order: `extend_space` adds them to the sentences' space). Only a headline that attributes
    what it says (`states_a_claim`: "Putin says ...", "Putin: ...", with the story's
    `actor_words` naming who may lead before a colon) is paired: a topic line
    ("What happened at the summit") summarises no claim, and pairing it links it to every
    sentence about the meeting. Scored as sentence pairs are, at the same threshold, over the
    story's terms with its headings counted, without neighbour support (a headline has no
    neighbours in the readout's order). Sentence pairs are not scored here, so adding headlines
    never moves them.
    """
    rows = [r for r, i in enumerate(items) if i.kind == "sentence" or states_a_claim(i.text, options.actor_words)]
    items = [items[r] for r in rows]
    focus = np.array([i.kind != "sentence" for i in items], dtype=bool)
    if not focus.any():
        return []
    if semantic is not None:
        semantic = semantic.rows(rows)
    base = base_scores(prepare(items, options), options, semantic=semantic, focus=focus)
    return _kept(items, ((r, c, evidence, 0.0) for (r, c), evidence in base.items()), options)


_SPEECH = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, cues.SPEECH_VERBS), key=len, reverse=True)) + r")\b", re.IGNORECASE)
_COLON_LEAD = re.compile(r"^\s*([^:]{1,40}):\s")
_WORD = re.compile(r"[\w'’.]+")


def states_a_claim(headline: str, actor_words=()) -> bool:
    """Whether a headline attributes what it says to someone: a speech verb ("X says/warns/tells ..."),
    or a lead naming one of the story's actors before a colon ("Putin: ...", "Kremlin aide: ...").

    A lead that names nobody is a rubric or a topic ("Analysis: ...", "World insights: ...",
    "Photo: ..."), not an attribution.

    >>> states_a_claim("Minister warns of grain export ban"), states_a_claim("What happened at the summit")
    (True, False)
    >>> states_a_claim("Petrova: talks will go on", ["Anna Petrova"]), states_a_claim("Analysis: talks will go on")
    (True, False)
    """
    if _SPEECH.search(headline):
        return True
    lead = _COLON_LEAD.match(headline)
    if not lead:
        return False
    actors = {w.lower() for phrase in actor_words for w in _WORD.findall(phrase)}
    words = [re.sub(r"['’]s$", "", w).lower() for w in _WORD.findall(lead.group(1).replace("-", " "))]
    return 0 < len(words) <= 4 and all(w in actors for w in words)


def _semantic_candidates(space: SemanticSpace, articles: np.ndarray, k: int,
                         chunk: int = 2048) -> dict[int, np.ndarray]:
    """Row -> the rows of other articles among its `k` nearest by mean token vector, and those it is among.

    Rows are taken `chunk` at a time, so memory stays chunk x passages, never passages squared.
    """
    n = len(articles)
    lists: dict[int, set] = {r: set() for r in range(n)}
    k = min(k, n - 1)
    for start in range(0, n if k > 0 else 0, chunk):
        rows = np.arange(start, min(start + chunk, n))
        similarity = space.sentences[rows] @ space.sentences.T
        similarity[articles[rows][:, None] == articles[None, :]] = -np.inf
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        for r, cols in zip(rows.tolist(), nearest.tolist()):
            for c in cols:
                if similarity[r - start, c] > -np.inf:
                    lists[r].add(c)
                    lists[c].add(r)
    return {r: np.array(sorted(cs), dtype=int) for r, cs in lists.items()}


def _neighbours(items: list[Item]) -> dict[tuple[int, int], int]:
    """(row, -1 or +1) -> the row of the previous or next sentence of the same article."""
    by_article = defaultdict(list)
    for row, item in enumerate(items):
        by_article[item.article].append((item.position, row))
    out = {}
    for rows in by_article.values():
        rows.sort()
        for k, (_, row) in enumerate(rows):
            if k > 0:
                out[(row, -1)] = rows[k - 1][1]
            if k + 1 < len(rows):
                out[(row, 1)] = rows[k + 1][1]
    return out


def relation_of(a_text: str, b_text: str, aliases=()) -> str:
    """verbatim, variant (the same quotation in drifted words) or paraphrase."""
    norm = Normaliser(aliases)
    a_words, b_words = norm.words(a_text), norm.words(b_text)
    if a_words == b_words or fuzz.ratio(" ".join(a_words), " ".join(b_words)) >= 97:
        return "verbatim"
    quotes_a, quotes_b = quoted_spans(a_text), quoted_spans(b_text)
    for qa in quotes_a:
        for qb in quotes_b:
            wa, wb = " ".join(norm.words(qa)), " ".join(norm.words(qb))
            if min(len(wa), len(wb)) >= 12 and fuzz.token_set_ratio(wa, wb) >= 60:
                return "variant"
    return "paraphrase"
