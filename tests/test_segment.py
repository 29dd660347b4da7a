import signal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdiff.text.clean import PARAGRAPH_SEPARATOR, Paragraph, clean_article
from newsdiff.text.segment import segment, sentence_spans


def sentences(text: str) -> list[str]:
    return [s.text for s in segment([Paragraph(text, "text")])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. said it would respond. Russia denied it.",
         ["The U.S. said it would respond.", "Russia denied it."]),
        ("WASHINGTON, Dec. 7 (Agency) -- The president spoke on Tuesday.",
         ["WASHINGTON, Dec. 7 (Agency) -- The president spoke on Tuesday."]),
        ("Mr. Smith met Gen. Jones on Monday. Then he left.",
         ["Mr. Smith met Gen. Jones on Monday.", "Then he left."]),
        ('He said: "We are ready." He added that talks would go on.',
         ['He said: "We are ready."', "He added that talks would go on."]),
        ('"We are ready. We will act," the minister said. Nobody replied.',
         ['"We are ready. We will act," the minister said.', "Nobody replied."]),
        ("The war — which began in 2014 — goes on. Nobody knows when it ends.",
         ["The war — which began in 2014 — goes on.", "Nobody knows when it ends."]),
        ("It cost $3.5 billion. That is a lot.", ["It cost $3.5 billion.", "That is a lot."]),
        ("The U.N. Security Council met on Nov. 27. It adjourned.",
         ["The U.N. Security Council met on Nov. 27.", "It adjourned."]),
        ("“They will stay,” he said. “For them it is important.”",
         ["“They will stay,” he said.", "“For them it is important.”"]),
        ("The call began at 5:07 p.m. Moscow time and ended at 7 p.m., officials said.",
         ["The call began at 5:07 p.m. Moscow time and ended at 7 p.m., officials said."]),
        ("They met at 5 p.m. The talks ran late.", ["They met at 5 p.m.", "The talks ran late."]),
    ],
)
def test_it_splits_tricky_news_sentences(text, expected):
    assert sentences(text) == expected


def test_a_bullet_line_is_one_passage():
    article = clean_article("Headline\n\n- Troops will stay near the border.\n\nThe talks ended.")
    texts = [s.text for s in segment(article.paragraphs)]
    assert "- Troops will stay near the border." in texts


def test_headings_and_captions_are_one_passage_each():
    paragraphs = [Paragraph("Talks. End. Now", "heading"), Paragraph("Seen here. In May.", "caption")]
    assert [(s.text, s.kind) for s in segment(paragraphs)] == [
        ("Talks. End. Now", "heading"),
        ("Seen here. In May.", "caption"),
    ]


def test_paragraph_index_and_offsets_point_into_the_body():
    paragraphs = [Paragraph("Title", "title"), Paragraph("One. Two.", "text"), Paragraph("Three.", "text")]
    body = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    segments = segment(paragraphs)
    assert [(s.paragraph, body[s.start:s.end]) for s in segments] == [
        (0, "Title"), (1, "One."), (1, "Two."), (2, "Three.")
    ]


TOKENS = list("abcXYZ .,!?;:\"'“”‘’—-()0123") + ["U.S.", "Mr.", " p.m.", "Dec. 7", "He said. ", "“Yes,” "]
paragraph_text = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=60).map(
    lambda tokens: " ".join("".join(tokens).split())
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(paragraph_text, st.sampled_from(["text", "heading"])), min_size=1, max_size=5))
def test_offsets_always_slice_the_body_to_the_passage_text(items):
    paragraphs = [Paragraph(text, kind) for text, kind in items if text.strip()]
    body = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    segments = segment(paragraphs)
    previous_end = 0
    for s in segments:
        assert 0 <= s.start < s.end <= len(body)
        assert body[s.start:s.end] == s.text
        assert s.text == s.text.strip()
        assert s.start >= previous_end
        previous_end = s.end
    covered = "".join(s.text for s in segments)
    assert "".join(covered.split()) == "".join(body.split())


def test_an_agency_dateline_is_no_passage_of_its_own():
    article = clean_article("Ministers meet\n\nVALDORA, May 4. /AGENCY/. The ministers met on Tuesday. They left.")
    assert [s.text for s in segment(article.paragraphs)] == [
        "Ministers meet", "The ministers met on Tuesday.", "They left."]


def test_a_cut_off_last_sentence_is_a_sentence_passage():
    article = clean_article("Ministers meet\n\nThe ministers met.\n\n“We will not give up on the talks until every si")
    assert (segment(article.paragraphs)[-1].text, segment(article.paragraphs)[-1].kind) == (
        "“We will not give up on the talks until every si", "text")


def test_a_line_built_to_make_a_segmenter_backtrack_is_split_at_once():
    # pysbd, the previous segmenter, spent seconds per extra number on this line and never finished.
    hostile = "The figures.. " + " ".join(str(n) for n in range(1, 400)) + " were released."

    def hung(signum, frame):
        raise TimeoutError("segmentation did not finish within 5 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        spans = sentence_spans(hostile)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert "".join(hostile[s:e] for s, e in spans).replace(" ", "") == hostile.replace(" ", "")
