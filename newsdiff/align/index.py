"""What a full alignment keeps so that one more article is aligned against the story alone. Pure; no database.

A 1,000-article story takes a minute to align in full; one more article must take seconds. `StoryIndex`
holds what scoring and joining need of the passages already aligned, so that the new article's passages
are compared with theirs without normalising, encoding or scoring the rest again:

- per sentence (row): its passage id, article, position, content terms (codes into `terms`) and its
  semantic sentence vector (float16);
- the semantic frame (centre, common directions, wordpiece document frequencies over `frame_size`
  passages), so new token vectors are placed exactly as the old ones were;
- the exchanges' `Joiner` (each exchange's mean smoothed vector), with the exchange id of each group.

Contract of `score_new(index, live, new_items, new_tokens, tokens_of, options)`:
- `live` are the current items of the indexed passages still in the story (voices as they are now);
- the new items' terms and the index's give the story's idf; the new sentences' candidates are sought among
  every live sentence (`align.candidates`, the same blocking as a full run), scored with the same evidence
  and the neighbours' support, and kept at the same threshold and cap;
- `tokens_of(ids)` returns the stored (ids, vectors) of the old passages the token matching needs (the new
  sentences' semantic neighbours only);
- returns the kept `PairTable` (only pairs with a new passage) and the index grown by the new sentences.
Pairs among old passages are not touched, nor are their scores recomputed with the new idf: `align --full`
does that.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from .candidates import candidate_pairs
from .group import GroupOptions, Joiner
from .score import Item, Options, PairTable, Prepared, _kept, base_scores, item_terms, neighbour_support
from .semantic import SemanticSpace, extend_space

FORMAT = 1


@dataclass
class StoryIndex:
    options_key: str
    ids: np.ndarray  # int64 passage ids, one per row
    articles: np.ndarray
    positions: np.ndarray
    term_ptr: np.ndarray  # CSR of each row's term codes
    term_codes: np.ndarray
    terms: list[str]
    sentences: np.ndarray  # float16 (rows, dim)
    centre: np.ndarray
    directions: np.ndarray | None
    wordpiece_ids: np.ndarray
    wordpiece_df: np.ndarray
    frame_size: int
    joiner: Joiner | None
    exchange_ids: np.ndarray  # the exchange of each of the joiner's groups
    # Each group's members (passage ids, CSR): when an editor merged or deleted a group's exchange, new passages
    # of that group go where most of its members are now.
    member_ptr: np.ndarray
    member_ids: np.ndarray

    def members(self, group: int) -> np.ndarray:
        return self.member_ids[self.member_ptr[group]:self.member_ptr[group + 1]]

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        j = self.joiner
        arrays = {
            "format": np.array([FORMAT]), "options_key": np.array([self.options_key]),
            "ids": self.ids, "articles": self.articles, "positions": self.positions,
            "term_ptr": self.term_ptr, "term_codes": self.term_codes, "terms": np.array(self.terms, dtype=str),
            "sentences": self.sentences, "centre": self.centre,
            "directions": self.directions if self.directions is not None else np.zeros((0, len(self.centre))),
            "wordpiece_ids": self.wordpiece_ids, "wordpiece_df": self.wordpiece_df,
            "frame_size": np.array([self.frame_size]), "exchange_ids": self.exchange_ids,
            "member_ptr": self.member_ptr, "member_ids": self.member_ids,
        }
        if j is not None:
            vocabulary = sorted(j.vocabulary, key=j.vocabulary.get)
            arrays.update({"centroids": j.centroids, "sizes": j.sizes, "vocabulary": np.array(vocabulary, dtype=str),
                           "vocabulary_idf": np.array([j.idf[t] for t in vocabulary]),
                           "group_options": np.array([repr(j.options)])})
        np.savez(out, **arrays)
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "StoryIndex | None":
        """The index, or None when it was written in another format or cannot be read (the run is then full)."""
        try:
            return cls._read(np.load(io.BytesIO(data), allow_pickle=False))
        except (OSError, ValueError, KeyError, IndexError, EOFError):
            return None

    @classmethod
    def _read(cls, z) -> "StoryIndex | None":
        if int(z["format"][0]) != FORMAT:
            return None
        joiner = None
        if "centroids" in z.files:
            vocabulary = [str(t) for t in z["vocabulary"]]
            joiner = Joiner(z["centroids"], z["sizes"], {t: k for k, t in enumerate(vocabulary)},
                            dict(zip(vocabulary, z["vocabulary_idf"].tolist())), GroupOptions())
            if str(z["group_options"][0]) != repr(GroupOptions()):
                joiner = None  # grouped under other options: joining needs a full run
        directions = z["directions"]
        return cls(str(z["options_key"][0]), z["ids"], z["articles"], z["positions"], z["term_ptr"],
                   z["term_codes"], [str(t) for t in z["terms"]], z["sentences"], z["centre"],
                   directions if len(directions) else None, z["wordpiece_ids"], z["wordpiece_df"],
                   int(z["frame_size"][0]), joiner, z["exchange_ids"], z["member_ptr"], z["member_ids"])

    def frame(self, skip_ids=frozenset()) -> SemanticSpace:
        """The semantic frame with no rows: new token vectors added to it are placed as the old ones were."""
        n = self.frame_size
        idf = {int(t): math.log((n + 1) / (d + 1)) for t, d in zip(self.wordpiece_ids.tolist(),
                                                                    self.wordpiece_df.tolist())}
        return SemanticSpace((), (), np.zeros((0, len(self.centre)), np.float32), self.centre, self.directions,
                             idf, frozenset(skip_ids), n)


def options_key(options: Options) -> str:
    """What must be equal for an index to be used: the scoring options (workers aside)."""
    return repr(replace(options, workers=0))


def build_index(options: Options, prepared: Prepared, space: SemanticSpace, wordpiece_ids: list[np.ndarray],
                joiner: Joiner | None, exchange_ids: list[int], groups: list[list[int]]) -> StoryIndex:
    """The index of a full run: its sentences (`prepared.items`, `space` rows in the same order), the
    wordpiece ids its frame counted, its exchanges' joiner, each joined group's exchange and members."""
    items = prepared.items
    codes: dict[str, int] = {}
    flat = [codes.setdefault(t, len(codes)) for ts in prepared.terms for t in ts]
    ptr = np.concatenate([[0], np.cumsum([len(ts) for ts in prepared.terms])]).astype(np.int64)
    df: dict[int, int] = {}
    for ids in wordpiece_ids:
        for t in set(ids.tolist()):
            df[t] = df.get(t, 0) + 1
    return StoryIndex(
        options_key(options), np.array([i.id for i in items], dtype=np.int64),
        np.array([i.article for i in items], dtype=np.int64), np.array([i.position for i in items], dtype=np.int64),
        ptr, np.array(flat, dtype=np.int64), list(codes), space.sentences.astype(np.float16), space.centre,
        space.directions, np.array(sorted(df), dtype=np.int64), np.array([df[t] for t in sorted(df)], dtype=np.int64),
        len(wordpiece_ids), joiner, np.array(exchange_ids, dtype=np.int64),
        np.concatenate([[0], np.cumsum([len(g) for g in groups])]).astype(np.int64),
        np.array([i for g in groups for i in g], dtype=np.int64))


def score_new(index: StoryIndex, live: list[Item], new_items: list[Item], new_tokens: list, tokens_of,
              options: Options, skip_ids=frozenset(), headlines: bool = False) -> tuple[PairTable, StoryIndex]:
    """See the module's contract. `live`: the index's rows still in the story, as items (any order);
    `new_items`: the new sentences, `new_tokens` their (ids, vectors). With `headlines`, `new_items` are
    headlines that state a claim, scored as `heading_table` scores them (no neighbours' support); the index
    returned is then unchanged (it holds sentences only)."""
    row_of = {int(i): r for r, i in enumerate(index.ids.tolist())}
    live_rows = np.array(sorted(row_of[i.id] for i in live if i.id in row_of), dtype=np.int64)
    item_of = {i.id: i for i in live}
    old_items = [item_of[int(index.ids[r])] for r in live_rows]
    new_terms = item_terms(new_items, options)
    # Terms of every live row, then the new ones: the story's document frequencies and tf-idf rows.
    codes = {t: k for k, t in enumerate(index.terms)}
    terms = list(index.terms)
    new_codes = [[codes.setdefault(t, len(codes)) for t in ts] for ts in new_terms]
    terms += [t for t in codes if codes[t] >= len(index.terms)]
    starts, ends = index.term_ptr[live_rows], index.term_ptr[live_rows + 1]
    old_flat = index.term_codes[np.concatenate([np.arange(a, b) for a, b in zip(starts, ends)])] \
        if len(live_rows) else np.zeros(0, np.int64)
    old_lengths = ends - starts
    flat = np.concatenate([old_flat, np.array([c for cs in new_codes for c in cs], dtype=np.int64)])
    lengths = np.concatenate([old_lengths, [len(cs) for cs in new_codes]]).astype(np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    n = len(lengths)
    present = sparse.csr_matrix((np.ones(len(flat), np.float32), (rows, flat)), shape=(n, len(codes)))
    df = np.asarray((present > 0).sum(axis=0)).ravel()
    idf_by_code = np.log((n + 1) / np.maximum(df, 1))
    in_vocabulary = df >= 2
    column = np.cumsum(in_vocabulary) - 1
    keep = in_vocabulary[flat]
    matrix = sparse.csr_matrix((idf_by_code[flat[keep]].astype(np.float32), (rows[keep], column[flat[keep]])),
                               shape=(n, int(in_vocabulary.sum())))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.csr_matrix(sparse.diags(1 / np.where(norms > 0, norms, 1)).astype(np.float32) @ matrix)
    # The new sentences in the old frame; their candidates among every live sentence.
    new_space = extend_space(index.frame(skip_ids), new_tokens)
    sentences = np.vstack([index.sentences[live_rows].astype(np.float32), new_space.sentences])
    articles = np.concatenate([index.articles[live_rows], [i.article for i in new_items]])
    new_rows = np.arange(len(live_rows), n)
    found = candidate_pairs(matrix, articles, sentences, options.lexical_candidates, options.semantic_candidates,
                            rows=new_rows)
    # Score them on the part of the story they touch: candidates and their neighbours (for support).
    # Rows keep the full run's order (article, then position), so a sentence's neighbours are the rows beside it.
    touched = set(found.a.tolist()) | set(found.b.tolist()) | set(new_rows.tolist())
    for r in list(touched):
        for near in (r - 1, r + 1):
            if 0 <= near < n and articles[near] == articles[r]:
                touched.add(near)
    part = np.array(sorted(touched), dtype=np.int64)
    close_old = sorted({int(r) for a, b, c in zip(found.a, found.b, found.close) if c for r in (a, b)
                        if r < len(live_rows)})
    loaded = dict(zip(close_old, tokens_of([int(index.ids[live_rows[r]]) for r in close_old])))
    empty = (np.zeros(0, np.int64), np.zeros((0, len(index.centre)), np.float32))
    part_tokens = [loaded.get(int(r), empty) for r in part if r < len(live_rows)]
    space = extend_space(index.frame(skip_ids), part_tokens)
    space = replace(space, vectors=space.vectors + new_space.vectors, weights=space.weights + new_space.weights,
                    sentences=sentences[part])
    all_items = old_items + list(new_items)
    part_items = [all_items[r] for r in part]
    all_terms = [[terms[c] for c in flat[a:b]] for a, b in
                 zip(np.concatenate([[0], np.cumsum(lengths)[:-1]])[part], np.cumsum(lengths)[part])]
    vocabulary = {terms[c]: int(column[c]) for c in np.flatnonzero(in_vocabulary)}
    idf = {terms[c]: float(idf_by_code[c]) for c in range(len(terms))}
    prepared = Prepared(part_items, all_terms, idf, matrix[part], vocabulary, size=n)
    focus = part >= len(live_rows)
    base = base_scores(prepared, options, semantic=space, focus=focus, support=not headlines)
    if headlines:
        return _kept(part_items, base, np.zeros(len(base)), options), index
    table = _kept(part_items, base, neighbour_support(part_items, base), options)
    return table, _grown(index, new_items, new_terms, new_space, new_tokens)


def _grown(index: StoryIndex, new_items: list[Item], new_terms, new_space: SemanticSpace, new_tokens) -> StoryIndex:
    codes = {t: k for k, t in enumerate(index.terms)}
    flat = [codes.setdefault(t, len(codes)) for ts in new_terms for t in ts]
    lengths = np.cumsum([len(ts) for ts in new_terms]).astype(np.int64)
    return replace(
        index, ids=np.concatenate([index.ids, [i.id for i in new_items]]).astype(np.int64),
        articles=np.concatenate([index.articles, [i.article for i in new_items]]).astype(np.int64),
        positions=np.concatenate([index.positions, [i.position for i in new_items]]).astype(np.int64),
        term_ptr=np.concatenate([index.term_ptr, index.term_ptr[-1] + lengths]),
        term_codes=np.concatenate([index.term_codes, np.array(flat, dtype=np.int64)]), terms=list(codes),
        sentences=np.vstack([index.sentences, new_space.sentences.astype(np.float16)]))
