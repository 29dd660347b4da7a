import datetime as dt

import pytest

from newsdiff.text.clean import Paragraph, TextError, clean_article, decode_bytes, fix_encoding, parse_date


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
        # Bylines with wire credits
        "By Jane Doe with Agency News",
        "By Jane Doe and John Roe, Agency News",
        "By JANE DOE (Agency News)",
        "Jane Doe | Agency News",
        # Share prompts
        "Share on Facebook",
        "Click here to read the full statement",
        "Subscribe to our daily briefing",
        "Follow us for the latest updates",
        # Related-article teasers
        "READ MORE: Allies weigh their next steps",
        "Related: What the talks mean for the region",
        "Also read: Five things to know about the summit",
        "READ SOME MORE",
        "Recommended Videos",
        # Photo credits and gallery controls
        "(Agency News: Jane Doe)",
        "(AGENCY / POOL / Jane Doe)",
        "Photo: Jane Doe/Agency News",
        "Full Screen",
        "2 / 7",
        # Time stamps of the page
        "Updated 10:15, 04-May-2023",
        "Agency News) 09:06, May 4, 2023",
        "Updated:",
        "Wednesday, May 3, 2023",
        # Notices of an ad slot or a player that did not load
        "This advertisement has not loaded yet, but the story goes on below.",
        "Sorry, this video is unavailable.",
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


@pytest.mark.parametrize(
    "lead, dateline",
    [
        ("VALDORA, May 4. /AGENCY/. The ministers met on Tuesday.", "VALDORA, May 4. /AGENCY/."),
        ("VALDORA, May 4 (Agency) - The ministers met on Tuesday.", "VALDORA, May 4 (Agency) -"),
        ("PORT ELLIS, Oct. 12 (Agency News) -- The ministers met on Tuesday.", "PORT ELLIS, Oct. 12 (Agency News) --"),
        ("VALDORA/KESTRIA, Oct 12, 2023 (agency) — The ministers met on Tuesday.",
         "VALDORA/KESTRIA, Oct 12, 2023 (agency) —"),
        ("VALDORA (AGENCY) - The ministers met on Tuesday.", "VALDORA (AGENCY) -"),
        ("Valdora, 4 May — The ministers met on Tuesday.", "Valdora, 4 May —"),
        ("VALDORA – The ministers met on Tuesday.", "VALDORA –"),
    ],
)
def test_an_agency_dateline_is_stripped_and_its_sentence_kept(lead, dateline):
    article = clean_article(f"Ministers meet\n\n{lead} They agreed to meet again.\n\nThe talks ended.")
    assert article.paragraphs[1] == Paragraph("The ministers met on Tuesday. They agreed to meet again.", "text")
    assert dateline in article.dropped


def test_a_dateline_on_a_line_of_its_own_is_dropped():
    article = clean_article("Ministers meet\n\nVALDORA, May 4. /AGENCY/.\n\nThe ministers met on Tuesday.")
    assert article.body == "Ministers meet\n\nThe ministers met on Tuesday."


def test_only_the_lead_paragraph_loses_a_bare_place_and_dash():
    text = "Ministers meet\n\nThe ministers met on Tuesday.\n\nNATO – the alliance – said nothing."
    assert "NATO – the alliance – said nothing." in clean_article(text).body


def test_only_one_dateline_is_stripped():
    text = ("Ministers meet\n\nVALDORA, May 4 (Agency) - The ministers met.\n\n"
            "KESTRIA, May 3 (Agency) - They had met before, the report said.")
    assert "KESTRIA, May 3 (Agency) - They had met before" in clean_article(text).body


def test_a_widget_label_before_a_paragraph_is_removed():
    article = clean_article("Ministers meet\n\nArticle content The ministers met on Tuesday.")
    assert article.paragraphs[1].text == "The ministers met on Tuesday."


def test_a_player_notice_after_the_last_sentence_is_removed():
    article = clean_article("Ministers meet\n\nThe ministers met. We apologise, but this video failed to load.")
    assert article.paragraphs[1].text == "The ministers met."


@pytest.mark.parametrize(
    "last",
    [
        "“We will not give up on the talks until every side has agre",
        '"Our position is clear and our partners know th',
        "The minister, who has long opposed the pl",
    ],
)
def test_a_last_sentence_cut_off_by_the_site_stays_prose(last):
    article = clean_article(f"Ministers meet\n\nThe ministers met on Tuesday.\n\n{last}")
    assert article.paragraphs[-1] == Paragraph(last, "text")


def test_a_heading_that_is_not_last_stays_a_heading():
    article = clean_article("Ministers meet\n\nThe talks began.\n\nWhat the allies said next\n\nThey said little.")
    assert Paragraph("What the allies said next", "heading") in article.paragraphs


@pytest.mark.parametrize(
    "line, caption",
    [
        ("The minister arrives for the talks in Valdora, May 4, 2023. (Agency/Jane Doe)",
         "The minister arrives for the talks in Valdora, May 4, 2023."),
        ("The minister arrives for the talks. (AP Photo/Jane Doe)", "The minister arrives for the talks."),
        ("The minister arrives for the talks. The talks lasted an hour. (Jane Doe, Agency Pool Photo via AP)",
         "The minister arrives for the talks. The talks lasted an hour."),
        ("The minister speaks by video link with his counterpart. example.org",
         "The minister speaks by video link with his counterpart."),
    ],
)
def test_a_line_with_a_photo_credit_is_a_caption_without_it(line, caption):
    article = clean_article(f"Ministers meet\n\n{line}\n\nThe ministers met on Tuesday.")
    assert article.paragraphs[1] == Paragraph(caption, "caption")


@pytest.mark.parametrize(
    "line",
    ["The poll was run by two institutes (Valdora Institute/Kestria Lab) and shows support.",
     "The minister said one word. (in Valdoran: yes)"],
)
def test_a_sentence_ending_in_brackets_is_not_a_caption(line):
    assert Paragraph(line, "text") in clean_article(f"Ministers meet\n\n{line}").paragraphs


def test_a_title_case_link_between_paragraphs_of_prose_is_dropped():
    link = "Allies Weigh Their Next Steps After the Valdora Talks"
    article = clean_article(f"Ministers meet\n\nThe talks began.\n\n{link}\n\nThe allies said little.")
    assert link in article.dropped
    assert article.body == "Ministers meet\n\nThe talks began.\n\nThe allies said little."


def test_a_short_title_case_heading_between_paragraphs_stays():
    article = clean_article("Ministers meet\n\nThe talks began.\n\nThe Border Question\n\nThe allies said little.")
    assert Paragraph("The Border Question", "heading") in article.paragraphs


def test_a_line_the_page_repeats_is_kept_once():
    caption = "The ministers meet in Valdora on 4 May 2023."
    article = clean_article(f"Ministers meet\n\nMinisters meet\n\n{caption}\n\n{caption}\n\nThe talks began.")
    assert [p.text for p in article.paragraphs] == ["Ministers meet", caption, "The talks began."]


def test_a_heading_with_a_date_is_not_a_time_stamp():
    article = clean_article("Ministers meet\n\nThe talks began.\n\nTalks resume on May 4\n\nThe allies said little.")
    assert Paragraph("Talks resume on May 4", "heading") in article.paragraphs


def test_a_lone_credit_beside_a_caption_is_dropped():
    caption = "The minister arrives for the talks. (Agency/Jane Doe)"
    article = clean_article(f"Ministers meet\n\nAgency Pool\n\n{caption}\n\nThe ministers met on Tuesday.")
    assert [p.kind for p in article.paragraphs] == ["title", "caption", "text"]
    assert "Agency Pool" in article.dropped


@pytest.mark.parametrize("line, outlet", [
    ("Source: Daily Planet", "Daily Planet"),
    ("Daily Planet | 2024-03-02", "Daily Planet"),
    ("By Jane Doe, Daily Planet", "Daily Planet"),
    ("By Jane Doe and John Roe, The Evening Star", "The Evening Star"),
    ("Politics | March 2, 2024 | dailyplanet.example", None),
    ("Updated 09:06 | 02-Mar-2024", None),
])
def test_a_plain_source_line_names_the_outlet_and_is_not_a_passage(line, outlet):
    article = clean_article(f"Talks end\n\n{line}\n\nThe talks ended on Tuesday. Both sides said so.")
    assert article.outlet == outlet
    assert line in article.dropped


def test_a_byline_with_a_description_names_no_outlet():
    article = clean_article("Talks end\n\nBy Jane Doe, Moscow correspondent\n\nThe talks ended on Tuesday.")
    assert article.outlet is None
