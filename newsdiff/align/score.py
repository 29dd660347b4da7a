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
import os
import re
from concurrent.futures import ThreadPoolExecutor
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse
from threadpoolctl import threadpool_limits

from ..text import cues
from .candidates import candidate_pairs, distinct_keys
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
    lexical_candidates: int = 100
    max_partners: int = 50
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
    matrix: sparse.csr_matrix  # rows: l2-normalised tf-idf vectors over `vocabulary` (float32)
    vocabulary: dict[str, int]
    size: int = 0  # sentences `idf` counts (0: these items); a part of a story is scored as the whole would be


def prepare(items: list[Item], options: Options, terms: list[list[str]] | None = None) -> Prepared:
    """The items' terms (`item_terms`, or `terms` when already made), idf and tf-idf rows."""
    terms = terms if terms is not None else item_terms(items, options)
    n = max(len(items), 1)
    df = Counter(t for ts in terms for t in set(ts))
    idf = {t: math.log((n + 1) / d) for t, d in df.items()}  # +1: a term in every item of a tiny story still counts
    vocabulary = {t: k for k, t in enumerate(sorted(t for t, d in df.items() if d >= 2))}
    return Prepared(items, terms, idf, tfidf_matrix(terms, idf, vocabulary), vocabulary)


def item_terms(items: list[Item], options: Options) -> list[list[str]]:
    """Each item's content terms as the aligner compares them (see the module's contract)."""
    norm = Normaliser(options.aliases)
    actors = {w for phrase in options.actor_words for w in norm.words(phrase)}
    terms = []
    for item in items:
        kept = []
        for _, stem in norm.tokens(item.text):
            if stem in actors or not is_content(stem):
                continue
            kept.append(stem if stem[0].isdigit() or not options.prefix else stem[: options.prefix])
        terms.append(kept)
    return terms


def tfidf_matrix(terms: list[list[str]], idf: dict[str, float], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """One l2-normalised row per term list: each term of `vocabulary` weighs idf times its count."""
    columns = [vocabulary[t] for ts in terms for t in ts if t in vocabulary]
    lengths = [sum(1 for t in ts if t in vocabulary) for ts in terms]
    rows = np.repeat(np.arange(len(terms)), lengths)
    weights = np.array([idf[t] for ts in terms for t in ts if t in vocabulary], dtype=np.float32)
    matrix = sparse.csr_matrix((weights, (rows, np.array(columns, dtype=np.int64))),
                               shape=(len(terms), len(vocabulary)), dtype=np.float32)  # duplicates summed
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1 / np.where(norms > 0, norms, 1)).astype(np.float32) @ matrix)


def score_pairs(items: list[Item], options: Options = Options(), prepared: Prepared | None = None,
                progress=None, base: "Scores | None" = None, semantic: SemanticSpace | None = None) -> list[ScoredPair]:
    """Pairs of `items` (sentences only) scoring at least the threshold, best first; `semantic` rows follow
    the sentences."""
    return pair_table(items, options, prepared, progress, base, semantic).scored_pairs()


def pair_table(items: list[Item], options: Options = Options(), prepared: Prepared | None = None,
               progress=None, base: "Scores | None" = None, semantic: SemanticSpace | None = None) -> "PairTable":
    """What `score_pairs` returns, as arrays: a 1,000-article story keeps millions of pairs."""
    sentences = [i for i in items if i.kind == "sentence"]
    prepared = prepared or prepare(sentences, options)
    base = base if base is not None else base_scores(prepared, options, progress, semantic)
    return _kept(prepared.items, base, neighbour_support(prepared.items, base), options)


FEATURES = ("base", "lexical", "semantic", "neighbour")  # a stored pair's evidence (`PairTable.features`)


@dataclass(frozen=True)
class PairTable:
    """Kept pairs as arrays, one entry per pair (`a < b`, item ids), best first: what the job writes."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    base: np.ndarray
    lexical: np.ndarray
    semantic: np.ndarray
    neighbour: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def features(self, k: int) -> dict:
        return {name: round(float(getattr(self, name)[k]), 4) for name in FEATURES}

    def features_json(self, rows: np.ndarray) -> list[str]:
        """`features` of the pairs at `rows` as JSON text, the way a million rows are written."""
        columns = [getattr(self, name)[rows].tolist() for name in FEATURES]
        template = "{{" + ", ".join(f'"{name}": {{!r}}' for name in FEATURES) + "}}"
        return [template.format(*values) for values in zip(*columns)]

    def scored_pairs(self) -> list[ScoredPair]:
        return [ScoredPair(int(a), int(b), float(score), self.features(k))
                for k, (a, b, score) in enumerate(zip(self.a.tolist(), self.b.tolist(), self.score.tolist()))]

    @classmethod
    def concatenate(cls, tables: list["PairTable"]) -> "PairTable":
        parts = {name: np.concatenate([getattr(t, name) for t in tables]) for name in cls.__dataclass_fields__}
        order = np.lexsort((parts["b"], parts["a"], -parts["score"]))
        return cls(**{name: values[order] for name, values in parts.items()})


@dataclass(frozen=True)
class Scores:
    """Evidence for the scored pairs, one entry per pair: rows `a < b` of the prepared items, sorted."""

    a: np.ndarray
    b: np.ndarray
    value: np.ndarray  # max(lexical, rescaled semantic), times the voice factor
    lexical: np.ndarray
    semantic: np.ndarray  # the raw BERTScore F1 (0 without a semantic space)
    candidates: int = 0  # pairs scored, before those with no evidence were dropped

    def __len__(self) -> int:
        return len(self.a)


def neighbour_support(items: list[Item], base: Scores) -> np.ndarray:
    """Per pair of `base`: the higher base value of the pairs of their previous and of their next sentences."""
    n = len(items)
    if not len(base):
        return np.zeros(0)
    previous, following = _neighbour_rows(items)
    keys = base.a * n + base.b
    support = np.zeros(len(base))
    for step in (previous, following):
        r, c = step[base.a], step[base.b]
        has = (r >= 0) & (c >= 0)
        wanted = np.minimum(r, c) * n + np.maximum(r, c)
        at = np.clip(np.searchsorted(keys, wanted), 0, len(keys) - 1)
        found = has & (keys[at] == wanted)
        support = np.maximum(support, np.where(found, base.value[at], 0.0))
    return support


def _kept(items: list[Item], base: Scores, support: np.ndarray, options: Options) -> PairTable:
    """The pairs of `base` whose score, base value plus `w_neighbour` times its `support`, reaches the
    threshold and that are among the `max_partners` best of either passage's by their own evidence (base
    value): best first.

    The cap keeps what a reader can use (a claim that 1,000 articles carried still shows as one claim:
    its passages are tied through their best partners) and keeps the stored pairs linear in the story.
    It ranks by base value, not score: the support of a pair far above the threshold is what blocking
    scores least completely (its neighbours' pairs need not be candidates), and ranking by it made a
    blocked run keep other partners than an exhaustive one (recall at 100 articles 98.8 % at a cap of 50,
    against 99.8 % by base value).
    """
    score = base.value + options.w_neighbour * support
    kept = np.flatnonzero(score >= options.threshold)
    kept = kept[_among_best(base.a[kept], base.b[kept], base.value[kept], options.max_partners, len(items))]
    ids = np.array([i.id for i in items], dtype=np.int64)
    a, b = ids[base.a[kept]], ids[base.b[kept]]
    order = np.lexsort((np.maximum(a, b), np.minimum(a, b), -np.round(score[kept], 4)))
    kept, a, b = kept[order], a[order], b[order]
    return PairTable(np.minimum(a, b), np.maximum(a, b), np.round(score[kept], 4), np.round(base.value[kept], 4),
                     np.round(base.lexical[kept], 4), np.round(base.semantic[kept], 4), np.round(support[kept], 4))


def _among_best(a: np.ndarray, b: np.ndarray, score: np.ndarray, k: int, n: int) -> np.ndarray:
    """Mask of the pairs that rank among the `k` highest-scoring pairs of a or of b (ties: lower row first)."""
    if not k or len(a) == 0:
        return np.ones(len(a), dtype=bool)
    ends = np.concatenate([a, b])
    pair = np.concatenate([np.arange(len(a)), np.arange(len(a))])
    order = np.lexsort((np.concatenate([b, a]), -np.concatenate([score, score]), ends))
    starts = np.searchsorted(ends[order], np.arange(n))
    rank = np.arange(len(order)) - starts[ends[order]]
    best = np.zeros(len(a), dtype=bool)
    best[pair[order][rank < k]] = True
    return best


def base_scores(prepared: Prepared, options: Options, progress=None,
                semantic: SemanticSpace | None = None, focus: np.ndarray | None = None, support: bool = False) -> Scores:
    """Evidence for the candidate cross-article pairs (`align.candidates`): rows r < c.

    Vectorised over the candidates, a block at a time: cosine from the sparse tf-idf rows, the two
    rarest shared terms from an idf-weighted presence matrix, rapidfuzz's `cpdist` for the fuzzy
    ratio, the semantic F1 for the pairs near in the semantic space only. With `focus` (one bool per
    row), candidates are sought from the focus rows only (headlines against the story's sentences; one new
    article against the story); `support` then also scores the neighbour pairs their support needs.
    """
    return _base_scores(prepared, options, progress, semantic, focus, support)


# The token matching (the costliest evidence) is skipped for pairs whose words alone already score this many
# times the threshold: it could only confirm them. 2 (words alone >= 0.9) moves no development score; 1.5 moved
# Geneva's exchanges by 0.01 (the semantic score of kept pairs feeds their neighbours' support and the grouping).
SEMANTIC_UNLESS = 2.0
SCORE_BLOCK = 20_000  # candidate pairs per vectorised block (one thread's work)


def _base_scores(prepared: Prepared, options: Options, progress, semantic: SemanticSpace | None,
                 focus: np.ndarray | None = None, support: bool = False) -> Scores:
    items = prepared.items
    n = len(items)
    if n < 2:
        empty = np.zeros(0)
        return Scores(empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty)
    articles = np.array([i.article for i in items])
    found = candidate_pairs(prepared.matrix, articles, semantic.sentences if semantic is not None else None,
                            options.lexical_candidates, options.semantic_candidates if semantic is not None else 0,
                            rows=None if focus is None else np.flatnonzero(focus))
    a, b, close = found.a, found.b, found.close
    if focus is not None:
        either = focus[a] | focus[b]
        a, b, close = a[either], b[either], close[either]
    evidence = _Evidence(prepared, options, semantic)
    value, lexical, similar = evidence(a, b, close, progress)
    candidates = len(a)
    if focus is None or support:
        # A pair short of the threshold may reach it with its neighbours' support (score_pairs): score the
        # pairs of its previous and of its next sentences too when blocking left them out.
        reach = options.w_neighbour * max(options.same_voice_bonus, 1.0)
        hopeful = (value < options.threshold) & (value >= options.threshold - reach)
        more = _missing_neighbour_pairs(items, a[hopeful], b[hopeful], a * n + b, n)
        if focus is not None:
            more = more[focus[more // n] | focus[more % n]]
        if len(more):
            extra = evidence(more // n, more % n, np.zeros(len(more), dtype=bool), None)
            order = np.argsort(np.concatenate([a * n + b, more]), kind="stable")
            a, b = np.concatenate([a, more // n])[order], np.concatenate([b, more % n])[order]
            value, lexical, similar = (np.concatenate([x, y])[order] for x, y in zip((value, lexical, similar), extra))
            candidates += len(more)
    keep = value > 0
    return Scores(a[keep], b[keep], value[keep], lexical[keep], similar[keep], candidates=candidates)


def _missing_neighbour_pairs(items: list[Item], a: np.ndarray, b: np.ndarray, known: np.ndarray,
                             n: int) -> np.ndarray:
    """Keys (r * n + c, r < c) of the pairs of previous and of next sentences of the pairs (a, b), cross-article,
    not in the sorted `known` keys."""
    previous, following = _neighbour_rows(items)
    articles = np.array([i.article for i in items])
    keys = []
    for step in (previous, following):
        r, c = step[a], step[b]
        ok = (r >= 0) & (c >= 0) & (articles[np.maximum(r, 0)] != articles[np.maximum(c, 0)])
        keys.append(np.minimum(r, c)[ok] * n + np.maximum(r, c)[ok])
    wanted = distinct_keys(keys)
    at = np.clip(np.searchsorted(known, wanted), 0, max(len(known) - 1, 0))
    return wanted[known[at] != wanted] if len(known) else wanted


class _Evidence:
    """The evidence of given pairs of a story's prepared sentences, vectorised a block at a time."""

    def __init__(self, prepared: Prepared, options: Options, semantic: SemanticSpace | None):
        items = prepared.items
        self.prepared, self.options, self.semantic = prepared, options, semantic
        self.log_n = math.log(prepared.size or len(items))
        self.strings = [" ".join(ts) for ts in prepared.terms]
        self.presence = prepared.matrix.copy()
        self.presence.data[:] = 1.0
        idf = np.array([prepared.idf[t] for t in sorted(prepared.vocabulary, key=prepared.vocabulary.get)],
                       dtype=np.float32)
        self.weighted = sparse.csr_matrix(self.presence @ sparse.diags(idf))
        self.voices = np.array([i.voice for i in items])
        self.official = np.array([bool(i.voice) and not i.default_voice for i in items])

    def __call__(self, a: np.ndarray, b: np.ndarray, close: np.ndarray, progress=None):
        """(value, lexical, semantic) arrays for the pairs of rows (a, b); semantic only where `close`.

        Blocks of pairs run on every core (numpy, scipy and rapidfuzz release the GIL in their loops), each
        on one BLAS thread: the products are many and small.
        """
        o = self.options
        lexical, similar = np.zeros(len(a)), np.zeros(len(a))
        voices, official = self.voices, self.official
        same = (voices[a] == voices[b]) & (voices[a] != "")
        opposed = ~same & official[a] & official[b]
        factor = np.where(same, o.same_voice_bonus, np.where(opposed, o.opposing_voice_factor, 1.0))
        starts = range(0, len(a), SCORE_BLOCK)
        done = 0

        def block(start: int) -> None:
            end = start + SCORE_BLOCK
            lexical[start:end] = self._lexical(a[start:end], b[start:end])
            if self.semantic is not None:
                # The token matching costs most: only for pairs near in the semantic space that the words alone
                # do not already keep.
                ra, rb = a[start:end], b[start:end]
                near = np.flatnonzero(close[start:end] & (lexical[start:end] * factor[start:end]
                                                          < o.threshold * SEMANTIC_UNLESS))
                order = near[np.argsort(ra[near], kind="stable")]
                for group in np.split(order, np.flatnonzero(np.diff(ra[order])) + 1) if len(order) else ():
                    similar[start + group] = bertscore(self.semantic, int(ra[group[0]]), rb[group].tolist())

        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(_workers(o.workers)) as pool:
            for _ in pool.map(block, starts):
                done = min(done + SCORE_BLOCK, len(a))
                if progress:
                    progress(done, len(a))
        rescaled = np.maximum(0.0, (similar - o.semantic_floor) / (1 - o.semantic_floor))
        return np.maximum(lexical, rescaled) * factor, lexical, similar

    def _lexical(self, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
        o, matrix = self.options, self.prepared.matrix
        cosine = np.asarray(matrix[ra].multiply(matrix[rb]).sum(axis=1)).ravel()
        rare = _two_rarest(self.presence[ra].multiply(self.weighted[rb]).tocsr()) / (2 * self.log_n)
        fuzzy = process.cpdist([self.strings[r] for r in ra.tolist()], [self.strings[c] for c in rb.tolist()],
                               scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=1)
        fuzzy = np.maximum(0.0, fuzzy / 100.0 - 0.3)
        lex = (1 - o.w_fuzzy) * ((1 - o.w_rare) * cosine + o.w_rare * rare)
        return lex + o.w_fuzzy * fuzzy * (cosine > 0)


def _workers(workers: int) -> int:
    """`Options.workers` as a thread count: -1 is every core."""
    return os.cpu_count() or 1 if workers < 1 else workers


def _two_rarest(shared: sparse.csr_matrix) -> np.ndarray:
    """Per row: the sum of its two largest entries (the idf of the two rarest terms two passages share)."""
    out = np.zeros(shared.shape[0])
    if shared.nnz == 0:
        return out
    row = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
    order = np.lexsort((-shared.data, row))
    rank = np.arange(len(order)) - shared.indptr[row[order]]
    top = rank < 2
    np.add.at(out, row[order][top], shared.data[order][top])
    return out


def heading_pairs(items: list[Item], options: Options = Options(),
                  semantic: SemanticSpace | None = None) -> list[ScoredPair]:
    """See `heading_table`: the same pairs as `ScoredPair`s, best first."""
    return heading_table(items, options, semantic).scored_pairs()


def heading_table(items: list[Item], options: Options = Options(),
                  semantic: SemanticSpace | None = None, terms: list[list[str]] | None = None) -> PairTable:
    """Pairs that link a headline (or heading, caption) stating a claim to another article's passage of it.

    `items` are the story's sentences followed by its other passages (`semantic` rows in that
    order: `extend_space` adds them to the sentences' space). Only a headline that attributes
    what it says (`states_a_claim`: "Putin says ...", "Putin: ...", with the story's
    `actor_words` naming who may lead before a colon) is paired: a topic line
    ("What happened at the summit") summarises no claim, and pairing it links it to every
    sentence about the meeting. Scored as sentence pairs are, at the same threshold, over the
    story's terms with its headings counted, without neighbour support (a headline has no
    neighbours in the readout's order). Sentence pairs are not scored here, so adding headlines
    never moves them. `terms`: the items' `item_terms`, when the caller has them already.
    """
    rows = [r for r, i in enumerate(items) if i.kind == "sentence" or states_a_claim(i.text, options.actor_words)]
    items = [items[r] for r in rows]
    terms = [terms[r] for r in rows] if terms is not None else None
    focus = np.array([i.kind != "sentence" for i in items], dtype=bool)
    if semantic is not None:
        semantic = semantic.rows(rows)
    if not focus.any():
        empty = Scores(*(np.zeros(0, dtype=np.int64),) * 2, *(np.zeros(0),) * 3)
        return _kept(items, empty, np.zeros(0), options)
    base = base_scores(prepare(items, options, terms), options, semantic=semantic, focus=focus)
    return _kept(items, base, np.zeros(len(base)), options)


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


def _neighbour_rows(items: list[Item]) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the row of the previous and of the next sentence of the same article (-1 if none)."""
    by_article = defaultdict(list)
    for row, item in enumerate(items):
        by_article[item.article].append((item.position, row))
    previous = np.full(len(items), -1, dtype=np.int64)
    following = np.full(len(items), -1, dtype=np.int64)
    for rows in by_article.values():
        rows.sort()
        ordered = [row for _, row in rows]
        previous[ordered[1:]] = ordered[:-1]
        following[ordered[:-1]] = ordered[1:]
    return previous, following


def relation_of(a_text: str, b_text: str, aliases=()) -> str:
    """verbatim, variant (the same quotation in drifted words) or paraphrase."""
    return relations_of({0: a_text, 1: b_text}, np.array([0]), np.array([1]), aliases)[0]


def relations_of(texts: dict[int, str], a: np.ndarray, b: np.ndarray, aliases=()) -> list[str]:
    """`relation_of` for each pair (a[k], b[k]) of ids into `texts`: each text is normalised once, pairs of
    one wording are verbatim without comparing them, and the others compared in one vectorised rapidfuzz call,
    so a million pairs cost seconds."""
    if not len(a):
        return []
    norm = Normaliser(aliases)
    needed = np.unique(np.concatenate([a, b]))
    words = [" ".join(norm.words(texts[i])) for i in needed.tolist()]
    quotes = [[q for q in (" ".join(norm.words(span)) for span in quoted_spans(texts[i])) if len(q) >= 12]
              for i in needed.tolist()]
    wordings: dict[str, int] = {}
    wording = np.array([wordings.setdefault(w, len(wordings)) for w in words], dtype=np.int64)
    ra, rb = np.searchsorted(needed, a), np.searchsorted(needed, b)
    verbatim = wording[ra] == wording[rb]
    compared = np.flatnonzero(~verbatim)
    if len(compared):
        same = process.cpdist([words[k] for k in ra[compared].tolist()], [words[k] for k in rb[compared].tolist()],
                              scorer=fuzz.ratio, dtype=np.float32, workers=-1)
        verbatim[compared] = np.asarray(same) >= 97
    out = np.where(verbatim, "verbatim", "paraphrase").astype(object)
    # The pairs that may quote one statement in drifted words: both passages quote something, in other words.
    # Compared by their lists of quotes (one id per distinct list), every quote of one against every quote
    # of the other, in one rapidfuzz call.
    lists: dict[tuple, int] = {}
    quote_list = np.array([lists.setdefault(tuple(q), len(lists)) if q else -1 for q in quotes], dtype=np.int64)
    maybe = np.flatnonzero((quote_list[ra] >= 0) & (quote_list[rb] >= 0) & ~verbatim)
    if len(maybe):
        keys = quote_list[ra[maybe]] * len(lists) + quote_list[rb[maybe]]
        combos, combo_of = np.unique(keys, return_inverse=True)
        by_id = list(lists)
        left, right, owner = [], [], []
        for c, key in enumerate(combos.tolist()):
            for qa in by_id[key // len(lists)]:
                for qb in by_id[key % len(lists)]:
                    left.append(qa), right.append(qb), owner.append(c)
        close = process.cpdist(left, right, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1) >= 60
        variant = np.zeros(len(combos), dtype=bool)
        np.logical_or.at(variant, np.array(owner, dtype=np.int64), close)
        out[maybe[variant[combo_of]]] = "variant"
    return out.tolist()
