"""Web pages in a story folder: the article is found in the page and gives the passages its
plain-text copy gives; the page's HTML is kept; its metadata names the outlet and date."""
import html
from pathlib import Path

import pytest

from newsdiff.ingest import CREATED, FAILED, ingest_story, prepare_data
from newsdiff.models import Article, Passage
from newsdiff.storyfile import ArticleSpec
from newsdiff.text.clean import TextError
from newsdiff.text.html import decode_page, extract_page, looks_like_html

from .conftest import SEED_STORY, STORY_TOML

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "data" / "pages"
# An invented article, as a news site serves it (navigation, cookie banner, share buttons, a
# related-links box inside the text, a newsletter box, more related links, a footer) and as
# a story folder's text file holds it.
PAGE = (PAGES / "velaria-ostrana.html").read_bytes()
PLAIN = (PAGES / "velaria-ostrana.txt").read_bytes()
CHROME = ("Home", "Politics", "cookies", "Share on Facebook", "WhatsApp", "Related", "Ostrana detains eleven",
          "More from World", "Lisk prepares", "Most read", "Sign up", "morning briefing", "All rights reserved",
          "Privacy policy", "Subscribe", "Topics")


def prepared(name: str, data: bytes, **spec):
    return prepare_data(ArticleSpec(path=Path(name), source=name, **spec), data)


def passages(article) -> list[str]:
    return [s.text for s in article.segments]


def test_a_news_page_gives_the_passages_of_the_same_article_in_plain_text():
    page, plain = prepared("a.html", PAGE), prepared("a.txt", PLAIN)
    assert passages(page) == passages(plain)
    assert len(passages(page)) == 15
    for chrome in CHROME:
        assert chrome not in page.clean.body, chrome


def test_the_page_metadata_gives_title_author_date_outlet_and_address():
    page = prepared("a.html", PAGE)
    assert page.clean.title == "Velaria and Ostrana agree to reopen the Corran border crossing"
    assert page.author == "Mara Quell"
    assert str(page.published) == "2024-03-02"
    assert page.outlet == "Daily Planet"
    assert page.url == "https://dailyplanet.example/world/2024/03/02/velaria-ostrana-corran-crossing"


def test_the_story_file_outlet_date_and_address_win_over_the_page():
    import datetime as dt

    page = prepared("a.html", PAGE, outlet="Planet Wire", url="https://wire.example/a",
                    published=dt.date(2024, 3, 3))
    assert (page.outlet, page.url, str(page.published)) == ("Planet Wire", "https://wire.example/a", "2024-03-03")


def _wrap_in_chrome(text: str, site: str) -> str:
    """A seed article's lines as a news site's page: each line a <p>, the first the headline,
    inside navigation, share buttons, a related-links box and a footer."""
    title, *lines = [line for line in text.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    middle = len(lines) // 2
    paragraphs = body.split("\n")
    related = ('<aside class="related"><h3>Read more</h3><ul><li><a href="/a">Grain prices rise for a third '
               'month</a></li><li><a href="/b">Rovers win the cup in a late thriller</a></li></ul></aside>')
    body = "\n".join(paragraphs[:middle] + [related] + paragraphs[middle:])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)} - {site}</title>
<meta property="og:site_name" content="{site}"></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article><h1>{html.escape(title)}</h1>
<div class="share"><a href="/s/fb">Share on Facebook</a> <a href="/s/tw">Share on Twitter</a> <a href="/s/mail">Email</a></div>
{body}
<div class="share"><a href="/s/fb">Facebook</a> <a href="/s/tw">Twitter</a></div>
</article>
<section class="related-articles"><h2>More stories</h2><ul><li><a href="/c">The painter who never left her village</a></li>
<li><a href="/d">Fish stocks at a ten-year low</a></li><li><a href="/e">Lakeside festival returns after a pause</a></li></ul></section>
</main>
<footer><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/terms">Terms</a></li></ul>
<p>&copy; 2021 {site}. All rights reserved.</p></footer></body></html>"""


@pytest.mark.parametrize("path", sorted(SEED_STORY.glob("*.txt")), ids=lambda p: p.name[:3])
def test_a_seed_article_wrapped_in_a_page_gives_its_passages_within_a_sentence_or_two(path):
    plain = prepared("a.txt", path.read_bytes())
    page = prepared("a.html", _wrap_in_chrome(path.read_text(encoding="utf-8"), "Seed Site").encode())
    missing = set(passages(plain)) - set(passages(page))
    extra = set(passages(page)) - set(passages(plain))
    assert len(missing) + len(extra) <= 2, (missing, extra)
    for chrome in ("Share on Facebook", "Read more", "Grain prices", "More stories", "Fish stocks", "About us",
                   "All rights reserved"):
        assert chrome not in page.clean.body


def test_a_folder_takes_its_html_pages_and_keeps_each_page_beside_its_clean_text(make_story):
    report = ingest_story(make_story({"planet.html": PAGE, "wire.htm": _wrap_in_chrome(
        PLAIN.decode().replace("Daily Planet", "Lisk Herald"), "Lisk Herald").encode()}))
    assert [r.outcome for r in report.results] == [CREATED, CREATED]
    article = Article.objects.get(source="planet.html")
    assert article.raw_text == PAGE.decode()  # the page as fetched, beside the clean body
    assert (article.outlet.name, article.author, str(article.published)) == ("Daily Planet", "Mara Quell", "2024-03-02")
    assert "Share on Facebook" not in article.body
    for p in Passage.objects.filter(article=article):
        assert article.body[p.start:p.end] == p.text
    assert Article.objects.get(source="wire.htm").outlet.name == "Lisk Herald"


def test_a_page_quoting_a_speaker_gives_that_voice_as_its_text_does(make_story):
    quoted = PAGE.replace("Tomas Arkel".encode(), b"John Smith")
    ingest_story(make_story({"a.html": quoted}))
    voices = dict(Passage.objects.values_list("text", "voice__slug"))
    line = "“Nothing is agreed until the customs officers on both sides have their instructions,” he said."
    assert voices[line] == "west"


def test_a_page_without_an_article_fails_with_a_clear_message_and_stores_nothing(make_story):
    empty = b"<!DOCTYPE html><html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    report = ingest_story(make_story({"a.html": empty, "b.txt": PLAIN}))
    [failed] = report.failed
    assert failed.source == "a.html" and failed.outcome == FAILED
    assert "no article found in the page" in failed.message
    assert list(Article.objects.values_list("source", flat=True)) == ["b.txt"]


def test_a_txt_file_holding_a_web_page_is_read_as_one(make_story):
    ingest_story(make_story({"a.txt": PAGE}))
    article = Article.objects.get()
    assert article.outlet.name == "Daily Planet" and "<p>" not in article.body


def test_a_page_declaring_its_charset_is_read_in_it():
    latin = PAGE.decode().replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    latin = latin.replace("Dornvik", "Dörnvik").replace("“", '"').replace("”", '"').replace("’", "'")
    text, encoding = decode_page(latin.encode("cp1252"))
    assert encoding == "cp1252" and "Dörnvik" in text
    # An HTTP header's charset wins over the page's.
    assert decode_page("<html><meta charset='utf-8'>é".encode("latin-1"), "latin-1")[0].endswith("é")


def test_only_bytes_that_open_as_a_page_look_like_html():
    assert looks_like_html(b"\xef\xbb\xbf<!-- saved -->\n<!doctype html><html>")
    assert looks_like_html(b"  <html lang='en'><body>")
    assert not looks_like_html(b"Talks end\n\n<html> is a tag the article names.")


def test_an_empty_page_is_refused():
    with pytest.raises(TextError, match="empty page"):
        extract_page("  ")


def test_story_toml_outlet_given_to_a_page_file(make_story):
    toml = STORY_TOML + '\n[[articles]]\nfile = "a.html"\noutlet = "Planet Wire"\n'
    ingest_story(make_story({"a.html": PAGE}, toml=toml))
    assert Article.objects.get().outlet.name == "Planet Wire"
