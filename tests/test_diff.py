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


def test_claims_are_connected_components_largest_first():
    found = claims([(5, 6), (1, 2), (2, 3), (3, 1)])
    assert found == [frozenset({1, 2, 3}), frozenset({5, 6})]
    assert claims([]) == []
