"""The variant table: every wording of one claim aligned word by word (pure)."""
from newsdiff.text.diff import sides, word_diff
from newsdiff.text.variants import Cell, variant_table


def shown(table):
    """Each place as a reader sees it: shared words once, a variant place as its readings."""
    return [p.text if p.shared else p.readings for p in table.places]


def test_shared_words_are_one_place_and_a_changed_verb_is_one_variant_place():
    table = variant_table([("a", "The alliance tried to conquer the territory."),
                           ("b", "The alliance tried to seize the territory."),
                           ("c", "the alliance tried to develop the territory")])
    assert shown(table) == ["The alliance tried to", ("conquer", "seize", "develop"), "the territory."]
    assert table.variant_summaries == ["conquer / seize / develop"]
    assert [w.labels for w in table.witnesses] == [("a",), ("b",), ("c",)]


def test_words_only_one_witness_has_are_an_insertion_the_others_omit():
    table = variant_table([(1, "The call lasted two hours."),
                           (2, "The call lasted nearly two hours."),
                           (3, "The call lasted two hours.")])
    # 1 and 3 read alike: one row for both
    assert [w.labels for w in table.witnesses] == [(1, 3), (2,)]
    assert shown(table) == ["The call lasted", (None, "nearly"), "two hours."]
    assert table.variant_summaries == ["(omits) / nearly"]


def test_a_witness_missing_a_phrase_leaves_its_cells_empty():
    table = variant_table([(1, "Putin warned that NATO, in his words, was moving east"),
                           (2, "Putin warned that NATO was moving east")])
    assert shown(table) == ["Putin warned that NATO,", ("in his words,", None), "was moving east"]


def test_a_longer_replacement_keeps_its_extra_words_beside_the_replaced_one():
    table = variant_table([(1, "They want guarantees now"), (2, "They want binding legal guarantees now")])
    assert shown(table) == ["They want", (None, "binding legal"), "guarantees now"]
    table = variant_table([(1, "They want firm guarantees"), (2, "They want binding legal assurances")])
    assert shown(table) == ["They want", ("firm guarantees", "binding legal assurances")]


def test_rows_give_a_shared_place_once_spanning_every_row_and_mark_each_reading():
    table = variant_table([(1, "tried to conquer land"), (2, "tried to seize land"), (3, "tried to land")])
    first, second, third = [cells for _, cells in table.rows()]
    assert first == [Cell("tried to", "shared", 0, 3), Cell("conquer", "same", 1), Cell("land", "shared", 2, 3)]
    assert second == [Cell("seize", "variant", 1)]
    assert third == [Cell("", "omitted", 1)]


def test_a_limit_keeps_the_first_distinct_wordings_and_counts_the_rest():
    wordings = [(n, f"They met for {word} hours") for n, word in enumerate(["two", "two", "three", "four", "five"])]
    table = variant_table(wordings, limit=3)
    assert [w.labels for w in table.witnesses] == [(0, 1), (2,), (3,)] and table.left_out == 1
    assert table.variant_summaries == ["two / three / four"]
    assert variant_table(wordings).left_out == 0


def test_identical_and_empty_inputs():
    table = variant_table([(1, "Same words."), (2, "same words")])
    assert len(table.witnesses) == 1 and table.n_variants == 0 and shown(table) == ["Same words."]
    assert variant_table([]).places == ()


def test_side_by_side_keeps_each_wording_whole_with_shared_words_marked():
    left, right = sides(word_diff("Biden voiced deep concern", "The president voiced concern over troops"))
    assert " ".join(s.text for s in left) == "Biden voiced deep concern"
    assert " ".join(s.text for s in right) == "The president voiced concern over troops"
    assert [s.text for s in left if s.op == "equal"] == [s.text for s in right if s.op == "equal"] == [
        "voiced", "concern"]


def test_a_framed_variant_needs_shared_words_on_both_sides_and_few_words_changed():
    from newsdiff.text.variants import variant_span

    def framed(a, b):
        return variant_span(word_diff(a, b)) is not None

    long_a = "Putin conveyed that NATO was making dangerous attempts to conquer Ukrainian territory and more"
    long_b = "Putin accused Nato forces of undertaking “dangerous attempts to develop Ukrainian territory and its"
    assert framed(long_a, long_b)
    assert not framed("attempts to conquer territory", "attempts to seize territory")  # 3 shared words: too few
    assert not framed("said the talks were frank and useful", "said the leaders spoke for two long hours and useful")
    assert not framed("the two leaders met", "the two presidents spoke")  # nothing shared after the change


def test_trimming_drops_long_differing_edges_and_summaries_name_short_variants():
    table = variant_table([(1, "Putin conveyed that NATO was making dangerous attempts to conquer Ukrainian territory"),
                           (2, "In a statement the Kremlin said dangerous attempts to seize Ukrainian territory and "
                               "more were under way near its borders")]).trimmed()
    assert (table.cut_start, table.cut_end) == (True, True)
    assert shown(table) == ["dangerous attempts to", ("conquer", "seize"), "Ukrainian territory"]
    assert table.variant_summaries == ["conquer / seize"]
