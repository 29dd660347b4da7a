import datetime as dt

import pytest

from newsdiff.text.clean import TextError, clean_article, decode_bytes, fix_encoding, parse_date


def test_it_repairs_mojibake_and_keeps_curly_quotes():
    broken = "Russiaâ€™s troops â€œmassâ€\x9d near the border"
    assert fix_encoding(broken) == "Russia’s troops “mass” near the border"


def test_it_drops_a_stray_a_circumflex_that_ftfy_leaves():
    assert fix_encoding("Via Some News AgencyÂ\nNext lineÂ here") == "Via Some News Agency\nNext line here"


def test_it_keeps_a_real_a_circumflex_inside_a_word():
    assert fix_encoding("Âge and Âme") == "Âge and Âme"


def test_it_turns_no_break_spaces_into_spaces():
    assert fix_encoding("two\u00a0hours") == "two hours"


def test_title_is_the_first_line_without_a_site_label():
    article = clean_article("Leaders meet in Vienna | World News\n\nThe leaders met.")
    assert article.title == "Leaders meet in Vienna"
    assert article.paragraphs[0].kind == "title"


def test_a_first_line_that_is_a_sentence_is_prose_as_well_as_the_title():
    article = clean_article("The leaders met in Vienna on Monday.\nThey talked.")
    assert article.title == "The leaders met in Vienna on Monday."
    assert article.paragraphs[0].kind == "text"


def test_it_parses_and_drops_a_source_line():
    article = clean_article("Headline here\n\nSource: Agency News| 2023-05-04 10:00:00|Editor: someone\n\nText.")
    assert article.outlet == "Agency News"
    assert article.published == dt.date(2023, 5, 4)
    assert "Source:" not in article.body


def test_it_drops_a_metadata_line_with_a_written_date():
    article = clean_article("Headline\nPolitics | March 3, 2022, Thursday // 10:18| example.com\nText of it.")
    assert article.published == dt.date(2022, 3, 3)
    assert "example.com" not in article.body


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "Leave A Reply",
        "Your email address will not be published.",
        "Source link",
        "Recommended For You",
        "About the Author: Some Person",
        "KEY WORDS: talks,summit",
        "- Follow Some Times on Google News",
        "- Via Some News Agency.",
        "(Our correspondents in X and Y also contributed to the story.)",
        "by Jane Doe",
        "By Jane Doe and John Roe",
        "/SomeSite",
        "Read more: the earlier talks",
        "Advertisement",
    ],
)
def test_it_drops_boilerplate_lines(line):
    article = clean_article(f"Headline\n\nThe ministers met on Tuesday.\n\n{line}\n\nThey will meet again.")
    assert line not in article.body
    assert line in article.dropped
    assert "They will meet again." in article.body


def test_it_keeps_prose_that_starts_like_boilerplate():
    text = "Headline\n\nEditorial boards criticised the plan on Monday.\n\nShare prices fell sharply after the talks."
    article = clean_article(text)
    assert "Editorial boards criticised the plan on Monday." in article.body
    assert "Share prices fell sharply after the talks." in article.body


def test_it_removes_an_agency_end_marker():
    article = clean_article("Headline\n\nThe talks ended on Friday. Enditem")
    assert article.body.endswith("The talks ended on Friday.")


def test_a_caption_repeated_back_to_back_is_kept_once_without_its_credit():
    caption = "The minister is seen at a press conference in the capital on 3 May."
    line = f"{caption} {caption} Photograph: Agency/Getty Images{caption} Photograph: Agency/Getty Images"
    article = clean_article(f"Headline\n\n{line}\n\nThe minister spoke for an hour.")
    captions = [p for p in article.paragraphs if p.kind == "caption"]
    assert [p.text for p in captions] == [caption]
    assert "Photograph" not in article.body


def test_short_unpunctuated_lines_become_headings():
    article = clean_article("Headline\n\nThe talks began.\n\nAllies react to the call\n\nThe allies said little.")
    kinds = {p.text: p.kind for p in article.paragraphs}
    assert kinds["Allies react to the call"] == "heading"
    assert kinds["The talks began."] == "text"


def test_trailing_page_furniture_is_dropped():
    article = clean_article("Headline\n\nThe talks began.\n\nBack to news\nHome")
    assert article.body == "Headline\n\nThe talks began."


def test_hard_wrapped_paragraphs_are_joined():
    text = (
        "Headline\n\n"
        "The two ministers met in Geneva on Tuesday for talks that\n"
        "lasted more than three hours, officials said.\n\n"
        "Neither side gave details of what was agreed, but both\n"
        "said they would meet again next month.\n"
    )
    article = clean_article(text)
    assert "that lasted more than three hours" in article.body
    assert len(article.paragraphs) == 3


def test_an_article_with_no_prose_is_refused():
    with pytest.raises(TextError, match="empty after cleaning"):
        clean_article("Just a headline\n\nShare this article\nLeave a reply")


def test_decode_refuses_nul_bytes():
    with pytest.raises(TextError, match="binary"):
        decode_bytes(b"PK\x03\x04\x00\x00binary")


def test_decode_falls_back_to_cp1252_and_says_so():
    text, encoding = decode_bytes("The minister’s “speech”".encode("cp1252"))
    assert (text, encoding) == ("The minister’s “speech”", "cp1252")


def test_decode_falls_back_to_latin_1_for_bytes_cp1252_lacks():
    text, encoding = decode_bytes("Caf\u00e9 \u0081".encode("latin-1"))
    assert encoding == "latin-1"


def test_decode_strips_a_utf8_bom():
    assert decode_bytes("\ufeffHello".encode("utf-8")) == ("Hello", "utf-8")


@pytest.mark.parametrize(
    "text, expected",
    [("2021-12-08 11:24", dt.date(2021, 12, 8)), ("December 8, 2021", dt.date(2021, 12, 8)),
     ("8 Dec 2021", dt.date(2021, 12, 8)), ("no date here", None), ("2021-13-45", None)],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected
