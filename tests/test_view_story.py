"""The story page: exchanges as bands of claim rows by voices (or outlets), its filters, folds and fragments."""
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from newsdiff import editing
from newsdiff.models import AlignedPair, Article, Outlet

from .conftest import HOSTILE, assert_inert, assert_same_queries_at_5_and_50_articles, build_story

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story():
    return build_story(3)


def page(client, story, query="", **headers):
    return client.get(reverse("newsdiff:story", args=[story.slug]) + query, **headers)


def claim_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="claim-row".*?</tr>', html, re.S)


def test_the_story_page_lists_articles_by_outlet_title_date_and_passage_count(client, read_only_seed):
    html = page(client, read_only_seed).content.decode()
    for outlet in ("Xinhua", "ClubZ", "EurAsian Times", "Al Jazeera (wire copy)", "The Guardian"):
        assert f'title="{outlet}"' in html and f'<span class="name">{outlet}</span>' in html
    guardian = Article.objects.get(story=read_only_seed, outlet__name="The Guardian")
    assert f">{guardian.title}</a>" in html and f"{guardian.passages.count()} passages" in html
    assert guardian.source not in html  # a file name is not something a reader knows the article by
    assert html.count('<span class="share-bar" role="img"') == 5
    assert 'aria-label="White House ' in html and "% of words" in html


def test_an_unknown_story_is_404_and_a_post_405(client, story):
    assert client.get(reverse("newsdiff:story", args=["nope"])).status_code == 404
    assert client.post(reverse("newsdiff:story", args=[story.slug])).status_code == 405


def test_exchanges_are_bands_in_order_under_voice_columns_in_order(client, story):
    html = page(client, story).content.decode()
    assert "<html" in html and 'hx-push-url="true"' in html
    heads = [html.index(f'column-head voice-{c}">{name}</th>') for c, name in (("c0", "East"), ("c1", "West"))]
    heads.append(html.index('column-head voice-default">Press</th>'))
    assert heads == sorted(heads)
    assert html.index('<h2 class="title">guarantees · expansion</h2>') < html.index('<h2 class="title">meeting · hours</h2>')
    assert "empty row" not in html and "1 exchange hidden" in html
    nav = html[html.index('<nav class="jump"'):html.index("</nav>", html.index('<nav class="jump"'))]
    assert 'href="#x' in nav and "guarantees · expansion" in nav


def test_each_claim_is_one_row_with_its_outlets_wordings_side_by_side(client, story):
    rows = claim_rows(page(client, story).content.decode())
    assert len(rows) == 3  # three claims, each carried by three outlets
    territory = next(r for r in rows if "the territory" in r)
    assert territory.count('class="passage-link') == 1  # one representative wording in the East column
    assert "3 wordings" in territory
    for n in range(3):
        assert f'title="Outlet {n:02d}"' in territory  # every outlet that carried it, by its mark
    assert re.search(r'<th scope="row" class="claim-meta"><span[^>]*>3</span>', territory)


def test_folded_wordings_load_in_place_and_without_javascript_as_a_page(client, story):
    html = page(client, story).content.decode()
    territory = next(r for r in claim_rows(html) if "the territory" in r)
    fold = re.search(r'<details class="wordings" id="([^"]+)"[^>]*hx-get="([^"]+)"', territory)
    assert fold and "seize" not in territory.split("<details")[1].split("</details>")[0]
    fragment = client.get(fold.group(2).replace("&amp;", "&"), **HX).content.decode()
    assert fragment.lstrip().startswith("<tbody") and "<html" not in fragment
    opened = re.search(rf'<details class="wordings" id="{fold.group(1)}" open>.*?</details>', fragment, re.S).group(0)
    assert ("tried to seize" in opened) != ("tried to conquer" in opened) and "tried to develop" in opened
    no_js = client.get(fold.group(2).replace("&amp;", "&"))
    assert no_js.status_code == 302 and "open=" in no_js["Location"]
    full = client.get(no_js["Location"]).content.decode()
    assert f'id="{fold.group(1)}" open>' in full and "tried to develop" in full


def test_an_htmx_request_gets_only_the_grid_and_history_restore_the_whole_page(client, story):
    fragment = page(client, story, **HX)
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="grid"') and "<html" not in html
    restored = page(client, story, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_one_outlet_picked_shows_its_passages_with_their_counterparts_in_the_others(client, story):
    kept = Outlet.objects.get(name="Outlet 01")
    Article.objects.create(story=story, outlet=Outlet.objects.create(name="Quiet Weekly"), source="zzz.txt",
                           title="Nothing aligned", raw_text="x", body="x", content_hash="quiet")
    html = page(client, story, query=f"?outlet={kept.pk}", **HX).content.decode()
    rows = claim_rows(html)
    assert len(rows) == 3 and all('title="Outlet 01"' in r for r in rows)
    assert all('title="Outlet 00"' in r and 'title="Outlet 02"' in r for r in rows)  # its counterparts
    assert re.search(r"· 9 passages · 6 aligned pairs shown", " ".join(html.split()))  # what is on screen


def test_a_voice_filter_keeps_only_its_columns_and_a_search_the_rows_that_match_marked(client, story):
    html = page(client, story, query="?voice=west", **HX).content.decode()
    assert ">West</th>" in html and ">East</th>" not in html and "binding guarantees" in html
    html = page(client, story, query="?q=SEIZE&open=all").content.decode()
    grid = html[html.index('<section id="grid"'):]
    assert "tried to <mark>seize</mark>" in grid
    assert "tried to conquer" in grid and "tried to develop" in grid  # the matching row, all its wordings
    assert "binding guarantees" not in grid and "The call lasted" not in grid  # rows with no match go


def test_columns_by_outlet_put_each_outlets_wording_in_its_column_and_an_omission_is_empty(client, story):
    Article.objects.get(source="002.txt").passages.filter(position=2).delete()  # outlet 02 omits the hours
    html = page(client, story, query="?by=outlet").content.decode()
    for n in range(3):
        assert re.search(rf'class="column-head outlet-c\d"><span class="badge outlet-badge[^>]*title="Outlet {n:02d}"', html)
    territory = next(r for r in claim_rows(html) if "the territory" in r)
    assert all(f"tried to {verb}" in territory for verb in ("conquer", "seize", "develop"))
    hours = next(r for r in claim_rows(html) if "The call lasted" in r)
    assert hours.count('title="omitted by this outlet"') == 1


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


def test_the_minimum_score_and_status_filters_change_the_claims_shown(client, story):
    def claims(query=""):
        return len(claim_rows(page(client, story, query=query, **HX).content.decode()))
    assert claims() == 3
    assert claims("?min_score=0.6") == 2  # the hours claim's pairs score 0.5
    editing.tag_pairs(AlignedPair.objects.filter(a__text__contains="guarantees"), User.objects.create(username="ed"),
                      status=AlignedPair.Status.REJECTED)  # as an editor rejects them: the pages see it at once
    assert claims() == 2  # rejected pairs are hidden by default
    assert claims("?status=rejected") == 1


def test_article_text_is_inert_on_the_story_page_its_fragment_and_its_folds(client):
    story = build_story(2, slug="hostile", hostile=HOSTILE)
    assert_inert(page(client, story).content.decode())
    assert_inert(page(client, story, **HX).content.decode())
    assert_inert(page(client, story, query="?open=all").content.decode())


@pytest.mark.parametrize("query, bound", [("", 14), ("?by=outlet&q=the", 15), ("?open=all", 14), ("?page=2", 14)])
def test_the_story_page_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries, query, bound):
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, bound,
                                             lambda story: reverse("newsdiff:story", args=[story.slug]) + query)


def test_the_how_to_read_page_explains_the_terms_and_every_story_page_links_it(client, story):
    html = page(client, story).content.decode()
    assert f'href="{reverse("newsdiff:how_to_read")}"' in html
    guide = client.get(reverse("newsdiff:how_to_read")).content.decode()
    for term in ("Voice", "Exchange", "Claim", "score", "⇄"):
        assert term in guide


def test_an_exchanges_folds_fragment_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries):
    def path(story):
        exchange = story.exchanges.order_by("position").first()
        return reverse("newsdiff:exchange", args=[story.slug, exchange.pk]) + "?fold=x"
    client.defaults["HTTP_HX_REQUEST"] = "true"
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 14, path)


def test_a_scrolled_in_page_of_exchanges_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr("newsdiff.grid.EXCHANGES_PER_PAGE", 1)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 14,
                                             lambda story: reverse("newsdiff:story_page", args=[story.slug, 2]))


def test_the_story_page_shows_a_page_of_exchanges_and_fetches_the_next_as_it_scrolls_into_view(
        client, story, monkeypatch):
    monkeypatch.setattr("newsdiff.grid.EXCHANGES_PER_PAGE", 1)
    html = page(client, story, query="?min_score=0.1").content.decode()
    assert '<h2 class="title">guarantees · expansion</h2>' in html and "meeting · hours</h2>" not in html
    assert re.search(r"2 exchanges · 3 claims\s*· 9 passages", html)  # the summary counts every page
    sentinel = re.search(r'<tbody class="next-page" hx-get="([^"]+)" hx-trigger="revealed"', html)
    assert sentinel and "/page/2/" in sentinel.group(1) and "min_score=0.1" in sentinel.group(1)
    # The next page, as htmx fetches it: its exchanges' rows only, under the same filters.
    more = client.get(sentinel.group(1).replace("&amp;", "&"), **HX).content.decode()
    assert "<html" not in more and "<table" not in more and '<h2 class="title">meeting · hours</h2>' in more
    assert "guarantees · expansion</h2>" not in more and 'class="next-page"' not in more  # the last page
    # Without JavaScript: a plain link to the page, which the jump list also uses for exchanges on other pages.
    assert '<a href="?min_score=0.1&amp;page=2" hx-boost="false">Next exchanges (page 2 of 2)' in html
    assert 'href="?min_score=0.1&amp;page=2#x' in html
    second = page(client, story, query="?min_score=0.1&page=2").content.decode()
    assert '<h2 class="title">meeting · hours</h2>' in second and "previous page" in second
    assert page(client, story, query="?page=99").status_code == 200  # past the last: the last page
    assert client.get(sentinel.group(1).replace("&amp;", "&")).status_code == 302  # as a page: the story page


def test_an_exchange_shows_its_first_claims_and_more_on_request(client, story, monkeypatch):
    monkeypatch.setattr("newsdiff.grid.CLAIMS_SHOWN", 1)
    html = page(client, story).content.decode()
    guarantees = html[html.index("guarantees · expansion</h2>"):html.index("meeting · hours</h2>")]
    assert len(claim_rows(guarantees)) == 1 and "2 claims ·" in guarantees
    more = re.search(r'<a href="([^"]+)" hx-get="\1" hx-target="closest tbody"[^>]*>1 more claim in this exchange',
                     guarantees)
    assert more
    block = client.get(more.group(1).replace("&amp;", "&"), **HX).content.decode()
    assert len(claim_rows(block)) == 2 and "more claim" not in block
    # Without JavaScript the same link opens the story page with that exchange's rows shown.
    redirected = client.get(more.group(1).replace("&amp;", "&"))
    assert redirected.status_code == 302
    assert len(claim_rows(client.get(redirected["Location"]).content.decode())) == 3


def test_a_fold_lists_at_most_fold_limit_wordings_and_points_to_the_drilldown_for_the_rest(
        client, monkeypatch):
    monkeypatch.setattr("newsdiff.grid.FOLD_LIMIT", 1)
    html = page(client, build_story(3), query="?open=all").content.decode()
    territory = next(r for r in claim_rows(html) if "the territory" in r)
    assert "3 wordings" in territory and territory.count('class="passage-link') == 2  # the first and one more
    assert "and 1 more" in territory and "the drill-down</a> lists every passage aligned to the first" in territory
