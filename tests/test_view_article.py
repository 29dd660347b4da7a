"""The article page: one article's passages by paragraph, coloured by voice."""
import pytest
from django.urls import reverse

from newsdiff.ingest import ingest_story
from newsdiff.models import Article

from .conftest import ARTICLE, HOSTILE, assert_inert, assert_same_queries_at_5_and_50_articles, build_story

pytestmark = pytest.mark.django_db


def test_the_article_page_shows_paragraphs_and_escapes_article_text(client, make_story):
    hostile = ARTICLE.replace("He added", "<script>alert(1)</script> He added")
    ingest_story(make_story({"a.txt": hostile}))
    article = Article.objects.get(story__slug="talks")
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert_inert(page)
    assert page.count('<p class="para">') == 2


def test_an_article_of_another_story_is_404(client, read_only_seed, make_story):
    ingest_story(make_story({"a.txt": ARTICLE}))
    other = Article.objects.get(story__slug="talks")
    assert client.get(f"/stories/biden-putin-2021-12-07/articles/{other.pk}/").status_code == 404


def test_the_article_page_runs_a_bounded_number_of_queries(client, read_only_seed, django_assert_max_num_queries):
    # Every seed article, from the shortest to the longest, so a query per passage would make the counts differ.
    counts = {}
    for article in Article.objects.filter(story=read_only_seed):
        with django_assert_max_num_queries(4) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts[article.passages.count()] = len(captured.captured_queries)
    assert len(counts) > 1 and len(set(counts.values())) == 1, counts


def test_the_article_page_colours_passages_by_voice_with_a_legend_and_speakers(client, read_only_seed):
    article = Article.objects.get(outlet__name="The Guardian")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<ul class="legend" aria-label="Voices">' in page
    for name in ("White House", "Kremlin", "Press"):
        assert f"</span>{name}</li>" in page
    peskov = article.passages.get(text__contains="Kremlin spokesman Dmitry Peskov")
    assert f'class="passage voice-c1" id="p{peskov.pk}" data-voice="kremlin" title="Kremlin: Dmitry Peskov"' in page
    assert '<small class="speaker"> — Dmitry Peskov</small>' in page


@pytest.mark.parametrize("url, linked", [("javascript:alert(document.domain)", False), ("https://example.com/a", True)])
def test_the_article_page_links_only_an_http_original(client, make_story, url, linked):
    ingest_story(make_story({"a.txt": ARTICLE}))
    article = Article.objects.get(story__slug="talks")
    Article.objects.filter(pk=article.pk).update(url=url)  # as an admin edit or an old row could leave it
    page = client.get(article.get_absolute_url()).content.decode()
    assert ("original</a>" in page) is linked
    assert "javascript:" not in page


def test_the_article_page_links_each_passage_to_its_drilldown(client):
    story = build_story(3)
    article = Article.objects.get(source="000.txt")
    html = client.get(article.get_absolute_url()).content.decode()
    first = article.passages.get(position=0)
    assert f'href="{reverse("newsdiff:passage", args=[story.slug, first.pk])}"' in html
    assert 'hx-target="#drilldown"' in html


def test_article_text_is_inert_on_the_article_page(client):
    build_story(2, slug="hostile", hostile=HOSTILE)
    for article in Article.objects.filter(story__slug="hostile"):
        assert_inert(client.get(article.get_absolute_url()).content.decode())


def test_the_article_page_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries):
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 4,
                                             lambda story: story.articles.order_by("pk").first().get_absolute_url())
