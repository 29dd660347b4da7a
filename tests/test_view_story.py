"""The story page: the parallel grid of exchanges by voices (or outlets), its filters and fragments."""
import pytest
from django.urls import reverse

from newsdiff.models import Article, Outlet

from .conftest import HOSTILE, assert_inert, assert_same_queries_at_5_and_50_articles, build_story

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story():
    return build_story(3)


def test_the_story_page_lists_articles_with_outlet_and_passage_count(client, read_only_seed):
    response = client.get(reverse("newsdiff:story", args=["biden-putin-2021-12-07"]))
    page = response.content.decode()
    for outlet in ("Xinhua", "ClubZ", "EurAsian Times", "Al Jazeera (wire copy)", "The Guardian"):
        assert outlet in page
    guardian = Article.objects.get(outlet__name="The Guardian")
    assert f"<td class=\"num\">{guardian.passages.count()}</td>" in page


def test_the_story_page_shows_each_articles_voice_share_bar(client, read_only_seed):
    page = client.get(reverse("newsdiff:story", args=["biden-putin-2021-12-07"])).content.decode()
    assert page.count('<div class="share-bar" role="img"') == 5
    assert 'aria-label="White House ' in page and "% of words" in page


def test_an_unknown_story_is_404_and_a_post_405(client, story):
    assert client.get(reverse("newsdiff:story", args=["nope"])).status_code == 404
    assert client.post(reverse("newsdiff:story", args=[story.slug])).status_code == 405


def page(client, story, name="story", query="", **headers):
    url = reverse(f"newsdiff:{name}", args=[story.slug])
    return client.get(url + query, **headers)


def test_the_story_page_shows_exchanges_as_rows_and_voices_as_columns_in_order(client, story):
    html = page(client, story).content.decode()
    assert "<html" in html and 'hx-push-url="true"' in html
    heads = [html.index(f'column-head voice-{c}">{name}</th>') for c, name in (("c0", "East"), ("c1", "West"))]
    heads.append(html.index('column-head voice-default">Press</th>'))
    assert heads == sorted(heads)
    assert html.index("guarantees · expansion") < html.index("meeting · hours")
    assert "empty row" not in html and "1 exchange hidden" in html


def test_a_cell_groups_every_outlets_wording_of_a_claim_with_outlet_badges(client, story):
    html = page(client, story).content.decode()
    assert html.count('<ul class="claim shared">') == 3  # three claims, each carried by three outlets
    for n in range(3):
        assert f">Outlet {n:02d}</span>" in html


def test_an_htmx_request_gets_only_the_grid_and_history_restore_the_whole_page(client, story):
    fragment = page(client, story, **HX)
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="grid"') and "<html" not in html
    restored = page(client, story, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_an_outlet_filter_removes_the_other_outlets(client, story):
    kept = Outlet.objects.get(name="Outlet 01")
    html = page(client, story, query=f"?outlet={kept.pk}", **HX).content.decode()
    assert ">Outlet 01</span>" in html
    assert ">Outlet 00</span>" not in html and ">Outlet 02</span>" not in html


def test_a_voice_filter_keeps_only_its_columns_and_a_search_only_matching_passages(client, story):
    html = page(client, story, query="?voice=west", **HX).content.decode()
    assert ">West</th>" in html and ">East</th>" not in html and "binding guarantees" in html
    html = page(client, story, query="?q=SEIZE").content.decode()
    grid = html[html.index('<section id="grid"'):]
    assert "tried to seize" in grid and "tried to conquer" not in grid and "binding guarantees" not in grid


def test_columns_switch_to_one_per_outlet(client, story):
    html = page(client, story, query="?by=outlet").content.decode()
    for n in range(3):
        assert f'column-head ">Outlet {n:02d}</th>' in html
    assert 'voice-badge voice-c0">East</span>' in html


def test_a_bad_filter_is_reported_and_ignored_while_the_others_apply(client, story):
    html = page(client, story, query="?min_score=lots&voice=east&outlet=999999").content.decode()
    assert "Filter “min_score” ignored: Enter a number." in html
    assert "Filter “outlet” ignored" in html
    assert ">East</th>" in html and ">West</th>" not in html


def test_a_filtered_fragment_and_a_fresh_load_of_its_url_show_the_same_grid(client, story):
    query = f"?by=outlet&outlet={Outlet.objects.get(name='Outlet 02').pk}&status=all&q=the"
    fragment = page(client, story, query=query, **HX).content.decode().strip()
    full = page(client, story, query=query).content.decode()
    start = full.index('<section id="grid"')
    assert full[start:start + len(fragment)] == fragment


def test_the_minimum_score_and_status_filters_change_the_pairs_shown(client, story):
    def pairs_shown(query=""):
        html = page(client, story, query=query, **HX).content.decode()
        return html.count('<ul class="claim shared">'), html
    assert pairs_shown()[0] == 3
    assert pairs_shown("?min_score=0.6")[0] == 2  # the hours claim's pairs score 0.5
    from newsdiff.models import AlignedPair
    AlignedPair.objects.filter(a__text__contains="guarantees").update(status=AlignedPair.Status.REJECTED)
    assert pairs_shown()[0] == 2  # rejected pairs are hidden by default
    assert pairs_shown("?status=rejected")[0] == 1


def test_article_text_is_inert_on_the_story_page_and_its_fragment(client):
    story = build_story(2, slug="hostile", hostile=HOSTILE)
    assert_inert(page(client, story).content.decode())
    assert_inert(page(client, story, **HX).content.decode())


@pytest.mark.parametrize("query, bound", [("", 9), ("?by=outlet&q=the", 9)])
def test_the_story_page_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries, query, bound):
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, bound,
                                             lambda story: reverse("newsdiff:story", args=[story.slug]) + query)
