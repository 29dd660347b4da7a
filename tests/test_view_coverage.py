"""The coverage page: exchanges by outlets, omissions, and which outlets carried each claim."""
import re

import pytest
from django.urls import reverse

from newsdiff.models import Article, Outlet

from .conftest import HOSTILE, assert_inert, assert_same_queries_at_5_and_50_articles, build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return build_story(3)


def test_the_coverage_page_counts_outlets_by_exchange_and_marks_omissions(client, story):
    lonely = Outlet.objects.create(name="Silent Daily")
    Article.objects.create(story=story, outlet=lonely, source="zzz.txt", title="Nothing", raw_text="x", body="x",
                           content_hash="silent")
    html = client.get(reverse("newsdiff:coverage", args=[story.slug])).content.decode()
    assert "<th scope=\"row\">guarantees · expansion</th>" in html
    assert len(re.findall(r'class="num count shade-(?:[0-9]|10)"', html)) == 3 * 2  # three outlets in two exchanges
    assert html.count("omits this exchange") == 4 + 2  # the empty row for all four, and Silent Daily twice
    assert html.count('<span class="badge missing">Silent Daily</span>') == 3


def test_an_unknown_story_is_404_and_a_post_405(client, story):
    assert client.get(reverse("newsdiff:coverage", args=["nope"])).status_code == 404
    assert client.post(reverse("newsdiff:coverage", args=[story.slug])).status_code == 405


def test_article_text_is_inert_on_the_coverage_page(client):
    story = build_story(2, slug="hostile", hostile=HOSTILE)
    assert_inert(client.get(reverse("newsdiff:coverage", args=[story.slug])).content.decode())


def test_the_coverage_page_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries):
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 12,
                                             lambda story: reverse("newsdiff:coverage", args=[story.slug]))


def test_a_coverage_cell_opens_the_passages_it_counts(client, story):
    html = client.get(reverse("newsdiff:coverage", args=[story.slug])).content.decode()
    link = re.search(r'<td class="num count shade-\d+"><a href="([^"]+)" hx-get="\1" hx-target="#drilldown"', html)
    assert link
    fragment = client.get(link.group(1), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and fragment.count('class="passage-link') == 2  # one outlet, two sentences
    assert "<html" in client.get(link.group(1)).content.decode()  # without JavaScript, a page
    assert client.get(reverse("newsdiff:coverage_cell", args=[story.slug, "99999", 1])).status_code == 404


def test_coverage_counts_what_the_story_page_shows_under_the_same_filters(client, story):
    # Claim 1 ("binding guarantees") moves to the hours exchange in one outlet: its claim still shows in the
    # exchange most of its wordings are in, on both pages.
    from newsdiff.models import Passage

    stray = Passage.objects.get(article__source="001.txt", position=1)
    Passage.objects.filter(pk=stray.pk).update(exchange=Passage.objects.get(article__source="000.txt", position=2).exchange)
    for query in ("", "?voice=east", "?min_score=0.8"):
        story_html = client.get(reverse("newsdiff:story", args=[story.slug]) + query).content.decode()
        shown = {title: int(n) for title, n in re.findall(
            r'<h2 class="title">([^<]+)</h2>\s*<span class="counts">\d+ claims? · (\d+) passage', story_html)}
        coverage_html = client.get(reverse("newsdiff:coverage", args=[story.slug]) + query).content.decode()
        counted = {title: int(n) for title, n in re.findall(
            r'<th scope="row">([^<]+)</th>.*?<td class="num">(\d+)</td>\s*</tr>', coverage_html, re.S) if int(n)}
        assert shown == counted, query
    assert shown  # (the last query still shows something)


def test_a_coverage_cell_runs_a_fixed_number_of_queries_whatever_the_story_size(client, django_assert_max_num_queries):
    def path(story):
        article = story.articles.order_by("pk").first()
        exchange = story.exchanges.order_by("position").first()
        return reverse("newsdiff:coverage_cell", args=[story.slug, exchange.pk, article.pk])
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 14, path)


def test_coverage_shows_a_page_of_articles_and_the_most_widely_carried_claims(client, monkeypatch):
    monkeypatch.setattr("newsdiff.grid.COVERAGE_ARTICLES", 2)
    monkeypatch.setattr("newsdiff.grid.COVERAGE_CLAIMS", 1)
    monkeypatch.setattr("newsdiff.grid.COVERAGE_BADGES", 1)
    story = build_story(5, slug="five")
    url = reverse("newsdiff:coverage", args=[story.slug])
    html = client.get(url + "?min_score=0.1").content.decode()
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert head.count('title="Outlet') == 2 and 'title="Outlet 00"' in head and "All 5" in head
    assert "page 1 of 3 (5 articles)" in html and 'href="?min_score=0.1&amp;page=2">next</a>' in html
    last = client.get(url + "?min_score=0.1&page=3").content.decode()
    last_head = last[last.index("<thead>"):last.index("</thead>")]
    assert last_head.count('title="Outlet') == 1 and 'title="Outlet 04"' in last_head and "previous</a>" in last
    # Row totals count every article, whatever the page: the guarantees exchange has 2 passages in each of 5.
    assert re.search(r'guarantees · expansion</th>.*?<td class="num">10</td>', html, re.S)
    claims = html[html.index('<ol class="claims">'):]
    assert claims.count("<li>") == 1 and "the 1 most widely carried listed" in html
    # Carried by 3 of the 5 (claims group by stars over the chained pairs): one named, and so for the 2 others.
    assert "and 2 more articles" in claims and "and 1 more article<" in claims
