"""The semantic evidence: paraphrases that share few words are found, unrelated sentences are not.

Invented sentences of an invented story (Eastland, Westland), three outlets.
"""
import numpy as np
import pytest

from newsdiff.align import encoder
from newsdiff.align.score import Item, Options, score_pairs
from newsdiff.align.semantic import bertscore, extend_space, prepare_space, space_frame, with_rows

OUTLET_A = [
    "The two presidents tasked their teams to follow up on the talks.",
    "Marek warned that Eastland would face severe economic sanctions if its troops crossed the border.",
    "The call lasted a little over two hours, officials said.",
    "Grain prices rose sharply in the port of Velna on Tuesday.",
]
OUTLET_B = [
    "Both leaders delegated officials to stay in contact after the conversation.",
    "Westland threatened Eastland with tough financial penalties should its army invade.",
    "The video conference went on for just over two hours.",
    "A new football stadium opened in the capital last month.",
]
OUTLET_C = [
    "The leaders agreed that their aides would keep in touch on the matter.",
    "Fishermen complained about the cold weather along the coast.",
    "A children's choir sang at the opening of the new library.",
]
# Same claim, in other words: (article A index, article B index) and so on, by item id below.
PARAPHRASES = {(1, 11), (1, 21), (11, 21), (2, 12), (3, 13)}
ACTORS = ("Marek",)


@pytest.fixture(scope="module")
def story():
    items = ([Item(k + 1, 1, t) for k, t in enumerate(OUTLET_A)]
             + [Item(k + 11, 2, t) for k, t in enumerate(OUTLET_B)]
             + [Item(k + 21, 3, t) for k, t in enumerate(OUTLET_C)])
    encoded = encoder.encode([i.text for i in items])
    space = prepare_space([(e.content_ids, e.content_vectors) for e in encoded], encoder.token_ids(ACTORS))
    return items, space


def all_scores(items, space):
    out = {}
    for r, item in enumerate(items):
        columns = [c for c in range(len(items)) if items[c].article > item.article]
        for c, f in zip(columns, bertscore(space, r, columns)):
            out[(item.id, items[c].id)] = float(f)
    return out


def test_each_paraphrase_outscores_every_unrelated_sentence_of_its_passages(story):
    scores = all_scores(*story)
    for pair in PARAPHRASES:
        rivals = [s for other, s in scores.items()
                  if other not in PARAPHRASES and set(other) & set(pair)]
        assert scores[pair] > max(rivals), (pair, scores[pair], max(rivals))


def test_unrelated_sentences_score_near_zero(story):
    scores = all_scores(*story)
    assert scores[(4, 14)] < 0.2  # grain prices / a football stadium
    assert scores[(12, 22)] < 0.2  # sanctions / fishermen's weather


def test_semantic_evidence_pairs_a_paraphrase_that_shares_no_word(story):
    items, space = story
    options = Options(actor_words=ACTORS, threshold=0.25)
    lexical = {(p.a, p.b) for p in score_pairs(items, options)}
    semantic = score_pairs(items, options, semantic=space)
    found = {(p.a, p.b) for p in semantic}
    # "tasked their teams to follow up" / "delegated officials to stay in contact"
    assert (1, 11) not in lexical and (1, 11) in found
    assert not found & {(4, 14), (12, 22), (4, 22)}
    evidence = next(p.features for p in semantic if (p.a, p.b) == (1, 11))
    assert evidence["lexical"] == 0 and evidence["semantic"] > 0.3


def test_an_actors_name_carries_no_semantic_weight():
    texts = ["Marek spoke about the harvest.", "Marek spoke about the harbour strike.", "Farmers praised the harvest."]
    encoded = encoder.encode(texts)
    tokens = [(e.content_ids, e.content_vectors) for e in encoded]
    with_name = prepare_space(tokens)
    without = prepare_space(tokens, encoder.token_ids(ACTORS))
    assert bertscore(without, 0, [1])[0] < bertscore(with_name, 0, [1])[0]
    assert all(w.sum() > 0 for w in without.weights)


def test_an_empty_passage_scores_zero_and_does_not_fail():
    space = prepare_space([(np.array([], dtype=np.int32), np.zeros((0, 384), np.float32)),
                           (np.array([5, 6]), np.eye(2, 384, dtype=np.float32))])
    assert bertscore(space, 0, [1]).tolist() == [0.0]
    assert bertscore(space, 1, [0]).tolist() == [0.0]


def test_a_space_made_by_chunks_in_parallel_is_the_space_made_in_turn():
    # What the job does with a big story: each chunk of passages is placed in the frame on its own (on a
    # thread), then the chunks are joined; the scores must be those of extending the frame chunk by chunk.
    rng = np.random.default_rng(3)
    tokens = [(rng.integers(1000, 1040, size=k), rng.standard_normal((k, 384)).astype(np.float32))
              for k in (5, 0, 8, 3, 6, 4, 7)]
    tokens[2] = (tokens[0][0], tokens[0][1] + 0.1 * rng.standard_normal((5, 384)).astype(np.float32))  # a rewording
    frame = space_frame([ids for ids, _ in tokens], [v for _, v in tokens[:4]], skip_ids={1003})
    in_turn = frame
    for chunk in (tokens[:3], tokens[3:5], tokens[5:]):
        in_turn = extend_space(in_turn, chunk)
    joined = with_rows(frame, [extend_space(frame, chunk) for chunk in (tokens[:3], tokens[3:5], tokens[5:])])
    assert np.array_equal(joined.sentences, in_turn.sentences)
    assert all(np.array_equal(x, y) for x, y in zip(joined.vectors, in_turn.vectors))
    assert len(joined.vectors) == len(tokens)
    assert bertscore(joined, 0, [2, 4, 6]).tolist() == bertscore(in_turn, 0, [2, 4, 6]).tolist()
    assert bertscore(joined, 0, [2])[0] > 0.5


def test_the_jobs_space_read_by_chunks_on_threads_is_the_space_made_in_turn(seed_story, monkeypatch):
    # The job reads a story's token vectors 1,000 passages at a time and places each chunk in the frame on a
    # thread of its own; with chunks of 7, the seed story takes two dozen of them.
    from newsdiff import encodings, jobs

    options = jobs.story_options(seed_story)
    passages = [p for p in jobs._passage_rows(seed_story) if p.kind == "sentence"]
    jobs._read_texts(passages)
    read = encodings.vectors_in_chunks
    monkeypatch.setattr(encodings, "vectors_in_chunks", lambda rows, chunk=1000: read(rows, chunk=7))
    space, ids = jobs._semantic_space(passages, options)
    tokens = [t for chunk in read(passages, chunk=len(passages)) for t in chunk]
    in_turn = space_frame(ids, [v for _, v in tokens], encoder.token_ids(options.actor_words))
    for start in range(0, len(tokens), 7):
        in_turn = extend_space(in_turn, tokens[start:start + 7])
    assert len(space.vectors) == len(passages) > 7 * 20 and space.directions is not None
    assert np.array_equal(space.sentences, in_turn.sentences)
    assert all(np.array_equal(x, y) for x, y in zip(space.vectors, in_turn.vectors, strict=True))
