import json

import pytest
from django.urls import reverse

from newsdiff.ingest import ingest_story
from newsdiff.models import Article

from .conftest import ARTICLE, SEED_STORY
from .test_parallel_views import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    ingest_story(SEED_STORY)


def test_the_home_page_lists_stories(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    assert "Biden–Putin video call, 7 December 2021" in response.content.decode()


def test_the_home_page_says_how_to_add_a_story_when_empty(client):
    assert "manage.py ingest" in client.get("/").content.decode()


def test_the_story_page_lists_articles_with_outlet_and_passage_count(client, seed):
    response = client.get(reverse("newsdiff:story", args=["biden-putin-2021-12-07"]))
    page = response.content.decode()
    for outlet in ("Xinhua", "ClubZ", "EurAsian Times", "Al Jazeera (wire copy)", "The Guardian"):
        assert outlet in page
    guardian = Article.objects.get(outlet__name="The Guardian")
    assert f"<td class=\"num\">{guardian.passages.count()}</td>" in page


def test_an_unknown_story_is_404(client):
    assert client.get("/stories/nope/").status_code == 404


def test_the_article_page_shows_paragraphs_and_escapes_article_text(client, make_story):
    hostile = ARTICLE.replace("He added", "<script>alert(1)</script> He added")
    ingest_story(make_story({"a.txt": hostile}))
    article = Article.objects.get()
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('<p class="para">') == 2


def test_an_article_of_another_story_is_404(client, seed, make_story):
    ingest_story(make_story({"a.txt": ARTICLE}))
    other = Article.objects.get(story__slug="talks")
    assert client.get(f"/stories/biden-putin-2021-12-07/articles/{other.pk}/").status_code == 404


def test_pages_reject_post(client, seed):
    assert client.post("/").status_code == 405


def test_the_export_downloads_are_attachments(client, seed):
    response = client.get(reverse("newsdiff:export", args=["biden-putin-2021-12-07", "json"]))
    assert response["Content-Disposition"] == 'attachment; filename="biden-putin-2021-12-07.json"'
    assert len(json.loads(response.content)["articles"]) == 5
    response = client.get(reverse("newsdiff:export", args=["biden-putin-2021-12-07", "csv"]))
    assert response.content.decode().startswith("a,b,score,relation,status")
    assert client.get("/stories/biden-putin-2021-12-07/export.xml").status_code == 404


def test_the_story_list_runs_a_bounded_number_of_queries(client, seed, django_assert_max_num_queries):
    # The story, coverage and passage pages: tests/test_parallel_views.py, at 5 and 50 articles.
    # Measured with one story and with six, so a query per story would make the counts differ.
    counts = []
    for extra in (0, 5):
        for n in range(extra):
            build_story(2, slug=f"extra{n}")
        with django_assert_max_num_queries(4) as captured:
            html = client.get("/").content.decode()
        assert html.count('<li>') == 1 + extra
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_article_page_runs_a_bounded_number_of_queries(client, seed, django_assert_max_num_queries):
    # Every seed article, from the shortest to the longest, so a query per passage would make the counts differ.
    counts = {}
    for article in Article.objects.all():
        with django_assert_max_num_queries(4) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts[article.passages.count()] = len(captured.captured_queries)
    assert len(counts) > 1 and len(set(counts.values())) == 1, counts


def test_the_article_page_colours_passages_by_voice_with_a_legend_and_speakers(client, seed):
    article = Article.objects.get(outlet__name="The Guardian")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<ul class="legend" aria-label="Voices">' in page
    for name in ("White House", "Kremlin", "Press"):
        assert f"</span>{name}</li>" in page
    peskov = article.passages.get(text__contains="Kremlin spokesman Dmitry Peskov")
    assert f'class="passage voice-c1" id="p{peskov.pk}" data-voice="kremlin" title="Kremlin: Dmitry Peskov"' in page
    assert '<small class="speaker"> — Dmitry Peskov</small>' in page


def test_the_story_page_shows_each_articles_voice_share_bar(client, seed):
    page = client.get(reverse("newsdiff:story", args=["biden-putin-2021-12-07"])).content.decode()
    assert page.count('<div class="share-bar" role="img"') == 5
    assert 'aria-label="White House ' in page and "% of words" in page


@pytest.mark.parametrize("url, linked", [("javascript:alert(document.domain)", False), ("https://example.com/a", True)])
def test_the_article_page_links_only_an_http_original(client, make_story, url, linked):
    ingest_story(make_story({"a.txt": ARTICLE}))
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(url=url)  # as an admin edit or an old row could leave it
    page = client.get(article.get_absolute_url()).content.decode()
    assert ("original</a>" in page) is linked
    assert "javascript:" not in page
