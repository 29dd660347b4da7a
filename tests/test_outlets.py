"""Outlets told apart: distinct monograms and stable colours (pure)."""
from newsdiff.outlets import OUTLET_PALETTE, colour_classes, monograms


def test_monograms_are_short_initials_and_acronyms_stay_whole():
    marks = monograms(["The Daily Planet", "Northern Courier", "NWA", "Gazette (wire copy)"])
    assert marks == {"The Daily Planet": "DP", "Northern Courier": "NC", "NWA": "NWA", "Gazette (wire copy)": "GAZ"}


def test_monograms_stay_distinct_when_names_share_initials():
    names = ["Daily Post", "Dawn Press", "The Daily Post", "Daily-Post", "Dp"]
    marks = monograms(names)
    assert len(set(marks.values())) == len(names)
    assert all(1 <= len(m) <= 5 for m in marks.values())


def test_names_with_no_letters_still_get_a_distinct_mark():
    marks = monograms(["---", "...", "Ledger"])
    assert len(set(marks.values())) == 3


def test_colours_follow_name_order_so_a_story_always_shows_the_same_colours():
    first = colour_classes(["Zeta", "alpha", "Mid"])
    again = colour_classes(["Mid", "Zeta", "alpha"])
    assert first == again == {"alpha": "outlet-c0", "Mid": "outlet-c1", "Zeta": "outlet-c2"}
    many = colour_classes([f"Outlet {n}" for n in range(OUTLET_PALETTE + 2)])
    assert set(many.values()) == {f"outlet-c{n}" for n in range(OUTLET_PALETTE)}
