"""The researcher's pages: the parallel grid, its filters, the drill-down, coverage; fragments and bounds."""
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from newsdiff.models import AlignedPair, Article, Exchange, Outlet, Passage, Story, Voice

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def build_story(n_articles: int, slug: str = "talks", hostile: str = "") -> Story:
    """A story of `n_articles` outlets, each reporting the same three claims in two exchanges, all aligned."""
    story = Story.objects.create(slug=slug, title="Two capitals talk")
    east = Voice.objects.create(story=story, slug="east", name="East", position=0)
    west = Voice.objects.create(story=story, slug="west", name="West", position=1)
    press = Voice.objects.create(story=story, slug="press", name="Press", position=2, is_default=True)
    guarantees = Exchange.objects.create(story=story, title="guarantees · expansion", position=0)
    meeting = Exchange.objects.create(story=story, title="meeting · hours", position=1)
    Exchange.objects.create(story=story, title="empty row", position=2)
    verbs = ["conquer", "seize", "develop"]
    by_claim: dict[int, list[Passage]] = {0: [], 1: [], 2: []}
    for n in range(n_articles):
        outlet, _ = Outlet.objects.get_or_create(name=f"Outlet {n:02d}")
        texts = [
            f"The minister said the alliance tried to {verbs[n % 3]} the territory.{hostile}",
            "The envoy demanded binding guarantees against expansion.",
            f"The call lasted {2 + n % 2} hours.",
        ]
        body = " ".join(texts)
        article = Article.objects.create(story=story, outlet=outlet, source=f"{n:03d}.txt", title=f"Report {n}",
                                         raw_text=body, body=body, content_hash=f"{slug}{n}")
        start = 0
        for position, (text, voice, exchange) in enumerate(zip(texts, [east, west, press],
                                                                [guarantees, guarantees, meeting])):
            passage = Passage.objects.create(article=article, position=position, paragraph=0, start=start,
                                             end=start + len(text), text=text, voice=voice, exchange=exchange)
            start += len(text) + 1
            by_claim[position].append(passage)
    pairs = []
    for claim, passages in by_claim.items():
        for x, y in zip(passages, passages[1:]):
            pairs.append(AlignedPair(story=story, a=x, b=y, score=0.9 - 0.2 * claim, method="test"))
    AlignedPair.objects.bulk_create(pairs)
    return story


@pytest.fixture
def story():
    return build_story(3)


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


def drill(client, passage, query="", **headers):
    url = reverse("newsdiff:passage", args=[passage.article.story.slug, passage.pk])
    return client.get(url + query, **headers)


def test_the_drilldown_lists_every_aligned_outlet_with_marked_word_differences(client, story):
    conquer = Passage.objects.get(text__contains="conquer")
    seize = Passage.objects.get(text__contains="seize")
    develop = Passage.objects.get(text__contains="develop")
    AlignedPair.objects.create(story=story, a=min(conquer, develop, key=lambda p: p.pk),
                               b=max(conquer, develop, key=lambda p: p.pk), score=0.5, method="test")
    html = drill(client, conquer, **HX).content.decode()
    assert "<html" not in html and 'id="drilldown-title"' in html
    assert "Outlet 01" in html and "Outlet 02" in html
    assert "<del>conquer</del> <ins>seize</ins>" in html and "<del>conquer</del> <ins>develop</ins>" in html
    assert html.index("Outlet 01") < html.index("Outlet 02")  # best score first
    full = drill(client, seize).content.decode()
    assert "<html" in full and "<ins>" in full


def test_rejected_pairs_are_hidden_from_the_drilldown_unless_the_status_filter_asks(client, story):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    pair.status = AlignedPair.Status.REJECTED
    pair.save()
    conquer = pair.a
    assert "Outlet 01" not in drill(client, conquer).content.decode().split('class="counterparts"')[-1]
    assert "No other outlet" in drill(client, conquer).content.decode()
    shown = drill(client, conquer, "?status=rejected").content.decode()
    assert "status-rejected" in shown and "Outlet 01" in shown
    low = drill(client, conquer, "?status=all&min_score=0.95").content.decode()
    assert "No other outlet" in low


def test_the_coverage_page_counts_outlets_by_exchange_and_marks_omissions(client, story):
    lonely = Outlet.objects.create(name="Silent Daily")
    Article.objects.create(story=story, outlet=lonely, source="zzz.txt", title="Nothing", raw_text="x", body="x",
                           content_hash="silent")
    html = page(client, story, "coverage").content.decode()
    assert "<th scope=\"row\">guarantees · expansion</th>" in html
    assert len(re.findall(r'class="num count shade-(?:[0-9]|10)"', html)) == 3 * 2  # three outlets in two exchanges
    assert html.count("omits this exchange") == 4 + 2  # the empty row for all four, and Silent Daily twice
    assert html.count('<span class="badge missing">Silent Daily</span>') == 3


def test_the_article_page_links_each_passage_to_its_drilldown(client, story):
    article = Article.objects.get(source="000.txt")
    html = client.get(article.get_absolute_url()).content.decode()
    first = article.passages.get(position=0)
    assert f'href="{reverse("newsdiff:passage", args=[story.slug, first.pk])}"' in html
    assert 'hx-target="#drilldown"' in html


def test_article_text_is_inert_on_every_page(client):
    story = build_story(2, slug="hostile", hostile=" <script>alert(1)</script>")
    passage = Passage.objects.filter(text__contains="<script>").first()
    for response in (page(client, story), page(client, story, **HX), page(client, story, "coverage"),
                     drill(client, passage), drill(client, Passage.objects.filter(text__contains="<script>").last()),
                     client.get(passage.article.get_absolute_url())):
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("name", ["story", "coverage"])
def test_unknown_stories_are_404_and_posts_are_405(client, story, name):
    assert client.get(reverse(f"newsdiff:{name}", args=["nope"])).status_code == 404
    assert client.post(reverse(f"newsdiff:{name}", args=[story.slug])).status_code == 405


def test_a_passage_of_another_story_is_404_and_a_post_405(client, story):
    other = build_story(2, slug="other")
    passage = Passage.objects.filter(article__story=other).first()
    assert client.get(reverse("newsdiff:passage", args=[story.slug, passage.pk])).status_code == 404
    assert client.post(reverse("newsdiff:passage", args=[other.slug, passage.pk])).status_code == 405


PAGES = {"story": 9, "story?by=outlet&q=the": 9, "coverage": 7, "passage": 5, "article": 4}


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries, name):
    counts = []
    for n_articles in (5, 50):
        story = build_story(n_articles, slug=f"s{n_articles}")
        passage = Passage.objects.filter(article__story=story).order_by("pk")[1]
        url, _, query = name.partition("?")
        if url == "passage":
            path = reverse("newsdiff:passage", args=[story.slug, passage.pk])
        elif url == "article":
            path = passage.article.get_absolute_url()
        else:
            path = reverse(f"newsdiff:{url}", args=[story.slug])
        with django_assert_max_num_queries(PAGES[name]) as captured:
            response = client.get(f"{path}?{query}")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    # The same count at both sizes, not merely under the bound at each.
    assert counts[0] == counts[1], counts


def test_static_files_are_served_by_whitenoise_without_debug(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    for path in ("/static/newsdiff/newsdiff.css", "/static/newsdiff/newsdiff.js", "/static/django_htmx/htmx-2.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_a_filtered_fragment_and_a_fresh_load_of_its_url_show_the_same_grid(client, story):
    query = f"?by=outlet&outlet={Outlet.objects.get(name='Outlet 02').pk}&status=all&q=the"
    fragment = page(client, story, query=query, **HX).content.decode().strip()
    full = page(client, story, query=query).content.decode()
    start = full.index('<section id="grid"')
    assert full[start:start + len(fragment)] == fragment
