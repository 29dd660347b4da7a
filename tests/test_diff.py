from newsdiff.align.claims import claims
from newsdiff.text.diff import Segment, similarity, word_diff


def test_a_changed_verb_is_one_deletion_and_one_insertion():
    segments = word_diff(
        "NATO is making dangerous attempts to conquer Ukrainian territory",
        "NATO is making dangerous attempts to develop Ukrainian territory",
    )
    assert [s for s in segments if s.op != "equal"] == [Segment("delete", "conquer"), Segment("insert", "develop")]


def test_case_punctuation_and_quote_style_are_not_differences():
    segments = word_diff('He said: "dangerous attempts," to conquer', "he said “dangerous attempts” to conquer")
    assert [s.op for s in segments] == ["equal"]
    assert similarity(segments) == 1.0


def test_the_other_wording_reads_back_from_its_equal_and_inserted_words():
    a = "There was a lot of give and take, there was no finger-wagging."
    b = "There were a lot of compromises, there was no waving, but the president was clear."
    segments = word_diff(a, b)
    assert " ".join(s.text for s in segments if s.op != "delete") == b
    assert " ".join(s.text for s in segments if s.op != "insert") == a
    assert 0 < similarity(segments) < 1


def test_unrelated_wordings_share_nothing():
    segments = word_diff("Grain prices rose", "Talks ended late")
    assert similarity(segments) == 0.0
    assert {s.op for s in segments} == {"delete", "insert"}


def test_claims_group_a_hub_with_its_direct_alignments_largest_first():
    found = claims([(5, 6, .5), (1, 2, .9), (2, 3, .9), (3, 1, .9)])
    assert found == [frozenset({1, 2, 3}), frozenset({5, 6})]
    assert claims([]) == []


def test_a_chain_of_alignments_does_not_become_one_claim():
    chain = [(n, n + 1, 0.8) for n in range(1, 10)]
    found = claims(chain)
    assert sum(len(c) for c in found) == 10  # every passage shown once
    assert max(len(c) for c in found) <= 3


def test_a_passage_whose_neighbours_are_taken_joins_its_best_neighbours_claim():
    # 1 is the hub of {1, 2, 3, 4}; 5 is aligned to 2 (weakly) and 3 (strongly) only
    found = claims([(1, 2, .9), (1, 3, .9), (1, 4, .9), (2, 5, .3), (3, 5, .6)])
    assert found == [frozenset({1, 2, 3, 4, 5})]
